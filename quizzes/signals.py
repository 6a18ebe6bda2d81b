"""Events other features may react to without quizzes knowing them."""
from blinker import Namespace

_signals = Namespace()

#: Sent with ``sender=attempt`` after an attempt is graded (flushed, not committed).
attempt_graded = _signals.signal("attempt-graded")
