"""Administration forms: an account's details, a role grant, site settings."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from lms.forms import Form

NO_AGENCY = 0  # the select's value for "no agency" (an account) or "every agency" (a grant)


class AccountForm(Form):
    """An account's details (the username only when creating)."""

    username = StringField(_l("Tên đăng nhập"), validators=[Optional(), Length(max=64)])
    full_name = StringField(_l("Họ và tên"), validators=[DataRequired(), Length(max=255)])
    email = StringField(_l("Thư điện tử"), validators=[Optional(), Length(max=255)])
    agency_id = SelectField(_l("Cơ quan, đơn vị"), coerce=int, validate_choice=True)
    position = StringField(_l("Chức vụ"), validators=[Optional(), Length(max=255)])
    employee_code = StringField(_l("Mã cán bộ"), validators=[Optional(), Length(max=32)])


class GrantForm(Form):
    """A role over an agency's subtree (or every agency)."""

    role = SelectField(_l("Vai trò"), validate_choice=True)
    agency_id = SelectField(_l("Phạm vi"), coerce=int, validate_choice=True)


class ReasonForm(Form):
    """A POST button with an optional note (deactivating an account)."""

    reason = TextAreaField(_l("Lý do (không bắt buộc)"), validators=[Optional(), Length(max=1000)])
