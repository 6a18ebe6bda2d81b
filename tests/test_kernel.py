"""Configuration, framework data and the demo loader."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from lms.config import ConfigError, load_config
from lms.demo import DEMO_PEOPLE
from lms.models import CompetencyModule, CompetencyStandard, User


def test_secret_key_is_required_outside_development(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        load_config(str(tmp_path), {"LMS_ENV": "production"})
    monkeypatch.setenv("SECRET_KEY", "a-real-secret")
    monkeypatch.setenv("SITE_URL", "https://cntt.nghean.gov.vn/")
    config = load_config(str(tmp_path), {"LMS_ENV": "production"})
    assert config["SECRET_KEY"] == "a-real-secret" and config["SITE_URL"] == "https://cntt.nghean.gov.vn"


def test_production_refuses_to_start_without_its_address(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "a-real-secret")
    monkeypatch.delenv("SITE_URL", raising=False)
    with pytest.raises(ConfigError, match="SITE_URL"):
        load_config(str(tmp_path), {"LMS_ENV": "production"})


def test_development_address_follows_the_port_served(tmp_path, monkeypatch):
    monkeypatch.delenv("SITE_URL", raising=False)
    monkeypatch.setenv("FLASK_RUN_HOST", "127.0.0.1")
    monkeypatch.setenv("FLASK_RUN_PORT", "8123")
    assert load_config(str(tmp_path))["SITE_URL"] == "http://127.0.0.1:8123"


def test_development_key_is_random_and_stable(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = load_config(str(tmp_path))["SECRET_KEY"]
    assert len(first) >= 40 and load_config(str(tmp_path))["SECRET_KEY"] == first
    assert load_config(str(tmp_path / "other"))["SECRET_KEY"] != first


def test_database_url_defaults_to_sqlite_in_instance_and_accepts_postgres(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert load_config(str(tmp_path))["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/lms.sqlite3"
    monkeypatch.setenv("DATABASE_URL", "postgresql://u:p@db/lms")
    assert load_config(str(tmp_path))["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u:p@db/lms"


def test_framework_has_fifteen_modules_and_two_standards(db):
    codes = list(db.session.scalars(select(CompetencyModule.code).order_by(CompetencyModule.position)))
    assert codes == [f"IU{n:02d}" for n in range(1, 16)]
    assert db.session.get(CompetencyModule, "IU03").title_vi == "Xử lý văn bản cơ bản"
    basic = db.session.get(CompetencyStandard, "BASIC")
    advanced = db.session.get(CompetencyStandard, "ADVANCED")
    assert basic.rule["requires_all"] == ["IU01", "IU02", "IU03", "IU04", "IU05", "IU06"]
    assert advanced.rule["requires_at_least"] == 3 and advanced.rule["requires_standard"] == "BASIC"


def test_framework_file_in_the_repo_keeps_the_shared_modules_and_standards():
    """The product's copy may carry checked wording of the areas, never other modules or rules."""
    import json
    from pathlib import Path

    from lms.services import FRAMEWORK_FILE

    shared = Path(__file__).resolve().parents[2] / "shared" / "framework" / "tt03-2014.json"
    if not shared.exists():
        pytest.skip("../shared is not beside this checkout (only developers' and CI's machines have it)")
    ours, theirs = (json.loads(path.read_text(encoding="utf-8")) for path in (FRAMEWORK_FILE, shared))
    def modules(data):
        return [(m["code"], m["level"], m["title_vi"], m["title_en"]) for m in data["modules"]]

    assert modules(ours) == modules(theirs)
    assert ours["standards"] == theirs["standards"]
    assert not any("unverified" in area for m in ours["modules"] for area in m.get("areas_vi", []) if m["code"] == "IU01")


def test_demo_load_is_idempotent_and_prints_the_accounts(app, db):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    counts = [db.session.scalar(select(func.count()).select_from(User))]
    second = runner.invoke(args=["demo", "load"])
    assert second.exit_code == 0, second.output
    counts.append(db.session.scalar(select(func.count()).select_from(User)))
    assert counts == [len(DEMO_PEOPLE)] * 2
    for username in ("hocvien", "tacgia", "khaothi", "nhansu", "quantri"):
        assert username in second.output
    assert "HocCNTT@2026" in second.output
    from courses.models import Course, Lesson
    from quizzes.models import Question

    assert db.session.scalar(select(func.count()).select_from(Course)) == 1
    assert db.session.scalar(select(func.count()).select_from(Lesson)) == 3
    assert db.session.scalar(select(func.count()).select_from(Question)) == 5


def test_users_create_command(app, db):
    runner = app.test_cli_runner()
    runner.invoke(args=["demo", "load"])
    result = runner.invoke(args=["users", "create", "lan", "--name", "Vũ Thị Lan", "--password", "Mật-khẩu-dài-2026",
                                 "--role", "hr", "--agency", "000.00.01.H41"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.username == "lan"))
    assert user.full_name == "Vũ Thị Lan" and user.check_password("Mật-khẩu-dài-2026")
    assert [(g.role.value, g.agency.code) for g in user.grants] == [("hr", "000.00.01.H41")]
    again = runner.invoke(args=["users", "create", "lan", "--name", "X", "--password", "y"])
    assert again.exit_code != 0 and "already exists" in again.output
