"""POST /session: a wx.login() code → code2session at WeChat → our own short-lived token.

WeChat's answers are turned into errors a mini-program can act on: a bad or used code is the
client's problem (400, log in again), WeChat's own trouble is a 502, and a server without
mini-program credentials says so (503) instead of failing obscurely.
"""

from __future__ import annotations

import logging

from .errors import ApiError
from .schemas import SessionResponse
from .sessions import issue

log = logging.getLogger(__name__)

# https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/user-login/code2Session.html
INVALID_CODE = frozenset({40029, 40163})  # invalid code; code already used
WECHAT_BUSY = frozenset({-1})
WECHAT_RATE_LIMITED = 45011
USER_BLOCKED = 40226  # WeChat flags the user as high risk


def start_session(code: str) -> SessionResponse:
    """Exchange the code for the user's openid and issue a bearer token."""
    from ..wechat.api import WeChatApiError
    from ..wechat_api import miniprogram_api

    try:
        api = miniprogram_api()
    except ValueError:
        raise ApiError(503, "not_configured", "this server has no mini-program AppID/AppSecret "
                       "(PUFA_MINIPROGRAM_APPID, PUFA_MINIPROGRAM_SECRET)") from None
    try:
        result = api.jscode2session(code)
    except WeChatApiError as exc:
        raise _translate(exc) from None
    token, ttl = issue(result.openid, result.session_key)
    return SessionResponse(token=token, expires_in=ttl)


def _translate(exc: Exception) -> ApiError:
    errcode = getattr(exc, "errcode", None)
    if errcode in INVALID_CODE:
        return ApiError(400, "invalid_code",
                        "code: WeChat refused the code (invalid, expired or already used); "
                        "call wx.login() again", "code")
    if errcode == WECHAT_RATE_LIMITED:
        return ApiError(429, "rate_limited", "WeChat limits logins for this user; retry in a "
                        "minute", retry_after=60)
    if errcode == USER_BLOCKED:
        return ApiError(403, "user_blocked", "WeChat refused to log in this user (risk control)")
    if errcode is None or errcode in WECHAT_BUSY:
        log.warning("code2session: WeChat unavailable: %s", exc)
        return ApiError(502, "wechat_unavailable", "WeChat could not be reached; try again")
    # Anything else (wrong AppID/secret …) is a server configuration problem: tell the operator.
    log.error("code2session refused: %s", exc)
    return ApiError(502, "wechat_refused", f"WeChat refused the login (errcode {errcode})")
