"""Public certificate codes: 80 random bits people can read aloud and type, with a check character.

Codes use Crockford's base32 alphabet (no I, L, O, U), 16 random characters followed by a
Luhn mod 32 check character, shown in groups: ``7K3M-Q9XD-2F4H-WC8N-R``. The check character
catches every single mistyped character and most swaps of neighbours.
"""
from __future__ import annotations

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
# Letters people confuse with digits are read as the digits, as Crockford's scheme says.
_ALIASES = str.maketrans({"O": "0", "I": "1", "L": "1"})
RANDOM_LENGTH = 16  # 16 × 5 bits = 80 bits


def _check_character(payload: str) -> str:
    """Luhn mod 32 check character of ``payload``."""
    total, factor = 0, 2
    for ch in reversed(payload):
        addend = factor * _VALUE[ch]
        total += addend // 32 + addend % 32
        factor = 1 if factor == 2 else 2
    return ALPHABET[(32 - total % 32) % 32]


def new_code() -> str:
    """A fresh code (17 characters, without separators)."""
    payload = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_LENGTH))
    return payload + _check_character(payload)


def _canonical(raw: str) -> str:
    return "".join((raw or "").split()).replace("-", "").upper().translate(_ALIASES)


def _shaped(text: str) -> bool:
    return len(text) == RANDOM_LENGTH + 1 and all(ch in _VALUE for ch in text)


def normalise(raw: str) -> str | None:
    """The canonical form of a typed code, or None if it cannot be a valid code."""
    text = _canonical(raw)
    if not _shaped(text) or _check_character(text[:-1]) != text[-1]:
        return None
    return text


def problem(raw: str) -> str | None:
    """What is wrong with a typed code: None (a valid code), ``"checksum"`` (17 characters of the
    alphabet whose check character does not match: a typo) or ``"format"`` (not a code at all).

    Every lookup (the page, the JSON API, HR's bulk check) says the same thing from this.
    """
    text = _canonical(raw)
    if not _shaped(text):
        return "format"
    return None if _check_character(text[:-1]) == text[-1] else "checksum"


def display(code: str) -> str:
    """Group a code in fours for reading: ``7K3M-Q9XD-2F4H-WC8N-R``."""
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))
