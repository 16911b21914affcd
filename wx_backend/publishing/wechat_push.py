"""Push a published case to the official account: draft/add, then optionally freepublish.

WeChat articles accept a subset of HTML: no <script>/<style>, no class or id, styles inline,
and no links to other sites (they are dropped or refused). So the case's sanitized HTML is
re-shaped: inline styles on each element, links turned into their words (with the address
in brackets), and the reader page given as 阅读原文 (content_source_url).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

from flask import Flask
from sqlalchemy.orm import Session

from wx_backend.models import Case, CaseVersion
from wx_backend.models.base import utcnow
from wx_backend.publishing import case_url
from wx_backend.publishing.pages import ILLUSTRATIVE_NOTE, build_page
from wx_backend.publishing.render import sanitize
from wx_backend.publishing.workflow import Actor
from wx_backend.site import SiteConfig
from wx_backend.staff.audit import record_action
from wx_backend.wechat.api import DraftArticle, WeChatApiError

COVER_FILE = Path(__file__).resolve().parent.parent / "static" / "cases" / "wechat-cover.png"
COVER_TTL = 365 * 24 * 3600  # a permanent material; re-uploaded yearly at most
WECHAT_DIGEST_MAX = 120
WECHAT_AUTHOR_MAX = 16
STYLES = {
    "h2": "font-size:18px;font-weight:bold;margin:24px 0 8px;padding-left:8px;"
          "border-left:4px solid #0b6e4f;color:#1f2933;",
    "h3": "font-size:17px;font-weight:bold;margin:18px 0 6px;",
    "p": "font-size:16px;line-height:1.75;margin:0 0 12px;color:#1f2933;",
    "blockquote": "margin:12px 0;padding:8px 12px;background:#f5f7fa;"
                  "border-left:4px solid #bcccdc;color:#3e4c59;",
    "li": "font-size:16px;line-height:1.75;margin:0 0 6px;",
    "table": "border-collapse:collapse;width:100%;font-size:14px;",
    "td": "border:1px solid #d9e2ec;padding:4px 6px;",
    "th": "border:1px solid #d9e2ec;padding:4px 6px;background:#f0f4f8;",
}
_LINK = re.compile(r'<a\b[^>]*?href="([^"]*)"[^>]*>(.*?)</a>', re.DOTALL)
_OPEN_TAG = re.compile(r"<(h2|h3|p|blockquote|li|table|td|th)>")


class PushError(Exception):
    """The push could not be done; the message is shown to staff as is."""


@dataclass(frozen=True)
class PushResult:
    media_id: str
    publish_id: str = ""

    def describe(self) -> str:
        text = f"已存入公众号草稿箱（草稿 {self.media_id}）。"
        if self.publish_id:
            text += f"已提交发布（发布任务 {self.publish_id}），发布结果以公众号后台为准。"
        return text


def _unlink(match: re.Match[str]) -> str:
    url, words = html.unescape(match.group(1)), match.group(2)
    if re.sub(r"<[^>]+>", "", words).strip() == url:
        return words
    return f"{words}（{html.escape(url)}）"


def to_wechat_html(page_html: str, source: str, illustrative: bool) -> str:
    """Reshape sanitized case HTML into what a WeChat article accepts."""
    body = _LINK.sub(_unlink, sanitize(page_html))
    body = _OPEN_TAG.sub(lambda m: f'<{m.group(1)} style="{STYLES[m.group(1)]}">', body)
    note = ""
    if illustrative:
        note = f'<p style="{STYLES["p"]}color:#7c5e10;background:#fff8e1;padding:8px 12px;">' \
               f"{html.escape(ILLUSTRATIVE_NOTE)}</p>"
    footer = f'<p style="{STYLES["p"]}color:#616e7c;font-size:14px;">' \
             f"案例来源：{html.escape(source)}</p>"
    return note + body + footer


def wechat_article(app: Flask, slug: str, version: CaseVersion, site: SiteConfig,
                   thumb_media_id: str) -> DraftArticle:
    page = build_page(slug, version, site)
    digest = page.summary if len(page.summary) <= WECHAT_DIGEST_MAX else \
        page.summary[: WECHAT_DIGEST_MAX - 1] + "…"
    return DraftArticle(
        title=page.title,
        content=to_wechat_html(page.html, page.source, page.illustrative),
        thumb_media_id=thumb_media_id,
        author=site.bureau_short[:WECHAT_AUTHOR_MAX],
        digest=digest,
        content_source_url=case_url(app, slug),
    )


def _cover_media_id(app: Flask, api: object) -> str:
    """The cover image's permanent media_id, uploaded once per account and kept in the store."""
    store = app.extensions["pufa_store"]
    appid = app.config["WECHAT_APPID"]
    key = f"wx:case-cover:{appid}"
    cached = store.get(key)
    if cached:
        return str(cached)
    with COVER_FILE.open("rb") as data:
        media_id = api.add_image_material(COVER_FILE.name, data)  # type: ignore[attr-defined]
    store.set(key, media_id, COVER_TTL)
    return str(media_id)


def push_case(app: Flask, session: Session, actor: Actor, case: Case, *,
              publish: bool = False) -> PushResult:
    """Put the case's published text in the account's drafts (and optionally publish it).

    The caller commits (the case's push record and the audit entries are in the session).
    """
    from wx_backend.wechat_api import account_api

    if case.live_version_id is None:
        raise PushError("只有已发布的案例可以推送到公众号。")
    version = session.get(CaseVersion, case.live_version_id)
    if version is None:
        raise PushError("找不到已发布的版本。")
    try:
        with app.app_context():
            api = account_api()
            article = wechat_article(app, case.slug, version, app.extensions["pufa_site"],
                                     _cover_media_id(app, api))
            media_id = api.add_draft([article])
            publish_id = api.submit_publish(media_id) if publish else ""
    except ValueError as exc:  # AppID / AppSecret not configured
        raise PushError(f"公众号接口未配置：{exc}") from None
    except WeChatApiError as exc:
        raise PushError(f"微信接口返回错误：{exc}") from None
    case.wechat_media_id = media_id
    case.wechat_publish_id = publish_id
    case.wechat_pushed_at = utcnow()
    record_action(session, actor_id=actor.id, actor_name=actor.name, action="case_push_draft",
                  target_type="case", target_id=case.slug, detail=f"media_id={media_id}")
    if publish_id:
        record_action(session, actor_id=actor.id, actor_name=actor.name,
                      action="case_push_publish", target_type="case", target_id=case.slug,
                      detail=f"publish_id={publish_id}")
    return PushResult(media_id, publish_id)
