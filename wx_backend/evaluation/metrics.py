"""Judge one reply: does it state the required facts; does it decline honestly."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Protocol

# Labor statutes named in the way replies cite them, for when no LawLibrary is at hand.
_LABOR_STATUTE_RE = re.compile(
    r"劳动(合同)?法|劳动争议调解仲裁法|工伤保险条例|工伤认定办法|社会保险法|职业病防治法|就业促进法"
    r"|劳动保障监察条例|保障农民工工资支付条例|工资支付暂行规定|职工带薪年休假条例|女职工劳动保护特别规定"
    r"|劳动争议案件适用法律问题的解释"
)


class HasPattern(Protocol):
    """Anything with a regular expression in `re` (a Fact, or a dict-like wrapper)."""

    @property
    def re(self) -> str: ...


def compact(text: str) -> str:
    """NFKC-normalise and remove all whitespace."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def fact_hit(reply_text: str, question: str, facts: Sequence[HasPattern | str]) -> bool:
    """True if every fact's regex matches the reply, with the question's own text removed."""
    reply = compact(reply_text)
    echoed = compact(question)
    if echoed:
        reply = reply.replace(echoed, "")
    if not facts:
        return False
    for fact in facts:
        pattern = fact if isinstance(fact, str) else fact.re
        if not re.search(pattern, reply):
            return False
    return True


def declined(reply_text: str, statute_names: Iterable[str] = ()) -> bool:
    """True if the reply names 12348 and cites no labor statute.

    A labor statute is any name in statute_names (e.g. LawLibrary.names) or a 劳动法-style name.
    """
    reply = compact(reply_text)
    if "12348" not in reply:
        return False
    if _LABOR_STATUTE_RE.search(reply):
        return False
    return not any(name and f"《{name}》" in reply for name in statute_names)
