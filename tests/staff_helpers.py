"""Helpers for tests that need staff accounts and a logged-in browser session."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from wx_backend.db import db
from wx_backend.staff import accounts

PASSWORD = "correct horse battery"


def make_user(app: Flask, username: str, role: str, password: str = PASSWORD) -> int:
    with app.app_context(), db.transaction() as session:
        return accounts.create_user(session, username, password, role).id


def login(client: FlaskClient, username: str, password: str = PASSWORD) -> None:
    response = client.post("/admin/login", data={"username": username, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)
