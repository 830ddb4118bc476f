"""The holiday calendar outlives its package: a year's arrangement loaded by an administrator overrides
chinesecalendar for that year; deadlines counted without a year's data say they are approximate; loading the year
recomputes the open ones and records each change in the case file. The shipped files agree with the package."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import chinese_calendar
import pytest

from engine.cases.holidays import Arrangement
from engine.domain import periods
from engine.domain.actors import Actor
from engine.errors import Forbidden, InvalidInput
from tests.support import five_step as five
from tests.support.scenario import Scenario

CALENDARS = Path(__file__).resolve().parents[2] / "calendars" / "holidays"
ADMIN = Actor("ada", is_admin=True)
REPLY = "handle_directly"
# a made-up 2027 for the tests only (the real one is not known here): 1–4 January off, Sunday 10 January worked
TEST_2027 = {"year": 2027, "source": "测试用安排（非真实通知） test arrangement, not a real notice",
             "holidays": ["2027-01-01", "2027-01-02", "2027-01-03", "2027-01-04"], "workdays": ["2027-01-10"]}


@pytest.mark.parametrize("path", sorted(CALENDARS.glob("*.yaml")), ids=lambda p: p.name)
def test_each_shipped_year_agrees_with_the_package_on_every_day(path):
    arrangement = Arrangement.from_yaml(path.read_text(encoding="utf-8"))
    assert path.stem == str(arrangement.year) and "国务院办公厅" in arrangement.source
    loaded = periods.YearCalendar(arrangement.year, frozenset(arrangement.holidays), frozenset(arrangement.workdays))
    day = dt.date(arrangement.year, 1, 1)
    while day.year == arrangement.year:
        assert loaded.is_working(day) == chinese_calendar.is_workday(day), day
        day += dt.timedelta(days=1)


def test_a_loaded_year_overrides_the_package_and_is_no_longer_approximate():
    assert not periods.calendar_covers("2027-03-01")
    end, approximate = periods.period_end_info("2026-12-28", 7)
    assert (end.date(), approximate) == (dt.date(2027, 1, 4), True)  # Monday by weekdays alone
    periods.use_calendars({2027: periods.YearCalendar(2027, frozenset(dt.date(2027, 1, d) for d in range(1, 5)),
                                                      frozenset({dt.date(2027, 1, 10)}))})
    assert periods.calendar_covers("2027-03-01")
    end, approximate = periods.period_end_info("2026-12-28", 7)
    assert (end.date(), approximate) == (dt.date(2027, 1, 5), False)
    assert periods.is_working_day("2027-01-10") and not periods.is_working_day("2027-01-04")
    assert periods.working_period_end("2027-01-08", 1).date() == dt.date(2027, 1, 10)  # the make-up Sunday


def test_an_arrangement_names_each_wrong_field():
    with pytest.raises(InvalidInput) as refused:
        Arrangement.parse({"year": 2027, "source": "", "holidays": ["2027-01-01", "2028-01-01", "1/2"],
                           "workdays": ["2027-01-05", "2027-01-01"]})
    paths = {e.path for e in refused.value.errors}
    assert paths == {"source", "holidays/1", "holidays/2", "workdays/0", "workdays/1"}
    messages = {e.path: e.message.render("zh-CN") for e in refused.value.errors}
    assert "2028-01-01 不在 2027 年" in messages["holidays/1"] and "周末" in messages["workdays/0"]


def test_loading_a_year_recomputes_open_deadlines_and_records_each_change(yishi, frozen_clock):
    frozen_clock.set(dt.datetime(2026, 12, 28, 1, 0, tzinfo=dt.UTC))  # Monday 09:00 in Beijing
    waiting = five.start(yishi, title="等待分类")  # stays at triage: its due date is the dueDate expression's
    five.register(waiting)
    assert waiting.task("A_UT_Triage")["due_at"].astimezone(periods.TZ).date() == dt.date(2027, 1, 4)
    opened = [e for e in waiting.events("task_opened") if e["element_id"] == "A_UT_Triage"][-1]
    assert opened["data"]["due_approximate"] is True
    s = Scenario.start(yishi, "five_step", unit=five.UNIT, data={"title": "直接答复"})
    five.register(s)
    # answered directly: a script computes reply_due, the reply is due then
    five.triage(s, REPLY, reason="物业可直接处理", reply_text="已转物业三日内处理")
    approximate = s.events("deadline_approximate")
    assert approximate[-1]["data"]["reply_due"]["years"] == [2027]
    assert approximate[-1]["element_id"] == "A_ST_ReplyDue"
    figures = yishi.key_figures(s.case_id)
    assert figures["reply_due"] == "2027-01-04T23:59:59+08:00" and figures["approximate_deadlines"] == ["reply_due"]
    assert s.task("A_UT_ReplyProposer")["due_at"].astimezone(periods.TZ).date() == dt.date(2027, 1, 4)

    with pytest.raises(Forbidden):
        yishi.load_holidays(TEST_2027, Actor("pan", frozenset({(five.UNIT, "proposer")})))
    loaded = yishi.load_holidays(TEST_2027, ADMIN)
    assert loaded["year"] == 2027 and loaded["holidays"] == 4 and loaded["workdays"] == 1
    changes = {(c["case"], c["key"] or c["task"]): (c["previous"], c["value"]) for c in loaded["changes"]}
    ref, waiting_ref = s.case["reference"], waiting.case["reference"]
    assert changes[(ref, "reply_due")] == ("2027-01-04T23:59:59+08:00", "2027-01-05T23:59:59+08:00")
    assert changes[(ref, "A_UT_ReplyProposer")][1].startswith("2027-01-05T15:59:59")  # UTC
    assert changes[(waiting_ref, "A_UT_Triage")][1].startswith("2027-01-05T15:59:59")

    recomputed = s.events("deadline_recomputed")[-1]["data"]
    assert (recomputed["key"], recomputed["value"], recomputed["year"]) == \
        ("reply_due", "2027-01-05T23:59:59+08:00", 2027)
    assert recomputed["source"] == TEST_2027["source"] and recomputed["note"] is None
    assert s.events("task_due_changed")[-1]["element_id"] == "A_UT_ReplyProposer"
    assert waiting.events("task_due_changed")[-1]["element_id"] == "A_UT_Triage"
    assert s.task("A_UT_ReplyProposer")["due_at"].astimezone(periods.TZ).date() == dt.date(2027, 1, 5)
    assert waiting.task("A_UT_Triage")["due_at"].astimezone(periods.TZ).date() == dt.date(2027, 1, 5)
    figures = yishi.key_figures(s.case_id)
    assert figures["reply_due"] == "2027-01-05T23:59:59+08:00" and "approximate_deadlines" not in figures
    assert s.data()["reply_due"] == "2027-01-05T23:59:59+08:00"  # what later gateways and scripts read

    again = yishi.load_holidays(TEST_2027, ADMIN)  # nothing depends on 2027 any more: nothing to redo
    assert again["changes"] == []
    versions = yishi.holidays()
    assert [v["in_force"] for v in versions["versions"]] == [True, False] and 2027 in versions["covered_years"]
    assert 2026 in versions["package_years"] and 2027 not in versions["package_years"]


def test_the_cli_loads_a_shipped_year_and_lists_the_versions(yishi, monkeypatch):
    from typer.testing import CliRunner

    from engine.cli import app as cli

    monkeypatch.setattr("engine.cli._service", lambda database: yishi)
    loaded = CliRunner().invoke(cli, ["holidays", "load", str(CALENDARS / "2026.yaml")])
    assert loaded.exit_code == 0, loaded.output
    assert "2026: version" in loaded.output and "0 deadline(s) recomputed" in loaded.output
    listed = CliRunner().invoke(cli, ["holidays", "list"])
    assert listed.exit_code == 0 and "2026 v" in listed.output and "(in force)" in listed.output
    broken = CliRunner().invoke(cli, ["holidays", "load", str(CALENDARS / "missing.yaml")])
    assert broken.exit_code == 1 and "error:" in broken.output
