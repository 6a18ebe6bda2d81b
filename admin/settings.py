"""Site settings page: the values ``lms.settings`` keeps as data (administrators of everything)."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import Length, Optional, ValidationError

from admin import bp
from admin.services import admin_scope
from lms.accounts import current_account
from lms.extensions import db
from lms.forms import Form
from lms.models import Role, User
from lms.permissions import role_required
from lms.services import audit
from lms.settings import SETTINGS, SiteSetting, forget_cached, stored_settings


class SettingsForm(Form):
    """The editable settings; an empty field falls back to the deployment's configuration."""

    site_name = StringField(_l("Tên trang"), validators=[Optional(), Length(max=120)])
    organisation = StringField(_l("Cơ quan chủ quản"), validators=[Optional(), Length(max=255)])
    contact = StringField(_l("Liên hệ (thư điện tử, điện thoại)"), validators=[Optional(), Length(max=255)])
    mail_sender = StringField(_l("Người gửi thư (ví dụ: Tên <no-reply@tinh.gov.vn>)"),
                              validators=[Optional(), Length(max=255)])

    def validate_mail_sender(self, field) -> None:
        """An address the mail library accepts (a name and an address, or an address)."""
        from email.headerregistry import Address
        from email.utils import parseaddr

        if not field.data:
            return
        name, address = parseaddr(field.data)
        try:
            Address(name, addr_spec=address)
        except (ValueError, IndexError) as error:
            raise ValidationError(_("Địa chỉ người gửi không hợp lệ.")) from error
        if "@" not in address or "\n" in field.data or "\r" in field.data:
            raise ValidationError(_("Địa chỉ người gửi không hợp lệ."))


def update_settings(actor: User, values: dict[str, str]) -> dict:
    """Store the settings (empty: back to the configuration); audits what changed."""
    stored = stored_settings()
    changes = {}
    for key in SETTINGS:
        new = (values.get(key) or "").strip()
        old = stored.get(key, "")
        if new == old:
            continue
        row = db.session.get(SiteSetting, key) or SiteSetting(key=key)
        row.value, row.updated_by_id = new, actor.id
        db.session.add(row)
        changes[key] = [old, new]
    db.session.flush()
    forget_cached()
    if changes:
        audit("settings.update", "site_settings", {"changes": changes}, actor=actor)
    return changes


@bp.route("/settings", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def settings():
    """Edit the site's name, organisation, contact and mail sender."""
    actor = current_account()
    if not admin_scope(actor).everything:
        abort(403)  # the whole site's settings: administrators of everything only
    form = SettingsForm(data=stored_settings())
    if form.validate_on_submit():
        changes = update_settings(actor, {key: getattr(form, key).data for key in SETTINGS})
        flash(_("Đã lưu thiết lập.") if changes else _("Không có gì thay đổi."), "success")
        return redirect(url_for("admin.settings"))
    defaults = {key: current_app.config.get(variable) or "" for key, variable in SETTINGS.items()}
    return render_template("admin/settings.html", form=form, defaults=defaults, variables=SETTINGS)
