"""Practical tasks as content: ``content/practical/<slug>/`` holds the brief and the rubric.

- ``task.md``: front matter (``slug``, ``title``, ``module`` (IU01–IU15), ``formats`` (accepted
  extensions), ``minutes`` (time allowance), ``points`` (= the rubric's total), optional
  ``starting_file`` (a file in the folder, given to the candidate)), then the brief in Markdown.
- ``rubric.yaml``: the checks (see ``practical.rubric``).

Loading is all or nothing: every problem of every task is reported with its file and line.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lms import officefile
from lms.content import MODULE_RE, ContentError, Problem, read_document, require_slug, require_text
from practical.rubric import Rubric, parse_rubric

CONTENT_ROOT = Path(__file__).resolve().parents[1] / "content" / "practical"
FAMILY_FORMATS = {"document": {"docx", "odt"}, "spreadsheet": {"xlsx", "ods"}, "presentation": {"pptx", "odp"}}


@dataclass(frozen=True)
class Task:
    """A practical task: what the candidate is asked, in which formats, and how it is graded."""

    slug: str
    title: str
    module: str
    formats: tuple[str, ...]
    minutes: int
    points: float
    brief: str  # Markdown
    rubric: Rubric
    folder: Path
    starting_file: Path | None = None

    @property
    def family(self) -> str:
        """document, spreadsheet or presentation."""
        return self.rubric.family


def load_task(folder: Path) -> Task:
    """The task in ``folder``; raises ``ContentError`` listing every problem."""
    problems: list[Problem] = []
    task = _task(folder, problems)
    if problems or task is None:
        raise ContentError(problems)
    return task


def load_tasks(root: Path = CONTENT_ROOT) -> dict[str, Task]:
    """Every task under ``root`` by slug (folders holding a ``task.md``); all or nothing."""
    problems: list[Problem] = []
    tasks: dict[str, Task] = {}
    for folder in sorted(p for p in root.iterdir() if (p / "task.md").exists()):
        task = _task(folder, problems)
        if task is None:
            continue
        if task.slug in tasks:
            problems.append(Problem(folder / "task.md", 1, f"slug '{task.slug}' is used by another task"))
        tasks[task.slug] = task
    if problems:
        raise ContentError(problems)
    return tasks


def _task(folder: Path, problems: list[Problem]) -> Task | None:
    before = len(problems)
    document = read_document(folder / "task.md", problems)
    rubric_path = folder / "rubric.yaml"
    rubric = None
    if rubric_path.exists():
        rubric = parse_rubric(rubric_path.read_text(encoding="utf-8"), rubric_path, problems)
    else:
        problems.append(Problem(rubric_path, 1, "missing: each task needs a rubric.yaml beside task.md"))
    if document is None:
        return None
    path = document.path
    meta = document.meta
    slug = require_slug(document, problems)
    if slug and slug != folder.name:
        problems.append(Problem(path, 1, f"slug '{slug}' must be the folder's name '{folder.name}'"))
    title = require_text(document, "title", problems)
    module = meta.get("module")
    if not isinstance(module, str) or not MODULE_RE.match(module):
        problems.append(Problem(path, 1, "'module' must be a module code IU01–IU15"))
    formats = meta.get("formats")
    if not isinstance(formats, list) or not formats or not all(isinstance(f, str) for f in formats):
        problems.append(Problem(path, 1, "'formats' must list accepted extensions, e.g. [docx, odt]"))
        formats = []
    formats = [f.lower().lstrip(".") for f in formats]
    minutes = meta.get("minutes")
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not 1 <= minutes <= 240:
        problems.append(Problem(path, 1, "'minutes' must be a whole number of minutes (1–240)"))
    points = meta.get("points")
    if isinstance(points, bool) or not isinstance(points, (int, float)) or points <= 0:
        problems.append(Problem(path, 1, "'points' must be a number above 0"))
    if rubric is not None:
        allowed = FAMILY_FORMATS[rubric.family]
        if not set(formats) <= allowed:
            problems.append(Problem(path, 1, f"'formats' for a {rubric.family} task are among "
                                             f"{', '.join(sorted(allowed))}"))
        if isinstance(points, (int, float)) and abs(rubric.max_points - points) > 1e-9:
            problems.append(Problem(path, 1, f"'points' ({points:g}) must equal the rubric's total "
                                             f"({rubric.max_points:g})"))
    starting = None
    if meta.get("starting_file") is not None:
        name = meta["starting_file"]
        starting = folder / str(name)
        if not isinstance(name, str) or "/" in name or not starting.is_file():
            problems.append(Problem(path, 1, f"'starting_file' {name!r} is not a file in {folder}"))
        else:
            try:
                officefile.inspect(starting.read_bytes(), starting.name, accept=set(formats))
            except officefile.OfficeFileError as error:
                problems.append(Problem(starting, 1, f"starting file refused: {error.code}"))
    if len(problems) > before or rubric is None:
        return None
    if not isinstance(module, str) or not isinstance(minutes, int) or not isinstance(points, (int, float)):
        return None  # already reported above
    return Task(slug=slug, title=title, module=module, formats=tuple(formats), minutes=minutes,
                points=float(points), brief=document.body, rubric=rubric, folder=folder, starting_file=starting)
