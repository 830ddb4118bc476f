"""Over real HTTP (uvicorn on a loopback port): concurrent completions of one task, exactly one wins;
and several timer workers at once never tick a case twice."""

from __future__ import annotations

import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
import uvicorn

from api.app import create_app
from engine.people import demo
from engine.service import Yishi
from tests.support.demo_case import DEMO, UNIT

PROPOSAL = {"description": "在3号院增设电动自行车集中充电桩，解决飞线充电隐患。"}


@pytest.fixture
def server(db_url):
    service = Yishi(db_url)
    app = create_app(service, processes_dir=str(DEMO.parent), seed_demo=True, tick_seconds=0)
    sock = socket.socket()  # bound here and handed to uvicorn: no other test process can take the port meanwhile
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", workers=1)
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=uv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 90  # a start-up limit, generous: two test processes share the cores
    while not uv.started:
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", service
    uv.should_exit = True
    thread.join(timeout=10)
    sock.close()
    service.db.dispose()


def test_concurrent_completions_over_http_exactly_one_200(server):
    base, _service = server
    with httpx.Client(base_url=base, timeout=30) as client:
        token = client.post("/auth/login", json={"user": "proposer", "password": demo.PASSWORD}).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        case = client.post("/cases", headers=headers, json={"definition": "demo_petition", "unit": UNIT,
                                                            "data": {"title": "并发"}}).json()
        task_id = case["open_tasks"][0]["task_id"]

    def complete(_):
        with httpx.Client(base_url=base, timeout=30) as own:
            return own.post(f"/tasks/{task_id}/complete", headers=headers, json={"data": PROPOSAL}).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        codes = sorted(pool.map(complete, range(8)))
    assert codes.count(200) == 1 and set(codes) == {200, 409}, codes
    with httpx.Client(base_url=base, timeout=30) as client:
        history = client.get(f"/cases/{case['id']}/history", headers=headers).json()
    assert history["verified"] and [e["kind"] for e in history["events"]].count("task_completed") == 1


def test_parallel_workers_never_tick_a_case_twice(db_url, frozen_clock):
    import datetime as dt

    from engine.definitions.compiler import load_bundle
    from tests.support.demo_case import DESIGNER, PROPOSER
    from tests.support.demo_case import PROPOSAL as FULL_PROPOSAL

    service = Yishi(db_url)
    service.deploy(load_bundle([DEMO]), DESIGNER)
    ids = []
    for n in range(12):
        case = service.start("demo_petition", UNIT, PROPOSER, {"title": f"case {n}"})
        service.complete(case["id"], case["open_tasks"][0]["task_id"], PROPOSER, FULL_PROPOSAL)
        ids.append(case["id"])
    later = dt.datetime(2026, 4, 1, tzinfo=dt.UTC)
    workers = [Yishi(db_url) for _ in range(4)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda w: w.tick(later), workers))
    assert sum(r.timers_fired for r in results) == 12
    for case_id in ids:
        fired = [e for e in service.history(case_id)[0] if e["kind"] == "timer_fired"]
        assert len(fired) == 1
    for worker in [*workers, service]:
        worker.db.dispose()
