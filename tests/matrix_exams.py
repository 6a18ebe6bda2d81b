"""Routes of the exam as a process (issue 10): the result API, the exam board, candidate files,
monitoring, printed lists and the revocation's confirmation."""
from __future__ import annotations

from tests.matrix import Access, Entry

EXAMINER_SESSION = Access(roles=("examiner",), scoped=("examiner",))
BOARD_SESSION = Access(roles=("examiner", "board_chair"), scoped=("examiner", "board_chair"))
OWN_JSON = Access(owner="learner", only_owner=True, json=True)

ENTRIES = [
    Entry("quizzes.api_result", "GET", "/api/v1/attempts/{done}/result", OWN_JSON),
    Entry("quizzes.exam_board", "POST", "/exams/{session}/board", EXAMINER_SESSION,
          {"members": "Đặng Văn Hùng — Chủ tịch"}),
]
ENTRIES += [
    Entry("quizzes.exam_candidates_template", "GET", "/exams/candidates-template.xlsx", Access(roles=("examiner",))),
    Entry("quizzes.exam_monitor", "GET", "/exams/{session}/monitor", EXAMINER_SESSION),
    Entry("quizzes.exam_monitor_data", "GET", "/exams/{session}/monitor.json", EXAMINER_SESSION),
    Entry("certificates.exam_attendance_pdf", "GET", "/exams/{session}/attendance.pdf", BOARD_SESSION),
    Entry("certificates.exam_results_pdf", "GET", "/exams/{session}/results.pdf", BOARD_SESSION),
    Entry("certificates.exam_results_xlsx", "GET", "/exams/{session}/results.xlsx", BOARD_SESSION),
]
