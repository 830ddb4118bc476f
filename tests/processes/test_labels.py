"""Participants read names and values, never codes: every case value a user task shows (``contextFields``) or
interpolates into its instructions has a title in both languages, and every code a script sets for it has a label
(declared in ``forms/<process>/labels.json`` or given by a choice of a form). See processes/CONVENTIONS.md."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from engine.definitions import bpmn, forms
from engine.definitions.compiler import compile_bundle, load_bundle
from engine.definitions.instructions import Labels, context_fields

ROOT = Path(__file__).resolve().parents[2]
LABEL_FILES = sorted((ROOT / "forms").glob(f"*/{forms.LABELS_FILE}"))
CJK = re.compile(r"[\u3400-\u9fff]")


@pytest.fixture(scope="module")
def compiled():
    return compile_bundle(load_bundle([ROOT / "processes"]))


def _codes(value: ast.AST) -> set[str]:
    """The string codes an assigned expression can give: literals, either branch of ``a if c else b``, a dict's
    values looked up (``{'merge': 'merged'}[decision]``)."""
    if isinstance(value, ast.Constant):
        return {value.value} if isinstance(value.value, str) else set()
    if isinstance(value, ast.IfExp):
        return _codes(value.body) | _codes(value.orelse)
    if isinstance(value, ast.BoolOp):
        return set().union(*(_codes(v) for v in value.values))
    if isinstance(value, ast.Subscript) and isinstance(value.value, ast.Dict):
        return set().union(*(_codes(v) for v in value.value.values))
    return set()


def script_values(trees) -> dict[str, set[str]]:
    """Name → codes, for every name a script of these documents sets (``x = …`` and ``x.append('R1')``)."""
    found: dict[str, set[str]] = {}
    for tree in trees:
        scripts = "//bpmn:script | //spiffworkflow:preScript | //spiffworkflow:postScript"
        for node in bpmn.xpath(tree.getroot(), scripts):
            for statement in ast.walk(ast.parse(node.text or "")):
                if isinstance(statement, ast.Assign):
                    for target in statement.targets:
                        if isinstance(target, ast.Name):
                            found.setdefault(target.id, set()).update(_codes(statement.value))
                elif isinstance(statement, ast.Call) and isinstance(statement.func, ast.Attribute) and \
                        statement.func.attr == "append" and isinstance(statement.func.value, ast.Name):
                    found.setdefault(statement.func.value.id, set()).update(*(_codes(a) for a in statement.args))
    return found


def shown(task) -> set[str]:
    names = set(context_fields(bpmn.properties(task).get("contextFields")))
    for node in bpmn.xpath(task, ".//spiffworkflow:instructionsForEndUser"):
        names |= set(re.findall(r"\{(\w+)\}", node.text or ""))
    return names


def test_there_are_labels_files():
    assert {p.parent.name for p in LABEL_FILES} >= {"publication", "building_collective_bargaining"}


@pytest.mark.parametrize("path", LABEL_FILES, ids=lambda p: p.parent.name)
def test_a_labels_file_follows_the_convention(path):
    labels = forms.parse_labels(path.read_bytes())
    assert (ROOT / "processes" / f"{path.parent.name}.bpmn").exists(), "labels belong to a process of that name"
    for name, entry in labels.items():
        if name == "$comment":
            continue
        texts = [entry["title"]] if "title" in entry else []
        texts += list(entry.get("values", {}).values())
        assert texts or "valuesOf" in entry, name
        for text in texts:
            assert CJK.search(text["zh-CN"]) and not CJK.search(text["en"]), (name, text)


def test_every_value_a_participant_is_shown_has_a_title_and_labels_for_its_codes(compiled):
    definitions, report = compiled
    missing = []
    for definition in definitions:
        labels = Labels.of(definition.forms)
        trees = [report.trees[name] for name in definition.bpmn]
        values = script_values(trees)
        for tree in trees:
            for task in bpmn.xpath(tree.getroot(), "//bpmn:userTask"):
                for name in sorted(shown(task) & set(values)):
                    for language in ("zh-CN", "en"):
                        if labels.title(name, language) == name:
                            missing.append(f"{definition.key}: {name} has no {language} title")
                        missing += [f"{definition.key}: {name} = {code!r} has no {language} label"
                                    for code in sorted(values[name]) if labels.show(name, code, language) == code]
    assert missing == [], "\n".join(sorted(set(missing)))


def test_an_alias_names_a_value_that_has_labels(compiled):
    definitions, _report = compiled
    for definition in definitions:
        labels = Labels.of(definition.forms)
        for key, content in definition.forms.items():
            if forms.is_labels(key):
                for name, entry in content.items():
                    if isinstance(entry, dict) and "valuesOf" in entry:
                        assert labels.values.get(name), f"{key}: {name} reads like {entry['valuesOf']}: no labels"
