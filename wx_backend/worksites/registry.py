"""The worksite registry: validated input, upsert by code, CSV import.

Worksite lists come from the bureau's project registers, usually exported from Excel: the
importer accepts UTF-8 (with or without BOM) and GB18030 (Excel's default "CSV" in China),
checks every row and imports nothing unless every row is valid, naming line and column of
each problem.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..db import db
from ..models import Worksite
from ..problems import ProblemsError
from ..staff.audit import SYSTEM_ACTOR, record_action

Actor = tuple[int | None, str]

CODE_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,31}")
COLUMNS = ("code", "name", "township", "address", "contractor", "starts_on", "ends_on", "contact")
REQUIRED = ("code", "name", "township")
# Column headers as the bureau's spreadsheets may name them.
HEADER_ALIASES = {
    "编号": "code", "工地编号": "code", "项目编号": "code",
    "名称": "name", "工地名称": "name", "项目名称": "name",
    "乡镇": "township", "乡镇街道": "township", "乡镇（街道）": "township", "街道": "township",
    "地址": "address", "总包单位": "contractor", "施工总承包单位": "contractor",
    "总承包单位": "contractor", "开工日期": "starts_on", "竣工日期": "ends_on",
    "计划竣工日期": "ends_on", "联系人": "contact", "联系方式": "contact",
}
_LIMITS = {"name": 120, "address": 200, "contractor": 120, "contact": 120}


class WorksiteError(ProblemsError):
    """Invalid worksite data; `problems` name line (for files) and column."""


@dataclass(frozen=True)
class WorksiteInput:
    code: str
    name: str
    township: str
    address: str = ""
    contractor: str = ""
    starts_on: date | None = None
    ends_on: date | None = None
    contact: str = ""


@dataclass
class ImportResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


_DATE_RE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")


def parse_date(text: str) -> date | None:
    """A date as spreadsheets write it: 2026-03-01, 2026/3/1, 2026.3.1, 2026年3月1日."""
    match = _DATE_RE.fullmatch(text.strip())
    if not match:
        return None
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def resolve_township(value: str, townships: Sequence[str]) -> str | None:
    """The site's township for `value`: exact, or a unique prefix (五云 -> 五云街道)."""
    value = value.strip()
    if value in townships:
        return value
    matches = [t for t in townships if value and t.startswith(value)]
    return matches[0] if len(matches) == 1 else None


def validate(
    raw: Mapping[str, str | None], townships: Sequence[str], where: str = ""
) -> tuple[WorksiteInput | None, list[str]]:
    """Check one record (a form or a CSV row); problems read '<where>column X: …'."""
    values = {key: str(raw.get(key) or "").strip() for key in COLUMNS}
    problems: list[str] = []

    def problem(column: str, message: str) -> None:
        problems.append(f"{where}column {column}: {message}")

    for key in REQUIRED:
        if not values[key]:
            problem(key, "required")
    if values["code"] and not CODE_RE.fullmatch(values["code"]):
        problem("code", f"{values['code']!r} must be 1-32 letters, digits, - or _ "
                        "(it is printed in QR codes)")
    township = values["township"]
    if township:
        resolved = resolve_township(township, townships)
        if resolved is None:
            problem("township", f"{township!r} is not a township of the site "
                                f"(one of: {'、'.join(townships)})")
        else:
            values["township"] = resolved
    for key, limit in _LIMITS.items():
        if len(values[key]) > limit:
            problem(key, f"longer than {limit} characters")
    dates: dict[str, date | None] = {}
    for key in ("starts_on", "ends_on"):
        dates[key] = None
        if values[key]:
            dates[key] = parse_date(values[key])
            if dates[key] is None:
                problem(key, f"{values[key]!r} is not a date like 2026-03-01")
    if dates["starts_on"] and dates["ends_on"] and dates["ends_on"] < dates["starts_on"]:
        problem("ends_on", "is before starts_on")
    if problems:
        return None, problems
    return WorksiteInput(
        code=values["code"], name=values["name"], township=values["township"],
        address=values["address"], contractor=values["contractor"],
        starts_on=dates["starts_on"], ends_on=dates["ends_on"], contact=values["contact"],
    ), []


def upsert(item: WorksiteInput) -> tuple[Worksite, str]:
    """Create or update the worksite with this code; returns it and created/updated/unchanged."""
    session = db.session
    site = session.scalar(select(Worksite).where(Worksite.code == item.code))
    if site is None:
        site = Worksite(code=item.code, active=True)
        session.add(site)
        status = "created"
    else:
        status = "unchanged"
    for key in COLUMNS[1:]:
        new = getattr(item, key)
        if getattr(site, key, None) != new:
            setattr(site, key, new)
            if status == "unchanged":
                status = "updated"
    return site, status


def save(item: WorksiteInput, actor: Actor | None = None) -> tuple[Worksite, str]:
    """Upsert one worksite and commit, with an audit entry when something changed."""
    with db.transaction() as session:
        site, status = upsert(item)
        if status != "unchanged":
            _audit(session, actor, f"worksite.{status}", item.code)
    return site, status


def set_active(site: Worksite, active: bool, actor: Actor | None = None) -> None:
    """Retire a finished worksite (its history stays) or bring it back."""
    with db.transaction() as session:
        site.active = active
        session.add(site)
        _audit(session, actor, "worksite.activate" if active else "worksite.retire", site.code)


def _audit(
    session: Session, actor: Actor | None, action: str, target: str, detail: str = ""
) -> None:
    actor_id, name = actor or (None, SYSTEM_ACTOR)
    record_action(session, actor_id=actor_id, actor_name=name, action=action,
                  target_type="worksite", target_id=target, detail=detail)


def read_csv(data: bytes) -> tuple[list[str], list[dict[str, str]]]:
    """Decode and parse a CSV file: (column names, rows)."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # gb18030 decodes any byte string, so this is unreachable in practice
        raise WorksiteError(["file: not UTF-8 or GB18030 text"])
    reader = csv.reader(io.StringIO(text))
    rows = list(reader)
    if not rows:
        raise WorksiteError(["line 1: the file is empty (expected a header row)"])
    header = [HEADER_ALIASES.get(h.strip(), h.strip().lower()) for h in rows[0]]
    return header, [dict(zip(header, row, strict=False)) for row in rows[1:]]


def import_csv(
    data: bytes, townships: Sequence[str], actor: Actor | None = None
) -> ImportResult:
    """Validate every row, then upsert all of them in one transaction (or none)."""
    header, rows = read_csv(data)
    problems: list[str] = []
    unknown = [h for h in header if h and h not in COLUMNS]
    if unknown:
        problems.append(f"line 1: unknown column(s) {', '.join(unknown)} "
                        f"(expected: {', '.join(COLUMNS)})")
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        problems.append(f"line 1: missing column(s) {', '.join(missing)}")
    if problems:
        raise WorksiteError(problems)
    items: list[WorksiteInput] = []
    seen: dict[str, int] = {}
    for number, row in enumerate(rows, start=2):
        if not any((v or "").strip() for v in row.values()):
            continue  # blank line
        item, row_problems = validate(row, townships, where=f"line {number}, ")
        problems.extend(row_problems)
        code = (row.get("code") or "").strip()
        if code and code in seen:
            problems.append(f"line {number}, column code: {code!r} already on line {seen[code]}")
        seen.setdefault(code, number)
        if item is not None:
            items.append(item)
    if problems:
        raise WorksiteError(problems)
    result = ImportResult()
    with db.transaction() as session:
        for item in items:
            _, status = upsert(item)
            getattr(result, status).append(item.code)
        _audit(session, actor, "worksite.import", f"{len(items)} rows",
               f"created {len(result.created)}, updated {len(result.updated)}, "
               f"unchanged {len(result.unchanged)}")
    return result


def import_file(path: Path, townships: Sequence[str], actor: Actor | None = None) -> ImportResult:
    return import_csv(path.read_bytes(), townships, actor)


def list_worksites(active_only: bool = False) -> list[Worksite]:
    query = select(Worksite).order_by(Worksite.township, Worksite.code)
    if active_only:
        query = query.where(Worksite.active.is_(True))
    return list(db.session.scalars(query))


def get_worksite(code: str) -> Worksite | None:
    return db.session.scalar(select(Worksite).where(Worksite.code == code))
