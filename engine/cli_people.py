"""``yishi users …`` and ``yishi units …``: people, memberships and the unit tree from the command line.

The operator of the server acts as a global administrator named by ``--as`` (recorded with every change).
Output and errors as in ``engine.cli`` (its helpers are looked up when a command runs: that module adds these).
"""

from __future__ import annotations

import base64
import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from engine.domain.actors import Actor
from engine.errors import InvalidInput

users_app = typer.Typer(help="People: create, edit, deactivate, memberships, one-time codes, import a sheet.",
                        no_args_is_help=True)
units_app = typer.Typer(help="The unit tree: street → community → group / courtyard / building.",
                        no_args_is_help=True)

ByOpt = Annotated[str, typer.Option("--as", help="Administrator recorded as making the change.")]
ReasonOpt = Annotated[str | None, typer.Option(help="Why (recorded with the change).")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]
DatabaseOpt = Annotated[str | None, typer.Option("--database", envvar="YISHI_DATABASE_URL",
                                                 help="Database URL (default: SQLite under ./data).")]


def _run(as_json: bool, database: str | None, work, text) -> None:
    """Run ``work(people)`` with engine errors turned into one line, and print its result."""
    from engine import cli

    with cli._handled(as_json):
        result = work(cli._service(database).people)
        cli._emit(result, as_json, text(result))


def _admin(user: str) -> Actor:
    return Actor(user, is_admin=True)


def _date(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"{option} '{value}' is not a date (YYYY-MM-DD)") from None


def _membership(item: str) -> dict:
    unit, sep, role = item.rpartition(":")
    if not sep or not unit or not role:
        raise InvalidInput(f"membership '{item}' must be written UNIT:ROLE")
    return {"unit": unit, "role": role}


def _user_text(user: dict) -> str:
    lines = [f"{user['id']}  {user['display_name']}  phone={user['phone'] or '-'}  email={user['email'] or '-'}"
             f"{'' if user['active'] else '  (deactivated)'}"]
    for m in user.get("memberships", []):
        period = f" {m['valid_from'] or '…'} – {m['valid_to'] or '…'}" if m["valid_from"] or m["valid_to"] else ""
        lines.append(f"  {m['unit']}:{m['role']} ({m['role_name']}){period}{'' if m['current'] else ' [not now]'}")
    return "\n".join(lines)


@users_app.command("list")
def users_list(q: Annotated[str | None, typer.Option(help="Part of id, name, phone or email.")] = None,
               limit: int = 50, user: ByOpt = "admin", database: DatabaseOpt = None, as_json: JsonOpt = False):
    """List people, newest first."""
    def work(people):
        rows, total = people.list_users(_admin(user), text=q, limit=limit)
        return {"items": rows, "total": total}
    _run(as_json, database, work,
         lambda r: "\n".join([*(_user_text(u) for u in r["items"]), f"{r['total']} people"]))


@users_app.command("show")
def users_show(user_id: str, user: ByOpt = "admin", database: DatabaseOpt = None, as_json: JsonOpt = False):
    """One person with memberships and what was recorded about the account."""
    _run(as_json, database, lambda people: people.user(_admin(user), user_id),
         lambda u: "\n".join([_user_text(u), *(f"  {e['at']:%Y-%m-%d %H:%M} {e['kind']} by {e['actor']}"
                                                f"{' — ' + e['data']['reason'] if e['data'].get('reason') else ''}"
                                                for e in u["history"])]))


@users_app.command("create")
def users_create(user_id: str, name: Annotated[str, typer.Option(help="Display name (姓名).")],
                 phone: Annotated[str | None, typer.Option()] = None,
                 email: Annotated[str | None, typer.Option()] = None,
                 member: Annotated[list[str] | None, typer.Option("--member", "-m", help="UNIT:ROLE (repeatable).")]
                 = None, reason: ReasonOpt = None, user: ByOpt = "admin", database: DatabaseOpt = None,
                 as_json: JsonOpt = False):
    """Create a person; prints the one-time sign-in code (shown once: hand it over)."""
    def work(people):
        created, code, expires = people.create_user(_admin(user), user_id, name, phone=phone, email=email,
                                                    grants=[_membership(m) for m in member or []], reason=reason)
        return {"user": created, "one_time_code": code, "expires_at": expires}
    _run(as_json, database, work, lambda r: f"{_user_text(r['user'])}\none-time code: {r['one_time_code']} "
                                            f"(valid until {r['expires_at']:%Y-%m-%d %H:%M} UTC)")


@users_app.command("edit")
def users_edit(user_id: str, name: Annotated[str | None, typer.Option()] = None,
               phone: Annotated[str | None, typer.Option(help="New phone ('' clears it).")] = None,
               email: Annotated[str | None, typer.Option(help="New email ('' clears it).")] = None,
               reason: ReasonOpt = None, user: ByOpt = "admin", database: DatabaseOpt = None,
               as_json: JsonOpt = False):
    """Change a person's name, phone or email."""
    changes = {key: value or None for key, value in (("phone", phone), ("email", email)) if value is not None}
    if name is not None:
        changes["display_name"] = name
    _run(as_json, database, lambda people: people.update_user(_admin(user), user_id, reason=reason, **changes),
         _user_text)


@users_app.command("deactivate")
def users_deactivate(user_id: str, reason: Annotated[str, typer.Option(help="Why (recorded).")],
                     user: ByOpt = "admin", database: DatabaseOpt = None, as_json: JsonOpt = False):
    """Deactivate a person (never deleted: case files keep naming them); their sessions end."""
    _run(as_json, database, lambda people: people.set_active(_admin(user), user_id, False, reason=reason),
         _user_text)


@users_app.command("reactivate")
def users_reactivate(user_id: str, reason: ReasonOpt = None, user: ByOpt = "admin", database: DatabaseOpt = None,
                     as_json: JsonOpt = False):
    """Reactivate a deactivated person."""
    _run(as_json, database, lambda people: people.set_active(_admin(user), user_id, True, reason=reason),
         _user_text)


@users_app.command("grant")
def users_grant(user_id: str, unit: str, role: str,
                valid_from: Annotated[str | None, typer.Option("--from", help="First day (YYYY-MM-DD).")] = None,
                valid_to: Annotated[str | None, typer.Option("--to", help="Last day (YYYY-MM-DD).")] = None,
                reason: ReasonOpt = None, user: ByOpt = "admin", database: DatabaseOpt = None,
                as_json: JsonOpt = False):
    """Grant a membership (or change its dates)."""
    grant = {"unit": unit, "role": role, "valid_from": _date(valid_from, "--from"), "valid_to": _date(valid_to, "--to")}
    _run(as_json, database, lambda people: people.grant(_admin(user), user_id, grant, reason=reason), _user_text)


@users_app.command("revoke")
def users_revoke(user_id: str, unit: str, role: str, reason: ReasonOpt = None, user: ByOpt = "admin",
                 database: DatabaseOpt = None, as_json: JsonOpt = False):
    """Revoke a membership."""
    _run(as_json, database, lambda people: people.revoke(_admin(user), user_id, unit, role, reason=reason),
         _user_text)


@users_app.command("reset-code")
def users_reset_code(user_id: str, reason: ReasonOpt = None, user: ByOpt = "admin", database: DatabaseOpt = None,
                     as_json: JsonOpt = False):
    """Issue a one-time sign-in code (shown once); signing in with it forces a new password."""
    def work(people):
        code, expires = people.reset_code(_admin(user), user_id, reason=reason)
        return {"user": user_id, "one_time_code": code, "expires_at": expires}
    _run(as_json, database, work, lambda r: f"one-time code for {r['user']}: {r['one_time_code']} "
                                            f"(valid until {r['expires_at']:%Y-%m-%d %H:%M} UTC)")


@users_app.command("import")
def users_import(sheet: Path, apply: Annotated[bool, typer.Option(help="Write (all rows or none); without it, "
                                                                      "a dry run.")] = False,
                 reason: ReasonOpt = None, user: ByOpt = "admin", database: DatabaseOpt = None,
                 as_json: JsonOpt = False):
    """Import people from a CSV or XLSX sheet (姓名, 手机号, 单位, 角色): every row's outcome; --apply writes."""
    content = base64.b64encode(sheet.read_bytes()).decode()

    def text(result):
        lines = [" ".join(filter(None, [f"row {r['row']}: {r['outcome']}", r["name"], r["phone"], r["unit"],
                                        ",".join(r["roles"]), r["reason"] and f"— {r['reason']}",
                                        r["changes"] and f"— {'; '.join(r['changes'])}",
                                        r["one_time_code"] and f"code {r['one_time_code']}"]))
                 for r in result["rows"]]
        counts = result["counts"]
        lines.append(f"{'applied' if result['applied'] else 'nothing written'}: {counts['create']} to create, "
                     f"{counts['update']} to update, {counts['unchanged']} unchanged, {counts['error']} error(s)")
        return "\n".join(lines)
    _run(as_json, database, lambda people: people.import_sheet(_admin(user), content, apply=apply, reason=reason),
         text)


@units_app.command("list")
def units_list(user: ByOpt = "admin", database: DatabaseOpt = None, as_json: JsonOpt = False):
    """The unit tree."""
    def text(result):
        children: dict[str | None, list[dict]] = {}
        codes = {u["code"] for u in result["units"]}
        for unit in result["units"]:
            children.setdefault(unit["parent"] if unit["parent"] in codes else None, []).append(unit)
        lines = []

        def walk(parent, depth):
            for unit in children.get(parent, []):
                lines.append(f"{'  ' * depth}{unit['code']}  {unit['name']} ({unit['kind_name']})")
                walk(unit["code"], depth + 1)
        walk(None, 0)
        return "\n".join(lines)
    _run(as_json, database, lambda people: people.unit_list(_admin(user)), text)


@units_app.command("create")
def units_create(code: str, kind: Annotated[str, typer.Option(help="street, community, group, courtyard, …")],
                 name: Annotated[str, typer.Option()], parent: Annotated[str | None, typer.Option()] = None,
                 reason: ReasonOpt = None, user: ByOpt = "admin", database: DatabaseOpt = None,
                 as_json: JsonOpt = False):
    """Create a unit (under --parent, or as a root)."""
    _run(as_json, database,
         lambda people: people.create_unit(_admin(user), code, kind, name, parent, reason=reason),
         lambda u: f"{u['code']}  {u['name']} ({u['kind']}) under {u['parent'] or '(root)'}")


@units_app.command("edit")
def units_edit(code: str, name: Annotated[str | None, typer.Option()] = None,
               kind: Annotated[str | None, typer.Option()] = None,
               parent: Annotated[str | None, typer.Option(help="Move under this unit (cases keep theirs).")] = None,
               root: Annotated[bool, typer.Option(help="Make it a root.")] = False,
               reason: ReasonOpt = None, user: ByOpt = "admin", database: DatabaseOpt = None,
               as_json: JsonOpt = False):
    """Rename, change the kind of, or move a unit (recorded; cases keep their unit)."""
    changes = {key: value for key, value in (("name", name), ("kind", kind)) if value is not None}
    if parent is not None or root:
        changes["parent"] = None if root else parent
    _run(as_json, database, lambda people: people.update_unit(_admin(user), code, reason=reason, **changes),
         lambda u: f"{u['code']}  {u['name']} ({u['kind']}) under {u['parent'] or '(root)'}")
