"""The stuck report in pages: counts per reason over every page, the oldest rows first, filters by reason, unit and
method, from cases driven through the engine."""

from __future__ import annotations

import datetime as dt

from tests.support.demo_case import ADMIN, PROPOSAL, PROPOSER, UNIT, open_task

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def at_review(service) -> int:
    case = service.start("demo_petition", UNIT, PROPOSER, {"title": "x"})
    service.complete(case["id"], open_task(service, case["id"], "propose")["task_id"], PROPOSER, PROPOSAL)
    return case["id"]


def test_pages_counts_and_filters(demo, frozen_clock):
    first = at_review(demo)
    frozen_clock.advance(dt.timedelta(days=1))
    second = at_review(demo)
    frozen_clock.advance(dt.timedelta(days=30))  # both reviews overdue (due after 7 days), both idle (14 days)
    page = demo.stuck_page(ADMIN, limit=2)
    assert page["counts"] == {"overdue": 2, "idle": 2} and page["total"] == 4
    assert [(r["case_id"], r["reason"]) for r in page["items"]] == [(first, "idle"), (second, "idle")]
    assert page["items"][0]["element_id"] == "review" and page["items"][0]["role"] == "grid_steward"
    rest = demo.stuck_page(ADMIN, limit=2, offset=2)
    assert [(r["case_id"], r["reason"]) for r in rest["items"]] == [(first, "overdue"), (second, "overdue")]
    assert rest["items"][0]["detail"].render("en") == "'Review' was due"
    only = demo.stuck_page(ADMIN, reason="overdue", limit=10)
    assert only["counts"] == {"overdue": 2} and len(only["items"]) == 2
    assert demo.stuck_page(ADMIN, method="five_step")["total"] == 0
    assert demo.stuck_page(ADMIN, unit="翠湖社区")["total"] == 0
    assert demo.stuck_page(ADMIN, method="demo_petition", unit=UNIT)["total"] == 4
