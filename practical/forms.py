"""Upload and override forms of the practical pages."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, RadioField, TextAreaField
from wtforms.validators import DataRequired, Length

from lms.forms import Form


class OfficeUploadForm(Form):
    """One office file. Its format is checked by content (``lms.officefile``), not by this form,
    so that every refusal says why in the same words."""

    document = FileField(_l("Tệp của bạn"), validators=[FileRequired(_l("Hãy chọn một tệp."))])


class OverrideForm(Form):
    """An examiner's decision on one check, with the reason (kept and audited)."""

    check_id = HiddenField(validators=[DataRequired(), Length(max=80)])
    verdict = RadioField(_l("Kết luận của giám khảo"),
                         choices=[("pass", _l("Đạt")), ("fail", _l("Không đạt")), ("machine", _l("Theo máy chấm"))],
                         validators=[DataRequired()])
    reason = TextAreaField(_l("Lý do"), validators=[DataRequired(), Length(max=2000)])
