"""The ND30 checker: precision and recall on the corpus, elements it must not guess, messages."""
from __future__ import annotations

import io
import json
from pathlib import Path

import docx
import pytest
import yaml

from practical import nd30

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "fixtures" / "nd30"
EXAMPLES = ROOT / "content" / "practical" / "nd30"
MANIFEST = yaml.safe_load((CORPUS / "manifest.yaml").read_text(encoding="utf-8"))
# What the checker must reach on the corpus (measured: see docs/practical.md).
MIN_PRECISION = 0.95
MIN_RECALL = 0.95


@pytest.fixture(scope="module")
def results() -> list[tuple[dict, nd30.Report]]:
    return [(record, nd30.check((CORPUS / record["file"]).read_bytes(), record["file"])) for record in MANIFEST]


def test_corpus_is_large_and_varied():
    files = [r["file"] for r in MANIFEST]
    assert len(files) >= 30 and len(set(files)) == len(files)
    assert all((CORPUS / f).exists() for f in files)
    assert {f.rsplit(".", 1)[1] for f in files} == {"docx", "odt"}
    assert sum(1 for r in MANIFEST if not r["deviations"]) >= 8  # compliant documents
    assert sum(1 for r in MANIFEST if len(r["deviations"]) >= 5) >= 4  # several deviations at once
    assert sum(1 for r in MANIFEST if r["made_by"].startswith("LibreOffice")) >= 10  # saved by a real office
    assert {r["type"] for r in MANIFEST} >= {"cong-van", "quyet-dinh", "thong-bao", "ke-hoach"}
    assert set().union(*(r["deviations"] for r in MANIFEST)) == set(nd30.RULES)  # every rule is exercised


def test_precision_and_recall_of_reported_deviations(results):
    true_positive = false_positive = false_negative = 0
    misses = []
    for record, report in results:
        expected, found = set(record["deviations"]), report.codes
        true_positive += len(expected & found)
        false_positive += len(found - expected)
        false_negative += len(expected - found)
        if expected != found:
            misses.append((record["file"], sorted(found - expected), sorted(expected - found)))
    precision = true_positive / (true_positive + false_positive)
    recall = true_positive / (true_positive + false_negative)
    print(f"\nND30 corpus: {len(results)} documents, {true_positive + false_negative} deviations; "
          f"precision {precision:.3f}, recall {recall:.3f}; differences: {misses}")
    assert precision >= MIN_PRECISION, misses
    assert recall >= MIN_RECALL, misses


def test_elements_it_cannot_find_are_reported_not_guessed(results):
    for record, report in results:
        assert sorted(report.unrecognised) == record["unrecognised"], record["file"]
    missing_recipients = next(report for record, report in results if record["unrecognised"] == ["noi-nhan"])
    assert missing_recipients.elements["noi-nhan"] == "not-found"
    assert not any(d.element == "noi-nhan" for d in missing_recipients.deviations)


def test_compliant_examples_shipped_for_download_have_no_deviations():
    for name in ("vi-du-cong-van.docx", "vi-du-quyet-dinh.docx"):
        report = nd30.check((EXAMPLES / name).read_bytes(), name)
        assert report.deviations == [], name
        assert report.unrecognised == [], name
    template = nd30.check((EXAMPLES / "mau-cong-van.docx").read_bytes(), "mau-cong-van.docx")
    assert template.deviations == []  # placeholders are not recognised, and nothing is guessed about them
    assert {"so", "dia-danh", "co-quan"} <= set(template.unrecognised)


def test_a_document_that_is_not_administrative_gets_not_recognised_elements():
    document = docx.Document()
    for text in ("Thư mời dự tiệc", "Thân mời anh/chị đến dự buổi gặp mặt cuối năm của phòng."):
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    report = nd30.check(out.getvalue(), "thu-moi.docx")
    assert {"quoc-hieu", "tieu-ngu", "co-quan", "so", "dia-danh", "noi-nhan", "chuc-vu"} <= set(report.unrecognised)
    # only rules that need no element are applied: paper, margins, font
    assert {d.element for d in report.deviations} <= {"trang", "phong-chu"}


def test_each_deviation_says_what_where_and_how_to_fix(results):
    seen = set()
    for _, report in results:
        for deviation in report.deviations:
            if deviation.code in seen:
                continue
            seen.add(deviation.code)
            message, fix, where = deviation.message, deviation.fix, nd30.describe_where(deviation.where)
            for text in (message, fix, where):
                assert text and "%(" not in text and text == text.strip()
            assert deviation.element in nd30.ELEMENTS
    assert seen == set(nd30.RULES)


def test_where_names_the_paragraph_or_the_table_cell(results):
    _, report = next((r, rep) for r, rep in results if r["file"] == "14-thong-bao-quoc-hieu.docx")
    deviation = next(d for d in report.deviations if d.code == "quoc-hieu.co-chu")
    assert (deviation.where.table, deviation.where.row, deviation.where.column) == (1, 1, 2)
    assert nd30.describe_where(deviation.where).startswith("Bảng 1, hàng 1, cột 2: “CỘNG HÒA")
    assert deviation.params["found"] == "14"
    _, report = next((r, rep) for r, rep in results if r["file"] == "12-cong-van-le.docx")
    margin = next(d for d in report.deviations if d.code == "trang.le-trai")
    assert margin.message == "Lề trái 20 mm; cần từ 30 đến 35 mm."
    assert nd30.describe_where(margin.where) == "Thiết lập trang"


def test_report_is_json_ready(results):
    _, report = results[0]
    data = json.loads(json.dumps(report.to_dict(), ensure_ascii=False))
    assert data["kind"] in ("docx", "odt") and set(data["elements"]) == set(nd30.ELEMENTS)


def test_decomposed_text_and_old_tone_marks_are_recognised(results):
    _, report = next((r, rep) for r, rep in results if r["file"] == "05-cong-van-chuan-vml-nfd.docx")
    assert report.deviations == [] and report.unrecognised == []
