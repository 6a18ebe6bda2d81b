"""Checking an uploaded office file before any part of it is read.

An office file is a ZIP archive (OOXML: .docx/.xlsx/.pptx; ODF: .odt/.ods/.odp). A hostile one can
be an archive bomb (a few hundred kilobytes that inflate to gigabytes), can carry macros, can be
an encrypted package or a legacy binary file renamed to look new. ``inspect`` decides all of that
from the file's signature and the ZIP central directory alone, before any member is inflated:

- the real format comes from the content (``[Content_Types].xml`` for OOXML, the ``mimetype``
  member for ODF, the OLE2 signature and stream names for legacy and encrypted files), never from
  the name; a name whose extension does not match the content is refused;
- the archive limits (entries, declared sizes, compression ratio) are read from ``ZipInfo``
  (``file_size``, ``compress_size``), which ``zipfile`` takes from the central directory without
  inflating anything;
- members are then read only through ``read_member``, which inflates in small chunks and stops at
  the declared size, so a member whose directory entry lies about its size cannot grow in memory.

``OfficeFile.package()`` rebuilds the archive from members read that way (stored, uncompressed),
so the office libraries that parse it afterwards (python-docx, openpyxl, python-pptx, odfpy)
only ever see members of known, bounded size and never inflate a bomb themselves.

Errors are ``OfficeFileError`` with a ``code`` and parameters; ``error_message`` turns them into
a Vietnamese, gettext-marked sentence for the person who uploaded the file.
"""
from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from collections.abc import Collection, Iterable
from typing import cast
from dataclasses import dataclass, field

import olefile
from flask_babel import lazy_gettext as _l

MiB = 1024 * 1024
_CHUNK = 64 * 1024
_OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")
# Small members read to recognise the format; real ones are a few hundred bytes to a few KB.
_SMALL_MEMBER = 1 * MiB


class OfficeFileError(Exception):
    """An uploaded file refused before it is read; ``code`` names why, ``params`` give the details.

    Codes: ``empty``, ``not-office``, ``legacy-format``, ``encrypted``, ``macro``,
    ``extension-mismatch``, ``not-accepted``, ``too-large``, ``too-many-entries``, ``ratio``,
    ``unsafe-xml``, ``corrupt``. ``error_message`` gives the sentence shown to a person.
    """

    def __init__(self, code: str, **params: object):
        super().__init__(f"{code} {params}" if params else code)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class Limits:
    """Bounds an upload must keep (sizes in bytes). The defaults suit exam and lesson files."""

    max_upload: int = 20 * MiB  # the file as sent
    max_total: int = 100 * MiB  # sum of the members' declared uncompressed sizes
    max_member: int = 50 * MiB  # one member's declared uncompressed size
    max_entries: int = 2_000
    max_ratio: float = 100.0  # uncompressed / compressed, for members above ``ratio_floor``
    ratio_floor: int = 1 * MiB


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class Kind:
    """A recognised office format."""

    extension: str  # also the kind's name
    family: str  # document | spreadsheet | presentation
    container: str  # ooxml | odf


KINDS: dict[str, Kind] = {k.extension: k for k in (
    Kind("docx", "document", "ooxml"), Kind("dotx", "document", "ooxml"),
    Kind("xlsx", "spreadsheet", "ooxml"), Kind("xltx", "spreadsheet", "ooxml"),
    Kind("pptx", "presentation", "ooxml"), Kind("ppsx", "presentation", "ooxml"),
    Kind("potx", "presentation", "ooxml"),
    Kind("odt", "document", "odf"), Kind("ott", "document", "odf"),
    Kind("ods", "spreadsheet", "odf"), Kind("ots", "spreadsheet", "odf"),
    Kind("odp", "presentation", "odf"), Kind("otp", "presentation", "odf"),
)}
# What a practical task or a lesson normally accepts: the six everyday formats.
EVERYDAY_KINDS = frozenset({"docx", "xlsx", "pptx", "odt", "ods", "odp"})
# The everyday format each family is saved as when a file must be saved again.
SAVE_AS = {"document": "docx", "spreadsheet": "xlsx", "presentation": "pptx"}

_OOXML = "application/vnd.openxmlformats-officedocument."
_OOXML_MAIN = {
    _OOXML + "wordprocessingml.document.main+xml": "docx",
    _OOXML + "wordprocessingml.template.main+xml": "dotx",
    _OOXML + "spreadsheetml.sheet.main+xml": "xlsx",
    _OOXML + "spreadsheetml.template.main+xml": "xltx",
    _OOXML + "presentationml.presentation.main+xml": "pptx",
    _OOXML + "presentationml.slideshow.main+xml": "ppsx",
    _OOXML + "presentationml.template.main+xml": "potx",
}
# Main parts of macro-enabled and binary OOXML packages: (family, extension people know).
_OOXML_MACRO_MAIN = {
    "application/vnd.ms-word.document.macroenabled.main+xml": ("document", "docm"),
    "application/vnd.ms-word.template.macroenabledtemplate.main+xml": ("document", "dotm"),
    "application/vnd.ms-excel.sheet.macroenabled.main+xml": ("spreadsheet", "xlsm"),
    "application/vnd.ms-excel.template.macroenabled.main+xml": ("spreadsheet", "xltm"),
    "application/vnd.ms-excel.addin.macroenabled.main+xml": ("spreadsheet", "xlam"),
    "application/vnd.ms-powerpoint.presentation.macroenabled.main+xml": ("presentation", "pptm"),
    "application/vnd.ms-powerpoint.slideshow.macroenabled.main+xml": ("presentation", "ppsm"),
    "application/vnd.ms-powerpoint.template.macroenabled.main+xml": ("presentation", "potm"),
}
_XLSB_MAIN = "application/vnd.ms-excel.sheet.binary.macroenabled.main"
_ODF_MIMETYPES = {
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.text-template": "ott",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.spreadsheet-template": "ots",
    "application/vnd.oasis.opendocument.presentation": "odp",
    "application/vnd.oasis.opendocument.presentation-template": "otp",
}
# Legacy binary formats by the OLE2 stream that holds their content.
_OLE_STREAMS = {"worddocument": "document", "workbook": "spreadsheet", "book": "spreadsheet",
                "powerpoint document": "presentation"}
_LEGACY_EXTENSIONS = {"doc": "document", "dot": "document", "rtf": "document", "xls": "spreadsheet",
                      "xlt": "spreadsheet", "ppt": "presentation", "pps": "presentation", "pot": "presentation"}
_CONTENT_TYPE_RE = re.compile(rb'ContentType\s*=\s*["\']([^"\']+)["\']')


def extension_of(filename: str) -> str:
    """The lower-case extension of ``filename`` without its dot ('' when there is none)."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


@dataclass
class OfficeFile:
    """An upload that passed every check: its format and the archive's directory.

    Members are read with ``read`` (bounded); ``package()`` gives the whole archive rebuilt from
    bounded reads, which is what the office libraries should open.
    """

    kind: Kind
    filename: str
    data: bytes
    limits: Limits
    entries: tuple[zipfile.ZipInfo, ...]
    _package: bytes | None = field(default=None, init=False, repr=False)

    @property
    def family(self) -> str:
        """document, spreadsheet or presentation."""
        return self.kind.family

    @property
    def names(self) -> list[str]:
        """The member names, in archive order."""
        return [info.filename for info in self.entries]

    def read(self, name: str, limit: int | None = None) -> bytes:
        """The inflated bytes of member ``name``, never more than its declared size (or ``limit``)."""
        info = next((i for i in self.entries if i.filename == name), None)
        if info is None:
            raise OfficeFileError("corrupt", reason="missing-member", member=name)
        with zipfile.ZipFile(io.BytesIO(self.data)) as archive:
            return read_member(archive, info, limit if limit is not None else self.limits.max_member)

    def package(self) -> bytes:
        """The archive rebuilt from bounded reads of every member (stored, so opening it inflates nothing).

        XML members are refused if they declare a DTD or entities (office formats never do; an
        entity-expansion bomb does). Computed once and kept.
        """
        if self._package is None:
            out = io.BytesIO()
            with zipfile.ZipFile(io.BytesIO(self.data)) as archive, \
                    zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as rebuilt:
                for info in self.entries:
                    if info.is_dir():
                        continue
                    body = read_member(archive, info, self.limits.max_member)
                    if info.filename.lower().endswith((".xml", ".rels")) and _declares_dtd(body):
                        raise OfficeFileError("unsafe-xml", member=info.filename)
                    clean = zipfile.ZipInfo(info.filename)  # a fixed time: a bad one in the upload cannot fail here
                    rebuilt.writestr(clean, body)
            self._package = out.getvalue()
        return self._package

    def stream(self) -> io.BytesIO:
        """``package()`` as a fresh file object, for libraries that take one."""
        return io.BytesIO(self.package())


def _declares_dtd(body: bytes) -> bool:
    """Whether an XML member declares a DTD or entities anywhere (a comment before it cannot hide it)."""
    return b"<!DOCTYPE" in body or b"<!ENTITY" in body


def read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    """Inflate one member in chunks, refusing it as soon as it passes its declared size or ``limit``.

    ``zipfile`` already stops a member at its declared size and checks its CRC at the end; reading
    in chunks keeps each inflation step small too, so even a directory entry that lies cannot make
    one call inflate a bomb into memory.
    """
    if info.file_size > limit:
        raise OfficeFileError("too-large", scope="member", member=info.filename, size=info.file_size, limit=limit)
    out = bytearray()
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(_CHUNK):
                out += chunk
                if len(out) > info.file_size or len(out) > limit:
                    raise OfficeFileError("ratio", member=info.filename)
    except OfficeFileError:
        raise
    except RuntimeError as error:  # zipfile: "File ... is encrypted, password required"
        raise OfficeFileError("encrypted") from error
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError) as error:
        raise OfficeFileError("corrupt", reason="member", member=info.filename) from error
    if len(out) != info.file_size:
        raise OfficeFileError("corrupt", reason="size", member=info.filename)
    return bytes(out)


def inspect(data: bytes, filename: str, *, accept: Collection[str] | None = EVERYDAY_KINDS,
            limits: Limits = DEFAULT_LIMITS) -> OfficeFile:
    """Check ``data`` (uploaded as ``filename``) and return what it is, or raise ``OfficeFileError``.

    ``accept`` lists the kinds (extensions) the caller takes; ``None`` takes every recognised
    kind. No member is inflated beyond the few bytes that name the format.
    """
    extension = extension_of(filename)
    if not data:
        raise OfficeFileError("empty")
    if len(data) > limits.max_upload:
        raise OfficeFileError("too-large", scope="upload", size=len(data), limit=limits.max_upload)
    if data.startswith(_OLE2_SIGNATURE):
        raise _ole2_error(data, extension)
    if data.startswith(b"{\\rtf"):
        raise OfficeFileError("legacy-format", family="document", extension=extension or "rtf",
                              save_as=SAVE_AS["document"])
    if not data.startswith(_ZIP_SIGNATURES):
        raise OfficeFileError("not-office", extension=extension)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError, NotImplementedError) as error:
        raise OfficeFileError("corrupt", reason="archive") from error
    with archive:
        entries = tuple(archive.infolist())
        _check_directory(entries, limits)
        kind = _recognise(archive, entries, extension)
    if kind.extension != extension:
        raise OfficeFileError("extension-mismatch", extension=extension, actual=kind.extension)
    if accept is not None and kind.extension not in accept:
        raise OfficeFileError("not-accepted", extension=kind.extension, accepted=sorted(accept))
    return OfficeFile(kind=kind, filename=filename, data=data, limits=limits, entries=entries)


def _check_directory(entries: tuple[zipfile.ZipInfo, ...], limits: Limits) -> None:
    """Refuse the archive on what its central directory declares; nothing is inflated here."""
    if len(entries) > limits.max_entries:
        raise OfficeFileError("too-many-entries", count=len(entries), limit=limits.max_entries)
    seen: set[str] = set()
    total = 0
    for info in entries:
        if info.filename in seen:  # two members of one name: readers disagree on which is meant
            raise OfficeFileError("corrupt", reason="duplicate", member=info.filename)
        seen.add(info.filename)
        if info.flag_bits & 0x1:
            raise OfficeFileError("encrypted")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise OfficeFileError("corrupt", reason="compression", member=info.filename)
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > limits.ratio_floor and ratio > limits.max_ratio:
            raise OfficeFileError("ratio", member=info.filename, ratio=round(ratio), limit=limits.max_ratio)
        if info.file_size > limits.max_member:
            raise OfficeFileError("too-large", scope="member", member=info.filename, size=info.file_size,
                                  limit=limits.max_member)
        total += info.file_size
        if total > limits.max_total:
            raise OfficeFileError("too-large", scope="total", size=total, limit=limits.max_total)


def _recognise(archive: zipfile.ZipFile, entries: tuple[zipfile.ZipInfo, ...], extension: str) -> Kind:
    """The kind of a ZIP archive that passed the directory checks, or the reason it is refused."""
    by_name = {info.filename: info for info in entries}
    if "mimetype" in by_name:
        mimetype = read_member(archive, by_name["mimetype"], 256).decode("ascii", "replace").strip()
        kind_name = _ODF_MIMETYPES.get(mimetype)
        if kind_name is None:
            raise OfficeFileError("not-office", extension=extension)
        kind = KINDS[kind_name]
        manifest = by_name.get("META-INF/manifest.xml")
        if manifest is not None and b"encryption-data" in read_member(archive, manifest, _SMALL_MEMBER):
            raise OfficeFileError("encrypted")
        # LibreOffice keeps Basic macros under Basic/ and script macros under Scripts/.
        if any(name.startswith(("Basic/", "Scripts/")) for name in by_name):
            raise OfficeFileError("macro", family=kind.family, extension=extension, save_as=kind.extension)
        if "content.xml" not in by_name:
            raise OfficeFileError("corrupt", reason="missing-member", member="content.xml")
        return kind
    if "[Content_Types].xml" in by_name:
        content_types = read_member(archive, by_name["[Content_Types].xml"], _SMALL_MEMBER)
        types = [t.decode("utf-8", "replace").strip().lower() for t in _CONTENT_TYPE_RE.findall(content_types)]
        for content_type in types:
            if content_type in _OOXML_MACRO_MAIN:
                family, macro_extension = _OOXML_MACRO_MAIN[content_type]
                raise OfficeFileError("macro", family=family, extension=macro_extension, save_as=SAVE_AS[family])
            if content_type.startswith(_XLSB_MAIN):
                raise OfficeFileError("legacy-format", family="spreadsheet", extension="xlsb", save_as="xlsx")
        main = next((_OOXML_MAIN[t] for t in types if t in _OOXML_MAIN), None)
        if main is None:
            raise OfficeFileError("not-office", extension=extension)
        kind = KINDS[main]
        # A package can hold a VBA project whatever its main part says.
        if "application/vnd.ms-office.vbaproject" in types or any(
                name.lower().endswith(("vbaproject.bin", "vbadata.xml")) for name in by_name):
            raise OfficeFileError("macro", family=kind.family, extension=extension, save_as=SAVE_AS[kind.family])
        return kind
    raise OfficeFileError("not-office", extension=extension)


def _ole2_error(data: bytes, extension: str) -> OfficeFileError:
    """Why an OLE2 compound file is refused: an encrypted OOXML package, or a legacy binary file."""
    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            streams = {"/".join(path).lower() for path in ole.listdir(streams=True, storages=False)}
    except (OSError, ValueError, IndexError, TypeError, struct.error):  # olefile on a damaged container
        return OfficeFileError("corrupt", reason="ole2")
    if {"encryptioninfo", "encryptedpackage"} <= streams:
        return OfficeFileError("encrypted")
    family = next((fam for stream, fam in _OLE_STREAMS.items() if stream in streams), None)
    family = family or _LEGACY_EXTENSIONS.get(extension)
    if family is None:
        return OfficeFileError("not-office", extension=extension)
    return OfficeFileError("legacy-format", family=family, extension=extension, save_as=SAVE_AS[family])



# Messages -----------------------------------------------------------------------------------------
# Message ids are Vietnamese; the English catalogue translates them. Parameters are filled in by
# ``error_message`` (sizes in MB with a decimal comma, lists joined).

_MESSAGES = {
    "empty": _l("Tệp rỗng: không có nội dung nào."),
    "not-office": _l("Tệp này không phải văn bản, bảng tính hay bài trình chiếu của Word, Excel, PowerPoint "
                     "hoặc LibreOffice. Hãy chọn đúng tệp rồi gửi lại."),
    "legacy-format": _l("Tệp .%(extension)s là định dạng cũ, hệ thống không đọc được: hãy lưu lại dưới dạng "
                        ".%(save_as)s (mở tệp, chọn Tệp > Lưu thành) rồi gửi lại."),
    "encrypted": _l("Tệp được đặt mật khẩu (mã hóa) nên hệ thống không đọc được. Hãy gỡ mật khẩu "
                    "(Tệp > Thông tin > Bảo vệ) rồi gửi lại."),
    "macro": _l("Tệp có chứa macro (.%(extension)s). Vì an toàn, hệ thống không nhận tệp có macro; "
                "hãy lưu lại dưới dạng .%(save_as)s (không macro) rồi gửi lại."),
    "extension-mismatch": _l("Tên tệp có đuôi .%(extension)s nhưng nội dung là tệp .%(actual)s. Hãy lưu lại "
                             "tệp với đúng đuôi .%(actual)s rồi gửi lại."),
    "not-accepted": _l("Tệp .%(extension)s không được nhận ở đây. Chỉ nhận: %(accepted)s."),
    "too-large-upload": _l("Tệp nặng %(size)s MB, vượt quá giới hạn %(limit)s MB."),
    "too-large-total": _l("Nội dung tệp khi giải nén vượt quá %(limit)s MB. Tệp có thể bị hỏng hoặc "
                          "chứa quá nhiều hình ảnh lớn; hãy giảm dung lượng rồi gửi lại."),
    "too-large-member": _l("Một thành phần trong tệp (%(member)s) khi giải nén vượt quá %(limit)s MB. "
                           "Hãy giảm dung lượng hình ảnh hoặc dữ liệu nhúng rồi gửi lại."),
    "too-many-entries": _l("Tệp có quá nhiều thành phần (%(count)s, tối đa %(limit)s). Tệp có thể bị "
                           "hỏng hoặc không phải tệp văn phòng thông thường."),
    "ratio": _l("Tệp bị nén bất thường (có thể là tệp độc hại dạng \"bom nén\"), nên hệ thống không mở."),
    "unsafe-xml": _l("Tệp chứa khai báo XML không được phép trong tệp văn phòng, nên hệ thống không mở."),
    "corrupt": _l("Tệp bị hỏng hoặc không đọc được. Hãy mở tệp bằng phần mềm văn phòng, lưu lại "
                  "rồi gửi lại."),
}


def _megabytes(size: object) -> str:
    return f"{int(size) / MiB:.1f}".replace(".", ",") if isinstance(size, int) else str(size)


def error_message(error: OfficeFileError) -> str:
    """The sentence (Vietnamese message id, translated for the reader) explaining why a file was refused."""
    params = dict(error.params)
    key = error.code
    if key == "too-large":
        key = f"too-large-{params.get('scope', 'upload')}"
        params["size"] = _megabytes(params.get("size"))
        params["limit"] = _megabytes(params.get("limit"))
    if "accepted" in params:
        params["accepted"] = ", ".join(f".{a}" for a in cast(Iterable[str], params["accepted"]))
    template = _MESSAGES.get(key, _MESSAGES["corrupt"])
    params.setdefault("extension", "")
    return str(template) % params
