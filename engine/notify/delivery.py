"""The worker's delivery round: lease due outbox rows, hold back what falls in quiet hours or over a rate limit,
send the rest through their channel, and record each outcome (sent, retry later with backoff, failed and why).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa

from engine.domain import clock
from engine.notify import outbox, preferences
from engine.notify.channels import Channel, Deferred, Delivery, DeliveryFailed
from engine.store.tables import group_webhooks

log = logging.getLogger(__name__)


@dataclass
class RoundResult:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    deferred: int = 0


class Deliverer:
    """Delivers outbox rows over ``channels`` (name → adapter); see ``engine.notify.build_channels``."""

    def __init__(self, db: sa.Engine, channels: dict[str, Channel] | Callable[[], dict[str, Channel]]):
        self.db = db
        self._channels = channels

    @property
    def channels(self) -> dict[str, Channel]:
        if callable(self._channels):
            self._channels = self._channels()
        return self._channels

    def run(self, now: dt.datetime | None = None, limit: int = 50) -> RoundResult:
        """One round: at most ``limit`` rows due at ``now``."""
        now = now or clock.now()
        result = RoundResult()
        with self.db.begin() as conn:
            taken = outbox.claim(conn, now, limit)
            if not taken:
                return result
            prefs = preferences.of(conn, sorted({d.user_id for d in taken if d.user_id}))
            groups = {str(row.id): row for row in conn.execute(sa.select(group_webhooks).where(
                group_webhooks.c.id.in_([int(d.address) for d in taken if d.channel == "webhook"] or [-1]),
                group_webhooks.c.active.is_(True)))}
        for delivery in taken:
            if delivery.channel == "webhook":
                group = groups.get(delivery.address)
                if group is not None:
                    delivery.extra = {"url": group.url, "format": group.format, "secret": group.secret}
            self._one(delivery, now, prefs.get(delivery.user_id), result)
        return result

    def _one(self, delivery: Delivery, now: dt.datetime, prefs, result: RoundResult) -> None:
        error, retry, defer = None, True, None
        channel = self.channels.get(delivery.channel)
        try:
            if prefs is not None and prefs.release(now) > now:
                raise Deferred(prefs.release(now), "quiet hours")
            if channel is None:
                raise DeliveryFailed(f"channel {delivery.channel} is not configured on this server", retry=False)
            limit = getattr(channel, "check_rate", None)
            if limit is not None:
                with self.db.connect() as conn:
                    limit(conn, delivery, now)
            channel.send(delivery)
        except Deferred as held:
            error, defer = held.reason, held.until
        except DeliveryFailed as failed:
            error, retry = failed.reason, failed.retry
        except Exception as exc:  # noqa: BLE001 — an adapter's bug is this row's failure, not the round's
            log.warning("delivery %s over %s failed", delivery.id, delivery.channel, exc_info=True)
            error = f"{type(exc).__name__}: {exc}"[:2000]
        with self.db.begin() as conn:
            status = outbox.settle(conn, delivery, now, error=error, retry=retry, defer_until=defer)
        if defer is not None:
            result.deferred += 1
        elif status == outbox.SENT:
            result.sent += 1
        elif status == outbox.FAILED:
            result.failed += 1
        else:
            result.retrying += 1


def configured_channels() -> dict[str, Channel]:
    """The adapters of every channel this server's settings configure (group webhooks always)."""
    from engine.notify.mail import Mail
    from engine.notify.sms import SmsGateway, parse_templates
    from engine.notify.webhooks import Webhooks
    from engine.settings import settings

    config = settings()
    found: dict[str, Channel] = {"webhook": Webhooks()}
    if config.smtp_host:
        found["email"] = Mail(config.smtp_host, config.smtp_port, config.smtp_sender, user=config.smtp_user,
                              password=config.smtp_password.get_secret_value() if config.smtp_password else None,
                              starttls=config.smtp_starttls)
    if config.sms_url:
        found["sms"] = SmsGateway(config.sms_url, config.sms_key.get_secret_value() if config.sms_key else None,
                                  parse_templates(config.sms_templates), signature=config.sms_signature,
                                  hourly_limit=config.sms_hourly_limit)
    found.update(platforms())
    return found


def platforms() -> dict:
    """The WeCom and DingTalk adapters the settings configure (sign-in and delivery share them)."""
    from engine.notify.dingtalk import DingTalk
    from engine.notify.wecom import WeCom
    from engine.settings import settings

    config = settings()
    found = {}
    if config.wecom_corp_id:
        found["wecom"] = WeCom(config.wecom_corp_id, config.wecom_agent_id or "",
                               config.wecom_secret.get_secret_value() if config.wecom_secret else "",
                               api_url=config.wecom_api_url, authorize_url=config.wecom_authorize_url)
    if config.dingtalk_app_key:
        found["dingtalk"] = DingTalk(config.dingtalk_app_key,
                                     config.dingtalk_app_secret.get_secret_value() if config.dingtalk_app_secret
                                     else "", api_url=config.dingtalk_api_url,
                                     authorize_url=config.dingtalk_authorize_url)
    return found
