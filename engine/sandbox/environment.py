"""The SpiffWorkflow script environment that runs every expression in the sandbox."""

from __future__ import annotations

import datetime as _dt
from typing import Any

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment

from engine.sandbox.functions import DOMAIN_FUNCTIONS
from engine.sandbox.guards import GUARDS
from engine.sandbox.policy import compile_expression, compile_script

# Also offered: the date classes (``datetime.now()`` reads the real clock, so designers use ``now()``).
DEFAULT_GLOBALS: dict[str, Any] = {**DOMAIN_FUNCTIONS, "date": _dt.date, "datetime": _dt.datetime,
                                   "timedelta": _dt.timedelta}


class RestrictedEnvironment(TaskDataEnvironment):
    """TaskDataEnvironment that runs RestrictedPython code with Yishi's guards.

    Stateless between calls: one instance may serve every workflow.
    """

    def __init__(self, environment_globals: dict[str, Any] | None = None):
        chosen = dict(DEFAULT_GLOBALS if environment_globals is None else environment_globals)
        reserved = set(chosen) & set(GUARDS)
        if reserved:
            raise ValueError(f"globals may not define the sandbox's own names: {sorted(reserved)}")
        super().__init__(chosen)

    def scope(self, context: dict, external_context: dict | None = None) -> dict[str, Any]:
        """The globals an expression runs with: environment, external context, task data, then guards."""
        scope = dict(self.globals)
        scope.update(external_context or {})
        scope.update(context)
        scope.update(GUARDS)
        return scope

    def evaluate(self, expression: str, context: dict, external_context: dict | None = None) -> Any:
        code = compile_expression(expression)
        self._prepare_context(context)
        return eval(code, self.scope(context, external_context))

    def execute(self, script: str, context: dict, external_context: dict | None = None) -> bool:
        code = compile_script(script)
        external_context = external_context or {}
        self.check_for_overwrite(context, external_context)
        self._prepare_context(context)
        context.update(self.globals)
        context.update(external_context)
        context.update(GUARDS)
        try:
            exec(code, context)
        finally:
            self._remove_globals_and_functions_from_context(context, external_context)
        return True

    def check_for_overwrite(self, context: dict, external_context: dict) -> None:
        """SpiffWorkflow's clash check, plus task data named like a guard (it would be lost)."""
        super().check_for_overwrite(context, external_context)
        reserved = set(GUARDS).intersection(context)
        if reserved:
            raise ValueError(f"task data uses names reserved by the sandbox: {sorted(reserved)}")

    def _remove_globals_and_functions_from_context(self, context: dict, external_context: dict | None = None):
        for name in GUARDS:
            context.pop(name, None)
        super()._remove_globals_and_functions_from_context(context, external_context)


def make_script_engine() -> PythonScriptEngine:
    """The script engine every workflow must use (re-assign it after each deserialize)."""
    return PythonScriptEngine(environment=RestrictedEnvironment())

