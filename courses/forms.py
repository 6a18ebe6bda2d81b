"""Forms for authors and for assigning courses. Every field is checked on the server."""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from lms.forms import Form
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

_MODULES = re.compile(r"^\s*IU(0[1-9]|1[0-5])(\s*,\s*IU(0[1-9]|1[0-5]))*\s*$", re.IGNORECASE)


class CourseForm(Form):
    """A course's description."""

    title = StringField(_l("Tên khóa học"), validators=[DataRequired(), Length(max=255)])
    summary = TextAreaField(_l("Tóm tắt"), validators=[Length(max=1000)])
    description_md = TextAreaField(_l("Giới thiệu (Markdown)"), validators=[Length(max=50_000)])
    modules = StringField(_l("Mô-đun (ví dụ: IU03, IU07)"), validators=[DataRequired(), Length(max=200)])
    level = SelectField(_l("Trình độ"), choices=[("basic", _l("Cơ bản")), ("advanced", _l("Nâng cao"))])
    audience = SelectField(_l("Dành cho"), choices=[("civil_servant", _l("Cán bộ, công chức")),
                                                    ("citizen", _l("Người dân")), ("all", _l("Mọi người"))])

    def validate_modules(self, field):
        if not _MODULES.match(field.data or ""):
            raise ValidationError(_l("Ghi các mã mô-đun IU01–IU15, cách nhau bằng dấu phẩy."))

    def module_list(self) -> list[str]:
        """The modules as codes, in order, without repeats."""
        return list(dict.fromkeys(code.strip().upper() for code in self.modules.data.split(",")))


class TitleForm(Form):
    """A title for a new section or lesson."""

    title = StringField(_l("Tên"), validators=[DataRequired(), Length(max=255)])


class LessonForm(Form):
    """A lesson's text; saving makes a new version."""

    title = StringField(_l("Tên bài học"), validators=[DataRequired(), Length(max=255)])
    section_id = SelectField(_l("Thuộc phần"), coerce=int)
    body_md = TextAreaField(_l("Nội dung (Markdown)"), validators=[Length(max=200_000)])
    note = StringField(_l("Ghi chú thay đổi"), validators=[Length(max=255)])


class UploadForm(Form):
    """A file for a lesson."""

    kind = SelectField(_l("Loại tệp"), choices=[("image", _l("Ảnh (PNG, JPEG, GIF, WebP; tối đa 5 MB)")),
                                               ("attachment", _l("Tài liệu tải về (PDF, DOCX, XLSX, PPTX, ODT…; tối đa 20 MB)")),
                                               ("video", _l("Video (MP4, WebM; tối đa 200 MB)")),
                                               ("captions", _l("Phụ đề WebVTT (.vtt)"))])
    file = FileField(_l("Tệp"), validators=[FileRequired()])


class AssignForm(Form):
    """Assign a course to a person, an agency or a position within an agency."""

    target = SelectField(_l("Giao cho"), choices=[("user", _l("Một người (tên đăng nhập hoặc mã cán bộ)")),
                                                  ("agency", _l("Mọi người trong một cơ quan, đơn vị")),
                                                  ("position", _l("Một chức danh, vị trí việc làm trong một đơn vị"))])
    value = StringField(_l("Người hoặc chức danh"), validators=[Optional(), Length(max=255)],
                        description=_l("Tên đăng nhập hay mã cán bộ của một người, hoặc tên chức danh."))
    agency_id = SelectField(_l("Cơ quan, đơn vị"), coerce=int, validate_choice=True,
                            description=_l("Áp dụng cho cơ quan này và các đơn vị trực thuộc."))
    due_on = DateField(_l("Hạn hoàn thành"), validators=[Optional()])

    def validate_due_on(self, field) -> None:
        """A due date, when given, is today or later."""
        from lms.timefmt import local_today

        if field.data is not None and field.data < local_today():
            raise ValidationError(_l("Hạn hoàn thành không được ở trong quá khứ."))

    def validate_value(self, field) -> None:
        """A person or a position needs its name."""
        if self.target.data in ("user", "position") and not (field.data or "").strip():
            raise ValidationError(_l("Cần nhập tên đăng nhập, mã cán bộ hoặc chức danh."))
