"""Excel files HR and centres ask for: the register (one row per certificate), bulk checks.

Dates are real date cells shown as dd/mm/yyyy and scores are number cells with two decimals,
so that a spreadsheet sorts and sums them, and shows the decimal mark of the reader's own
settings (6,00 in a Vietnamese Excel, 6.00 in an English one) for every score alike. Headings
and words are in the reader's language.
"""
from __future__ import annotations

import io
from datetime import date

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from certificates.models import Certificate
from lms.timefmt import local

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMAT = "dd/mm/yyyy"
SCORE_FORMAT = "0.00"


def kind_names() -> dict[str, str]:
    """Certificate kind -> its name."""
    return {"course_completion": _("Giấy chứng nhận hoàn thành khóa học"),
            "it_basic": _("Chứng chỉ ứng dụng CNTT cơ bản"), "it_advanced": _("Chứng chỉ ứng dụng CNTT nâng cao")}


def status_names() -> dict[str, str]:
    """A certificate's status, or a bulk check line's, in words."""
    return {"valid": _("Hợp lệ"), "revoked": _("Đã thu hồi"), "superseded": _("Đã được cấp lại"),
            "expired": _("Hết hiệu lực"), "not_found": _("Không tìm thấy"),
            "checksum": _("Mã có ký tự gõ nhầm"), "header": _("Dòng tiêu đề, bỏ qua")}


class Score(float):
    """A score out of 10: written as a number cell with two decimals."""


def _safe(value):
    """Text that a spreadsheet would run as a formula is kept as text (no formula injection)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _shown_width(value) -> int:
    if isinstance(value, date):
        return 10
    return len(str(value))


def _workbook(title: str, headers: list[str], rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_safe(v) for v in row])
        for cell, value in zip(sheet[sheet.max_row], row, strict=True):
            if isinstance(value, date):
                cell.number_format = DATE_FORMAT
            elif isinstance(value, Score):
                cell.number_format = SCORE_FORMAT
    sheet.freeze_panes = "A2"
    for index, header in enumerate(headers, start=1):
        width = max([len(str(header))] + [_shown_width(r[index - 1]) for r in rows[:200] if r[index - 1] is not None])
        sheet.column_dimensions[get_column_letter(index)].width = min(60, width + 2)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _score(value) -> Score | None:
    return Score(value) if value is not None else None


def register_xlsx(certificates: list[Certificate]) -> bytes:
    """The issuance register, one row per certificate."""
    kinds, statuses = kind_names(), status_names()
    headers = [_("Số vào sổ"), _("Số hiệu"), _("Mã tra cứu"), _("Loại"), _("Họ và tên"), _("Ngày sinh"),
               _("Nơi sinh"), _("Đơn vị"), _("Mã cán bộ"), _("Nội dung"), _("Mô-đun"), _("Điểm lý thuyết"),
               _("Điểm thực hành"), _("Ngày thi"), _("Ngày cấp"), _("Đơn vị cấp"), _("Người ký"), _("Tình trạng"),
               _("Quyết định thu hồi"), _("Lý do")]
    rows = [[c.register_number, c.serial, c.code, kinds[c.kind.value], c.holder_name, c.holder_date_of_birth,
             c.holder_place_of_birth, c.holder_agency, c.holder_employee_code, c.title, ", ".join(c.modules or []),
             _score(c.score), _score(c.practical_score), c.exam_date, local(c.issued_at).date(), c.issuer_name,
             f"{c.signer_title} {c.signer_name}", statuses[c.status.value], c.revocation_decision,
             c.revocation_reason] for c in certificates]
    return _workbook(_("Sổ gốc"), headers, rows)


def bulk_check_xlsx(rows) -> bytes:
    """A bulk check's results, one row per line checked."""
    statuses = status_names()
    headers = [_("Dòng"), _("Mã/số hiệu đã nhập"), _("Tình trạng"), _("Họ và tên"), _("Năm sinh"), _("Nội dung"),
               _("Số hiệu"), _("Ngày cấp"), _("Đơn vị cấp")]
    data = []
    for row in rows:
        c = row.certificate
        data.append([row.line, row.query, statuses[row.status], c.holder_name if c else None,
                     c.holder_date_of_birth.year if c and c.holder_date_of_birth else None, c.title if c else None,
                     c.serial if c else None, local(c.issued_at).date() if c else None, c.issuer_name if c else None])
    return _workbook(_("Kết quả kiểm tra"), headers, data)
