"""The HR benchmark's generator and measuring code, at the tiny size (the full size runs in `make bench`)."""
from __future__ import annotations

import dataclasses

from sqlalchemy import func, select

from bench import hr as bench_hr
from bench._server import seeding_app
from lms.models import agency_code_level, agency_parent_code


def test_the_agency_tree_is_a_province_with_valid_codes():
    tree = bench_hr.agency_tree(1_500)
    codes = [code for code, _name, _parent in tree]
    assert len(tree) == 1_500 and len(set(codes)) == 1_500
    seen: set[str] = set()
    for code, name, parent in tree:
        assert agency_parent_code(code) == parent and (parent is None or parent in seen), code
        assert name
        seen.add(code)
    levels = {agency_code_level(code) for code in codes}
    assert levels == {1, 2, 3, 4}
    assert sum(1 for _c, name, parent in tree if parent == codes[0] and name.startswith("Ủy ban nhân dân")) > 50


def test_a_tiny_province_is_generated_measured_and_imported_into(tmp_path):
    url = f"sqlite:///{tmp_path / 'province.sqlite3'}"
    counts = bench_hr.build(url, bench_hr.TINY)
    assert (counts["agency"], counts["hr_staff"], counts["attempt"], counts["certificate"]) == (15, 100, 1_000, 200)
    assert counts["user"] == 80 and counts["hr_staff_assignment"] == 110  # a tenth has two periods
    assert counts["module_attainment"] > counts["certificate"]
    assert bench_hr._stored_fingerprint(url) == bench_hr._fingerprint(bench_hr.TINY)

    app = seeding_app(url)
    client = bench_hr._signed_in_client(app)
    pages = bench_hr._pages(app, bench_hr.TINY)
    for page in pages[:3]:
        bench_hr._time_page(app, client, page)
        assert page.status == 200 and len(page.latencies) >= bench_hr.MIN_SAMPLES and page.queries > 0, page
    assert "?agency=" in pages[1].path and pages[2].path.count("|") >= 1

    imported = bench_hr._import(app, dataclasses.replace(bench_hr.TINY, import_rows=40))
    # Written in chunks (Core executemany): fewer statements than rows, all 40 records written.
    assert imported.outcome == "created" and imported.written == 40 and 0 < imported.write_queries < 40, imported
    from hr.models import StaffRecord
    from lms.extensions import db

    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(StaffRecord)) == 100  # removed again
        db.engine.dispose()


def test_the_sampler_attributes_time_to_project_functions_and_libraries():
    root = bench_hr.ROOT
    raw = (
        f"run (/x/site-packages/werkzeug/test.py:1);report ({root}/hr/compliance.py:130);"
        f"execute (/x/site-packages/sqlalchemy/engine/base.py:9) 6\n"
        f"run (/x/site-packages/werkzeug/test.py:1);report ({root}/hr/compliance.py:131) 2\n"
        f"idle (/usr/lib/python3.11/threading.py:5) 50\n"
    )
    sampler = bench_hr._Sampler("werkzeug")
    sampler._read(raw)
    assert dict(sampler.ours) == {"report (hr/compliance.py:130)": 75.0, "report (hr/compliance.py:131)": 25.0}
    assert dict(sampler.leaves) == {"sqlalchemy": 75.0, "project code": 25.0}
