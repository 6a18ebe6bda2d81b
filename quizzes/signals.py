"""Events other features may react to without quizzes knowing them."""
from blinker import Namespace

_signals = Namespace()

#: Sent with ``sender=attempt`` after an attempt is graded (flushed, not committed).
attempt_graded = _signals.signal("attempt-graded")

#: Sent with ``sender=session`` (an ExamSession) and ``user_ids=[...]`` after people are added to its
#: candidate list (flushed, not committed); only those newly added are named.
candidates_added = _signals.signal("candidates-added")

#: Sent with ``sender=session`` (an ExamSession) when its official results are released to the
#: candidates (after the board's approval).
results_released = _signals.signal("results-released")
