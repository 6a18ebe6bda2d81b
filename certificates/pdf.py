"""Certificate PDFs: A4 landscape, Vietnamese text in the shipped Noto Serif, a QR code.

One design, described once as a list of drawing items (``_static_items`` for what an issuer's
certificates share, ``_face_items`` for what one certificate says), and two ways to draw it:

* :func:`render_certificate`, the product's. Everything an issuer's certificates share (the
  frame, national title, issuer block, signer, emblem and the embedded fonts) is written once
  per :class:`IssuerLayout` as finished PDF objects (a ``_Template``); a certificate then costs
  its own text operators, one QR path and a small cross-reference table. reportlab supplies
  what is hard to get right, TrueType parsing, metrics and subsetting, and the template writes
  the few PDF objects itself, because a reportlab document can share nothing with the next one
  and its per-document subsetting and object formatting are where its time goes.
* :func:`render_baseline`, the straightforward version: a reportlab ``Canvas`` per
  certificate drawing every item, with ``QrCodeWidget`` for the QR code. The benchmark
  (``bench/certificates.py``) measures the product against it.

Fonts: each face embeds one subset holding ASCII, the whole Vietnamese alphabet and common
punctuation, built once per process, so no certificate pays for subsetting; a character
outside it goes into a small extra subset for that document. Text is NFC and every font
carries a ToUnicode map, so the text a PDF reader extracts is exactly the text given.

Same data, same bytes: no clock and no random id; the document id is a digest of the content.
"""
from __future__ import annotations

import hashlib
import io
import threading
import unicodedata
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

import qrcode
from PIL import Image
from reportlab import Version as REPORTLAB_VERSION
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.colors import Color, HexColor
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont, TTFontFace, makeToUnicodeCMap
from reportlab.pdfgen.canvas import Canvas

PAGE_WIDTH, PAGE_HEIGHT = landscape(A4)
MARGIN = 24 * mm
"""Text never comes closer than this to the page's left or right edge (the frame is inside)."""
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN

INK = HexColor("#1b2a41")
ACCENT = HexColor("#a3261b")
GOLD = HexColor("#b08a2e")

FONT_FILES = {"regular": "NotoSerif-Regular.ttf", "bold": "NotoSerif-Bold.ttf", "italic": "NotoSerif-Italic.ttf"}
"""The three faces a layout's ``font_dir`` must hold."""

NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"

# Columns: the issuer block top left, the national title top right, the signer bottom right,
# the QR code and its caption bottom left.
_NATIONAL_X = PAGE_WIDTH - 80 * mm
_SIGNER_X = PAGE_WIDTH - 80 * mm
_SIGNER_WIDTH = 110 * mm
_ISSUER_LEFT = 20 * mm
_ISSUER_RIGHT = 140 * mm
_EMBLEM_BOX = 24 * mm
_EMBLEM_GAP = 4 * mm
_TOP = PAGE_HEIGHT - 28 * mm
_QR_X, _QR_Y, _QR_SIZE = 22 * mm, 20 * mm, 36 * mm
_QR_BORDER = 4  # modules of quiet zone inside the QR box, as QrCodeWidget draws it
_CAPTION_X = _QR_X + _QR_SIZE + 2 * mm
_CAPTION_WIDTH = _SIGNER_X - _SIGNER_WIDTH / 2 - _CAPTION_X - 4 * mm

# Every face embeds these characters once per process: ASCII, the Vietnamese letters (the 12
# vowels bare and with each of the 5 tone marks, and đ, in both cases) and punctuation that
# names and course titles use.
_TONE_MARKS = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")
_VIETNAMESE_LETTERS = {unicodedata.normalize("NFC", vowel + mark) for vowel in "aăâeêioôơuưy" for mark in _TONE_MARKS}
_REPERTOIRE = "".join(
    sorted(
        {chr(code) for code in range(32, 127)}
        | _VIETNAMESE_LETTERS
        | {letter.upper() for letter in _VIETNAMESE_LETTERS}
        | set("đĐ–—‘’“”…•·°№«»")
    )
)


@dataclass(frozen=True)
class IssuerLayout:
    """What an issuer prints on every certificate; build it once per issuer and keep it.

    It is the cache key of the product renderer's per-issuer template, so equal layouts share
    one. ``signer_title`` may hold a line break, as in ``"KT. GIÁM ĐỐC\\nPHÓ GIÁM ĐỐC"``.
    ``emblem_path`` is a PNG or JPEG drawn top left; ``font_dir`` holds the files of
    :data:`FONT_FILES`.
    """

    issuer_name: str
    parent_name: str | None
    signer_title: str
    signer_name: str
    issue_place: str
    emblem_path: Path | None
    font_dir: Path


@dataclass(frozen=True)
class CertificateFace:
    """Everything printed on one certificate, already worded (see ``achievement_lines``).

    ``achievement_lines`` are 1 to 3 lines (a course title, or a standard attained);
    ``verify_url`` is what the QR code holds; ``issued_on`` is the local date of issue.
    """

    title: str
    subtitle: str
    holder_name: str
    date_of_birth: date | None
    place_of_birth: str | None
    agency: str | None
    achievement_lines: list[str]
    result_line: str | None
    serial: str
    register_number: str | None
    code_display: str
    verify_url: str
    issued_on: date


# ---------------------------------------------------------------------------------------------
# The design, as drawing items shared by both renderers


@dataclass(frozen=True)
class _Text:
    text: str
    role: str  # a key of FONT_FILES
    size: float
    x: float  # the centre when ``centred``, else the left end
    y: float  # the baseline
    centred: bool = True
    colour: Color = INK


@dataclass(frozen=True)
class _Line:
    x0: float
    y0: float
    x1: float
    y1: float
    width: float
    colour: Color = INK


@dataclass(frozen=True)
class _Rect:
    x: float
    y: float
    w: float
    h: float
    width: float
    colour: Color


@dataclass(frozen=True)
class _Emblem:
    path: Path
    x: float
    y: float
    w: float
    h: float


@dataclass(frozen=True)
class _Qr:
    url: str
    x: float
    y: float
    size: float  # the box, quiet zone included


_Item = _Text | _Line | _Rect | _Emblem | _Qr


@dataclass(frozen=True)
class _Fonts:
    """The three faces of one font directory, registered with reportlab once per process."""

    names: dict[str, str]
    faces: dict[str, TTFont]

    def width(self, text: str, role: str, size: float) -> float:
        return self.faces[role].stringWidth(text, size)

    def fit(self, text: str, role: str, size: float, max_width: float) -> float:
        """``size``, or the smaller size at which ``text`` is exactly ``max_width`` wide."""
        width = self.width(text, role, size)
        return size if width <= max_width else size * max_width / width


@lru_cache(maxsize=8)
def _fonts(font_dir: Path) -> _Fonts:
    # reportlab's registry is global and keyed by name; a name per directory keeps two
    # directories (a test's and the shipped one) from replacing each other's faces.
    suffix = hashlib.sha1(str(font_dir).encode()).hexdigest()[:8]
    names, faces = {}, {}
    for role, filename in FONT_FILES.items():
        font = TTFont(f"{Path(filename).stem}-{suffix}", font_dir / filename)
        pdfmetrics.registerFont(font)
        names[role], faces[role] = font.fontName, font
    return _Fonts(names, faces)


def _balanced_lines(text: str, fonts: _Fonts, role: str, size: float, max_width: float) -> list[str]:
    """``text`` on one line, or split at the space that best balances two lines if too wide."""
    words = text.split()
    if fonts.width(text, role, size) <= max_width or len(words) < 2:
        return [text]
    splits = [(" ".join(words[:i]), " ".join(words[i:])) for i in range(1, len(words))]
    return list(min(splits, key=lambda pair: max(fonts.width(part, role, size) for part in pair)))


def _centred_lines(
    lines: Iterable[str], fonts: _Fonts, role: str, size: float, x: float, y: float, leading: float, max_width: float
) -> list[_Text]:
    return [
        _Text(line, role, fonts.fit(line, role, size, max_width), x, y - i * leading)
        for i, line in enumerate(lines)
    ]


def _emblem_box(path: Path) -> tuple[float, float]:
    """The emblem's drawn width and height: its aspect ratio inside a square box."""
    with Image.open(path) as image:
        width, height = image.size
    scale = _EMBLEM_BOX / max(width, height)
    return width * scale, height * scale


def _static_items(layout: IssuerLayout, fonts: _Fonts) -> list[_Item]:
    """What every certificate of ``layout`` shows, whatever it certifies."""
    items: list[_Item] = [
        _Rect(10 * mm, 10 * mm, PAGE_WIDTH - 20 * mm, PAGE_HEIGHT - 20 * mm, 3, GOLD),
        _Rect(14 * mm, 14 * mm, PAGE_WIDTH - 28 * mm, PAGE_HEIGHT - 28 * mm, 0.8, GOLD),
    ]

    left = _ISSUER_LEFT
    if layout.emblem_path is not None:
        w, h = _emblem_box(layout.emblem_path)
        top = PAGE_HEIGHT - 17 * mm
        items.append(_Emblem(layout.emblem_path, left + (_EMBLEM_BOX - w) / 2, top - (_EMBLEM_BOX + h) / 2, w, h))
        left += _EMBLEM_BOX + _EMBLEM_GAP
    centre, max_width = (left + _ISSUER_RIGHT) / 2, _ISSUER_RIGHT - left
    y = _TOP
    if layout.parent_name:
        lines = _balanced_lines(layout.parent_name.upper(), fonts, "regular", 11, max_width)
        items += _centred_lines(lines, fonts, "regular", 11, centre, y, 5.5 * mm, max_width)
        y -= len(lines) * 5.5 * mm
    lines = _balanced_lines(layout.issuer_name.upper(), fonts, "bold", 11, max_width)
    issuer = _centred_lines(lines, fonts, "bold", 11, centre, y, 5.5 * mm, max_width)
    items += issuer
    # Nghị định 30/2020: a rule of a third to a half of the issuer's name under it, centred.
    rule = max(fonts.width(t.text, t.role, t.size) for t in issuer) / 3
    rule_y = issuer[-1].y - 2.2 * mm
    items.append(_Line(centre - rule / 2, rule_y, centre + rule / 2, rule_y, 0.6))

    items.append(_Text(NATIONAL_TITLE, "bold", 12, _NATIONAL_X, _TOP))
    items.append(_Text(MOTTO, "bold", 12.5, _NATIONAL_X, _TOP - 6 * mm))
    motto = fonts.width(MOTTO, "bold", 12.5)
    motto_y = _TOP - 7.8 * mm
    items.append(_Line(_NATIONAL_X - motto / 2, motto_y, _NATIONAL_X + motto / 2, motto_y, 0.6))

    items.append(_Text("Chứng nhận", "regular", 13, PAGE_WIDTH / 2, PAGE_HEIGHT - 78 * mm))

    signer_lines = [line.strip().upper() for line in layout.signer_title.splitlines() if line.strip()]
    items += _centred_lines(signer_lines, fonts, "bold", 12.5, _SIGNER_X, 50 * mm, 5.5 * mm, _SIGNER_WIDTH)
    name_size = fonts.fit(layout.signer_name, "bold", 12.5, _SIGNER_WIDTH)
    items.append(_Text(layout.signer_name, "bold", name_size, _SIGNER_X, 22 * mm))
    items.append(_Text("Quét mã QR hoặc truy cập:", "regular", 9.5, _CAPTION_X, _QR_Y + 9.5 * mm, centred=False))
    return items


def vietnamese_date_line(place: str, day: date) -> str:
    """``"Nghệ An, ngày 05 tháng 02 năm 2026"``: the place and date line of an official document.

    Nghị định 30/2020/NĐ-CP: a leading zero for days under 10 and for months 1 and 2 (so that
    nothing can be written in front of them later).
    """
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def _face_items(face: CertificateFace, layout: IssuerLayout, fonts: _Fonts) -> list[_Item]:
    """What one certificate says, placed on the page."""
    centre = PAGE_WIDTH / 2
    items: list[_Item] = [
        _Text(face.title, "bold", fonts.fit(face.title, "bold", 30, CONTENT_WIDTH), centre, PAGE_HEIGHT - 56 * mm,
              colour=ACCENT),
        _Text(face.subtitle, "italic", fonts.fit(face.subtitle, "italic", 14, CONTENT_WIDTH), centre,
              PAGE_HEIGHT - 65 * mm),
        _Text(face.holder_name, "bold", fonts.fit(face.holder_name, "bold", 22, CONTENT_WIDTH), centre,
              PAGE_HEIGHT - 89 * mm),
    ]

    # The details flow down from under the name; with every field present they end above the
    # signer's date line (at most 2 + 3 + 1 lines).
    y = PAGE_HEIGHT - 99 * mm
    birth = []
    if face.date_of_birth is not None:
        birth.append(f"Ngày sinh: {face.date_of_birth:%d/%m/%Y}")
    if face.place_of_birth:
        birth.append(f"Nơi sinh: {face.place_of_birth}")
    details = ["     ".join(birth)] if birth else []
    if face.agency:
        details.append(f"Đơn vị công tác: {face.agency}")
    for line in details:
        items.append(_Text(line, "regular", fonts.fit(line, "regular", 12.5, CONTENT_WIDTH), centre, y))
        y -= 6.5 * mm
    y -= 2.5 * mm
    for line in face.achievement_lines:
        items.append(_Text(line, "bold", fonts.fit(line, "bold", 15, CONTENT_WIDTH), centre, y))
        y -= 7.5 * mm
    if face.result_line:
        line = face.result_line
        items.append(_Text(line, "regular", fonts.fit(line, "regular", 12.5, CONTENT_WIDTH), centre, y))

    date_line = vietnamese_date_line(layout.issue_place, face.issued_on)
    items.append(_Text(date_line, "italic", fonts.fit(date_line, "italic", 12.5, _SIGNER_WIDTH), _SIGNER_X, 56 * mm))

    captions = [f"Số hiệu: {face.serial}"]
    if face.register_number:
        captions.append(f"Số vào sổ: {face.register_number}")
    captions.append(f"Mã tra cứu: {face.code_display}")
    y = _QR_Y + 15 * mm + (len(captions) - 1) * 5.5 * mm
    for line in captions:
        size = fonts.fit(line, "regular", 9.5, _CAPTION_WIDTH)
        items.append(_Text(line, "regular", size, _CAPTION_X, y, centred=False))
        y -= 5.5 * mm
    url_size = fonts.fit(face.verify_url, "regular", 8, _CAPTION_WIDTH)
    items.append(_Text(face.verify_url, "regular", url_size, _CAPTION_X, _QR_Y + 4.5 * mm, centred=False))
    items.append(_Qr(face.verify_url, _QR_X, _QR_Y, _QR_SIZE))
    return items


def _metadata(face: CertificateFace, layout: IssuerLayout) -> tuple[str, str, str]:
    """The document's title, author and subject."""
    return f"{face.title} {face.serial}", layout.issuer_name, " ".join(face.achievement_lines)


def _nfc_face(face: CertificateFace) -> CertificateFace:
    """``face`` with its text in NFC, so extracted text compares equal to stored text."""

    def nfc(value: object) -> object:
        if isinstance(value, str):
            return unicodedata.normalize("NFC", value)
        if isinstance(value, list):
            return [unicodedata.normalize("NFC", line) for line in value]
        return value

    return CertificateFace(**{name: nfc(getattr(face, name)) for name in face.__dataclass_fields__})


# ---------------------------------------------------------------------------------------------
# The straightforward renderer: a reportlab Canvas per certificate


def render_baseline(face: CertificateFace, layout: IssuerLayout) -> bytes:
    """Draw the certificate the straightforward way and return the PDF bytes.

    A reportlab ``Canvas`` per certificate draws every item, the emblem with ``drawImage`` and
    the QR code with ``QrCodeWidget``; reportlab subsets the fonts for each document. It gives
    the same page as :func:`render_certificate` and is the benchmark's reference point.
    """
    fonts = _fonts(layout.font_dir)
    face = _nfc_face(face)
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(PAGE_WIDTH, PAGE_HEIGHT), invariant=1)
    title, author, subject = _metadata(face, layout)
    canvas.setTitle(title)
    canvas.setAuthor(author)
    canvas.setSubject(subject)
    for item in [*_static_items(layout, fonts), *_face_items(face, layout, fonts)]:
        if isinstance(item, _Text):
            canvas.setFillColor(item.colour)
            canvas.setFont(fonts.names[item.role], item.size)
            if item.centred:
                canvas.drawCentredString(item.x, item.y, item.text)
            else:
                canvas.drawString(item.x, item.y, item.text)
        elif isinstance(item, (_Line, _Rect)):
            canvas.setStrokeColor(item.colour)
            canvas.setLineWidth(item.width)
            if isinstance(item, _Line):
                canvas.line(item.x0, item.y0, item.x1, item.y1)
            else:
                canvas.rect(item.x, item.y, item.w, item.h)
        elif isinstance(item, _Emblem):
            canvas.drawImage(str(item.path), item.x, item.y, item.w, item.h, mask="auto")
        else:
            widget = QrCodeWidget(item.url, barLevel="M", barFillColor=INK, barStrokeColor=INK)
            x0, y0, x1, y1 = widget.getBounds()
            scale = [item.size / (x1 - x0), 0, 0, item.size / (y1 - y0), 0, 0]
            drawing = Drawing(item.size, item.size, transform=scale)
            drawing.add(widget)
            renderPDF.draw(drawing, canvas, item.x, item.y)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


# ---------------------------------------------------------------------------------------------
# The product renderer: a per-issuer template of finished PDF objects


def _num(value: float) -> str:
    """A PDF number: two decimals at most, no trailing zeros (deterministic and short)."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _rgb(colour: Color) -> str:
    return f"{_num(colour.red)} {_num(colour.green)} {_num(colour.blue)}"


def _pdf_string(text: str) -> str:
    """A PDF text string (UTF-16BE with a byte order mark), for the document information."""
    return "<FEFF" + text.encode("utf-16-be").hex().upper() + ">"


def _stream(entries: str, data: bytes) -> bytes:
    """A Flate-compressed stream object body; ``data`` is already compressed."""
    return f"<< {entries} /Filter /FlateDecode /Length {len(data)} >>\nstream\n".encode() + data + b"\nendstream"


_SUBSET_LOCK = threading.Lock()  # TTFontFace.makeSubset reads the font through a shared file position


@dataclass(frozen=True)
class _Subset:
    """One embedded TrueType subset of a face: up to 256 characters, code 0 for .notdef."""

    codes: dict[str, int]
    objects: tuple[bytes, bytes, bytes, bytes]  # font, descriptor, font file, ToUnicode bodies, with
    # ``{font}``-style placeholders for the object numbers they refer to

    def serialise(self, first: int) -> list[bytes]:
        """The four objects, numbered from ``first`` (font, descriptor, font file, ToUnicode)."""
        numbers = {b"{descriptor}": b"%d" % (first + 1), b"{file}": b"%d" % (first + 2), b"{cmap}": b"%d" % (first + 3)}
        bodies = []
        for body in self.objects:
            for placeholder, number in numbers.items():
                body = body.replace(placeholder, number)
            bodies.append(body)
        return bodies


def _tag(characters: str) -> str:
    """Six capital letters naming a subset, derived from what it holds (PDF 32000 §9.6.4)."""
    digest = hashlib.sha1(characters.encode()).digest()
    return "".join(chr(ord("A") + byte % 26) for byte in digest[:6])


def _build_subset(face: TTFontFace, characters: str) -> _Subset:
    codepoints = [0] + [ord(ch) for ch in characters]
    with _SUBSET_LOCK:
        program = face.makeSubset(codepoints)
    name = f"{_tag(characters)}+{face.name.decode('latin-1')}"
    widths = " ".join(str(round(face.getCharWidth(code))) for code in codepoints)
    # Symbolic: the codes are this subset's own, not a standard encoding.
    flags = (face.flags & ~(1 << 5)) | (1 << 2)
    font = (
        f"<< /Type /Font /Subtype /TrueType /BaseFont /{name} /FirstChar 0 /LastChar {len(codepoints) - 1} "
        f"/Widths [{widths}] /FontDescriptor {{descriptor}} 0 R /ToUnicode {{cmap}} 0 R >>"
    ).encode()
    descriptor = (
        f"<< /Type /FontDescriptor /FontName /{name} /Flags {flags} /FontBBox [{' '.join(map(str, face.bbox))}] "
        f"/ItalicAngle {_num(face.italicAngle)} /Ascent {face.ascent} /Descent {face.descent} "
        f"/CapHeight {face.capHeight} /StemV {face.stemV} /MissingWidth {face.defaultWidth} "
        f"/FontFile2 {{file}} 0 R >>"
    ).encode()
    font_file = _stream(f"/Length1 {len(program)}", zlib.compress(program, 9))
    cmap = _stream("", zlib.compress(makeToUnicodeCMap(name, codepoints).encode(), 9))
    return _Subset({ch: i for i, ch in enumerate(characters, start=1)}, (font, descriptor, font_file, cmap))


@lru_cache(maxsize=8)
def _base_subset(font_dir: Path, role: str) -> _Subset:
    face = _fonts(font_dir).faces[role].face
    return _build_subset(face, "".join(ch for ch in _REPERTOIRE if ord(ch) in face.charToGlyph))


@lru_cache(maxsize=256)
def _extra_subset(font_dir: Path, role: str, characters: str) -> _Subset:
    return _build_subset(_fonts(font_dir).faces[role].face, characters)


def _image_objects(path: Path) -> tuple[bytes, bytes | None]:
    """The emblem as an image XObject body and, for transparent images, its soft mask's body
    (whose object number the image refers to as ``{smask}``)."""
    with Image.open(path) as image:
        if image.format == "JPEG" and image.mode in ("RGB", "L"):
            space = "DeviceRGB" if image.mode == "RGB" else "DeviceGray"
            entries = f"/Type /XObject /Subtype /Image /Width {image.width} /Height {image.height} " \
                      f"/ColorSpace /{space} /BitsPerComponent 8 /Filter /DCTDecode"
            data = path.read_bytes()
            return f"<< {entries} /Length {len(data)} >>\nstream\n".encode() + data + b"\nendstream", None
        if image.format not in ("PNG", "JPEG"):
            raise ValueError(f"emblem {path} is {image.format or 'not an image'}; give a PNG or JPEG file")
        has_alpha = image.mode in ("RGBA", "LA") or "transparency" in image.info
        pixels = image.convert("RGBA" if has_alpha else "RGB")
    entries = f"/Type /XObject /Subtype /Image /Width {pixels.width} /Height {pixels.height} /BitsPerComponent 8"
    rgb = zlib.compress(pixels.convert("RGB").tobytes(), 9)
    if not has_alpha:
        return _stream(f"{entries} /ColorSpace /DeviceRGB", rgb), None
    alpha = zlib.compress(pixels.getchannel("A").tobytes(), 9)
    return (
        _stream(f"{entries} /ColorSpace /DeviceRGB /SMask {{smask}} 0 R", rgb),
        _stream(f"{entries} /ColorSpace /DeviceGray", alpha),
    )


def _qr_matrix(url: str) -> list[list[bool]]:
    """The QR code of ``url`` (error correction M, the smallest version, the best mask), no border."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    code.add_data(url)
    code.make(fit=True)
    return code.get_matrix()


def _qr_operators(matrix: list[list[bool]], x: float, y: float, size: float) -> str:
    """The dark modules as one filled path, a rectangle per horizontal run of dark modules.

    The path is drawn in module units (row 0 at the top), so the rectangles are small integers,
    and filled once: neighbouring runs join without the hairline seams separate fills can show.
    """
    count = len(matrix)
    module = size / (count + 2 * _QR_BORDER)
    origin_x, origin_y = x + _QR_BORDER * module, y + _QR_BORDER * module
    runs = []
    for row, modules in enumerate(matrix):
        line_y = count - 1 - row
        start = None
        for column, dark in enumerate([*modules, False]):
            if dark and start is None:
                start = column
            elif not dark and start is not None:
                runs.append(f"{start} {line_y} {column - start} 1 re")
                start = None
    return (
        f"q {_rgb(INK)} rg {_num(module)} 0 0 {_num(module)} {_num(origin_x)} {_num(origin_y)} cm\n"
        + "\n".join(runs)
        + "\nf Q\n"
    )


@dataclass
class _Operators:
    """Content-stream operators for drawing items, with the fonts of one document."""

    fonts: _Fonts
    subsets: dict[str, str]  # role -> resource name of its base subset
    codes: dict[str, dict[str, int]]  # role -> character -> code in the base subset
    extras: dict[str, tuple[str, dict[str, int]]] = field(default_factory=dict)  # role -> (resource, codes)
    parts: list[str] = field(default_factory=list)

    def _runs(self, text: str, role: str) -> Iterator[tuple[str, bytes]]:
        """(font resource, codes) runs: the base subset, and the document's extra one if needed."""
        base = self.codes[role]
        if all(ch in base for ch in text):
            yield self.subsets[role], bytes(base[ch] for ch in text)
            return
        resource, extra = self.extras[role]
        current, run = None, bytearray()
        for ch in text:
            name, code = (self.subsets[role], base[ch]) if ch in base else (resource, extra[ch])
            if name != current and run:
                yield current, bytes(run)
                run = bytearray()
            current = name
            run.append(code)
        if run:
            yield current, bytes(run)

    def draw(self, items: Iterable[_Item]) -> str:
        for item in items:
            if isinstance(item, _Text):
                x = item.x - self.fonts.width(item.text, item.role, item.size) / 2 if item.centred else item.x
                shows = " ".join(f"{name} {_num(item.size)} Tf <{codes.hex()}> Tj" for name, codes in
                                 self._runs(item.text, item.role))
                self.parts.append(f"{_rgb(item.colour)} rg BT {_num(x)} {_num(item.y)} Td {shows} ET\n")
            elif isinstance(item, _Line):
                self.parts.append(f"{_num(item.width)} w {_rgb(item.colour)} RG {_num(item.x0)} {_num(item.y0)} m "
                                  f"{_num(item.x1)} {_num(item.y1)} l S\n")
            elif isinstance(item, _Rect):
                self.parts.append(f"{_num(item.width)} w {_rgb(item.colour)} RG {_num(item.x)} {_num(item.y)} "
                                  f"{_num(item.w)} {_num(item.h)} re S\n")
            elif isinstance(item, _Emblem):
                self.parts.append(f"q {_num(item.w)} 0 0 {_num(item.h)} {_num(item.x)} {_num(item.y)} cm "
                                  "/Emblem Do Q\n")
            else:
                self.parts.append(_qr_operators(_qr_matrix(item.url), item.x, item.y, item.size))
        return "".join(self.parts)


_HEADER = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
_ROLES = tuple(FONT_FILES)
# Object numbers: the per-certificate objects first, then the template's.
_CATALOG, _PAGES, _PAGE, _CONTENTS, _INFO, _FORM = 1, 2, 3, 4, 5, 6


class _Template:
    """The finished PDF objects an issuer's certificates share, and the assembly of one.

    The static items are drawn once into a Form XObject; the base font subsets and the emblem
    are written once. A certificate adds its page, its content stream (the form, its text, its
    QR path), its information dictionary and any extra font subsets, then the cross-reference
    table.
    """

    def __init__(self, layout: IssuerLayout) -> None:
        self.layout = layout
        self.fonts = _fonts(layout.font_dir)
        number = _FORM + 1
        shared: list[tuple[int, bytes]] = []
        self.font_resources: dict[str, int] = {}
        for role in _ROLES:
            subset = _base_subset(layout.font_dir, role)
            self.font_resources[role] = number
            shared += zip(range(number, number + 4), subset.serialise(number))
            number += 4
        emblem_resource = ""
        if layout.emblem_path is not None:
            image, mask = _image_objects(layout.emblem_path)
            emblem_resource = f" /XObject << /Emblem {number} 0 R >>"
            if mask is not None:
                image = image.replace(b"{smask}", b"%d" % (number + 1))
                shared.append((number + 1, mask))
            shared.append((number, image))
            number += 2 if mask is not None else 1
        self.next_number = number

        static = self._operators().draw(_static_items(layout, self.fonts))
        fonts = " ".join(f"/{role.capitalize()} {ref} 0 R" for role, ref in self.font_resources.items())
        form = _stream(
            f"/Type /XObject /Subtype /Form /BBox [0 0 {_num(PAGE_WIDTH)} {_num(PAGE_HEIGHT)}] "
            f"/Resources << /Font << {fonts} >>{emblem_resource} >>",
            zlib.compress(static.encode("latin-1"), 9),
        )
        shared.append((_FORM, form))

        # The file's first part never changes: header, catalog, page tree, shared objects.
        head = [_HEADER]
        self.offsets: dict[int, int] = {}
        fixed = [
            (_CATALOG, b"<< /Type /Catalog /Pages 2 0 R >>"),
            (_PAGES, b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"),
            *sorted(shared),
        ]
        position = len(_HEADER)
        for number, body in fixed:
            chunk = b"%d 0 obj\n" % number + body + b"\nendobj\n"
            self.offsets[number] = position
            head.append(chunk)
            position += len(chunk)
        self.head = b"".join(head)
        self.digest = hashlib.md5(self.head).digest()

    def _operators(self) -> _Operators:
        return _Operators(
            self.fonts,
            {role: f"/{role.capitalize()}" for role in _ROLES},
            {role: _base_subset(self.layout.font_dir, role).codes for role in _ROLES},
        )

    def render(self, face: CertificateFace) -> bytes:
        """The PDF of ``face`` on this template."""
        items = _face_items(face, self.layout, self.fonts)
        operators = self._operators()
        number = self.next_number
        extra_objects: list[tuple[int, bytes]] = []
        page_fonts = [f"/{role.capitalize()} {ref} 0 R" for role, ref in self.font_resources.items()]
        for role in _ROLES:
            used = {ch for item in items if isinstance(item, _Text) and item.role == role for ch in item.text}
            missing = used - operators.codes[role].keys()
            if not missing:
                continue
            face_chars = self.fonts.faces[role].face.charToGlyph
            absent = sorted(ch for ch in missing if ord(ch) not in face_chars)
            if absent:
                listed = ", ".join(f"U+{ord(ch):04X}" for ch in absent)
                raise ValueError(f"the {role} font has no glyph for {listed}")
            subset = _extra_subset(self.layout.font_dir, role, "".join(sorted(missing)))
            resource = f"/{role.capitalize()}Extra"
            operators.extras[role] = (resource, subset.codes)
            page_fonts.append(f"{resource} {number} 0 R")
            extra_objects += zip(range(number, number + 4), subset.serialise(number))
            number += 4

        content = zlib.compress(("q /Static Do Q\n" + operators.draw(items)).encode("latin-1"))
        title, author, subject = _metadata(face, self.layout)
        stamp = f"D:{face.issued_on:%Y%m%d}000000+07'00'"
        own = [
            (
                _PAGE,
                (
                    f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {_num(PAGE_WIDTH)} {_num(PAGE_HEIGHT)}] "
                    f"/Resources << /Font << {' '.join(page_fonts)} >> /XObject << /Static {_FORM} 0 R >> >> "
                    f"/Contents {_CONTENTS} 0 R >>"
                ).encode(),
            ),
            (_CONTENTS, _stream("", content)),
            (
                _INFO,
                (
                    f"<< /Title {_pdf_string(title)} /Author {_pdf_string(author)} /Subject {_pdf_string(subject)} "
                    f"/Producer (ReportLab {REPORTLAB_VERSION} fonts, certificates.pdf) "
                    f"/CreationDate ({stamp}) /ModDate ({stamp}) >>"
                ).encode(),
            ),
            *extra_objects,
        ]
        offsets = dict(self.offsets)
        chunks = [self.head]
        position = len(self.head)
        for obj_number, body in own:
            chunk = b"%d 0 obj\n" % obj_number + body + b"\nendobj\n"
            offsets[obj_number] = position
            chunks.append(chunk)
            position += len(chunk)
        size = number
        xref = ["xref\n", f"0 {size}\n", "0000000000 65535 f \n"]
        xref += [f"{offsets[n]:010d} 00000 n \n" for n in range(1, size)]
        body_digest = hashlib.md5(self.digest + b"".join(chunks[1:])).hexdigest()
        trailer = (
            f"trailer\n<< /Size {size} /Root {_CATALOG} 0 R /Info {_INFO} 0 R /ID [<{body_digest}> <{body_digest}>] >>\n"
            f"startxref\n{position}\n%%EOF\n"
        )
        chunks.append("".join(xref).encode() + trailer.encode())
        return b"".join(chunks)


@lru_cache(maxsize=64)
def _template(layout: IssuerLayout) -> _Template:
    return _Template(layout)


def render_certificate(face: CertificateFace, layout: IssuerLayout) -> bytes:
    """Draw ``face`` on ``layout``'s A4 landscape page and return the PDF bytes.

    The layout's template (frame, headings, issuer, signer, emblem, fonts) is built on first
    use and cached, so keep layouts equal between calls. The same face and layout always give
    the same bytes. Raises ``ValueError`` if a character has no glyph in the layout's fonts or
    the emblem is not a PNG or JPEG image.
    """
    return _template(layout).render(_nfc_face(face))
