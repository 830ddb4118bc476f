"""Completions per second over HTTP: Yishi beside the floor under it, side by side in one run.

Every row is served by ``--servers`` uvicorn servers (``--workers`` each) in processes of their own, the
connections spread over them in turn, and driven by bench/http_load.py's load generator (this process: asyncio,
C keep-alive connections, its own GIL) with the same cases, steps and data. The floor rows run
bench/floor_app.py: ``http`` (uvicorn + FastAPI only), ``write`` (one durable read-and-update per completion),
``step`` (the raw SpiffWorkflow step with spec-less JSON, stored per completion) — what any Python service on this
stack pays before it does anything Yishi does. The Yishi rows are bench/http_load.py's.

Usage: python bench/floors.py [--servers 2] [--workers 1] [--clients 8] [--cases 200] [--postgres URL]
                              [--only NAME ...]
(``--postgres`` is emptied first, as http_load.py's ``--database``; without it the PostgreSQL rows are left out.)
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(1, str(HERE))

from http_load import free_port, load, prepare, process_tree, start_server, wait_ready  # noqa: E402


def start_floor(mode: str, url: str, port: int, workers: int, synchronous: str) -> subprocess.Popen:
    env = dict(os.environ, FLOOR_MODE=mode, FLOOR_DATABASE=url, BENCH_SQLITE_SYNCHRONOUS=synchronous,
               PYTHONPATH=str(HERE.parent))
    command = [sys.executable, "-m", "uvicorn", "--factory", "floor_app:make", "--app-dir", str(HERE),
               "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
               "--log-level", "warning", "--no-access-log", "--timeout-keep-alive", "300"]
    return subprocess.Popen(command, env=env, cwd=HERE.parent, start_new_session=True)


def measure(prepare_row, start, args) -> dict:
    """One row: its database prepared, ``args.servers`` servers started, the load spread over them in turn."""
    prepare_row()
    ports = [free_port() for _ in range(args.servers)]
    servers = [start(port) for port in ports]
    try:
        for port, server in zip(ports, servers, strict=True):
            asyncio.run(wait_ready(port, server))
        time.sleep(0.5 * args.workers)
        pids = [pid for server in servers for pid in process_tree(server.pid)]
        result = asyncio.run(load(ports, args.cases, args.clients, 20, pids))
    finally:
        for server in servers:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
    if result["failures"]:
        raise SystemExit(f"failures: {len(result['failures'])}, first: {result['failures'][0]}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--servers", type=int, default=2, help="uvicorn servers, the connections spread over them "
                        "in turn (bench/http_load.py --servers)")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn workers per server")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--cases", type=int, default=200)
    parser.add_argument("--postgres", help="a PostgreSQL database URL to empty and use")
    parser.add_argument("--only", nargs="*", help="run only the rows whose name contains one of these")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        def sqlite(name: str) -> str:
            return f"sqlite:///{Path(tmp) / name}.db"

        def floor(mode, url, sync="FULL"):
            import floor_app
            return (lambda: url and floor_app._schema(url),
                    lambda port: start_floor(mode, url, port, args.workers, sync))

        def yishi(url, sync=None):
            return lambda: prepare(url, Path(tmp)), lambda port: start_server(url, port, args.workers, sync)

        plan = [("floor http (FastAPI, no database)", floor("http", ""))]
        for sync in ("NORMAL", "FULL"):
            plan += [(f"floor write, SQLite {sync}", floor("write", sqlite(f"write{sync}"), sync)),
                     (f"floor step, SQLite {sync}", floor("step", sqlite(f"step{sync}"), sync)),
                     (f"Yishi, SQLite {sync}", yishi(sqlite(f"yishi{sync}"), sync))]
        if args.postgres:
            plan += [("floor write, PostgreSQL", floor("write", args.postgres)),
                     ("floor step, PostgreSQL", floor("step", args.postgres)),
                     ("Yishi, PostgreSQL", yishi(args.postgres))]
        if args.only:
            plan = [(name, row) for name, row in plan if any(word in name for word in args.only)]
        print(f"# {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores, Python "
              f"{platform.python_version()}, {args.servers} servers x {args.workers} uvicorn worker(s), "
              f"{args.clients} connections, {args.cases} cases x 10 steps; load average {os.getloadavg()}")
        print("| row | completions/s | median / p95 ms | server CPU per completion (cores used) "
              "| PostgreSQL's CPU per completion | load |")
        print("|---|---|---|---|---|---|")
        for name, (prepare_row, start) in plan:
            result = measure(prepare_row, start, args)
            ms = sorted(x * 1000 for x in result["latencies"])
            n = len(ms)
            rows.append((name, n / result["wall"]))
            print(f"| {name} | {n / result['wall']:.0f} | {statistics.median(ms):.1f} / {ms[int(n * 0.95)]:.1f} | "
                  f"{result['cpu_server'] / n * 1000:.2f} ms ({result['cpu_server'] / result['wall']:.2f}) | "
                  + (f"{result['cpu_db'] / n * 1000:.2f} ms" if "PostgreSQL" in name else "—")
                  + f" | {os.getloadavg()[0]:.1f} |", flush=True)


if __name__ == "__main__":
    main()
