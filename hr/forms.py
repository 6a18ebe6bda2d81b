"""HR's forms (server-side validation; messages in the reader's language)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, MultipleFileField
from wtforms import DateField, IntegerField, RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from lms.forms import Form
from lms.text import nfc
from lms.timefmt import local_today

MODULE_CODES = [f"IU{n:02d}" for n in range(1, 16)]


def _not_in_future(form, field) -> None:
    if field.data and field.data > local_today():
        raise ValidationError(_l("Ngày không được ở tương lai."))


def _level_choices():
    return [("none", _l("Chỉ các mô-đun đã chọn")), ("basic", _l("Chuẩn cơ bản (IU01–IU06)")),
            ("advanced", _l("Chuẩn nâng cao"))]


class StaffForm(Form):
    """Create or change a staff record."""

    employee_code = StringField(_l("Mã cán bộ"), validators=[DataRequired(), Length(max=32)])
    full_name = StringField(_l("Họ và tên"), validators=[DataRequired(), Length(max=255)])
    date_of_birth = DateField(_l("Ngày sinh"), validators=[DataRequired(), _not_in_future])
    place_of_birth = StringField(_l("Nơi sinh"), validators=[Optional(), Length(max=255)])
    gender = SelectField(_l("Giới tính"), choices=[("", "—"), ("male", _l("Nam")), ("female", _l("Nữ"))],
                         validators=[Optional()])
    agency = SelectField(_l("Cơ quan, đơn vị"), coerce=int, validators=[DataRequired()])
    position = StringField(_l("Vị trí việc làm"), validators=[Optional(), Length(max=255)])
    rank_code = SelectField(_l("Ngạch"), validators=[Optional()])
    status = SelectField(_l("Tình trạng"), choices=[("working", _l("Đang công tác")), ("on_leave", _l("Tạm nghỉ")),
                                                   ("retired", _l("Đã nghỉ hưu")), ("transferred", _l("Đã chuyển công tác"))])
    effective = DateField(_l("Ngày thay đổi có hiệu lực"), validators=[Optional(), _not_in_future])
    note = StringField(_l("Căn cứ (số quyết định)"), validators=[Optional(), Length(max=255)])

    def validate_full_name(self, field) -> None:
        """A full name has at least a family name and a given name."""
        if len(nfc(field.data).split()) < 2:
            raise ValidationError(_l("Họ và tên gồm ít nhất họ và tên."))


class ExternalCertificateForm(Form):
    """Record a certificate from another centre and HR's check of it."""

    issuer = StringField(_l("Đơn vị cấp"), validators=[DataRequired(), Length(max=255)])
    serial = StringField(_l("Số hiệu"), validators=[DataRequired(), Length(max=64)])
    issued_on = DateField(_l("Ngày cấp"), validators=[DataRequired(), _not_in_future])
    level = SelectField(_l("Trình độ"), choices=_level_choices)
    modules = SelectMultipleField(_l("Mô-đun"), choices=[(m, m) for m in MODULE_CODES], validators=[Optional()])
    valid_until = DateField(_l("Có giá trị đến (nếu có)"), validators=[Optional()])
    status = SelectField(_l("Kết quả kiểm tra"), choices=[("pending", _l("Chưa kiểm tra")), ("verified", _l("Đã xác minh")),
                                                         ("rejected", _l("Không công nhận")), ("revoked", _l("Đã bị thu hồi"))])
    checked_by = StringField(_l("Người kiểm tra"), validators=[Optional(), Length(max=255)])
    check_method = StringField(_l("Cách kiểm tra"), validators=[Optional(), Length(max=255)])
    checked_on = DateField(_l("Ngày kiểm tra"), validators=[Optional(), _not_in_future])
    scan = FileField(_l("Bản quét (PDF, PNG, JPG; không bắt buộc)"),
                     validators=[FileAllowed(["pdf", "png", "jpg", "jpeg"], _l("Chỉ nhận PDF, PNG hoặc JPG."))])
    note = TextAreaField(_l("Ghi chú"), validators=[Optional(), Length(max=2000)])

    def validate_modules(self, field) -> None:
        """A certificate of named modules names at least one."""
        if self.level.data == "none" and not field.data:
            raise ValidationError(_l("Chọn ít nhất một mô-đun, hoặc chọn trình độ."))

    def validate_status(self, field) -> None:
        """A verified certificate says who checked it and how."""
        if field.data == "verified" and not (nfc(self.checked_by.data) and nfc(self.check_method.data)):
            raise ValidationError(_l("Ghi người kiểm tra và cách kiểm tra khi xác minh."))


class ExternalStatusForm(Form):
    """Change an external certificate's status after a (new) check."""

    status = SelectField(_l("Kết quả kiểm tra"), choices=[("pending", _l("Chưa kiểm tra")), ("verified", _l("Đã xác minh")),
                                                         ("rejected", _l("Không công nhận")), ("revoked", _l("Đã bị thu hồi"))])
    checked_by = StringField(_l("Người kiểm tra"), validators=[DataRequired(), Length(max=255)])
    check_method = StringField(_l("Cách kiểm tra"), validators=[DataRequired(), Length(max=255)])


class AssessmentForm(Form):
    """Record the employing agency's assessment (a dated decision by a named officer)."""

    level = SelectField(_l("Trình độ"), choices=_level_choices)
    modules = SelectMultipleField(_l("Mô-đun"), choices=[(m, m) for m in MODULE_CODES], validators=[Optional()])
    decision_number = StringField(_l("Số quyết định"), validators=[DataRequired(), Length(max=64)])
    decided_on = DateField(_l("Ngày quyết định"), validators=[DataRequired(), _not_in_future])
    officer_name = StringField(_l("Người ký"), validators=[DataRequired(), Length(max=255)])
    officer_title = StringField(_l("Chức vụ người ký"), validators=[DataRequired(), Length(max=255)])
    note = TextAreaField(_l("Ghi chú"), validators=[Optional(), Length(max=2000)])

    def validate_modules(self, field) -> None:
        """An assessment of named modules names at least one."""
        if self.level.data == "none" and not field.data:
            raise ValidationError(_l("Chọn ít nhất một mô-đun, hoặc chọn trình độ."))


class WithdrawForm(Form):
    """Withdraw an assessment, with the reason."""

    reason = StringField(_l("Lý do"), validators=[DataRequired(), Length(max=255)])


class ImportForm(Form):
    """Upload a staff list (CSV or Excel)."""

    document = FileField(_l("Tệp danh sách (CSV hoặc Excel .xlsx)"),
                         validators=[FileAllowed(["csv", "xlsx"], _l("Chỉ nhận tệp CSV hoặc Excel (.xlsx)."))])


class RoundForm(Form):
    """Create a review round."""

    title = StringField(_l("Tên đợt"), validators=[DataRequired(), Length(max=255)])
    kind = SelectField(_l("Loại đợt"), choices=[("promotion", _l("Nâng ngạch")), ("recruitment", _l("Xét tuyển"))])
    target_rank_code = SelectField(_l("Ngạch dự xét"), validators=[DataRequired()])
    round_date = DateField(_l("Ngày xét"), validators=[DataRequired()])
    agency = SelectField(_l("Đơn vị tổ chức"), coerce=int, validators=[DataRequired()])


class CandidatesForm(Form):
    """Add candidates by employee code, one per line, or from a file (first column)."""

    codes = TextAreaField(_l("Mã cán bộ (mỗi dòng một mã)"), validators=[Optional(), Length(max=50_000)])
    document = FileField(_l("Hoặc tệp danh sách (CSV hoặc Excel .xlsx; cột đầu là mã cán bộ)"),
                         validators=[FileAllowed(["csv", "xlsx"], _l("Chỉ nhận tệp CSV hoặc Excel (.xlsx)."))])


class ApplicantForm(Form):
    """An external applicant (no staff record) and the certificates of this product they submitted.

    The name, date and certificates are checked by ``hr.rounds.add_applicant`` (one place for the
    rules, the same Vietnamese messages whichever way an applicant comes in)."""

    full_name = StringField(_l("Họ và tên"), validators=[Length(max=255)])
    date_of_birth = DateField(_l("Ngày sinh"), validators=[Optional(), _not_in_future])
    applicant_number = StringField(_l("Số CCCD hoặc số hồ sơ dự tuyển (nếu có)"), validators=[Length(max=32)])
    certificate_codes = TextAreaField(_l("Mã tra cứu hoặc số hiệu chứng chỉ đã nộp (mỗi dòng một mã)"),
                                      validators=[Optional(), Length(max=2_000)])
    pdfs = MultipleFileField(_l("Tệp PDF chứng chỉ do hệ thống này cấp (tối đa 5 tệp, mỗi tệp ≤ 10 MB)"))


class DecisionForm(Form):
    """HR's decision on a "needs checking" row."""

    decision = SelectField(_l("Quyết định"), choices=[("meets", _l("Đạt")), ("not_met", _l("Không đạt"))])
    note = StringField(_l("Lý do"), validators=[DataRequired(), Length(max=500)])


class ApiKeyForm(Form):
    """Create an API key for an agency's HR system."""

    name = StringField(_l("Tên hệ thống dùng khóa"), validators=[DataRequired(), Length(max=255)])
    agency = SelectField(_l("Đơn vị (khóa đọc được đơn vị này và các đơn vị trực thuộc)"), coerce=int,
                         validators=[DataRequired()])


class MergeForm(Form):
    """Merge one unit into another from a date, under a decision."""

    source = SelectField(_l("Đơn vị được hợp nhất (sẽ ngừng hoạt động)"), coerce=int, validators=[DataRequired()])
    target = SelectField(_l("Hợp nhất vào đơn vị"), coerce=int, validators=[DataRequired()])
    effective = DateField(_l("Ngày có hiệu lực"), validators=[DataRequired()])
    decision = StringField(_l("Số quyết định"), validators=[DataRequired(), Length(max=64)])


class RequirementForm(Form):
    """Edit a requirement, or add a position's requirement (the name is used for a new one)."""

    name = StringField(_l("Tên vị trí việc làm"), validators=[Optional(), Length(max=255)])
    level = SelectField(_l("Yêu cầu"), choices=_level_choices)
    modules = SelectMultipleField(_l("Mô-đun bắt buộc thêm"), choices=[(m, m) for m in MODULE_CODES],
                                  validators=[Optional()])
    max_age_years = IntegerField(_l("Minh chứng không quá (năm)"), validators=[Optional(), NumberRange(1, 50)])

    def validate_modules(self, field) -> None:
        """A requirement of named modules names at least one."""
        if self.level.data == "none" and not field.data:
            raise ValidationError(_l("Chọn ít nhất một mô-đun, hoặc chọn trình độ."))


def _optional_id(value) -> int:
    """A chosen id, or 0 for none (and for anything that is not a number)."""
    try:
        return int(value) if value not in (None, "") else 0
    except (TypeError, ValueError):
        return 0


class AgencyCreateForm(Form):
    """Create a unit under a parent, from a date, under a decision."""

    parent = SelectField(_l("Trực thuộc đơn vị"), coerce=int, validators=[DataRequired()])
    code = StringField(_l("Mã định danh (QCVN 102:2016, ví dụ 000.01.05.H41)"),
                       validators=[DataRequired(), Length(max=16)])
    name = StringField(_l("Tên đơn vị"), validators=[DataRequired(), Length(max=255)])
    effective = DateField(_l("Ngày có hiệu lực"), validators=[DataRequired()])
    decision = StringField(_l("Số quyết định"), validators=[DataRequired(), Length(max=64)])


class AgencyChangeForm(Form):
    """Rename, move or dissolve one unit, from a date, under a decision."""

    kind = RadioField(_l("Thay đổi"), choices=[("rename", _l("Đổi tên")),
                                              ("move", _l("Chuyển sang trực thuộc đơn vị khác")),
                                              ("dissolve", _l("Giải thể"))], validators=[DataRequired()])
    name = StringField(_l("Tên mới (khi đổi tên)"), validators=[Length(max=255)])  # required for a rename
    # Any id: the service checks that the new parent exists and lies in the officer's scope.
    parent = SelectField(_l("Đơn vị cấp trên mới (khi chuyển)"), coerce=_optional_id, validate_choice=False)
    effective = DateField(_l("Ngày có hiệu lực"), validators=[DataRequired()])
    decision = StringField(_l("Số quyết định"), validators=[DataRequired(), Length(max=64)])

    def validate_name(self, field) -> None:
        """A rename names the new name."""
        if self.kind.data == "rename" and not nfc(field.data or "").strip():
            raise ValidationError(_l("Cần tên mới của đơn vị."))

    def validate_parent(self, field) -> None:
        """A move names the new parent."""
        if self.kind.data == "move" and not field.data:
            raise ValidationError(_l("Chọn đơn vị cấp trên mới."))
