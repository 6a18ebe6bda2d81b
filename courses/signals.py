"""Events other features may react to without courses knowing them."""
from blinker import Namespace

_signals = Namespace()

#: Sent with ``sender=user`` and ``lesson=...`` after a lesson view is recorded (flushed).
lesson_viewed = _signals.signal("lesson-viewed")
