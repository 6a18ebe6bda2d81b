"""Grader for workbooks (.xlsx, .ods): checks of practical.rubric against a WorkbookModel.

Formulas are compared as text (functions used, ranges referred to), never evaluated; the values
compared are the ones the office program stored in the file.
"""
from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator
from typing import Any

from openpyxl.utils.cell import column_index_from_string, get_column_letter, range_boundaries

from lms.text import fold
from practical import rubric as r
from practical.formats.spreadsheet import Cell, Chart, Sheet, WorkbookModel
from practical.graders import Location, Outcome, failed, normalise, number_text, passed

# A reference in a formula: optional sheet, a cell or a range; not a function name (followed by "(").
_REFERENCE = re.compile(r"(?:(?P<sheet>'(?:[^']|'')+'|[^\s'!(),;:=+\-*/^&<>\"]+)!)?"
                        r"(?P<range>\$?[A-Z]{1,3}\$?[0-9]+(?::\$?[A-Z]{1,3}\$?[0-9]+)?)(?![0-9A-Z_(])")
_STRING = re.compile(r'"(?:[^"]|"")*"')


def evaluate(model: WorkbookModel, check: r.Check) -> Outcome:
    """The outcome of ``check`` on ``model``."""
    sheet = model.sheet(getattr(check, "sheet", None))
    if sheet is None:
        return failed("sheet-missing", Location("document"), sheet=getattr(check, "sheet", None) or "")
    return _GRADERS[type(check)](sheet, check)


def _cells(reference: str) -> Iterator[str]:
    min_col, min_row, max_col, max_row = range_boundaries(reference.replace("$", "").split("!")[-1])
    for row in range(min_row, max_row + 1):
        for column in range(min_col, max_col + 1):
            yield f"{get_column_letter(column)}{row}"


def _bounds(reference: str) -> tuple[int, int, int, int]:
    return range_boundaries(reference.replace("$", "").split("!")[-1])


def _plain_range(reference: str) -> str:
    """"$B$2:$B$10" → "B2:B10"; a single cell "B2" → "B2:B2"."""
    text = reference.replace("$", "").upper()
    return text if ":" in text else f"{text}:{text}"


def _shown(reference: str) -> str:
    """"B2:B2" → "B2"; ranges as they are."""
    first, _, last = reference.partition(":")
    return first if first == last else reference


def _sheet_name(text: str | None) -> str | None:
    if not text:
        return None
    return " ".join(text.strip("'").replace("''", "'").split()).casefold()


def references(formula: str) -> list[tuple[str | None, str]]:
    """The (sheet, "B2:B10") references of a normalised formula, string literals left out."""
    bare = _STRING.sub('""', formula)
    return [(_sheet_name(m.group("sheet")), _plain_range(m.group("range"))) for m in _REFERENCE.finditer(bare)]


def uses_function(formula: str, name: str) -> bool:
    """Whether ``formula`` calls function ``name`` (``ROUND`` is not ``ROUNDUP``)."""
    bare = _STRING.sub('""', formula)
    return re.search(rf"(?<![A-Z0-9_.]){re.escape(name.upper())}\s*\(", bare) is not None


def _shift(reference: str, rows: int, columns: int) -> str:
    min_col, min_row, max_col, max_row = _bounds(reference)
    return (f"{get_column_letter(min_col + columns)}{min_row + rows}:"
            f"{get_column_letter(max_col + columns)}{max_row + rows}")


def _value_text(value) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return number_text(value)
    return str(value)


def _matches(value, expected, tolerance: float) -> bool:
    if isinstance(expected, (int, float)) and not isinstance(expected, bool):
        if isinstance(value, str):
            try:
                value = float(value.replace(".", "").replace(",", ".")) if "," in value else float(value)
            except ValueError:
                return False
        is_number = isinstance(value, (int, float)) and not isinstance(value, bool)
        return is_number and abs(value - expected) <= tolerance + 1e-9
    return normalise(str(value)) == normalise(str(expected))


def _cell_value(sheet: Sheet, check: r.CellValueCheck) -> Outcome:
    where = Location("cell", check.cell, sheet.name)
    cell = sheet.cell(check.cell)
    if cell is None:
        return failed("cell-empty", where, cell=check.cell)
    if cell.value is None and cell.formula is not None:
        return failed("no-cached-value", where, cell=check.cell)
    if not _matches(cell.value, check.equals, check.tolerance):
        return failed("cell-value", where, cell=check.cell, found=_value_text(cell.value),
                      expected=_value_text(check.equals))
    return passed(where, found=_value_text(cell.value))


def _formula(sheet: Sheet, check: r.FormulaCheck) -> Outcome:
    min_col, min_row, _, _ = _bounds(check.cells)
    own = _sheet_name(sheet.name)
    for ref in _cells(check.cells):
        where = Location("cell", ref, sheet.name)
        cell = sheet.cell(ref)
        if cell is None:
            return failed("cell-empty", where, cell=ref)
        if cell.formula is None:
            return failed("not-formula", where, cell=ref, found=_value_text(cell.value))
        for function in check.functions:
            if not uses_function(cell.formula, function):
                return failed("formula-function", where, cell=ref, formula=cell.formula, expected=function)
        if check.range is not None:
            column, row = column_index_from_string(ref.rstrip("0123456789")), int(re.sub(r"[A-Z]", "", ref))
            expected_sheet = _sheet_name(check.range.split("!")[0]) if "!" in check.range else None
            expected = _plain_range(check.range.split("!")[-1])
            if check.relative:
                expected = _shift(expected, row - min_row, column - min_col)
            found = references(cell.formula)
            if not any(rng == expected and (sheet_name or own) == (expected_sheet or own) for sheet_name, rng in found):
                return failed("formula-range", where, cell=ref, formula=cell.formula, expected=_shown(expected))
    return passed(Location("range" if ":" in check.cells else "cell", check.cells, sheet.name))


def _number_format(sheet: Sheet, check: r.NumberFormatCheck) -> Outcome:
    checked = 0
    for ref in _cells(check.cells):
        cell = sheet.cell(ref)
        if cell is None or cell.value is None and cell.formula is None:
            continue
        checked += 1
        fmt = cell.number_format
        wrong = ((check.decimals is not None and fmt.decimals != check.decimals)
                 or (check.thousands is not None and fmt.thousands != check.thousands)
                 or (check.percent is not None and fmt.percent != check.percent)
                 or (check.date is not None and fmt.date != check.date))
        if wrong:
            return failed("number-format", Location("cell", ref, sheet.name), cell=ref, code=fmt.code,
                          decimals="" if fmt.decimals is None else str(fmt.decimals),
                          thousands=fmt.thousands, percent=fmt.percent, date=fmt.date,
                          want_decimals="" if check.decimals is None else str(check.decimals),
                          want_thousands=check.thousands, want_percent=check.percent, want_date=check.date)
    if checked == 0:
        return failed("cell-empty", Location("range", check.cells, sheet.name), cell=check.cells)
    return passed(Location("range", check.cells, sheet.name))


def _sort_key(value):
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return (0, value, "")
    return (1, 0, fold(str(value)) if value is not None else "")


def _sorted(sheet: Sheet, check: r.SortedCheck) -> Outcome:
    _min_col, min_row, _max_col, max_row = _bounds(check.range)
    values = []
    for row in range(min_row, max_row + 1):
        cell = sheet.cell(f"{check.column}{row}")
        values.append((row, cell.value if cell is not None else None))
    if all(v is None for _, v in values):
        return failed("cell-empty", Location("range", check.range, sheet.name), cell=check.range)
    for (_, before), (row, after) in itertools.pairwise(values):
        a, b = _sort_key(before), _sort_key(after)
        if (check.order == "asc" and a > b) or (check.order == "desc" and a < b):
            return failed("not-sorted", Location("cell", f"{check.column}{row}", sheet.name), range=check.range,
                          column=check.column, order=check.order, row=str(row))
    return passed(Location("range", check.range, sheet.name))


def _lookup(sheet: Sheet, check: r.LookupCheck) -> Outcome:
    _, min_row, _, max_row = _bounds(check.range)
    for row in range(min_row, max_row + 1):
        key = sheet.cell(f"{check.key_column}{row}")
        if key is not None and normalise(str(key.value)) == normalise(check.key):
            ref = f"{check.column}{row}"
            where = Location("cell", ref, sheet.name)
            cell = sheet.cell(ref)
            if cell is None or cell.value is None:
                return failed("cell-empty" if cell is None or cell.formula is None else "no-cached-value", where,
                              cell=ref)
            if not _matches(cell.value, check.equals, check.tolerance):
                return failed("row-value", where, key=check.key, column=check.column, found=_value_text(cell.value),
                              expected=_value_text(check.equals))
            return passed(where, found=_value_text(cell.value))
    return failed("row-missing", Location("range", check.range, sheet.name), key=check.key, column=check.key_column)


def _filter(sheet: Sheet, check: r.FilterCheck) -> Outcome:
    if not sheet.filter_range:
        return failed("no-filter", Location("sheet", sheet.name, sheet.name))
    where = Location("range", sheet.filter_range, sheet.name)
    have, want = _bounds(sheet.filter_range), _bounds(check.range)
    covers = have[0] <= want[0] and have[1] <= want[1] and have[2] >= want[2] and have[3] >= want[3]
    if not covers:
        return failed("filter-range", where, found=sheet.filter_range, expected=check.range)
    if check.column is not None and column_index_from_string(check.column) - have[0] not in sheet.filter_columns:
        return failed("filter-column", where, column=check.column)
    return passed(where)


def _chart_problem(chart: Chart, check: r.ChartCheck, own: str | None) -> tuple[str, dict] | None:
    if check.type is not None and chart.kind != check.type:
        return "chart-type", {"found": chart.kind, "expected": check.type}
    for name, wanted in (("values", check.values), ("categories", check.categories)):
        if wanted is None:
            continue
        want_sheet = _sheet_name(wanted.split("!")[0]) if "!" in wanted else own
        want_range = _plain_range(wanted.split("!")[-1])
        found = []
        for series in chart.series:
            reference = getattr(series, name)
            if not reference:
                continue
            for part in reference.strip("()").split(","):
                sheet_name = _sheet_name(part.split("!")[0]) if "!" in part else own
                found.append((sheet_name, _plain_range(part.split("!")[-1])))
        if (want_sheet, want_range) not in found:
            return f"chart-{name}", {"expected": wanted.split("!")[-1],
                                     "found": ", ".join(_shown(rng) for _, rng in found) or "—"}
    if check.title is not None and normalise(check.title) not in normalise(chart.title):
        return "chart-title", {"found": chart.title or "—", "expected": check.title}
    return None


def _chart(sheet: Sheet, check: r.ChartCheck) -> Outcome:
    if not sheet.charts:
        return failed("no-chart", Location("sheet", sheet.name, sheet.name))
    own = _sheet_name(sheet.name)
    problems = []
    for number, chart in enumerate(sheet.charts, start=1):
        problem = _chart_problem(chart, check, own)
        where = Location("chart", chart.anchor or number, sheet.name)
        if problem is None:
            return passed(where)
        problems.append((where, problem))
    where, (code, params) = problems[0]
    return failed(code, where, **params)


def _freeze(sheet: Sheet, check: r.FreezeCheck) -> Outcome:
    where = Location("sheet", sheet.name, sheet.name)
    if not sheet.freeze or sheet.freeze.upper() in ("A1", ""):
        return failed("not-frozen", where)
    if sheet.freeze.replace("$", "").upper() != check.cell.replace("$", ""):
        return failed("freeze", where, found=sheet.freeze, expected=check.cell)
    return passed(where)


# Each grader takes the Check subclass it is keyed by: a type mypy cannot express per entry.
_GRADERS: dict[type, Callable[[Sheet, Any], Outcome]] = {
    r.CellValueCheck: _cell_value, r.FormulaCheck: _formula, r.NumberFormatCheck: _number_format,
    r.SortedCheck: _sorted, r.LookupCheck: _lookup, r.FilterCheck: _filter, r.ChartCheck: _chart,
    r.FreezeCheck: _freeze,
}

__all__ = ["Cell", "evaluate", "references", "uses_function"]
