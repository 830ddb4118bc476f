"""The task actions of issue 13 on a real engine and database: 催办, 抄送, 转办, 委派, 加签, stand-ins, 换届,
撤回, 撤销, 退回, the four views and the summary lines (tests/fixtures/actions: the demo petition with
``returnTo``, ``copyTo``, ``statutory``, ``summaryFields`` and ``withdrawUntil``)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import sqlalchemy as sa

from engine.cases import summary
from engine.definitions.compiler import load_bundle
from engine.domain import clock
from engine.domain.actors import Actor
from engine.errors import Conflict, Forbidden, InvalidInput, InvalidState, NotFound
from engine.people import accounts, units
from engine.service import Yishi
from engine.store.tables import cases, notifications, outbox
from tests.support.demo_case import DESIGNER, PROPOSAL, UNIT

ACTIONS = Path(__file__).resolve().parent.parent / "fixtures" / "actions" / "actions.bpmn"
STREET = "拓东街道"
PEOPLE = {"pan": [(UNIT, "proposer")], "wang": [(UNIT, "grid_steward")], "li": [(UNIT, "grid_steward")],
          "chen": [(UNIT, "assembly")], "zhou": [(UNIT, "assembly")], "zhao": [(STREET, "street_office")],
          "lawyer": [], "ada": []}
VOTE = {"eligible": 41, "present": 30, "yes": 22, "no": 5, "abstain": 3}


@pytest.fixture
def acts(yishi: Yishi) -> Yishi:
    return seed_actions(yishi)


def seed_actions(yishi: Yishi) -> Yishi:
    """The actions fixture process deployed and its people (a street above the community) added."""
    with yishi.db.begin() as conn:
        units.ensure(conn, STREET, "street", "拓东街道")
        units.ensure(conn, UNIT, "community", "金江路社区", parent=STREET)
        for user, roles in PEOPLE.items():
            accounts.ensure_user(conn, user, "pw-not-used", roles=roles, admin=user == "ada")
    yishi.deploy(load_bundle([ACTIONS]), DESIGNER)
    return yishi


def who(service: Yishi, user: str) -> Actor:
    return service.user(user)


def start(service: Yishi, title: str = "3号院充电桩") -> dict:
    return service.start("actions_petition", UNIT, who(service, "pan"), {"title": title})


def step(service: Yishi, case_id: int, element: str) -> dict:
    found = [t for t in service.case(case_id)["open_tasks"] if t["element_id"] == element]
    assert len(found) == 1, service.case(case_id)["open_tasks"]
    return found[0]


def to_review(service: Yishi) -> tuple[int, str]:
    case = start(service)
    service.complete(case["id"], step(service, case["id"], "propose")["task_id"], who(service, "pan"), PROPOSAL)
    return case["id"], step(service, case["id"], "review")["task_id"]


def to_vote(service: Yishi) -> tuple[int, str]:
    case_id, review = to_review(service)
    service.complete(case_id, review, who(service, "wang"), {"decision": "deliberate"})
    return case_id, step(service, case_id, "vote")["task_id"]


def file_kinds(service: Yishi, case_id: int) -> list[str]:
    rows, verification = service.history(case_id)
    assert verification.ok, verification
    return [r["kind"] for r in rows]


def told(service: Yishi, user: str, kind: str) -> list[dict]:
    with service.db.connect() as conn:
        return [dict(r) for r in conn.execute(sa.select(notifications).where(
            notifications.c.user_id == user, notifications.c.kind == kind)).mappings()]


# ----- 催办 -------------------------------------------------------------------------------------------------------

def test_the_starter_urges_the_review_once_per_cooldown_and_the_stewards_are_told_at_once(acts):
    case_id, review = to_review(acts)
    urged = acts.urge(review, who(acts, "pan"), "已经一周了，请尽快答复")
    assert urged["urge_count"] == 1 and urged["holders"] == ["li", "wang"]
    for steward in ("li", "wang"):
        notice = told(acts, steward, "urged")
        assert len(notice) == 1 and notice[0]["payload"]["note"] == "已经一周了，请尽快答复"
    with pytest.raises(Conflict):
        acts.urge(review, who(acts, "pan"), "再催")
    clock.clock.set(clock.now() + dt.timedelta(minutes=121))
    assert acts.urge(review, who(acts, "pan"))["urge_count"] == 2
    kinds = file_kinds(acts, case_id)
    assert kinds.count("task_urged") == 2


def test_the_case_page_shows_whether_the_urged_holder_opened_the_step_since(acts):
    case_id, review = to_review(acts)
    acts.urge(review, who(acts, "pan"), "请答复")
    before = acts.case_actions(case_id, who(acts, "pan"))["steps"][0]
    assert before["urge_count"] == 1 and not before["opened_since_urge"]
    clock.clock.set(clock.now() + dt.timedelta(minutes=5))
    acts.task_detail(review, who(acts, "wang"))
    after = acts.case_actions(case_id, who(acts, "pan"))["steps"][0]
    assert after["opened_since_urge"] and after["opened_at"] > after["urged_at"]


def test_an_outsider_may_not_urge_and_a_holder_need_not_urge_themselves(acts):
    case_id, review = to_review(acts)
    with pytest.raises(Forbidden):
        acts.urge(review, who(acts, "chen"), "催")  # an assembly member who took no part (and sees the unit)
    acts.claim(review, who(acts, "wang"))
    with pytest.raises(InvalidState):
        acts.urge(review, who(acts, "wang"), "催自己")


def test_urging_a_step_that_was_just_completed_is_refused(acts):
    case_id, review = to_review(acts)
    acts.complete(case_id, review, who(acts, "wang"), {"decision": "deliberate"})
    with pytest.raises((Conflict, NotFound)):
        acts.urge(review, who(acts, "pan"), "催")


# ----- 抄送 and the four views --------------------------------------------------------------------------------

def test_a_step_copies_the_case_to_its_roles_and_a_participant_copies_it_to_a_lawyer_once(acts):
    case_id, review = to_review(acts)
    acts.complete(case_id, review, who(acts, "wang"), {"decision": "deliberate"})
    first = acts.copy_case(case_id, who(acts, "wang"), ["lawyer"], note="请看看是否合规")
    again = acts.copy_case(case_id, who(acts, "wang"), ["lawyer", "zhao"], note="再抄送")
    assert first["added"] == ["lawyer"] and "lawyer" in again["already"]
    items, total = acts.copied_to_me(who(acts, "lawyer"))
    assert total == 1 and items[0]["read_at"] is None and items[0]["note"] == "请看看是否合规"
    assert acts.view_counts(who(acts, "lawyer"))["copied_unread"] == 1
    assert told(acts, "lawyer", "copied")
    acts.visible_case(case_id, who(acts, "lawyer"))  # the lawyer is no member of the unit but may read it now
    items, _ = acts.copied_to_me(who(acts, "lawyer"))
    assert items[0]["read_at"] is not None and acts.view_counts(who(acts, "lawyer"))["copied_unread"] == 0
    assert again["added"] == [] and again["already"] == ["lawyer", "zhao"]  # zhao had it from the review's copyTo
    assert file_kinds(acts, case_id).count("case_copied") == 2  # the step's copy and the lawyer's: once each


def test_the_review_step_copies_the_street_office(acts):
    case_id, review = to_review(acts)
    acts.complete(case_id, review, who(acts, "wang"), {"decision": "deliberate"})
    items, total = acts.copied_to_me(who(acts, "zhao"))
    assert total == 1 and items[0]["copied_by"] == "system" and items[0]["element_id"] == "review"


def test_the_four_views_take_the_same_filters_and_count_alike(acts):
    case_id, review = to_review(acts)
    other = start(acts, "楼道灯维修")
    pan = who(acts, "pan")
    counts = acts.view_counts(pan)
    assert counts["started"] == 2 and counts["done"] == 1 and counts["todo"] == 1  # the other case's proposal
    narrowed = acts.view_counts(pan, q="楼道")
    assert narrowed == {**narrowed, "started": 1, "done": 0, "todo": 1}
    assert acts.view_counts(who(acts, "wang"), q="充电桩")["todo"] == 1
    assert acts.count_inbox(who(acts, "wang"), q="楼道") == 0
    assert [c["id"] for c in acts.cases(pan, started_by="pan", q="楼道")] == [other["id"]]


def test_summary_lines_follow_the_case_into_lists_and_notifications(acts):
    case_id, review = to_review(acts)
    task = acts.inbox(who(acts, "wang"), "en")[0]
    assert [s["name"] for s in task["summary"]] == ["households", "description"]
    assert task["summary"][0] == {"name": "households", "title": "涉及户数 Households affected", "value": "86"}
    notice = told(acts, "wang", "task_opened")[-1]
    assert notice["payload"]["summary"][0]["value"]["zh-CN"] == "86"
    with acts.db.connect() as conn:
        rendered = conn.execute(sa.select(outbox.c.payload)).scalars().all()
    assert rendered == [] or all(isinstance(p, dict) for p in rendered)


def test_a_step_that_changes_no_summary_field_leaves_the_lines_unwritten(acts):
    case_id, review = to_review(acts)
    before = acts.case(case_id)["summary"]
    updates = []

    def listen(_conn, _cursor, statement, *_args):
        if statement.startswith("UPDATE cases SET summary"):
            updates.append(statement)
    sa.event.listen(acts.db, "before_cursor_execute", listen)
    try:
        acts.complete(case_id, review, who(acts, "wang"), {"decision": "deliberate"})
    finally:
        sa.event.remove(acts.db, "before_cursor_execute", listen)
    assert updates == [] and acts.case(case_id)["summary"] == before
    with acts.db.begin() as conn:  # the lines a step's data gives are written when they differ
        row = conn.execute(sa.select(cases).where(cases.c.id == case_id)).one()
        forms = acts.runtime.definition(conn, row.definition_version_id).forms
        summary.record(conn, case_id, row.definition_version_id, forms, {**PROPOSAL, "households": 90},
                       current=row.summary)
    assert acts.case(case_id)["summary"][0]["value"] == "90"


# ----- hand-over ---------------------------------------------------------------------------------------------

def test_a_steward_transfers_the_review_to_another_steward_with_a_reason(acts):
    case_id, review = to_review(acts)
    acts.claim(review, who(acts, "wang"))
    moved = acts.transfer(review, who(acts, "wang"), "li", "我下周休假")
    assert moved["to"] == "li" and step(acts, case_id, "review")["claimed_by"] == "li"
    assert told(acts, "li", "task_assigned")
    with pytest.raises(Forbidden):  # not the holder any more
        acts.transfer(review, who(acts, "wang"), "li", "再转")
    with pytest.raises(Forbidden):  # the proposer holds no steward role
        acts.transfer(review, who(acts, "li"), "pan", "给提议人")
    with pytest.raises(InvalidInput):
        acts.transfer(review, who(acts, "li"), "wang", "")
    acts.complete(case_id, review, who(acts, "li"), {"decision": "deliberate"})
    assert "task_transferred" in file_kinds(acts, case_id)


def test_a_vote_stays_with_the_assembly_it_is_consulted_on_but_never_delegated(acts):
    case_id, vote = to_vote(acts)
    with pytest.raises(Forbidden):
        acts.ask(vote, who(acts, "chen"), "delegate", "lawyer", "请律师代为表决")
    asked = acts.ask(vote, who(acts, "chen"), "consult_before", "lawyer", "这个决议合法吗？")
    with pytest.raises(InvalidState):  # the vote waits for the opinion asked before it
        acts.complete(case_id, vote, who(acts, "chen"), VOTE)
    assert acts.requests_to_me(who(acts, "lawyer"))[0]["id"] == asked["id"]
    acts.answer_request(asked["id"], who(acts, "lawyer"), "合法，符合居民会议规则")
    assert told(acts, "chen", "answered")
    acts.transfer(vote, who(acts, "chen"), "zhou", "回避：本人是利害关系人")
    with pytest.raises(Forbidden):  # a statutory step moves only within its role
        acts.transfer(vote, who(acts, "zhou"), "wang", "给网格员")
    acts.complete(case_id, vote, who(acts, "zhou"), VOTE)
    assert acts.case(case_id)["status"] == "completed"


def test_a_delegated_review_comes_back_to_the_steward_who_decides(acts):
    case_id, review = to_review(acts)
    acts.claim(review, who(acts, "wang"))
    asked = acts.ask(review, who(acts, "wang"), "delegate", "lawyer", "请出具法律意见")
    with pytest.raises(Conflict):
        acts.ask(review, who(acts, "wang"), "delegate", "zhao", "再委派一个")
    with pytest.raises(InvalidState):
        acts.complete(case_id, review, who(acts, "wang"), {"decision": "deliberate"})
    with pytest.raises(Forbidden):  # the delegate answers; they do not decide
        acts.complete(case_id, review, who(acts, "lawyer"), {"decision": "deliberate"})
    acts.answer_request(asked["id"], who(acts, "lawyer"), "可以受理")
    acts.complete(case_id, review, who(acts, "wang"), {"decision": "deliberate"})
    kinds = file_kinds(acts, case_id)
    assert kinds.index("task_delegated") < kinds.index("request_answered") < kinds.index("task_completed", 5)


def test_a_consultation_after_the_decision_opens_when_the_step_is_completed(acts):
    case_id, review = to_review(acts)
    acts.ask(review, who(acts, "wang"), "consult_after", "zhao", "请街道事后审阅")
    assert acts.requests_to_me(who(acts, "zhao")) == []
    acts.complete(case_id, review, who(acts, "wang"), {"decision": "deliberate"})
    assert told(acts, "zhao", "requested")


def test_a_stand_in_takes_the_absent_stewards_steps_for_the_dates_and_gives_them_back(acts):
    case_id, review = to_review(acts)
    acts.claim(review, who(acts, "wang"))
    today = dt.date(2026, 3, 2)
    set_ = acts.set_stand_in(who(acts, "wang"), "wang", "li", today, today + dt.timedelta(days=2), "病假")
    assert [m["task_id"] for m in set_["moved"]] == [review]
    assert step(acts, case_id, "review")["claimed_by"] == "li"
    acts.tick(dt.datetime(2026, 3, 5, 1, 0, tzinfo=dt.UTC))  # the day after the last day of the absence
    assert step(acts, case_id, "review")["claimed_by"] == "wang"
    assert file_kinds(acts, case_id).count("task_transferred") == 2


def test_handover_moves_every_open_step_of_a_member_whose_term_ends(acts):
    reviews = [to_review(acts) for _ in range(2)]
    for _case_id, review in reviews:
        acts.claim(review, who(acts, "wang"))
    with pytest.raises(Forbidden):
        acts.handover(who(acts, "li"), "wang", "li", "换届")
    done = acts.handover(who(acts, "ada"), "wang", "li", "换届：王网格员任期届满")
    assert len(done["moved"]) == 2 and done["kept"] == []
    assert all(step(acts, c, "review")["claimed_by"] == "li" for c, _ in reviews)


# ----- 撤回, 撤销, 退回 ---------------------------------------------------------------------------------------

def test_the_proposer_takes_back_their_proposal_step_until_the_steward_acts(acts):
    case_id, review = to_review(acts)
    propose = [e for e in acts.history(case_id)[0] if e["kind"] == "task_completed"][-1]["task_id"]
    acts.withdraw_step(propose, who(acts, "pan"), "写错了户数")
    reopened = step(acts, case_id, "propose")
    assert reopened["task_id"] == propose and reopened["claimed_by"] == "pan"
    assert acts.task_detail(propose, who(acts, "pan"))["initial_data"]["households"] == 86
    acts.complete(case_id, propose, who(acts, "pan"), {**PROPOSAL, "households": 90})
    review = step(acts, case_id, "review")["task_id"]
    acts.claim(review, who(acts, "wang"))
    with pytest.raises(Conflict):  # the steward claimed the next step: acted on
        acts.withdraw_step(propose, who(acts, "pan"), "再改")
    with pytest.raises(Forbidden):
        acts.withdraw_step(propose, who(acts, "wang"), "不是我的")
    assert "task_withdrawn" in file_kinds(acts, case_id)


def test_the_proposer_withdraws_the_proposal_before_the_vote_but_not_after(acts):
    case_id, _review = to_review(acts)
    with pytest.raises(Forbidden):
        acts.withdraw_case(case_id, who(acts, "wang"), "不是我的")
    with pytest.raises(InvalidInput):
        acts.withdraw_case(case_id, who(acts, "pan"), " ")
    acts.withdraw_case(case_id, who(acts, "pan"), "已与物业协商解决")
    assert acts.case(case_id)["status"] == "cancelled"
    assert told(acts, "wang", "taken_back")
    kinds = file_kinds(acts, case_id)
    assert kinds[-3:] == ["case_withdrawn", "case_cancelled", "task_closed"] or "case_withdrawn" in kinds
    decided, _vote = to_vote(acts)
    with pytest.raises(InvalidState):
        acts.withdraw_case(decided, who(acts, "pan"), "太晚了")


def test_the_steward_returns_the_case_to_the_proposer_who_resubmits(acts):
    case_id, review = to_review(acts)
    with pytest.raises(InvalidInput):
        acts.return_task(review, who(acts, "wang"), "propose", "")
    with pytest.raises(InvalidInput):  # not a return the process allows
        acts.return_task(review, who(acts, "wang"), "vote", "乱退")
    acts.return_task(review, who(acts, "wang"), "propose", "请补充涉及的户数和位置")
    again = step(acts, case_id, "propose")
    assert again["claimed_by"] == "pan" and told(acts, "pan", "taken_back")
    actions = acts.task_actions(again["task_id"], who(acts, "pan"))
    assert actions["returned"]["reason"] == "请补充涉及的户数和位置" and actions["returned"]["by"] == "wang"
    acts.complete(case_id, again["task_id"], who(acts, "pan"), {**PROPOSAL, "households": 88})  # 再次提交
    assert step(acts, case_id, "review")
    kinds = file_kinds(acts, case_id)
    assert kinds.count("task_completed") == 2 and "task_returned" in kinds


def test_the_task_page_offers_what_the_process_allows_there(acts):
    case_id, review = to_review(acts)
    actions = acts.task_actions(review, who(acts, "wang"))
    assert actions["holder"] and actions["may_delegate"] and not actions["statutory"]
    assert [r["element_id"] for r in actions["return_to"]] == ["propose"]
    acts.complete(case_id, review, who(acts, "wang"), {"decision": "deliberate"})
    vote = step(acts, case_id, "vote")["task_id"]
    actions = acts.task_actions(vote, who(acts, "chen"), "en")
    assert actions["statutory"] == "vote" and not actions["may_delegate"] and actions["statutory_name"] == "a vote"


def test_the_stuck_report_shows_the_urges_and_whether_the_holder_opened_the_step_since(acts):
    case_id, review = to_review(acts)
    acts.urge(review, who(acts, "pan"), "请答复")
    clock.clock.set(dt.datetime(2026, 3, 20, 1, 0, tzinfo=dt.UTC))  # the review is overdue by then
    row = next(r for r in acts.stuck_page(who(acts, "ada"))["items"] if r["case_id"] == case_id)
    assert row["urge_count"] == 1 and row["opened_since_urge"] is False
    acts.task_detail(review, who(acts, "wang"))
    row = next(r for r in acts.stuck_page(who(acts, "ada"))["items"] if r["case_id"] == case_id)
    assert row["opened_since_urge"] is True


def test_a_withdrawal_the_method_publishes_shows_on_the_units_public_board(acts):
    case_id, _review = to_review(acts)
    acts.withdraw_case(case_id, who(acts, "pan"), "已与物业协商解决")
    board = acts.public_board(UNIT, "en")
    assert [(o["reference"], o["end_event"], o["end_event_name"]) for o in board["outcomes"]] == [
        (acts.case(case_id)["reference"], "withdrawn", "Withdrawn by the proposer")]


# ----- 退回 along the drawn flow ----------------------------------------------------------------------------------

def test_a_return_follows_the_drawn_flow_and_the_earlier_step_opens_anew_prefilled(acts):
    case_id, review = to_review(acts)
    before = acts.case(case_id)["next_timer_at"]
    assert before is not None  # the review's reply deadline (a timer boundary event) is waiting
    back = acts.runtime.return_to(case_id, review, who(acts, "wang"), "propose", "请补充位置")
    again = step(acts, case_id, "propose")
    assert back["task_id"] == again["task_id"] != review and back["holder"] == "pan"
    assert again["claimed_by"] == "pan"
    detail = acts.task_detail(again["task_id"], who(acts, "pan"))
    assert detail["initial_data"]["description"] == PROPOSAL["description"]  # what was submitted comes back
    assert detail["initial_data"]["households"] == PROPOSAL["households"]
    assert acts.case(case_id)["next_timer_at"] is None  # the review's deadline went with the review
    rows, verification = acts.history(case_id)
    assert verification.ok
    returned = [r for r in rows if r["kind"] == "task_returned"]
    assert len(returned) == 1 and returned[0]["element_id"] == "review"
    assert returned[0]["data"]["to_task"] == again["task_id"] and returned[0]["data"]["reason"] == "请补充位置"


def test_a_return_the_diagram_does_not_draw_is_refused_naming_the_element(acts):
    case_id, review = to_review(acts)
    with pytest.raises(InvalidInput) as refused:
        acts.return_task(review, who(acts, "wang"), "vote", "跳过去")
    assert "vote" in str(refused.value) and refused.value.errors[0].path == "to_element"
    with pytest.raises(InvalidInput):  # nor to an element that is no step at all
        acts.return_task(review, who(acts, "wang"), "decided", "跳过去")
    assert step(acts, case_id, "review")["task_id"] == review  # nothing moved
    assert "task_returned" not in file_kinds(acts, case_id)


def test_an_earlier_version_with_returnto_keeps_sending_its_cases_back(acts, monkeypatch):
    """A version deployed before returns were drawn (its ``returnTo`` property) stays as it was deployed: its
    running cases still go back there, while a new version must draw its returns."""
    from engine.definitions import lint_actions

    old = ACTIONS.parent / "v1" / "actions.bpmn"  # as deployed before returns were drawn
    problems = [p for p in __import__("engine.definitions.lint", fromlist=["lint"]).lint(
        {old.name: old.read_bytes()}, {}).problems if p.code == "return_to_not_drawn"]
    assert [p.element_id for p in problems] == ["review"]
    with monkeypatch.context() as patched:  # deployed under the rules of its day
        patched.setattr(lint_actions, "_check_returns", lambda *a: None)
        original = lint_actions.check

        def lenient(filename, tree, all_ids, found):
            mine = []
            original(filename, tree, all_ids, mine)
            found.extend(p for p in mine if p.code != "return_to_not_drawn")
        patched.setattr(lint_actions, "check", lenient)
        acts.deploy(load_bundle([old]), DESIGNER)
    case_id, review = to_review(acts)  # a case of the old version
    acts.deploy(load_bundle([ACTIONS]), DESIGNER)  # the drawn version comes after it
    assert acts.task_actions(review, who(acts, "wang"))["return_to"][0]["element_id"] == "propose"
    acts.return_task(review, who(acts, "wang"), "propose", "请补充")
    again = step(acts, case_id, "propose")
    assert again["claimed_by"] == "pan"
    acts.complete(case_id, again["task_id"], who(acts, "pan"), PROPOSAL)
    assert step(acts, case_id, "review")
