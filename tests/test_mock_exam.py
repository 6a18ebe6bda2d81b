"""The mock certification exam: the official shape (5 questions of each basic module, the time
limit), unofficial and unlimited, a result per module with what to study, a practical task."""
from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import func, select

from certificates.models import Certificate, ModuleAttainment
from mock import services
from quizzes.models import Question, QuestionStatus
from tests import factories
from tests.conftest import login, post_form


def _bank(db, per_module: int = 6):
    for code in services.BASIC_MODULES:
        for n in range(per_module):
            factories.question(f"{code} câu {n}?", module=code)
    retired = factories.question("Câu đã ngừng dùng?", module="IU01")
    retired.status = QuestionStatus.RETIRED
    db.session.commit()
    return retired


def _answer_right(client, attempt, db, modules_right: set[str]):
    """Submit the page with the right option for questions of ``modules_right`` and a wrong one otherwise."""
    data = {}
    for slot in attempt.slots:
        question = db.session.get(Question, slot.question_id)
        right = next(o for o in question.options if o.fraction == 1.0)
        wrong = next(o for o in question.options if o.fraction == 0.0)
        data[f"q{question.id}"] = str((right if question.module_code in modules_right else wrong).id)
    return post_form(client, f"/attempts/{attempt.id}", f"/attempts/{attempt.id}", data)


def test_a_sitting_draws_five_active_questions_of_each_basic_module_under_the_time_limit(app, db, users):
    retired = _bank(db)
    attempt = services.start_sitting(users["learner"], random.Random(7))
    db.session.commit()
    modules = [db.session.get(Question, s.question_id).module_code for s in attempt.slots]
    assert sorted(modules) == sorted(list(services.BASIC_MODULES) * 5)
    assert retired.id not in {s.question_id for s in attempt.slots}
    assert attempt.deadline - attempt.started_at == timedelta(minutes=services.TIME_LIMIT_MINUTES)
    # Starting again resumes the same sitting (same questions), it does not draw another.
    assert services.start_sitting(users["learner"]).id == attempt.id


def test_sittings_are_unlimited_each_with_a_new_form(app, client, db, users):
    _bank(db, per_module=10)
    login(client, users["learner"].username)
    forms = []
    for number in (1, 2, 3):
        response = post_form(client, "/thi-thu", "/thi-thu/start")
        assert response.status_code == 302 and "/attempts/" in response.headers["Location"]
        attempt = services.sittings_of(users["learner"])[0]
        assert attempt.number == number
        forms.append({s.question_id for s in attempt.slots})
        assert _answer_right(client, attempt, db, set()).status_code == 302
    assert forms[0] != forms[1] or forms[1] != forms[2]  # 10 per module: three identical draws are ~impossible


def test_the_result_is_per_module_with_what_to_study_and_is_never_official(app, client, db, users):
    _bank(db)
    taught = factories.course("Bảng tính cơ bản", modules=["IU04"])
    db.session.commit()
    login(client, users["learner"].username)
    post_form(client, "/thi-thu", "/thi-thu/start")
    attempt = services.sittings_of(users["learner"])[0]
    submitted = _answer_right(client, attempt, db, {"IU01", "IU02", "IU03", "IU05", "IU06"})
    assert submitted.status_code == 302
    db.session.expire_all()
    results = {m.code: m for m in services.result_by_module(attempt)}
    assert results["IU01"].score == 10.0 and results["IU01"].passed
    assert results["IU04"].score == 0.0 and not results["IU04"].passed
    assert [c.title for c in results["IU04"].courses] == ["Bảng tính cơ bản"]
    page = client.get(f"/thi-thu/{attempt.id}").get_data(as_text=True)
    assert "IU04" in page and f"/courses/{taught.slug}" in page and "Chưa đạt" in page
    assert "Không chính thức" in page
    # The quiz's result page leads to the reading by module, and "back" to the mock exam's page.
    review = client.get(f"/attempts/{attempt.id}/result").get_data(as_text=True)
    assert f"/thi-thu/{attempt.id}" in review and 'href="/thi-thu"' in review
    assert client.get(f"/quizzes/{attempt.quiz_id}").headers["Location"].endswith("/thi-thu")
    # Nothing official comes of it: no certificate, no module attained.
    assert db.session.scalar(select(func.count()).select_from(Certificate)) == 0
    assert db.session.scalar(select(func.count()).select_from(ModuleAttainment)) == 0


def test_the_practical_part_offers_one_installed_task_of_a_practical_module(app, client, db, users):
    _bank(db)
    login(client, users["learner"].username)
    post_form(client, "/thi-thu", "/thi-thu/start")
    attempt = services.sittings_of(users["learner"])[0]
    _answer_right(client, attempt, db, set(services.BASIC_MODULES))
    slug = services.practical_task_for(attempt)
    from practical.tasks import load_tasks

    task = load_tasks()[slug]
    assert task.module in services.PRACTICAL_MODULES
    page = client.get(f"/thi-thu/{attempt.id}").get_data(as_text=True)
    assert "Phần thực hành" in page and task.title in page
    assert f'href="/practice/{slug}"' in page  # handed in and graded on the practice page
    if task.starting_file is not None:  # the brief's link to its starting file is a real download
        assert f"/practice/{slug}/" in page.split("Phần thực hành", 1)[1].split(f'href="/practice/{slug}"', 1)[0]


def test_someone_elses_sitting_is_not_found_and_an_unfinished_one_goes_back_to_the_questions(app, client, db, users):
    _bank(db)
    attempt = services.start_sitting(users["learner"])
    db.session.commit()
    login(client, users["learner"].username)
    assert client.get(f"/thi-thu/{attempt.id}").headers["Location"].endswith(f"/attempts/{attempt.id}")
    other = app.test_client()
    login(other, users["examiner"].username)
    assert other.get(f"/thi-thu/{attempt.id}").status_code == 404


def test_a_bank_too_small_says_so_and_starts_nothing(app, client, db, users):
    _bank(db, per_module=4)
    login(client, users["learner"].username)
    response = post_form(client, "/thi-thu", "/thi-thu/start")
    assert response.status_code == 302 and response.headers["Location"].endswith("/thi-thu")
    page = client.get("/thi-thu").get_data(as_text=True)
    assert "chưa đủ câu" in page
    assert services.sittings_of(users["learner"]) == []
