"""Benchmark one small process three ways, in one run, on this machine.

1. raw SpiffWorkflow in memory;
2. raw SpiffWorkflow with spec-less JSON save and load around every step;
3. Yishi's engine with SQLite persistence (validation, authorisation, projection, case file).

The process is the one of SPIFFWORKFLOW_NOTES.md §6: ten user tasks in a line across three lanes,
with two exclusive gateways, each task with a JSON-Schema form. A "step" is one user task
completed: find it, give it data, run it, run the engine steps (and, for 2 and 3, persist).

Usage: python bench/run.py [--instances N] [--database URL]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa
from SpiffWorkflow.bpmn.specs.mixins.user_task import UserTask
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.parser import SpiffBpmnParser
from SpiffWorkflow.util.task import TaskState

from engine.definitions.compiler import load_bundle
from engine.definitions.xmlsafe import parse_bpmn
from engine.domain.actors import Actor
from engine.sandbox.environment import make_script_engine
from engine.service import Yishi
from engine.store.db import upgrade
from engine.workflow import serializer

LANES = ("secretary", "chair", "member")
STEPS = 10
UNIT = "bench"


def process_xml() -> str:
    """start -> step1..step10 (round-robin lanes) with gateways after steps 3 and 7 -> end."""
    nodes = ['<bpmn:startEvent id="start"/>', '<bpmn:endEvent id="end"/>', '<bpmn:endEvent id="reject"/>']
    refs = {lane: [] for lane in LANES}
    refs[LANES[0]] += ["start", "end", "reject"]
    flows = [("f_start", "start", "step1", None)]
    for i in range(1, STEPS + 1):
        lane = LANES[(i - 1) % 3]
        refs[lane].append(f"step{i}")
        nodes.append(f'<bpmn:userTask id="step{i}" name="Step {i}"><bpmn:extensionElements>'
                     '<spiffworkflow:properties><spiffworkflow:property name="formJsonSchemaFilename" '
                     'value="step.schema.json"/></spiffworkflow:properties></bpmn:extensionElements></bpmn:userTask>')
        after = "end" if i == STEPS else f"step{i + 1}"
        if i in (3, 7):
            refs[lane].append(f"gw{i}")
            nodes.append(f'<bpmn:exclusiveGateway id="gw{i}" default="f_reject{i}"/>')
            flows += [(f"f_gw{i}", f"step{i}", f"gw{i}", None),
                      (f"f_pass{i}", f"gw{i}", after, f"score_{i} &gt;= 5 and approved_{i}"),
                      (f"f_reject{i}", f"gw{i}", "reject", None)]
        else:
            flows.append((f"f{i}", f"step{i}", after, None))
    flow_xml = "".join(
        f'<bpmn:sequenceFlow id="{fid}" sourceRef="{src}" targetRef="{dst}">'
        + (f"<bpmn:conditionExpression>{cond}</bpmn:conditionExpression>" if cond else "")
        + "</bpmn:sequenceFlow>" for fid, src, dst, cond in flows)
    lanes = "".join(f'<bpmn:lane id="lane_{lane}" name="{lane}">'
                    + "".join(f"<bpmn:flowNodeRef>{ref}</bpmn:flowNodeRef>" for ref in refs[lane])
                    + "</bpmn:lane>" for lane in LANES)
    return ('<?xml version="1.0" encoding="UTF-8"?>'
            '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
            'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="bench_defs" '
            'targetNamespace="http://yishi.example/bench">'
            '<bpmn:process id="linear10" name="Linear 10" isExecutable="true">'
            f'<bpmn:laneSet id="lanes">{lanes}</bpmn:laneSet>{"".join(nodes)}{flow_xml}'
            "</bpmn:process></bpmn:definitions>")


FORM = {"type": "object", "properties": {"note": {"type": "string"}}, "additionalProperties": True}


def write_process(root: Path) -> Path:
    """Write linear10.bpmn and its form under ``root`` (the layout load_bundle expects); returns the BPMN path."""
    (root / "linear10.bpmn").write_text(process_xml(), encoding="utf-8")
    (root / "forms" / "linear10").mkdir(parents=True, exist_ok=True)
    (root / "forms" / "linear10" / "step.schema.json").write_text(json.dumps(FORM), encoding="utf-8")
    return root / "linear10.bpmn"


def step_data(i: int) -> dict:
    return {f"score_{i}": 7, f"approved_{i}": True, "note": f"step {i}", "count": i}


def ready_user_task(workflow):
    return next(t for t in workflow.get_tasks(state=TaskState.READY, manual=True) if isinstance(t.task_spec, UserTask))


def run_raw(spec, instances: int, persist: bool) -> list[tuple[float, float]]:
    engine = make_script_engine()
    samples = []
    for _ in range(instances):
        workflow = BpmnWorkflow(spec, {}, script_engine=engine)
        workflow.do_engine_steps()
        state = serializer.dumps(workflow) if persist else None
        for i in range(1, STEPS + 1):
            began, cpu = time.perf_counter(), time.process_time()
            if persist:
                workflow = serializer.loads(state, spec, {}, engine)
            task = ready_user_task(workflow)
            task.data.update(step_data(i))
            task.run()
            workflow.do_engine_steps()
            if persist:
                state = serializer.dumps(workflow)
            samples.append((time.perf_counter() - began, time.process_time() - cpu))
        assert workflow.is_completed()
    return samples


def run_yishi(service: Yishi, instances: int) -> list[tuple[float, float]]:
    actor = Actor("bench", frozenset((UNIT, lane) for lane in LANES))
    samples = []
    for _ in range(instances):
        case_id = service.runtime.start("linear10", UNIT, actor, {})
        for i in range(1, STEPS + 1):
            task_id = service.case(case_id)["open_tasks"][0]["task_id"]
            began, cpu = time.perf_counter(), time.process_time()
            service.runtime.complete(case_id, task_id, actor, step_data(i))
            samples.append((time.perf_counter() - began, time.process_time() - cpu))
        assert service.case(case_id)["status"] == "completed"
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", type=int, default=200)
    parser.add_argument("--database", help="database URL for the Yishi run (default: a fresh SQLite file)")
    parser.add_argument("--sqlite-synchronous", choices=["FULL", "NORMAL"],
                        help="override SQLite's PRAGMA synchronous (WAL) on every connection of the Yishi run")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write_process(root)
        bpmn_parser = SpiffBpmnParser()
        bpmn_parser.add_bpmn_xml(parse_bpmn((root / "linear10.bpmn").read_bytes()), filename="linear10.bpmn")
        spec = bpmn_parser.get_spec("linear10")
        url = args.database or f"sqlite:///{root / 'bench.db'}"
        upgrade(url)
        service = Yishi(url)
        if args.sqlite_synchronous and url.startswith("sqlite"):
            @sa.event.listens_for(service.db, "connect")
            def _synchronous(dbapi_connection, _record):  # after the engine's own pragmas
                dbapi_connection.execute(f"PRAGMA synchronous={args.sqlite_synchronous}")
        service.deploy(load_bundle([root / "linear10.bpmn"]), Actor("bench", is_designer=True))

        run_raw(spec, 5, False), run_raw(spec, 5, True), run_yishi(service, 5)  # warm caches and imports
        results = {
            "1 raw in memory": run_raw(spec, args.instances, False),
            "2 raw + spec-less JSON save/load": run_raw(spec, args.instances, True),
            "3 Yishi engine + database": run_yishi(service, args.instances),
        }
        service.db.dispose()

    print(f"# {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, {platform.node() and 'this machine'}: "
          f"{platform.processor() or platform.machine()}, Python {platform.python_version()}, "
          f"database {url.split(':', 1)[0]}"
          f"{', synchronous=' + args.sqlite_synchronous if args.sqlite_synchronous else ''}, "
          f"{args.instances} instances x {STEPS} steps")
    print(f"# load average {os.getloadavg()}; CPU = this process's CPU time per step (not the database server's),"
          " which other processes on the machine do not inflate the way they do wall time")
    medians, cpus = {}, {}
    for name, samples in results.items():
        samples_ms = [wall * 1000 for wall, _cpu in samples]
        medians[name] = statistics.median(samples_ms)
        cpus[name] = statistics.median(cpu * 1000 for _wall, cpu in samples)
        p95 = statistics.quantiles(samples_ms, n=20)[-1]
        print(f"{name:<36} median {medians[name]:7.3f} ms/step   p95 {p95:7.3f} ms   CPU median {cpus[name]:7.3f} ms"
              f"   n={len(samples_ms)}")
    yishi, raw = "3 Yishi engine + database", "2 raw + spec-less JSON save/load"
    print(f"ratio Yishi / raw+JSON: {medians[yishi] / medians[raw]:.1f}x wall, {cpus[yishi] / cpus[raw]:.1f}x CPU")


if __name__ == "__main__":
    main()
