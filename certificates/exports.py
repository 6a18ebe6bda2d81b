"""Excel files HR and centres ask for: the register (one row per certificate), bulk checks."""
from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from certificates.models import Certificate
from lms.timefmt import local

KIND_NAMES = {"course_completion": "Giấy chứng nhận hoàn thành khóa học", "it_basic": "Chứng chỉ ứng dụng CNTT cơ bản",
              "it_advanced": "Chứng chỉ ứng dụng CNTT nâng cao"}
STATUS_NAMES = {"valid": "Hợp lệ", "revoked": "Đã thu hồi", "superseded": "Đã được cấp lại",
                "expired": "Hết hiệu lực", "not_found": "Không tìm thấy"}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _safe(value):
    """Text that a spreadsheet would run as a formula is kept as text (no formula injection)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _workbook(title: str, headers: list[str], rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_safe(v) for v in row])
    sheet.freeze_panes = "A2"
    for index, header in enumerate(headers, start=1):
        width = max([len(str(header))] + [len(str(r[index - 1])) for r in rows[:200] if r[index - 1] is not None])
        sheet.column_dimensions[get_column_letter(index)].width = min(60, width + 2)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def register_xlsx(certificates: list[Certificate]) -> bytes:
    """The issuance register, one row per certificate."""
    headers = ["Số vào sổ", "Số hiệu", "Mã tra cứu", "Loại", "Họ và tên", "Ngày sinh", "Nơi sinh", "Đơn vị",
               "Mã cán bộ", "Nội dung", "Mô-đun", "Điểm lý thuyết", "Điểm thực hành", "Ngày thi", "Ngày cấp",
               "Đơn vị cấp", "Người ký", "Tình trạng", "Quyết định thu hồi", "Lý do"]
    rows = [[c.register_number, c.serial, c.code, KIND_NAMES[c.kind.value], c.holder_name, c.holder_date_of_birth,
             c.holder_place_of_birth, c.holder_agency, c.holder_employee_code, c.title, ", ".join(c.modules or []),
             float(c.score) if c.score is not None else None,
             float(c.practical_score) if c.practical_score is not None else None, c.exam_date,
             local(c.issued_at).date(), c.issuer_name, f"{c.signer_title} {c.signer_name}",
             STATUS_NAMES[c.status.value], c.revocation_decision, c.revocation_reason] for c in certificates]
    return _workbook("Sổ gốc", headers, rows)


def bulk_check_xlsx(rows) -> bytes:
    """A bulk check's results, one row per line checked."""
    headers = ["Dòng", "Mã/số hiệu đã nhập", "Tình trạng", "Họ và tên", "Năm sinh", "Nội dung", "Số hiệu",
               "Ngày cấp", "Đơn vị cấp"]
    data = []
    for row in rows:
        c = row.certificate
        data.append([row.line, row.query, STATUS_NAMES[row.status], c.holder_name if c else None,
                     c.holder_date_of_birth.year if c and c.holder_date_of_birth else None, c.title if c else None,
                     c.serial if c else None, local(c.issued_at).date() if c else None, c.issuer_name if c else None])
    return _workbook("Kết quả kiểm tra", headers, data)
