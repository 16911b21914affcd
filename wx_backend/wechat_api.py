"""The app's WeChat API clients (official account, mini-program), one per process."""

from __future__ import annotations

from flask import current_app

from .extensions import get_store
from .wechat.api import WeChatApi


def _client(key: str, appid_setting: str, secret_setting: str) -> WeChatApi:
    cached: WeChatApi | None = current_app.extensions.get(key)
    if cached is None:
        config = current_app.config
        cached = WeChatApi(get_store(), appid=config[appid_setting],
                           secret=config[secret_setting], api_base=config["WECHAT_API_BASE"])
        current_app.extensions[key] = cached
    return cached


def account_api() -> WeChatApi:
    """The official account's API (PUFA_WECHAT_APPID / PUFA_WECHAT_SECRET)."""
    return _client("pufa_wechat_api", "WECHAT_APPID", "WECHAT_SECRET")


def miniprogram_api() -> WeChatApi:
    """The mini-program's API (PUFA_MINIPROGRAM_APPID / PUFA_MINIPROGRAM_SECRET)."""
    return _client("pufa_miniprogram_api", "MINIPROGRAM_APPID", "MINIPROGRAM_SECRET")
