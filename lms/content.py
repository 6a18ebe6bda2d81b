"""Reading content files (Markdown with YAML front matter) and reporting their errors.

Content lives in the repository as files people review (see content/FORMAT.md). Each
feature loads its part; loading is all-or-nothing: every problem of every file is
collected and reported with its file and line, and nothing is stored.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from lms.text import nfc

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MODULE_RE = re.compile(r"^IU(0[1-9]|1[0-5])$")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a content file."""

    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class ContentError(Exception):
    """Content that cannot be loaded; ``problems`` lists every error found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True)
class Document:
    """A Markdown file split into its front matter and body."""

    path: Path
    meta: dict
    body: str


def read_document(path: Path, problems: list[Problem]) -> Document | None:
    """Read ``path``; on error add to ``problems`` and return None."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        problems.append(Problem(path, 1, f"not UTF-8 text (byte {error.start})"))
        return None
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        problems.append(Problem(path, 1, "missing front matter: the file must start with a line '---'"))
        return None
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        problems.append(Problem(path, 1, "front matter is not closed by a line '---'"))
        return None
    try:
        meta = yaml.safe_load("\n".join(lines[1:end])) or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 2
        problems.append(Problem(path, line, f"front matter is not valid YAML: {getattr(error, 'problem', error)}"))
        return None
    if not isinstance(meta, dict):
        problems.append(Problem(path, 2, "front matter must be a set of 'key: value' lines"))
        return None
    return Document(path=path, meta=meta, body=nfc("\n".join(lines[end + 1:])) + "\n")


def require_text(doc: Document, key: str, problems: list[Problem], *, max_length: int = 255) -> str:
    """A required text field of the front matter (NFC), or '' after recording a problem."""
    value = doc.meta.get(key)
    if not isinstance(value, str) or not value.strip():
        problems.append(Problem(doc.path, 1, f"front matter needs '{key}' (text)"))
        return ""
    if len(value) > max_length:
        problems.append(Problem(doc.path, 1, f"'{key}' is longer than {max_length} characters"))
    return nfc(value)


def require_slug(doc: Document, problems: list[Problem]) -> str:
    """The ``slug`` field: lower-case letters, digits and hyphens."""
    slug = doc.meta.get("slug")
    if not isinstance(slug, str) or not SLUG_RE.match(slug):
        problems.append(Problem(doc.path, 1, "front matter needs 'slug' (a-z, 0-9 and hyphens)"))
        return ""
    return slug


def module_list(doc: Document, problems: list[Problem], *, required: bool = True) -> list[str]:
    """The ``modules`` field: a list of framework module codes IU01–IU15."""
    value = doc.meta.get("modules")
    if value is None and not required:
        return []
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and MODULE_RE.match(v) for v in value):
        problems.append(Problem(doc.path, 1, "front matter 'modules' must list codes IU01–IU15, e.g. [IU03]"))
        return []
    return list(value)


def optional_int(doc: Document, key: str, default: int, problems: list[Problem]) -> int:
    """An optional whole-number field."""
    value = doc.meta.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        problems.append(Problem(doc.path, 1, f"'{key}' must be a whole number"))
        return default
    return value
