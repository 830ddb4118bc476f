"""The task actions from the command line (a real ``yishi`` process on a SQLite file): urge, copy, transfer,
send back, withdraw, and the views' counts."""

from __future__ import annotations

import json

from engine.people import accounts, units
from engine.service import Yishi
from tests.engine.test_cli import cli  # noqa: F401 (fixture)
from tests.engine.test_task_actions import ACTIONS, PEOPLE, PROPOSAL, STREET, UNIT


def test_a_case_urged_copied_transferred_and_sent_back_from_the_command_line(cli, tmp_path):  # noqa: F811
    cli("deploy", str(ACTIONS))
    service = Yishi(f"sqlite:///{tmp_path / 'cli.db'}")
    with service.db.begin() as conn:
        units.ensure(conn, STREET, "street", "拓东街道")
        units.ensure(conn, UNIT, "community", "金江路社区", parent=STREET)
        for user, roles in PEOPLE.items():
            accounts.ensure_user(conn, user, "pw-not-used", roles=roles, admin=user == "ada")
    service.db.dispose()
    case = json.loads(cli("start", "actions_petition", "--unit", UNIT, "--as", "pan", "-m", f"{UNIT}:proposer",
                          "--data", json.dumps({"title": "3号院充电桩"}), "--json").stdout)
    propose = case["open_tasks"][0]["task_id"]
    done = json.loads(cli("complete", case["reference"], propose, "--as", "pan", "-m", f"{UNIT}:proposer",
                          "--data", json.dumps(PROPOSAL), "--json").stdout)
    review = done["open_tasks"][0]["task_id"]
    assert "urged li, wang" in cli("urge", review, "--as", "pan", "--note", "请尽快").stdout
    assert "error:" in cli("urge", review, "--as", "pan", ok=False).stderr  # the cooldown
    assert "copied to lawyer" in cli("copy", case["reference"], "--as", "wang", "--to", "lawyer").stdout
    assert "copied=1" in cli("views", "--as", "lawyer").stdout
    assert "transferred" in cli("transfer", review, "--as", "wang", "--to", "li", "--reason", "休假").stdout
    back = cli("send-back", review, "--as", "li", "--to-element", "propose", "--reason", "补充位置").stdout
    assert "提议" in back
    withdrawn = cli("withdraw", case["reference"], "--as", "pan", "--reason", "已解决").stdout
    assert "cancelled" in withdrawn
    # an absence planned, listed and cancelled; the 换届 previewed
    assert "0 step(s) moved" in cli("stand-in", "wang", "--as", "wang", "--by", "li", "--from", "2099-01-05",
                                    "--to", "2099-01-06", "--reason", "年假").stdout
    listed = cli("stand-ins", "--as", "wang").stdout
    assert "wang → li" in listed and "planned" in listed
    assert "stand-in 1 cancelled" in cli("stand-in-end", "1", "--as", "wang", "--reason", "不休了").stdout
    assert "would move 0 step(s) to li" in cli("handover", "wang", "--as", "ada", "--to", "li", "--dry-run").stdout
