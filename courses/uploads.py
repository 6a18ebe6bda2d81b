"""Checking and storing files authors upload to lessons.

Files are recognised by their content (magic bytes), not only their name; each kind has a
size limit; nothing is stored unless every check passes. SVG and HTML are refused: they can
carry scripts. Office files go through ``lms.officefile``: limits read from the archive's
directory (sizes, entry count, compression ratio) before any member is inflated, no macros,
no legacy binary formats. Refusals carry a code; ``upload_error_message`` words them.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from pathlib import Path

from flask_babel import gettext as _

from lms.officefile import OfficeFileError, inspect
from lms.officefile import error_message as office_error_message

MB = 1024 * 1024


class UploadError(ValueError):
    """The file is refused: ``code`` names the rule, ``params`` fill the message
    (``upload_error_message``); ``office`` is the office-file check's own refusal, if that was it."""

    def __init__(self, code: str, office: OfficeFileError | None = None, **params: object):
        super().__init__(code)
        self.code = code
        self.office = office
        self.params = params


def upload_error_message(error: UploadError) -> str:
    """The author's-language explanation of a refused upload."""
    if error.office is not None:
        return office_error_message(error.office)
    messages = {
        "kind": _("Loại tệp không hợp lệ."),
        "extension": _("Chỉ nhận tệp %(allowed)s.", allowed=error.params.get("allowed", "")),
        "empty": _("Tệp rỗng."),
        "too-large": _("Tệp vượt quá %(mb)s MB.", mb=error.params.get("mb", "")),
        "content": _("Nội dung tệp không phải %(type)s (có thể tệp bị đổi tên).", type=error.params.get("type", "")),
    }
    return messages.get(error.code, _("Tệp không hợp lệ."))


@dataclass(frozen=True)
class FileRule:
    """What a kind of upload accepts."""

    extensions: dict[str, str]  # extension → content type
    max_bytes: int


RULES = {
    "image": FileRule({"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif",
                       "webp": "image/webp"}, 5 * MB),
    "attachment": FileRule({"pdf": "application/pdf",
                            "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                            "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                            "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
                            "odt": "application/vnd.oasis.opendocument.text",
                            "ods": "application/vnd.oasis.opendocument.spreadsheet",
                            "odp": "application/vnd.oasis.opendocument.presentation"}, 20 * MB),
    "video": FileRule({"mp4": "video/mp4", "webm": "video/webm"}, 200 * MB),
    "captions": FileRule({"vtt": "text/vtt"}, 1 * MB),
}
LARGEST_UPLOAD = max(rule.max_bytes for rule in RULES.values())
OFFICE_EXTENSIONS = frozenset({"docx", "xlsx", "pptx", "odt", "ods", "odp"})


def _content_matches(extension: str, data: bytes) -> bool:
    if extension == "png":
        return data.startswith(b"\x89PNG\r\n\x1a\n")
    if extension in ("jpg", "jpeg"):
        return data.startswith(b"\xff\xd8\xff")
    if extension == "gif":
        return data.startswith((b"GIF87a", b"GIF89a"))
    if extension == "webp":
        return data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    if extension == "pdf":
        return data.startswith(b"%PDF-")
    if extension == "mp4":
        return data[4:8] == b"ftyp"
    if extension == "webm":
        return data.startswith(b"\x1a\x45\xdf\xa3")
    if extension == "vtt":
        try:
            return data.decode("utf-8-sig").startswith("WEBVTT")
        except UnicodeDecodeError:
            return False
    return False


def check_upload(kind: str, filename: str, data: bytes) -> tuple[str, str]:
    """Return (extension, content type) if ``data`` is an acceptable ``kind`` file, else raise."""
    rule = RULES.get(kind)
    if rule is None:
        raise UploadError("kind")
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension not in rule.extensions:
        raise UploadError("extension", allowed=", ".join(sorted(rule.extensions)))
    if not data:
        raise UploadError("empty")
    if len(data) > rule.max_bytes:
        raise UploadError("too-large", mb=rule.max_bytes // MB)
    if extension in OFFICE_EXTENSIONS:
        try:
            inspect(data, filename, accept=OFFICE_EXTENSIONS)
        except OfficeFileError as error:
            raise UploadError("office", office=error) from error
    elif not _content_matches(extension, data):
        raise UploadError("content", type=extension.upper())
    return extension, rule.extensions[extension]


def store(directory: Path, extension: str, data: bytes) -> tuple[str, str]:
    """Write ``data`` under a random name; return (stored name, sha256)."""
    directory.mkdir(parents=True, exist_ok=True)
    name = f"{secrets.token_hex(16)}.{extension}"
    temporary = directory / f".{name}.part"
    temporary.write_bytes(data)
    temporary.replace(directory / name)
    return name, hashlib.sha256(data).hexdigest()
