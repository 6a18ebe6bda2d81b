"""Question bank views for authors: the bank list, one question with its versions (edit as GIFT,
retire), import from GIFT or Excel, export, the Excel template; and a quiz's item analysis for
authors and examiners."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from io import BytesIO

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import format_percent
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from lms.forms import Form
from flask_wtf.file import FileAllowed, FileField, FileRequired
from sqlalchemy import select
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from lms.auth import EmptyForm
from lms.extensions import db
from lms.models import Role
from lms.permissions import permitted, role_required
from lms.web import int_arg
from lms.services import audit, module_codes
from quizzes import bank, bp, services
from quizzes.analysis import Flag
from quizzes.excel import ExcelImportError, export_questions_xlsx, item_analysis_xlsx, parse_question_sheet, \
    question_template
from quizzes.gift import GiftError, parse_gift, write_gift
from quizzes.grading import right_hand_texts
from quizzes.models import ExamSession, Question, QuestionCategory, QuestionStatus, QuestionType, Quiz

PER_PAGE = 50
# Below the site-wide MAX_CONTENT_LENGTH: a question file of 5 MB already holds thousands of questions.
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def type_names() -> dict[str, str]:
    """Question type value -> its Vietnamese name (the names of the Excel template)."""
    return {"single_choice": _("Một lựa chọn"), "multiple_response": _("Nhiều lựa chọn"),
            "true_false": _("Đúng/Sai"), "short_answer": _("Trả lời ngắn"), "numerical": _("Số"),
            "matching": _("Ghép cặp"), "essay": _("Tự luận"), "description": _("Mô tả")}


def difficulty_names() -> dict[str, str]:
    """Difficulty value -> its name."""
    return {"easy": _("Dễ"), "medium": _("Trung bình"), "hard": _("Khó")}


def status_names() -> dict[str, str]:
    """Question status value -> its name."""
    return {"draft": _("Nháp"), "active": _("Đang dùng"), "retired": _("Đã ngừng dùng")}


def flag_names() -> dict[str, str]:
    """Item-analysis flag -> what it says about the question."""
    return {Flag.TOO_EASY: _("quá dễ"), Flag.TOO_HARD: _("quá khó"),
            Flag.LOW_DISCRIMINATION: _("phân biệt kém"), Flag.NEGATIVE_DISCRIMINATION: _("phân biệt âm"),
            Flag.DISTRACTOR_UNUSED: _("phương án nhiễu không ai chọn"),
            Flag.DISTRACTOR_ATTRACTIVE: _("phương án nhiễu thu hút thí sinh giỏi")}


@bp.app_template_filter("proportion")
def format_proportion(value: float | None) -> str:
    """A 0–1 proportion (or a credit) as a percentage in the reader's locale: 85,3% in Vietnamese."""
    if value is None:
        return ""
    return format_percent(value, format="#,##0.#%")


def _render(template: str, status: int = 200, **context: object) -> tuple[str, int]:
    """Render a bank page with the Vietnamese names of types, difficulties, statuses and flags."""
    return render_template(template, type_names=type_names(), difficulty_names=difficulty_names(),
                           status_names=status_names(), flag_names=flag_names(), **context), status


class ImportForm(Form):
    """A GIFT or Excel file of questions, with where to put them."""

    file = FileField(_l("Tệp câu hỏi: GIFT (.gift, .txt) hoặc Excel (.xlsx), tối đa 5 MB"), validators=[
        FileRequired(_l("Hãy chọn một tệp.")),
        FileAllowed(["gift", "txt", "xlsx"], _l("Chỉ nhận tệp GIFT (.gift, .txt) hoặc Excel (.xlsx). Tệp Excel "
                                                "cũ (.xls) hãy mở bằng Excel rồi lưu lại dạng .xlsx."))],
        render_kw={"accept": ".gift,.txt,.xlsx"})
    category = StringField(_l("Danh mục (ngân hàng), ví dụ «Ngân hàng 2026/IU01»; để trống thì xếp theo mô-đun"),
                           validators=[Optional(), Length(max=255)])
    module = SelectField(_l("Mô-đun cho câu hỏi GIFT không ghi mô-đun"), validators=[Optional()])
    file_categories = BooleanField(_l("Giữ danh mục ghi trong tệp GIFT ($CATEGORY) nếu có"), default=True)


class QuestionEditForm(Form):
    """One question written in GIFT."""

    gift = TextAreaField(_l("Câu hỏi viết theo định dạng GIFT"), validators=[DataRequired(), Length(max=50_000)],
                         render_kw={"rows": 14, "spellcheck": "false"})

    def validate_gift(self, field: TextAreaField) -> None:
        """Parse the text; it must hold exactly one question."""
        try:
            questions = parse_gift(field.data)
        except GiftError as error:
            raise ValidationError(_("Dòng %(line)s: %(message)s", line=error.line, message=error.message)) from error
        if len(questions) != 1:
            raise ValidationError(_("Ô này phải chứa đúng một câu hỏi (đang có %(n)s).", n=len(questions)))
        self.parsed = questions[0]


def _question(question_id: int) -> Question:
    """The question version with this id, or 404."""
    return db.session.get(Question, question_id) or abort(404)


def _category_arg() -> QuestionCategory | None:
    """The category named by ``?category=<id>``; 400 for one that does not exist."""
    value = request.args.get("category", "")
    if not value:
        return None
    category = db.session.get(QuestionCategory, int(value)) if value.isdigit() and len(value) <= 9 else None
    return category or abort(400)


def _choice_arg(name: str, allowed: Sequence[str]) -> str | None:
    """The value of query argument ``name`` (None when empty); 400 for one not ``allowed``."""
    value = request.args.get(name) or None
    if value is not None and value not in allowed:
        abort(400)
    return value


@bp.route("/bank")
@role_required(Role.AUTHOR)
def bank_list():
    """Current questions, filtered and searched, 50 a page, with the flags item analysis raised."""
    qtype = _choice_arg("type", [t.value for t in QuestionType])
    status = _choice_arg("status", [s.value for s in QuestionStatus])
    filters = bank.BankFilter(
        category=_category_arg(), module=_choice_arg("module", module_codes()),
        qtype=QuestionType(qtype) if qtype else None, status=QuestionStatus(status) if status else None,
        difficulty=_choice_arg("difficulty", bank.DIFFICULTIES), text=(request.args.get("q") or "").strip()[:100])
    result = bank.search_questions(filters, page=int_arg("page", 1, maximum=100_000) or 1, per_page=PER_PAGE)
    args = {key: value for key, value in request.args.items() if value and key != "page"}
    return _render("quizzes/bank/list.html", result=result, flags=bank.flags_of(result.questions), args=args,
                   categories=bank.categories(), modules=module_codes(), difficulties=bank.DIFFICULTIES,
                   quizzes=bank.analysed_quizzes(limit=20))


@bp.route("/bank/questions/<int:question_id>", methods=["GET", "POST"])
@role_required(Role.AUTHOR)
def bank_question(question_id: int):
    """The question as candidates see it, its answers, versions and flags; POST saves an edit."""
    question = _question(question_id)
    form = QuestionEditForm()
    if request.method == "POST":
        if not question.is_current:
            flash(_("Phiên bản này đã có phiên bản mới hơn; hãy sửa phiên bản hiện hành."), "error")
            return redirect(url_for("quizzes.bank_question", question_id=bank.current_version(question).id))
        if form.validate_on_submit():
            result, outcome = bank.edit_question(question, form.parsed, current_user)
            if outcome is bank.EditOutcome.UNCHANGED:
                flash(_("Không có thay đổi nào để lưu."), "info")
            else:
                audit("question.edit", f"question:{result.id}",
                      {"outcome": outcome.value, "previous": question.id, "version": result.version})
                flash(_("Đã lưu phiên bản %(v)s. Các bài làm cũ vẫn giữ phiên bản %(old)s mà thí sinh đã thấy.",
                        v=result.version, old=question.version) if outcome is bank.EditOutcome.NEW_VERSION
                      else _("Đã sửa câu hỏi. Câu này chưa có ai làm nên được sửa trực tiếp."), "success")
            return redirect(url_for("quizzes.bank_question", question_id=result.id))
    elif question.is_current:
        form.gift.data = write_gift([replace(bank.gift_from_question(question), category="")])
    versions = bank.history(question)
    return _render("quizzes/bank/question.html", question=question, form=form, status_form=EmptyForm(),
                   current=bank.current_version(question), versions=versions, authors=bank.authors_of(versions),
                   used=bank.attempt_count(question), flags=bank.flags_of([question]).get(question.id, []),
                   right_hand_texts=right_hand_texts)


def _set_status(question_id: int, status: QuestionStatus, action: str, message: str):
    question = _question(question_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if not question.is_current:
        flash(_("Phiên bản này đã có phiên bản mới hơn; hãy thao tác trên phiên bản hiện hành."), "error")
        return redirect(url_for("quizzes.bank_question", question_id=bank.current_version(question).id))
    bank.set_status(question, status)
    audit(action, f"question:{question.id}")
    flash(message, "success")
    return redirect(url_for("quizzes.bank_question", question_id=question.id))


@bp.route("/bank/questions/<int:question_id>/retire", methods=["POST"])
@role_required(Role.AUTHOR)
def bank_retire(question_id: int):
    """Stop drawing the question into quizzes and exams; attempts that showed it keep it."""
    return _set_status(question_id, QuestionStatus.RETIRED, "question.retire",
                       _("Đã ngừng dùng câu hỏi: đề thi mới sẽ không rút câu này nữa."))


@bp.route("/bank/questions/<int:question_id>/activate", methods=["POST"])
@role_required(Role.AUTHOR)
def bank_activate(question_id: int):
    """Let the question be drawn again."""
    return _set_status(question_id, QuestionStatus.ACTIVE, "question.activate",
                       _("Đã dùng lại câu hỏi: đề thi mới có thể rút câu này."))


def _import(form: ImportForm, excel: bool) -> tuple[bank.ImportReport | None, list[tuple[int, str, str]], int]:
    """Import the uploaded file: (report, [], 200), or (None, problems as (line or row, column, message), status)."""
    # Read one byte past the limit: enough to know the file is too large without reading all of it.
    data = form.file.data.stream.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        return None, [(0, "", _("Tệp lớn hơn 5 MB; hãy chia thành nhiều tệp."))], 413
    category = (form.category.data or "").strip() or None
    try:
        if excel:
            report = bank.import_parsed(parse_question_sheet(data), default_category=category, author=current_user)
        else:
            report = bank.import_gift(data.decode("utf-8-sig"), default_category=category,
                                      default_module=form.module.data or None, author=current_user,
                                      file_categories=form.file_categories.data)
    except UnicodeDecodeError as error:
        return None, [(0, "", _("Tệp GIFT phải là văn bản UTF-8 (byte thứ %(n)s không đọc được). Hãy lưu lại tệp "
                                "với bảng mã UTF-8.", n=error.start + 1))], 400
    except GiftError as error:
        return None, [(error.line, "", error.message)], 400
    except bank.ImportError_ as error:
        return None, [(line, "", message) for line, message in error.errors], 400
    except ExcelImportError as error:
        return None, [(problem.row, problem.column, problem.message) for problem in error.problems], 400
    if not report.total:
        return None, [(0, "", _("Tệp không có câu hỏi nào."))], 400
    return report, [], 200


@bp.route("/bank/import", methods=["GET", "POST"])
@role_required(Role.AUTHOR)
def bank_import():
    """Import a GIFT or Excel file, all or nothing: every problem is listed, or counts per type."""
    form = ImportForm()
    form.module.choices = [("", _("— Không chọn —"))] + [(code, code) for code in module_codes()]
    if request.method == "GET":
        return _render("quizzes/bank/import.html", form=form, report=None, problems=[])
    if not form.validate_on_submit():
        return _render("quizzes/bank/import.html", 400, form=form, report=None, problems=[])
    excel = form.file.data.filename.lower().endswith(".xlsx")
    report, problems, status = _import(form, excel)
    if report is None:
        db.session.rollback()
        return _render("quizzes/bank/import.html", status, form=form, report=None, problems=problems, gift=not excel)
    audit("question.import", f"file:{form.file.data.filename}",
          {"total": report.total, "counts": dict(report.counts), "questions": [q.id for q in report.questions]})
    categories = sorted({q.category for q in report.questions if q.category}, key=lambda c: c.path)
    return _render("quizzes/bank/import.html", form=form, report=report, problems=[], categories=categories)


@bp.route("/bank/export")
@role_required(Role.AUTHOR)
def bank_export():
    """Download the current questions (of one category and its subcategories) as GIFT or Excel."""
    category = _category_arg()
    questions = bank.current_questions(category.path if category else None)
    kind = request.args.get("format", "gift")
    if kind == "gift":
        return send_file(BytesIO(bank.export_gift(questions).encode("utf-8")), mimetype="text/plain; charset=utf-8",
                         as_attachment=True, download_name="ngan-hang-cau-hoi.gift")
    if kind != "xlsx":
        abort(400)
    try:
        data = export_questions_xlsx([(bank.gift_from_question(q), q.module_code, q.topic) for q in questions])
    except ValueError as error:
        flash(_("Không xuất được Excel: %(why)s. Tệp GIFT giữ được mọi câu hỏi; hãy xuất dạng GIFT.",
                why=str(error)), "error")
        return redirect(url_for("quizzes.bank_list", category=category.id if category else None))
    return send_file(BytesIO(data), mimetype=XLSX_MIMETYPE, as_attachment=True,
                     download_name="ngan-hang-cau-hoi.xlsx")


@bp.route("/bank/template.xlsx")
@role_required(Role.AUTHOR)
def bank_template():
    """The Excel template: one example question per type and a sheet explaining every column."""
    return send_file(BytesIO(question_template()), mimetype=XLSX_MIMETYPE, as_attachment=True,
                     download_name="mau-cau-hoi.xlsx")


def _may_analyse(quiz: Quiz) -> bool:
    """Authors see every quiz's analysis (the bank is shared); examiners only exams within their agencies."""
    if current_user.has_role(Role.AUTHOR, Role.ADMIN):
        return True
    session = db.session.scalar(select(ExamSession).where(ExamSession.quiz_id == quiz.id))
    return session is None or permitted(session, "view")


def _option_labels(questions: dict[int, Question]) -> dict[int, str]:
    return {option.id: (_("Đúng") if option.text == "true" else _("Sai"))
            if question.qtype is QuestionType.TRUE_FALSE else option.text
            for question in questions.values() for option in question.options}


@bp.route("/quizzes/<int:quiz_id>/analysis")
@role_required(Role.AUTHOR, Role.EXAMINER)
def quiz_analysis(quiz_id: int):
    """Item analysis of the quiz's finished attempts; ``?format=xlsx`` downloads it as a workbook."""
    quiz = services.get_quiz(quiz_id)
    if quiz is None or not _may_analyse(quiz):
        abort(404)
    result = bank.analyse_quiz(quiz)
    options = _option_labels(result.questions)
    if request.args.get("format") == "xlsx":
        return send_file(BytesIO(item_analysis_xlsx(result.analysis, result.labels, options)),
                         mimetype=XLSX_MIMETYPE, as_attachment=True, download_name=f"phan-tich-cau-hoi-{quiz.id}.xlsx")
    rows = sorted(result.analysis.questions.values(),
                  key=lambda stats: (result.questions[stats.question_id].module_code, stats.question_id))
    return _render("quizzes/bank/analysis.html", quiz=quiz, stats=result.analysis.quiz, rows=rows,
                   labels=result.labels, questions=result.questions, options=options,
                   can_edit=current_user.has_role(Role.AUTHOR, Role.ADMIN))
