"""Make the practical-skills files: task fixtures, the ND30 corpus, the ND30 example and template.

Run from the repository root:

    .venv/bin/python tools/make_practical_fixtures.py [officefile] [nd30] [tasks] [examples] [--libreoffice]

(no part named: all). Files are written with python-docx, openpyxl, XlsxWriter, python-pptx and
odfpy from descriptions in this folder (``practical_docs.py``, ``nd30_corpus.py``,
``practical_tasks.py``), so they can be made again and reviewed as code. Archive member times are
fixed, so a file changes only when its content does.

When LibreOffice (``soffice``) is installed, some files are also converted by it, as a real office
would save them: the legacy binary samples (.doc/.xls/.ppt) and a share of the ND30 corpus
re-saved in the other format. Those outputs are committed and redone only when missing or with
``--libreoffice``; the rest is regenerated every run. The tests never need LibreOffice.
"""
from __future__ import annotations

import io
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import nd30_corpus  # beside this script, which Python puts first on the import path
import practical_tasks
import yaml
from practical_docs import normalise_zip, write

ROOT = Path(__file__).resolve().parent.parent

FIXTURES = ROOT / "tests" / "fixtures"
ND30_DIR = FIXTURES / "nd30"
OFFICEFILE_DIR = FIXTURES / "officefile"
CONTENT = ROOT / "content" / "practical"
# Corpus documents also re-saved by LibreOffice in the other format (docx → odt, odt → docx), and
# .docx documents passed through the legacy .doc format and back (as offices that still keep .doc do).
LIBREOFFICE_SHARE = ("01", "02", "04", "06", "13", "15", "19", "23", "28", "33", "41", "43", "60", "62", "65")
THROUGH_DOC = ("03", "12", "20", "36", "42", "63")


def soffice() -> str | None:
    """The LibreOffice command, if installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


REFRESH_LIBREOFFICE = "--libreoffice" in sys.argv


def due(path: Path) -> bool:
    """Whether LibreOffice should (re)make ``path``: it is installed, and the file is missing or
    ``--libreoffice`` was given (its output carries the time of conversion, so it is redone only on
    request)."""
    return soffice() is not None and (not path.exists() or REFRESH_LIBREOFFICE)


def convert(data: bytes, source_name: str, target: str) -> bytes:
    """``data`` (a file called ``source_name``) converted by LibreOffice to ``target`` ("odt", "doc", …)."""
    command = soffice()
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / source_name
        source.write_bytes(data)
        subprocess.run([command, "--headless", f"-env:UserInstallation=file://{folder}/profile", "--convert-to",
                        target, "--outdir", str(Path(folder) / "out"), str(source)],
                       check=True, capture_output=True, timeout=180)
        produced = next((Path(folder) / "out").iterdir())
        return produced.read_bytes()


def write_file(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` unless it already holds exactly that (keeps timestamps quiet)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_bytes() != data:
        path.write_bytes(data)


# ND30 corpus -----------------------------------------------------------------------------------------


def make_nd30() -> None:
    """The corpus documents and their manifest (what the checker must report for each)."""
    manifest = []
    for entry in nd30_corpus.CORPUS:
        description = nd30_corpus.make(entry.base, entry.deviations, entry.variation, drop=entry.drop)
        for deviation in entry.deviations:  # a deviation that changes nothing would be a false expectation
            alone = nd30_corpus.make(entry.base, {deviation}, entry.variation, drop=entry.drop)
            if alone == nd30_corpus.make(entry.base, set(), entry.variation, drop=entry.drop):
                raise SystemExit(f"{entry.name}: deviation {deviation} does not change the document")
        data = write(description, entry.extension)
        name = f"{entry.name}.{entry.extension}"
        write_file(ND30_DIR / name, data)
        record = {"file": name, "type": entry.base, "deviations": sorted(entry.deviations),
                  "unrecognised": sorted(entry.unrecognised), "made_by": "tools/practical_docs.py",
                  "note": entry.note or None}
        manifest.append(record)
        if entry.name[:2] in LIBREOFFICE_SHARE:
            other = "odt" if entry.extension == "docx" else "docx"
            converted_name = f"lo-{entry.name}.{other}"
            target = ND30_DIR / converted_name
            if due(target):
                write_file(target, normalise_zip(convert(data, name, other if other == "odt"
                                                         else "docx:MS Word 2007 XML")))
            if target.exists():
                manifest.append({**record, "file": converted_name, "deviations": list(record["deviations"]),
                                 "unrecognised": list(record["unrecognised"]),
                                 "made_by": "LibreOffice, re-saved from " + name})
        if entry.name[:2] in THROUGH_DOC and entry.extension == "docx":
            target = ND30_DIR / f"lo-doc-{entry.name}.docx"
            if due(target):
                legacy = convert(data, name, "doc")
                write_file(target, normalise_zip(convert(legacy, f"{entry.name}.doc", "docx:MS Word 2007 XML")))
            if target.exists():
                manifest.append({**record, "file": target.name, "deviations": list(record["deviations"]),
                                 "unrecognised": list(record["unrecognised"]),
                                 "made_by": f"LibreOffice, saved as .doc and back to .docx from {name}"})
    for record in manifest:
        if record["note"] is None:
            del record["note"]
    header = ("# ND30 checker corpus: each document and the deviations (practical/nd30.py RULES codes) the\n"
              "# checker must report; 'unrecognised' lists elements it must say it did not find.\n"
              "# Generated by tools/make_practical_fixtures.py from tools/nd30_corpus.py.\n")
    write_file(ND30_DIR / "manifest.yaml",
               (header + yaml.safe_dump(manifest, allow_unicode=True, sort_keys=False, width=110)).encode())
    print(f"nd30: {len(manifest)} documents")


# Officefile samples ---------------------------------------------------------------------------------


def make_officefile() -> None:
    """Small valid workbook and presentation, and legacy binary copies made by LibreOffice."""
    import openpyxl
    from pptx import Presentation

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Bảng lương"
    sheet.append(["Họ và tên", "Lương"])
    sheet.append(["Nguyễn Văn An", 8_500_000])
    sheet["B3"] = "=SUM(B2:B2)"
    out = io.BytesIO()
    workbook.save(out)
    xlsx = normalise_zip(out.getvalue())
    write_file(OFFICEFILE_DIR / "bang-luong.xlsx", xlsx)
    presentation = Presentation()
    slide = presentation.slides.add_slide(presentation.slide_layouts[0])
    slide.shapes.title.text = "Báo cáo chuyển đổi số"
    out = io.BytesIO()
    presentation.save(out)
    pptx = normalise_zip(out.getvalue())
    write_file(OFFICEFILE_DIR / "trinh-chieu.pptx", pptx)
    docx_data = write(nd30_corpus.make("cong-van"), "docx")
    for source, name, target in ((docx_data, "cu.docx", "doc"), (xlsx, "cu.xlsx", "xls"), (pptx, "cu.pptx", "ppt")):
        if due(OFFICEFILE_DIR / f"cu.{target}"):
            write_file(OFFICEFILE_DIR / f"cu.{target}", convert(source, name, target))
    print("officefile: samples written" + ("" if soffice() else " (legacy copies kept: no LibreOffice)"))


# ND30 example and template -------------------------------------------------------------------------


def make_examples() -> None:
    """A compliant công văn and a template to fill in, for the checker's page."""
    example = nd30_corpus.make("cong-van")
    write_file(CONTENT / "nd30" / "vi-du-cong-van.docx", write(example, "docx"))
    write_file(CONTENT / "nd30" / "vi-du-quyet-dinh.docx", write(nd30_corpus.make("quyet-dinh"), "docx"))
    write_file(CONTENT / "nd30" / "mau-cong-van.docx", write(nd30_corpus.template("cong-van"), "docx"))
    write_file(CONTENT / "nd30" / "mau-cong-van.odt", write(nd30_corpus.template("cong-van"), "odt"))
    print("examples: content/practical/nd30 written")


# Practical tasks ------------------------------------------------------------------------------------

TASKS_DIR = FIXTURES / "practical"


def make_tasks() -> None:
    """Each task's starting file (in content/) and its test files with the scores they must get."""
    for slug, (name, make) in practical_tasks.STARTING.items():
        write_file(CONTENT / slug / name, make())
    for slug, fixtures in practical_tasks.FIXTURES.items():
        rubric = yaml.safe_load((CONTENT / slug / "rubric.yaml").read_text(encoding="utf-8"))
        points = {check["id"]: check["points"] for check in rubric["checks"]}
        total = sum(points.values())
        expected = []
        for fixture in fixtures:
            unknown = set(fixture.fails) - set(points)
            if unknown:
                raise SystemExit(f"{slug}/{fixture.name}: no such check(s) {sorted(unknown)}")
            target = TASKS_DIR / slug / fixture.name
            data = fixture.make()
            if fixture.libreoffice:
                extension = fixture.name.rsplit(".", 1)[1]
                source = "bai." + (fixture.source or ("xlsx" if extension == "ods" else "pptx"))
                target_filter = "docx:MS Word 2007 XML" if extension == "docx" else extension
                data = normalise_zip(convert(data, source, target_filter)) if due(target) else None
            if data is not None:
                write_file(target, data)
            if not target.exists():
                print(f"tasks: {slug}/{fixture.name} needs LibreOffice once; skipped")
                continue
            record = {"file": fixture.name, "score": total - sum(points[c] for c in fixture.fails),
                      "max_score": total, "fails": list(fixture.fails)}
            if fixture.note or fixture.libreoffice:
                record["note"] = fixture.note or "converted by LibreOffice"
            expected.append(record)
        header = (f"# {slug}: the score each file must get and the checks it must fail.\n"
                  "# Generated by tools/make_practical_fixtures.py from tools/practical_tasks.py.\n")
        write_file(TASKS_DIR / slug / "expected.yaml",
                   (header + yaml.safe_dump(expected, allow_unicode=True, sort_keys=False, width=110)).encode())
    print(f"tasks: {len(practical_tasks.FIXTURES)} tasks written")


PARTS = {"officefile": make_officefile, "nd30": make_nd30, "examples": make_examples, "tasks": make_tasks}


def main(argv: list[str]) -> int:
    argv = [a for a in argv if a != "--libreoffice"]
    names = argv or list(PARTS)
    unknown = [n for n in names if n not in PARTS]
    if unknown:
        print(f"unknown part(s): {', '.join(unknown)}; parts: {', '.join(PARTS)}", file=sys.stderr)
        return 2
    for name in names:
        PARTS[name]()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
