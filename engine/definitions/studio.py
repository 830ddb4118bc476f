"""What the designers' studio asks of a definition besides lint: the difference between two versions (or a draft
and a version) element by element, and the case data a step can read (to prefill its form's fields)."""

from __future__ import annotations

import ast
import json

from lxml import etree

from engine.definitions import bpmn
from engine.definitions.forms import ui_key
from engine.definitions.xmlsafe import parse_bpmn
from engine.domain.case_variables import CASE_CONTEXT_KEYS

STRUCTURE = {"incoming", "outgoing"}  # references yishi layout rewrites; the flows themselves are compared
PARTS = {  # child elements compared as one named part each ("what changed")
    "conditionExpression": "condition", "script": "script", "documentation": "documentation",
    "timerEventDefinition": "timer", "multiInstanceLoopCharacteristics": "multi_instance", "flowNodeRef": "lane",
    "ioSpecification": "outputs",
}


def _trees(files: dict[str, str | bytes]) -> list[etree._ElementTree]:
    return [parse_bpmn(x.encode("utf-8") if isinstance(x, str) else x) for _name, x in sorted(files.items())]


def _canonical(node: etree._Element) -> str:
    copy = etree.fromstring(etree.tostring(node))
    for child in list(copy):
        if isinstance(child.tag, str) and (child.get("id") and etree.QName(child).localname not in PARTS):
            copy.remove(child)
    return etree.tostring(copy, method="c14n").decode()


def _element_index(files: dict[str, str | bytes], forms: dict[str, dict]) -> dict[str, dict]:
    """id → {type, name, parts: {part: canonical text}} for every BPMN element with an id (not the diagram)."""
    index: dict[str, dict] = {}
    for tree in _trees(files):
        for node in tree.getroot().iter():
            if not isinstance(node.tag, str) or not node.get("id"):
                continue
            if etree.QName(node).namespace != bpmn.BPMN_NS:
                continue
            kind = etree.QName(node).localname
            if kind in ("definitions", "collaboration", "participant", "laneSet") or kind in PARTS:
                continue
            parts: dict[str, str] = {"name": node.get("name") or ""}
            parts["attributes"] = json.dumps({k: v for k, v in sorted(node.attrib.items())
                                              if k not in ("id", "name")}, ensure_ascii=False)
            for prop, value in sorted(bpmn.properties(node).items()):
                parts[f"property:{prop}"] = value
            for child in node:
                if not isinstance(child.tag, str):
                    continue
                local = etree.QName(child).localname
                if local in PARTS:
                    parts[PARTS[local]] = parts.get(PARTS[local], "") + _canonical(child)
                elif local not in STRUCTURE and local != "extensionElements" and not child.get("id"):
                    parts["other"] = parts.get("other", "") + _canonical(child)
            for hook in ("preScript", "postScript"):
                for script in bpmn.xpath(node, f"./bpmn:extensionElements/spiffworkflow:{hook}"):
                    parts[hook] = script.text or ""
            form = bpmn.properties(node).get(bpmn.FORM_PROPERTY)
            process = bpmn.owning_process(node)
            if form and process is not None:
                key = f"{process.get('id')}/{form}"
                parts["form"] = json.dumps([forms.get(key), forms.get(ui_key(key))], sort_keys=True,
                                           ensure_ascii=False)
            index[node.get("id")] = {"id": node.get("id"), "type": kind, "name": node.get("name"), "parts": parts}
    return index


def diff(old_bpmn: dict[str, str | bytes], old_forms: dict[str, dict], new_bpmn: dict[str, str | bytes],
         new_forms: dict[str, dict]) -> dict:
    """Elements added, removed and changed (with which parts: name, condition, script, form, a property …)."""
    old, new = _element_index(old_bpmn, old_forms), _element_index(new_bpmn, new_forms)

    def brief(item: dict) -> dict:
        return {"id": item["id"], "type": item["type"], "name": item["name"]}

    changed = []
    for element_id in sorted(set(old) & set(new)):
        before, after = old[element_id]["parts"], new[element_id]["parts"]
        what = sorted(part for part in set(before) | set(after) if before.get(part) != after.get(part))
        if old[element_id]["type"] != new[element_id]["type"]:
            what = ["type", *what]
        if what:
            changed.append({**brief(new[element_id]), "what": what})
    return {"added": [brief(new[i]) for i in sorted(set(new) - set(old))],
            "removed": [brief(old[i]) for i in sorted(set(old) - set(new))],
            "changed": changed}


def _titles(schema: dict | None) -> dict[str, tuple[str, str]]:
    found = {}
    for name, field in ((schema or {}).get("properties") or {}).items():
        if isinstance(field, dict):
            zh = field.get("title") or name
            en = ((field.get("x-i18n") or {}).get("en") or {}).get("title") or zh
            found[name] = (zh, en)
    return found


def _assigned(source: str) -> list[str]:
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    names = []
    for node in ast.walk(tree):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] \
            if isinstance(node, ast.AugAssign | ast.AnnAssign) else []
        for target in targets:
            for leaf in ast.walk(target):
                if isinstance(leaf, ast.Name) and leaf.id not in names:
                    names.append(leaf.id)
    return names


def data_at(files: dict[str, str | bytes], forms: dict[str, dict], element_id: str) -> list[dict]:
    """The case data a step can read: every field of the forms of the steps that can come before it, the values
    scripts before it compute (a drawn 退回 brings nothing forward), the start form's fields and the variables
    every case has — each with where it comes from, so a designer can prefill a field. Empty when the
    element is not found."""
    for tree in _trees(files):
        for node in tree.getroot().iter():
            if isinstance(node.tag, str) and node.get("id") == element_id:
                process = bpmn.owning_process(node)
                return [] if process is None else _data_in(process, forms, element_id)
    return []


def _data_in(process: etree._Element, forms: dict[str, dict], element_id: str) -> list[dict]:
    pid = process.get("id")
    nodes = {n.get("id"): n for n in process.iter() if isinstance(n.tag, str) and n.get("id")}
    before: dict[str, set[str]] = {}
    for flow in bpmn.xpath(process, ".//bpmn:sequenceFlow"):
        source = nodes.get(flow.get("sourceRef"))
        if source is not None and bpmn.is_send_back(source):
            continue  # a 退回 leads back: the step it returns from does not come before its target
        before.setdefault(flow.get("targetRef"), set()).add(flow.get("sourceRef"))
    for event in bpmn.xpath(process, ".//bpmn:boundaryEvent"):
        before.setdefault(event.get("id"), set()).add(event.get("attachedToRef"))
    seen, stack = set(), list(before.get(element_id, ()))
    while stack:
        current = stack.pop()
        if current not in seen:
            seen.add(current)
            stack.extend(before.get(current, ()))
    result: list[dict] = []
    names: set[str] = set()

    def add(name: str, zh: str, en: str, source: str | None, kind: str) -> None:
        if name not in names:
            names.add(name)
            result.append({"name": name, "title_zh": zh, "title_en": en, "source": source, "kind": kind})

    for name in CASE_CONTEXT_KEYS:
        add(name, name, name, None, "case")
    start_form = bpmn.properties(process).get(bpmn.START_FORM_PROPERTY)
    if start_form:
        for name, (zh, en) in _titles(forms.get(f"{pid}/{start_form}")).items():
            add(name, zh, en, pid, "start_form")
    for node_id in [n for n in nodes if n in seen]:  # document order
        node = nodes[node_id]
        form = bpmn.properties(node).get(bpmn.FORM_PROPERTY)
        if etree.QName(node).localname == "userTask" and form:
            for name, (zh, en) in _titles(forms.get(f"{pid}/{form}")).items():
                add(name, zh, en, node_id, "form")
        sources = [s.text or "" for s in bpmn.xpath(node, "./bpmn:script")]
        sources += [s.text or "" for hook in ("preScript", "postScript")
                    for s in bpmn.xpath(node, f"./bpmn:extensionElements/spiffworkflow:{hook}")]
        for source in sources:
            for name in _assigned(source):
                add(name, name, name, node_id, "script")
    return result


def called_names(source: str, mode: str) -> list[str]:
    """The plain names an expression or script calls (``more_than_half(…)``), in order, once each."""
    try:
        tree = ast.parse(source, mode=mode)
    except SyntaxError:
        return []
    assigned = set(_assigned(source)) if mode == "exec" else set()
    defined = {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.Lambda) and hasattr(n, "name")}
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            name = node.func.id
            if name not in names and name not in assigned and name not in defined:
                names.append(name)
    return names


def called_processes(key: str, files: dict[str, str | bytes], newest: list[dict]) -> list[dict]:
    """The processes a version of ``key`` calls (its BPMN files other than its own): each with its file, name,
    the other methods whose newest version holds the same file, and the newest version deployed of it as a
    definition of its own (``own_version``) with whether this version's copy is that one (``same_as_own``).
    ``newest``: every definition's newest version as ``{key, name, version, bpmn}``."""
    found = []
    for name, tree in zip(sorted(files), _trees(files), strict=True):
        ids = [p.get("id") for p in bpmn.processes(tree)]
        if key in ids or not ids:
            continue
        process = bpmn.processes(tree)[0]
        text = files[name].decode("utf-8") if isinstance(files[name], bytes) else files[name]
        own = next((d for d in newest if d["key"] in ids), None)
        found.append({
            "process_id": process.get("id"), "name": process.get("name") or process.get("id"), "file": name,
            "used_by": [{"key": d["key"], "name": d["name"]} for d in newest
                        if d["key"] != key and d["key"] not in ids and name in d["bpmn"]],
            "own_version": own["version"] if own else None,
            "same_as_own": bool(own) and own["bpmn"].get(name) == text,
        })
    return found
