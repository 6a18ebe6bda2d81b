"""lms.officefile: formats recognised by content, archive bombs refused from the directory alone."""
from __future__ import annotations

import io
import tracemalloc
import zipfile
from pathlib import Path

import docx
import pytest
from msoffcrypto.format.ooxml import OOXMLFile
from odf.opendocument import OpenDocumentSpreadsheet, OpenDocumentText
from odf.text import P

from lms import officefile
from lms.officefile import Limits, OfficeFileError, error_message, inspect, read_member

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "officefile"
MiB = 1024 * 1024


def _docx_bytes(text: str = "Xin chào") -> bytes:
    document = docx.Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _odt_bytes() -> bytes:
    document = OpenDocumentText()
    document.text.addElement(P(text="Xin chào"))
    out = io.BytesIO()
    document.write(out)
    return out.getvalue()


def _rezip(data: bytes, *, replace: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None) -> bytes:
    """``data`` (a ZIP) with some members replaced and others added."""
    replace, add = replace or {}, add or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, replace.get(info.filename, source.read(info)))
        for name, body in add.items():
            target.writestr(name, body)
    return out.getvalue()


def _refused(data: bytes, filename: str, **kwargs) -> OfficeFileError:
    with pytest.raises(OfficeFileError) as caught:
        inspect(data, filename, **kwargs)
    return caught.value


def test_recognises_the_six_everyday_formats_by_content():
    out = io.BytesIO()
    OpenDocumentSpreadsheet().write(out)
    assert inspect(_docx_bytes(), "bai-lam.docx").kind.extension == "docx"
    assert inspect(_odt_bytes(), "Bài làm.ODT").kind.family == "document"
    assert inspect(out.getvalue(), "bang.ods").kind.extension == "ods"
    for name in ("bang-luong.xlsx", "trinh-chieu.pptx"):
        path = FIXTURES / name
        assert inspect(path.read_bytes(), name).kind.extension == name.rsplit(".", 1)[1]


def test_extension_that_does_not_match_the_content_is_refused():
    error = _refused(_docx_bytes(), "bang-tinh.xlsx")
    assert (error.code, error.params["actual"]) == ("extension-mismatch", "docx")
    assert ".docx" in error_message(error) and ".xlsx" in error_message(error)
    assert _refused(_docx_bytes(), "khong-duoi").code == "extension-mismatch"


def test_kinds_outside_accept_are_refused():
    error = _refused(_docx_bytes(), "a.docx", accept={"xlsx", "ods"})
    assert error.code == "not-accepted"
    assert ".ods, .xlsx" in error_message(error)


@pytest.mark.parametrize(("name", "save_as"), [("cu.doc", "docx"), ("cu.xls", "xlsx"), ("cu.ppt", "pptx")])
def test_legacy_binary_files_are_refused_with_the_format_to_save_as(name, save_as):
    data = (FIXTURES / name).read_bytes()
    assert data.startswith(b"\xd0\xcf\x11\xe0")
    error = _refused(data, name)
    assert error.code == "legacy-format" and error.params["save_as"] == save_as
    assert f"hãy lưu lại dưới dạng .{save_as}" in error_message(error).lower()
    # renamed to look new, it is still the old format
    assert _refused(data, "moi." + save_as).code == "legacy-format"


def test_rtf_renamed_doc_is_a_legacy_document():
    assert _refused(b"{\\rtf1\\ansi Xin chao}", "van-ban.doc").params["save_as"] == "docx"


def test_encrypted_ooxml_is_refused_as_encrypted():
    encrypted = io.BytesIO()
    OOXMLFile(io.BytesIO(_docx_bytes())).encrypt("matkhau123", encrypted)
    error = _refused(encrypted.getvalue(), "bai-lam.docx")
    assert error.code == "encrypted"
    assert "mật khẩu" in error_message(error)


def test_encrypted_odf_and_zip_encryption_are_refused():
    manifest = (b'<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:'
                b'opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="content.xml" '
                b'manifest:media-type="text/xml"><manifest:encryption-data manifest:checksum-type="SHA1/1K"/>'
                b"</manifest:file-entry></manifest:manifest>")
    odt = _rezip(_odt_bytes(), replace={"META-INF/manifest.xml": manifest})
    assert _refused(odt, "a.odt").code == "encrypted"
    # the ZIP "encrypted" flag on a member (traditional ZIP password)
    data = bytearray(_docx_bytes())
    central = data.find(b"PK\x01\x02")
    data[central + 8] |= 0x1  # general purpose bit flag of the first central directory entry
    assert _refused(bytes(data), "a.docx").code == "encrypted"


@pytest.mark.parametrize("main_type", [
    "application/vnd.ms-word.document.macroEnabled.main+xml",
    None,  # a .docx whose content types are plain but which carries a VBA project
])
def test_macro_enabled_word_files_are_refused(main_type):
    data = _docx_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        types = archive.read("[Content_Types].xml").decode()
    replace = {}
    if main_type:
        types = types.replace("application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
                              main_type)
        replace["[Content_Types].xml"] = types.encode()
    macro = _rezip(data, replace=replace, add={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0 not run"})
    for name in ("bai-lam.docm", "bai-lam.docx"):
        error = _refused(macro, name)
        assert error.code == "macro" and error.params["save_as"] == "docx"
        assert "macro" in error_message(error) and ".docx" in error_message(error)


def test_macro_enabled_workbook_and_odf_basic_macros_are_refused():
    xlsm = (FIXTURES / "bang-luong.xlsx").read_bytes()
    with zipfile.ZipFile(io.BytesIO(xlsm)) as archive:
        types = archive.read("[Content_Types].xml").decode()
    types = types.replace("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                          "application/vnd.ms-excel.sheet.macroEnabled.main+xml")
    error = _refused(_rezip(xlsm, replace={"[Content_Types].xml": types.encode()}), "luong.xlsm")
    assert (error.code, error.params["extension"], error.params["save_as"]) == ("macro", "xlsm", "xlsx")
    odt = _rezip(_odt_bytes(), add={"Basic/Standard/Module1.xml": b"<script/>"})
    assert _refused(odt, "a.odt").code == "macro"


@pytest.mark.parametrize("data", [
    b"%PDF-1.7 not an office file",
    b"\x89PNG\r\n\x1a\n....",
    b"PK\x03\x04 truncated",
    b"",
])
def test_other_content_is_refused_with_a_code(data):
    error = _refused(data, "x.docx")
    assert error.code in {"not-office", "corrupt", "empty"}
    assert error_message(error)


def test_a_zip_that_is_not_an_office_file_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert _refused(out.getvalue(), "a.docx").code == "not-office"


def test_truncated_docx_is_corrupt():
    data = _docx_bytes()
    assert _refused(data[: len(data) // 2], "a.docx").code == "corrupt"


def test_damaged_member_is_found_when_read_not_before():
    data = bytearray(_docx_bytes())
    start = data.find(b"word/document.xml") + len(b"word/document.xml")  # compressed data follows the name
    for offset in range(start + 10, start + 60):
        data[offset] ^= 0x5A
    checked = inspect(bytes(data), "a.docx")
    with pytest.raises(OfficeFileError) as caught:
        checked.package()
    assert caught.value.code == "corrupt"


def test_upload_size_limit():
    error = _refused(_docx_bytes(), "a.docx", limits=Limits(max_upload=1000))
    assert error.code == "too-large" and error.params["scope"] == "upload"
    assert "MB" in error_message(error)


def test_too_many_entries_are_refused_from_the_directory():
    data = _rezip(_docx_bytes(), add={f"extra/item{i}.xml": b"<a/>" for i in range(2001)})
    error = _refused(data, "a.docx")
    assert (error.code, error.params["limit"]) == ("too-many-entries", 2000)


def _bomb(size: int, *, members: int = 1, level: int = 9) -> bytes:
    """A .docx whose extra members are ``size`` bytes of zeros each, compressed as hard as deflate can."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(_docx_bytes())) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info))
        chunk = bytes(MiB)
        for number in range(members):
            with target.open(f"word/media/image{number}.bin", "w") as stream:
                for _ in range(size // MiB):
                    stream.write(chunk)
    return out.getvalue()


def test_100kb_file_inflating_to_100mb_is_refused_without_inflating():
    bomb = _bomb(100 * MiB)
    assert len(bomb) < 200 * 1024
    tracemalloc.start()
    try:
        error = _refused(bomb, "bom.docx")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert error.code == "ratio" and error.params["member"] == "word/media/image0.bin"
    assert peak < 5 * MiB  # the directory was read; the member was not inflated
    assert "bom nén" in error_message(error)


@pytest.fixture(scope="module")
def gigabyte_bomb() -> bytes:
    """About 1 MB that inflates to 1 GiB: 21 members of 50 MB, each just under the per-member limit."""
    return _bomb(50 * MiB, members=21, level=6)


def test_1mb_docx_inflating_to_1gib_is_refused(gigabyte_bomb):
    assert len(gigabyte_bomb) < 1.5 * MiB
    lenient = Limits(max_ratio=10_000)  # even if the ratio were allowed, the total is not
    error = _refused(gigabyte_bomb, "bom.docx", limits=lenient)
    assert error.code == "too-large" and error.params["scope"] == "total"
    assert _refused(gigabyte_bomb, "bom.docx").code == "ratio"


def _lying_directory(real_size: int, declared_size: int) -> bytes:
    """A .docx with a member whose central directory entry declares less than it inflates to."""
    data = bytearray(_bomb(real_size))
    name = b"word/media/image0.bin"
    entry = data.rfind(b"PK\x01\x02", 0, data.rfind(name))
    assert int.from_bytes(data[entry + 24:entry + 28], "little") == real_size  # uncompressed size field
    data[entry + 24:entry + 28] = declared_size.to_bytes(4, "little")
    return bytes(data)


def test_bounded_reader_never_inflates_past_the_declared_size():
    data = _lying_directory(64 * MiB, 1000)
    checked = inspect(data, "lying.docx")  # the directory alone looks harmless
    tracemalloc.start()
    try:
        with pytest.raises(OfficeFileError) as caught:
            checked.package()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert caught.value.code == "corrupt"  # stopped at 1000 bytes; the CRC then fails
    assert peak < 8 * MiB


def test_read_member_refuses_members_over_the_limit():
    data = _docx_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo("word/document.xml")
        assert read_member(archive, info, info.file_size).startswith(b"<?xml")
        with pytest.raises(OfficeFileError) as caught:
            read_member(archive, info, info.file_size - 1)
    assert caught.value.code == "too-large"


def test_entity_declarations_are_refused():
    bomb = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
            b"<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">&lol2;</w:document>")
    for body in (bomb, bomb.replace(b"?>", b"?><!--" + b" " * 10_000 + b"-->", 1)):  # a long comment first
        data = _rezip(_docx_bytes(), replace={"word/document.xml": body})
        with pytest.raises(OfficeFileError) as caught:
            inspect(data, "a.docx").package()
        assert caught.value.code == "unsafe-xml"


def test_package_is_a_stored_copy_the_libraries_can_open():
    checked = inspect(_docx_bytes("Nội dung kiểm tra"), "a.docx")
    with zipfile.ZipFile(checked.stream()) as archive:
        assert {i.compress_type for i in archive.infolist()} == {zipfile.ZIP_STORED}
    assert docx.Document(checked.stream()).paragraphs[0].text == "Nội dung kiểm tra"
    assert checked.read("word/document.xml").startswith(b"<?xml") and "word/document.xml" in checked.names
    with pytest.raises(OfficeFileError) as caught:
        checked.read("word/khong-co.xml")
    assert caught.value.code == "corrupt"


def test_every_code_has_a_vietnamese_message():
    codes = ["empty", "not-office", "legacy-format", "encrypted", "macro", "extension-mismatch", "not-accepted",
             "too-many-entries", "ratio", "unsafe-xml", "corrupt"]
    params = {"extension": "doc", "save_as": "docx", "actual": "xlsx", "accepted": ["docx"], "count": 3, "limit": 2,
              "member": "x", "family": "document"}
    for code in codes:
        text = error_message(OfficeFileError(code, **params))
        assert "%(" not in text and text[0].isupper()
    for scope in ("upload", "total", "member"):
        text = error_message(OfficeFileError("too-large", scope=scope, size=3 * MiB, limit=2 * MiB, member="x"))
        assert "2,0 MB" in text
    assert officefile.EVERYDAY_KINDS == {"docx", "xlsx", "pptx", "odt", "ods", "odp"}
