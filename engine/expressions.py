"""The sandbox every BPMN condition, script and timer expression runs in.

Why: process designers upload BPMN, so its Python is untrusted. SpiffWorkflow's default
environment runs plain ``eval``/``exec`` and a "safe globals" dict alone is escaped through
``().__class__.__base__.__subclasses__()`` (SPIFFWORKFLOW_NOTES.md §5). Here every source is
compiled by RestrictedPython (with Yishi's stricter policy) and run with RestrictedPython's
guards, a small copy of its safe builtins and the domain functions below, offered by name.

Functions a designer may call (``DOMAIN_FUNCTIONS``)
-----------------------------------------------------
Voting rules (``engine.rules``, return booleans)::

    more_than_half(x, n)            half_or_more(x, n)            two_thirds_or_more(x, n)
    at_most_one_third(x, n)         at_most_one_fifth(x, n)
    at_most_fraction(x, n, num, den)   at_least_fraction(x, n, num, den)
    more_than_fraction(x, n, num, den)
    assembly_quorum_met(present, eligible, profile)   assembly_passed(yes, present, eligible, profile)
    congress_quorum_met(present, total)               congress_passed(yes, total, pass_rule)
    evaluation_satisfied(satisfied, basically_satisfied, respondents)

Deadlines (``engine.periods``, Civil Code counting in Asia/Shanghai). Instants come back as
ISO-8601 strings, so a result can be a timer's ``timeDate`` and be stored as JSON task data::

    period_end(start, days)          -> datetime string such as "2026-10-10T23:59:59+08:00"
    working_period_end(start, n)     -> datetime string, n working days (PRC holiday calendar)
    end_of_day(value)                -> datetime string, 24:00 of that day
    add_months(value, months)        -> "2026-12-20" (date string)
    days_between(start, end)         -> whole calendar days between the two local dates (int)
    local_date(value)                -> "2026-12-20", the Asia/Shanghai date of a date-time
    is_working_day(value), is_timely(at, deadline), calendar_covers(value)  -> bool
    now()   -> the engine clock's instant in Asia/Shanghai, ISO string (follows time travel)
    today() -> today's date in Asia/Shanghai, ISO string

Also available: the classes ``date``, ``datetime`` and ``timedelta`` (``datetime.now()`` reads the
real system clock, so use ``now()``), and the builtins in ``SANDBOX_BUILTINS`` (``len``, ``sum``,
``min``, ``max``, ``sorted``, ``any``, ``all``, ``list``, ``dict``, ``range``, ``int``, ``str``, ...).
Names in task data that clash with these globals make a script fail (SpiffWorkflow's rule).

What is rejected
----------------
At compile time, so both ``check()`` (the linter) and the engine refuse it:
RestrictedPython's rules (names and attributes starting with ``_``, frame/code attributes such as
``gi_frame``, ``eval``/``exec`` calls, ``nonlocal``, async, ``except*``, ``match``); and Yishi's:
``import``, ``class``, ``print``, ``.format``/``.format_map`` (use an f-string), ``.mro``, setting or
deleting attributes, calling ``open``, ``getattr``, ``type``, ``globals`` and the other names in
``UNAVAILABLE_CALLS``, ``**`` unless the exponent is a number literal of at most ``MAX_EXPONENT``,
a literal sequence repeated beyond ``MAX_SEQUENCE_ITEMS`` items, ``<<`` by a literal of more than
``MAX_INT_BITS``, and augmented assignments other than ``+= -= *= /= //= %=``.
At run time: attribute access goes through RestrictedPython's ``safer_getattr_raise`` (no ``_``
names, no ``str.format``) and refuses ``mro``; writes go only into dicts and lists; ``*``, ``**``,
``<<`` and ``*=`` check the size of their result (``ScriptSecurityError`` beyond the limits above);
``range`` is bounded; builtins that could stop the worker (``SystemExit``, ...) are absent.

What remains open
-----------------
CPU and memory spent by loops (``while True: pass``, nested comprehensions, ``s = s + s`` in a
loop), recursion up to Python's limit, method-level amplifiers (``str.ljust``/``center``/``zfill``/
``replace``, format widths such as ``f'{x:>1000000000}'``) and aggregates over aliased data
(``''.join([s] * n)``, ``sum([l] * n, [])``). RestrictedPython does not bound these: run engine
steps in workers with time and memory limits, and let only trusted roles upload BPMN.
"""

from __future__ import annotations

import ast
import datetime as _dt
import operator
from collections.abc import Callable
from functools import lru_cache
from types import CodeType
from typing import Any, NamedTuple

from RestrictedPython import compile_restricted_eval, compile_restricted_exec, safe_builtins
from RestrictedPython.Eval import default_guarded_getitem, default_guarded_getiter
from RestrictedPython.Guards import (
    full_write_guard,
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
    safer_getattr_raise,
)
from RestrictedPython.transformer import IOPERATOR_TO_STR, RestrictingNodeTransformer, copy_locations
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment

from engine import clock, periods, rules
from engine.errors import ScriptSecurityError

__all__ = [
    "DOMAIN_FUNCTIONS",
    "MAX_EXPONENT",
    "MAX_INT_BITS",
    "MAX_SEQUENCE_ITEMS",
    "SANDBOX_BUILTINS",
    "UNAVAILABLE_CALLS",
    "RestrictedEnvironment",
    "YishiPolicy",
    "add_months",
    "calendar_covers",
    "check",
    "compile_expression",
    "compile_script",
    "days_between",
    "end_of_day",
    "is_timely",
    "is_working_day",
    "local_date",
    "make_script_engine",
    "now",
    "period_end",
    "today",
    "working_period_end",
]

# ---------------------------------------------------------------------------------------------
# Limits: generous for deliberation arithmetic, far below what hurts a worker.

MAX_EXPONENT = 64  # largest literal exponent accepted after `**`
MAX_SEQUENCE_ITEMS = 1_000_000  # largest str/list/tuple a repetition (or range) may produce
MAX_INT_BITS = 8192  # largest integer `**` and `<<` may produce (~2466 decimal digits)

# Builtins that do not exist in the sandbox; calling one is a lint error with a clear message
# rather than a NameError at run time (RestrictedPython itself rejects eval() and exec()).
UNAVAILABLE_CALLS = frozenset({
    "open", "compile", "globals", "locals", "vars", "dir", "type", "getattr",
    "setattr", "delattr", "hasattr", "input", "breakpoint", "help", "memoryview", "object", "super",
    "pow", "id", "exit", "quit", "bytearray",
})
_FORMAT_METHODS = frozenset({"format", "format_map"})
# `Exception.mro()` reaches BaseException (which SpiffWorkflow does not catch) and `object`.
_INTROSPECTION = frozenset({"mro"})
_INPLACE_OPERATORS: dict[str, Callable[[Any, Any], Any]] = {
    "+=": operator.iadd,
    "-=": operator.isub,
    "*=": operator.imul,
    "/=": operator.itruediv,
    "//=": operator.ifloordiv,
    "%=": operator.imod,
}
# Targets of `op=`; bool and datetime come in as subclasses of int and date.
_INPLACE_TYPES = (int, float, complex, str, list, tuple, _dt.date, _dt.timedelta)
_SEQUENCES = (str, bytes, list, tuple)
_FILENAME = "<string>"  # SpiffWorkflow looks for this frame name to report a script's failing line


# ---------------------------------------------------------------------------------------------
# Compile-time policy


def _number_literal(node: ast.AST) -> float | int | None:
    """The value of ``3``, ``-2`` or ``0.5`` written literally, else None."""
    sign = 1
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        sign = -1 if isinstance(node.op, ast.USub) else 1
        node = node.operand
    if isinstance(node, ast.Constant) and type(node.value) in (int, float, bool):
        return sign * node.value
    return None


def _static_int(node: ast.AST) -> int | None:
    """The value of an integer literal expression such as ``10**10``; None if unknown or too big.

    Bounded work: operands beyond MAX_INT_BITS are not combined further.
    """
    if isinstance(node, ast.Constant) and type(node.value) in (int, bool):
        return int(node.value)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        value = _static_int(node.operand)
        return None if value is None else (-value if isinstance(node.op, ast.USub) else value)
    if not isinstance(node, ast.BinOp):
        return None
    left, right = _static_int(node.left), _static_int(node.right)
    if left is None or right is None or max(left.bit_length(), right.bit_length()) > MAX_INT_BITS:
        return None
    if isinstance(node.op, ast.Add):
        return left + right
    if isinstance(node.op, ast.Sub):
        return left - right
    if isinstance(node.op, ast.Mult):
        return left * right
    if isinstance(node.op, ast.Pow) and 0 <= right <= MAX_EXPONENT:
        return left**right if left.bit_length() * right <= MAX_INT_BITS else None
    if isinstance(node.op, ast.LShift) and 0 <= right <= MAX_INT_BITS:
        return left << right
    return None


def _static_length(node: ast.AST) -> int | None:
    """Length of a literal sequence (``'ab'``, ``[0]``, ``'-' * 3``), None if not a literal sequence."""
    if isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes)):
        return len(node.value)
    if isinstance(node, (ast.List, ast.Tuple)):
        return len(node.elts)
    if isinstance(node, ast.JoinedStr):
        return 1  # an f-string's length is unknown; at least treat it as a sequence
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
        for sequence, count in ((node.left, node.right), (node.right, node.left)):
            length, times = _static_length(sequence), _static_int(count)
            if length is not None:
                return length * times if times is not None else length
    return None


class YishiPolicy(RestrictingNodeTransformer):
    """RestrictedPython's policy plus Yishi's rules (see the module docstring).

    It also rewrites ``a * b``, ``a ** b`` and ``a << b`` into calls of size-checking guards,
    because RestrictedPython offers no hook for binary operators.
    """

    _BINOP_GUARDS = {ast.Mult: "_mul_", ast.Pow: "_pow_", ast.LShift: "_lshift_"}

    def __init__(self, errors=None, warnings=None, used_names=None):
        super().__init__(errors, warnings, used_names)
        self._positions: list[tuple[int, int, int]] = []

    def error(self, node: ast.AST, info: str) -> None:
        super().error(node, info)
        self._positions.append((getattr(node, "lineno", None) or 0, getattr(node, "end_lineno", None) or 0,
                                getattr(node, "end_col_offset", None) or 0))

    def visit_Expression(self, node: ast.Expression) -> ast.AST:
        return self._in_source_order(super().visit_Expression(node))

    def visit_Module(self, node: ast.Module) -> ast.AST:
        return self._in_source_order(super().visit_Module(node))

    def _in_source_order(self, node: ast.AST) -> ast.AST:
        """Report errors as a reader meets them (RestrictedPython checks ``a.b.c`` from the outside in)."""
        if len(self._positions) == len(self.errors):
            order = sorted(range(len(self.errors)), key=self._positions.__getitem__)
            self.errors[:] = [self.errors[i] for i in order]
        return node

    def visit_Import(self, node: ast.Import | ast.ImportFrom) -> ast.AST:
        self.error(node, "import is not allowed: the functions a process may use are offered by name.")
        return node

    visit_ImportFrom = visit_Import

    def visit_ClassDef(self, node: ast.ClassDef) -> ast.AST:
        self.error(node, "class definitions are not allowed.")
        return node

    def visit_Name(self, node: ast.Name) -> ast.AST:
        if isinstance(node.ctx, ast.Load) and node.id in ("print", "printed"):
            self.error(node, f'"{node.id}" is not available: a workflow has no output; store a variable.')
            return node
        return super().visit_Name(node)

    def visit_Call(self, node: ast.Call) -> ast.AST:
        if isinstance(node.func, ast.Name) and node.func.id in UNAVAILABLE_CALLS:
            self.error(node, f'"{node.func.id}" is not available in the sandbox.')
        return super().visit_Call(node)

    def visit_Attribute(self, node: ast.Attribute) -> ast.AST:
        if node.attr in _FORMAT_METHODS:
            self.error(node, f'"{node.attr}" is not allowed (it can read attributes): use an f-string.')
        elif node.attr in _INTROSPECTION:
            self.error(node, f'"{node.attr}" is not allowed: class introspection.')
        if isinstance(node.ctx, (ast.Store, ast.Del)):
            self.error(node, "attributes cannot be set or deleted: keep values in variables or dicts.")
        return super().visit_Attribute(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> ast.AST:
        symbol = IOPERATOR_TO_STR.get(type(node.op), "?")
        if symbol not in _INPLACE_OPERATORS:
            self.error(node, f'"{symbol}" is not supported; write the operation out.')
        return super().visit_AugAssign(node)

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        self._check_size(node)
        node = self.node_contents_visit(node)
        guard = self._BINOP_GUARDS.get(type(node.op))
        if guard is None:
            return node
        call = ast.Call(func=ast.Name(guard, ast.Load()), args=[node.left, node.right], keywords=[])
        copy_locations(call, node)
        return call

    def _check_size(self, node: ast.BinOp) -> None:
        """Reject at compile time what would certainly exceed the run-time limits."""
        if isinstance(node.op, ast.Pow):
            exponent = _number_literal(node.right)
            if exponent is None or abs(exponent) > MAX_EXPONENT:
                self.error(node, f'"**" needs a number literal exponent of at most {MAX_EXPONENT}.')
        elif isinstance(node.op, ast.Mult):
            length = _static_length(node)
            if length is not None and length > MAX_SEQUENCE_ITEMS:
                self.error(node, f"sequence repetition beyond {MAX_SEQUENCE_ITEMS} items.")
        elif isinstance(node.op, ast.LShift):
            shift = _static_int(node.right)
            if shift is not None and shift > MAX_INT_BITS:
                self.error(node, f'"<<" by more than {MAX_INT_BITS} bits.')


class _Compiled(NamedTuple):
    code: CodeType | None
    errors: tuple[str, ...]


def _compile(source: str, mode: str) -> _Compiled:
    if not isinstance(source, str):
        return _Compiled(None, (f"expected source text, got {type(source).__name__}",))
    return _compile_text(source, mode)


@lru_cache(maxsize=4096)
def _compile_text(source: str, mode: str) -> _Compiled:
    """Restricted compile, cached by source text (a condition is evaluated many times)."""
    compiler = compile_restricted_eval if mode == "eval" else compile_restricted_exec
    try:
        result = compiler(source, _FILENAME, policy=YishiPolicy)
    except RecursionError:
        return _Compiled(None, ("the code is nested too deeply",))
    except (SyntaxError, ValueError, MemoryError) as exc:  # RestrictedPython reports most itself
        return _Compiled(None, (f"{type(exc).__name__}: {exc}",))
    if result.errors:
        return _Compiled(None, tuple(_shorten(error) for error in result.errors))
    return _Compiled(result.code, ())


def _shorten(message: str, limit: int = 300) -> str:
    """Syntax errors quote the whole statement; keep lint reports readable."""
    return message if len(message) <= limit else message[: limit - 3] + "..."


def check(source: str, mode: str) -> list[str]:
    """Every reason the sandbox rejects ``source`` (mode "eval" or "exec"); empty when it is fine.

    For the linter: syntax errors are reported here, never raised.
    """
    if mode not in ("eval", "exec"):
        raise ValueError(f"mode must be 'eval' or 'exec', not {mode!r}")
    return list(_compile(source, mode).errors)


def _compiled(source: str, mode: str) -> CodeType:
    result = _compile(source, mode)
    if result.errors:
        raise ScriptSecurityError("; ".join(result.errors))
    assert result.code is not None
    return result.code


def compile_expression(source: str) -> CodeType:
    """Restricted code for an expression (condition, timer, ...); ScriptSecurityError if rejected."""
    return _compiled(source, "eval")


def compile_script(source: str) -> CodeType:
    """Restricted code for a script (script task, pre/post script); ScriptSecurityError if rejected."""
    return _compiled(source, "exec")


# ---------------------------------------------------------------------------------------------
# Run-time guards


def _check_items(count: int) -> None:
    if count > MAX_SEQUENCE_ITEMS:
        raise ScriptSecurityError(f"the result would have {count} items; the limit is {MAX_SEQUENCE_ITEMS}")


def _check_bits(bits: int) -> None:
    if bits > MAX_INT_BITS:
        raise ScriptSecurityError(f"the result would have about {bits} bits; the limit is {MAX_INT_BITS}")


def _check_repeat(left: Any, right: Any) -> None:
    if isinstance(left, _SEQUENCES) and isinstance(right, int):
        _check_items(len(left) * right)
    elif isinstance(right, _SEQUENCES) and isinstance(left, int):
        _check_items(len(right) * left)


def _guarded_mul(left: Any, right: Any) -> Any:
    """``left * right`` unless it repeats a sequence beyond MAX_SEQUENCE_ITEMS."""
    _check_repeat(left, right)
    return left * right


def _guarded_pow(base: Any, exponent: Any) -> Any:
    """``base ** exponent`` unless the integer result exceeds MAX_INT_BITS."""
    if isinstance(base, int) and isinstance(exponent, int) and exponent > 0 and abs(base) > 1:
        _check_bits(base.bit_length() * exponent)
    return base**exponent


def _guarded_lshift(value: Any, shift: Any) -> Any:
    """``value << shift`` unless the result exceeds MAX_INT_BITS."""
    if isinstance(value, int) and isinstance(shift, int) and value and shift > 0:
        _check_bits(value.bit_length() + shift)
    return value << shift


def _inplacevar(symbol: str, target: Any, value: Any) -> Any:
    """RestrictedPython's hook for ``name op= value``: arithmetic and concatenation on plain types."""
    operation = _INPLACE_OPERATORS.get(symbol)
    if operation is None:
        raise ScriptSecurityError(f'"{symbol}" is not supported in the sandbox')
    if not isinstance(target, _INPLACE_TYPES):
        raise TypeError(f'"{symbol}" is not supported on {type(target).__name__}')
    if symbol == "*=":
        _check_repeat(target, value)
    return operation(target, value)


def _getattr(obj: Any, name: str) -> Any:
    """RestrictedPython's safer_getattr_raise (no ``_`` names, no ``str.format``; a missing attribute
    raises instead of giving None, so a typo cannot silently steer a gateway), and no ``mro``."""
    if name in _INTROSPECTION:
        raise AttributeError(f'"{name}" is not allowed in the sandbox')
    return safer_getattr_raise(obj, name)


def _apply(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """RestrictedPython's hook for ``f(*args, **kwargs)``; iteration is unrestricted here anyway."""
    return function(*args, **kwargs)


def _bounded_range(*args: int) -> range:
    """``range`` that refuses to describe more than MAX_SEQUENCE_ITEMS numbers."""
    result = range(*args)
    try:
        size = len(result)
    except OverflowError:
        size = MAX_SEQUENCE_ITEMS + 1
    _check_items(size)
    return result


def _sandbox_builtins() -> dict[str, Any]:
    """A copy of RestrictedPython's safe_builtins, minus what can build classes, set attributes,
    compute huge powers or stop the worker, plus pure helpers."""
    names = dict(safe_builtins)  # a copy: RestrictedPython's dict is module-global
    for name in ("__build_class__", "setattr", "delattr", "_getattr_", "pow", "id",
                 "BaseException", "SystemExit", "KeyboardInterrupt", "GeneratorExit"):
        names.pop(name, None)
    names.update({
        helper.__name__: helper
        for helper in (list, dict, tuple, set, frozenset, sum, min, max, any, all, sorted, enumerate,
                       zip, map, filter, reversed, len, abs, round, int, float, str, bool, isinstance)
    })
    names["range"] = _bounded_range
    return names


SANDBOX_BUILTINS: dict[str, Any] = _sandbox_builtins()

# Set last in every scope, so task data can never shadow a guard.
_GUARDS: dict[str, Any] = {
    "__builtins__": SANDBOX_BUILTINS,
    "_getattr_": _getattr,
    "_getitem_": default_guarded_getitem,
    "_getiter_": default_guarded_getiter,
    "_write_": full_write_guard,
    "_inplacevar_": _inplacevar,
    "_unpack_sequence_": guarded_unpack_sequence,
    "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
    "_apply_": _apply,
    "_mul_": _guarded_mul,
    "_pow_": _guarded_pow,
    "_lshift_": _guarded_lshift,
}


# ---------------------------------------------------------------------------------------------
# Domain functions


def period_end(start: Any, days: int) -> str:
    """End of a period of ``days`` days from ``start`` (Civil Code rules), ISO datetime string."""
    return periods.period_end(start, days).isoformat()


def working_period_end(start: Any, n: int) -> str:
    """End of ``n`` working days from ``start``, ISO datetime string."""
    return periods.working_period_end(start, n).isoformat()


def end_of_day(value: Any) -> str:
    """24:00 (Asia/Shanghai) of the day of ``value``, ISO datetime string."""
    return periods.end_of_day(value).isoformat()


def add_months(value: Any, months: int) -> str:
    """The date ``months`` calendar months after ``value``, ISO date string."""
    return periods.add_months(value, months).isoformat()


def days_between(start: Any, end: Any) -> int:
    """Calendar days between the local (Asia/Shanghai) dates of ``start`` and ``end``."""
    return periods.days_between(start, end)


def local_date(value: Any) -> str:
    """The Asia/Shanghai date of a date-time, ISO date string."""
    return periods.to_local_date(value).isoformat()


def is_working_day(value: Any) -> bool:
    """Whether ``value`` is a working day in the PRC holiday calendar."""
    return periods.is_working_day(value)


def is_timely(at: Any, deadline: Any) -> bool:
    """Whether ``at`` is no later than ``deadline``."""
    return periods.is_timely(at, deadline)


def calendar_covers(value: Any) -> bool:
    """Whether the holiday calendar knows the year of ``value`` (working-day maths is reliable)."""
    return periods.calendar_covers(value)


def now() -> str:
    """The engine clock's instant in Asia/Shanghai, ISO string (follows tests and time travel)."""
    return clock.now().astimezone(periods.TZ).isoformat()


def today() -> str:
    """The engine clock's date in Asia/Shanghai, ISO string."""
    return clock.now().astimezone(periods.TZ).date().isoformat()


DOMAIN_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "more_than_half": rules.more_than_half,
    "half_or_more": rules.half_or_more,
    "two_thirds_or_more": rules.two_thirds_or_more,
    "at_most_one_third": rules.at_most_one_third,
    "at_most_one_fifth": rules.at_most_one_fifth,
    "at_most_fraction": rules.at_most_fraction,
    "at_least_fraction": rules.at_least_fraction,
    "more_than_fraction": rules.more_than_fraction,
    "assembly_quorum_met": rules.assembly_quorum_met,
    "assembly_passed": rules.assembly_passed,
    "congress_quorum_met": rules.congress_quorum_met,
    "congress_passed": rules.congress_passed,
    "evaluation_satisfied": rules.evaluation_satisfied,
    "period_end": period_end,
    "working_period_end": working_period_end,
    "end_of_day": end_of_day,
    "add_months": add_months,
    "days_between": days_between,
    "local_date": local_date,
    "is_working_day": is_working_day,
    "is_timely": is_timely,
    "calendar_covers": calendar_covers,
    "now": now,
    "today": today,
}

_DEFAULT_GLOBALS: dict[str, Any] = {
    **DOMAIN_FUNCTIONS,
    "date": _dt.date,
    "datetime": _dt.datetime,
    "timedelta": _dt.timedelta,
}


# ---------------------------------------------------------------------------------------------
# The SpiffWorkflow environment


class RestrictedEnvironment(TaskDataEnvironment):
    """TaskDataEnvironment that runs RestrictedPython code with Yishi's guards.

    Stateless between calls: one instance may serve every workflow.
    """

    def __init__(self, environment_globals: dict[str, Any] | None = None):
        chosen = dict(_DEFAULT_GLOBALS if environment_globals is None else environment_globals)
        reserved = set(chosen) & set(_GUARDS)
        if reserved:
            raise ValueError(f"globals may not define the sandbox's own names: {sorted(reserved)}")
        super().__init__(chosen)

    def scope(self, context: dict, external_context: dict | None = None) -> dict[str, Any]:
        """The globals an expression runs with: environment, external context, task data, then guards."""
        scope = dict(self.globals)
        scope.update(external_context or {})
        scope.update(context)
        scope.update(_GUARDS)
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
        context.update(_GUARDS)
        try:
            exec(code, context)
        finally:
            self._remove_globals_and_functions_from_context(context, external_context)
        return True

    def check_for_overwrite(self, context: dict, external_context: dict) -> None:
        """SpiffWorkflow's clash check, plus task data named like a guard (it would be lost)."""
        super().check_for_overwrite(context, external_context)
        reserved = set(_GUARDS).intersection(context)
        if reserved:
            raise ValueError(f"task data uses names reserved by the sandbox: {sorted(reserved)}")

    def _remove_globals_and_functions_from_context(self, context: dict, external_context: dict | None = None):
        for name in _GUARDS:
            context.pop(name, None)
        super()._remove_globals_and_functions_from_context(context, external_context)


def make_script_engine() -> PythonScriptEngine:
    """The script engine every workflow must use (re-assign it after each deserialize)."""
    return PythonScriptEngine(environment=RestrictedEnvironment())
