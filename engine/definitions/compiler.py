"""Deployable definitions: a bundle of BPMN files and forms, linted, split per process, content-hashed.

A definition is one executable BPMN process (its key is the process id) together with every
file it needs: the documents of the processes it calls, transitively, and the form schemas
of their user tasks. Its version is identified by the SHA-256 of exactly that content, so
redeploying unchanged content is a no-op and changing one process never re-versions another.
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass, field
from pathlib import Path

from engine.definitions import bpmn, forms
from engine.definitions.lint import LintReport, lint
from engine.definitions.parser import YishiBpmnParser
from engine.definitions.xmlsafe import parse_bpmn
from engine.domain.texts import Text
from engine.errors import InvalidDefinition, InvalidInput

SCENARIO_SUFFIX = ".scenarios.yaml"  # processes/<key>.scenarios.yaml (engine/scenarios.py)


@dataclass
class Bundle:
    """What a designer uploads: BPMN documents and the form files they reference."""

    bpmn: dict[str, bytes] = field(default_factory=dict)  # file name -> BPMN XML
    forms: dict[str, bytes] = field(default_factory=dict)  # "<process id>/<file>" -> JSON Schema
    scenarios: dict[str, str] = field(default_factory=dict)  # process key -> its scenario file (YAML), kept with it


@dataclass
class CompiledDefinition:
    """One deployable process with its content, ready to store as a definition version."""

    key: str
    name: str
    content_hash: str
    bpmn: dict[str, str]
    forms: dict[str, dict]
    start_roles: list[str]
    start_form: str | None
    settings: dict[str, str] = field(default_factory=dict)


def load_bundle(paths: list[Path | str], forms_dir: Path | str | None = None) -> Bundle:
    """Read BPMN files (or every *.bpmn in given directories) and the forms directory beside them.

    The forms directory is ``forms_dir`` when given, else the first existing of
    ``<dir>/forms`` and ``<dir>/../forms`` for the first path's directory. The scenario files beside the BPMN
    files (``<key>.scenarios.yaml``) come along, to be stored with the versions deployed.
    """
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(sorted(path.glob("*.bpmn")))
        elif path.is_file():
            files.append(path)
        else:
            raise InvalidInput(Text("没有这个文件或目录：{path}", "no such file or directory: {path}", path=path))
    if not files and not any(Path(p).is_dir() for p in paths):
        raise InvalidInput(Text("没有给出 BPMN 文件", "no BPMN files given"))
    bundle = Bundle(bpmn={f.name: f.read_bytes() for f in files})
    for folder in sorted({f.parent for f in files}):  # <key>.scenarios.yaml beside the BPMN files
        for found in sorted(folder.glob(f"*{SCENARIO_SUFFIX}")):
            bundle.scenarios[found.name[: -len(SCENARIO_SUFFIX)]] = found.read_text(encoding="utf-8")
    base = Path(paths[0]) if Path(paths[0]).is_dir() else Path(paths[0]).parent
    candidates = [Path(forms_dir)] if forms_dir else [base / "forms", base.parent / "forms"]
    for root in candidates:
        if root.is_dir():
            for form in sorted(root.rglob("*.json")):
                bundle.forms[form.relative_to(root).as_posix()] = form.read_bytes()
            break
    return bundle


def compile_bundle(bundle: Bundle) -> tuple[list[CompiledDefinition], LintReport]:
    """Lint the bundle and split it into per-process definitions; raises InvalidDefinition on any error."""
    report = lint(bundle.bpmn, bundle.forms)
    if not report.ok:
        errors = [p for p in report.problems if p.severity == "error"]
        raise InvalidDefinition(Text("流程定义有 {n} 处问题，未部署", "{n} problem(s) in the BPMN bundle",
                                     n=len(errors)), report.problems)
    calls, user_forms, names, start_info = _index(report)
    definitions = []
    for key in sorted(report.process_files):
        closure = _closure(key, calls)
        files = sorted({report.process_files[p] for p in closure if p in report.process_files})
        form_keys = sorted({f for p in closure for f in user_forms.get(p, set())})
        content_bpmn = {name: bundle.bpmn[name].decode("utf-8") for name in files}
        ui_keys = [forms.ui_key(f) for f in form_keys if forms.ui_key(f) in report.forms]
        label_keys = sorted({forms.labels_key(p) for p in closure} & set(report.forms))
        content_forms = {f: report.forms[f] for f in [*form_keys, *ui_keys, *label_keys]}
        start_roles, start_form, settings = start_info[key]
        definitions.append(CompiledDefinition(
            key=key, name=names.get(key) or key, content_hash=content_hash(content_bpmn, content_forms),
            bpmn=content_bpmn, forms=content_forms, start_roles=start_roles, start_form=start_form,
            settings=settings))
    return definitions, report


def content_hash(bpmn_files: dict[str, str], form_files: dict[str, dict]) -> str:
    digest = hashlib.sha256()
    for name in sorted(bpmn_files):
        digest.update(b"bpmn\0" + name.encode() + b"\0" + hashlib.sha256(bpmn_files[name].encode()).digest())
    for name in sorted(form_files):
        canonical = json.dumps(form_files[name], sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        digest.update(b"form\0" + name.encode() + b"\0" + hashlib.sha256(canonical.encode()).digest())
    return digest.hexdigest()


def _index(report: LintReport):
    calls: dict[str, set[str]] = {}
    user_forms: dict[str, set[str]] = {}
    names: dict[str, str] = {}
    start_info: dict[str, tuple[list[str], str | None, dict[str, str]]] = {}
    for tree in report.trees.values():
        for process in bpmn.processes(tree):
            pid = process.get("id")
            names[pid] = process.get("name") or pid
            calls[pid] = {c.get("calledElement") for c in bpmn.xpath(process, ".//bpmn:callActivity")}
            forms_here = {f"{pid}/{bpmn.properties(t)[bpmn.FORM_PROPERTY]}"
                          for t in bpmn.xpath(process, ".//bpmn:userTask")
                          if bpmn.properties(t).get(bpmn.FORM_PROPERTY)}
            props = bpmn.properties(process)
            start_form = props.get(bpmn.START_FORM_PROPERTY)
            if start_form:
                forms_here.add(f"{pid}/{start_form}")
            user_forms[pid] = forms_here
            roles = [r.strip() for r in props.get(bpmn.START_ROLES_PROPERTY, "").split(",") if r.strip()]
            settings = {k: v for k, v in props.items()
                        if k not in (bpmn.START_ROLES_PROPERTY, bpmn.START_FORM_PROPERTY)}
            start_info[pid] = (roles, f"{pid}/{start_form}" if start_form else None, settings)
    return calls, user_forms, names, start_info


def _closure(key: str, calls: dict[str, set[str]]) -> set[str]:
    seen, stack = set(), [key]
    while stack:
        current = stack.pop()
        if current not in seen:
            seen.add(current)
            stack.extend(calls.get(current, ()))
    return seen


@dataclass
class ParsedDefinition:
    """The live SpiffWorkflow specs of a stored definition version, parsed once and cached."""

    key: str
    content_hash: str
    spec: object
    subprocess_specs: dict
    forms: dict[str, dict]
    start_roles: list[str]
    start_form: str | None


_cache: dict[tuple[str, str], ParsedDefinition] = {}
_cache_lock = threading.Lock()


def cached(key: str, content_hash: str) -> ParsedDefinition | None:
    with _cache_lock:
        return _cache.get((key, content_hash))


def parse_stored(key: str, content_hash: str, bpmn_files: dict[str, str], forms: dict[str, dict],
                 start_roles: list[str], start_form: str | None) -> ParsedDefinition:
    """Build (or fetch from cache) the specs of a stored, already linted definition version.

    The cache is keyed by content, not by row id, so two databases in one process never mix specs.
    """
    found = cached(key, content_hash)
    if found is not None:
        return found
    parser = YishiBpmnParser()
    for name, xml in sorted(bpmn_files.items()):
        parser.add_bpmn_xml(parse_bpmn(xml.encode("utf-8")), filename=name)
    parsed = ParsedDefinition(key, content_hash, parser.get_spec(key), parser.get_subprocess_specs(key),
                              forms, start_roles, start_form)
    with _cache_lock:
        return _cache.setdefault((key, content_hash), parsed)

