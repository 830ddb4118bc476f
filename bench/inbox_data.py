"""A million cases in PostgreSQL, written directly (``INSERT … SELECT generate_series``, not through the engine),
for measuring the inbox, the stuck report and the statistics at scale (bench/inbox_load.py).

What it makes (deterministic: ``setseed``), as of the instant ``--now``:

- units: ``--streets`` streets (街道) with ``--communities`` communities (社区) each; busier communities get more
  cases (weight 1/rank^0.8 within a street);
- cases over the three years before ``--now``: 85 % five-step, 15 % three-stage six-step; each case walks a
  straight line of its method's steps (the lanes' roles: grid steward, deliberation committee, review panel, party
  organisation, assembly, two committees, supervision committee) with a per-case pace, so a step's duration is
  pace × the step's weight and its due date a fixed number of days after it opens;
- cases older than 120 days are 95 % completed (over the method's end events), 4 % cancelled and 1 % still
  running (the long-stuck tail: waiting, suspended or in error); of the newer ones 45 % are running;
- ``open_tasks.case_active`` and ``completion_counts`` (engine.store.report_state) filled as the writers keep them;
- a case in error has a ``case_error`` event (a tenth of them with the cause ``unreadable_state``);
- every running case has one open task (20 % two: a parallel branch, a quarter of those an escalation to the
  street office, due in 15 days) in ``open_tasks``, the case file
  (``case_events``: started, each step opened and completed, the end) is written with fake
  hashes (``verify`` fails on these cases: the chain is not what is measured);
- ``cases.state`` is a short placeholder instead of the workflow JSON (real states are TOASTed out of line, so
  the row size of the heap is close to this);
- the users of bench/inbox_load.py: ``steward`` (grid steward of the busiest community), ``street`` (street office
  of the first street), ``admin``; password ``bench``.

Usage: python bench/inbox_data.py --database postgresql://postgres@127.0.0.1:5432/yishi_inbox [--cases 1000000]
The database is created if missing and emptied first.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("YISHI_PASSWORD_COST", "test")

import sqlalchemy as sa  # noqa: E402

# (element id, name, role, weight of the step's duration, due days after opening or None); one line per method
PATHS = {
    "five_step": [
        ("A_UT_Register", "登记建档 Register the proposal", "grid_steward", 0.3, 3),
        ("A_UT_Triage", "分类处理 Triage", "grid_steward", 1.0, 7),
        ("A_UT_Consult", "商议 Draft the preliminary plan", "deliberation_committee", 3.0, 15),
        ("A_UT_Evaluate", "评议 Feasibility evaluation", "review_panel", 2.0, 10),
        ("A_UT_PartyReview", "审议 Party organisation review", "party_org", 1.5, 7),
        ("AV_UT_PublishNotice", "会前公示 Publish the meeting notice", "grid_steward", 0.5, 3),
        ("AV_UT_RecordVote", "决议 Record the vote", "assembly", 4.0, None),
        ("CI_UT_Implement", "组织实施 Implement", "two_committees", 8.0, 30),
        ("RE_UT_Evaluate", "民事民评 Residents' evaluation", "supervision_committee", 5.0, 14),
    ],
    "three_stage_six_step": [
        ("B_UT_Collect", "第一步 收集议题 Step 1: collect and register the issue", "grid_steward", 0.5, 3),
        ("B_UT_Confirm", "第二步 审核议题 Step 2a: vet the topic", "two_committees", 1.5, 7),
        ("B_UT_DefineParticipants", "第二步 确定参与主体 Step 2b: participants", "two_committees", 1.0, 7),
        ("B_UT_Consult", "第三步 协商议事 Step 3: hold the consultation", "deliberation_committee", 4.0, 15),
        ("B_UT_RecordAgreement", "第四步 形成协商意见书 Step 4: record the agreement", "deliberation_committee",
         1.0, 5),
        ("B_UT_Feedback", "第六步 反馈 Step 6a: report back", "two_committees", 6.0, 30),
    ],
}
ENDS = {"five_step": ["A_EE_Closed"] * 6 + ["A_EE_Answered", "A_EE_Rejected", "A_EE_Withdrawn", "A_EE_ReplyUrged"],
        "three_stage_six_step": ["B_EE_Closed"] * 6 + ["B_EE_NotAccepted", "B_EE_Rejected", "B_EE_Escalated"]}
RUNNING = ["waiting_for_people"] * 17 + ["waiting_for_timer", "suspended", "error"]
# a case in error has its case_error event after the open step's task_opened (a tenth: state that cannot be loaded)
ERRORS = """
    INSERT INTO case_events (case_id, seq, at, actor, kind, element_id, task_id, data, prev_hash, hash)
    SELECT c.id, 2 * p.steps + 3, c.updated_at, 'system', 'case_error', NULL, NULL,
           CASE WHEN p.r_end < 0.1 THEN json_build_object('message', 'bench: state cannot be loaded',
                                                          'cause', 'unreadable_state')
                ELSE json_build_object('message', 'bench: a script failed') END,
           md5(c.id || 'e') || md5(c.id || 'f'), md5(c.id || 'err') || md5(c.id || 'error')
    FROM cases c JOIN bench_plan p ON p.i = c.id WHERE c.status = 'error';
    UPDATE cases c SET error_message = CASE WHEN p.r_end < 0.1 THEN 'bench: state cannot be loaded'
                                            ELSE 'bench: a script failed' END
    FROM bench_plan p WHERE p.i = c.id AND c.status = 'error'"""


def sql_array(values) -> str:
    def one(v):
        if v is None:
            return "NULL"
        if isinstance(v, str):
            return "'" + v.replace("'", "''") + "'"
        return repr(v)
    return "ARRAY[" + ", ".join(one(v) for v in values) + "]"


def create_database(url: str) -> None:
    target = sa.make_url(url)
    admin = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": target.database})
        if exists.first() is None:
            conn.execute(sa.text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()


def generate(url: str, total: int, streets: int, communities: int, now: dt.datetime) -> None:
    from engine.definitions.compiler import load_bundle
    from engine.domain.actors import Actor
    from engine.domain.statuses import ACTIVE_STATUSES
    from engine.people import accounts
    from engine.service import Yishi
    from engine.store.db import normalise_url, upgrade
    from engine.store.tables import metadata

    url = normalise_url(url)
    create_database(url)
    upgrade(url)
    service = Yishi(url)
    db = service.db
    with db.begin() as conn:
        conn.execute(sa.text("TRUNCATE " + ", ".join(t.name for t in metadata.sorted_tables) + " CASCADE"))
    service.deploy(load_bundle([ROOT / "processes"]), Actor("bench", is_designer=True))
    street_codes = [f"街道{s:02d}" for s in range(1, streets + 1)]
    community_codes = [f"街道{s:02d}社区{c:02d}" for s in range(1, streets + 1) for c in range(1, communities + 1)]
    with db.begin() as conn:
        has_parent = "parent" in {c["name"] for c in sa.inspect(conn).get_columns("units")}
        for code in street_codes:
            conn.execute(sa.text("INSERT INTO units (code, kind, name) VALUES (:c, 'street', :c)"), {"c": code})
        for code in community_codes:
            parent = code[:4]
            conn.execute(sa.text("INSERT INTO units (code, kind, name" + (", parent" if has_parent else "")
                                 + ") VALUES (:c, 'community', :c" + (", :p" if has_parent else "") + ")"),
                         {"c": code, "p": parent})
        versions = dict(conn.execute(sa.text(
            "SELECT key, max(id) FROM definition_versions GROUP BY key")).all())
        # the users inbox_load.py acts as: one community's grid steward, one street's office, an administrator
        accounts.ensure_user(conn, "steward", "bench", roles=[(community_codes[0], "grid_steward")])
        street_roles = [(street_codes[0], "street_office")]
        if not has_parent:  # no unit tree: the street office holds its role in each community itself
            street_roles += [(c, "street_office") for c in community_codes[:communities]]
        accounts.ensure_user(conn, "street", "bench", roles=street_roles)
        accounts.ensure_user(conn, "admin", "bench", admin=True)

    # per-community weights: within each street 1/rank^0.8, so a few communities are busy
    weights = [1 / ((i % communities) + 1) ** 0.8 for i in range(len(community_codes))]
    cumulative, acc = [], 0.0
    for w in weights:
        acc += w
        cumulative.append(acc / sum(weights))
    start = now - dt.timedelta(days=3 * 365)
    span = (now - start).total_seconds()
    began = time.perf_counter()
    with db.begin() as conn:
        raw = conn.connection.driver_connection
        cur = raw.cursor()
        cur.execute("SET LOCAL synchronous_commit = off")
        cur.execute("SET LOCAL work_mem = '256MB'")
        cur.execute("SELECT setseed(0.42)")
        # drop the secondary indexes while loading (created again below: faster than maintaining them)
        cur.execute("""SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'
                       AND tablename IN ('cases', 'open_tasks', 'case_events')
                       AND indexname NOT LIKE 'pk_%' AND indexname NOT LIKE 'uq_%'""")
        indexes = cur.fetchall()
        for name, _ in indexes:
            cur.execute(f'DROP INDEX "{name}"')
        cur.execute("DROP TABLE IF EXISTS bench_plan")
        # one planning row per case: method, unit, start, pace, how many steps done, status
        cur.execute(f"""
            CREATE UNLOGGED TABLE bench_plan AS
            WITH base AS (
                SELECT i, random() AS r_unit, random() AS r_method, random() AS r_status, random() AS r_pace,
                       random() AS r_steps, random() AS r_end, random() AS r_two,
                       timestamptz '{start.isoformat()}' + (random() * {span}) * interval '1 second' AS created_at
                FROM generate_series(1, {total}) AS i)
            SELECT i, created_at,
                   (SELECT u FROM unnest({sql_array(community_codes)}::text[], {sql_array(cumulative)}::float8[])
                        AS x(u, c) WHERE c >= r_unit ORDER BY c LIMIT 1) AS unit,
                   CASE WHEN r_method < 0.85 THEN 'five_step' ELSE 'three_stage_six_step' END AS method,
                   greatest(0.05, -ln(1 - r_pace) * 1.2) AS pace,
                   r_steps, r_end, r_two, r_status
            FROM base""")
        # status: old cases mostly finished; recent ones often running
        cur.execute(f"""
            ALTER TABLE bench_plan ADD COLUMN status text, ADD COLUMN steps int, ADD COLUMN nsteps int;
            UPDATE bench_plan SET nsteps = CASE method WHEN 'five_step' THEN {len(PATHS['five_step'])}
                                                   ELSE {len(PATHS['three_stage_six_step'])} END;
            UPDATE bench_plan SET status = CASE
                WHEN created_at < timestamptz '{now.isoformat()}' - interval '120 days'
                    THEN CASE WHEN r_status < 0.95 THEN 'completed' WHEN r_status < 0.99 THEN 'cancelled'
                              ELSE 'running' END
                ELSE CASE WHEN r_status < 0.45 THEN 'running' WHEN r_status < 0.98 THEN 'completed'
                          ELSE 'cancelled' END END;
            UPDATE bench_plan SET steps = CASE status
                WHEN 'completed' THEN CASE WHEN r_end < 0.4 THEN nsteps ELSE 1 + floor(r_steps * nsteps)::int END
                WHEN 'cancelled' THEN floor(r_steps * nsteps)::int
                ELSE floor(r_steps * (nsteps - 1))::int END;""")
        # the steps' constants, as a table: method, index k (1-based), element, name, role, offset, weight, due
        cur.execute("DROP TABLE IF EXISTS bench_steps")
        cur.execute("CREATE UNLOGGED TABLE bench_steps (method text, k int, element text, name text, role text, "
                    "before float8, weight float8, due_days int)")
        for method, path in PATHS.items():
            before = 0.0
            for k, (element, name, role, weight, due) in enumerate(path, 1):
                cur.execute("INSERT INTO bench_steps VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                            (method, k, element, name, role, before, weight, due))
                before += weight
        # a running case whose pace would put its open step in the future is slowed to fit (opened before now)
        cur.execute(f"""
            UPDATE bench_plan p SET pace = least(pace, greatest(0.01,
                extract(epoch FROM timestamptz '{now.isoformat()}' - p.created_at) / 86400.0 / (s.before + 0.01)))
            FROM bench_steps s WHERE s.method = p.method AND s.k = p.steps + 1 AND p.status = 'running'""")
        cur.execute(f"""
            UPDATE bench_plan p SET pace = least(pace, greatest(0.01,
                extract(epoch FROM timestamptz '{now.isoformat()}' - p.created_at) / 86400.0 / (s.before + s.weight)))
            FROM bench_steps s WHERE s.method = p.method AND s.k = p.steps AND p.status <> 'running'""")
        print(f"plan: {time.perf_counter() - began:.1f} s", flush=True)
        end_arrays = {m: sql_array(e) for m, e in ENDS.items()}
        cur.execute(f"""
            INSERT INTO cases (id, reference, definition_version_id, definition_key, unit, title, status, state,
                               lock_version, started_by, created_at, updated_at, last_progress_at, next_timer_at,
                               end_event, error_element, error_message, event_count, head_hash)
            SELECT p.i, p.unit || '-' || extract(year FROM p.created_at AT TIME ZONE 'Asia/Shanghai') || '-' || p.i,
                   CASE p.method WHEN 'five_step' THEN {versions['five_step']}
                                 ELSE {versions['three_stage_six_step']} END,
                   p.method, p.unit, '议题 ' || p.i,
                   CASE WHEN p.status = 'running' THEN
                        ({sql_array(RUNNING)}::text[])[1 + floor(p.r_two * {len(RUNNING)})::int]
                        ELSE p.status END,
                   '{{"bench": "placeholder for the workflow state"}}', p.steps + 1, 'resident' || (p.i % 5000),
                   p.created_at, last.at, last.at, NULL,
                   CASE WHEN p.status = 'completed' THEN
                        (CASE p.method WHEN 'five_step' THEN {end_arrays['five_step']}::text[]
                         ELSE {end_arrays['three_stage_six_step']}::text[] END)[1 + floor(p.r_end * 9)::int] END,
                   NULL, NULL, 0, repeat('0', 64)
            FROM bench_plan p
            CROSS JOIN LATERAL (SELECT p.created_at + (coalesce(s.before + s.weight, 0) * p.pace) * interval '1 day'
                                       AS at
                                FROM (SELECT 1) one LEFT JOIN bench_steps s
                                  ON s.method = p.method AND s.k = p.steps) last""")
        print(f"cases: {time.perf_counter() - began:.1f} s", flush=True)
        # the case file: started, every done step opened and completed, the open step opened, the end
        cur.execute("""
            INSERT INTO case_events (case_id, seq, at, actor, kind, element_id, task_id, data, prev_hash, hash)
            SELECT p.i, 1, p.created_at, 'resident' || (p.i % 5000), 'case_started', NULL, NULL,
                   json_build_object('definition', p.method, 'unit', p.unit, 'data', json_build_object('title',
                                     '议题 ' || p.i)),
                   repeat('0', 64), md5(p.i || 's') || md5(p.i || 't')
            FROM bench_plan p""")
        print(f"events (started): {time.perf_counter() - began:.1f} s", flush=True)
        cur.execute("""
            INSERT INTO case_events (case_id, seq, at, actor, kind, element_id, task_id, data, prev_hash, hash)
            SELECT p.i, 2 * s.k + e.n - 1,
                   CASE e.n WHEN 1 THEN p.created_at + s.before * p.pace * interval '1 day'
                            ELSE p.created_at + (s.before + s.weight) * p.pace * interval '1 day' END,
                   CASE e.n WHEN 1 THEN 'system' ELSE s.role || '-' || (p.i % 97) END,
                   CASE e.n WHEN 1 THEN 'task_opened' ELSE 'task_completed' END, s.element, md5(p.i || '-' || s.k),
                   CASE e.n WHEN 1 THEN json_build_object('role', s.role, 'name', s.name, 'form', s.element
                                                          || '.schema.json', 'due_at',
                                         to_char((p.created_at + s.before * p.pace * interval '1 day'
                                                  + s.due_days * interval '1 day') AT TIME ZONE 'UTC',
                                                 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"'))
                            ELSE json_build_object('role', s.role, 'data', json_build_object('opinion', '同意',
                                                   'note', '已按程序办理')) END,
                   md5(p.i || '-' || s.k || 'p') || md5(p.i || '-' || s.k || 'q'),
                   md5(p.i || '-' || s.k || e.n) || md5(p.i || '-' || s.k || e.n || 'h')
            FROM bench_plan p
            JOIN bench_steps s ON s.method = p.method AND s.k <= p.steps + CASE WHEN p.status = 'running'
                                                                            THEN 1 ELSE 0 END
            CROSS JOIN (VALUES (1), (2)) AS e(n)
            WHERE e.n = 1 OR s.k <= p.steps""")
        print(f"events (steps): {time.perf_counter() - began:.1f} s", flush=True)
        cur.execute("""
            INSERT INTO case_events (case_id, seq, at, actor, kind, element_id, task_id, data, prev_hash, hash)
            SELECT c.id, 2 * p.steps + 2, c.updated_at, 'system',
                   CASE c.status WHEN 'completed' THEN 'case_completed' ELSE 'case_cancelled' END, c.end_event, NULL,
                   CASE c.status WHEN 'completed' THEN json_build_object('end_event', c.end_event)
                                 ELSE json_build_object('reason', '提议人撤回') END,
                   repeat('1', 64), md5(c.id || 'end') || md5(c.id || 'fin')
            FROM cases c JOIN bench_plan p ON p.i = c.id WHERE c.status IN ('completed', 'cancelled')""")
        cur.execute(ERRORS)
        cur.execute("""
            UPDATE cases c SET event_count = e.n, head_hash = e.h
            FROM (SELECT case_id, count(*) AS n, max(hash) AS h FROM case_events GROUP BY case_id) e
            WHERE e.case_id = c.id""")
        print(f"events (end, heads): {time.perf_counter() - began:.1f} s", flush=True)
        # open tasks: the next step of each running case (20 % also a parallel second task of the same role)
        cur.execute("""
            INSERT INTO open_tasks (task_id, case_id, element_id, name, role, unit, process_key, form, instance,
                                    due_at, created_at, claimed_by, claimed_at)
            SELECT md5(p.i || '-' || s.k), p.i, s.element, s.name, s.role, p.unit, p.method,
                   s.element || '.schema.json', NULL,
                   p.created_at + s.before * p.pace * interval '1 day' + s.due_days * interval '1 day',
                   p.created_at + s.before * p.pace * interval '1 day',
                   CASE WHEN p.r_steps < 0.2 THEN s.role || '-' || (p.i % 97) END,
                   CASE WHEN p.r_steps < 0.2 THEN p.created_at + s.before * p.pace * interval '1 day' END
            FROM bench_plan p JOIN bench_steps s ON s.method = p.method AND s.k = p.steps + 1
            WHERE p.status = 'running'
            UNION ALL
            SELECT md5(p.i || '-' || s.k || 'b'), p.i,
                   CASE WHEN p.r_two < 0.05 THEN 'A_UT_EscalateStreet' ELSE s.element || '_Parallel' END,
                   CASE WHEN p.r_two < 0.05 THEN '报街道指导 Escalate to the street office' ELSE s.name END,
                   CASE WHEN p.r_two < 0.05 THEN 'street_office' ELSE s.role END, p.unit, p.method, NULL, 1,
                   CASE WHEN p.r_two < 0.05
                        THEN p.created_at + s.before * p.pace * interval '1 day' + interval '15 days' END,
                   p.created_at + s.before * p.pace * interval '1 day', NULL, NULL
            FROM bench_plan p JOIN bench_steps s ON s.method = p.method AND s.k = p.steps + 1
            WHERE p.status = 'running' AND p.r_two < 0.2""")
        print(f"open tasks: {time.perf_counter() - began:.1f} s", flush=True)
        # what the writers keep for the stuck report (engine.store.report_state), as the engine would have kept it
        cur.execute(f"""UPDATE open_tasks o SET case_active = false FROM cases c
                        WHERE c.id = o.case_id AND c.status NOT IN {tuple(str(s) for s in ACTIVE_STATUSES)}""")
        cur.execute("""
            INSERT INTO completion_counts (case_id, element_id, completions, last_at)
            SELECT e.case_id, e.element_id, count(*), max(e.at) FROM case_events e JOIN cases c ON c.id = e.case_id
            WHERE e.kind = 'task_completed' AND c.status NOT IN ('completed', 'cancelled')
            GROUP BY e.case_id, e.element_id""")
        print(f"report state: {time.perf_counter() - began:.1f} s", flush=True)
        for _name, definition in indexes:
            cur.execute(definition)
        cur.execute("SELECT setval(pg_get_serial_sequence('cases', 'id'), (SELECT max(id) FROM cases))")
        cur.execute("SELECT setval(pg_get_serial_sequence('case_events', 'id'), (SELECT max(id) FROM case_events))")
        cur.execute("DROP TABLE bench_plan")
        cur.execute("DROP TABLE bench_steps")
        print(f"indexes: {time.perf_counter() - began:.1f} s", flush=True)
    raw_conn = db.raw_connection()
    try:
        raw_conn.driver_connection.autocommit = True
        raw_conn.driver_connection.execute("VACUUM ANALYZE")
    finally:
        raw_conn.close()
    print(f"vacuum analyze: {time.perf_counter() - began:.1f} s", flush=True)
    with db.connect() as conn:
        for table in ("cases", "open_tasks", "case_events"):
            n = conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one()
            size = conn.execute(sa.text(f"SELECT pg_size_pretty(pg_total_relation_size('{table}'))")).scalar_one()
            print(f"{table}: {n} rows, {size} with indexes")
        print(dict(conn.execute(sa.text("SELECT status, count(*) FROM cases GROUP BY status")).all()))
    db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True, help="PostgreSQL URL (created if missing, emptied first!)")
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--streets", type=int, default=12)
    parser.add_argument("--communities", type=int, default=10, help="communities per street")
    parser.add_argument("--now", default="2026-12-01T09:00:00+08:00", help="the instant the data set ends at")
    args = parser.parse_args()
    generate(args.database, args.cases, args.streets, args.communities, dt.datetime.fromisoformat(args.now))


if __name__ == "__main__":
    main()
