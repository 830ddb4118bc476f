"""The lint pass: every problem of a BPMN bundle at once, each located by file, element id and line.

SpiffWorkflow's parser stops at the first error and accepts much that fails only at run time
(a condition that does not compile, an unquoted timer, a missing form). Designers need the
whole list before they deploy, so the checks here walk the XML themselves and run the
SpiffWorkflow parser last.
"""

from __future__ import annotations

import ast
import copy
import re
from dataclasses import dataclass, field

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.spiff.parser import VALIDATOR

from engine.definitions import bpmn, forms, lint_actions
from engine.definitions.parser import YishiBpmnParser
from engine.definitions.xmlsafe import parse_bpmn
from engine.domain import personal
from engine.domain.case_variables import CASE_CONTEXT_KEYS
from engine.domain.statuses import TIMER_CASE_EVENTS
from engine.domain.texts import Text
from engine.errors import Problem, UnsafeXML
from engine.sandbox.environment import DEFAULT_GLOBALS
from engine.sandbox.guards import SANDBOX_BUILTINS
from engine.sandbox.policy import check as check_expression

# the BPMN elements that hold code, as a designer reads them in a problem
CODE_NAMES = {"preScript": "前置脚本 (preScript)", "postScript": "后置脚本 (postScript)",
              "loopCardinality": "多实例次数 (loopCardinality)",
              "completionCondition": "多实例完成条件 (completionCondition)"}

ROLE_CODE = re.compile(r"[a-z][a-z0-9_]*")  # a lane's role code: what memberships name


@dataclass
class LintReport:
    problems: list[Problem] = field(default_factory=list)
    trees: dict[str, etree._ElementTree] = field(default_factory=dict)
    process_files: dict[str, str] = field(default_factory=dict)  # executable process id -> file
    forms: dict[str, dict] = field(default_factory=dict)  # "<process id>/<file>" -> schema (and its uiSchema)
    form_sites: dict[str, tuple[str, str | None, int | None]] = field(default_factory=dict)  # key -> file, id, line
    parser: YishiBpmnParser | None = None

    @property
    def ok(self) -> bool:
        return not any(p.severity == "error" for p in self.problems)


def _check_signing(task, problem, filename: str, report: LintReport) -> None:
    """A multi-person step's ``signRule`` (an expression) belongs on a multi-instance task whose instances are each
    addressed to a member; ``signature`` is required or optional."""
    props = bpmn.properties(task)
    signature = props.get(bpmn.SIGNATURE_PROPERTY)
    if signature is not None and signature.strip() not in ("required", "optional"):
        problem(task, Text("签名属性须为 required 或 optional，而不是“{value}”",
                           "the signature property must be required or optional, not '{value}'",
                           value=signature[:50]), "signature_invalid")
    rule = props.get(bpmn.SIGN_RULE_PROPERTY)
    if rule is None:
        return
    loops = bpmn.xpath(task, "./bpmn:multiInstanceLoopCharacteristics")
    if not rule.strip():
        problem(task, Text("会签规则表达式是空的", "signRule expression is empty"), "sign_rule_empty")
    elif not loops:
        problem(task, Text("只有多实例任务（会签、或签、依次、票签）可以设置 signRule",
                           "only a multi-instance task (a multi-person step) may set signRule"), "sign_rule_not_mi")
    else:
        _check_code(rule, "eval", task, filename, report, Text("会签规则表达式", "signRule expression"))
        if not props.get(bpmn.ASSIGNEE_PROPERTY):
            problem(task, Text("多人办理的每个实例须指定办理人：把 assignee 设为输入项（inputDataItem）",
                               "each instance of a multi-person step needs its member: set assignee to the "
                               "inputDataItem"), "sign_assignee_missing")


def lint(bpmn_files: dict[str, bytes], form_files: dict[str, bytes]) -> LintReport:
    """Check BPMN documents (filename -> bytes) and the form files they reference ("<process>/<file>" -> bytes)."""
    report = LintReport()
    for filename, data in sorted(bpmn_files.items()):
        try:
            report.trees[filename] = parse_bpmn(data)
        except UnsafeXML as exc:
            report.problems.append(Problem(filename, None, exc.line, exc.text, code="xml"))
    xsd_clean = {name: _check_xsd(name, tree, report) for name, tree in report.trees.items()}
    for filename, tree in report.trees.items():
        for process in bpmn.processes(tree):
            pid = process.get("id")
            if bpmn.is_executable(process) and pid:
                if pid in report.process_files:
                    report.problems.append(Problem(filename, pid, process.sourceline, Text(
                        "流程 id “{pid}”在 {other} 中也有定义，每个流程 id 只能出现一次",
                        "process id '{pid}' is also defined in {other}", pid=pid, other=report.process_files[pid]),
                        code="duplicate_process"))
                report.process_files[pid] = filename
    if not report.process_files and report.trees:
        first = sorted(report.trees)[0]
        report.problems.append(Problem(first, None, None, Text(
            "没有可执行的流程：请在要运行的 bpmn:process 上设置 isExecutable=\"true\"",
            "no executable process: set isExecutable=\"true\" on the bpmn:process to run"),
            code="no_executable_process"))
    every_id = lint_actions.element_ids(report.trees)
    for filename, tree in report.trees.items():
        _check_document(filename, tree, form_files, report)
        lint_actions.check(filename, tree, every_id, report.problems)
    for pid, filename in sorted(report.process_files.items()):
        _check_labels(pid, filename, form_files, report)
    _check_rule_names(report)
    clean = [name for name, ok in xsd_clean.items() if ok]
    _check_with_spiff(clean, report)
    report.problems.sort(key=lambda p: (p.file, p.line or 0, p.element_id or ""))
    return report


def _element_id_at(tree: etree._ElementTree, line: int | None) -> str | None:
    if not line:
        return None
    for element in tree.getroot().iter():
        if isinstance(element.tag, str) and element.sourceline == line and element.get("id"):
            return element.get("id")
    return None


def _check_xsd(filename: str, tree: etree._ElementTree, report: LintReport) -> bool:
    """Validate against BPMN20.xsd with SpiffWorkflow's extension schema; report every error, not the first."""
    candidate = copy.deepcopy(tree)
    VALIDATOR.preprocess(candidate)
    if VALIDATOR.validator.validate(candidate):
        return True
    for entry in VALIDATOR.validator.error_log:
        report.problems.append(Problem(filename, _element_id_at(tree, entry.line), entry.line, Text(
            "不符合 BPMN 规范（XML Schema）：{error}", "BPMN schema: {error}", error=entry.message), code="xsd"))
    return False


def _check_document(filename: str, tree: etree._ElementTree, form_files: dict[str, bytes],
                    report: LintReport) -> None:
    root = tree.getroot()
    lanes = bpmn.lanes_by_node(tree)
    known_processes = set(report.process_files)

    def problem(node, message, code):
        report.problems.append(Problem(filename, node.get("id"), node.sourceline, message, code=code))

    for lane in bpmn.xpath(root, "//bpmn:lane"):
        role = bpmn.lane_role(lane)
        if not role:
            problem(lane, Text("泳道没有角色：请在 role 属性（或泳道名称）中写明可以办理其中任务的角色代码",
                               "lane has no role: give the role code that may work its tasks in the role property "
                               "(or as the lane name)"), "lane_without_name")
        elif not ROLE_CODE.fullmatch(role):
            problem(lane, Text("泳道的角色“{role}”不是角色代码：请在 role 属性中写角色代码（如 grid_steward），"
                               "泳道名称可写中英文角色名",
                               "lane role '{role}' is not a role code: put the code (e.g. grid_steward) in the role "
                               "property; the lane name may show the role's name", role=role), "lane_role_not_code")

    for task in bpmn.xpath(root, "//bpmn:userTask"):
        in_lane, _ = bpmn.lane_of(task, lanes)
        if not in_lane:
            problem(task, Text("人工任务不在任何泳道中：请把它放进负责办理的角色的泳道",
                               "user task is outside every lane: put it in the lane of the role that works it"),
                    "user_task_outside_lane")
        process = bpmn.owning_process(task)
        form_name = bpmn.properties(task).get(bpmn.FORM_PROPERTY)
        if not form_name:
            problem(task, Text("人工任务没有表单：请添加 spiffworkflow 属性 {name}",
                               "user task has no form: add the spiffworkflow property {name}",
                               name=bpmn.FORM_PROPERTY), "form_missing")
        elif process is not None:
            _check_form(f"{process.get('id')}/{form_name}", task, filename, form_files, report)
        due = bpmn.properties(task).get(bpmn.DUE_PROPERTY)
        if due:
            _check_code(due, "eval", task, filename, report, Text("办理期限表达式", "due date expression"))
        assignee = bpmn.properties(task).get(bpmn.ASSIGNEE_PROPERTY)
        if assignee is not None and not assignee.strip():
            problem(task, Text("办理人表达式是空的", "assignee expression is empty"), "assignee_empty")
        elif assignee:
            _check_code(assignee, "eval", task, filename, report, Text("办理人表达式", "assignee expression"))
        _check_signing(task, problem, filename, report)

    for process in bpmn.processes(tree):
        start_form = bpmn.properties(process).get(bpmn.START_FORM_PROPERTY)
        if start_form:
            _check_form(f"{process.get('id')}/{start_form}", process, filename, form_files, report)

    for flow in bpmn.xpath(root, "//bpmn:sequenceFlow[bpmn:conditionExpression]"):
        text = (bpmn.xpath(flow, "./bpmn:conditionExpression")[0].text or "").strip()
        if not text:
            problem(flow, Text("条件表达式是空的", "condition expression is empty"), "condition_empty")
        else:
            _check_code(text, "eval", flow, filename, report, Text("条件表达式", "condition"))

    for script_task in bpmn.xpath(root, "//bpmn:scriptTask"):
        scripts = bpmn.xpath(script_task, "./bpmn:script")
        if not scripts or not (scripts[0].text or "").strip():
            problem(script_task, Text("脚本任务没有脚本", "script task has no script"), "script_empty")
        else:
            _check_code(scripts[0].text, "exec", script_task, filename, report, Text("脚本", "script"))

    for hook in ("preScript", "postScript"):
        for node in bpmn.xpath(root, f"//spiffworkflow:{hook}"):
            owner = node.getparent().getparent()
            if (node.text or "").strip():
                _check_code(node.text, "exec", owner, filename, report, Text(CODE_NAMES[hook], hook))

    for loop in bpmn.xpath(root, "//bpmn:multiInstanceLoopCharacteristics"):
        owner = loop.getparent()
        for part in ("loopCardinality", "completionCondition"):
            for node in bpmn.xpath(loop, f"./bpmn:{part}"):
                if (node.text or "").strip():
                    _check_code(node.text, "eval", owner, filename, report, Text(CODE_NAMES[part], part))

    for kind in ("timeDate", "timeDuration", "timeCycle"):
        for node in bpmn.xpath(root, f"//bpmn:timerEventDefinition/bpmn:{kind}"):
            _check_timer(kind, (node.text or "").strip(), node.getparent().getparent(), filename, report)

    for event in bpmn.xpath(root, "//bpmn:boundaryEvent"):
        kind = bpmn.properties(event).get(bpmn.CASE_EVENT_PROPERTY)
        if kind is None:
            continue
        if not bpmn.xpath(event, "./bpmn:timerEventDefinition"):
            problem(event, Text("只有定时边界事件可以设置 caseEvent", "only a timer boundary event may set caseEvent"),
                    "case_event_invalid")
        elif kind not in TIMER_CASE_EVENTS:
            problem(event, Text("caseEvent“{kind}”不是定时事件可记录的事件，可选：{allowed}",
                                "caseEvent '{kind}' is not an event a timer may record; one of {allowed}",
                                kind=kind, allowed=", ".join(sorted(TIMER_CASE_EVENTS))), "case_event_invalid")

    for call in bpmn.xpath(root, "//bpmn:callActivity"):
        target = call.get("calledElement")
        if not target:
            problem(call, Text("调用活动没有指定要调用的流程（calledElement）", "call activity has no calledElement"),
                    "call_target_missing")
        elif target not in known_processes:
            problem(call, Text("调用活动调用的流程“{target}”不在本次部署中（请把定义它的文件一起部署）",
                               "call activity calls process '{target}', which is not in this deployment "
                               "(deploy the file that defines it together with this one)", target=target),
                    "call_target_missing")


def _check_form(key: str, node, filename: str, form_files: dict[str, bytes], report: LintReport) -> None:
    if key in report.forms:
        return
    raw = form_files.get(key)
    if raw is None:
        report.problems.append(Problem(filename, node.get("id"), node.sourceline, Text(
            "表单文件 forms/{key} 不存在", "form file forms/{key} does not exist", key=key), code="form_missing"))
        return
    try:
        schema = forms.parse_schema(raw)
    except ValueError as exc:
        report.problems.append(Problem(filename, node.get("id"), node.sourceline,
                                       _in_file(f"forms/{key}", exc), code="form_invalid"))
        return
    for expression in forms.rule_expressions(schema):
        for error in check_expression(expression, "eval"):
            report.problems.append(Problem(filename, node.get("id"), node.sourceline, Text(
                "forms/{key}：规则“{rule}”未通过沙箱检查：{error}", "forms/{key}: rule '{rule}' rejected: {error}",
                key=key, rule=expression, error=error), code="form_rule_invalid"))
    _check_patterns(key, schema, node, filename, report)
    _check_personal(key, schema, node, filename, report)
    report.forms[key] = schema
    report.form_sites[key] = (filename, node.get("id"), node.sourceline)
    ui_raw = form_files.get(forms.ui_key(key))
    if ui_raw is not None:
        try:
            report.forms[forms.ui_key(key)] = forms.parse_ui_schema(ui_raw)
        except ValueError as exc:
            report.problems.append(Problem(filename, node.get("id"), node.sourceline,
                                           _in_file(f"forms/{forms.ui_key(key)}", exc), code="form_invalid"))


def _check_patterns(key: str, schema: dict, node, filename: str, report: LintReport) -> None:
    """Form regexes run on RE2 (linear time): one it cannot compile is refused here, not met at run time.
    ``patternProperties`` is refused outright: jsonschema matches property names with Python's backtracking
    ``re``, which a crafted submission can keep busy for minutes."""
    for keyword, field_path, pattern in forms.patterns(schema):
        where = field_path or "(表单)"
        where_en = field_path or "(form)"
        if keyword == "patternProperties":
            report.problems.append(Problem(filename, node.get("id"), node.sourceline, Text(
                "forms/{key}：字段 {where} 使用了 patternProperties（“{pattern}”），不支持：请逐一列出字段",
                "forms/{key}: field {where_en} uses patternProperties ('{pattern}'), which is not supported: "
                "list the properties", key=key, where=where, where_en=where_en, pattern=pattern),
                code="form_pattern_invalid"))
            continue
        error = forms.pattern_error(pattern)
        if error is not None:
            report.problems.append(Problem(filename, node.get("id"), node.sourceline, Text(
                "forms/{key}：字段 {where} 的 pattern “{pattern}”无法由线性时间的正则引擎 RE2 编译（{error}）："
                "不支持向前/向后查找和反向引用",
                "forms/{key}: field {where_en}: pattern '{pattern}' does not compile in RE2, the linear-time regex "
                "engine forms use ({error}); look-arounds and back-references are not supported",
                key=key, where=where, where_en=where_en, pattern=pattern, error=error),
                code="form_pattern_invalid"))


def _check_personal(key: str, schema: dict, node, filename: str, report: LintReport) -> None:
    """``x-yishi-personal`` marks a string property as a phone number, an ID number or an address."""
    def walk(value, path: str) -> None:
        if isinstance(value, dict):
            if personal.KEYWORD in value and (value[personal.KEYWORD] not in personal.KINDS
                                              or value.get("type") != "string"):
                report.problems.append(Problem(filename, node.get("id"), node.sourceline, Text(
                    "forms/{key}：{path} 的 {keyword} 须为 {kinds} 之一，且只能标在字符串字段上",
                    "forms/{key}: {keyword} at {path} must be one of {kinds}, on a string field only",
                    key=key, path=path or "/", keyword=personal.KEYWORD, kinds=", ".join(personal.KINDS)),
                    code="form_invalid"))
            for name, item in value.items():
                walk(item, f"{path}/{name}")
        elif isinstance(value, list):
            for index, item in enumerate(value):
                walk(item, f"{path}/{index}")

    walk(schema, "")


def _check_labels(pid: str, filename: str, form_files: dict[str, bytes], report: LintReport) -> None:
    """``forms/<process>/labels.json``, when there is one: titles and value labels participants read."""
    key = forms.labels_key(pid)
    raw = form_files.get(key)
    if raw is None:
        return
    try:
        report.forms[key] = forms.parse_labels(raw)
    except ValueError as exc:
        report.problems.append(Problem(filename, pid, None, _in_file(f"forms/{key}", exc), code="labels_invalid"))


def _assigned_names(report: LintReport) -> set[str]:
    """Names the bundle's scripts assign (script tasks, pre- and post-scripts): documented case variables."""
    names: set[str] = set()
    for tree in report.trees.values():
        texts = [n.text or "" for n in bpmn.xpath(tree.getroot(), "//bpmn:script | //spiffworkflow:preScript"
                                                   " | //spiffworkflow:postScript")]
        for text in texts:
            try:
                parsed = ast.parse(text)
            except SyntaxError:
                continue
            names |= {n.id for n in ast.walk(parsed) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    return names


def _declared_case_variables(report: LintReport) -> set[str]:
    """Names a process declares it reads from its callers (``caseVariables``, e.g. a shared vote's settings)."""
    names: set[str] = set()
    for tree in report.trees.values():
        for process in bpmn.processes(tree):
            value = bpmn.properties(process).get(bpmn.CASE_VARIABLES_PROPERTY) or ""
            names |= {name.strip() for name in value.split(",") if name.strip()}
    return names


def _check_rule_names(report: LintReport) -> None:
    """A form rule or message may name only form fields, case variables and the sandbox's functions.

    Catches a misspelt name (``abstian``) at deploy time instead of a rule that silently fails later.
    """
    schemas = {k: v for k, v in report.forms.items() if not k.endswith(forms.UI_SUFFIX) and not forms.is_labels(k)}
    known = set().union(*(forms.field_names(s) for s in schemas.values())) if schemas else set()
    known |= _assigned_names(report) | set(CASE_CONTEXT_KEYS) | set(DEFAULT_GLOBALS) | set(SANDBOX_BUILTINS)
    known |= {"True", "False", "None"} | _declared_case_variables(report)
    for key, schema in schemas.items():
        filename, element, line = report.form_sites.get(key, (key, None, None))
        for rule in schema.get(forms.RULES_KEYWORD, []):
            if not isinstance(rule, dict) or not isinstance(rule.get("rule"), str):
                continue
            unknown = sorted(forms.rule_names(rule["rule"]) - known)
            if unknown:
                report.problems.append(Problem(filename, element, line, Text(
                    "forms/{key}：规则“{rule}”使用了表单和事项数据中都没有的名称：{names}",
                    "forms/{key}: rule '{rule}' names {names}, which is neither a field of the forms nor a case "
                    "variable", key=key, rule=rule["rule"], names=", ".join(unknown)), code="form_rule_unknown_name"))
        unknown = sorted(forms.placeholders(schema) - known)
        if unknown:
            report.problems.append(Problem(filename, element, line, Text(
                "forms/{key}：规则提示中的占位符 {names} 不是表单字段或事项数据",
                "forms/{key}: rule message placeholder(s) {names} name no field or case variable",
                key=key, names=", ".join(unknown)), code="form_rule_unknown_name"))


def _in_file(where: str, exc: ValueError) -> Text:
    """``forms/…: <why>`` for a form file that cannot be read (bilingual when the reader said why in both)."""
    text = getattr(exc, "text", None)
    if isinstance(text, Text):
        return Text("{where}：{why}", "{where}: {why}", where=where, why=text)
    return Text("{where}：无法读取（{why}）", "{where}: {why}", where=where, why=str(exc))


def _check_code(source: str, mode: str, node, filename: str, report: LintReport, what: Text) -> None:
    for error in check_expression(source, mode):
        report.problems.append(Problem(filename, node.get("id"), node.sourceline, Text(
            "{what}未通过沙箱检查：{error}", "{what} rejected by the sandbox: {error}", what=what, error=error),
            code="expression_invalid"))


def _check_timer(kind: str, text: str, event, filename: str, report: LintReport) -> None:
    def fail(zh: str, en: str, **values):
        report.problems.append(Problem(filename, event.get("id"), event.sourceline,
                                       Text(zh, en, kind=kind, **values), code="timer_invalid"))

    if not text:
        fail("定时器 {kind} 是空的", "timer {kind} is empty")
        return
    errors = check_expression(text, "eval")
    if errors:
        if text.upper().startswith(("P", "R")) or text[:1].isdigit():
            fail("定时器 {kind} 的“{text}”不是表达式：ISO-8601 的值要加引号，例如 \"{text}\"",
                 "timer {kind} '{text}' is not an expression: quote ISO-8601 values, e.g. \"{text}\"", text=text)
        else:
            fail("定时器 {kind} 未通过沙箱检查：{error}", "timer {kind} rejected by the sandbox: {error}",
                 error="; ".join(errors))
        return
    try:
        literal = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        if text.upper().startswith(("P", "R")) and text.replace("/", "").isalnum():
            fail("定时器 {kind} 的“{text}”没有加引号：请写成 \"{text}\"（定时器的值是表达式）",
                 "timer {kind} '{text}' is not quoted: write \"{text}\" (timers are expressions)", text=text)
        return  # a computed timer; checked when it runs
    if not isinstance(literal, str):
        fail("定时器 {kind} 须给出 ISO-8601 字符串，而不是 {type}",
             "timer {kind} must give an ISO-8601 string, not {type}", type=type(literal).__name__)
        return
    try:
        if kind == "timeCycle":
            TimerEventDefinition.parse_iso_recurring_interval(literal)
        elif kind == "timeDuration":
            TimerEventDefinition.parse_iso_duration(literal)
        else:
            parsed = TimerEventDefinition.parse_time_or_duration(literal)
            if isinstance(parsed, dict):
                raise ValueError("a duration where a date is expected")
            if "T" in literal and literal[-1] != "Z" and "+" not in literal[10:] and "-" not in literal[10:]:
                fail("定时器 timeDate 的“{text}”没有时区：请加上 Z 或 +08:00",
                     "timer timeDate '{text}' has no UTC offset: add Z or +08:00", text=literal)
    except Exception as exc:  # SpiffWorkflow raises bare Exception for a bad duration
        fail("定时器 {kind} 的“{text}”不是有效的 ISO-8601：{error}",
             "timer {kind} '{text}' is not valid ISO-8601: {error}", text=literal, error=exc)


def _check_with_spiff(filenames: list[str], report: LintReport) -> None:
    """Let SpiffWorkflow build every executable process; report what only its parser finds."""
    parser = YishiBpmnParser()
    try:
        for name in filenames:
            parser.add_bpmn_xml(report.trees[name], filename=name)
    except (ValidationException, SpiffWorkflowException) as exc:
        report.problems.append(_from_validation(exc, filenames[0] if filenames else ""))
        return
    available = set(parser.get_process_ids())
    for pid, filename in report.process_files.items():
        if filename not in filenames or pid not in available:
            continue
        try:
            parser.get_spec(pid)
            parser.get_subprocess_specs(pid, require_call_activity_specs=False)
        except (ValidationException, SpiffWorkflowException) as exc:
            problem = _from_validation(exc, filename)
            if problem.message not in {p.message for p in report.problems}:
                report.problems.append(problem)
        except Exception as exc:  # a parser crash on odd input is still a finding, not a 500
            report.problems.append(Problem(filename, pid, None, Text(
                "SpiffWorkflow 无法构建流程：{error}", "SpiffWorkflow cannot build process: {error}", error=exc),
                code="parse_failed"))
    report.parser = parser


def _from_validation(exc, default_file: str) -> Problem:
    line = getattr(exc, "line_number", None)
    return Problem(getattr(exc, "file_name", None) or default_file, getattr(exc, "id", None) or None,
                   int(line) if str(line or "").isdigit() else None,
                   Text("SpiffWorkflow 解析流程时发现问题：{error}", "{error}", error=str(exc)), code="bpmn_invalid")
