"""Designers' scenarios: ``processes/<key>.scenarios.yaml`` read and run headless against a definition.

A scenario file says, in words a designer reads, who does what and what must come out::

    process: five_step
    unit: 金江路社区
    start_at: 2026-03-02T09:00:00+08:00     # optional; Monday 09:00 Beijing time by default
    scenarios:
      - name: 顺利通过 Passed and archived
        start: {by: proposer, data: {title: 加装电梯}}
        steps:
          - do: A_UT_Register              # the open task at this element …
            by: grid_steward               # … completed by a member holding this role in the unit
            data: {category: renovation, meeting_at: "@today+4 19:00", evidence: ["@attach photo.jpg"]}
          - clock: 7d                      # move the clock (d, h, m) and fire every due timer
          - clock: "@today+4 19:01"        # … or to an instant
          - wait: timer                    # a day at a time until a timer fires (at most 60 days)
          - wait: C_UT_Publish             # … or until that task opens
          - object: 异议内容                # a resident objects to the running notice (by: proposer)
          - send_back: A_UT_Triage         # 退回: the open task at this element sends the case back …
            to: A_UT_Register              # … along the return the diagram draws to this step
            by: grid_steward
            reason: 登记信息不全             # (required, recorded in the case file)
          - expect: {open: [A_UT_Triage]}  # a check on the way
        expect:
          status: completed
          end: A_EE_Closed
          path: [A_UT_Register, …]          # every task completed, in order
          timers: [AV_TE_Meeting, …]        # every timer fired, in order
          figures: {quorum_met: true}       # key figures (only those named are compared)

Values starting with ``@`` are read at the step: ``@now``, ``@now-2h``, ``@today``, ``@today+5`` (a date),
``@today+4 19:00`` (an instant in Beijing time), ``@attach NAME`` (a small file uploaded to the case by the acting
role, replaced by its reference); ``@@`` writes a literal ``@``. A step that takes a handwritten signature
(``signature`` = required) is signed with a small stand-in image uploaded the same way.

``run`` drives a service whose database is a throwaway one (``Yishi.run_scenarios`` makes it), with "now" pinned
per step (``clock.at``), so a run never touches real cases nor the process's clock.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import yaml

from engine.domain import clock
from engine.domain.actors import Actor
from engine.domain.texts import Text
from engine.errors import InvalidScenario, YishiError

if TYPE_CHECKING:  # the service hands itself in; importing it here would make a cycle
    from engine.service import Yishi

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
DEFAULT_START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)  # a Monday, no holiday near
WAIT_DAYS = 60
MAX_SCENARIOS = 50
MAX_STEPS = 400
STEP_KINDS = ("do", "clock", "wait", "object", "send_back", "expect")
_MOMENT = re.compile(r"@(now|today)((?:[+-]\d+[dhm]?)*)(?: (\d{1,2}):(\d{2}))?")
_OFFSET = re.compile(r"([+-])(\d+)([dhm]?)")
_DURATION = re.compile(r"(\d+)([dhm])")


@dataclass
class Scenario:
    name: str
    start_by: str
    start_data: dict
    steps: list[dict]
    expect: dict
    start_at: dt.datetime


@dataclass
class ScenarioFile:
    process: str
    unit: str
    scenarios: list[Scenario]


@dataclass
class Failure:
    step: int | None  # 1-based step number; None: the start or the final expectations
    element: str | None
    message: Text

    def as_dict(self) -> dict:
        return {"step": self.step, "element_id": self.element, "message": self.message}


@dataclass
class Result:
    name: str
    failures: list[Failure] = field(default_factory=list)
    path: list[str] = field(default_factory=list)  # tasks completed, in order
    timers: list[str] = field(default_factory=list)  # timers fired, in order
    status: str | None = None
    end_event: str | None = None
    open: list[str] = field(default_factory=list)
    figures: dict = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return not self.failures

    def as_dict(self) -> dict:
        return {"name": self.name, "passed": self.passed, "failures": [f.as_dict() for f in self.failures],
                "path": self.path, "timers": self.timers, "status": self.status, "end_event": self.end_event,
                "open": self.open, "figures": self.figures}


class _Loader(yaml.SafeLoader):
    """YAML 1.2's booleans: only true/false (in YAML 1.1 a field called ``yes`` or ``no`` would become a boolean)."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}
_Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                              list("tTfF"))


class _StepFailed(Exception):
    def __init__(self, message: Text):
        self.message = message


# ----- reading ------------------------------------------------------------------------------------------------

def _bad(message: Text) -> InvalidScenario:
    return InvalidScenario(Text("场景文件有误：{m}", "scenario file: {m}", m=message))


def parse(text: str, process: str | None = None) -> ScenarioFile:
    """Read a scenario file; every mistake is one bilingual error naming the scenario and step."""
    try:
        raw = yaml.load(text, Loader=_Loader)  # noqa: S506 — a SafeLoader
    except yaml.YAMLError as exc:
        raise _bad(Text("不是可读的 YAML（{e}）", "not readable YAML ({e})", e=str(exc)[:300])) from None
    if not isinstance(raw, dict):
        raise _bad(Text("应为一个映射，含 process、unit、scenarios",
                        "expected a mapping with process, unit, scenarios"))
    key = raw.get("process") or process
    unit = raw.get("unit")
    if not isinstance(key, str) or not isinstance(unit, str) or not unit:
        raise _bad(Text("须写明 process（流程 id）和 unit（单位）", "process (the process id) and unit are required"))
    if process is not None and key != process:
        raise _bad(Text("文件写的是流程 {a}，不是 {b}", "the file is for process {a}, not {b}", a=key, b=process))
    start_at = _instant(raw.get("start_at"), DEFAULT_START, "start_at")
    items = raw.get("scenarios")
    if not isinstance(items, list) or not items:
        raise _bad(Text("scenarios 须是非空列表", "scenarios must be a non-empty list"))
    if len(items) > MAX_SCENARIOS:
        raise _bad(Text("最多 {n} 个场景", "at most {n} scenarios", n=MAX_SCENARIOS))
    scenarios, names = [], set()
    for number, item in enumerate(items, 1):
        if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not item["name"].strip():
            raise _bad(Text("第 {n} 个场景须有 name", "scenario {n} needs a name", n=number))
        name = item["name"].strip()
        if name in names:
            raise _bad(Text("场景名“{name}”重复", "scenario name '{name}' is used twice", name=name))
        names.add(name)
        start = item.get("start") or {}
        if not isinstance(start, dict) or not isinstance(start.get("data", {}), dict):
            raise _bad(Text("场景“{name}”的 start 须是 {{by, data}}", "scenario '{name}': start must be {{by, data}}",
                            name=name))
        steps = item.get("steps") or []
        if not isinstance(steps, list) or len(steps) > MAX_STEPS:
            raise _bad(Text("场景“{name}”的 steps 须是列表（最多 {n} 步）",
                            "scenario '{name}': steps must be a list (at most {n})", name=name, n=MAX_STEPS))
        for index, step in enumerate(steps, 1):
            kinds = [k for k in STEP_KINDS if isinstance(step, dict) and k in step]
            if len(kinds) != 1:
                raise _bad(Text("场景“{name}”第 {i} 步须恰有 do、clock、wait、object、send_back、expect 之一",
                                "scenario '{name}' step {i}: exactly one of do, clock, wait, object, send_back, "
                                "expect", name=name, i=index))
            if kinds[0] == "expect":
                _check_expect(step["expect"], name)
            if kinds[0] == "do" and not isinstance(step.get("by"), str):
                raise _bad(Text("场景“{name}”第 {i} 步（{el}）须写明 by：哪个角色办理",
                                "scenario '{name}' step {i} ({el}): by (the role that acts) is required",
                                name=name, i=index, el=step["do"]))
            if kinds[0] == "send_back" and not all(isinstance(step.get(k), str) and step[k].strip()
                                                   for k in ("to", "by", "reason")):
                raise _bad(Text("场景“{name}”第 {i} 步（退回 {el}）须写明 to、by 和 reason",
                                "scenario '{name}' step {i} (send_back {el}): to, by and reason are required",
                                name=name, i=index, el=step["send_back"]))
        expect = item.get("expect") or {}
        _check_expect(expect, name)
        scenarios.append(Scenario(name, str(start.get("by") or "proposer"), dict(start.get("data") or {}), steps,
                                  expect, _instant(item.get("start_at"), start_at, "start_at")))
    return ScenarioFile(key, unit, scenarios)


def _check_expect(expect: Any, name: str) -> None:
    shapes = {"open": list, "path": list, "timers": list, "figures": dict, "status": str, "end": str}
    if expect is None:
        return
    if not isinstance(expect, dict) or any(not isinstance(v, shapes.get(k, object)) and v is not None
                                           for k, v in expect.items()):
        raise _bad(Text("场景“{name}”的 expect 须是映射：open、path、timers 为列表，figures 为映射，status、end 为文字",
                        "scenario '{name}': expect must be a mapping: open, path, timers lists, figures a mapping, "
                        "status and end texts", name=name))


def _instant(value: Any, default: dt.datetime, what: str) -> dt.datetime:
    if value is None:
        return default
    try:
        instant = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    except ValueError:
        raise _bad(Text("{what} 不是时间：{v}", "{what} is not an instant: {v}", what=what, v=value)) from None
    return instant if instant.tzinfo else instant.replace(tzinfo=SHANGHAI)


# ----- running ------------------------------------------------------------------------------------------------

class _Run:
    """One scenario against one service: the pinned instant, the case, what happened."""

    def __init__(self, service: Yishi, key: str, unit: str, scenario: Scenario):
        self.service, self.key, self.unit, self.scenario = service, key, unit, scenario
        self.now = scenario.start_at.astimezone(dt.UTC)
        self.case_id: int | None = None
        self.result = Result(scenario.name)

    def member(self, role: str) -> Actor:
        return Actor(f"scenario-{role}", frozenset({(self.unit, role)}))

    def pinned(self, action: Callable[[], Any]) -> Any:
        with clock.at(self.now):
            return action()

    # values
    def value(self, raw: Any, by: str) -> Any:
        if isinstance(raw, dict):
            return {k: self.value(v, by) for k, v in raw.items()}
        if isinstance(raw, list):
            return [self.value(v, by) for v in raw]
        if not isinstance(raw, str) or not raw.startswith("@"):
            return raw
        if raw.startswith("@@"):
            return raw[1:]
        if raw.startswith("@attach "):
            name = raw[len("@attach "):].strip()
            content = (b"%PDF-1.4\n" if name.endswith(".pdf") else b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR") + name.encode()
            record = self.pinned(lambda: self.service.attach(self.case_id, self.member(by), io.BytesIO(content), name))
            return {"sha256": record["sha256"], "name": record["file_name"]}
        return self.moment(raw).isoformat() if " " in raw or raw.startswith("@now") else \
            self.moment(raw).date().isoformat()

    def moment(self, raw: str) -> dt.datetime:
        match = _MOMENT.fullmatch(raw)
        if match is None:
            raise _StepFailed(Text("看不懂“{v}”：应为 @now、@today+5、@today+4 19:00 或 @attach 文件名",
                                   "cannot read '{v}': expected @now, @today+5, @today+4 19:00 or @attach NAME", v=raw))
        local = self.now.astimezone(SHANGHAI)
        if match.group(1) == "today":
            local = local.replace(hour=0, minute=0, second=0, microsecond=0)
        for sign, amount, unit in _OFFSET.findall(match.group(2)):
            delta = {"d": dt.timedelta(days=1), "": dt.timedelta(days=1), "h": dt.timedelta(hours=1),
                     "m": dt.timedelta(minutes=1)}[unit] * int(amount)
            local = local + delta if sign == "+" else local - delta
        if match.group(3) is not None:
            local = local.replace(hour=int(match.group(3)), minute=int(match.group(4)), second=0, microsecond=0)
        return local

    # the case
    def case(self) -> dict:
        return self.service.case(self.case_id)

    def open(self) -> list[str]:
        return sorted(t["element_id"] for t in self.case()["open_tasks"])

    def move_to(self, instant: dt.datetime) -> int:
        if instant < self.now:
            raise _StepFailed(Text("时钟只能向前拨", "the clock only moves forward"))
        self.now = instant.astimezone(dt.UTC)
        return self.service.tick(self.now).timers_fired

    def start(self) -> None:
        scenario = self.scenario
        data = self.value(scenario.start_data, scenario.start_by) if scenario.start_data else {}
        case = self.pinned(lambda: self.service.start(self.key, self.unit, self.member(scenario.start_by), data))
        self.case_id = case["id"]

    def step(self, step: dict) -> None:
        if "do" in step:
            self.do(str(step["do"]), step.get("data") or {}, step["by"])
        elif "clock" in step:
            target = step["clock"]
            if isinstance(target, str) and target.startswith("@"):
                self.move_to(self.moment(target).astimezone(dt.UTC))
            else:
                self.move_to(self.now + _duration(target))
        elif "wait" in step:
            self.wait(str(step["wait"]))
        elif "send_back" in step:
            task_id = self.open_task(str(step["send_back"]))["task_id"]
            self.pinned(lambda: self.service.return_task(task_id, self.member(step["by"]), str(step["to"]),
                                                         str(step["reason"])))
        elif "object" in step:
            by = str(step.get("by") or "proposer")
            self.pinned(lambda: self.service.lodge_objection(self.case_id, self.member(by), str(step["object"]),
                                                             step.get("on_behalf_of"), None))
        else:
            self.check(step["expect"] or {}, final=False)

    def open_task(self, element: str) -> dict:
        tasks = [t for t in self.case()["open_tasks"] if t["element_id"] == element]
        if len(tasks) != 1:
            case = self.case()
            raise _StepFailed(Text("{el} 没有待办（状态 {status}；待办：{open}{error}）",
                                   "{el} is not open (status {status}; open: {open}{error})", el=element,
                                   status=case["status"], open=", ".join(self.open()) or "—",
                                   error=f"; {case['error_element']}: {case['error_message']}"
                                   if case["error_message"] else ""))
        return tasks[0]

    def do(self, element: str, raw: dict, by: str) -> None:
        tasks = [self.open_task(element)]
        data = self.value(raw, by)
        opinion = None
        if self.service.runtime.task_view(self.case_id, tasks[0]["task_id"]).signature == "required":
            signature = self.value("@attach signature.png", by)  # a step that takes a handwritten signature
            opinion = {"text": "", "signature": signature}
        case = self.pinned(lambda: self.service.complete(self.case_id, tasks[0]["task_id"], self.member(by), data,
                                                         opinion))
        if case["status"] == "error":
            raise _StepFailed(Text("{el} 使事项出错：{m}", "{el} put the case in error: {m}", el=element,
                                   m=case["error_message"]))

    def wait(self, until: str) -> None:
        for _ in range(WAIT_DAYS):
            if until != "timer" and until in self.open():
                return
            fired = self.move_to(self.now + dt.timedelta(days=1))
            if until == "timer" and fired:
                return
        if until != "timer" and until in self.open():
            return
        raise _StepFailed(Text("等了 {n} 天，{what} 仍未出现", "waited {n} days and {what} never came", n=WAIT_DAYS,
                               what="计时器 a timer" if until == "timer" else until))

    def record(self) -> None:
        if self.case_id is None:
            return
        case = self.case()
        rows, _verification = self.service.history(self.case_id)
        self.result.path = [e["element_id"] for e in rows if e["kind"] == "task_completed"]
        self.result.timers = [e["element_id"] for e in rows if e["kind"] == "timer_fired"]
        self.result.status, self.result.end_event = case["status"], case["end_event"]
        self.result.open = sorted(t["element_id"] for t in case["open_tasks"])
        self.result.figures = self.service.key_figures(self.case_id)

    def check(self, expect: dict, *, final: bool) -> None:
        self.record()
        r, problems = self.result, []
        if "open" in expect and sorted(expect["open"] or []) != r.open:
            problems.append(Text("待办应为 {want}，实为 {got}", "open tasks should be {want}, are {got}",
                                 want=_list(sorted(expect["open"] or [])), got=_list(r.open)))
        if "status" in expect and expect["status"] != r.status:
            problems.append(Text("状态应为 {want}，实为 {got}", "status should be {want}, is {got}",
                                 want=expect["status"], got=r.status))
        if "end" in expect and expect["end"] != r.end_event:
            problems.append(Text("结束事件应为 {want}，实为 {got}", "end event should be {want}, is {got}",
                                 want=expect["end"], got=r.end_event or "—"))
        if "path" in expect and list(expect["path"] or []) != r.path:
            problems.append(Text("办理路径应为 {want}，实为 {got}", "path should be {want}, is {got}",
                                 want=_list(expect["path"] or []), got=_list(r.path)))
        if "timers" in expect and list(expect["timers"] or []) != r.timers:
            problems.append(Text("触发的计时器应为 {want}，实为 {got}", "timers fired should be {want}, are {got}",
                                 want=_list(expect["timers"] or []), got=_list(r.timers)))
        for name, want in (expect.get("figures") or {}).items():
            got = r.figures.get(name, "—")
            if got != want:
                problems.append(Text("关键数据 {name} 应为 {want}，实为 {got}",
                                     "key figure {name} should be {want}, is {got}", name=name, want=want, got=got))
        if problems:
            raise _StepFailed(_joined(problems))

    def run(self) -> Result:
        scenario = self.scenario
        try:
            self.start()
        except _StepFailed as failed:
            self.result.failures.append(Failure(None, None, failed.message))
            return self.result
        except YishiError as exc:
            self.result.failures.append(Failure(None, None, Text("发起失败：{m}", "could not start: {m}",
                                                                   m=_message(exc))))
            return self.result
        for number, step in enumerate(scenario.steps, 1):
            element = str(step.get("do")) if "do" in step else None
            try:
                self.step(step)
            except _StepFailed as failed:
                self.result.failures.append(Failure(number, element, failed.message))
                break
            except YishiError as exc:
                self.result.failures.append(Failure(number, element, _message(exc)))
                break
        if not self.result.failures:
            try:
                self.check(scenario.expect, final=True)
            except _StepFailed as failed:
                self.result.failures.append(Failure(None, None, failed.message))
        else:
            self.record()
        return self.result


def _message(exc: YishiError) -> Text:
    details = [f"{e.path}: {e.as_dict('en')['message']}" for e in getattr(exc, "errors", [])[:5]]
    details_zh = [f"{e.path}: {e.as_dict('zh-CN')['message']}" for e in getattr(exc, "errors", [])[:5]]
    if not details:
        return exc.text
    return Text("{m}（{d}）", "{m} ({d})", m=exc.text,
                d=_joined([Text(z, e) for z, e in zip(details_zh, details, strict=True)]))


def _joined(texts: list[Text]) -> Text:
    params = {f"p{i}": t for i, t in enumerate(texts)}
    slots = ["{" + k + "}" for k in params]
    return Text("；".join(slots), "; ".join(slots), **params)


def _list(items: list) -> str:
    return " → ".join(str(i) for i in items) or "—"


def _duration(value: Any) -> dt.timedelta:
    text = str(value).replace(" ", "")
    parts = _DURATION.findall(text)
    if not parts or "".join(a + u for a, u in parts) != text:
        raise _StepFailed(Text("看不懂时长“{v}”：应如 7d、2h、30m", "cannot read the duration '{v}': e.g. 7d, 2h, 30m",
                               v=value))
    unit = {"d": dt.timedelta(days=1), "h": dt.timedelta(hours=1), "m": dt.timedelta(minutes=1)}
    return sum((unit[u] * int(a) for a, u in parts), dt.timedelta(0))


def run(service: Yishi, scenarios: ScenarioFile, names: list[str] | None = None) -> list[Result]:
    """Run the scenarios (or only those named) of a file against ``service``'s deployed definitions."""
    chosen = [s for s in scenarios.scenarios if names is None or s.name in names]
    return [_Run(service, scenarios.process, scenarios.unit, s).run() for s in chosen]

