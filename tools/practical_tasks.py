"""Files of the twelve practical tasks: starting files, reference solutions and wrong answers.

For each task, ``FIXTURES[slug]`` lists the files to make: a reference solution (full marks) in
each format family member, and wrong answers, each with the checks it must fail. The expected
score of a file is the rubric's total minus the points of the checks it must fail; the test
grades every file and compares check by check. Spreadsheets are written with XlsxWriter (which
stores formula results, as Excel does) and odfpy; presentations with python-pptx and odfpy; text
documents with ``practical_docs``. Files that only LibreOffice can make well (an .ods or .odp with
a chart) are converted from the .xlsx/.pptx when LibreOffice is installed.
"""
from __future__ import annotations

import io
import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime

import nd30_corpus
import xlsxwriter
from odf import draw as odraw
from odf import presentation as opresentation
from odf import style as ostyle
from odf import table as otable
from odf import text as otext
from odf.config import ConfigItem, ConfigItemMapEntry, ConfigItemMapIndexed, ConfigItemMapNamed, ConfigItemSet
from odf.namespaces import PRESENTATIONNS, SMILNS
from odf.number import Number, NumberStyle, PercentageStyle
from odf.number import Text as NumberText
from odf.opendocument import OpenDocumentPresentation, OpenDocumentSpreadsheet
from PIL import Image, ImageDraw
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.enum.chart import XL_CHART_TYPE
from pptx.util import Cm, Pt
from practical_docs import PAGE_MARK, Doc, P, R, T, normalise_zip

CREATED = datetime(2026, 1, 5, 8, 0, 0)


@dataclass
class Fixture:
    """A file to make for a task's tests: its bytes and the checks it must fail."""

    name: str
    make: Callable[[], bytes | None]
    fails: tuple[str, ...] = ()
    note: str = ""
    libreoffice: bool = False  # made by converting another file with LibreOffice
    source: str = ""  # with libreoffice: the extension of what ``make`` returns (default: xlsx or pptx)


# Pictures -------------------------------------------------------------------------------------------


def picture(width: int = 480, height: int = 300, bars: tuple[int, ...] = (3, 5, 4, 7, 6, 8)) -> bytes:
    """A small illustration (a bar chart drawn as a picture), the same bytes on every run."""
    image = Image.new("RGB", (width, height), "white")
    pen = ImageDraw.Draw(image)
    pen.rectangle([0, 0, width - 1, height - 1], outline=(90, 90, 90))
    step = (width - 60) // len(bars)
    for number, value in enumerate(bars):
        x = 40 + number * step
        top = height - 30 - value * (height - 60) // max(bars)
        pen.rectangle([x, top, x + step - 14, height - 30], fill=(31, 78, 121))
    pen.line([30, height - 30, width - 20, height - 30], fill=(0, 0, 0), width=2)
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


# Text documents -------------------------------------------------------------------------------------


def cong_van(deviations=(), extension: str = "docx") -> Callable[[], bytes]:
    from practical_docs import write

    return lambda: write(nd30_corpus.make("cong-van", set(deviations)), extension)


def quyet_dinh(deviations=(), extension: str = "docx") -> Callable[[], bytes]:
    from practical_docs import write

    return lambda: write(nd30_corpus.make("quyet-dinh", set(deviations)), extension)


_PEOPLE = [("Nguyễn Thị Hương", "Chuyên viên", "Văn phòng Sở"), ("Trần Văn Minh", "Chuyên viên", "Phòng Tổ chức"),
           ("Lê Thị Thu Hà", "Phó Trưởng phòng", "Phòng Cải cách hành chính"),
           ("Phạm Quốc Bảo", "Chuyên viên", "Thanh tra Sở"), ("Hoàng Đức Thắng", "Trưởng phòng", "Văn phòng Sở")]


def danh_sach(extension: str = "docx", *, columns: int = 5, header_bold: bool = True, title_bold: bool = True,
              paper: tuple[float, float] = (210, 297), total: bool = True) -> Callable[[], bytes]:
    from practical_docs import write

    def make() -> bytes:
        headers = ["STT", "Họ và tên", "Chức vụ", "Đơn vị", "Ghi chú"][:columns]
        rows = [[[P(h, bold=header_bold or None, align="center", size=13)] for h in headers]]
        for number, (name, position, unit) in enumerate(_PEOPLE, start=1):
            cells = [f"{number:02d}", name, position, unit, ""][:columns]
            rows.append([[P(c, size=13, align="center" if i == 0 else None)] for i, c in enumerate(cells)])
        blocks: list[P | T] = [
            P("DANH SÁCH CÔNG CHỨC ĐĂNG KÝ BỒI DƯỠNG\nKỸ NĂNG CÔNG NGHỆ THÔNG TIN", align="center", size=14,
              bold=title_bold or None),
            P([R("(Kèm theo Công văn số 05/SNV-VP ngày 05/02/2026 của Sở Nội vụ)", italic=True)], align="center",
              size=13, after=12),
            T(rows, widths_cm=[1.2, 4.8, 3.5, 4.5, 2.0][:columns], borders=True),
        ]
        if total:
            blocks.append(P("Tổng số: 05 người.", size=13, before=12))
        return write(Doc(blocks=blocks, page_mm=paper, size=13), extension)

    return make


_REPORT_TEXT = {
    "I. KẾT QUẢ THỰC HIỆN": [
        ("Năm 2026, Sở Nội vụ đã triển khai đồng bộ các nhiệm vụ chuyển đổi số theo kế hoạch của Ủy ban nhân dân "
        "tỉnh. Toàn bộ văn bản đi, đến được xử lý trên hệ thống quản lý văn bản và điều hành; tỷ lệ văn bản ký số "
        "đạt trên chín mươi phần trăm; hồ sơ công việc được lập và lưu trữ điện tử ở tất cả các phòng chuyên môn."),
        ("Công tác bồi dưỡng kỹ năng sử dụng công nghệ thông tin cho công chức được quan tâm. Sở đã tổ chức ba lớp "
        "bồi dưỡng theo chuẩn kỹ năng cơ bản cho một trăm hai mươi lượt công chức, viên chức; sau mỗi lớp đều có "
        "bài kiểm tra lý thuyết và thực hành trên hệ thống học trực tuyến. Kết quả kiểm tra cho thấy phần lớn học "
        "viên nắm vững thao tác soạn thảo văn bản đúng thể thức, lập bảng tính và trình chiếu."),
        ("Dịch vụ công trực tuyến thuộc thẩm quyền của Sở được cung cấp toàn trình; số hồ sơ nộp trực tuyến tăng "
        "đều qua các quý. Bộ phận một cửa đã hướng dẫn người dân sử dụng tài khoản định danh điện tử để nộp hồ sơ, "
        "theo dõi tiến độ và nhận kết quả mà không phải đến trụ sở."),
        ("Hệ thống thư điện tử công vụ được sử dụng thường xuyên trong trao đổi công việc; các cuộc họp giao ban "
        "hằng tuần được tổ chức trực tuyến khi cần, giúp tiết kiệm thời gian đi lại. Sở đã rà soát, cập nhật quy "
        "chế bảo đảm an toàn thông tin, tổ chức diễn tập xử lý sự cố cho cán bộ phụ trách công nghệ thông tin."),
    ],
    "II. TỒN TẠI, HẠN CHẾ": [
        ("Một số công chức lớn tuổi còn lúng túng khi sử dụng chữ ký số và tra cứu hồ sơ trên hệ thống; việc số hóa "
        "hồ sơ lưu trữ của các năm trước còn chậm so với kế hoạch. Hạ tầng phòng máy phục vụ bồi dưỡng đã xuống "
        "cấp, đường truyền tại một số điểm tiếp nhận hồ sơ chưa ổn định vào giờ cao điểm."),
        ("Việc chia sẻ dữ liệu giữa các hệ thống thông tin của các sở, ngành chưa thông suốt, dẫn đến người dân "
        "còn phải cung cấp lại một số giấy tờ đã có trong cơ sở dữ liệu. Công tác tuyên truyền về lợi ích của dịch "
        "vụ công trực tuyến ở vùng sâu, vùng xa chưa thường xuyên."),
        ("Nguyên nhân chủ yếu là kinh phí đầu tư cho hạ tầng còn hạn chế, một số quy trình nội bộ chưa được điều "
        "chỉnh kịp thời cho phù hợp với môi trường số, và việc kiểm tra, đôn đốc ở một số đơn vị chưa sát sao."),
    ],
    "III. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2027": [
        ("Tiếp tục bồi dưỡng kỹ năng công nghệ thông tin theo vị trí việc làm, ưu tiên công chức trực tiếp giải "
        "quyết thủ tục hành chính; đưa kết quả kiểm tra kỹ năng vào đánh giá, xếp loại công chức cuối năm."),
        ("Hoàn thành số hóa hồ sơ lưu trữ giai đoạn 2020–2025; nâng cấp phòng máy và đường truyền; phối hợp với "
        "Sở Khoa học và Công nghệ kết nối, chia sẻ dữ liệu dùng chung để người dân không phải nộp lại giấy tờ."),
        ("Đẩy mạnh tuyên truyền, hướng dẫn người dân sử dụng dịch vụ công trực tuyến toàn trình, thanh toán trực "
        "tuyến phí, lệ phí; phấn đấu tỷ lệ hồ sơ nộp trực tuyến đạt trên tám mươi phần trăm."),
    ],
}


def bao_cao(extension: str = "docx", *, headings: bool = True, image: bool = True, page_numbers: bool = True,
            long: bool = True) -> Callable[[], bytes]:
    from practical_docs import write

    def make() -> bytes:
        body = {"align": "justify", "indent_cm": 1.27, "after": 6, "line": ("multiple", 1.15), "size": 14}
        blocks: list[P | T] = [
            P("SỞ NỘI VỤ TỈNH NGHỆ AN", align="center", size=13, bold=True),
            P("BÁO CÁO", align="center", size=14, bold=True, before=12),
            P("Kết quả chuyển đổi số năm 2026", align="center", size=14, bold=True, after=12),
        ]
        for number, (heading, paragraphs) in enumerate(_REPORT_TEXT.items()):
            if headings:
                blocks.append(P([R(heading, font="Times New Roman", size=14, bold=True, color="000000")],
                                heading=1, before=12, after=6))
            else:
                blocks.append(P([R(heading, bold=True)], size=14, before=12, after=6))
            texts = paragraphs if long else paragraphs[:1]
            blocks += [P(text, **body) for text in texts]
            if number == 0:
                blocks.append(T([["Chỉ tiêu", "Năm 2025", "Năm 2026"],
                                 ["Văn bản ký số (%)", "78", "92"],
                                 ["Hồ sơ nộp trực tuyến", "1.840", "2.615"],
                                 ["Công chức được bồi dưỡng", "64", "120"]],
                                widths_cm=[7.0, 4.0, 4.0], borders=True, header_bold=True))
                if image:
                    blocks.append(P("", align="center", picture=picture(), before=6))
                    blocks.append(P([R("Hình 1. Hồ sơ nộp trực tuyến theo quý", italic=True)], align="center",
                                    size=13))
        header = [P([R(PAGE_MARK)], align="center", size=13)] if page_numbers else None
        return write(Doc(blocks=blocks, header=header, size=14), extension)

    return make


# Spreadsheets ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class F:
    """A formula (Excel syntax, no "=") and the value Excel would store with it."""

    text: str
    value: float | str


@dataclass
class ChartSpec:
    """A chart to draw: type, the ranges of its one series, title, and the cell it is placed at."""

    kind: str  # column | bar | pie | line
    values: str
    categories: str
    title: str | None
    anchor: str = "F2"
    name: str | None = None


@dataclass
class SheetSpec:
    """A worksheet: cells (values or ``F``), formats by range, and the extras a task asks for."""

    name: str
    cells: dict[str, float | str | F]
    formats: dict[str, str] = field(default_factory=dict)  # range → Excel number format code
    widths: dict[str, float] = field(default_factory=dict)
    freeze: str | None = None
    autofilter: str | None = None
    filter_column: tuple[str, str] | None = None  # (column letter, value shown)
    hidden_rows: set[int] = field(default_factory=set)
    charts: list[ChartSpec] = field(default_factory=list)


def _split(ref: str) -> tuple[int, int]:
    letters = "".join(ch for ch in ref if ch.isalpha())
    number = int("".join(ch for ch in ref if ch.isdigit()))
    column = 0
    for ch in letters:
        column = column * 26 + ord(ch) - 64
    return number - 1, column - 1


def _cells_in(reference: str) -> list[str]:
    first, _, last = reference.partition(":")
    last = last or first
    (r1, c1), (r2, c2) = _split(first), _split(last)
    return [f"{_letters(c)}{r + 1}" for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)]


def _letters(column: int) -> str:
    text = ""
    column += 1
    while column:
        column, rest = divmod(column - 1, 26)
        text = chr(65 + rest) + text
    return text


def write_xlsx(sheets: list[SheetSpec]) -> bytes:
    """The workbook as .xlsx (XlsxWriter: formulas keep their computed values, as Excel saves them)."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    book.set_properties({"created": CREATED, "author": "Hệ thống học và thi kỹ năng CNTT"})
    formats: dict[str, object] = {}
    for spec in sheets:
        sheet = book.add_worksheet(spec.name)
        cell_format: dict[str, str] = {}
        for reference, code in spec.formats.items():
            for ref in _cells_in(reference):
                cell_format[ref] = code
        bold = book.add_format({"bold": True})
        for ref, value in spec.cells.items():
            row, column = _split(ref)
            code = cell_format.get(ref)
            fmt = None
            if code:
                formats.setdefault(code, book.add_format({"num_format": code}))
                fmt = formats[code]
            if row == 0 and fmt is None:
                fmt = bold
            if isinstance(value, F):
                sheet.write_formula(row, column, "=" + value.text, fmt, value.value)
            elif isinstance(value, str):
                sheet.write_string(row, column, value, fmt)
            else:
                sheet.write_number(row, column, value, fmt)
        for letter, width in spec.widths.items():
            index = _split(letter + "1")[1]
            sheet.set_column(index, index, width)
        if spec.freeze:
            row, column = _split(spec.freeze)
            sheet.freeze_panes(row, column)
        if spec.autofilter:
            sheet.autofilter(spec.autofilter)
            if spec.filter_column:
                sheet.filter_column_list(spec.filter_column[0], [spec.filter_column[1]])
        for row in spec.hidden_rows:
            sheet.set_row(row - 1, None, None, {"hidden": True})
        for chart_spec in spec.charts:
            chart = book.add_chart({"type": chart_spec.kind})
            quoted = f"'{spec.name}'"
            chart.add_series({"values": f"={quoted}!{_absolute(chart_spec.values)}",
                              "categories": f"={quoted}!{_absolute(chart_spec.categories)}",
                              "name": chart_spec.name or chart_spec.title or "Số liệu"})
            if chart_spec.title:
                chart.set_title({"name": chart_spec.title})
            else:
                chart.set_title({"none": True})
            sheet.insert_chart(chart_spec.anchor, chart)
    book.close()
    return normalise_zip(out.getvalue())


def _absolute(reference: str) -> str:
    return ":".join("$" + "".join(c for c in part if c.isalpha()) + "$" + "".join(c for c in part if c.isdigit())
                    for part in reference.split(":"))


def _open_formula(text: str, sheet: str) -> str:
    """An Excel formula of the subset used here, in OpenFormula (``of:=``) syntax."""
    import re

    def reference(match: re.Match) -> str:
        other, cells = match.group(1), match.group(2)
        name = other.strip("'") if other else None
        parts = cells.split(":")
        prefix = f"$'{name}'." if name else "."
        return "[" + prefix + parts[0] + (":." + parts[1] if len(parts) > 1 else "") + "]"

    converted = re.sub(r"((?:'[^']+'|[A-Za-z_][\w]*)!)?(\$?[A-Z]{1,3}\$?\d+(?::\$?[A-Z]{1,3}\$?\d+)?)(?![\w(])",
                       lambda m: reference(re.match(r"(?:(.+)!)?(.+)", m.group(0))), text)
    return "of:=" + converted.replace(",", ";")


def write_ods(sheets: list[SheetSpec]) -> bytes:
    """The workbook as .ods (odfpy), with formulas, their values, number formats, filter and frozen panes."""
    document = OpenDocumentSpreadsheet()
    styles: dict[str, str] = {}

    def cell_style(code: str) -> str:
        if code in styles:
            return styles[code]
        number = len(styles) + 1
        decimals = len(code.split(".")[1].rstrip("%")) if "." in code else 0
        if code.endswith("%"):
            data = PercentageStyle(name=f"N{number}")
            data.addElement(Number(decimalplaces=str(decimals), minintegerdigits="1"))
            data.addElement(NumberText(text="%"))
        else:
            data = NumberStyle(name=f"N{number}")
            data.addElement(Number(decimalplaces=str(decimals), minintegerdigits="1",
                                   grouping="true" if "," in code else "false"))
        document.automaticstyles.addElement(data)
        cell = ostyle.Style(name=f"ce{number}", family="table-cell", parentstylename="Default",
                            datastylename=f"N{number}")
        document.automaticstyles.addElement(cell)
        styles[code] = f"ce{number}"
        return styles[code]

    ranges = otable.DatabaseRanges()
    settings_tables = ConfigItemMapNamed(name="Tables")
    for spec in sheets:
        cell_format: dict[str, str] = {}
        for reference, code in spec.formats.items():
            for ref in _cells_in(reference):
                cell_format[ref] = code
        positions = {_split(ref): value for ref, value in spec.cells.items()}
        rows = max(r for r, _ in positions) + 1
        columns = max(c for _, c in positions) + 1
        table = otable.Table(name=spec.name)
        table.addElement(otable.TableColumn(numbercolumnsrepeated=str(columns)))
        for row in range(rows):
            attributes = {"visibility": "filter"} if row + 1 in spec.hidden_rows else {}
            table_row = otable.TableRow(**attributes)
            for column in range(columns):
                value = positions.get((row, column))
                ref = f"{_letters(column)}{row + 1}"
                if value is None:
                    table_row.addElement(otable.TableCell())
                    continue
                kwargs = {}
                if ref in cell_format:
                    kwargs["stylename"] = cell_style(cell_format[ref])
                shown = value.value if isinstance(value, F) else value
                if isinstance(value, F):
                    kwargs["formula"] = _open_formula(value.text, spec.name)
                if isinstance(shown, str):
                    cell = otable.TableCell(valuetype="string", **kwargs)
                else:
                    kind = "percentage" if cell_format.get(ref, "").endswith("%") else "float"
                    cell = otable.TableCell(valuetype=kind, value=repr(float(shown)), **kwargs)
                cell.addElement(otext.P(text=str(shown)))
                table_row.addElement(cell)
            table.addElement(table_row)
        document.spreadsheet.addElement(table)
        if spec.autofilter:
            first, last = spec.autofilter.split(":")
            database = otable.DatabaseRange(name=f"__Anonymous_Sheet_DB__{len(ranges.childNodes)}",
                                            targetrangeaddress=f"'{spec.name}'.{first}:'{spec.name}'.{last}",
                                            displayfilterbuttons="true")
            if spec.filter_column:
                letter, shown = spec.filter_column
                condition = otable.FilterCondition(fieldnumber=str(_split(letter + "1")[1] - _split(first)[1]),
                                                   operator="=", value=shown)
                criteria = otable.Filter()
                criteria.addElement(condition)
                database.addElement(criteria)
            ranges.addElement(database)
        entry = ConfigItemMapEntry(name=spec.name)
        row, column = _split(spec.freeze) if spec.freeze else (0, 0)
        for name, value in (("HorizontalSplitMode", "2" if column else "0"),
                            ("VerticalSplitMode", "2" if row else "0"),
                            ("HorizontalSplitPosition", str(column)), ("VerticalSplitPosition", str(row)),
                            ("ActiveSplitRange", "2"), ("PositionLeft", "0"), ("PositionRight", str(column)),
                            ("PositionTop", "0"), ("PositionBottom", str(row))):
            item = ConfigItem(name=name, type="int" if name.startswith("Position") else "short")
            item.addText(value)
            entry.addElement(item)
        settings_tables.addElement(entry)
    if ranges.childNodes:
        document.spreadsheet.addElement(ranges)
    view = ConfigItemSet(name="ooo:view-settings")
    views = ConfigItemMapIndexed(name="Views")
    view_entry = ConfigItemMapEntry()
    view_id = ConfigItem(name="ViewId", type="string")
    view_id.addText("view1")
    view_entry.addElement(view_id)
    view_entry.addElement(settings_tables)
    views.addElement(view_entry)
    view.addElement(views)
    document.settings.addElement(view)
    out = io.BytesIO()
    document.write(out)
    return normalise_zip(out.getvalue())


# Payroll (IU04): E = ROUND(C × K1 × D / 22, -3), F = IF(C >= 4, 500000, 300000), G = E + F
BASE_PAY = 2_340_000
_STAFF = [("Nguyễn Văn An", 2.34, 22), ("Trần Thị Bích", 3.0, 21), ("Lê Văn Cường", 4.32, 22),
          ("Phạm Thị Dung", 2.67, 20), ("Hoàng Văn Em", 4.65, 22), ("Vũ Thị Giang", 3.33, 19),
          ("Đặng Văn Hải", 2.1, 22), ("Bùi Thị Lan", 3.66, 22), ("Đỗ Văn Long", 4.0, 21), ("Ngô Thị Mai", 2.41, 22)]


def _round(value: float, digits: int) -> float:
    factor = 10 ** -digits
    return math.floor(value / factor + 0.5) * factor


def payroll(*, typed_pay: bool = False, roundup: bool = False, typed_allowance: bool = False,
            total_range: str = "G2:G11", formats: bool = True, typed_total: bool = False) -> list[SheetSpec]:
    cells: dict[str, float | str | F] = {"A1": "STT", "B1": "Họ và tên", "C1": "Hệ số lương", "D1": "Ngày công",
                                         "E1": "Lương", "F1": "Phụ cấp", "G1": "Thực lĩnh", "J1": "Lương cơ sở",
                                         "K1": BASE_PAY}
    totals = []
    for number, (name, coefficient, days) in enumerate(_STAFF, start=2):
        cells[f"A{number}"] = number - 1
        cells[f"B{number}"] = name
        cells[f"C{number}"] = coefficient
        cells[f"D{number}"] = days
        raw = coefficient * BASE_PAY * days / 22
        pay = math.ceil(raw / 1000) * 1000 if roundup else _round(raw, -3)
        function = "ROUNDUP" if roundup else "ROUND"
        cells[f"E{number}"] = pay if typed_pay else F(f"{function}(C{number}*$K$1*D{number}/22,-3)", pay)
        allowance = 500_000 if coefficient >= 4 else 300_000
        cells[f"F{number}"] = allowance if typed_allowance else F(f"IF(C{number}>=4,500000,300000)", allowance)
        cells[f"G{number}"] = F(f"E{number}+F{number}", pay + allowance)
        totals.append(pay + allowance)
    cells["B12"] = "Tổng cộng"
    first, last = (int(x[1:]) for x in total_range.split(":"))
    total = sum(totals[first - 2:last - 1])
    cells["G12"] = total if typed_total else F(f"SUM({total_range})", total)
    spec = SheetSpec("Bảng lương", cells, formats={"E2:G12": "#,##0", "K1": "#,##0"} if formats else {},
                     widths={"B": 22, "E": 14, "F": 12, "G": 14, "J": 14, "K": 12})
    return [spec]


def payroll_totals() -> tuple[float, float]:
    """E2 and G12 of the reference payroll (the rubric's cell_value checks)."""
    cells = payroll()[0].cells
    return cells["E2"].value, cells["G12"].value  # type: ignore[union-attr]


# Sorting and filtering (IU04)
_SCORES = [("Nguyễn Thị Hương", "Văn phòng Sở", 8.0, 9.0), ("Trần Văn Minh", "Phòng Tổ chức", 7.0, 8.5),
           ("Lê Thị Thu Hà", "Văn phòng Sở", 9.0, 8.5), ("Phạm Quốc Bảo", "Phòng Tổ chức", 6.5, 7.0),
           ("Hoàng Đức Thắng", "Thanh tra Sở", 8.5, 8.0), ("Vũ Thị Ngọc", "Văn phòng Sở", 7.5, 7.5),
           ("Đặng Văn Nam", "Thanh tra Sở", 5.5, 6.0), ("Bùi Thị Oanh", "Phòng Tổ chức", 9.5, 9.0),
           ("Đỗ Minh Phúc", "Văn phòng Sở", 6.0, 8.0), ("Ngô Thị Quyên", "Thanh tra Sở", 8.0, 7.0),
           ("Lý Văn Sơn", "Phòng Tổ chức", 7.0, 6.5), ("Mai Thị Tâm", "Văn phòng Sở", 9.0, 9.5)]


def scores(*, order: str | None = "desc", whole_rows: bool = True, autofilter: bool = True,
           criterion: bool = True, freeze: bool = True) -> list[SheetSpec]:
    rows = [(number, name, unit, theory, practice, theory + practice)
            for number, (name, unit, theory, practice) in enumerate(_SCORES, start=1)]
    if order is not None:
        ordered = sorted(rows, key=lambda row: (-row[5] if order == "desc" else row[5], row[0]))
        if whole_rows:
            rows = ordered
        else:  # only the total column was sorted: each total now sits beside another person
            rows = [(*row[:5], sorted_row[5]) for row, sorted_row in zip(rows, ordered, strict=True)]
    cells: dict[str, float | str | F] = {"A1": "STT", "B1": "Họ và tên", "C1": "Đơn vị", "D1": "Lý thuyết",
                                         "E1": "Thực hành", "F1": "Tổng điểm"}
    hidden = set()
    for number, (original, name, unit, theory, practice, total) in enumerate(rows, start=2):
        cells.update({f"A{number}": original, f"B{number}": name, f"C{number}": unit, f"D{number}": theory,
                      f"E{number}": practice, f"F{number}": total})
        if autofilter and criterion and unit != "Văn phòng Sở":
            hidden.add(number)
    return [SheetSpec("Kết quả", cells, formats={"D2:F13": "0.0"}, widths={"B": 22, "C": 20},
                      freeze="A2" if freeze else None, autofilter="A1:F13" if autofilter else None,
                      filter_column=("C", "Văn phòng Sở") if autofilter and criterion else None, hidden_rows=hidden)]


def lookup_value(name: str, column: str) -> float | str:
    """The reference sorted sheet's value for ``name`` in ``column`` (the rubric's lookups)."""
    cells = scores()[0].cells
    row = next(ref[1:] for ref, value in cells.items() if ref.startswith("B") and value == name)
    return cells[f"{column}{row}"]  # type: ignore[return-value]


# Chart (IU04)
_MONTHS = [("Tháng 1", 412, 268), ("Tháng 2", 389, 241), ("Tháng 3", 455, 230), ("Tháng 4", 478, 215),
           ("Tháng 5", 502, 198), ("Tháng 6", 531, 187)]


def dossiers(*, chart: str | None = "column", values: str = "B2:B7", title: str | None = "Hồ sơ trực tuyến "
             "6 tháng đầu năm 2026", typed_totals: bool = False) -> list[SheetSpec]:
    cells: dict[str, float | str | F] = {"A1": "Tháng", "B1": "Trực tuyến", "C1": "Trực tiếp", "D1": "Tỷ lệ trực tuyến"}
    for number, (month, online, counter) in enumerate(_MONTHS, start=2):
        cells.update({f"A{number}": month, f"B{number}": online, f"C{number}": counter,
                      f"D{number}": F(f"B{number}/(B{number}+C{number})", online / (online + counter))})
    cells["A8"] = "Cộng"
    online_total, counter_total = sum(m[1] for m in _MONTHS), sum(m[2] for m in _MONTHS)
    cells["B8"] = online_total if typed_totals else F("SUM(B2:B7)", online_total)
    cells["C8"] = counter_total if typed_totals else F("SUM(C2:C7)", counter_total)
    charts = [ChartSpec(chart, values, "A2:A7", title, anchor="F2")] if chart else []
    return [SheetSpec("Hồ sơ", cells, formats={"D2:D7": "0.0%"}, widths={"A": 12, "D": 16}, charts=charts)]


# Summary by group (IU04)
_EXPENSES = [("Văn phòng Sở", "Văn phòng phẩm", 2_450_000), ("Phòng Tổ chức", "Tập huấn", 12_800_000),
             ("Thanh tra Sở", "Công tác phí", 3_600_000), ("Văn phòng Sở", "Sửa chữa máy in", 1_850_000),
             ("Phòng Cải cách", "In tài liệu", 4_200_000), ("Phòng Tổ chức", "Văn phòng phẩm", 950_000),
             ("Văn phòng Sở", "Điện thoại", 1_320_000), ("Thanh tra Sở", "Văn phòng phẩm", 780_000),
             ("Phòng Cải cách", "Hội nghị", 15_500_000), ("Văn phòng Sở", "Công tác phí", 2_900_000),
             ("Phòng Tổ chức", "Công tác phí", 4_100_000), ("Thanh tra Sở", "In tài liệu", 1_150_000),
             ("Văn phòng Sở", "Bảo trì phần mềm", 8_000_000), ("Phòng Cải cách", "Văn phòng phẩm", 640_000),
             ("Phòng Tổ chức", "In tài liệu", 2_300_000), ("Văn phòng Sở", "Văn phòng phẩm", 1_100_000),
             ("Thanh tra Sở", "Công tác phí", 2_750_000), ("Phòng Cải cách", "Công tác phí", 3_300_000),
             ("Văn phòng Sở", "Điện thoại", 1_280_000), ("Phòng Tổ chức", "Hội nghị", 9_600_000)]
UNITS = ["Văn phòng Sở", "Phòng Tổ chức", "Thanh tra Sở", "Phòng Cải cách"]


def expenses(*, sumif: bool = True, plain_sum: bool = False, countif: bool = True) -> list[SheetSpec]:
    detail: dict[str, float | str | F] = {"A1": "STT", "B1": "Đơn vị", "C1": "Nội dung", "D1": "Số tiền"}
    for number, (unit, what, amount) in enumerate(_EXPENSES, start=2):
        detail.update({f"A{number}": number - 1, f"B{number}": unit, f"C{number}": what, f"D{number}": amount})
    summary: dict[str, float | str | F] = {"A1": "Đơn vị", "B1": "Tổng chi", "C1": "Số khoản chi"}
    grand = 0
    for number, unit in enumerate(UNITS, start=2):
        total = sum(a for u, _, a in _EXPENSES if u == unit)
        count = sum(1 for u, _, _ in _EXPENSES if u == unit)
        summary[f"A{number}"] = unit
        if plain_sum:
            everything = sum(a for _, _, a in _EXPENSES)
            summary[f"B{number}"] = F("SUM('Chi tiết'!$D$2:$D$21)", everything)
            grand += everything
        elif sumif:
            summary[f"B{number}"] = F(f"SUMIF('Chi tiết'!$B$2:$B$21,A{number},'Chi tiết'!$D$2:$D$21)", total)
            grand += total
        else:
            summary[f"B{number}"] = total
            grand += total
        summary[f"C{number}"] = (F(f"COUNTIF('Chi tiết'!$B$2:$B$21,A{number})", count) if countif
                                 else F("COUNT('Chi tiết'!$D$2:$D$21)", len(_EXPENSES)))
    summary["A6"] = "Cộng"
    summary["B6"] = F("SUM(B2:B5)", grand)
    return [SheetSpec("Chi tiết", detail, formats={"D2:D21": "#,##0"}, widths={"B": 18, "C": 20, "D": 14}),
            SheetSpec("Tổng hợp", summary, formats={"B2:B6": "#,##0"}, widths={"A": 18, "B": 16, "C": 14})]


def expense_value(cell: str) -> float:
    """A value of the reference summary sheet (the rubric's cell_value checks)."""
    return expenses()[1].cells[cell].value  # type: ignore[union-attr]


# Presentations --------------------------------------------------------------------------------------

_P_NS = "http://schemas.openxmlformats.org/presentationml/2006/main"


@dataclass
class SlideSpec:
    """A slide: its layout kind, title, bullets or subtitle, and extras."""

    layout: str  # title | title-content | two-content | title-only | blank
    title: str | None = None
    subtitle: str | None = None
    bullets: list[str] = field(default_factory=list)
    text_box: list[str] = field(default_factory=list)  # bullets typed in a free text box instead
    picture: bool = False
    chart: str | None = None  # column | pie
    notes: str = ""
    transition: bool = True


_PPTX_LAYOUTS = {"title": 0, "title-content": 1, "two-content": 3, "title-only": 5, "blank": 6}
_CHART_DATA = (("Quý I", 1240), ("Quý II", 1385), ("Quý III", 1510), ("Quý IV", 1695))


def write_pptx(slides: list[SlideSpec]) -> bytes:
    """The presentation as .pptx (python-pptx); transitions are added to each slide's XML."""
    from pptx.oxml import parse_xml

    presentation = Presentation()
    presentation.core_properties.modified = CREATED
    presentation.core_properties.created = CREATED
    presentation.core_properties.last_modified_by = "Hệ thống học và thi kỹ năng CNTT"
    for spec in slides:
        slide = presentation.slides.add_slide(presentation.slide_layouts[_PPTX_LAYOUTS[spec.layout]])
        if spec.title is not None and slide.shapes.title is not None:
            slide.shapes.title.text = spec.title
        placeholders = [p for p in slide.placeholders if p.placeholder_format.idx != 0]
        if spec.subtitle and placeholders:
            placeholders[0].text_frame.text = spec.subtitle
        if spec.bullets and placeholders:
            frame = placeholders[0].text_frame
            frame.text = spec.bullets[0]
            for bullet in spec.bullets[1:]:
                frame.add_paragraph().text = bullet
        if spec.text_box:
            box = slide.shapes.add_textbox(Cm(2), Cm(5), Cm(20), Cm(8)).text_frame
            box.text = spec.text_box[0]
            for line in spec.text_box[1:]:
                box.add_paragraph().text = line
        if spec.picture:
            left = Cm(13) if spec.layout == "two-content" else Cm(6)
            slide.shapes.add_picture(io.BytesIO(picture()), left, Cm(5), width=Cm(11))
        if spec.chart:
            data = CategoryChartData()
            data.categories = [c for c, _ in _CHART_DATA]
            data.add_series("Hồ sơ trực tuyến", [v for _, v in _CHART_DATA])
            kind = XL_CHART_TYPE.PIE if spec.chart == "pie" else XL_CHART_TYPE.COLUMN_CLUSTERED
            graphic = slide.shapes.add_chart(kind, Cm(3), Cm(4.5), Cm(19), Cm(12), data)
            graphic.chart.has_legend = spec.chart == "pie"
            graphic.chart.font.size = Pt(12)
        if spec.notes:
            slide.notes_slide.notes_text_frame.text = spec.notes
        if spec.transition:
            element = slide.element
            transition = parse_xml(f'<p:transition xmlns:p="{_P_NS}" spd="med"><p:fade/></p:transition>')
            clr = element.find(f"{{{_P_NS}}}clrMapOvr")
            (clr if clr is not None else element.find(f"{{{_P_NS}}}cSld")).addnext(transition)
        for placeholder in list(slide.placeholders):  # empty placeholders print "Click to add…"; leave none
            if placeholder.has_text_frame and not placeholder.text_frame.text.strip():
                placeholder.element.getparent().remove(placeholder.element)
    out = io.BytesIO()
    presentation.save(out)
    return normalise_zip(out.getvalue())


def write_odp(slides: list[SlideSpec]) -> bytes:
    """The presentation as .odp (odfpy): page layouts, placeholders by class, notes and transitions."""
    document = OpenDocumentPresentation()
    layout = ostyle.PageLayout(name="PM1")
    layout.addElement(ostyle.PageLayoutProperties(pagewidth="28cm", pageheight="15.75cm", printorientation="landscape",
                                                  margintop="0cm", marginbottom="0cm", marginleft="0cm",
                                                  marginright="0cm"))
    document.automaticstyles.addElement(layout)
    # Presentation styles and the master's placeholders: without them LibreOffice takes the
    # slides' frames for plain text boxes (and drops their class) when it opens the file.
    for kind in ("title", "subtitle", "outline1", "notes"):
        document.styles.addElement(ostyle.Style(name=f"Default-{kind}", family="presentation"))
    master = ostyle.MasterPage(name="Default", pagelayoutname=layout)
    for kind, (y, height) in (("title", ("0.8cm", "2.6cm")), ("outline", ("3.8cm", "10cm"))):
        placeholder = odraw.Frame(x="2cm", y=y, width="24cm", height=height, layer="backgroundobjects")
        placeholder.setAttrNS(PRESENTATIONNS, "class", kind)
        placeholder.setAttrNS(PRESENTATIONNS, "style-name", f"Default-{'outline1' if kind == 'outline' else kind}")
        placeholder.addElement(odraw.TextBox())
        master.addElement(placeholder)
    document.masterstyles.addElement(master)
    boxes = {"title": ("2cm", "0.8cm", "24cm", "2.6cm"), "subtitle": ("2cm", "8.2cm", "24cm", "3cm"),
             "outline": ("2cm", "3.8cm", "24cm", "10cm"), "left": ("2cm", "3.8cm", "11.6cm", "10cm"),
             "right": ("14.4cm", "3.8cm", "11.6cm", "10cm"), "centre-title": ("2cm", "4.5cm", "24cm", "3.2cm")}
    layouts = {"title": [("title", "centre-title"), ("subtitle", "subtitle")],
               "title-content": [("title", "title"), ("outline", "outline")],
               "two-content": [("title", "title"), ("outline", "left"), ("outline", "right")],
               "title-only": [("title", "title")], "blank": []}
    for name, placeholders in layouts.items():
        page_layout = ostyle.PresentationPageLayout(name=f"AL-{name}")
        for kind, box in placeholders:
            x, y, w, h = boxes[box]
            page_layout.addElement(opresentation.Placeholder(object=kind, x=x, y=y, width=w, height=h))
        document.styles.addElement(page_layout)
    with_transition = ostyle.Style(name="dp1", family="drawing-page")
    with_transition.addElement(ostyle.DrawingPageProperties(
        qattributes={(PRESENTATIONNS, "transition-type"): "manual", (SMILNS, "type"): "fade",
                     (SMILNS, "subtype"): "crossfade"}))
    plain = ostyle.Style(name="dp2", family="drawing-page")
    plain.addElement(ostyle.DrawingPageProperties(qattributes={(PRESENTATIONNS, "display-footer"): "false"}))
    document.automaticstyles.addElement(with_transition)
    document.automaticstyles.addElement(plain)

    def frame(kind: str | None, box: str, paragraphs: list[str], listed: bool = False):
        x, y, w, h = boxes[box]
        element = odraw.Frame(x=x, y=y, width=w, height=h, layer="layout")
        if kind:
            element.setAttrNS(PRESENTATIONNS, "class", kind)
            element.setAttrNS(PRESENTATIONNS, "style-name", f"Default-{'outline1' if kind == 'outline' else kind}")
        text_box = odraw.TextBox()
        if listed:
            items = otext.List()
            for line in paragraphs:
                item = otext.ListItem()
                item.addElement(otext.P(text=line))
                items.addElement(item)
            text_box.addElement(items)
        else:
            for line in paragraphs:
                text_box.addElement(otext.P(text=line))
        element.addElement(text_box)
        return element

    for number, spec in enumerate(slides, start=1):
        page = odraw.Page(name=f"Trang {number}", masterpagename=master, stylename=with_transition if spec.transition
                          else plain, presentationpagelayoutname=f"AL-{spec.layout}")
        if spec.title is not None:
            page.addElement(frame("title", "centre-title" if spec.layout == "title" else "title", [spec.title]))
        if spec.subtitle:
            page.addElement(frame("subtitle", "subtitle", [spec.subtitle]))
        if spec.bullets:
            page.addElement(frame("outline", "left" if spec.layout == "two-content" else "outline", spec.bullets,
                                  listed=True))
        if spec.text_box:
            page.addElement(frame(None, "outline", spec.text_box))
        if spec.picture:
            href = document.addPictureFromString(picture(), "image/png")
            x = "14.4cm" if spec.layout == "two-content" else "8cm"
            image_frame = odraw.Frame(x=x, y="4cm", width="11cm", height="6.9cm", layer="layout")
            image_frame.setAttrNS(PRESENTATIONNS, "class", "graphic")
            image_frame.addElement(odraw.Image(href=href))
            page.addElement(image_frame)
        if spec.notes:
            notes = opresentation.Notes()
            notes.addElement(frame("notes", "outline", [spec.notes]))
            page.addElement(notes)
        document.presentation.addElement(page)
    out = io.BytesIO()
    document.write(out)
    return normalise_zip(out.getvalue())


def deck(name: str, **changes) -> list[SlideSpec]:
    """A task's reference slides, with ``changes`` (slide number → {field: value}) applied."""
    slides = [replace(s) for s in DECKS[name]]
    for number, fields in changes.items():
        index = int(number.removeprefix("s")) - 1
        slides[index] = replace(slides[index], **fields)
    return slides


_NOTE = ("Giới thiệu mục đích buổi trình bày và những điểm chính người nghe cần nhớ khi làm thủ tục trực tuyến.")
DECKS = {
    "gioi-thieu": [
        SlideSpec("title", "Dịch vụ công trực tuyến toàn trình", "Sở Nội vụ tỉnh Nghệ An – năm 2026", notes=_NOTE),
        SlideSpec("title-content", "Dịch vụ công toàn trình là gì?",
                  bullets=["Nộp hồ sơ, theo dõi và nhận kết quả hoàn toàn trên mạng",
                           "Đăng nhập bằng tài khoản định danh điện tử VNeID",
                           "Thanh toán phí, lệ phí trực tuyến"], notes="Giải thích bằng ví dụ thủ tục cụ thể."),
        SlideSpec("title-content", "Các bước thực hiện",
                  bullets=["Tìm thủ tục trên Cổng dịch vụ công quốc gia", "Khai biểu mẫu, đính kèm giấy tờ",
                           "Theo dõi tiến độ và nhận kết quả"], notes="Trình diễn trực tiếp trên máy."),
        SlideSpec("title-only", "Xin cảm ơn!", notes="Mời người nghe đặt câu hỏi."),
    ],
    "noi-dung": [
        SlideSpec("title", "Chữ ký số trong xử lý văn bản", "Văn phòng Sở Nội vụ", notes="Mở đầu, nêu mục tiêu."),
        SlideSpec("title-content", "Lợi ích của chữ ký số",
                  bullets=["Ký văn bản mọi lúc, mọi nơi", "Giảm in ấn, chuyển phát giấy",
                           "Xác định người ký và bảo đảm văn bản không bị sửa", "Rút ngắn thời gian xử lý"],
                  notes="Nhấn mạnh giá trị pháp lý."),
        SlideSpec("title-content", "Chuẩn bị trước khi ký",
                  bullets=["Chứng thư chữ ký số còn hiệu lực", "Cài phần mềm ký số của hệ thống",
                           "Kiểm tra nội dung, thể thức văn bản"], notes="Nhắc kiểm tra hạn chứng thư."),
        SlideSpec("title-content", "Các bước ký số",
                  bullets=["Mở văn bản trên hệ thống", "Chọn Ký số, chọn vị trí chữ ký", "Nhập mã PIN và xác nhận"],
                  notes="Trình diễn từng bước."),
        SlideSpec("title-only", "Trao đổi, thảo luận", notes="Ghi nhận câu hỏi."),
    ],
    "hinh-anh": [
        SlideSpec("title", "Tiếp nhận hồ sơ tại bộ phận một cửa", "Trung tâm Phục vụ hành chính công",
                  notes="Giới thiệu chủ đề."),
        SlideSpec("two-content", "Quy trình tiếp nhận",
                  bullets=["Kiểm tra thành phần hồ sơ", "Cập nhật lên hệ thống", "Hẹn trả kết quả"], picture=True,
                  notes="Giải thích sơ đồ bên phải."),
        SlideSpec("title-content", "Lưu ý khi tiếp nhận",
                  bullets=["Không yêu cầu giấy tờ đã có trong cơ sở dữ liệu", "Hướng dẫn một lần, đầy đủ"],
                  notes="Kết thúc phần trình bày."),
    ],
    "bieu-do": [
        SlideSpec("title", "Kết quả tiếp nhận hồ sơ năm 2026", "Sở Nội vụ tỉnh Nghệ An", notes="Mở đầu."),
        SlideSpec("title-only", "Hồ sơ trực tuyến theo quý", chart="column",
                  notes="Số hồ sơ trực tuyến tăng đều qua các quý, quý IV cao nhất."),
        SlideSpec("title-content", "Nhận xét",
                  bullets=["Tỷ lệ nộp trực tuyến tăng mỗi quý", "Cần tiếp tục hướng dẫn người dân"],
                  notes="Kết luận."),
    ],
}


# The fixtures of each task ----------------------------------------------------------------------------


FIXTURES: dict[str, list[Fixture]] = {
    "iu03-cong-van": [
        Fixture("dung.docx", cong_van()),
        Fixture("dung.odt", cong_van(extension="odt")),
        Fixture("sai-le-so-thut-dong.docx",
                cong_van({"trang.le-trai", "tieu-ngu.duong-ke", "so.so-0", "noi-dung.thut-dau-dong", "noi-nhan.luu"}),
                fails=("le-trang", "so-ky-hieu", "noi-dung-thut-dong")),
        Fixture("sai-phong-kho-giay.docx",
                cong_van({"phong-chu.ten", "trang.kho-giay", "dia-danh.nghieng", "noi-dung.can-deu", "noi-nhan.nhan"}),
                fails=("kho-giay", "phong-chu", "dia-danh", "noi-dung-can-deu", "noi-nhan")),
        Fixture("sai-quoc-hieu.odt", cong_van({"quoc-hieu.dam", "tieu-ngu.co-chu"}, "odt"),
                fails=("quoc-hieu", "tieu-ngu")),
    ],
    "iu03-quyet-dinh": [
        Fixture("dung.docx", quyet_dinh()),
        Fixture("dung.odt", quyet_dinh(extension="odt")),
        Fixture("sai-ten-loai-so-trang.docx",
                quyet_dinh({"so-trang.trang-dau", "ten-loai.can-giua", "ten-loai.co-chu"}),
                fails=("so-trang", "ten-loai", "ten-loai-co-chu")),
        Fixture("sai-chuc-vu-gian-dong.odt", quyet_dinh({"so-trang.thieu", "chuc-vu.viet-tat", "noi-dung.gian-dong"},
                                                        "odt"),
                fails=("so-trang", "chuc-vu", "noi-dung")),
    ],
    "iu03-bang": [
        Fixture("dung.docx", danh_sach()),
        Fixture("dung.odt", danh_sach("odt")),
        Fixture("sai-thieu-cot.docx", danh_sach(columns=4, header_bold=False),
                fails=("bang-co", "bang-tieu-de", "tieu-de-cot-dam")),
        Fixture("sai-tieu-de-kho-giay.odt", danh_sach("odt", title_bold=False, paper=(215.9, 279.4), total=False),
                fails=("tieu-de", "kho-giay", "tong-so")),
    ],
    "iu03-bao-cao": [
        Fixture("dung.docx", bao_cao()),
        Fixture("dung.odt", bao_cao("odt")),
        Fixture("dung-libreoffice.docx", bao_cao(), libreoffice=True, source="docx",
                note="the reference re-saved by LibreOffice"),
        Fixture("sai-khong-de-muc.docx", bao_cao(headings=False), fails=("de-muc-1", "de-muc-2", "de-muc-3")),
        Fixture("sai-ngan-khong-hinh.odt", bao_cao("odt", image=False, page_numbers=False, long=False),
                fails=("hinh-anh", "so-trang", "do-dai")),
    ],
    "iu04-bang-luong": [
        Fixture("dung.xlsx", lambda: write_xlsx(payroll())),
        Fixture("dung.ods", lambda: write_ods(payroll())),
        Fixture("dung-libreoffice.xlsx", lambda: write_xlsx(payroll()), libreoffice=True, source="xlsx",
                note="the reference re-saved by LibreOffice"),
        Fixture("sai-go-so.xlsx", lambda: write_xlsx(payroll(typed_pay=True, typed_total=True)),
                fails=("luong-cong-thuc", "tong"), note="right numbers typed in: no formula"),
        Fixture("sai-roundup-khong-if.xlsx",
                lambda: write_xlsx(payroll(roundup=True, typed_allowance=True, formats=False)),
                fails=("luong-cong-thuc", "luong-gia-tri", "phu-cap", "tong-gia-tri", "dinh-dang")),
        Fixture("sai-vung-tong.ods", lambda: write_ods(payroll(total_range="G2:G10")),
                fails=("tong", "tong-gia-tri")),
    ],
    "iu04-sap-xep-loc": [
        Fixture("dung.xlsx", lambda: write_xlsx(scores())),
        Fixture("dung.ods", lambda: write_ods(scores())),
        Fixture("sai-sap-mot-cot.xlsx", lambda: write_xlsx(scores(whole_rows=False)),
                fails=("nguyen-ven", "nguyen-ven-2"), note="only the total column was sorted"),
        Fixture("sai-chua-sap-khong-dieu-kien.ods",
                lambda: write_ods(scores(order=None, criterion=False, freeze=False)),
                fails=("sap-xep", "dieu-kien-loc", "co-dinh")),
        Fixture("sai-tang-dan.xlsx", lambda: write_xlsx(scores(order="asc")), fails=("sap-xep",)),
    ],
    "iu04-bieu-do": [
        Fixture("dung.xlsx", lambda: write_xlsx(dossiers())),
        Fixture("dung.ods", lambda: write_xlsx(dossiers()), libreoffice=True),
        Fixture("sai-bieu-do-tron.xlsx", lambda: write_xlsx(dossiers(chart="pie")), fails=("bieu-do",)),
        Fixture("sai-vung-khong-tieu-de.xlsx", lambda: write_xlsx(dossiers(values="C2:C7", title=None)),
                fails=("bieu-do-so-lieu", "bieu-do-tieu-de")),
        Fixture("sai-khong-bieu-do.ods", lambda: write_ods(dossiers(chart=None, typed_totals=True)),
                fails=("tong", "bieu-do", "bieu-do-so-lieu", "bieu-do-nhan", "bieu-do-tieu-de")),
    ],
    "iu04-tong-hop-nhom": [
        Fixture("dung.xlsx", lambda: write_xlsx(expenses())),
        Fixture("dung.ods", lambda: write_ods(expenses())),
        Fixture("dung-libreoffice.ods", lambda: write_ods(expenses()), libreoffice=True, source="ods",
                note="the reference re-saved by LibreOffice"),
        Fixture("sai-go-so.xlsx", lambda: write_xlsx(expenses(sumif=False)), fails=("sumif",)),
        Fixture("sai-sum-count.ods", lambda: write_ods(expenses(plain_sum=True, countif=False)),
                fails=("sumif", "sumif-gia-tri", "countif", "tong-gia-tri")),
    ],
    "iu05-gioi-thieu": [
        Fixture("dung.pptx", lambda: write_pptx(deck("gioi-thieu"))),
        Fixture("dung.odp", lambda: write_odp(deck("gioi-thieu"))),
        Fixture("dung-libreoffice.pptx", lambda: write_pptx(deck("gioi-thieu")), libreoffice=True, source="pptx",
                note="the reference re-saved by LibreOffice (its .pptx layouts carry no placeholders)"),
        Fixture("dung-libreoffice.odp", lambda: write_odp(deck("gioi-thieu")), libreoffice=True, source="odp",
                note="the reference re-saved by LibreOffice"),
        Fixture("sai-bo-cuc-ghi-chu.pptx", lambda: write_pptx(deck("gioi-thieu", s1={"layout": "title-only",
                                                                                      "subtitle": None, "notes": ""})),
                fails=("trang-tieu-de", "ghi-chu")),
        Fixture("sai-chuyen-trang.odp", lambda: write_odp(deck("gioi-thieu", s3={"transition": False})),
                fails=("chuyen-trang",)),
    ],
    "iu05-noi-dung": [
        Fixture("dung.pptx", lambda: write_pptx(deck("noi-dung"))),
        Fixture("dung.odp", lambda: write_odp(deck("noi-dung"))),
        Fixture("dung-libreoffice.pptx", lambda: write_pptx(deck("noi-dung")), libreoffice=True, source="pptx",
                note="the reference re-saved by LibreOffice"),
        Fixture("sai-hop-van-ban.pptx", lambda: write_pptx(deck(
            "noi-dung", s2={"layout": "title-only", "bullets": [], "text_box": DECKS["noi-dung"][1].bullets},
            s3={"layout": "title-only", "bullets": [], "text_box": DECKS["noi-dung"][2].bullets})),
                fails=("y-chinh", "bo-cuc"), note="bullets typed in free text boxes"),
        Fixture("sai-ghi-chu-tieu-de.odp", lambda: write_odp(deck("noi-dung", s3={"title": None},
                                                                    s5={"notes": ""})),
                fails=("tieu-de-3", "ghi-chu")),
    ],
    "iu05-hinh-anh": [
        Fixture("dung.pptx", lambda: write_pptx(deck("hinh-anh"))),
        Fixture("dung.odp", lambda: write_odp(deck("hinh-anh"))),
        Fixture("sai-hinh-trang-3.pptx", lambda: write_pptx(deck("hinh-anh", s2={"picture": False},
                                                                   s3={"picture": True})),
                fails=("hinh-anh",)),
        Fixture("sai-khong-hinh.odp", lambda: write_odp(deck("hinh-anh", s2={"picture": False,
                                                                               "layout": "title-content",
                                                                               "transition": False})),
                fails=("hinh-anh", "bo-cuc", "chuyen-trang")),
    ],
    "iu05-bieu-do": [
        Fixture("dung.pptx", lambda: write_pptx(deck("bieu-do"))),
        Fixture("dung.odp", lambda: write_pptx(deck("bieu-do")), libreoffice=True),
        Fixture("sai-bieu-do-tron.pptx", lambda: write_pptx(deck("bieu-do", s2={"chart": "pie"})),
                fails=("bieu-do",)),
        Fixture("sai-hinh-thay-bieu-do.odp", lambda: write_odp(deck("bieu-do", s2={"chart": None, "picture": True,
                                                                                    "notes": ""})),
                fails=("bieu-do", "ghi-chu"), note="the chart pasted as a picture"),
        Fixture("sai-bo-cuc-tieu-de-so-trang.pptx", lambda: write_pptx(
            deck("bieu-do", s1={"layout": "title-content", "subtitle": None,
                                "bullets": ["Báo cáo của Sở Nội vụ tỉnh Nghệ An"]},
                 s2={"title": "Kết quả theo quý"})
            + [SlideSpec("title-content", f"Phụ lục {n}", bullets=["Số liệu chi tiết"]) for n in (1, 2, 3)]),
                fails=("trang-tieu-de", "tieu-de", "so-trang")),
    ],
}

# Starting files given to candidates (content/practical/<slug>/)
STARTING: dict[str, tuple[str, Callable[[], bytes]]] = {
    "iu04-bang-luong": ("bang-luong.xlsx", lambda: write_xlsx(_starting(payroll(), keep="ABCDJK"))),
    "iu04-sap-xep-loc": ("ket-qua-kiem-tra.xlsx",
                         lambda: write_xlsx([replace(scores(order=None, autofilter=False, freeze=False)[0])])),
    "iu04-bieu-do": ("ho-so-6-thang.xlsx", lambda: write_xlsx(_starting(dossiers(chart=None), keep="ABC",
                                                                         rows=7))),
    "iu04-tong-hop-nhom": ("chi-tieu.xlsx",
                           lambda: write_xlsx(_starting(expenses(), keep="ABCD", summary_labels=True))),
}


def _starting(sheets: list[SheetSpec], keep: str, rows: int | None = None,
              summary_labels: bool = False) -> list[SheetSpec]:
    """The sheets with only the given columns' data (and headers), no formulas: what the candidate starts from."""
    result = []
    for spec in sheets:
        cells = {}
        for ref, value in spec.cells.items():
            letter = "".join(c for c in ref if c.isalpha())
            number = int("".join(c for c in ref if c.isdigit()))
            is_header = number == 1
            if spec.name == "Tổng hợp" and summary_labels:
                if letter == "A" or is_header:
                    cells[ref] = value
                continue
            if isinstance(value, F):
                continue
            if (letter in keep or is_header) and (rows is None or number <= rows or letter == "A"):
                cells[ref] = value
        result.append(replace(spec, cells=cells, charts=[], freeze=None, autofilter=None, filter_column=None,
                              hidden_rows=set(), formats={k: v for k, v in spec.formats.items()
                                                          if k == "D2:D21" or k == "K1"}))
    return result
