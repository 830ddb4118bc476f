"""``yishi forecast CASE`` (流程预测) and ``yishi phrases UNIT`` (常用语): the path ahead of a case and a unit's stock
phrases from the command line. Output and errors as in ``engine.cli`` (its helpers are looked up when a command
runs: that module adds these). Completing with an opinion and a signature is ``yishi complete --opinion --signature``.
"""

from __future__ import annotations

from typing import Annotated

import typer

from engine.cli_options import DatabaseOpt, JsonOpt
from engine.domain.actors import Actor


def forecast(case: str, language: Annotated[str, typer.Option(help="zh-CN or en.")] = "zh-CN",
             database: DatabaseOpt = None, as_json: JsonOpt = False) -> None:
    """The remaining steps of the most likely path of an open case (a forecast), with roles, people and due dates."""
    from engine import cli

    with cli._handled(as_json):
        result = cli._service(database).forecast(case, language=language)
        lines = [f"forecast for case {result['case_id']} (a forecast, not a decision)"]
        for step in result["steps"]:
            due = cli._when(step["due_at"]) if step["due_at"] else "—"
            people = ", ".join(step["holders"]) or "—"
            mark = "now " if step["open"] else "next"
            rule = f" [{step['multi_sign']}]" if step["multi_sign"] else ""
            lines.append(f"  {mark} {step['name']}{rule} role={step['role']} people={people} due={due}")
        cli._emit(result, as_json, "\n".join(lines))


SetOpt = Annotated[list[str] | None, typer.Option(
    "--set", help="Replace the unit's phrases (repeatable; an empty value restores the inherited ones).")]


def phrases(unit: str, set_to: SetOpt = None,
            user: Annotated[str, typer.Option("--as", help="Administrator recorded as making the change.")] = "admin",
            database: DatabaseOpt = None, as_json: JsonOpt = False) -> None:
    """Show a unit's stock phrases for opinions (常用语), or replace them (as an administrator)."""
    from engine import cli

    with cli._handled(as_json):
        service = cli._service(database)
        actor = Actor(user, frozenset(), is_admin=True)
        result = service.set_phrases(unit, [p for p in set_to if p], actor) if set_to is not None \
            else service.phrases(unit, actor)
        source = result["source"] or "defaults"
        cli._emit(result, as_json, "\n".join([f"{unit} (from {source}):", *(f"  {p}" for p in result["phrases"])]))
