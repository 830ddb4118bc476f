"""The unit tree: street → community → residents' group / courtyard / building.

Each unit has a code (what cases, tasks and memberships name), a Chinese name, a kind (``YISHI_UNIT_KINDS``) and
at most one parent. Creating, renaming and moving a unit is recorded in ``unit_events`` with who and why; moving
never touches cases: a case keeps the unit it was started in, so after a move it is seen from the new branch of
the tree (the record says how many cases went along).
"""

from __future__ import annotations

import re

import sqlalchemy as sa

from engine.domain import clock, contacts
from engine.domain.texts import Text
from engine.errors import Conflict, InvalidInput, NotFound
from engine.settings import settings
from engine.store.tables import cases, unit_events, units

CODE = re.compile(contacts.UNIT_CODE)
UNSET = object()


def kinds() -> tuple[str, ...]:
    """The kinds a new or changed unit may have (existing units keep theirs if a deployment drops one)."""
    return settings().unit_kind_codes()


def _check_kind(kind: str) -> None:
    if kind not in kinds():
        raise InvalidInput(Text("单位类型只能是：{kinds}", "unit kind must be one of {kinds}",
                                kinds=", ".join(kinds())))


def _check_name(name: str) -> str:
    name = (name or "").strip()
    if not name or len(name) > 400:
        raise InvalidInput(Text("单位名称必填，最多 400 字", "a unit name is required (at most 400 characters)"))
    return name


def row(conn: sa.Connection, code: str) -> dict:
    found = conn.execute(sa.select(units).where(units.c.code == code)).mappings().first()
    if found is None:
        raise NotFound(Text("未找到单位 {unit}", "unit {unit} not found", unit=code))
    return dict(found)


def exists(conn: sa.Connection, code: str) -> bool:
    return conn.execute(sa.select(units.c.code).where(units.c.code == code)).first() is not None


def create(conn: sa.Connection, code: str, kind: str, name: str, parent: str | None = None, *, by: str,
           reason: str | None = None) -> dict:
    """A new unit under ``parent`` (or a root); ``Conflict`` when the code is taken. Recorded."""
    code = (code or "").strip()
    if not CODE.match(code):
        raise InvalidInput(Text("单位代码必填，不能含空格和 / \\ ? # % :", "a unit code is required, without "
                                "spaces or / \\ ? # % :"))
    _check_kind(kind)
    name = _check_name(name)
    if exists(conn, code):
        raise Conflict(Text("单位代码 {unit} 已被使用", "unit code {unit} is taken", unit=code))
    if parent is not None:
        row(conn, parent)
    conn.execute(sa.insert(units).values(code=code, kind=kind, name=name, parent=parent))
    _record(conn, code, "created", by, {"kind": kind, "name": name, "parent": parent, "reason": reason})
    return row(conn, code)


def update(conn: sa.Connection, code: str, *, name: str | None = None, kind: str | None = None, parent=UNSET,
           by: str, reason: str | None = None) -> dict:
    """Rename, change the kind of, or move a unit (``parent=None``: make it a root). A move is refused when it
    would put the unit under itself. Cases keep their unit; the record says how many there were."""
    old = row(conn, code)
    changes: dict = {}
    if name is not None and _check_name(name) != old["name"]:
        changes["name"] = _check_name(name)
    if kind is not None and kind != old["kind"]:
        _check_kind(kind)
        changes["kind"] = kind
    if parent is not UNSET and parent != old["parent"]:
        if parent is not None:
            row(conn, parent)
            if parent in subtree(conn, {code}):
                raise Conflict(Text("不能把单位 {unit} 移到它自己或它的下级 {parent} 之下",
                                        "unit {unit} cannot move under itself or its own descendant {parent}",
                                        unit=code, parent=parent))
        changes["parent"] = parent
    if not changes:
        return old
    conn.execute(sa.update(units).where(units.c.code == code).values(**changes))
    data = {"changes": {key: [old[key], value] for key, value in changes.items()}, "reason": reason}
    if "parent" in changes:
        moved = subtree(conn, {code})
        data["units_moved"] = sorted(moved)
        data["cases_kept"] = conn.execute(sa.select(sa.func.count()).select_from(cases)
                                          .where(cases.c.unit.in_(sorted(moved)))).scalar_one()
    _record(conn, code, "moved" if "parent" in changes else "changed", by, data)
    return row(conn, code)


def ensure(conn: sa.Connection, code: str, kind: str, name: str | None = None, parent: str | None = None) -> None:
    """Create the unit if missing; put it under ``parent`` if it has none yet (demo data and set-up; idempotent)."""
    found = conn.execute(sa.select(units).where(units.c.code == code)).first()
    if found is None:
        create(conn, code, kind, name or code, parent, by="system")
    elif parent is not None and found.parent is None:
        update(conn, code, parent=parent, by="system")


def _subtree_query() -> sa.Select:
    below = (sa.select(units.c.code).where(units.c.code.in_(sa.bindparam("b_roots", expanding=True)))
             .cte("below", recursive=True))
    below = below.union(sa.select(units.c.code).join(below, units.c.parent == below.c.code))
    return sa.select(below.c.code)


_SUBTREE = _subtree_query()  # a covering role's reach, read at every request of a street office: built once


def subtree(conn: sa.Connection, roots: set[str]) -> set[str]:
    """``roots`` and every unit below them: one recursive query (``UNION`` stops at a cycle, should one exist)."""
    if not roots:
        return set()
    return set(conn.execute(_SUBTREE, {"b_roots": sorted(roots)}).scalars())


def listing(conn: sa.Connection, within: set[str] | None = None) -> list[dict]:
    """Every unit (or those in ``within``) with its parent, by code; the tree is drawn by the reader."""
    query = sa.select(units).order_by(units.c.code)
    if within is not None:
        query = query.where(units.c.code.in_(sorted(within)))
    return [dict(r) for r in conn.execute(query).mappings()]


def resolve(conn: sa.Connection, text: str) -> str | None:
    """A unit by its code, else by its exact name when exactly one unit has it (a sheet's 单位 column)."""
    text = (text or "").strip()
    if not text:
        return None
    if exists(conn, text):
        return text
    found = list(conn.execute(sa.select(units.c.code).where(units.c.name == text)).scalars())
    return found[0] if len(found) == 1 else None


def events(conn: sa.Connection, code: str) -> list[dict]:
    return [dict(r) for r in conn.execute(sa.select(unit_events).where(unit_events.c.unit == code)
                                          .order_by(unit_events.c.id)).mappings()]


def _record(conn: sa.Connection, code: str, kind: str, actor: str, data: dict) -> None:
    conn.execute(sa.insert(unit_events).values(at=clock.now(), unit=code, kind=kind, actor=actor, data=data))
