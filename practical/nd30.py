"""Format checker for administrative documents (Nghị định 30/2020/NĐ-CP, Appendix I).

``check(data, filename)`` reads a .docx or .odt and lists its deviations from the format rules:
paper and margins, the font, and the size and style of each element it can find (quốc hiệu,
tiêu ngữ, tên cơ quan, số và ký hiệu, địa danh và thời gian, tên loại và trích yếu, V/v, nội dung,
chức vụ và họ tên người ký, nơi nhận, page numbers). Each deviation says where it is and how to
fix it, in Vietnamese.

Elements are found by their content (folded: no diacritics, any case, any spacing, NFC or NFD)
and their position (the header is usually a two-column borderless table; the signature block
another). An element that cannot be found is reported as not recognised ("không nhận ra") and
none of its rules are applied: the checker does not guess.
"""
from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from lms.officefile import DEFAULT_LIMITS, Limits, inspect
from lms.text import fold
from practical.formats.document import DocumentModel, Paragraph, Run, read_document

# The rule values (DOMAIN.md, "Administrative document format"). Sizes in points, lengths in mm.
PAPER_MM = (210.0, 297.0)
PAPER_TOLERANCE_MM = 2.0
MARGINS_MM = {"top": (20.0, 25.0), "bottom": (20.0, 25.0), "left": (30.0, 35.0), "right": (15.0, 20.0)}
MARGIN_TOLERANCE_MM = 0.5
FONT = "Times New Roman"
SIZE_TOLERANCE = 0.25
INDENT_CM = (0.95, 1.32)  # 1 cm or 1.27 cm
MIN_PARAGRAPH_SPACING_PT = 6.0
LINE_MULTIPLE = (1.0, 1.5)
LINE_EXACT_PT = (15.0, 24.5)  # "từ 15pt (exactly) trở lên", at most about 1.5 lines of 13–14 pt
SIGNER_PREFIXES = ("TM.", "KT.", "TL.", "TUQ.", "Q.")
# The page count is estimated from the text (see _estimate_pages); numbering is required only when the
# estimate is clearly above one page, and a one-page verdict needs it clearly below.
MULTI_PAGE_ESTIMATE = 1.05
SINGLE_PAGE_ESTIMATE = 0.95

ELEMENTS = ("trang", "phong-chu", "quoc-hieu", "tieu-ngu", "co-quan-chu-quan", "co-quan", "so", "dia-danh",
            "ten-loai", "trich-yeu", "vv", "noi-dung", "chuc-vu", "ho-ten", "noi-nhan", "so-trang")

# Document types (Appendix III) by folded name, with their abbreviation.
DOCUMENT_TYPES = {
    "nghi quyet": "NQ", "quyet dinh": "QĐ", "chi thi": "CT", "quy che": "QC", "quy dinh": "QyĐ",
    "thong cao": "TC", "thong bao": "TB", "huong dan": "HD", "chuong trinh": "CTr", "ke hoach": "KH",
    "phuong an": "PA", "de an": "ĐA", "du an": "DA", "bao cao": "BC", "bien ban": "BB", "to trinh": "TTr",
    "hop dong": "HĐ", "cong dien": "CĐ", "ban ghi nho": "BGN", "ban thoa thuan": "BTT", "giay uy quyen": "GUQ",
    "giay moi": "GM", "giay gioi thieu": "GGT", "giay nghi phep": "GNP", "phieu gui": "PG", "phieu chuyen": "PC",
    "phieu bao": "PB", "thu cong": "TC", "ban sao y": "SY", "ban trich sao": "TrS", "ban sao luc": "SL",
}
_ABBREVIATIONS = {fold(a): name for name, a in DOCUMENT_TYPES.items()}

_QUOC_HIEU = "cong hoa xa hoi chu nghia viet nam"
_MOTTO = "Độc lập - Tự do - Hạnh phúc"
_DATE_RE = re.compile(r"^(?P<place>[^,]{2,40}),\s*ngay\s+(?P<day>\d{1,2})\s+thang\s+(?P<month>\d{1,2})\s+"
                      r"nam\s+(?P<year>\d{4})\s*\.?$")
_SLASH_DATE_RE = re.compile(r"^(?P<place>[^,]{2,40}),\s*(?:ngay\s*)?\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{4}\s*$")
_NUMBER_RE = re.compile(r"^so\s*[:.]?\s*(?P<number>\d+)\s*/\s*(?P<symbol>\S+)")
_RULE_TEXT_RE = re.compile(r"^[\s_\-–—=.*~]{3,}$")
_UNIT_WORDS = ("so ", "phong ", "ban ", "trung tam", "cuc ", "chi cuc", "vu ", "van phong", "vien ", "truong ",
               "benh vien", "thanh tra", "doan ", "hoi dong", "to ", "kho bac", "cong an", "bo chi huy", "ubnd ",
               "uy ban nhan dan xa", "uy ban nhan dan phuong", "dai ", "bao ", "hoc vien", "cong ty")
_PLACE_WORDS = ("tinh ", "thanh pho ", "xa ", "phuong ", "huyen ", "quan ", "thi xa ", "dac khu ")


# Results -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Where:
    """A place in the document, for a person to find it."""

    kind: str  # page | paragraph | header | footer | document
    paragraph: int | None = None  # 1-based index of the paragraph in the main text
    snippet: str = ""  # the start of the paragraph's text
    table: int | None = None  # when the paragraph is in a table: table, row and column (1-based)
    row: int | None = None
    column: int | None = None

    def to_dict(self) -> dict:
        """JSON-ready form."""
        return {k: v for k, v in self.__dict__.items() if v not in (None, "")}


@dataclass(frozen=True)
class Deviation:
    """One departure from the format rules: which rule, where, and what was found."""

    code: str  # e.g. "quoc-hieu.size"; see RULES
    element: str
    where: Where
    params: dict = field(default_factory=dict)  # found / expected values, count of places

    @property
    def message(self) -> str:
        """What is wrong (Vietnamese message id, translated for the reader)."""
        return _render(RULES[self.code][0], self.params)

    @property
    def fix(self) -> str:
        """How to fix it."""
        return _render(RULES[self.code][1], self.params)

    def to_dict(self) -> dict:
        """JSON-ready form (texts not included: render them at display time)."""
        return {"code": self.code, "element": self.element, "where": self.where.to_dict(), "params": self.params}


@dataclass
class Report:
    """What the checker found: the elements it recognised and the deviations."""

    kind: str  # docx | odt
    document_type: str | None  # folded type name ("quyet dinh"), "cong van", or None when unknown
    elements: dict[str, str]  # element → found | not-found | not-applicable | absent (a deviation says so)
    deviations: list[Deviation]
    estimated_pages: float

    @property
    def unrecognised(self) -> list[str]:
        """Elements the checker looked for and could not find ("không nhận ra")."""
        return [name for name, status in self.elements.items() if status == "not-found"]

    @property
    def codes(self) -> set[str]:
        """The deviation codes, for tests and summaries."""
        return {d.code for d in self.deviations}

    def to_dict(self) -> dict:
        """JSON-ready form, for storing or the API."""
        return {"kind": self.kind, "document_type": self.document_type, "elements": self.elements,
                "deviations": [d.to_dict() for d in self.deviations],
                "estimated_pages": round(self.estimated_pages, 2)}


def check(data: bytes, filename: str, *, limits: Limits = DEFAULT_LIMITS) -> Report:
    """Check an uploaded .docx/.odt; raises ``lms.officefile.OfficeFileError`` for a file it cannot read."""
    checked = inspect(data, filename, accept={"docx", "odt"}, limits=limits)
    return check_model(read_document(checked))


def check_model(model: DocumentModel) -> Report:
    """Check an already read document."""
    return _Checker(model).run()


# Lines: a paragraph cut at line breaks and tabs, each piece with its own runs ----------------------


@dataclass(eq=False)
class Line:
    """A line (or a tab-separated part of one) of a paragraph."""

    paragraph: Paragraph
    text: str  # spaces collapsed
    runs: list[Run]
    after_tab: bool = False  # the piece follows a tab on the same line (a header typed with tabs)

    @property
    def folded(self) -> str:
        return fold(self.text)

    @property
    def visible(self) -> list[Run]:
        return [r for r in self.runs if r.text.strip()]

    def sizes(self) -> set[float]:
        return {r.size for r in self.visible if r.size is not None}

    def all(self, attribute: str) -> bool:
        runs = self.visible
        return bool(runs) and all(getattr(r, attribute) for r in runs)

    def any(self, attribute: str) -> bool:
        return any(getattr(r, attribute) for r in self.visible)

    @property
    def upper(self) -> bool:
        shown = "".join(r.shown for r in self.visible)
        return shown == shown.upper() and any(ch.isalpha() for ch in shown)

    @property
    def empty(self) -> bool:
        return not self.text.strip()


def _lines(paragraph: Paragraph) -> list[Line]:
    """The pieces of ``paragraph`` between line breaks and tabs (empty pieces kept)."""
    pieces: list[tuple[str, list[Run], bool]] = [("", [], False)]
    for run in paragraph.runs:
        for part in re.split(r"([\n\t])", run.text):
            if part in ("\n", "\t"):
                pieces.append(("", [], part == "\t"))
            elif part:
                text, runs, tab = pieces[-1]
                pieces[-1] = (text + part, runs + [Run(part, run.fonts, run.size, run.bold, run.italic,
                                                       run.underline, run.color, run.caps)], tab)
    return [Line(paragraph, re.sub(r"\s+", " ", text).strip(), runs, tab) for text, runs, tab in pieces]


def _where(line_or_paragraph: Line | Paragraph) -> Where:
    paragraph = line_or_paragraph.paragraph if isinstance(line_or_paragraph, Line) else line_or_paragraph
    text = line_or_paragraph.text if isinstance(line_or_paragraph, Line) else paragraph.text
    snippet = re.sub(r"\s+", " ", text).strip()
    snippet = snippet if len(snippet) <= 60 else snippet[:57].rstrip() + "…"
    if paragraph.container[0] == "table":
        _, table, row, column = paragraph.container
        return Where("paragraph", paragraph.index, snippet, table, row, column)
    return Where("paragraph", paragraph.index, snippet)


def _in_range(values: Iterable[float], low: float, high: float) -> bool:
    values = list(values)
    return bool(values) and all(low - SIZE_TOLERANCE <= v <= high + SIZE_TOLERANCE for v in values)


def _sizes_text(sizes: set[float]) -> str:
    return ", ".join(f"{s:g}" for s in sorted(sizes)) or "?"


# The checker ---------------------------------------------------------------------------------------


class _Checker:
    def __init__(self, model: DocumentModel):
        self.model = model
        self.paragraphs = model.paragraphs
        self.lines: list[Line] = []
        self.paragraph_lines: dict[int, list[Line]] = {}
        for paragraph in self.paragraphs:
            self.paragraph_lines[id(paragraph)] = _lines(paragraph)
            self.lines += self.paragraph_lines[id(paragraph)]
        self.position = {id(line): number for number, line in enumerate(self.lines)}
        self.deviations: list[Deviation] = []
        self.elements: dict[str, str] = dict.fromkeys(ELEMENTS, "not-found")
        self.elements["trang"] = self.elements["phong-chu"] = "found"

    def deviate(self, code: str, where: Line | Paragraph | Where, **params) -> None:
        place = where if isinstance(where, Where) else _where(where)
        self.deviations.append(Deviation(code, code.split(".")[0], place, params))

    def run(self) -> Report:
        self._page()
        self._fonts()
        national = self._find(lambda line: _QUOC_HIEU in " ".join(line.folded.split()))
        motto = self._find(lambda line: all(w in line.folded for w in ("doc lap", "tu do", "hanh phuc")))
        number = self._find(lambda line: _NUMBER_RE.match(line.folded) is not None)
        date = self._find(lambda line: len(line.text) <= 70 and (
            _DATE_RE.match(line.folded) is not None or _SLASH_DATE_RE.match(line.folded) is not None))
        self._national(national)
        self._motto(motto)
        subject_line = self._subject_line(number)
        doc_type, type_line = self._document_type(number, national, motto, date)
        self._number(number, doc_type)
        self._date(date)
        self._bodies(number, [national, motto, date])
        summary: list[Line] = []
        if doc_type == "cong van":
            self.elements["ten-loai"] = self.elements["trich-yeu"] = "not-applicable"
            self._subject(subject_line)
        else:
            self.elements["vv"] = "not-applicable"
            if type_line is not None:
                summary = self._type_and_summary(type_line)
        body_end = self._signature_and_recipients()
        # Without a recognisable header this is not an administrative document (or not one we can
        # read): its paragraphs are not taken for the body.
        if sum(self.elements[e] == "found" for e in ("quoc-hieu", "tieu-ngu", "so", "dia-danh", "co-quan")) >= 2:
            self._content(type_line, summary, subject_line, header_lines=[national, motto, number, date],
                          end=body_end)
        pages = _estimate_pages(self.model)
        self._page_numbers(pages)
        return Report(self.model.kind, doc_type, self.elements, self.deviations, pages)

    def _at(self, line: Line) -> int:
        return self.position[id(line)]

    def _find(self, predicate, lines: Iterable[Line] | None = None) -> Line | None:
        return next((line for line in (self.lines if lines is None else lines) if predicate(line)), None)

    # Page and font ----------------------------------------------------------------------------------

    def _page(self) -> None:
        if not self.model.pages:
            return
        page = self.model.pages[0]
        where = Where("page")
        short, long_ = sorted((page.width_mm, page.height_mm))
        if abs(short - PAPER_MM[0]) > PAPER_TOLERANCE_MM or abs(long_ - PAPER_MM[1]) > PAPER_TOLERANCE_MM:
            self.deviate("trang.kho-giay", where, width=f"{page.width_mm:g}", height=f"{page.height_mm:g}")
        if page.orientation != "portrait":
            self.deviate("trang.huong", where)
        for side, (low, high) in MARGINS_MM.items():
            value = getattr(page, f"{side}_mm")
            if not low - MARGIN_TOLERANCE_MM <= value <= high + MARGIN_TOLERANCE_MM:
                self.deviate(f"trang.le-{_SIDES[side]}", where, found=_mm(value), low=_mm(low), high=_mm(high))

    def _fonts(self) -> None:
        wrong: list[Line] = []
        fonts: set[str] = set()
        coloured: list[Line] = []
        for line in self.lines:
            used = {f for r in line.visible for f in r.fonts}
            others = {f for f in used if not fold(f).startswith(fold(FONT))}
            if others:
                wrong.append(line)
                fonts |= others
            if any(r.color for r in line.visible):
                coloured.append(line)
        if wrong:
            self.deviate("phong-chu.ten", wrong[0], found=", ".join(sorted(fonts)), count=len(wrong))
        if coloured:
            self.deviate("phong-chu.mau", coloured[0], count=len(coloured))

    # Header elements ------------------------------------------------------------------------------------

    def _national(self, line: Line | None) -> None:
        if line is None:
            return
        self.elements["quoc-hieu"] = "found"
        if not _in_range(line.sizes(), 12, 13):
            self.deviate("quoc-hieu.co-chu", line, found=_sizes_text(line.sizes()))
        if not line.all("bold"):
            self.deviate("quoc-hieu.dam", line)
        if not line.upper:
            self.deviate("quoc-hieu.in-hoa", line)

    def _motto(self, line: Line | None) -> None:
        if line is None:
            return
        self.elements["tieu-ngu"] = "found"
        if not _in_range(line.sizes(), 13, 14):
            self.deviate("tieu-ngu.co-chu", line, found=_sizes_text(line.sizes()))
        if not line.all("bold"):
            self.deviate("tieu-ngu.dam", line)
        if line.text != _MOTTO:
            self.deviate("tieu-ngu.chu", line, found=line.text)
        if not self._has_rule(line, underline_counts=True):
            self.deviate("tieu-ngu.duong-ke", line)

    def _has_rule(self, line: Line, *, underline_counts: bool = False) -> bool:
        """A line drawn under ``line``: a shape, a paragraph border, a row of underscores, or underlining."""
        paragraph = line.paragraph
        lines = self.paragraph_lines.get(id(paragraph), [line])
        after = lines[lines.index(line) + 1:] if line in lines else []
        last_of_paragraph = all(later.empty for later in after)
        if any(s.kind == "line" for s in paragraph.shapes) or (paragraph.border_bottom and last_of_paragraph):
            return True
        if underline_counts and line.all("underline"):
            return True
        position = self._at(line)
        following = self.lines[position + 1:position + 3]
        for later in following:
            if later.paragraph.container[:2] != paragraph.container[:2]:
                break
            if _RULE_TEXT_RE.match(later.text) and later.text.count("_") + later.text.count("-") >= 3:
                return True
            if later.paragraph is not paragraph and not later.empty:
                break
            if later.paragraph is not paragraph and (any(s.kind == "line" for s in later.paragraph.shapes)
                                                      or (later.empty and later.paragraph.border_bottom)):
                return True
        return False

    def _bodies(self, number: Line | None, known: list[Line | None]) -> None:
        """Tên cơ quan chủ quản and tên cơ quan ban hành: the capitals above "Số:" in the header."""
        candidates = self._above_number(number, known)
        if not candidates:
            return
        units = _units(candidates)
        issuing, parent = units[-1], [line for unit in units[:-1] for line in unit]
        if parent and _is_place(issuing[0]) and len(units) >= 2 and fold(units[-2][-1].text).startswith(
                ("uy ban nhan dan", "hoi dong nhan dan")):
            issuing = units[-2] + issuing
            parent = [line for unit in units[:-2] for line in unit]
        self.elements["co-quan"] = "found"
        self.elements["co-quan-chu-quan"] = "found" if parent else "not-applicable"
        sizes = {s for line in issuing for s in line.sizes()}
        if not _in_range(sizes, 12, 13):
            self.deviate("co-quan.co-chu", issuing[0], found=_sizes_text(sizes))
        if not all(line.all("bold") for line in issuing):
            self.deviate("co-quan.dam", issuing[0])
        if not all(line.upper for line in issuing):
            self.deviate("co-quan.in-hoa", issuing[0])
        if not self._has_rule(issuing[-1]):
            self.deviate("co-quan.duong-ke", issuing[-1])
        if parent and any(line.any("bold") for line in parent):
            self.deviate("co-quan-chu-quan.dam", parent[0])

    def _above_number(self, number: Line | None, known: list[Line | None]) -> list[Line]:
        """Non-empty lines above "Số:" in its table cell (or the cell above it, or the header lines
        when there is no table), leaving out rule rows and the right-hand elements."""
        if number is None:
            return []
        container = number.paragraph.container
        skip = {id(line) for line in known if line is not None}
        national = known[0]
        # In a header typed without a table, the names share lines with the national title.
        floor = self._at(self.paragraph_lines[id(national.paragraph)][0]) if national is not None and \
            national.paragraph.container == container else 0
        position = self._at(number)
        found = self._names(reversed(self.lines[floor:position]), container, skip)
        if not found and container[0] == "table" and container[2] > 1:
            above = (container[0], container[1], container[2] - 1, container[3])
            cell = [line for line in self.lines if line.paragraph.container == above]
            found = self._names(reversed(cell), above, skip)
        found.reverse()
        # Only capitals are a body's name; a first line in lower case is something else (a logo caption).
        while found and not (found[0].upper or any(ch.isupper() for ch in found[0].text[:1])):
            found.pop(0)
        return found

    @staticmethod
    def _names(lines: Iterable[Line], container: tuple, skip: set[int]) -> list[Line]:
        found: list[Line] = []
        for line in lines:
            if line.paragraph.container != container:
                break
            if line.empty or _RULE_TEXT_RE.match(line.text) or id(line) in skip:
                continue
            found.append(line)
            if len(found) >= 4:
                break
        return found

    def _number(self, line: Line | None, doc_type: str | None) -> None:
        if line is None:
            return
        self.elements["so"] = "found"
        match = _NUMBER_RE.match(line.folded)
        if match is None:
            return
        if not _in_range(line.sizes(), 13, 13):
            self.deviate("so.co-chu", line, found=_sizes_text(line.sizes()))
        digits = match.group("number")
        if int(digits) < 10 and not digits.startswith("0"):
            self.deviate("so.so-0", line, found=digits, expected=f"{int(digits):02d}")
        symbol = re.search(r"/\s*(\S+)", line.text)
        first = symbol.group(1).split("-")[0] if symbol else ""
        if doc_type == "cong van" and fold(first) == "cv":
            self.deviate("so.ky-hieu-cong-van", line, found=symbol.group(1) if symbol else "")

    def _date(self, line: Line | None) -> None:
        if line is None:
            return
        self.elements["dia-danh"] = "found"
        if not line.all("italic"):
            self.deviate("dia-danh.nghieng", line)
        if not _in_range(line.sizes(), 13, 14):
            self.deviate("dia-danh.co-chu", line, found=_sizes_text(line.sizes()))
        match = _DATE_RE.match(line.folded)
        if match is None:
            self.deviate("dia-danh.dinh-dang", line, found=line.text)
            return
        day, month = match.group("day"), match.group("month")
        if int(day) < 10 and len(day) < 2:
            self.deviate("dia-danh.ngay-0", line, found=day, expected=f"{int(day):02d}")
        if int(month) in (1, 2) and len(month) < 2:
            self.deviate("dia-danh.thang-0", line, found=month, expected=f"{int(month):02d}")
        if int(month) >= 3 and month.startswith("0"):
            self.deviate("dia-danh.thang-thua-0", line, found=month, expected=str(int(month)))

    def _subject_line(self, number: Line | None) -> Line | None:
        """A công văn's "V/v …" line (near "Số:")."""
        candidates = self.lines
        if number is not None:
            position = self._at(number)
            candidates = self.lines[position + 1:position + 6]
        return self._find(lambda line: re.match(r"^v\s*/\s*v\b", line.folded) is not None, candidates)

    def _document_type(self, number: Line | None, *header: Line | None) -> tuple[str | None, Line | None]:
        """The document's type and the line naming it (None for a công văn, which has no such line)."""
        start = 0
        anchors = [self._at(h) for h in (number, *header) if h is not None]
        if anchors:
            start = max(anchors) + 1
        type_line = None
        for line in self.lines[start:start + 40]:
            name = " ".join(line.folded.split()).rstrip(" .")
            if name in DOCUMENT_TYPES and not line.text.rstrip().endswith(":"):
                type_line = line
                break
        if type_line is not None:
            return " ".join(type_line.folded.split()).rstrip(" ."), type_line
        symbol = re.search(r"/\s*(\S+)", number.text) if number is not None else None
        first = fold(symbol.group(1).split("-")[0]) if symbol else ""
        if symbol and first in _ABBREVIATIONS:
            return _ABBREVIATIONS[first], None
        subject = self._subject_line(number)
        if symbol or subject is not None:
            return "cong van", None
        return None, None

    def _subject(self, subject: Line | None) -> None:
        if subject is None:
            return
        self.elements["vv"] = "found"
        own = self.paragraph_lines[id(subject.paragraph)]
        lines = [subject]
        for line in own[own.index(subject) + 1:]:  # its continuation lines, not what follows a tab
            if line.after_tab:
                break
            if not line.empty:
                lines.append(line)
        sizes = {s for line in lines for s in line.sizes()}
        if not _in_range(sizes, 12, 13):
            self.deviate("vv.co-chu", subject, found=_sizes_text(sizes))
        if any(line.any("bold") for line in lines):
            self.deviate("vv.dam", subject)

    def _type_and_summary(self, type_line: Line) -> list[Line]:
        self.elements["ten-loai"] = "found"
        if not _in_range(type_line.sizes(), 13, 14):
            self.deviate("ten-loai.co-chu", type_line, found=_sizes_text(type_line.sizes()))
        if not type_line.all("bold"):
            self.deviate("ten-loai.dam", type_line)
        if not type_line.upper:
            self.deviate("ten-loai.in-hoa", type_line)
        if type_line.paragraph.align != "center":
            self.deviate("ten-loai.can-giua", type_line)
        # The summary: the next non-empty lines, up to the rule under them or an empty paragraph.
        position = self._at(type_line)
        summary: list[Line] = []
        for line in self.lines[position + 1:position + 6]:
            if line.empty or _RULE_TEXT_RE.match(line.text):
                if summary:
                    break
                continue
            if summary and line.paragraph is not summary[-1].paragraph and (
                    summary[-1].paragraph.shapes or summary[-1].paragraph.border_bottom or len(summary) >= 3):
                break
            if line.paragraph.align == "justify" or line.paragraph.first_line_cm > 0.5:
                break
            summary.append(line)
        if not summary:
            return []
        self.elements["trich-yeu"] = "found"
        sizes = {s for line in summary for s in line.sizes()}
        if not _in_range(sizes, 13, 14):
            self.deviate("trich-yeu.co-chu", summary[0], found=_sizes_text(sizes))
        if not all(line.all("bold") for line in summary):
            self.deviate("trich-yeu.dam", summary[0])
        if summary[0].paragraph.align != "center":
            self.deviate("trich-yeu.can-giua", summary[0])
        if not self._has_rule(summary[-1]):
            self.deviate("trich-yeu.duong-ke", summary[-1])
        return summary

    # Signature and recipients ---------------------------------------------------------------------

    def _signature_and_recipients(self) -> int | None:
        """Check "Nơi nhận" and the signer; return the index (in ``lines``) where the body ends."""
        label = next((line for line in reversed(self.lines)
                      if re.match(r"^noi nhan\s*:?", " ".join(line.folded.split()))), None)
        end: int | None = None
        signer_lines: list[Line] = []
        if label is not None:
            end = self._at(label)
            self._recipients(label)
            container = label.paragraph.container
            if container[0] == "table":
                table, row = container[1], container[2]
                cells = [line for line in self.lines if line.paragraph.container[0] == "table"
                         and line.paragraph.container[1:3] == (table, row) and line.paragraph.container != container]
                signer_lines = cells
                first_in_table = next(i for i, line in enumerate(self.lines)
                                      if line.paragraph.container[:2] == ("table", table))
                end = min(end, first_in_table)
        if not signer_lines:
            signer_lines = self._signer_by_position(end)
        if signer_lines:
            start = self._at(signer_lines[0])
            end = start if end is None else min(end, start)
            self._signer([line for line in signer_lines if not line.empty])
        return end

    def _signer_by_position(self, end: int | None) -> list[Line]:
        """Without a signature table, the signer is the last lines of the text: title(s) then the name."""
        region = self.lines[:end] if end is not None else self.lines
        block: list[Line] = []
        for line in reversed(region):
            if line.empty:
                if block and len(block) >= 2 and block[-1].upper:
                    break
                continue
            if line.paragraph.align == "justify" or len(line.text) > 60:
                break
            block.append(line)
        block.reverse()
        return block if len(block) >= 2 and any(line.upper for line in block[:-1]) else []

    def _signer(self, lines: list[Line]) -> None:
        lines = [line for line in lines if not re.match(r"^\(.*\)$", line.text)]
        if len(lines) < 2:
            return
        name, titles = lines[-1], lines[:-1]
        if name.upper and len(name.text.split()) < 2:
            return
        self.elements["chuc-vu"] = self.elements["ho-ten"] = "found"
        sizes = {s for line in titles for s in line.sizes()}
        if not _in_range(sizes, 13, 14):
            self.deviate("chuc-vu.co-chu", titles[0], found=_sizes_text(sizes))
        if not all(line.all("bold") for line in titles):
            self.deviate("chuc-vu.dam", titles[0])
        first_word = titles[0].text.split(" ", 1)[0]
        letters = re.sub(r"[^a-z]", "", fold(first_word))
        prefixed = letters in ("tm", "kt", "tl", "tuq", "q") and (len(first_word) <= 5)
        if prefixed and first_word not in SIGNER_PREFIXES:
            canonical = next(p for p in SIGNER_PREFIXES if fold(p).rstrip(".") == letters)
            self.deviate("chuc-vu.viet-tat", titles[0], found=first_word, expected=canonical)
        rest = [titles[0].text.split(" ", 1)[1] if prefixed and " " in titles[0].text else titles[0].text] + [
            line.text for line in titles[1:]]
        shown_caps = all(line.all("caps") for line in titles)
        if not shown_caps and any(text != text.upper() for text in rest):
            self.deviate("chuc-vu.in-hoa", titles[0])
        if not _in_range(name.sizes(), 13, 14):
            self.deviate("ho-ten.co-chu", name, found=_sizes_text(name.sizes()))
        if not name.all("bold"):
            self.deviate("ho-ten.dam", name)

    def _recipients(self, label: Line) -> None:
        self.elements["noi-nhan"] = "found"
        label_part = Line(label.paragraph, label.text, label.runs)
        if not (label_part.all("bold") and label_part.all("italic")):
            self.deviate("noi-nhan.nhan", label)
        if not _in_range(label.sizes(), 12, 12):
            self.deviate("noi-nhan.nhan-co-chu", label, found=_sizes_text(label.sizes()))
        position = self._at(label)
        items: list[Line] = []
        for line in self.lines[position + 1:]:
            if line.paragraph.container != label.paragraph.container:
                break
            if not line.empty:
                items.append(line)
        # "Nơi nhận: - Như trên;" on one line: the rest of the label's line is the first item
        if not items:
            return
        sizes = {s for line in items for s in line.sizes()}
        if not _in_range(sizes, 11, 11):
            self.deviate("noi-nhan.danh-sach-co-chu", items[0], found=_sizes_text(sizes))
        last = " ".join(items[-1].folded.split())
        if not re.match(r"^[-–+•]?\s*luu\s*:?.*\bvt\b", last) and not (
                items[-1].paragraph.numbered and re.match(r"^luu\s*:?.*\bvt\b", last)):
            self.deviate("noi-nhan.luu", items[-1], found=items[-1].text)

    # Body -------------------------------------------------------------------------------------------

    def _content(self, type_line: Line | None, summary: list[Line], subject: Line | None,
                 header_lines: list[Line | None], end: int | None) -> None:
        known = [line for line in [type_line, *summary, subject, *header_lines] if line is not None]
        anchors = [self._at(line) for line in known]
        start = max(anchors) + 1 if anchors else 0
        stop = end if end is not None else len(self.lines)
        paragraphs: list[Paragraph] = []
        seen: set[int] = {line.paragraph.index for line in known}  # the elements' own paragraphs
        for line in self.lines[start:stop]:
            paragraph = line.paragraph
            if paragraph.index in seen or paragraph.container != ("body",) or not paragraph.text.strip():
                continue
            seen.add(paragraph.index)
            if paragraph.align == "center" or _RULE_TEXT_RE.match(paragraph.text.strip()):
                continue  # titles inside the text ("QUYẾT ĐỊNH:", the deciding authority), "Kính gửi"
            if fold(paragraph.text).startswith("kinh gui"):
                continue
            paragraphs.append(paragraph)
        if not paragraphs:
            return
        self.elements["noi-dung"] = "found"
        checks = {
            "noi-dung.co-chu": lambda p: _in_range({r.size for r in p.runs if r.text.strip() and r.size}, 13, 14),
            "noi-dung.can-deu": lambda p: p.align == "justify" or len(p.text) < 90,
            "noi-dung.thut-dau-dong": lambda p: p.numbered or INDENT_CM[0] <= p.first_line_cm <= INDENT_CM[1],
            "noi-dung.cach-doan": lambda p: p.before_pt + p.after_pt >= MIN_PARAGRAPH_SPACING_PT - 0.1,
            "noi-dung.gian-dong": _line_spacing_ok,
        }
        for code, passes in checks.items():
            failing = [p for p in paragraphs if not passes(p)]
            if failing:
                first = failing[0]
                params: dict[str, object] = {"count": len(failing), "total": len(paragraphs)}
                if code == "noi-dung.co-chu":
                    params["found"] = _sizes_text({r.size for r in first.runs if r.text.strip() and r.size})
                elif code == "noi-dung.thut-dau-dong":
                    params["found"] = f"{first.first_line_cm:.2f}".replace(".", ",")
                elif code == "noi-dung.cach-doan":
                    params["found"] = f"{first.before_pt + first.after_pt:g}"
                elif code == "noi-dung.gian-dong":
                    params["found"] = _line_spacing_text(first)
                self.deviate(code, first, **params)

    # Page numbers -----------------------------------------------------------------------------------

    def _page_numbers(self, pages: float) -> None:
        if not self.model.pages:
            return
        page = self.model.pages[0]
        numbered = [(place, p) for place, story in (("header", page.header), ("footer", page.footer))
                    for p in story if "PAGE" in p.fields]
        first = [p for story in (page.first_header, page.first_footer) if story for p in story if "PAGE" in p.fields]
        if not numbered and not first:
            if pages >= MULTI_PAGE_ESTIMATE:
                self.elements["so-trang"] = "absent"
                self.deviate("so-trang.thieu", Where("document"), pages=math.ceil(pages))
            elif pages <= SINGLE_PAGE_ESTIMATE:
                self.elements["so-trang"] = "not-applicable"
            # in between, the length alone cannot tell whether a second page exists: say nothing
            return
        self.elements["so-trang"] = "found"
        place, paragraph = numbered[0] if numbered else ("header", first[0])
        where = Where(place, paragraph=None, snippet=paragraph.text.strip()[:60])
        if place == "footer":
            self.deviate("so-trang.vi-tri", where)
        if paragraph.align != "center":
            self.deviate("so-trang.can-giua", where)
        sizes = {r.size for r in paragraph.runs if r.text.strip() and r.size}
        if sizes and not _in_range(sizes, 13, 14):
            self.deviate("so-trang.co-chu", where, found=_sizes_text(sizes))
        if first or (numbered and not page.different_first):
            self.deviate("so-trang.trang-dau", where)


_SIDES = {"top": "tren", "bottom": "duoi", "left": "trai", "right": "phai"}


def _mm(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def _units(lines: list[Line]) -> list[list[Line]]:
    """Group the lines of the body names into units: a paragraph each, or split by boldness/unit words."""
    by_paragraph: list[list[Line]] = []
    for line in lines:
        if by_paragraph and by_paragraph[-1][-1].paragraph is line.paragraph:
            by_paragraph[-1].append(line)
        else:
            by_paragraph.append([line])
    if len(by_paragraph) > 1:
        return by_paragraph
    only = by_paragraph[0]
    if len(only) < 2:
        return by_paragraph
    bold = [line.all("bold") for line in only]
    if bold[-1] and not bold[0]:
        split = next(i for i in range(len(only)) if all(bold[i:]))
        return [only[:split], only[split:]]
    if fold(only[-1].text + " ").startswith(_UNIT_WORDS):
        return [only[:-1], only[-1:]]
    return [only]


def _is_place(line: Line) -> bool:
    return fold(line.text + " ").startswith(_PLACE_WORDS)


def _line_spacing_ok(p: Paragraph) -> bool:
    if p.line_rule == "multiple":
        return LINE_MULTIPLE[0] - 0.01 <= p.line_value <= LINE_MULTIPLE[1] + 0.01
    if p.line_rule == "exact":
        return LINE_EXACT_PT[0] <= p.line_value <= LINE_EXACT_PT[1]
    return p.line_value <= LINE_EXACT_PT[1]  # "at least": never tighter than single


def _line_spacing_text(p: Paragraph) -> str:
    if p.line_rule == "multiple":
        return f"{p.line_value:g}".replace(".", ",")
    return f"{p.line_value:g} pt"


def _estimate_pages(model: DocumentModel) -> float:
    """A rough page count from the text's length, fonts and spacing (no layout engine is run).

    Average character of Vietnamese text in Times New Roman, spaces included: about 0.5 em; a line is
    1.15 times the font size. Calibrated against LibreOffice's page count of the ND30 corpus, where
    one-page documents estimate at most 0.98 and two-page ones at least 1.06. The
    estimate is only used to decide whether page numbers are needed, with a margin either side.
    """
    if not model.pages:
        return 1.0
    page = model.pages[0]
    width_pt = max(50.0, (page.width_mm - page.left_mm - page.right_mm) / 25.4 * 72)
    height_pt = max(100.0, (page.height_mm - page.top_mm - page.bottom_mm) / 25.4 * 72)
    tables = {t.index: t for t in model.tables}
    total = 0.0
    row_heights: dict[tuple, float] = {}
    breaks = 0
    for p in model.paragraphs:
        sizes = [r.size for r in p.runs if r.size] or [13.0]
        size = max(sizes)
        columns = tables[p.container[1]].cols if p.container[0] == "table" and p.container[1] in tables else 1
        line_width = width_pt / max(1, columns) - 10
        chars_per_line = max(10.0, line_width / (size * 0.5))
        lines = sum(max(1, math.ceil(len(part) / chars_per_line)) for part in (p.text or " ").split("\n"))
        if p.line_rule == "multiple":
            line_height = size * 1.15 * max(p.line_value, 0.5)
        else:
            line_height = max(p.line_value, size * 1.15 if p.line_rule == "atleast" else 1.0)
        height = lines * line_height + p.before_pt + p.after_pt
        if p.page_break_before:
            breaks += 1
        if p.container[0] == "table":
            key = p.container[:4]
            row_heights[key] = row_heights.get(key, 0.0) + height
        else:
            total += height
    rows: dict[tuple, float] = {}
    for (_, table, row, _column), height in row_heights.items():
        rows[(table, row)] = max(rows.get((table, row), 0.0), height)
    total += sum(rows.values())
    return total / height_pt + breaks


# Messages: what is wrong, and how to fix it --------------------------------------------------------


def _render(template, params: dict) -> str:
    values = {k: v for k, v in params.items()}
    return str(template) % values if params else str(template)


RULES: dict[str, tuple] = {
    "trang.kho-giay": (_l("Khổ giấy %(width)s × %(height)s mm, không phải A4 (210 × 297 mm)."),
                       _l("Bố cục (Layout) > Khổ giấy (Size): chọn A4.")),
    "trang.huong": (_l("Trang đang nằm ngang; văn bản hành chính trình bày trên khổ A4 dọc."),
                    _l("Bố cục (Layout) > Hướng (Orientation): chọn Dọc (Portrait).")),
    "trang.le-tren": (_l("Lề trên %(found)s mm; cần từ %(low)s đến %(high)s mm."),
                      _l("Bố cục > Lề > Lề tùy chỉnh: đặt lề trên từ 2 đến 2,5 cm.")),
    "trang.le-duoi": (_l("Lề dưới %(found)s mm; cần từ %(low)s đến %(high)s mm."),
                      _l("Bố cục > Lề > Lề tùy chỉnh: đặt lề dưới từ 2 đến 2,5 cm.")),
    "trang.le-trai": (_l("Lề trái %(found)s mm; cần từ %(low)s đến %(high)s mm."),
                      _l("Bố cục > Lề > Lề tùy chỉnh: đặt lề trái từ 3 đến 3,5 cm.")),
    "trang.le-phai": (_l("Lề phải %(found)s mm; cần từ %(low)s đến %(high)s mm."),
                      _l("Bố cục > Lề > Lề tùy chỉnh: đặt lề phải từ 1,5 đến 2 cm.")),
    "phong-chu.ten": (_l("Có %(count)s dòng dùng phông %(found)s; văn bản phải dùng phông Times New Roman."),
                      _l("Chọn toàn bộ văn bản (Ctrl+A) rồi chọn phông Times New Roman (bảng mã Unicode).")),
    "phong-chu.mau": (_l("Có %(count)s dòng chữ không phải màu đen."),
                      _l("Chọn toàn bộ văn bản, đặt màu chữ Tự động (Automatic) hoặc màu đen.")),
    "quoc-hieu.co-chu": (_l("Quốc hiệu cỡ chữ %(found)s; cần cỡ 12 đến 13."),
                         _l("Chọn dòng quốc hiệu, đặt cỡ chữ 12 hoặc 13.")),
    "quoc-hieu.dam": (_l("Quốc hiệu chưa in đậm."), _l("Chọn dòng quốc hiệu, bấm Ctrl+B để in đậm.")),
    "quoc-hieu.in-hoa": (_l("Quốc hiệu phải viết in hoa: CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM."),
                         _l("Gõ lại quốc hiệu bằng chữ in hoa.")),
    "tieu-ngu.co-chu": (_l("Tiêu ngữ cỡ chữ %(found)s; cần cỡ 13 đến 14."),
                        _l("Chọn dòng tiêu ngữ, đặt cỡ chữ 13 hoặc 14.")),
    "tieu-ngu.dam": (_l("Tiêu ngữ chưa in đậm."), _l("Chọn dòng tiêu ngữ, bấm Ctrl+B để in đậm.")),
    "tieu-ngu.chu": (_l("Tiêu ngữ viết là \"%(found)s\"; đúng là \"Độc lập - Tự do - Hạnh phúc\" (chữ cái đầu "
                        "viết hoa, giữa các cụm từ có gạch nối và cách chữ)."),
                     _l("Gõ lại tiêu ngữ: Độc lập - Tự do - Hạnh phúc.")),
    "tieu-ngu.duong-ke": (_l("Không thấy đường kẻ ngang dưới tiêu ngữ."),
                          _l("Vẽ một đường thẳng nét liền dưới tiêu ngữ, dài bằng dòng chữ tiêu ngữ "
                             "(Chèn > Hình dạng > Đường thẳng, giữ Shift khi kéo).")),
    "co-quan.co-chu": (_l("Tên cơ quan ban hành cỡ chữ %(found)s; cần cỡ 12 đến 13."),
                       _l("Chọn tên cơ quan ban hành, đặt cỡ chữ 12 hoặc 13.")),
    "co-quan.dam": (_l("Tên cơ quan ban hành chưa in đậm."), _l("Chọn tên cơ quan ban hành, bấm Ctrl+B.")),
    "co-quan.in-hoa": (_l("Tên cơ quan ban hành phải viết in hoa."),
                       _l("Gõ lại tên cơ quan ban hành bằng chữ in hoa.")),
    "co-quan.duong-ke": (_l("Không thấy đường kẻ ngang dưới tên cơ quan ban hành."),
                         _l("Vẽ một đường thẳng nét liền dưới tên cơ quan ban hành, dài từ 1/3 đến 1/2 dòng chữ, "
                            "đặt cân giữa.")),
    "co-quan-chu-quan.dam": (_l("Tên cơ quan chủ quản đang in đậm; chỉ tên cơ quan ban hành in đậm."),
                             _l("Chọn dòng tên cơ quan chủ quản, bỏ in đậm (Ctrl+B).")),
    "so.co-chu": (_l("Dòng số, ký hiệu cỡ chữ %(found)s; cần cỡ 13."), _l("Chọn dòng \"Số: …\", đặt cỡ chữ 13.")),
    "so.so-0": (_l("Số văn bản %(found)s nhỏ hơn 10 phải có số 0 phía trước (%(expected)s)."),
                _l("Sửa số văn bản thành %(expected)s.")),
    "so.ky-hieu-cong-van": (_l("Ký hiệu công văn \"%(found)s\" có chữ CV; công văn không có chữ viết tắt tên "
                               "loại."),
                            _l("Ghi ký hiệu gồm chữ viết tắt tên cơ quan và đơn vị soạn thảo, ví dụ Số: 05/SNV-VP.")),
    "dia-danh.nghieng": (_l("Địa danh và ngày tháng chưa in nghiêng."),
                         _l("Chọn dòng địa danh, ngày tháng, bấm Ctrl+I để in nghiêng.")),
    "dia-danh.co-chu": (_l("Địa danh và ngày tháng cỡ chữ %(found)s; cần cỡ 13 đến 14."),
                        _l("Chọn dòng địa danh, ngày tháng, đặt cỡ chữ 13 hoặc 14.")),
    "dia-danh.dinh-dang": (_l("Ngày tháng viết là \"%(found)s\"; cần viết đủ chữ: ngày … tháng … năm …."),
                           _l("Viết theo mẫu: Nghệ An, ngày 05 tháng 02 năm 2026.")),
    "dia-danh.ngay-0": (_l("Ngày %(found)s nhỏ hơn 10 phải có số 0 phía trước (%(expected)s)."),
                        _l("Sửa thành \"ngày %(expected)s\".")),
    "dia-danh.thang-0": (_l("Tháng %(found)s phải viết có số 0 phía trước (%(expected)s)."),
                         _l("Sửa thành \"tháng %(expected)s\": chỉ tháng 1 và tháng 2 thêm số 0.")),
    "dia-danh.thang-thua-0": (_l("Tháng %(found)s không thêm số 0 (chỉ tháng 1 và tháng 2 mới thêm)."),
                              _l("Sửa thành \"tháng %(expected)s\".")),
    "ten-loai.co-chu": (_l("Tên loại văn bản cỡ chữ %(found)s; cần cỡ 13 đến 14."),
                        _l("Chọn tên loại văn bản, đặt cỡ chữ 13 hoặc 14.")),
    "ten-loai.dam": (_l("Tên loại văn bản chưa in đậm."), _l("Chọn tên loại văn bản, bấm Ctrl+B.")),
    "ten-loai.in-hoa": (_l("Tên loại văn bản phải viết in hoa."), _l("Gõ lại tên loại bằng chữ in hoa.")),
    "ten-loai.can-giua": (_l("Tên loại văn bản chưa căn giữa."), _l("Chọn tên loại văn bản, bấm Ctrl+E.")),
    "trich-yeu.co-chu": (_l("Trích yếu nội dung cỡ chữ %(found)s; cần cỡ 13 đến 14."),
                         _l("Chọn trích yếu, đặt cỡ chữ 13 hoặc 14.")),
    "trich-yeu.dam": (_l("Trích yếu nội dung chưa in đậm."), _l("Chọn trích yếu, bấm Ctrl+B.")),
    "trich-yeu.can-giua": (_l("Trích yếu nội dung chưa căn giữa."), _l("Chọn trích yếu, bấm Ctrl+E.")),
    "trich-yeu.duong-ke": (_l("Không thấy đường kẻ ngang dưới trích yếu nội dung."),
                           _l("Vẽ một đường thẳng nét liền dưới trích yếu, dài từ 1/3 đến 1/2 dòng chữ, đặt cân "
                              "giữa.")),
    "vv.co-chu": (_l("Trích yếu công văn (V/v) cỡ chữ %(found)s; cần cỡ 12 đến 13."),
                  _l("Chọn dòng \"V/v …\", đặt cỡ chữ 12 hoặc 13.")),
    "vv.dam": (_l("Trích yếu công văn (V/v) không in đậm."), _l("Chọn dòng \"V/v …\", bỏ in đậm (Ctrl+B).")),
    "noi-dung.co-chu": (_l("%(count)s trong %(total)s đoạn nội dung có cỡ chữ khác 13–14 (ví dụ: %(found)s)."),
                        _l("Chọn phần nội dung, đặt cỡ chữ 13 hoặc 14.")),
    "noi-dung.can-deu": (_l("%(count)s trong %(total)s đoạn nội dung chưa căn đều hai bên."),
                         _l("Chọn phần nội dung, bấm Ctrl+J để căn đều hai bên.")),
    "noi-dung.thut-dau-dong": (_l("%(count)s trong %(total)s đoạn nội dung thụt đầu dòng %(found)s cm; cần 1 cm "
                                  "hoặc 1,27 cm."),
                               _l("Đoạn (Paragraph) > Thụt lề đặc biệt: Dòng đầu (First line), 1 cm hoặc 1,27 cm.")),
    "noi-dung.cach-doan": (_l("%(count)s trong %(total)s đoạn nội dung cách đoạn %(found)s pt; cần tối thiểu "
                              "6 pt."),
                           _l("Đoạn (Paragraph) > Khoảng cách: đặt Sau (After) 6 pt.")),
    "noi-dung.gian-dong": (_l("%(count)s trong %(total)s đoạn nội dung giãn dòng %(found)s; cần từ dòng đơn đến "
                              "1,5 dòng."),
                           _l("Đoạn (Paragraph) > Giãn dòng: chọn Đơn (Single), 1,5 dòng hoặc Chính xác từ 15 pt.")),
    "chuc-vu.co-chu": (_l("Chức vụ người ký cỡ chữ %(found)s; cần cỡ 13 đến 14."),
                       _l("Chọn các dòng chức vụ, đặt cỡ chữ 13 hoặc 14.")),
    "chuc-vu.dam": (_l("Chức vụ người ký chưa in đậm."), _l("Chọn các dòng chức vụ, bấm Ctrl+B.")),
    "chuc-vu.in-hoa": (_l("Chức vụ người ký phải viết in hoa."), _l("Gõ lại chức vụ bằng chữ in hoa.")),
    "chuc-vu.viet-tat": (_l("Chữ viết tắt trước chức vụ là \"%(found)s\"; đúng là \"%(expected)s\"."),
                         _l("Sửa thành \"%(expected)s\" (chữ in hoa, một dấu chấm ở cuối).")),
    "ho-ten.co-chu": (_l("Họ tên người ký cỡ chữ %(found)s; cần cỡ 13 đến 14."),
                      _l("Chọn họ tên người ký, đặt cỡ chữ 13 hoặc 14.")),
    "ho-ten.dam": (_l("Họ tên người ký chưa in đậm."), _l("Chọn họ tên người ký, bấm Ctrl+B.")),
    "noi-nhan.nhan": (_l("Chữ \"Nơi nhận:\" phải in đậm và in nghiêng."),
                      _l("Chọn chữ \"Nơi nhận:\", bấm Ctrl+B và Ctrl+I.")),
    "noi-nhan.nhan-co-chu": (_l("Chữ \"Nơi nhận:\" cỡ %(found)s; cần cỡ 12."),
                             _l("Chọn chữ \"Nơi nhận:\", đặt cỡ chữ 12.")),
    "noi-nhan.danh-sach-co-chu": (_l("Danh sách nơi nhận cỡ chữ %(found)s; cần cỡ 11."),
                                  _l("Chọn các dòng nơi nhận, đặt cỡ chữ 11.")),
    "noi-nhan.luu": (_l("Dòng cuối của nơi nhận là \"%(found)s\"; phải là dòng lưu: \"- Lưu: VT, …\"."),
                     _l("Thêm dòng cuối \"- Lưu: VT, (chữ viết tắt đơn vị soạn thảo).\".")),
    "so-trang.thieu": (_l("Văn bản dài khoảng %(pages)s trang nhưng không đánh số trang."),
                       _l("Chèn > Số trang > Đầu trang, căn giữa; chọn Trang đầu khác (Different First Page) để "
                          "trang 1 không có số.")),
    "so-trang.vi-tri": (_l("Số trang đặt ở chân trang; phải đặt ở phần lề trên (đầu trang)."),
                        _l("Xóa số trang ở chân trang, chèn lại ở Đầu trang (Header).")),
    "so-trang.can-giua": (_l("Số trang chưa căn giữa."), _l("Mở đầu trang, chọn số trang, bấm Ctrl+E.")),
    "so-trang.co-chu": (_l("Số trang cỡ chữ %(found)s; cần cỡ 13 đến 14."),
                        _l("Mở đầu trang, chọn số trang, đặt cỡ chữ 13 hoặc 14.")),
    "so-trang.trang-dau": (_l("Trang đầu có số trang; số trang chỉ bắt đầu từ trang thứ hai."),
                           _l("Mở đầu trang, đánh dấu Trang đầu khác (Different First Page).")),
}

ELEMENT_NAMES = {
    "trang": _l("Khổ giấy và lề"), "phong-chu": _l("Phông chữ"), "quoc-hieu": _l("Quốc hiệu"),
    "tieu-ngu": _l("Tiêu ngữ"), "co-quan-chu-quan": _l("Tên cơ quan chủ quản"),
    "co-quan": _l("Tên cơ quan ban hành"), "so": _l("Số, ký hiệu"), "dia-danh": _l("Địa danh và thời gian"),
    "ten-loai": _l("Tên loại văn bản"), "trich-yeu": _l("Trích yếu nội dung"),
    "vv": _l("Trích yếu công văn (V/v)"), "noi-dung": _l("Nội dung"), "chuc-vu": _l("Chức vụ người ký"),
    "ho-ten": _l("Họ tên người ký"), "noi-nhan": _l("Nơi nhận"), "so-trang": _l("Số trang"),
}
STATUS_NAMES = {"found": _l("đã nhận ra"), "not-found": _l("không nhận ra"),
                "not-applicable": _l("không áp dụng"), "absent": _l("không có")}


def describe_where(where: Where) -> str:
    """Where a deviation is, as a person reads it ("Bảng 1, hàng 1, cột 2: “Độc lập - …”")."""
    if where.kind == "page":
        return str(_l("Thiết lập trang"))
    if where.kind == "document":
        return str(_l("Toàn văn bản"))
    if where.kind == "header":
        return str(_l("Đầu trang: “%(snippet)s”")) % {"snippet": where.snippet}
    if where.kind == "footer":
        return str(_l("Chân trang: “%(snippet)s”")) % {"snippet": where.snippet}
    if where.table is not None:
        return str(_l("Bảng %(table)s, hàng %(row)s, cột %(column)s: “%(snippet)s”")) % {
            "table": where.table, "row": where.row, "column": where.column, "snippet": where.snippet}
    return str(_l("Đoạn %(paragraph)s: “%(snippet)s”")) % {"paragraph": where.paragraph, "snippet": where.snippet}
