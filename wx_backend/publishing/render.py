"""Markdown → HTML that is safe to show any reader, whoever wrote the Markdown.

Staff may write a little inline HTML in Markdown (a <strong>, a table); everything then goes
through nh3 with an allow-list, so no account — compromised or careless — can put script,
frames, event handlers or javascript: links in front of a reader.
"""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h2", "h3", "h4", "hr", "i",
    "li", "ol", "p", "pre", "s", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead",
    "tr", "ul",
})
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})

_markdown = MarkdownIt("commonmark", {"html": True, "linkify": False, "typographer": False})
_markdown.enable("table")
_markdown.enable("strikethrough")


def sanitize(html: str) -> str:
    """Keep only allowed tags, attributes and URL schemes; drop script/style with contents."""
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def render_markdown(text: str) -> str:
    """Render Markdown to sanitized HTML."""
    return sanitize(_markdown.render(text))
