"""The language of an answer: ``Accept-Language`` chooses, Chinese (zh-CN) is the default.

``language_of(header)`` understands q-values: the most preferred language that is English (``en``, ``en-GB``…)
gives ``"en"``, anything else (Chinese, ``*``, an unknown language, no header) gives ``"zh-CN"``.
``localise`` renders the engine's bilingual ``Text`` values (and ``{"zh-CN": …, "en": …}`` maps) in that language,
and ``request_error`` words FastAPI's request-validation errors in it.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request

from engine.domain.texts import DEFAULT_LANGUAGE, Text, pick

Language = str  # "zh-CN" | "en"


def language_of(header: str | None) -> Language:
    """The answer's language for an ``Accept-Language`` header (RFC 9110 §12.5.4)."""
    best, best_q = None, 0.0
    for position, item in enumerate((header or "").split(",")):
        tag, _, params = item.strip().partition(";")
        tag = tag.strip().lower()
        if not tag:
            continue
        q = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if not 0 < q <= 1:
            continue
        if q > best_q or (q == best_q and best is None):
            best, best_q = (tag, position), q
    if best is None:
        return DEFAULT_LANGUAGE
    tag = best[0]
    return "en" if tag == "en" or tag.startswith("en-") else DEFAULT_LANGUAGE


def request_language(request: Request) -> Language:
    return language_of(request.headers.get("accept-language"))


async def _language(request: Request) -> Language:  # async: no thread-pool hop (api/deps.py)
    return request_language(request)


LanguageDep = Annotated[Language, Depends(_language)]


def localise(value: Any, language: Language) -> Any:
    """``value`` with every ``Text`` rendered in ``language`` (dicts and lists walked, nothing else changed)."""
    if isinstance(value, Text):
        return value.render(language)
    if isinstance(value, dict):
        return {k: localise(v, language) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [localise(v, language) for v in value]
    return value


def choose(value: Any, language: Language) -> Any:
    """A ``Text`` or a language map ``{"zh-CN": …, "en": …}`` in ``language``; anything else unchanged."""
    if isinstance(value, Text):
        return value.render(language)
    return pick(value, language)


# FastAPI's request validation (pydantic) errors, worded per language; other types keep pydantic's English.
REQUEST_ERRORS: dict[str, Text] = {
    "missing": Text("必填", "required"),
    "body_unreadable": Text("无法读取请求内容（{detail}）", "the request body cannot be read ({detail})"),
    "extra_forbidden": Text("不接受此字段", "unknown field: not accepted here"),
    "string_too_short": Text("至少 {min_length} 个字符", "at least {min_length} characters"),
    "string_too_long": Text("最多 {max_length} 个字符", "at most {max_length} characters"),
    "too_short": Text("至少 {min_length} 项", "at least {min_length} items"),
    "too_long": Text("最多 {max_length} 项", "at most {max_length} items"),
    "int_parsing": Text("请填写整数", "a whole number is expected"),
    "int_type": Text("请填写整数", "a whole number is expected"),
    "int_from_float": Text("请填写整数（不带小数）", "a whole number is expected (no fraction)"),
    "float_parsing": Text("请填写数字", "a number is expected"),
    "float_type": Text("请填写数字", "a number is expected"),
    "finite_number": Text("请填写有限的数字", "a finite number is expected"),
    "greater_than_equal": Text("不能小于 {ge}", "must be at least {ge}"),
    "greater_than": Text("必须大于 {gt}", "must be greater than {gt}"),
    "less_than_equal": Text("不能大于 {le}", "must be at most {le}"),
    "less_than": Text("必须小于 {lt}", "must be less than {lt}"),
    "string_type": Text("请填写文字", "text is expected"),
    "bool_parsing": Text("请填写 true 或 false", "true or false is expected"),
    "bool_type": Text("请填写 true 或 false", "true or false is expected"),
    "dict_type": Text("应为对象 {…}", "an object {…} is expected"),
    "list_type": Text("应为列表 […]", "a list […] is expected"),
    "model_type": Text("应为对象 {…}", "an object {…} is expected"),
    "model_attributes_type": Text("应为对象 {…}", "an object {…} is expected"),
    "json_invalid": Text("不是有效的 JSON", "not valid JSON"),
    "literal_error": Text("只能是：{expected}", "must be one of: {expected}"),
    "enum": Text("只能是：{expected}", "must be one of: {expected}"),
    "datetime_parsing": Text("请填写日期和时间，例如 2026-12-03T19:00:00+08:00",
                             "a date and time is expected, e.g. 2026-12-03T19:00:00+08:00"),
    "datetime_from_date_parsing": Text("请填写日期和时间，例如 2026-12-03T19:00:00+08:00",
                                       "a date and time is expected, e.g. 2026-12-03T19:00:00+08:00"),
    "datetime_type": Text("请填写日期和时间，例如 2026-12-03T19:00:00+08:00",
                          "a date and time is expected, e.g. 2026-12-03T19:00:00+08:00"),
    "timezone_aware": Text("请带上时区，例如 +08:00", "a time zone offset is needed, e.g. +08:00"),
    "text_control": Text("不能包含控制字符 NUL 或不成对的代理字符",
                         "must not contain NUL or unpaired surrogate characters"),
    "text_control_in": Text("{where}：不能包含控制字符 NUL 或不成对的代理字符",
                            "{where}: must not contain NUL or unpaired surrogate characters"),
    "value_error": Text("取值无效：{error}", "invalid value: {error}"),
}
LOCATIONS = ("body", "query", "path", "header", "cookie")


def request_error(error: dict, language: Language) -> dict:
    """One pydantic error → ``{"path": "case_ids/0", "message": …}`` in ``language``."""
    path = "/".join(str(p) for p in error.get("loc", ()) if p not in LOCATIONS)
    template = REQUEST_ERRORS.get(error.get("type", ""))
    if template is None:
        return {"path": path, "message": str(error.get("msg", "invalid"))}
    context = dict(error.get("ctx") or {})
    context = {k: (str(v) if not isinstance(v, str | int | float) else v) for k, v in context.items()}
    message = Text(template.zh, template.en, **context).render(language)
    return {"path": path, "message": message}
