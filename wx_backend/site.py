"""The county's site configuration (content/site/<name>.yaml): names, offices, contacts.

Local facts that the bureau has not confirmed are empty in the file; every phrase built here
then falls back to the national channels rather than print an unverified number.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time
from functools import cached_property
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from wx_backend.yaml_safe import safe_load

# Distinct texts whose filled form a site keeps (answers, guides, case pages).
_FILL_CACHE_SIZE = 4096


class SiteConfigError(ValueError):
    """The site file is missing or malformed; the message names file and field."""


@dataclass(frozen=True)
class Office:
    name: str
    phone: str = ""
    address: str = ""

    def phrase(self, hotline: str) -> str:
        """How a reply names this office: with its phone when known, else via the hotline."""
        if self.phone:
            return f"{self.name}（电话 {self.phone}）"
        return f"{self.name}（地址和电话可拨 {hotline} 查询）"


@dataclass(frozen=True)
class OfficeHours:
    timezone: str = "Asia/Shanghai"
    weekdays: tuple[int, ...] = (1, 2, 3, 4, 5)
    periods: tuple[tuple[time, time], ...] = ()

    def is_open(self, moment: datetime) -> bool:
        local = moment.astimezone(ZoneInfo(self.timezone))
        if local.isoweekday() not in self.weekdays:
            return False
        return any(start <= local.time() < end for start, end in self.periods)

    def describe(self) -> str:
        days = "周一至周五" if self.weekdays == (1, 2, 3, 4, 5) else "工作日"
        spans = "、".join(f"{a:%H:%M}-{b:%H:%M}" for a, b in self.periods)
        return f"{days} {spans}" if spans else ""


@dataclass(frozen=True)
class SiteConfig:
    key: str
    county: str
    city: str
    province: str
    bureau: str
    bureau_short: str
    account_name: str
    hotline: str
    legal_aid_hotline: str
    wage_clue_platform: str
    offices: dict[str, Office]
    office_hours: OfficeHours
    minimum_wage_monthly: str = ""
    minimum_wage_hourly: str = ""
    townships: tuple[str, ...] = field(default_factory=tuple)

    def office(self, key: str) -> Office:
        return self.offices.get(key) or Office(name=f"{self.county}人力社保局")

    def placeholders(self) -> dict[str, str]:
        """Values for the {placeholders} used in FAQ answers and case pages."""
        if self.minimum_wage_monthly:
            minimum_wage = (
                f"当地最低工资标准（{self.county}现行月最低工资 {self.minimum_wage_monthly} 元）"
            )
        else:
            minimum_wage = f"当地最低工资标准（现行标准可拨 {self.hotline} 查询）"
        return {
            "county": self.county,
            "bureau": self.bureau,
            "inspection": self.office("inspection").phrase(self.hotline),
            "arbitration": self.office("arbitration").phrase(self.hotline),
            "injury_office": self.office("injury").phrase(self.hotline),
            "legal_aid": self.office("legal_aid").phrase(self.legal_aid_hotline),
            "hotline": self.hotline,
            "legal_aid_hotline": self.legal_aid_hotline,
            "wage_clue_platform": self.wage_clue_platform,
            "minimum_wage": minimum_wage,
        }

    def fill(self, text: str) -> str:
        """Replace {placeholders}; unknown braces are left as they are."""
        # Every reply fills the same few hundred answers and guides with the same values.
        filled = self._filled.get(text)
        if filled is None:
            filled = text
            for key, value in self.placeholders().items():
                filled = filled.replace("{" + key + "}", value)
            if len(self._filled) >= _FILL_CACHE_SIZE:
                self._filled.clear()  # bounded: at worst everything is filled again
            self._filled[text] = filled
        return filled

    @cached_property
    def _filled(self) -> dict[str, str]:
        return {}

    def human_channels(self) -> str:
        """The honest 'ask a person' line used whenever the service is not sure."""
        inspection = self.office("inspection")
        local = f"，{inspection.name}电话 {inspection.phone}" if inspection.phone else ""
        return (
            f"人社问题请拨 {self.hotline}（人社服务热线）{local}；"
            f"其他法律问题请拨 {self.legal_aid_hotline}（公共法律服务热线，可申请法律援助）。"
        )


def _require(data: dict[str, Any], key: str, path: Path) -> Any:
    if key not in data or data[key] in (None, ""):
        raise SiteConfigError(f"{path}: field '{key}' is required")
    return data[key]


def _parse_period(text: str, path: Path) -> tuple[time, time]:
    try:
        start, end = text.split("-")
        return time.fromisoformat(start.strip()), time.fromisoformat(end.strip())
    except ValueError:
        raise SiteConfigError(
            f"{path}: office_hours.periods: {text!r} is not like 08:30-12:00"
        ) from None


def load_site(content_dir: Path, key: str) -> SiteConfig:
    """Load and validate content/site/<key>.yaml."""
    path = content_dir / "content" / "site" / f"{key}.yaml"
    if not path.is_file():
        raise SiteConfigError(f"{path}: no such site file (PUFA_SITE={key!r})")
    try:
        data = safe_load(path.read_text("utf-8")) or {}
    except yaml.YAMLError as exc:
        raise SiteConfigError(f"{path}: not valid YAML: {exc}") from None
    national = data.get("national") or {}
    offices: dict[str, Office] = {}
    for office_key, raw in (data.get("offices") or {}).items():
        if not isinstance(raw, dict) or not raw.get("name"):
            raise SiteConfigError(f"{path}: offices.{office_key}.name is required")
        offices[office_key] = Office(
            name=str(raw["name"]),
            phone=str(raw.get("phone") or ""),
            address=str(raw.get("address") or ""),
        )
    hours = data.get("office_hours") or {}
    return SiteConfig(
        key=key,
        county=str(_require(data, "county", path)),
        city=str(data.get("city") or ""),
        province=str(data.get("province") or ""),
        bureau=str(_require(data, "bureau", path)),
        bureau_short=str(data.get("bureau_short") or data["bureau"]),
        account_name=str(data.get("account_name") or data["bureau"]),
        hotline=str(national.get("hotline") or "12333"),
        legal_aid_hotline=str(national.get("legal_aid") or "12348"),
        wage_clue_platform=str(national.get("wage_clue_platform") or "全国根治欠薪线索反映平台"),
        offices=offices,
        office_hours=OfficeHours(
            timezone=str(hours.get("timezone") or "Asia/Shanghai"),
            weekdays=tuple(int(d) for d in hours.get("weekdays") or (1, 2, 3, 4, 5)),
            periods=tuple(_parse_period(str(p), path) for p in hours.get("periods") or ()),
        ),
        minimum_wage_monthly=str(data.get("minimum_wage_monthly") or ""),
        minimum_wage_hourly=str(data.get("minimum_wage_hourly") or ""),
        townships=tuple(str(t) for t in data.get("townships") or ()),
    )
