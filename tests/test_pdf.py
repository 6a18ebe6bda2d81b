"""Certificate PDFs: exact Vietnamese text, the official date line, a QR code that scans to the
verification URL, long texts shrunk to fit, the same bytes for the same data, and a signed PDF
that still reads the same and validates. Both renderers (the product's and the benchmark's
straightforward baseline) are held to the same checks."""
from __future__ import annotations

import hashlib
import io
import os
import shutil
import subprocess
import sys
import unicodedata
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image, ImageDraw
from pypdf import PdfReader
from reportlab.lib.units import mm
from reportlab.pdfbase.ttfonts import TTFont

from certificates.pdf import (
    CONTENT_WIDTH,
    MARGIN,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    CertificateFace,
    IssuerLayout,
    render_baseline,
    render_certificate,
    vietnamese_date_line,
)
from certificates.signing import create_demo_issuer, load_credentials, sign_pdf, validate_pdf

ROOT = Path(__file__).resolve().parents[1]
FONT_DIR = ROOT / "lms" / "static" / "fonts"
PDFTOPPM = shutil.which("pdftoppm")
PDFSIG = shutil.which("pdfsig")
ZBARIMG = shutil.which("zbarimg")
RENDERERS = pytest.mark.parametrize("render", [render_certificate, render_baseline], ids=["product", "baseline"])
LONG_NAME = "Công Tằng Tôn Nữ Hoàng Phương Thảo Khánh Linh Hương Giang Ân"  # 60 characters
EMBLEM_RED = (200, 30, 30)


def _face(**changes: object) -> CertificateFace:
    face = CertificateFace(
        title="GIẤY CHỨNG NHẬN",
        subtitle="Hoàn thành khóa học",
        holder_name="Nguyễn Thị Hương",
        date_of_birth=date(1990, 2, 5),
        place_of_birth="Nghệ An",
        agency="Sở Nội vụ tỉnh Nghệ An",
        achievement_lines=["Nhập môn thư điện tử công vụ"],
        result_line="Điểm lý thuyết: 8,50 — Điểm thực hành: 7,00",
        serial="GCN-2026-000123",
        register_number="123/2026",
        code_display="7K3M-Q9XD-2F4H-WC8N-T",
        verify_url="http://127.0.0.1:5000/verify/7K3MQ9XD2F4HWC8NT",
        issued_on=date(2026, 2, 5),
    )
    return replace(face, **changes)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def emblem_png(tmp_path_factory) -> Path:
    """A transparent PNG: a red disc with a yellow star in it."""
    path = tmp_path_factory.mktemp("emblem") / "emblem.png"
    image = Image.new("RGBA", (240, 240), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((4, 4, 236, 236), fill=(*EMBLEM_RED, 255))
    draw.regular_polygon((120, 120, 70), 5, fill=(255, 215, 0, 255))
    image.save(path)
    return path


@pytest.fixture(scope="module")
def layout(emblem_png) -> IssuerLayout:
    return IssuerLayout(
        issuer_name="Trung tâm Chuyển đổi số tỉnh Nghệ An",
        parent_name="Sở Khoa học và Công nghệ",
        signer_title="GIÁM ĐỐC",
        signer_name="Nguyễn Văn Bình",
        issue_place="Nghệ An",
        emblem_path=emblem_png,
        font_dir=FONT_DIR,
    )


def _text(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _png(pdf: bytes, directory: Path, resolution: int) -> Path:
    """The page rendered by poppler; fails on any complaint poppler makes about the file."""
    if PDFTOPPM is None:
        pytest.skip("pdftoppm is missing: apt-get install poppler-utils")
    (directory / "page.pdf").write_bytes(pdf)
    completed = subprocess.run(
        [PDFTOPPM, "-png", "-r", str(resolution), "-singlefile", "page.pdf", "page"],
        cwd=directory, capture_output=True, text=True, timeout=60, check=False,
    )
    assert completed.returncode == 0 and not completed.stderr, completed.stderr
    return directory / "page.png"


@RENDERERS
def test_the_text_is_extracted_exactly(render, layout):
    text = _text(render(_face(), layout))
    assert unicodedata.is_normalized("NFC", text)
    for expected in [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "SỞ KHOA HỌC VÀ CÔNG NGHỆ",
        "TRUNG TÂM CHUYỂN ĐỔI SỐ TỈNH NGHỆ AN",
        "GIẤY CHỨNG NHẬN",
        "Hoàn thành khóa học",
        "Nguyễn Thị Hương",
        "Ngày sinh: 05/02/1990",
        "Nơi sinh: Nghệ An",
        "Đơn vị công tác: Sở Nội vụ tỉnh Nghệ An",
        "Nhập môn thư điện tử công vụ",
        "Điểm lý thuyết: 8,50 — Điểm thực hành: 7,00",
        "Nghệ An, ngày 05 tháng 02 năm 2026",
        "GIÁM ĐỐC",
        "Nguyễn Văn Bình",
        "Số hiệu: GCN-2026-000123",
        "Số vào sổ: 123/2026",
        "Mã tra cứu: 7K3M-Q9XD-2F4H-WC8N-T",
        "http://127.0.0.1:5000/verify/7K3MQ9XD2F4HWC8NT",
    ]:
        assert expected in text, expected


def test_both_renderers_print_the_same_text(layout):
    product, baseline = _text(render_certificate(_face(), layout)), _text(render_baseline(_face(), layout))
    assert product.splitlines() == baseline.splitlines()


@RENDERERS
def test_decomposed_input_is_printed_composed(render, layout):
    def nfd(text: str) -> str:
        decomposed = unicodedata.normalize("NFD", text)
        assert decomposed != text
        return decomposed

    face = _face(holder_name=nfd("Trần Thị Ánh Nguyệt"))
    text = _text(render(face, replace(layout, issue_place=nfd("Nghệ An"), signer_name=nfd("Nguyễn Văn Bình"))))
    for expected in ("Trần Thị Ánh Nguyệt", "Nghệ An, ngày 05 tháng 02 năm 2026", "Nguyễn Văn Bình"):
        assert expected in text


@pytest.mark.parametrize(
    ("day", "line"),
    [
        (date(2026, 2, 5), "Nghệ An, ngày 05 tháng 02 năm 2026"),
        (date(2026, 11, 15), "Nghệ An, ngày 15 tháng 11 năm 2026"),
        (date(2026, 1, 31), "Nghệ An, ngày 31 tháng 01 năm 2026"),
        (date(2026, 3, 9), "Nghệ An, ngày 09 tháng 3 năm 2026"),
    ],
)
def test_the_date_line_follows_decree_30_2020(day, line):
    assert vietnamese_date_line("Nghệ An", day) == line


@RENDERERS
def test_the_date_line_is_printed(render, layout):
    assert "Nghệ An, ngày 15 tháng 11 năm 2026" in _text(render(_face(issued_on=date(2026, 11, 15)), layout))


@RENDERERS
def test_same_data_same_bytes_and_different_data_different_bytes(render, layout):
    first = render(_face(), layout)
    assert render(_face(), layout) == first
    assert render(_face(), replace(layout)) == first  # an equal layout, not the same object
    assert render(_face(holder_name="Nguyễn Thị Hường"), layout) != first
    assert render(_face(verify_url="http://127.0.0.1:5000/verify/AAAABBBBCCCCDDDDX"), layout) != first


def test_the_bytes_do_not_depend_on_the_process(layout):
    """Another interpreter, with another hash seed and cold caches, writes the same file."""
    face = _face(holder_name="Zoë Nguyễn")  # an extra font subset too
    script = (
        "import datetime, hashlib; from pathlib import PosixPath; "
        "from certificates.pdf import CertificateFace, IssuerLayout, render_certificate; "
        f"face = CertificateFace(**{vars(face)!r}); layout = IssuerLayout(**{vars(layout)!r}); "
        "print(hashlib.sha256(render_certificate(face, layout)).hexdigest())"
    )
    expected = hashlib.sha256(render_certificate(face, layout)).hexdigest()
    for seed in ("1", "2"):
        completed = subprocess.run(
            [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
            env={**os.environ, "PYTHONHASHSEED": seed},
        )
        assert completed.stdout.strip() == expected, completed.stderr


@RENDERERS
def test_a_long_name_shrinks_to_fit_the_width(render, layout):
    assert len(LONG_NAME) == 60
    drawn = []

    def visit(text, cm, tm, font, size):
        if text.strip() == LONG_NAME:
            drawn.append((tm[4], tm[0] * size))

    PdfReader(io.BytesIO(render(_face(holder_name=LONG_NAME), layout))).pages[0].extract_text(visitor_text=visit)
    assert len(drawn) == 1, "the name is drawn once, on one line"
    left, size = drawn[0]
    bold = TTFont("test-bold", FONT_DIR / "NotoSerif-Bold.ttf")
    width = bold.stringWidth(LONG_NAME, size)
    assert bold.stringWidth(LONG_NAME, 22) > CONTENT_WIDTH  # too wide at the usual size ...
    assert size < 22  # ... so it was shrunk
    assert left >= MARGIN - 0.01
    assert left + width <= PAGE_WIDTH - MARGIN + 0.01
    assert width == pytest.approx(CONTENT_WIDTH, abs=0.5)  # no smaller than needed


@RENDERERS
def test_the_qr_code_scans_to_the_verification_url(render, layout, tmp_path):
    url = "https://hoccntt.nghean.gov.vn/verify/7K3MQ9XD2F4HWC8NT"
    page = Image.open(_png(render(_face(verify_url=url), layout), tmp_path, 150))
    found = zxingcpp.read_barcodes(page, formats=zxingcpp.BarcodeFormat.QRCode)
    assert [barcode.text for barcode in found] == [url]


def test_an_independent_decoder_reads_the_qr_code(layout, tmp_path):
    """zbar, another implementation than the zxing-cpp that encoded it, reads it the same."""
    if ZBARIMG is None:
        pytest.skip("zbarimg is missing: apt-get install zbar-tools")
    url = "https://hoccntt.nghean.gov.vn/verify/7K3MQ9XD2F4HWC8NT"
    png = _png(render_certificate(_face(verify_url=url), layout), tmp_path, 150)
    completed = subprocess.run(
        [ZBARIMG, "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(png)],
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert completed.stdout.strip() == url, completed.stderr


def test_the_page_is_a4_landscape_and_shows_the_emblem(layout, tmp_path):
    pdf = render_certificate(_face(), layout)
    box = PdfReader(io.BytesIO(pdf)).pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx((PAGE_WIDTH, PAGE_HEIGHT), abs=0.01)
    page = Image.open(_png(pdf, tmp_path, 60)).convert("RGB")
    # The emblem's box is 24 mm square, 20 mm from the left and 17 mm from the top edge; its
    # disc's rim (just inside the box's left edge, half-way down) is red.
    dots_per_mm = 60 / 25.4
    pixel = page.getpixel((round(21.5 * dots_per_mm), round(29 * dots_per_mm)))
    assert all(abs(a - b) < 40 for a, b in zip(pixel, EMBLEM_RED, strict=True)), pixel


def test_a_jpeg_emblem_and_no_emblem_work_and_svg_is_refused(layout, emblem_png, tmp_path):
    jpeg = tmp_path / "emblem.jpg"
    Image.open(emblem_png).convert("RGB").save(jpeg, quality=90)
    for emblem in (jpeg, None):
        assert "Nguyễn Thị Hương" in _text(render_certificate(_face(), replace(layout, emblem_path=emblem)))
    svg = tmp_path / "emblem.svg"
    svg.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>')
    for render in (render_certificate, render_baseline):
        with pytest.raises(ValueError, match="not a PNG or JPEG"):
            render(_face(), replace(layout, emblem_path=svg))


def test_characters_outside_vietnamese_are_embedded_too(layout):
    name = "Zoë Ñguyễn Çhâu"  # ë, Ñ and Ç are not Vietnamese letters
    pdf = render_certificate(_face(holder_name=name), layout)
    assert name in _text(pdf)
    assert render_certificate(_face(holder_name=name), layout) == pdf


def test_a_character_the_font_lacks_is_refused(layout):
    with pytest.raises(ValueError, match=r"U\+738B"):
        render_certificate(_face(holder_name="Nguyễn 王"), layout)


def test_every_field_at_once_and_long_texts_fit(layout):
    face = _face(
        title="CHỨNG CHỈ ỨNG DỤNG CÔNG NGHỆ THÔNG TIN",
        subtitle="Chuẩn kỹ năng sử dụng CNTT cơ bản",
        holder_name=LONG_NAME,
        place_of_birth="Xã Quỳnh Lưu, huyện Quỳnh Lưu, tỉnh Nghệ An",
        achievement_lines=[
            "Đạt chuẩn kỹ năng sử dụng CNTT cơ bản",
            "Mô-đun IU01, IU02, IU03, IU04, IU05, IU06",
            "theo Thông tư số 03/2014/TT-BTTTT ngày 11/3/2014",
        ],
    )
    long_layout = replace(
        layout,
        issuer_name="Trung tâm Công nghệ thông tin và Truyền thông thuộc Sở Khoa học và Công nghệ tỉnh Nghệ An",
        signer_title="KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC",
    )
    pdf = render_certificate(face, long_layout)
    text = _text(pdf)
    for expected in [*face.achievement_lines, LONG_NAME, "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "THUỘC SỞ KHOA HỌC"]:
        assert expected in text, expected
    spans = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            spans.append((text.strip(), tm[4], tm[0] * size, font["/BaseFont"].split("+")[-1]))

    PdfReader(io.BytesIO(pdf)).pages[0].extract_text(visitor_text=visit)
    metrics = {name: TTFont(f"test-{name}", FONT_DIR / f"{name}.ttf") for name in {span[3] for span in spans}}
    frame = 14 * mm  # the inner line of the frame
    for line, left, size, name in spans:
        assert frame < left and left + metrics[name].stringWidth(line, size) < PAGE_WIDTH - frame, line


@RENDERERS
def test_the_signed_certificate_reads_the_same_and_validates(render, layout, tmp_path):
    key_path, cert_path = create_demo_issuer(tmp_path, "Trung tâm Chuyển đổi số tỉnh Nghệ An", "UBND tỉnh Nghệ An")
    credentials = load_credentials(key_path=key_path, cert_path=cert_path)
    unsigned = render(_face(), layout)
    signed = sign_pdf(unsigned, credentials, reason="Cấp giấy chứng nhận", location="Nghệ An")
    assert signed.startswith(unsigned)
    assert _text(signed) == _text(unsigned)
    report = validate_pdf(signed, [credentials.certificate])
    assert report.ok, report
    if PDFSIG is not None:  # poppler too accepts the signature over the whole file
        (tmp_path / "signed.pdf").write_bytes(signed)
        output = subprocess.run([PDFSIG, str(tmp_path / "signed.pdf")], capture_output=True, text=True,
                                timeout=60, check=False).stdout
        assert "Signature Validation: Signature is Valid." in output, output
        assert "Total document signed" in output, output
