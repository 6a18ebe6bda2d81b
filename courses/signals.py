"""Events other features may react to without courses knowing them."""
from blinker import Namespace

_signals = Namespace()

#: Sent with ``sender=user`` and ``lesson=...`` after a lesson view is recorded (flushed).
lesson_viewed = _signals.signal("lesson-viewed")

#: Sent with ``sender=assignment`` after a course is assigned to a person, an agency or a position
#: (flushed, not committed).
course_assigned = _signals.signal("course-assigned")
