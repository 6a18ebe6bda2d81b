"""Workbooks (.xlsx via openpyxl, .ods via odfpy) read into one ``WorkbookModel``.

Formulas are read as written (openpyxl without ``data_only``; the ODF ``table:formula``
attribute), never evaluated: a checker can tell a SUM from a typed-in number. The values shown
are the ones the office program stored with the file (openpyxl's ``data_only`` view; ODF's
``office:value``). Charts are read from the chart parts themselves (the series' ranges and the
chart type), because openpyxl keeps the charts it loads in a private attribute.
"""
from __future__ import annotations

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time

import openpyxl
from odf import opendocument
from odf.chart import Categories as _ChartCategories
from odf.chart import Chart as _ChartElement
from odf.config import ConfigItemMapEntry as _ConfigMapEntry
from odf.draw import Frame as _Frame
from odf.element import Node
from odf.namespaces import CHARTNS, CONFIGNS, DRAWNS, NUMBERNS, OFFICENS, STYLENS, TABLENS, TEXTNS, XLINKNS
from odf.table import DatabaseRange as _DatabaseRange
from odf.table import FilterCondition as _FilterCondition
from odf.table import TableColumn as _TableColumn
from openpyxl.utils.cell import column_index_from_string, get_column_letter, range_boundaries
from openpyxl.utils.exceptions import InvalidFileException

from lms.officefile import OfficeFile, OfficeFileError
from practical.formats import clean_text, parse_xml, unreadable_as_corrupt

# Model -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NumberFormat:
    """What a number format shows, independent of how each program writes it."""

    code: str = "General"
    decimals: int | None = None  # None for "General" (as many as needed)
    thousands: bool = False
    percent: bool = False
    date: bool = False
    currency: str | None = None


@dataclass
class Cell:
    """One non-empty cell: its stored value, its formula if any, its number format."""

    ref: str  # "B2"
    value: float | str | bool | None  # the value shown (stored with the file)
    formula: str | None = None  # normalised: "SUM(B2:B10)", no "=" and Excel-style references
    number_format: NumberFormat = field(default_factory=NumberFormat)


@dataclass(frozen=True)
class Series:
    """A chart series: the ranges it plots ("Sheet1!$B$2:$B$10")."""

    values: str | None
    categories: str | None = None
    name: str | None = None


@dataclass
class Chart:
    """A chart on a sheet."""

    kind: str  # column | bar | line | pie | doughnut | area | scatter | radar | other
    title: str | None
    series: list[Series]
    anchor: str | None = None  # the cell at its top-left corner


@dataclass
class Sheet:
    """A worksheet."""

    name: str
    cells: dict[str, Cell]
    freeze: str | None = None  # top-left cell of the scrolling area ("A2" freezes row 1)
    filter_range: str | None = None  # range with filter buttons
    filter_columns: set[int] = field(default_factory=set)  # 0-based columns of the filter range with criteria
    charts: list[Chart] = field(default_factory=list)

    def cell(self, ref: str) -> Cell | None:
        """The cell at ``ref`` ("B2", "$B$2"), or None when empty."""
        return self.cells.get(ref.replace("$", "").upper())


@dataclass
class WorkbookModel:
    """A workbook as the checks see it."""

    kind: str  # xlsx | ods
    sheets: list[Sheet]

    def sheet(self, name: str | None = None) -> Sheet | None:
        """The sheet called ``name`` (case and spacing ignored), or the first sheet when ``name`` is None."""
        if name is None:
            return self.sheets[0] if self.sheets else None
        wanted = " ".join(name.split()).casefold()
        return next((s for s in self.sheets if " ".join(s.name.split()).casefold() == wanted), None)


@unreadable_as_corrupt
def read_workbook(checked: OfficeFile) -> WorkbookModel:
    """The model of a checked .xlsx or .ods file."""
    if checked.kind.extension in ("xlsx", "xltx"):
        return _read_xlsx(checked)
    if checked.kind.extension in ("ods", "ots"):
        return _OdsReader(checked).read()
    raise OfficeFileError("not-accepted", extension=checked.kind.extension, accepted=["ods", "xlsx"])


# Number formats ------------------------------------------------------------------------------------

_QUOTED = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')


def parse_format_code(code: str | None) -> NumberFormat:
    """What an Excel number format code ("#,##0.00", "0%", "dd/mm/yyyy") shows."""
    code = code or "General"
    if code.lower() == "general":
        return NumberFormat(code="General")
    section = code.split(";")[0]
    currency = None
    bracket = re.search(r"\[\$([^\]-]*)", section)
    if bracket:
        currency = bracket.group(1) or None
    quoted = re.findall(r'"([^"]*)"', section)
    for text in quoted:
        if text.strip() in ("₫", "đ", "VND", "VNĐ", "$", "€"):
            currency = text.strip()
    bare = _QUOTED.sub("", section)
    is_date = bool(re.search(r"[dmyhs]", bare, re.IGNORECASE)) and not re.search(r"[0#?]", bare)
    if is_date:
        return NumberFormat(code=code, date=True)
    if currency is None and any(symbol in bare for symbol in ("₫", "$", "€")):
        currency = next(symbol for symbol in ("₫", "$", "€") if symbol in bare)
    digit = re.search(r"[#0?]", bare)
    number = re.search(r"[#0?,]*\.?[#0?]*", bare[digit.start():]) if digit else None
    digits = number.group(0) if number else ""
    decimals = len(re.sub(r"[^0#?]", "", digits.split(".", 1)[1])) if "." in digits else 0
    thousands = "," in digits.split(".")[0].strip(",") or bool(re.search(r"[#0],[#0]", digits))
    return NumberFormat(code=code, decimals=decimals, thousands=thousands, percent="%" in bare, currency=currency)


# XLSX ----------------------------------------------------------------------------------------------

_NS = {
    "main": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
    "xdr": "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing",
    "c": "http://schemas.openxmlformats.org/drawingml/2006/chart",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
}
_CHART_KINDS = {"barChart": "bar", "bar3DChart": "bar", "lineChart": "line", "line3DChart": "line",
                "pieChart": "pie", "pie3DChart": "pie", "ofPieChart": "pie", "doughnutChart": "doughnut",
                "areaChart": "area", "area3DChart": "area", "scatterChart": "scatter", "radarChart": "radar",
                "bubbleChart": "scatter", "stockChart": "other", "surfaceChart": "other", "surface3DChart": "other"}


def normalise_formula(formula: str) -> str:
    """An Excel formula without its "=" and with upper-case function names and references."""
    text = formula.strip()
    text = text.removeprefix("=")
    # Upper-case everything outside string literals: functions and references ignore case.
    parts = re.split(r'("(?:[^"]|"")*")', text)
    return "".join(part if part.startswith('"') else part.upper() for part in parts).replace("_XLFN.", "")


def _read_xlsx(checked: OfficeFile) -> WorkbookModel:
    package = checked.package()
    try:
        formulas = openpyxl.load_workbook(io.BytesIO(package), data_only=False)
        values = openpyxl.load_workbook(io.BytesIO(package), data_only=True, read_only=True)
    except (InvalidFileException, KeyError, ValueError, TypeError, AttributeError, IndexError,
            zipfile.BadZipFile) as error:
        raise OfficeFileError("corrupt", reason="parse") from error
    charts = _xlsx_charts(package)
    sheets: list[Sheet] = []
    try:
        for worksheet in formulas.worksheets:
            stored = {}
            for row in values[worksheet.title].iter_rows():
                for cell in row:
                    if getattr(cell, "value", None) is not None:
                        stored[cell.coordinate] = cell.value
            cells: dict[str, Cell] = {}
            for row in worksheet.iter_rows():
                for cell in row:
                    raw = cell.value
                    if raw is None:
                        continue
                    formula = None
                    if cell.data_type == "f":
                        text = raw if isinstance(raw, str) else getattr(raw, "text", None) or str(raw)
                        formula = normalise_formula(text)
                        value = stored.get(cell.coordinate)
                    else:
                        value = raw
                    cells[cell.coordinate] = Cell(cell.coordinate, _plain(value), formula,
                                                  parse_format_code(cell.number_format))
            auto = worksheet.auto_filter
            filter_range = auto.ref if auto is not None and auto.ref else None
            columns = {column.colId for column in (auto.filterColumn if auto is not None else [])}
            for table in worksheet.tables.values():
                if table.autoFilter is not None and not filter_range:
                    filter_range = table.ref
                    columns = {column.colId for column in table.autoFilter.filterColumn}
            sheets.append(Sheet(name=worksheet.title, cells=cells, freeze=worksheet.freeze_panes,
                                filter_range=str(filter_range) if filter_range else None, filter_columns=columns,
                                charts=charts.get(worksheet.title, [])))
    finally:
        values.close()
    return WorkbookModel(kind="xlsx", sheets=sheets)


def _plain(value):
    """Cell values as numbers, text or booleans (dates as Excel serial numbers are not needed here)."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    return clean_text(str(value))


def _xlsx_charts(package: bytes) -> dict[str, list[Chart]]:
    """Charts per sheet title, read from the workbook's drawing and chart parts."""
    found: dict[str, list[Chart]] = {}
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        names = set(archive.namelist())

        def xml(path: str):
            return parse_xml(archive.read(path)) if path in names else None

        def rels(path: str) -> dict[str, str]:
            folder, name = posixpath.split(path)
            root = xml(posixpath.join(folder, "_rels", name + ".rels"))
            if root is None:
                return {}
            return {r.get("Id"): posixpath.normpath(posixpath.join(folder, r.get("Target", "")))
                    for r in root.findall("rel:Relationship", _NS) if r.get("TargetMode") != "External"}

        workbook = xml("xl/workbook.xml")
        if workbook is None:
            return found
        workbook_rels = rels("xl/workbook.xml")
        for sheet in workbook.findall("main:sheets/main:sheet", _NS):
            title = sheet.get("name", "")
            path = workbook_rels.get(sheet.get(f"{{{_NS['r']}}}id"))
            if not path:
                continue
            sheet_rels = rels(path)
            sheet_root = xml(path)
            if sheet_root is None:
                continue
            for drawing_ref in sheet_root.findall("main:drawing", _NS):
                drawing_path = sheet_rels.get(drawing_ref.get(f"{{{_NS['r']}}}id"))
                drawing = xml(drawing_path) if drawing_path else None
                if drawing_path is None or drawing is None:
                    continue
                drawing_rels = rels(drawing_path)
                for anchor in drawing:
                    chart_ref = anchor.find(".//c:chart", _NS)
                    if chart_ref is None:
                        continue
                    chart_path = drawing_rels.get(chart_ref.get(f"{{{_NS['r']}}}id"))
                    chart_root = xml(chart_path) if chart_path else None
                    if chart_root is None:
                        continue
                    start = anchor.find("xdr:from", _NS)
                    cell = None
                    if start is not None:
                        column = int(start.findtext("xdr:col", "0", _NS)) + 1
                        row = int(start.findtext("xdr:row", "0", _NS)) + 1
                        cell = f"{get_column_letter(column)}{row}"
                    found.setdefault(title, []).append(_ooxml_chart(chart_root, cell))
    return found


def _ooxml_chart(root, anchor: str | None) -> Chart:
    plot = root.find("c:chart/c:plotArea", _NS)
    kind, series = "other", []
    if plot is not None:
        for child in plot:
            local = child.tag.rsplit("}", 1)[-1]
            if local not in _CHART_KINDS:
                continue
            kind = _CHART_KINDS[local]
            direction = child.find("c:barDir", _NS)
            if kind == "bar" and (direction is None or direction.get("val", "col") == "col"):
                kind = "column"
            for ser in child.findall("c:ser", _NS):
                values = ser.findtext("c:val/c:numRef/c:f", None, _NS) or ser.findtext("c:yVal/c:numRef/c:f", None, _NS)
                categories = (ser.findtext("c:cat/c:strRef/c:f", None, _NS)
                              or ser.findtext("c:cat/c:numRef/c:f", None, _NS)
                              or ser.findtext("c:xVal/c:numRef/c:f", None, _NS))
                name = ser.findtext("c:tx/c:strRef/c:f", None, _NS) or ser.findtext("c:tx/c:v", None, _NS)
                series.append(Series(values, categories, name))
            break
    title_runs = root.findall("c:chart/c:title//a:t", _NS)
    title = clean_text("".join(t.text or "" for t in title_runs)).strip() or None
    if title is None:
        reference = root.findtext("c:chart/c:title/c:tx/c:strRef/c:f", None, _NS)
        title = reference
    return Chart(kind=kind, title=title, series=series, anchor=anchor)


# ODS -----------------------------------------------------------------------------------------------


def _attr(element, namespace: str, name: str) -> str | None:
    return element.attributes.get((namespace, name))


def _is(element, namespace: str, name: str) -> bool:
    return getattr(element, "qname", None) == (namespace, name)


def _elements(element):
    return (child for child in element.childNodes if child.nodeType == Node.ELEMENT_NODE)


def _text(element) -> str:
    parts: list[str] = []
    for child in element.childNodes:
        if child.nodeType == Node.TEXT_NODE:
            parts.append(child.data)
        elif _is(child, TEXTNS, "s"):
            parts.append(" " * int(_attr(child, TEXTNS, "c") or 1))
        elif _is(child, TEXTNS, "tab"):
            parts.append("\t")
        elif _is(child, TEXTNS, "line-break"):
            parts.append("\n")
        elif child.nodeType == Node.ELEMENT_NODE:
            parts.append(_text(child))
    return "".join(parts)


_ODS_REFERENCE = re.compile(r"\[(?P<body>[^\]]+)\]")
_MAX_REPEAT = 100_000  # repeated empty rows/columns are skipped, not expanded


def ods_reference(address: str) -> str:
    """An ODF cell address ("Sheet1.B2:Sheet1.B10", ".B2:.B10", "$'Bảng lương'.$B$2") in Excel style."""
    pieces = []
    for piece in address.split(":"):
        piece = piece.strip()
        sheet, _, cell = piece.rpartition(".")
        sheet = sheet.lstrip("$").strip("'")
        pieces.append((sheet, cell))
    sheet = pieces[0][0]
    cells = ":".join(cell for _, cell in pieces)
    if not sheet:
        return cells
    quoted = "'" + sheet.replace("'", "''") + "'" if re.search(r"[^\w]", sheet) else sheet
    return f"{quoted}!{cells}"


def normalise_ods_formula(formula: str) -> str:
    """An OpenFormula ("of:=SUM([.B2:.B10])") in the Excel style the checks use ("SUM(B2:B10)")."""
    text = formula.strip()
    if ":" in text.split("=", 1)[0]:
        text = text.split(":", 1)[1]  # namespace prefix ("of:")
    text = _ODS_REFERENCE.sub(lambda m: ods_reference(m.group("body")), text)
    text = normalise_formula(text)
    return re.sub(r";", ",", text)  # OpenFormula separates arguments with ";"


class _OdsReader:
    def __init__(self, checked: OfficeFile):
        package = checked.package()
        with zipfile.ZipFile(io.BytesIO(package)) as archive:
            for member in archive.namelist():  # odfpy prints a part that fails to parse and carries on
                if member.endswith(("content.xml", "styles.xml", "settings.xml")):
                    parse_xml(archive.read(member))
        try:
            self.document = opendocument.load(io.BytesIO(package))
        except (ValueError, KeyError, TypeError, AttributeError, IndexError) as error:
            raise OfficeFileError("corrupt", reason="parse") from error
        if getattr(self.document, "spreadsheet", None) is None:
            raise OfficeFileError("corrupt", reason="parse")
        self.number_styles: dict[str, NumberFormat] = {}
        self.cell_styles: dict[str, str] = {}  # cell style → data style
        for container in (self.document.styles, self.document.automaticstyles):
            for style in _elements(container):
                name = _attr(style, STYLENS, "name") or ""
                if _is(style, STYLENS, "style") and _attr(style, STYLENS, "family") == "table-cell":
                    data_style = _attr(style, STYLENS, "data-style-name")
                    parent = _attr(style, STYLENS, "parent-style-name")
                    if data_style:
                        self.cell_styles[name] = data_style
                    elif parent and parent in self.cell_styles:
                        self.cell_styles[name] = self.cell_styles[parent]
                elif style.qname[0] == NUMBERNS:
                    self.number_styles[name] = _ods_number_format(style)

    def read(self) -> WorkbookModel:
        freezes = self._freezes()
        filters = self._filters()
        sheets: list[Sheet] = []
        for table in _elements(self.document.spreadsheet):
            if not _is(table, TABLENS, "table"):
                continue
            name = _attr(table, TABLENS, "name") or f"Sheet{len(sheets) + 1}"
            sheet = Sheet(name=name, cells={}, freeze=freezes.get(name))
            self._cells(table, sheet)
            if name in filters:
                sheet.filter_range, sheet.filter_columns = filters[name]
            sheets.append(sheet)
        return WorkbookModel(kind="ods", sheets=sheets)

    def _cells(self, table, sheet: Sheet) -> None:
        column_styles: list[tuple[int, str | None]] = []  # (columns covered, default cell style)
        row_number = 0

        def rows(parent):
            for child in _elements(parent):
                if _is(child, TABLENS, "table-row"):
                    yield child
                elif (_is(child, TABLENS, "table-header-rows") or _is(child, TABLENS, "table-rows")
                      or _is(child, TABLENS, "table-row-group")):
                    yield from rows(child)
                elif _is(child, TABLENS, "table-column") or _is(child, TABLENS, "table-header-columns") \
                        or _is(child, TABLENS, "table-columns") or _is(child, TABLENS, "table-column-group"):
                    for column in ([child] if _is(child, TABLENS, "table-column") else
                                   child.getElementsByType(_TableColumn)):
                        repeat = min(int(_attr(column, TABLENS, "number-columns-repeated") or 1), _MAX_REPEAT)
                        column_styles.append((repeat, _attr(column, TABLENS, "default-cell-style-name")))
                elif _is(child, TABLENS, "shapes"):
                    self._charts(child, sheet)

        def column_style(index: int) -> str | None:
            covered = 0
            for repeat, style in column_styles:
                covered += repeat
                if index < covered:
                    return style
            return None

        for row in rows(table):
            row_repeat = int(_attr(row, TABLENS, "number-rows-repeated") or 1)
            column = 0
            row_cells: list[Cell] = []
            for cell in _elements(row):
                if not (_is(cell, TABLENS, "table-cell") or _is(cell, TABLENS, "covered-table-cell")):
                    continue
                repeat = int(_attr(cell, TABLENS, "number-columns-repeated") or 1)
                for frame in cell.getElementsByType(_Frame):
                    self._chart_frame(frame, sheet, f"{get_column_letter(column + 1)}{row_number + 1}")
                value, formula = _ods_value(cell)
                if value is None and formula is None:
                    column += repeat
                    continue
                style = _attr(cell, TABLENS, "style-name") or column_style(column)
                number_format = self.number_styles.get(self.cell_styles.get(style or "", ""), NumberFormat())
                for offset in range(min(repeat, 1000)):
                    ref = f"{get_column_letter(column + offset + 1)}{row_number + 1}"
                    row_cells.append(Cell(ref, value, formula, number_format))
                column += repeat
            if row_cells:
                for offset in range(min(row_repeat, 1000)):
                    for cell in row_cells:
                        letters = cell.ref.rstrip("0123456789")  # the ref's column letters
                        ref = f"{letters}{row_number + offset + 1}"
                        sheet.cells[ref] = Cell(ref, cell.value, cell.formula, cell.number_format)
            row_number += row_repeat

    def _charts(self, shapes, sheet: Sheet) -> None:
        for frame in shapes.getElementsByType(_Frame):
            self._chart_frame(frame, sheet, None)

    def _chart_frame(self, frame, sheet: Sheet, anchor: str | None) -> None:
        for child in _elements(frame):
            if not _is(child, DRAWNS, "object"):
                continue
            href = (_attr(child, XLINKNS, "href") or "").lstrip("./").rstrip("/")
            subdocument = next((d for d in self.document.childobjects
                                if getattr(d, "folder", "").strip("/").lstrip("./") == href), None)
            if subdocument is None or not subdocument.getElementsByType(_ChartElement):
                continue
            end = _attr(frame, TABLENS, "end-cell-address")
            sheet.charts.append(_odf_chart(subdocument, anchor or (ods_reference(end).split("!")[-1] if end else None)))

    def _freezes(self) -> dict[str, str]:
        """Frozen panes per sheet, from settings.xml (split mode 2 = frozen)."""
        result: dict[str, str] = {}
        for entry in self.document.settings.getElementsByType(_ConfigMapEntry):
            name = _attr(entry, CONFIGNS, "name")
            items = {(_attr(i, CONFIGNS, "name") or ""): _text(i) for i in _elements(entry)
                     if _is(i, CONFIGNS, "config-item")}
            if not name or "HorizontalSplitMode" not in items:
                continue
            columns = int(items.get("HorizontalSplitPosition") or 0) if items.get("HorizontalSplitMode") == "2" else 0
            rows = int(items.get("VerticalSplitPosition") or 0) if items.get("VerticalSplitMode") == "2" else 0
            if columns or rows:
                result[name] = f"{get_column_letter(columns + 1)}{rows + 1}"
        return result

    def _filters(self) -> dict[str, tuple[str, set[int]]]:
        result: dict[str, tuple[str, set[int]]] = {}
        for database in self.document.spreadsheet.getElementsByType(_DatabaseRange):
            target = _attr(database, TABLENS, "target-range-address")
            if not target or _attr(database, TABLENS, "display-filter-buttons") != "true":
                continue
            reference = ods_reference(target)
            sheet, _, cells = reference.rpartition("!")
            sheet = sheet[1:-1].replace("''", "'") if sheet.startswith("'") else sheet
            columns = {int(_attr(c, TABLENS, "field-number") or 0)
                       for c in database.getElementsByType(_FilterCondition)}
            result[sheet] = (cells.replace("$", ""), columns)
        return result


def _ods_value(cell) -> tuple[float | str | bool | None, str | None]:
    formula = _attr(cell, TABLENS, "formula")
    value_type = _attr(cell, OFFICENS, "value-type")
    value: float | str | bool | None
    if value_type in ("float", "percentage", "currency"):
        try:
            value = float(_attr(cell, OFFICENS, "value") or "nan")
        except ValueError:
            value = None
    elif value_type == "boolean":
        value = _attr(cell, OFFICENS, "boolean-value") == "true"
    elif value_type == "date":
        value = _attr(cell, OFFICENS, "date-value")
    elif value_type == "time":
        value = _attr(cell, OFFICENS, "time-value")
    elif value_type == "string":
        value = _attr(cell, OFFICENS, "string-value")
        if value is None:
            value = "\n".join(_text(p) for p in _elements(cell) if _is(p, TEXTNS, "p"))
        value = clean_text(value)
    else:
        text = "\n".join(_text(p) for p in _elements(cell) if _is(p, TEXTNS, "p"))
        value = clean_text(text) if text else None
    return value, (normalise_ods_formula(formula) if formula else None)


def _ods_number_format(style) -> NumberFormat:
    local = style.qname[1]
    name = _attr(style, STYLENS, "name") or ""
    if local in ("date-style", "time-style"):
        return NumberFormat(code=name, date=True)
    number = next((c for c in _elements(style) if _is(c, NUMBERNS, "number")), None)
    decimals = None
    thousands = False
    if number is not None:
        places = _attr(number, NUMBERNS, "decimal-places") or _attr(number, NUMBERNS, "min-decimal-places")
        decimals = int(places) if places and places.isdigit() else 0
        thousands = _attr(number, NUMBERNS, "grouping") == "true"
    currency = None
    for child in _elements(style):
        if _is(child, NUMBERNS, "currency-symbol"):
            currency = _text(child).strip() or None
    return NumberFormat(code=name, decimals=decimals, thousands=thousands, percent=local == "percentage-style",
                        currency=currency)


def _odf_chart(subdocument, anchor: str | None) -> Chart:
    chart = subdocument.getElementsByType(_ChartElement)[0]  # odfpy sets .chart on the main document only
    chart_class = (_attr(chart, CHARTNS, "class") or "").split(":")[-1]
    kind = {"bar": "column", "line": "line", "circle": "pie", "ring": "doughnut", "area": "area",
            "scatter": "scatter", "radar": "radar", "filled-radar": "radar"}.get(chart_class, "other")
    title = None
    series: list[Series] = []
    for child in _elements(chart):
        if _is(child, CHARTNS, "title"):
            title = clean_text(" ".join(_text(p) for p in _elements(child))).strip() or None
        elif _is(child, CHARTNS, "plot-area"):
            if kind == "column" and _chart_property(subdocument, _attr(child, CHARTNS, "style-name"), "vertical"):
                kind = "bar"  # ODF "bar" charts are columns unless the plot area is "vertical"
            categories = None
            for axis in child.getElementsByType(_ChartCategories):
                address = _attr(axis, TABLENS, "cell-range-address")
                categories = ods_reference(address) if address else None
            for item in _elements(child):
                if _is(item, CHARTNS, "series"):
                    values = _attr(item, CHARTNS, "values-cell-range-address")
                    label = _attr(item, CHARTNS, "label-cell-address")
                    series.append(Series(ods_reference(values) if values else None, categories,
                                         ods_reference(label) if label else None))
    return Chart(kind=kind, title=title, series=series, anchor=anchor)


def _chart_property(subdocument, style_name: str | None, name: str) -> bool:
    """Whether the chart style ``style_name`` sets chart property ``name`` to true."""
    if not style_name:
        return False
    for style in _elements(subdocument.automaticstyles):
        if _attr(style, STYLENS, "name") == style_name:
            for props in _elements(style):
                if _is(props, STYLENS, "chart-properties") and _attr(props, CHARTNS, name) == "true":
                    return True
    return False


__all__ = ["Cell", "Chart", "NumberFormat", "Series", "Sheet", "WorkbookModel", "column_index_from_string",
           "normalise_formula", "normalise_ods_formula", "parse_format_code", "range_boundaries", "read_workbook"]
