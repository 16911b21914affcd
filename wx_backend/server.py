"""The production server: gunicorn with the app loaded (and warmed) before workers fork."""

from __future__ import annotations

from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication


class PufaServer(BaseApplication):
    """Gunicorn configured in code, so `pufa serve` needs no config file."""

    def __init__(self, app: Flask, options: dict[str, Any]) -> None:
        self.application = app
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            if key in self.cfg.settings and value is not None:
                self.cfg.set(key, value)

    def load(self) -> Flask:
        return self.application


def serve(app: Flask, host: str, port: int, workers: int, threads: int = 4) -> None:
    PufaServer(
        app,
        {
            "bind": f"{host}:{port}",
            "workers": workers,
            "worker_class": "gthread",
            "threads": threads,
            # WeChat gives up after 5 s; a request still running at 10 s is stuck.
            "timeout": 30,
            "graceful_timeout": 10,
            "keepalive": 5,
            "preload_app": True,
            "accesslog": "-",
            "errorlog": "-",
            "loglevel": "info",
        },
    ).run()
