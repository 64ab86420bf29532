"""Comment Markdown to HTML that is safe to put in a page.

Two layers, so neither has to be perfect alone: markdown-it-py (CommonMark) renders with raw HTML
off (``<script>`` in a comment is text, escaped) and refuses ``javascript:``, ``vbscript:`` and
``data:`` link targets; nh3 (the Rust ammonia sanitizer) then keeps only an allow-list of tags and
attributes, only http, https and mailto links, and puts ``rel="noopener nofollow"`` on every link.
Images are off: an image URL in a comment would be fetched by every reader's browser.
"""

from __future__ import annotations

from functools import lru_cache

import nh3
from markdown_it import MarkdownIt

TAGS = frozenset(
    {"p", "br", "strong", "em", "del", "s", "code", "pre", "blockquote", "ul", "ol", "li", "a", "hr",
     "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td"}
)  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener nofollow"


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    return (
        MarkdownIt("commonmark", {"html": False, "linkify": False}).enable(["table", "strikethrough"]).disable("image")
    )


def render(text: str) -> str:
    """The comment as sanitized HTML (headings start at h3: the page has its own h1 and h2)."""
    html = _parser().render(text)
    for level in (2, 1):  # "# Title" in a comment must not compete with the page's headings
        html = html.replace(f"<h{level}>", "<h3>").replace(f"</h{level}>", "</h3>")
    return nh3.clean(html, tags=set(TAGS), attributes=ATTRIBUTES, url_schemes=set(SCHEMES), link_rel=LINK_REL)
