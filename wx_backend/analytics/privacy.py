"""Personal data never reaches the log: keyed pseudonyms for users, scrubbed question text."""

from __future__ import annotations

import hashlib
import hmac
import re

# Order matters: ID-card numbers (18 chars) before bank cards (16-19 digits) before phones.
_ID_CARD = re.compile(r"(?<![0-9])[1-9]\d{5}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[0-9Xx](?![0-9])")
_BANK_CARD = re.compile(r"(?<![0-9])(?:\d[ -]?){15,18}\d(?![0-9])")
_MOBILE = re.compile(r"(?<![0-9])(?:\+?86[ -]?)?1[3-9]\d[ -]?\d{4}[ -]?\d{4}(?![0-9])")
_LANDLINE = re.compile(r"(?<![0-9])0\d{2,3}[ -]?\d{7,8}(?![0-9])")
# A name right after 我叫 / 我是 / 本人 (2-3 Chinese characters), but not 我是农民工 etc.
_NAME_AFTER_INTRO = re.compile(r"(我叫|我的名字(?:是|叫)|本人(?:叫|是)?|我是)([\u4e00-\u9fff]{2,3})")
_NOT_NAMES = (
    "农民工", "工人", "员工", "职工", "临时工", "外地", "本地", "司机", "保安", "保洁", "厨师",
    "电工", "焊工", "木工", "瓦工", "钢筋工", "架子工", "骑手", "学生", "女职工", "孕妇", "一名",
    "一个", "在", "从", "去年", "今年", "刚", "被", "想", "要", "做", "干", "个", "这", "那",
    "工地", "公司", "厂里", "外卖", "快递", "老板", "包工头", "小工", "普工", "新来",
)
_FAMILY_NAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任"
    "沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)


def pseudonym(secret_key: str, user_id: str) -> str:
    """A stable keyed pseudonym: the same worker links up, the openid cannot be recovered."""
    digest = hmac.new(secret_key.encode(), user_id.encode(), hashlib.sha256).hexdigest()
    return digest[:32]


def _scrub_name(match: re.Match[str]) -> str:
    intro, candidate = match.group(1), match.group(2)
    if candidate.startswith(_NOT_NAMES) or candidate[0] not in _FAMILY_NAMES:
        return match.group(0)
    return f"{intro}[姓名]"


def scrub(text: str) -> str:
    """Remove ID-card, bank-card and phone numbers, and a name given after 我叫/我是."""
    text = _ID_CARD.sub("[身份证号]", text)
    text = _BANK_CARD.sub(lambda m: "[银行卡号]" if len(re.sub(r"\D", "", m.group(0))) >= 16 else m.group(0), text)
    text = _MOBILE.sub("[电话]", text)
    text = _LANDLINE.sub("[电话]", text)
    return _NAME_AFTER_INTRO.sub(_scrub_name, text)
