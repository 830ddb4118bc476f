"""The holiday calendar outlives its package: an administrator loads the State Council's arrangement of a year
(holidays and 调休 make-up working days) as a dated, recorded version that overrides chinesecalendar for that year.

Every process reads the newest version per year from ``holiday_calendars`` (``refresh``: one cheap query per unit
of work, so a year loaded through one server reaches the workers too). Loading a year recomputes the open
deadlines that were counted without it — script-computed deadlines noted as ``deadline_approximate``, due dates
of open tasks and the timers waiting on them — and records each change in its case file (``deadline_recomputed``,
``task_due_changed``).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
import yaml

from engine.domain import clock, periods
from engine.domain.actors import SYSTEM, Actor
from engine.domain.statuses import ACTIVE_STATUSES, EventKind
from engine.domain.texts import Text
from engine.errors import Conflict, FieldError, Forbidden, InvalidInput, NotFound
from engine.store import audit
from engine.store.audit import Event
from engine.store.tables import case_events, cases, holiday_calendars, open_tasks
from engine.workflow import projection

log = logging.getLogger(__name__)
MAX_SOURCE = 500


@dataclass(frozen=True)
class Arrangement:
    """One year's arrangement as loaded: the dates off, the make-up working days, and where it comes from."""

    year: int
    holidays: tuple[dt.date, ...]
    workdays: tuple[dt.date, ...]
    source: str

    @classmethod
    def parse(cls, data: Any) -> Arrangement:
        """From a mapping (a ``calendars/holidays/<year>.yaml`` file or an API body): ``year``, ``source``,
        ``holidays`` and ``workdays`` as ISO dates (or ``{date, name}``). Every problem is named by its field."""
        if not isinstance(data, dict):
            raise InvalidInput(Text("节假日安排须为对象（year、source、holidays、workdays）",
                                    "a holiday arrangement is an object (year, source, holidays, workdays)"))
        errors: list[FieldError] = []
        year = data.get("year")
        if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2100:
            errors.append(FieldError("year", Text("须为 2000 至 2100 之间的年份", "a year from 2000 to 2100")))
            year = None
        source = data.get("source")
        if not isinstance(source, str) or not source.strip() or len(source) > MAX_SOURCE:
            errors.append(FieldError("source", Text("须写明依据（国务院办公厅通知的名称和文号），最多 {n} 字",
                                                    "name the source (the State Council notice and its number), "
                                                    "at most {n} characters", n=MAX_SOURCE)))
        found: dict[str, list[dt.date]] = {}
        for name in ("holidays", "workdays"):
            found[name] = []
            items = data.get(name)
            if not isinstance(items, list) or (name == "holidays" and not items):
                errors.append(FieldError(name, Text("须为日期列表", "a list of dates")))
                continue
            for index, item in enumerate(items):
                raw = item.get("date") if isinstance(item, dict) else item
                try:
                    day = raw if isinstance(raw, dt.date) else dt.date.fromisoformat(str(raw))
                except ValueError:
                    errors.append(FieldError(f"{name}/{index}", Text("“{value}”不是日期（如 2027-01-01）",
                                                                     "'{value}' is not a date (e.g. 2027-01-01)",
                                                                     value=str(raw)[:40])))
                    continue
                if year is not None and day.year != year:
                    errors.append(FieldError(f"{name}/{index}", Text("{day} 不在 {year} 年", "{day} is not in {year}",
                                                                     day=day.isoformat(), year=year)))
                elif name == "workdays" and day.weekday() < 5:
                    errors.append(FieldError(f"{name}/{index}", Text(
                        "{day} 是周一至周五，本来就上班：调休上班日只列周末",
                        "{day} is a weekday, a working day anyway: list only weekend days worked in exchange",
                        day=day.isoformat())))
                else:
                    found[name].append(day)
        for index, day in enumerate(found.get("workdays", [])):
            if day in found.get("holidays", []):
                errors.append(FieldError(f"workdays/{index}", Text("{day} 同时列为放假和上班", "{day} is listed both "
                                                                  "as a holiday and as a working day",
                                                                  day=day.isoformat())))
        if errors:
            raise InvalidInput(Text("节假日安排有 {n} 处问题", "the holiday arrangement has {n} problem(s)",
                                    n=len(errors)), errors)
        return cls(year, tuple(sorted(set(found["holidays"]))), tuple(sorted(set(found["workdays"]))),
                   source.strip())

    @classmethod
    def from_yaml(cls, text: str) -> Arrangement:
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise InvalidInput(Text("不是可读的 YAML（{e}）", "not readable YAML ({e})", e=str(exc)[:200])) from None
        return cls.parse(data)


# ----- the process's calendars, kept in step with the table --------------------------------------------------

_seen: dict[str, int | None] = {}  # database URL → newest version id applied
_NEWEST = sa.select(sa.func.max(holiday_calendars.c.id))  # looked at before every step: built once


def refresh(conn: sa.Connection, *, force: bool = False) -> None:
    """Apply the newest arrangement per year to ``periods`` when the table changed since the last look."""
    key = str(conn.engine.url)
    newest = conn.execute(_NEWEST).scalar()
    if not force and key in _seen and _seen[key] == newest:
        return
    latest = sa.select(holiday_calendars.c.year, sa.func.max(holiday_calendars.c.id).label("id")) \
        .group_by(holiday_calendars.c.year).subquery()
    rows = conn.execute(sa.select(holiday_calendars).join(latest, latest.c.id == holiday_calendars.c.id))
    periods.use_calendars({row.year: periods.YearCalendar(
        row.year, frozenset(dt.date.fromisoformat(d) for d in row.holidays),
        frozenset(dt.date.fromisoformat(d) for d in row.workdays)) for row in rows})
    _seen[key] = newest


def versions(conn: sa.Connection) -> list[dict]:
    """Every loaded version, newest first, with whether it is the one in force for its year."""
    rows = [dict(r) for r in conn.execute(sa.select(holiday_calendars).order_by(holiday_calendars.c.id.desc()))
            .mappings()]
    in_force: set[int] = set()
    for row in rows:
        row["in_force"] = row["year"] not in in_force
        in_force.add(row["year"])
    return rows


class HolidayCalendars:
    """Loading a year's arrangement and recomputing what depended on it (mixed into ``Runtime``)."""

    def load_calendar(self, arrangement: Arrangement, actor: Actor) -> dict:
        """Record the arrangement as a new version (administrators), apply it, and recompute the open deadlines
        of every running case that were counted without it; returns the version and the changes made."""
        if not actor.is_admin:
            raise Forbidden(Text("只有管理员可以载入节假日安排", "only administrators load holiday arrangements"))
        now = clock.now()
        with self.db.begin() as conn:
            version = conn.execute(sa.insert(holiday_calendars).values(
                year=arrangement.year, holidays=[d.isoformat() for d in arrangement.holidays],
                workdays=[d.isoformat() for d in arrangement.workdays], source=arrangement.source,
                loaded_by=actor.user_id, loaded_at=now)).inserted_primary_key[0]
            refresh(conn, force=True)
        changes, skipped = [], []
        for case_id in self._cases_counting_on(arrangement.year):
            try:
                changes += self._recompute_case(case_id, arrangement, version)
            except (Conflict, NotFound):  # busy or gone: the next load (or a reload of the year) tries again
                skipped.append(case_id)
        return {"id": version, "year": arrangement.year, "source": arrangement.source, "loaded_by": actor.user_id,
                "loaded_at": now, "holidays": len(arrangement.holidays), "workdays": len(arrangement.workdays),
                "changes": changes, "skipped_cases": skipped}

    def _cases_counting_on(self, year: int) -> list[int]:
        """Running cases that may count on ``year``: their file notes an approximate deadline, or an open task is
        due in that year or later (the notes themselves are checked per case)."""
        first_day = dt.datetime(year, 1, 1, tzinfo=periods.TZ)
        with self.db.connect() as conn:
            noted = sa.select(case_events.c.case_id).where(case_events.c.kind == EventKind.DEADLINE_APPROXIMATE)
            due = sa.select(open_tasks.c.case_id).where(open_tasks.c.due_at >= first_day)
            return list(conn.execute(sa.select(cases.c.id).where(
                cases.c.status.in_(ACTIVE_STATUSES), sa.or_(cases.c.id.in_(noted), cases.c.id.in_(due)))
                .order_by(cases.c.id)).scalars())

    def _recompute_case(self, case_id: int, arrangement: Arrangement, version: int) -> list[dict]:
        now = clock.now()
        year = arrangement.year
        with self.db.begin() as conn:
            loaded = self.load(conn, case_id, lock=True)
            if loaded.row.status not in ACTIVE_STATUSES:
                return []
            notes: dict[str, dict] = {}
            for row in audit.history(conn, case_id):
                if row["kind"] == EventKind.DEADLINE_APPROXIMATE:
                    notes.update(row["data"])
                elif row["kind"] == EventKind.DEADLINE_RECOMPUTED and row["data"].get("key"):
                    if row["data"].get("note"):
                        notes[row["data"]["key"]] = row["data"]["note"]
                    else:
                        notes.pop(row["data"]["key"], None)
            workflow = loaded.workflow
            recorded: list[Event] = []
            moved: dict[str, str] = {}  # old value → new value of every recomputed deadline

            def redo(note: dict) -> tuple[str, dict | None] | None:
                if year not in note.get("years", []):
                    return None
                end, still = periods.recompute(note)
                years = [y for y in note["years"] if not periods.calendar_covers(dt.date(y, 6, 1))]
                return end.isoformat(), ({**note, "value": end.isoformat(), "years": years} if still else None)

            for key, note in sorted(notes.items()):
                redone = redo(note)
                if redone is None:
                    continue
                value, still = redone
                if value != note["value"]:
                    moved[note["value"]] = value
                recorded.append(Event(EventKind.DEADLINE_RECOMPUTED, SYSTEM, {
                    "key": key, "previous": note["value"], "value": value, "year": year, "calendar": version,
                    "source": arrangement.source, "note": still}))

            def patch() -> None:
                for task in projection.all_tasks(workflow):
                    for key, value in list(task.data.items()):
                        if isinstance(value, str) and value in moved and key in notes:
                            task.data[key] = moved[value]
                    event_value = task.internal_data.get("event_value")
                    if isinstance(event_value, str) and event_value in moved:
                        task.internal_data["event_value"] = moved[event_value]
                    due = task.internal_data.get(projection.DUE_KEY)
                    note = task.internal_data.get(projection.DUE_NOTE_KEY)
                    if note is not None:
                        redone = redo(note)
                        if redone is not None:
                            value, still = redone
                            task.internal_data[projection.DUE_KEY] = projection.parse_instant(value).isoformat()
                            if still is None:
                                task.internal_data.pop(projection.DUE_NOTE_KEY)
                            else:
                                task.internal_data[projection.DUE_NOTE_KEY] = still
                    elif due is not None:
                        for old, new in moved.items():
                            if projection.parse_instant(old) == dt.datetime.fromisoformat(due):
                                task.internal_data[projection.DUE_KEY] = projection.parse_instant(new).isoformat()

            events, snap = self.advance(workflow, patch)
            due_moved = any(t.task_id in loaded.open_before and loaded.open_before[t.task_id].due_at != t.due_at
                            for t in snap.open_tasks)
            if not recorded and not due_moved:
                return []
            events = recorded + events
            self.save(conn, loaded, workflow, snap, events, now, progress=False)
        reference = loaded.row.reference
        return [{"case": reference, "key": e.data["key"], "task": None, "previous": e.data["previous"],
                 "value": e.data["value"]} for e in recorded] + \
            [{"case": reference, "key": None, "task": e.element_id, "previous": e.data["previous"],
              "value": e.data["due_at"]} for e in events if e.kind == EventKind.TASK_DUE_CHANGED]
