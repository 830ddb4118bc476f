"""A person's notification channels and quiet hours, and where each channel reaches them.

In the web app (the bell) is always on. The other channels — e-mail, SMS, WeCom, DingTalk — are used when the
person chose them (default: all), the server has the channel configured, and the person has an address there
(an e-mail, a phone number, a linked account). Quiet hours are Beijing time; a message falling in them waits
until they end (the bell is not held back). Default quiet hours: 22:00–07:00.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import sqlalchemy as sa

from engine.domain import clock
from engine.domain.periods import TZ
from engine.domain.texts import DEFAULT_LANGUAGE, LANGUAGES, Text
from engine.errors import InvalidInput, NotFound
from engine.store.tables import external_accounts, notification_preferences, users

CHANNELS = ("email", "sms", "wecom", "dingtalk")
DEFAULT_QUIET = ("22:00", "07:00")
_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


@dataclass(frozen=True)
class Preferences:
    channels: tuple[str, ...] = CHANNELS
    quiet_start: str | None = DEFAULT_QUIET[0]
    quiet_end: str | None = DEFAULT_QUIET[1]
    language: str = DEFAULT_LANGUAGE

    def as_dict(self) -> dict:
        return {"channels": list(self.channels), "quiet_start": self.quiet_start, "quiet_end": self.quiet_end,
                "language": self.language}

    def release(self, instant: dt.datetime) -> dt.datetime:
        """``instant``, or the end of the quiet hours it falls in."""
        if not self.quiet_start or not self.quiet_end or self.quiet_start == self.quiet_end:
            return instant
        local = instant.astimezone(TZ)
        start, end = _time(self.quiet_start), _time(self.quiet_end)
        now = local.time()
        inside = start <= now < end if start < end else (now >= start or now < end)
        if not inside:
            return instant
        end_day = local.date() if now < end else local.date() + dt.timedelta(days=1)
        return dt.datetime.combine(end_day, end, tzinfo=TZ).astimezone(dt.UTC)


def _time(value: str) -> dt.time:
    hours, minutes = value.split(":")
    return dt.time(int(hours), int(minutes))


# read for the people of every notice (most steps notify someone): built once
_PREFERENCES = sa.select(notification_preferences).where(
    notification_preferences.c.user_id.in_(sa.bindparam("b_users", expanding=True)))
_CONTACTS = sa.select(users.c.id, users.c.email, users.c.phone).where(
    users.c.id.in_(sa.bindparam("b_users", expanding=True)))
_EXTERNAL = sa.select(external_accounts.c.user_id, external_accounts.c.platform, external_accounts.c.external_id).where(
    external_accounts.c.user_id.in_(sa.bindparam("b_users", expanding=True)))


def of(conn: sa.Connection, user_ids: list[str]) -> dict[str, Preferences]:
    """Every user's preferences (the defaults for those who set none)."""
    found = {user: Preferences() for user in user_ids}
    if user_ids:
        for row in conn.execute(_PREFERENCES, {"b_users": sorted(set(user_ids))}):
            found[row.user_id] = Preferences(tuple(c for c in row.channels if c in CHANNELS), row.quiet_start,
                                             row.quiet_end, row.language)
    return found


def save(conn: sa.Connection, user_id: str, channels: list[str], quiet_start: str | None, quiet_end: str | None,
         language: str = DEFAULT_LANGUAGE) -> Preferences:
    """Store a person's choices (422 naming the field on a bad value)."""
    unknown = [c for c in channels if c not in CHANNELS]
    if unknown:
        raise InvalidInput(Text("channels：不认识的渠道 {bad}（可选 {known}）",
                                "channels: unknown channel {bad} (one of {known})",
                                bad=", ".join(unknown), known=", ".join(CHANNELS)))
    for name, value in (("quiet_start", quiet_start), ("quiet_end", quiet_end)):
        if value is not None and not _HHMM.match(value):
            raise InvalidInput(Text("{name}：须为 HH:MM（北京时间），如 22:00", "{name}: must be HH:MM "
                                    "(Beijing time), e.g. 22:00", name=name))
    if (quiet_start is None) != (quiet_end is None):
        raise InvalidInput(Text("quiet_start、quiet_end：须同时给出或同时留空",
                                "quiet_start, quiet_end: give both or neither"))
    if language not in LANGUAGES:
        raise InvalidInput(Text("language：须为 {known} 之一", "language: must be one of {known}",
                                known=", ".join(LANGUAGES)))
    if conn.execute(sa.select(users.c.id).where(users.c.id == user_id)).first() is None:
        raise NotFound(Text("未找到用户 {user}", "user {user} not found", user=user_id))
    np = notification_preferences
    values = dict(channels=list(dict.fromkeys(channels)), quiet_start=quiet_start, quiet_end=quiet_end,
                  language=language, updated_at=clock.now())
    if conn.execute(sa.update(np).where(np.c.user_id == user_id).values(**values)).rowcount == 0:
        conn.execute(sa.insert(np).values(user_id=user_id, **values))
    return of(conn, [user_id])[user_id]


def addresses(conn: sa.Connection, user_ids: list[str]) -> dict[str, dict[str, str]]:
    """Where each user can be reached, per channel: ``{"email": …, "sms": phone, "wecom": userid, …}``."""
    found: dict[str, dict[str, str]] = {user: {} for user in user_ids}
    if not user_ids:
        return found
    wanted = {"b_users": sorted(set(user_ids))}
    for row in conn.execute(_CONTACTS, wanted):
        if row.email:
            found[row.id]["email"] = row.email
        if row.phone:
            found[row.id]["sms"] = row.phone
    for row in conn.execute(_EXTERNAL, wanted):
        found[row.user_id][row.platform] = row.external_id
    return found
