"""``yishi urge|copy|transfer|ask|answer|withdraw-step|withdraw|send-back|stand-in|stand-ins|stand-in-end|handover|
views|copied``: the task actions of issue 13 from the command line, over the same service as the API. The acting
user is ``--as`` with the memberships the database gives them (or ``--member``/``--admin`` as for the other
commands)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer

from engine.cli_options import AdminOpt, DatabaseOpt, JsonOpt, MemberOpt, UserOpt
from engine.domain.actors import Actor
from engine.domain.texts import Text
from engine.errors import InvalidInput

ReasonOpt = Annotated[str, typer.Option(help="Why (recorded in the case file).")]


def _cli():
    from engine import cli
    return cli


def _who(service, user: str, members: list[str] | None, admin: bool) -> Actor:
    """The user as the database knows them, unless memberships are given on the command line."""
    if members or admin:
        return Actor.parse(user, members, admin=admin)
    return service.user(user)


@contextmanager
def _acting(database: str | None, as_json: bool, user: str, member: list[str] | None = None, admin: bool = False
            ) -> Iterator[tuple]:
    """What every command here opens: errors printed the CLI's way, the service, and who acts."""
    cli = _cli()
    with cli._handled(as_json):
        service = cli._service(database)
        yield cli, service, _who(service, user, member, admin)


def register(app: typer.Typer) -> None:
    @app.command()
    def urge(task: str, user: UserOpt, note: Annotated[str | None, typer.Option(help="What the holder is told.")]
             = None, member: MemberOpt = None, admin: AdminOpt = False, database: DatabaseOpt = None,
             as_json: JsonOpt = False) -> None:
        """催办: tell the holder of an open step at once (one urge per cooldown)."""
        with _acting(database, as_json, user, member, admin) as (cli, service, actor):
            result = service.urge(task, actor, note)
            cli._emit(result, as_json, f"urged {', '.join(result['holders'])} (urge {result['urge_count']})")

    @app.command("copy")
    def copy_case(case: str, user: UserOpt,
                  to: Annotated[list[str] | None, typer.Option("--to", help="User id (repeatable).")] = None,
                  role: Annotated[list[str] | None, typer.Option("--role", help="Role in the case's unit.")] = None,
                  note: Annotated[str | None, typer.Option()] = None, member: MemberOpt = None,
                  admin: AdminOpt = False, database: DatabaseOpt = None, as_json: JsonOpt = False) -> None:
        """抄送: copy a case to people or roles for their information (each person once)."""
        with _acting(database, as_json, user, member, admin) as (cli, service, actor):
            result = service.copy_case(case, actor, to or [], role or [], note)
            cli._emit(result, as_json, f"copied to {', '.join(result['added']) or 'nobody new'}")

    @app.command()
    def transfer(task: str, user: UserOpt, to: Annotated[str, typer.Option("--to", help="Who takes it.")],
                 reason: ReasonOpt, member: MemberOpt = None, database: DatabaseOpt = None,
                 as_json: JsonOpt = False) -> None:
        """转办: hand my step to another member holding its role."""
        with _acting(database, as_json, user, member) as (cli, service, actor):
            result = service.transfer(task, actor, to, reason)
            cli._emit(result, as_json, f"transferred {task} to {result['to']}")

    @app.command()
    def ask(task: str, user: UserOpt, to: Annotated[str, typer.Option("--to")],
            kind: Annotated[str, typer.Option(help="delegate | consult_before | consult_after")],
            note: Annotated[str, typer.Option(help="What is asked.")], member: MemberOpt = None,
            database: DatabaseOpt = None, as_json: JsonOpt = False) -> None:
        """委派 / 加签: ask someone to work on my step or for their opinion."""
        with _acting(database, as_json, user, member) as (cli, service, actor):
            result = service.ask(task, actor, kind, to, note)
            cli._emit(result, as_json, f"request {result['id']} ({kind}) to {to}: {result['status']}")

    @app.command()
    def answer(request: int, user: UserOpt, text: Annotated[str | None, typer.Option("--answer")] = None,
               withdraw: Annotated[bool, typer.Option(help="Withdraw my own request instead.")] = False,
               database: DatabaseOpt = None, as_json: JsonOpt = False) -> None:
        """Answer a request made of me (or withdraw one I made)."""
        with _acting(database, as_json, user) as (cli, service, actor):
            result = service.answer_request(request, actor, text, withdraw=withdraw)
            cli._emit(result, as_json, f"request {request}: {result['status']}")

    @app.command("withdraw-step")
    def withdraw_step(task: str, user: UserOpt, reason: Annotated[str | None, typer.Option()] = None,
                      database: DatabaseOpt = None, as_json: JsonOpt = False) -> None:
        """撤回: take back my completed step while the next one has not been acted on."""
        with _acting(database, as_json, user) as (cli, service, actor):
            case = service.withdraw_step(task, actor, reason)
            cli._emit(case, as_json, cli._case_text(case))

    @app.command()
    def withdraw(case: str, user: UserOpt, reason: ReasonOpt, database: DatabaseOpt = None,
                 as_json: JsonOpt = False) -> None:
        """撤销: the starter withdraws their proposal before it is decided."""
        with _acting(database, as_json, user) as (cli, service, actor):
            result = service.withdraw_case(case, actor, reason)
            cli._emit(result, as_json, cli._case_text(result))

    @app.command("send-back")
    def send_back(task: str, user: UserOpt, to_element: Annotated[str, typer.Option(help="The earlier step.")],
                  reason: ReasonOpt, database: DatabaseOpt = None, as_json: JsonOpt = False) -> None:
        """退回: send the case back to an earlier step the process allows."""
        with _acting(database, as_json, user) as (cli, service, actor):
            result = service.return_task(task, actor, to_element, reason)
            cli._emit(result, as_json, cli._case_text(result))

    @app.command("stand-in")
    def stand_in(absent: str, user: UserOpt, by: Annotated[str, typer.Option("--by", help="The stand-in.")],
                 start: Annotated[str, typer.Option("--from", help="First day (YYYY-MM-DD).")],
                 end: Annotated[str, typer.Option("--to", help="Last day, included.")], reason: ReasonOpt,
                 admin: AdminOpt = False, database: DatabaseOpt = None, as_json: JsonOpt = False) -> None:
        """An absence with a stand-in between two dates."""
        with _acting(database, as_json, user, admin=admin) as (cli, service, actor):
            result = service.set_stand_in(actor, absent, by, _date(start), _date(end),
                                          reason)
            cli._emit(result, as_json, f"stand-in {by} for {absent}: {len(result['moved'])} step(s) moved")

    @app.command("stand-ins")
    def stand_ins(user: UserOpt, unit: Annotated[str | None, typer.Option(help="A unit's members' (its "
                                                                               "administrators).")] = None,
                  admin: AdminOpt = False, database: DatabaseOpt = None, as_json: JsonOpt = False) -> None:
        """Absences not over yet: mine and those I stand in for, or a unit's members'."""
        with _acting(database, as_json, user, admin=admin) as (cli, service, actor):
            items = service.stand_ins(actor, unit)
            cli._emit(items, as_json, "\n".join(f"{s['id']}  {s['user_id']} → {s['stand_in']}  {s['valid_from']}…"
                                                f"{s['valid_to']}  {s['state']}" for s in items) or "none")

    @app.command("stand-in-end")
    def stand_in_end(stand_in_id: int, user: UserOpt,
                     reason: Annotated[str | None, typer.Option(help="Why it ends early.")] = None,
                     admin: AdminOpt = False, database: DatabaseOpt = None, as_json: JsonOpt = False) -> None:
        """End an absence early (the steps still with the stand-in come back) or cancel one not begun."""
        with _acting(database, as_json, user, admin=admin) as (cli, service, actor):
            result = service.end_stand_in(actor, stand_in_id, reason)
            cli._emit(result, as_json, f"stand-in {stand_in_id} {result['state']}: {len(result['moved'])} step(s) "
                                       "back")

    @app.command()
    def handover(member_id: str, user: UserOpt, to: Annotated[str, typer.Option("--to", help="The successor.")],
                 reason: Annotated[str, typer.Option(help="Why (recorded; required unless --dry-run).")] = "",
                 dry_run: Annotated[bool, typer.Option("--dry-run", help="Only say what would move.")] = False,
                 admin: AdminOpt = False, database: DatabaseOpt = None, as_json: JsonOpt = False) -> None:
        """换届: move every open step of a member whose membership ends to their successor."""
        with _acting(database, as_json, user, admin=admin) as (cli, service, actor):
            result = service.handover(actor, member_id, to, reason, dry_run=dry_run)
            kept = "".join(f"\n  kept {k['task_id']}: {k['why']}" for k in result["kept"])
            verb = "would move" if dry_run else "moved"
            cli._emit(result, as_json, f"{verb} {len(result['moved'])} step(s) to {to}{kept}")

    @app.command()
    def views(user: UserOpt, method: str | None = None, unit: str | None = None, q: str | None = None,
              database: DatabaseOpt = None, as_json: JsonOpt = False) -> None:
        """How many items 待办, 已办, 我发起的 and 抄送我的 hold for a user."""
        with _acting(database, as_json, user) as (cli, service, actor):
            counts = service.view_counts(actor, method=method, unit=unit, q=q)
            cli._emit(counts, as_json, "  ".join(f"{k}={v}" for k, v in counts.items()))

    @app.command()
    def copied(user: UserOpt, unread: bool = False, database: DatabaseOpt = None, as_json: JsonOpt = False) -> None:
        """抄送我的: cases copied to a user, newest first."""
        with _acting(database, as_json, user) as (cli, service, actor):
            rows, _total = service.copied_to_me(actor, unread=unread)
            text = "\n".join(f"{r['reference']}  {r['title']}  from {r['copied_by']}"
                             f"{'' if r['read_at'] else '  (unread)'}" for r in rows)
            cli._emit(rows, as_json, text or "nothing copied to you")


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(Text("{value} 不是日期（应为 YYYY-MM-DD）", "{value} is not a date (YYYY-MM-DD)",
                                value=repr(value))) from None
