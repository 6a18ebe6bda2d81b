"""Events other features may react to without certificates knowing them."""
from blinker import Namespace

_signals = Namespace()

#: Sent with ``sender=certificate`` after a certificate is issued (flushed, not committed), and for
#: the replacement when one is reissued (``replaces=`` the old certificate; None on a first issue).
certificate_issued = _signals.signal("certificate-issued")
