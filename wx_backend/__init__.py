"""普法 WeChat backend: labor-law answers for frontline workers."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from . import config as settings
from . import publishing
from .db import db
from .extensions import init_services
from .sessions import SessionInterface
from .site import load_site
from .staff import auth as staff_auth
from .store import Store, store_from_url


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Create the Flask app: defaults, then PUFA_* environment (or test config), then parts."""
    instance_path = os.environ.get("PUFA_INSTANCE_PATH") or None
    app = Flask(__name__, instance_path=instance_path, instance_relative_config=True)
    app.config.from_mapping(settings.defaults())
    if test_config is None:
        app.config.from_mapping(settings.settings_from_env(os.environ))
    else:
        app.config.from_mapping(test_config)
    _derive_defaults(app)
    settings.validate(app.config)

    store: Store = app.config.get("STORE_INSTANCE") or store_from_url(app.config["REDIS_URL"])
    content_dir = Path(app.config["CONTENT_DIR"])
    init_services(app, store, load_site(content_dir, app.config["SITE"]))
    app.session_interface = SessionInterface()
    db.init_app(app)
    staff_auth.init_app(app)
    publishing.init_app(app)

    from .views import admin, admin_cases, cases, health, web, wechat

    app.register_blueprint(health.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(admin_cases.bp)
    app.register_blueprint(cases.bp)
    app.register_blueprint(wechat.bp)
    app.register_blueprint(web.bp)
    _register_analytics(app)
    _register_api(app)
    return app


def _register_analytics(app: Flask) -> None:
    """The dashboard, the worksite admin and the public worksite landing pages."""
    from .analytics import views as analytics_views
    from .worksites import admin as worksites_admin
    from .worksites import landing

    app.register_blueprint(analytics_views.bp)
    app.register_blueprint(worksites_admin.bp)
    app.register_blueprint(landing.bp)


def _derive_defaults(app: Flask) -> None:
    """Fill settings whose defaults depend on where the app lives."""
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config.get("DATABASE_URL"):
        app.config["DATABASE_URL"] = f"sqlite:///{Path(app.instance_path) / 'pufa.sqlite3'}"
    if not app.config.get("CONTENT_DIR"):
        app.config["CONTENT_DIR"] = str(settings.DEFAULT_CONTENT_DIR)
    app.config["SECRET_KEY"] = app.config.get("SECRET_KEY") or None
    app.config.setdefault("MAX_CONTENT_LENGTH", 2 * 1024 * 1024)
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    app.config["SESSION_COOKIE_SECURE"] = str(app.config.get("PUBLIC_BASE_URL", "")).startswith(
        "https://"
    )


def _register_api(app: Flask) -> None:
    """The mini-program's JSON API under /api/v1."""
    from .views import api

    app.register_blueprint(api.bp)
