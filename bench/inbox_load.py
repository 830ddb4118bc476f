"""The inbox, the stuck report and the statistics at scale: latency over real HTTP and the query plans.

Against a database made by bench/inbox_data.py (a million cases), the server runs in its own process (``uvicorn``
on a loopback port, as bench/http_load.py starts it) and this process sends one request at a time on a keep-alive
connection:

- ``GET /api/tasks?limit=50`` (the inbox's first page) as ``steward`` (grid steward of one community), ``street``
  (street office of a street) and ``admin``;
- ``GET /api/admin/stuck?limit=50`` as ``admin`` (the first page of the stuck report, and its counts);
- ``GET /api/stats`` (this year) as each of them.

Printed: p50 / p95 / max in milliseconds per request kind, the load average before and after, and (``--explain
FILE``) ``EXPLAIN (ANALYZE, BUFFERS)`` of every SQL statement those requests run, captured in this process from
the same service calls.

Usage: python bench/inbox_load.py --database postgresql://postgres@127.0.0.1:5432/yishi_inbox [--requests 200]
                                  [--explain bench/inbox_plans.txt]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import signal
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(1, str(HERE))
os.environ.setdefault("YISHI_PASSWORD_COST", "test")

from http_load import Connection, free_port, start_server, wait_ready  # noqa: E402

USERS = ("steward", "street", "admin")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


async def measure(port: int, requests: int, stuck_requests: int, stats_requests: int) -> dict[str, list[float]]:
    tokens = {}
    for user in USERS:
        conn = await Connection(port).open()
        status, body = await conn.request("POST", "/api/auth/login", {"user": user, "password": "bench"})
        assert status == 200, body
        tokens[user] = json.loads(body)["access_token"]
        conn.close()
    plan = [(f"inbox as {user}", user, "/api/tasks?limit=50", requests) for user in USERS]
    plan.append(("stuck report (admin)", "admin", "/api/admin/stuck?limit=50", stuck_requests))
    if stats_requests:  # 0: the statistics are left out (seconds each at a million cases)
        plan += [(f"stats as {user}", user, "/api/stats", stats_requests) for user in USERS]
    results: dict[str, list[float]] = {}
    for name, user, path, count in plan:
        conn = await Connection(port, tokens[user]).open()
        for _ in range(max(2, count // 10)):  # warm the server's caches and PostgreSQL's buffers
            status, body = await conn.request("GET", path)
            assert status == 200, (path, status, body[:300])
        timings = []
        for _ in range(count):
            began = time.perf_counter()
            status, body = await conn.request("GET", path)
            timings.append((time.perf_counter() - began) * 1000)
            assert status == 200, (path, status, body[:300])
        conn.close()
        results[name] = timings
        payload = json.loads(body)
        size = len(payload.get("items", [])) if isinstance(payload, dict) else len(payload)
        print(f"{name:24s} p50 {percentile(timings, 0.5):8.2f} ms  p95 {percentile(timings, 0.95):8.2f} ms  "
              f"max {max(timings):8.2f} ms  ({count} requests, {len(body)} bytes, {size} items)", flush=True)
    return results


def explain(url: str, out: Path, stats: bool = True) -> None:
    """``EXPLAIN (ANALYZE, BUFFERS)`` of every statement the service runs for the measured requests."""
    import sqlalchemy as sa

    from engine.service import Yishi

    service = Yishi(url)
    captured: list[tuple[str, object]] = []

    @sa.event.listens_for(service.db, "before_cursor_execute")
    def capture(conn, cursor, statement, parameters, context, executemany):
        captured.append((statement, parameters))

    calls = {
        "inbox as steward": lambda: service.inbox(service.user("steward"), limit=50),
        "inbox as street": lambda: service.inbox(service.user("street"), limit=50),
        "stuck report (admin)": lambda: service.stuck_page(service.user("admin"), limit=50),
    }
    if stats:
        calls["stats as street"] = lambda: service.stats(service.user("street"))
        calls["stats as admin"] = lambda: service.stats(service.user("admin"))
    with out.open("w", encoding="utf-8") as report:
        for name, call in calls.items():
            call()  # warm (and let the actor lookups run)
            captured.clear()
            call()
            statements = list(captured)
            for statement, parameters in statements:
                if not statement.lstrip().upper().startswith("SELECT"):
                    continue
                raw = service.db.raw_connection()
                try:
                    cursor = raw.cursor()
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
                    lines = [row[0] for row in cursor.fetchall()]
                finally:
                    raw.close()
                plan = "\n".join(lines)
                report.write(f"### {name}\n\n```sql\n{statement.strip()}\n```\n\n```\n{plan}\n```\n\n")
    service.db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True)
    parser.add_argument("--requests", type=int, default=200, help="timed requests per inbox and stuck report")
    parser.add_argument("--stuck-requests", type=int, default=20, help="timed requests of the stuck report")
    parser.add_argument("--stats-requests", type=int, default=5, help="timed requests per statistics report")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--explain", type=Path, help="write EXPLAIN (ANALYZE, BUFFERS) of every statement here")
    args = parser.parse_args()
    print(f"# {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}, load average before: {os.getloadavg()}")
    port = free_port()
    server = start_server(args.database, port, args.workers, None)
    try:
        asyncio.run(wait_ready(port, server))
        asyncio.run(measure(port, args.requests, args.stuck_requests, args.stats_requests))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    print(f"load average after: {os.getloadavg()}")
    if args.explain:
        explain(args.database, args.explain, stats=bool(args.stats_requests))
        print(f"plans written to {args.explain}")


if __name__ == "__main__":
    main()
