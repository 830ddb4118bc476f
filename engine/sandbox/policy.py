"""Compile-time policy: what a designer's expression or script may say, with the limits it is held to.

See ``engine.sandbox`` for the whole contract."""

from __future__ import annotations

import ast
import datetime as _dt
import operator
from collections.abc import Callable
from functools import lru_cache
from types import CodeType
from typing import Any, NamedTuple

from RestrictedPython import compile_restricted_eval, compile_restricted_exec
from RestrictedPython.transformer import IOPERATOR_TO_STR, RestrictingNodeTransformer, copy_locations

from engine.domain.texts import Text
from engine.errors import ScriptSecurityError

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
FORMAT_METHODS = frozenset({"format", "format_map"})
# `Exception.mro()` reaches BaseException (which SpiffWorkflow does not catch) and `object`.
INTROSPECTION = frozenset({"mro"})
INPLACE_OPERATORS: dict[str, Callable[[Any, Any], Any]] = {
    "+=": operator.iadd,
    "-=": operator.isub,
    "*=": operator.imul,
    "/=": operator.itruediv,
    "//=": operator.ifloordiv,
    "%=": operator.imod,
}
# Targets of `op=`; bool and datetime come in as subclasses of int and date.
INPLACE_TYPES = (int, float, complex, str, list, tuple, _dt.date, _dt.timedelta)
SEQUENCES = (str, bytes, list, tuple)
TICK = "_tick_"  # the step budget's hook the policy calls at the top of while, def and lambda bodies
FILENAME = "<string>"  # SpiffWorkflow looks for this frame name to report a script's failing line



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

    _BINOPGUARDS = {ast.Mult: "_mul_", ast.Pow: "_pow_", ast.LShift: "_lshift_"}

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
        if node.attr in FORMAT_METHODS:
            self.error(node, f'"{node.attr}" is not allowed (it can read attributes): use an f-string.')
        elif node.attr in INTROSPECTION:
            self.error(node, f'"{node.attr}" is not allowed: class introspection.')
        if isinstance(node.ctx, (ast.Store, ast.Del)):
            self.error(node, "attributes cannot be set or deleted: keep values in variables or dicts.")
        return super().visit_Attribute(node)

    # Every place where code can repeat calls the step budget (``engine.sandbox.budget``); ``for`` loops and
    # comprehensions already go through ``_getiter_``.

    def visit_While(self, node: ast.While) -> ast.AST:
        node = super().visit_While(node)
        node.body.insert(0, _tick_statement(node))
        return node

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:
        node = super().visit_FunctionDef(node)
        node.body.insert(0, _tick_statement(node.body[0] if node.body else node))
        return node

    def visit_Lambda(self, node: ast.Lambda) -> ast.AST:
        node = super().visit_Lambda(node)
        body = ast.BoolOp(op=ast.Or(), values=[_tick_call(node.body), node.body])  # _tick_() is None
        copy_locations(body, node.body)
        node.body = body
        return node

    def visit_AugAssign(self, node: ast.AugAssign) -> ast.AST:
        symbol = IOPERATOR_TO_STR.get(type(node.op), "?")
        if symbol not in INPLACE_OPERATORS:
            self.error(node, f'"{symbol}" is not supported; write the operation out.')
        return super().visit_AugAssign(node)

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        self._check_size(node)
        node = self.node_contents_visit(node)
        guard = self._BINOPGUARDS.get(type(node.op))
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


def _tick_call(where: ast.AST) -> ast.Call:
    call = ast.Call(func=ast.Name(TICK, ast.Load()), args=[], keywords=[])
    copy_locations(call, where)
    return call


def _tick_statement(where: ast.AST) -> ast.Expr:
    statement = ast.Expr(value=_tick_call(where))
    copy_locations(statement, where)
    return statement


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
        result = compiler(source, FILENAME, policy=YishiPolicy)
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
        raise ScriptSecurityError(Text("沙箱不允许这段表达式或脚本：{errors}", "{errors}",
                                       errors="; ".join(result.errors)))
    assert result.code is not None
    return result.code


def compile_expression(source: str) -> CodeType:
    """Restricted code for an expression (condition, timer, ...); ScriptSecurityError if rejected."""
    return _compiled(source, "eval")


def compile_script(source: str) -> CodeType:
    """Restricted code for a script (script task, pre/post script); ScriptSecurityError if rejected."""
    return _compiled(source, "exec")


