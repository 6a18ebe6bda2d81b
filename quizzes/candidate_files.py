"""Candidate lists from a file (CSV or Excel): one person per row, an identifier (username,
e-mail or employee code) and, optionally, the name to check it against.

Reading never adds anyone: it returns the rows with their line numbers and what is wrong with
each, so the examiner corrects the few bad lines and keeps the rest (nothing is cleared).
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from lms.text import fold, nfc
from quizzes.services import QuizError

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
# Words of a heading row ("Tên đăng nhập", "Mã cán bộ", "Email", "Họ và tên", "STT"...).
_HEADING_WORDS = ("ten dang nhap", "ma can bo", "email", "thu dien tu", "ho va ten", "stt", "username")


@dataclass(frozen=True)
class CandidateRow:
    """One row of the file: its line number, the identifier, and the name written beside it."""

    line: int
    identifier: str
    name: str = ""


def _is_heading(cells: list[str]) -> bool:
    text = fold(" ".join(cells)).lower()
    return any(word in text for word in _HEADING_WORDS)


def _cells_of(filename: str, data: bytes) -> list[list[str]]:
    if len(data) > MAX_FILE_BYTES:
        raise QuizError("file-too-large")
    if filename.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
            return [["" if value is None else str(value) for value in row]
                    for row in sheet.iter_rows(values_only=True)]
        except Exception as error:  # openpyxl raises many kinds for a file that is not a workbook
            raise QuizError("file-unreadable") from error
    if filename.lower().endswith((".csv", ".txt")):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise QuizError("file-encoding") from error
        dialect = ";" if text.count(";") > text.count(",") else ","
        return [row for row in csv.reader(io.StringIO(text), delimiter=dialect)]
    raise QuizError("file-type")


def read_candidate_file(filename: str, data: bytes) -> list[CandidateRow]:
    """The rows of a candidate file (the first column is the identifier, the second the name);
    a heading row, blank rows and rows past ``MAX_ROWS`` are left out."""
    rows: list[CandidateRow] = []
    for line, cells in enumerate(_cells_of(filename, data), start=1):
        cells = [nfc(cell).strip() for cell in cells]
        if not any(cells):
            continue
        if line == 1 and _is_heading(cells):
            continue
        if len(rows) >= MAX_ROWS:
            raise QuizError("file-too-many-rows", count=MAX_ROWS)
        rows.append(CandidateRow(line=line, identifier=cells[0] if cells else "",
                                 name=cells[1] if len(cells) > 1 else ""))
    return rows


def template_xlsx() -> bytes:
    """The file to fill in: a heading row and an example."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Thí sinh"
    sheet.append(["Tên đăng nhập, thư điện tử hoặc mã cán bộ", "Họ và tên (để đối chiếu, không bắt buộc)"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.append(["nguyenvana", "Nguyễn Văn A"])
    sheet.append(["tranthib@nghean.gov.vn", "Trần Thị B"])
    sheet.column_dimensions["A"].width = 45
    sheet.column_dimensions["B"].width = 45
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
