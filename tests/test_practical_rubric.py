"""Rubrics and tasks as content: validated into typed checks, with errors that name file, line and check."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from lms.content import ContentError, Problem
from practical import rubric as r
from practical.rubric import RubricError, load_rubric, parse_rubric
from practical.tasks import CONTENT_ROOT, load_task, load_tasks


def c(fields: str) -> str:
    """One check in flow style, with an explanation in both languages."""
    return f"  - {{{fields}, explain: {{vi: Giải thích., en: Explanation.}}}}\n"


def _problems(text: str) -> list[Problem]:
    problems: list[Problem] = []
    parse_rubric(text, Path("rubric.yaml"), problems)
    return problems


def test_every_shipped_rubric_loads_and_explains_each_check_in_both_languages():
    tasks = load_tasks()
    assert len(tasks) == 12
    for task in tasks.values():
        for check in task.rubric.checks:
            assert check.explain["vi"].strip() and check.explain["en"].strip()
            assert check.explain["vi"] == check.explain["vi"].strip()
        assert task.rubric.max_points == task.points == 10
        assert "anh/chị" in task.brief.lower() or "Anh/chị" in task.brief


def test_a_valid_rubric_becomes_typed_checks():
    rubric = load_rubric(CONTENT_ROOT / "iu04-bang-luong" / "rubric.yaml")
    formula = rubric.checks[0]
    assert isinstance(formula, r.FormulaCheck)
    assert (formula.cells, formula.functions, formula.range, formula.relative) == ("E2:E11", ["ROUND"], "C2", True)
    margins = load_rubric(CONTENT_ROOT / "iu03-cong-van" / "rubric.yaml").checks[1]
    assert isinstance(margins, r.MarginsCheck) and margins.left == r.Between(30, 35)
    assert 32.5 in margins.left and 36 not in margins.left


@pytest.mark.parametrize(("body", "message"), [
    (c("id: a, kind: formla, points: 1"), "unknown kind 'formla'"),
    (c("id: a, kind: formula, cells: E2, functions: [SUM], colour: red, points: 1"),
     "unknown field 'colour'"),
    (c("id: a, kind: slide_count, count: 3, points: 1"), "kind 'slide_count' checks a presentation"),
    (c("id: a, kind: formula, cells: E2, points: 1"), "give at least one of functions, range"),
    (c("id: a, kind: formula, cells: 'E 2', functions: [SUM], points: 1"), "not a range reference"),
    (c("id: a, kind: cell_value, cell: B2, points: 1"), "'equals' is required"),
    (c("id: a, kind: cell_value, cell: B2, equals: 3, points: 0"), "'points' must be more than 0"),
    ("  - {id: a, kind: cell_value, cell: B2, equals: 3, points: 1, explain: {vi: Có.}}\n",
     "'explain' needs a text in 'vi' and in 'en'"),
    (c("id: a, kind: sorted, range: A2:F9, column: F, order: up, points: 1"),
     "'order' must be one of asc, desc"),
    (c("id: A B, kind: freeze, cell: A2, points: 1"), "'id' must be"),
])
def test_errors_name_the_check_and_what_is_wrong(body, message):
    problems = _problems("family: spreadsheet\nchecks:\n" + body)
    assert problems, body
    assert any(message in p.message for p in problems), [p.message for p in problems]
    assert all(p.line == 3 for p in problems)  # the line where the check starts


def test_document_targets_need_exactly_one_way_to_find_the_paragraph():
    text = ("family: document\nchecks:\n" +
            c("id: a, kind: font, target: {text: Số, style: Heading 1}, size: 13, points: 1"))
    assert any("exactly one of text, style, heading, body" in p.message for p in _problems(text))
    text = "family: document\nchecks:\n" + c("id: a, kind: font, size: 13, points: 1")
    assert any("'target' is required" in p.message for p in _problems(text))


def test_duplicate_ids_and_every_error_of_a_file_are_reported_together():
    text = ("family: presentation\nchecks:\n" +
            c("id: a, kind: slide_count, count: [3, 6], points: 1") +
            c("id: a, kind: title, slide: 2, points: 1") +
            c("id: b, kind: layout, slide: 1, layout: fancy, points: 1"))
    problems = _problems(text)
    messages = [(p.line, p.message) for p in problems]
    assert (4, "check 'a': the id is used twice") in messages
    assert any(line == 5 and "'layout' must be one of" in message for line, message in messages)


def test_yaml_syntax_errors_give_the_line(tmp_path):
    path = tmp_path / "rubric.yaml"
    path.write_text("family: document\nchecks:\n  - id: a\n    explain:\n      vi: Số: 05/SNV-VP\n", encoding="utf-8")
    with pytest.raises(RubricError) as caught:
        load_rubric(path)
    problem = caught.value.problems[0]
    assert problem.path == path and problem.line == 5 and "not valid YAML" in problem.message
    assert str(path) in str(caught.value)


def _copy_task(tmp_path: Path, slug: str = "iu04-bang-luong") -> Path:
    folder = tmp_path / slug
    shutil.copytree(CONTENT_ROOT / slug, folder)
    return folder


def test_task_points_must_equal_the_rubric_total(tmp_path):
    folder = _copy_task(tmp_path)
    task_md = folder / "task.md"
    task_md.write_text(task_md.read_text(encoding="utf-8").replace("points: 10", "points: 12"), encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_task(folder)
    assert any("must equal the rubric's total (10)" in p.message for p in caught.value.problems)


def test_task_formats_must_fit_the_rubric_family_and_the_starting_file_must_be_an_office_file(tmp_path):
    folder = _copy_task(tmp_path)
    task_md = folder / "task.md"
    task_md.write_text(task_md.read_text(encoding="utf-8").replace("formats: [xlsx, ods]", "formats: [xlsx, docx]"),
                       encoding="utf-8")
    (folder / "bang-luong.xlsx").write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(ContentError) as caught:
        load_task(folder)
    messages = [p.message for p in caught.value.problems]
    assert any("'formats' for a spreadsheet task" in m for m in messages)
    assert any("starting file refused" in m for m in messages)


def test_task_slug_must_be_its_folder_and_a_rubric_is_required(tmp_path):
    folder = _copy_task(tmp_path, "iu05-bieu-do")
    renamed = folder.rename(tmp_path / "ten-khac")
    (renamed / "rubric.yaml").unlink()
    with pytest.raises(ContentError) as caught:
        load_task(renamed)
    messages = [p.message for p in caught.value.problems]
    assert any("must be the folder's name 'ten-khac'" in m for m in messages)
    assert any("needs a rubric.yaml" in m for m in messages)


def test_a_rubric_with_an_unknown_family_is_reported_not_a_crash(tmp_path):
    # parse_rubric used to return a Rubric with the unknown family (its checks being fine), and the
    # task loader then failed with a KeyError looking up the family's formats.
    folder = _copy_task(tmp_path)
    rubric_yaml = folder / "rubric.yaml"
    rubric_yaml.write_text(rubric_yaml.read_text(encoding="utf-8").replace("family: spreadsheet", "family: bang-tinh"),
                           encoding="utf-8")
    problems: list[Problem] = []
    assert parse_rubric(rubric_yaml.read_text(encoding="utf-8"), rubric_yaml, problems) is None
    with pytest.raises(ContentError) as caught:
        load_task(folder)
    assert any("'family' must be one of" in p.message for p in caught.value.problems)
