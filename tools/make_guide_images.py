"""Draw the illustrative phone screens shown in the public guides (content/guides/images/).

These are ILLUSTRATIONS, not screenshots: a simplified phone screen with the elements a step
talks about, a red ring and arrow on what to tap, and a strip saying the real screen may differ.
No official logo or emblem is drawn; the only web address shown is https://dichvucong.gov.vn;
names, codes, dates and amounts are marked as examples.

Run from the repository root (the output is the same on every run):

    .venv/bin/python tools/make_guide_images.py
"""

from __future__ import annotations

import sys
import unicodedata
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "content" / "guides" / "images"

# Logical size of the picture (a ~360 x 740 phone), the drawing scale and the output scale.
W, H = 360, 740
F = 4          # pixels per logical unit while drawing (supersampled)
OUT_SCALE = 2  # pixels per logical unit in the PNG: 720 x 1480
MAX_BYTES = 120_000

FONT_CANDIDATES = {
    "regular": [
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
        str(ROOT / "lms/static/fonts/NotoSerif-Regular.ttf"),
    ],
    "bold": [
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
        "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf",
        str(ROOT / "lms/static/fonts/NotoSerif-Bold.ttf"),
    ],
}

# Neutral colours (no imitation of any official colour scheme).
WHITE = (255, 255, 255)
INK = (27, 42, 65)
MUTED = (96, 108, 124)
LINE = (208, 214, 222)
SOFT = (241, 243, 246)
PLACEHOLDER = (150, 158, 170)
GREYBAR = (222, 226, 232)
HEADER = (52, 73, 94)
PRIMARY = (21, 101, 192)
RED = (211, 32, 32)
GREEN = (30, 120, 60)
GREEN_BG = (228, 244, 233)
ORANGE = (180, 83, 9)
ORANGE_BG = (254, 240, 220)
BLUE_BG = (226, 237, 250)
RED_BG = (252, 232, 232)
BODY = (40, 44, 52)
CAPTION_BG = (255, 244, 206)
CAPTION_INK = (96, 66, 0)

# Phone body and screen, in logical units.
BODY_BOX = (8, 2, 350, 700)
SCREEN = (20, 24, 338, 678)
SX0, SY0, SX1, SY1 = SCREEN
PAD = 14
CX0, CX1 = SX0 + PAD, SX1 - PAD  # content column
NAV_H = 30                        # Android navigation bar at the bottom of the screen

CAPTION = "Hình minh họa — giao diện thật có thể khác"
DEFAULT_ADDRESS = "dichvucong.gov.vn"
PORTAL = "Cổng Dịch vụ công quốc gia"
USER = "Nguyễn Văn A"


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _font_path(kind: str) -> str:
    for candidate in FONT_CANDIDATES[kind]:
        if Path(candidate).is_file():
            return candidate
    sys.exit(f"no font for Vietnamese found ({kind}); install fonts-dejavu-core")


_FONTS: dict[tuple[str, float], ImageFont.FreeTypeFont] = {}


def font(size: float, bold: bool = False) -> ImageFont.FreeTypeFont:
    key = ("bold" if bold else "regular", size)
    if key not in _FONTS:
        _FONTS[key] = ImageFont.truetype(_font_path(key[0]), round(size * F))
    return _FONTS[key]


def p(v: float) -> int:
    return round(v * F)


KEY_COLOURS = [WHITE, INK, MUTED, LINE, SOFT, HEADER, PRIMARY, RED, GREEN, GREEN_BG, ORANGE, ORANGE_BG,
               BLUE_BG, RED_BG, BODY, CAPTION_BG, CAPTION_INK, (255, 70, 70), (220, 38, 38)]


def to_palette(img: Image.Image) -> Image.Image:
    """256 colours: the image's own median-cut palette plus the exact key colours, so that small
    coloured marks (a green lock, a red star) keep their colour."""
    adaptive = img.quantize(colors=256 - len(KEY_COLOURS), method=Image.Quantize.MEDIANCUT,
                            dither=Image.Dither.NONE)
    colours = adaptive.getpalette()[: 3 * (256 - len(KEY_COLOURS))]
    for colour in KEY_COLOURS:
        colours.extend(colour)
    palette = Image.new("P", (1, 1))
    palette.putpalette(colours)
    out = img.quantize(palette=palette, dither=Image.Dither.NONE)
    # Pillow's colour lookup is approximate: snap entries that are nearly a key colour onto it
    entries = out.getpalette()
    for i in range(0, len(entries), 3):
        for colour in KEY_COLOURS:
            if max(abs(entries[i + k] - colour[k]) for k in range(3)) <= 6:
                entries[i:i + 3] = colour
                break
    out.putpalette(entries)
    return out


class Phone:
    """One picture: a phone with a screen drawn top to bottom, then the annotations."""

    def __init__(self, dark: bool = False, status_bg=SOFT):
        self.img = Image.new("RGB", (W * F, H * F), WHITE)
        self.d = ImageDraw.Draw(self.img)
        self.dark = dark
        self.marks: dict[str, tuple[float, float, float, float]] = {}
        self._body()
        self.y = SY0
        self.status_bar(status_bg)

    # ----- primitives (logical units) -------------------------------------------------------
    def box(self, x0, y0, x1, y1, fill=None, outline=None, width=1.0, r=0.0):
        self.d.rounded_rectangle((p(x0), p(y0), p(x1), p(y1)), radius=p(r), fill=fill,
                                 outline=outline, width=max(1, p(width)) if outline else 0)

    def ellipse(self, x0, y0, x1, y1, fill=None, outline=None, width=1.0):
        self.d.ellipse((p(x0), p(y0), p(x1), p(y1)), fill=fill, outline=outline,
                       width=max(1, p(width)) if outline else 0)

    def line(self, points, fill=INK, width=1.0):
        self.d.line([(p(x), p(y)) for x, y in points], fill=fill, width=p(width), joint="curve")

    def poly(self, points, fill):
        self.d.polygon([(p(x), p(y)) for x, y in points], fill=fill)

    def text(self, x, y, s, size=14, bold=False, fill=INK, anchor="la"):
        self.d.text((p(x), p(y)), nfc(s), font=font(size, bold), fill=fill, anchor=anchor)

    def width_of(self, s, size=14, bold=False) -> float:
        return font(size, bold).getlength(nfc(s)) / F

    def wrap(self, s, size, bold, maxw) -> list[str]:
        lines, current = [], ""
        for word in nfc(s).split():
            trial = f"{current} {word}".strip()
            if current and self.width_of(trial, size, bold) > maxw:
                lines.append(current)
                current = word
            else:
                current = trial
        if current:
            lines.append(current)
        return lines

    def para(self, x, y, s, size=14, bold=False, fill=INK, maxw=None, lh=1.4, center=False) -> float:
        """Wrapped text starting at top y; returns the y below the last line."""
        maxw = maxw if maxw is not None else CX1 - x
        for line in self.wrap(s, size, bold, maxw):
            if center:
                self.text(x + maxw / 2, y, line, size, bold, fill, anchor="ma")
            else:
                self.text(x, y, line, size, bold, fill)
            y += size * lh
        return y

    # ----- phone ----------------------------------------------------------------------------
    def _body(self):
        x0, y0, x1, y1 = BODY_BOX
        # side buttons on the right: volume up / down, then power
        self.box(x1 - 3, 118, x1 + 4, 158, fill=(70, 74, 82), r=2)
        self.box(x1 - 3, 161, x1 + 4, 201, fill=(70, 74, 82), r=2)
        self.box(x1 - 3, 226, x1 + 4, 270, fill=(70, 74, 82), r=2)
        self.box(x0, y0, x1, y1, fill=BODY, r=38)
        self.box(x0 + 3, y0 + 3, x1 - 3, y1 - 3, outline=(78, 84, 94), width=1.2, r=35)
        self.box(SX0, SY0, SX1, SY1, fill=(20, 24, 30) if self.dark else WHITE, r=22)
        # caption strip under the phone
        self.box(6, 706, 354, 738, fill=CAPTION_BG, outline=(226, 196, 112), width=1, r=10)
        self.text(180, 722, CAPTION, size=12.5, fill=CAPTION_INK, anchor="mm")

    def status_bar(self, bg):
        top = SY0
        if not self.dark:
            self.box(SX0, top, SX1, top + 24, fill=bg, r=22)
            self.box(SX0, top + 12, SX1, top + 24, fill=bg)
        ink = WHITE if self.dark else INK
        self.text(SX0 + 22, top + 13, "9:41", size=11, bold=True, fill=ink, anchor="lm")
        self.ellipse(175, top + 7, 185, top + 17, fill=(10, 10, 12))  # front camera
        # signal bars and battery
        bx = SX1 - 64
        for i in range(4):
            h = 3 + i * 2.4
            self.box(bx + i * 5, top + 17 - h, bx + i * 5 + 3, top + 17, fill=ink)
        self.box(SX1 - 38, top + 7, SX1 - 18, top + 18, outline=ink, width=1.2, r=2)
        self.box(SX1 - 36, top + 9, SX1 - 24, top + 16, fill=ink, r=1)
        self.box(SX1 - 18, top + 10, SX1 - 16, top + 15, fill=ink)
        self.y = top + 24

    def nav_bar(self):
        top = SY1 - NAV_H
        bg = (20, 24, 30) if self.dark else SOFT
        self.box(SX0, top, SX1, SY1, fill=bg, r=22)
        self.box(SX0, top, SX1, top + 12, fill=bg)
        ink = (200, 204, 210) if self.dark else (110, 116, 126)
        cy = top + 14
        self.poly([(112, cy), (122, cy - 6), (122, cy + 6)], fill=ink)                 # back
        self.ellipse(172, cy - 6, 184, cy + 6, outline=ink, width=1.6)                  # home
        self.box(232, cy - 5.5, 243, cy + 5.5, outline=ink, width=1.6, r=2)             # recent

    # ----- icons ----------------------------------------------------------------------------
    def icon_search(self, cx, cy, color=INK, s=1.0):
        r = 5.5 * s
        self.ellipse(cx - r - 2 * s, cy - r - 2 * s, cx + r - 2 * s, cy + r - 2 * s, outline=color, width=2 * s)
        self.line([(cx + 2 * s, cy + 2 * s), (cx + 7 * s, cy + 7 * s)], fill=color, width=2.4 * s)

    def icon_lock(self, cx, cy, color=GREEN):
        self.d.arc((p(cx - 4), p(cy - 9), p(cx + 4), p(cy - 1)), 180, 360, fill=color, width=p(1.8))
        self.line([(cx - 4, cy - 5), (cx - 4, cy - 2)], fill=color, width=1.8)
        self.line([(cx + 4, cy - 5), (cx + 4, cy - 2)], fill=color, width=1.8)
        self.box(cx - 6, cy - 3, cx + 6, cy + 6, fill=color, r=1.5)

    def icon_menu(self, cx, cy, color=WHITE):
        for dy in (-6, 0, 6):
            self.line([(cx - 9, cy + dy), (cx + 9, cy + dy)], fill=color, width=2.2)

    def icon_person(self, cx, cy, r=12, bg=(200, 210, 222), fg=WHITE):
        self.ellipse(cx - r, cy - r, cx + r, cy + r, fill=bg)
        self.ellipse(cx - r * 0.36, cy - r * 0.62, cx + r * 0.36, cy - r * 0.02, fill=fg)
        self.d.pieslice((p(cx - r * 0.66), p(cy + r * 0.1), p(cx + r * 0.66), p(cy + r * 1.2)), 180, 360, fill=fg)

    def icon_check(self, cx, cy, r=10, color=GREEN, fg=WHITE):
        self.ellipse(cx - r, cy - r, cx + r, cy + r, fill=color)
        self.line([(cx - r * 0.45, cy + r * 0.02), (cx - r * 0.1, cy + r * 0.38), (cx + r * 0.5, cy - r * 0.35)],
                  fill=fg, width=max(1.6, r * 0.22))

    def icon_cross(self, cx, cy, r=10, color=RED, fg=WHITE):
        self.ellipse(cx - r, cy - r, cx + r, cy + r, fill=color)
        k = r * 0.4
        self.line([(cx - k, cy - k), (cx + k, cy + k)], fill=fg, width=max(1.6, r * 0.22))
        self.line([(cx - k, cy + k), (cx + k, cy - k)], fill=fg, width=max(1.6, r * 0.22))

    def icon_transfer(self, cx, cy, up=True, color=WHITE):
        """Upload (arrow up) or download (arrow down) over a tray."""
        if up:
            self.line([(cx, cy + 3), (cx, cy - 7)], fill=color, width=2)
            self.poly([(cx - 5, cy - 3), (cx + 5, cy - 3), (cx, cy - 9)], fill=color)
        else:
            self.line([(cx, cy - 8), (cx, cy + 1)], fill=color, width=2)
            self.poly([(cx - 5, cy - 2), (cx + 5, cy - 2), (cx, cy + 4)], fill=color)
        self.line([(cx - 7, cy + 3), (cx - 7, cy + 7), (cx + 7, cy + 7), (cx + 7, cy + 3)], fill=color, width=2)

    def icon_document(self, x, y, w=24, h=30, color=(120, 132, 150)):
        fold = w * 0.35
        self.poly([(x, y), (x + w - fold, y), (x + w, y + fold), (x + w, y + h), (x, y + h)], fill=color)
        self.poly([(x + w - fold, y), (x + w - fold, y + fold), (x + w, y + fold)], fill=(200, 208, 220))
        for i in range(3):
            self.line([(x + 4, y + h * 0.5 + i * 4.5), (x + w - 4, y + h * 0.5 + i * 4.5)], fill=WHITE, width=1.4)

    def icon_phone(self, cx, cy, color=WHITE, s=1.0):
        """A handset lying flat (as on an 'end call' button)."""
        self.d.arc((p(cx - 12 * s), p(cy - 7 * s), p(cx + 12 * s), p(cy + 9 * s)), 200, 340,
                   fill=color, width=p(4 * s))
        self.box(cx - 13 * s, cy - 2 * s, cx - 7 * s, cy + 4 * s, fill=color, r=1.5 * s)
        self.box(cx + 7 * s, cy - 2 * s, cx + 13 * s, cy + 4 * s, fill=color, r=1.5 * s)

    def icon_back(self, x, cy, color=INK):
        self.line([(x + 14, cy), (x, cy)], fill=color, width=2.2)
        self.line([(x + 6, cy - 6), (x, cy), (x + 6, cy + 6)], fill=color, width=2.2)

    # ----- screen components (flow from self.y downwards) -----------------------------------
    def mark(self, key, bbox):
        if key:
            self.marks[key] = bbox
        return bbox

    def gap(self, h):
        self.y += h

    def browser(self, address=DEFAULT_ADDRESS, key="address"):
        top = self.y
        self.box(SX0, top, SX1, top + 46, fill=SOFT)
        x0, x1 = SX0 + 10, SX1 - 44
        self.box(x0, top + 7, x1, top + 39, fill=WHITE, outline=LINE, width=1, r=16)
        self.icon_lock(x0 + 17, top + 23)
        self.text(x0 + 32, top + 23, address, size=13.5, fill=INK, anchor="lm")
        self.mark(key, (x0, top + 7, x1, top + 39))
        # tabs and more buttons
        self.box(SX1 - 37, top + 15, SX1 - 21, top + 31, outline=INK, width=1.6, r=3)
        self.text(SX1 - 29, top + 23, "1", size=9, bold=True, anchor="mm")
        for dy in (-5, 0, 5):
            self.ellipse(SX1 - 11.5, top + 23 + dy - 1.5, SX1 - 8.5, top + 23 + dy + 1.5, fill=INK)
        self.y = top + 46

    def portal_header(self, right: str | None = "login"):
        """The site's title bar: plain colour, the portal's name in text, no logo."""
        top = self.y
        self.box(SX0, top, SX1, top + 56, fill=HEADER)
        self.text(SX0 + 14, top + 11, "Cổng Dịch vụ", size=14, bold=True, fill=WHITE)
        self.text(SX0 + 14, top + 30, "công quốc gia", size=14, bold=True, fill=WHITE)
        self.icon_menu(SX1 - 22, top + 28)
        self.mark("menu", (SX1 - 36, top + 14, SX1 - 8, top + 42))
        if right == "login":
            bx1 = SX1 - 44
            bx0 = bx1 - 100
            self.box(bx0, top + 13, bx1, top + 43, fill=WHITE, r=15)
            self.text((bx0 + bx1) / 2, top + 28, "Đăng nhập", size=13, bold=True, fill=HEADER, anchor="mm")
            self.mark("login", (bx0, top + 13, bx1, top + 43))
        elif right == "user":
            self.icon_person(SX1 - 60, top + 28, r=14, bg=(120, 144, 166))
            self.mark("user", (SX1 - 76, top + 12, SX1 - 44, top + 44))
        self.y = top + 56

    def app_bar(self, title, back=True, bg=WHITE):
        top = self.y
        self.box(SX0, top, SX1, top + 48, fill=bg)
        x = SX0 + 14
        if back:
            self.icon_back(x, top + 24)
            x += 28
        self.text(x, top + 24, title, size=16, bold=True, anchor="lm")
        self.line([(SX0, top + 48), (SX1, top + 48)], fill=LINE, width=1)
        self.y = top + 48

    def title(self, s, size=18, color=INK):
        self.y = self.para(CX0, self.y, s, size=size, bold=True, fill=color, lh=1.3)

    def small(self, s, color=MUTED, size=12.5):
        self.y = self.para(CX0, self.y, s, size=size, fill=color, lh=1.4)

    def grey_lines(self, widths, x0=CX0, step=13, h=7):
        for w in widths:
            self.box(x0, self.y, x0 + (CX1 - x0) * w, self.y + h, fill=GREYBAR, r=3.5)
            self.y += step

    def search_box(self, value=None, placeholder="Nhập từ khóa", button="Tìm kiếm", key="search"):
        top = self.y
        bw = self.width_of(button, 13.5, True) + 44 if button else 44
        x1 = CX1 - bw - 6
        self.box(CX0, top, x1, top + 42, fill=WHITE, outline=(150, 160, 172), width=1.2, r=8)
        if value:
            self.text(CX0 + 12, top + 21, value, size=14.5, fill=INK, anchor="lm")
            cx = CX0 + 12 + self.width_of(value, 14.5) + 2
            self.line([(cx, top + 11), (cx, top + 31)], fill=PRIMARY, width=1.6)  # text cursor
        else:
            self.text(CX0 + 12, top + 21, placeholder, size=13.5, fill=PLACEHOLDER, anchor="lm")
        self.mark(key + "_box", (CX0, top, x1, top + 42))
        bx0 = CX1 - bw
        self.box(bx0, top, CX1, top + 42, fill=PRIMARY, r=8)
        self.icon_search(bx0 + 19, top + 20, color=WHITE, s=0.9)
        if button:
            self.text(bx0 + 33, top + 21, button, size=13.5, bold=True, fill=WHITE, anchor="lm")
        self.mark(key, (bx0, top, CX1, top + 42))
        self.y = top + 42

    def field(self, label, value=None, placeholder=None, required=False, filled=False, select=False,
              password=False, key=None, note=None):
        top = self.y
        self.text(CX0, top, label, size=13, bold=True)
        if required:
            self.text(CX0 + self.width_of(label, 13, True) + 4, top, "*", size=13, bold=True, fill=RED)
        if note:
            self.text(CX1, top + 1, note, size=11, fill=GREEN, anchor="ra")
        fy = top + 21
        self.box(CX0, fy, CX1, fy + 38, fill=SOFT if filled else WHITE, outline=(160, 168, 180), width=1.1, r=7)
        if value:
            self.text(CX0 + 11, fy + 19, value, size=14.5 if not password else 16, fill=INK, anchor="lm")
        elif placeholder:
            self.text(CX0 + 11, fy + 19, placeholder, size=13, fill=PLACEHOLDER, anchor="lm")
        if select:
            self.poly([(CX1 - 22, fy + 16), (CX1 - 10, fy + 16), (CX1 - 16, fy + 23)], fill=MUTED)
        if password:  # an eye
            self.d.chord((p(CX1 - 30), p(fy + 12), p(CX1 - 10), p(fy + 27)), 0, 360, outline=MUTED, width=p(1.5))
            self.ellipse(CX1 - 23, fy + 16, CX1 - 17, fy + 22, fill=MUTED)
        self.mark(key, (CX0, fy, CX1, fy + 38))
        self.y = fy + 38

    def button(self, label, style="primary", key=None, icon=None, x0=CX0, x1=CX1, h=46, size=15.5):
        top = self.y
        fills = {"primary": (PRIMARY, WHITE, None), "secondary": (WHITE, PRIMARY, PRIMARY),
                 "ok": (GREEN, WHITE, None), "danger": (RED, WHITE, None), "muted": (SOFT, MUTED, LINE)}
        bg, fg, border = fills[style]
        self.box(x0, top, x1, top + h, fill=bg, outline=border, width=1.4, r=10)
        tw = self.width_of(label, size, True)
        tx = (x0 + x1) / 2 - (tw + (26 if icon else 0)) / 2
        if icon:
            self.icon_transfer(tx + 8, top + h / 2 + 0.5, up=(icon == "up"), color=fg)
            tx += 26
        self.text(tx, top + h / 2, label, size=size, bold=True, fill=fg, anchor="lm")
        self.mark(key, (x0, top, x1, top + h))
        self.y = top + h
        return (x0, top, x1, top + h)

    def badge(self, x, y, s, fg, bg, size=12, key=None):
        w = self.width_of(s, size, True) + 18
        self.box(x, y, x + w, y + size + 11, fill=bg, outline=fg, width=1, r=(size + 11) / 2)
        self.text(x + w / 2, y + (size + 11) / 2, s, size=size, bold=True, fill=fg, anchor="mm")
        self.mark(key, (x, y, x + w, y + size + 11))
        return x + w

    def row(self, label, value, key=None, value_bold=True, size=13.5, x0=CX0, x1=CX1):
        """'Label' on the left, value on the right, on one line."""
        top = self.y
        self.text(x0, top, label, size=size - 0.5, fill=MUTED)
        self.text(x1, top, value, size=size, bold=value_bold, fill=INK, anchor="ra")
        self.mark(key, (x0, top - 3, x1, top + size + 5))
        self.y = top + size * 1.9

    def divider(self, pad=10):
        self.y += pad
        self.line([(CX0, self.y), (CX1, self.y)], fill=LINE, width=1)
        self.y += pad

    def note_box(self, s, fg=PRIMARY, bg=BLUE_BG, size=12.5, bold_first=None):
        top = self.y
        lines = self.wrap(s, size, False, CX1 - CX0 - 24)
        h = len(lines) * size * 1.42 + 16
        self.box(CX0, top, CX1, top + h, fill=bg, r=8)
        self.box(CX0, top, CX0 + 4, top + h, fill=fg)
        y = top + 9
        for line in lines:
            self.text(CX0 + 14, y, line, size=size, fill=INK)
            y += size * 1.42
        self.y = top + h
        return (CX0, top, CX1, top + h)

    def radio(self, s, selected=False, key=None, sub=None, size=13.5):
        top = self.y
        lines = self.wrap(s, size, selected, CX1 - CX0 - 52)
        h = max(46, len(lines) * size * 1.35 + (size * 1.3 if sub else 0) + 20)
        self.box(CX0, top, CX1, top + h, fill=BLUE_BG if selected else WHITE,
                 outline=PRIMARY if selected else LINE, width=1.6 if selected else 1.1, r=9)
        cy = top + h / 2
        self.ellipse(CX0 + 12, cy - 9, CX0 + 30, cy + 9, outline=PRIMARY if selected else (150, 158, 170),
                     width=1.8, fill=WHITE)
        if selected:
            self.ellipse(CX0 + 16.5, cy - 4.5, CX0 + 25.5, cy + 4.5, fill=PRIMARY)
        y = top + (h - len(lines) * size * 1.35 - (size * 1.3 if sub else 0)) / 2
        for line in lines:
            self.text(CX0 + 40, y, line, size=size, bold=selected)
            y += size * 1.35
        if sub:
            self.text(CX0 + 40, y, sub, size=size - 2, fill=MUTED)
        self.mark(key, (CX0, top, CX1, top + h))
        self.y = top + h

    def checkbox(self, s, checked=True, size=12.5):
        top = self.y
        self.box(CX0, top + 1, CX0 + 18, top + 19, fill=PRIMARY if checked else WHITE,
                 outline=PRIMARY, width=1.6, r=3)
        if checked:
            self.line([(CX0 + 4, top + 10), (CX0 + 8, top + 14), (CX0 + 14, top + 6)], fill=WHITE, width=2)
        self.y = self.para(CX0 + 28, top + 1, s, size=size, maxw=CX1 - CX0 - 28)

    def tiles(self, labels, key_of=None):
        """A 2 x N grid of grey tiles with a placeholder pictogram and a label."""
        key_of = key_of or {}
        top = self.y
        w = (CX1 - CX0 - 10) / 2
        for i, label in enumerate(labels):
            x0 = CX0 + (i % 2) * (w + 10)
            y0 = top + (i // 2) * 84
            self.box(x0, y0, x0 + w, y0 + 74, fill=SOFT, outline=LINE, width=1, r=10)
            self.ellipse(x0 + w / 2 - 14, y0 + 10, x0 + w / 2 + 14, y0 + 38, fill=(190, 200, 214))
            self.text(x0 + w / 2, y0 + 55, label, size=12.5, bold=True, anchor="mm")
            self.mark(key_of.get(label), (x0, y0, x0 + w, y0 + 74))
        self.y = top + ((len(labels) + 1) // 2) * 84 - 10

    def dim(self, top=None):
        """Grey out the screen below `top` (behind an open menu or dialog)."""
        top = self.y if top is None else top
        overlay = Image.new("RGBA", self.img.size, (0, 0, 0, 0))
        od = ImageDraw.Draw(overlay)
        od.rounded_rectangle((p(SX0), p(top), p(SX1), p(SY1)), radius=p(22), fill=(20, 24, 30, 110))
        od.rectangle((p(SX0), p(top), p(SX1), p(top + 30)), fill=(20, 24, 30, 110))
        self.img = Image.alpha_composite(self.img.convert("RGBA"), overlay).convert("RGB")
        self.d = ImageDraw.Draw(self.img)

    def keyboard(self):
        top = SY1 - NAV_H - 196
        self.box(SX0, top, SX1, SY1 - NAV_H, fill=(226, 230, 236))
        rows = ["qwertyuiop", "asdfghjkl", "zxcvbnm"]
        kw, kh = 27.6, 38
        y = top + 10
        for keys in rows:
            x = SX0 + 6 + (SX1 - SX0 - 12 - len(keys) * (kw + 3.2) + 3.2) / 2
            for k in keys:
                self.box(x, y, x + kw, y + kh, fill=WHITE, r=5)
                self.text(x + kw / 2, y + kh / 2, k, size=14, fill=INK, anchor="mm")
                x += kw + 3.2
            y += kh + 8
        self.box(SX0 + 70, y, SX1 - 70, y + kh, fill=WHITE, r=5)
        self.box(SX1 - 62, y, SX1 - 8, y + kh, fill=PRIMARY, r=5)
        self.icon_search(SX1 - 35, y + kh / 2, color=WHITE, s=0.8)

    # ----- annotations ----------------------------------------------------------------------
    def ring(self, key_or_box, label=None, at=None, color=RED, shape="auto", pad=6, size=14,
             start=None, end=None):
        """Circle what to look at / tap and point at it with a labelled arrow.

        ``at`` is the centre of the label (logical units); ``start`` and ``end`` override where
        the arrow leaves the label and where it lands."""
        x0, y0, x1, y1 = self.marks[key_or_box] if isinstance(key_or_box, str) else key_or_box
        w, h = x1 - x0, y1 - y0
        if shape == "auto":
            shape = "ellipse" if w < 130 and h < 70 else "pill"
        if shape == "ellipse":
            cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
            a, b = w / 2 * 1.28 + pad, h / 2 * 1.32 + pad
            rx0, ry0, rx1, ry1 = cx - a, cy - b, cx + a, cy + b
            self.ellipse(rx0, ry0, rx1, ry1, outline=color, width=3.6)
        else:
            rx0, ry0, rx1, ry1 = x0 - pad, y0 - pad, x1 + pad, y1 + pad
            radius = min((ry1 - ry0) / 2, 16) if shape == "pill" else 12
            self.box(rx0, ry0, rx1, ry1, outline=color, width=3.6, r=radius)
        if not label:
            return
        arrow_from, arrow_to = start, end
        lx, ly = at
        lines = label.split("\n")
        lw = max(self.width_of(s, size, True) for s in lines) + 26
        lh = len(lines) * size * 1.3 + 14
        bx0, by0, bx1, by1 = lx - lw / 2, ly - lh / 2, lx + lw / 2, ly + lh / 2
        # arrow from the label's nearest edge to the ring's nearest edge
        if by0 > ry1:          # label below
            start, end = (lx, by0), (min(max(lx, rx0 + 14), rx1 - 14), ry1 + 3)
        elif by1 < ry0:        # label above
            start, end = (lx, by1), (min(max(lx, rx0 + 14), rx1 - 14), ry0 - 3)
        elif bx1 < rx0:        # label left
            start, end = (bx1, ly), (rx0 - 3, min(max(ly, ry0 + 8), ry1 - 8))
        else:                  # label right
            start, end = (bx0, ly), (rx1 + 3, min(max(ly, ry0 + 8), ry1 - 8))
        if shape == "ellipse":  # land on the ellipse itself, not its bounding box
            cx, cy = (rx0 + rx1) / 2, (ry0 + ry1) / 2
            a, b = (rx1 - rx0) / 2, (ry1 - ry0) / 2
            dx, dy = start[0] - cx, start[1] - cy
            k = 1 / ((dx / a) ** 2 + (dy / b) ** 2) ** 0.5
            end = (cx + dx * k * 1.06, cy + dy * k * 1.06)
        start, end = arrow_from or start, arrow_to or end
        self.arrow(start, end, color)
        self.box(bx0, by0, bx1, by1, fill=color, outline=WHITE, width=2, r=min(lh / 2, 14))
        y = by0 + 7
        for s in lines:
            self.text(lx, y, s, size=size, bold=True, fill=WHITE, anchor="ma")
            y += size * 1.3

    def arrow(self, start, end, color=RED, width=4.0, head=13):
        (sx, sy), (ex, ey) = start, end
        length = ((ex - sx) ** 2 + (ey - sy) ** 2) ** 0.5
        if length < 1:
            return
        ux, uy = (ex - sx) / length, (ey - sy) / length
        bx, by = ex - ux * head, ey - uy * head
        self.line([(sx, sy), (bx, by)], fill=color, width=width)
        self.poly([(ex, ey), (bx - uy * head * 0.62, by + ux * head * 0.62),
                   (bx + uy * head * 0.62, by - ux * head * 0.62)], fill=color)

    def save(self, name):
        out = self.img.resize((W * OUT_SCALE, H * OUT_SCALE), Image.Resampling.LANCZOS)
        out = to_palette(out)
        path = OUT / name
        out.save(path, format="PNG", optimize=True)
        return path


# ======================================================================================
# The pictures, one function per image, named after the guide's slug and a number.
# ======================================================================================

def dang_nhap_vneid_1():
    """CH Play: search for VNeID and tap Cài đặt."""
    ph = Phone(status_bg=WHITE)
    top = ph.y
    ph.text(CX0, top + 10, "CH Play (kho ứng dụng)", size=13, bold=True, fill=MUTED)
    ph.y = top + 34
    ph.box(CX0, ph.y, CX1, ph.y + 44, fill=SOFT, r=22)
    ph.icon_back(CX0 + 14, ph.y + 22)
    ph.text(CX0 + 44, ph.y + 22, "VNeID", size=15, fill=INK, anchor="lm")
    ph.icon_search(CX1 - 22, ph.y + 21, color=MUTED)
    ph.y += 62
    # a generic app icon (not the real one): a grey tile with an ID-card pictogram
    ix, iy = CX0, ph.y
    ph.box(ix, iy, ix + 72, iy + 72, fill=(200, 208, 220), r=16)
    ph.box(ix + 12, iy + 20, ix + 60, iy + 52, fill=WHITE, r=4)
    ph.icon_person(ix + 26, iy + 36, r=9, bg=(150, 162, 180))
    for k in range(3):
        ph.box(ix + 39, iy + 29 + k * 6, ix + 54, iy + 32 + k * 6, fill=(170, 180, 196), r=1)
    ph.text(ix + 86, iy + 8, "VNeID", size=20, bold=True)
    ph.para(ix + 86, iy + 38, "Ứng dụng định danh điện tử", size=12.5, fill=MUTED, maxw=CX1 - ix - 86)
    ph.mark("app", (ix, iy, CX1, iy + 72))
    ph.y = iy + 138
    ph.button("Cài đặt", key="install", h=48, size=16.5)
    ph.gap(90)
    for k in range(3):
        x0 = CX0 + k * 101
        ph.box(x0, ph.y, x0 + 92, ph.y + 150, fill=SOFT, outline=LINE, width=1, r=8)
        ph.box(x0 + 12, ph.y + 18, x0 + 80, ph.y + 28, fill=GREYBAR, r=3)
        ph.box(x0 + 12, ph.y + 40, x0 + 80, ph.y + 110, fill=GREYBAR, r=6)
    ph.nav_bar()
    ph.ring("app", "Xem kỹ tên và biểu tượng", at=(180, ph.marks["app"][3] + 32), color=GREEN, shape="rect",
            pad=5, size=13)
    ph.ring("install", "Bấm Cài đặt", at=(180, ph.marks["install"][3] + 44))
    return ph


def portal_screen(account: str | None) -> Phone:
    """A phone showing the portal in the browser, its header with ``account`` ("login", "user" or None)."""
    ph = Phone()
    ph.browser()
    ph.portal_header(account)
    return ph


def case_screen(code: str, procedure: str, status: str, color, background, after: float) -> Phone:
    """One case of the signed-in user: its (example) code, the procedure, a status badge, then ``after`` of space."""
    ph = portal_screen("user")
    ph.gap(16)
    ph.small(f"Mã hồ sơ (ví dụ): {code}", size=12)
    ph.title(procedure, size=17)
    ph.gap(8)
    ph.badge(CX0, ph.y, status, color, background, size=12.5)
    ph.y += after
    return ph


def success_screen(title: str, gap: float) -> Phone:
    """The portal after a step went through: ``gap`` below the header, a large tick and ``title`` in green."""
    ph = portal_screen("user")
    ph.gap(gap)
    ph.icon_check(179, ph.y + 30, r=30)
    ph.y += 78
    ph.y = ph.para(CX0, ph.y, title, size=19, bold=True, fill=GREEN, center=True, maxw=CX1 - CX0)
    return ph


def dang_nhap_vneid_2():
    """The portal's home page in the browser: check the address, tap Đăng nhập."""
    ph = portal_screen("login")
    ph.box(SX0, ph.y, SX1, ph.y + 150, fill=(232, 236, 242))   # a plain banner
    ph.y += 150
    ph.gap(20)
    ph.title("Dịch vụ công trực tuyến")
    ph.gap(8)
    ph.search_box(placeholder="Tìm thủ tục", button=None)
    ph.gap(20)
    ph.tiles(["Tìm thủ tục", "Tra cứu hồ sơ", "Thanh toán", "Hỗ trợ"])
    ph.nav_bar()
    ph.ring("address", "Đúng tên trang:\ndichvucong.gov.vn", at=(112, 236), color=GREEN, pad=3, size=12.5,
            start=(168, 212), end=(168, 97))
    ph.ring("login", "Bấm Đăng nhập", at=(250, 182), shape="pill", pad=4)
    return ph


def dang_nhap_vneid_3():
    """The login form: VNeID chosen, 12-digit number, password, then Đăng nhập."""
    ph = portal_screen(None)
    ph.gap(18)
    ph.title("Đăng nhập")
    ph.gap(10)
    ph.radio("Tài khoản định danh điện tử VNeID", selected=True, key="vneid")
    ph.gap(18)
    ph.field("Số định danh cá nhân", placeholder="12 số in trên thẻ căn cước", required=True)
    ph.gap(14)
    ph.field("Mật khẩu", value="••••••••", required=True, password=True)
    ph.gap(22)
    ph.button("Đăng nhập", key="submit", h=48)
    ph.gap(88)
    ph.note_box("Sau đó: nhập mã OTP gửi đến điện thoại của bạn, hoặc mở ứng dụng VNeID để xác nhận. "
                "Không đọc mã cho ai.")
    ph.nav_bar()
    ph.ring("submit", "Bấm Đăng nhập", at=(180, 520))
    return ph


def tim_thu_tuc_1():
    """Type a few words and tap Tìm kiếm."""
    ph = portal_screen("login")
    ph.gap(22)
    ph.title("Tìm thủ tục hành chính")
    ph.gap(4)
    ph.small("Gõ vài chữ chính, có dấu")
    ph.gap(10)
    ph.search_box(value="khai sinh", button="Tìm kiếm", key="search")
    ph.keyboard()
    ph.nav_bar()
    ph.ring("search", "Bấm Tìm kiếm", at=(226, 330))
    return ph


def tim_thu_tuc_2():
    """On the procedure's page: choose the province, the commune and the receiving office."""
    ph = portal_screen("login")
    ph.gap(18)
    ph.small("Thủ tục (ví dụ)", size=12)
    ph.title("Đăng ký khai sinh", size=17)
    ph.gap(14)
    ph.field("Tỉnh, thành phố", value="— Chọn tỉnh, thành phố —", select=True, required=True)
    ph.gap(14)
    ph.field("Xã, phường", value="— Chọn xã, phường —", select=True, required=True, key="xa")
    ph.gap(14)
    ph.field("Cơ quan nhận hồ sơ", value="— Chọn cơ quan —", select=True)
    label_y = ph.y + 42
    ph.gap(82)
    ph.note_box("Chọn theo tên mới của tỉnh, xã sau sáp nhập. Không chắc thì hỏi bộ phận một cửa.",
                fg=ORANGE, bg=ORANGE_BG)
    ph.gap(18)
    ph.button("Tiếp tục", style="muted")
    ph.nav_bar()
    ph.ring("xa", "Chọn đúng xã, phường\nnơi bạn ở hoặc nơi có việc", at=(180, label_y), size=13,
            start=(262, label_y - 19), end=(262, 358))
    return ph


def tim_thu_tuc_3():
    """The procedure's information page: the sections to read."""
    ph = portal_screen("login")
    ph.gap(18)
    ph.small("Thủ tục (ví dụ)", size=12)
    ph.title("Đăng ký khai sinh", size=17)
    ph.gap(12)
    sections = ["Trình tự thực hiện", "Cách thức thực hiện", "Thành phần hồ sơ", "Cơ quan thực hiện",
                "Yêu cầu, điều kiện", "Kết quả thực hiện"]
    for name in sections:
        top = ph.y
        opened = name == "Thành phần hồ sơ"
        h = 40 if not opened else 110
        ph.box(CX0, top, CX1, top + h, fill=BLUE_BG if opened else WHITE, outline=LINE, width=1, r=8)
        ph.text(CX0 + 12, top + 20, name, size=14, bold=True, anchor="lm")
        if opened:
            ph.poly([(CX1 - 24, top + 23), (CX1 - 12, top + 23), (CX1 - 18, top + 16)], fill=MUTED)
            ph.y = top + 42
            for w in (0.7, 0.55, 0.62):
                ph.box(CX0 + 14, ph.y - 1, CX0 + 22, ph.y + 7, fill=MUTED, r=1)
                ph.box(CX0 + 30, ph.y, CX0 + 30 + (CX1 - CX0 - 44) * w, ph.y + 7, fill=(196, 206, 220), r=3.5)
                ph.y += 21
            ph.mark("thanh_phan", (CX0, top, CX1, top + h))
        else:
            ph.poly([(CX1 - 24, top + 17), (CX1 - 12, top + 17), (CX1 - 18, top + 24)], fill=MUTED)
        ph.y = top + h + 6
    ph.nav_bar()
    ph.ring("thanh_phan", "Đọc kỹ, ghi ra giấy\ntừng giấy tờ cần có", at=(180, ph.y + 22), shape="rect",
            size=13, start=(262, ph.y + 1), end=(262, ph.marks["thanh_phan"][3] + 9))
    return ph


def nop_ho_so_truc_tuyen_1():
    """The procedure's page after logging in: the Nộp trực tuyến button."""
    ph = portal_screen("user")
    ph.gap(18)
    ph.small("Thủ tục (ví dụ)", size=12)
    ph.title("Đăng ký khai sinh", size=17)
    ph.gap(8)
    ph.badge(CX0, ph.y, "Toàn trình", GREEN, GREEN_BG, key="toan_trinh")
    ph.y += 38
    for label in ("Thời hạn giải quyết", "Phí, lệ phí", "Cơ quan thực hiện"):
        ph.text(CX0, ph.y, label, size=13, bold=True)
        ph.y += 22
        ph.grey_lines([0.6])
        ph.gap(8)
    ph.gap(8)
    ph.button("Nộp trực tuyến", key="nop", h=50, size=16.5)
    ph.nav_bar()
    ph.ring("nop", "Bấm Nộp trực tuyến", at=(180, ph.y + 70))
    return ph


def nop_ho_so_truc_tuyen_2():
    """The form: pre-filled boxes, a required box, and attaching a photo of a paper."""
    ph = portal_screen("user")
    ph.gap(14)
    ph.title("Tờ khai", size=17)
    ph.text(CX1, ph.y - 18, "* là ô bắt buộc", size=11.5, fill=RED, anchor="ra")
    ph.gap(8)
    ph.field("Họ và tên", value=USER, filled=True, note="điền sẵn, xem lại")
    ph.gap(10)
    ph.field("Ngày sinh", value="01/01/1960", filled=True, note="điền sẵn, xem lại")
    ph.gap(10)
    ph.field("Nơi cư trú", placeholder="Nhập nơi cư trú", required=True)
    ph.gap(16)
    ph.text(CX0, ph.y, "Giấy tờ đính kèm", size=14, bold=True)
    ph.y += 26
    top = ph.y
    ph.box(CX0, top, CX1, top + 104, fill=SOFT, outline=LINE, width=1, r=9)
    ph.icon_document(CX0 + 12, top + 12)
    ph.text(CX0 + 46, top + 14, "Ảnh giấy tờ", size=13.5, bold=True)
    ph.text(CX0 + 46 + ph.width_of("Ảnh giấy tờ", 13.5, True) + 4, top + 14, "*", size=13.5, bold=True, fill=RED)
    ph.text(CX0 + 46, top + 33, "Chưa có tệp", size=12, fill=MUTED)
    ph.y = top + 60
    ph.button("Tải tệp lên", style="secondary", key="upload", icon="up", x0=CX0 + 12, x1=CX0 + 170,
              h=34, size=13.5)
    ph.y = top + 156
    ph.button("Nộp hồ sơ", style="muted", h=42)
    ph.nav_bar()
    ph.ring("upload", "Bấm để đính kèm ảnh", at=(180, top + 131), size=13.5, pad=4, start=(110, top + 117),
            end=(110, top + 100))
    return ph


def nop_ho_so_truc_tuyen_3():
    """Sent: the case code to write down."""
    ph = success_screen("Nộp hồ sơ thành công", gap=40)
    ph.gap(16)
    ph.y = ph.para(CX0, ph.y, "Mã hồ sơ của bạn (mã ví dụ):", size=14, fill=MUTED, center=True,
                   maxw=CX1 - CX0)
    ph.gap(4)
    top = ph.y
    ph.box(CX0 + 16, top, CX1 - 16, top + 48, fill=SOFT, outline=(150, 160, 172), width=1.2, r=9)
    ph.text(179, top + 24, "H00-250701-0001", size=19, bold=True, anchor="mm")
    ph.mark("ma", (CX0 + 16, top, CX1 - 16, top + 48))
    ph.y = top + 48
    ph.gap(110)
    ph.note_box("Chụp màn hình trang này và chép mã vào sổ tay.")
    ph.gap(16)
    ph.button("Xem hồ sơ đã nộp", style="secondary", h=44, size=14)
    ph.nav_bar()
    ph.ring("ma", "Ghi lại mã này", at=(180, ph.marks["ma"][3] + 48), shape="pill")
    return ph


def _account_menu(ph, highlight):
    """An account menu opened under the avatar, the page behind it greyed out."""
    ph.browser()
    ph.portal_header("user")
    menu_top = ph.y
    ph.gap(18)
    ph.title("Dịch vụ công trực tuyến")
    ph.gap(8)
    ph.tiles(["Tìm thủ tục", "Tra cứu hồ sơ", "Thanh toán", "Hỗ trợ"])
    ph.dim(menu_top)
    items = ["Trang cá nhân", "Quản lý hồ sơ", "Thông báo", "Đăng xuất"]
    x0, x1 = SX1 - 226, SX1 - 10
    y = menu_top + 6
    bottom = y + 56 + 48 * len(items) + 4
    ph.box(x0 + 2, y + 3, x1 + 2, bottom + 3, fill=(70, 74, 82), r=10)  # shadow
    ph.box(x0, y, x1, bottom, fill=WHITE, r=10)
    ph.icon_person(x0 + 24, y + 28, r=14)
    ph.text(x0 + 46, y + 28, USER, size=14, bold=True, anchor="lm")
    y += 56
    for item in items:
        ph.line([(x0 + 12, y), (x1 - 12, y)], fill=LINE, width=1)
        color = RED if item == "Đăng xuất" else INK
        ph.text(x0 + 18, y + 24, item, size=14.5, bold=item == highlight, fill=color, anchor="lm")
        ph.mark(item, (x0 + 8, y + 6, x1 - 8, y + 42))
        y += 48
    ph.nav_bar()


def theo_doi_ho_so_1():
    """The account menu: Quản lý hồ sơ."""
    ph = Phone()
    _account_menu(ph, "Quản lý hồ sơ")
    x0, y0, x1, y1 = ph.marks["Quản lý hồ sơ"]
    ph.ring("Quản lý hồ sơ", "Chọn Quản lý hồ sơ", at=(150, 470), shape="pill", pad=4,
            start=(80, 454), end=(x0 - 8, (y0 + y1) / 2))
    return ph


def _case_card(ph, code, name, date, status, fg, bg, key=None):
    top = ph.y
    ph.box(CX0, top, CX1, top + 104, fill=WHITE, outline=LINE, width=1, r=10)
    ph.text(CX0 + 12, top + 10, code, size=13, bold=True)
    ph.text(CX0 + 12, top + 31, name, size=13)
    ph.text(CX0 + 12, top + 51, date, size=11.5, fill=MUTED)
    ph.badge(CX0 + 12, top + 72, status, fg, bg, size=11.5, key=key)
    ph.y = top + 112


def theo_doi_ho_so_2():
    """The list of cases with the search box and status badges."""
    ph = portal_screen("user")
    ph.gap(16)
    ph.title("Hồ sơ đã nộp", size=17)
    ph.gap(8)
    ph.search_box(placeholder="Nhập mã hồ sơ", button=None)
    ph.gap(16)
    _case_card(ph, "H00-250701-0001", "Đăng ký khai sinh", "Ngày nộp: 01/07/2025", "Đang xử lý",
               PRIMARY, BLUE_BG, key="status")
    _case_card(ph, "H00-250620-0007", "Chứng thực bản sao", "Ngày nộp: 20/06/2025", "Yêu cầu bổ sung",
               ORANGE, ORANGE_BG)
    _case_card(ph, "H00-250602-0003", "Cấp bản sao trích lục", "Ngày nộp: 02/06/2025", "Có kết quả",
               GREEN, GREEN_BG)
    ph.small("(mã hồ sơ, ngày nộp là ví dụ)", size=11.5)
    ph.nav_bar()
    x0, y0, x1, y1 = ph.marks["status"]
    ph.ring("status", "Tình trạng\nhồ sơ", at=(258, (y0 + y1) / 2 - 8), size=13, shape="pill", pad=5)
    return ph


def theo_doi_ho_so_3():
    """A case asked for more papers: the officer's note and the Bổ sung hồ sơ button."""
    ph = case_screen("H00-250620-0007", "Chứng thực bản sao", "Yêu cầu bổ sung", ORANGE, ORANGE_BG, after=40)
    ph.text(CX0, ph.y, "Lời nhắn của cán bộ", size=13.5, bold=True)
    ph.y += 24
    ph.note_box("Ảnh giấy tờ bị mờ, chưa đọc được. Đề nghị chụp lại cho rõ, đủ bốn góc rồi gửi bổ sung. "
                "(lời nhắn ví dụ)", fg=ORANGE, bg=ORANGE_BG, size=13)
    ph.gap(22)
    ph.button("Bổ sung hồ sơ", key="bo_sung", icon="up", h=50, size=16)
    ph.nav_bar()
    ph.ring("bo_sung", "Gửi bổ sung ngay\ntrong hồ sơ này", at=(180, ph.y + 78), size=13.5)
    return ph


def thanh_toan_truc_tuyen_1():
    """A case waiting for payment: the Thanh toán button."""
    ph = case_screen("H00-250701-0001", "Đăng ký khai sinh", "Chưa thanh toán", ORANGE, ORANGE_BG, after=42)
    ph.row("Phí, lệ phí", "50.000 đ")
    ph.small("(số tiền ví dụ; mức thật ghi trong thủ tục)", size=11.5)
    ph.divider()
    ph.grey_lines([0.9, 0.7, 0.8])
    ph.gap(18)
    ph.button("Thanh toán", key="pay", h=50, size=16.5)
    ph.nav_bar()
    ph.ring("pay", "Bấm Thanh toán", at=(180, 520))
    return ph


def thanh_toan_truc_tuyen_2():
    """Before paying: check the amount, the procedure and the case code; choose bank or e-wallet."""
    ph = portal_screen("user")
    ph.gap(16)
    ph.title("Thanh toán", size=17)
    ph.gap(10)
    top = ph.y
    ph.box(CX0, top, CX1, top + 118, fill=SOFT, r=9)
    ph.y = top + 12
    for label, value in (("Thủ tục", "Đăng ký khai sinh"), ("Mã hồ sơ", "H00-250701-0001"),
                         ("Số tiền", "50.000 đ")):
        ph.row(label, value, x0=CX0 + 12, x1=CX1 - 12)
    ph.para(CX0 + 12, ph.y - 4, "(ví dụ)", size=11.5, fill=MUTED)
    ph.mark("info", (CX0, top, CX1, top + 118))
    ph.y = top + 118
    label_y = ph.y + 36
    ph.gap(70)
    ph.text(CX0, ph.y, "Chọn cách trả tiền", size=14, bold=True)
    ph.y += 26
    ph.radio("Ngân hàng của bạn", selected=True)
    ph.gap(8)
    ph.radio("Ví điện tử")
    ph.gap(18)
    ph.button("Tiếp tục", h=48)
    ph.nav_bar()
    ph.ring("info", "Kiểm tra kỹ trước khi trả", at=(180, label_y), color=GREEN, shape="rect", size=13.5)
    return ph


def thanh_toan_truc_tuyen_3():
    """Paid: download the receipt."""
    ph = success_screen("Thanh toán thành công", gap=36)
    ph.gap(16)
    ph.row("Số tiền", "50.000 đ")
    ph.row("Mã hồ sơ", "H00-250701-0001")
    ph.row("Ngày trả", "01/07/2025")
    ph.small("(ví dụ)", size=11.5)
    ph.gap(16)
    ph.button("Tải biên lai", key="receipt", icon="down", h=50, size=16)
    ph.gap(112)
    ph.note_box("Giữ biên lai đến khi nhận được kết quả.")
    ph.nav_bar()
    ph.ring("receipt", "Tải về hoặc chụp\nmàn hình biên lai", at=(180, ph.marks["receipt"][3] + 52), size=13.5)
    return ph


def nhan_ket_qua_1():
    """Choosing how to receive the result when filing."""
    ph = portal_screen("user")
    ph.gap(16)
    ph.title("Cách nhận kết quả", size=17)
    ph.gap(4)
    ph.small("Chọn một cách")
    ph.gap(10)
    top = ph.y
    ph.radio("Bản điện tử trên Cổng", selected=True, sub="Xem và tải về điện thoại")
    ph.gap(10)
    ph.radio("Qua bưu điện", sub="Có thể phải trả thêm cước gửi")
    ph.gap(10)
    ph.radio("Tại bộ phận một cửa", sub="Đến nơi nhận hồ sơ để lấy bản giấy")
    ph.mark("options", (CX0, top, CX1, ph.y))
    label_y = ph.y + 44
    ph.gap(86)
    ph.button("Tiếp tục", h=48)
    ph.nav_bar()
    ph.ring("options", "Chọn cách hợp với bạn", at=(180, label_y), shape="rect", pad=7)
    return ph


def nhan_ket_qua_2():
    """A finished case: open and download the electronic result."""
    ph = case_screen("H00-250602-0003", "Cấp bản sao trích lục", "Có kết quả", GREEN, GREEN_BG, after=42)
    ph.text(CX0, ph.y, "Kết quả giải quyết", size=14, bold=True)
    ph.y += 26
    top = ph.y
    ph.box(CX0, top, CX1, top + 110, fill=SOFT, outline=LINE, width=1, r=10)
    ph.icon_document(CX0 + 14, top + 14, w=28, h=36)
    ph.text(CX0 + 54, top + 16, "Kết quả (tệp PDF)", size=14, bold=True)
    ph.text(CX0 + 54, top + 37, "Có chữ ký số của cơ quan", size=12, fill=MUTED)
    ph.y = top + 62
    ph.button("Xem", style="secondary", x0=CX0 + 14, x1=CX0 + 104, h=36, size=14)
    ph.y = top + 62
    ph.button("Tải về", key="download", icon="down", x0=CX0 + 116, x1=CX1 - 14, h=36, size=14)
    ph.y = top + 124
    ph.grey_lines([0.85, 0.6])
    ph.nav_bar()
    ph.ring("download", "Bấm Tải về để lưu\nvào điện thoại", at=(180, 470), size=13.5)
    return ph


def nhan_ket_qua_3():
    """Reading the result line by line."""
    ph = Phone()
    ph.app_bar("Kết quả (tệp PDF)")
    ph.box(SX0, ph.y, SX1, SY1 - NAV_H, fill=(214, 218, 224))
    top = ph.y + 16
    x0, x1 = SX0 + 16, SX1 - 16
    ph.box(x0, top, x1, top + 470, fill=WHITE, outline=(190, 196, 204), width=1)
    ph.box(x0 + 70, top + 20, x1 - 70, top + 30, fill=GREYBAR, r=4)
    ph.box(x0 + 40, top + 38, x1 - 40, top + 48, fill=GREYBAR, r=4)
    ph.text((x0 + x1) / 2, top + 70, "GIẤY TỜ KẾT QUẢ (ví dụ)", size=14, bold=True, anchor="ma")
    rows = [("Họ và tên:", "NGUYỄN VĂN A"), ("Ngày sinh:", "01/01/1960"), ("Số giấy tờ:", "••••••••••••"),
            ("Địa chỉ:", "(như trong hồ sơ)")]
    y = top + 112
    marks = []
    for label, value in rows:
        ph.text(x0 + 16, y, label, size=13, fill=MUTED)
        ph.text(x0 + 104, y, value, size=13.5, bold=True)
        marks.append((x0 + 10, y - 6, x1 - 42, y + 22))
        ph.icon_check(x1 - 24, y + 8, r=10)
        y += 42
    ph.mark("rows", (x0 + 10, top + 104, x1 - 10, y - 12))
    label_y = y + 30
    y += 72
    ph.box(x0 + 16, y, x1 - 16, y + 7, fill=GREYBAR, r=3.5)
    ph.box(x0 + 16, y + 14, x1 - 60, y + 21, fill=GREYBAR, r=3.5)
    ph.text(x1 - 26, y + 50, "Chữ ký (số) của cơ quan", size=11.5, fill=MUTED, anchor="ra")
    ph.box(x1 - 150, y + 70, x1 - 26, y + 100, outline=(180, 188, 198), width=1, r=4)
    ph.nav_bar()
    ph.ring("rows", "Đọc lại từng dòng:\ncó dấu, đúng số", at=(180, label_y), color=GREEN, shape="rect",
            pad=4, size=13.5)
    return ph


def nhan_dien_lua_dao_1():
    """The address bar: the real site ends with .gov.vn (an enlarged view of the bar)."""
    ph = portal_screen("login")
    ph.gap(186)
    ph.grey_lines([0.7])
    ph.gap(8)
    ph.grey_lines([0.95, 0.85, 0.9, 0.6, 0.8, 0.7])
    # enlarged view of the address, pointing up at the address bar
    ax0, ay0, ax1, ay1 = ph.marks["address"]
    top = ay1 + 12
    ph.poly([(154, top + 1.5), (174, top - 11), (194, top + 1.5)], fill=GREEN)
    ph.box(CX0 - 6, top, CX1 + 6, top + 214, fill=WHITE, outline=GREEN, width=2.4, r=14)
    ph.text(CX0 + 8, top + 14, "Nhìn kỹ ô địa chỉ:", size=14.5, bold=True)
    by = top + 44
    ph.box(CX0 + 6, by, CX1 - 6, by + 42, fill=SOFT, outline=LINE, width=1, r=21)
    ph.icon_lock(CX0 + 26, by + 21)
    x = CX0 + 42
    ph.text(x, by + 21, "dichvucong", size=17, bold=True, anchor="lm")
    x += ph.width_of("dichvucong", 17, True)
    ph.text(x, by + 21, ".gov.vn", size=17, bold=True, fill=GREEN, anchor="lm")
    y = by + 64
    ph.icon_check(CX0 + 18, y + 9, r=11)
    y = ph.para(CX0 + 38, y, "Trang thật: tên kết thúc bằng .gov.vn", size=13.5, maxw=CX1 - CX0 - 42)
    y += 12
    ph.icon_cross(CX0 + 18, y + 9, r=11)
    ph.para(CX0 + 38, y, "Trang giả: sau .gov.vn còn chữ khác, hoặc sai một chữ so với tên thật",
            size=13.5, maxw=CX1 - CX0 - 42)
    ph.nav_bar()
    ph.ring("address", None, color=GREEN, pad=3)
    return ph


def nhan_dien_lua_dao_2():
    """A scam text message with a link."""
    ph = Phone(status_bg=WHITE)
    ph.app_bar("Người gửi lạ")
    ph.box(SX0, ph.y, SX1, SY1 - NAV_H, fill=(246, 247, 249))
    ph.gap(14)
    ph.text(179, ph.y, "Hôm nay", size=11.5, fill=MUTED, anchor="ma")
    ph.gap(26)

    def bubble(text_before, link, text_after=None, key=None):
        top = ph.y
        x0, x1 = CX0, CX1 - 34
        lines = ph.wrap(text_before, 14, False, x1 - x0 - 24)
        h = len(lines) * 20 + 32 + 20 + (20 if text_after else 0)
        ph.box(x0, top, x1, top + h, fill=WHITE, outline=LINE, width=1, r=14)
        y = top + 12
        for line in lines:
            ph.text(x0 + 12, y, line, size=14)
            y += 20
        y += 8
        lw = ph.width_of(link, 14, True)
        ph.text(x0 + 12, y + 2, link, size=14, bold=True, fill=PRIMARY)
        ph.line([(x0 + 12, y + 20), (x0 + 12 + lw, y + 20)], fill=PRIMARY, width=1.3)
        ph.mark(key, (x0 + 8, y - 1, x0 + 16 + lw, y + 24))
        if text_after:
            ph.text(x0 + 12, y + 24, text_after, size=14)
        ph.y = top + h + 14

    bubble("Hồ sơ của bạn bị lỗi. Bấm vào đây để sửa ngay, quá hạn sẽ bị hủy:", "[đường link lạ]",
           key="link")
    bubble("Bạn được nhận tiền hỗ trợ. Bấm vào đây và nhập mã OTP để nhận:", "[đường link lạ]")
    ph.gap(10)
    top = ph.y
    ph.box(CX0, top, CX1, top + 86, fill=RED_BG, outline=RED, width=1.6, r=12)
    ph.icon_cross(CX0 + 26, top + 43, r=14)
    ph.text(CX0 + 52, top + 14, "Tin nhắn lừa đảo", size=15, bold=True, fill=RED)
    ph.para(CX0 + 52, top + 38, "Không bấm link. Xóa tin, tự gõ địa chỉ Cổng.", size=12.5,
            maxw=CX1 - CX0 - 60)
    ph.nav_bar()
    ph.ring("link", "Không bấm!", at=(264, ph.marks["link"][1] + 13), size=14, shape="pill", pad=4)
    return ph


def nhan_dien_lua_dao_3():
    """A caller who claims to be the police and asks for the OTP code."""
    ph = Phone(dark=True)
    y = SY0 + 70
    ph.text(179, y, "Đang gọi  00:35", size=13, fill=(190, 196, 204), anchor="ma")
    ph.icon_person(179, y + 78, r=42, bg=(70, 80, 96), fg=(150, 160, 176))
    ph.text(179, y + 140, "Số lạ", size=22, bold=True, fill=WHITE, anchor="ma")
    ph.text(179, y + 174, "tự xưng là công an", size=14, fill=(190, 196, 204), anchor="ma")
    # what the caller says
    top = y + 216
    ph.box(CX0, top, CX1, top + 84, fill=(52, 58, 70), r=14)
    ph.poly([(170, top), (188, top), (179, top - 10)], fill=(52, 58, 70))
    ph.para(CX0 + 14, top + 12, "“Ông bà đọc ngay cho tôi mã OTP vừa gửi đến máy, không thì bị khóa tài khoản.”",
            size=13.5, fill=WHITE, maxw=CX1 - CX0 - 28)
    top += 100
    ph.box(CX0, top, CX1, top + 56, fill=RED_BG, r=12)
    ph.icon_cross(CX0 + 24, top + 28, r=13)
    ph.para(CX0 + 46, top + 9, "Lừa đảo: không ai được hỏi mã OTP của bạn.", size=13, bold=True, fill=RED,
            maxw=CX1 - CX0 - 56)
    cy = SY1 - NAV_H - 70
    for cx in (90, 268):
        ph.ellipse(cx - 20, cy - 20, cx + 20, cy + 20, fill=(58, 64, 76))
    ph.text(90, cy, "Loa", size=11, fill=WHITE, anchor="mm")
    ph.text(268, cy, "Phím", size=11, fill=WHITE, anchor="mm")
    ph.ellipse(179 - 32, cy - 32, 179 + 32, cy + 32, fill=(220, 38, 38))
    ph.icon_phone(179, cy, s=1.05)
    ph.mark("end", (179 - 32, cy - 32, 179 + 32, cy + 32))
    ph.nav_bar()
    ph.ring("end", "Cúp máy ngay", at=(179, cy - 88), color=(255, 70, 70), shape="ellipse", pad=2)
    return ph


def tro_giup_1():
    """The bottom of the portal page: help, questions, feedback, hotline."""
    ph = Phone()
    ph.browser()
    ph.gap(8)
    ph.grey_lines([0.92, 0.8, 0.86, 0.5])
    ph.gap(12)
    top = ph.y
    ph.box(SX0, top, SX1, SY1 - NAV_H, fill=(236, 240, 244))
    ph.y = top + 18
    ph.title("Hỗ trợ", size=17)
    ph.gap(8)
    items = ["Hướng dẫn sử dụng", "Câu hỏi thường gặp", "Phản ánh, kiến nghị"]
    for item in items:
        t = ph.y
        ph.box(CX0, t, CX1, t + 46, fill=WHITE, outline=LINE, width=1, r=9)
        ph.text(CX0 + 14, t + 23, item, size=14, bold=True, anchor="lm")
        ph.line([(CX1 - 22, t + 17), (CX1 - 16, t + 23), (CX1 - 22, t + 29)], fill=MUTED, width=2)
        ph.y = t + 54
    t = ph.y
    ph.box(CX0, t, CX1, t + 70, fill=WHITE, outline=LINE, width=1, r=9)
    ph.ellipse(CX0 + 12, t + 17, CX0 + 48, t + 53, fill=PRIMARY)
    ph.text(CX0 + 30, t + 36, "☎", size=19, fill=WHITE, anchor="mm")
    ph.text(CX0 + 60, t + 16, "Tổng đài hỗ trợ", size=14, bold=True)
    ph.text(CX0 + 60, t + 38, "số ghi ngay trên trang này", size=12, fill=MUTED)
    ph.mark("hotline", (CX0, t, CX1, t + 70))
    label_y = t + 124
    ph.y = t + 170
    ph.small("Chỉ dùng số điện thoại ghi trên trang chính thức https://dichvucong.gov.vn", size=12.5)
    ph.nav_bar()
    ph.ring("hotline", "Không tin số lấy từ\ntin nhắn lạ, mạng xã hội", at=(180, label_y), shape="rect",
            size=13.5, pad=5)
    return ph


def tro_giup_2():
    """An error message, and the two buttons to press together for a screenshot."""
    ph = Phone()
    ph.browser()
    page_top = ph.y
    ph.portal_header("user")
    ph.gap(16)
    ph.title("Tờ khai", size=17)
    ph.gap(8)
    ph.grey_lines([0.6])
    ph.gap(6)
    ph.box(CX0, ph.y, CX1, ph.y + 38, outline=LINE, width=1, r=7)
    ph.gap(52)
    ph.grey_lines([0.5])
    ph.gap(6)
    ph.box(CX0, ph.y, CX1, ph.y + 38, outline=LINE, width=1, r=7)
    ph.dim(page_top)
    top = 420
    ph.box(CX0 + 4, top, CX1 - 4, top + 160, fill=WHITE, r=14)
    ph.icon_cross(179, top + 32, r=16)
    ph.text(179, top + 58, "Có lỗi xảy ra.", size=15, bold=True, anchor="ma")
    ph.text(179, top + 80, "Vui lòng thử lại sau.", size=14, fill=MUTED, anchor="ma")
    ph.y = top + 108
    ph.button("Đóng", style="secondary", x0=CX0 + 90, x1=CX1 - 90, h=38, size=14)
    ph.nav_bar()
    # the physical buttons on the right side of the phone: volume down (161-201), power (226-270)
    edge = BODY_BOX[2]
    for (y0, y1), label in (((161, 201), "Nút giảm âm lượng"), ((226, 270), "Nút nguồn")):
        ph.ellipse(edge - 6, y0 - 4, edge + 8, y1 + 4, outline=RED, width=3)
        cy = (y0 + y1) / 2
        w = ph.width_of(label, 13, True) + 22
        ph.box(SX1 - 44 - w, cy - 14, SX1 - 44, cy + 14, fill=WHITE, outline=RED, width=1.6, r=14)
        ph.text(SX1 - 44 - w / 2, cy, label, size=13, bold=True, fill=RED, anchor="mm")
        ph.arrow((SX1 - 42, cy), (edge - 8, cy), color=RED, width=3.5, head=11)
    top = 300
    ph.box(CX0, top, CX1, top + 58, fill=RED, outline=WHITE, width=2, r=12)
    ph.para(CX0 + 12, top + 10, "Bấm cùng lúc 2 nút này để chụp lại màn hình báo lỗi", size=13.5,
            bold=True, fill=WHITE, maxw=CX1 - CX0 - 24, center=True)
    return ph


def tro_giup_3():
    """On someone else's phone: log out when done."""
    ph = Phone()
    _account_menu(ph, "Đăng xuất")
    ph.ring("Đăng xuất", "Làm xong, bấm Đăng xuất", at=(180, 500), shape="pill", pad=4)
    return ph


IMAGES = [
    ("dang-nhap-vneid-1.png", dang_nhap_vneid_1),
    ("dang-nhap-vneid-2.png", dang_nhap_vneid_2),
    ("dang-nhap-vneid-3.png", dang_nhap_vneid_3),
    ("tim-thu-tuc-1.png", tim_thu_tuc_1),
    ("tim-thu-tuc-2.png", tim_thu_tuc_2),
    ("tim-thu-tuc-3.png", tim_thu_tuc_3),
    ("nop-ho-so-truc-tuyen-1.png", nop_ho_so_truc_tuyen_1),
    ("nop-ho-so-truc-tuyen-2.png", nop_ho_so_truc_tuyen_2),
    ("nop-ho-so-truc-tuyen-3.png", nop_ho_so_truc_tuyen_3),
    ("theo-doi-ho-so-1.png", theo_doi_ho_so_1),
    ("theo-doi-ho-so-2.png", theo_doi_ho_so_2),
    ("theo-doi-ho-so-3.png", theo_doi_ho_so_3),
    ("thanh-toan-truc-tuyen-1.png", thanh_toan_truc_tuyen_1),
    ("thanh-toan-truc-tuyen-2.png", thanh_toan_truc_tuyen_2),
    ("thanh-toan-truc-tuyen-3.png", thanh_toan_truc_tuyen_3),
    ("nhan-ket-qua-1.png", nhan_ket_qua_1),
    ("nhan-ket-qua-2.png", nhan_ket_qua_2),
    ("nhan-ket-qua-3.png", nhan_ket_qua_3),
    ("nhan-dien-lua-dao-1.png", nhan_dien_lua_dao_1),
    ("nhan-dien-lua-dao-2.png", nhan_dien_lua_dao_2),
    ("nhan-dien-lua-dao-3.png", nhan_dien_lua_dao_3),
    ("tro-giup-1.png", tro_giup_1),
    ("tro-giup-2.png", tro_giup_2),
    ("tro-giup-3.png", tro_giup_3),
]


def main(only: list[str]) -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    print(f"font: {_font_path('regular')}")
    too_big = []
    for name, draw in IMAGES:
        if only and not any(o in name for o in only):
            continue
        path = draw().save(name)
        size = path.stat().st_size
        print(f"{name:32} {size / 1000:6.1f} kB")
        if size > MAX_BYTES:
            too_big.append(name)
    if too_big:
        print("larger than", MAX_BYTES, "bytes:", ", ".join(too_big))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
