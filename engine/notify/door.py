"""The notification methods of ``engine.service.Yishi`` (mixed in): the bell, preferences, the administrators'
deliveries and group webhooks, and the worker's rounds. Each applies its visibility rule here."""

from __future__ import annotations

import datetime as dt

from engine.domain import clock
from engine.domain.actors import Actor
from engine.domain.texts import DEFAULT_LANGUAGE, Text
from engine.errors import Forbidden, InvalidInput, NotFound, Unauthenticated
from engine.notify import groups, inbox, preferences, reminders
from engine.notify.channels import DeliveryFailed
from engine.notify.delivery import Deliverer, RoundResult, configured_channels, platforms
from engine.notify.outbox import personal_channels
from engine.people import external
from engine.settings import settings


def _admin(actor: Actor) -> None:
    if not actor.is_admin:
        raise Forbidden(Text("仅限管理员", "administrators only"))


class NotificationsDoor:
    """Needs ``self.db``."""

    _deliverer: Deliverer | None = None
    _platforms: dict | None = None

    @property
    def deliverer(self) -> Deliverer:
        if self._deliverer is None:
            self._deliverer = Deliverer(self.db, configured_channels)
        return self._deliverer

    # ----- the bell ---------------------------------------------------------------------------------------

    def notifications(self, actor: Actor, language: str = DEFAULT_LANGUAGE, *, limit: int = 50, offset: int = 0,
                      unread_only: bool = False, after_id: int | None = None) -> dict:
        """My notifications, newest first, in ``language``, with my unread count."""
        with self.db.connect() as conn:
            items = inbox.listing(conn, actor.user_id, language, limit=limit, offset=offset,
                                  unread_only=unread_only, after_id=after_id)
            return {"items": items, "unread": inbox.unread(conn, actor.user_id), "limit": limit, "offset": offset}

    def notification_state(self, actor: Actor) -> tuple[int, int]:
        """(newest notification id, unread count): what the live stream watches."""
        with self.db.connect() as conn:
            return inbox.latest_id(conn, actor.user_id), inbox.unread(conn, actor.user_id)

    def mark_read(self, actor: Actor, ids: list[int] | None = None) -> int:
        """Mark my notifications ``ids`` (``None``: all) read; another person's ids are left alone."""
        with self.db.begin() as conn:
            inbox.mark_read(conn, actor.user_id, ids, clock.now())
            return inbox.unread(conn, actor.user_id)

    # ----- preferences ------------------------------------------------------------------------------------

    def notification_preferences(self, actor: Actor) -> dict:
        """My channels and quiet hours, which channels this server offers, and where each reaches me."""
        with self.db.connect() as conn:
            mine = preferences.of(conn, [actor.user_id])[actor.user_id]
            reach = preferences.addresses(conn, [actor.user_id])[actor.user_id]
        return {**mine.as_dict(), "available": sorted(personal_channels()),
                "reachable": sorted(c for c in preferences.CHANNELS if reach.get(c))}

    def save_notification_preferences(self, actor: Actor, channels: list[str], quiet_start: str | None,
                                      quiet_end: str | None, language: str = DEFAULT_LANGUAGE) -> dict:
        with self.db.begin() as conn:
            preferences.save(conn, actor.user_id, channels, quiet_start, quiet_end, language)
        return self.notification_preferences(actor)

    # ----- administrators ---------------------------------------------------------------------------------

    def deliveries(self, actor: Actor, *, status: str | None = None, channel: str | None = None,
                   limit: int = 50, offset: int = 0) -> list[dict]:
        _admin(actor)
        with self.db.connect() as conn:
            return inbox.deliveries(conn, status=status, channel=channel, limit=limit, offset=offset)

    def group_webhooks(self, actor: Actor, unit: str | None = None) -> list[dict]:
        _admin(actor)
        with self.db.connect() as conn:
            return groups.listing(conn, unit)

    def add_group_webhook(self, actor: Actor, unit: str, role: str, url: str, form: str = "json",
                          secret: str | None = None) -> dict:
        _admin(actor)
        with self.db.begin() as conn:
            return groups.add(conn, unit, role, url, form, secret, actor.user_id)

    def switch_off_group_webhook(self, actor: Actor, webhook_id: int) -> dict:
        _admin(actor)
        with self.db.begin() as conn:
            return groups.switch_off(conn, webhook_id)

    # ----- the worker ---------------------------------------------------------------------------------------

    def remind(self, now: dt.datetime | None = None) -> int:
        """Record due-soon and overdue reminders (each once); how many were written."""
        return reminders.scan(self.db, now or clock.now())

    def deliver(self, now: dt.datetime | None = None, limit: int = 50) -> RoundResult:
        """One delivery round over the configured channels."""
        return self.deliverer.run(now or clock.now(), limit)

    # ----- WeCom and DingTalk: sign-in and linked accounts ------------------------------------------------

    def platforms(self) -> dict:
        """The configured platform adapters (their access tokens are kept between calls)."""
        if self._platforms is None:
            self._platforms = platforms()
        return self._platforms

    def offered_platforms(self, language: str = DEFAULT_LANGUAGE) -> list[dict]:
        """The platforms people may sign in with here, named in ``language``."""
        return [{"platform": name, "name": external.PLATFORM_NAMES[name].render(language)}
                for name in sorted(self.platforms())]

    def _platform(self, name: str):
        adapter = self.platforms().get(name)
        if adapter is None:
            raise NotFound(Text("本系统未开通{platform}登录", "{platform} sign-in is not set up on this server",
                                platform=external.PLATFORM_NAMES.get(name, Text(name, name))))
        return adapter

    def platform_authorize(self, name: str, redirect_uri: str, state: str) -> str:
        """The platform's sign-in page, coming back to ``redirect_uri`` (a page of this web app) with a code."""
        adapter = self._platform(name)
        base = settings().public_url.rstrip("/") + "/"
        if not redirect_uri.startswith(base):
            raise InvalidInput(Text("redirect_uri：须为本系统的页面（{base}…）",
                                    "redirect_uri: must be a page of this web app ({base}…)", base=base))
        return adapter.authorize(redirect_uri, state)

    def _external_id(self, name: str, code: str) -> str:
        try:
            return self._platform(name).user_by_code(code)
        except DeliveryFailed as failed:
            raise Unauthenticated(Text("{platform}未能确认登录：{why}", "{platform} did not confirm the sign-in: "
                                       "{why}", platform=external.PLATFORM_NAMES[name], why=failed.reason)) from None

    def platform_sign_in(self, name: str, code: str):
        """Exchange the platform's sign-in ``code`` for the linked user's bearer token."""
        return external.sign_in(self.db, name, self._external_id(name, code))

    def link_platform(self, actor: Actor, name: str, code: str) -> dict:
        """Link the platform account that signed in with ``code`` to ``actor``."""
        external_id = self._external_id(name, code)
        with self.db.begin() as conn:
            return external.link(conn, name, external_id, actor.user_id, actor.user_id)

    def platform_links(self, actor: Actor, user: str | None = None) -> list[dict]:
        """My linked accounts (an administrator: anyone's)."""
        if user is not None and user != actor.user_id:
            _admin(actor)
        with self.db.connect() as conn:
            return external.links(conn, user or actor.user_id)

    def set_platform_link(self, actor: Actor, user: str, name: str, external_id: str) -> dict:
        _admin(actor)
        with self.db.begin() as conn:
            return external.link(conn, name, external_id, user, actor.user_id)

    def remove_platform_link(self, actor: Actor, user: str, name: str) -> bool:
        if user != actor.user_id:
            _admin(actor)
        with self.db.begin() as conn:
            return external.unlink(conn, name, user, actor.user_id)
