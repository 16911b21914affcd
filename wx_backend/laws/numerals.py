"""Chinese numerals as used in statute numbering (第一百零二条) and in everyday text (三个月)."""

from __future__ import annotations

import re

DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
          "六": 6, "七": 7, "八": 8, "九": 9}
UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}
NUMERAL_CHARS = "".join(DIGITS) + "".join(UNITS)
NUMERAL_RE = re.compile(f"[{NUMERAL_CHARS}]+")

_TEXT_DIGITS = "零一二三四五六七八九"


def cn_to_int(text: str) -> int:
    """Convert a Chinese (or Arabic) numeral such as 一百零二, 二十, 十七 or 17 to an int."""
    text = text.strip()
    if not text:
        raise ValueError("empty numeral")
    if text.isdigit():
        return int(text)
    if all(ch in DIGITS for ch in text) and len(text) > 1:
        # Digit-by-digit form, e.g. 二〇〇八.
        return int("".join(str(DIGITS[ch]) for ch in text))
    total = 0  # completed groups of ten thousand
    section = 0  # value below 10000 being built
    number = 0  # the pending digit
    for ch in text:
        if ch in DIGITS:
            number = DIGITS[ch]
        elif ch == "万":
            total += (section + number) * 10000
            section = number = 0
        elif ch in UNITS:
            section += (number or 1) * UNITS[ch]
            number = 0
        else:
            raise ValueError(f"not a Chinese numeral: {text!r}")
    return total + section + number


def int_to_cn(value: int) -> str:
    """Write 1–99999 the way statutes number articles: 十七, 二十, 一百零二, 一百一十."""
    if value < 0:
        raise ValueError("negative numbers have no statute form")
    if value == 0:
        return "零"
    if value >= 100000:
        raise ValueError("number too large")
    parts: list[str] = []
    units = [(10000, "万"), (1000, "千"), (100, "百"), (10, "十"), (1, "")]
    pending_zero = False
    started = False
    for size, unit in units:
        digit = (value // size) % 10
        if digit == 0:
            if started:
                pending_zero = True
            continue
        if pending_zero:
            parts.append("零")
            pending_zero = False
        parts.append(_TEXT_DIGITS[digit] + unit)
        started = True
    result = "".join(parts)
    # 10–19 are written 十, 十一 … (not 一十一) when they stand alone.
    if 10 <= value < 20:
        result = result[1:]
    return result
