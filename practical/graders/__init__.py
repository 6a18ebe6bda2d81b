"""One grader per format family: it reads a check (data) and the file's model, and says what it found.

``documents`` (.docx/.odt), ``spreadsheets`` (.xlsx/.ods), ``presentations`` (.pptx/.odp). Each
exposes ``evaluate(model, check) -> Outcome``. An outcome carries a finding code and its
parameters (rendered later, in the reader's language, by ``practical.messages``) and where in the
file the finding is.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Location:
    """Where in the file a check looked (or found the problem)."""

    kind: str  # paragraph | table | header | footer | page | document | sheet | cell | range | chart | slide
    ref: str | int | None = None  # paragraph or slide number, table number, "F12", "A2:F11"
    sheet: str | None = None
    snippet: str = ""  # the start of the paragraph's text

    def to_dict(self) -> dict:
        """JSON-ready form."""
        return {k: v for k, v in self.__dict__.items() if v not in (None, "")}

    @classmethod
    def from_dict(cls, data: dict) -> Location:
        """Inverse of ``to_dict``."""
        return cls(**data)


@dataclass(frozen=True)
class Outcome:
    """What a grader concluded for one check."""

    passed: bool
    finding: str  # code in practical.messages.FINDINGS
    params: dict = field(default_factory=dict)
    location: Location | None = None


def passed(location: Location | None = None, **params) -> Outcome:
    """A check met."""
    return Outcome(True, "ok", params, location)


def failed(finding: str, location: Location | None = None, **params) -> Outcome:
    """A check not met, with what was found."""
    return Outcome(False, finding, params, location)


def normalise(text: str | None) -> str:
    """Text compared the way a person reads it: NFC, spacing collapsed, case ignored."""
    return " ".join(unicodedata.normalize("NFC", text or "").split()).casefold()


def number_text(value: float) -> str:
    """A number as a Vietnamese reader writes it (decimal comma, no trailing zeros)."""
    text = f"{value:,.4f}".rstrip("0").rstrip(".")
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")
