"""Forms for certificate work. Every field is checked on the server."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from lms.forms import Form
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional


class RevokeForm(Form):
    """Revoke or reissue: the decision number and the reason are required."""

    decision = StringField(_l("Số quyết định"), validators=[DataRequired(), Length(max=128)])
    reason = TextAreaField(_l("Lý do"), validators=[DataRequired(), Length(max=2000)])
    void_attainments = BooleanField(_l("Hủy cả kết quả các mô-đun (gian lận)"))


class BulkRevokeForm(RevokeForm):
    """Revoke many: one code or serial number per line."""

    identifiers = TextAreaField(_l("Mã tra cứu hoặc số hiệu (mỗi dòng một chứng chỉ)"),
                                validators=[DataRequired(), Length(max=200_000)])


class PdfUploadForm(Form):
    """A PDF someone was sent, to check."""

    document = FileField(_l("Tệp PDF giấy chứng nhận"), validators=[
        FileRequired(), FileAllowed(["pdf"], _l("Chỉ nhận tệp PDF."))])


class BulkCheckForm(Form):
    """Codes or serials pasted, or a CSV/Excel file with them in the first column."""

    identifiers = TextAreaField(_l("Mã tra cứu hoặc số hiệu (mỗi dòng một)"), validators=[Optional(),
                                                                                         Length(max=200_000)])
    document = FileField(_l("Hoặc tải lên tệp CSV/Excel (cột đầu tiên)"), validators=[
        Optional(), FileAllowed(["csv", "txt", "xlsx"], _l("Chỉ nhận tệp CSV, TXT hoặc XLSX."))])
