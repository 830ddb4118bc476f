"""Task completions per second over real HTTP, server and load generator in separate processes.

The server is ``uvicorn`` started as a child process (``--workers W``: W processes behind one socket) on a
loopback port; this process only generates load, with a minimal asyncio HTTP/1.1 keep-alive client (no
threads, no HTTP library: a few tens of microseconds of CPU per request, so the server gets the cores).

Before the timed run: a fresh SQLite file (or ``--database``, which is emptied first), the ten-step process of
bench/run.py deployed, one user holding its three roles, and ``--cases`` cases started over HTTP. Timed: C
connections each take cases from a queue and complete all ten steps, the next task taken from the open tasks
the completion answers with (no GET in between). Printed: completions per second, latency percentiles, and the
CPU seconds the server processes and this load generator used during the timed run.

Usage: python bench/http_load.py [--cases N] [--clients C] [--workers W] [--database URL]
                                 [--sqlite-synchronous FULL|NORMAL]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(1, str(HERE))
os.environ.setdefault("YISHI_PASSWORD_COST", "test")

from run import LANES, STEPS, step_data, write_process  # noqa: E402  (bench/run.py, beside this file)

UNIT = "bench"


# ----- a minimal HTTP/1.1 client ------------------------------------------------------------------------------


class Connection:
    """One keep-alive connection; requests on it are sequential."""

    def __init__(self, port: int, token: str | None = None):
        self.port, self.token = port, token
        self.reader = self.writer = None

    async def open(self) -> Connection:
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        return self

    async def request(self, method: str, path: str, body=None) -> tuple[int, bytes]:
        payload = b"" if body is None else json.dumps(body).encode()
        head = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{self.port}", f"Content-Length: {len(payload)}"]
        if body is not None:
            head.append("Content-Type: application/json")
        if self.token:
            head.append(f"Authorization: Bearer {self.token}")
        self.writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + payload)
        status_line = await self.reader.readline()
        status = int(status_line.split()[1])
        length, chunked = 0, False
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b""):
                break
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"transfer-encoding" and b"chunked" in value.lower():
                chunked = True
        if not chunked:
            return status, await self.reader.readexactly(length)
        parts = []
        while True:
            size = int((await self.reader.readline()).strip(), 16)
            if size == 0:
                await self.reader.readline()
                return status, b"".join(parts)
            parts.append(await self.reader.readexactly(size))
            await self.reader.readline()

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


# ----- the server process ---------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare(url: str, root: Path) -> None:
    """Schema, the ten-step process and the bench user, written before the server starts."""
    import sqlalchemy as sa

    from engine.definitions.compiler import load_bundle
    from engine.domain.actors import Actor
    from engine.people import accounts, units
    from engine.service import Yishi
    from engine.store.db import upgrade
    from engine.store.tables import metadata

    upgrade(url)
    service = Yishi(url)
    with service.db.begin() as conn:  # a given database starts empty, so runs compare
        for table in reversed(metadata.sorted_tables):
            if table.name != "alembic_version":
                conn.execute(table.delete())
    service.deploy(load_bundle([write_process(root)]), Actor("bench", is_designer=True))
    with service.db.begin() as conn:
        units.ensure(conn, UNIT, "community")
        accounts.ensure_user(conn, "bench", "bench", roles=[(UNIT, lane) for lane in LANES])
        if url.startswith("postgres"):
            conn.execute(sa.text("ANALYZE"))
    service.db.dispose()


def start_server(url: str, port: int, workers: int, synchronous: str | None,
                 extra_path: str | None = None, loop: str = "auto", http: str = "auto") -> subprocess.Popen:
    env = dict(os.environ, YISHI_DATABASE_URL=url, YISHI_TICK_SECONDS="0", YISHI_DEMO="0",
               YISHI_PASSWORD_COST="test", PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), extra_path])))
    env.pop("YISHI_PROCESSES_DIR", None)
    if synchronous:
        env["BENCH_SQLITE_SYNCHRONOUS"] = synchronous
    command = [sys.executable, "-m", "uvicorn", "--factory", "bench_app:make", "--app-dir", str(HERE),
               "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
               "--log-level", "warning", "--no-access-log", "--timeout-keep-alive", "300",
               "--loop", loop, "--http", http]
    return subprocess.Popen(command, env=env, cwd=ROOT, start_new_session=True)


def process_tree(pid: int) -> list[int]:
    children = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo += children.get(current, [])
    return found


def database_cpu_seconds() -> float:
    """CPU used so far by the PostgreSQL server on this machine (its backends do a completion's SQL): its live
    processes' own, plus what its postmaster collected from backends that have exited (``cutime``, ``cstime``)."""
    total, ticks = 0, os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() != "postgres":
                    continue
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                parent = Path(f"/proc/{fields[1]}/comm").read_text().strip()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])
            if parent != "postgres":  # the postmaster: every backend is its child
                total += int(fields[13]) + int(fields[14])
    return total / ticks


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU of these processes (their own, not their reaped children's)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


# ----- the load ---------------------------------------------------------------------------------------------------


async def wait_ready(port: int, server: subprocess.Popen) -> None:
    for _ in range(600):
        if server.poll() is not None:
            raise SystemExit(f"server exited with {server.returncode}")
        try:
            conn = await Connection(port).open()
            status, _ = await conn.request("GET", "/health")
            conn.close()
            if status == 200:
                return
        except OSError:
            pass
        await asyncio.sleep(0.1)
    raise SystemExit("server did not answer /health")


async def load(ports: list[int], cases: int, clients: int, warmup: int, server_pids: list[int]) -> dict:
    """Drive ``clients`` keep-alive connections, spread round-robin over the servers' ``ports``."""
    port = ports[0]
    conn = await Connection(port).open()
    status, body = await conn.request("POST", "/auth/login", {"user": "bench", "password": "bench"})
    assert status == 200, body
    token = json.loads(body)["access_token"]
    conn.close()
    connections = [await Connection(ports[i % len(ports)], token).open() for i in range(clients)]

    async def start_all(count: int) -> list[tuple[int, str]]:
        queue = list(range(count))
        started = []

        async def worker(c: Connection):
            while queue:
                queue.pop()
                status = 409
                while status == 409:  # two starts took the same reference number at once
                    status, body = await c.request("POST", "/cases", {"definition": "linear10", "unit": UNIT})
                assert status == 201, body
                detail = json.loads(body)
                started.append((detail["id"], detail["open_tasks"][0]["task_id"]))
        await asyncio.gather(*(worker(c) for c in connections[:2]))  # starts are not timed
        return started

    latencies: list[float] = []
    failures: list[str] = []

    async def drive(c: Connection, queue: list[tuple[int, str]], record: bool):
        while queue:
            _case_id, task = queue.pop()
            for step in range(1, STEPS + 1):
                began = time.perf_counter()
                status, body = await c.request("POST", f"/tasks/{task}/complete", {"data": step_data(step)})
                elapsed = time.perf_counter() - began
                if status != 200:
                    failures.append(f"{status} {body[:200]!r}")
                    break
                if record:
                    latencies.append(elapsed)
                if step < STEPS:
                    task = json.loads(body)["open_tasks"][0]["task_id"]

    warm = await start_all(warmup)  # every worker process loads the definition and warms its caches
    await asyncio.gather(*(drive(c, warm, False) for c in connections))
    todo = await start_all(cases)
    cpu_server, cpu_client, cpu_db = cpu_seconds(server_pids), time.process_time(), database_cpu_seconds()
    began = time.perf_counter()
    await asyncio.gather(*(drive(c, todo, True) for c in connections))
    wall = time.perf_counter() - began
    cpu_server, cpu_client = cpu_seconds(server_pids) - cpu_server, time.process_time() - cpu_client
    cpu_db = database_cpu_seconds() - cpu_db
    for c in connections:
        c.close()
    return {"latencies": latencies, "wall": wall, "failures": failures,
            "cpu_server": cpu_server, "cpu_client": cpu_client, "cpu_db": cpu_db}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=200)
    parser.add_argument("--clients", type=int, default=8, help="concurrent keep-alive connections")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes (per server)")
    parser.add_argument("--servers", type=int, default=1,
                        help="uvicorn servers on ports of their own, the connections spread over them in turn (as a "
                             "load balancer would): the workers of one server share its listening socket, and a "
                             "few keep-alive connections opened at once often all land in one worker")
    parser.add_argument("--warmup", type=int, default=20, help="cases run before the timed run")
    parser.add_argument("--database", help="database URL (emptied first!); default: a fresh SQLite file")
    parser.add_argument("--extra-path", help="a directory put on the server's PYTHONPATH (e.g. uvloop and "
                        "httptools installed with pip --target, which uvicorn then uses)")
    parser.add_argument("--sqlite-synchronous", choices=["FULL", "NORMAL"],
                        help="override the server's PRAGMA synchronous (WAL) for this run")
    parser.add_argument("--loop", choices=["auto", "asyncio", "uvloop"], default="auto",
                        help="uvicorn's event loop (auto: uvloop when installed, as uvicorn[standard] does)")
    parser.add_argument("--http", choices=["auto", "h11", "httptools"], default="auto",
                        help="uvicorn's HTTP parser (auto: httptools when installed)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        url = args.database or f"sqlite:///{root / 'http.db'}"
        prepare(url, root)
        ports = [free_port() for _ in range(args.servers)]
        servers = [start_server(url, port, args.workers, args.sqlite_synchronous, args.extra_path, args.loop,
                                args.http) for port in ports]
        try:
            for port, server in zip(ports, servers, strict=True):
                asyncio.run(wait_ready(port, server))
            time.sleep(0.5 * args.workers)  # let every worker finish starting
            pids = [pid for server in servers for pid in process_tree(server.pid)]
            result = asyncio.run(load(ports, args.cases, args.clients, args.warmup, pids))
        finally:
            for server in servers:
                os.killpg(server.pid, signal.SIGTERM)
                server.wait(timeout=30)
    ms = sorted(x * 1000 for x in result["latencies"])
    n = len(ms)
    store = url.split(":", 1)[0]
    sync = f", synchronous={args.sqlite_synchronous}" if args.sqlite_synchronous else ""
    print(f"# {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}: {store}{sync}, {args.servers} server(s) x {args.workers} uvicorn worker(s), "
          f"{args.clients} "
          f"connections, {args.cases} cases x {STEPS} steps, loop {args.loop}, http {args.http}"
          + (", extra path" if args.extra_path else "") + f"; load average {os.getloadavg()}")
    if result["failures"]:
        print(f"FAILURES: {len(result['failures'])}, first: {result['failures'][0]}")
    print(f"throughput: {n / result['wall']:.0f} completions/s ({n} in {result['wall']:.2f} s)")
    if n:
        print(f"latency: median {statistics.median(ms):.2f} ms, p95 {ms[int(n * 0.95)]:.2f} ms, "
              f"p99 {ms[min(n - 1, int(n * 0.99))]:.2f} ms")
        print(f"CPU per completion: server {result['cpu_server'] / n * 1000:.2f} ms "
              f"({result['cpu_server'] / result['wall']:.2f} cores), load generator "
              f"{result['cpu_client'] / n * 1000:.3f} ms ({result['cpu_client'] / result['wall']:.2f} cores)"
              + (f", PostgreSQL {result['cpu_db'] / n * 1000:.2f} ms ({result['cpu_db'] / result['wall']:.2f} cores)"
                 if store.startswith("postgres") else ""))


if __name__ == "__main__":
    main()
