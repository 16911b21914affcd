"""Recognise the short commands a worker types: greetings, menu, a number, asking for a person."""

from __future__ import annotations

import re
import unicodedata

from wx_backend.laws import cn_to_int

_PUNCT = re.compile(r"[\s\u3000.,!?;:~～…、。，！？；：“”\"'‘’（）()【】\[\]<>《》·\-]+")
GREETINGS = frozenset({
    "你好", "您好", "你好啊", "您好啊", "你们好", "哈喽", "哈啰", "嗨", "hi", "hello", "hey",
    "在吗", "在么", "在不在", "有人吗", "有人在吗",
    "早上好", "上午好", "中午好", "下午好", "晚上好",
    "菜单", "目录", "帮助", "help", "menu", "开始", "主菜单", "功能", "常见问题", "问题列表",
})
HUMAN = frozenset({
    "人工", "转人工", "人工客服", "找人工", "真人", "客服", "人工服务", "转人工客服",
})
_CN_NUMBER = re.compile(r"第?([一二三四五六七八九十]{1,3})(?:个|项|条)?")
_NUMBER = re.compile(r"第?(\d{1,2})(?:个|项|条|号)?")


def compact(text: str) -> str:
    """NFKC, lower case, no spaces or punctuation: how commands are compared."""
    return _PUNCT.sub("", unicodedata.normalize("NFKC", text)).lower()


def is_menu_request(text: str) -> bool:
    """Greetings and help words, or only punctuation (a lone "?"/"？")."""
    stripped = text.strip()
    return compact(stripped) in GREETINGS or (bool(stripped) and not compact(stripped))


def is_human_request(text: str) -> bool:
    return compact(text) in HUMAN


def choice_number(text: str) -> int | None:
    """The number a reply like "1", "２", "三", "第2个" picks, or None."""
    value = compact(text)
    match = _NUMBER.fullmatch(value)
    if match:
        number = int(match.group(1))
        return number if number >= 1 else None
    match = _CN_NUMBER.fullmatch(value)
    if match:
        try:
            return cn_to_int(match.group(1))
        except ValueError:
            return None
    return None
