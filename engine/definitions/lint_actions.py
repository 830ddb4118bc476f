"""Lint of the task-action properties (processes/CONVENTIONS.md, "Task actions"): ``statutory`` names a kind of
statutory decision, ``returnTo`` names earlier user tasks of the same process, ``copyTo`` names role codes,
``summaryFields`` two or three names, ``withdrawUntil`` elements that exist in the bundle."""

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
        for task in bpmn.xpath(process, ".//bpmn:userTask"):
            task_props = bpmn.properties(task)
            kind = task_props.get(bpmn.STATUTORY_PROPERTY)
            if kind is not None and kind.strip() not in STATUTORY_KINDS:
                problem(task, Text("statutory 须为 vote、legality 或 filing，不是“{kind}”",
                                   "statutory is vote, legality or filing, not '{kind}'", kind=kind), "statutory_kind")
            for target in _listed(task_props.get(bpmn.RETURN_TO_PROPERTY)):
                if target not in tasks or target == task.get("id"):
                    problem(task, Text("returnTo 中的 {id} 不是同一流程中另一个用户任务",
                                       "returnTo names {id}, which is no other user task of this process",
                                       id=target), "return_to_unknown")
            for role in _listed(task_props.get(bpmn.COPY_TO_PROPERTY)):
                if not CODE.fullmatch(role):
                    problem(task, Text("copyTo 中的“{role}”不是角色代码",
                                       "copyTo names '{role}', which is no role code", role=role), "copy_to_not_code")


def element_ids(trees: dict[str, etree._ElementTree]) -> set[str]:
    return {node.get("id") for tree in trees.values() for node in bpmn.xpath(tree.getroot(), "//bpmn:*[@id]")}
