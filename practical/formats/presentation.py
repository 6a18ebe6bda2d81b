"""Presentations (.pptx via python-pptx, .odp via odfpy) read into one ``PresentationModel``.

A slide's layout is described by what it is made for, not by its name (which each program and
each language names differently): a title slide, title and content, two contents, title only,
blank. It is read from the placeholders of the layout the slide uses.
"""
from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field

from lxml import etree
from odf import opendocument
from odf.chart import Chart as ChartElement
from odf.element import Node
from odf.namespaces import CHARTNS, DRAWNS, PRESENTATIONNS, SMILNS, STYLENS, TEXTNS, XLINKNS
from pptx import Presentation
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.exc import PackageNotFoundError

from lms.officefile import OfficeFile, OfficeFileError
from practical.formats import clean_text, parse_xml, unreadable_as_corrupt


@dataclass
class Slide:
    """One slide as the checks see it."""

    index: int  # 1-based
    layout: str  # title | title-content | two-content | title-only | blank | other
    layout_name: str
    title: str | None
    bullets: list[str] = field(default_factory=list)  # non-empty paragraphs of the content placeholders
    pictures: int = 0
    charts: list[str] = field(default_factory=list)  # chart kinds (column, bar, line, pie, …)
    notes: str = ""
    transition: str | None = None  # the transition's name, None when there is none
    text: str = ""  # all the slide's text


@dataclass
class PresentationModel:
    """A presentation: its slides in order."""

    kind: str  # pptx | odp
    slides: list[Slide]


@unreadable_as_corrupt
def read_presentation(checked: OfficeFile) -> PresentationModel:
    """The model of a checked .pptx or .odp file."""
    if checked.kind.extension in ("pptx", "ppsx", "potx"):
        return _read_pptx(checked)
    if checked.kind.extension in ("odp", "otp"):
        return _OdpReader(checked).read()
    raise OfficeFileError("not-accepted", extension=checked.kind.extension, accepted=["odp", "pptx"])


def classify_layout(title: bool, centred_title: bool, contents: int) -> str:
    """The kind of layout from its placeholders: a title (a centred title or a subtitle makes a title
    slide) and the number of content placeholders."""
    if centred_title:
        return "title"
    if not title:
        return "blank" if contents == 0 else "other"
    return {0: "title-only", 1: "title-content", 2: "two-content"}.get(contents, "other")


# PPTX ----------------------------------------------------------------------------------------------

_P = "http://schemas.openxmlformats.org/presentationml/2006/main"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_CONTENT = {PP_PLACEHOLDER.BODY, PP_PLACEHOLDER.OBJECT, PP_PLACEHOLDER.VERTICAL_BODY,
            PP_PLACEHOLDER.VERTICAL_OBJECT, PP_PLACEHOLDER.PICTURE, PP_PLACEHOLDER.CHART, PP_PLACEHOLDER.TABLE,
            PP_PLACEHOLDER.ORG_CHART, PP_PLACEHOLDER.MEDIA_CLIP, PP_PLACEHOLDER.BITMAP}
_TITLES = {PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE, PP_PLACEHOLDER.VERTICAL_TITLE}
_TEXT_CONTENT = {PP_PLACEHOLDER.BODY, PP_PLACEHOLDER.OBJECT, PP_PLACEHOLDER.VERTICAL_BODY,
                 PP_PLACEHOLDER.VERTICAL_OBJECT}
_PPTX_CHARTS = (("COLUMN", "column"), ("BAR", "bar"), ("LINE", "line"), ("PIE", "pie"), ("DOUGHNUT", "doughnut"),
                ("AREA", "area"), ("XY_SCATTER", "scatter"), ("BUBBLE", "scatter"), ("RADAR", "radar"),
                ("CYLINDER_COL", "column"), ("CONE_COL", "column"), ("PYRAMID_COL", "column"),
                ("CYLINDER_BAR", "bar"), ("CONE_BAR", "bar"), ("PYRAMID_BAR", "bar"))


def _read_pptx(checked: OfficeFile) -> PresentationModel:
    try:
        presentation = Presentation(checked.stream())
    except (PackageNotFoundError, KeyError, ValueError, TypeError, AttributeError, etree.XMLSyntaxError,
            zipfile.BadZipFile) as error:
        raise OfficeFileError("corrupt", reason="parse") from error
    slides: list[Slide] = []
    for number, slide in enumerate(presentation.slides, start=1):
        layout = slide.slide_layout
        # The layout's placeholders and the slide's own: LibreOffice saves slides whose layout part
        # has no placeholders while the slide has them; PowerPoint keeps them on both.
        layout_types = [p.placeholder_format.type for p in layout.placeholders]
        slide_types = [p.placeholder_format.type for p in slide.placeholders]
        both = layout_types + slide_types
        kind = classify_layout(
            title=any(t in _TITLES for t in both),
            centred_title=PP_PLACEHOLDER.CENTER_TITLE in both or PP_PLACEHOLDER.SUBTITLE in both,
            contents=max(sum(1 for t in types if t in _CONTENT) for types in (layout_types, slide_types)))
        title_shape = slide.shapes.title
        title = clean_text(title_shape.text_frame.text).strip() if title_shape is not None and \
            title_shape.has_text_frame else None
        bullets: list[str] = []
        charts: list[str] = []
        texts: list[str] = []
        for shape in slide.shapes:
            if shape.has_text_frame:
                texts.append(clean_text(shape.text_frame.text))
                if shape.is_placeholder and shape.placeholder_format.type in _TEXT_CONTENT:
                    bullets += [clean_text(p.text).strip() for p in shape.text_frame.paragraphs if p.text.strip()]
            if shape.has_chart:
                name = shape.chart.chart_type.name if shape.chart.chart_type is not None else ""
                charts.append(next((kind for prefix, kind in _PPTX_CHARTS if name.startswith(prefix)), "other"))
        element = slide.element
        pictures = sum(1 for _ in element.iter(f"{{{_P}}}pic"))
        notes = ""
        if slide.has_notes_slide and slide.notes_slide.notes_text_frame is not None:
            notes = clean_text(slide.notes_slide.notes_text_frame.text).strip()
        slides.append(Slide(index=number, layout=kind, layout_name=layout.name, title=title or None,
                            bullets=bullets, pictures=pictures, charts=charts, notes=notes,
                            transition=_pptx_transition(element), text="\n".join(t for t in texts if t)))
    return PresentationModel(kind="pptx", slides=slides)


def _pptx_transition(element) -> str | None:
    """The name of the slide's transition ("fade", "push", …), or None."""
    for transition in element.iter(f"{{{_P}}}transition", "{http://schemas.microsoft.com/office/powerpoint/2010/main}"
                                                           "transition"):
        if transition.getparent() is not None and transition.getparent().tag == f"{{{_MC}}}Fallback":
            continue
        effect = next((child for child in transition if isinstance(child.tag, str)
                       and not child.tag.endswith(("}sndAc", "}extLst"))), None)
        return etree.QName(effect).localname if effect is not None else "cut"
    return None


# ODP -----------------------------------------------------------------------------------------------


def _attr(element, namespace: str, name: str) -> str | None:
    return element.attributes.get((namespace, name))


def _is(element, namespace: str, name: str) -> bool:
    return getattr(element, "qname", None) == (namespace, name)


def _elements(element):
    return (child for child in element.childNodes if child.nodeType == Node.ELEMENT_NODE)


def _text(element) -> str:
    parts: list[str] = []
    for child in element.childNodes:
        if child.nodeType == Node.TEXT_NODE:
            parts.append(child.data)
        elif _is(child, TEXTNS, "s"):
            parts.append(" " * int(_attr(child, TEXTNS, "c") or 1))
        elif _is(child, TEXTNS, "line-break"):
            parts.append("\n")
        elif child.nodeType == Node.ELEMENT_NODE:
            parts.append(_text(child))
    return "".join(parts)


def _paragraphs(element) -> list[str]:
    """The text of every paragraph under ``element`` (lists included)."""
    found: list[str] = []
    for child in _elements(element):
        if _is(child, TEXTNS, "p") or _is(child, TEXTNS, "h"):
            found.append(clean_text(_text(child)))
        else:
            found += _paragraphs(child)
    return found


_ODP_CONTENT = {"outline", "graphic", "object", "chart", "table", "orgchart", "vertical_outline"}
_ODP_CHARTS = {"bar": "column", "line": "line", "circle": "pie", "ring": "doughnut", "area": "area",
               "scatter": "scatter", "radar": "radar", "filled-radar": "radar"}


class _OdpReader:
    def __init__(self, checked: OfficeFile):
        package = checked.package()
        with zipfile.ZipFile(io.BytesIO(package)) as archive:
            for member in archive.namelist():  # odfpy prints a part that fails to parse and carries on
                if member.endswith(("content.xml", "styles.xml")):
                    parse_xml(archive.read(member))
        try:
            self.document = opendocument.load(io.BytesIO(package))
        except (ValueError, KeyError, TypeError, AttributeError, IndexError) as error:
            raise OfficeFileError("corrupt", reason="parse") from error
        if getattr(self.document, "presentation", None) is None:
            raise OfficeFileError("corrupt", reason="parse")
        self.layouts = {}
        for container in (self.document.styles, self.document.automaticstyles):
            for node in _elements(container):
                if _is(node, STYLENS, "presentation-page-layout"):
                    self.layouts[_attr(node, STYLENS, "name")] = node
        self.page_styles = {_attr(s, STYLENS, "name"): s for s in _elements(self.document.automaticstyles)
                            if _is(s, STYLENS, "style")}

    def read(self) -> PresentationModel:
        slides = []
        for number, page in enumerate((p for p in _elements(self.document.presentation)
                                       if _is(p, DRAWNS, "page")), start=1):
            slides.append(self._slide(number, page))
        return PresentationModel(kind="odp", slides=slides)

    def _slide(self, number: int, page) -> Slide:
        frames = [c for c in _elements(page) if _is(c, DRAWNS, "frame")]
        classes = [_attr(f, PRESENTATIONNS, "class") for f in frames]
        layout_name = _attr(page, PRESENTATIONNS, "presentation-page-layout-name") or ""
        layout = self.layouts.get(layout_name)
        objects = [_attr(p, PRESENTATIONNS, "object") for p in _elements(layout)
                   if _is(p, PRESENTATIONNS, "placeholder")] if layout is not None else []
        on_page = [c for c in classes if c]
        both = objects + on_page
        kind = classify_layout(title="title" in both, centred_title="subtitle" in both,
                               contents=max(sum(1 for o in group if o in _ODP_CONTENT) for group in (objects, on_page)))
        title = None
        bullets: list[str] = []
        charts: list[str] = []
        pictures = 0
        texts: list[str] = []
        for frame, frame_class in zip(frames, classes, strict=True):
            embedded = any(_is(c, DRAWNS, "object") or _is(c, DRAWNS, "object-ole") for c in _elements(frame))
            for child in _elements(frame):
                if _is(child, DRAWNS, "text-box"):
                    paragraphs = [p.strip() for p in _paragraphs(child) if p.strip()]
                    texts += paragraphs
                    if frame_class == "title" and title is None:
                        title = " ".join(paragraphs) or None
                    elif frame_class in ("outline", "vertical_outline"):
                        bullets += paragraphs
                elif _is(child, DRAWNS, "image") and not embedded:  # not an object's preview image
                    pictures += 1
                elif _is(child, DRAWNS, "object"):
                    charts.append(self._chart_kind(child))
        notes = ""
        for child in _elements(page):
            if _is(child, PRESENTATIONNS, "notes"):
                for frame in _elements(child):
                    if _is(frame, DRAWNS, "frame") and _attr(frame, PRESENTATIONNS, "class") == "notes":
                        notes = "\n".join(p for p in _paragraphs(frame) if p.strip()).strip()
        return Slide(index=number, layout=kind, layout_name=layout_name, title=title, bullets=bullets,
                     pictures=pictures, charts=[c for c in charts if c], notes=notes,
                     transition=self._transition(page), text="\n".join(texts))

    def _chart_kind(self, node) -> str:
        href = (_attr(node, XLINKNS, "href") or "").lstrip("./").rstrip("/")
        subdocument = next((d for d in self.document.childobjects
                            if getattr(d, "folder", "").strip("/").lstrip("./") == href), None)
        charts = subdocument.getElementsByType(ChartElement) if subdocument is not None else []
        if not charts:  # odfpy sets .chart on the main document only; find the chart:chart element
            return ""
        chart_class = (_attr(charts[0], CHARTNS, "class") or "").split(":")[-1]
        return _ODP_CHARTS.get(chart_class, "other")

    def _transition(self, page) -> str | None:
        style = self.page_styles.get(_attr(page, DRAWNS, "style-name"))
        if style is None:
            return None
        for props in _elements(style):
            if _is(props, STYLENS, "drawing-page-properties"):
                smil = _attr(props, SMILNS, "type")
                legacy = _attr(props, PRESENTATIONNS, "transition-style")
                if smil:
                    return smil
                if legacy and legacy != "none":
                    return legacy
        return None


__all__ = ["PresentationModel", "Slide", "classify_layout", "read_presentation"]
