"""What a worker sees after scanning (/s/<code>) and what staff see in the admin."""

from __future__ import annotations

import io
import json
import re

from flask import Flask
from sqlalchemy import select

from tests import wechat_helpers as wx
from tests.staff_helpers import login, make_user
from wx_backend.analytics.attribution import current_source
from wx_backend.cli import cli
from wx_backend.db import db
from wx_backend.models import QuestionRecord, UserEvent, Worksite

from .analytics_helpers import add_worksite, log_question


def test_landing_page_shows_the_worksite_questions_and_real_channels(app: Flask) -> None:
    add_worksite(app, "HZ001", name="壶镇安置房项目")
    response = app.test_client().get("/s/HZ001")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "壶镇镇 · 壶镇安置房项目" in html
    assert "缙云县人力资源和社会保障局" in html  # how to follow the account
    assert 'href="tel:12333"' in html and 'href="tel:12348"' in html
    # The site file has no confirmed local numbers yet, so none is printed.
    assert set(re.findall(r'href="tel:([^"]+)"', html)) == {"12333", "12348"}
    assert len(re.findall(r"<li>", html.split("怎么提问")[0])) == 3  # three questions
    # Mobile first and self-contained: no external scripts, styles or fonts.
    assert 'name="viewport"' in html
    assert not re.search(r'(src|href)="(https?:)?//', html)


def test_a_landing_visit_attributes_the_visitor_once_a_day(app: Flask) -> None:
    add_worksite(app, "HZ001")
    client = app.test_client()
    first = client.get("/s/HZ001")
    cookie = client.get_cookie("pufa_vid")
    assert cookie is not None and cookie.http_only
    assert "pufa_vid" in first.headers["Set-Cookie"]
    client.get("/s/HZ001")  # a reload adds no visit
    assert "Set-Cookie" not in client.get("/s/HZ001").headers
    with app.app_context():
        events = db.session.scalars(select(UserEvent)).all()
        assert [(e.event, e.channel, e.source) for e in events] == [("landing", "h5", "ws:HZ001")]
        assert current_source("h5:" + cookie.value) == "ws:HZ001"


def test_unknown_or_retired_worksites_still_help_the_worker(app: Flask) -> None:
    add_worksite(app, "OLD1")
    with app.app_context():
        site = db.session.scalar(select(Worksite).where(Worksite.code == "OLD1"))
        assert site is not None
        site.active = False
        db.session.commit()
    for path in ("/s/NOPE", "/s/OLD1", "/s/<script>"):
        response = app.test_client().get(path)
        assert response.status_code == 404
        html = response.get_data(as_text=True)
        assert "没有找到编号" in html and "12333" in html and "<script>" not in html


def test_a_scan_then_questions_count_under_that_worksite(app: Flask) -> None:
    """Done-when: a QR scan followed by questions shows up in the dashboard and the report."""
    add_worksite(app, "HZ001", name="壶镇安置房项目")
    wechat = wx.WeChat(app.test_client())
    wechat.post(wx.event("subscribe", "qrscene_ws:HZ001", user="oScan1"))
    wechat.post(wx.event("SCAN", "ws:HZ001", user="oScan2"))
    for user in ("oScan1", "oScan2"):
        wechat.post(wx.text("包工头拖欠我们三个月工资了怎么办", user=user))
    wechat.post(wx.text("老板不给加班费怎么办", user="oWalkIn"))  # never scanned
    with app.app_context():
        rows = db.session.scalars(select(QuestionRecord).order_by(QuestionRecord.id)).all()
        assert [r.source for r in rows] == ["ws:HZ001", "ws:HZ001", None]
        topic = rows[0].topic
    report = json.loads(app.test_cli_runner().invoke(
        cli, ["report", "--days", "1", "--json"]).output)
    assert report["by_source"] == {"HZ001": 2, "unattributed": 1}
    assert report["worksites"][0]["users"] == 2
    if topic:
        assert report["by_topic"][topic] >= 2
    make_user(app, "inspector1", "inspector")
    client = app.test_client()
    login(client, "inspector1")
    page = client.get("/admin/analytics/?days=7").get_data(as_text=True)
    assert "壶镇安置房项目" in page and "壶镇镇" in page


def test_staff_pages_need_a_log_in_and_inspectors_cannot_edit(app: Flask) -> None:
    add_worksite(app, "HZ001")
    anonymous = app.test_client()
    for path in ("/admin/analytics/", "/admin/analytics/warnings", "/admin/analytics/digest",
                 "/admin/analytics/export/topics.csv", "/admin/worksites/",
                 "/admin/worksites/HZ001/poster.pdf"):
        response = anonymous.get(path)
        assert response.status_code == 302 and "/admin/login" in response.headers["Location"]
    make_user(app, "insp", "inspector")
    client = app.test_client()
    login(client, "insp")
    assert client.get("/admin/worksites/").status_code == 200
    assert client.get("/admin/worksites/HZ001/poster.pdf").mimetype == "application/pdf"
    refused = client.post("/admin/worksites/", data={"code": "X1", "name": "x",
                                                     "township": "五云街道"})
    assert refused.status_code == 403


def test_an_editor_adds_a_worksite_and_sees_row_errors(app: Flask) -> None:
    make_user(app, "ed", "editor")
    client = app.test_client()
    login(client, "ed")
    bad = client.post("/admin/worksites/", data={"code": "bad code", "name": "", "township": "x"})
    assert bad.status_code == 400
    body = bad.get_data(as_text=True)
    assert "column name: required" in body and "column code:" in body
    ok = client.post("/admin/worksites/", data={"code": "XD01", "name": "仙都景区改造",
                                               "township": "仙都街道", "starts_on": "2026-03-01"})
    assert ok.status_code == 302
    csv_file = (io.BytesIO("code,name,township\nXD02,仙都二期,仙都\n".encode()), "sites.csv")
    imported = client.post("/admin/worksites/import", data={"file": csv_file},
                           content_type="multipart/form-data", follow_redirects=True)
    assert "新增 1" in imported.get_data(as_text=True)
    listing = client.get("/admin/worksites/").get_data(as_text=True)
    assert "仙都景区改造" in listing and "仙都二期" in listing


def test_dashboard_draws_charts_from_our_own_static_files(app: Flask) -> None:
    with app.app_context():
        log_question(user="a")
        log_question(user="b", outcome="fallback", topic=None, text="</script><b>x")
    make_user(app, "boss", "admin")
    client = app.test_client()
    login(client, "boss")
    html = client.get("/admin/analytics/").get_data(as_text=True)
    assert "/static/vendor/echarts.min.js" in html
    assert not re.search(r'src="(https?:)?//', html)
    assert "</script><b>x" not in html  # question text is escaped
    data = json.loads(html.split('id="chart-data">')[1].split("</script>")[0])
    assert sum(sum(counts) for counts in data["series"].values()) == 2
    with client.get("/static/vendor/echarts.min.js") as script:
        assert script.status_code == 200
    csv = client.get("/admin/analytics/export/daily.csv?days=7")
    assert csv.mimetype == "text/csv" and "attachment" in csv.headers["Content-Disposition"]
    assert client.get("/admin/analytics/?days=abc").status_code == 400
