"""The figures the bureau sees: per day, per topic, per worksite and township, feedback."""

from __future__ import annotations

import json

from flask import Flask

from wx_backend.analytics.aggregates import (
    Period,
    by_source,
    by_township,
    daily_by_topic,
    feedback_rates,
    top_questions_at,
    topic_shares,
    totals,
    unanswered_groups,
)
from wx_backend.analytics.recorder import QuestionEvent, record_feedback, record_question
from wx_backend.analytics.report import to_csv
from wx_backend.analytics.retention import purge_raw_text
from wx_backend.cli import cli
from wx_backend.db import db
from wx_backend.models import QuestionRecord

from .analytics_helpers import INJURY, WAGES, add_worksite, log_question, today
from .conftest import TEST_SECRET


def test_topic_share_and_trend_against_the_previous_period(backend_app: Flask) -> None:
    with backend_app.app_context():
        for i in range(6):
            log_question(user=f"u{i}", topic=WAGES, days_ago=1)
        for i in range(2):
            log_question(user=f"u{i}", topic=INJURY, days_ago=2)
        for i in range(3):  # the previous 7 days
            log_question(user=f"u{i}", topic=WAGES, days_ago=8)
        log_question(topic=INJURY, days_ago=20)  # outside both periods
        shares = {s.topic: s for s in topic_shares(Period.last(7))}
        assert shares[WAGES].count == 6 and shares[WAGES].previous == 3
        assert shares[WAGES].share == 0.75 and shares[WAGES].change == 1.0
        assert shares[INJURY].count == 2 and shares[INJURY].change is None  # new this period
        assert totals(Period.last(7)).questions == 8
        assert totals(Period.last(7)).users == 6
        assert totals(Period.last(7)).previous_questions == 3


def test_questions_per_day_by_topic_are_zero_filled(backend_app: Flask) -> None:
    with backend_app.app_context():
        log_question(topic=WAGES, days_ago=0)
        log_question(topic=WAGES, days_ago=0)
        log_question(topic=None, outcome="fallback", days_ago=2)
        daily = daily_by_topic(Period.last(3))
        assert daily.days == [today().fromordinal(today().toordinal() - n) for n in (2, 1, 0)]
        assert daily.series[WAGES] == [0, 0, 2]
        assert daily.series["（未归类）"] == [1, 0, 0]


def test_per_worksite_and_per_township_tables(backend_app: Flask) -> None:
    add_worksite(backend_app, "HZ001", "壶镇镇", "壶镇安置房")
    add_worksite(backend_app, "HZ002", "壶镇镇")
    add_worksite(backend_app, "WY001", "五云街道")
    with backend_app.app_context():
        for i in range(3):
            log_question(user=f"u{i}", source="ws:HZ001")
        log_question(user="u0", source="ws:HZ001", topic=INJURY, outcome="fallback")
        log_question(user="u9", source="ws:HZ002")
        log_question(user="u8", source="ws:WY001", topic=INJURY)
        log_question(user="u7", source="menu-poster")  # a QR scene that is not a worksite
        log_question(user="u6")  # no source
        rows = {r.source: r for r in by_source(Period.last(7))}
        site = rows["HZ001"]
        assert (site.name, site.township) == ("壶镇安置房", "壶镇镇")
        assert (site.questions, site.users) == (4, 3)
        assert (site.wage_questions, site.unanswered) == (3, 1)
        assert not rows["menu-poster"].is_worksite
        townships = {t.township: t for t in by_township(list(rows.values()))}
        assert (townships["壶镇镇"].worksites, townships["壶镇镇"].questions) == (2, 5)
        assert townships["五云街道"].wage_questions == 0
        assert set(townships) == {"壶镇镇", "五云街道"}


def test_unanswered_questions_are_grouped_by_similarity(backend_app: Flask) -> None:
    with backend_app.app_context():
        for text in ("包工头跑了工资找谁要", "包工头跑了工资找谁要", "包工头跑路了，工资找谁要？",
                     "包工头跑了工资找谁要啊"):
            log_question(text=text, outcome="fallback", topic=None)
        log_question(text="外地户口能在这里交社保吗", outcome="choices", topic=None)
        log_question(text="老板拖欠工资怎么办", outcome="answer")  # answered: not listed
        groups = unanswered_groups(Period.last(7))
        assert [(g.example, g.count) for g in groups] == [
            ("包工头跑了工资找谁要", 4), ("外地户口能在这里交社保吗", 1)]
        assert set(groups[0].variants) == {"包工头跑路了，工资找谁要？", "包工头跑了工资找谁要啊"}


def test_feedback_on_a_reply_counts_in_the_rates(backend_app: Flask) -> None:
    with backend_app.app_context():
        for n in range(4):
            record_question(TEST_SECRET, QuestionEvent(
                message_key=f"k{n}", reply_id=f"reply{n}", channel="miniprogram",
                user_id=f"o{n}", message_type="text", text="加班费怎么算", outcome="answer",
                topic="加班工时休假", entry_id="jb-01", score=0.9))
        assert record_feedback("reply0", helpful=True)
        assert record_feedback("reply1", helpful=True)
        assert record_feedback("reply2", helpful=False)
        assert record_feedback("reply2", helpful=True)  # changed their mind: latest counts
        assert record_feedback("reply3", helpful=False)
        assert not record_feedback("no-such-reply", helpful=True)
        rates = feedback_rates(Period.last(1))
        assert (rates.total.answered, rates.total.helpful, rates.total.not_helpful) == (4, 3, 1)
        assert rates.total.helpful_rate == 0.75 and rates.total.response_rate == 1.0
        row = db.session.query(QuestionRecord).filter_by(reply_id="reply2").one()
        assert row.feedback == "helpful" and row.feedback_at is not None


def test_recorded_questions_are_scrubbed_pseudonymous_and_dated_locally(app: Flask) -> None:
    with app.app_context():
        record_question(TEST_SECRET, QuestionEvent(
            message_key="m1", reply_id="r1", channel="wechat", user_id="oOpenId123",
            message_type="text", text="我叫张三，电话13812345678，老板欠薪", outcome="answer"))
        row = db.session.query(QuestionRecord).one()
        assert row.text == "我叫[姓名]，电话[电话]，老板欠薪"
        assert "oOpenId123" not in row.user_pseudonym
        assert row.day == today()


def test_purge_erases_old_text_keeps_the_counts_and_is_idempotent(backend_app: Flask) -> None:
    with backend_app.app_context():
        old = log_question(days_ago=200, text="很久以前的问题")
        recent = log_question(days_ago=3, text="最近的问题")
        before = topic_shares(Period.last(365))
        assert purge_raw_text(180).purged == 1
        assert purge_raw_text(180).purged == 0  # running again changes nothing
        texts = dict(db.session.query(QuestionRecord.message_key, QuestionRecord.text))
        assert texts == {old: None, recent: "最近的问题"}
        assert topic_shares(Period.last(365)) == before


def test_most_asked_entries_at_a_worksite(app: Flask) -> None:
    with app.app_context():
        for _ in range(3):
            log_question(source="ws:HZ001", entry_id="qx-05")
        log_question(source="ws:HZ001", entry_id="qx-01")
        log_question(source="ws:OTHER", entry_id="gsrd-01")
        assert top_questions_at("ws:HZ001", Period.last(30)) == [("qx-05", 3), ("qx-01", 1)]


def test_report_command_prints_json_for_scripts(app: Flask) -> None:
    add_worksite(app, "HZ001")
    with app.app_context():
        log_question(user="a", source="ws:HZ001")
        log_question(user="b", source="ws:HZ001", topic=INJURY)
        log_question(user="c", outcome="fallback", topic=None, text="问个别的")
    result = app.test_cli_runner().invoke(cli, ["report", "--days", "7", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["questions_total"] == 3
    assert data["by_topic"] == {WAGES: 1, INJURY: 1, "（未归类）": 1}
    assert data["by_source"] == {"HZ001": 2, "unattributed": 1}
    assert data["unanswered"][0]["question"] == "问个别的"
    assert data["warnings"] == []
    text = app.test_cli_runner().invoke(cli, ["report", "--days", "7"])
    assert "HZ001: 2" in text.output


def test_csv_export_defuses_formulas_in_question_text(app: Flask) -> None:
    from wx_backend.analytics.report import build_report
    from wx_backend.analytics.warnings import Thresholds

    with app.app_context():
        log_question(outcome="fallback", topic=None, text="=HYPERLINK(\"http://x\")工资")
        report = build_report(7, Thresholds.from_config(app.config))
        csv_text = to_csv(report, "unanswered")
    assert csv_text.startswith("\ufeff问题,次数,类似问法")
    assert "'=HYPERLINK" in csv_text
