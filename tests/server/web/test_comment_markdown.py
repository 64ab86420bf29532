"""Comment Markdown renders to HTML that cannot run anything: no raw HTML, no script or event-handler
attributes, no javascript: or data: links, every link rel="noopener nofollow"."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aisma.web.features.comments.markdown import render

HOSTILE = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    '<img src=x onerror="alert(1)">',
    '<a href="https://ok.example" onclick="alert(1)">x</a>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](java\tscript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](vbscript:msgbox(1))",
    "![img](https://tracker.example/pixel.gif)",
    "<iframe src=https://evil.example></iframe>",
    '<svg onload="alert(1)"></svg>',
    "<style>body{display:none}</style>",
    '[x](https://ok.example "title" onmouseover=alert(1))',
    "<a href='javascript:alert(1)'>x</a>",
    "[x]: javascript:alert(1)\n\n[x]",
]
ALLOWED = {"p", "br", "strong", "em", "del", "s", "code", "pre", "blockquote", "ul", "ol", "li", "a", "hr",
           "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td"}  # fmt: skip


class Tags(HTMLParser):
    """Every tag and attribute of the rendered HTML, as a browser's parser sees them."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, attrs))


def inert(html: str) -> None:
    parser = Tags()
    parser.feed(html)
    for tag, attrs in parser.found:
        assert tag in ALLOWED, (tag, html)
        names = {name for name, _ in attrs}
        assert names <= {"href", "title", "rel", "start"}, (tag, attrs)
        href = dict(attrs).get("href")
        if tag == "a":
            assert dict(attrs).get("rel") == "noopener nofollow", attrs
            assert href is None or re.match(r"(https?|mailto):", href, re.I), href


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_markdown_renders_inert(text: str) -> None:
    inert(render(text))


def test_markdown_features_and_link_rel() -> None:
    html = render("# Title\n\n**bold** *it* `code` ~~old~~\n\n- one\n- two\n\n[docs](https://example.org/a?b=1&c=2)")
    assert "<h3>Title</h3>" in html and "<h1>" not in html
    assert "<strong>bold</strong>" in html and "<em>it</em>" in html and "<code>code</code>" in html
    assert "<del>old</del>" in html or "<s>old</s>" in html
    assert "<li>one</li>" in html
    assert '<a href="https://example.org/a?b=1&amp;c=2" rel="noopener nofollow">docs</a>' in html
    assert render("<b>raw</b>") == "<p>&lt;b&gt;raw&lt;/b&gt;</p>\n"  # raw HTML is text


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("<>/\"'=:()[]!& \n\tajvscriptonerrorlimgsvhf")), max_size=80))
def test_no_text_renders_a_runnable_tag_or_handler(text: str) -> None:
    inert(render(text))
