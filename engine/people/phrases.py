"""常用语: the stock phrases a unit's members pick from when they write an opinion (审批意见), editable per unit by
its administrators; a unit without its own list offers the nearest list up the unit tree, else the defaults.
Every change is a ``phrases_changed`` unit event (who, when, the old and the new list)."""

from __future__ import annotations

import sqlalchemy as sa

from engine.domain import clock, values
from engine.domain.actors import Actor
from engine.domain.texts import Text
from engine.errors import FieldError, Forbidden, InvalidInput, NotFound
from engine.people import units
from engine.store.tables import stock_phrases, unit_events

MAX_PHRASES = 30
MAX_LENGTH = 100
MAX_DEPTH = 20
DEFAULTS = ("同意。", "同意，请按方案办理。", "情况属实，建议办理。", "不同意，理由如下：", "请补充材料后再提交。",
            "已阅，无意见。")


def of(conn: sa.Connection, unit: str) -> tuple[list[str], str | None]:
    """The phrases offered in ``unit`` and the unit they come from (None: the defaults)."""
    current: str | None = unit
    for _ in range(MAX_DEPTH):
        if current is None:
            break
        row = conn.execute(sa.select(stock_phrases.c.phrases).where(stock_phrases.c.unit == current)).first()
        if row is not None:
            return list(row.phrases), current
        current = units.row(conn, current)["parent"] if units.exists(conn, current) else None
    return list(DEFAULTS), None


def inherited(conn: sa.Connection, unit: str) -> tuple[list[str], str | None]:
    """What ``unit`` would offer without a list of its own: its parent's (theirs or inherited), else the defaults."""
    parent = units.row(conn, unit)["parent"] if units.exists(conn, unit) else None
    return of(conn, parent) if parent else (list(DEFAULTS), None)


def replace(conn: sa.Connection, unit: str, phrases: list[str], actor: Actor) -> list[str]:
    """Set ``unit``'s own list (an empty list removes it: the unit offers its parent's or the defaults again)."""
    if not units.exists(conn, unit):
        raise NotFound(Text("没有单位 {unit}", "no unit {unit}", unit=unit))
    if not actor.administers(unit):
        raise Forbidden(Text("只有 {unit} 的管理员可以修改常用语", "only an administrator of {unit} may change its "
                             "stock phrases", unit=unit))
    cleaned, errors = [], []
    for index, phrase in enumerate(phrases):
        text = phrase.strip() if isinstance(phrase, str) else ""
        if not text or len(text) > MAX_LENGTH or values.has_nul(text) or values.has_lone_surrogate(text):
            errors.append(FieldError(f"phrases/{index}", Text("每条常用语 1 到 {n} 字", "each phrase has 1 to {n} "
                                                              "characters", n=MAX_LENGTH)))
        elif text not in cleaned:
            cleaned.append(text)
    if len(cleaned) > MAX_PHRASES:
        errors.append(FieldError("phrases", Text("常用语最多 {n} 条", "at most {n} phrases", n=MAX_PHRASES)))
    if errors:
        raise InvalidInput(Text("常用语有 {n} 处问题", "the phrases have {n} problem(s)", n=len(errors)), errors)
    before = conn.execute(sa.select(stock_phrases.c.phrases).where(stock_phrases.c.unit == unit)).scalar()
    conn.execute(sa.delete(stock_phrases).where(stock_phrases.c.unit == unit))
    if cleaned:
        conn.execute(sa.insert(stock_phrases).values(unit=unit, phrases=cleaned, updated_by=actor.user_id,
                                                     updated_at=clock.now()))
    conn.execute(sa.insert(unit_events).values(at=clock.now(), unit=unit, kind="phrases_changed",
                                               actor=actor.user_id, data={"before": before, "after": cleaned}))
    return cleaned
