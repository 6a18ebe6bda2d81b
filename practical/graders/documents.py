"""Grader for text documents (.docx, .odt): checks of practical.rubric against a DocumentModel."""
from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from lms.text import fold
from practical import rubric as r
from practical.formats.document import DocumentModel, Paragraph
from practical.graders import Location, Outcome, failed, normalise, number_text, passed

PAPER_MM = {"A3": (297.0, 420.0), "A4": (210.0, 297.0), "A5": (148.0, 210.0), "Letter": (215.9, 279.4)}
PAPER_TOLERANCE_MM = 2.0


def evaluate(model: DocumentModel, check: r.Check) -> Outcome:
    """The outcome of ``check`` on ``model``."""
    return _GRADERS[type(check)](model, check)


def _where(paragraph: Paragraph) -> Location:
    text = " ".join(paragraph.text.split())
    return Location("paragraph", paragraph.index, snippet=text if len(text) <= 60 else text[:57].rstrip() + "…")


def _main(model: DocumentModel) -> list[Paragraph]:
    return [p for p in model.paragraphs if p.container[0] in ("body", "table", "textbox")]


def select(model: DocumentModel, target: r.Target) -> list[Paragraph]:
    """The paragraphs a check's target names (empty when none)."""
    paragraphs = _main(model)
    if target.text is not None:
        # Found the way a person scans a page: marks and case ignored ("HOÀ" and "HÒA" alike).
        needle = _folded(target.text)
        test: Callable[[str], bool] = {
            "contains": lambda text: needle in text, "starts": lambda text: text.startswith(needle),
            "equals": lambda text: text == needle}[target.match]
        found = [p for p in paragraphs if test(_folded(p.text))]
        return found if target.all else found[:1]
    if target.style is not None:
        wanted = normalise(target.style)
        return [p for p in paragraphs if normalise(p.style) == wanted and p.text.strip()]
    if target.heading is not None:
        return [p for p in paragraphs if p.heading == target.heading and p.text.strip()]
    return [p for p in paragraphs if p.container == ("body",) and p.text.strip() and p.heading is None]


def _folded(text: str) -> str:
    return " ".join(fold(text).split())


def _not_found(target: r.Target) -> Outcome:
    what = target.text or target.style or (f"Heading {target.heading}" if target.heading else "")
    return failed("paragraph-not-found", Location("document"), text=what)


def _visible(paragraph: Paragraph):
    return [run for run in paragraph.runs if run.text.strip()]


def _page_setup(model: DocumentModel, check: r.PageSetupCheck) -> Outcome:
    page = model.pages[0] if model.pages else None
    where = Location("page")
    if page is None:
        return failed("page-size", where, found="?", expected=check.size or "")
    if check.size is not None:
        short, long_ = sorted(PAPER_MM[check.size])
        width, height = sorted((page.width_mm, page.height_mm))
        if abs(width - short) > PAPER_TOLERANCE_MM or abs(height - long_) > PAPER_TOLERANCE_MM:
            return failed("page-size", where, found=f"{number_text(page.width_mm)} × {number_text(page.height_mm)} mm",
                          expected=check.size)
    if check.orientation is not None and page.orientation != check.orientation:
        return failed("orientation", where, found=page.orientation, expected=check.orientation)
    return passed(where)


def _margins(model: DocumentModel, check: r.MarginsCheck) -> Outcome:
    page = model.pages[0] if model.pages else None
    where = Location("page")
    for side in ("top", "bottom", "left", "right"):
        wanted = getattr(check, side)
        if wanted is None or page is None:
            continue
        value = getattr(page, f"{side}_mm")
        if value not in r.Between(wanted.low - 0.5, wanted.high + 0.5):
            return failed("margin", where, side=side, found=number_text(value), expected=str(wanted))
    return passed(where)


def _font(model: DocumentModel, check: r.FontCheck) -> Outcome:
    paragraphs = select(model, check.target)
    if not paragraphs:
        return _not_found(check.target)
    for paragraph in paragraphs:
        runs = _visible(paragraph)
        if check.family is not None:
            fonts = {f for run in runs for f in run.fonts}
            wrong = {f for f in fonts if normalise(f) != normalise(check.family)}
            if wrong or not fonts:
                return failed("font-family", _where(paragraph), found=", ".join(sorted(wrong or {"?"})),
                              expected=check.family)
        if check.size is not None:
            sizes = {run.size for run in runs if run.size is not None}
            if not sizes or any(size not in check.size for size in sizes):
                return failed("font-size", _where(paragraph), found=", ".join(number_text(s) for s in sorted(sizes)),
                              expected=str(check.size))
    return passed(_where(paragraphs[0]))


def _text_format(model: DocumentModel, check: r.TextFormatCheck) -> Outcome:
    paragraphs = select(model, check.target)
    if not paragraphs:
        return _not_found(check.target)
    for paragraph in paragraphs:
        runs = _visible(paragraph)
        for name in ("bold", "italic", "underline"):
            wanted = getattr(check, name)
            if wanted is None:
                continue
            values = [getattr(run, name) for run in runs]
            if not values or (wanted and not all(values)) or (not wanted and any(values)):
                return failed(f"missing-{name}" if wanted else f"unwanted-{name}", _where(paragraph))
        if check.align is not None and paragraph.align != check.align:
            return failed("alignment", _where(paragraph), found=paragraph.align or "left", expected=check.align)
    return passed(_where(paragraphs[0]))


def _line_in_lines(paragraph: Paragraph) -> float:
    if paragraph.line_rule == "multiple":
        return paragraph.line_value
    size = max((run.size for run in paragraph.runs if run.size), default=12.0)
    # A fixed height in points, as a multiple of the font's single line (1.15 × the size).
    return paragraph.line_value / (size * 1.15)


def _spacing(model: DocumentModel, check: r.SpacingCheck) -> Outcome:
    paragraphs = select(model, check.target)
    if not paragraphs:
        return _not_found(check.target)
    for paragraph in paragraphs:
        if check.line is not None:
            lines = _line_in_lines(paragraph)
            if paragraph.line_rule != "atleast" and round(lines, 2) not in check.line:
                return failed("line-spacing", _where(paragraph), found=number_text(round(lines, 2)),
                              expected=str(check.line))
        for name, value in (("before", paragraph.before_pt), ("after", paragraph.after_pt)):
            wanted = getattr(check, name)
            if wanted is not None and round(value, 1) not in wanted:
                return failed(f"space-{name}", _where(paragraph), found=number_text(round(value, 1)),
                              expected=str(wanted))
        if check.first_line_indent is not None and round(paragraph.first_line_cm, 2) not in r.Between(
                check.first_line_indent.low - 0.03, check.first_line_indent.high + 0.03):
            return failed("indent", _where(paragraph), found=number_text(round(paragraph.first_line_cm, 2)),
                          expected=str(check.first_line_indent))
    return passed(_where(paragraphs[0]))


def _table(model: DocumentModel, check: r.TableCheck) -> Outcome:
    tables = model.tables
    if check.index is not None:
        tables = tables[check.index - 1:check.index]
    if check.containing is not None:
        needle = normalise(check.containing)
        tables = [t for t in tables if any(needle in normalise(cell) for row in t.cells for cell in row)]
    if not tables:
        return failed("table-not-found", Location("document"), text=check.containing or str(check.index or ""))
    table = tables[0]
    where = Location("table", table.index)
    if check.rows is not None and table.rows not in check.rows:
        return failed("table-rows", where, found=str(table.rows), expected=str(check.rows))
    if check.cols is not None and table.cols not in check.cols:
        return failed("table-cols", where, found=str(table.cols), expected=str(check.cols))
    if check.header is not None:
        first = table.cells[0] if table.cells else []
        for number, expected in enumerate(check.header):
            found = first[number] if number < len(first) else ""
            if normalise(found) != normalise(expected):
                return failed("table-header", where, column=str(number + 1), found=" ".join(found.split()),
                              expected=expected)
    return passed(where)


def _header_footer(model: DocumentModel, check: r.HeaderFooterCheck) -> Outcome:
    page = model.pages[0] if model.pages else None
    if page is None:
        return failed("no-header", Location("document"))
    places = {"header": [("header", page.header), ("header", page.first_header or [])],
              "footer": [("footer", page.footer), ("footer", page.first_footer or [])]}
    stories = places[check.where] if check.where != "any" else places["header"] + places["footer"]
    where = Location(check.where if check.where != "any" else "header")
    paragraphs = [(place, p) for place, story in stories for p in story]
    if check.page_number:
        numbered = [(place, p) for place, p in paragraphs if "PAGE" in p.fields]
        if not numbered:
            return failed("no-page-number", where)
        where = Location(numbered[0][0])
    elif check.page_number is False and any("PAGE" in p.fields for _, p in paragraphs):
        return failed("page-number-present", where)
    if check.contains is not None:
        needle = normalise(check.contains)
        if not any(needle in normalise(p.text) for _, p in paragraphs):
            return failed("header-text-missing", where, text=check.contains)
    if check.first_page_different is not None and page.different_first != check.first_page_different:
        return failed("first-page-different" if page.different_first else "first-page-not-different", where)
    return passed(where)


def _picture(model: DocumentModel, check: r.PictureCheck) -> Outcome:
    count = model.pictures
    if count < check.min:
        return failed("pictures", Location("document"), found=str(count), expected=str(check.min))
    first = next(p for p in model.paragraphs if p.pictures)
    return passed(_where(first), found=str(count))


def _heading(model: DocumentModel, check: r.HeadingCheck) -> Outcome:
    found = select(model, r.Target(text=check.text))
    if not found:
        return failed("paragraph-not-found", Location("document"), text=check.text)
    paragraph = found[0]
    if paragraph.heading != check.level:
        return failed("heading-level", _where(paragraph), found=paragraph.style or "—", expected=str(check.level))
    return passed(_where(paragraph))


def _text(model: DocumentModel, check: r.TextCheck) -> Outcome:
    needle = normalise(check.contains)
    paragraph = next((p for p in _main(model) if needle in normalise(p.text)), None)
    if paragraph is None:
        # a text spread over two paragraphs (a line break typed as Enter) still counts
        whole = normalise(" ".join(p.text for p in _main(model)))
        present = needle in whole
    else:
        present = True
    if check.absent:
        return failed("text-present", _where(paragraph) if paragraph else Location("document"),
                      text=check.contains) if present else passed(Location("document"))
    if not present:
        return failed("text-missing", Location("document"), text=check.contains)
    return passed(_where(paragraph) if paragraph else Location("document"))


def _word_count(model: DocumentModel, check: r.WordCountCheck) -> Outcome:
    words = len(re.findall(r"\w+", " ".join(p.text for p in _main(model))))
    high = check.max if check.max is not None else 10**9
    if not check.min <= words <= high:
        expected = f"{check.min}–{check.max}" if check.max is not None else f"≥ {check.min}"
        return failed("word-count", Location("document"), found=str(words), expected=expected)
    return passed(Location("document"), found=str(words))


# Each grader takes the Check subclass it is keyed by: a type mypy cannot express per entry.
_GRADERS: dict[type, Callable[[DocumentModel, Any], Outcome]] = {
    r.PageSetupCheck: _page_setup, r.MarginsCheck: _margins, r.FontCheck: _font, r.TextFormatCheck: _text_format,
    r.SpacingCheck: _spacing, r.TableCheck: _table, r.HeaderFooterCheck: _header_footer, r.PictureCheck: _picture,
    r.HeadingCheck: _heading, r.TextCheck: _text, r.WordCountCheck: _word_count,
}
