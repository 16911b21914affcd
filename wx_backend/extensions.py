"""Per-app services: the store and the site configuration, reachable from any request."""

from __future__ import annotations

from flask import Flask, current_app

from .site import SiteConfig
from .store import Store


def init_services(app: Flask, store: Store, site: SiteConfig) -> None:
    app.extensions["pufa_store"] = store
    app.extensions["pufa_site"] = site


def get_store() -> Store:
    store: Store = current_app.extensions["pufa_store"]
    return store


def get_site() -> SiteConfig:
    site: SiteConfig = current_app.extensions["pufa_site"]
    return site
