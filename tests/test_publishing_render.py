"""Sanitization: whatever staff type, no script reaches a reader."""

from __future__ import annotations

import pytest

from wx_backend.publishing.render import render_markdown, sanitize

ATTACKS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    '<img src=x onerror="alert(1)">',
    '<iframe src="https://evil.example"></iframe>',
    '<a href="javascript:alert(1)">点我</a>',
    '<a href="JaVaScRiPt:alert(1)">点我</a>',
    '<a href="&#106;avascript:alert(1)">点我</a>',
    "[点我](javascript:alert(1))",
    '<p onclick="steal()">文字</p>',
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<svg onload="alert(1)"><circle/></svg>',
    '<object data="evil.swf"></object><embed src="evil.swf">',
    '<form action="https://evil.example"><input name=p></form>',
    "<style>body{display:none}</style>",
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
]


@pytest.mark.parametrize("attack", ATTACKS)
def test_dangerous_markup_never_survives(attack: str) -> None:
    html = render_markdown(f"## 导语\n\n正文{attack}结尾\n\n{attack}\n").lower()
    for bad in ("<script", "<iframe", "<svg", "<object", "<embed", "<form", "<style",
                " on", "javascript:", "data:text"):
        if bad == " on":
            assert "onerror=" not in html and "onclick=" not in html and "onload=" not in html
        elif bad in ("javascript:",):
            assert 'href="javascript:' not in html and "url(javascript:" not in html
        else:
            assert bad not in html, bad


def test_ordinary_markdown_keeps_its_structure() -> None:
    html = render_markdown(
        "## 案情\n\n**老李**在工地干活。\n\n- 第一条\n- 第二条\n\n"
        "> 引用\n\n[人社部](https://www.mohrss.gov.cn/)\n\n"
        "| 项目 | 金额 |\n|---|---|\n| 工资 | 1 |\n"
    )
    assert "<h2>案情</h2>" in html
    assert "<strong>老李</strong>" in html
    assert "<li>第一条</li>" in html
    assert "<blockquote>" in html and "<table>" in html
    assert 'href="https://www.mohrss.gov.cn/"' in html
    assert 'rel="noopener noreferrer nofollow"' in html


def test_sanitize_strips_attributes_outside_the_allow_list() -> None:
    assert sanitize('<p class="x" style="color:red" id="y">正文</p>') == "<p>正文</p>"
