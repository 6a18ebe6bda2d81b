"""Administration pages: the home page and the accounts (thin views over ``admin.services``)."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from admin import bp
from admin import services as admin_services
from admin.forms import NO_AGENCY, AccountForm, GrantForm, ReasonForm
from admin.services import GRANTABLE_ROLES, AccountFilter, AdminError
from lms.accounts import current_account, live_sessions
from lms.extensions import db
from lms.forms import EmptyForm
from lms.models import Agency, Role, RoleGrant, User
from lms.permissions import agencies_in_scope, load, role_required, scoped
from lms.web import int_arg, never_cached

PAGE_SIZE = 50


def error_message(error: AdminError) -> str:
    """The reader's-language explanation of a refused operation."""
    messages = {
        "agency-out-of-scope": _("Bạn không quản trị cơ quan, đơn vị này."),
        "account-outranks": _("Tài khoản này có quyền quản trị rộng hơn phạm vi của bạn."),
        "username-invalid": _("Tên đăng nhập gồm 2–64 chữ cái không dấu, chữ số, dấu chấm, gạch nối "
                              "hoặc gạch dưới, bắt đầu bằng chữ hoặc số."),
        "username-taken": _("Tên đăng nhập này đã có người dùng."),
        "email-invalid": _("Địa chỉ thư điện tử không hợp lệ."),
        "email-taken": _("Địa chỉ thư điện tử này đã thuộc tài khoản khác."),
        "name-required": _("Cần nhập họ và tên."),
        "name-too-long": _("Họ và tên quá dài."),
        "employee-code-too-long": _("Mã cán bộ quá dài."),
        "employee-code-taken": _("Mã cán bộ này đã thuộc tài khoản khác."),
        "role-invalid": _("Vai trò không hợp lệ."),
        "grant-exists": _("Tài khoản đã có vai trò này với phạm vi này."),
        "grant-missing": _("Không tìm thấy quyền này."),
        "own-last-admin": _("Bạn không thể tự bỏ quyền quản trị cuối cùng của mình."),
        "own-account": _("Bạn không thể tự khóa tài khoản của mình."),
        "already-inactive": _("Tài khoản đã bị khóa."),
        "already-active": _("Tài khoản đang hoạt động."),
        "no-email": _("Tài khoản chưa có địa chỉ thư điện tử."),
    }
    return messages.get(error.code, _("Không thực hiện được thao tác."))


def role_names() -> dict[Role, str]:
    """Each role's name in the reader's language."""
    return {Role.LEARNER: _("Học viên"), Role.AUTHOR: _("Biên soạn"), Role.EXAMINER: _("Khảo thí"),
            Role.BOARD_CHAIR: _("Chủ tịch hội đồng thi"), Role.HR: _("Tổ chức cán bộ"), Role.ADMIN: _("Quản trị")}


def _agency_choices(actor: User, none_label: str) -> list[tuple[int, str]]:
    """The agencies ``actor`` administers, as select choices ("none" only for everything)."""
    choices = [(agency.id, f"{agency.code} · {agency.name}") for agency in agencies_in_scope(actor, Role.ADMIN)]
    if admin_services.admin_scope(actor).everything:
        choices.insert(0, (NO_AGENCY, none_label))
    return choices


def _agency(agency_id: int | None) -> Agency | None:
    return db.session.get(Agency, agency_id) if agency_id else None


def _account(user_id: int) -> User:
    """An account the signed-in administrator manages, or 404."""
    return load(User, "manage", User.id == user_id)


@bp.route("/")
@role_required(Role.ADMIN)
def home():
    """The administrator's starting point: counts and the way to each tool."""
    actor = current_account()
    managed = scoped(User, "manage", select(func.count(User.id)), actor=actor)
    counts = {"accounts": db.session.scalar(managed),
              "inactive": db.session.scalar(managed.where(User.active.is_(False))),
              "must_change": db.session.scalar(managed.where(User.must_change_password.is_(True)))}
    return render_template("admin/home.html", counts=counts, scope=admin_services.admin_scope(actor),
                           agencies=agencies_in_scope(actor, Role.ADMIN))


@bp.route("/accounts")
@role_required(Role.ADMIN)
def accounts():
    """Accounts the administrator manages: search (without diacritics) and filters."""
    actor = current_account()
    page = int_arg("page", 1, maximum=100_000)
    text = (request.args.get("q") or "").strip()[:100]
    role_value = request.args.get("role", "")
    role = Role(role_value) if role_value in {r.value for r in GRANTABLE_ROLES} else None
    agency_id = int_arg("agency", None, maximum=2**31 - 1)
    active_value = request.args.get("active", "")
    active = {"1": True, "0": False}.get(active_value)
    query = admin_services.accounts_query(actor, AccountFilter(text, role, agency_id, active))
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = list(db.session.scalars(query.offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)))
    args = {key: value for key, value in (("q", text), ("role", role.value if role else ""),
                                           ("agency", agency_id or ""), ("active", active_value if active is not None else ""))
            if value}
    return render_template("admin/accounts.html", people=rows[:PAGE_SIZE], has_more=len(rows) > PAGE_SIZE,
                           page=page, total=total, args=args, roles=GRANTABLE_ROLES, role_names=role_names(),
                           agencies=agencies_in_scope(actor, Role.ADMIN))


@bp.route("/accounts/new", methods=["GET", "POST"])
@role_required(Role.ADMIN)
@never_cached
def account_new():
    """Create one account; its temporary password is shown once, to hand to the person."""
    actor = current_account()
    form = AccountForm()
    form.agency_id.choices = _agency_choices(actor, _("— Không thuộc cơ quan nào —"))
    if form.validate_on_submit():
        try:
            user, password = admin_services.create_account(
                actor, username=form.username.data or "", full_name=form.full_name.data, email=form.email.data,
                agency=_agency(form.agency_id.data), position=form.position.data,
                employee_code=form.employee_code.data)
        except AdminError as error:
            flash(error_message(error), "error")
        else:
            return render_template("admin/temporary_password.html", person=user, password=password, created=True)
    return render_template("admin/account_new.html", form=form)


@bp.route("/accounts/<int:user_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def account(user_id: int):
    """One account: details (editable), roles and scopes, sessions, and the actions on it."""
    actor = current_account()
    person = _account(user_id)
    form = AccountForm(obj=person if request.method == "GET" else None)
    form.agency_id.choices = _agency_choices(actor, _("— Không thuộc cơ quan nào —"))
    if request.method == "GET":
        form.agency_id.data = person.agency_id or NO_AGENCY
    if form.validate_on_submit():
        try:
            changes = admin_services.update_account(
                actor, person, full_name=form.full_name.data, email=form.email.data,
                agency=_agency(form.agency_id.data), position=form.position.data,
                employee_code=form.employee_code.data)
        except AdminError as error:
            flash(error_message(error), "error")
        else:
            flash(_("Đã lưu thông tin tài khoản.") if changes else _("Không có gì thay đổi."), "success")
            return redirect(url_for("admin.account", user_id=person.id))
    grant_form = GrantForm(prefix="grant")
    grant_form.role.choices = [(role.value, role_names()[role]) for role in GRANTABLE_ROLES]
    grant_form.agency_id.choices = _agency_choices(actor, _("Mọi cơ quan"))
    scope = admin_services.admin_scope(actor)
    return render_template("admin/account.html", person=person, form=form, grant_form=grant_form,
                           button=EmptyForm(), reason_form=ReasonForm(), role_names=role_names(),
                           removable={grant.id for grant in person.grants if scope.covers(grant.agency)},
                           sessions=live_sessions(person), is_self=person.id == actor.id)


def _act(user_id: int, operation, success: str):
    """Run ``operation(actor, person)`` for a POST button and go back to the account's page."""
    actor = current_account()
    person = _account(user_id)
    form = ReasonForm()
    if form.validate_on_submit():
        try:
            operation(actor, person, form)
        except AdminError as error:
            flash(error_message(error), "error")
        else:
            flash(success, "success")
    return redirect(url_for("admin.account", user_id=person.id))


@bp.route("/accounts/<int:user_id>/grants", methods=["POST"])
@role_required(Role.ADMIN)
def grant_add(user_id: int):
    """Give the account a role over an agency's subtree (or every agency)."""
    actor = current_account()
    person = _account(user_id)
    form = GrantForm(prefix="grant")
    form.role.choices = [(role.value, role_names()[role]) for role in GRANTABLE_ROLES]
    form.agency_id.choices = _agency_choices(actor, _("Mọi cơ quan"))
    if form.validate_on_submit():
        try:
            admin_services.add_grant(actor, person, Role(form.role.data), _agency(form.agency_id.data))
        except AdminError as error:
            flash(error_message(error), "error")
        else:
            flash(_("Đã cấp quyền."), "success")
    else:
        flash(_("Hãy chọn vai trò và phạm vi trong danh sách."), "error")
    return redirect(url_for("admin.account", user_id=person.id))


@bp.route("/accounts/<int:user_id>/grants/<int:grant_id>/remove", methods=["POST"])
@role_required(Role.ADMIN)
def grant_remove(user_id: int, grant_id: int):
    """Withdraw one of the account's role grants."""
    def operation(actor, person, form):
        grant = db.session.get(RoleGrant, grant_id)
        if grant is None or grant.user_id != person.id:
            raise AdminError("grant-missing")
        admin_services.remove_grant(actor, person, grant)

    return _act(user_id, operation, _("Đã thu hồi quyền."))


@bp.route("/accounts/<int:user_id>/deactivate", methods=["POST"])
@role_required(Role.ADMIN)
def deactivate(user_id: int):
    """Close the account (its sessions end at once)."""
    return _act(user_id, lambda actor, person, form: admin_services.deactivate(actor, person, form.reason.data or ""),
                _("Đã khóa tài khoản; các phiên đăng nhập của tài khoản đã kết thúc."))


@bp.route("/accounts/<int:user_id>/reactivate", methods=["POST"])
@role_required(Role.ADMIN)
def reactivate(user_id: int):
    """Open the account again."""
    return _act(user_id, lambda actor, person, form: admin_services.reactivate(actor, person),
                _("Đã mở lại tài khoản."))


@bp.route("/accounts/<int:user_id>/sign-out", methods=["POST"])
@role_required(Role.ADMIN)
def sign_out_everywhere(user_id: int):
    """End every session of the account, on every device."""
    return _act(user_id, lambda actor, person, form: admin_services.sign_out_everywhere(actor, person),
                _("Đã đăng xuất tài khoản trên mọi thiết bị."))


@bp.route("/accounts/<int:user_id>/send-reset-link", methods=["POST"])
@role_required(Role.ADMIN)
def send_reset_link(user_id: int):
    """E-mail the person a link to choose a password themselves."""
    return _act(user_id, lambda actor, person, form: admin_services.send_reset_link(actor, person),
                _("Đã gửi thư có liên kết đặt mật khẩu đến địa chỉ của tài khoản."))


@bp.route("/accounts/<int:user_id>/reset-password", methods=["POST"])
@role_required(Role.ADMIN)
@never_cached
def reset_password(user_id: int):
    """Give the account a temporary password (shown on this page only, once); the person must
    choose a new one at next sign-in."""
    actor = current_account()
    person = _account(user_id)
    form = EmptyForm()
    if form.validate_on_submit():
        try:
            password = admin_services.reset_password(actor, person)
        except AdminError as error:
            flash(error_message(error), "error")
        else:
            return render_template("admin/temporary_password.html", person=person, password=password, created=False)
    return redirect(url_for("admin.account", user_id=person.id))
