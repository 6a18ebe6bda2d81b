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
punctuation (and whatever else the issuer's own texts use), built once per process, so no
certificate pays for subsetting; a character outside it goes into a small extra subset for
that document. Text is NFC and every font
carries a ToUnicode map, so the text a PDF reader extracts is exactly the text given.

Same data, same bytes: no clock and no random id; the document id is a digest of the content.
"""
from __future__ import annotations

import hashlib
import io
import math
import threading
import unicodedata
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from pathlib import Path

import zxingcpp
from PIL import Image, UnidentifiedImageError
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.colors import Color, HexColor
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont, makeToUnicodeCMap
from reportlab.pdfgen.canvas import Canvas

PAGE_WIDTH, PAGE_HEIGHT = landscape(A4)
MARGIN = 24 * mm
"""The centred lines (title, name, details) keep this far from the page's left and right edges."""
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
_MIDDLE_SPAN = 67 * mm  # from the "Chứng nhận" baseline to the lowest line's, when all fit
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
        # đ, dashes, quotes, ellipsis, bullets, degree, numero, guillemets
        | set("đĐ\u2013\u2014\u2018\u2019\u201c\u201d\u2026\u2022\u00b7\u00b0\u2116\u00ab\u00bb")
    )
)


@dataclass(frozen=True)
class IssuerLayout:
    """What an issuer prints on every certificate; build it once per issuer and keep it.

    It is the cache key of the product renderer's per-issuer template, so equal layouts share
    one, and the emblem file is read once per process: give a changed emblem a new path. ``signer_title`` may hold a line break, as in ``"KT. GIÁM ĐỐC\\nPHÓ GIÁM ĐỐC"``.
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
        """``size``, or the smaller size at which ``text`` is ``max_width`` wide.

        A smaller size is rounded down to the 0.01 pt a PDF number is written with, so the
        text as written is never wider than ``max_width``.
        """
        width = self.width(text, role, size)
        return size if width <= max_width else math.floor(size * max_width / width * 100) / 100


@lru_cache(maxsize=8)
def _fonts(font_dir: Path) -> _Fonts:
    # reportlab's registry is global and keyed by name; a name per directory keeps two
    # directories (a test's and the shipped one) from replacing each other's faces.
    suffix = hashlib.sha256(str(font_dir).encode()).hexdigest()[:8]
    names, faces = {}, {}
    for role, filename in FONT_FILES.items():
        font = TTFont(f"{Path(filename).stem}-{suffix}", Path(font_dir) / filename)
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


def _open_emblem(path: Path) -> Image.Image:
    """The emblem image, refused unless it is a PNG or JPEG file."""
    try:
        image = Image.open(path)
    except UnidentifiedImageError:
        raise ValueError(f"emblem {path} is not a PNG or JPEG image") from None
    if image.format not in ("PNG", "JPEG"):
        image.close()
        raise ValueError(f"emblem {path} is {image.format}, not a PNG or JPEG image")
    return image


def _emblem_box(path: Path) -> tuple[float, float]:
    """The emblem's drawn width and height: its aspect ratio inside a square box."""
    with _open_emblem(path) as image:
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
    rule_y = issuer[-1].y - 3 * mm
    items.append(_Line(centre - rule / 2, rule_y, centre + rule / 2, rule_y, 0.6))

    items.append(_Text(NATIONAL_TITLE, "bold", 12, _NATIONAL_X, _TOP))
    items.append(_Text(MOTTO, "bold", 12.5, _NATIONAL_X, _TOP - 6 * mm))
    motto = fonts.width(MOTTO, "bold", 12.5)
    motto_y = _TOP - 7.8 * mm
    items.append(_Line(_NATIONAL_X - motto / 2, motto_y, _NATIONAL_X + motto / 2, motto_y, 0.6))

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
    ]

    # The middle block, as (text, face, size, distance below the previous baseline). With every
    # field present (2 detail lines, 3 achievement lines, a result) it just fits above the
    # signer's date line; shorter blocks move down by half the room left, up to 10 mm, so a
    # short certificate does not crowd under its title.
    birth = []
    if face.date_of_birth is not None:
        birth.append(f"Ngày sinh: {face.date_of_birth:%d/%m/%Y}")
    if face.place_of_birth:
        birth.append(f"Nơi sinh: {face.place_of_birth}")
    details = ["     ".join(birth)] if birth else []
    if face.agency:
        details.append(f"Đơn vị công tác: {face.agency}")
    block = [("Chứng nhận", "regular", 13.0, 0.0), (face.holder_name, "bold", 22.0, 11 * mm)]
    block += [(line, "regular", 12.5, (10 if i == 0 else 6.5) * mm) for i, line in enumerate(details)]
    block += [(line, "bold", 15.0, (9 if i == 0 else 7.5) * mm) for i, line in enumerate(face.achievement_lines)]
    if face.result_line:
        block.append((face.result_line, "regular", 12.5, 7.5 * mm))
    span = sum(gap for *_, gap in block)
    y = PAGE_HEIGHT - 78 * mm - min(10 * mm, max(0.0, (_MIDDLE_SPAN - span) / 2))
    for text, role, size, gap in block:
        y -= gap
        items.append(_Text(text, role, fonts.fit(text, role, size, CONTENT_WIDTH), centre, y))

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


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _nfc_optional(text: str | None) -> str | None:
    return None if text is None else _nfc(text)


# Text is printed in NFC: the font has glyphs for composed letters, and the text a reader
# extracts then compares equal to the (NFC) text stored, whatever form the caller passed.


def _nfc_face(face: CertificateFace) -> CertificateFace:
    return replace(
        face,
        title=_nfc(face.title),
        subtitle=_nfc(face.subtitle),
        holder_name=_nfc(face.holder_name),
        place_of_birth=_nfc_optional(face.place_of_birth),
        agency=_nfc_optional(face.agency),
        achievement_lines=[_nfc(line) for line in face.achievement_lines],
        result_line=_nfc_optional(face.result_line),
        serial=_nfc(face.serial),
        register_number=_nfc_optional(face.register_number),
        code_display=_nfc(face.code_display),
    )


def _nfc_layout(layout: IssuerLayout) -> IssuerLayout:
    return replace(
        layout,
        issuer_name=_nfc(layout.issuer_name),
        parent_name=_nfc_optional(layout.parent_name),
        signer_title=_nfc(layout.signer_title),
        signer_name=_nfc(layout.signer_name),
        issue_place=_nfc(layout.issue_place),
    )


# ---------------------------------------------------------------------------------------------
# The straightforward renderer: a reportlab Canvas per certificate


def render_baseline(face: CertificateFace, layout: IssuerLayout) -> bytes:
    """Draw the certificate the straightforward way and return the PDF bytes.

    A reportlab ``Canvas`` per certificate draws every item, the emblem with ``drawImage`` and
    the QR code with ``QrCodeWidget``; reportlab subsets the fonts for each document. It gives
    the same page as :func:`render_certificate` and is the benchmark's reference point.
    """
    fonts = _fonts(layout.font_dir)
    face, layout = _nfc_face(face), _nfc_layout(layout)
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
    """A Flate-compressed stream object's body; ``data`` is already compressed."""
    return f"<< {entries} /Filter /FlateDecode /Length {len(data)} >>\nstream\n".encode() + data + b"\nendstream"


def _serialise(objects: Iterable[tuple[int, bytes]], position: int) -> tuple[list[bytes], dict[int, int]]:
    """Numbered objects as file chunks starting at byte ``position``, and each one's offset."""
    chunks, offsets = [], {}
    for number, body in objects:
        chunk = b"%d 0 obj\n" % number + body + b"\nendobj\n"
        offsets[number] = position
        chunks.append(chunk)
        position += len(chunk)
    return chunks, offsets


_SUBSET_LOCK = threading.Lock()  # TTFontFace.makeSubset reads the font through a shared file position
_MAX_SUBSET = 255  # one-byte codes, code 0 being .notdef


@dataclass(frozen=True)
class _Subset:
    """One embedded TrueType subset of a face: its characters' codes and its four PDF objects.

    The objects (font, descriptor, font program, ToUnicode map) are finished except for the
    numbers they refer to each other by, which depend on where a file puts them.
    """

    codes: dict[str, int]
    bodies: tuple[bytes, bytes, bytes, bytes]

    def numbered(self, first: int) -> list[tuple[int, bytes]]:
        """The four objects, numbered from ``first`` on."""
        refs = {b"{descriptor}": b"%d" % (first + 1), b"{file}": b"%d" % (first + 2), b"{cmap}": b"%d" % (first + 3)}
        numbered = []
        for offset, body in enumerate(self.bodies):
            for placeholder, number in refs.items():
                body = body.replace(placeholder, number)
            numbered.append((first + offset, body))
        return numbered


def _tag(text: str) -> str:
    """Six capital letters naming a subset, derived from ``text`` (PDF 32000-1 §9.6.4)."""
    digest = hashlib.sha256(text.encode()).digest()
    return "".join(chr(ord("A") + byte % 26) for byte in digest[:6])


@lru_cache(maxsize=256)
def _subset(font_dir: Path, role: str, characters: str) -> _Subset:
    """The subset of ``role``'s face holding ``characters`` (codes 1, 2, ... in their order)."""
    face = _fonts(font_dir).faces[role].face
    codepoints = [0, *map(ord, characters)]
    with _SUBSET_LOCK:
        program = face.makeSubset(codepoints)
    base_name = face.name.decode("latin-1")
    name = f"{_tag(base_name + characters)}+{base_name}"
    widths = " ".join(str(round(face.getCharWidth(code))) for code in codepoints)
    # Symbolic (flag 3, not 6): the codes are this subset's own, not a standard encoding.
    flags = (face.flags & ~(1 << 5)) | (1 << 2)
    font = (
        f"<< /Type /Font /Subtype /TrueType /BaseFont /{name} /FirstChar 0 /LastChar {len(characters)} "
        f"/Widths [{widths}] /FontDescriptor {{descriptor}} 0 R /ToUnicode {{cmap}} 0 R >>"
    ).encode()
    descriptor = (
        f"<< /Type /FontDescriptor /FontName /{name} /Flags {flags} /FontBBox [{' '.join(map(str, face.bbox))}] "
        f"/ItalicAngle {_num(face.italicAngle)} /Ascent {face.ascent} /Descent {face.descent} "
        f"/CapHeight {face.capHeight} /StemV {face.stemV} /MissingWidth {face.defaultWidth} /FontFile2 {{file}} 0 R >>"
    ).encode()
    font_file = _stream(f"/Length1 {len(program)}", zlib.compress(program, 9))
    cmap = _stream("", zlib.compress(makeToUnicodeCMap(name, codepoints).encode(), 9))
    return _Subset({ch: code for code, ch in enumerate(characters, start=1)}, (font, descriptor, font_file, cmap))


def _characters(items: Iterable[_Item], role: str) -> set[str]:
    return {ch for item in items if isinstance(item, _Text) and item.role == role for ch in item.text}


def _check_glyphs(fonts: _Fonts, role: str, characters: Iterable[str]) -> None:
    glyphs = fonts.faces[role].face.charToGlyph
    absent = sorted(ch for ch in characters if ord(ch) not in glyphs)
    if absent:
        listed = ", ".join(f"U+{ord(ch):04X}" for ch in absent)
        raise ValueError(f"the {role} face of the certificate font has no glyph for {listed}")


def _image_objects(path: Path) -> tuple[bytes, bytes | None]:
    """The emblem as an image XObject's body and, for a transparent image, its soft mask's
    body (which the image refers to as object ``{smask}``)."""
    with _open_emblem(path) as image:
        entries = f"/Type /XObject /Subtype /Image /Width {image.width} /Height {image.height} /BitsPerComponent 8"
        if image.format == "JPEG" and image.mode in ("RGB", "L"):
            # PDF readers decode JPEG themselves: embed the file as it is.
            space = "DeviceRGB" if image.mode == "RGB" else "DeviceGray"
            data = path.read_bytes()
            body = f"<< {entries} /ColorSpace /{space} /Filter /DCTDecode /Length {len(data)} >>\nstream\n"
            return body.encode() + data + b"\nendstream", None
        has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
        pixels = image.convert("RGBA" if has_alpha else "RGB")
    rgb = zlib.compress(pixels.convert("RGB").tobytes(), 9)
    if not has_alpha:
        return _stream(f"{entries} /ColorSpace /DeviceRGB", rgb), None
    alpha = zlib.compress(pixels.getchannel("A").tobytes(), 9)
    return (
        _stream(f"{entries} /ColorSpace /DeviceRGB /SMask {{smask}} 0 R", rgb),
        _stream(f"{entries} /ColorSpace /DeviceGray", alpha),
    )


def _qr_matrix(url: str) -> list[bytes]:
    """The QR code of ``url`` without quiet zone: a row of modules (0 dark, 255 light) per item.

    zxing-cpp encodes in C++ (error correction M, the smallest version, the mask with the
    lowest penalty) in about 0.2 ms; the pure-Python encoders (qrcode, segno, reportlab's)
    take 3 to 20 ms, more than all the rest of a certificate.
    """
    symbol = zxingcpp.create_barcode(url, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    image = symbol.to_image(add_quiet_zones=False)
    height, width = image.shape
    pixels = memoryview(image).tobytes()  # type: ignore[arg-type]  # its stub omits the buffer protocol
    return [pixels[row * width:(row + 1) * width] for row in range(height)]


def _qr_operators(matrix: list[bytes], x: float, y: float, size: float) -> str:
    """The dark modules as one filled path, a rectangle per horizontal run of dark modules.

    The path is drawn in module units (row 0 at the top), so the rectangles are small integers,
    and filled once: neighbouring runs join without the hairline seams separate fills can show.
    """
    count = len(matrix)
    module = size / (count + 2 * _QR_BORDER)
    runs = []
    for row, modules in enumerate(matrix):
        start = None
        for column, value in enumerate([*modules, 255]):
            if value == 0 and start is None:
                start = column
            elif value != 0 and start is not None:
                runs.append(f"{start} {count - 1 - row} {column - start} 1 re")
                start = None
    origin_x, origin_y = x + _QR_BORDER * module, y + _QR_BORDER * module
    return (
        f"q {_rgb(INK)} rg {_num(module)} 0 0 {_num(module)} {_num(origin_x)} {_num(origin_y)} cm\n"
        + "\n".join(runs)
        + "\nf Q\n"
    )


@dataclass
class _Operators:
    """Writes drawing items as content-stream operators, in one document's fonts.

    ``fonts`` maps a role to the resource name and codes of its subsets: the template's, then
    the document's extra one when its text needs characters the template's lacks.
    """

    metrics: _Fonts
    fonts: dict[str, list[tuple[str, dict[str, int]]]]

    def _runs(self, text: str, role: str) -> Iterator[tuple[str, bytes]]:
        """``text`` as (font resource, codes) runs, switching subsets where needed."""
        subsets = self.fonts[role]
        resource, codes = subsets[0]
        if len(subsets) == 1 or all(ch in codes for ch in text):
            yield resource, bytes(codes[ch] for ch in text)
            return
        current, run = "", bytearray()
        for ch in text:
            resource, codes = next(subset for subset in subsets if ch in subset[1])
            if resource != current and run:
                yield current, bytes(run)
                run = bytearray()
            current = resource
            run.append(codes[ch])
        yield current, bytes(run)

    def draw(self, items: Iterable[_Item]) -> str:
        """The operators that draw ``items`` (the emblem as XObject ``/Emblem``)."""
        parts = []
        for item in items:
            if isinstance(item, _Text):
                x = item.x - self.metrics.width(item.text, item.role, item.size) / 2 if item.centred else item.x
                shows = " ".join(
                    f"{resource} {_num(item.size)} Tf <{codes.hex()}> Tj"
                    for resource, codes in self._runs(item.text, item.role)
                )
                parts.append(f"{_rgb(item.colour)} rg BT {_num(x)} {_num(item.y)} Td {shows} ET\n")
            elif isinstance(item, _Line):
                parts.append(f"{_num(item.width)} w {_rgb(item.colour)} RG {_num(item.x0)} {_num(item.y0)} m "
                             f"{_num(item.x1)} {_num(item.y1)} l S\n")
            elif isinstance(item, _Rect):
                parts.append(f"{_num(item.width)} w {_rgb(item.colour)} RG {_num(item.x)} {_num(item.y)} "
                             f"{_num(item.w)} {_num(item.h)} re S\n")
            elif isinstance(item, _Emblem):
                parts.append(f"q {_num(item.w)} 0 0 {_num(item.h)} {_num(item.x)} {_num(item.y)} cm /Emblem Do Q\n")
            else:
                parts.append(_qr_operators(_qr_matrix(item.url), item.x, item.y, item.size))
        return "".join(parts)


_HEADER = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"  # the binary comment tells transports the file is binary
_MEDIA_BOX = f"[0 0 {_num(PAGE_WIDTH)} {_num(PAGE_HEIGHT)}]"
# Object numbers: the catalog and page tree, the certificate's own objects, then the template's.
_CATALOG, _PAGES, _PAGE, _CONTENTS, _INFO, _FORM = 1, 2, 3, 4, 5, 6


class _Template:
    """The finished PDF objects an issuer's certificates share, and the assembly of one.

    The static items are drawn once into a Form XObject; the font subsets (the Vietnamese
    repertoire plus whatever else the static text uses) and the emblem are written once. A
    certificate adds its page, its content stream (the form, its text, its QR path), its
    information dictionary, an extra font subset if its text needs one, and the
    cross-reference table.
    """

    def __init__(self, layout: IssuerLayout) -> None:
        layout = self.layout = _nfc_layout(layout)
        self.metrics = _fonts(layout.font_dir)
        static_items = _static_items(layout, self.metrics)
        shared: list[tuple[int, bytes]] = []
        number = _FORM + 1
        self.subsets: dict[str, _Subset] = {}
        self.font_refs: dict[str, str] = {}
        for role in FONT_FILES:
            extra = sorted(_characters(static_items, role) - set(_REPERTOIRE))
            _check_glyphs(self.metrics, role, extra)
            glyphs = self.metrics.faces[role].face.charToGlyph
            characters = "".join(ch for ch in _REPERTOIRE if ord(ch) in glyphs) + "".join(extra)
            if len(characters) > _MAX_SUBSET:
                raise ValueError(f"the issuer's texts use too many characters outside Vietnamese: {''.join(extra)}")
            self.subsets[role] = _subset(layout.font_dir, role, characters)
            self.font_refs[role] = f"/{role.capitalize()} {number} 0 R"
            shared += self.subsets[role].numbered(number)
            number += 4
        xobjects = ""
        if layout.emblem_path is not None:
            image, mask = _image_objects(layout.emblem_path)
            xobjects = f" /XObject << /Emblem {number} 0 R >>"
            if mask is not None:
                shared.append((number + 1, mask))
                image = image.replace(b"{smask}", b"%d" % (number + 1))
            shared.append((number, image))
            number += 1 if mask is None else 2
        self.next_number = number

        static = _Operators(self.metrics, self._fonts()).draw(static_items)
        shared.append((_FORM, _stream(
            f"/Type /XObject /Subtype /Form /BBox {_MEDIA_BOX} "
            f"/Resources << /Font << {' '.join(self.font_refs.values())} >>{xobjects} >>",
            zlib.compress(static.encode("latin-1"), 9),
        )))
        fixed = [
            (_CATALOG, b"<< /Type /Catalog /Pages 2 0 R >>"),
            (_PAGES, b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"),
            *sorted(shared),
        ]
        chunks, self.offsets = _serialise(fixed, len(_HEADER))
        self.head = _HEADER + b"".join(chunks)

    def _fonts(self) -> dict[str, list[tuple[str, dict[str, int]]]]:
        return {role: [(f"/{role.capitalize()}", subset.codes)] for role, subset in self.subsets.items()}

    def render(self, face: CertificateFace) -> bytes:
        """The PDF of ``face`` on this template."""
        items = _face_items(face, self.layout, self.metrics)
        fonts = self._fonts()
        font_refs = list(self.font_refs.values())
        number = self.next_number
        extra_objects: list[tuple[int, bytes]] = []
        for role, subset in self.subsets.items():
            missing = sorted(_characters(items, role) - subset.codes.keys())
            if not missing:
                continue
            _check_glyphs(self.metrics, role, missing)
            for start in range(0, len(missing), _MAX_SUBSET):
                extra = _subset(self.layout.font_dir, role, "".join(missing[start:start + _MAX_SUBSET]))
                resource = f"/{role.capitalize()}{number}"
                fonts[role].append((resource, extra.codes))
                font_refs.append(f"{resource} {number} 0 R")
                extra_objects += extra.numbered(number)
                number += 4

        content = zlib.compress(("q /Static Do Q\n" + _Operators(self.metrics, fonts).draw(items)).encode("latin-1"))
        title, author, subject = _metadata(face, self.layout)
        stamp = f"D:{face.issued_on:%Y%m%d}000000+07'00'"
        page = (
            f"<< /Type /Page /Parent {_PAGES} 0 R /MediaBox {_MEDIA_BOX} "
            f"/Resources << /Font << {' '.join(font_refs)} >> /XObject << /Static {_FORM} 0 R >> >> "
            f"/Contents {_CONTENTS} 0 R >>"
        )
        info = (
            f"<< /Title {_pdf_string(title)} /Author {_pdf_string(author)} /Subject {_pdf_string(subject)} "
            f"/Producer (certificates.pdf, ReportLab fonts) /CreationDate ({stamp}) /ModDate ({stamp}) >>"
        )
        own = [(_PAGE, page.encode()), (_CONTENTS, _stream("", content)), (_INFO, info.encode()), *extra_objects]
        chunks, offsets = _serialise(own, len(self.head))
        xref_at = len(self.head) + sum(map(len, chunks))
        offsets.update(self.offsets)
        # The document id is a digest of the content: same data, same id; different data, different id.
        digest = hashlib.sha256(self.head + b"".join(chunks)).hexdigest()[:32]
        xref = "".join(f"{offsets[n]:010d} 00000 n \n" for n in range(1, number))
        trailer = (
            f"xref\n0 {number}\n0000000000 65535 f \n{xref}"
            f"trailer\n<< /Size {number} /Root {_CATALOG} 0 R /Info {_INFO} 0 R /ID [<{digest}> <{digest}>] >>\n"
            f"startxref\n{xref_at}\n%%EOF\n"
        )
        return b"".join([self.head, *chunks, trailer.encode()])


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
