"""People's channels delivered for real: e-mail to an SMTP server (aiosmtpd) on loopback, text messages to an
HTTP SMS gateway on loopback (template, signature, per-number rate limit), each person's channel choice and
quiet hours — configured through the YISHI_* settings as a deployment would."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import sqlalchemy as sa

from engine.domain import clock
from engine.domain.periods import TZ
from engine.notify import preferences
from engine.settings import settings
from engine.store.tables import outbox, users
from tests.notify.conftest import proposed
from tests.support.receivers import http_receiver, smtp_server


@pytest.fixture
def configure(monkeypatch):
    """Set YISHI_* variables for this test (the settings are read again), then forget them."""
    def apply(**variables):
        for name, value in variables.items():
            monkeypatch.setenv(f"YISHI_{name.upper()}", str(value))
        settings.cache_clear()
    yield apply
    monkeypatch.undo()
    settings.cache_clear()


def contact(service, user: str, **values) -> None:
    with service.db.begin() as conn:
        conn.execute(sa.update(users).where(users.c.id == user).values(**values))


def rows(service, channel: str | None = None) -> list:
    with service.db.connect() as conn:
        query = sa.select(outbox).order_by(outbox.c.id)
        if channel:
            query = query.where(outbox.c.channel == channel)
        return conn.execute(query).all()


def choose(service, user: str, channels: list[str], quiet: tuple[str, str] | None = None) -> None:
    with service.db.begin() as conn:
        preferences.save(conn, user, channels, *(quiet or (None, None)))


def test_an_email_reaches_the_smtp_server_with_a_stable_message_id(people, configure):
    with smtp_server() as mailbox:
        configure(smtp_host=mailbox.host, smtp_port=mailbox.port, smtp_sender="议事 <yishi@example.org>")
        contact(people, "wang", email="wang@example.org")
        case = proposed(people)
        [row] = rows(people)  # li has no e-mail address: the bell only
        assert (row.channel, row.address, row.user_id) == ("email", "wang@example.org", "wang")
        assert people.deliver().sent == 1
        [mail] = mailbox.messages
    assert mail.envelope_to == ["wang@example.org"] and mail["To"] == "wang@example.org"
    assert mail["Subject"] == "新待办：受理审查"
    assert mail["Message-ID"] == f"<{row.idempotency_key}@yishi>"
    body = mail.get_content()
    assert f"事项：{case['reference']} 3号院充电桩" in body and "办理角色：网格管家" in body
    assert "/task/" in body
    assert rows(people)[0].status == "sent"


def test_an_unreachable_smtp_server_is_tried_again_later(people, configure):
    configure(smtp_host="127.0.0.1", smtp_port=9)
    contact(people, "wang", email="wang@example.org")
    proposed(people)
    assert people.deliver().retrying == 1
    [row] = rows(people)
    assert row.status == "pending" and "ConnectionRefusedError" in row.last_error


def test_a_person_who_chose_other_channels_gets_no_email_and_quiet_hours_hold_messages_back(people, configure):
    with smtp_server() as mailbox:
        configure(smtp_host=mailbox.host, smtp_port=mailbox.port)
        contact(people, "wang", email="wang@example.org")
        contact(people, "li", email="li@example.org")
        choose(people, "li", ["sms"])  # no e-mail for li
        choose(people, "wang", ["email"], ("08:00", "12:00"))  # 09:00 in Beijing now: quiet
        proposed(people)
        [row] = rows(people)
        noon = dt.datetime(2026, 3, 2, 12, 0, tzinfo=TZ)
        assert row.address == "wang@example.org" and row.next_attempt_at == noon
        assert people.deliver().sent == 0 and mailbox.messages == []
        assert people.notifications(people.user("wang"))["unread"] == 1  # the bell does not wait
        assert people.deliver(noon).sent == 1
        assert [m["To"] for m in mailbox.messages] == ["wang@example.org"]


def test_quiet_hours_across_midnight():
    quiet = preferences.Preferences(quiet_start="22:00", quiet_end="07:00")
    late = dt.datetime(2026, 3, 2, 23, 30, tzinfo=TZ)
    assert quiet.release(late) == dt.datetime(2026, 3, 3, 7, 0, tzinfo=TZ)
    early = dt.datetime(2026, 3, 3, 6, 59, tzinfo=TZ)
    assert quiet.release(early) == dt.datetime(2026, 3, 3, 7, 0, tzinfo=TZ)
    day = dt.datetime(2026, 3, 3, 7, 0, tzinfo=TZ)
    assert quiet.release(day) == day


def test_a_text_message_goes_to_the_gateway_with_template_signature_and_idempotency_key(people, configure):
    with http_receiver(default=(200, {"Code": "OK", "Message": "OK", "BizId": "9"})) as gateway:
        configure(sms_url=gateway.url + "/sms/send", sms_key="k-123",
                  sms_templates="task_opened=SMS_100,*=SMS_000")
        contact(people, "li", phone="13800000000")
        case = proposed(people)
        assert people.deliver().sent == 1
        [request] = gateway.requests
    body = request.json()
    [row] = rows(people, "sms")
    assert body["PhoneNumbers"] == "13800000000" and body["SignName"] == "社区议事"
    assert body["TemplateCode"] == "SMS_100" and body["OutId"] == row.idempotency_key
    assert json.loads(body["TemplateParam"]) == {"title": "3号院充电桩", "ref": case["reference"][:20],
                                                 "step": "受理审查", "due": json.loads(body["TemplateParam"])["due"]}
    assert request.headers["authorization"] == "Bearer k-123"
    assert request.headers["idempotency-key"] == row.idempotency_key


def test_a_number_gets_at_most_the_hourly_limit_and_the_rest_waits_without_losing_a_try(people, configure):
    with http_receiver(default=(200, {"Code": "OK"})) as gateway:
        configure(sms_url=gateway.url, sms_templates="*=SMS_000", sms_hourly_limit=2)
        contact(people, "li", phone="13800000000")
        for _ in range(3):
            proposed(people)
        start = clock.now()
        result = people.deliver(start)
        assert (result.sent, result.deferred) == (2, 1)
        waiting = [r for r in rows(people, "sms") if r.status == "pending"]
        assert len(waiting) == 1 and waiting[0].attempts == 0
        assert waiting[0].last_error.startswith("rate limit")
        assert waiting[0].next_attempt_at == start + dt.timedelta(hours=1)
        assert people.deliver(start + dt.timedelta(minutes=59)).sent == 0
        assert people.deliver(start + dt.timedelta(hours=1)).sent == 1
        assert len(gateway.requests) == 3


def test_the_gateway_refusing_a_number_fails_at_once_with_its_reason(people, configure):
    refusal = {"Code": "isv.MOBILE_NUMBER_ILLEGAL", "Message": "非法手机号"}
    with http_receiver(default=(200, refusal)) as gateway:
        configure(sms_url=gateway.url, sms_templates="*=SMS_000")
        contact(people, "li", phone="10000")
        proposed(people)
        assert people.deliver().failed == 1
    [row] = rows(people, "sms")
    assert (row.status, row.last_error) == ("failed", "SMS gateway isv.MOBILE_NUMBER_ILLEGAL: 非法手机号")
