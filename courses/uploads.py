"""Checking and storing files authors upload to lessons.

Files are recognised by their content (magic bytes), not only their name; each kind has a
size limit; nothing is stored unless every check passes. SVG and HTML are refused: they can
carry scripts.
"""
from __future__ import annotations

import hashlib
import io
import secrets
import zipfile
from dataclasses import dataclass
from pathlib import Path

MB = 1024 * 1024


class UploadError(ValueError):
    """The file is refused; the message (Vietnamese) says why."""


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
    if extension in ("docx", "xlsx", "pptx", "odt", "ods", "odp"):
        return _office_zip_matches(extension, data)
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


def _office_zip_matches(extension: str, data: bytes) -> bool:
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if extension in ("odt", "ods", "odp"):
                return "mimetype" in names and archive.read("mimetype").startswith(b"application/vnd.oasis")
            part = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml", "pptx": "ppt/presentation.xml"}[extension]
            return "[Content_Types].xml" in names and part in names
    except (zipfile.BadZipFile, KeyError, ValueError):
        return False


def check_upload(kind: str, filename: str, data: bytes) -> tuple[str, str]:
    """Return (extension, content type) if ``data`` is an acceptable ``kind`` file, else raise."""
    rule = RULES.get(kind)
    if rule is None:
        raise UploadError("Loại tệp không hợp lệ.")
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension not in rule.extensions:
        raise UploadError(f"Chỉ nhận tệp {', '.join(sorted(rule.extensions))}.")
    if not data:
        raise UploadError("Tệp rỗng.")
    if len(data) > rule.max_bytes:
        raise UploadError(f"Tệp vượt quá {rule.max_bytes // MB} MB.")
    if not _content_matches(extension, data):
        raise UploadError(f"Nội dung tệp không phải {extension.upper()} (có thể tệp bị đổi tên).")
    return extension, rule.extensions[extension]


def store(directory: Path, extension: str, data: bytes) -> tuple[str, str]:
    """Write ``data`` under a random name; return (stored name, sha256)."""
    directory.mkdir(parents=True, exist_ok=True)
    name = f"{secrets.token_hex(16)}.{extension}"
    temporary = directory / f".{name}.part"
    temporary.write_bytes(data)
    temporary.replace(directory / name)
    return name, hashlib.sha256(data).hexdigest()
