"""Grading the shipped tasks: every fixture gets exactly the checks and score recorded for it."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from lms.officefile import OfficeFileError
from practical.grading import GradeResult, Override, grade
from practical.tasks import load_tasks

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "practical"
TASKS = load_tasks()
CASES = [(folder.name, record) for folder in sorted(FIXTURES.iterdir())
         for record in yaml.safe_load((folder / "expected.yaml").read_text(encoding="utf-8"))]


def _grade(slug: str, name: str) -> GradeResult:
    return grade((FIXTURES / slug / name).read_bytes(), name, TASKS[slug])


@pytest.mark.parametrize(("slug", "record"), CASES, ids=[f"{s}/{r['file']}" for s, r in CASES])
def test_fixture_gets_its_recorded_score(slug, record):
    result = _grade(slug, record["file"])
    failed = sorted(c.id for c in result.checks if not c.passed)
    assert failed == sorted(record["fails"]), [(c.id, c.message()) for c in result.checks if not c.passed]
    assert result.score == record["score"]
    assert result.max_score == record["max_score"] == TASKS[slug].points


def test_twelve_tasks_four_per_module_each_with_a_reference_and_wrong_files():
    modules = sorted(task.module for task in TASKS.values())
    assert modules == ["IU03"] * 4 + ["IU04"] * 4 + ["IU05"] * 4
    for slug, task in TASKS.items():
        records = [r for s, r in CASES if s == slug]
        full = [r for r in records if not r["fails"]]
        wrong = [r for r in records if r["fails"]]
        assert len(wrong) >= 2, slug
        # a reference solution in each accepted format, so both readers of the family are exercised
        assert {r["file"].rsplit(".", 1)[1] for r in full} == set(task.formats), slug
        assert all(r["score"] < task.points for r in wrong)


def test_most_checks_of_each_task_are_failed_by_some_wrong_file():
    failed_somewhere = {(s, check) for s, r in CASES for check in r["fails"]}
    for slug, task in TASKS.items():
        untested = [c.id for c in task.rubric.checks if (slug, c.id) not in failed_somewhere]
        # at most a few checks per task are only shown passing; most have a file that fails them
        assert len(untested) <= len(task.rubric.checks) // 2, (slug, untested)


def test_a_typed_in_number_fails_the_formula_check_even_with_the_right_value():
    result = _grade("iu04-bang-luong", "sai-go-so.xlsx")
    checks = {c.id: c for c in result.checks}
    assert checks["tong-gia-tri"].passed  # the number is right …
    assert not checks["tong"].passed  # … but it is not a SUM over G2:G11
    assert checks["tong"].finding == "not-formula"
    assert checks["tong"].message() == "Ô G12 chứa giá trị gõ trực tiếp (77.229.000), không phải công thức."
    assert checks["tong"].where() == "Ô G12, trang tính Bảng lương"


def test_result_says_where_and_explains_in_both_languages():
    result = _grade("iu03-cong-van", "sai-le-so-thut-dong.docx")
    indent = next(c for c in result.checks if c.id == "noi-dung-thut-dong")
    assert indent.message() == "Thụt đầu dòng 0 cm; yêu cầu 1–1,27 cm."
    assert indent.where().startswith("Đoạn 10: “Thực hiện Kế hoạch")
    assert indent.explanation("vi").startswith("Đoạn nội dung lùi đầu dòng")
    assert indent.explanation("en").startswith("The body paragraph has a first-line indent")
    slide = next(c for c in _grade("iu05-hinh-anh", "sai-hinh-trang-3.pptx").checks if c.id == "hinh-anh")
    assert slide.where() == "Trang chiếu 2: “Quy trình tiếp nhận”"
    assert slide.message() == "Trang chiếu có 0 hình ảnh; yêu cầu ít nhất 1."


def test_result_is_stored_as_json_and_read_back():
    result = _grade("iu04-sap-xep-loc", "sai-sap-mot-cot.xlsx")
    stored = json.loads(json.dumps(result.to_dict(), ensure_ascii=False))
    again = GradeResult.from_dict(stored)
    assert again == result
    assert stored["score"] == 7 and stored["max_score"] == 10


def test_an_examiners_override_keeps_the_machines_verdict():
    result = _grade("iu04-sap-xep-loc", "sai-sap-mot-cot.xlsx")
    overridden = result.with_overrides({"nguyen-ven": Override(True, "Thí sinh sắp xếp đúng, lỗi do tệp mẫu.",
                                                               by="khaothi")})
    check = next(c for c in overridden.checks if c.id == "nguyen-ven")
    assert check.passed is False and check.final_passed is True
    assert overridden.machine_score == 7 and overridden.score == 9
    assert GradeResult.from_dict(json.loads(json.dumps(overridden.to_dict()))) == overridden
    with pytest.raises(KeyError):
        result.with_overrides({"khong-co": Override(True, "x")})


def test_a_file_of_another_family_is_refused_with_a_code():
    data = (FIXTURES / "iu03-bang" / "dung.docx").read_bytes()
    with pytest.raises(OfficeFileError) as caught:
        grade(data, "dung.docx", TASKS["iu04-bang-luong"])
    assert caught.value.code == "not-accepted"


@pytest.mark.parametrize("slug", [s for s, t in TASKS.items() if t.starting_file is not None])
def test_the_untouched_starting_file_scores_little(slug):
    task = TASKS[slug]
    result = grade(task.starting_file.read_bytes(), task.starting_file.name, task)
    assert result.score <= task.points / 2, [(c.id, c.passed) for c in result.checks]


def test_findings_officefile_errors_and_nd30_texts_are_translated_for_english_readers():
    from flask import Flask
    from flask_babel import Babel

    from lms.officefile import error_message
    from practical import nd30

    app = Flask(__name__)
    # The kernel's catalogue and the practical package's own (as the application factory gives them).
    Babel(app, locale_selector=lambda: "en",
          default_translation_directories=";".join(str(ROOT / folder / "translations") for folder in ("lms", "practical")))
    result = _grade("iu04-bang-luong", "sai-go-so.xlsx")
    check = next(c for c in result.checks if c.id == "tong")
    report = nd30.check((ROOT / "tests" / "fixtures" / "nd30" / "12-cong-van-le.docx").read_bytes(), "a.docx")
    margin = next(d for d in report.deviations if d.code == "trang.le-trai")
    with app.test_request_context():
        assert check.message() == "Cell G12 holds a value typed in (77.229.000), not a formula."
        assert check.where() == "Cell G12, sheet Bảng lương"
        assert margin.message == "Left margin 20 mm; 30 to 35 mm required."
        assert error_message(OfficeFileError("legacy-format", extension="doc", save_as="docx")).startswith(
            "A .doc file is an old format")
