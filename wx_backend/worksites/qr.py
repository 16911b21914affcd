"""QR codes for a worksite: the WeChat parametric code and the plain landing-page code.

(a) A verified service account can create permanent parametric QR codes
(QR_LIMIT_STR_SCENE, scene `ws:<code>`): scanning one follows the account and tells us the
worksite in the same step. The account may hold a limited number of them, so each is created
once and its ticket and URL are kept on the worksite.
(b) Always, a plain QR code to the landing page /s/<code>, which works for any account type
and from any phone camera.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable

import qrcode
from flask import current_app
from PIL import Image
from qrcode.constants import ERROR_CORRECT_M

from ..db import db
from ..models import Worksite

log = logging.getLogger(__name__)

SCENE_PREFIX = "ws:"

# (scene) -> (ticket, url); tests and the shared WeChat API client provide one.
QrCreator = Callable[[str], tuple[str, str]]


class QrError(RuntimeError):
    """A QR code could not be made; the message says what to configure."""


def scene_for(code: str) -> str:
    return SCENE_PREFIX + code


def code_from_scene(scene: str) -> str | None:
    """The worksite code in a scene string (also accepts WeChat's qrscene_ prefix)."""
    scene = scene.removeprefix("qrscene_")
    return scene[len(SCENE_PREFIX):] or None if scene.startswith(SCENE_PREFIX) else None


def public_base_url(fallback: str | None = None) -> str:
    base = str(current_app.config.get("PUBLIC_BASE_URL") or fallback or "").rstrip("/")
    if not base:
        raise QrError(
            "PUFA_PUBLIC_BASE_URL is not set: posters need the service's public address "
            "(e.g. https://pufa.example.gov.cn) for the landing-page QR code"
        )
    return base


def landing_url(code: str, base: str) -> str:
    return f"{base.rstrip('/')}/s/{code}"


def qr_image(data: str, box_size: int = 10, border: int = 2) -> Image.Image:
    """A black-on-white QR code image (medium error correction survives dust and creases)."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=box_size, border=border)
    code.add_data(data)
    code.make(fit=True)
    image = code.make_image(fill_color="black", back_color="white")
    converted: Image.Image = image.get_image().convert("RGB")
    return converted


def qr_png(data: str, box_size: int = 10) -> bytes:
    out = io.BytesIO()
    qr_image(data, box_size=box_size).save(out, format="PNG")
    return out.getvalue()


def wechat_qr_enabled() -> bool:
    return bool(current_app.config.get("WECHAT_SERVICE_ACCOUNT"))


def ensure_wechat_qr(site: Worksite, create: QrCreator | None = None) -> str | None:
    """The worksite's WeChat QR URL, created through the API the first time it is needed.

    None when the account is not a verified service account. Raises QrError when the API
    refuses (the message carries WeChat's reason).
    """
    if not wechat_qr_enabled():
        return None
    if site.wechat_qr_url:
        return site.wechat_qr_url
    creator = create or default_creator()
    try:
        ticket, url = creator(scene_for(site.code))
    except QrError:
        raise
    except Exception as exc:  # the API client raises its own types; report them plainly
        raise QrError(f"WeChat did not create the QR code for {site.code}: {exc}") from exc
    with db.transaction():
        site.wechat_qr_ticket, site.wechat_qr_url = ticket, url
        db.session.add(site)
    return url


def poster_target(site: Worksite, base: str, create: QrCreator | None = None) -> str:
    """What the poster's QR code encodes: the WeChat code when there is one, else the page."""
    return ensure_wechat_qr(site, create) or landing_url(site.code, base)


def default_creator() -> QrCreator:
    """Create permanent QR codes through the shared official-account API client."""
    from ..wechat_api import account_api

    def create(scene: str) -> tuple[str, str]:
        code = account_api().create_permanent_qrcode(scene)
        if not code.url:
            raise QrError(f"WeChat returned no URL for the QR code of scene {scene}")
        return code.ticket, code.url

    return create
