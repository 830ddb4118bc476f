"""流程预测 (issue 13 item 8): the path ahead of an open case — the remaining steps of the most likely path, the
role and the people of each, due dates counted as the steps will count them, marked as a forecast."""

from __future__ import annotations

import datetime as dt

from engine.people import accounts, units
from tests.support.five_step import UNIT, consult, evaluate, register, start, triage


def test_a_new_five_step_case_forecasts_the_procedure_ahead(yishi):
    with yishi.db.begin() as conn:
        units.ensure(conn, UNIT, "community", UNIT)
        accounts.ensure_user(conn, "steward_li", "pw-pw-pw-pw", roles=[(UNIT, "grid_steward")])
    s = start(yishi)
    ahead = yishi.forecast(s.case_id)
    assert ahead["forecast"] is True
    steps = ahead["steps"]
    ids = [step["element_id"] for step in steps]
    assert steps[0]["open"] and ids[0] == "A_UT_Register" and steps[0]["holders"] == ["steward_li"]
    # the main line of the procedure, in order: 提议 → 商议 → 评议 → 审议 → 决议 → … → 归档
    main = ["A_UT_Register", "A_UT_Triage", "A_UT_Consult", "A_UT_Evaluate", "A_UT_PartyReview",
            "AV_UT_RecordVote", "CI_UT_Classify", "RE_UT_Evaluate", "AR_UT_Archive"]
    assert [i for i in ids if i in main] == main, ids
    assert "A_UT_PanelSign" not in ids  # panel_sign is 'none': the recorder enters the verdict
    assert not any(step["open"] for step in steps[1:])
    # every forecast due date lies after the one before (each step counted from when the previous falls due)
    dues = [step["due_at"] for step in steps if step["due_at"] is not None]
    assert len(dues) >= 3 and dues == sorted(dues)
    triage = next(step for step in steps if step["element_id"] == "A_UT_Triage")
    assert triage["role"] == "grid_steward" and triage["holders"] == ["steward_li"]


def test_history_picks_the_branch_cases_really_took(yishi):
    s = start(yishi, title="先例")
    register(s)
    triage(s)
    consult(s)
    evaluate(s, "infeasible", conditions="费用过高")
    t = start(yishi, title="新案")
    register(t)
    triage(t)
    consult(t)
    ids = [step["element_id"] for step in yishi.forecast(t.case_id)["steps"]]
    assert ids[0] == "A_UT_Evaluate"
    # the earlier case went from 评议 back to 商议: so does the forecast
    assert ids[1] == "A_UT_Consult", ids


def test_a_panel_vote_is_forecast_with_its_rule_and_a_closed_case_has_nothing_ahead(yishi):
    s = start(yishi, panel_sign="more_than_half")
    steps = yishi.forecast(s.case_id)["steps"]
    panel = next(step for step in steps if step["element_id"] == "A_UT_PanelSign")
    assert panel["multi_sign"] == "more_than_half" and panel["role"] == "review_panel"
    yishi.cancel(s.case_id, __import__("tests.support.demo_case", fromlist=["ADMIN"]).ADMIN, "测试")
    assert yishi.forecast(s.case_id)["steps"] == []
    assert isinstance(yishi.forecast(s.case_id)["generated_at"], dt.datetime)


def test_a_drawn_return_is_never_the_way_ahead(yishi):
    """评议 draws a 退回 to 商议 (A_BR_Evaluate): the forecast from 评议 goes on to 审议, and what lies ahead of a
    step never counts the steps behind its return."""
    from engine.cases.forecast import Forecaster

    s = start(yishi, title="退回不是前路")
    register(s)
    triage(s)
    consult(s)
    ids = [step["element_id"] for step in yishi.forecast(s.case_id)["steps"]]
    assert ids[0] == "A_UT_Evaluate" and "A_UT_Consult" not in ids and "A_UT_PartyReview" in ids, ids
    with yishi.db.connect() as conn:
        forecaster = Forecaster(conn, yishi.runtime.load(conn, s.case_id), yishi.runtime.script_engine)
        ahead, _ends = forecaster._reachable("five_step", "five_step", "A_UT_Triage.BoundaryEventSplit")
    assert "A_UT_Triage" in ahead and "A_UT_Register" not in ahead  # the return to 登记建档 leads back
