"""Personal data never reaches the log: keyed pseudonyms for users, scrubbed question text.

Workers type phone numbers, ID-card and bank-card numbers and their names into questions
("我叫张三，身份证330…，老板欠我工资"). The log keeps what was asked, not who asked: every
such number and name is replaced by a tag before the text is stored.
"""

from __future__ import annotations

import hashlib
import hmac
import re

# Full-width digits (１３８…) are common on phone keyboards; scrubbing sees them as ASCII.
_FULLWIDTH = str.maketrans("０１２３４５６７８９Ｘｘ＋－", "0123456789Xx+-")

# A run of digits with at most one space or dash between them (138 1234 5678, 6222-0200-…),
# optionally starting with + (+86) and ending in X (ID cards). Classified by _classify().
_NUMBER_RUN = re.compile(r"(?<![0-9A-Za-z])\+?\d(?:[ \-]?\d)*(?:[ \-]?[Xx])?(?![0-9A-Za-z])")
_ID18 = re.compile(r"[1-9]\d{5}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx]")
_ID15 = re.compile(r"[1-9]\d{5}\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}")
_MOBILE = re.compile(r"(?:0086|86)?1[3-9]\d{9}")
_LANDLINE = re.compile(r"0\d{9,11}")
# After a cue word any number of five or more digits is a contact number (local 7-8 digit
# landlines, short numbers): 电话3123456, 手机号：5678901.
_CUED_NUMBER = re.compile(
    r"((?:电话|手机|号码|手机号|联系方式|座机|打|拨|call|tel)[是为:：\s]*)(\+?\d[\d \-]{5,}\d)",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")

# Names: a person's name right after these introductions.
_INTRO = re.compile(
    r"(我叫|我的名字(?:是|叫)|名字(?:是|叫)|姓名(?:是|叫)?[:：]?\s*|本人(?:叫|是)?|我是|我姓)"
)
_COMPOUND_SURNAMES = (
    "欧阳", "司马", "诸葛", "上官", "皇甫", "令狐", "慕容", "司徒", "夏侯", "尉迟",
)
# 我是舒洪镇的 names a place, not a person.
_PLACE_SUFFIXES = frozenset("镇乡村街县市省区厂队组")
_FAMILY_NAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任"
    "沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫"
    "孔向汤应楼俞施胡朱鲍舒祝葛樊章麻项陈叶虞应邢柳洪牛谷饶卓蓝骆杭"
)
# Roles and phrases that follow 我是/本人 but are not names (我是农民工, 我是外地来的).
_NOT_NAMES = (
    "农民工", "工人", "员工", "职工", "临时工", "外地", "本地", "司机", "保安", "保洁", "厨师",
    "电工", "焊工", "木工", "瓦工", "钢筋工", "架子工", "骑手", "学生", "女职工", "孕妇", "一名",
    "一个", "工地", "公司", "厂里", "外卖", "快递", "老板", "包工头", "小工", "普工", "新来",
    "老乡", "老员工", "老师", "老人", "小时工", "小区", "项目", "施工", "门卫", "管理", "单位",
    "个体", "自己", "他", "她", "它", "我", "你", "不", "没", "被", "在", "从", "去", "想", "要",
    "做", "干", "这", "那", "刚", "今年", "去年", "明年", "万一", "高中", "应届", "合同工",
    "正式工", "全职", "兼职", "实习", "退休", "残疾", "贫困", "本人", "平台", "石匠", "油漆工",
    "水电工", "装修", "家政", "马上", "方便", "江西", "江苏", "湖南", "湖北", "河南", "河北",
    "安徽", "四川", "贵州", "云南", "广西", "广东", "福建", "浙江", "山东", "山西", "陕西",
    "甘肃", "黑龙江", "吉林", "辽宁", "重庆", "金华", "丽水", "温州", "杭州", "宁波", "台州",
)
# Characters that end a name: function words, particles and common verbs after a name.
_NAME_STOP = frozenset(
    "在的是了我你他她们今去从跟和与被给说想要到来刚已也都就还请问能会可有没不吗呢吧啊呀"
)
_NICKNAME_PREFIX = frozenset("小老阿")


def pseudonym(secret_key: str, user_id: str) -> str:
    """A stable keyed pseudonym: the same worker links up, the openid cannot be recovered."""
    digest = hmac.new(secret_key.encode(), user_id.encode(), hashlib.sha256).hexdigest()
    return digest[:32]


def _classify(raw: str) -> str | None:
    """The tag for a run of digits, or None when it is not personal (amounts, dates…)."""
    digits = re.sub(r"[ \-+]", "", raw)
    if len(digits) == 18 and _ID18.fullmatch(digits):
        return "[身份证号]"
    if len(digits) == 15 and _ID15.fullmatch(digits):
        return "[身份证号]"
    if digits.isdigit() and 16 <= len(digits) <= 19:
        return "[银行卡号]"
    if _MOBILE.fullmatch(digits) or (raw.startswith("+") and digits.isdigit() and len(digits) >= 8):
        return "[电话]"
    if _LANDLINE.fullmatch(digits) and (len(digits) >= 11 or " " in raw or "-" in raw):
        return "[电话]"
    return None


def _scrub_number(match: re.Match[str]) -> str:
    raw = match.group(0)
    tag = _classify(raw)
    if tag or not re.search(r"[ \-]", raw):
        return tag or raw
    # Separated groups may be two numbers side by side ("3000 13812345678"): tag the longest
    # classifiable span of groups from each position, keep the rest.
    parts = re.split(r"([ \-])", raw)
    groups, seps = parts[0::2], parts[1::2]
    out: list[str] = []
    i = 0
    while i < len(groups):
        for j in range(len(groups), i, -1):
            span = "".join(
                groups[k] + (seps[k] if k < j - 1 else "") for k in range(i, j)
            )
            tag = _classify(span)
            if tag:
                out.append(tag)
                break
        else:
            j = i + 1
            out.append(groups[i])
        if j < len(groups):
            out.append(seps[j - 1])
        i = j
    return "".join(out)


def _name_length(text: str, start: int, intro: str) -> int:
    """How many characters of text[start:] form a name (0 when it is not a name)."""
    rest = text[start:start + 4]
    if intro == "我姓":
        return 1 if rest[:1] in _FAMILY_NAMES else 0
    if rest.startswith(_NOT_NAMES):
        return 0
    if rest.startswith(_COMPOUND_SURNAMES):
        limit, minimum = 4, 3
    elif rest[:1] in _FAMILY_NAMES:
        limit, minimum = 3, 2
    elif intro.startswith("我叫") and rest[:1] in _NICKNAME_PREFIX:
        # 我叫小王 is a name; 我叫老板… is not (caught by _NOT_NAMES above).
        limit, minimum = 2, 2
    else:
        return 0
    length = 0
    for char in rest[:limit]:
        if not "\u4e00" <= char <= "\u9fff" or (length >= 2 and char in _NAME_STOP):
            break
        if length == 1 and char in _NAME_STOP:
            return 0  # 我是王在… is not a name
        length += 1
    if length < minimum or rest[length - 1] in _PLACE_SUFFIXES:
        return 0
    return length


def _scrub_names(text: str) -> str:
    out: list[str] = []
    position = 0
    for match in _INTRO.finditer(text):
        if match.start() < position:
            continue
        length = _name_length(text, match.end(), match.group(1))
        if not length:
            continue
        out.append(text[position:match.end()])
        out.append("[姓名]")
        position = match.end() + length
    out.append(text[position:])
    return "".join(out)


def scrub(text: str) -> str:
    """Replace phone, ID-card and bank-card numbers, e-mail addresses and introduced names."""
    text = text.translate(_FULLWIDTH)
    text = _EMAIL.sub("[邮箱]", text)
    text = _CUED_NUMBER.sub(lambda m: m.group(1) + (_classify(m.group(2)) or "[电话]"), text)
    text = _NUMBER_RUN.sub(_scrub_number, text)
    return _scrub_names(text)
