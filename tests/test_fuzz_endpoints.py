"""No 5xx on any input: generated path parameters, query strings, form fields and JSON bodies sent
to every endpoint of the permission matrix, as every actor (signed in, so that ``login_required``
does not answer before the code meant to be tested is reached), with a valid CSRF token."""
from __future__ import annotations

import re
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.matrix import ACTORS, ENTRIES, build_world, csrf_token, fill, signed_in_client

# Query and form keys the views read, plus anything else.
KNOWN_KEYS = ["q", "page", "year", "issuer", "kind", "status", "format", "module", "level", "audience", "code",
              "next", "direction", "area", "helpful", "login", "password", "remember", "title", "summary",
              "modules", "identifiers", "reason", "decision", "void_attainments", "target", "value", "agency_id",
              "due_on", "minutes", "score", "part", "rules", "people", "access_code", "opens_at", "closes_at",
              "time_limit_minutes", "published", "body_md", "note", "action", "text", "current", "new", "confirm"]

nasty_text = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["", "\x00", "%00", "0", "-1", "99999999999999999999", str(2**63), str(-(2**63) - 1), "1e400",
                     "NaN", "năm 2026", "2026-02-30", "31/02/2026", "<script>alert(1)</script>", "' OR 1=1 --",
                     "../../etc/passwd", "IU99", "x" * 5000, "Đ\u0301", "\u202e", "null", "[]", "{}"]),
)
json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
              st.floats(allow_nan=True, allow_infinity=True), nasty_text),
    lambda children: st.one_of(st.lists(children, max_size=4),
                               st.dictionaries(st.sampled_from(["question_id", "seq", "response", "option",
                                                                "options", "text", "pairs", "1"]) | st.text(max_size=8),
                                               children, max_size=4)),
    max_leaves=12)
PLACEHOLDER = re.compile(r"\{(\w+)\}")


@st.composite
def mutations(draw, entry):
    """Inputs for one request to ``entry``: some path parameters replaced, a query, a form, a body."""
    overrides = {}
    for name in PLACEHOLDER.findall(entry.url):
        if draw(st.booleans()):
            overrides[name] = draw(st.one_of(st.integers(min_value=-(2**70), max_value=2**70).map(str),
                                             st.text(alphabet=string.printable, max_size=30), nasty_text))
    query = draw(st.dictionaries(st.sampled_from(KNOWN_KEYS) | st.text(max_size=6), nasty_text, max_size=3))
    form = draw(st.dictionaries(st.sampled_from(KNOWN_KEYS) | st.text(max_size=6), nasty_text, max_size=4))
    body = draw(st.one_of(json_values, st.just("[" * 20000), st.just('{"question_id": ' + "9" * 40 + "}")))
    return overrides, query, form, body


def _url(entry, places, overrides):
    def value(match):
        name = match.group(1)
        return str(overrides[name]).replace("/", "%2F").replace("?", "%3F").replace("#", "%23") \
            if name in overrides else str(places[name])
    return PLACEHOLDER.sub(value, entry.url)


@pytest.mark.parametrize("actor", ACTORS)
def test_no_input_gives_a_server_error(app, client, db, actor):
    places, people = build_world(app)
    entries = [entry for entry in ENTRIES if entry.endpoint not in ("auth.logout", "static", "quizzes.static")]
    user = people.get(actor)

    @settings(max_examples=4, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                     HealthCheck.data_too_large])
    @given(st.data())
    def send(data):
        visitor = signed_in_client(app, user)
        token = csrf_token(visitor)
        for entry in entries:  # every endpoint, each time with other generated input
            overrides, query, form, body = data.draw(mutations(entry), label=f"{entry.method} {entry.endpoint}")
            url, _, fixed_query = _url(entry, places, overrides).partition("?")
            query = {**dict(pair.split("=", 1) for pair in fixed_query.split("&") if "=" in pair), **query}
            if entry.method == "GET":
                response = visitor.get(url, query_string=query)
            elif entry.json is not None:
                if isinstance(body, str) and body.startswith("[" * 100):
                    response = visitor.post(url, data=body, content_type="application/json",
                                            headers={"X-CSRFToken": token})
                else:
                    response = visitor.post(url, json=body, headers={"X-CSRFToken": token})
            else:
                response = visitor.post(url, query_string=query,
                                        data={**fill(entry.data, places), **form, "csrf_token": token})
            assert response.status_code < 500, \
                f"{actor} {entry.method} {url} {query!r:.200} {form!r:.200} -> {response.status_code}"

    send()
