"""Every user task of the shipped processes tells the participant what to do.

Each ``bpmn:userTask`` carries SpiffWorkflow's ``spiffworkflow:instructionsForEndUser`` extension (which
``SpiffBpmnParser`` stores as ``task_spec.extensions['instructionsForEndUser']``): Markdown in two sections,
``[zh-CN]`` then ``[en]``, each non-empty. ``{name}`` placeholders are filled by the engine from the case
data, and the ``contextFields`` property lists the case-data keys shown read-only beside the form.

Both may only name keys that can exist in the case data of that process. A process's case data is the
data of every method that (directly or through another shared activity) calls it: the method's start
form (configuration keys with their defaults), the case context set at start (``case_reference``,
``case_unit``, ``case_started_by``, ``case_started_at``; ``title`` comes from every start form), every form
of the method and of the processes it calls (call activities copy all data in and out), and every name
assigned in their script tasks, preScripts and postScripts. A misspelt name fails here rather than showing
an empty value to a participant.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import pytest
from lxml import etree
from SpiffWorkflow.spiff.parser import SpiffBpmnParser
from SpiffWorkflow.spiff.specs.defaults import UserTask

ROOT = next(p for p in Path(__file__).resolve().parents if (p / "processes").is_dir() and (p / "forms").is_dir())
PROCESSES = ROOT / "processes"
FORMS = ROOT / "forms"
FILES = sorted(PROCESSES.glob("*.bpmn"))

NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
      "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core"}
CASE_CONTEXT = {"case_reference", "case_unit", "case_started_by", "case_started_at", "title"}
CJK = re.compile(r"[\u4e00-\u9fff]")
LATIN = re.compile(r"[A-Za-z]")
NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
ASSIGNED = re.compile(r"^[ \t]*([A-Za-z_][A-Za-z0-9_]*)[ \t]*=(?!=)", re.MULTILINE)
SECTION = re.compile(r"^\[(zh-CN|en)\][ \t]*$", re.MULTILINE)


@cache
def trees() -> dict[str, etree._ElementTree]:
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    return {path.name: etree.parse(str(path), parser) for path in FILES}


@cache
def processes() -> dict[str, etree._Element]:
    """Executable process id -> its bpmn:process element."""
    return {process.get("id"): process for tree in trees().values()
            for process in tree.getroot().iterfind("bpmn:process", NS) if process.get("isExecutable") == "true"}


def _properties(element: etree._Element) -> dict[str, str]:
    return {p.get("name"): p.get("value") for p in
            element.iterfind("bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property", NS)}


def _form_keys(process_id: str, filename: str | None) -> set[str]:
    if not filename:
        return set()
    schema = json.loads((FORMS / process_id / filename).read_text(encoding="utf-8"))
    return set(schema.get("properties", {}))


def _called(process: etree._Element) -> set[str]:
    return {ca.get("calledElement") for ca in process.iterfind(".//bpmn:callActivity", NS)}


@cache
def reachable(process_id: str) -> frozenset[str]:
    """The process and every process it calls, directly or not."""
    seen, todo = set(), [process_id]
    while todo:
        pid = todo.pop()
        if pid in seen or pid not in processes():
            continue
        seen.add(pid)
        todo.extend(_called(processes()[pid]))
    return frozenset(seen)


@cache
def own_names(process_id: str) -> frozenset[str]:
    """Keys one process can put into the case data: its start form, its forms, its script assignments."""
    process = processes()[process_id]
    names = _form_keys(process_id, _properties(process).get("startFormJsonSchemaFilename"))
    for task in process.iterfind(".//bpmn:userTask", NS):
        names |= _form_keys(process_id, _properties(task).get("formJsonSchemaFilename"))
    scripts = process.xpath(".//bpmn:script | .//spiffworkflow:preScript | .//spiffworkflow:postScript",
                            namespaces=NS)
    for script in scripts:
        names |= set(ASSIGNED.findall(script.text or ""))
    return frozenset(names)


@cache
def case_names(process_id: str) -> frozenset[str]:
    """Every key that can exist in the case data while this process runs (see the module docstring)."""
    methods = {pid for pid in processes() if process_id in reachable(pid)
               and _properties(processes()[pid]).get("startFormJsonSchemaFilename")} or {process_id}
    names = set(CASE_CONTEXT)
    for method in methods:
        for pid in reachable(method):
            names |= own_names(pid)
    return frozenset(names)


@cache
def user_task_specs() -> dict[str, tuple[str, object]]:
    """task id -> (process id, parsed task spec), parsed with SpiffBpmnParser as the engine parses a bundle."""
    parser = SpiffBpmnParser()
    for name, tree in sorted(trees().items()):
        parser.add_bpmn_xml(tree, filename=name)
    specs = {}
    for pid in processes():
        for spec in parser.get_spec(pid).task_specs.values():
            if isinstance(spec, UserTask):
                specs[spec.bpmn_id] = (pid, spec)
    return specs


USER_TASKS = sorted(ut.get("id") for tree in trees().values() for ut in tree.getroot().iterfind(".//bpmn:userTask", NS))


def sections(text: str) -> dict[str, str]:
    """Split '[zh-CN]\\n…\\n[en]\\n…' into its two sections; the layout must be exactly that."""
    marks = list(SECTION.finditer(text))
    assert [m.group(1) for m in marks] == ["zh-CN", "en"], f"sections {[m.group(1) for m in marks]}"
    assert not text[:marks[0].start()].strip(), "text before [zh-CN]"
    return {"zh-CN": text[marks[0].end():marks[1].start()].strip(), "en": text[marks[1].end():].strip()}


def test_every_user_task_is_parsed():
    assert USER_TASKS and sorted(user_task_specs()) == USER_TASKS


@pytest.mark.parametrize("task_id", USER_TASKS)
def test_instructions_in_both_languages(task_id):
    _, spec = user_task_specs()[task_id]
    text = spec.extensions.get("instructionsForEndUser")
    assert text and text.strip(), f"{task_id}: no spiffworkflow:instructionsForEndUser"
    parts = sections(text)
    assert parts["zh-CN"] and CJK.search(parts["zh-CN"]), f"{task_id}: the [zh-CN] section has no Chinese"
    assert parts["en"] and LATIN.search(parts["en"]), f"{task_id}: the [en] section is empty"
    for lang, part in parts.items():
        assert 2 <= len([line for line in part.splitlines() if line.strip()]) <= 6, f"{task_id} [{lang}]: 2-6 lines"
    assert spec.documentation and spec.documentation.strip(), f"{task_id}: the designer notes are gone"


@pytest.mark.parametrize("task_id", USER_TASKS)
def test_placeholders_name_case_data(task_id):
    pid, spec = user_task_specs()[task_id]
    parts = sections(spec.extensions["instructionsForEndUser"])
    for lang, part in parts.items():
        found = PLACEHOLDER.findall(part)
        assert "{" not in PLACEHOLDER.sub("", part) and "}" not in PLACEHOLDER.sub("", part), \
            f"{task_id} [{lang}]: unbalanced brace"
        unknown = sorted(n for n in found if not NAME.match(n) or n not in case_names(pid))
        assert not unknown, f"{task_id} [{lang}]: placeholders {unknown} are not case data of {pid}"
    zh, en = (sorted(set(PLACEHOLDER.findall(parts[lang]))) for lang in ("zh-CN", "en"))
    assert zh == en, f"{task_id}: the two languages use different placeholders {zh} / {en}"


@pytest.mark.parametrize("task_id", USER_TASKS)
def test_context_fields_name_case_data(task_id):
    pid, spec = user_task_specs()[task_id]
    value = spec.extensions.get("properties", {}).get("contextFields")
    assert value, f"{task_id}: no contextFields property"
    keys = [k.strip() for k in value.split(",")]
    assert 2 <= len(keys) <= 8 and len(set(keys)) == len(keys), f"{task_id}: contextFields {keys}"
    unknown = sorted(k for k in keys if not NAME.match(k) or k not in case_names(pid))
    assert not unknown, f"{task_id}: contextFields {unknown} are not case data of {pid}"


def test_case_names_follow_the_calls():
    """The name sets this test relies on: a caller's data reaches a shared activity and back, and typos do not."""
    assert {"reply_days", "reply_due", "triage_result", "vote_outcome", "yes"} <= case_names("five_step")
    assert {"publication_kind", "publication_period", "plan_summary", "clauses"} <= case_names("publication")
    assert {"circulate_min", "draft", "congress_at"} <= case_names("congress_vote")
    assert "reply_duee" not in case_names("five_step")
    assert "delivered_at" not in case_names("publication")  # bargaining data never reaches a community notice
