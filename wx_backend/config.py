"""Configuration: defaults, then PUFA_* environment variables, validated at start-up.

Every setting has one name; the environment variable is that name with the PUFA_ prefix
(e.g. WECHAT_TOKEN <- PUFA_WECHAT_TOKEN). Bad values fail fast with a message that names
the variable, so an operator never starts a half-configured service.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import secrets
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

ENV_PREFIX = "PUFA_"
PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULT_CONTENT_DIR = PACKAGE_DIR.parent
DEMO_SECRETS_FILE = "demo-secrets.json"


class ConfigError(ValueError):
    """A setting is missing or malformed; the message names the environment variable."""


@dataclass(frozen=True)
class Setting:
    name: str
    kind: type
    default: Any
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("WECHAT_TOKEN", str, "", "token set in the WeChat console (signature check)"),
    Setting("WECHAT_APPID", str, "", "official account AppID"),
    Setting("WECHAT_SECRET", str, "", "official account AppSecret (API calls)"),
    Setting("WECHAT_AES_KEY", str, "", "EncodingAESKey, 43 chars; enables safe mode"),
    Setting("MINIPROGRAM_APPID", str, "", "mini-program AppID (code2session)"),
    Setting("MINIPROGRAM_SECRET", str, "", "mini-program AppSecret"),
    Setting("WECHAT_API_BASE", str, "https://api.weixin.qq.com", "WeChat API base URL"),
    Setting("DATABASE_URL", str, "", "SQLAlchemy URL; default SQLite in the instance folder"),
    Setting("REDIS_URL", str, "", "Redis URL; default an in-process store (one process)"),
    Setting("SECRET_KEY", str, "", "signs sessions, tokens and user pseudonyms"),
    Setting("PUBLIC_BASE_URL", str, "", "absolute base URL of this service, for links"),
    Setting("SITE", str, "jinyun", "site file under content/site/ (county, contacts)"),
    Setting("CONTENT_DIR", str, "", "folder holding faq/, content/, cases_explained/"),
    Setting("INSTANCE_PATH", str, "", "instance folder (SQLite file, jieba cache, demo secrets)"),
    Setting("DEMO", bool, False, "demo mode: simulator page at / (set automatically)"),
    Setting("WORKERS", int, 2, "server worker processes for `pufa serve`"),
    Setting("LOG_RETENTION_DAYS", int, 180, "days to keep raw question text"),
    Setting("ATTRIBUTION_DAYS", int, 30, "days a worksite scan attributes a user"),
    Setting("WECHAT_SERVICE_ACCOUNT", bool, False,
            "the account is a verified service account (permanent parametric QR codes)"),
    Setting("WARNING_DAYS", int, 14, "rolling window of the wage-arrears early warning, days"),
    Setting("WARNING_BLUE", int, 2, "distinct workers asking about unpaid wages: blue level"),
    Setting("WARNING_YELLOW", int, 5, "distinct workers asking about unpaid wages: yellow level"),
    Setting("WARNING_RED", int, 10, "distinct workers asking about unpaid wages: red level"),
    Setting("MAX_BODY_BYTES", int, 64 * 1024, "largest /wechat request body accepted"),
    Setting("TIMESTAMP_TOLERANCE", int, 300, "seconds a WeChat timestamp may be off"),
    Setting("API_TOKEN_TTL", int, 7200, "seconds a mini-program bearer token stays valid"),
    Setting("API_RATE_USER", int, 30, "mini-program requests a minute per user"),
    Setting("API_RATE_IP", int, 120, "mini-program requests a minute per IP address"),
    Setting("API_TRUSTED_PROXIES", int, 0,
            "reverse proxies in front (nginx = 1): the per-IP limit reads X-Forwarded-For"),
)


def _coerce(setting: Setting, raw: str) -> Any:
    var = ENV_PREFIX + setting.name
    if setting.kind is bool:
        lowered = raw.strip().lower()
        if lowered in {"1", "true", "yes", "on"}:
            return True
        if lowered in {"0", "false", "no", "off", ""}:
            return False
        raise ConfigError(f"{var}: expected true/false, got {raw!r}")
    if setting.kind is int:
        try:
            return int(raw)
        except ValueError:
            raise ConfigError(f"{var}: expected a whole number, got {raw!r}") from None
    return raw.strip()


def settings_from_env(environ: Mapping[str, str]) -> dict[str, Any]:
    """Read every known PUFA_* variable; unknown PUFA_* names are an error (typos)."""
    known = {s.name: s for s in SETTINGS}
    values: dict[str, Any] = {}
    for key, raw in environ.items():
        if not key.startswith(ENV_PREFIX) or key.startswith("PUFA_TEST_"):
            continue
        name = key[len(ENV_PREFIX):]
        if name not in known:
            raise ConfigError(f"{key}: unknown setting (known: {', '.join(sorted(known))})")
        values[name] = _coerce(known[name], raw)
    return values


def defaults() -> dict[str, Any]:
    return {s.name: s.default for s in SETTINGS}


def validate(config: Mapping[str, Any]) -> None:
    """Check the values that would otherwise fail late, naming the variable at fault."""
    aes_key = config.get("WECHAT_AES_KEY") or ""
    if aes_key:
        if len(aes_key) != 43:
            raise ConfigError("PUFA_WECHAT_AES_KEY: must be the 43-character EncodingAESKey")
        try:
            base64.b64decode(aes_key + "=", validate=True)
        except (binascii.Error, ValueError):
            raise ConfigError("PUFA_WECHAT_AES_KEY: not valid base64") from None
        if not config.get("WECHAT_APPID"):
            raise ConfigError("PUFA_WECHAT_APPID: required when PUFA_WECHAT_AES_KEY is set")
    for name in ("PUBLIC_BASE_URL", "WECHAT_API_BASE"):
        url = config.get(name) or ""
        if url and urlparse(url).scheme not in {"http", "https"}:
            raise ConfigError(f"PUFA_{name}: must start with http:// or https://, got {url!r}")
    database_url = str(config.get("DATABASE_URL") or "")
    if database_url and not database_url.startswith(("sqlite", "postgresql")):
        raise ConfigError(
            f"PUFA_DATABASE_URL: SQLite or PostgreSQL only (sqlite:///… or postgresql+psycopg://…),"
            f" got {database_url.split(':', 1)[0]!r}"
        )
    redis_url = config.get("REDIS_URL") or ""
    if redis_url and urlparse(redis_url).scheme not in {"redis", "rediss", "unix"}:
        raise ConfigError(f"PUFA_REDIS_URL: must be a redis:// URL, got {redis_url!r}")
    if not config.get("TESTING") and not config.get("SECRET_KEY"):
        raise ConfigError("PUFA_SECRET_KEY: required (or run `pufa serve` for demo mode)")
    for name in ("LOG_RETENTION_DAYS", "ATTRIBUTION_DAYS", "MAX_BODY_BYTES", "WORKERS",
                 "API_TOKEN_TTL", "API_RATE_USER", "API_RATE_IP"):
        if int(config.get(name, 1)) < 1:
            raise ConfigError(f"PUFA_{name}: must be at least 1")
    _validate_warning_levels(config)


def _validate_warning_levels(config: Mapping[str, Any]) -> None:
    """The wage-arrears warning thresholds must be whole numbers rising blue -> yellow -> red."""
    names = ("WARNING_DAYS", "WARNING_BLUE", "WARNING_YELLOW", "WARNING_RED")
    values = [int(config.get(name, 1)) for name in names]
    for name, value in zip(names, values, strict=True):
        if value < 1:
            raise ConfigError(f"PUFA_{name}: must be at least 1")
    _, blue, yellow, red = values
    if not blue <= yellow <= red:
        raise ConfigError(
            "PUFA_WARNING_BLUE, PUFA_WARNING_YELLOW, PUFA_WARNING_RED: must rise "
            f"(blue <= yellow <= red), got {blue}, {yellow}, {red}"
        )


def ensure_demo_secrets(instance_path: Path) -> dict[str, str]:
    """Create (once) and return the demo token and secret key kept in the instance folder.

    Demo mode lets an operator try the service with no configuration; the secrets persist so
    the simulator's signatures and the user pseudonyms stay stable across restarts.
    """
    instance_path.mkdir(parents=True, exist_ok=True)
    path = instance_path / DEMO_SECRETS_FILE
    if path.exists():
        data = json.loads(path.read_text("utf-8"))
        return {"WECHAT_TOKEN": data["WECHAT_TOKEN"], "SECRET_KEY": data["SECRET_KEY"]}
    data = {"WECHAT_TOKEN": secrets.token_urlsafe(16), "SECRET_KEY": secrets.token_urlsafe(32)}
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, stat.S_IRUSR | stat.S_IWUSR)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(data, handle)
    return data


def is_unconfigured(environ: Mapping[str, str]) -> bool:
    return not environ.get(ENV_PREFIX + "WECHAT_TOKEN") and not environ.get(
        ENV_PREFIX + "SECRET_KEY"
    )
