"""Route × role × scope: every endpoint of the URL map is classified (tests/matrix.py) and
requested as every actor — anonymous, two learners, an author, examiners and HR officers in and
out of scope, the exam board's chair, an administrator — with real ids; GETs and POSTs (with a
valid CSRF token, so that the refusal seen is the permission one)."""
from __future__ import annotations

import pytest

from tests.matrix import (ACTORS, AUDIT_EXEMPT, BOOKKEEPING_TABLES, ENTRIES, build_world, csrf_token, expected, fill,
                          signed_in_client, verdict)


def test_every_endpoint_and_method_is_classified(app):
    served = {(rule.endpoint, method) for rule in app.url_map.iter_rules()
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    classified = {(entry.endpoint, entry.method) for entry in ENTRIES}
    assert served - classified == set(), "unclassified routes: add them to tests/matrix.py"
    assert classified - served == set(), "tests/matrix.py names routes that no longer exist"


def _request(client, entry, places, token=None):
    url = fill(entry.url, places)
    if entry.method == "GET":
        return client.get(url)
    if entry.json is not None:
        return client.post(url, json=fill(entry.json, places), headers={"X-CSRFToken": token or ""})
    return client.post(url, data={**fill(entry.data, places), "csrf_token": token or ""})


def _fingerprint(db) -> dict[str, int]:
    """A hash of every table's rows but the bookkeeping ones: what a request changed."""
    from sqlalchemy import select

    prints = {}
    for table in db.metadata.sorted_tables:
        if table.name not in BOOKKEEPING_TABLES:
            prints[table.name] = hash(tuple(sorted(map(repr, db.session.execute(select(table)).all()))))
    return prints


def _audit_count(db) -> int:
    from sqlalchemy import func, select

    from lms.models import AuditEntry

    return db.session.scalar(select(func.count()).select_from(AuditEntry))


def _run(app, entry, order):
    from lms.extensions import db

    places, people = build_world(app)
    wrong = []
    for actor in order:
        client = signed_in_client(app, people.get(actor))
        token = csrf_token(client) if entry.method == "POST" else None
        watch = entry.method == "POST" and entry.endpoint not in AUDIT_EXEMPT
        if watch:
            db.session.commit()
            before, audited = _fingerprint(db), _audit_count(db)
        response = _request(client, entry, places, token)
        got, want = verdict(response, entry), expected(entry, actor)
        if got != want:
            wrong.append(f"{actor}: expected {want}, got {got} ({response.status_code})")
        if watch:
            db.session.commit()
            changed = [name for name, value in _fingerprint(db).items() if before[name] != value]
            if changed and _audit_count(db) == audited:
                wrong.append(f"{actor}: changed {', '.join(changed)} without an audit entry "
                             "(audit it, or say why not in AUDIT_EXEMPT)")
    assert not wrong, f"{entry.method} {entry.url}: " + "; ".join(wrong)


def test_audit_exemptions_name_real_post_routes():
    posts = {entry.endpoint for entry in ENTRIES if entry.method == "POST"}
    assert set(AUDIT_EXEMPT) - posts == set()
    assert all(reason.strip() for reason in AUDIT_EXEMPT.values())


@pytest.mark.parametrize("entry", [e for e in ENTRIES if e.method == "GET"], ids=lambda e: f"GET {e.endpoint}")
def test_get_routes_answer_each_actor_as_classified(app, client, db, entry):
    _run(app, entry, ACTORS)


@pytest.mark.parametrize("entry", [e for e in ENTRIES if e.method == "POST"], ids=lambda e: f"POST {e.endpoint}")
def test_post_routes_refuse_everyone_not_allowed(app, client, db, entry):
    # Refused actors first: a permitted request may change the world (revoke, approve…).
    refused = [actor for actor in ACTORS if expected(entry, actor) != "allowed"]
    allowed = [actor for actor in ACTORS if expected(entry, actor) == "allowed"]
    _run(app, entry, refused + allowed)
