"""A small description of a text document, written out as .docx (python-docx) or .odt (odfpy).

Used by ``tools/make_practical_fixtures.py`` to make the practical tasks' reference solutions and
wrong answers, the ND30 corpus, and the compliant example and template. One description gives
both formats, so a fixture exists in each with the same content and formatting.

Several ways real offices produce the same look are available, so the corpus is not all written
one way: formatting on each run or in a named style; the rule under a heading as a drawn line
(DrawingML or VML), a paragraph border, or a row of underscores; page numbers as a simple or a
complex field.
"""
from __future__ import annotations

import io
import unicodedata
import zipfile
from dataclasses import dataclass, field, replace

import docx
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Mm, Pt, RGBColor
from odf import draw as odraw
from odf import style as ostyle
from odf import table as otable
from odf import text as otext
from odf.opendocument import OpenDocumentText

FIXED_TIME = (2026, 1, 5, 8, 0, 0)


@dataclass
class R:
    """A run: text and the formatting set on it (None = inherited)."""

    text: str
    bold: bool | None = None
    italic: bool | None = None
    size: float | None = None
    font: str | None = None
    color: str | None = None
    underline: bool | None = None


@dataclass
class P:
    """A paragraph. ``runs`` may be plain text. ``rule`` draws a line under it: (how, width in cm)."""

    runs: list[R] | str = ""
    align: str | None = None  # left | center | right | justify
    size: float | None = None
    bold: bool | None = None
    italic: bool | None = None
    font: str | None = None
    indent_cm: float | None = None
    left_cm: float | None = None
    before: float | None = None
    after: float | None = None
    line: tuple[str, float] | None = None  # ("multiple", 1.0) | ("exact", 16)
    style: str | None = None  # a named style to create and use (formatting goes there instead)
    heading: int | None = None  # use the built-in heading style of this level
    rule: tuple[str, float] | None = None  # ("shape" | "vml" | "border" | "underscore", width cm)
    page_break_before: bool = False
    picture: bytes | None = None  # a PNG shown in this paragraph
    bullet: bool = False

    def run_list(self) -> list[R]:
        return [R(self.runs)] if isinstance(self.runs, str) else list(self.runs)


@dataclass
class T:
    """A table; ``rows`` holds cells, each a list of paragraphs (or one text)."""

    rows: list[list[list[P] | str]]
    widths_cm: list[float] | None = None
    borders: bool = False
    header_bold: bool = False


@dataclass
class Doc:
    """A whole document."""

    blocks: list[P | T]
    page_mm: tuple[float, float] = (210, 297)
    margins_mm: tuple[float, float, float, float] = (20, 20, 30, 15)  # top, bottom, left, right
    font: str = "Times New Roman"
    size: float = 14
    header: list[P] | None = None  # running head
    header_on_first: bool = False  # the running head also on page 1
    footer: list[P] | None = None
    page_field: str = "simple"  # simple | complex (docx only)
    nfd: bool = False  # write the text decomposed (some keyboards do)
    font_in: str = "style"  # style: Normal style; defaults: docDefaults only (docx)


def _text_height(p: P, doc: Doc) -> float:
    """Rough height (pt) of the paragraph's text: its lines at 1.2 times the font size."""
    lines = 1 + sum(r.text.count("\n") for r in p.run_list())
    return lines * (p.size or doc.size) * 1.2


def _nfd(text: str, doc: Doc) -> str:
    return unicodedata.normalize("NFD", text) if doc.nfd else text


# DOCX ----------------------------------------------------------------------------------------------

_ALIGN = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
          "right": WD_ALIGN_PARAGRAPH.RIGHT, "justify": WD_ALIGN_PARAGRAPH.JUSTIFY}
PAGE_MARK = "\x00PAGE\x00"  # in a run's text: a page number field


class _DocxWriter:
    def __init__(self, doc: Doc):
        self.doc = doc
        self.document = docx.Document()
        self.shape_id = 100
        self.styles: dict[str, object] = {}

    def write(self) -> bytes:
        doc, document = self.doc, self.document
        section = document.sections[0]
        width, height = doc.page_mm
        section.page_width, section.page_height = Mm(width), Mm(height)
        section.orientation = WD_ORIENT.LANDSCAPE if width > height else WD_ORIENT.PORTRAIT
        top, bottom, left, right = doc.margins_mm
        section.top_margin, section.bottom_margin = Mm(top), Mm(bottom)
        section.left_margin, section.right_margin = Mm(left), Mm(right)
        section.header_distance = section.footer_distance = Mm(10)
        normal = document.styles["Normal"]
        defaults = document.styles.element.find(qn("w:docDefaults"))
        if doc.font_in == "defaults":
            fonts = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:rFonts')}")
            for attribute in list(fonts.attrib):
                del fonts.attrib[attribute]
            fonts.set(qn("w:ascii"), doc.font)
            fonts.set(qn("w:hAnsi"), doc.font)
            defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:sz')}").set(qn("w:val"), str(int(doc.size * 2)))
        else:
            normal.font.name = doc.font
            normal.font.size = Pt(doc.size)
        normal.paragraph_format.space_after = Pt(0)
        normal.paragraph_format.line_spacing = 1.0
        for block in doc.blocks:
            if isinstance(block, T):
                self._table(block, document)
            else:
                self._paragraph(block, document.add_paragraph())
        if doc.blocks and isinstance(doc.blocks[-1], T):
            document.add_paragraph()  # Word always keeps a paragraph after a final table
        if doc.header is not None or doc.footer is not None:
            section.different_first_page_header_footer = not doc.header_on_first
            for paragraphs, head in ((doc.header, section.header), (doc.footer, section.footer)):
                if paragraphs is None:
                    continue
                head.is_linked_to_previous = False
                for number, p in enumerate(paragraphs):
                    target = head.paragraphs[0] if number == 0 else head.add_paragraph()
                    self._paragraph(p, target)
        out = io.BytesIO()
        document.core_properties.author = "Hệ thống học và thi kỹ năng CNTT"
        document.save(out)
        return normalise_zip(out.getvalue())

    def _style(self, p: P):
        if p.style not in self.styles:
            style = self.document.styles.add_style(p.style, WD_STYLE_TYPE.PARAGRAPH)
            style.base_style = self.document.styles["Normal"]
            self._format(style.paragraph_format, p)
            if p.size is not None:
                style.font.size = Pt(p.size)
            if p.bold is not None:
                style.font.bold = p.bold
            if p.italic is not None:
                style.font.italic = p.italic
            if p.font is not None:
                style.font.name = p.font
            self.styles[p.style] = style
        return self.styles[p.style]

    @staticmethod
    def _format(fmt, p: P) -> None:
        if p.align:
            fmt.alignment = _ALIGN[p.align]
        if p.indent_cm is not None:
            fmt.first_line_indent = Cm(p.indent_cm)
        if p.left_cm is not None:
            fmt.left_indent = Cm(p.left_cm)
        if p.before is not None:
            fmt.space_before = Pt(p.before)
        if p.after is not None:
            fmt.space_after = Pt(p.after)
        if p.line is not None:
            rule, value = p.line
            if rule == "multiple":
                fmt.line_spacing = value
            else:
                fmt.line_spacing = Pt(value)
                fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY if rule == "exact" else WD_LINE_SPACING.AT_LEAST
        if p.page_break_before:
            fmt.page_break_before = True

    def _paragraph(self, p: P, paragraph) -> None:
        doc = self.doc
        if p.heading:
            paragraph.style = self.document.styles[f"Heading {p.heading}"]
        if p.style:
            paragraph.style = self._style(p)
        else:
            self._format(paragraph.paragraph_format, p)
        if p.bullet:
            paragraph.style = self.document.styles["List Bullet"]
        for r in p.run_list():
            parts = r.text.split(PAGE_MARK)
            for number, part in enumerate(parts):
                if number:
                    self._page_field(paragraph, r, p)
                if part:
                    self._run(paragraph, r, p, _nfd(part, doc))
        if p.picture is not None:
            paragraph.add_run().add_picture(io.BytesIO(p.picture), width=Cm(6))
        if p.rule:
            self._rule(paragraph, *p.rule, below_pt=_text_height(p, self.doc))

    def _run(self, paragraph, r: R, p: P, text: str):
        lines = text.split("\n")
        run = paragraph.add_run(lines[0])
        for line in lines[1:]:
            run.add_break()
            run.add_text(line)
        direct = not p.style
        size = r.size if r.size is not None else (p.size if direct else None)
        bold = r.bold if r.bold is not None else (p.bold if direct else None)
        italic = r.italic if r.italic is not None else (p.italic if direct else None)
        font = r.font or (p.font if direct else None)
        if size is not None:
            run.font.size = Pt(size)
        if bold is not None:
            run.bold = bold
        if italic is not None:
            run.italic = italic
        if font is not None:
            run.font.name = font
        if r.color:
            run.font.color.rgb = RGBColor.from_string(r.color)
        if r.underline is not None:
            run.underline = r.underline
        return run

    def _page_field(self, paragraph, r: R, p: P) -> None:
        size = r.size or p.size or self.doc.size
        rpr = f'<w:rPr><w:sz w:val="{int(size * 2)}"/></w:rPr>'
        if self.doc.page_field == "complex":
            for xml in (f'<w:r {nsdecls("w")}>{rpr}<w:fldChar w:fldCharType="begin"/></w:r>',
                        (f'<w:r {nsdecls("w")}>{rpr}<w:instrText xml:space="preserve"> PAGE   \\* MERGEFORMAT '
                        f"</w:instrText></w:r>"),
                        f'<w:r {nsdecls("w")}>{rpr}<w:fldChar w:fldCharType="separate"/></w:r>',
                        f'<w:r {nsdecls("w")}>{rpr}<w:t>2</w:t></w:r>',
                        f'<w:r {nsdecls("w")}>{rpr}<w:fldChar w:fldCharType="end"/></w:r>'):
                paragraph.add_run().element.addnext(parse_xml(xml))
        else:
            field_xml = (f'<w:fldSimple {nsdecls("w")} w:instr=" PAGE   \\* MERGEFORMAT "><w:r>{rpr}<w:t>2</w:t></w:r>'
                         f"</w:fldSimple>")
            paragraph.add_run().element.addnext(parse_xml(field_xml))

    def _rule(self, paragraph, how: str, width_cm: float, below_pt: float) -> None:
        self.shape_id += 1
        emu = int(width_cm * 360000)
        offset = int((below_pt + 2) * 12700)
        if how == "shape":
            xml = (
                f'<w:drawing {nsdecls("w", "wp", "a")} '
                f'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
                f'<wp:anchor distT="0" distB="0" distL="114300" distR="114300" simplePos="0" '
                f'relativeHeight="{self.shape_id}" behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1">'
                f'<wp:simplePos x="0" y="0"/>'
                f'<wp:positionH relativeFrom="column"><wp:align>center</wp:align></wp:positionH>'
                f'<wp:positionV relativeFrom="paragraph"><wp:posOffset>{offset}</wp:posOffset></wp:positionV>'
                f'<wp:extent cx="{emu}" cy="0"/><wp:effectExtent l="0" t="0" r="0" b="0"/><wp:wrapNone/>'
                f'<wp:docPr id="{self.shape_id}" name="Đường kẻ {self.shape_id}"/><wp:cNvGraphicFramePr/>'
                f'<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
                f'<wps:wsp><wps:cNvCnPr/><wps:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{emu}" cy="0"/></a:xfrm>'
                f'<a:prstGeom prst="line"><a:avLst/></a:prstGeom><a:ln w="6350"><a:solidFill><a:srgbClr val="000000"/>'
                f'</a:solidFill></a:ln></wps:spPr><wps:bodyPr/></wps:wsp></a:graphicData></a:graphic></wp:anchor>'
                f"</w:drawing>")
            paragraph.add_run().element.append(parse_xml(xml))
        elif how == "vml":
            points = width_cm / 2.54 * 72
            xml = (f'<w:pict {nsdecls("w")} xmlns:v="urn:schemas-microsoft-com:vml">'
                   f'<v:line id="Line{self.shape_id}" style="position:absolute;z-index:{self.shape_id}" '
                   f'from="40pt,{below_pt + 2:.1f}pt" to="{40 + points:.1f}pt,{below_pt + 2:.1f}pt" '
                   f'strokeweight=".5pt"/>'
                   f"</w:pict>")
            paragraph.add_run().element.append(parse_xml(xml))
        elif how == "border":
            ppr = paragraph.paragraph_format.element.get_or_add_pPr()
            ppr.append(parse_xml(f'<w:pBdr {nsdecls("w")}><w:bottom w:val="single" w:sz="4" w:space="1" '
                                 f'w:color="000000"/></w:pBdr>'))
        elif how == "underscore":
            run = paragraph.add_run()
            run.add_break()
            run.add_text("_" * max(3, int(width_cm * 3.2)))

    def _table(self, t: T, document) -> None:
        columns = max(len(row) for row in t.rows)
        table = document.add_table(rows=len(t.rows), cols=columns)
        if t.widths_cm:
            table.autofit = False
            for number, width in enumerate(t.widths_cm):
                table.columns[number].width = Cm(width)
        if t.borders:
            table.style = document.styles["Table Grid"]
        for r, row in enumerate(t.rows):
            for c, cell_content in enumerate(row):
                cell = table.cell(r, c)
                if t.widths_cm:
                    cell.width = Cm(t.widths_cm[c])
                paragraphs = [P(cell_content, bold=(t.header_bold and r == 0) or None)] \
                    if isinstance(cell_content, str) else cell_content
                for number, p in enumerate(paragraphs):
                    target = cell.paragraphs[0] if number == 0 else cell.add_paragraph()
                    self._paragraph(p, target)


def write_docx(doc: Doc) -> bytes:
    """The .docx for ``doc``."""
    return _DocxWriter(doc).write()


# ODT -----------------------------------------------------------------------------------------------


class _OdtWriter:
    def __init__(self, doc: Doc):
        self.doc = doc
        self.odt = OpenDocumentText()
        self.auto: dict[tuple, str] = {}
        self.named: dict[str, str] = {}
        self.counter = 0
        self.graphic = None
        self.width_cm = (doc.page_mm[0] - doc.margins_mm[2] - doc.margins_mm[3]) / 10

    def write(self) -> bytes:
        doc, odt = self.doc, self.odt
        fonts = {doc.font} | {p.font for p in self._all_paragraphs() if p.font} | {
            r.font for p in self._all_paragraphs() for r in p.run_list() if r.font}
        for name in sorted(fonts):
            odt.fontfacedecls.addElement(ostyle.FontFace(name=name, fontfamily=f"'{name}'", fontpitch="variable"))
        default = ostyle.DefaultStyle(family="paragraph")
        default.addElement(ostyle.TextProperties(fontname=doc.font, fontsize=f"{doc.size}pt"))
        default.addElement(ostyle.ParagraphProperties(margintop="0cm", marginbottom="0cm", lineheight="100%"))
        odt.styles.addElement(default)
        standard = ostyle.Style(name="Standard", family="paragraph", displayname="Standard")
        odt.styles.addElement(standard)
        width, height = doc.page_mm
        top, bottom, left, right = doc.margins_mm
        # As LibreOffice does: the header sits 10 mm from the edge, inside the top margin; its area
        # (10 mm, spacing included) ends where the text starts, ``top`` mm from the edge.
        head = 10.0 if doc.header is not None else 0.0
        foot = 10.0 if doc.footer is not None else 0.0
        layout = ostyle.PageLayout(name="pm1")
        layout.addElement(ostyle.PageLayoutProperties(
            pagewidth=f"{width}mm", pageheight=f"{height}mm", margintop=f"{top - head}mm",
            marginbottom=f"{bottom - foot}mm", marginleft=f"{left}mm", marginright=f"{right}mm",
            printorientation="landscape" if width > height else "portrait"))
        if doc.header is not None:
            header_style = ostyle.HeaderStyle()
            header_style.addElement(ostyle.HeaderFooterProperties(minheight=f"{head}mm", marginbottom="4mm"))
            layout.addElement(header_style)
        if doc.footer is not None:
            footer_style = ostyle.FooterStyle()
            footer_style.addElement(ostyle.HeaderFooterProperties(minheight=f"{foot}mm", margintop="4mm"))
            layout.addElement(footer_style)
        odt.automaticstyles.addElement(layout)
        first_layout = ostyle.PageLayout(name="pm2")
        first_layout.addElement(ostyle.PageLayoutProperties(
            pagewidth=f"{width}mm", pageheight=f"{height}mm", margintop=f"{top}mm", marginbottom=f"{bottom}mm",
            marginleft=f"{left}mm", marginright=f"{right}mm",
            printorientation="landscape" if width > height else "portrait"))
        odt.automaticstyles.addElement(first_layout)
        main = ostyle.MasterPage(name="Standard", pagelayoutname="pm1")
        if doc.header is not None:
            head = ostyle.Header()
            for p in doc.header:
                head.addElement(self._paragraph(p))
            main.addElement(head)
        if doc.footer is not None:
            foot = ostyle.Footer()
            for p in doc.footer:
                foot.addElement(self._paragraph(p))
            main.addElement(foot)
        odt.masterstyles.addElement(main)
        first_master = None
        if (doc.header is not None or doc.footer is not None) and not doc.header_on_first:
            first_master = ostyle.MasterPage(name="First_20_Page", displayname="First Page", pagelayoutname="pm2",
                                             nextstylename="Standard")
            odt.masterstyles.addElement(first_master)
        for number, block in enumerate(doc.blocks):
            master = "First_20_Page" if number == 0 and first_master is not None else None
            if isinstance(block, T):
                odt.text.addElement(self._table(block, master))
            else:
                odt.text.addElement(self._paragraph(block, master))
        out = io.BytesIO()
        odt.write(out)
        return normalise_zip(out.getvalue())

    def _all_paragraphs(self):
        for block in self.doc.blocks + (self.doc.header or []) + (self.doc.footer or []):
            if isinstance(block, T):
                for row in block.rows:
                    for cell in row:
                        yield from ([P(cell)] if isinstance(cell, str) else cell)
            else:
                yield block

    def _name(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}{self.counter}"

    def _paragraph_style(self, p: P, master: str | None) -> str:
        paragraph_props = {}
        if p.align:
            paragraph_props["textalign"] = {"left": "start", "right": "end"}.get(p.align, p.align)
        if p.indent_cm is not None:
            paragraph_props["textindent"] = f"{p.indent_cm}cm"
        if p.left_cm is not None:
            paragraph_props["marginleft"] = f"{p.left_cm}cm"
        if p.before is not None:
            paragraph_props["margintop"] = f"{p.before}pt"
        if p.after is not None:
            paragraph_props["marginbottom"] = f"{p.after}pt"
        if p.line is not None:
            rule, value = p.line
            if rule == "multiple":
                paragraph_props["lineheight"] = f"{round(value * 100)}%"
            elif rule == "exact":
                paragraph_props["lineheight"] = f"{value}pt"
            else:
                paragraph_props["lineheightatleast"] = f"{value}pt"
        if p.rule and p.rule[0] == "border":
            paragraph_props["borderbottom"] = "0.5pt solid #000000"
            paragraph_props["padding"] = "0.05cm"
        if p.page_break_before:
            paragraph_props["breakbefore"] = "page"
        text_props = self._text_props(R("", p.bold, p.italic, p.size, p.font))
        parent = "Standard"
        if p.heading:
            parent = self._heading_style(p.heading)
        if p.style:
            if p.style not in self.named:
                named = ostyle.Style(name=p.style.replace(" ", "_20_"), displayname=p.style, family="paragraph",
                                     parentstylename="Standard")
                if paragraph_props:
                    named.addElement(ostyle.ParagraphProperties(**paragraph_props))
                if text_props:
                    named.addElement(ostyle.TextProperties(**text_props))
                self.odt.styles.addElement(named)
                self.named[p.style] = p.style.replace(" ", "_20_")
            parent, paragraph_props, text_props = self.named[p.style], {}, {}
        key = ("P", parent, master, tuple(sorted(paragraph_props.items())), tuple(sorted(text_props.items())))
        if key not in self.auto:
            name = self._name("P")
            auto = ostyle.Style(name=name, family="paragraph", parentstylename=parent)
            if master:
                auto.setAttribute("masterpagename", master)
            if paragraph_props:
                auto.addElement(ostyle.ParagraphProperties(**paragraph_props))
            if text_props:
                auto.addElement(ostyle.TextProperties(**text_props))
            self.odt.automaticstyles.addElement(auto)
            self.auto[key] = name
        return self.auto[key]

    def _heading_style(self, level: int) -> str:
        name = f"Heading_20_{level}"
        if name not in self.named.values():
            heading = ostyle.Style(name=name, displayname=f"Heading {level}", family="paragraph",
                                   parentstylename="Standard", defaultoutlinelevel=str(level))
            heading.addElement(ostyle.TextProperties(fontsize=f"{max(self.doc.size, 18 - 2 * level)}pt",
                                                     fontweight="bold"))
            heading.addElement(ostyle.ParagraphProperties(margintop="12pt", marginbottom="6pt"))
            self.odt.styles.addElement(heading)
            self.named[f"heading{level}"] = name
        return name

    @staticmethod
    def _text_props(r: R) -> dict:
        props = {}
        if r.size is not None:
            props["fontsize"] = f"{r.size}pt"
        if r.bold is not None:
            props["fontweight"] = "bold" if r.bold else "normal"
        if r.italic is not None:
            props["fontstyle"] = "italic" if r.italic else "normal"
        if r.font is not None:
            props["fontname"] = r.font
        if r.color is not None:
            props["color"] = f"#{r.color}"
        if r.underline is not None:
            props["textunderlinestyle"] = "solid" if r.underline else "none"
            if r.underline:
                props["textunderlinewidth"] = "auto"
                props["textunderlinecolor"] = "font-color"
        return props

    def _span_style(self, r: R) -> str | None:
        props = self._text_props(replace(r, text=""))
        if not props:
            return None
        key = ("T", tuple(sorted(props.items())))
        if key not in self.auto:
            name = self._name("T")
            span = ostyle.Style(name=name, family="text")
            span.addElement(ostyle.TextProperties(**props))
            self.odt.automaticstyles.addElement(span)
            self.auto[key] = name
        return self.auto[key]

    def _paragraph(self, p: P, master: str | None = None):
        element_type = otext.H if p.heading else otext.P
        kwargs = {"stylename": self._paragraph_style(p, master)}
        if p.heading:
            kwargs["outlinelevel"] = p.heading
        element = element_type(**kwargs)
        if p.bullet:
            element.addText("- ")
        for r in p.run_list():
            parts = _nfd(r.text, self.doc).split(PAGE_MARK)
            span_name = self._span_style(r)
            for number, part in enumerate(parts):
                target = otext.Span(stylename=span_name) if span_name else element
                if number:
                    target.addElement(otext.PageNumber(selectpage="current", text="2"))
                lines = part.split("\n")
                for line_number, line in enumerate(lines):
                    if line_number:
                        target.addElement(otext.LineBreak())
                    if line:
                        target.addText(line)
                if target is not element:
                    element.addElement(target)
        if p.picture is not None:
            href = self.odt.addPictureFromString(p.picture, "image/png")
            frame = odraw.Frame(anchortype="as-char", width="6cm", height="4cm", name=self._name("Hình "))
            frame.addElement(odraw.Image(href=href))
            element.addElement(frame)
        if p.rule and p.rule[0] in ("shape", "vml"):
            if self.graphic is None:
                style = ostyle.Style(name="gr1", family="graphic")
                style.addElement(ostyle.GraphicProperties(stroke="solid", strokewidth="0.02cm", strokecolor="#000000",
                                                          wrap="run-through", verticalpos="from-top",
                                                          horizontalpos="center", horizontalrel="paragraph"))
                self.odt.automaticstyles.addElement(style)
                self.graphic = style
            x = max(0.0, (self.width_cm - p.rule[1]) / 2)
            y = (_text_height(p, self.doc) + 2) / 72 * 2.54
            element.addElement(odraw.Line(stylename=self.graphic, anchortype="paragraph", x1=f"{x:.2f}cm",
                                          y1=f"{y:.2f}cm", x2=f"{x + p.rule[1]:.2f}cm", y2=f"{y:.2f}cm", zindex="1"))
        elif p.rule and p.rule[0] == "underscore":
            element.addElement(otext.LineBreak())
            element.addText("_" * max(3, int(p.rule[1] * 3.2)))
        return element

    def _table(self, t: T, master: str | None):
        self.counter += 1
        name = f"Bang{self.counter}"
        table_style = ostyle.Style(name=name, family="table")
        widths = t.widths_cm or [16.0 / max(len(r) for r in t.rows)] * max(len(r) for r in t.rows)
        table_style.addElement(ostyle.TableProperties(width=f"{sum(widths)}cm", align="margins"))
        if master:
            table_style.setAttribute("masterpagename", master)
        self.odt.automaticstyles.addElement(table_style)
        table = otable.Table(name=name, stylename=name)
        for number, width in enumerate(widths):
            column_style = ostyle.Style(name=f"{name}.C{number}", family="table-column")
            column_style.addElement(ostyle.TableColumnProperties(columnwidth=f"{width}cm"))
            self.odt.automaticstyles.addElement(column_style)
            table.addElement(otable.TableColumn(stylename=f"{name}.C{number}"))
        cell_style = ostyle.Style(name=f"{name}.A1", family="table-cell")
        cell_style.addElement(ostyle.TableCellProperties(
            border="0.5pt solid #000000" if t.borders else "none", padding="0.1cm"))
        self.odt.automaticstyles.addElement(cell_style)
        for r, row in enumerate(t.rows):
            table_row = otable.TableRow()
            for number, cell_content in enumerate(row):
                self.width_cm = widths[number] - 0.2
                cell = otable.TableCell(stylename=f"{name}.A1", valuetype="string")
                paragraphs = [P(cell_content, bold=(t.header_bold and r == 0) or None)] \
                    if isinstance(cell_content, str) else cell_content
                for p in paragraphs:
                    cell.addElement(self._paragraph(p))
                table_row.addElement(cell)
            table.addElement(table_row)
        self.width_cm = (self.doc.page_mm[0] - self.doc.margins_mm[2] - self.doc.margins_mm[3]) / 10
        return table


def write_odt(doc: Doc) -> bytes:
    """The .odt for ``doc``."""
    return _OdtWriter(doc).write()


def write(doc: Doc, extension: str) -> bytes:
    """``doc`` as .docx or .odt."""
    return write_docx(doc) if extension == "docx" else write_odt(doc)


def normalise_zip(data: bytes) -> bytes:
    """The same archive with fixed member times, so regenerated files differ only if their content does.

    The ODF ``mimetype`` member stays first and stored, as the format requires.
    """
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            clean = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME)
            clean.compress_type = zipfile.ZIP_STORED if info.filename == "mimetype" else zipfile.ZIP_DEFLATED
            clean.external_attr = info.external_attr
            target.writestr(clean, source.read(info))
    return out.getvalue()


__all__ = ["PAGE_MARK", "Doc", "P", "R", "T", "field", "normalise_zip", "write", "write_docx", "write_odt"]
