"""Certificates: PDFs per second, unsigned and signed, against a straightforward baseline, and a
bulk run of 10,000 signed certificates.

Targets (from the issue): the product's renderer makes unsigned PDFs at least 10× as fast as the
baseline and signed PDFs at least 3× as fast; 10,000 signed certificates are issued in bulk in
under 5 minutes on this 2-core machine.

Measured in the same run on the same generated certificates (varied Vietnamese names, dates,
agencies, courses and results; one issuer with an emblem):

* baseline unsigned: ``render_baseline``, a reportlab Canvas per certificate drawing everything,
  ``QrCodeWidget`` for the QR code;
* product unsigned: ``render_certificate``;
* baseline signed: ``render_baseline``, then pyHanko's ``signers.sign_pdf`` with a
  ``SimpleSigner.load``-ed RSA-2048 key (loaded once) and default settings;
* product signed: ``render_certificate``, then ``certificates.signing.sign_pdf`` with an ECDSA
  P-256 demo issuer's ``IssuerCredentials`` (loaded once);
* bulk: 10,000 product-signed certificates written to files by a pool of 2 processes, timed
  from starting the pool (fresh interpreters) to the last file.

``BENCH_QUICK=1`` (or ``python -m bench.certificates --quick``) is a smoke run: fewer samples and
a bulk run of 1,000.
"""
from __future__ import annotations

import argparse
import io
import multiprocessing
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from PIL import Image, ImageDraw
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from pypdf import PdfReader

from bench.report import markdown_table, write_section
from certificates import codes
from certificates.pdf import CertificateFace, IssuerLayout, render_baseline, render_certificate
from certificates.signing import IssuerCredentials, create_demo_issuer, load_credentials, sign_pdf, validate_pdf

SEED = 2026
SAMPLE, QUICK_SAMPLE = 300, 60
BULK, QUICK_BULK = 10_000, 1_000
WORKERS = 2
WARMUP = 5
TARGET_UNSIGNED_RATIO = 10.0
TARGET_SIGNED_RATIO = 3.0
TARGET_BULK_S = 300.0
FONT_DIR = Path(__file__).resolve().parents[1] / "lms" / "static" / "fonts"
SITE = "https://hoccntt.nghean.gov.vn"
REASON, LOCATION = "Cấp giấy chứng nhận", "Nghệ An"

_FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ",
           "Ngô", "Dương", "Lý", "Đinh", "Lương", "Tôn Thất", "Công Tằng Tôn Nữ")
_MIDDLE = ("Văn", "Thị", "Đức", "Hữu", "Minh", "Ngọc", "Thanh", "Quốc", "Thu", "Xuân", "Hoài", "Khánh", "Phương",
           "Bảo", "Thùy")
_GIVEN = ("Hương", "Minh", "Hà", "Bảo", "Thắng", "Anh", "Dũng", "Hường", "Nguyệt", "Tuấn", "Trang", "Yến", "Phúc",
          "Quỳnh", "Lộc", "Nghĩa", "Khuê", "Ửng", "Thoa", "Giang", "Ánh Dương", "Diệp", "Thảo")
_PLACES = ("Nghệ An", "Hà Tĩnh", "Thanh Hóa", "Xã Quỳnh Lưu, huyện Quỳnh Lưu, tỉnh Nghệ An", "Thành phố Vinh",
           "Huyện Kỳ Sơn, tỉnh Nghệ An", "Hà Nội")
_AGENCIES = ("Sở Nội vụ tỉnh Nghệ An", "Văn phòng Ủy ban nhân dân tỉnh Nghệ An", "Sở Tài chính",
             "Ủy ban nhân dân xã Nghi Phú", "Sở Giáo dục và Đào tạo", "Ban Quản lý Khu kinh tế Đông Nam Nghệ An")
_COURSES = ("Nhập môn thư điện tử công vụ", "Soạn thảo văn bản hành chính theo Nghị định 30/2020",
            "Chữ ký số và dịch vụ công trực tuyến", "Bảng tính cho công tác báo cáo, thống kê",
            "An toàn thông tin khi làm việc trên mạng", "Khai thác Cổng dịch vụ công quốc gia")


def _score(rng: random.Random) -> str:
    return f"{rng.randint(50, 100) / 10:.2f}".replace(".", ",")


def make_faces(count: int, seed: int = SEED) -> list[CertificateFace]:
    """``count`` varied certificates: completion certificates and IT skill certificates (chứng chỉ)."""
    rng = random.Random(seed)
    faces = []
    for number in range(1, count + 1):
        name = " ".join((rng.choice(_FAMILY), *rng.sample(_MIDDLE, rng.randint(1, 2)), rng.choice(_GIVEN)))
        code = codes.new_code()
        issued = date(2026, 1, 1) + timedelta(days=rng.randrange(365))
        if rng.random() < 0.7:
            title, subtitle = "GIẤY CHỨNG NHẬN", "Hoàn thành khóa học"
            achievements = [rng.choice(_COURSES)]
            result = f"Điểm bài kiểm tra cuối khóa: {_score(rng)}/10"
            serial, register = f"GCN-{issued.year}-{number:06d}", None
        else:
            title, subtitle = "CHỨNG CHỈ ỨNG DỤNG CÔNG NGHỆ THÔNG TIN", "Chuẩn kỹ năng sử dụng CNTT cơ bản"
            achievements = ["Đạt chuẩn kỹ năng sử dụng CNTT cơ bản",
                            "theo Thông tư số 03/2014/TT-BTTTT ngày 11/3/2014"]
            result = f"Điểm lý thuyết: {_score(rng)} — Điểm thực hành: {_score(rng)}"
            serial, register = f"CC-{issued.year}-{number:06d}", f"{number:05d}/CNTT"
        faces.append(CertificateFace(
            title=title,
            subtitle=subtitle,
            holder_name=name,
            date_of_birth=date(rng.randint(1965, 2003), rng.randint(1, 12), rng.randint(1, 28)),
            place_of_birth=rng.choice(_PLACES) if rng.random() < 0.8 else None,
            agency=rng.choice(_AGENCIES),
            achievement_lines=achievements,
            result_line=result,
            serial=serial,
            register_number=register,
            code_display=codes.display(code),
            verify_url=f"{SITE}/verify/{code}",
            issued_on=issued,
        ))
    return faces


def _layout(directory: Path) -> IssuerLayout:
    """The issuer every benchmark certificate is from, with a PNG emblem made for the run."""
    emblem = directory / "emblem.png"
    image = Image.new("RGBA", (300, 300), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((4, 4, 296, 296), fill=(200, 30, 30, 255))
    draw.regular_polygon((150, 150, 90), 5, fill=(255, 215, 0, 255))
    image.save(emblem)
    return IssuerLayout(
        issuer_name="Trung tâm Chuyển đổi số tỉnh Nghệ An",
        parent_name="Sở Khoa học và Công nghệ",
        signer_title="GIÁM ĐỐC",
        signer_name="Nguyễn Văn Bình",
        issue_place="Nghệ An",
        emblem_path=emblem,
        font_dir=FONT_DIR,
    )


@dataclass(frozen=True)
class _Rate:
    label: str
    seconds: float
    count: int
    mean_bytes: float

    @property
    def per_second(self) -> float:
        return self.count / self.seconds

    @property
    def ms(self) -> float:
        return self.seconds / self.count * 1000


def _rate(label: str, make: Callable[[CertificateFace], bytes], faces: list[CertificateFace]) -> _Rate:
    """Certificates per second of ``make`` over ``faces``, after a few untimed warm-up calls."""
    for face in faces[:WARMUP]:
        make(face)
    total = 0
    started = time.perf_counter()
    for face in faces:
        total += len(make(face))
    rate = _Rate(label, time.perf_counter() - started, len(faces), total / len(faces))
    print(f"{label}: {rate.per_second:.1f}/s ({rate.ms:.2f} ms each, {rate.mean_bytes / 1024:.0f} KiB)")
    return rate


def _check(pdf: bytes, face: CertificateFace, credentials: IssuerCredentials | None = None) -> None:
    """Refuse to time a renderer or signer whose output is wrong."""
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    for expected in (face.holder_name, face.serial, face.code_display, face.verify_url):
        if expected not in text:
            raise AssertionError(f"{expected!r} is missing from the PDF's text")
    if credentials is not None and not validate_pdf(pdf, [credentials.certificate]).ok:
        raise AssertionError("the signed PDF does not validate")


@dataclass(frozen=True)
class _Issuer:
    """What a bulk worker process issues with: loaded once per process."""

    credentials: IssuerCredentials
    layout: IssuerLayout
    out_dir: Path


_issuer: _Issuer | None = None


def _start_worker(key_path: Path, cert_path: Path, layout: IssuerLayout, out_dir: Path) -> None:
    global _issuer
    _issuer = _Issuer(load_credentials(key_path=key_path, cert_path=cert_path), layout, out_dir)


def _issue(face: CertificateFace) -> int:
    """Render, sign and store one certificate, as bulk issuance does; the file's size."""
    assert _issuer is not None, "the pool's initializer sets the issuer"
    pdf = render_certificate(face, _issuer.layout)
    signed = sign_pdf(pdf, _issuer.credentials, reason=REASON, location=LOCATION)
    (_issuer.out_dir / f"{face.serial}.pdf").write_bytes(signed)
    return len(signed)


def _bulk(faces: list[CertificateFace], key_path: Path, cert_path: Path, layout: IssuerLayout,
          out_dir: Path) -> tuple[float, int]:
    """Seconds to issue ``faces`` with a pool of fresh worker processes, and the bytes written."""
    started = time.perf_counter()
    # "spawn": each worker starts cold (interpreter, imports, credentials, template), as a job would.
    context = multiprocessing.get_context("spawn")
    with context.Pool(WORKERS, _start_worker, (key_path, cert_path, layout, out_dir)) as pool:
        written = sum(pool.imap_unordered(_issue, faces, chunksize=50))
    seconds = time.perf_counter() - started
    files = len(list(out_dir.glob("*.pdf")))
    if files != len(faces):
        raise AssertionError(f"{files} files written for {len(faces)} certificates")
    print(f"bulk: {len(faces):,} signed certificates with {WORKERS} processes in {seconds:.1f} s "
          f"({len(faces) / seconds:.0f}/s, {written / len(faces) / 1024:.0f} KiB each)")
    return seconds, written


def _verdict(passed: bool) -> str:
    return "PASS" if passed else "FAIL"


def run(quick: bool | None = None) -> bool:
    """Run the benchmark, print and write docs/benchmarks.md's section; True if every target is met."""
    if quick is None:
        quick = os.environ.get("BENCH_QUICK") == "1"
    sample, bulk_count = (QUICK_SAMPLE, QUICK_BULK) if quick else (SAMPLE, BULK)
    faces = make_faces(sample)
    with tempfile.TemporaryDirectory() as temporary:
        directory = Path(temporary)
        layout = _layout(directory)
        ec_key, ec_cert = create_demo_issuer(directory / "ecdsa", "Trung tâm Chuyển đổi số tỉnh Nghệ An",
                                             "Ủy ban nhân dân tỉnh Nghệ An")
        rsa_key, rsa_cert = create_demo_issuer(directory / "rsa", "Trung tâm Chuyển đổi số tỉnh Nghệ An",
                                               "Ủy ban nhân dân tỉnh Nghệ An", key_type="rsa-2048")
        credentials = load_credentials(key_path=ec_key, cert_path=ec_cert)
        rsa_signer = signers.SimpleSigner.load(str(rsa_key), str(rsa_cert))

        def baseline_signed(face: CertificateFace) -> bytes:
            writer = IncrementalPdfFileWriter(io.BytesIO(render_baseline(face, layout)))
            metadata = signers.PdfSignatureMetadata(field_name="Signature1")
            return signers.sign_pdf(writer, metadata, signer=rsa_signer).getvalue()

        def product_signed(face: CertificateFace) -> bytes:
            return sign_pdf(render_certificate(face, layout), credentials, reason=REASON, location=LOCATION)

        _check(render_baseline(faces[0], layout), faces[0])
        _check(render_certificate(faces[0], layout), faces[0])
        _check(product_signed(faces[0]), faces[0], credentials)
        rsa_credentials = load_credentials(key_path=rsa_key, cert_path=rsa_cert)
        _check(baseline_signed(faces[0]), faces[0], rsa_credentials)

        base_unsigned = _rate("baseline unsigned", lambda face: render_baseline(face, layout), faces)
        product_unsigned = _rate("product unsigned", lambda face: render_certificate(face, layout), faces)
        base_signed = _rate("baseline signed (RSA-2048, pyHanko defaults)", baseline_signed, faces)
        product_signed_rate = _rate("product signed (ECDSA P-256, certificates.signing)", product_signed, faces)

        out_dir = directory / "issued"
        out_dir.mkdir()
        bulk_faces = make_faces(bulk_count, seed=SEED + 1)
        bulk_seconds, bulk_bytes = _bulk(bulk_faces, ec_key, ec_cert, layout, out_dir)

    unsigned_ratio = product_unsigned.per_second / base_unsigned.per_second
    signed_ratio = product_signed_rate.per_second / base_signed.per_second
    # The bulk target is for 10,000; a quick run scales its time up to that count.
    projected_s = bulk_seconds * BULK / bulk_count
    results = {
        "unsigned": unsigned_ratio >= TARGET_UNSIGNED_RATIO,
        "signed": signed_ratio >= TARGET_SIGNED_RATIO,
        "bulk": projected_s < TARGET_BULK_S,
    }
    print(f"unsigned: {unsigned_ratio:.1f}× the baseline (target ≥ {TARGET_UNSIGNED_RATIO:.0f}×): "
          f"{_verdict(results['unsigned'])}")
    print(f"signed: {signed_ratio:.1f}× the baseline (target ≥ {TARGET_SIGNED_RATIO:.0f}×): "
          f"{_verdict(results['signed'])}")
    bulk_note = "" if bulk_count == BULK else f" (projected from {bulk_count:,}: {projected_s:.0f} s)"
    print(f"bulk: {BULK:,} signed in {projected_s:.1f} s{bulk_note} (target < {TARGET_BULK_S:.0f} s): "
          f"{_verdict(results['bulk'])}")

    def row(pdfs: str, product: _Rate, baseline: _Rate, ratio: float, target: float) -> tuple[object, ...]:
        passed = ratio >= target
        return (pdfs, f"{baseline.per_second:.1f}", f"{baseline.ms:.1f}", f"{baseline.mean_bytes / 1024:.0f}",
                f"{product.per_second:.1f}", f"{product.ms:.2f}", f"{product.mean_bytes / 1024:.0f}",
                f"{ratio:.1f}×", f"≥ {target:.0f}×", _verdict(passed))

    rates = markdown_table(
        ("PDFs", "baseline /s", "baseline ms", "baseline KiB", "product /s", "product ms", "product KiB",
         "ratio", "target", "result"),
        [row("unsigned", product_unsigned, base_unsigned, unsigned_ratio, TARGET_UNSIGNED_RATIO),
         row("signed", product_signed_rate, base_signed, signed_ratio, TARGET_SIGNED_RATIO)],
    )
    bulk_table = markdown_table(
        ("certificates", "processes", "wall time s", "per second", "KiB each", "10,000 in", "target", "result"),
        [(f"{bulk_count:,}", WORKERS, f"{bulk_seconds:.1f}", f"{bulk_count / bulk_seconds:.0f}",
          f"{bulk_bytes / bulk_count / 1024:.0f}", f"{projected_s:.0f} s", f"< {TARGET_BULK_S:.0f} s",
          _verdict(results["bulk"]))],
    )
    notes = (
        f"{sample} generated certificates (seed {SEED}: varied Vietnamese names, dates and places of birth, "
        "agencies, completion certificates and IT skill chứng chỉ with 1–2 achievement lines and a result), "
        "one issuer with a PNG emblem, timed one after another in one process after "
        f"{WARMUP} warm-up certificates. Baseline: `render_baseline` (a reportlab Canvas per certificate "
        "drawing everything, `QrCodeWidget`); signed with pyHanko `signers.sign_pdf`, a "
        "`SimpleSigner.load`-ed RSA-2048 key (loaded once) and default settings. Product: "
        "`render_certificate` (per-issuer template, fonts embedded once, zxing-cpp QR as one path); "
        "signed with `certificates.signing.sign_pdf` and an ECDSA P-256 demo issuer (PAdES B-B). "
        "Ratio = product rate / baseline rate. Bulk: signed certificates written to files by a pool of "
        f"{WORKERS} fresh (spawned) processes, timed from starting the pool to the last file."
    )
    if quick:
        notes += f" **Quick run** (`BENCH_QUICK=1`): {sample} samples, bulk of {bulk_count:,} scaled to {BULK:,}."
    write_section("Certificates", f"{notes}\n\n{rates}\n\n{bulk_table}")
    return all(results.values())


def main(argv: list[str]) -> int:
    """``python -m bench.certificates [--quick]``: 0 when every target is met, else 1."""
    parser = argparse.ArgumentParser(prog="python -m bench.certificates", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run: fewer samples, a bulk of 1,000")
    arguments = parser.parse_args(argv)
    return 0 if run(quick=arguments.quick or None) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
