"""Tests for quizzes.excel: the question sheet template, import, export and the item-analysis workbook.

No Flask app or database is needed: sheets are built in memory with openpyxl.
"""
from __future__ import annotations

import io
import os
import unicodedata
import zipfile
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from quizzes import excel
from quizzes.analysis import FlagThresholds, ResponseRecord, analyse_items
from quizzes.excel import (
    COLUMNS,
    QUESTION_SHEET,
    ExcelImportError,
    ParsedRow,
    export_questions_xlsx,
    item_analysis_xlsx,
    parse_question_sheet,
    question_template,
)
from quizzes.gift import QTYPES, GiftAnswer, GiftMatch, GiftQuestion, parse_gift, write_gift

NAME, TYPE, MODULE, LEVEL, TOPIC, TEXT, EXPLANATION = (
    "Mã câu", "Loại câu hỏi", "Mô-đun", "Độ khó", "Chủ đề", "Nội dung câu hỏi", "Giải thích")


def A(n: int) -> str:
    return f"Đáp án {n}"


def P(n: int) -> str:
    return f"Điểm {n}"


def F(n: int) -> str:
    return f"Phản hồi {n}"


VALID = {NAME: "C1", TYPE: "Một lựa chọn", MODULE: "IU01", LEVEL: "Dễ", TEXT: "Câu hỏi?",
         A(1): "Đúng", P(1): 100, A(2): "Sai"}


def workbook_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def sheet(*rows: Mapping[str, object] | None, headings: tuple[str, ...] = COLUMNS) -> bytes:
    """A question sheet: the headings, then one row per mapping (None for a blank row).

    Text starting with "=" is written as text, as Excel stores it in a text-formatted
    column (openpyxl would otherwise write a formula); "#N/A" becomes an error cell.
    """
    workbook = Workbook()
    ws = workbook.active
    ws.title = QUESTION_SHEET
    ws.append(list(headings))
    for index, row in enumerate(rows, start=2):
        for column, value in (row or {}).items():
            cell = ws.cell(row=index, column=headings.index(column) + 1, value=value)
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"
    return workbook_bytes(workbook)


def problems_of(data: bytes) -> list[tuple[int, str]]:
    with pytest.raises(ExcelImportError) as caught:
        parse_question_sheet(data)
    for problem in caught.value.problems:
        assert problem.message, problem
    return [(problem.row, problem.column) for problem in caught.value.problems]


def only(data: bytes) -> ParsedRow:
    rows = parse_question_sheet(data)
    assert len(rows) == 1, rows
    return rows[0]


def credits(question: GiftQuestion) -> list[float]:
    return [answer.fraction for answer in question.answers]


# --------------------------------------------------------------------------- template


def test_template_parses_back_to_one_example_per_type() -> None:
    rows = parse_question_sheet(question_template())
    assert [row.question.qtype for row in rows] == list(QTYPES)
    assert [row.row for row in rows] == list(range(2, 2 + len(QTYPES)))
    by_type = {row.question.qtype: row.question for row in rows}
    assert credits(by_type["single_choice"]) == [1.0, 0.0, 0.0, 0.0]
    assert credits(by_type["multiple_response"]) == [0.5, 0.5, -1.0, -1.0]
    assert [(a.text, a.fraction) for a in by_type["true_false"].answers] == [("true", 0.0), ("false", 1.0)]
    assert credits(by_type["short_answer"]) == [1.0, 1.0, 0.5]
    assert [(a.text, a.fraction, a.tolerance) for a in by_type["numerical"].answers] == [
        ("1024", 1.0, 0.0), ("1000", 0.5, 0.0)]
    assert by_type["matching"].matches[-1] == GiftMatch("", "Thiết bị mạng")
    assert by_type["essay"].general_feedback.startswith("Ý chính")
    assert by_type["description"].answers == [] and by_type["description"].general_feedback == ""
    for row in rows:
        assert row.module in excel.MODULES and row.topic
        assert row.question.tags == [row.module, row.question.tags[1]]
        assert row.question.tags[1] in ("easy", "medium", "hard")
        assert row.question.line == row.row
    # Every example is also valid GIFT, so the bank can export what the template imports.
    reread = parse_gift(write_gift(row.question for row in rows))
    assert reread == [row.question for row in rows]


def test_template_layout_headers_drop_downs_and_guide() -> None:
    workbook = load_workbook(io.BytesIO(question_template()))
    assert workbook.sheetnames == [QUESTION_SHEET, "Hướng dẫn"]
    ws = workbook[QUESTION_SHEET]
    assert [cell.value for cell in ws[1]] == list(COLUMNS)
    assert ws.freeze_panes == "B2"
    assert ws.column_dimensions["F"].width == 60
    # Text columns are formatted as text, so Excel keeps what authors type there as typed.
    assert ws.column_dimensions["F"].number_format == "@"
    lists = {str(rule.sqref): rule.formula1 for rule in ws.data_validations.dataValidation if rule.type == "list"}
    assert lists["B2:B5001"] == '"Một lựa chọn,Nhiều lựa chọn,Đúng/Sai,Trả lời ngắn,Số,Ghép cặp,Tự luận,Mô tả"'
    assert lists["C2:C5001"] == '"' + ",".join(f"IU{n:02d}" for n in range(1, 16)) + '"'
    assert lists["D2:D5001"] == '"Dễ,Trung bình,Khó"'
    decimal = next(rule for rule in ws.data_validations.dataValidation if rule.type == "decimal")
    assert (decimal.formula1, decimal.formula2) == ("-100", "100")
    assert "H2:H5001" in str(decimal.sqref) and "AC2:AC5001" in str(decimal.sqref)
    guide = " ".join(str(cell.value) for row in workbook["Hướng dẫn"].iter_rows() for cell in row if cell.value)
    for heading in (NAME, TYPE, MODULE, LEVEL, TOPIC, TEXT, EXPLANATION, "Đáp án 1 … Đáp án 8",
                    "Điểm 1 … Điểm 8", "Phản hồi 1 … Phản hồi 8", *excel.TYPE_LABELS.values()):
        assert heading in guide
    assert "33.33333" in guide and "1024±2" in guide and "vế trái -> vế phải" in guide


# --------------------------------------------------------------------------- round trip


TRICKY = "Ký tự đặc biệt ~ = # { } : và \"ngoặc\""


def every_type() -> list[tuple[GiftQuestion, str, str]]:
    """One question per type with Vietnamese text, GIFT's special characters and formula-like text."""
    def q(qtype: str, name: str, text: str, tags: list[str], **parts: Any) -> GiftQuestion:
        return GiftQuestion(qtype=qtype, name=name, text=text, tags=tags, **parts)

    return [
        (q("single_choice", "IU03-001", "=SUM(A1:A3) trả về gì? " + TRICKY, ["IU03", "medium"], answers=[
            GiftAnswer("=Tổng các ô A1:A3", 1.0, "Đúng {#}"),
            GiftAnswer("+1", 0.0, "-Sai"),
            GiftAnswer("@Tích", -0.3333333, "Trừ một phần ba")],
           general_feedback="Hàm SUM cộng: =A1+A2+A3\nDòng thứ hai."), "IU03", "=Hàm"),
        (q("multiple_response", "IU01-002", "Chọn thiết bị nhập: {a} ~ b", ["IU01", "hard"], answers=[
            GiftAnswer("Bàn phím", 0.3333333), GiftAnswer("Chuột", 0.3333333), GiftAnswer("Máy quét", 0.3333333),
            GiftAnswer("Máy in", -1.0, "Máy in là thiết bị xuất #")]), "IU01", "Phần cứng"),
        (q("true_false", "IU02-003", "Tắt máy đúng cách: Start → Shut down.", ["IU02", "easy"], answers=[
            GiftAnswer("true", 1.0, "Chính xác: =đúng"), GiftAnswer("false", 0.0, "Chưa đúng ~")]), "IU02", ""),
        (q("short_answer", "", "Phím tắt sao chép là gì?", ["IU03", "easy"], answers=[
            GiftAnswer("Ctrl+C", 1.0, "Đúng"), GiftAnswer("=Ctrl C", 0.5), GiftAnswer("Ctrl*", 0.1)]), "IU03", ""),
        (q("numerical", "IU04-005", "Kết quả của =7/2 là bao nhiêu?", ["IU04", "medium"], answers=[
            GiftAnswer("3.5", 1.0, "Đúng", tolerance=0.0),
            GiftAnswer("3.5", 0.5, "Gần đúng", tolerance=0.5),
            GiftAnswer("-4", 0.5, "Số âm: -4..-3", tolerance=1.0, min=-5.0, max=-3.0),
            GiftAnswer("*", 0.0, "Sai")]), "IU04", "Công thức"),
        (q("matching", "IU01-006", "Ghép: thiết bị -> nhóm", ["IU01", "medium"], matches=[
            GiftMatch("Bàn phím {1}", "Nhập = vào"), GiftMatch("Màn hình #2", "Xuất -> ra"),
            GiftMatch("", "-Mạng")]), "IU01", ""),
        (q("essay", "IU06-007", "Trình bày: quy trình gửi thư :: công vụ", ["IU06", "hard"],
           general_feedback="@Ý chính: soạn, đính kèm, gửi."), "IU06", "Thư điện tử"),
        (q("description", "IU05-008", "-Đọc đoạn sau: \"Trình chiếu\" {slide}", ["IU05", "medium"]), "IU05", ""),
    ]


def test_round_trip_every_type() -> None:
    rows = every_type()
    parsed = parse_question_sheet(export_questions_xlsx(rows))
    assert [row.question for row in parsed] == [question for question, _, _ in rows]
    assert [(row.module, row.topic) for row in parsed] == [(module, topic) for _, module, topic in rows]


def test_round_trip_normalises_text_and_adds_difficulty() -> None:
    decomposed = unicodedata.normalize("NFD", "Thiết bị")
    question = GiftQuestion(qtype="short_answer", name=" X1 ", text=f"  {decomposed}?\r\n ",
                            answers=[GiftAnswer(decomposed, 1.0)], category="IU01/Phần cứng", tags=["IU01"])
    back = only(export_questions_xlsx([(question, "IU01", " Chủ đề ")]))
    assert back.question == GiftQuestion(qtype="short_answer", name="X1", text="Thiết bị?",
                                         answers=[GiftAnswer("Thiết bị", 1.0)], tags=["IU01", "medium"])
    assert back.topic == "Chủ đề"


def test_formula_like_text_is_written_as_text_and_survives() -> None:
    data = export_questions_xlsx(every_type())
    ws = load_workbook(io.BytesIO(data))[QUESTION_SHEET]
    formula_like = [cell for row in ws.iter_rows(min_row=2) for cell in row
                    if isinstance(cell.value, str) and cell.value[:1] in "=+-@"]
    assert {cell.value for cell in formula_like} >= {"=Tổng các ô A1:A3", "+1", "-Sai", "@Tích", "=Hàm", "-> -Mạng"}
    for cell in formula_like:
        assert cell.data_type == "s" and cell.quotePrefix and cell.number_format == "@", cell.coordinate
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert "<f>" not in package.read("xl/worksheets/sheet1.xml").decode()
    assert parse_question_sheet(data)[0].question.answers[0].text == "=Tổng các ô A1:A3"


def test_formula_cells_are_read_as_their_text_never_their_result() -> None:
    workbook = Workbook()
    ws = workbook.active
    ws.append(list(COLUMNS))
    for column, value in {**VALID, A(1): "=SUM(A1:A3)", A(2): "=1+1"}.items():
        ws.cell(row=2, column=COLUMNS.index(column) + 1, value=value)  # "=..." becomes a real formula
    data = workbook_bytes(workbook)
    # Give the formulas cached results, as Excel would save them; they must be ignored.
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                assert content.count(b"<v></v>") == 2
                content = content.replace(b"<v></v>", b"<v>999</v>")
            target.writestr(item, content)
    question = only(buffer.getvalue()).question
    assert [answer.text for answer in question.answers] == ["=SUM(A1:A3)", "=1+1"]


# --------------------------------------------------------------------------- reading details


def excel_style_package(sheet_xml: str, strings: list[str]) -> bytes:
    """A minimal .xlsx as Excel writes it: shared strings (openpyxl itself writes inline ones)."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    package_rels = "http://schemas.openxmlformats.org/package/2006/relationships"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    kind = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    parts = {
        "[Content_Types].xml":
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{kind}.sheet.main+xml"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{kind}.worksheet+xml"/>'
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{kind}.sharedStrings+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{kind}.styles+xml"/></Types>',
        "_rels/.rels": f'<Relationships xmlns="{package_rels}"><Relationship Id="rId1" '
                       f'Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets>'
                           f'<sheet name="Câu hỏi" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels":
            f'<Relationships xmlns="{package_rels}">'
            f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/>'
            f'<Relationship Id="rId3" Type="{rel}/styles" Target="styles.xml"/></Relationships>',
        "xl/styles.xml":
            f'<styleSheet xmlns="{main}"><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
            '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
            '<borders count="1"><border/></borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>',
        "xl/sharedStrings.xml": f'<sst xmlns="{main}">' + "".join(strings) + "</sst>",
        "xl/worksheets/sheet1.xml": f'<worksheet xmlns="{main}">{sheet_xml}</worksheet>',
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for name, xml in parts.items():
            package.writestr(name, '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' + xml)
    return buffer.getvalue()


def test_a_file_as_excel_writes_it() -> None:
    decomposed = unicodedata.normalize("NFD", "Hàm nào tính tổng?")
    strings = [f"<si><t>{text}</t></si>" for text in (TYPE, MODULE, TEXT, A(1), P(1), A(2), "Một lựa chọn", "IU04")]
    strings += [f'<si><r><t xml:space="preserve">{decomposed} </t></r><r><rPr><b/></rPr><t>(in đậm)</t></r></si>',
                "<si><t>=SUM(A1:A3)</t></si>", "<si><t>=ADD(A1:A3)</t></si>"]
    cells = [("A", 0), ("B", 1), ("C", 2), ("D", 3), ("E", 4), ("F", 5)]
    header = "".join(f'<c r="{column}1" t="s"><v>{index}</v></c>' for column, index in cells)
    data = ('<c r="A3" t="s"><v>6</v></c><c r="B3" t="s"><v>7</v></c><c r="C3" t="s"><v>8</v></c>'
            '<c r="D3" t="s"><v>9</v></c><c r="E3"><v>100</v></c><c r="F3" t="s"><v>10</v></c>')
    # A wrong <dimension>, as some programs write, must not hide rows or columns.
    xml = f'<dimension ref="A1"/><sheetData><row r="1">{header}</row><row r="3">{data}</row></sheetData>'
    row = only(excel_style_package(xml, strings))
    assert row.row == 3 and row.module == "IU04"
    assert row.question.text == "Hàm nào tính tổng? (in đậm)"
    assert [(a.text, a.fraction) for a in row.question.answers] == [("=SUM(A1:A3)", 1.0), ("=ADD(A1:A3)", 0.0)]


def test_blank_rows_are_skipped_and_rows_keep_their_excel_numbers() -> None:
    rows = parse_question_sheet(sheet(None, VALID, {NAME: "   "}, {**VALID, NAME: "C2"}))
    assert [row.row for row in rows] == [3, 5]


def test_cells_are_stripped_and_nfc() -> None:
    decomposed = unicodedata.normalize("NFD", "Hệ điều hành")
    row = only(sheet({**VALID, NAME: " C1\u00a0", TOPIC: f" {decomposed} ", TEXT: f"\n{decomposed}?\r\nDòng 2 ",
                      A(1): f" {decomposed} ", LEVEL: " trung bình ", MODULE: " iu01 "}))
    assert row.question.name == "C1" and row.topic == "Hệ điều hành"
    assert row.question.text == "Hệ điều hành?\nDòng 2"
    assert row.question.answers[0].text == "Hệ điều hành"
    assert row.question.tags == ["IU01", "medium"] and row.module == "IU01"


def test_minimal_columns_in_any_order() -> None:
    headings = (TEXT, A(2), MODULE, A(1), TYPE, P(1))
    row = only(sheet({TEXT: "Câu?", A(1): "x", A(2): "y", MODULE: "IU02", TYPE: "một LỰA chọn", P(1): 100},
                     headings=headings))
    assert row.question.tags == ["IU02", "medium"] and row.question.name == "" and row.topic == ""
    assert credits(row.question) == [1.0, 0.0]


def test_numbers_and_percent_cells() -> None:
    row = only(sheet({**VALID, TYPE: "Nhiều lựa chọn", A(1): 1990, P(1): "33.33", A(2): 2.5, P(2): "33.33333%",
                      A(3): True, P(3): 33.33333}))
    assert [(a.text, a.fraction) for a in row.question.answers] == [
        ("1990", 0.3333333), ("2.5", 0.3333333), ("TRUE", 0.3333333)]
    workbook = Workbook()
    ws = workbook.active
    ws.append(list(COLUMNS))
    ws.append([VALID.get(column) for column in COLUMNS])
    ws.cell(row=2, column=COLUMNS.index(P(1)) + 1, value=1).number_format = "0%"  # "100%" typed in Excel
    assert credits(only(workbook_bytes(workbook)).question) == [1.0, 0.0]


def test_numerical_answer_forms() -> None:
    row = only(sheet({**VALID, TYPE: "Số", A(1): "1024", A(2): "1024 ± 2", P(2): 50, A(3): "1020+-4", P(3): 50,
                      A(4): "1..5", P(4): 10, A(5): "-5.5..-0.5", P(5): 10, A(6): 3.25, P(6): 100, A(7): "*"}))
    answers = row.question.answers
    assert [(a.text, a.tolerance, a.min, a.max) for a in answers] == [
        ("1024", 0.0, None, None), ("1024", 2.0, None, None), ("1020", 4.0, None, None), ("3", 2.0, 1.0, 5.0),
        ("-3", 2.5, -5.5, -0.5), ("3.25", 0.0, None, None), ("*", None, None, None)]
    # The same as GIFT reads from {#1..5}.
    assert parse_gift("Q{#=%10%1..5}")[0].answers[0] == GiftAnswer("3", 0.1, "", 2.0, 1.0, 5.0) == answers[3]


def test_true_false_forms() -> None:
    base = {**VALID, TYPE: "Đúng/Sai", P(1): None, A(2): None}
    right = only(sheet({**base, A(1): "đúng", F(1): "Giỏi", F(2): "Xem lại"})).question
    assert right.answers == [GiftAnswer("true", 1.0, "Giỏi"), GiftAnswer("false", 0.0, "Xem lại")]
    wrong = only(sheet({**base, A(1): "Sai", A(2): "Đúng", P(1): 100, P(2): 0, F(1): "Giỏi"})).question
    assert wrong.answers == [GiftAnswer("true", 0.0, ""), GiftAnswer("false", 1.0, "Giỏi")]


# --------------------------------------------------------------------------- validation


LONG = "x" * 20_001
ERRORS = {
    "unknown type": ({TYPE: "Trắc nghiệm"}, TYPE),
    "missing type": ({TYPE: None}, TYPE),
    "unknown module": ({MODULE: "IU16"}, MODULE),
    "missing module": ({MODULE: "  "}, MODULE),
    "unknown difficulty": ({LEVEL: "Rất khó"}, LEVEL),
    "empty question text": ({TEXT: "   "}, TEXT),
    "text too long": ({TEXT: LONG}, TEXT),
    "answer too long": ({A(2): LONG}, A(2)),
    "name too long": ({NAME: "x" * 256}, NAME),
    "topic too long": ({TOPIC: "x" * 256}, TOPIC),
    "single choice without a right answer": ({P(1): 50, A(3): "C"}, "Điểm 1–3"),
    "single choice with one answer": ({A(2): None}, A(1)),
    "multiple response not adding up": ({TYPE: "Nhiều lựa chọn", P(1): 50, A(3): "C", P(3): 30}, "Điểm 1–3"),
    "multiple response without a right answer": ({TYPE: "Nhiều lựa chọn", P(1): None}, "Điểm 1–2"),
    "percent above 100": ({P(2): 150}, P(2)),
    "percent below -100": ({P(2): -101}, P(2)),
    "percent not a Moodle grade": ({P(2): 37}, P(2)),
    "percent not a number": ({P(2): "nửa"}, P(2)),
    "percent with a decimal comma": ({P(2): "12,5"}, P(2)),
    "score without an answer": ({P(4): 0}, P(4)),
    "feedback without an answer": ({F(3): "Phản hồi lạc"}, F(3)),
    "true/false not Đúng or Sai": ({TYPE: "Đúng/Sai", A(1): "Có lẽ", P(1): None, A(2): None}, A(1)),
    "true/false second answer the same": ({TYPE: "Đúng/Sai", P(1): None, A(2): "Đúng"}, A(2)),
    "true/false credit on the right answer": ({TYPE: "Đúng/Sai", P(1): 50, A(2): None}, P(1)),
    "true/false third answer": ({TYPE: "Đúng/Sai", P(1): None, A(2): None, A(3): "Sai"}, A(3)),
    "short answer without full credit": ({TYPE: "Trả lời ngắn", P(1): 50, A(2): None}, P(1)),
    "short answer with a negative credit": ({TYPE: "Trả lời ngắn", P(2): -50}, P(2)),
    "short answer with an arrow": ({TYPE: "Trả lời ngắn", A(1): "a -> b", A(2): None}, A(1)),
    "numerical not a number": ({TYPE: "Số", A(1): "một nghìn", A(2): None}, A(1)),
    "numerical with a decimal comma": ({TYPE: "Số", A(1): "3,5", A(2): None}, A(1)),
    "numerical range backwards": ({TYPE: "Số", A(1): "5..1", A(2): None}, A(1)),
    "numerical negative tolerance": ({TYPE: "Số", A(1): "5±-1", A(2): None}, A(1)),
    "numerical without full credit": ({TYPE: "Số", A(1): "5", P(1): 50, A(2): None}, P(1)),
    "matching with one pair": ({TYPE: "Ghép cặp", A(1): "a -> b", P(1): None, A(2): "-> c"}, "Đáp án 1–2"),
    "matching pair without an arrow": ({TYPE: "Ghép cặp", A(1): "a -> b", P(1): None, A(2): "c = d"}, A(2)),
    "matching pair without a right side": ({TYPE: "Ghép cặp", A(1): "a -> b", P(1): None, A(2): "c ->"}, A(2)),
    "matching with a credit": ({TYPE: "Ghép cặp", A(1): "a -> b", A(2): "c -> d"}, P(1)),
    "essay with an answer": ({TYPE: "Tự luận", P(1): None, A(2): None}, A(1)),
    "description with an explanation": ({TYPE: "Mô tả", A(1): None, P(1): None, A(2): None,
                                         EXPLANATION: "Giải thích"}, EXPLANATION),
    "date made by Excel": ({A(2): datetime(2024, 1, 2)}, A(2)),
    "error value": ({A(2): "#N/A"}, A(2)),
}


@pytest.mark.parametrize("changes, column", ERRORS.values(), ids=ERRORS.keys())
def test_each_problem_is_reported_on_its_row_and_column(changes: dict[str, object], column: str) -> None:
    row = {key: value for key, value in {**VALID, **changes}.items() if value is not None}
    assert problems_of(sheet({**VALID, NAME: "OK"}, row)) == [(3, column)]


def test_a_question_gift_could_not_hold_is_refused() -> None:
    # More digits than a float keeps: written as GIFT, this range would read back with another midpoint.
    assert problems_of(sheet({**VALID, TYPE: "Số", A(1): "0.1..0.30000000000000001", A(2): None})) == [(2, "")]


def test_every_problem_of_every_row_is_collected_and_nothing_returned() -> None:
    data = sheet(
        VALID,
        None,
        {**VALID, NAME: "C2", TYPE: "?", MODULE: "IU00"},
        {**VALID, NAME: "c1"},
        {**VALID, NAME: "C4", TEXT: None, F(5): "x"},
    )
    with pytest.raises(ExcelImportError) as caught:
        parse_question_sheet(data)
    problems = caught.value.problems
    assert [(p.row, p.column) for p in problems] == [
        (4, TYPE), (4, MODULE), (5, NAME), (6, TEXT), (6, F(5))]
    assert "trùng với dòng 2" in problems[2].message
    assert str(problems[0]).startswith("Dòng 4, cột «Loại câu hỏi»: ")
    assert str(caught.value).count("\n") == len(problems) - 1


def test_a_cell_outside_the_columns_is_reported() -> None:
    workbook = Workbook()
    ws = workbook.active
    ws.append(list(COLUMNS))
    ws.append([VALID.get(column) for column in COLUMNS] + [None, "lạc"])
    assert problems_of(workbook_bytes(workbook)) == [(2, "AG")]


def test_header_problems() -> None:
    headings = (TEXT, "Dap an 1", TYPE, TYPE)
    assert problems_of(sheet({TEXT: "Câu?"}, headings=headings)) == [(1, "Dap an 1"), (1, TYPE), (1, MODULE)]


@pytest.mark.parametrize("data, words", [
    (b"Ma cau,Loai cau hoi\nC1,Mot lua chon\n", "không phải bảng tính Excel .xlsx"),
    ("Mã câu;Loại câu hỏi\n".encode("utf-8-sig"), "không phải bảng tính Excel .xlsx"),
    (os.urandom(4096), "không phải bảng tính Excel .xlsx"),
    (b"", "Tệp rỗng"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512), "Excel 97-2003"),
    (b"PK\x03\x04" + bytes(100), "không phải bảng tính Excel .xlsx"),
], ids=["csv", "csv with BOM", "random bytes", "empty file", "xls", "broken zip"])
def test_files_that_are_not_workbooks(data: bytes, words: str) -> None:
    with pytest.raises(ExcelImportError) as caught:
        parse_question_sheet(data)
    assert [(p.row, p.column) for p in caught.value.problems] == [(0, "")]
    assert words in caught.value.problems[0].message


def test_a_zip_that_is_not_a_workbook() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("word/document.xml", "<w:document/>")
    assert problems_of(buffer.getvalue()) == [(0, "")]


def test_empty_workbook_and_headings_only() -> None:
    with pytest.raises(ExcelImportError, match="Bảng tính trống"):
        parse_question_sheet(workbook_bytes(Workbook()))
    with pytest.raises(ExcelImportError, match="chưa có câu hỏi nào"):
        parse_question_sheet(sheet(None, None))


def test_more_rows_than_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(excel, "MAX_ROWS", 3)
    rows = [{**VALID, NAME: f"C{n}"} for n in range(4)]
    assert len(parse_question_sheet(sheet(*rows[:3]))) == 3
    assert problems_of(sheet(*rows)) == [(5, "")]


def test_a_package_that_unpacks_too_large(monkeypatch: pytest.MonkeyPatch) -> None:
    data = question_template()
    monkeypatch.setattr(excel, "MAX_UNPACKED_BYTES", 10_000)
    with pytest.raises(ExcelImportError, match="quá lớn"):
        parse_question_sheet(data)


# --------------------------------------------------------------------------- export refusals


@pytest.mark.parametrize("question, module, words", [
    (GiftQuestion("essay", text="Q", tags=["IU01", "case-sensitive"]), "IU01", "nhãn"),
    (GiftQuestion("essay", text="Q"), "IU16", "mô-đun"),
    (GiftQuestion("essay", text="Q", text_format="html"), "IU01", "định dạng"),
    (GiftQuestion("essay", text="Q", idnumber="X"), "IU01", "idnumber"),
    (GiftQuestion("short_answer", text="Q", answers=[GiftAnswer(str(n), 1.0) for n in range(9)]), "IU01", "tối đa"),
    (GiftQuestion("single_choice", text="Q", answers=[GiftAnswer("a", 1.0), GiftAnswer("b", 0.37)]), "IU01", "Moodle"),
    (GiftQuestion("matching", text="Q", matches=[GiftMatch("a -> b", "c"), GiftMatch("d", "e")]), "IU01",
     "đọc lại"),
    (GiftQuestion("essay", text="Câu\x07hỏi"), "IU01", "điều khiển"),
], ids=["extra tag", "unknown module", "html", "idnumber", "nine answers", "not a grade", "arrow in a left side",
        "control character"])
def test_export_refuses_what_the_sheet_cannot_hold(question: GiftQuestion, module: str, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        export_questions_xlsx([(question, module, "")])


def test_export_refuses_duplicate_names() -> None:
    question = GiftQuestion("essay", name="Q1", text="Q")
    with pytest.raises(ValueError, match="trùng"):
        export_questions_xlsx([(question, "IU01", ""), (question, "IU02", "")])


# --------------------------------------------------------------------------- item analysis


def analysis_records() -> list[ResponseRecord]:
    # attempt: (q1 credit, q1 option chosen), q2 credit, q3 credit (None: not shown q3)
    rows = {1: (1.0, 11, 1.0, 1.0), 2: (1.0, 11, 0.0, None), 3: (0.0, 12, 1.0, None),
            4: (0.0, 12, 0.0, None), 5: (None, None, 0.0, None)}
    records = []
    for attempt, (q1, option, q2, q3) in rows.items():
        total = sum(credit or 0.0 for credit in (q1, q2, q3))
        records.append(ResponseRecord(attempt, 1, q1, (option,) if option else (), total))
        records.append(ResponseRecord(attempt, 2, q2, (), total))
        if q3 is not None:
            records.append(ResponseRecord(attempt, 3, q3, (), total))
    return records


def test_item_analysis_workbook_has_the_numbers_in_the_right_cells() -> None:
    analysis = analyse_items(analysis_records(), {1: [(11, True), (12, False), (13, False)]},
                             thresholds=FlagThresholds(min_attempts=1, min_attempts_unused=1))
    workbook = load_workbook(io.BytesIO(item_analysis_xlsx(
        analysis, {1: "=Câu 1", 2: "Câu 2"}, option_labels={11: "Bàn phím", 12: "Màn hình"})))
    assert workbook.sheetnames == ["Câu hỏi", "Phương án", "Tổng hợp"]

    questions = workbook["Câu hỏi"]
    assert [cell.value for cell in questions[1]][:4] == ["Câu hỏi", "Số lượt làm", "Không trả lời",
                                                         "Độ dễ (tỉ lệ điểm đạt được)"]
    assert questions.freeze_panes == "B2"
    q1 = analysis.questions[1]
    a2, b2, c2, d2, e2, f2, g2, h2, i2, j2 = (cell for cell in questions[2])
    assert a2.value == "=Câu 1" and a2.data_type == "s" and a2.quotePrefix
    assert (b2.value, c2.value) == (5, 1)
    assert d2.value == pytest.approx(0.4) == q1.facility and d2.number_format == "0.0%"
    assert e2.value == pytest.approx(q1.sd) and e2.number_format == "0.000"
    assert f2.value == pytest.approx(q1.discrimination)
    assert (g2.value, h2.value, i2.value) == (q1.upper_facility, q1.lower_facility, q1.group_discrimination)
    assert j2.value == "Phương án nhiễu hầu như không ai chọn" and q1.flags == ("distractor_unused",)
    third = [cell.value for cell in questions[4]]
    assert third[:4] == ["Câu #3", 1, 0, 1.0]
    assert third[4:9] == [None] * 5  # one attempt: no SD, correlation or groups
    assert all(isinstance(cell.value, int | float) for cell in questions[2][1:9])

    options = [[cell.value for cell in row] for row in workbook["Phương án"].iter_rows(min_row=2)]
    assert options == [
        ["=Câu 1", "Bàn phím", "Có", 2, pytest.approx(0.4), 1.0, 0.0, None],
        ["=Câu 1", "Màn hình", None, 2, pytest.approx(0.4), 0.0, 0.0, None],
        ["=Câu 1", "Phương án #13", None, 0, 0.0, 0.0, 0.0, "Phương án nhiễu hầu như không ai chọn"],
    ]
    assert workbook["Phương án"]["E2"].number_format == "0.0%"

    summary = {row[0].value: row[1] for row in workbook["Tổng hợp"].iter_rows(min_row=2)}
    quiz = analysis.quiz
    assert summary["Số lượt làm bài"].value == 5 and summary["Số câu hỏi"].value == 3
    assert summary["Điểm trung bình"].value == pytest.approx(quiz.mean) == pytest.approx(1.0)
    assert summary["Điểm trung bình"].number_format == "0.00"
    assert summary["Độ lệch chuẩn"].value == pytest.approx(quiz.sd)
    assert summary["Số lượt làm đủ mọi câu"].value == quiz.complete_attempts == 1
    assert quiz.alpha is None and summary["Hệ số tin cậy Cronbach's alpha"].value is None
    assert summary["Sai số chuẩn đo lường (SEM)"].value is None


def test_item_analysis_alpha_and_sem_cells() -> None:
    records = [ResponseRecord(a, q, c, (), t) for a, (c1, c2, t) in
               enumerate([(1.0, 1.0, 2.0), (1.0, 0.0, 1.0), (0.0, 0.0, 0.0), (1.0, 1.0, 2.0)], start=1)
               for q, c in ((1, c1), (2, c2))]
    analysis = analyse_items(records)
    summary = load_workbook(io.BytesIO(item_analysis_xlsx(analysis, {})))["Tổng hợp"]
    assert summary["B7"].value == pytest.approx(analysis.quiz.alpha) and summary["B7"].number_format == "0.000"
    assert summary["B8"].value == pytest.approx(analysis.quiz.sem) and summary["B8"].number_format == "0.00"
