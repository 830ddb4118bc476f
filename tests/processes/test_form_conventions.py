"""The forms under forms/ follow the convention of forms/README.md, so standard renderers understand them.

Every ``<Name>.schema.json`` is a JSON Schema draft 2020-12 document using only standard keywords plus
the declared ones (``x-i18n``, ``x-yishi-rules``, ``x-yishi-widget``); titles and descriptions are Chinese, with English
under ``x-i18n``; choices are ``oneOf`` of ``const`` + ``title``; cross-field rule messages are language
maps whose ``{placeholders}`` name fields or case variables. Beside it, ``<Name>.uischema.json`` is a
react-jsonschema-form uiSchema: ``ui:order`` lists exactly the form's fields, widgets match the field
kind, and every text a person reads is a ``{"zh-CN": …, "en": …}`` map.

``form_problems`` states the convention once; the tests run it over every shipped form and over
deliberately broken copies, so a checker that stopped checking would fail too.
"""

from __future__ import annotations

import copy
import html
import json
import re
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator


def _root() -> Path:
    for parent in Path(__file__).resolve().parents:
        if (parent / "forms").is_dir() and (parent / "processes").is_dir():
            return parent
    raise RuntimeError("forms/ not found above the tests")


ROOT = _root()
FORMS = ROOT / "forms"
PROCESSES = ROOT / "processes"
SCHEMAS = sorted(FORMS.glob("*/*.schema.json"))

DECLARED = {"x-i18n", "x-yishi-rules", "x-yishi-widget", "x-yishi-personal"}
DRAFT_2020_12 = {
    # core
    "$schema", "$id", "$ref", "$anchor", "$dynamicRef", "$dynamicAnchor", "$vocabulary", "$comment", "$defs",
    # applicator and unevaluated
    "prefixItems", "items", "contains", "additionalProperties", "properties", "patternProperties",
    "dependentSchemas", "propertyNames", "if", "then", "else", "allOf", "anyOf", "oneOf", "not",
    "unevaluatedItems", "unevaluatedProperties",
    # validation
    "type", "const", "enum", "multipleOf", "maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum",
    "maxLength", "minLength", "pattern", "maxItems", "minItems", "uniqueItems", "maxContains", "minContains",
    "maxProperties", "minProperties", "required", "dependentRequired",
    # meta-data, format, content
    "title", "description", "default", "deprecated", "readOnly", "writeOnly", "examples", "format",
    "contentEncoding", "contentMediaType", "contentSchema",
}
FORMATS = {"date", "date-time", "email", "uri"}
SCHEMA_MAPS = ("properties", "patternProperties", "$defs", "dependentSchemas")
SCHEMA_ONE = ("items", "contains", "additionalProperties", "propertyNames", "if", "then", "else", "not",
              "unevaluatedItems", "unevaluatedProperties", "contentSchema")
SCHEMA_LISTS = ("prefixItems", "allOf", "anyOf", "oneOf")

UI_TEXT = {"ui:placeholder", "ui:help", "ui:description", "ui:title"}  # values are language maps
UI_KEYWORDS = UI_TEXT | {"ui:order", "ui:widget", "ui:options"}
UI_WIDGETS = {"textarea", "radio", "checkboxes", "select"}
UI_OPTIONS = {"rows"}
LANGUAGES = {"zh-CN", "en"}

CJK = re.compile(r"[\u3400-\u9fff]")
LATIN_WORD = re.compile(r"[A-Za-z]{3,}")  # a Chinese text may say "QQ群", not carry an English title
PLACEHOLDER = re.compile(r"\{(\w+)\}")
CODE = re.compile(r"(?<![{\w])[a-z][a-z0-9]*_[a-z0-9_]+(?![\w}])")  # a snake_case code outside braces
SHARED = {"assembly_vote", "congress_vote", "publication", "classified_implementation", "residents_evaluation",
          "archive_case"}


# ---------------------------------------------------------------------------------------------- helpers
def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def subschemas(node, where="#"):
    """Every schema object in a document with its JSON pointer (data-valued keywords are not descended)."""
    if not isinstance(node, dict):
        return
    yield where, node
    for key in SCHEMA_MAPS:
        for name, sub in (node.get(key) or {}).items():
            yield from subschemas(sub, f"{where}/{key}/{name}")
    for key in SCHEMA_ONE:
        if key in node:
            yield from subschemas(node[key], f"{where}/{key}")
    for key in SCHEMA_LISTS:
        for index, sub in enumerate(node.get(key) or []):
            yield from subschemas(sub, f"{where}/{key}/{index}")


def resolve(root: dict, node: dict) -> dict:
    """A property with a local ``$ref`` merged with its siblings (how renderers see it)."""
    if isinstance(node, dict) and "$ref" in node:
        target = root["$defs"][node["$ref"].rsplit("/", 1)[-1]]
        return {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    return node


def fields(root: dict, node: dict, where="#"):
    """Every field a person fills in: (pointer, resolved schema), nested objects and list items included."""
    for name, prop in (node.get("properties") or {}).items():
        prop = resolve(root, prop)
        path = f"{where}/{name}"
        yield path, prop
        yield from fields(root, prop, path)
        items = resolve(root, prop.get("items") or {})
        if items.get("type") == "object":
            yield from fields(root, items, f"{path}/items")


def is_choice(node: dict) -> bool:
    return isinstance(node, dict) and isinstance(node.get("oneOf"), list)


def script_names() -> set[str]:
    """Names set by script tasks, pre- and post-scripts: ``name = …`` at the start of a line."""
    names = set()
    block = re.compile(r"<(?:bpmn:script|spiffworkflow:preScript|spiffworkflow:postScript)>(.*?)</", re.S)
    for bpmn in PROCESSES.glob("*.bpmn"):
        for text in block.findall(bpmn.read_text(encoding="utf-8")):
            names |= set(re.findall(r"^\s*(\w+)\s*=(?!=)", html.unescape(text), re.M))
    return names


def start_keys(process: str) -> set[str]:
    """Configuration keys a form of ``process`` may name: its own start form's, or every method's for a
    shared activity (it runs inside the case of whichever method called it)."""
    starts = [FORMS / process / "start.schema.json"]
    if process in SHARED or not starts[0].exists():
        starts = sorted(FORMS.glob("*/start.schema.json"))
    return {key for start in starts for key in load(start).get("properties", {})}


SCRIPT_NAMES = script_names()


def language_map_problems(value, where: str) -> list[str]:
    if not isinstance(value, dict) or set(value) != LANGUAGES:
        return [f"{where}: must be a map with exactly zh-CN and en, got {value!r}"]
    problems = [f"{where}: {lang} is empty" for lang in LANGUAGES
                if not isinstance(value[lang], str) or not value[lang].strip()]
    if not problems and not CJK.search(value["zh-CN"]):
        problems.append(f"{where}: zh-CN text has no Chinese: {value['zh-CN']!r}")
    return problems


# ---------------------------------------------------------------------------------------------- the convention
def schema_problems(schema: dict) -> list[str]:
    problems = []
    try:
        Draft202012Validator.check_schema(schema)
    except Exception as exc:  # noqa: BLE001 - report whatever the meta-schema says
        problems.append(f"not a valid draft 2020-12 schema: {exc}")
    if schema.get("$schema") != "https://json-schema.org/draft/2020-12/schema":
        problems.append("$schema must be https://json-schema.org/draft/2020-12/schema")
    if schema.get("type") != "object" or schema.get("additionalProperties") is not False:
        problems.append('the root must be "type": "object" with "additionalProperties": false')

    for where, node in subschemas(schema):
        unknown = set(node) - DRAFT_2020_12 - DECLARED
        if unknown:
            problems.append(f"{where}: keywords that are neither draft 2020-12 nor declared: {sorted(unknown)}")
        if "enum" in node:
            problems.append(f"{where}: a bare enum; write choices as oneOf of const + title")
        if "format" in node and node["format"] not in FORMATS:
            problems.append(f"{where}: format {node['format']!r} is not one of {sorted(FORMATS)}")
        # Chinese texts with English beside them
        texts = {key: node[key] for key in ("title", "description") if key in node}
        english = (node.get("x-i18n") or {}).get("en") if isinstance(node.get("x-i18n"), dict) else None
        if "x-i18n" in node and (set(node["x-i18n"]) != {"en"} or not isinstance(english, dict)):
            problems.append(f'{where}: x-i18n must be {{"en": {{…}}}}')
            english = {}
        english = english or {}
        if set(english) != set(texts):
            problems.append(f"{where}: x-i18n.en has {sorted(english)} but the schema has {sorted(texts)}")
        for key, text in texts.items():
            if not isinstance(text, str) or not CJK.search(text) or LATIN_WORD.search(text):
                problems.append(f"{where}: {key} must be Chinese only, got {text!r}")
            en = english.get(key)
            if not isinstance(en, str) or not en.strip() or CJK.search(en):
                problems.append(f"{where}: x-i18n.en.{key} must be English, got {en!r}")
        # choices
        if "oneOf" in node:
            if "type" not in node:
                problems.append(f"{where}: a choice keeps its \"type\"")
            consts = []
            for index, option in enumerate(node["oneOf"]):
                if not isinstance(option, dict) or set(option) != {"const", "title", "x-i18n"}:
                    problems.append(f"{where}/oneOf/{index}: a choice is exactly const, title and x-i18n")
                    continue
                consts.append(option["const"])
            if len(consts) != len(set(map(json.dumps, consts))):
                problems.append(f"{where}: duplicate choice values")
        if node.get("type") == "array" and is_choice(node.get("items")) and node.get("uniqueItems") is not True:
            problems.append(f"{where}: a multi-select needs \"uniqueItems\": true")

    if not schema.get("title"):
        problems.append("#: the form has no title")
    for where, prop in fields(schema, schema):
        if "title" not in prop:
            problems.append(f"{where}: the field has no title")
        if "default" in prop:
            errors = list(Draft202012Validator({"$defs": schema.get("$defs", {}), **prop},
                                               format_checker=Draft202012Validator.FORMAT_CHECKER)
                          .iter_errors(prop["default"]))
            if errors:
                problems.append(f"{where}: the default does not validate: {errors[0].message}")
    return problems


def rule_problems(schema: dict, process: str) -> list[str]:
    problems = []
    properties = set(schema.get("properties", {}))
    allowed = properties | start_keys(process) | SCRIPT_NAMES
    for index, rule in enumerate(schema.get("x-yishi-rules", [])):
        where = f"x-yishi-rules/{index}"
        if not isinstance(rule, dict) or set(rule) != {"rule", "fields", "message"}:
            problems.append(f"{where}: a rule is exactly rule, fields and message")
            continue
        if not isinstance(rule["rule"], str) or not rule["rule"].strip():
            problems.append(f"{where}: rule must be an expression")
        if not rule["fields"] or not set(rule["fields"]) <= properties:
            problems.append(f"{where}: fields {rule['fields']} must be fields of this form")
        message = rule["message"]
        map_problems = language_map_problems(message, f"{where}/message")
        problems += map_problems
        if map_problems:
            continue
        names = {lang: set(PLACEHOLDER.findall(message[lang])) for lang in LANGUAGES}
        if names["zh-CN"] != names["en"]:
            problems.append(f"{where}: zh-CN and en interpolate different names {names}")
        for name in sorted(names["zh-CN"] | names["en"]):
            if name not in allowed:
                problems.append(f"{where}: {{{name}}} is neither a field of this form, a configuration key "
                                f"nor a value set by a script task")
        for lang in LANGUAGES:
            for code in CODE.findall(message[lang]):
                problems.append(f"{where}: the {lang} message shows the code {code!r}; interpolate {{{code}}}")
    return problems


def _ui_node_problems(root: dict, node: dict, ui, where: str, top: bool) -> list[str]:
    problems = []
    if not isinstance(ui, dict):
        return [f"{where}: must be an object"]
    node = resolve(root, node)
    properties = node.get("properties") or {}
    for key, value in ui.items():
        here = f"{where}/{key}"
        if key.startswith("ui:"):
            if key not in UI_KEYWORDS:
                problems.append(f"{here}: not one of {sorted(UI_KEYWORDS)}")
            elif key in UI_TEXT:
                problems += language_map_problems(value, here)
            elif key == "ui:widget" and value not in UI_WIDGETS:
                problems.append(f"{here}: widget {value!r} is not one of {sorted(UI_WIDGETS)}")
            elif key == "ui:options" and (not isinstance(value, dict) or not set(value) <= UI_OPTIONS
                                          or not all(isinstance(v, int) and v > 0 for v in value.values())):
                problems.append(f"{here}: options may only be {sorted(UI_OPTIONS)}, as positive numbers")
            elif key == "ui:order":
                if not properties:
                    problems.append(f"{here}: ui:order on something that has no fields")
                elif (not isinstance(value, list) or value[-1:] != ["*"] or len(value) != len(set(value))
                      or set(value[:-1]) != set(properties)):
                    problems.append(f"{here}: must list exactly the fields {sorted(properties)} and end with '*'")
        elif key == "items":
            if node.get("type") != "array" or not isinstance(node.get("items"), dict):
                problems.append(f"{here}: the schema here is not a list")
            else:
                problems += _ui_node_problems(root, node["items"], value, here, False)
        elif key in properties:
            problems += _ui_node_problems(root, properties[key], value, here, False)
        else:
            problems.append(f"{here}: {key!r} is neither a ui: keyword nor a field of the form")
    if top and "ui:order" not in ui:
        problems.append(f"{where}: the form needs a ui:order")
    if not top and len(properties) > 2 and "ui:order" not in ui:
        problems.append(f"{where}: a nested object with {len(properties)} fields needs its own ui:order")
    # widgets that fit the field
    widget = ui.get("ui:widget")
    items = resolve(root, node.get("items") or {})
    if is_choice(node) and node.get("type") == "string":
        if len(node["oneOf"]) <= 4 and widget != "radio":
            problems.append(f"{where}: a choice of {len(node['oneOf'])} takes ui:widget radio, not {widget!r}")
        elif len(node["oneOf"]) > 4 and widget not in (None, "select"):
            problems.append(f"{where}: a choice of {len(node['oneOf'])} takes the default select, not {widget!r}")
    elif node.get("type") == "array" and is_choice(items):
        if widget != "checkboxes":
            problems.append(f"{where}: a multi-select takes ui:widget checkboxes")
    elif widget in {"radio", "checkboxes", "select"}:
        problems.append(f"{where}: ui:widget {widget} on a field that is not a choice")
    if widget == "textarea" and (node.get("type") != "string" or "format" in node or is_choice(node)):
        problems.append(f"{where}: a textarea is for free text")
    if node.get("format") in {"date", "date-time"} and "ui:placeholder" not in ui:
        problems.append(f"{where}: a {node['format']} field needs a ui:placeholder with an example")
    return problems


def _stray_language_maps(value, where: str, parent: str = "") -> list[str]:
    """Language maps are for the texts the server localizes, nowhere else."""
    problems = []
    if isinstance(value, dict):
        if LANGUAGES & set(value) and parent not in UI_TEXT:
            problems.append(f"{where}: a language map outside {sorted(UI_TEXT)}")
        for key, sub in value.items():
            if key not in UI_TEXT:
                problems += _stray_language_maps(sub, f"{where}/{key}", key)
    elif isinstance(value, list):
        for index, sub in enumerate(value):
            problems += _stray_language_maps(sub, f"{where}/{index}", parent)
    return problems


def ui_problems(schema: dict, ui) -> list[str]:
    problems = _ui_node_problems(schema, schema, ui, "#", True) + _stray_language_maps(ui, "#")
    # a date field the uiSchema does not mention at all still needs its placeholder
    for where, prop in fields(schema, schema):
        if prop.get("format") in {"date", "date-time"}:
            entry = ui
            for part in where.split("/")[1:]:
                entry = entry.get(part, {}) if isinstance(entry, dict) else {}
            if not entry:
                problems.append(f"{where}: a {prop['format']} field needs a ui:placeholder with an example")
    return problems


def form_problems(schema: dict, ui, process: str) -> list[str]:
    return schema_problems(schema) + rule_problems(schema, process) + ui_problems(schema, ui)


# ---------------------------------------------------------------------------------------------- tests
def test_the_forms_are_there_and_every_file_is_a_form_or_its_ui_schema():
    assert len(SCHEMAS) >= 60
    for path in FORMS.rglob("*.json"):  # or a process's labels (tests/processes/test_labels.py)
        assert path.name.endswith((".schema.json", ".uischema.json")) or path.name == "labels.json", path
        if path.name.endswith(".uischema.json"):
            assert path.with_name(path.name.replace(".uischema.json", ".schema.json")).exists(), path


@pytest.mark.parametrize("path", SCHEMAS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_form_follows_the_convention(path):
    ui_path = path.with_name(path.name.replace(".schema.json", ".uischema.json"))
    assert ui_path.exists(), f"{ui_path.name} is missing"
    problems = form_problems(load(path), load(ui_path), path.parent.name)
    assert problems == [], "\n".join(problems)


def test_script_task_names_and_configuration_keys_are_found():
    assert {"reply_due", "effective_date", "quorum_met"} <= SCRIPT_NAMES
    assert {"pre_notice_min", "circulate_min", "min_supporters"} <= start_keys("assembly_vote")
    assert "circulate_min" not in start_keys("five_step")


# The checker itself: each defect below, made in a copy of a real form, must be reported.
def _form(name: str):
    path = FORMS / name
    return load(path), load(path.with_name(path.name.replace(".schema.json", ".uischema.json"))), path.parent.name


def _break(name: str, damage) -> list[str]:
    schema, ui, process = _form(name)
    schema, ui = copy.deepcopy(schema), copy.deepcopy(ui)
    damage(schema, ui)
    return form_problems(schema, ui, process)


CHANNEL = "five_step/A_UT_Register.schema.json"
VOTE = "assembly_vote/AV_UT_PublishNotice.schema.json"


def _bare_enum(schema, ui):
    prop = schema["properties"]["channel"]
    prop["enum"] = [option["const"] for option in prop.pop("oneOf")]


def _bilingual_title(schema, ui):
    schema["properties"]["title"]["title"] = "议题 Title"


def _no_english_choice(schema, ui):
    del schema["properties"]["channel"]["oneOf"][0]["x-i18n"]


def _legacy_keywords(schema, ui):
    schema["x-order"] = list(schema["properties"])


def _odd_format(schema, ui):
    schema["properties"]["title"]["format"] = "phone"


def _order_misses_a_field(schema, ui):
    ui["ui:order"].remove("scope")


def _unknown_ui_keyword(schema, ui):
    ui["title"]["ui:autofocus"] = True


def _language_map_outside_texts(schema, ui):
    ui["title"]["ui:options"] = {"rows": {"zh-CN": "四", "en": "four"}}


def _english_only_help(schema, ui):
    ui["description"]["ui:help"] = {"en": "Say what the problem is"}


def _radio_for_eight_choices(schema, ui):
    ui["channel"] = {"ui:widget": "radio"}


def _key_printed_not_interpolated(schema, ui):
    schema["x-yishi-rules"][0]["message"]["zh-CN"] = "会议须在公示后至少 pre_notice_min 日召开"


def _unknown_placeholder(schema, ui):
    rule = schema["x-yishi-rules"][0]
    rule["message"] = {lang: text.replace("{pre_notice_min}", "{pre_notice_minimum}")
                       for lang, text in rule["message"].items()}


def _message_one_language(schema, ui):
    schema["x-yishi-rules"][0]["message"] = "会议须在公示后至少 3 日召开"


def _date_without_placeholder(schema, ui):
    del ui["meeting_at"]


@pytest.mark.parametrize(("name", "damage", "words"), [
    (CHANNEL, _bare_enum, "bare enum"),
    (CHANNEL, _bilingual_title, "Chinese only"),
    (CHANNEL, _no_english_choice, "const, title and x-i18n"),
    (CHANNEL, _legacy_keywords, "x-order"),
    (CHANNEL, _odd_format, "format 'phone'"),
    (CHANNEL, _order_misses_a_field, "exactly the fields"),
    (CHANNEL, _unknown_ui_keyword, "ui:autofocus"),
    (CHANNEL, _language_map_outside_texts, "a language map outside"),
    (CHANNEL, _english_only_help, "exactly zh-CN and en"),
    (CHANNEL, _radio_for_eight_choices, "default select"),
    (VOTE, _key_printed_not_interpolated, "interpolate {pre_notice_min}"),
    (VOTE, _unknown_placeholder, "{pre_notice_minimum} is neither"),
    (VOTE, _message_one_language, "exactly zh-CN and en"),
    (VOTE, _date_without_placeholder, "needs a ui:placeholder"),
], ids=lambda v: v.__name__.strip("_") if callable(v) else None)
def test_the_checker_reports_each_defect(name, damage, words):
    problems = _break(name, damage)
    assert any(words in problem for problem in problems), problems


PERSONAL_TITLES = re.compile(r"电话|手机|身份证|证件号|住址|家庭地址")


def _personal_problems(node, where: str = "") -> list[str]:
    problems = []
    if isinstance(node, dict):
        for name, prop in (node.get("properties") or {}).items() if isinstance(node.get("properties"), dict) else ():
            if isinstance(prop, dict) and prop.get("type") == "string" and PERSONAL_TITLES.search(
                    str(prop.get("title", ""))) and prop.get("x-yishi-personal") not in ("phone", "id", "address"):
                problems.append(f"{where}/{name}: '{prop.get('title')}' holds personal data: mark it x-yishi-personal")
        for key, value in node.items():
            problems += _personal_problems(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            problems += _personal_problems(value, f"{where}/{index}")
    return problems


def test_fields_holding_personal_data_are_marked():
    problems = [f"{path.parent.name}/{path.name}{p}" for path in SCHEMAS for p in _personal_problems(load(path))]
    assert problems == []
    marked = [path for path in SCHEMAS if '"x-yishi-personal": "phone"' in path.read_text(encoding="utf-8")]
    assert len(marked) >= 10  # the people lists of the methods (proposer, participants, signatories)
    assert _personal_problems({"properties": {"tel": {"title": "联系电话", "type": "string"}}}) != []
