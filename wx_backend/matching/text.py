"""Text normalisation: width, script, numerals, colloquial synonyms, negation."""

from __future__ import annotations

import re
import unicodedata
import warnings
from collections.abc import Iterable, Mapping
from functools import lru_cache

import zhconv

from wx_backend.matching.dictionaries import Dictionaries

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}
# A Chinese numeral is only turned into digits before a measure word, so 一般/一直/统一 stay.
_MEASURES = ("个|月|年|天|日|倍|小时|周岁|周|星期|岁|级|元|块|次|号|条|款|项|人|份|期|工作日"
             "|点|分钟|公里|万|千|百|层|米|斤|趟|回|家|顿")
_NUMERAL_RE = re.compile(rf"(?<![第])([零〇一二两三四五六七八九十百千万]+)(?=(?:{_MEASURES}))")
_ARTICLE_RE = re.compile(r"第([零〇一二两三四五六七八九十百千]+)(?=[条款项章级])")
_DOUBLE_RE = re.compile(r"(双倍|两倍|二倍|翻倍)")
# An age of 60 or more ("62岁", "六十多岁", "今年63了") is at or past the statutory retirement
# age, which changes the rules (工伤 for older workers, 劳务 or 劳动, pension): say so in words.
_AGE_RE = re.compile(r"(?<![\d.])(?:[6-9]\d(?:多)?(?:周岁|岁)|今年[6-9]\d(?:多)?了)"
                     r"|(?<![一二三四五六七八九十])[六七八九]十多?(?:周岁|岁)")
_SPACE_RE = re.compile(r"\s+")
# Punctuation and symbols become a boundary; letters, digits and CJK stay.
_PUNCT_RE = re.compile(r"[^\w\u4e00-\u9fff]+|_")
NEGATORS = ("没有", "拒绝", "拒不", "不肯", "不予", "没", "未", "不", "无", "别")
NEGATED_VERBS = ("签订", "签合同", "签", "续签", "给", "发", "交", "缴纳", "缴", "买", "让", "批",
                 "认", "同意", "支付", "结清", "结", "付", "报销", "报", "办", "通知", "赔", "补",
                 "上保险", "休", "放假", "承认", "认定", "受理", "退")
_NEG_RE = re.compile(
    # Not in A-not-A questions: 有没有签, 给不给, 是不是, 能不能.
    "(?<![有是能给签交发可会该要缴买])(?:" + "|".join(NEGATORS) + ")"
    "(?:给我|帮我|跟我|和我|与我|按时|按|再|及时|依法)?("
    + "|".join(sorted(NEGATED_VERBS, key=len, reverse=True)) + ")"
)


def cn_number(text: str) -> int:
    """Convert a Chinese numeral (三, 十二, 一百零五, 两万) to an int."""
    if len(text) > 1 and all(ch in _CN_DIGITS for ch in text):
        return int("".join(str(_CN_DIGITS[ch]) for ch in text))
    total = section = number = 0
    for ch in text:
        if ch in _CN_DIGITS:
            number = _CN_DIGITS[ch]
        elif ch == "万":
            total += (section + number or 1) * 10000
            section = number = 0
        else:
            section += (number or 1) * _CN_UNITS[ch]
            number = 0
    return total + section + number


def _numeral(match: re.Match[str]) -> str:
    try:
        return str(cn_number(match.group(1)))
    except (KeyError, ValueError):
        return match.group(0)


# Pure, and asked twice for every new question (the matcher's normalisation and the scope
# check): the second time is a look-up.
@lru_cache(maxsize=4096)
def char_normalize(text: str) -> str:
    """Apply width, script and numeral normalisation (no synonyms): the form every
    dictionary word is stored in, so that dictionaries and questions meet."""
    text = unicodedata.normalize("NFKC", text)
    text = zhconv.convert(text, "zh-cn")
    text = _SPACE_RE.sub(" ", text).strip().lower()
    text = _DOUBLE_RE.sub("2倍", text)
    text = _ARTICLE_RE.sub(lambda m: "第" + str(cn_number(m.group(1))), text)
    return _NUMERAL_RE.sub(_numeral, text)


def preload_script_tables() -> None:
    """Load zhconv's conversion tables now (at build time, before any fork)."""
    with warnings.catch_warnings():
        # zhconv 1.4 reads its JSON table without closing the file.
        warnings.simplefilter("ignore", ResourceWarning)
        zhconv.convert("", "zh-cn")


class Normalizer:
    """Turn a question into canonical text; pure and thread-safe once built."""

    def __init__(self, dictionaries: Dictionaries) -> None:
        preload_script_tables()
        self._synonyms: dict[str, str] = {}
        for variant, canonical in dictionaries.synonyms.items():
            self._synonyms[char_normalize(variant)] = char_normalize(canonical)
        for canonical in set(self._synonyms.values()):
            # Canonical terms map to themselves so that 单位 inside 用人单位 stays put.
            self._synonyms.setdefault(canonical, canonical)
        self._synonym_scan = LongestFirst(self._synonyms)
        self._guarded = [
            (re.compile(re.escape(char_normalize(source)) + f"(?=(?:{before}))"),
             char_normalize(target))
            for source, target, before in dictionaries.guarded_synonyms
        ]

    @property
    def canonical_terms(self) -> frozenset[str]:
        """Every canonical term the synonym map produces (added to the tokenizer)."""
        return frozenset(self._synonyms.values())

    def normalize(self, text: str) -> str:
        """Return the canonical form of text, punctuation turned into single spaces."""
        text = char_normalize(text)
        text = _AGE_RE.sub(lambda m: m.group(0) + " 退休年龄 ", text)
        for pattern, target in self._guarded:
            text = pattern.sub(target, text)
        # Exactly _alternation(self._synonyms).sub(lambda m: self._synonyms[m.group(0)], text).
        text = self._synonym_scan.sub(self._synonyms, text)
        text = _PUNCT_RE.sub(" ", text)
        return _SPACE_RE.sub(" ", text).strip()


def negations(normalized: str) -> list[str]:
    """Return one feature per negated action, e.g. 没签合同 → NEG_签."""
    return ["NEG_" + m.group(1) for m in _NEG_RE.finditer(normalized)]


def _alternation(words: Iterable[str]) -> re.Pattern[str] | None:
    ordered = sorted({w for w in words if w}, key=len, reverse=True)
    if not ordered:
        return None
    return re.compile("|".join(map(_bounded, ordered)))


_ASCII_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")


class LongestFirst:
    """What `_alternation(words).sub` does, without trying every word at every position.

    The regular expression tries its ~800 alternatives one by one wherever a word could
    start; this looks up only the words beginning with the character at hand, in the same
    order (longest first), under the same rule that a Latin letter or digit at a word's end
    must not continue a longer run of them. Same leftmost, non-overlapping matches.
    """

    def __init__(self, words: Iterable[str]) -> None:
        ordered = sorted({w for w in words if w}, key=len, reverse=True)
        self._by_first: dict[str, list[tuple[str, bool, bool]]] = {}
        for word in ordered:
            self._by_first.setdefault(word[0], []).append(
                (word, _latin_or_digit(word[0]), _latin_or_digit(word[-1])))
        starts = "".join(re.escape(ch) for ch in self._by_first)
        self._starts = re.compile(f"[{starts}]") if starts else None

    def sub(self, replacement: Mapping[str, str], text: str) -> str:
        """Replace each match (leftmost first, longest word first) by replacement[word]."""
        if self._starts is None:
            return text
        parts: list[str] = []
        done = position = 0
        size = len(text)
        search = self._starts.search
        while (found := search(text, position)) is not None:
            position = found.start()
            for word, guard_start, guard_end in self._by_first[text[position]]:
                if not text.startswith(word, position):
                    continue
                end = position + len(word)
                if guard_start and position > 0 and text[position - 1] in _ASCII_ALNUM:
                    continue
                if guard_end and end < size and text[end] in _ASCII_ALNUM:
                    continue
                parts += (text[done:position], replacement[word])
                done = position = end
                break
            else:
                position += 1
        if not parts:
            return text
        parts.append(text[done:])
        return "".join(parts)


def _latin_or_digit(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _bounded(word: str) -> str:
    """Escape word; a Latin letter or digit at either end must not continue a longer run of
    them, so 996 does not fire inside 1996 nor hr inside three."""
    pattern = re.escape(word)
    if word[0].isascii() and word[0].isalnum():
        pattern = "(?<![a-z0-9])" + pattern
    if word[-1].isascii() and word[-1].isalnum():
        pattern += "(?![a-z0-9])"
    return pattern
