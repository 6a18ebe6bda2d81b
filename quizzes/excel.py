"""Excel (.xlsx) question sheets and item-analysis reports, written and read with openpyxl.

Authors who do not write GIFT fill in a sheet instead:

* ``question_template() -> bytes``: a workbook to start from, with one example row per
  question type and a "Hướng dẫn" sheet explaining every column;
* ``parse_question_sheet(data) -> list[ParsedRow]``: the questions of an uploaded
  workbook as ``quizzes.gift`` questions, all or nothing (``ExcelImportError`` lists
  every problem with its row and column, each a message of the site's catalogue, Vietnamese
  first, shown in the reader's language);
* ``export_questions_xlsx(rows) -> bytes``: questions in the same layout, so a bank can go
  out for review and come back unchanged;
* ``item_analysis_xlsx(analysis, question_labels) -> bytes``: the statistics of
  ``quizzes.analysis`` for examiners.

The sheet "Câu hỏi" holds one question per row.  Row 1 names the columns (matched by
name, in any order; only "Loại câu hỏi", "Mô-đun" and "Nội dung câu hỏi" are required):
"Mã câu" (the question's name), "Loại câu hỏi" (see ``TYPE_LABELS``), "Mô-đun"
(IU01–IU15), "Độ khó" (Dễ, Trung bình, Khó; blank means Trung bình), "Chủ đề",
"Nội dung câu hỏi", then "Đáp án n", "Điểm n" (the credit in percent, a Moodle grade)
and "Phản hồi n" for n = 1..8, and "Giải thích" (the general feedback).  How each type
uses the answer columns is spelt out in ``_TYPE_GUIDE``, which the "Hướng dẫn" sheet shows.

Parsed questions get ``tags == [module, difficulty]``, ``category == ""`` (the importer
chooses it, as ``bank.import_gift`` does for GIFT without ``$CATEGORY``),
``text_format == "moodle"`` and ``line`` set to the Excel row.  Every question read is
also one that ``write_gift`` can write, so the bank can still export it as GIFT.

Untrusted files: the package is refused if it would unpack to more than
``MAX_UNPACKED_BYTES``; formulas are never evaluated and cached results never read (a
formula cell counts as the text of its formula, which is what its author typed); on the
way out, text that Excel or LibreOffice could take for a formula (starting with ``=``,
``+``, ``-``, ``@``, tab or carriage return) is stored as a string cell with Excel's
quote prefix, the same thing Excel stores when someone types ``'=1+1``.
"""
from __future__ import annotations

import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from io import BytesIO
from typing import Any, NamedTuple

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.formula import ArrayFormula
from openpyxl.worksheet.worksheet import Worksheet

from lms.text import nfc
from quizzes.analysis import Flag, ItemAnalysis

# Moodle's list of allowed grades is private to quizzes.gift; importing it keeps a single copy.
from quizzes.gift import _GRADE_STEPS, N_, GiftAnswer, GiftMatch, GiftQuestion, _translate, write_gift

__all__ = [
    "COLUMNS",
    "DIFFICULTY_LABELS",
    "GUIDE_SHEET",
    "MAX_ROWS",
    "MAX_TEXT_LENGTH",
    "MAX_UNPACKED_BYTES",
    "MODULES",
    "QUESTION_SHEET",
    "TYPE_LABELS",
    "ExcelExportError",
    "ExcelImportError",
    "ParsedRow",
    "Problem",
    "export_questions_xlsx",
    "item_analysis_xlsx",
    "parse_question_sheet",
    "question_template",
]

QUESTION_SHEET = "Câu hỏi"
GUIDE_SHEET = "Hướng dẫn"
#: The framework modules of Thông tư 03/2014/TT-BTTTT.
MODULES = tuple(f"IU{number:02d}" for number in range(1, 16))
#: Question type (``quizzes.gift.QTYPES``) -> the label authors write.
TYPE_LABELS = {
    "single_choice": "Một lựa chọn",
    "multiple_response": "Nhiều lựa chọn",
    "true_false": "Đúng/Sai",
    "short_answer": "Trả lời ngắn",
    "numerical": "Số",
    "matching": "Ghép cặp",
    "essay": "Tự luận",
    "description": "Mô tả",
}
#: Difficulty tag -> the label authors write.
DIFFICULTY_LABELS = {"easy": "Dễ", "medium": "Trung bình", "hard": "Khó"}
MAX_ANSWERS = 8
MAX_ROWS = 5000
MAX_TEXT_LENGTH = 20_000
# Name and topic go into String(255) columns of the question table.
MAX_LABEL_LENGTH = 255
# A 16 MiB upload of highly compressible XML could otherwise unpack to gigabytes; a full
# sheet of 5,000 questions needs a few MiB.
MAX_UNPACKED_BYTES = 100 * 1024 * 1024

_NAME = "Mã câu"
_QTYPE = "Loại câu hỏi"
_MODULE = "Mô-đun"
_DIFFICULTY = "Độ khó"
_TOPIC = "Chủ đề"
_TEXT = "Nội dung câu hỏi"
_EXPLANATION = "Giải thích"


def _answer_column(number: int) -> str:
    return f"Đáp án {number}"


def _credit_column(number: int) -> str:
    return f"Điểm {number}"


def _feedback_column(number: int) -> str:
    return f"Phản hồi {number}"


_SLOTS = range(1, MAX_ANSWERS + 1)
#: The columns of the question sheet, in the order they are written.
COLUMNS = (
    _NAME, _QTYPE, _MODULE, _DIFFICULTY, _TOPIC, _TEXT,
    *(column for n in _SLOTS for column in (_answer_column(n), _credit_column(n), _feedback_column(n))),
    _EXPLANATION,
)
_REQUIRED = (_QTYPE, _MODULE, _TEXT)
_CREDIT_COLUMNS = frozenset(_credit_column(n) for n in _SLOTS)
_WIDTHS = {_NAME: 14, _QTYPE: 16, _MODULE: 9, _DIFFICULTY: 12, _TOPIC: 20, _TEXT: 60, _EXPLANATION: 45}

_TRUE_LABEL, _FALSE_LABEL = "Đúng", "Sai"
_MATCH_ARROW = "->"

# Moodle's grades as percents (100, 83.33333, ..., -5); authors may round to two
# decimals (33.33), which stays unambiguous because grades are at least one point apart.
_GRADES = (0.0, *_GRADE_STEPS, *(-step for step in _GRADE_STEPS))
_GRADE_PERCENTS = tuple((Decimal(repr(grade)) * 100, grade) for grade in _GRADES)
_GRADE_TOLERANCE = Decimal("0.005")
_ALLOWED_PERCENTS = ", ".join(format(p.normalize(), "f") for p, g in _GRADE_PERCENTS if g > 0) + " và 0"

_NUM = r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
_NUMBER = re.compile(_NUM)
_RANGE = re.compile(rf"({_NUM})\.\.({_NUM})")
# "±" is awkward to type, so "+-" and "+/-" are read the same way.
_TOLERANCE = re.compile(rf"({_NUM})(?:(?:±|\+/?-)({_NUM}))?")

# What spreadsheet programs take for the start of a formula (OWASP's CSV injection list).
_FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Excel 97-2003 files and password-protected .xlsx files are OLE2 compound documents.
_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_NOT_XLSX = N_("Tệp không phải bảng tính Excel .xlsx. Nếu là tệp .csv hoặc .ods, hãy mở bằng Excel "
                "rồi lưu lại dạng «Excel Workbook (*.xlsx)».")

CellValue = str | int | float | bool | None


class Problem(NamedTuple):
    """One thing wrong with an uploaded sheet.

    ``row`` is the Excel row number (0 for the file as a whole); ``column`` is the heading
    of the column (its letter if it has no heading, a span such as "Điểm 1–4" for a rule
    about several answers, "" for the whole row or file). ``template`` says what is wrong as a
    message id of the site's catalogue (Vietnamese, marked with ``N_``) and ``params`` fills
    its placeholders; ``message`` is the text in the reader's language (as ``GiftError``).
    """

    row: int
    column: str
    template: str
    params: Mapping[str, object] | None = None

    @property
    def message(self) -> str:
        """What is wrong, in the language of the moment."""
        text = _translate(self.template)
        return text % self.params if self.params else text

    def __str__(self) -> str:
        if self.row and self.column:
            return _translate(N_("Dòng %(row)s, cột «%(column)s»: %(message)s")) % {
                "row": self.row, "column": self.column, "message": self.message}
        if self.row:
            return _translate(N_("Dòng %(row)s: %(message)s")) % {"row": self.row, "message": self.message}
        if self.column:
            return _translate(N_("Cột «%(column)s»: %(message)s")) % {"column": self.column, "message": self.message}
        return self.message


class ExcelExportError(ValueError):
    """A question (or a set of them) the sheet cannot hold unchanged: ``template`` and ``params``
    say why, as a message of the catalogue; ``str()`` gives it in the reader's language."""

    def __init__(self, template: str, **params: object) -> None:
        self.template, self.params = template, params
        super().__init__(template)

    def __str__(self) -> str:
        text = _translate(self.template)
        return text % self.params if self.params else text


class ExcelImportError(ValueError):
    """A sheet refused as a whole; ``problems`` lists every problem found, by row."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(map(str, self.problems)))


@dataclass(frozen=True)
class ParsedRow:
    """One question read from a sheet: its Excel ``row``, the question, module and topic."""

    row: int
    question: GiftQuestion
    module: str
    topic: str


# --------------------------------------------------------------------------- text helpers


def _clean(text: str) -> str:
    """One kind of line end, no surrounding blanks, NFC (as ``quizzes.gift`` keeps text)."""
    return nfc(text.replace("\r\n", "\n").replace("\r", "\n"))


def _key(text: str) -> str:
    """How a label is looked up: NFC, no case, no spaces ("đúng / sai" finds "Đúng/Sai")."""
    return "".join(unicodedata.normalize("NFC", text).casefold().split())


def _decimal_text(value: Decimal) -> str:
    """A canonical decimal string, as ``quizzes.gift`` writes numbers: "3.5", "1024", "0"."""
    return "0" if value == 0 else format(value.normalize(), "f")


def _to_decimal(value: float) -> Decimal:
    # repr() gives the shortest text that reads back as the same float: 0.1 -> "0.1".
    return Decimal(value) if isinstance(value, int) else Decimal(repr(value))


def _read_decimal(text: str) -> Decimal | None:
    if not _NUMBER.fullmatch(text):
        return None
    value = Decimal(text)
    return value if abs(value) < Decimal("1e300") else None


def _grade(percent: Decimal) -> float | None:
    """The Moodle grade (a fraction such as 0.3333333) ``percent`` stands for, or None."""
    return next((grade for exact, grade in _GRADE_PERCENTS if abs(percent - exact) <= _GRADE_TOLERANCE), None)


def _thousands(number: int) -> str:
    """20000 as Vietnamese write it: "20.000"."""
    return f"{number:,}".replace(",", ".")


def _span(column: Callable[[int], str], numbers: Sequence[int]) -> str:
    """The columns of several answers, for a problem about all of them: "Điểm 1–4"."""
    if not numbers:
        return column(1)
    first, last = min(numbers), max(numbers)
    return column(first) if first == last else f"{column(first)}–{last}"


# --------------------------------------------------------------------------- one row -> one question


@dataclass(frozen=True)
class _Slot:
    """Answer number ``number`` of a row: its text, whether Điểm is filled in, its feedback."""

    number: int
    answer: str
    has_credit: bool
    feedback: str


class _RowReader:
    """Reads the cells of one row, collecting every problem instead of stopping at the first."""

    def __init__(self, row: int, cells: Mapping[str, CellValue]) -> None:
        self.row = row
        self.cells = cells
        self.problems: list[Problem] = []

    def problem(self, column: str, template: str, **params: object) -> None:
        self.problems.append(Problem(self.row, column, template, params or None))

    def filled(self, column: str) -> bool:
        value = self.cells.get(column)
        return value is not None and not (isinstance(value, str) and not value.strip())

    def text(self, column: str, limit: int = MAX_TEXT_LENGTH) -> str:
        value = self.cells.get(column)
        if value is None:
            return ""
        if isinstance(value, bool):  # an author's TRUE in a General cell becomes a boolean
            text = "TRUE" if value else "FALSE"
        elif isinstance(value, int | float):  # e.g. 1990 typed as an answer in a General cell
            text = _decimal_text(_to_decimal(value))
        else:
            text = _clean(value)
        if len(text) > limit:
            self.problem(column, N_("Ô dài %(length)s ký tự, vượt giới hạn %(limit)s ký tự"),
                         length=_thousands(len(text)), limit=_thousands(limit))
        if ILLEGAL_CHARACTERS_RE.search(text):
            self.problem(column, N_("Ô chứa ký tự điều khiển không hợp lệ (thường do dán từ phần mềm khác); hãy gõ lại"))
        return text

    def lookup(self, column: str, table: Mapping[str, str], allowed: Iterable[str], default: str | None) -> str | None:
        """The value of a drop-down column, or None (with a problem) if it is not in ``table``."""
        text = self.text(column, MAX_LABEL_LENGTH)
        choices = ", ".join(allowed)
        if not text:
            if default is None:
                self.problem(column, N_("Chưa điền; chọn một trong: %(choices)s"), choices=choices)
            return default
        found = table.get(_key(text))
        if found is None:
            self.problem(column, N_("«%(value)s» không hợp lệ; chọn một trong: %(choices)s"), value=text, choices=choices)
        return found

    def credit(self, number: int, *, allow_negative: bool) -> float | None:
        """The fraction in "Điểm n" (blank is 0), or None after reporting why it is invalid."""
        column = _credit_column(number)
        if not self.filled(column):
            return 0.0
        value = self.cells[column]
        percent: Decimal | None = None
        if isinstance(value, str):
            percent = _read_decimal("".join(value.split()).removesuffix("%"))
        elif isinstance(value, int | float) and not isinstance(value, bool):
            percent = _to_decimal(value) if abs(value) < 1e300 else None
        if percent is None:
            self.problem(column, N_("«%(value)s» không phải số phần trăm; ghi ví dụ 100, 50, -50 "
                                    "(dùng dấu chấm thập phân)"), value=value)
            return None
        if not -100 <= percent <= 100:
            self.problem(column, N_("Điểm %(value)s nằm ngoài khoảng từ -100 đến 100"), value=_decimal_text(percent))
            return None
        if percent < 0 and not allow_negative:
            self.problem(column, N_("Điểm âm chỉ dùng cho câu Một lựa chọn và Nhiều lựa chọn"))
            return None
        grade = _grade(percent)
        if grade is None:
            self.problem(column, N_("Điểm %(value)s không phải mức Moodle cho phép; dùng một trong "
                                    "%(allowed)s (có thể thêm dấu trừ)"), value=_decimal_text(percent),
                         allowed=_ALLOWED_PERCENTS)
        return grade

    def orphans(self, slots: Sequence[_Slot], *, feedback_allowed: Sequence[int] = ()) -> None:
        """Report Điểm and Phản hồi filled in beside an empty Đáp án."""
        for slot in slots:
            if slot.answer:
                continue
            if slot.has_credit:
                self.problem(_credit_column(slot.number), N_("Có Điểm nhưng chưa có Đáp án %(n)s"), n=slot.number)
            if slot.feedback and slot.number not in feedback_allowed:
                self.problem(_feedback_column(slot.number), N_("Có Phản hồi nhưng chưa có Đáp án %(n)s"),
                             n=slot.number)

    def unused(self, slots: Sequence[_Slot], label: str) -> None:
        """Report every answer, Điểm and Phản hồi cell of a type that takes none."""
        for slot in slots:
            for column, filled in ((_answer_column(slot.number), slot.answer),
                                   (_credit_column(slot.number), slot.has_credit),
                                   (_feedback_column(slot.number), slot.feedback)):
                if filled:
                    self.problem(column, N_("Câu %(type)s không có đáp án; để trống cột này"), type=label)


def _choices(reader: _RowReader, slots: Sequence[_Slot], qtype: str) -> list[GiftAnswer]:
    reader.orphans(slots)
    used = [slot for slot in slots if slot.answer]
    numbers = [slot.number for slot in used]
    fractions = [reader.credit(slot.number, allow_negative=True) for slot in used]
    if len(used) < 2:
        reader.problem(_span(_answer_column, numbers), N_("Câu %(type)s cần ít nhất 2 đáp án"), type=TYPE_LABELS[qtype])
    valid = [fraction for fraction in fractions if fraction is not None]
    if len(valid) < len(fractions) or len(used) < 2:
        return []
    if qtype == "single_choice" and max(valid) != 1.0:
        reader.problem(_span(_credit_column, numbers),
                       N_("Câu Một lựa chọn cần một đáp án đúng có Điểm 100 (đáp án sai để trống hoặc ghi điểm âm)"))
    if qtype == "multiple_response":
        # quizzes.gift applies the same rounding, so 3 x 33.33333 adds up to 100.
        total = round(sum(fraction for fraction in valid if fraction > 0), 2)
        if total != 1.0:
            reader.problem(_span(_credit_column, numbers),
                           N_("Câu Nhiều lựa chọn: Điểm các đáp án đúng phải cộng lại bằng 100 (đang là %(total)s)"),
                           total=f"{total * 100:g}")
    return [GiftAnswer(slot.answer, fraction, slot.feedback) for slot, fraction in zip(used, valid, strict=True)]


def _true_false(reader: _RowReader, slots: Sequence[_Slot]) -> list[GiftAnswer]:
    reader.orphans(slots, feedback_allowed=(2,))
    for slot in slots[2:]:
        if slot.answer:
            reader.problem(_answer_column(slot.number), N_("Câu Đúng/Sai chỉ dùng Đáp án 1 (và Đáp án 2)"))
    truth = {_key(_TRUE_LABEL): True, "true": True, _key(_FALSE_LABEL): False, "false": False}
    first, second = slots[0], slots[1]
    if not first.answer:
        reader.problem(_answer_column(1), N_("Ghi «Đúng» hoặc «Sai»: đáp án đúng của câu"))
        return []
    correct = truth.get(_key(first.answer))
    if correct is None:
        reader.problem(_answer_column(1), N_("«%(value)s» không hợp lệ; ghi «Đúng» hoặc «Sai»"), value=first.answer)
        return []
    if second.answer and truth.get(_key(second.answer)) != (not correct):
        other = _FALSE_LABEL if correct else _TRUE_LABEL
        reader.problem(_answer_column(2), N_("Đáp án 2 phải là «%(value)s» hoặc để trống"), value=other)
    if reader.filled(_credit_column(1)) and reader.credit(1, allow_negative=False) not in (None, 1.0):
        reader.problem(_credit_column(1), N_("Đáp án 1 là đáp án đúng: để trống Điểm 1 hoặc ghi 100"))
    if second.answer and second.has_credit and reader.credit(2, allow_negative=False) not in (None, 0.0):
        reader.problem(_credit_column(2), N_("Đáp án 2 là đáp án sai: để trống Điểm 2 hoặc ghi 0"))
    # Each answer's feedback is what a learner who picks it sees (as in quizzes.gift).
    right, wrong = first.feedback, second.feedback
    return [GiftAnswer("true", 1.0 if correct else 0.0, right if correct else wrong),
            GiftAnswer("false", 0.0 if correct else 1.0, wrong if correct else right)]


def _short_answers(reader: _RowReader, slots: Sequence[_Slot]) -> list[GiftAnswer]:
    reader.orphans(slots)
    used = [slot for slot in slots if slot.answer]
    if not used:
        reader.problem(_answer_column(1), N_("Câu Trả lời ngắn cần ít nhất một câu trả lời được chấp nhận"))
    answers: list[GiftAnswer] = []
    for slot in used:
        # GIFT reads any "->" in a short answer's block as a matching question.
        for column, text in ((_answer_column(slot.number), slot.answer),
                             (_feedback_column(slot.number), slot.feedback)):
            if _MATCH_ARROW in text:
                reader.problem(column, N_("Câu Trả lời ngắn không dùng được «->» (Moodle hiểu là câu ghép cặp)"))
        fraction = reader.credit(slot.number, allow_negative=False)
        if fraction is not None:
            answers.append(GiftAnswer(slot.answer, fraction, slot.feedback))
    return _with_full_credit(reader, used, answers)


def _numerical_value(text: str) -> GiftAnswer | tuple[str, dict]:
    """Read "*", "1024", "1024±2" or "1..5" (credit and feedback are set by the caller).

    Returns the problem as (message template, params).  The result is what ``quizzes.gift``
    reads from ``{#1024:2}`` or ``{#1..5}``: a range keeps its midpoint and half-width too.
    """
    if text == "*":
        return GiftAnswer("*", 0.0)
    compact = "".join(text.split())
    if "," in compact:
        return N_("Dùng dấu chấm cho phần thập phân (ví dụ 3.5), không dùng dấu phẩy"), {}
    not_a_number = N_("«%(value)s» không phải là số; ghi một số (1024), số kèm sai số (1024±2), một khoảng (1..5) "
                      "hoặc * cho mọi số khác")
    if found := _RANGE.fullmatch(compact):
        low, high = _read_decimal(found[1]), _read_decimal(found[2])
        if low is None or high is None:
            return not_a_number, {"value": text}
        if low > high:
            return N_("Khoảng «%(value)s» có số đầu lớn hơn số cuối"), {"value": text}
        middle = (low + high) / 2
        return GiftAnswer(_decimal_text(middle), 0.0, "", float(high - middle), float(low), float(high))
    if found := _TOLERANCE.fullmatch(compact):
        value, tolerance = _read_decimal(found[1]), _read_decimal(found[2] or "0")
        if value is None or tolerance is None:
            return not_a_number, {"value": text}
        if tolerance < 0:
            return N_("Sai số không được âm"), {}
        return GiftAnswer(_decimal_text(value), 0.0, "", float(tolerance))
    return not_a_number, {"value": text}


def _numerical(reader: _RowReader, slots: Sequence[_Slot]) -> list[GiftAnswer]:
    reader.orphans(slots)
    used = [slot for slot in slots if slot.answer]
    if not used:
        reader.problem(_answer_column(1), N_("Câu Số cần ít nhất một đáp án"))
    answers: list[GiftAnswer] = []
    for slot in used:
        value = _numerical_value(slot.answer)
        if isinstance(value, tuple):
            reader.problem(_answer_column(slot.number), value[0], **value[1])
        fraction = reader.credit(slot.number, allow_negative=False)
        if isinstance(value, GiftAnswer) and fraction is not None:
            answers.append(replace(value, fraction=fraction, feedback=slot.feedback))
    return _with_full_credit(reader, used, answers)


def _with_full_credit(reader: _RowReader, used: Sequence[_Slot], answers: list[GiftAnswer]) -> list[GiftAnswer]:
    """``answers`` if every answer was read and one earns 100 %, as Moodle requires."""
    if not used or len(answers) < len(used):
        return []
    if max(answer.fraction for answer in answers) != 1.0:
        reader.problem(_span(_credit_column, [slot.number for slot in used]),
                       N_("Cần ít nhất một đáp án có Điểm 100"))
    return answers


def _matching(reader: _RowReader, slots: Sequence[_Slot]) -> list[GiftMatch]:
    matches: list[GiftMatch] = []
    for slot in slots:
        if slot.has_credit:
            reader.problem(_credit_column(slot.number), N_("Câu Ghép cặp không dùng cột Điểm"))
        if slot.feedback:
            reader.problem(_feedback_column(slot.number), N_("Câu Ghép cặp không dùng cột Phản hồi"))
        if not slot.answer:
            continue
        left, arrow, right = slot.answer.partition(_MATCH_ARROW)
        if not arrow:
            reader.problem(_answer_column(slot.number), N_("Ghi cặp ghép dạng «vế trái -> vế phải»"))
        elif not right.strip():
            reader.problem(_answer_column(slot.number), N_("Thiếu vế phải sau «->»"))
        else:
            matches.append(GiftMatch(_clean(left), _clean(right)))
    used = [slot.number for slot in slots if slot.answer]
    # A malformed pair is reported on its own; counting pairs is only meaningful without one.
    if len(matches) == len(used) and sum(1 for match in matches if match.left) < 2:
        reader.problem(_span(_answer_column, used),
                       N_("Câu Ghép cặp cần ít nhất 2 cặp «vế trái -> vế phải» "
                          "(ô «-> vế phải» chỉ thêm một phương án nhiễu)"))
    return matches


def _question_from_cells(row: int, cells: Mapping[str, CellValue]) -> tuple[str, ParsedRow | None, list[Problem]]:
    """Read one row: its name (for the duplicate check), the question if valid, the problems."""
    reader = _RowReader(row, cells)
    name = reader.text(_NAME, MAX_LABEL_LENGTH)
    qtype = reader.lookup(_QTYPE, {_key(label): qtype for qtype, label in TYPE_LABELS.items()},
                          TYPE_LABELS.values(), None)
    module = reader.lookup(_MODULE, {_key(code): code for code in MODULES}, ("IU01", "IU02", "…", "IU15"), None)
    # Difficulties are read in Vietnamese and as the GIFT tags (easy...) used by the bank.
    difficulty = reader.lookup(_DIFFICULTY, {**{_key(label): tag for tag, label in DIFFICULTY_LABELS.items()},
                                             **{tag: tag for tag in DIFFICULTY_LABELS}},
                               DIFFICULTY_LABELS.values(), "medium")
    topic = reader.text(_TOPIC, MAX_LABEL_LENGTH)
    text = reader.text(_TEXT)
    if not text:
        reader.problem(_TEXT, N_("Chưa có nội dung câu hỏi"))
    explanation = reader.text(_EXPLANATION)
    slots = [_Slot(n, reader.text(_answer_column(n)), reader.filled(_credit_column(n)),
                   reader.text(_feedback_column(n))) for n in _SLOTS]

    answers: list[GiftAnswer] = []
    matches: list[GiftMatch] = []
    if qtype in ("single_choice", "multiple_response"):
        answers = _choices(reader, slots, qtype)
    elif qtype == "true_false":
        answers = _true_false(reader, slots)
    elif qtype == "short_answer":
        answers = _short_answers(reader, slots)
    elif qtype == "numerical":
        answers = _numerical(reader, slots)
    elif qtype == "matching":
        matches = _matching(reader, slots)
    elif qtype in ("essay", "description"):
        reader.unused(slots, TYPE_LABELS[qtype])
        if qtype == "description" and explanation:
            reader.problem(_EXPLANATION, N_("Câu Mô tả không có phần giải thích; đưa nội dung vào cột Nội dung câu hỏi"))

    if reader.problems or qtype is None or module is None or difficulty is None:
        return name, None, reader.problems
    question = GiftQuestion(qtype=qtype, name=name, text=text, answers=answers, matches=matches,
                            general_feedback=explanation, tags=[module, difficulty], line=row)
    try:
        # The checks above cover what authors get wrong; GIFT has subtler limits (a range with
        # more digits than a float keeps reads back with another midpoint), and every question
        # in the bank must stay exportable as GIFT.
        write_gift([question])
    except ValueError:
        # write_gift's own words are for developers: the author is told what to do instead.
        reader.problem("", N_("Câu hỏi không chuyển được sang định dạng GIFT của Moodle; hãy viết lại đáp án "
                              "(số có quá nhiều chữ số, hoặc ký tự đặc biệt ở đầu ô)"))
        return name, None, reader.problems
    return name, ParsedRow(row=row, question=question, module=module, topic=topic), []


# --------------------------------------------------------------------------- reading a workbook


@dataclass(frozen=True)
class _SheetRow:
    """A non-blank row: its number, its values by column, and cells that could not be read."""

    number: int
    cells: dict[str, CellValue]
    problems: list[Problem]


def _check_package(data: bytes) -> None:
    """Refuse what is not a zip package of sensible size before openpyxl unpacks it."""
    if not data:
        raise ExcelImportError([Problem(0, "", N_("Tệp rỗng"))])
    if data.startswith(_OLE_SIGNATURE):
        raise ExcelImportError([Problem(0, "", N_("Đây là tệp Excel 97-2003 (.xls) hoặc tệp có đặt mật khẩu. Hãy mở "
                                                 "bằng Excel, bỏ mật khẩu nếu có, rồi lưu lại dạng .xlsx."))])
    try:
        with zipfile.ZipFile(BytesIO(data)) as package:
            unpacked = sum(info.file_size for info in package.infolist())
    except Exception as error:  # zipfile reports a damaged archive with several exception types
        raise ExcelImportError([Problem(0, "", _NOT_XLSX)]) from error
    # zipfile never inflates a member past its declared size, so the sum bounds the work.
    if unpacked > MAX_UNPACKED_BYTES:
        raise ExcelImportError([Problem(0, "", N_("Tệp quá lớn khi giải nén (hơn %(size)s MiB); hãy chia thành "
                                                 "nhiều tệp"), {"size": MAX_UNPACKED_BYTES // 2**20})])


def _guarded(rows: Iterator[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
    """The rows of a read-only sheet; a malformed sheet only shows up while they are read."""
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except Exception as error:  # openpyxl and its XML parser raise many exception types
            raise ExcelImportError([Problem(0, "", _NOT_XLSX)]) from error
        yield row


def _header(cells: Sequence[Any]) -> dict[int, str]:
    """Map the position of each heading in row 1 to its column name, or raise."""
    known = {_key(column): column for column in COLUMNS}
    columns: dict[int, str] = {}
    letters: dict[str, str] = {}
    problems: list[Problem] = []
    for index, cell in enumerate(cells):
        if cell.value is None or not str(cell.value).strip():
            continue
        heading = _clean(str(cell.value))
        column = known.get(_key(heading))
        letter = get_column_letter(index + 1)
        if column is None:
            problems.append(Problem(1, heading, N_("Cột %(letter)s có tên không có trong mẫu; xem trang «Hướng dẫn» "
                                                   "hoặc tải lại tệp mẫu"), {"letter": letter}))
        elif column in letters:
            problems.append(Problem(1, column, N_("Cột này có hai lần (cột %(first)s và %(second)s)"),
                                    {"first": letters[column], "second": letter}))
        else:
            columns[index] = column
            letters[column] = letter
    if not columns and not problems:
        raise ExcelImportError([Problem(0, "", N_("Bảng tính trống: dòng 1 phải là dòng tên cột như trong tệp mẫu, "
                                                 "mỗi dòng sau là một câu hỏi"))])
    problems += [Problem(1, column, N_("Thiếu cột bắt buộc")) for column in _REQUIRED if column not in letters]
    if problems:
        raise ExcelImportError(problems)
    return columns


def _cell_value(cell: Any, column: str) -> CellValue | Problem:
    """The value of one cell as the validation expects it, or the problem with it."""
    value = cell.value
    if cell.data_type == "e":
        return Problem(cell.row, column, N_("Ô đang báo lỗi Excel %(value)s; hãy nhập giá trị"), {"value": value})
    if isinstance(value, ArrayFormula):
        return value.text
    if isinstance(value, datetime | date | time | timedelta):
        return Problem(cell.row, column, N_("Excel đã tự đổi nội dung ô này thành ngày/giờ; hãy định dạng ô là "
                                            "Văn bản (Text) rồi gõ lại"))
    if isinstance(value, int | float) and not isinstance(value, bool):
        if column in _CREDIT_COLUMNS and "%" in (cell.number_format or ""):
            # "50%" typed into a General cell is stored as 0.5 with a percent format.
            return float(_to_decimal(value) * 100)
        return value
    if isinstance(value, str | bool):
        return value
    return Problem(cell.row, column, N_("Không đọc được ô này; hãy nhập lại giá trị"))


def _read_rows(data: bytes) -> list[_SheetRow]:
    """The non-blank data rows of the question sheet, or ``ExcelImportError`` for the file."""
    _check_package(data)
    try:
        # data_only=False: a formula is read as its text and its cached result is ignored,
        # so nothing in the file is evaluated or taken on trust.
        workbook = load_workbook(BytesIO(data), read_only=True, data_only=False)
    except Exception as error:  # openpyxl reports a malformed package with many exception types
        raise ExcelImportError([Problem(0, "", _NOT_XLSX)]) from error
    try:
        if not workbook.worksheets:
            raise ExcelImportError([Problem(0, "", N_("Tệp không có trang tính nào"))])
        sheet = next((s for s in workbook.worksheets if _key(s.title) == _key(QUESTION_SHEET)), workbook.worksheets[0])
        # A missing or wrong <dimension> in the file would otherwise cut rows and columns short.
        sheet.reset_dimensions()
        rows = _guarded(sheet.iter_rows())
        columns = _header(next(rows, ()))
        result: list[_SheetRow] = []
        for number, cells in enumerate(rows, start=2):
            values: dict[str, CellValue] = {}
            problems: list[Problem] = []
            for index, cell in enumerate(cells):
                if cell.value is None or (isinstance(cell.value, str) and not cell.value.strip()):
                    continue
                column = columns.get(index)
                if column is None:
                    problems.append(Problem(number, get_column_letter(index + 1),
                                            N_("Ô có dữ liệu nhưng cột không có tên trong mẫu")))
                    continue
                value = _cell_value(cell, column)
                if isinstance(value, Problem):
                    problems.append(value)
                else:
                    values[column] = value
            if not values and not problems:
                continue
            if len(result) == MAX_ROWS:
                raise ExcelImportError([Problem(number, "", N_("Tệp có hơn %(rows)s câu hỏi; hãy chia thành nhiều tệp"),
                                                {"rows": _thousands(MAX_ROWS)})])
            result.append(_SheetRow(number, values, problems))
        return result
    finally:
        workbook.close()


def parse_question_sheet(data: bytes) -> list[ParsedRow]:
    """Read every question of an uploaded .xlsx question sheet, or none of them.

    The sheet is the one named "Câu hỏi" (else the first); row 1 names the columns and
    every other non-blank row is a question.  Text is trimmed and put in NFC.  Raises
    ``ExcelImportError`` listing every problem (row, column, Vietnamese message) if there
    is any, including for a file that is not an .xlsx workbook, holds no question, or
    holds more than ``MAX_ROWS``.  A row with a cell that cannot be read at all (a date
    Excel made of the text, an error value) is reported for that cell only, since the
    rest of the row would be judged on the wrong value.
    """
    problems: list[Problem] = []
    parsed: list[ParsedRow] = []
    first_row_of: dict[str, int] = {}
    rows = _read_rows(data)
    for sheet_row in rows:
        if sheet_row.problems:
            problems += sheet_row.problems
            continue
        name, result, row_problems = _question_from_cells(sheet_row.number, sheet_row.cells)
        problems += row_problems
        if name:
            first = first_row_of.setdefault(name.casefold(), sheet_row.number)
            if first != sheet_row.number:
                problems.append(Problem(sheet_row.number, _NAME, N_("Mã câu «%(name)s» trùng với dòng %(first)s"),
                                        {"name": name, "first": first}))
        if result is not None:
            parsed.append(result)
    if not rows:
        problems.append(Problem(0, "", N_("Tệp chưa có câu hỏi nào (dòng 2 trở đi)")))
    if problems:
        raise ExcelImportError(sorted(problems, key=lambda problem: problem.row))
    return parsed


# --------------------------------------------------------------------------- writing


def _percent_number(fraction: float) -> int | float:
    percent = (_to_decimal(fraction) * 100).normalize()
    return int(percent) if percent == percent.to_integral_value() else float(percent)


def _numerical_text(answer: GiftAnswer) -> str:
    if answer.text == "*":
        return "*"
    if answer.min is not None and answer.max is not None:
        return f"{_decimal_text(_to_decimal(answer.min))}..{_decimal_text(_to_decimal(answer.max))}"
    if answer.tolerance:
        return f"{answer.text}±{_decimal_text(_to_decimal(answer.tolerance))}"
    return answer.text


def _difficulty_of(question: GiftQuestion, module: str, where: dict) -> str:
    """The difficulty tag of ``question`` ("medium" if none); other tags cannot be kept."""
    difficulties = [tag.lower() for tag in question.tags if tag.lower() in DIFFICULTY_LABELS]
    others = [tag for tag in question.tags if tag.upper() != module and tag.lower() not in DIFFICULTY_LABELS]
    if others or len(difficulties) > 1:
        raise ExcelExportError(N_("Câu thứ %(index)s (%(name)s): bảng tính không giữ được các nhãn %(tags)s"),
                               tags=", ".join([*others, *difficulties[1:]]), **where)
    return difficulties[0] if difficulties else "medium"


def _cells_of(question: GiftQuestion, module: str, topic: str, difficulty: str) -> dict[str, CellValue]:
    cells: dict[str, CellValue] = {
        _NAME: _clean(question.name), _QTYPE: TYPE_LABELS[question.qtype], _MODULE: module,
        _DIFFICULTY: DIFFICULTY_LABELS[difficulty], _TOPIC: _clean(topic), _TEXT: _clean(question.text),
        _EXPLANATION: _clean(question.general_feedback),
    }
    if question.qtype == "matching":
        for number, match in enumerate(question.matches, start=1):
            cells[_answer_column(number)] = f"{_clean(match.left)} {_MATCH_ARROW} {_clean(match.right)}".strip()
    elif question.qtype == "true_false":
        right = next((answer for answer in question.answers if answer.fraction == 1.0), None)
        wrong = next((answer for answer in question.answers if answer is not right), None)
        if right is not None and wrong is not None:
            cells[_answer_column(1)] = _TRUE_LABEL if right.text == "true" else _FALSE_LABEL
            cells[_answer_column(2)] = _TRUE_LABEL if wrong.text == "true" else _FALSE_LABEL
            cells[_feedback_column(1)] = _clean(right.feedback)
            cells[_feedback_column(2)] = _clean(wrong.feedback)
    else:
        for number, answer in enumerate(question.answers, start=1):
            text = _numerical_text(answer) if question.qtype == "numerical" else answer.text
            cells[_answer_column(number)] = _clean(text)
            cells[_credit_column(number)] = _percent_number(answer.fraction)
            cells[_feedback_column(number)] = _clean(answer.feedback)
    return cells


def _as_read_back(question: GiftQuestion, module: str, difficulty: str) -> GiftQuestion:
    """``question`` as the sheet gives it back: clean text, Moodle grades, tags [module, difficulty]."""
    def fraction(value: float) -> float:
        grade = _grade(_to_decimal(value) * 100)
        return value if grade is None else grade

    def tolerance(answer: GiftAnswer) -> float | None:
        # No tolerance and a tolerance of 0 both mean "exactly this number".
        if question.qtype == "numerical" and answer.text != "*" and answer.tolerance is None:
            return 0.0
        return answer.tolerance

    return replace(
        question, name=_clean(question.name), text=_clean(question.text),
        general_feedback=_clean(question.general_feedback), category="", tags=[module, difficulty],
        answers=[replace(a, text=_clean(a.text), feedback=_clean(a.feedback), fraction=fraction(a.fraction),
                         tolerance=tolerance(a)) for a in question.answers],
        matches=[GiftMatch(_clean(m.left), _clean(m.right)) for m in question.matches])


def _header_style(cell: Cell) -> None:
    cell.font = Font(bold=True, color="FFFFFF")
    cell.fill = PatternFill("solid", fgColor="1F4E79")
    cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")


def _put(sheet: Worksheet, row: int, column: int, value: CellValue, number_format: str | None = None) -> Cell:
    """Write one value; text always stays text, never a formula."""
    cell = sheet.cell(row=row, column=column)
    cell.value = value
    if isinstance(value, str):
        # openpyxl stores a string starting with "=" as a formula: pin every text as a string.
        cell.data_type = "s"
        cell.number_format = "@"
        if value.startswith(_FORMULA_TRIGGERS):
            # Excel's own escape ('=1+1 typed in a cell): shown and edited as text, never run.
            cell.quotePrefix = True
    elif number_format is not None:
        cell.number_format = number_format
    return cell


def _validation(sheet: Worksheet, columns: Iterable[str], rule: DataValidation) -> None:
    """Apply ``rule`` to the data rows of ``columns``, as far down as a sheet may go."""
    for column in columns:
        letter = get_column_letter(COLUMNS.index(column) + 1)
        rule.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
    sheet.add_data_validation(rule)


def _list_rule(values: Iterable[str], title: str) -> DataValidation:
    return DataValidation(type="list", formula1='"' + ",".join(values) + '"', allow_blank=True,
                          showErrorMessage=True, errorTitle=title, error=f"Chọn {title.lower()} trong danh sách.")


def _question_sheet(sheet: Worksheet, rows: Sequence[Mapping[str, CellValue]]) -> None:
    sheet.title = QUESTION_SHEET
    wrap = Alignment(wrap_text=True, vertical="top")
    for index, column in enumerate(COLUMNS, start=1):
        _header_style(_put(sheet, 1, index, column))
        dimension = sheet.column_dimensions[get_column_letter(index)]
        dimension.width = _WIDTHS.get(column, 9 if column in _CREDIT_COLUMNS else 28)
        if column not in _CREDIT_COLUMNS:
            # A text column format makes Excel keep what authors type there ("=SUM(A1:A3)",
            # "0123", "1/2") as text instead of turning it into a formula, number or date.
            dimension.number_format = "@"
            dimension.alignment = wrap
    for row, cells in enumerate(rows, start=2):
        for index, column in enumerate(COLUMNS, start=1):
            value = cells.get(column)
            if value is not None and value != "":
                _put(sheet, row, index, value).alignment = wrap
    sheet.freeze_panes = "B2"  # the heading row and the "Mã câu" column stay in view
    sheet.row_dimensions[1].height = 32
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{max(len(rows), 1) + 1}"
    _validation(sheet, [_QTYPE], _list_rule(TYPE_LABELS.values(), "Loại câu hỏi"))
    _validation(sheet, [_MODULE], _list_rule(MODULES, "Mô-đun"))
    _validation(sheet, [_DIFFICULTY], _list_rule(DIFFICULTY_LABELS.values(), "Độ khó"))
    _validation(sheet, [_credit_column(number) for number in _SLOTS], DataValidation(
        type="decimal", operator="between", formula1="-100", formula2="100", allow_blank=True,
        showErrorMessage=True, errorTitle="Điểm", error="Điểm là phần trăm từ -100 đến 100, ví dụ 100, 50, -50."))


_COLUMN_GUIDE = (
    (_NAME, "Không", "Mã riêng của câu hỏi, không trùng với câu khác trong tệp (tối đa 255 ký tự).", "IU01-001"),
    (_QTYPE, "Có", f"Chọn trong danh sách: {', '.join(TYPE_LABELS.values())}. Cách ghi đáp án: bảng dưới.",
     "Một lựa chọn"),
    (_MODULE, "Có", "Mã mô-đun kỹ năng theo Thông tư 03/2014/TT-BTTTT, từ IU01 đến IU15.", "IU01"),
    (_DIFFICULTY, "Không", "Dễ, Trung bình hoặc Khó; để trống là Trung bình.", "Dễ"),
    (_TOPIC, "Không", "Chủ đề nhỏ trong mô-đun, dùng để lọc và chọn câu hỏi (tối đa 255 ký tự).", "Phần cứng"),
    (_TEXT, "Có", "Lời dẫn của câu hỏi, tối đa 20.000 ký tự. Xuống dòng trong ô bằng Alt+Enter.",
     "Thiết bị nào sau đây là thiết bị nhập?"),
    ("Đáp án 1 … Đáp án 8", "Tùy loại", "Mỗi ô một đáp án, ghi theo loại câu hỏi (bảng dưới). Ô trống được bỏ qua.",
     "Bàn phím"),
    ("Điểm 1 … Điểm 8", "Tùy loại", ("Phần trăm điểm của câu mà đáp án cùng số được hưởng, từ -100 đến 100; để "
     f"trống là 0. Chỉ dùng các mức của Moodle: {_ALLOWED_PERCENTS}, có thể thêm dấu trừ để trừ điểm "
     "(33.33333 có thể ghi 33.33). Dùng dấu chấm thập phân."), "100"),
    ("Phản hồi 1 … Phản hồi 8", "Không", "Nhận xét hiện cho người thi đã chọn (hoặc đã ghi) đáp án cùng số.",
     "Đúng: bàn phím dùng để nhập dữ liệu."),
    (_EXPLANATION, "Không", ("Giải thích chung, hiện cho người học sau khi trả lời. Với câu Tự luận: các ý chính "
     "cần có. Câu Mô tả không dùng cột này."), "Thiết bị nhập đưa dữ liệu vào máy tính."),
)

_TYPE_GUIDE = (
    ("single_choice", ("Ít nhất 2 đáp án; người thi chọn một. Đáp án đúng có Điểm 100; đáp án sai để trống "
     "Điểm, hoặc ghi điểm âm (ví dụ -50) để trừ điểm khi chọn sai.")),
    ("multiple_response", ("Ít nhất 2 đáp án; người thi chọn nhiều. Điểm các đáp án đúng cộng lại phải bằng 100 "
     "(ví dụ 50 và 50, hoặc ba lần 33.33333); đáp án sai để trống hoặc ghi điểm âm (ví dụ -50, -100).")),
    ("true_false", (f"Đáp án 1 ghi «{_TRUE_LABEL}» hoặc «{_FALSE_LABEL}»: đáp án đúng của câu. Đáp án 2 để trống "
     "hoặc ghi giá trị còn lại. Phản hồi 1 hiện khi người thi trả lời đúng, Phản hồi 2 khi trả lời sai. "
     "Không cần ghi Điểm.")),
    ("short_answer", ("Mỗi ô Đáp án là một câu trả lời được chấp nhận; ít nhất một câu có Điểm 100 (câu gần "
     "đúng có thể cho 50). Dấu * thay cho một dãy ký tự bất kỳ. Không dùng «->» trong đáp án. Không dùng điểm âm.")),
    ("numerical", ("Mỗi ô Đáp án là một số được chấp nhận: 1024 (đúng bằng), 1024±2 (từ 1022 đến 1026; gõ +- "
     "thay cho ± cũng được), 1..5 (từ 1 đến 5), hoặc * (mọi số khác, để ghi phản hồi). Dùng dấu chấm thập "
     "phân. Ít nhất một đáp án có Điểm 100; không dùng điểm âm.")),
    ("matching", ("Mỗi ô Đáp án là một cặp «vế trái -> vế phải»; cần ít nhất 2 cặp. Ô «-> vế phải» (không có "
     "vế trái) thêm một phương án nhiễu. Không dùng cột Điểm và Phản hồi.")),
    ("essay", "Không có Đáp án, Điểm, Phản hồi; người chấm chấm tay. Ghi các ý chính cần có ở cột Giải thích."),
    ("description", ("Chỉ có Nội dung câu hỏi (đoạn dẫn, tình huống đặt trước các câu hỏi), không tính điểm; "
     "không dùng các cột đáp án và Giải thích.")),
)

_NOTES = (
    "Dòng 1 là tên cột, giữ nguyên; mỗi dòng tiếp theo là một câu hỏi. Dòng trống được bỏ qua.",
    "Xóa các dòng ví dụ (mã VD-…) trước khi nhập, nếu không chúng được nhập như câu hỏi thật.",
    ("Tệp chỉ được nhập khi không có lỗi nào. Nếu có lỗi, hệ thống liệt kê mọi lỗi kèm số dòng và tên cột, "
     "và không nhập câu nào."),
    f"Tối đa {_thousands(MAX_ROWS)} câu hỏi mỗi tệp; mỗi ô tối đa {_thousands(MAX_TEXT_LENGTH)} ký tự.",
    ("Các cột nội dung được định dạng Văn bản (Text) để Excel giữ nguyên điều đã gõ. Công thức không được "
     "tính: ô có công thức (ví dụ =SUM(A1:A3)) được nhập đúng như chữ đã gõ. Nếu Excel tự đổi ô thành ngày "
     "tháng, hãy định dạng ô là Văn bản rồi gõ lại."),
    "Lưu tệp dạng .xlsx (Excel Workbook); tệp .xls, .csv không nhập được.",
)


def _guide_sheet(sheet: Worksheet) -> None:
    sheet.title = GUIDE_SHEET
    for letter, width in zip("ABCD", (24, 12, 90, 36), strict=True):
        sheet.column_dimensions[letter].width = width
    wrap = Alignment(wrap_text=True, vertical="top")
    row = 1
    for block, headings in ((_COLUMN_GUIDE, ("Cột", "Bắt buộc", "Cách ghi", "Ví dụ")),
                            ([(TYPE_LABELS[qtype], "", how, "") for qtype, how in _TYPE_GUIDE],
                             ("Loại câu hỏi", "", "Cách ghi đáp án", "")),
                            ([(str(n), "", note, "") for n, note in enumerate(_NOTES, start=1)],
                             ("Lưu ý chung", "", "", ""))):
        for column, heading in enumerate(headings, start=1):
            _header_style(_put(sheet, row, column, heading))
        for values in block:
            row += 1
            for column, value in enumerate(values, start=1):
                if value:
                    _put(sheet, row, column, value).alignment = wrap
        row += 2


def _workbook_bytes(workbook: Workbook) -> bytes:
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_questions_xlsx(rows: Sequence[tuple[GiftQuestion, str, str]]) -> bytes:
    """Write (question, module, topic) rows as a question sheet that ``parse_question_sheet`` reads back.

    Texts are written trimmed and in NFC and credits as Moodle grades; the module must be
    one of ``MODULES`` and the difficulty is the question's easy/medium/hard tag (medium if
    none).  The category is not written: the importer chooses it.  Every row is checked
    by reading it back, so ``ExcelExportError`` (a ``ValueError`` whose text is in the reader's
    language) is raised for what the sheet cannot hold unchanged: other tags, an idnumber, a
    text format other than "moodle" (for the question or any of its parts), more than 8 answers, a rule the importer would refuse, duplicate names or more than
    ``MAX_ROWS`` rows.  Text that looks like a formula is stored as text (see the module
    docstring).
    """
    if len(rows) > MAX_ROWS:
        raise ExcelExportError(N_("Một bảng tính nhận tối đa %(rows)s câu hỏi; hãy xuất thành nhiều tệp"),
                               rows=_thousands(MAX_ROWS))
    cell_rows: list[dict[str, CellValue]] = []
    first_of: dict[str, int] = {}
    for index, (question, module, topic) in enumerate(rows, start=1):
        where = {"index": index, "name": question.name or "—"}
        if module not in MODULES:
            raise ExcelExportError(N_("Câu thứ %(index)s (%(name)s): mô-đun %(module)s không thuộc IU01–IU15"),
                                   module=module, **where)
        if question.qtype not in TYPE_LABELS:
            raise ExcelExportError(N_("Câu thứ %(index)s (%(name)s): bảng tính không có loại câu hỏi này"), **where)
        if question.text_format != "moodle":
            raise ExcelExportError(N_("Câu thứ %(index)s (%(name)s): bảng tính không giữ được định dạng văn bản "
                                      "%(format)s"), format=question.text_format, **where)
        if _own_formats(question):
            raise ExcelExportError(N_("Câu thứ %(index)s (%(name)s): bảng tính không giữ được định dạng riêng "
                                      "(%(format)s) của đáp án hoặc phản hồi"),
                                   format=", ".join(sorted(_own_formats(question))), **where)
        if question.idnumber:
            raise ExcelExportError(N_("Câu thứ %(index)s (%(name)s): bảng tính không có cột cho mã idnumber "
                                      "%(idnumber)s"), idnumber=question.idnumber, **where)
        if max(len(question.answers), len(question.matches)) > MAX_ANSWERS:
            raise ExcelExportError(N_("Câu thứ %(index)s (%(name)s): bảng tính giữ tối đa %(most)s đáp án"),
                                   most=MAX_ANSWERS, **where)
        difficulty = _difficulty_of(question, module, where)
        cells = _cells_of(question, module, topic, difficulty)
        _, parsed, problems = _question_from_cells(index + 1, cells)
        if parsed is None:
            raise ExcelExportError(N_("Câu thứ %(index)s (%(name)s): %(problems)s"),
                                   problems="; ".join(str(Problem(0, p.column, p.template, p.params)) for p in problems),
                                   **where)
        expected = _as_read_back(question, module, difficulty)
        if parsed.question != expected:
            field = next(f.name for f in fields(expected)
                         if f.compare and getattr(expected, f.name) != getattr(parsed.question, f.name))
            raise ExcelExportError(N_("Câu thứ %(index)s (%(name)s): ghi ra bảng tính rồi đọc lại thì %(part)s "
                                      "không còn như cũ"), part=_translate(_PART_NAMES.get(field, field)), **where)
        if parsed.question.name:
            first = first_of.setdefault(parsed.question.name.casefold(), index)
            if first != index:
                raise ExcelExportError(N_("Câu thứ %(index)s (%(name)s): Mã câu trùng với câu thứ %(first)s"),
                                       first=first, **where)
        cell_rows.append(cells)
    workbook = Workbook()
    _question_sheet(workbook.active, cell_rows)
    _guide_sheet(workbook.create_sheet())
    return _workbook_bytes(workbook)


# What a part of a question is called, for an export that cannot keep it.
_PART_NAMES = {"name": N_("mã câu"), "text": N_("nội dung câu hỏi"), "answers": N_("các đáp án"),
               "matches": N_("các cặp ghép"), "general_feedback": N_("phần giải thích"), "tags": N_("các nhãn"),
               "qtype": N_("loại câu hỏi"), "text_format": N_("định dạng văn bản")}


def _own_formats(question: GiftQuestion) -> set[str]:
    """The formats parts of ``question`` have of their own (the sheet has no column for them)."""
    return {f for f in (question.general_feedback_format, *(a.text_format for a in question.answers),
                        *(a.feedback_format for a in question.answers), *(m.left_format for m in question.matches))
            if f and f != question.text_format}


def _examples() -> list[tuple[GiftQuestion, str, str]]:
    """One example question per type, for the template."""
    def q(name: str, qtype: str, module: str, difficulty: str, text: str, **parts: Any) -> GiftQuestion:
        return GiftQuestion(qtype=qtype, name=name, text=text, tags=[module, difficulty], **parts)

    return [
        (q("VD-01", "single_choice", "IU01", "easy", "Thiết bị nào sau đây là thiết bị nhập?", answers=[
            GiftAnswer("Bàn phím", 1.0, "Đúng: bàn phím dùng để đưa dữ liệu vào máy tính."),
            GiftAnswer("Màn hình", 0.0, "Màn hình là thiết bị xuất."),
            GiftAnswer("Máy in", 0.0, "Máy in là thiết bị xuất."),
            GiftAnswer("Loa", 0.0, "Loa là thiết bị xuất.")],
           general_feedback="Thiết bị nhập đưa dữ liệu vào máy tính; thiết bị xuất đưa kết quả ra."),
         "IU01", "Phần cứng"),
        (q("VD-02", "multiple_response", "IU06", "medium",
           "Những việc nào giúp bảo vệ tài khoản thư điện tử công vụ? (chọn tất cả đáp án đúng)", answers=[
               GiftAnswer("Đặt mật khẩu mạnh và không dùng lại ở nơi khác", 0.5),
               GiftAnswer("Bật xác thực hai yếu tố", 0.5),
               GiftAnswer("Gửi mật khẩu cho đồng nghiệp qua tin nhắn", -1.0, "Không bao giờ chia sẻ mật khẩu."),
               GiftAnswer("Bấm vào liên kết lạ để kiểm tra", -1.0, "Liên kết lạ có thể là thư lừa đảo.")]),
         "IU06", "An toàn thông tin"),
        (q("VD-03", "true_false", "IU01", "easy", "Dữ liệu trong RAM vẫn còn sau khi tắt máy.", answers=[
            GiftAnswer("true", 0.0, "Chưa đúng: RAM là bộ nhớ tạm thời, mất dữ liệu khi tắt máy."),
            GiftAnswer("false", 1.0, "Đúng: RAM mất dữ liệu khi tắt máy, cần lưu tài liệu vào ổ đĩa.")]),
         "IU01", "Bộ nhớ"),
        (q("VD-04", "short_answer", "IU03", "easy",
           "Trong Microsoft Word, tổ hợp phím nào dùng để lưu văn bản?", answers=[
               GiftAnswer("Ctrl+S", 1.0), GiftAnswer("Ctrl + S", 1.0),
               GiftAnswer("Shift+F12", 0.5, "Cũng lưu được, nhưng ít dùng.")]),
         "IU03", "Thao tác với tệp"),
        (q("VD-05", "numerical", "IU01", "medium", "1 KB bằng bao nhiêu byte?", answers=[
            GiftAnswer("1024", 1.0, "Đúng: 1 KB = 2^10 = 1024 byte.", tolerance=0.0),
            GiftAnswer("1000", 0.5, "Theo chuẩn SI, 1 kB = 1000 byte; trong tin học thường dùng 1 KB = 1024 byte.",
              tolerance=0.0)]),
         "IU01", "Đơn vị đo"),
        (q("VD-06", "matching", "IU01", "medium", "Ghép mỗi thiết bị với nhóm của nó.", matches=[
            GiftMatch("Bàn phím", "Thiết bị nhập"), GiftMatch("Màn hình", "Thiết bị xuất"),
            GiftMatch("Ổ cứng", "Thiết bị lưu trữ"), GiftMatch("", "Thiết bị mạng")]),
         "IU01", "Phần cứng"),
        (q("VD-07", "essay", "IU06", "hard",
           "Trình bày các bước gửi một thư điện tử công vụ có tệp đính kèm.",
           general_feedback="Ý chính: soạn thư mới, ghi địa chỉ người nhận và tiêu đề, đính kèm tệp, kiểm tra "
                            "lại rồi gửi."),
         "IU06", "Thư điện tử"),
        (q("VD-08", "description", "IU03", "medium",
           "Đọc tình huống sau rồi trả lời các câu hỏi tiếp theo: chị Lan cần soạn một công văn gửi các phòng."),
         "IU03", "Soạn thảo văn bản"),
    ]


def question_template() -> bytes:
    """The .xlsx template authors download: the question sheet with one example row per
    question type, drop-down lists and a "Hướng dẫn" sheet explaining every column."""
    return export_questions_xlsx(_examples())


# --------------------------------------------------------------------------- item analysis

_FLAG_LABELS = {
    Flag.TOO_EASY: "Quá dễ",
    Flag.TOO_HARD: "Quá khó",
    Flag.LOW_DISCRIMINATION: "Độ phân biệt thấp",
    Flag.NEGATIVE_DISCRIMINATION: "Độ phân biệt âm",
    Flag.DISTRACTOR_UNUSED: "Phương án nhiễu hầu như không ai chọn",
    Flag.DISTRACTOR_ATTRACTIVE: "Phương án nhiễu thu hút nhóm giỏi hơn nhóm yếu",
}
_COUNT, _PERCENT, _RATIO, _SCORE = "0", "0.0%", "0.000", "0.00"


def _label(text: str) -> str:
    # Labels are display only: drop control characters the file format cannot hold.
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def _table(sheet: Worksheet, title: str, headings: Sequence[tuple[str, int, str | None]],
           rows: Iterable[Sequence[CellValue]]) -> None:
    """A sheet with a frozen heading row; ``headings`` are (title, width, number format)."""
    sheet.title = title
    for column, (heading, width, _) in enumerate(headings, start=1):
        _header_style(_put(sheet, 1, column, heading))
        sheet.column_dimensions[get_column_letter(column)].width = width
    for row, values in enumerate(rows, start=2):
        for column, (value, (_, _, number_format)) in enumerate(zip(values, headings, strict=True), start=1):
            if value is not None and value != "":
                _put(sheet, row, column, value, number_format)
    sheet.freeze_panes = "B2"
    sheet.row_dimensions[1].height = 32


def _flags(flags: Iterable[Flag]) -> str:
    return "; ".join(_FLAG_LABELS[flag] for flag in flags)


def item_analysis_xlsx(analysis: ItemAnalysis, question_labels: Mapping[int, str],
                       option_labels: Mapping[int, str] | None = None) -> bytes:
    """The item analysis as a workbook: sheets "Câu hỏi", "Phương án" and "Tổng hợp".

    ``question_labels`` (and optionally ``option_labels``) map ids to what the examiner
    should read; unlabelled ids show as "Câu #12" / "Phương án #7".  Statistics are
    numbers with number formats (proportions as percents); one that could not be
    computed (None) leaves its cell empty.  Flags are listed in Vietnamese.
    """
    option_labels = option_labels or {}

    def question_label(question_id: int) -> str:
        return _label(question_labels.get(question_id, f"Câu #{question_id}"))

    workbook = Workbook()
    _table(workbook.active, "Câu hỏi", (
        ("Câu hỏi", 40, None), ("Số lượt làm", 11, _COUNT), ("Không trả lời", 11, _COUNT),
        ("Độ dễ (tỉ lệ điểm đạt được)", 14, _PERCENT), ("Độ lệch chuẩn", 11, _RATIO),
        ("Độ phân biệt (tương quan với phần còn lại)", 16, _RATIO), ("Độ dễ nhóm trên (27%)", 13, _PERCENT),
        ("Độ dễ nhóm dưới (27%)", 13, _PERCENT), ("Chỉ số D (trên − dưới)", 12, _RATIO), ("Cảnh báo", 50, None),
    ), ([question_label(stats.question_id), stats.attempts, stats.unanswered, stats.facility, stats.sd,
         stats.discrimination, stats.upper_facility, stats.lower_facility, stats.group_discrimination,
         _flags(stats.flags)] for stats in analysis.questions.values()))
    _table(workbook.create_sheet(), "Phương án", (
        ("Câu hỏi", 40, None), ("Phương án", 40, None), ("Đáp án đúng", 10, None), ("Số lượt chọn", 11, _COUNT),
        ("Tỉ lệ chọn", 11, _PERCENT), ("Tỉ lệ chọn nhóm trên", 13, _PERCENT),
        ("Tỉ lệ chọn nhóm dưới", 13, _PERCENT), ("Cảnh báo", 50, None),
    ), ([question_label(stats.question_id),
         _label(option_labels.get(option.option_id, f"Phương án #{option.option_id}")),
         "Có" if option.is_correct else "", option.count, option.proportion, option.upper_proportion,
         option.lower_proportion, _flags(option.flags)]
        for stats in analysis.questions.values() for option in stats.options))
    quiz = analysis.quiz
    summary = workbook.create_sheet()
    _table(summary, "Tổng hợp", (("Chỉ số", 34, None), ("Giá trị", 12, None), ("Ý nghĩa", 80, None)), ())
    for row, (label, value, number_format, meaning) in enumerate((
        ("Số lượt làm bài", quiz.attempts, _COUNT, ""),
        ("Số câu hỏi", quiz.questions, _COUNT, ""),
        ("Điểm trung bình", quiz.mean, _SCORE, "Trung bình tổng điểm các lượt làm bài."),
        ("Độ lệch chuẩn", quiz.sd, _SCORE, "Độ phân tán của tổng điểm."),
        ("Số lượt làm đủ mọi câu", quiz.complete_attempts, _COUNT, "Các lượt dùng để tính Cronbach's alpha."),
        ("Hệ số tin cậy Cronbach's alpha", quiz.alpha, _RATIO, "Mức nhất quán của các câu hỏi; từ 0,7 trở lên là tốt."),
        ("Sai số chuẩn đo lường (SEM)", quiz.sem, _SCORE,
         "Khoảng chênh lệch thường gặp giữa điểm đo được và điểm thật."),
    ), start=2):
        _put(summary, row, 1, label)
        if value is not None:
            _put(summary, row, 2, value, number_format)
        if meaning:
            _put(summary, row, 3, meaning)
    return _workbook_bytes(workbook)
