"""Fill the answer placeholders ({hotline}, {arbitration} …) with site or national values."""

from __future__ import annotations

import re
from collections.abc import Mapping

# What a reply says when the site configuration has no local value: national channels and
# descriptions that are true everywhere.
NATIONAL_VALUES: Mapping[str, str] = {
    "county": "本县",
    "bureau": "当地人力资源和社会保障局",
    "inspection": "当地劳动保障监察机构",
    "arbitration": "当地劳动人事争议仲裁委员会",
    "injury_office": "当地人力资源和社会保障局工伤认定窗口",
    "legal_aid": "当地法律援助中心",
    "hotline": "12333",
    "legal_aid_hotline": "12348",
    "wage_clue_platform": "全国根治欠薪线索反映平台",
    "minimum_wage": "当地最低工资标准",
}
_PLACEHOLDER_RE = re.compile(r"\{([a-z_]+)\}")


def fill_placeholders(text: str, values: Mapping[str, str] | None = None) -> str:
    """Replace {name} with values[name], falling back to the national value."""
    merged = {**NATIONAL_VALUES, **{k: v for k, v in (values or {}).items() if v}}
    return _PLACEHOLDER_RE.sub(lambda m: merged.get(m.group(1), m.group(0)), text)
