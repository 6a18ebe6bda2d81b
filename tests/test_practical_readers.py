"""The format readers: effective formatting, formulas as written, number formats, layouts."""
from __future__ import annotations

import io
import time
import unicodedata
from pathlib import Path

import docx
import pytest
from docx.shared import Pt
from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import Table, TableCell, TableColumn, TableRow
from odf.text import P

from lms.officefile import inspect
from practical.formats.document import read_document
from practical.formats.presentation import classify_layout, read_presentation
from practical.formats.spreadsheet import (
    normalise_formula,
    normalise_ods_formula,
    ods_reference,
    parse_format_code,
    read_workbook,
)
from practical.graders.spreadsheets import references, uses_function

ROOT = Path(__file__).resolve().parents[1]
ND30 = ROOT / "tests" / "fixtures" / "nd30"
TASKS = ROOT / "tests" / "fixtures" / "practical"


def _read(path: Path):
    checked = inspect(path.read_bytes(), path.name)
    return {"document": read_document, "spreadsheet": read_workbook, "presentation": read_presentation}[
        checked.family](checked)


def _docx(build) -> bytes:
    document = docx.Document()
    build(document)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_formatting_set_in_a_named_style_is_seen_on_the_paragraph():
    model = _read(ND30 / "03-thong-bao-chuan-kieu-style.docx")
    national = next(p for p in model.paragraphs if p.text.startswith("CỘNG HÒA"))
    assert national.style == "Quốc hiệu"
    assert {(r.size, r.bold) for r in national.runs} == {(12.0, True)}
    assert national.runs[0].fonts == frozenset({"Times New Roman"})


def test_theme_fonts_and_defaults_are_resolved():
    model = read_document(inspect(_docx(lambda d: d.add_paragraph("Chữ mặc định")), "a.docx"))
    run = model.paragraphs[0].runs[0]
    # python-docx's template: docDefaults point to the theme's minor font (Cambria in its theme), 11 pt
    assert run.fonts == frozenset({"Cambria"}) and run.size == 11.0
    defaults = _read(ND30 / "07-thong-bao-chuan-mac-dinh.docx")  # font only in the document defaults
    assert {f for p in defaults.paragraphs for r in p.runs for f in r.fonts} == {"Times New Roman"}


def test_vietnamese_and_ascii_characters_use_their_own_font_slots():
    def build(document):
        run = document.add_paragraph().add_run("Tiếng Việt")
        run.font.size = Pt(13)
        fonts = run.element.get_or_add_rPr().get_or_add_rFonts()
        fonts.set("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}ascii", "Times New Roman")
        fonts.set("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}hAnsi", "Arial")

    run = read_document(inspect(_docx(build), "a.docx")).paragraphs[0].runs[0]
    assert run.fonts == frozenset({"Times New Roman", "Arial"})  # "ế" and "ệ" are drawn in Arial


def test_decomposed_text_is_read_as_nfc():
    model = _read(ND30 / "05-cong-van-chuan-vml-nfd.docx")
    texts = [p.text for p in model.paragraphs]
    assert all(t == unicodedata.normalize("NFC", t) for t in texts)
    assert any(t.startswith("Kính gửi") for t in texts)


def test_odt_headers_count_inside_the_margin_and_first_page_styles_are_seen():
    odt = _read(ND30 / "04-ke-hoach-chuan-odt.odt")
    page = odt.pages[0]
    assert (page.top_mm, page.left_mm, page.width_mm) == (20.0, 30.0, 210.0)
    assert page.different_first and any("PAGE" in p.fields for p in page.header)
    resaved = _read(ND30 / "lo-04-ke-hoach-chuan-odt.docx")  # LibreOffice's Word version of the same
    assert resaved.pages[0].top_mm == pytest.approx(20.0, abs=0.5)


def test_formulas_are_read_as_written_and_values_as_stored():
    book = _read(TASKS / "iu04-bang-luong" / "dung.xlsx")
    cell = book.sheet("bảng  LƯƠNG").cell("$E$2")
    assert cell.formula == "ROUND(C2*$K$1*D2/22,-3)" and cell.value == 5476000
    assert cell.number_format.thousands and cell.number_format.decimals == 0
    ods = _read(TASKS / "iu04-bang-luong" / "dung.ods")
    assert ods.sheet().cell("E2").formula == "ROUND(C2*$K$1*D2/22,-3)"
    assert ods.sheet().cell("G12").value == book.sheet().cell("G12").value


@pytest.mark.parametrize(("formula", "expected"), [
    ("=sum(b2:b10)", "SUM(B2:B10)"),
    ('=IF(C2>=4,"đủ","chưa")', 'IF(C2>=4,"đủ","chưa")'),
    ("=_xlfn.STDEV.S(A1:A5)", "STDEV.S(A1:A5)"),
])
def test_excel_formulas_are_normalised(formula, expected):
    assert normalise_formula(formula) == expected


def test_openformula_becomes_excel_style():
    assert normalise_ods_formula("of:=SUM([.B2:.B10])") == "SUM(B2:B10)"
    assert (normalise_ods_formula("of:=SUMIF([$'Chi tiết'.$B$2:.$B$21];[.A2];[$'Chi tiết'.$D$2:.$D$21])")
            == "SUMIF('CHI TIẾT'!$B$2:$B$21,A2,'CHI TIẾT'!$D$2:$D$21)")
    assert ods_reference("Sheet1.B2:Sheet1.B7") == "Sheet1!B2:B7"


def test_references_and_functions_in_formulas():
    formula = "SUMIF('CHI TIẾT'!$B$2:$B$21,A2,'CHI TIẾT'!$D$2:$D$21)+LOG10(B3)+LEN(\"A1\")"
    assert references(formula) == [("chi tiết", "B2:B21"), (None, "A2:A2"), ("chi tiết", "D2:D21"), (None, "B3:B3")]
    assert uses_function("ROUND(A1,0)", "ROUND") and not uses_function("ROUNDUP(A1,0)", "ROUND")
    assert not uses_function('CONCAT("SUM(",A1)', "SUM")


@pytest.mark.parametrize(("code", "decimals", "thousands", "percent", "date"), [
    ("General", None, False, False, False),
    ("#,##0", 0, True, False, False),
    ("#,##0.00", 2, True, False, False),
    ("0.0%", 1, False, True, False),
    ('#,##0 "₫"', 0, True, False, False),
    ("dd/mm/yyyy", None, False, False, True),
    ("[$-42A]dd/mm/yyyy;@", None, False, False, True),
    ("0", 0, False, False, False),
])
def test_number_format_codes(code, decimals, thousands, percent, date):
    fmt = parse_format_code(code)
    assert (fmt.decimals, fmt.thousands, fmt.percent, fmt.date) == (decimals, thousands, percent, date)


def test_repeated_empty_rows_and_columns_are_not_expanded():
    document = OpenDocumentSpreadsheet()
    table = Table(name="Trang 1")
    table.addElement(TableColumn(numbercolumnsrepeated="16384"))
    row = TableRow()
    cell = TableCell(valuetype="float", value="5")
    cell.addElement(P(text="5"))
    row.addElement(cell)
    row.addElement(TableCell(numbercolumnsrepeated="16383"))
    table.addElement(row)
    table.addElement(TableRow(numberrowsrepeated="1048575"))
    document.spreadsheet.addElement(table)
    out = io.BytesIO()
    document.write(out)
    started = time.perf_counter()
    book = read_workbook(inspect(out.getvalue(), "a.ods"))
    assert time.perf_counter() - started < 2
    assert list(book.sheet().cells) == ["A1"] and book.sheet().cell("A1").value == 5.0


def test_filters_frozen_panes_and_charts_in_both_formats():
    for name in ("dung.xlsx", "dung.ods"):
        sheet = _read(TASKS / "iu04-sap-xep-loc" / name).sheet()
        assert (sheet.filter_range, sheet.filter_columns, sheet.freeze) == ("A1:F13", {2}, "A2"), name
        chart = _read(TASKS / "iu04-bieu-do" / name).sheet().charts[0]
        assert chart.kind == "column" and chart.title.startswith("Hồ sơ trực tuyến"), name
        assert chart.series[0].values.replace("$", "") == "'Hồ sơ'!B2:B7", name


def test_slide_layouts_are_described_by_purpose_not_name():
    assert classify_layout(title=True, centred_title=True, contents=0) == "title"
    assert classify_layout(title=True, centred_title=False, contents=2) == "two-content"
    assert classify_layout(title=False, centred_title=False, contents=0) == "blank"
    for name in ("dung.pptx", "dung.odp"):
        slides = _read(TASKS / "iu05-hinh-anh" / name).slides
        assert [s.layout for s in slides] == ["title", "two-content", "title-content"], name
        assert slides[1].pictures == 1 and slides[1].transition and slides[1].notes, name
    chart_slide = _read(TASKS / "iu05-bieu-do" / "dung.odp").slides[1]
    assert chart_slide.charts == ["column"] and chart_slide.pictures == 0  # the chart's preview is not a picture
