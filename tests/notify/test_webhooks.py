"""Group webhooks delivered for real to an HTTP receiver on loopback: the generic JSON with its HMAC header, the
WeCom and DingTalk group-robot formats (DingTalk's 加签 verified as DingTalk does), a receiver that fails and
recovers (retries with backoff, the same idempotency key), and a message failing for good with its reason."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json

import pytest
import sqlalchemy as sa

from engine.domain import clock
from engine.notify import outbox
from engine.store.tables import outbox as outbox_table
from tests.notify.conftest import proposed
from tests.support.demo_case import ADMIN, UNIT
from tests.support.receivers import http_receiver

SECRET = "SECtest-secret-0123456789"


def rows(service) -> list:
    with service.db.connect() as conn:
        return conn.execute(sa.select(outbox_table).order_by(outbox_table.c.id)).all()


def test_generic_json_is_signed_with_hmac_sha256_over_timestamp_and_body(people):
    with http_receiver() as receiver:
        people.add_group_webhook(ADMIN, UNIT, "grid_steward", receiver.url + "/hook", "json", SECRET)
        case = proposed(people)
        result = people.deliver()
        assert (result.sent, result.failed) == (1, 0)
        [request] = receiver.requests
    body = request.json()
    assert body["kind"] == "task_opened" and body["case"] == case["reference"] and body["unit"] == UNIT
    assert body["title"] == "新待办：受理审查" and body["link"].endswith(f"/task/{body['task_id']}")
    assert any("网格管家" in line for line in body["lines"])
    signature = request.headers["x-yishi-signature"]
    timestamp = signature.split(",")[0].removeprefix("t=")
    expected = hmac.new(SECRET.encode(), f"{timestamp}.".encode() + request.body, hashlib.sha256).hexdigest()
    assert signature == f"t={timestamp},v1={expected}"
    assert int(timestamp) == int(clock.now().timestamp())
    [row] = rows(people)
    assert request.headers["idempotency-key"] == row.idempotency_key
    assert (row.status, row.attempts, row.sent_at) == ("sent", 1, clock.now())


def test_wecom_group_robot_gets_its_markdown_message(people):
    with http_receiver() as receiver:
        people.add_group_webhook(ADMIN, UNIT, "grid_steward", receiver.url + "/cgi-bin/webhook/send?key=k1", "wecom")
        proposed(people)
        assert people.deliver().sent == 1
        [request] = receiver.requests
    assert request.path == "/cgi-bin/webhook/send" and request.query == {"key": "k1"}
    body = request.json()
    assert set(body) == {"msgtype", "markdown"} and body["msgtype"] == "markdown"
    assert set(body["markdown"]) == {"content"}
    content = body["markdown"]["content"]
    assert content.startswith("### 新待办：受理审查") and "[查看 / Open](http" in content
    assert len(content.encode()) <= 4096


def test_dingtalk_robot_gets_markdown_with_a_valid_sign(people):
    with http_receiver() as receiver:
        people.add_group_webhook(ADMIN, UNIT, "grid_steward", receiver.url + "/robot/send?access_token=t1",
                                 "dingtalk", SECRET)
        proposed(people)
        assert people.deliver().sent == 1
        [request] = receiver.requests
    body = request.json()
    assert body["msgtype"] == "markdown" and set(body["markdown"]) == {"title", "text"}
    assert body["markdown"]["title"] == "新待办：受理审查"
    query = request.query
    assert query["access_token"] == "t1"
    timestamp = int(query["timestamp"])
    assert timestamp == int(clock.now().timestamp() * 1000)  # milliseconds, within DingTalk's hour
    # DingTalk's check: Base64(HMAC-SHA256(secret, "timestamp\nsecret")) equals the (URL-decoded) sign
    digest = hmac.new(SECRET.encode(), f"{timestamp}\n{SECRET}".encode(), hashlib.sha256).digest()
    assert query["sign"] == base64.b64encode(digest).decode()


def test_a_receiver_failing_twice_then_recovering_gets_the_message_once_with_one_key(people):
    script = [(503, {"error": "busy"}), (200, {"errcode": -1, "errmsg": "system busy"})]
    with http_receiver(script=script) as receiver:
        people.add_group_webhook(ADMIN, UNIT, "grid_steward", receiver.url + "/robot/send", "dingtalk")
        proposed(people)
        start = clock.now()
        assert people.deliver(start).retrying == 1
        [row] = rows(people)
        assert (row.status, row.attempts, row.last_error) == ("pending", 1, 'HTTP 503: {"error": "busy"}')
        assert row.next_attempt_at == start + dt.timedelta(seconds=60)  # the first backoff
        assert people.deliver(start + dt.timedelta(seconds=59)).retrying == 0  # not due yet
        assert people.deliver(start + dt.timedelta(seconds=60)).retrying == 1
        [row] = rows(people)
        assert row.last_error == "errcode -1: system busy"
        assert row.next_attempt_at == start + dt.timedelta(seconds=180)  # 60 s later doubled: 120 s
        assert people.deliver(start + dt.timedelta(seconds=180)).sent == 1
        keys = {r.headers["idempotency-key"] for r in receiver.requests}
    assert len(receiver.requests) == 3 and keys == {rows(people)[0].idempotency_key}
    [row] = rows(people)
    assert (row.status, row.attempts) == ("sent", 3)


def test_a_refusal_fails_at_once_and_an_unreachable_receiver_fails_after_the_last_attempt(people):
    with http_receiver(default=(404, {"error": "no such robot"})) as receiver:
        people.add_group_webhook(ADMIN, UNIT, "grid_steward", receiver.url + "/gone", "json")
        proposed(people)
        assert people.deliver().failed == 1
    [row] = rows(people)
    assert (row.status, row.attempts) == ("failed", 1) and row.last_error.startswith("HTTP 404")

    with people.db.begin() as conn:
        conn.execute(sa.delete(outbox_table))
    people.add_group_webhook(ADMIN, UNIT, "review_panel", "http://127.0.0.1:9/closed", "json")
    with people.db.begin() as conn:
        outbox.enqueue_groups(conn, None, type("N", (), {"group": (UNIT, "review_panel"), "kind": "test",
                                                          "facts": {}})(), clock.now(), "http://x")
    now = clock.now()
    for _ in range(8):
        result = people.deliver(now)
        now = rows(people)[0].next_attempt_at
    assert (result.failed, rows(people)[0].status, rows(people)[0].attempts) == (1, "failed", 8)
    assert "ConnectError" in rows(people)[0].last_error
    listed = people.deliveries(ADMIN, status="failed")
    assert listed[0]["channel"] == "webhook" and "ConnectError" in listed[0]["last_error"]


@pytest.mark.parametrize("form", ["json", "wecom", "dingtalk"])
def test_group_messages_are_rendered_in_chinese_with_summary_lines(people, form):
    from engine.notify.channels import Delivery
    from engine.notify.webhooks import body_for

    delivery = Delivery(1, "webhook", "1", "task_opened", {"title": "新待办：受理审查", "lines": ["事项：X", "期限：Y"],
                                                            "link": "http://h/task/1", "facts": {}}, "k", 1)
    body = json.dumps(body_for(form, delivery), ensure_ascii=False)
    assert "新待办：受理审查" in body and "事项：X" in body and "http://h/task/1" in body
