"""Multi-person steps (会签 / 或签 / 依次 / 票签) as SpiffWorkflow multi-instance user tasks.

A step done by several members is a ``userTask`` with ``multiInstanceLoopCharacteristics`` over a list of user ids
(``loopDataInputRef``: the members of a role, ``role_members('review_panel')`` in the wrapper's preScript, or a
list chosen in an earlier form); each instance is addressed to one member (``assignee`` = the input item). The
step's ``signRule`` property (an expression, like ``assignee``) names its rule:

========== ============== ======================================================= ===========================
rule       Chinese        done when                                               completionCondition
========== ============== ======================================================= ===========================
all        会签           every member agreed, or one refused                     ``signs_rejected > 0``
any        或签           the first member decided                                ``signs_done >= 1``
sequential 依次           as ``all``, one member after another (isSequential)     ``signs_rejected > 0``
<vote fn>  票签           the majority word is met, or can no longer be           e.g. ``more_than_half(signs_approved,
                          (``more_than_half``, ``two_thirds_or_more``, …)          signs_total) or not more_than_half(
                                                                                   signs_total - signs_rejected,
                                                                                   signs_total)``
========== ============== ======================================================= ===========================

SpiffWorkflow 3.2 evaluates ``completionCondition`` after each instance against **that instance's data only** (the
collected output is not visible there, SPIFFWORKFLOW_NOTES.md §2), and cancels the open instances when it is true.
So before an instance runs, Yishi puts the tally *including this decision* into the instance's data
(``signs_total``, ``signs_done``, ``signs_approved``, ``signs_rejected``) and writes the instance's output item
(``outputDataItem``) itself: ``{"member", "decision", "opinion", "signature", "at"}``. The condition stays in the
BPMN, in the designers' own vote functions, and the lint checks that it exists for every rule that ends early.

Each decision is a ``sign_recorded`` event; the step's end is ``multi_sign_completed`` with the counts, the
outcome by the rule and the members whose instances were withdrawn by an early completion. Two members completing
their instances at once are two writers of one case: the loser of the ``lock_version`` race is retried on fresh
state (its own instance is still open), so both decisions count exactly once.
"""

from __future__ import annotations

import datetime as dt

from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import MultiInstanceTask, SequentialMultiInstanceTask
from SpiffWorkflow.util.task import TaskState

from engine.domain import rules
from engine.domain.statuses import PASS_KEY, SAME_PASS_KEY, EventKind
from engine.domain.texts import Text
from engine.errors import FieldError, InvalidInput
from engine.store.audit import Event
from engine.workflow import projection

DECISIONS = ("approve", "reject")
RULES = projection.SIGN_RULES
VOTE_RULES = {name: getattr(rules, name) for name in RULES if name not in ("all", "any", "sequential")}
RULE_NAMES = {"all": Text("会签", "all must agree"), "any": Text("或签", "any one decides"),
              "sequential": Text("依次审批", "one after another"),
              "more_than_half": Text("票签（过半数）", "vote: more than half"),
              "half_or_more": Text("票签（半数以上）", "vote: half or more"),
              "two_thirds_or_more": Text("票签（三分之二以上）", "vote: two thirds or more")}
TALLY_KEYS = ("signs_total", "signs_done", "signs_approved", "signs_rejected")


def instances(wrapper) -> list:
    return [c for c in wrapper.children if c.task_spec.name == wrapper.task_spec.task_spec]


def pass_marks(task) -> dict:
    """What a member's ``task_completed`` says about the run of its step, read before the instance runs: every
    instance of one run completes the same element, and the stuck report counts the run once (engine.store.
    report_state), while a loop back to the step is a new run (a new wrapper task) and counts again."""
    wrapper = projection.wrapper_of(task)
    if wrapper is None:
        return {}
    earlier = any(i.id != task.id and i.state == TaskState.COMPLETED for i in instances(wrapper))
    return {PASS_KEY: str(wrapper.id), **({SAME_PASS_KEY: str(wrapper.id)} if earlier else {})}


def rule_of(task) -> str | None:
    """The rule stored when the instance opened (``projection.prepare_ready_tasks``), else None."""
    return task.internal_data.get(projection.SIGN_RULE_KEY)


def total_of(wrapper) -> int:
    spec = wrapper.task_spec
    if spec.data_input is not None and spec.data_input.exists(wrapper):
        return len(spec.data_input.get(wrapper))
    cardinality = wrapper.internal_data.get("cardinality")
    return cardinality if isinstance(cardinality, int) else len(instances(wrapper))


def collected(wrapper) -> list[dict]:
    """The signs merged so far (the wrapper's ``loopDataOutputRef``), in completion order."""
    spec = wrapper.task_spec
    if spec.data_output is None or not spec.data_output.exists(wrapper):
        return []
    output = spec.data_output.get(wrapper)
    items = list(output.values()) if isinstance(output, dict) else list(output or [])
    return [s for s in items if isinstance(s, dict) and s.get("decision") in DECISIONS]


def tally(wrapper, extra: dict | None = None) -> dict:
    signs = collected(wrapper) + ([extra] if extra else [])
    return {"signs_total": total_of(wrapper), "signs_done": len(signs),
            "signs_approved": sum(1 for s in signs if s["decision"] == "approve"),
            "signs_rejected": sum(1 for s in signs if s["decision"] == "reject")}


def decision_of(data: dict) -> str:
    decision = data.get("decision")
    if decision not in DECISIONS:
        raise InvalidInput(Text("请选择同意或不同意", "choose approve or reject"),
                           [FieldError("decision", Text("须为 approve（同意）或 reject（不同意）",
                                                        "must be approve or reject"))])
    return decision


def prepare(task, member: str, data: dict, opinion: dict | None, now: dt.datetime) -> tuple[dict, dict]:
    """Before an instance runs: its output item and the tally (with this decision) go into its data, so the
    step's completionCondition sees them. Returns (sign, tally) for the case file."""
    wrapper = projection.wrapper_of(task)
    opinion = opinion or {}
    sign = {"member": member, "decision": decision_of(data), "opinion": opinion.get("text", ""),
            "signature": (opinion.get("signature") or {}).get("sha256"), "at": now.isoformat()}
    counts = tally(wrapper, sign)
    task.data.update(counts)
    spec = wrapper.task_spec
    if spec.output_item is not None:
        spec.output_item.set(task, dict(sign))
    return sign, counts


def outcome(rule: str | None, counts: dict) -> str:
    """approved | rejected, by the rule, from the final counts."""
    approved, rejected, total = counts["signs_approved"], counts["signs_rejected"], counts["signs_total"]
    if rule in VOTE_RULES:
        return "approved" if VOTE_RULES[rule](approved, total) else "rejected"
    if rule == "any":
        return "approved" if approved > 0 and rejected == 0 else "rejected"
    return "approved" if total > 0 and approved == total else "rejected"


def sign_events(task, sign: dict, counts: dict) -> list[Event]:
    rule = rule_of(task)
    return [Event(EventKind.SIGN_RECORDED, sign["member"], {
        **{k: v for k, v in sign.items() if k != "at"}, "rule": rule, **counts},
        projection.element_id(task), str(task.id))]


def open_wrappers(workflow) -> dict:
    """Multi-instance steps now running, by task id (read before a step, compared after)."""
    return {t.id: t for t in projection.all_tasks(workflow)
            if isinstance(t.task_spec, MultiInstanceTask) and t.state == TaskState.STARTED}


def finished_events(before: dict, actor: str) -> list[Event]:
    """``multi_sign_completed`` for every step that was running before and is done now."""
    events = []
    for wrapper in before.values():
        if wrapper.state == TaskState.STARTED:
            continue
        members = instances(wrapper)
        rule = next((rule_of(i) for i in members if rule_of(i)), None)
        if rule is None:
            continue  # a multi-instance task that is not a signing step (no signRule)
        counts = tally(wrapper)
        withdrawn = [i.internal_data.get(projection.ASSIGNEE_KEY) for i in members if i.state == TaskState.CANCELLED]
        if isinstance(wrapper.task_spec, SequentialMultiInstanceTask):
            items = wrapper.task_spec.data_input.get(wrapper) if wrapper.task_spec.data_input is not None else []
            done = {i.internal_data.get(projection.ASSIGNEE_KEY) for i in members}
            withdrawn += [m for m in items if isinstance(m, str) and m not in done]
        events.append(Event(EventKind.MULTI_SIGN_COMPLETED, actor, {
            "rule": rule, **counts, "outcome": outcome(rule, counts), "withdrawn": [w for w in withdrawn if w]},
            getattr(wrapper.task_spec, "bpmn_id", None), str(wrapper.id)))
    return events


def progress(task) -> dict | None:
    """What a member sees of the step they sign in: the rule, the counts so far, who signed what, who is still to."""
    wrapper = projection.wrapper_of(task)
    rule = rule_of(task) if wrapper is not None else None
    if rule is None:
        return None
    signs = collected(wrapper)
    spec = wrapper.task_spec
    members = spec.data_input.get(wrapper) if spec.data_input is not None and spec.data_input.exists(wrapper) else []
    signed = {s.get("member") for s in signs}
    return {"rule": rule, "sequential": isinstance(spec, SequentialMultiInstanceTask), **tally(wrapper),
            "signs": [{k: s.get(k) for k in ("member", "decision", "opinion", "at")} for s in signs],
            "waiting": [m for m in members if isinstance(m, str) and m not in signed]}
