"""Readers that turn a checked office file into one model per family, whatever its format.

``document`` reads .docx (python-docx) and .odt (odfpy) into ``DocumentModel``; ``spreadsheet``
reads .xlsx (openpyxl) and .ods (odfpy) into ``WorkbookModel``; ``presentation`` reads .pptx
(python-pptx) and .odp (odfpy) into ``PresentationModel``. Graders and the ND30 checker work on
these models only, so a rule is written once for both formats.

Readers take an ``lms.officefile.OfficeFile`` (already checked, members bounded) and raise
``OfficeFileError("corrupt", reason="parse")`` when the library cannot make sense of the file.
"""
from __future__ import annotations

import functools
import logging
import re
import unicodedata
from collections.abc import Callable
from typing import TypeVar

from lxml import etree

from lms.officefile import OfficeFileError

log = logging.getLogger(__name__)
Model = TypeVar("Model")


def unreadable_as_corrupt(reader: Callable[..., Model]) -> Callable[..., Model]:
    """Turn any failure of the office library on a (checked) file into ``OfficeFileError("corrupt")``.

    The libraries raise many kinds of errors on damaged or hostile files (lxml syntax errors,
    KeyError for a missing part, IndexError, …). To the person who uploaded the file they all
    mean the same: it cannot be read. The original error is kept as the cause and logged.
    """

    @functools.wraps(reader)
    def read(*args, **kwargs) -> Model:
        try:
            return reader(*args, **kwargs)
        except OfficeFileError:
            raise
        except Exception as error:  # any library failure on the file means "cannot be read"
            log.info("unreadable office file: %r", error)
            raise OfficeFileError("corrupt", reason="parse") from error

    return read


# lxml parser for members we read ourselves: no entities, no network, no huge trees.
XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True)

_LENGTH_RE = re.compile(r"^\s*(-?[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*(cm|mm|in|inch|pt|pc|px|em|%)?\s*$")
_TO_CM = {"cm": 1.0, "mm": 0.1, "in": 2.54, "inch": 2.54, "pt": 2.54 / 72, "pc": 2.54 / 6, "px": 2.54 / 96}


def parse_xml(data: bytes) -> etree._Element:
    """Parse an XML member we read ourselves, or raise ``corrupt``."""
    try:
        return etree.fromstring(data, XML_PARSER)
    except etree.XMLSyntaxError as error:
        raise OfficeFileError("corrupt", reason="parse") from error


def length_cm(value: str | None) -> float | None:
    """An ODF/VML length ("2cm", "20mm", "0.5in", "12pt") in centimetres; None if absent or a percentage."""
    if not value:
        return None
    match = _LENGTH_RE.match(value)
    if not match or match.group(2) in ("%", "em"):
        return None
    return float(match.group(1)) * _TO_CM.get(match.group(2) or "px", _TO_CM["px"])


def length_pt(value: str | None) -> float | None:
    """Like ``length_cm`` but in points."""
    cm = length_cm(value)
    return None if cm is None else cm * 72 / 2.54


def percentage(value: str | None) -> float | None:
    """``"150%"`` → 1.5; None for anything else."""
    if value and value.strip().endswith("%"):
        try:
            return float(value.strip()[:-1]) / 100
        except ValueError:
            return None
    return None


def clean_text(text: str) -> str:
    """NFC text with non-breaking spaces made plain (as typed in office programs); blanks are kept."""
    return unicodedata.normalize("NFC", text).replace("\u00a0", " ").replace("\u202f", " ")
