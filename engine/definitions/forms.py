"""JSON Schema forms: check a schema at deploy time, serve it in a language, validate a submission.

Forms follow the convention in processes/CONVENTIONS.md: standard JSON Schema (draft 2020-12) with Chinese
``title``/``description``, English ones under the declared keyword ``x-i18n``, choices as ``oneOf`` of
``const`` + ``title``, and a uiSchema file beside each form (``X.uischema.json``) whose texts are language
maps. Cross-field rules JSON Schema cannot state (``yes + no + abstain <= present``) go under
``x-yishi-rules``: ``{"rule": <sandboxed expression>, "fields": [...], "message": {"zh-CN": …, "en": …}}``;
``{name}`` in a message is replaced by that value of the submission or the case.

Validation answers once with everything wrong: one error per field path, in both languages, naming the field
by its title and saying what is expected; the rules run beside the schema checks.
"""

from __future__ import annotations

import ast
import copy
import functools
import json
import re
from collections.abc import Callable, Iterator
from typing import Any

import re2
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError, ValidationError
from jsonschema.validators import extend

from engine.domain.texts import DEFAULT_LANGUAGE, LANGUAGES, PLACEHOLDER, Text, fill, pick, show
from engine.errors import FieldError, InvalidDefinition, InvalidInput

MAX_FORM_BYTES = 256_000
RULES_KEYWORD = "x-yishi-rules"
I18N_KEYWORD = "x-i18n"
SCHEMA_SUFFIX = ".schema.json"
UI_SUFFIX = ".uischema.json"
LABELS_FILE = "labels.json"  # forms/<process id>/labels.json: names and codes a participant reads (CONVENTIONS.md)
_NAME = re.compile(r"^[A-Za-z_]\w*$")

# "integer" means a JSON integer: 30.0 is refused (it would put a case in error further on), so are bools.
_TYPES = Draft202012Validator.TYPE_CHECKER.redefine(
    "integer", lambda _checker, value: isinstance(value, int) and not isinstance(value, bool))

# ``pattern`` runs on RE2, a linear-time engine: Python's backtracking ``re`` holds the GIL for as long as a
# pattern like ``^(a+)+$`` takes on a crafted value (every request of the process waits). Lint refuses a pattern
# RE2 cannot compile (look-arounds, back-references), so a deployed form never meets one here.
_RE2_OPTIONS = re2.Options()
_RE2_OPTIONS.log_errors = False


@functools.lru_cache(maxsize=1024)
def _compiled_pattern(pattern: str):
    return re2.compile(pattern, _RE2_OPTIONS)


def pattern_error(pattern: str) -> str | None:
    """Why RE2 cannot compile ``pattern`` (None when it can)."""
    try:
        _compiled_pattern(pattern)
    except re2.error as exc:
        reason = exc.args[0] if exc.args else exc
        return reason.decode("utf-8", "replace") if isinstance(reason, bytes) else str(reason)
    return None


def _pattern_keyword(validator, pattern: str, instance: Any, schema: dict) -> Iterator[ValidationError]:
    """jsonschema's ``pattern`` keyword (an unanchored search, as in JSON Schema) on RE2."""
    if not validator.is_type(instance, "string"):
        return
    try:
        matched = _compiled_pattern(pattern).search(instance) is not None
    except (re2.error, UnicodeEncodeError):  # a pattern lint would refuse; a lone surrogate
        matched = False
    if not matched:
        yield ValidationError(f"{instance[:200]!r} does not match {pattern!r}")


FormValidator = extend(Draft202012Validator, validators={"pattern": _pattern_keyword}, type_checker=_TYPES)


class RuleBroken(InvalidDefinition):
    """A form rule could not be evaluated on well-formed data: the definition is wrong, not the submission."""

    status = "rule_broken"


class FormFileError(ValueError):
    """A form or uiSchema file that cannot be used; ``text`` says why in both languages (``str()`` is English)."""

    def __init__(self, text: Text):
        self.text = text
        super().__init__(text.render("en"))


def ui_key(form_key: str) -> str:
    """``five_step/A_UT_Register.schema.json`` → ``five_step/A_UT_Register.uischema.json``."""
    return form_key[: -len(SCHEMA_SUFFIX)] + UI_SUFFIX if form_key.endswith(SCHEMA_SUFFIX) else form_key + ".ui"


def labels_key(process_id: str) -> str:
    """``publication`` → ``publication/labels.json``, the process's declared labels."""
    return f"{process_id}/{LABELS_FILE}"


def is_labels(form_key: str) -> bool:
    return form_key == LABELS_FILE or form_key.endswith("/" + LABELS_FILE)


def parse_labels(raw: bytes | str) -> dict:
    """Decode a labels file: ``{name: {"title": {"zh-CN", "en"}, "values": {code: {"zh-CN", "en"}}}}`` where an
    entry may say ``"valuesOf": "<other name>"`` instead of ``values`` (``previous_chair_side`` reads like
    ``chair_side``). Raises ``FormFileError`` naming the first entry that is wrong."""
    labels = _parse_json(raw, Text("标签文件", "labels file"))
    for name, entry in labels.items():
        if name == "$comment":
            continue
        where = Text("“{name}”", "'{name}'", name=name)
        if not _NAME.match(name) or not isinstance(entry, dict) or not entry or \
                not set(entry) <= {"title", "values", "valuesOf", "$comment"}:
            raise FormFileError(Text("{where}须为对象，只能包含 title、values 或 valuesOf",
                                     "{where} must be an object of title, values or valuesOf", where=where))
        if "title" in entry and not _language_map(entry["title"]):
            raise FormFileError(Text("{where}的 title 须同时有 zh-CN 和 en 两种文字",
                                     "{where}: title must be a map with zh-CN and en texts", where=where))
        if "values" in entry and "valuesOf" in entry:
            raise FormFileError(Text("{where}不能同时有 values 和 valuesOf",
                                     "{where}: give values or valuesOf, not both", where=where))
        if "valuesOf" in entry and not (isinstance(entry["valuesOf"], str) and _NAME.match(entry["valuesOf"])):
            raise FormFileError(Text("{where}的 valuesOf 须为另一个名称", "{where}: valuesOf must name another value",
                                     where=where))
        values = entry.get("values", {})
        if not isinstance(values, dict) or not all(_language_map(v) for v in values.values()):
            raise FormFileError(Text("{where}的 values 须为“代码 → 中英文标签”的对象",
                                     "{where}: values must map each code to a map with zh-CN and en texts",
                                     where=where))
    return labels


def _language_map(value: Any) -> bool:
    return isinstance(value, dict) and set(value) == set(LANGUAGES) and \
        all(isinstance(v, str) and v.strip() for v in value.values())


def parse_schema(raw: bytes | str) -> dict:
    """Decode a form file; raises ``FormFileError`` (a ValueError) with a located message when it is not a valid
    schema."""
    schema = _parse_json(raw, Text("表单", "form schema"))
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        where = "/".join(str(p) for p in exc.absolute_path) or "(root)"
        raise FormFileError(Text("表单不是有效的 JSON Schema（位置 {where}）：{error}",
                                 "form schema is not a valid JSON Schema at {where}: {error}",
                                 where=where, error=exc.message)) from None
    for index, rule in enumerate(schema.get(RULES_KEYWORD, [])):
        if not isinstance(rule, dict) or not isinstance(rule.get("rule"), str):
            raise FormFileError(Text("{keyword}[{index}] 须为带有 rule 表达式的对象",
                                     "{keyword}[{index}] must be an object with a 'rule' expression",
                                     keyword=RULES_KEYWORD, index=index))
    return schema


def parse_ui_schema(raw: bytes | str) -> dict:
    return _parse_json(raw, Text("界面设置（uiSchema）", "uiSchema"))


def _parse_json(raw: bytes | str, what: Text) -> dict:
    if isinstance(raw, bytes):
        if len(raw) > MAX_FORM_BYTES:
            raise FormFileError(Text("{what}有 {size} 字节，超过上限 {limit} 字节",
                                     "{what} is {size} bytes; the limit is {limit}",
                                     what=what, size=len(raw), limit=MAX_FORM_BYTES))
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise FormFileError(Text("{what}不是 UTF-8 编码的文本", "{what} is not UTF-8 text", what=what)) from None
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise FormFileError(Text("{what}不是有效的 JSON（第 {line} 行第 {column} 列）：{error}",
                                 "{what} is not valid JSON (line {line}, column {column}): {error}",
                                 what=what, line=exc.lineno, column=exc.colno, error=exc.msg)) from None
    if not isinstance(value, dict):
        raise FormFileError(Text("{what}须为 JSON 对象 {{…}}", "{what} must be a JSON object", what=what))
    return value


def rule_expressions(schema: dict) -> list[str]:
    """The cross-field rule expressions of a form, for the linter to compile."""
    return [rule["rule"] for rule in schema.get(RULES_KEYWORD, []) if isinstance(rule, dict)]


def rule_names(expression: str) -> set[str]:
    """The names a rule reads (fields, case data, functions); empty when it does not parse."""
    try:
        tree = ast.parse(expression, mode="eval")
    except SyntaxError:
        return set()
    bound = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    bound |= {a.arg for n in ast.walk(tree) if isinstance(n, ast.Lambda) for a in n.args.args}
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)} - bound


_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
_SCHEMA_VALUES = ("items", "contains", "additionalProperties", "not", "if", "then", "else", "propertyNames",
                  "unevaluatedItems", "unevaluatedProperties")
_SCHEMA_MAPS = ("$defs", "dependentSchemas")


def patterns(schema: dict) -> list[tuple[str, str, str]]:
    """Every regular expression of a form as ``(keyword, field path, pattern)``: ``pattern`` values and the
    keys of ``patternProperties``, for the linter to check."""
    found: list[tuple[str, str, str]] = []

    def walk(node: Any, path: str) -> None:
        if not isinstance(node, dict):
            return
        if isinstance(node.get("pattern"), str):
            found.append(("pattern", path, node["pattern"]))
        properties = node.get("properties")
        if isinstance(properties, dict):
            for name, sub in properties.items():
                walk(sub, f"{path}/{name}" if path else name)
        pattern_properties = node.get("patternProperties")
        if isinstance(pattern_properties, dict):
            for key, sub in pattern_properties.items():
                found.append(("patternProperties", path, key))
                walk(sub, path)
        for key in _SCHEMA_LISTS:
            if isinstance(node.get(key), list):
                for sub in node[key]:
                    walk(sub, path)
        for key in _SCHEMA_VALUES:
            walk(node.get(key), path)
        for key in _SCHEMA_MAPS:
            if isinstance(node.get(key), dict):
                for sub in node[key].values():
                    walk(sub, path)
    walk(schema, "")
    return found


def placeholders(schema: dict) -> set[str]:
    """Names interpolated into the rule messages."""
    names: set[str] = set()
    for rule in schema.get(RULES_KEYWORD, []):
        for text in _languages(rule.get("message")).values():
            names |= set(PLACEHOLDER.findall(text))
    return names


def field_names(schema: dict) -> set[str]:
    """Every property name anywhere in the form (nested objects and array items included)."""
    names: set[str] = set()

    def walk(node):
        if isinstance(node, dict):
            for name, sub in (node.get("properties") or {}).items():
                names.add(name)
                walk(sub)
            for key in ("items", "$defs", "oneOf", "anyOf", "allOf"):
                value = node.get(key)
                for sub in (value.values() if isinstance(value, dict) and key == "$defs" else
                            value if isinstance(value, list) else [value]):
                    walk(sub)
    walk(schema)
    return names


# ----- serving a form in a language ---------------------------------------------------------------

def localize(schema: dict, language: str = DEFAULT_LANGUAGE) -> dict:
    """A standard JSON Schema in ``language``: translations applied, Yishi's keywords removed."""
    def walk(node):
        if isinstance(node, list):
            return [walk(item) for item in node]
        if not isinstance(node, dict):
            return node
        out = {k: walk(v) for k, v in node.items() if k not in (I18N_KEYWORD, RULES_KEYWORD)}
        translated = (node.get(I18N_KEYWORD) or {}).get(language) if language != DEFAULT_LANGUAGE else None
        if isinstance(translated, dict):
            out.update({k: v for k, v in translated.items() if isinstance(v, str)})
        return out
    return walk(schema)


def localize_ui(ui_schema: dict | None, language: str = DEFAULT_LANGUAGE) -> dict:
    """The uiSchema with every language map replaced by its text in ``language``."""
    def walk(node):
        if isinstance(node, dict):
            picked = pick(node, language)
            if picked is not node:
                return picked
            return {k: walk(v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(item) for item in node]
        return node
    return walk(ui_schema or {})


def with_defaults(schema: dict, data: dict) -> dict:
    """Top-level ``default`` values for missing properties (configuration keys with documented defaults)."""
    result = dict(data)
    for name, prop in (schema.get("properties") or {}).items():
        if name not in result and isinstance(prop, dict) and "default" in prop:
            result[name] = json.loads(json.dumps(prop["default"]))
    return result


def initial_values(schema: dict, case_data: dict) -> dict:
    """Prefill: case values for the form's top-level fields of the same name that the schema accepts."""
    values = {}
    for name, prop in (schema.get("properties") or {}).items():
        if name in case_data and isinstance(prop, dict):
            value = case_data[name]
            # a validator of its own per field: evolve() would keep resolving $ref against the first schema
            validator = FormValidator(_resolvable(schema, prop), format_checker=Draft202012Validator.FORMAT_CHECKER)
            if not list(validator.iter_errors(value)):
                values[name] = copy.deepcopy(value)
    return values


def _resolvable(root: dict, prop: dict) -> dict:
    """A property schema that can be validated alone ($defs carried along for $ref)."""
    return {**prop, "$defs": root.get("$defs", {})} if "$defs" in root else prop


# ----- validating a submission ---------------------------------------------------------------------

def validate(schema: dict, data: Any, evaluate_rule: Callable[[str, dict], bool] | None = None,
             context: dict | None = None) -> None:
    """Raise ``InvalidInput`` listing every wrong field once, schema errors and broken rules together.

    ``evaluate_rule(expression, data)`` runs a cross-field rule in the sandbox; it is skipped when a field it
    reads is missing or already wrong; one that raises on well-formed data is a ``RuleBroken`` definition error.
    """
    if not isinstance(data, dict):
        raise InvalidInput(Text("表单数据须为 JSON 对象", "form data must be a JSON object"),
                           [FieldError("", Text("须为 JSON 对象", "expected an object"))])
    validator = FormValidator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    errors: dict[str, FieldError] = {}
    for error in sorted(validator.iter_errors(data), key=lambda e: (list(map(str, e.absolute_path)), e.validator)):
        for path, message in _explain(schema, error):
            errors.setdefault(path, FieldError(path, message))
    if evaluate_rule is not None:
        fields, required = field_names(schema), set(schema.get("required") or [])
        for rule in schema.get(RULES_KEYWORD, []):
            missing = {name for name in rule_names(rule["rule"])
                       if name in fields and name not in data and name not in (context or {})}
            if missing & required or any(f in errors or f.split("/")[0] in errors for f in rule.get("fields") or []):
                continue  # a required field is missing or a field is already wrong: that error says it first
            try:
                met = evaluate_rule(rule["rule"], data)
            except RuleBroken:
                if not missing:
                    raise
                met = False  # it needed an optional field that was left out: not met (it names what to add)
            if not met:
                message = _rule_message(rule, {**(context or {}), **data})
                for field in rule.get("fields") or [""]:
                    errors.setdefault(field, FieldError(field, message))
    if errors:
        found = sorted(errors.values(), key=lambda e: e.path)
        names = ", ".join(e.path or "(form)" for e in found)
        raise InvalidInput(Text("表单有 {n} 处需要修改：{names}", "{n} field(s) need attention: {names}",
                                n=len(found), names=names), found)


def _rule_message(rule: dict, values: dict) -> Text:
    texts = _languages(rule.get("message")) or {
        "zh-CN": f"不符合规则：{rule['rule']}", "en": f"rule not met: {rule['rule']}"}

    def filled(text: str, language: str) -> str:
        return fill(text, lambda name: show(values[name], language) if name in values else None)
    zh = texts.get("zh-CN") or texts.get("en", "")
    return Text(filled(zh, "zh-CN"), filled(texts.get("en") or zh, "en"))


def _languages(message: Any) -> dict[str, str]:
    if isinstance(message, str):
        return {"zh-CN": message, "en": message}
    if isinstance(message, dict):
        return {k: v for k, v in message.items() if k in LANGUAGES and isinstance(v, str)}
    return {}


def _node_at(schema: dict, parts: list) -> dict:
    """The sub-schema of a data path (following properties, items and local $refs)."""
    node = schema
    for part in parts:
        node = _deref(schema, node)
        if isinstance(part, int):
            node = node.get("items", {}) if isinstance(node.get("items"), dict) else {}
        else:
            node = (node.get("properties") or {}).get(part, {})
    return _deref(schema, node)


def _deref(root: dict, node: dict) -> dict:
    ref = node.get("$ref") if isinstance(node, dict) else None
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        return {**(root.get("$defs") or {}).get(ref.split("/")[-1], {}), **{k: v for k, v in node.items()
                                                                            if k != "$ref"}}
    return node if isinstance(node, dict) else {}


def _title(schema: dict, parts: list) -> Text:
    """How a person knows the field: its title in both languages, with the item number for list entries."""
    if not parts:
        return Text("表单", "the form")
    node = _node_at(schema, parts)
    zh = node.get("title") or str(parts[-1])
    en = ((node.get(I18N_KEYWORD) or {}).get("en") or {}).get("title") or zh
    items = [p for p in parts if isinstance(p, int)]
    if items and not isinstance(parts[-1], int):
        parent = _node_at(schema, parts[: parts.index(items[-1])])
        pzh = parent.get("title") or ""
        pen = ((parent.get(I18N_KEYWORD) or {}).get("en") or {}).get("title") or pzh
        return Text(f"{pzh}第 {items[-1] + 1} 项的“{zh}”", f"“{en}” of {pen} item {items[-1] + 1}")
    return Text(f"“{zh}”", f"“{en}”")


def _choices(node: dict) -> tuple[str, str] | None:
    options = node.get("oneOf") or node.get("anyOf")
    if isinstance(options, list) and options and all(isinstance(o, dict) and "const" in o for o in options):
        zh = "、".join(o.get("title") or show(o["const"]) for o in options)
        en = ", ".join(((o.get(I18N_KEYWORD) or {}).get("en") or {}).get("title") or o.get("title")
                       or show(o["const"]) for o in options)
        return zh, en
    if isinstance(node.get("enum"), list):
        values = ", ".join(show(v) for v in node["enum"])
        return values.replace(", ", "、"), values
    return None


_TYPE_NAMES = {"integer": ("整数", "a whole number"), "number": ("数字", "a number"), "string": ("文字", "text"),
               "boolean": ("是或否", "yes or no"), "array": ("列表", "a list"), "object": ("一组字段", "an object")}


def _explain(schema: dict, error) -> list[tuple[str, Text]]:
    parts = list(error.absolute_path)
    path = "/".join(str(p) for p in parts)
    kind, expected = error.validator, error.validator_value
    if kind == "required" and isinstance(error.instance, dict):
        return [("/".join(str(p) for p in [*parts, name]), Text("请填写{f}", "please fill in {f}",
                                                                  f=_title(schema, [*parts, name])))
                for name in expected if name not in error.instance]
    if kind == "additionalProperties" and isinstance(error.instance, dict):
        known = set(_node_at(schema, parts).get("properties") or {})
        return [("/".join(str(p) for p in [*parts, name]),
                 Text("表单中没有“{name}”这一项", "the form has no field “{name}”", name=name))
                for name in error.instance if name not in known]
    field = _title(schema, parts)
    node = _node_at(schema, parts)
    if kind in ("oneOf", "anyOf", "enum") and _choices(node if kind != "enum" else error.schema):
        zh, en = _choices(node if kind != "enum" else error.schema)
        return [(path, Text("{f}请从以下选项中选择一项：{zh}", "{f}: choose one of: {en}", f=field, zh=zh, en=en))]
    if kind == "type":
        wanted = expected[0] if isinstance(expected, list) else expected
        zh, en = _TYPE_NAMES.get(wanted, (wanted, wanted))
        return [(path, Text("{f}须为{zh}", "{f} must be {en}", f=field, zh=zh, en=en))]
    if kind == "format":
        if expected == "date-time":
            return [(path, Text("{f}请填写日期和时间（北京时间），例如 2026-12-03T19:00:00+08:00",
                                "{f}: enter a date and time with its offset, e.g. 2026-12-03T19:00:00+08:00",
                                f=field))]
        if expected == "date":
            return [(path, Text("{f}请填写日期，例如 2026-12-03", "{f}: enter a date, e.g. 2026-12-03", f=field))]
        return [(path, Text("{f}格式不正确（{fmt}）", "{f} is not a valid {fmt}", f=field, fmt=expected))]
    if kind == "minLength":
        if expected <= 1:
            return [(path, Text("请填写{f}", "please fill in {f}", f=field))]
        return [(path, Text("{f}至少 {n} 个字", "{f} needs at least {n} characters", f=field, n=expected))]
    simple = {
        "maxLength": ("{f}最多 {n} 个字", "{f} takes at most {n} characters"),
        "minimum": ("{f}不能小于 {n}", "{f} must be at least {n}"),
        "maximum": ("{f}不能大于 {n}", "{f} must be at most {n}"),
        "exclusiveMinimum": ("{f}须大于 {n}", "{f} must be more than {n}"),
        "exclusiveMaximum": ("{f}须小于 {n}", "{f} must be less than {n}"),
        "minItems": ("{f}至少填写 {n} 项", "{f} needs at least {n} entries"),
        "maxItems": ("{f}最多填写 {n} 项", "{f} takes at most {n} entries"),
        "uniqueItems": ("{f}中有重复的内容", "{f} has repeated entries"),
        "pattern": ("{f}格式不正确", "{f} is not in the expected format"),
        "const": ("{f}须为 {n}", "{f} must be {n}"),
        "multipleOf": ("{f}须为 {n} 的倍数", "{f} must be a multiple of {n}"),
    }
    if kind in simple:
        zh, en = simple[kind]
        shown = show(expected) if kind == "const" else expected
        return [(path, Text(zh, en, f=field, n=shown))]
    return [(path, Text("{f}填写有误：{m}", "{f}: {m}", f=field, m=error.message))]
