"""Who may see and act on practical submissions (registered with ``lms.permissions``)."""
from __future__ import annotations


def register() -> None:
    """Register the policies of the package's scoped models."""
