"""The step budget: every evaluation of a designer's code gets a bounded number of steps, seconds and megabytes.

Why this mechanism: RestrictedPython already rewrites the code, so the policy (``engine.sandbox.policy``) makes
every place where Python code can repeat call the budget: ``for`` loops and comprehensions iterate through
``_getiter_`` (a counting iterator here), and the top of every ``while`` body, ``def`` body and ``lambda``
calls ``_tick_``. Code without those constructs runs a bounded number of bytecodes, and what a single builtin
may do in C is already bounded by the size guards (``range``, ``*``, ``**``, ``<<``). A tick costs a counter
decrement and a clock read; the wall-clock deadline and the process's memory growth are looked at only every
``CHECK_INTERVAL`` seconds. Once exceeded, a budget stays exceeded, so a script that catches the error meets
it again at its next loop step, and the environment raises it again when the code returns.

The alternative, a supervised worker process with rlimits, isolates better (it also bounds what C code does)
but costs a process hop per expression; a watchdog thread cannot stop a thread that holds the GIL.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from engine.domain.texts import Text
from engine.errors import ScriptSecurityError

_monotonic = time.monotonic
CHECK_INTERVAL = 0.01  # seconds between looks at the deadline and at memory


@dataclass(frozen=True)
class Limits:
    """What one evaluation (a condition, a script, a timer expression, a form rule) may spend."""

    seconds: float = 2.0  # wall clock
    operations: int = 5_000_000  # loop steps, comprehension steps and calls of functions the code defines
    memory_mb: int = 512  # growth of the process's resident memory while the code runs; 0: not checked
    data_items: int = 200_000  # values a script may leave in the task data (a shared list counts each time)
    data_chars: int = 10_000_000  # characters of all strings a script may leave in the task data
    data_depth: int = 64  # nesting of lists and dicts a script may leave in the task data


_limits = Limits()


def configure(limits: Limits) -> None:
    """Set the limits every later evaluation gets (from ``engine.settings`` at start-up; tests)."""
    global _limits
    if limits.seconds <= 0 or limits.operations <= 0:
        raise ValueError("the step budget needs positive seconds and operations")
    _limits = limits


def current_limits() -> Limits:
    return _limits


def _resident_bytes() -> int | None:
    """The process's resident memory (Linux: /proc/self/statm), None where it cannot be read."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1]) * _PAGE
    except (OSError, ValueError, IndexError):
        return None


try:
    _PAGE = os.sysconf("SC_PAGE_SIZE")
except (AttributeError, ValueError, OSError):  # pragma: no cover - not POSIX
    _PAGE = 4096


class Budget:
    """The budget of one evaluation. ``tick`` and ``getiter`` are put into the code's globals."""

    __slots__ = ("what", "limits", "left", "deadline", "next_check", "memory_start", "exceeded")

    def __init__(self, what: Text, limits: Limits | None = None):
        self.what = what
        self.limits = limits or _limits
        now = time.monotonic()
        self.left = self.limits.operations
        self.deadline = now + self.limits.seconds
        self.next_check = now + CHECK_INTERVAL
        self.memory_start: int | None = None  # read at the first slow check: nothing to read on the normal path
        self.exceeded: ScriptSecurityError | None = None

    def tick(self) -> None:
        """One step: a loop iteration, a comprehension step or a call."""
        self.left -= 1
        if self.left < 0 or _monotonic() >= self.next_check:
            self._check()

    def getiter(self, iterable: Iterable[Any]) -> Iterator[Any]:
        """RestrictedPython's ``_getiter_``: the same items, each one a step."""
        return self._counting(iter(iterable))

    def _counting(self, iterator: Iterator[Any]) -> Iterator[Any]:
        monotonic = _monotonic
        for item in iterator:  # tick(), inlined: this is the hot path of every loop
            self.left -= 1
            if self.left < 0 or monotonic() >= self.next_check:
                self._check()
            yield item

    def _check(self) -> None:
        if self.exceeded is not None:
            raise self.exceeded
        limits = self.limits
        if self.left < 0:
            self._stop(Text("{what}执行的步骤超过 {n} 步（循环、推导式和函数调用），已中止",
                            "{what} took more than {n} steps (loop iterations, comprehension steps and calls) "
                            "and was stopped", what=self.what, n=limits.operations))
        now = time.monotonic()
        if now >= self.deadline:
            self._stop(Text("{what}运行超过 {seconds} 秒，已中止", "{what} ran longer than {seconds} s and was stopped",
                            what=self.what, seconds=_seconds(limits.seconds)))
        if limits.memory_mb:
            resident = _resident_bytes()
            if resident is not None:
                if self.memory_start is None:
                    self.memory_start = resident
                elif resident - self.memory_start > limits.memory_mb * 1024 * 1024:
                    self._stop(Text("{what}占用的内存超过 {mb} MB，已中止", "{what} used more than {mb} MB of memory "
                                    "and was stopped", what=self.what, mb=limits.memory_mb))
        self.next_check = min(now + CHECK_INTERVAL, self.deadline)

    def _stop(self, text: Text) -> None:
        self.exceeded = ScriptSecurityError(text)
        self.left = -1  # every later tick goes to _check, which raises again
        raise self.exceeded

    def check_after(self) -> None:
        """Raise again if the code caught the budget's error and returned normally."""
        if self.exceeded is not None:
            raise self.exceeded

    def recursion(self) -> ScriptSecurityError:
        """The error for a RecursionError in the code."""
        self.exceeded = ScriptSecurityError(Text("{what}的递归层数过深，已中止（请改用循环）",
                                                 "{what} recursed too deeply and was stopped (use a loop)",
                                                 what=self.what))
        return self.exceeded


def _seconds(value: float) -> str:
    return f"{value:g}"


def check_data(data: dict, what: Text, limits: Limits | None = None) -> None:
    """Refuse task data a script leaves behind that is too big to store: counted as it would be serialised
    (a list shared a hundred times counts a hundred times), with bounded work (it stops at the limit)."""
    limits = limits or _limits
    items_left, chars_left = limits.data_items, limits.data_chars
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            chars_left -= len(value)
        elif isinstance(value, dict | list | tuple):
            if depth >= limits.data_depth:
                raise ScriptSecurityError(Text("{what}留下的数据嵌套超过 {n} 层", "{what} left data nested more than "
                                               "{n} levels deep", what=what, n=limits.data_depth))
            items_left -= len(value)
            if items_left < 0:
                break
            if isinstance(value, dict):
                for key, item in value.items():
                    if isinstance(key, str):
                        chars_left -= len(key)
                    stack.append((item, depth + 1))
            else:
                stack.extend((item, depth + 1) for item in value)
        if chars_left < 0:
            break
    if items_left < 0 or chars_left < 0:
        raise ScriptSecurityError(Text(
            "{what}留下的数据过大（超过 {items} 个值或 {chars} 个字符），无法保存",
            "{what} left data too large to store (more than {items} values or {chars} characters)",
            what=what, items=limits.data_items, chars=limits.data_chars))
