"""Events other features may react to without certificates knowing them."""
from blinker import Namespace

_signals = Namespace()

#: Sent with ``sender=certificate`` after a certificate is issued (flushed, not committed), and for
#: the replacement when one is reissued (``replaces=`` the old certificate; None on a first issue).
certificate_issued = _signals.signal("certificate-issued")

#: Sent with ``holder_ids=`` the accounts whose module attainments or certificates changed (recorded,
#: revoked, voided or replaced), flushed and not committed, so that whoever keeps something derived
#: from them (HR's stored standing) rewrites it in the same transaction.
evidence_changed = _signals.signal("evidence-changed")
