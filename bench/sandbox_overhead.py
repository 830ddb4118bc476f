"""What the step budget costs on the normal path (issue 10, item 1).

Evaluates the conditions, scripts and timer expressions of the shipped processes (processes/*.bpmn) N times
two ways in one run:

1. as the engine runs them: YishiPolicy with the budget hooks (``_tick_`` at while/def/lambda bodies, a
   counting ``_getiter_``), a fresh ``Budget`` per evaluation, and the size check of what a script leaves;
2. without the budget: the same policy minus the injected ticks, the identity ``_getiter_``, no ``Budget``,
   no size check.

Each source runs with every name it reads set to a small integer; those that fail either way (they need
dates, lists or strings) are left out and counted. Two loop-heavy samples show the per-iteration cost.

Usage: python bench/sandbox_overhead.py [--repeat N]
"""

from __future__ import annotations

import argparse
import ast
import platform
import statistics
import time
from pathlib import Path

from lxml import etree
from RestrictedPython import compile_restricted_eval, compile_restricted_exec
from RestrictedPython.Eval import default_guarded_getiter
from RestrictedPython.transformer import RestrictingNodeTransformer

from engine.sandbox.environment import RestrictedEnvironment
from engine.sandbox.guards import GUARDS
from engine.sandbox.policy import FILENAME, YishiPolicy

ROOT = Path(__file__).resolve().parent.parent
NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
      "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core"}
LOOPS = [
    ("eval", "sum(v for v in votes if v > 1)"),
    ("exec", "total = 0\nfor v in votes:\n    total += v\nnames = [str(v) for v in votes]"),
]


class UnbudgetedPolicy(YishiPolicy):
    """Yishi's policy without the budget's ticks (RestrictedPython's own while/def/lambda handling)."""

    visit_While = RestrictingNodeTransformer.visit_While
    visit_FunctionDef = RestrictingNodeTransformer.visit_FunctionDef
    visit_Lambda = RestrictingNodeTransformer.visit_Lambda


def shipped_sources() -> list[tuple[str, str]]:
    sources = []
    for path in sorted((ROOT / "processes").glob("*.bpmn")):
        root = etree.parse(str(path)).getroot()
        for node in root.xpath("//bpmn:conditionExpression | //bpmn:timeDate | //bpmn:timeDuration"
                               " | //bpmn:loopCardinality | //bpmn:completionCondition", namespaces=NS):
            if (node.text or "").strip():
                sources.append(("eval", node.text.strip()))
        for node in root.xpath("//bpmn:script | //spiffworkflow:preScript | //spiffworkflow:postScript",
                               namespaces=NS):
            if (node.text or "").strip():
                sources.append(("exec", node.text.strip()))
    return sources


def read_names(mode: str, source: str) -> set[str]:
    tree = ast.parse(source, mode="eval" if mode == "eval" else "exec")
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


class UnbudgetedEnvironment(RestrictedEnvironment):
    """The environment as it was before the budget: same compile cache, context handling and guards."""

    def __init__(self):
        super().__init__()
        self._codes: dict[tuple[str, str], object] = {}
        self._guards = {**GUARDS, "_getiter_": default_guarded_getiter}

    def _code(self, mode: str, source: str):
        code = self._codes.get((mode, source))
        if code is None:
            compiler = compile_restricted_eval if mode == "eval" else compile_restricted_exec
            code = self._codes[(mode, source)] = compiler(source, FILENAME, policy=UnbudgetedPolicy).code
        return code

    def evaluate(self, expression, context, external_context=None):
        code = self._code("eval", expression)
        self._prepare_context(context)
        scope = dict(self.globals)
        scope.update(external_context or {})
        scope.update(context)
        scope.update(self._guards)
        return eval(code, scope)

    def execute(self, script, context, external_context=None):
        code = self._code("exec", script)
        external_context = external_context or {}
        self.check_for_overwrite(context, external_context)
        self._prepare_context(context)
        context.update(self.globals)
        context.update(external_context)
        context.update(self._guards)
        try:
            exec(code, context)
        finally:
            self._remove_globals_and_functions_from_context(context, external_context)
        return True


def runner(env: RestrictedEnvironment):
    def run(mode, source, context):
        return env.evaluate(source, context) if mode == "eval" else env.execute(source, dict(context))
    return run


def runnable(sources, env, plain) -> list[tuple[str, str, dict]]:
    kept = []
    for mode, source in sources:
        names = read_names(mode, source) - set(env.globals) - {"True", "False", "None"}
        context = {name: 3 for name in names}
        try:
            runner(env)(mode, source, context)
            runner(plain)(mode, source, context)
        except Exception:  # noqa: BLE001 - needs other data: left out, counted
            continue
        kept.append((mode, source, context))
    return kept


def timed(run, samples, repeat: int) -> float:
    """Best of five: microseconds per evaluation over the whole sample."""
    rounds = []
    for _ in range(5):
        started = time.perf_counter()
        for _ in range(repeat):
            for mode, source, context in samples:
                run(mode, source, context)
        rounds.append((time.perf_counter() - started) / (repeat * len(samples)) * 1e6)
    return min(rounds)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    env, plain = RestrictedEnvironment(), UnbudgetedEnvironment()
    sources = shipped_sources()
    samples = runnable(sources, env, plain)
    loops = [(mode, source, {"votes": list(range(100))}) for mode, source in LOOPS]
    # a script in a grown case: ~300 values of task data (the size check walks them all)
    case_data = {f"field_{i}": {"value": i, "note": "说明" * 5, "list": [i, i + 1]} for i in range(60)}
    grown = [("exec", "quorum_met = present * 2 > eligible", {**case_data, "present": 30, "eligible": 41})]
    print(f"{platform.processor() or platform.machine()}, Python {platform.python_version()}, "
          f"{time.strftime('%Y-%m-%d')}")
    print(f"shipped sources: {len(sources)}, runnable with integer data: {len(samples)}")
    for label, group in (("shipped conditions/scripts/timers", samples), ("loops over 100 items", loops),
                         ("one script, 300 values of case data", grown)):
        off = timed(runner(plain), group, args.repeat)
        on = timed(runner(env), group, args.repeat)
        print(f"{label:36s} without budget {off:7.2f} µs  with budget {on:7.2f} µs  ratio {on / off:.2f}"
              f"  (+{on - off:.2f} µs per evaluation)")
    print(f"median shipped source length: {statistics.median(len(s) for _, s, _ in samples):.0f} characters")


if __name__ == "__main__":
    main()
