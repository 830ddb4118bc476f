"""``yishi users …`` and ``yishi units …`` as an operator runs them: a real process on a real SQLite file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

YISHI = Path(sys.executable).parent / "yishi"


@pytest.fixture
def cli(tmp_path):
    env = {**os.environ, "YISHI_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}", "YISHI_PASSWORD_COST": "test"}

    def run(*args, ok=True):
        result = subprocess.run([str(YISHI), *args], capture_output=True, text=True, env=env, timeout=120)
        assert (result.returncode == 0) == ok, result.stderr
        assert "Traceback" not in result.stderr, result.stderr
        return result

    run("db", "upgrade")
    return run


def test_an_operator_builds_the_tree_and_onboards_people(cli, tmp_path):
    cli("units", "create", "拓东街道", "--kind", "street", "--name", "盘龙区拓东街道", "--as", "ops")
    cli("units", "create", "金江路社区", "--kind", "community", "--name", "金江路社区", "--parent", "拓东街道")
    cli("units", "create", "三组", "--kind", "group", "--name", "第三居民小组", "--parent", "金江路社区")
    assert cli("units", "list").stdout.splitlines() == [
        "拓东街道  盘龙区拓东街道 (街道)", "  金江路社区  金江路社区 (社区)", "    三组  第三居民小组 (居民小组)"]
    assert "unit kind must be one of" in cli("units", "create", "x", "--kind", "district", "--name", "x",
                                             ok=False).stderr

    made = json.loads(cli("users", "create", "wang", "--name", "王网格", "--phone", "13800000001", "-m",
                          "金江路社区:grid_steward", "--reason", "上岗", "--as", "ops", "--json").stdout)
    assert len(made["one_time_code"]) == 14 and made["user"]["memberships"][0]["role"] == "grid_steward"
    cli("users", "grant", "wang", "三组", "residents", "--from", "2026-01-01", "--to", "2026-12-31")
    shown = cli("users", "show", "wang").stdout
    assert "三组:residents (全体居民) 2026-01-01 – 2026-12-31" in shown and "user_created by ops — 上岗" in shown
    cli("users", "revoke", "wang", "三组", "residents", "--reason", "搬走")
    cli("users", "edit", "wang", "--email", "wang@example.cn")
    assert "wang@example.cn" in cli("users", "list", "--q", "王").stdout
    assert "one-time code for wang:" in cli("users", "reset-code", "wang").stdout
    cli("users", "deactivate", "wang", "--reason", "离职")
    assert "(deactivated)" in cli("users", "show", "wang").stdout

    sheet = tmp_path / "roster.csv"
    sheet.write_text("姓名,手机号,单位,角色\n李四,13900000001,金江路社区,网格管家\n赵六,139,金江路社区,全体居民\n",
                     encoding="gb18030")  # as Excel saves a CSV in China
    dry = cli("users", "import", str(sheet)).stdout
    assert "row 2: create 李四 13900000001 金江路社区 grid_steward" in dry
    assert "row 3: error" in dry and "nothing written: 1 to create, 0 to update, 0 unchanged, 1 error(s)" in dry
    sheet.write_text("姓名,手机号,单位,角色\n李四,13900000001,金江路社区,网格管家\n", encoding="utf-8")
    applied = cli("users", "import", str(sheet), "--apply").stdout
    assert "applied: 1 to create" in applied and " code " in applied
