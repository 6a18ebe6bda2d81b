"""Routes of the administration (``/admin``: administrators only) and of the self-service
profile (``/account``: anyone signed in, about themselves)."""
from __future__ import annotations

from tests.matrix import SIGNED_IN, Entry, role

ADMIN = role("admin")

ENTRIES = [
    Entry("admin.home", "GET", "/admin/", ADMIN),
    Entry("admin.accounts", "GET", "/admin/accounts?q=nguyen&role=hr&active=1", ADMIN),
    Entry("admin.account_new", "GET", "/admin/accounts/new", ADMIN),
    Entry("admin.account_new", "POST", "/admin/accounts/new", ADMIN,
          {"username": "moi.tao", "full_name": "Người Mới Tạo", "agency_id": "0"}),
    Entry("admin.account", "GET", "/admin/accounts/{managed_user}", ADMIN),
    Entry("admin.account", "POST", "/admin/accounts/{managed_user}", ADMIN,
          {"full_name": "Trần Văn Nam", "agency_id": "0"}),
    Entry("admin.grant_add", "POST", "/admin/accounts/{managed_user}/grants", ADMIN,
          {"grant-role": "hr", "grant-agency_id": "0"}),
    Entry("admin.grant_remove", "POST", "/admin/accounts/{managed_user}/grants/{managed_grant}/remove", ADMIN),
    Entry("admin.deactivate", "POST", "/admin/accounts/{managed_user}/deactivate", ADMIN, {"reason": "Nghỉ hưu"}),
    Entry("admin.reactivate", "POST", "/admin/accounts/{managed_user}/reactivate", ADMIN),
    Entry("admin.sign_out_everywhere", "POST", "/admin/accounts/{managed_user}/sign-out", ADMIN),
    Entry("admin.send_reset_link", "POST", "/admin/accounts/{managed_user}/send-reset-link", ADMIN),
    Entry("admin.reset_password", "POST", "/admin/accounts/{managed_user}/reset-password", ADMIN),
    Entry("admin.import_accounts", "GET", "/admin/accounts/import", ADMIN),
    Entry("admin.import_accounts", "POST", "/admin/accounts/import", ADMIN),
    Entry("admin.import_confirm", "POST", "/admin/accounts/import/confirm", ADMIN, {"token": "khong-co"}),
    Entry("admin.import_template", "GET", "/admin/accounts/import/template.xlsx", ADMIN),
    Entry("admin.audit", "GET", "/admin/audit?action=account.create&from=01/01/2026", ADMIN),
    Entry("admin.audit_export", "GET", "/admin/audit.xlsx", ADMIN),
    Entry("admin.settings", "GET", "/admin/settings", ADMIN),
    Entry("admin.settings", "POST", "/admin/settings", ADMIN, {"site_name": "Cổng học CNTT"}),
    Entry("admin.issuers", "GET", "/admin/issuers", ADMIN),
    Entry("admin.issuer", "GET", "/admin/issuers/{issuer}", ADMIN),
    Entry("admin.issuer", "POST", "/admin/issuers/{issuer}", ADMIN, {"name": ""}),
    Entry("admin.issuer_key", "POST", "/admin/issuers/{issuer}/key", ADMIN, {"key-password": "x"}),
    Entry("profile.profile", "GET", "/account", SIGNED_IN),
    Entry("profile.profile", "POST", "/account", SIGNED_IN, {"full_name": "Tên Mới", "locale": "vi"}),
    Entry("profile.sign_out_others", "POST", "/account/sessions/sign-out-others", SIGNED_IN),
]


def extend_world(app, places, people):
    """An account the administrator manages (with a grant to withdraw): not one of the actors,
    so that closing it or ending its sessions changes no one's access in the test."""
    from lms.models import Role
    from tests import factories

    person = factories.user("Bùi Thị Lan", username="managed", role=Role.AUTHOR,
                            agency_=people["learner"].agency)
    places["managed_user"] = person.id
    places["managed_grant"] = person.grants[0].id
    from certificates.services import default_issuer

    places["issuer"] = default_issuer().id
