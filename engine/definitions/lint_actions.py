"""Lint of the task-action properties (processes/CONVENTIONS.md, "Task actions"): ``statutory`` names a kind of
statutory decision, every drawn return (退回: a boundary event marked ``sendBack``) is an interrupting signal event
on a user task whose one flow leads back to an earlier user task of the same process, no ``returnTo`` property is
left (returns are drawn), ``copyTo`` names role codes, ``summaryFields`` two or three names, ``withdrawUntil``
elements that exist in the bundle."""

from __future__ import annotations

import re

from lxml import etree

from engine.definitions import bpmn
from engine.domain.texts import Text
from engine.errors import Problem

STATUTORY_KINDS = ("vote", "legality", "filing")
CODE = re.compile(r"[a-z][a-z0-9_]*")
NAME = re.compile(r"[A-Za-z_]\w*")


def _listed(value: str | None) -> list[str]:
    return [item.strip() for item in (value or "").split(",") if item.strip()]


def check(filename: str, tree: etree._ElementTree, all_ids: set[str], problems: list[Problem]) -> None:
    """Append a problem for every malformed task-action property of the document."""
    def problem(node, message: Text, code: str) -> None:
        problems.append(Problem(filename, node.get("id"), node.sourceline, message, code=code))

    for process in bpmn.processes(tree):
        tasks = {t.get("id") for t in bpmn.xpath(process, ".//bpmn:userTask")}
        props = bpmn.properties(process)
        fields = _listed(props.get(bpmn.SUMMARY_PROPERTY))
        if bpmn.SUMMARY_PROPERTY in props and not (1 <= len(fields) <= 3 and all(NAME.fullmatch(f) for f in fields)):
            problem(process, Text("summaryFields 须列出一到三个字段名（逗号分隔）",
                                  "summaryFields lists one to three field names, comma-separated"), "summary_fields")
        for element in _listed(props.get(bpmn.WITHDRAW_UNTIL_PROPERTY)):
            if element not in all_ids:
                problem(process, Text("withdrawUntil 中的 {id} 不是本批流程中的元素",
                                      "withdrawUntil names {id}, which is no element of these files", id=element),
                        "withdraw_until_unknown")
        _check_returns(process, tasks, problem)
        for task in bpmn.xpath(process, ".//bpmn:userTask"):
            task_props = bpmn.properties(task)
            kind = task_props.get(bpmn.STATUTORY_PROPERTY)
            if kind is not None and kind.strip() not in STATUTORY_KINDS:
                problem(task, Text("statutory 须为 vote、legality 或 filing，不是“{kind}”",
                                   "statutory is vote, legality or filing, not '{kind}'", kind=kind), "statutory_kind")
            if bpmn.RETURN_TO_PROPERTY in task_props:
                problem(task, Text("退回须画在流程图上：把 returnTo 改为附在这一步上的“退回”边界事件（sendBack），"
                                   "连线回到前面的步骤", "returns are drawn: replace returnTo by a 退回 boundary "
                                   "event (sendBack) on this step with a flow back to the earlier step"),
                        "return_to_not_drawn")
            for role in _listed(task_props.get(bpmn.COPY_TO_PROPERTY)):
                if not CODE.fullmatch(role):
                    problem(task, Text("copyTo 中的“{role}”不是角色代码",
                                       "copyTo names '{role}', which is no role code", role=role), "copy_to_not_code")


def _check_returns(process, tasks: set[str], problem) -> None:
    """Each drawn return: an interrupting signal boundary event on a user task, one flow leading (through merging
    exclusive gateways) to another user task from which the case reaches the returning step going forward."""
    nodes = {n.get("id"): n for n in process if isinstance(n.tag, str) and n.get("id")}
    flows = bpmn.xpath(process, "./bpmn:sequenceFlow")
    out = {}
    for flow in flows:
        out.setdefault(flow.get("sourceRef"), []).append(flow.get("targetRef"))
    returns = {b.get("id") for b in bpmn.xpath(process, "./bpmn:boundaryEvent") if bpmn.is_send_back(b)}
    forward = {}  # the ways on, a boundary event's from its host, the returns left out
    for source, targets in out.items():
        if source in returns:
            continue
        host = nodes[source].get("attachedToRef") if source in nodes and bpmn.local(nodes[source]) == "boundaryEvent" \
            else None
        forward.setdefault(host or source, []).extend(targets)

    def reaches(start: str, goal: str) -> bool:
        seen, stack = set(), [start]
        while stack:
            current = stack.pop()
            if current == goal:
                return True
            if current not in seen:
                seen.add(current)
                stack.extend(forward.get(current, []))
        return False

    for event_id in sorted(returns):
        event = nodes[event_id]
        host = event.get("attachedToRef")
        if host not in tasks:
            problem(event, Text("退回事件须附在用户任务上，{host} 不是本流程的用户任务",
                                "a return is attached to a user task; {host} is no user task of this process",
                                host=host), "return_host")
            continue
        if event.get("cancelActivity", "true").strip().lower() == "false":
            problem(event, Text("退回事件须为中断型（cancelActivity 不能为 false）",
                                "a return interrupts its step (cancelActivity must not be false)"),
                    "return_not_interrupting")
        if not bpmn.xpath(event, "./bpmn:signalEventDefinition"):
            problem(event, Text("退回事件须为信号边界事件（signalEventDefinition）",
                                "a return is a signal boundary event (signalEventDefinition)"), "return_not_signal")
        ahead, seen, target = out.get(event_id, []), set(), None
        while len(ahead) == 1 and ahead[0] not in seen:
            seen.add(ahead[0])
            node = nodes.get(ahead[0])
            if node is not None and bpmn.local(node) == "exclusiveGateway":
                ahead = out.get(ahead[0], [])
                continue
            target = ahead[0] if ahead[0] in tasks else None
            break
        if target is None or target == host:
            problem(event, Text("退回事件 {id} 须只有一条连线，（经合并网关）回到本流程中另一个用户任务",
                                "return {id} has one flow leading (through merging gateways) back to another user "
                                "task of this process", id=event_id), "return_target")
        elif not reaches(target, host):
            problem(event, Text("退回事件 {id} 回到的 {target} 不在 {host} 之前，只能退回到前面的步骤",
                                "return {id} leads to {target}, which does not come before {host}: a return goes "
                                "back to an earlier step", id=event_id, target=target, host=host),
                    "return_not_earlier")


def element_ids(trees: dict[str, etree._ElementTree]) -> set[str]:
    return {node.get("id") for tree in trees.values() for node in bpmn.xpath(tree.getroot(), "//bpmn:*[@id]")}
