"""Bad uploads to the graders and the ND30 checker: each refused with a code, nothing parsed that should not be."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from msoffcrypto.format.ooxml import OOXMLFile

from lms.officefile import OfficeFileError, error_message
from practical import nd30
from practical.grading import grade
from practical.tasks import load_tasks

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
TASKS = load_tasks()
GOOD = {"docx": ("iu03-cong-van", FIXTURES / "practical" / "iu03-cong-van" / "dung.docx"),
        "odt": ("iu03-cong-van", FIXTURES / "practical" / "iu03-cong-van" / "dung.odt"),
        "xlsx": ("iu04-bang-luong", FIXTURES / "practical" / "iu04-bang-luong" / "dung.xlsx"),
        "ods": ("iu04-bang-luong", FIXTURES / "practical" / "iu04-bang-luong" / "dung.ods"),
        "pptx": ("iu05-gioi-thieu", FIXTURES / "practical" / "iu05-gioi-thieu" / "dung.pptx"),
        "odp": ("iu05-gioi-thieu", FIXTURES / "practical" / "iu05-gioi-thieu" / "dung.odp")}
MAIN_PART = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml", "pptx": "ppt/presentation.xml",
             "odt": "content.xml", "ods": "content.xml", "odp": "content.xml"}
MACRO_TYPE = {"docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
                       "application/vnd.ms-word.document.macroEnabled.main+xml", "docm"),
              "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                       "application/vnd.ms-excel.sheet.macroEnabled.main+xml", "xlsm"),
              "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
                       "application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml", "pptm")}


def _rezip(data: bytes, replace: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, replace.get(info.filename, source.read(info)))
        for name, body in replace.items():
            if name not in source.namelist():
                target.writestr(name, body)
    return out.getvalue()


def _refusal(data: bytes, extension: str, name: str | None = None) -> str:
    """The code ``grade`` refuses ``data`` with (and, for text documents, the ND30 checker too)."""
    slug, _ = GOOD[extension]
    filename = name or f"bai-lam.{extension}"
    with pytest.raises(OfficeFileError) as graded:
        grade(data, filename, TASKS[slug])
    if extension in ("docx", "odt"):
        with pytest.raises(OfficeFileError) as checked:
            nd30.check(data, filename)
        assert checked.value.code == graded.value.code
    message = error_message(graded.value)
    assert message and "%(" not in message
    return graded.value.code


@pytest.mark.parametrize("extension", sorted(GOOD))
def test_truncated_file_is_corrupt(extension):
    data = GOOD[extension][1].read_bytes()
    assert _refusal(data[: len(data) * 2 // 3], extension) == "corrupt"


@pytest.mark.parametrize("extension", sorted(GOOD))
def test_main_part_that_is_not_xml_is_corrupt_and_nothing_is_printed(extension, capsys):
    data = _rezip(GOOD[extension][1].read_bytes(), {MAIN_PART[extension]: b"<not xml"})
    assert _refusal(data, extension) == "corrupt"
    assert capsys.readouterr().out == ""  # odfpy prints parts it cannot parse; they never reach it


@pytest.mark.parametrize("extension", ["docx", "xlsx", "pptx"])
def test_password_protected_file_is_refused_as_encrypted(extension):
    encrypted = io.BytesIO()
    OOXMLFile(io.BytesIO(GOOD[extension][1].read_bytes())).encrypt("MatKhau@2026", encrypted)
    assert _refusal(encrypted.getvalue(), extension) == "encrypted"


@pytest.mark.parametrize("extension", ["docx", "xlsx", "pptx"])
def test_macro_enabled_file_is_refused_whatever_its_name(extension):
    plain, macro, macro_extension = MACRO_TYPE[extension]
    data = GOOD[extension][1].read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        types = archive.read("[Content_Types].xml").decode().replace(plain, macro)
    folder = {"docx": "word", "xlsx": "xl", "pptx": "ppt"}[extension]
    data = _rezip(data, {"[Content_Types].xml": types.encode(), f"{folder}/vbaProject.bin": b"\xd0\xcf\x11\xe0"})
    slug, _ = GOOD[extension]
    for name in (f"bai.{macro_extension}", f"bai.{extension}"):
        with pytest.raises(OfficeFileError) as caught:
            grade(data, name, TASKS[slug])
        assert caught.value.code == "macro"
        assert f".{extension}" in error_message(caught.value)


@pytest.mark.parametrize(("legacy", "modern"), [("doc", "docx"), ("xls", "xlsx"), ("ppt", "pptx")])
def test_legacy_binary_file_says_to_save_in_the_new_format(legacy, modern):
    data = (FIXTURES / "officefile" / f"cu.{legacy}").read_bytes()
    assert _refusal(data, modern, f"bai.{legacy}") == "legacy-format"
    with pytest.raises(OfficeFileError) as caught:
        grade(data, f"bai.{legacy}", TASKS[GOOD[modern][0]])
    assert f"hãy lưu lại dưới dạng .{modern}" in error_message(caught.value)


def test_wrong_extension_for_the_content_is_refused():
    workbook = GOOD["xlsx"][1].read_bytes()
    assert _refusal(workbook, "docx", "bai-lam.docx") == "extension-mismatch"
    text = GOOD["odt"][1].read_bytes()
    assert _refusal(text, "ods", "bai-lam.ods") == "extension-mismatch"


def test_archive_bomb_is_refused_before_it_is_inflated():
    data = GOOD["docx"][1].read_bytes()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info))
        with target.open("word/media/image9.png", "w") as stream:
            for _ in range(60):
                stream.write(bytes(1024 * 1024))
    assert _refusal(out.getvalue(), "docx") == "ratio"


def test_huge_upload_is_refused_by_its_size_alone():
    assert _refusal(b"PK\x03\x04" + bytes(21 * 1024 * 1024), "xlsx") == "too-large"


def test_entity_expansion_is_refused():
    bomb = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
            b'<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0">&b;'
            b"</office:document-content>")
    assert _refusal(_rezip(GOOD["odt"][1].read_bytes(), {"content.xml": bomb}), "odt") == "unsafe-xml"


def test_empty_file_and_other_content():
    assert _refusal(b"", "docx") == "empty"
    assert _refusal(b"%PDF-1.7\n", "docx") == "not-office"
