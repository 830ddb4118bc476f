"""Task completions per second over real HTTP (uvicorn on loopback), against the DESIGN.md budget.

Starts the API on a free port with a fresh SQLite (or --database) store, deploys the ten-step process
of bench/run.py, starts N cases, then completes every step of every case from C concurrent client
threads; prints completions per second and latency percentiles.

Usage: python bench/http_load.py [--cases N] [--clients C] [--database URL]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import uvicorn

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(1, str(Path(__file__).resolve().parent))
os.environ.setdefault("YISHI_PASSWORD_COST", "test")

from run import LANES, STEPS, step_data, write_process  # noqa: E402  (bench/run.py, beside this file)

from api.app import create_app  # noqa: E402
from engine.people import accounts  # noqa: E402
from engine.service import Yishi  # noqa: E402
from engine.store.db import upgrade  # noqa: E402

UNIT = "bench"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--database")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write_process(root)
        url = args.database or f"sqlite:///{root / 'http.db'}"
        upgrade(url)
        service = Yishi(url)
        with service.db.begin() as conn:
            accounts.ensure_unit(conn, UNIT, "community")
            accounts.ensure_user(conn, "bench", "bench", roles=[(UNIT, lane) for lane in LANES])
        app = create_app(service, processes_dir=str(root), seed_demo=False, tick_seconds=0)
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.05)
        base = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=base, timeout=60) as client:
            token = client.post("/auth/login", json={"user": "bench", "password": "bench"}).json()["access_token"]
            headers = {"Authorization": f"Bearer {token}"}
            case_ids = [client.post("/cases", headers=headers, json={"definition": "linear10", "unit": UNIT}
                                    ).json()["id"] for _ in range(args.cases)]

        latencies: list[float] = []
        lock = threading.Lock()

        def drive(case_id: int) -> None:
            with httpx.Client(base_url=base, timeout=60, headers=headers) as own:
                for step in range(1, STEPS + 1):
                    task = own.get(f"/cases/{case_id}").json()["open_tasks"][0]["task_id"]
                    began = time.perf_counter()
                    response = own.post(f"/tasks/{task}/complete", json={"data": step_data(step)})
                    elapsed = time.perf_counter() - began
                    assert response.status_code == 200, response.text
                    with lock:
                        latencies.append(elapsed)

        began = time.perf_counter()
        with ThreadPoolExecutor(max_workers=args.clients) as pool:
            list(pool.map(drive, case_ids))
        wall = time.perf_counter() - began
        server.should_exit = True
        thread.join(timeout=10)
        service.db.dispose()
    ms = sorted(x * 1000 for x in latencies)
    print(f"{len(ms)} completions over HTTP, {args.clients} clients, database {url.split(':', 1)[0]}")
    print(f"throughput (completions only, wall incl. the GET before each): {len(ms) / wall:.0f}/s")
    print(f"completion latency: median {statistics.median(ms):.2f} ms, p95 {ms[int(len(ms) * 0.95)]:.2f} ms")


if __name__ == "__main__":
    main()
