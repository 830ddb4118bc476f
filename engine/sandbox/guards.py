"""Run-time guards: attribute access, writes, size-checked arithmetic and the sandbox builtins."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from RestrictedPython import safe_builtins
from RestrictedPython.Eval import default_guarded_getitem, default_guarded_getiter
from RestrictedPython.Guards import (
    full_write_guard,
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
    safer_getattr_raise,
)

from engine.errors import ScriptSecurityError
from engine.sandbox.policy import (
    INPLACE_OPERATORS,
    INPLACE_TYPES,
    INTROSPECTION,
    MAX_INT_BITS,
    MAX_SEQUENCE_ITEMS,
    SEQUENCES,
)

# ---------------------------------------------------------------------------------------------
# Run-time guards


def _check_items(count: int) -> None:
    if count > MAX_SEQUENCE_ITEMS:
        raise ScriptSecurityError(f"the result would have {count} items; the limit is {MAX_SEQUENCE_ITEMS}")


def _check_bits(bits: int) -> None:
    if bits > MAX_INT_BITS:
        raise ScriptSecurityError(f"the result would have about {bits} bits; the limit is {MAX_INT_BITS}")


def _check_repeat(left: Any, right: Any) -> None:
    if isinstance(left, SEQUENCES) and isinstance(right, int):
        _check_items(len(left) * right)
    elif isinstance(right, SEQUENCES) and isinstance(left, int):
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
    operation = INPLACE_OPERATORS.get(symbol)
    if operation is None:
        raise ScriptSecurityError(f'"{symbol}" is not supported in the sandbox')
    if not isinstance(target, INPLACE_TYPES):
        raise TypeError(f'"{symbol}" is not supported on {type(target).__name__}')
    if symbol == "*=":
        _check_repeat(target, value)
    return operation(target, value)


def _getattr(obj: Any, name: str) -> Any:
    """RestrictedPython's safer_getattr_raise (no ``_`` names, no ``str.format``; a missing attribute
    raises instead of giving None, so a typo cannot silently steer a gateway), and no ``mro``."""
    if name in INTROSPECTION:
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
GUARDS: dict[str, Any] = {
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


