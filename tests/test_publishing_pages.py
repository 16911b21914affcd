"""Reader pages: phone-first H5, sharing tags, feedback, view counts, the reply lookup."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from wx_backend.cli import prepare
from wx_backend.db import db
from wx_backend.models import Case

SLUG = "geren-shenqing-gongshang-rending"


@pytest.fixture
def loaded(app: Flask) -> Flask:
    prepare(app)
    return app


def _case(app: Flask) -> Case:
    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.slug == SLUG))
        assert case is not None
        return case


def _token(html: str) -> str:
    match = re.search(r'name="token" value="([^"]+)"', html)
    assert match
    return match.group(1)


def test_case_page_is_phone_ready_and_shareable(loaded: Flask) -> None:
    response = loaded.test_client().get(f"/cases/{SLUG}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert "<title>个人申请工伤认定，保障职工工伤权益 · 缙云县人力资源和社会保障局</title>" in html
    assert '<meta name="description" content="单位在30日内不申请工伤认定的' in html
    assert '<meta property="og:url" content="https://pufa.example.org/cases/' + SLUG in html
    assert '<meta property="og:type" content="article">' in html
    # Nothing from a CDN or any other host: government networks block them.
    assert not re.search(r'(src|href)="(https?:)?//(?!pufa\.example\.org)[^"]*\.(js|css)', html)
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    # Placeholders are filled from the site file; unknown local phones are not invented.
    assert "缙云县人力社保局工伤认定窗口" in html and "{injury_office}" not in html


def test_index_groups_cases_by_topic_and_filters(loaded: Flask) -> None:
    client = loaded.test_client()
    html = client.get("/cases").get_data(as_text=True)
    assert html.index("<h2>工伤</h2>") < html.index("<h2>欠薪</h2>")
    only = client.get("/cases?topic=职业中介").get_data(as_text=True)
    assert "擅行中介将受罚" in only and "<h2>工伤</h2>" not in only


def test_unknown_or_unpublished_cases_are_not_found(loaded: Flask) -> None:
    assert loaded.test_client().get("/cases/no-such-case").status_code == 404


def test_each_view_is_counted(loaded: Flask) -> None:
    client = loaded.test_client()
    for _ in range(2):
        client.get(f"/cases/{SLUG}")
    assert _case(loaded).view_count == 2


def test_feedback_counts_once_per_page_view(loaded: Flask) -> None:
    client = loaded.test_client()
    token = _token(client.get(f"/cases/{SLUG}").get_data(as_text=True))
    first = client.post(f"/cases/{SLUG}/feedback", data={"token": token, "vote": "useful"})
    assert first.status_code == 303
    assert "谢谢您的反馈" in client.get(first.headers["Location"]).get_data(as_text=True)
    client.post(f"/cases/{SLUG}/feedback", data={"token": token, "vote": "useful"})  # replay
    other = _token(client.get(f"/cases/{SLUG}").get_data(as_text=True))
    client.post(f"/cases/{SLUG}/feedback", data={"token": other, "vote": "not_useful"})
    case = _case(loaded)
    assert (case.useful_count, case.not_useful_count) == (1, 1)


@pytest.mark.parametrize("token", ["", "forged.token.value"])
def test_feedback_without_a_genuine_token_is_refused(loaded: Flask, token: str) -> None:
    response = loaded.test_client().post(f"/cases/{SLUG}/feedback",
                                         data={"token": token, "vote": "useful"})
    assert response.status_code == 400
    assert _case(loaded).useful_count == 0


def test_a_token_for_one_case_does_not_vote_for_another(loaded: Flask) -> None:
    client: FlaskClient = loaded.test_client()
    token = _token(client.get(f"/cases/{SLUG}").get_data(as_text=True))
    response = client.post("/cases/hetong-yifang-qianzi/feedback",
                           data={"token": token, "vote": "useful"})
    assert response.status_code == 400


def test_the_message_service_lookup_returns_only_published_cases(loaded: Flask) -> None:
    lookup = loaded.extensions["pufa_case_lookup"]
    assert lookup(SLUG) == ("个人申请工伤认定，保障职工工伤权益",
                            f"https://pufa.example.org/cases/{SLUG}")
    assert lookup("no-such-case") is None
