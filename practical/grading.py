"""Grading an uploaded file against a task's rubric: the service the web layer calls.

``grade(data, filename, task)`` checks the upload (``lms.officefile``: format by content, archive
limits, no macros), reads it with the reader of its family, runs every check of the rubric and
returns a ``GradeResult``: per check, passed or not, the points, where in the file, what was found
(a finding code and parameters) and the rubric's explanation in Vietnamese and English. Texts are
produced at display time (``CheckResult.message()``, ``CheckResult.explanation(language)``) so a
stored result shows in the reader's language. A file that cannot be graded raises
``lms.officefile.OfficeFileError`` (codes listed there); nothing is graded half-way.

Examiners' overrides keep the machine's verdict beside theirs (``GradeResult.with_overrides``).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from lms.officefile import DEFAULT_LIMITS, Limits, OfficeFile, OfficeFileError, inspect
from practical.formats.document import read_document
from practical.formats.presentation import read_presentation
from practical.formats.spreadsheet import read_workbook
from practical.graders import Location, Outcome, documents, presentations, spreadsheets
from practical.messages import describe_finding, describe_location
from practical.rubric import Check, Rubric
from practical.tasks import FAMILY_FORMATS, Task

READERS = {"document": read_document, "spreadsheet": read_workbook, "presentation": read_presentation}
# Each family's grader reads its own model (DocumentModel, WorkbookModel, PresentationModel).
GRADERS: dict[str, Callable[[Any, Check], Outcome]] = {
    "document": documents.evaluate, "spreadsheet": spreadsheets.evaluate, "presentation": presentations.evaluate}


@dataclass(frozen=True)
class Override:
    """An examiner's decision on one check; the machine's verdict stays in the result beside it."""

    passed: bool
    reason: str
    by: str = ""  # who decided (the web layer records the account and audits the change)


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one check of the rubric."""

    id: str
    kind: str
    passed: bool  # the machine's verdict
    max_points: float
    finding: str
    params: dict = field(default_factory=dict)
    location: Location | None = None
    explain: dict[str, str] = field(default_factory=dict)  # language → the rubric's explanation
    override: Override | None = None

    @property
    def final_passed(self) -> bool:
        """The verdict that counts: the examiner's when overridden, else the machine's."""
        return self.override.passed if self.override is not None else self.passed

    @property
    def points(self) -> float:
        """Points awarded (all or nothing per check)."""
        return self.max_points if self.final_passed else 0.0

    def message(self) -> str:
        """What was found, in the reader's language (gettext)."""
        return describe_finding(self.finding, self.params)

    def where(self) -> str:
        """Where in the file, in the reader's language."""
        return describe_location(self.location)

    def explanation(self, language: str = "vi") -> str:
        """The rubric's explanation in ``language`` ("vi" or "en"), Vietnamese when it has no such text."""
        return self.explain.get(language) or self.explain.get("vi", "")

    def to_dict(self) -> dict:
        """JSON-ready form."""
        data = {"id": self.id, "kind": self.kind, "passed": self.passed, "max_points": self.max_points,
                "finding": self.finding, "params": self.params, "explain": self.explain,
                "location": self.location.to_dict() if self.location else None}
        if self.override is not None:
            data["override"] = {"passed": self.override.passed, "reason": self.override.reason, "by": self.override.by}
        return data

    @classmethod
    def from_dict(cls, data: dict) -> CheckResult:
        """Inverse of ``to_dict``."""
        override = data.get("override")
        return cls(id=data["id"], kind=data["kind"], passed=data["passed"], max_points=data["max_points"],
                   finding=data["finding"], params=data.get("params") or {}, explain=data.get("explain") or {},
                   location=Location.from_dict(data["location"]) if data.get("location") else None,
                   override=Override(**override) if override else None)


@dataclass(frozen=True)
class GradeResult:
    """The result of grading one file."""

    task: str
    file_kind: str  # docx, xlsx, …
    checks: tuple[CheckResult, ...]

    @property
    def score(self) -> float:
        """Points awarded (overrides counted)."""
        return sum(c.points for c in self.checks)

    @property
    def machine_score(self) -> float:
        """Points the machine awarded, before any override."""
        return sum(c.max_points for c in self.checks if c.passed)

    @property
    def max_score(self) -> float:
        """The rubric's total."""
        return sum(c.max_points for c in self.checks)

    def with_overrides(self, overrides: dict[str, Override]) -> GradeResult:
        """This result with examiners' decisions on some checks (by check id); unknown ids raise KeyError."""
        ids = {c.id for c in self.checks}
        unknown = set(overrides) - ids
        if unknown:
            raise KeyError(", ".join(sorted(unknown)))
        return replace(self, checks=tuple(replace(c, override=overrides.get(c.id, c.override)) for c in self.checks))

    def to_dict(self) -> dict:
        """JSON-ready form, for storing with the attempt."""
        return {"task": self.task, "file_kind": self.file_kind, "score": self.score, "max_score": self.max_score,
                "checks": [c.to_dict() for c in self.checks]}

    @classmethod
    def from_dict(cls, data: dict) -> GradeResult:
        """Inverse of ``to_dict``."""
        return cls(task=data["task"], file_kind=data["file_kind"],
                   checks=tuple(CheckResult.from_dict(c) for c in data["checks"]))


def grade(data: bytes, filename: str, task: Task, *, limits: Limits = DEFAULT_LIMITS) -> GradeResult:
    """Grade an uploaded file for ``task``; raises ``OfficeFileError`` if the file cannot be graded."""
    checked = inspect(data, filename, accept=set(task.formats), limits=limits)
    return grade_checked(checked, task.rubric, task.slug)


def grade_checked(checked: OfficeFile, rubric: Rubric, task_slug: str = "") -> GradeResult:
    """Grade a file already checked by ``lms.officefile.inspect`` against ``rubric``."""
    if checked.family != rubric.family:
        raise OfficeFileError("not-accepted", extension=checked.kind.extension,
                              accepted=sorted(FAMILY_FORMATS[rubric.family]))
    model = READERS[rubric.family](checked)
    evaluate = GRADERS[rubric.family]
    results = []
    for check in rubric.checks:
        outcome = evaluate(model, check)
        results.append(CheckResult(id=check.id, kind=check.kind, passed=outcome.passed, max_points=check.points,
                                   finding=outcome.finding, params=outcome.params, location=outcome.location,
                                   explain=dict(check.explain)))
    return GradeResult(task=task_slug, file_kind=checked.kind.extension, checks=tuple(results))
