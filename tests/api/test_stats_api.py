"""``GET /api/stats`` and ``/api/stats.csv`` through the real app: the figures of a case driven over HTTP, who
sees which units, the CSV a spreadsheet opens, and bad periods answered 422 naming the field. The figures
themselves are worked out by hand in tests/engine/test_stats.py."""

from __future__ import annotations

import codecs
import csv
import io

import pytest

from engine.definitions.compiler import load_bundle
from engine.domain.actors import Actor
from engine.people import demo
from tests.support.demo_case import DEMO, PROPOSAL
from tests.support.http_app import demo_client, login
from tests.support.http_scenario import HttpScenario
from tests.support.scenario import PROCESSES

COMMUNITY, BUILDING = demo.COMMUNITY, demo.BUILDING


@pytest.fixture
def client(db_url):
    with demo_client(db_url, PROCESSES) as client:
        client.service.deploy(load_bundle([DEMO]), Actor("designer", is_designer=True))
        s = HttpScenario.start(client, "demo_petition", unit=COMMUNITY, data={"title": "3号院充电桩"})
        s.do("propose", PROPOSAL, by="proposer")
        s.do("review", {"decision": "reject", "reason": "不属于本社区事务"}, by="grid_steward")
        HttpScenario.start(client, "demo_petition", unit=COMMUNITY, data={"title": "5号楼垃圾分类"})
        yield client


def get(client, path: str, user: str, **headers):
    return client.get(path, headers={**login(client, user), **headers})


def test_the_figures_of_cases_driven_over_http(client):
    report = get(client, "/api/stats", "admin").json()
    assert (report["from_date"], report["to_date"], report["timezone"]) == ("2026-01-01", "2026-03-02",
                                                                            "Asia/Shanghai")
    totals = report["totals"]
    assert (totals["started"], totals["finished"], totals["tasks_completed"], totals["tasks_with_due"],
            totals["tasks_late"], totals["overdue_rate"]) == (2, 1, 2, 1, 0, 0.0)
    assert [(e["end_event"], e["name"], e["count"]) for e in totals["by_end_event"]] == [
        ("end_rejected", "不予受理", 1)]
    community = next(u for u in report["units"] if u["code"] == COMMUNITY)
    assert community["figures"]["started"] == 2
    [method] = report["methods"]
    assert [(s["element_id"], s["completed"], s["median_days"]) for s in method["stages"]] == [
        ("propose", 1, 0.0), ("review", 1, 0.0)]
    english = get(client, "/api/stats?method=demo_petition", "admin", **{"Accept-Language": "en"}).json()
    assert english["methods"][0]["name"] == "Courtyard petition" and english["method"] == "demo_petition"


def test_members_see_their_units_only(client):
    steward = get(client, "/api/stats", "grid_steward").json()
    assert [u["code"] for u in steward["units"]] == [COMMUNITY] and steward["totals"]["started"] == 2
    union = get(client, "/api/stats", "union_fed").json()
    assert [u["code"] for u in union["units"]] == [BUILDING] and union["totals"]["started"] == 0
    refused = get(client, f"/api/stats?unit={COMMUNITY}", "union_fed")
    assert refused.status_code == 403 and refused.headers["content-type"] == "application/problem+json"
    assert get(client, "/api/stats?unit=nowhere", "admin").status_code == 404
    assert client.get("/api/stats").status_code == 401


def test_the_csv_opens_in_excel(client):
    answer = get(client, "/api/stats.csv?from=2026-03-01&to=2026-03-02", "admin")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    assert 'filename="yishi-stats-2026-03-01-2026-03-02.csv"' in answer.headers["content-disposition"]
    assert answer.content.startswith(codecs.BOM_UTF8)  # Excel reads the file as UTF-8 only with it
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert rows[0] == ["统计期间 2026-03-01 至 2026-03-02（北京时间）"]
    assert rows[3][:5] == ["单位", "单位代码", "上级单位", "发起", "办结"]
    row = next(r for r in rows if len(r) > 1 and r[1] == COMMUNITY)
    assert row[:5] == ["盘龙区金江路社区", COMMUNITY, "拓东街道", "2", "1"]  # the demo street above it
    assert ["小区议事", "不予受理", "1"] in rows
    english = get(client, "/api/stats.csv", "admin", **{"Accept-Language": "en"}).content.decode("utf-8-sig")
    assert "unit,unit code,parent unit,started,finished" in english


@pytest.mark.parametrize(("query", "field"), [("from=2026-02-30", "from"), ("to=yesterday", "to"),
                                              ("from=2026-03-02&to=2026-03-01", "to"), ("from=1900-01-01", "from")])
def test_a_bad_period_is_a_422_naming_the_field(client, query, field):
    answer = get(client, f"/api/stats?{query}", "admin")
    assert answer.status_code == 422, answer.text
    assert field in answer.text
