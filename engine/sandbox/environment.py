"""The SpiffWorkflow script environment that runs every expression in the sandbox."""

from __future__ import annotations

import datetime as _dt
from typing import Any

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment
from SpiffWorkflow.exceptions import SpiffWorkflowException

from engine.domain.texts import Text
from engine.errors import ScriptSecurityError
from engine.sandbox.budget import Budget, check_data
from engine.sandbox.functions import DOMAIN_FUNCTIONS
from engine.sandbox.guards import GUARDS
from engine.sandbox.policy import TICK, compile_expression, compile_script

# Also offered: the date classes (``datetime.now()`` reads the real clock, so designers use ``now()``).
DEFAULT_GLOBALS: dict[str, Any] = {**DOMAIN_FUNCTIONS, "date": _dt.date, "datetime": _dt.datetime,
                                   "timedelta": _dt.timedelta}
# Names set per evaluation, after GUARDS: the step budget's hooks (``engine.sandbox.budget``).
BUDGET_HOOKS = ("_getiter_", TICK)
RESERVED = frozenset(GUARDS) | frozenset(BUDGET_HOOKS)
EXPRESSION = Text("表达式", "expression")
SCRIPT = Text("脚本", "script")


def _install(scope: dict[str, Any], budget: Budget) -> None:
    scope.update(GUARDS)
    scope["_getiter_"] = budget.getiter
    scope[TICK] = budget.tick


def _changed(context: dict, before: dict, sizes: dict) -> dict:
    """What a script bound anew or grew in place at the top level: the values the size check must look at
    (data that was already stored was checked when it came in; nested in-place growth is left to the store's
    own limit)."""
    changed = {}
    for key, value in context.items():
        old = before.get(key, _ABSENT)
        if value is not old or (key in sizes and len(value) != sizes[key]):
            changed[key] = value
    return changed


_ABSENT = object()


def _keep_storable(context: dict, before: dict) -> None:
    """After a failing script: the task data must stay small enough to store with the case in error (a script
    stopped while filling a list would otherwise leave it behind). Undo the script's bindings, then drop what
    is still too big alone (a value that existed before and was grown in place)."""
    try:
        check_data(context, SCRIPT)
        return
    except ScriptSecurityError:
        pass
    context.clear()
    context.update(before)
    for key in list(context):
        try:
            check_data({key: context[key]}, SCRIPT)
        except ScriptSecurityError:
            del context[key]
    try:
        check_data(context, SCRIPT)
    except ScriptSecurityError:
        context.clear()


class RestrictedEnvironment(TaskDataEnvironment):
    """TaskDataEnvironment that runs RestrictedPython code with Yishi's guards.

    Stateless between calls: one instance may serve every workflow.
    """

    def __init__(self, environment_globals: dict[str, Any] | None = None):
        chosen = dict(DEFAULT_GLOBALS if environment_globals is None else environment_globals)
        reserved = set(chosen) & RESERVED
        if reserved:
            raise ValueError(f"globals may not define the sandbox's own names: {sorted(reserved)}")
        super().__init__(chosen)

    def scope(self, context: dict, external_context: dict | None = None,
              budget: Budget | None = None) -> dict[str, Any]:
        """The globals an expression runs with: environment, external context, task data, then guards and
        the step budget's hooks (a fresh budget unless one is given)."""
        scope = dict(self.globals)
        scope.update(external_context or {})
        scope.update(context)
        _install(scope, budget or Budget(EXPRESSION))
        return scope

    def evaluate(self, expression: str, context: dict, external_context: dict | None = None) -> Any:
        code = compile_expression(expression)
        self._prepare_context(context)
        budget = Budget(EXPRESSION)
        try:
            result = eval(code, self.scope(context, external_context, budget))
        except RecursionError:
            raise budget.recursion() from None
        budget.check_after()
        return result

    def execute(self, script: str, context: dict, external_context: dict | None = None) -> bool:
        code = compile_script(script)
        external_context = external_context or {}
        self.check_for_overwrite(context, external_context)
        self._prepare_context(context)
        budget = Budget(SCRIPT)
        before = dict(context)  # the bindings, to undo what a failing script left behind
        sizes = {key: len(value) for key, value in before.items() if isinstance(value, list | dict)}
        context.update(self.globals)
        context.update(external_context)
        _install(context, budget)
        try:
            try:
                exec(code, context)
            except RecursionError:
                raise budget.recursion() from None
            finally:
                self._remove_globals_and_functions_from_context(context, external_context)
            budget.check_after()
            check_data(_changed(context, before, sizes), SCRIPT)
        except Exception:
            _keep_storable(context, before)
            raise
        return True

    def check_for_overwrite(self, context: dict, external_context: dict) -> None:
        """SpiffWorkflow's clash check, plus task data named like a guard (it would be lost)."""
        super().check_for_overwrite(context, external_context)
        reserved = RESERVED.intersection(context)
        if reserved:
            raise ValueError(f"task data uses names reserved by the sandbox: {sorted(reserved)}")

    def _remove_globals_and_functions_from_context(self, context: dict, external_context: dict | None = None):
        for name in RESERVED:
            context.pop(name, None)
        super()._remove_globals_and_functions_from_context(context, external_context)


class YishiScriptEngine(PythonScriptEngine):
    """SpiffWorkflow's script engine, saying why an expression failed: its own message drops the cause, so a
    case error would read "Error evaluating expression '…'" for an expression the step budget stopped."""

    def evaluate(self, task, expression, external_context=None):
        try:
            return self.environment.evaluate(expression, task.data, external_context)
        except SpiffWorkflowException as exc:
            exc.add_note(f"Error evaluating expression '{expression}'")
            raise
        except Exception as exc:
            raise WorkflowTaskException(f"Error evaluating expression '{expression}': {type(exc).__name__}: {exc}",
                                        task=task, exception=exc) from exc


def make_script_engine() -> PythonScriptEngine:
    """The script engine every workflow must use (re-assign it after each deserialize)."""
    return YishiScriptEngine(environment=RestrictedEnvironment())

