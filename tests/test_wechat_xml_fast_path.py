"""parse_xml reads WeChat's flat documents itself; every document parses as with xmltodict."""

from __future__ import annotations

from typing import Any

import pytest
import xmltodict
from hypothesis import given, settings
from hypothesis import strategies as st

from tests import wechat_helpers as wx
from wx_backend.wechat.messages import MalformedMessage, parse_xml


def _reference(body: bytes) -> tuple[str, Any]:
    """What parse_xml answered when xmltodict parsed every document."""
    try:
        data = xmltodict.parse(body.decode("utf-8"), disable_entities=True)
    except Exception as exc:  # parse_xml turns these into MalformedMessage
        return "malformed", type(exc).__name__
    root = data.get("xml") if isinstance(data, dict) else None
    return ("fields", root) if isinstance(root, dict) else ("malformed", "root")


def _ours(body: bytes) -> tuple[str, Any]:
    try:
        return "fields", parse_xml(body)
    except MalformedMessage:
        return "malformed", None


def _same(body: bytes) -> None:
    expected, ours = _reference(body), _ours(body)
    assert ours[0] == expected[0], body
    if expected[0] == "fields":
        assert ours[1] == expected[1] and list(ours[1]) == list(expected[1]), body


@pytest.mark.parametrize("body", [
    wx.text("老板拖欠工资怎么办", msg_id=1),
    wx.event("subscribe", "qrscene_ws:JY001"),
    "<xml><A>  spaced  </A><B></B><C/><D><![CDATA[]]></D><E>a &amp; b &#x4e2d;</E></xml>",
    "<xml>\n  <A>1</A>\n  <B><![CDATA[x]]>y<![CDATA[z]]></B>\n</xml>",
    "<xml><A>1</A><A>2</A></xml>",  # repeated: a list
    "<xml><A><B>1</B></A></xml>",  # nested
    '<xml><A x="1">1</A></xml>',  # attributes
    '<xml a="1"><A>1</A></xml>',
    "<xml>text<A>1</A></xml>",  # text beside the fields
    "<xml>only text</xml>",
    "<xml></xml>",
    "<xml/>",
    "<other><A>1</A></other>",
    "<xml><A>1</A></xml><xml/>",
    "<xml><A>1</A>",
    "<xml><!-- note --><A>1<!-- in --></A><?pi x?></xml>",
    "<xml><a:b>1</a:b></xml>",
    "",
])
def test_documents_parse_as_with_xmltodict(body: str) -> None:
    _same(body.encode())


_texts = st.text(alphabet=st.sampled_from(list(" \n\tab中&;<>[]!-=\"'x#")), max_size=8)
_content = st.one_of(
    _texts.map(lambda t: t.replace("&", "&amp;").replace("<", "&lt;")),
    _texts.map(lambda t: "<![CDATA[" + t.replace("]]>", "") + "]]>"),
    st.sampled_from(["<!-- c -->", "", "", "", "", "", "<N>1</N>"]),  # rarely nested
)


@st.composite
def _documents(draw: st.DrawFn) -> str:
    """Mostly WeChat's flat shape, with every way of leaving it now and then."""
    root = draw(st.sampled_from(["xml", "xml", "xml", "xml", "other"]))
    root_attributes = draw(st.sampled_from(["", "", "", "", "", "", "", ' k="v"']))
    children = []
    for _ in range(draw(st.integers(0, 5))):
        name = draw(st.sampled_from(["A", "B", "C", "MsgId", "Content", "a:b"]))
        attributes = draw(st.sampled_from(["", "", "", "", "", "", "", "", "", ' k="v"']))
        inner = "".join(draw(st.lists(_content, max_size=3)))
        children.append(draw(st.sampled_from([f"<{name}{attributes}>{inner}</{name}>",
                                               f"<{name}{attributes}/>"])))
        children.append(draw(st.sampled_from(["", "", "\n  ", "text"])))
    return f"<{root}{root_attributes}>{''.join(children)}</{root}>"


@settings(max_examples=1000, deadline=None)
@given(_documents())
def test_generated_documents_parse_as_with_xmltodict(body: str) -> None:
    _same(body.encode())
