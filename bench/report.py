"""docs/benchmarks.md: one section per benchmark, replaced on each run, dated, with machine facts."""
from __future__ import annotations

import os
import platform
import re
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path

BENCHMARKS_MD = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"
_TITLE = (
    "# Benchmarks\n\n"
    "Written by `make bench` (`.venv/bin/python -m bench [name ...]`). Each benchmark owns one\n"
    "section below and replaces it when it runs; figures are compared with a baseline measured in\n"
    "the same run, so they can be compared between machines only as ratios.\n"
)


def machine_facts() -> str:
    """One line describing the machine and interpreter the figures come from."""
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    return (
        f"{os.cpu_count()} CPUs ({platform.machine()}), {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}, load average {load} at the end"
    )


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A Markdown table of ``rows`` under ``headers``."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def write_section(name: str, body: str, path: Path = BENCHMARKS_MD) -> None:
    """Put ``body`` under ``## name`` in ``path``, after the run's date and machine facts.

    The section replaces the one of the same name, or is appended; the file is created with a
    title when missing. Other benchmarks' sections are left as they are.
    """
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    section = f"## {name}\n\nLast run {now} on {machine_facts()}.\n\n{body.strip()}\n"
    document = path.read_text(encoding="utf-8") if path.exists() else _TITLE
    existing = re.compile(rf"^## {re.escape(name)}\n.*?(?=^## |\Z)", re.MULTILINE | re.DOTALL)
    if existing.search(document):
        document = existing.sub(lambda _: section + "\n", document, count=1).rstrip("\n") + "\n"
    else:
        document = document.rstrip("\n") + "\n\n" + section
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(document, encoding="utf-8")
