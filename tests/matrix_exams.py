"""Routes of the exam as a process (issue 10): the result API, the exam board, candidate files,
monitoring, printed lists and the revocation's confirmation."""
from __future__ import annotations

from tests.matrix import Access, Entry

EXAMINER_SESSION = Access(roles=("examiner",), scoped=("examiner",))
OWN_JSON = Access(owner="learner", only_owner=True, json=True)

ENTRIES = [
    Entry("quizzes.api_result", "GET", "/api/v1/attempts/{done}/result", OWN_JSON),
    Entry("quizzes.exam_board", "POST", "/exams/{session}/board", EXAMINER_SESSION,
          {"members": "Đặng Văn Hùng — Chủ tịch"}),
]
