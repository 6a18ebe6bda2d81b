"""Text documents (.docx via python-docx, .odt via odfpy) read into one ``DocumentModel``.

Every paragraph carries its *effective* formatting: what the office program shows, resolved
through direct formatting, character and paragraph styles (with their parents), document
defaults and theme fonts. Checks then never need to know where a property was set, which is the
main way real documents differ (one office sets 13 pt in the Normal style, another on each run).

Python-docx opens the package and gives the sections (page size, margins, headers); paragraphs
and styles are read from the XML it exposes (``Document.element``, ``Styles.element``,
``XmlPart.element``), because its paragraph API does not resolve inherited formatting.
"""
from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from lxml import etree
from odf import opendocument
from odf.element import Node
from odf.namespaces import DRAWNS, FONS, STYLENS, SVGNS, TABLENS, TEXTNS
from odf.text import P as otext_p

from lms.officefile import OfficeFile, OfficeFileError
from practical.formats import clean_text, length_cm, length_pt, parse_xml, percentage, unreadable_as_corrupt

# Model -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    """A stretch of text with one effective formatting."""

    text: str
    fonts: frozenset[str]  # font families the characters are drawn with (Latin and Vietnamese slots)
    size: float | None  # points
    bold: bool = False
    italic: bool = False
    underline: bool = False
    color: str | None = None  # "RRGGBB" when set to a colour other than automatic
    caps: bool = False  # shown in capitals whatever was typed

    @property
    def shown(self) -> str:
        """The text as displayed (capitals applied)."""
        return self.text.upper() if self.caps else self.text


@dataclass(frozen=True)
class Shape:
    """A drawn object anchored in a paragraph."""

    kind: str  # line | picture | chart | textbox | other
    width_cm: float = 0.0
    height_cm: float = 0.0


@dataclass
class Paragraph:
    """One paragraph with its effective paragraph formatting and its runs."""

    index: int  # 1-based, in reading order within its story (main text, or one header)
    text: str  # NFC; "\n" for a line break, "\t" for a tab
    runs: list[Run]
    style: str = ""
    heading: int | None = None
    align: str | None = None  # left | center | right | justify
    first_line_cm: float = 0.0  # negative for a hanging indent
    left_cm: float = 0.0
    before_pt: float = 0.0
    after_pt: float = 0.0
    line_rule: str = "multiple"  # multiple | exact | atleast
    line_value: float = 1.0  # lines for "multiple", points otherwise
    border_bottom: bool = False
    numbered: bool = False
    fields: frozenset[str] = frozenset()
    shapes: list[Shape] = field(default_factory=list)
    container: tuple = ("body",)  # ("body",) | ("table", t, row, col) | ("textbox",) | ("header", …)
    page_break_before: bool = False

    @property
    def pictures(self) -> int:
        """Pictures anchored in this paragraph."""
        return sum(1 for s in self.shapes if s.kind == "picture")

    @property
    def in_table(self) -> int | None:
        """The 1-based index of the table holding this paragraph (outermost), if any."""
        return self.container[1] if self.container[0] == "table" else None


@dataclass
class Table:
    """A table: its cells' text (a row may have fewer cells than the widest one)."""

    index: int
    cells: list[list[str]]
    paragraphs: list[int] = field(default_factory=list)  # indices of paragraphs inside

    @property
    def rows(self) -> int:
        """Number of rows."""
        return len(self.cells)

    @property
    def cols(self) -> int:
        """Number of columns (the widest row, merged cells counted by the columns they span)."""
        return max((len(row) for row in self.cells), default=0)


@dataclass
class PageSetup:
    """Page size, margins and running heads of one section (docx) or page style in use (odt)."""

    width_mm: float
    height_mm: float
    top_mm: float
    bottom_mm: float
    left_mm: float
    right_mm: float
    header: list[Paragraph] = field(default_factory=list)  # pages after the first
    footer: list[Paragraph] = field(default_factory=list)
    first_header: list[Paragraph] | None = None  # set when the first page has its own
    first_footer: list[Paragraph] | None = None

    @property
    def orientation(self) -> str:
        """portrait or landscape, from the page's shape."""
        return "landscape" if self.width_mm > self.height_mm else "portrait"

    @property
    def different_first(self) -> bool:
        """The first page has its own header and footer."""
        return self.first_header is not None or self.first_footer is not None


@dataclass
class DocumentModel:
    """A text document as the checks see it."""

    kind: str  # docx | odt
    paragraphs: list[Paragraph]
    tables: list[Table]
    pages: list[PageSetup]

    @property
    def text(self) -> str:
        """All main text, a paragraph a line."""
        return "\n".join(p.text for p in self.paragraphs)

    @property
    def pictures(self) -> int:
        """Pictures in the main text."""
        return sum(p.pictures for p in self.paragraphs)


@unreadable_as_corrupt
def read_document(checked: OfficeFile) -> DocumentModel:
    """The model of a checked .docx or .odt file."""
    if checked.kind.extension in ("docx", "dotx"):
        return _DocxReader(checked).read()
    if checked.kind.extension in ("odt", "ott"):
        return _OdtReader(checked).read()
    raise OfficeFileError("not-accepted", extension=checked.kind.extension, accepted=["docx", "odt"])


# DOCX --------------------------------------------------------------------------------------------

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_WPS = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
_V = "urn:schemas-microsoft-com:vml"
_EMU_PER_CM = 360000


def _w(tag: str) -> str:
    return f"{{{_W}}}{tag}"


_W_VAL = _w("val")
_TRUE_VALUES = {None, "1", "true", "on"}
_JC = {"left": "left", "start": "left", "center": "center", "right": "right", "end": "right", "both": "justify",
       "distribute": "justify", "thaiDistribute": "justify", "lowKashida": "justify", "mediumKashida": "justify",
       "highKashida": "justify"}
_HEADING_NAME_RE = re.compile(r"^(?:heading|title)\s*([1-9])?$", re.IGNORECASE)
# Children of a paragraph whose content is read as if it were the paragraph's own.
_TRANSPARENT = {_w(t) for t in ("hyperlink", "smartTag", "ins", "sdt", "sdtContent", "customXml", "fldSimple", "dir",
                                "bdo", "moveTo")}
_SKIPPED = {_w(t) for t in ("del", "moveFrom", "pPr", "rPr", "proofErr", "bookmarkStart", "bookmarkEnd")}


def _on(element: etree._Element | None) -> bool | None:
    """A toggle property (``<w:b/>``, ``<w:b w:val="0"/>``): True, False, or None when absent."""
    if element is None:
        return None
    return element.get(_W_VAL) in _TRUE_VALUES


def _twips_pt(value: str | None) -> float | None:
    try:
        return int(value) / 20 if value is not None else None
    except ValueError:
        return None


class _DocxStyles:
    """Style definitions, document defaults and theme fonts of a .docx, with cached merges."""

    def __init__(self, document: docx.document.Document):
        root = document.styles.element
        self.by_id: dict[str, etree._Element] = {}
        self.default_paragraph: str | None = None
        for style in root.iterchildren(_w("style")):
            style_id = style.get(_w("styleId"))
            if style_id:
                self.by_id[style_id] = style
                if style.get(_w("type")) == "paragraph" and _on_attr(style.get(_w("default"))):
                    self.default_paragraph = style_id
        defaults = root.find(_w("docDefaults"))
        self.run_defaults = defaults.find(f"{_w('rPrDefault')}/{_w('rPr')}") if defaults is not None else None
        self.para_defaults = defaults.find(f"{_w('pPrDefault')}/{_w('pPr')}") if defaults is not None else None
        self.theme = _theme_fonts(document)
        self._run_cache: dict[tuple, dict] = {}
        self._para_cache: dict[str | None, dict] = {}

    def name(self, style_id: str | None) -> str:
        style = self.by_id.get(style_id or "")
        node = style.find(_w("name")) if style is not None else None
        return node.get(_W_VAL, "") if node is not None else (style_id or "")

    def chain(self, style_id: str | None) -> list[etree._Element]:
        """The style and its ancestors, most distant first."""
        chain: list[etree._Element] = []
        seen: set[str] = set()
        while style_id and style_id in self.by_id and style_id not in seen:
            seen.add(style_id)
            style = self.by_id[style_id]
            chain.append(style)
            based = style.find(_w("basedOn"))
            style_id = based.get(_W_VAL) if based is not None else None
        return chain[::-1]

    def heading_level(self, style_id: str | None, ppr: etree._Element | None) -> int | None:
        """Outline level of a paragraph (1–9) from its own properties or its style, by level or by name."""
        level = _outline(ppr)
        if level is None:
            for style in self.chain(style_id):
                found = _outline(style.find(_w("pPr")))
                level = found if found is not None else level
        if level is not None:
            return level
        match = _HEADING_NAME_RE.match(self.name(style_id))
        if match:
            return int(match.group(1) or 1)
        return None

    def run_base(self, para_style: str | None, char_style: str | None) -> dict:
        """Run properties from defaults and styles, before the run's own formatting."""
        key = (para_style, char_style)
        if key not in self._run_cache:
            props: dict = {"size": 10.0, "fonts": {"ascii": "Times New Roman", "hAnsi": "Times New Roman"}}
            _merge_rpr(props, self.run_defaults, self.theme)
            for style in self.chain(para_style):
                _merge_rpr(props, style.find(_w("rPr")), self.theme)
            for style in self.chain(char_style):
                _merge_rpr(props, style.find(_w("rPr")), self.theme)
            self._run_cache[key] = props
        return self._run_cache[key]

    def para_base(self, para_style: str | None) -> dict:
        """Paragraph properties from defaults and the style chain."""
        if para_style not in self._para_cache:
            props: dict = {}
            _merge_ppr(props, self.para_defaults)
            for style in self.chain(para_style):
                _merge_ppr(props, style.find(_w("pPr")))
            self._para_cache[para_style] = props
        return self._para_cache[para_style]


def _on_attr(value: str | None) -> bool:
    return value in ("1", "true", "on")


def _outline(ppr: etree._Element | None) -> int | None:
    node = ppr.find(_w("outlineLvl")) if ppr is not None else None
    if node is None:
        return None
    try:
        level = int(node.get(_W_VAL, "9"))
    except ValueError:
        return None
    return level + 1 if level < 9 else None


def _theme_fonts(document: docx.document.Document) -> dict[str, str]:
    """Theme font slots (minorHAnsi, majorHAnsi, …) resolved to family names."""
    try:
        theme = document.part.part_related_by(RT.THEME)
    except KeyError:
        return {}
    root = parse_xml(theme.blob)
    fonts: dict[str, str] = {}
    for scheme, prefix in (("minorFont", "minor"), ("majorFont", "major")):
        latin = root.find(f".//{{{_A}}}{scheme}/{{{_A}}}latin")
        if latin is not None and latin.get("typeface"):
            for slot in ("HAnsi", "Ascii", "Bidi", "EastAsia"):
                fonts[prefix + slot] = latin.get("typeface")
    return fonts


def _merge_rpr(props: dict, rpr: etree._Element | None, theme: dict[str, str]) -> None:
    """Overlay the run properties set in ``rpr`` on ``props``."""
    if rpr is None:
        return
    fonts = rpr.find(_w("rFonts"))
    if fonts is not None:
        merged = dict(props.get("fonts", {}))
        for slot in ("ascii", "hAnsi"):
            theme_slot = fonts.get(_w(slot + "Theme"))
            if theme_slot and theme_slot in theme:
                merged[slot] = theme[theme_slot]
            elif fonts.get(_w(slot)):
                merged[slot] = fonts.get(_w(slot))
        props["fonts"] = merged
    size = rpr.find(_w("sz"))
    if size is not None:
        try:
            props["size"] = int(size.get(_W_VAL)) / 2
        except (TypeError, ValueError):
            pass
    for name, tag in (("bold", "b"), ("italic", "i"), ("caps", "caps")):
        value = _on(rpr.find(_w(tag)))
        if value is not None:
            props[name] = value
    underline = rpr.find(_w("u"))
    if underline is not None:
        props["underline"] = underline.get(_W_VAL, "single") not in ("none", "0", "false")
    color = rpr.find(_w("color"))
    if color is not None:
        color_value = (color.get(_W_VAL) or "auto").upper()
        props["color"] = None if color_value in ("AUTO", "000000") else color_value
    style = rpr.find(_w("rStyle"))
    if style is not None:
        props["rStyle"] = style.get(_W_VAL)


def _merge_ppr(props: dict, ppr: etree._Element | None) -> None:
    """Overlay the paragraph properties set in ``ppr`` on ``props``."""
    if ppr is None:
        return
    jc = ppr.find(_w("jc"))
    if jc is not None:
        props["align"] = _JC.get(jc.get(_W_VAL, ""), props.get("align"))
    ind = ppr.find(_w("ind"))
    if ind is not None:
        for key, attr in (("left", "left"), ("left", "start")):
            value = _twips_pt(ind.get(_w(attr)))
            if value is not None:
                props[key] = value
        first, hanging = _twips_pt(ind.get(_w("firstLine"))), _twips_pt(ind.get(_w("hanging")))
        if hanging is not None:
            props["first"] = -hanging
        elif first is not None:
            props["first"] = first
    spacing = ppr.find(_w("spacing"))
    if spacing is not None:
        for key in ("before", "after"):
            value = _twips_pt(spacing.get(_w(key)))
            if value is not None:
                props[key] = value
        line = spacing.get(_w("line"))
        if line is not None:
            rule = spacing.get(_w("lineRule"), "auto")
            try:
                value = int(line)
            except ValueError:
                value = 240
            if rule == "exact":
                props["line"] = ("exact", value / 20)
            elif rule == "atLeast":
                props["line"] = ("atleast", value / 20)
            else:
                props["line"] = ("multiple", value / 240)
    borders = ppr.find(_w("pBdr"))
    if borders is not None:
        bottom = borders.find(_w("bottom"))
        props["border_bottom"] = bottom is not None and bottom.get(_W_VAL, "none") not in ("none", "nil")
    numbering = ppr.find(_w("numPr"))
    if numbering is not None:
        num_id = numbering.find(_w("numId"))
        props["numbered"] = num_id is None or num_id.get(_W_VAL) != "0"
    page_break = _on(ppr.find(_w("pageBreakBefore")))
    if page_break is not None:
        props["page_break"] = page_break


class _DocxReader:
    def __init__(self, checked: OfficeFile):
        try:
            self.document = docx.Document(checked.stream())
        except (ValueError, KeyError, TypeError, AttributeError, etree.XMLSyntaxError) as error:
            raise OfficeFileError("corrupt", reason="parse") from error
        self.styles = _DocxStyles(self.document)

    def read(self) -> DocumentModel:
        paragraphs: list[Paragraph] = []
        tables: list[Table] = []
        body = self.document.element.find(_w("body"))
        if body is None:
            raise OfficeFileError("corrupt", reason="parse")
        self._story(body, paragraphs, tables, ("body",))
        return DocumentModel(kind="docx", paragraphs=paragraphs, tables=tables, pages=self._pages())

    # Stories: the body, a table cell, a header -------------------------------------------------

    def _story(self, parent: etree._Element, out: list[Paragraph], tables: list[Table] | None,
               container: tuple) -> None:
        for child in parent:
            tag = child.tag
            if tag == _w("p"):
                self._paragraph(child, out, tables, container)
            elif tag == _w("tbl"):
                self._table(child, out, tables, container)
            elif tag in (_w("sdt"), _w("sdtContent"), _w("customXml")):
                self._story(child, out, tables, container)
            elif tag == f"{{{_MC}}}AlternateContent":
                choice = child.find(f"{{{_MC}}}Choice")
                if choice is not None:
                    self._story(choice, out, tables, container)

    def _table(self, tbl: etree._Element, out: list[Paragraph], tables: list[Table] | None,
               container: tuple) -> None:
        table = Table(index=len(tables) + 1 if tables is not None else 0, cells=[])
        if tables is not None:
            tables.append(table)
        # A nested table's paragraphs keep the outermost table's place.
        outer = container if container[0] == "table" else None
        for r, row in enumerate(tbl.iterchildren(_w("tr")), start=1):
            texts: list[str] = []
            for c, cell in enumerate(row.iterchildren(_w("tc")), start=1):
                before = len(out)
                self._story(cell, out, tables, outer or ("table", table.index, r, c))
                inside = out[before:]
                table.paragraphs.extend(p.index for p in inside)
                text = "\n".join(p.text for p in inside if p.container[0] == "table")
                span = cell.find(f"{_w('tcPr')}/{_w('gridSpan')}")
                try:
                    width = max(1, int(span.get(_W_VAL, "1"))) if span is not None else 1
                except ValueError:
                    width = 1
                texts.extend([text] + [""] * (width - 1))
            table.cells.append(texts)

    def _paragraph(self, p: etree._Element, out: list[Paragraph], tables: list[Table] | None,
                   container: tuple) -> None:
        ppr = p.find(_w("pPr"))
        style_node = ppr.find(_w("pStyle")) if ppr is not None else None
        style_id = style_node.get(_W_VAL) if style_node is not None else self.styles.default_paragraph
        props = dict(self.styles.para_base(style_id))
        _merge_ppr(props, ppr)
        collected = _Collected()
        self._inline(p, style_id, collected)
        line_rule, line_value = props.get("line", ("multiple", 1.0))
        paragraph = Paragraph(
            index=len(out) + 1, text=clean_text("".join(r.text for r in collected.runs)), runs=collected.runs,
            style=self.styles.name(style_id), heading=self.styles.heading_level(style_id, ppr),
            align=props.get("align", "left"), first_line_cm=props.get("first", 0.0) * 2.54 / 72,
            left_cm=props.get("left", 0.0) * 2.54 / 72, before_pt=props.get("before", 0.0),
            after_pt=props.get("after", 0.0), line_rule=line_rule, line_value=line_value,
            border_bottom=props.get("border_bottom", False), numbered=props.get("numbered", False),
            fields=frozenset(collected.fields), shapes=collected.shapes, container=container,
            page_break_before=props.get("page_break", False) or collected.page_break)
        out.append(paragraph)
        for box in collected.textboxes:  # text boxes read after the paragraph they are anchored in
            self._story(box, out, tables, ("textbox",) if container[0] != "header" else container)

    def _inline(self, parent: etree._Element, style_id: str | None, collected: _Collected) -> None:
        for child in parent:
            tag = child.tag
            if tag == _w("r"):
                self._run(child, style_id, collected)
            elif tag in _TRANSPARENT:
                if tag == _w("fldSimple"):
                    collected.field(child.get(_w("instr"), ""))
                self._inline(child, style_id, collected)
            elif tag == f"{{{_MC}}}AlternateContent":
                choice = child.find(f"{{{_MC}}}Choice")
                if choice is not None:
                    self._inline(choice, style_id, collected)

    def _run(self, r: etree._Element, style_id: str | None, collected: _Collected) -> None:
        rpr = r.find(_w("rPr"))
        char_style = None
        if rpr is not None and rpr.find(_w("rStyle")) is not None:
            char_style = rpr.find(_w("rStyle")).get(_W_VAL)
        props = dict(self.styles.run_base(style_id, char_style))
        _merge_rpr(props, rpr, self.styles.theme)
        pieces: list[str] = []
        for child in r:
            tag = child.tag
            if tag == _w("t"):
                pieces.append(child.text or "")
            elif tag == _w("tab"):
                pieces.append("\t")
            elif tag in (_w("br"), _w("cr")):
                if child.get(_w("type")) == "page":
                    collected.page_break = True
                else:
                    pieces.append("\n")
            elif tag == _w("noBreakHyphen"):
                pieces.append("-")
            elif tag == _w("instrText"):
                collected.field(child.text or "")
            elif tag in (_w("drawing"), _w("pict"), _w("object")):
                _drawings(child, collected)
            elif tag == f"{{{_MC}}}AlternateContent":
                choice = child.find(f"{{{_MC}}}Choice")
                if choice is not None:
                    for inner in choice:
                        _drawings(inner, collected)
        text = clean_text("".join(pieces))
        if text:
            fonts = props["fonts"]
            used = set()
            if any(ord(ch) < 128 and not ch.isspace() for ch in text):
                used.add(fonts.get("ascii", ""))
            if any(ord(ch) >= 128 for ch in text):
                used.add(fonts.get("hAnsi", fonts.get("ascii", "")))
            collected.runs.append(Run(
                text=text, fonts=frozenset(f for f in used if f), size=props.get("size"),
                bold=props.get("bold", False), italic=props.get("italic", False),
                underline=props.get("underline", False), color=props.get("color"), caps=props.get("caps", False)))

    # Sections --------------------------------------------------------------------------------

    def _pages(self) -> list[PageSetup]:
        pages: list[PageSetup] = []
        previous: dict[str, list[Paragraph] | None] = {}
        for section in self.document.sections:
            heads: dict[str, list[Paragraph] | None] = {}
            for name, head in (("header", section.header), ("footer", section.footer),
                               ("first_header", section.first_page_header),
                               ("first_footer", section.first_page_footer)):
                if head.is_linked_to_previous:
                    heads[name] = previous.get(name)
                else:
                    story: list[Paragraph] = []
                    self._story(head.part.element, story, None, ("header", name))
                    heads[name] = story
            previous = heads

            def mm(length) -> float:
                return round(length.mm, 1) if length is not None else 0.0

            different = section.different_first_page_header_footer
            pages.append(PageSetup(
                width_mm=mm(section.page_width), height_mm=mm(section.page_height),
                top_mm=mm(section.top_margin), bottom_mm=mm(section.bottom_margin),
                left_mm=mm(section.left_margin), right_mm=mm(section.right_margin),
                header=heads["header"] or [], footer=heads["footer"] or [],
                first_header=(heads["first_header"] or []) if different else None,
                first_footer=(heads["first_footer"] or []) if different else None))
        return pages


@dataclass
class _Collected:
    """What the walk over one paragraph found."""

    runs: list[Run] = field(default_factory=list)
    fields: set[str] = field(default_factory=set)
    shapes: list[Shape] = field(default_factory=list)
    textboxes: list[etree._Element] = field(default_factory=list)
    page_break: bool = False

    def field(self, instruction: str) -> None:
        words = instruction.split()
        if words:
            self.fields.add(words[0].upper())


def _drawings(node: etree._Element, collected: _Collected) -> None:
    """Record the pictures, lines, charts and text boxes drawn in a run."""
    for drawing in node.iter(f"{{{_WP}}}inline", f"{{{_WP}}}anchor"):
        extent = drawing.find(f"{{{_WP}}}extent")
        width = int(extent.get("cx", "0")) / _EMU_PER_CM if extent is not None else 0.0
        height = int(extent.get("cy", "0")) / _EMU_PER_CM if extent is not None else 0.0
        data = drawing.find(f".//{{{_A}}}graphicData")
        uri = data.get("uri", "") if data is not None else ""
        geometry = drawing.find(f".//{{{_A}}}prstGeom")
        boxes = drawing.findall(f".//{_w('txbxContent')}")
        if uri.endswith("/picture"):
            kind = "picture"
        elif uri.endswith("/chart"):
            kind = "chart"
        elif geometry is not None and geometry.get("prst") in ("line", "straightConnector1"):
            kind = "line"
        elif boxes:
            kind = "textbox"
        else:
            kind = "other"
        collected.shapes.append(Shape(kind, width, height))
        collected.textboxes.extend(boxes)
    for line in node.iter(f"{{{_V}}}line"):
        start = [length_cm(v) or 0.0 for v in (line.get("from") or "0,0").split(",")[:2]]
        end = [length_cm(v) or 0.0 for v in (line.get("to") or "0,0").split(",")[:2]]
        collected.shapes.append(Shape("line", abs(end[0] - start[0]), abs(end[-1] - start[-1])))
    collected.shapes.extend(Shape("picture") for _ in node.iter(f"{{{_V}}}imagedata"))
    for box in node.iter(f"{{{_V}}}textbox"):
        collected.textboxes.extend(box.findall(_w("txbxContent")))


# ODT ---------------------------------------------------------------------------------------------


def _attr(element, namespace: str, name: str) -> str | None:
    return element.attributes.get((namespace, name))


def _is(element, namespace: str, name: str) -> bool:
    return getattr(element, "qname", None) == (namespace, name)


def _elements(element) -> Iterator:
    return (child for child in element.childNodes if child.nodeType == Node.ELEMENT_NODE)


_ODF_ALIGN = {"start": "left", "left": "left", "center": "center", "end": "right", "right": "right",
              "justify": "justify"}


class _OdtStyles:
    """Paragraph and text styles of an .odt (common and automatic), with merged properties."""

    def __init__(self, document):
        self.styles: dict[tuple[str, str], object] = {}
        self.defaults: dict[str, object] = {}
        self.automatic: set[tuple[str, str]] = set()
        for container in (document.styles, document.automaticstyles):
            for style in _elements(container):
                if _is(style, STYLENS, "style"):
                    key = (_attr(style, STYLENS, "family") or "", _attr(style, STYLENS, "name") or "")
                    self.styles[key] = style
                    if container is document.automaticstyles:
                        self.automatic.add(key)
                elif _is(style, STYLENS, "default-style"):
                    self.defaults[_attr(style, STYLENS, "family") or ""] = style
        self.fonts: dict[str, str] = {}
        for face in _elements(document.fontfacedecls):
            family = (_attr(face, SVGNS, "font-family") or _attr(face, STYLENS, "name") or "").strip("'\"")
            self.fonts[_attr(face, STYLENS, "name") or ""] = family
        self._cache: dict[tuple, dict] = {}

    def display_name(self, family: str, name: str | None) -> str:
        style = self.styles.get((family, name or ""))
        if style is None:
            return name or ""
        parent = _attr(style, STYLENS, "parent-style-name")
        if (family, name) in self.automatic:  # an automatic style (P1) stands for the style a person chose
            return self.display_name(family, parent) if parent else ""
        return (_attr(style, STYLENS, "display-name") or name or "").replace("_20_", " ")

    def chain(self, family: str, name: str | None) -> list:
        chain: list = []
        seen: set[str] = set()
        while name and (family, name) in self.styles and name not in seen:
            seen.add(name)
            style = self.styles[(family, name)]
            chain.append(style)
            name = _attr(style, STYLENS, "parent-style-name")
        return chain[::-1]

    def paragraph(self, name: str | None) -> dict:
        """Merged paragraph and text properties of paragraph style ``name``."""
        key = ("paragraph", name)
        if key not in self._cache:
            props: dict = {"size": 12.0, "font": "", "level": None, "master": None}
            default = self.defaults.get("paragraph")
            chain = ([default] if default is not None else []) + self.chain("paragraph", name)
            for style in chain:
                self._merge(props, style)
            self._cache[key] = props
        return self._cache[key]

    def text(self, name: str | None, base: dict) -> dict:
        """``base`` overlaid with text style ``name`` (a span)."""
        key = ("text", name, id(base))
        if key not in self._cache:
            props = dict(base)
            for style in self.chain("text", name):
                self._merge(props, style)
            self._cache[key] = props
        return self._cache[key]

    def _merge(self, props: dict, style) -> None:
        level = _attr(style, STYLENS, "default-outline-level")
        if level and level.isdigit():
            props["level"] = int(level)
        master = _attr(style, STYLENS, "master-page-name")
        if master:
            props["master"] = master
        for child in _elements(style):
            if _is(child, STYLENS, "text-properties"):
                self._merge_text(props, child)
            elif _is(child, STYLENS, "paragraph-properties"):
                self._merge_paragraph(props, child)

    def _merge_text(self, props: dict, node) -> None:
        font = _attr(node, STYLENS, "font-name")
        if font:
            props["font"] = self.fonts.get(font, font)
        family = _attr(node, FONS, "font-family")
        if family:
            props["font"] = family.strip("'\"")
        size = _attr(node, FONS, "font-size")
        if size:
            factor = percentage(size)
            points = length_pt(size)
            if factor is not None:
                props["size"] = round(props.get("size", 12.0) * factor, 2)
            elif points is not None:
                props["size"] = round(points, 2)
        weight = _attr(node, FONS, "font-weight")
        if weight:
            props["bold"] = weight == "bold" or (weight.isdigit() and int(weight) >= 600)
        style = _attr(node, FONS, "font-style")
        if style:
            props["italic"] = style in ("italic", "oblique")
        underline = _attr(node, STYLENS, "text-underline-style")
        if underline:
            props["underline"] = underline != "none"
        color = _attr(node, FONS, "color")
        if color:
            value = color.lstrip("#").upper()
            props["color"] = None if value == "000000" else value
        if _attr(node, STYLENS, "use-window-font-color") == "true":
            props["color"] = None
        transform = _attr(node, FONS, "text-transform")
        if transform:
            props["caps"] = transform == "uppercase"

    def _merge_paragraph(self, props: dict, node) -> None:
        align = _attr(node, FONS, "text-align")
        if align:
            props["align"] = _ODF_ALIGN.get(align, props.get("align"))
        for key, attr in (("first", "text-indent"), ("left", "margin-left"), ("before", "margin-top"),
                          ("after", "margin-bottom")):
            value = length_pt(_attr(node, FONS, attr))
            if value is not None:
                props[key] = value
        height = _attr(node, FONS, "line-height")
        if height and height != "normal":
            factor = percentage(height)
            props["line"] = ("multiple", factor) if factor is not None else ("exact", length_pt(height) or 0.0)
        elif height == "normal":
            props["line"] = ("multiple", 1.0)
        at_least = _attr(node, STYLENS, "line-height-at-least")
        if at_least:
            props["line"] = ("atleast", length_pt(at_least) or 0.0)
        border = _attr(node, FONS, "border-bottom") or _attr(node, FONS, "border")
        if border:
            props["border_bottom"] = _visible_border(border)
        if _attr(node, FONS, "break-before") == "page":
            props["page_break"] = True


def _visible_border(value: str) -> bool:
    """Whether an ODF border ("0.5pt solid #000000", "none", "0pt solid") draws a line."""
    words = value.split()
    if not words or words[0] in ("none", "hidden") or "none" in words or "hidden" in words:
        return False
    width = length_pt(words[0])
    return width is None or width > 0


_BODY_CONTENT = {(TEXTNS, "p"), (TEXTNS, "h"), (TEXTNS, "list"), (TEXTNS, "section"), (TABLENS, "table")}


class _OdtReader:
    def __init__(self, checked: OfficeFile):
        package = checked.package()
        # odfpy prints a member that fails to parse and carries on; check well-formedness first.
        with zipfile.ZipFile(io.BytesIO(package)) as archive:
            for member in ("content.xml", "styles.xml"):
                if member in archive.namelist():
                    parse_xml(archive.read(member))
        try:
            self.document = opendocument.load(io.BytesIO(package))
        except (ValueError, KeyError, TypeError, AttributeError, IndexError) as error:
            raise OfficeFileError("corrupt", reason="parse") from error
        if getattr(self.document, "text", None) is None:
            raise OfficeFileError("corrupt", reason="parse")
        self.styles = _OdtStyles(self.document)

    def read(self) -> DocumentModel:
        paragraphs: list[Paragraph] = []
        tables: list[Table] = []
        self._story(self.document.text, paragraphs, tables, ("body",), False)
        return DocumentModel(kind="odt", paragraphs=paragraphs, tables=tables, pages=self._pages(paragraphs))

    def _story(self, parent, out: list[Paragraph], tables: list[Table] | None, container: tuple,
               numbered: bool) -> None:
        for child in _elements(parent):
            if _is(child, TEXTNS, "p") or _is(child, TEXTNS, "h"):
                self._paragraph(child, out, tables, container, numbered)
            elif _is(child, TABLENS, "table"):
                self._table(child, out, tables, container)
            elif _is(child, TEXTNS, "list"):
                self._story(child, out, tables, container, True)
            elif (_is(child, TEXTNS, "list-item") or _is(child, TEXTNS, "list-header")
                  or _is(child, TEXTNS, "section") or _is(child, TABLENS, "table-row-group")):
                self._story(child, out, tables, container, numbered)

    def _table(self, node, out: list[Paragraph], tables: list[Table] | None, container: tuple) -> None:
        table = Table(index=len(tables) + 1 if tables is not None else 0, cells=[])
        if tables is not None:
            tables.append(table)
        outer = container if container[0] == "table" else None

        def rows(parent) -> Iterator:
            for child in _elements(parent):
                if _is(child, TABLENS, "table-row"):
                    yield child
                elif (_is(child, TABLENS, "table-header-rows") or _is(child, TABLENS, "table-rows")
                      or _is(child, TABLENS, "table-row-group")):
                    yield from rows(child)

        for r, row in enumerate(rows(node), start=1):
            texts: list[str] = []
            for cell in _elements(row):
                if _is(cell, TABLENS, "covered-table-cell"):
                    continue
                if not _is(cell, TABLENS, "table-cell"):
                    continue
                before = len(out)
                self._story(cell, out, tables, outer or ("table", table.index, r, len(texts) + 1), False)
                inside = out[before:]
                table.paragraphs.extend(p.index for p in inside)
                text = "\n".join(p.text for p in inside if p.container[0] == "table")
                span = int(_attr(cell, TABLENS, "number-columns-spanned") or 1)
                repeat = min(int(_attr(cell, TABLENS, "number-columns-repeated") or 1), 1000)
                texts.extend(([text] + [""] * (span - 1)) * repeat)
            table.cells.append(texts)

    def _paragraph(self, node, out: list[Paragraph], tables: list[Table] | None, container: tuple,
                   numbered: bool) -> None:
        style_name = _attr(node, TEXTNS, "style-name")
        base = self.styles.paragraph(style_name)
        collected = _Collected()
        textboxes: list = []
        self._inline(node, base, collected, textboxes)
        level = _attr(node, TEXTNS, "outline-level")
        heading = int(level) if _is(node, TEXTNS, "h") and level and level.isdigit() else None
        if heading is None and base.get("level"):
            heading = base["level"]
        line_rule, line_value = base.get("line", ("multiple", 1.0))
        paragraph = Paragraph(
            index=len(out) + 1, text=clean_text("".join(r.text for r in collected.runs)), runs=collected.runs,
            style=self.styles.display_name("paragraph", style_name), heading=heading,
            align=base.get("align", "left"), first_line_cm=base.get("first", 0.0) * 2.54 / 72,
            left_cm=base.get("left", 0.0) * 2.54 / 72, before_pt=base.get("before", 0.0),
            after_pt=base.get("after", 0.0), line_rule=line_rule, line_value=line_value,
            border_bottom=base.get("border_bottom", False), numbered=numbered,
            fields=frozenset(collected.fields), shapes=collected.shapes, container=container,
            page_break_before=base.get("page_break", False))
        out.append(paragraph)
        for box in textboxes:
            self._story(box, out, tables, ("textbox",) if container[0] != "header" else container, False)

    def _inline(self, parent, props: dict, collected: _Collected, textboxes: list) -> None:
        for child in parent.childNodes:
            if child.nodeType == Node.TEXT_NODE:
                self._text(child.data, props, collected)
                continue
            if child.nodeType != Node.ELEMENT_NODE:
                continue
            if _is(child, TEXTNS, "span"):
                self._inline(child, self.styles.text(_attr(child, TEXTNS, "style-name"), props), collected, textboxes)
            elif _is(child, TEXTNS, "s"):
                self._text(" " * int(_attr(child, TEXTNS, "c") or 1), props, collected)
            elif _is(child, TEXTNS, "tab"):
                self._text("\t", props, collected)
            elif _is(child, TEXTNS, "line-break"):
                self._text("\n", props, collected)
            elif _is(child, TEXTNS, "page-number"):
                collected.fields.add("PAGE")
                self._inline(child, props, collected, textboxes)
            elif _is(child, TEXTNS, "page-count"):
                collected.fields.add("NUMPAGES")
                self._inline(child, props, collected, textboxes)
            elif (_is(child, TEXTNS, "a") or _is(child, TEXTNS, "ruby") or _is(child, TEXTNS, "ruby-base")
                  or _is(child, TEXTNS, "meta") or _is(child, TEXTNS, "date") or _is(child, TEXTNS, "time")
                  or _is(child, TEXTNS, "sequence")):
                self._inline(child, props, collected, textboxes)
            elif _is(child, DRAWNS, "frame"):
                self._frame(child, collected, textboxes)
            elif _is(child, DRAWNS, "line"):
                x1, x2 = length_cm(_attr(child, SVGNS, "x1")) or 0.0, length_cm(_attr(child, SVGNS, "x2")) or 0.0
                y1, y2 = length_cm(_attr(child, SVGNS, "y1")) or 0.0, length_cm(_attr(child, SVGNS, "y2")) or 0.0
                collected.shapes.append(Shape("line", abs(x2 - x1), abs(y2 - y1)))
            elif _is(child, DRAWNS, "custom-shape") or _is(child, DRAWNS, "path") or _is(child, DRAWNS, "rect"):
                width = length_cm(_attr(child, SVGNS, "width")) or 0.0
                height = length_cm(_attr(child, SVGNS, "height")) or 0.0
                kind = "line" if width > 0 and height < 0.05 else "other"
                collected.shapes.append(Shape(kind, width, height))
            elif _is(child, DRAWNS, "g"):
                self._inline(child, props, collected, textboxes)

    def _frame(self, frame, collected: _Collected, textboxes: list) -> None:
        width = length_cm(_attr(frame, SVGNS, "width")) or 0.0
        height = length_cm(_attr(frame, SVGNS, "height")) or 0.0
        kind = "other"
        for child in _elements(frame):
            if _is(child, DRAWNS, "image"):
                kind = "picture" if kind == "other" else kind
            elif _is(child, DRAWNS, "object") or _is(child, DRAWNS, "object-ole"):
                kind = "chart"
            elif _is(child, DRAWNS, "text-box"):
                kind = "textbox"
                textboxes.append(child)
        collected.shapes.append(Shape(kind, width, height))

    @staticmethod
    def _text(text: str, props: dict, collected: _Collected) -> None:
        text = clean_text(text)
        if not text:
            return
        collected.runs.append(Run(
            text=text, fonts=frozenset([props["font"]]) if props.get("font") else frozenset(),
            size=props.get("size"), bold=props.get("bold", False), italic=props.get("italic", False),
            underline=props.get("underline", False), color=props.get("color"), caps=props.get("caps", False)))

    def _pages(self, paragraphs: list[Paragraph]) -> list[PageSetup]:
        masters = {_attr(m, STYLENS, "name"): m for m in _elements(self.document.masterstyles)
                   if _is(m, STYLENS, "master-page")}
        layouts = {}
        for container in (self.document.automaticstyles, self.document.styles):
            for node in _elements(container):
                if _is(node, STYLENS, "page-layout"):
                    layouts[_attr(node, STYLENS, "name")] = node
        first_name = None
        # The first paragraph or table of the text names the page style of page 1, if any.
        first_block = next((c for c in _elements(self.document.text) if c.qname in _BODY_CONTENT), None)
        if first_block is not None and first_block.qname in ((TEXTNS, "list"), (TEXTNS, "section")):
            inner = first_block.getElementsByType(otext_p)
            first_block = inner[0] if inner else None
        if first_block is not None:
            name = _attr(first_block, TEXTNS, "style-name") or _attr(first_block, TABLENS, "style-name")
            family = "table" if _is(first_block, TABLENS, "table") else "paragraph"
            chain = self.styles.chain(family, name) if name else []
            first_name = next((_attr(s, STYLENS, "master-page-name") for s in reversed(chain)
                               if _attr(s, STYLENS, "master-page-name")), None)
        if first_name not in masters:
            first_name = "Standard" if "Standard" in masters else next(iter(masters), None)
        if first_name is None:
            return [PageSetup(210.0, 297.0, 20.0, 20.0, 20.0, 20.0)]
        first = masters[first_name]
        next_name = _attr(first, STYLENS, "next-style-name")
        following = masters.get(next_name, first) if next_name else first
        setup = self._setup(following, layouts)
        first_setup = self._setup(first, layouts)
        # Page 1 has its own head when it uses another page style, or an ODF 1.3 header-first.
        if following is not first:
            setup.first_header, setup.first_footer = first_setup.header, first_setup.footer
            setup.width_mm, setup.height_mm = first_setup.width_mm, first_setup.height_mm
            setup.top_mm, setup.bottom_mm = first_setup.top_mm, first_setup.bottom_mm
            setup.left_mm, setup.right_mm = first_setup.left_mm, first_setup.right_mm
        else:
            for child in _elements(first):
                if _is(child, STYLENS, "header-first") and _attr(child, STYLENS, "display") != "false":
                    setup.first_header = self._head(child)
                elif _is(child, STYLENS, "footer-first") and _attr(child, STYLENS, "display") != "false":
                    setup.first_footer = self._head(child)
        return [setup]

    def _setup(self, master, layouts: dict) -> PageSetup:
        layout = layouts.get(_attr(master, STYLENS, "page-layout-name"))
        props = None
        if layout is not None:
            props = next((c for c in _elements(layout) if _is(c, STYLENS, "page-layout-properties")), None)

        def mm(name: str, default: float) -> float:
            value = length_cm(_attr(props, FONS, name)) if props is not None else None
            return round(value * 10, 1) if value is not None else default

        setup = PageSetup(width_mm=mm("page-width", 210.0), height_mm=mm("page-height", 297.0),
                          top_mm=mm("margin-top", 20.0), bottom_mm=mm("margin-bottom", 20.0),
                          left_mm=mm("margin-left", 20.0), right_mm=mm("margin-right", 20.0))
        for child in _elements(master):
            if _attr(child, STYLENS, "display") == "false":
                continue
            if _is(child, STYLENS, "header"):
                setup.header = self._head(child)
                # ODF puts the header inside the page margin; the text starts below it, where a
                # word processor's "top margin" is measured.
                setup.top_mm += _head_height_mm(layout, "header-style")
            elif _is(child, STYLENS, "footer"):
                setup.footer = self._head(child)
                setup.bottom_mm += _head_height_mm(layout, "footer-style")
        return setup

    def _head(self, node) -> list[Paragraph]:
        story: list[Paragraph] = []
        self._story(node, story, None, ("header",), False)
        return story


def _head_height_mm(layout, style_name: str) -> float:
    """Height of a page style's header or footer area, spacing included (LibreOffice's "Height")."""
    if layout is None:
        return 0.0
    for child in _elements(layout):
        if _is(child, STYLENS, style_name):
            for props in _elements(child):
                if _is(props, STYLENS, "header-footer-properties"):
                    height = length_cm(_attr(props, SVGNS, "height") or _attr(props, FONS, "min-height"))
                    return round(height * 10, 1) if height else 0.0
    return 0.0


__all__ = ["DocumentModel", "PageSetup", "Paragraph", "Run", "Shape", "Table", "read_document"]
