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
# Small talk is answered politely instead of being sent to the FAQ matcher, where "吃饭了没"
# would find the entry about injuries at lunch.
THANKS = frozenset({
    "谢谢", "谢谢你", "谢谢您", "谢谢了", "多谢", "感谢", "非常感谢", "谢啦", "谢了",
    "好的谢谢", "好的谢谢你", "明白了", "明白了谢谢", "知道了", "知道了谢谢", "懂了", "好的", "好",
    "嗯", "嗯嗯", "哦", "哦哦", "ok", "okay", "收到", "行", "好吧", "辛苦了", "thanks", "thankyou",
    "再见", "拜拜",
})
IDENTITY = frozenset({
    "你是谁", "你是机器人吗", "你们是机器人吗", "是机器人吗", "机器人", "你是真人吗", "是真人吗",
    "你是人工吗", "是人工吗", "是人吗", "你是ai吗", "你叫什么",
})
CHITCHAT = frozenset({
    "吃饭了没", "吃饭了吗", "吃了吗", "吃了没", "在干嘛", "干嘛呢", "在干什么", "早", "早安",
    "晚安", "哈哈", "哈哈哈", "呵呵", "嘿嘿", "无聊", "测试", "test",
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


def small_talk(text: str) -> str | None:
    """"thanks", "identity" or "chitchat" for a message that is only small talk, else None."""
    value = compact(text)
    if value in THANKS:
        return "thanks"
    if value in IDENTITY:
        return "identity"
    if value in CHITCHAT:
        return "chitchat"
    return None


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
