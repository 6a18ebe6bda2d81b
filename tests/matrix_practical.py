"""Routes of the practical part: the public ND30 checker (page, samples, API), practice tasks, the
practical part of exams and examiners' overrides."""
from __future__ import annotations

from pathlib import Path

from tests.matrix import PUBLIC, SIGNED_IN, Access, Entry

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "practical"

ENTRIES = [
    Entry("practical.nd30_page", "GET", "/nd30", PUBLIC),
    Entry("practical.nd30_check", "POST", "/nd30", PUBLIC),
    Entry("practical.nd30_sample", "GET", "/nd30/samples/mau-cong-van.docx", PUBLIC),
    Entry("practical.api_nd30_check", "POST", "/api/v1/nd30/check", PUBLIC, json={}),
]


# Practice tasks (signed-in learners) and a practice submission's feedback (its author alone).
OWN = Access(owner="learner", only_owner=True)
ENTRIES += [
    Entry("practical.practice_list", "GET", "/practice", SIGNED_IN),
    Entry("practical.task_page", "GET", "/practice/iu04-bang-luong", SIGNED_IN),
    Entry("practical.task_submit", "POST", "/practice/iu04-bang-luong", SIGNED_IN),
    Entry("practical.starting_file", "GET", "/practice/iu04-bang-luong/starting-file", SIGNED_IN),
    Entry("practical.submission", "GET", "/practice/submissions/{practical_submission}", OWN),
]


def extend_world(app, places: dict, people: dict) -> None:
    """A practice submission of the world's learner."""
    from practical import services

    path = FIXTURES / "iu04-bang-luong" / "sai-go-so.xlsx"
    submission = services.submit(people["learner"], services.task("iu04-bang-luong"), path.read_bytes(), path.name)
    places["practical_submission"] = submission.id
