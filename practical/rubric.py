"""The declarative rubric of a practical task: checks as data, validated into typed objects.

A rubric is a YAML file beside the task (``content/practical/<slug>/rubric.yaml``)::

    family: spreadsheet              # document | spreadsheet | presentation
    checks:
      - id: tong-luong               # unique in the rubric
        kind: formula                # one of KINDS below
        points: 2
        cell: F12
        function: SUM
        range: F2:F11
        explain:                     # shown to the candidate with the result, in their language
          vi: Ô F12 tính tổng lương bằng hàm SUM trên vùng F2:F11.
          en: Cell F12 totals the pay with SUM over F2:F11.

Each kind has its own fields (see the dataclasses below; ``docs/practical.md`` lists them with
examples). Nothing in a rubric is executed: every kind is interpreted by the grader of its family.
Errors name the file, the line and the check, and every error of a file is reported at once.
"""
from __future__ import annotations

import re
import types
import typing
from dataclasses import MISSING, dataclass, field, fields
from pathlib import Path

import yaml

from lms.content import ContentError, Problem
from lms.text import nfc

FAMILIES = ("document", "spreadsheet", "presentation")
CELL_RE = re.compile(r"^\$?[A-Z]{1,3}\$?[1-9][0-9]{0,6}$")
RANGE_RE = re.compile(r"^\$?[A-Z]{1,3}\$?[1-9][0-9]{0,6}(:\$?[A-Z]{1,3}\$?[1-9][0-9]{0,6})?$")
COLUMN_RE = re.compile(r"^[A-Z]{1,3}$")
ALIGNMENTS = ("left", "center", "right", "justify")
CHART_KINDS = ("column", "bar", "line", "pie", "doughnut", "area", "scatter", "radar")
LAYOUTS = ("title", "title-content", "two-content", "title-only", "blank")


class RubricError(ContentError):
    """A rubric that cannot be used; ``problems`` name the file, line and check of each error."""


# Field types ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Between:
    """An inclusive range of numbers; a rubric writes ``14`` or ``[13, 14]``."""

    low: float
    high: float

    def __contains__(self, value: object) -> bool:
        return isinstance(value, (int, float)) and self.low - 1e-6 <= value <= self.high + 1e-6

    def __str__(self) -> str:
        low, high = f"{self.low:g}".replace(".", ","), f"{self.high:g}".replace(".", ",")
        return low if self.low == self.high else f"{low}–{high}"


@dataclass(frozen=True)
class Target:
    """Which paragraphs a document check looks at.

    Exactly one of: ``text`` (paragraphs whose text contains, starts with or equals it, spacing and
    case ignored; the first match unless ``all``), ``style`` (paragraph style name), ``heading``
    (outline level), ``body: true`` (every non-empty paragraph of the main text outside tables).
    """

    text: str | None = None
    match: str = "contains"  # contains | starts | equals
    style: str | None = None
    heading: int | None = None
    body: bool = False
    all: bool = False  # with text: every matching paragraph, not just the first


# Check kinds ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    """What every check has."""

    id: str
    kind: str
    points: float
    explain: dict[str, str]  # language → text ("vi" and "en")


def _choices(*values: str) -> dict:
    return {"choices": values}


# Documents


@dataclass(frozen=True)
class PageSetupCheck(Check):
    """Paper size and orientation of the (first) section."""

    size: str | None = field(default=None, metadata=_choices("A4", "A5", "A3", "Letter"))
    orientation: str | None = field(default=None, metadata=_choices("portrait", "landscape"))


@dataclass(frozen=True)
class MarginsCheck(Check):
    """Page margins in millimetres."""

    top: Between | None = None
    bottom: Between | None = None
    left: Between | None = None
    right: Between | None = None


@dataclass(frozen=True)
class FontCheck(Check):
    """Font family and/or size (points) of every run of the target paragraphs."""

    target: Target = field(default_factory=Target)
    family: str | None = None
    size: Between | None = None


@dataclass(frozen=True)
class TextFormatCheck(Check):
    """Bold, italic, underline (all runs) and alignment of the target paragraphs."""

    target: Target = field(default_factory=Target)
    bold: bool | None = None
    italic: bool | None = None
    underline: bool | None = None
    align: str | None = field(default=None, metadata=_choices(*ALIGNMENTS))


@dataclass(frozen=True)
class SpacingCheck(Check):
    """Line spacing (lines), space before/after (points), first-line indent (cm) of the target."""

    target: Target = field(default_factory=Target)
    line: Between | None = None
    before: Between | None = None
    after: Between | None = None
    first_line_indent: Between | None = None


@dataclass(frozen=True)
class TableCheck(Check):
    """A table (the ``index``-th, or the first containing ``containing``) with rows, columns, header."""

    index: int | None = None
    containing: str | None = None
    rows: Between | None = None
    cols: Between | None = None
    header: list[str] | None = None  # the first row's cells, in order


@dataclass(frozen=True)
class HeaderFooterCheck(Check):
    """A page header or footer holding a page number and/or a text."""

    where: str = field(default="any", metadata=_choices("header", "footer", "any"))
    page_number: bool | None = None
    contains: str | None = None
    first_page_different: bool | None = None


@dataclass(frozen=True)
class PictureCheck(Check):
    """At least ``min`` pictures in the main text."""

    min: int = 1


@dataclass(frozen=True)
class HeadingCheck(Check):
    """The paragraph found by ``text`` has a heading style of ``level``."""

    text: str = ""
    level: int = 1


@dataclass(frozen=True)
class TextCheck(Check):
    """A text is present (or, with ``absent: true``, absent) in the main text."""

    contains: str = ""
    absent: bool = False


@dataclass(frozen=True)
class WordCountCheck(Check):
    """The main text has between ``min`` and ``max`` words."""

    min: int = 0
    max: int | None = None


# Spreadsheets


@dataclass(frozen=True)
class CellValueCheck(Check):
    """A cell shows a value (a number within ``tolerance``, or a text, spacing and case ignored)."""

    cell: str = field(default="", metadata={"kind": "cell"})
    equals: float | str | None = None
    tolerance: float = 0.0
    sheet: str | None = None


@dataclass(frozen=True)
class FormulaCheck(Check):
    """Each cell of ``cells`` holds a formula using every one of ``functions`` and referring to ``range``.

    A typed-in number never passes. ``range`` is matched against the formula's references with
    ``$`` ignored; with ``relative: true`` (for a column of formulas), row numbers move with the
    cell: ``range: B2:D2`` for ``cells: E2:E11`` means B3:D3 in E3, and so on.
    """

    cells: str = field(default="", metadata={"kind": "range"})
    functions: list[str] = field(default_factory=list)
    range: str | None = field(default=None, metadata={"kind": "range"})
    relative: bool = False
    sheet: str | None = None


@dataclass(frozen=True)
class NumberFormatCheck(Check):
    """Every non-empty cell of ``cells`` shows numbers with the given decimals / grouping / percent / date."""

    cells: str = field(default="", metadata={"kind": "range"})
    decimals: int | None = None
    thousands: bool | None = None
    percent: bool | None = None
    date: bool | None = None
    sheet: str | None = None


@dataclass(frozen=True)
class SortedCheck(Check):
    """The rows of ``range`` are sorted by ``column`` (a letter) in ``order``."""

    range: str = field(default="", metadata={"kind": "range"})
    column: str = field(default="", metadata={"kind": "column"})
    order: str = field(default="asc", metadata=_choices("asc", "desc"))
    sheet: str | None = None


@dataclass(frozen=True)
class LookupCheck(Check):
    """In ``range``, the row whose ``key_column`` is ``key`` has ``equals`` in ``column`` (rows kept whole)."""

    range: str = field(default="", metadata={"kind": "range"})
    key_column: str = field(default="", metadata={"kind": "column"})
    key: str = ""
    column: str = field(default="", metadata={"kind": "column"})
    equals: float | str | None = None
    tolerance: float = 0.0
    sheet: str | None = None


@dataclass(frozen=True)
class FilterCheck(Check):
    """Filter buttons over a range covering ``range``; with ``column``, a criterion set on that column."""

    range: str = field(default="", metadata={"kind": "range"})
    column: str | None = field(default=None, metadata={"kind": "column"})
    sheet: str | None = None


@dataclass(frozen=True)
class ChartCheck(Check):
    """A chart of ``type`` whose series plot ``values`` (and ``categories``); ``title`` contained in its title."""

    type: str | None = field(default=None, metadata=_choices(*CHART_KINDS))
    values: str | None = field(default=None, metadata={"kind": "range"})
    categories: str | None = field(default=None, metadata={"kind": "range"})
    title: str | None = None
    sheet: str | None = None


@dataclass(frozen=True)
class FreezeCheck(Check):
    """Panes frozen so that ``cell`` is the top-left cell of the scrolling area ("A2" keeps row 1)."""

    cell: str = field(default="", metadata={"kind": "cell"})
    sheet: str | None = None


# Presentations


@dataclass(frozen=True)
class SlideCountCheck(Check):
    """The number of slides is within ``count``."""

    count: Between = field(default_factory=lambda: Between(1, 1))


@dataclass(frozen=True)
class LayoutCheck(Check):
    """Slide ``slide`` uses a layout of kind ``layout``."""

    slide: int = 1
    layout: str = field(default="title", metadata=_choices(*LAYOUTS))


@dataclass(frozen=True)
class TitleCheck(Check):
    """Slide ``slide`` has a title containing (or, with ``exact``, equal to) ``text``; any title if empty."""

    slide: int = 1
    text: str = ""
    exact: bool = False


@dataclass(frozen=True)
class SlidePictureCheck(Check):
    """At least ``min`` pictures on slide ``slide`` (0 = on any one slide)."""

    slide: int = 0
    min: int = 1


@dataclass(frozen=True)
class TransitionCheck(Check):
    """A transition on slide ``slide``, or on every slide when ``slide`` is 0."""

    slide: int = 0


@dataclass(frozen=True)
class NotesCheck(Check):
    """Speaker notes on slide ``slide`` (0 = every slide) of at least ``min_chars`` characters, or containing a text."""

    slide: int = 0
    min_chars: int = 1
    contains: str | None = None


@dataclass(frozen=True)
class BulletsCheck(Check):
    """At least ``min`` bullet points on slide ``slide`` (0 = on ``slides`` slides at least)."""

    slide: int = 0
    min: int = 3
    slides: int = 1


@dataclass(frozen=True)
class SlideChartCheck(Check):
    """A chart (of ``type`` when given) on slide ``slide`` (0 = on any slide)."""

    slide: int = 0
    type: str | None = field(default=None, metadata=_choices(*CHART_KINDS))


KINDS: dict[str, tuple[str, type[Check]]] = {
    "page_setup": ("document", PageSetupCheck), "margins": ("document", MarginsCheck),
    "font": ("document", FontCheck), "text_format": ("document", TextFormatCheck),
    "spacing": ("document", SpacingCheck), "table": ("document", TableCheck),
    "header_footer": ("document", HeaderFooterCheck), "picture": ("document", PictureCheck),
    "heading": ("document", HeadingCheck), "text": ("document", TextCheck),
    "word_count": ("document", WordCountCheck),
    "cell_value": ("spreadsheet", CellValueCheck), "formula": ("spreadsheet", FormulaCheck),
    "number_format": ("spreadsheet", NumberFormatCheck), "sorted": ("spreadsheet", SortedCheck),
    "lookup": ("spreadsheet", LookupCheck), "filter": ("spreadsheet", FilterCheck),
    "chart": ("spreadsheet", ChartCheck), "freeze": ("spreadsheet", FreezeCheck),
    "slide_count": ("presentation", SlideCountCheck), "layout": ("presentation", LayoutCheck),
    "title": ("presentation", TitleCheck), "slide_picture": ("presentation", SlidePictureCheck),
    "transition": ("presentation", TransitionCheck), "notes": ("presentation", NotesCheck),
    "bullets": ("presentation", BulletsCheck), "slide_chart": ("presentation", SlideChartCheck),
}
# Fields a check needs beyond the common ones (a default of "" or an empty list is not enough).
REQUIRED = {"heading": ("text",), "text": ("contains",), "cell_value": ("cell", "equals"),
            "formula": ("cells",), "number_format": ("cells",), "sorted": ("range", "column"),
            "lookup": ("range", "key_column", "key", "column", "equals"), "filter": ("range",),
            "freeze": ("cell",), "slide_count": ("count",), "layout": ("slide", "layout")}
# At least one of these must be given.
ONE_OF = {"page_setup": ("size", "orientation"), "margins": ("top", "bottom", "left", "right"),
          "font": ("family", "size"), "text_format": ("bold", "italic", "underline", "align"),
          "spacing": ("line", "before", "after", "first_line_indent"), "table": ("rows", "cols", "header"),
          "header_footer": ("page_number", "contains", "first_page_different"),
          "number_format": ("decimals", "thousands", "percent", "date"),
          "chart": ("type", "values", "categories", "title"), "formula": ("functions", "range")}


@dataclass(frozen=True)
class Rubric:
    """A validated rubric: its family and checks, in order."""

    family: str
    checks: tuple[Check, ...]

    @property
    def max_points(self) -> float:
        """The sum of the checks' points."""
        return sum(c.points for c in self.checks)


# Loading -------------------------------------------------------------------------------------------


def load_rubric(path: Path) -> Rubric:
    """Read and validate ``path``; raise ``RubricError`` listing every problem."""
    problems: list[Problem] = []
    rubric = parse_rubric(path.read_text(encoding="utf-8"), path, problems)
    if problems or rubric is None:
        raise RubricError(problems)
    return rubric


def parse_rubric(text: str, path: Path, problems: list[Problem]) -> Rubric | None:
    """Validate rubric ``text`` (from ``path``, for messages); append problems and return None on error."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        problems.append(Problem(path, line, f"not valid YAML: {getattr(error, 'problem', error)}"))
        return None
    if not isinstance(data, dict):
        problems.append(Problem(path, 1, "a rubric is a mapping with 'family' and 'checks'"))
        return None
    lines = _check_lines(node)
    family = data.get("family")
    if family not in FAMILIES:
        problems.append(Problem(path, 1, f"'family' must be one of {', '.join(FAMILIES)}"))
    unknown = set(data) - {"family", "checks"}
    if unknown:
        problems.append(Problem(path, 1, f"unknown key(s): {', '.join(sorted(unknown))}"))
    raw_checks = data.get("checks")
    if not isinstance(raw_checks, list) or not raw_checks:
        problems.append(Problem(path, 1, "'checks' must be a non-empty list"))
        return None
    checks: list[Check] = []
    seen: set[str] = set()
    before = len(problems)
    for number, raw in enumerate(raw_checks):
        line = lines[number] if number < len(lines) else 1
        check = _check(raw, number, line, path, family, problems)
        if check is None:
            continue
        if check.id in seen:
            problems.append(Problem(path, line, f"check '{check.id}': the id is used twice"))
        seen.add(check.id)
        checks.append(check)
    if len(problems) > before or not isinstance(family, str) or family not in FAMILIES:
        return None  # a wrong family is already reported above
    return Rubric(family=family, checks=tuple(checks))


def _check_lines(node) -> list[int]:
    if not isinstance(node, yaml.MappingNode):
        return []
    for key, value in node.value:
        if key.value == "checks" and isinstance(value, yaml.SequenceNode):
            return [item.start_mark.line + 1 for item in value.value]
    return []


def _check(raw: object, number: int, line: int, path: Path, family: str | None,
           problems: list[Problem]) -> Check | None:
    label = f"check {number + 1}"
    if not isinstance(raw, dict):
        problems.append(Problem(path, line, f"{label}: must be a mapping"))
        return None
    if isinstance(raw.get("id"), str) and re.match(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$", raw["id"]):
        label = f"check '{raw['id']}'"
    else:
        problems.append(Problem(path, line, f"{label}: 'id' must be a-z, 0-9, '-' or '_'"))
    kind = raw.get("kind")
    if kind not in KINDS:
        problems.append(Problem(path, line, f"{label}: unknown kind {kind!r}; kinds: {', '.join(sorted(KINDS))}"))
        return None
    kind_family, cls = KINDS[kind]
    if family in FAMILIES and kind_family != family:
        problems.append(Problem(path, line, f"{label}: kind '{kind}' checks a {kind_family}, not a {family}"))
    errors: list[str] = []
    values: dict[str, typing.Any] = {}  # each converted to its field's type by _convert
    hints = typing.get_type_hints(cls)
    names = {f.name for f in fields(cls)}
    for key in raw:
        if key not in names:
            errors.append(f"unknown field '{key}'")
    for spec in fields(cls):
        if spec.name not in raw:
            if spec.default is MISSING and spec.default_factory is MISSING:
                errors.append(f"'{spec.name}' is required")
            continue
        value = _convert(raw[spec.name], hints[spec.name], spec.metadata, spec.name, errors)
        if value is not _INVALID:
            values[spec.name] = value
    points = values.get("points")
    if isinstance(points, (int, float)) and points <= 0:
        errors.append("'points' must be more than 0")
    explain = values.get("explain")
    if isinstance(explain, dict) and not all(isinstance(explain.get(lang), str) and explain[lang].strip()
                                             for lang in ("vi", "en")):
        errors.append("'explain' needs a text in 'vi' and in 'en'")
    for name in REQUIRED.get(kind, ()):
        if name not in raw or raw[name] in ("", [], None):
            errors.append(f"'{name}' is required for kind '{kind}'")
    if kind in ONE_OF and not any(raw.get(name) is not None for name in ONE_OF[kind]):
        errors.append(f"give at least one of {', '.join(ONE_OF[kind])}")
    target = values.get("target")
    if isinstance(target, Target):
        chosen = [target.text is not None, target.style is not None, target.heading is not None, target.body]
        if sum(chosen) != 1:
            errors.append("'target' needs exactly one of text, style, heading, body")
        if target.match not in ("contains", "starts", "equals"):
            errors.append("'target.match' must be contains, starts or equals")
    elif "target" in names and "target" not in raw:
        errors.append("'target' is required")
    if kind == "formula" and isinstance(values.get("functions"), list):
        values["functions"] = [f.upper() for f in values["functions"]]
    for message in errors:
        problems.append(Problem(path, line, f"{label}: {message}"))
    if errors:
        return None
    return cls(**values)


_INVALID = object()


def _convert(value: object, hint, metadata, name: str, errors: list[str]):
    """``value`` checked against the field's type hint (and its metadata), or ``_INVALID``."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        options = [h for h in typing.get_args(hint) if h is not type(None)]
        if value is None:
            return None
        if len(options) == 1:
            return _convert(value, options[0], metadata, name, errors)
        for option in options:  # float | str: a number or a text
            attempt: list[str] = []
            converted = _convert(value, option, metadata, name, attempt)
            if not attempt:
                return converted
        errors.append(f"'{name}' must be a number or a text")
        return _INVALID
    if hint is bool:
        if not isinstance(value, bool):
            errors.append(f"'{name}' must be true or false")
            return _INVALID
        return value
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            errors.append(f"'{name}' must be a whole number")
            return _INVALID
        return value
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            errors.append(f"'{name}' must be a number")
            return _INVALID
        return float(value)
    if hint is str:
        if not isinstance(value, str) or not value.strip():
            errors.append(f"'{name}' must be a text")
            return _INVALID
        value = nfc(value)
        choices = metadata.get("choices")
        if choices and value not in choices:
            errors.append(f"'{name}' must be one of {', '.join(choices)}")
            return _INVALID
        pattern = {"cell": CELL_RE, "range": RANGE_RE, "column": COLUMN_RE}.get(metadata.get("kind"))
        if pattern is not None:
            value = value.upper()
            if not pattern.match(value.split("!")[-1]):
                errors.append(f"'{name}' is not a {metadata['kind']} reference: {value!r}")
                return _INVALID
        return value
    if hint is Between:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return Between(float(value), float(value))
        numbers = isinstance(value, list) and all(
            isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)
        if numbers and isinstance(value, list) and len(value) == 2 and value[0] <= value[1]:
            return Between(float(value[0]), float(value[1]))
        errors.append(f"'{name}' must be a number or [low, high]")
        return _INVALID
    if hint is Target:
        if not isinstance(value, dict) or set(value) - {"text", "match", "style", "heading", "body", "all"}:
            errors.append(f"'{name}' must be a mapping of text/match/style/heading/body/all")
            return _INVALID
        converted = {k: nfc(v) if isinstance(v, str) else v for k, v in value.items()}
        return Target(**converted)
    if origin is list:
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            errors.append(f"'{name}' must be a list of texts")
            return _INVALID
        return [nfc(v) for v in value]
    if origin is dict:
        if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
            errors.append(f"'{name}' must be a mapping of language to text")
            return _INVALID
        return {k: nfc(v) for k, v in value.items()}
    errors.append(f"'{name}' has an unsupported value")
    return _INVALID
