"""The WeChat HTTP API client: one shared access token, bounded retry, typed methods.

Wraps wechatpy's client with three changes:
- the access token lives in the store (Redis in production), so every worker and host uses
  one token, and comes from the stable-token endpoint (/cgi-bin/stable_token), which does not
  invalidate the token other processes hold;
- a token error (40001 invalid, 40014 malformed, 42001 expired) triggers at most one
  refresh-and-retry (wechatpy's own retry recurses without bound);
- the base URL is configurable (PUFA_WECHAT_API_BASE), so tests talk to a fake server.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, BinaryIO, Protocol, TypeVar

import requests
from wechatpy import WeChatClient
from wechatpy.exceptions import WeChatClientException

log = logging.getLogger(__name__)
OFFICIAL_BASE = "https://api.weixin.qq.com"
TOKEN_ERRORS = frozenset({40001, 40014, 42001})
# Refresh a little before WeChat's expiry so a token never dies mid-request.
EXPIRY_MARGIN_SECONDS = 300
T = TypeVar("T")


class KeyValueStore(Protocol):
    def get(self, key: str) -> str | None: ...
    def set(self, key: str, value: str, ttl: int) -> None: ...
    def set_nx(self, key: str, value: str, ttl: int) -> bool: ...
    def delete(self, key: str) -> None: ...


class WeChatApiError(RuntimeError):
    """WeChat answered with an error code (or not at all)."""

    def __init__(self, errcode: int | None, errmsg: str) -> None:
        super().__init__(f"WeChat API error {errcode}: {errmsg}")
        self.errcode = errcode
        self.errmsg = errmsg


def _check(result: Any) -> dict[str, Any]:
    if not isinstance(result, dict):
        raise WeChatApiError(None, "response is not JSON")
    code = int(result.get("errcode") or 0)
    if code:
        raise WeChatApiError(code, str(result.get("errmsg", "")))
    return result


class TokenStore:
    """The account's access token, shared through the store by every process."""

    def __init__(self, store: KeyValueStore, http: requests.Session, api_base: str,
                 appid: str, secret: str, timeout: float = 5.0,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self._store = store
        self._http = http
        self._api_base = api_base
        self._appid = appid
        self._secret = secret
        self._timeout = timeout
        self._sleep = sleep
        self.key = f"wx:token:{appid}"

    def get(self) -> str:
        """The current token, fetched once when no process holds one."""
        token = self._store.get(self.key)
        return token if token else self.refresh(stale=None)

    def refresh(self, stale: str | None) -> str:
        """Replace the token `stale` (None: none held); one process fetches, others wait."""
        lock = f"{self.key}:lock"
        if not self._store.set_nx(lock, "1", 15):
            for _ in range(50):  # another process is fetching: wait up to ~5 s for it
                self._sleep(0.1)
                token = self._store.get(self.key)
                if token and token != stale:
                    return token
        try:
            token = self._store.get(self.key)
            if token and token != stale:
                return token  # another process refreshed it meanwhile
            result = self._fetch(force=False)
            if result["access_token"] == stale:
                # The stable token WeChat holds is the one that was refused: force a new one.
                result = self._fetch(force=True)
            token = str(result["access_token"])
            ttl = max(60, int(result.get("expires_in", 7200)) - EXPIRY_MARGIN_SECONDS)
            self._store.set(self.key, token, ttl)
            return token
        finally:
            self._store.delete(lock)

    def _fetch(self, *, force: bool) -> dict[str, Any]:
        log.info("fetching a WeChat access token for %s (force_refresh=%s)", self._appid, force)
        try:
            response = self._http.post(
                f"{self._api_base}/cgi-bin/stable_token",
                json={"grant_type": "client_credential", "appid": self._appid,
                      "secret": self._secret, "force_refresh": force},
                timeout=self._timeout,
            )
            response.raise_for_status()
            result = _check(response.json())
        except (requests.RequestException, ValueError) as exc:
            raise WeChatApiError(None, f"stable_token request failed: {exc}") from None
        if "access_token" not in result:
            raise WeChatApiError(None, "stable_token response has no access_token")
        return result


class _Client(WeChatClient):
    """wechatpy's client pointed at our base URL and our shared token, without auto-retry."""

    def __init__(self, appid: str, secret: str, api_base: str, tokens: TokenStore,
                 timeout: float) -> None:
        super().__init__(appid, secret, timeout=timeout, auto_retry=False)
        self._api_base = api_base
        self._tokens = tokens
        self.API_BASE_URL = f"{api_base}/cgi-bin/"

    @property
    def access_token(self) -> str:
        return self._tokens.get()

    def fetch_access_token(self) -> dict[str, Any]:
        return {"access_token": self._tokens.refresh(stale=None)}

    def _request(self, method: str, url_or_endpoint: str, **kwargs: Any) -> Any:
        # wechatpy's API families name https://api.weixin.qq.com/ in class attributes.
        base = kwargs.get("api_base_url")
        if isinstance(base, str) and base.startswith(OFFICIAL_BASE):
            kwargs["api_base_url"] = self._api_base + base[len(OFFICIAL_BASE):]
        if url_or_endpoint.startswith(OFFICIAL_BASE):
            url_or_endpoint = self._api_base + url_or_endpoint[len(OFFICIAL_BASE):]
        return super()._request(method, url_or_endpoint, **kwargs)


@dataclass(frozen=True)
class DraftArticle:
    """One article of a draft (草稿箱) to publish."""

    title: str
    content: str  # HTML as WeChat accepts it
    thumb_media_id: str  # a permanent image material
    author: str = ""
    digest: str = ""
    content_source_url: str = ""


@dataclass(frozen=True)
class QrCode:
    """A permanent parametric QR code."""

    ticket: str
    url: str  # what the code encodes

    @property
    def image_url(self) -> str:
        return f"https://mp.weixin.qq.com/cgi-bin/showqrcode?ticket={requests.utils.quote(self.ticket)}"


@dataclass(frozen=True)
class MiniProgramSession:
    openid: str
    session_key: str
    unionid: str | None = None


class WeChatApi:
    """Typed calls to the WeChat APIs the service uses, for one AppID."""

    def __init__(self, store: KeyValueStore, *, appid: str, secret: str,
                 api_base: str = OFFICIAL_BASE, timeout: float = 5.0) -> None:
        if not appid or not secret:
            raise ValueError("the WeChat AppID and AppSecret are required for API calls")
        self.appid = appid
        self._secret = secret
        self._api_base = api_base.rstrip("/")
        self._timeout = timeout
        self._http = requests.Session()
        self.tokens = TokenStore(store, self._http, self._api_base, appid, secret, timeout)
        self._client = _Client(appid, secret, self._api_base, self.tokens, timeout)
        self._client._http = self._http

    def call(self, action: Callable[[WeChatClient], T]) -> T:
        """Run one wechatpy call; on a token error refresh once and retry once."""
        token = self.tokens.get()
        try:
            return action(self._client)
        except WeChatClientException as exc:
            if exc.errcode not in TOKEN_ERRORS:
                raise WeChatApiError(exc.errcode, str(exc.errmsg)) from None
            log.info("WeChat refused the access token (%s); refreshing once", exc.errcode)
        except requests.RequestException as exc:
            raise WeChatApiError(None, f"request failed: {exc}") from None
        self.tokens.refresh(stale=token)
        try:
            return action(self._client)
        except WeChatClientException as exc:
            raise WeChatApiError(exc.errcode, str(exc.errmsg)) from None
        except requests.RequestException as exc:
            raise WeChatApiError(None, f"request failed: {exc}") from None

    # ---- messages ----------------------------------------------------------------------
    def send_text(self, openid: str, text: str) -> None:
        """Send a customer-service text message (within 48 h of the user's last message)."""
        self.call(lambda c: c.message.send_text(openid, text))

    # ---- publishing --------------------------------------------------------------------
    def add_image_material(self, filename: str, data: BinaryIO) -> str:
        """Upload a permanent image (e.g. an article cover); return its media_id."""
        def upload(c: WeChatClient) -> Any:
            data.seek(0)
            return c.material.add("image", (filename, data))
        return str(_check(self.call(upload))["media_id"])

    def add_draft(self, articles: list[DraftArticle]) -> str:
        """Put articles in the draft box; return the draft's media_id."""
        payload = [vars(a) for a in articles]
        return str(_check(self.call(lambda c: c.draft.add(payload)))["media_id"])

    def submit_publish(self, media_id: str) -> str:
        """Publish a draft (发布); return the publish_id to poll."""
        return str(_check(self.call(lambda c: c.freepublish.submit(media_id)))["publish_id"])

    def publish_status(self, publish_id: str) -> dict[str, Any]:
        """The state of a publish job (publish_status 0 = published, with article_url)."""
        return _check(self.call(lambda c: c.freepublish.get(publish_id)))

    # ---- worksites ---------------------------------------------------------------------
    def create_permanent_qrcode(self, scene: str) -> QrCode:
        """A permanent QR code with a string scene (QR_LIMIT_STR_SCENE, 1–64 characters)."""
        if not 1 <= len(scene) <= 64:
            raise ValueError("scene must be 1-64 characters")
        data = {"action_name": "QR_LIMIT_STR_SCENE",
                "action_info": {"scene": {"scene_str": scene}}}
        result = _check(self.call(lambda c: c.qrcode.create(data)))
        return QrCode(ticket=str(result["ticket"]), url=str(result.get("url", "")))

    # ---- mini-program ------------------------------------------------------------------
    def wxa_code_unlimited(self, scene: str, page: str | None = None, width: int = 430) -> bytes:
        """A mini-program code image (PNG bytes) for scene (≤ 32 visible characters)."""
        result = self.call(lambda c: c.wxa.get_wxa_code_unlimited(scene, width=width, page=page))
        if isinstance(result, requests.Response):
            return result.content
        _check(result)
        raise WeChatApiError(None, "wxa code response has no image")

    def jscode2session(self, js_code: str) -> MiniProgramSession:
        """Exchange a wx.login() code for the user's openid (no access token involved)."""
        try:
            response = self._http.get(
                f"{self._api_base}/sns/jscode2session",
                params={"appid": self.appid, "secret": self._secret, "js_code": js_code,
                        "grant_type": "authorization_code"},
                timeout=self._timeout,
            )
            response.raise_for_status()
            result = _check(response.json())
        except (requests.RequestException, ValueError) as exc:
            raise WeChatApiError(None, f"jscode2session failed: {exc}") from None
        return MiniProgramSession(openid=str(result["openid"]),
                                  session_key=str(result["session_key"]),
                                  unionid=result.get("unionid"))
