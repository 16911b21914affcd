"""GET /worksites/<code>: what a worker sees after scanning a worksite's mini-program code.

The visit attributes the worker to the worksite (as a scan) for PUFA_ATTRIBUTION_DAYS, so the
questions they ask afterwards count there; the event key holds the day, so opening the page
again the same day adds no visit.
"""

from __future__ import annotations

import logging

from flask import current_app

from ..analytics.attribution import attribute
from ..analytics.privacy import pseudonym
from ..extensions import get_site
from ..models.questions import local_day
from ..site import SiteConfig
from ..worksites.qr import scene_for
from ..worksites.questions import common_questions
from ..worksites.registry import CODE_RE, get_worksite
from .errors import not_found
from .schemas import Channel, LandingQuestion, WorksiteLanding
from .sessions import MiniSession

log = logging.getLogger(__name__)
CHANNEL = "miniprogram"


def landing(session: MiniSession, code: str) -> WorksiteLanding:
    site = get_worksite(code) if CODE_RE.fullmatch(code) else None
    if site is None or not site.active:
        raise not_found("worksite")
    user = pseudonym(current_app.config["SECRET_KEY"], session.openid)[:16]
    try:
        attribute(session.openid, scene_for(site.code), channel=CHANNEL, event="scan",
                  event_key=f"mp-scan:{user}:{site.code}:{local_day().isoformat()}")
    except Exception:  # attribution must never keep a worker from the page
        log.exception("mini-program scan attribution failed for %s", site.code)
    questions = [LandingQuestion(text=q.text, id=q.entry_id)
                 for q in common_questions(scene_for(site.code))]
    return WorksiteLanding(code=site.code, name=site.name, township=site.township,
                           questions=questions, channels=channels(get_site()))


def channels(site: SiteConfig) -> list[Channel]:
    """Numbers a worker can call: the national lines, and local offices whose number is known.

    Local numbers are facts the bureau confirms in the site file; an empty one is left out
    rather than guessed.
    """
    found = [Channel(name="人社服务热线", phone=site.hotline)]
    for key in ("inspection", "arbitration", "injury", "legal_aid"):
        office = site.offices.get(key)
        if office is not None and office.phone:
            found.append(Channel(name=office.name, phone=office.phone))
    found.append(Channel(name="公共法律服务热线（法律援助）", phone=site.legal_aid_hotline))
    return found
