"""What a reader's page needs from a stored case: filled, rendered, sanitized HTML."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from itsdangerous import BadSignature, URLSafeTimedSerializer

from wx_backend.models import Case, CaseVersion
from wx_backend.publishing.documents import split_sections
from wx_backend.publishing.render import render_markdown
from wx_backend.site import SiteConfig

FEEDBACK_SALT = "pufa-case-feedback"
FEEDBACK_MAX_AGE = 24 * 3600
ILLUSTRATIVE_NOTE = (
    "说明：本文为以案释法的说明性案例，依据公开发布的案例改写，人物和细节已作调整，"
    "仅用于普法宣传。"
)


@dataclass(frozen=True)
class CasePage:
    slug: str
    title: str
    summary: str
    topics: tuple[str, ...]
    source: str
    source_url: str
    illustrative: bool
    published: str
    html: str
    broadcast: str


def build_page(slug: str, version: Case | CaseVersion, site: SiteConfig) -> CasePage:
    """Fill the site's placeholders, render the Markdown, sanitize."""
    body = site.fill(version.body)
    return CasePage(
        slug=slug,
        title=version.title,
        summary=site.fill(version.summary),
        topics=tuple(version.topics),
        source=version.source,
        source_url=version.source_url,
        illustrative=version.illustrative,
        published=version.published_date.isoformat() if version.published_date else "",
        html=render_markdown(body),
        broadcast=split_sections(body).get("小喇叭播报稿", ""),
    )


def feedback_token(secret_key: str, slug: str) -> str:
    """A signed, single-use token for one page view: anonymous readers need no session, and
    a forged cross-site POST without a fresh token is refused."""
    serializer = URLSafeTimedSerializer(secret_key, salt=FEEDBACK_SALT)
    return serializer.dumps({"s": slug, "n": secrets.token_urlsafe(12)})


def read_feedback_token(secret_key: str, token: str, slug: str) -> str | None:
    """Return the token's nonce if it is genuine, fresh and for this page; else None."""
    serializer = URLSafeTimedSerializer(secret_key, salt=FEEDBACK_SALT)
    try:
        data = serializer.loads(token, max_age=FEEDBACK_MAX_AGE)
    except BadSignature:
        return None
    if not isinstance(data, dict) or data.get("s") != slug or not data.get("n"):
        return None
    return str(data["n"])
