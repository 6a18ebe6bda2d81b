"""Vietnamese text rules: NFC storage, diacritic-insensitive folding, name order and sorting."""
from __future__ import annotations

import unicodedata

_ALPHABET = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
# Tones in Vietnamese dictionary order: none, huyền, hỏi, ngã, sắc, nặng.
_TONE_MARKS = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}  # breve (ă), circumflex (â ê ô), horn (ơ ư)


def nfc(text: str | None) -> str:
    """Return ``text`` in Unicode NFC with surrounding blanks removed ('' for None).

    Some Vietnamese keyboards send decomposed (NFD) text; we always store NFC so that equal
    names compare equal.
    """
    if not text:
        return ""
    return unicodedata.normalize("NFC", text).strip()


def fold(text: str | None) -> str:
    """Lower-case ``text`` and strip every diacritic, mapping đ to d, for searching.

    ``fold("DỊCH VỤ CÔNG") == fold("dich vu cong") == "dich vu cong"``.
    """
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", text.lower().replace("đ", "d").replace("Đ", "d"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _word_key(word: str) -> tuple:
    """Sort key of one word: base letters in Vietnamese order first, then tones."""
    letters: list[int] = []
    tones: list[int] = []
    for composed in unicodedata.normalize("NFC", word.lower()):
        parts = unicodedata.normalize("NFD", composed)
        base, marks = parts[0], parts[1:]
        letter = base + "".join(m for m in marks if m in _LETTER_MARKS)
        letter = unicodedata.normalize("NFC", letter)
        index = _ALPHABET.find(letter)
        # Letters outside the Vietnamese alphabet (f, j, w, z, digits) sort after, by code point.
        letters.append(index if index >= 0 else len(_ALPHABET) + ord(letter))
        tones.append(max((_TONE_MARKS.get(m, 0) for m in marks), default=0))
    return (tuple(letters), tuple(tones))


def name_sort_key(full_name: str) -> tuple:
    """Sort key for a Vietnamese full name: given name, then middle names, then family name."""
    words = nfc(full_name).split()
    if not words:
        return ((), ())
    ordered = [words[-1], *words[1:-1], words[0]] if len(words) > 1 else words
    return tuple(_word_key(w) for w in ordered)


def given_name(full_name: str) -> str:
    """The given name: the last word of a Vietnamese full name."""
    words = nfc(full_name).split()
    return words[-1] if words else ""
