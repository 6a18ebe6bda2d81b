"""Forms for exam sessions. Every field is checked on the server."""
from __future__ import annotations

import re
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField
from lms.forms import Form
from wtforms import (BooleanField, DateField, DateTimeLocalField, DecimalField, IntegerField, SelectField, StringField,
                     TextAreaField)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from quizzes.exams import RuleSpec

_RULE_LINE = re.compile(r"^(IU(?:0[1-9]|1[0-5]))\s+(?:(easy|medium|hard)\s+)?(\d{1,3})$", re.IGNORECASE)
_MODULES = re.compile(r"^\s*IU(0[1-9]|1[0-5])(\s*,\s*IU(0[1-9]|1[0-5]))*\s*$", re.IGNORECASE)


class ExamSessionForm(Form):
    """Schedule a certification exam session."""

    title = StringField(_l("Tên kỳ thi"), validators=[DataRequired(), Length(max=255)])
    agency_id = SelectField(_l("Đơn vị tổ chức"), coerce=int)
    level = SelectField(_l("Cấp chứng chỉ"), choices=[("basic", _l("Cơ bản")), ("advanced", _l("Nâng cao")),
                                                      ("none", _l("Không cấp chứng chỉ"))])
    modules = StringField(_l("Mô-đun được đánh giá (cấp cơ bản: để trống là đủ IU01–IU06; cấp nâng cao: ví dụ IU07, IU09, IU14)"),
                          validators=[Optional(), Length(max=200)])
    opens_at = DateTimeLocalField(_l("Mở lúc"), format="%Y-%m-%dT%H:%M", validators=[DataRequired()])
    closes_at = DateTimeLocalField(_l("Đóng lúc"), format="%Y-%m-%dT%H:%M", validators=[DataRequired()])
    time_limit_minutes = IntegerField(_l("Thời gian làm bài lý thuyết (phút)"), default=30,
                                      validators=[InputRequired(), NumberRange(1, 600)])
    access_code = StringField(_l("Mã vào phòng thi (không bắt buộc)"), validators=[Optional(), Length(max=32)])
    reveal = SelectField(_l("Công bố đáp án cho thí sinh"), default="never",
                         choices=[("never", _l("Không bao giờ (khuyến nghị cho thi chứng chỉ)")),
                                  ("after_close", _l("Sau khi kỳ thi đóng")),
                                  ("after_approval", _l("Sau khi Hội đồng phê duyệt kết quả"))])
    has_practical = BooleanField(_l("Có phần thực hành"), default=True)
    theory_weight = DecimalField(_l("Trọng số lý thuyết"), default=Decimal("1"), places=2,
                                 validators=[InputRequired(), NumberRange(Decimal("0.01"), Decimal("10"))])
    practical_weight = DecimalField(_l("Trọng số thực hành"), default=Decimal("1"), places=2,
                                    validators=[InputRequired(), NumberRange(Decimal("0"), Decimal("10"))])
    theory_pass_mark = DecimalField(_l("Điểm đạt lý thuyết (thang 10)"), default=Decimal("5.00"), places=2,
                                    validators=[InputRequired(), NumberRange(Decimal("0"), Decimal("10"))])
    practical_pass_mark = DecimalField(_l("Điểm đạt thực hành (thang 10)"), default=Decimal("5.00"), places=2,
                                       validators=[InputRequired(), NumberRange(Decimal("0"), Decimal("10"))])

    pass_mark_reason = TextAreaField(_l("Lý do hạ điểm đạt dưới 5/10 (bắt buộc khi hạ)"),
                                     validators=[Optional(), Length(max=2000)])

    def validate_modules(self, field):
        if not field.data and self.level.data == "basic":
            return  # a basic session assesses all the basic modules
        if not _MODULES.match(field.data or ""):
            raise ValidationError(_l("Ghi các mã mô-đun IU01–IU15, cách nhau bằng dấu phẩy."))

    def validate_closes_at(self, field):
        if self.opens_at.data and field.data and field.data <= self.opens_at.data:
            raise ValidationError(_l("Giờ đóng phải sau giờ mở."))

    def module_list(self) -> list[str]:
        """The modules as codes, in order, without repeats."""
        return list(dict.fromkeys(code.strip().upper() for code in (self.modules.data or "").split(",") if code.strip()))


class BlueprintForm(Form):
    """One rule per line: module, optional difficulty, number of questions ("IU01 easy 3")."""

    rules = TextAreaField(_l("Ma trận đề"), validators=[DataRequired(), Length(max=5000)])

    def validate_rules(self, field):
        self.parsed = []
        for number, line in enumerate(field.data.splitlines(), start=1):
            if not line.strip():
                continue
            match = _RULE_LINE.match(line.strip())
            if not match:
                raise ValidationError(_l("Dòng %(n)s không đúng mẫu «IU01 5» hoặc «IU01 easy 3».", n=number))
            module, difficulty, count = match.groups()
            self.parsed.append(RuleSpec(module.upper(), int(count), difficulty.lower() if difficulty else None))
        if not self.parsed:
            raise ValidationError(_l("Cần ít nhất một dòng."))


class CandidatesForm(Form):
    """People to add: one username, e-mail or employee code per line (optionally followed by a
    comma and the name to check), or a CSV/Excel file of the same."""

    people = TextAreaField(_l("Danh sách thí sinh (mỗi dòng một tên đăng nhập, thư điện tử hoặc mã cán bộ; "
                              "có thể thêm dấu phẩy và họ tên để đối chiếu)"),
                           validators=[Optional(), Length(max=100_000)])
    document = FileField(_l("Hoặc tệp danh sách (.xlsx, .csv)"),
                         validators=[FileAllowed(["xlsx", "csv", "txt"], _l("Chỉ nhận tệp Excel (.xlsx) hoặc CSV."))])

    def validate_people(self, field):
        if not (field.data or "").strip() and not self.document.data:
            raise ValidationError(_l("Nhập danh sách hoặc chọn tệp."))


class ExtraTimeForm(Form):
    """Extra minutes for one candidate."""

    minutes = IntegerField(_l("Thêm thời gian (phút)"), validators=[InputRequired(), NumberRange(0, 240)])


class ScoreForm(Form):
    """A mark out of 10."""

    score = DecimalField(_l("Điểm (thang 10)"), places=2,
                         validators=[InputRequired(), NumberRange(Decimal("0"), Decimal("10"))])


class RemarkForm(Form):
    """A re-mark after approval."""

    part = SelectField(_l("Phần thi"), choices=[("theory", _l("Lý thuyết")), ("practical", _l("Thực hành"))])
    score = DecimalField(_l("Điểm sau phúc khảo (thang 10)"), places=2,
                         validators=[InputRequired(), NumberRange(Decimal("0"), Decimal("10"))])
    reason = TextAreaField(_l("Lý do, số quyết định"), validators=[DataRequired(), Length(max=2000)])


class StartExamForm(Form):
    """The candidate's access code (when the session has one)."""

    access_code = StringField(_l("Mã vào phòng thi"), validators=[Optional(), Length(max=32)])


class ApprovalForm(Form):
    """The board chair's approval: the decision's number and date."""

    decision_number = StringField(_l("Số quyết định phê duyệt"), validators=[DataRequired(), Length(max=64)])
    decision_date = DateField(_l("Ngày quyết định"), validators=[DataRequired()])


class BoardForm(Form):
    """The exam board's members, one per line."""

    members = TextAreaField(_l("Thành viên Hội đồng thi (mỗi dòng: Họ tên — nhiệm vụ)"),
                            validators=[DataRequired(), Length(max=3000)])
