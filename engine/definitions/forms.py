"""JSON Schema forms: check a schema at deploy time, validate a submission at completion time.

A form may carry cross-field rules JSON Schema cannot say (``yes + no + abstain <= present``)
under the ``x-yishi-rules`` keyword: a list of ``{"rule": <sandboxed expression>,
"fields": [...], "message": "..."}``. Each rule is evaluated in the sandbox against the
submitted data; a false result is reported on every named field.
"""

from __future__ import annotations

import json
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from engine.errors import FieldError, InvalidInput

MAX_FORM_BYTES = 256_000
RULES_KEYWORD = "x-yishi-rules"


def parse_schema(raw: bytes | str) -> dict:
    """Decode a form file; raises ValueError with a located message when it is not a valid schema."""
    if isinstance(raw, bytes):
        if len(raw) > MAX_FORM_BYTES:
            raise ValueError(f"form schema is {len(raw)} bytes; the limit is {MAX_FORM_BYTES}")
        raw = raw.decode("utf-8")
    try:
        schema = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ValueError(f"form schema is not valid JSON (line {exc.lineno}, column {exc.colno}): {exc.msg}") from None
    if not isinstance(schema, dict):
        raise ValueError("form schema must be a JSON object")
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        where = "/".join(str(p) for p in exc.absolute_path) or "(root)"
        raise ValueError(f"form schema is not a valid JSON Schema at {where}: {exc.message}") from None
    for index, rule in enumerate(schema.get(RULES_KEYWORD, [])):
        if not isinstance(rule, dict) or not isinstance(rule.get("rule"), str):
            raise ValueError(f"{RULES_KEYWORD}[{index}] must be an object with a 'rule' expression")
    return schema


def rule_expressions(schema: dict) -> list[str]:
    """The cross-field rule expressions of a form, for the linter to compile."""
    return [rule["rule"] for rule in schema.get(RULES_KEYWORD, []) if isinstance(rule, dict)]


def _path(parts) -> str:
    return "/".join(str(p) for p in parts)


def with_defaults(schema: dict, data: dict) -> dict:
    """Top-level ``default`` values for missing properties (configuration keys with documented defaults)."""
    result = dict(data)
    for name, prop in (schema.get("properties") or {}).items():
        if name not in result and isinstance(prop, dict) and "default" in prop:
            result[name] = json.loads(json.dumps(prop["default"]))
    return result


def validate(schema: dict, data: Any, evaluate_rule=None) -> None:
    """Raise ``InvalidInput`` listing every field error; ``evaluate_rule(expr, data)`` runs cross-field rules."""
    if not isinstance(data, dict):
        raise InvalidInput("form data must be a JSON object", [FieldError("", "expected an object")])
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    errors = []
    for error in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
        path = _path(error.absolute_path)
        if error.validator == "required" and isinstance(error.instance, dict):
            missing = [name for name in error.validator_value if name not in error.instance]
            for name in missing:
                errors.append(FieldError(_path([*error.absolute_path, name]), "is required"))
            continue
        errors.append(FieldError(path, error.message))
    if not errors and evaluate_rule is not None:
        for rule in schema.get(RULES_KEYWORD, []):
            if not evaluate_rule(rule["rule"], data):
                message = rule.get("message") or f"rule not met: {rule['rule']}"
                for field in rule.get("fields") or [""]:
                    errors.append(FieldError(field, message))
    if errors:
        names = ", ".join(sorted({e.path or "(form)" for e in errors}))
        raise InvalidInput(f"invalid form data: {names}", errors)
