"""The ``yishi`` command as a user runs it: a real process, a real SQLite file, the demo process."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from engine.domain.actors import Actor
from engine.service import Yishi
from tests.support.demo_case import DEMO, FIXTURES, UNIT
from tests.support.scenario import PROCESSES, file_bytes

YISHI = Path(sys.executable).parent / "yishi"
PROPOSAL = {"description": "在3号院增设电动自行车集中充电桩，解决飞线充电隐患。"}


@pytest.fixture
def cli(tmp_path):
    env = {**os.environ, "YISHI_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}"}

    def run(*args, ok=True):
        result = subprocess.run([str(YISHI), *args], capture_output=True, text=True, env=env, timeout=120)
        if ok:
            assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr, result.stderr
        return result

    run("db", "upgrade")
    return run


def as_json(result):
    return json.loads(result.stdout)


def test_demo_process_end_to_end_through_the_cli(cli):
    assert "deployed demo_petition v1" in cli("deploy", str(DEMO)).stdout
    assert "unchanged demo_petition v1" in cli("deploy", str(DEMO)).stdout
    assert "demo_petition v1" in cli("definitions").stdout
    proposer = ["--as", "pan", "--member", f"{UNIT}:proposer"]
    case = as_json(cli("start", "demo_petition", "--unit", UNIT, *proposer, "--data", '{"title": "充电桩"}',
                       "--json"))
    ref = case["reference"]
    [task] = as_json(cli("tasks", *proposer, "--json"))
    assert task["element_id"] == "propose"
    cli("complete", ref, task["task_id"], *proposer, "--data", json.dumps(PROPOSAL, ensure_ascii=False))
    steward = ["--as", "wang", "--member", f"{UNIT}:grid_steward"]
    [review] = as_json(cli("tasks", *steward, "--json"))
    text = cli("tasks", *steward).stdout
    assert review["task_id"] in text and "受理审查 Review" in text
    cli("complete", str(case["id"]), review["task_id"], *steward, "--data", '{"decision": "deliberate"}')
    assembly = ["--as", "chen", "--member", f"{UNIT}:assembly"]
    [vote] = as_json(cli("tasks", *assembly, "--json"))
    bad = cli("complete", ref, vote["task_id"], *assembly, "--data",
              '{"eligible": 41, "present": 50, "yes": 1, "no": 0, "abstain": 0}', ok=False)
    assert bad.returncode == 1 and "present" in bad.stderr and "error:" in bad.stderr
    done = as_json(cli("complete", ref, vote["task_id"], *assembly, "--json", "--data",
                       '{"eligible": 41, "present": 30, "yes": 22, "no": 5, "abstain": 3}'))
    assert (done["status"], done["end_event"]) == ("completed", "end_adopted")
    assert "completed" in cli("cases").stdout
    history = cli("history", ref).stdout
    assert "task_completed" in history and "hash chain: intact" in history
    assert "intact" in cli("verify", ref).stdout


def test_timers_through_the_cli(cli):
    cli("deploy", str(DEMO))
    proposer = ["--as", "pan", "--member", f"{UNIT}:proposer"]
    case = as_json(cli("start", "demo_petition", "--unit", UNIT, *proposer, "--data", '{"title": "x"}', "--json"))
    [task] = as_json(cli("tasks", *proposer, "--json"))
    cli("complete", case["reference"], task["task_id"], *proposer, "--data", json.dumps(PROPOSAL))
    assert "0 timer(s) fired" in cli("tick").stdout
    assert "1 timer(s) fired" in cli("tick", "--now", "2099-01-01T00:00:00+08:00").stdout
    street = ["--as", "zhao", "--member", f"{UNIT}:street_office"]
    assert "督办 Urge the reply" in cli("tasks", *street).stdout


def test_lint_prints_every_problem_with_line_and_element(cli):
    result = cli("lint", str(FIXTURES / "broken" / "broken.bpmn"), ok=False)
    assert result.returncode == 1
    for element in ("outside_lane", "no_form", "f_escape", "wait_unquoted", "call_missing"):
        assert f"[{element}]" in result.stdout
    assert "broken.bpmn:" in result.stdout
    report = as_json(cli("lint", str(FIXTURES / "broken" / "broken.bpmn"), "--json", ok=False))
    assert report["ok"] is False and all(p["line"] for p in report["problems"] if p["element_id"])
    assert "no problems" in cli("lint", str(DEMO)).stdout


@pytest.mark.parametrize(("args", "message"), [
    (("start", "nope", "--unit", UNIT, "--as", "x"), "no deployed definition 'nope'"),
    (("start", "nope", "--unit", UNIT, "--as", "x", "--data", "{oops"), "--data is not valid JSON"),
    (("start", "nope", "--unit", UNIT, "--as", "x", "--member", "nocolon"), "UNIT:ROLE"),
    (("show", "金江路社区-2026-9999"), "not found"),
    (("tick", "--now", "yesterday"), "not an ISO-8601"),
    (("tick", "--now", "2026-01-01T00:00:00"), "UTC offset"),
    (("lint", "/no/such/file.bpmn"), "no such file"),
    (("cancel", "1"), "a reason is required"),
    (("cancel", "1", "--reason", "重复"), "not found"),
    (("cases", "--status", "weird"), "unknown status"),
])
def test_bad_input_is_one_line_and_non_zero(cli, args, message):
    result = cli(*args, ok=False)
    assert result.returncode != 0
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_an_objection_from_the_command_line(cli, tmp_path):
    cli("deploy", str(PROCESSES / "publication.bpmn"))
    steward = ["--as", "wang", "--member", f"{UNIT}:grid_steward"]
    case = as_json(cli("start", "publication", "--unit", UNIT, *steward, "--json", "--data",
                       '{"publication_kind": "resolution", "publication_period": 7}'))
    [post] = as_json(cli("tasks", *steward, "--json"))
    refused = cli("object", case["reference"], "--as", "li", "--member", f"{UNIT}:proposer", "--text", "太早", ok=False)
    assert refused.returncode == 1 and "error:" in refused.stderr
    service = Yishi(f"sqlite:///{tmp_path / 'cli.db'}")  # files are added through the API; here in-process
    [photo] = [service.attach(case["id"], Actor.parse("wang", [f"{UNIT}:grid_steward"]), io.BytesIO(file_bytes(n)), n)
               for n in ("board.jpg",)]
    [evidence] = [service.attach(case["id"], Actor.parse("li", [f"{UNIT}:proposer"]), io.BytesIO(file_bytes(n)), n)
                  for n in ("crack.jpg",)]
    service.db.dispose()
    cli("complete", case["reference"], post["task_id"], *steward, "--data", json.dumps(
        {"channels": ["notice_board"], "start_at": "2026-12-01T09:00:00+08:00", "content": "决议",
         "posting_evidence": [{"sha256": photo["sha256"], "name": "board.jpg"}]}))
    lodged = as_json(cli("object", case["reference"], "--as", "li", "--member", f"{UNIT}:proposer",
                         "--text", "异议内容", "--attachment", evidence["sha256"], "--json"))
    assert lodged["objector"] == "li" and lodged["case"]["open_tasks"][0]["element_id"] == "PUB_UT_RuleObjection"
    assert [a["name"] for a in lodged["attachments"]] == ["crack.jpg"]
    assert "objection_lodged" in cli("history", case["reference"]).stdout


def test_an_administrator_corrects_a_lateness_flag_from_the_command_line(cli, tmp_path):
    from engine.service import Yishi
    from tests.support import five_step as five

    service = Yishi(f"sqlite:///{tmp_path / 'cli.db'}")
    five.deploy_processes(service)
    s = five.start(service)
    five.register(s)
    five.triage(s, "handle_directly", reason="物业可直接维修", reply_text="已安排物业维修")
    s.advance(days=8)  # the reply is late: the engine records it
    service.db.dispose()
    reference = s.case["reference"]
    refused = cli("correct-flag", reference, "--flag", "reply_late", "--clear", "--reason", " ", ok=False)
    assert refused.returncode == 1 and "error:" in refused.stderr
    done = as_json(cli("correct-flag", reference, "--flag", "reply_late", "--clear", "--reason", "已电话答复",
                       "--json"))
    assert done["reference"] == reference
    assert "flag_corrected" in cli("history", reference).stdout


def test_forecast_phrases_and_an_opinion_through_the_cli(cli, tmp_path):
    processes = Path(__file__).resolve().parents[2] / "processes"
    cli("deploy", str(processes))
    steward = ["--as", "wang", "--member", "金江路社区:grid_steward"]
    case = as_json(cli("start", "five_step", "--unit", "金江路社区", "--as", "pan", "--member", "金江路社区:proposer",
                       "--data", '{"title": "加装电梯"}', "--json"))
    ahead = cli("forecast", case["reference"]).stdout
    assert "a forecast" in ahead and "now  登记建档" in ahead and "next 评议" in ahead
    assert as_json(cli("forecast", case["reference"], "--language", "en", "--json"))["steps"][0]["name"] == \
        "Register the proposal"
    assert "同意。" in cli("phrases", "金江路社区").stdout
    cli("units", "create", "金江路社区", "--kind", "community", "--name", "金江路社区")
    changed = as_json(cli("phrases", "金江路社区", "--set", "情况属实。", "--set", "同意。", "--json"))
    assert changed["phrases"] == ["情况属实。", "同意。"]
    [task] = as_json(cli("tasks", *steward, "--json"))
    png = tmp_path / "sign.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0")
    register = json.dumps({
        "channel": "deliberation_hall", "proposer_type": "owners_committee",
        "proposer": {"name": "李业委", "role": "业委会主任", "unit": "金康园业委会"}, "co_signers": 35,
        "title": "加装电梯", "description": "小区绿化用自来水浇灌费用高，业委会提议改用中水灌溉并加装管道。",
        "category": "renovation", "scope": "courtyard_or_estate",
        "est_households_affected": 42}, ensure_ascii=False)
    refused = cli("complete", case["reference"], task["task_id"], *steward, "--data", register,
                  "--signature", str(png), ok=False)
    assert refused.returncode == 1 and "signature" in refused.stderr  # the register step takes no signature
    cli("complete", case["reference"], task["task_id"], *steward, "--data", register, "--opinion", "情况属实。")
    assert "情况属实。" in cli("history", case["reference"], "--json").stdout
