"""Who holds a role in the case's unit, as the designers' code may ask while a case advances (``role_members``).

The list a multi-person step (会签/或签/依次/票签) runs over is often "every member of the review panel": the
wrapper's preScript writes ``panel = role_members('review_panel')`` just before SpiffWorkflow creates one instance
per item. The unit of work binds a lookup for the case it holds (its connection and unit) around each step; outside
a step there is none, and asking is an error, so the answer is always the membership of that moment, stored with
the case data and recorded in the case file by the instances it opens.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from contextvars import ContextVar

Lookup = Callable[[str], list[str]]

_lookup: ContextVar[Lookup | None] = ContextVar("yishi_roster", default=None)


@contextlib.contextmanager
def bound(lookup: Lookup) -> Iterator[None]:
    """Answer ``members(role)`` with ``lookup`` in this thread until the block ends."""
    token = _lookup.set(lookup)
    try:
        yield
    finally:
        _lookup.reset(token)


def members(role: str) -> list[str]:
    """The user ids holding ``role`` in the case's unit now, sorted; an error outside a case's step and when nobody
    holds it (the case stops in error at the step, for an administrator to appoint members and retry)."""
    if not isinstance(role, str) or not role.strip():
        raise ValueError(f"role_members needs a role code, got {role!r}")
    lookup = _lookup.get()
    if lookup is None:
        raise LookupError("role_members is only available while a case advances")
    found = sorted(lookup(role.strip()))
    if not found:  # a multi-person step over nobody would pass silently: stop the case where it asks
        raise LookupError(f"nobody holds the role '{role.strip()}' in the case's unit")
    return found
