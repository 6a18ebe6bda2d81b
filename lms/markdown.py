"""Lesson Markdown to safe HTML: markdown-it-py renders, nh3 removes anything unsafe.

Raw HTML in the source is not rendered at all, and the output is sanitised again with an
allow-list, so no script or event handler can reach a reader's browser.
"""
from __future__ import annotations

from typing import Any

import nh3
from markdown_it import MarkdownIt
from mdit_py_plugins.container import container_plugin

CALLOUTS = ("tip", "note", "warning", "danger", "steps")

_ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em", "h2", "h3",
    "h4", "h5", "h6", "hr", "i", "img", "kbd", "li", "ol", "p", "pre", "s", "span", "strong",
    "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
}
_ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "div": {"class"},
    "ol": {"start"},
    "th": {"style"},
    "td": {"style"},
    "code": {"class"},
}


def _build() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable("table").enable("strikethrough")
    for name in CALLOUTS:
        md.use(container_plugin, name=name, render=_container_renderer(name))
    return md


def _container_renderer(name: str):
    def render(self, tokens, idx, options, env):
        if tokens[idx].nesting == 1:
            return f'<div class="callout callout-{name}">\n'
        return "</div>\n"

    return render


_MD = _build()


def _resolve_files(tokens, files: dict[str, str]) -> None:
    for token in tokens:
        if token.children:
            _resolve_files(token.children, files)
        for attribute in ("src", "href"):
            value = token.attrGet(attribute)
            if value and value in files:
                token.attrSet(attribute, files[value])


def render_markdown(source: str, files: dict[str, str] | None = None) -> str:
    """Render Markdown to HTML that is safe to show to anyone.

    ``files`` maps file names used in links and images to the URLs where they are served.
    """
    env: dict[str, Any] = {}
    if files:
        tokens = _MD.parse(source or "", env)
        _resolve_files(tokens, files)
        html = _MD.renderer.render(tokens, _MD.options, env)
    else:
        html = _MD.render(source or "")
    return nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
        filter_style_properties={"text-align"},
    )


def render_question_text(text: str, text_format: str) -> str:
    """Question text (GIFT formats) as safe HTML.

    ``markdown`` is rendered like lessons; ``html`` is sanitised; ``moodle`` and ``plain``
    are text whose line breaks are kept.
    """
    if text_format == "markdown":
        return render_markdown(text)
    if text_format == "html":
        return nh3.clean(text or "", tags=_ALLOWED_TAGS, attributes=_ALLOWED_ATTRIBUTES,
                         url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer")
    from markupsafe import escape

    return str(escape(text or "")).replace("\n", "<br>\n")
