"""``yishi``: the command line over the engine (lint, deploy, start, tasks, complete, tick, ...).

Human-readable output by default, ``--json`` on request. Bad input prints one line saying
what is wrong and exits non-zero; no traceback reaches the user.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from engine.cli_options import AdminOpt, DatabaseOpt, JsonOpt, MemberOpt, UserOpt
from engine.definitions.compiler import load_bundle
from engine.definitions.lint import lint as lint_bundle
from engine.domain.actors import Actor
from engine.errors import InvalidDefinition, InvalidInput, YishiError

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Yishi (议事): community deliberation procedures on SpiffWorkflow.")
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")
holidays_app = typer.Typer(help="The holiday calendar (the State Council's arrangement of each year).",
                           no_args_is_help=True)
app.add_typer(holidays_app, name="holidays")



def _emit(value, as_json: bool, text: str | None = None) -> None:
    if as_json:
        typer.echo(json.dumps(value, ensure_ascii=False, indent=2, default=_default))
    elif text is not None:
        typer.echo(text)


def _default(value):
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


def _fail(message: str, code: int = 1) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


@contextlib.contextmanager
def _handled(as_json: bool = False):
    """Turn engine errors into one-line messages and a non-zero exit."""
    try:
        yield
    except InvalidDefinition as exc:
        if as_json:
            _emit({"error": exc.message, "problems": [p.as_dict() for p in exc.problems]}, True)
        else:
            for problem in exc.problems:
                typer.echo(str(problem), err=True)
        _fail(exc.message)
    except InvalidInput as exc:
        for error in exc.errors:
            typer.echo(f"  {error.path or '(form)'}: {error.message}", err=True)
        _fail(exc.message)
    except YishiError as exc:
        _fail(exc.message)
    except (ValueError, OSError) as exc:
        _fail(str(exc))
    except typer.Exit:
        raise
    except Exception as exc:  # the promise is "never a traceback"; say what failed instead
        _fail(f"internal error ({type(exc).__name__}): {exc}", code=3)


def _service(database: str | None):
    from engine.service import Yishi

    return Yishi(database)


def _actor(user: str, members: list[str] | None, admin: bool = False, designer: bool = False) -> Actor:
    return Actor.parse(user, members, admin=admin, designer=designer)


def _data(data: str | None, data_file: Path | None) -> dict:
    if data and data_file:
        raise InvalidInput("give --data or --data-file, not both")
    text = data_file.read_text(encoding="utf-8") if data_file else (data or "{}")
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"--data is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})") from None
    if not isinstance(value, dict):
        raise InvalidInput("--data must be a JSON object")
    return value


def _instant(value: str | None) -> dt.datetime | None:
    if value is None:
        return None
    try:
        instant = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput(f"--now '{value}' is not an ISO-8601 date-time") from None
    if instant.tzinfo is None:
        raise InvalidInput("--now needs a UTC offset, e.g. 2026-12-01T09:00:00+08:00")
    return instant


@db_app.command("upgrade")
def db_upgrade(database: DatabaseOpt = None) -> None:
    """Create or upgrade the database schema."""
    from engine.store.db import database_url, upgrade

    with _handled():
        upgrade(database or database_url())
        typer.echo("database is up to date")


@app.command()
def lint(paths: list[Path], forms: Annotated[Path | None, typer.Option(help="Forms directory.")] = None,
         as_json: JsonOpt = False) -> None:
    """Check BPMN files (and their forms); print every problem with file, line and element id."""
    with _handled(as_json):
        bundle = load_bundle(paths, forms)
        report = lint_bundle(bundle.bpmn, bundle.forms)
        problems = [p.as_dict() for p in report.problems]
        _emit({"ok": report.ok, "problems": problems}, as_json,
              "\n".join(str(p) for p in report.problems) or f"ok: {len(bundle.bpmn)} file(s), no problems")
        if not report.ok:
            if not as_json:
                typer.echo(f"{len(report.problems)} problem(s)", err=True)
            raise typer.Exit(1)


@app.command()
def layout(paths: list[Path], check: Annotated[bool, typer.Option(help="Only report files whose diagram is "
                                                                     "missing elements; change nothing.")] = False
           ) -> None:
    """Write a fresh left-to-right diagram (BPMNDI) into BPMN files, so they open in bpmn.io and Camunda Modeler."""
    from engine.definitions.layout import layout_bytes, missing_diagram_elements

    with _handled():
        files = [f for p in paths for f in (sorted(p.glob("*.bpmn")) if p.is_dir() else [p])]
        incomplete = []
        for path in files:
            data = path.read_bytes()
            if check:
                missing = missing_diagram_elements(data)
                if missing:
                    incomplete.append(path)
                    typer.echo(f"{path}: no diagram element for {', '.join(missing)}")
            else:
                path.write_bytes(layout_bytes(data))
                typer.echo(f"laid out {path}")
        if incomplete:
            raise typer.Exit(1)


@app.command()
def deploy(paths: list[Path], forms: Annotated[Path | None, typer.Option(help="Forms directory.")] = None,
           user: Annotated[str, typer.Option("--as", help="Designer deploying.")] = "designer",
           quiet_unchanged: Annotated[bool, typer.Option(help="Say nothing of unchanged definitions.")] = False,
           database: DatabaseOpt = None, as_json: JsonOpt = False) -> None:
    """Lint and deploy BPMN files as new definition versions (identical content is a no-op)."""
    with _handled(as_json):
        bundle = load_bundle(paths, forms)
        if not bundle.bpmn:
            _emit([], as_json, f"nothing to deploy: no *.bpmn in {', '.join(map(str, paths))}")
            return
        results = _service(database).deploy(bundle, _actor(user, [], designer=True))
        lines = [f"{'deployed' if r.created else 'unchanged'} {r.key} v{r.version} ({r.content_hash[:12]})"
                 for r in results if r.created or not quiet_unchanged]
        _emit([r.__dict__ for r in results], as_json, "\n".join(lines) if lines else None)


@app.command()
def definitions(database: DatabaseOpt = None, as_json: JsonOpt = False) -> None:
    """List deployed definitions (newest version of each)."""
    with _handled(as_json):
        rows = _service(database).definitions()
        text = "\n".join(f"{r['key']} v{r['version']} ({r['versions']} version(s)) {r['name']}" for r in rows)
        _emit(rows, as_json, text or "no definitions deployed")


@app.command()
def start(key: str, unit: Annotated[str, typer.Option(help="Community or building.")], user: UserOpt,
          member: MemberOpt = None, admin: AdminOpt = False,
          data: Annotated[str | None, typer.Option(help="Start data as a JSON object.")] = None,
          data_file: Annotated[Path | None, typer.Option(help="Start data from a JSON file.")] = None,
          title: Annotated[str | None, typer.Option()] = None,
          database: DatabaseOpt = None, as_json: JsonOpt = False) -> None:
    """Start a case of the newest version of a definition."""
    with _handled(as_json):
        case = _service(database).start(key, unit, _actor(user, member, admin), _data(data, data_file), title)
        _emit(case, as_json, _case_text(case))


@app.command()
def tasks(user: UserOpt, member: MemberOpt = None, role: str | None = None, process: str | None = None,
          unit: str | None = None, database: DatabaseOpt = None, as_json: JsonOpt = False) -> None:
    """List the open tasks the user may work, soonest due first."""
    with _handled(as_json):
        rows = _service(database).tasks(_actor(user, member), role=role, process=process, unit=unit)
        text = "\n".join(
            f"{r['task_id']}  {r['reference']}  {r['name']}  role={r['role']}  due={_when(r['due_at'])}"
            for r in rows)
        _emit(rows, as_json, text or "no open tasks")


@app.command()
def complete(case: str, task: str, user: UserOpt, member: MemberOpt = None,
             data: Annotated[str | None, typer.Option(help="Form data as a JSON object.")] = None,
             data_file: Annotated[Path | None, typer.Option(help="Form data from a JSON file.")] = None,
             opinion: Annotated[str | None, typer.Option(help="审批意见: the opinion in words.")] = None,
             signature: Annotated[Path | None, typer.Option(help="A signature image (PNG) to add to the case and "
                                                                 "sign with.")] = None,
             database: DatabaseOpt = None, as_json: JsonOpt = False) -> None:
    """Complete an open task with form data (and an opinion, and a signature where the step takes one)."""
    with _handled(as_json):
        service, actor = _service(database), _actor(user, member)
        said = {"text": opinion} if opinion else {}
        if signature is not None:
            with signature.open("rb") as stream:
                record = service.attach(case, actor, stream, signature.name)
            said["signature"] = {"sha256": record["sha256"], "name": record["file_name"]}
        result = service.complete(case, task, actor, _data(data, data_file), said or None)
        _emit(result, as_json, _case_text(result))


@app.command("correct-flag")
def correct_flag(case: str, flag: Annotated[str, typer.Option(help="The lateness flag (late_… or …_late).")],
                 value: Annotated[bool, typer.Option("--value/--clear", help="Set the flag (--value) or clear it.")],
                 reason: Annotated[str, typer.Option(help="Why; recorded in the case file.")],
                 user: Annotated[str, typer.Option("--as", help="Administrator.")] = "admin",
                 database: DatabaseOpt = None, as_json: JsonOpt = False) -> None:
    """Correct a lateness flag the engine recorded (administrators), with the reason in the case file."""
    with _handled(as_json):
        result = _service(database).correct_flag(case, _actor(user, [], admin=True), flag, value, reason)
        _emit(result, as_json, f"{flag} = {str(value).lower()}\n{_case_text(result)}")


@app.command("object")
def lodge_objection(case: str, user: UserOpt, member: MemberOpt = None,
                    text: Annotated[str, typer.Option(help="What the objection is.")] = "",
                    on_behalf_of: Annotated[str | None, typer.Option(help="The resident the supervision committee "
                                                                       "lodges it for.")] = None,
                    attachment: Annotated[list[str] | None, typer.Option(help="SHA-256 of a file added to the case "
                                                                         "(repeatable).")] = None,
                    database: DatabaseOpt = None, as_json: JsonOpt = False) -> None:
    """Object to the notice (公示) a case is publishing now; the supervision committee rules on it."""
    with _handled(as_json):
        refs = [{"sha256": sha} for sha in attachment or []]
        result = _service(database).lodge_objection(case, _actor(user, member), text, on_behalf_of, refs)
        _emit(result, as_json, f"objection by {result['objector']} lodged at {result['lodged_at']}\n"
                               f"{_case_text(result['case'])}")


@app.command()
def tick(now: Annotated[str | None, typer.Option(help="Fire timers due at this instant (ISO-8601).")] = None,
         database: DatabaseOpt = None, as_json: JsonOpt = False) -> None:
    """Fire every due timer."""
    with _handled(as_json):
        result = _service(database).tick(_instant(now))
        _emit(result.__dict__, as_json, f"{result.timers_fired} timer(s) fired in {result.cases} case(s); "
                                        f"{result.errors} error(s), {result.conflicts} conflict(s)")


@app.command()
def worker(every: Annotated[float, typer.Option(help="Seconds between ticks.")] = 30.0,
           once: Annotated[bool, typer.Option(help="Tick once and exit.")] = False,
           database: DatabaseOpt = None) -> None:
    """Fire due timers in a loop (safe to run several at once: each case is taken under SKIP LOCKED), record due-date
    reminders and deliver the notification outbox (rows also taken under SKIP LOCKED); seal every case's head once a
    day (`yishi seal`)."""
    import time

    with _handled():
        service = _service(database)
        while True:
            result = service.tick()
            if result.timers_fired or result.errors:
                typer.echo(f"{result.timers_fired} timer(s) fired in {result.cases} case(s); {result.errors} error(s)")
            service.remind()
            sent = service.deliver()
            if sent.sent or sent.failed:
                typer.echo(f"notifications: {sent.sent} sent, {sent.retrying} to retry, {sent.failed} failed")
            _daily_seal(service)
            if once:
                return
            time.sleep(max(0.5, every))


def _daily_seal(service) -> None:
    """The worker's daily `yishi seal` (a missed one is made at the next tick)."""
    from engine.domain import clock
    from engine.store import audit

    now = clock.now()
    with service.db.begin() as conn:
        if audit.seal_due(conn, now):
            result = audit.seal_all(conn, now)
            typer.echo(f"sealed {result['cases']} case(s): digest {result['digest']} key {result['key_id']}")


@app.command()
def cases(unit: str | None = None, status: str | None = None, process: str | None = None,
          database: DatabaseOpt = None, as_json: JsonOpt = False) -> None:
    """List cases."""
    with _handled(as_json):
        rows = _service(database).cases(unit=unit, status=status, process=process)
        text = "\n".join(f"{r['id']:>5}  {r['reference']}  {r['definition_key']}  {r['status']}"
                         f"{'  ' + r['end_event'] if r['end_event'] else ''}  {r['title']}" for r in rows)
        _emit(rows, as_json, text or "no cases")


@app.command()
def show(case: str, database: DatabaseOpt = None, as_json: JsonOpt = False) -> None:
    """Show one case: status, end event and open tasks."""
    with _handled(as_json):
        detail = _service(database).case(case)
        _emit(detail, as_json, _case_text(detail))


@app.command()
def history(case: str, database: DatabaseOpt = None, as_json: JsonOpt = False) -> None:
    """Print the case file (一事一档): every event with actor, time and data."""
    with _handled(as_json):
        rows, verification = _service(database).history(case)
        text = "\n".join(
            f"{r['seq']:>3} {_when(r['at'])} {r['actor']:<14} {r['kind']:<15} {r['element_id'] or '':<16} "
            f"{json.dumps(r['data'], ensure_ascii=False)}" for r in rows)
        text += ("\nhash chain: intact; count, head, seal, case row and open tasks agree with it"
                 if verification.ok else
                 f"\ncase file: BROKEN, check '{verification.failed}' failed: {verification.reason}")
        _emit({"events": rows, "verified": verification.__dict__}, as_json, text)


@app.command()
def verify(case: Annotated[str | None, typer.Argument(help="Case id or reference.")] = None,
           all_cases: Annotated[bool, typer.Option("--all", help="Check every case.")] = False,
           against: Annotated[Path | None, typer.Option(help="Also compare with a seal exported by "
                                                        "`yishi seal --export`.")] = None,
           file: Annotated[Path | None, typer.Option("--file", help="Check an exported case file (ZIP from "
                                                     "`yishi export` or GET /api/cases/{id}/export) offline.")] = None,
           database: DatabaseOpt = None, as_json: JsonOpt = False) -> None:
    """Re-check case files (chain, event count, head, server seal, case row, open tasks); exit 1 naming the check
    that failed. With --file: an exported case file, without the database."""
    import sqlalchemy as sa

    from engine.service import Yishi
    from engine.store import audit
    from engine.store.tables import cases as cases_table

    with _handled(as_json):
        if file is not None:
            checked = Yishi.verify_export(file)
            checks = ", ".join(f"{name} {'ok' if ok else 'not checked' if ok is None else 'FAILED'}"
                               for name, ok in checked.checks.items())
            lines = [f"{file}: " + (f"intact: case {checked.case}, {checked.events} event(s), "
                                    f"{checked.attachments} attachment(s)" if checked.ok else
                                    f"BROKEN, check '{checked.failed}' failed: {checked.reason}"), f"checks: {checks}"]
            lines += [f"note: {note}" for note in checked.notes]
            _emit({**checked.__dict__, "reason": str(checked.reason) if checked.reason else None,
                   "notes": [str(n) for n in checked.notes]}, as_json, "\n".join(lines))
            if not checked.ok:
                raise typer.Exit(1)
            return
        if case is None and not all_cases and against is None:
            raise InvalidInput("give a case, --all, --against FILE or --file EXPORT.zip")
        service = _service(database)
        results, lines = [], []
        if case is not None or all_cases:
            if all_cases:
                with service.db.connect() as conn:
                    ids = list(conn.execute(sa.select(cases_table.c.id).order_by(cases_table.c.id)).scalars())
            else:
                ids = [case]
            for ref in ids:
                verification = service.history(ref)[1]
                results.append({"case": ref, **verification.__dict__})
                if not verification.ok:
                    lines.append(f"case {ref}: BROKEN, check '{verification.failed}' failed"
                                 f"{' at event ' + str(verification.broken_at) if verification.broken_at else ''}: "
                                 f"{verification.reason}")
                elif not all_cases:
                    lines.append(f"case {ref}: intact, {verification.events} event(s); "
                                 f"checks passed: {', '.join(verification.checks)}")
            broken = [r for r in results if not r["ok"]]
            if all_cases:
                lines.append(f"{len(results)} case(s) checked, {len(broken)} broken")
            if any(r["warning"] for r in results):
                lines.append(f"warning: {audit.DEVELOPMENT_WARNING}")
        export_problems = []
        if against is not None:
            export = json.loads(against.read_text(encoding="utf-8"))
            with service.db.connect() as conn:
                export_problems = audit.check_export(conn, export)
            lines += [f"seal {against}: {p}" for p in export_problems] or [
                f"seal {against}: every case sealed at {export.get('created_at')} is still there, its file intact "
                f"up to the sealed head"]
        _emit({"cases": results, "seal_problems": export_problems}, as_json, "\n".join(lines))
        if any(not r["ok"] for r in results) or export_problems:
            raise typer.Exit(1)


@holidays_app.command("load")
def holidays_load(file: Annotated[Path, typer.Argument(help="A year's arrangement, e.g. "
                                                       "calendars/holidays/2027.yaml.")],
                  database: DatabaseOpt = None, as_json: JsonOpt = False) -> None:
    """Load a year's holidays and make-up working days as a new recorded version (it overrides the package for
    that year) and recompute the open deadlines counted without it; each change goes into its case file."""
    from engine.cases.holidays import Arrangement

    with _handled(as_json):
        arrangement = Arrangement.from_yaml(file.read_text(encoding="utf-8"))
        loaded = _service(database).runtime.load_calendar(arrangement, Actor("cli", is_admin=True))
        lines = [f"{loaded['year']}: version {loaded['id']}, {loaded['holidays']} holiday(s), "
                 f"{loaded['workdays']} make-up working day(s); source: {loaded['source']}"]
        lines += [f"  {c['case']} {c['key'] or c['task']}: {c['previous']} -> {c['value']}" for c in loaded["changes"]]
        lines.append(f"{len(loaded['changes'])} deadline(s) recomputed"
                     + (f"; busy, load again for: {loaded['skipped_cases']}" if loaded["skipped_cases"] else ""))
        _emit(loaded, as_json, "\n".join(lines))


@holidays_app.command("list")
def holidays_list(database: DatabaseOpt = None, as_json: JsonOpt = False) -> None:
    """The loaded versions (newest first) and the years whose holidays are known."""
    with _handled(as_json):
        found = _service(database).holidays()
        lines = [f"years known: {', '.join(map(str, found['covered_years']))}"]
        lines += [f"{v['year']} v{v['id']}{' (in force)' if v['in_force'] else ''}: loaded {_when(v['loaded_at'])} by "
                  f"{v['loaded_by']}; {v['source']}" for v in found["versions"]]
        _emit(found, as_json, "\n".join(lines))


@app.command()
def merge(case: str, into: Annotated[str, typer.Option("--into", help="The case it goes into.")],
          reason: Annotated[str, typer.Option("--reason", help="Why (recorded in both case files).")],
          database: DatabaseOpt = None, as_json: JsonOpt = False) -> None:
    """Merge a duplicate proposal into another case of its unit: the duplicate is cancelled, both are linked."""
    with _handled(as_json):
        found = _service(database).merge(case, into, Actor("cli", is_admin=True), reason)
        _emit(found, as_json, f"{case} merged into {found['reference']}; linked: "
                              f"{', '.join(link['reference'] for link in found['links'])}")


@app.command()
def split(case: str, title: Annotated[list[str], typer.Option("--title", help="A new case's title (repeat).")],
          reason: Annotated[str, typer.Option("--reason", help="Why (recorded in every case file).")],
          database: DatabaseOpt = None, as_json: JsonOpt = False) -> None:
    """Split a case into new ones (same method, unit and proposer), one per --title, linked to it."""
    with _handled(as_json):
        found = _service(database).split(case, title, Actor("cli", is_admin=True), reason)
        parts = [link["reference"] for link in found["links"] if link["kind"] == "split_into"]
        _emit(found, as_json, f"{found['reference']} split into {', '.join(parts)}")


@app.command("export")
def export_case(case: str, out: Annotated[Path, typer.Option("--out", help="Where to write the ZIP.")],
                without_personal_data: Annotated[bool, typer.Option(help="Mask personal data (phone numbers, ID "
                                                                    "numbers, addresses).")] = False,
                database: DatabaseOpt = None, as_json: JsonOpt = False) -> None:
    """Export a case file as a ZIP (events with their hash chain, attachments, the definition version, a manifest
    and a printable case.html); `yishi verify --file` checks it. Operators act as administrators."""
    with _handled(as_json):
        with out.open("wb") as target:
            manifest = _service(database).export_case(case, Actor("cli", is_admin=True), target,
                                                      personal_data=not without_personal_data)
        _emit(manifest, as_json, f"{out}: case {manifest['case']['reference']}, {manifest['events']} event(s), "
                                 f"{len(manifest['attachments'])} attachment(s), personal data "
                                 f"{manifest['personal_data']}")


@app.command()
def seal(export: Annotated[Path | None, typer.Option(help="Write the seal with every case's head to this JSON "
                                                     "file (keep it away from the database).")] = None,
         rekey: Annotated[bool, typer.Option(help="First re-seal, with the current key, every case head whose "
                                             "other checks pass (after setting or rotating YISHI_SEAL_KEY).")]
         = False,
         database: DatabaseOpt = None, as_json: JsonOpt = False) -> None:
    """Record a signed digest of every case's head (event count and last hash) in the database."""
    import sqlalchemy as sa

    from engine.domain import clock
    from engine.read import queries
    from engine.store import audit
    from engine.store.tables import cases as cases_table

    with _handled(as_json):
        service = _service(database)
        keys = audit.keyring()
        lines, resealed, refused = [], [], []
        if rekey:
            with service.db.connect() as conn:
                ids = list(conn.execute(sa.select(cases_table.c.id).order_by(cases_table.c.id)).scalars())
            for case_id in ids:
                with service.db.begin() as conn:
                    _rows, verification = queries.case_history(conn, case_id)
                    others_pass = all(ok for name, ok in verification.checks.items() if name != audit.SEAL)
                    row = conn.execute(sa.select(cases_table.c.seal_key_id).where(cases_table.c.id == case_id)).one()
                    forged = not verification.checks[audit.SEAL] and row.seal_key_id in keys.keys
                    if others_pass and not forged:
                        audit.reseal(conn, case_id, keys)
                        resealed.append(case_id)
                    else:
                        refused.append(case_id)
            lines.append(f"re-sealed {len(resealed)} case head(s) with key {keys.current_id}"
                         + (f"; refused (checks fail): {', '.join(map(str, refused))}" if refused else ""))
        with service.db.begin() as conn:
            result = audit.seal_all(conn, clock.now(), keys, with_heads=export is not None)
        if export is not None:
            export.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
            lines.append(f"exported to {export}")
        lines.insert(0, f"sealed {result['cases']} case(s), {result['events']} event(s): digest {result['digest']} "
                        f"signed with key {result['key_id']}")
        if result["unsealed"]:
            lines.append(f"warning: the head seal of {len(result['unsealed'])} case(s) does not verify: "
                         f"{', '.join(map(str, result['unsealed'][:20]))} (yishi verify CASE)")
        if keys.development:
            lines.append(f"warning: {audit.DEVELOPMENT_WARNING}")
        summary = {k: v for k, v in result.items() if k != "heads"}
        _emit({**summary, "resealed": resealed, "refused": refused}, as_json, "\n".join(lines))


def _admin_command(name: str, needs_reason: bool):
    def command(case: str, user: UserOpt = "admin",
                reason: Annotated[str | None, typer.Option(help="Why (recorded in the case file).")] = None,
                data: Annotated[str | None, typer.Option(help="retry: data patch as JSON.")] = None,
                database: DatabaseOpt = None, as_json: JsonOpt = False) -> None:
        with _handled(as_json):
            service = _service(database)
            actor = _actor(user, [], admin=True)
            if name == "retry":
                result = service.retry(case, actor, _data(data, None))
            elif needs_reason:
                result = getattr(service, name)(case, actor, reason or "")
            else:
                result = getattr(service, name)(case, actor, reason)
            _emit(result, as_json, _case_text(result))
    command.__doc__ = {"suspend": "Suspend a case (administrator; reason required).",
                       "resume": "Resume a suspended case (administrator).",
                       "cancel": "Cancel a case (administrator; reason required).",
                       "retry": "Retry a case in error after a fix (administrator)."}[name]
    return command


for _name, _needs in (("suspend", True), ("resume", False), ("cancel", True), ("retry", False)):
    app.command(_name)(_admin_command(_name, _needs))


def _when(value) -> str:
    if value is None:
        return "-"
    from engine.domain.periods import TZ

    return value.astimezone(TZ).strftime("%Y-%m-%d %H:%M")


def _case_text(case: dict) -> str:
    lines = [f"case {case['id']} {case['reference']} [{case['definition_key']} v{case['definition_version']}] "
             f"{case['status']}{' at ' + case['end_event'] if case.get('end_event') else ''}",
             f"  {case['title']}"]
    if case.get("error_message"):
        lines.append(f"  error at {case['error_element']}: {case['error_message']}")
    if case.get("next_timer_at"):
        lines.append(f"  next timer: {_when(case['next_timer_at'])}")
    for task in case.get("open_tasks", []):
        lines.append(f"  open: {task['task_id']} {task['name']} role={task['role']} due={_when(task['due_at'])}")
    return "\n".join(lines)


def _add_people_commands() -> None:
    from engine.cli_people import units_app, users_app

    app.add_typer(users_app, name="users")
    app.add_typer(units_app, name="units")


_add_people_commands()


def _add_signing_commands() -> None:
    from engine.cli_signing import forecast, phrases

    app.command()(forecast)
    app.command()(phrases)


_add_signing_commands()


def _add_action_commands() -> None:
    from engine.cli_actions import register

    register(app)


_add_action_commands()


def main() -> None:
    app(prog_name="yishi")


if __name__ == "__main__":
    sys.exit(main())
