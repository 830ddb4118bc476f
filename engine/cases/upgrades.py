"""Moving running cases to a newer definition version: a dry run, then an explicit, recorded migration.

SpiffWorkflow's workflow diff aligns old and new task specs by BPMN id. A case can move when none of
its unfinished tasks (nor any task of its running call activities) sits on an element the new
version removed; completed history may refer to removed elements. Nothing moves implicitly.
"""

from __future__ import annotations

import sqlalchemy as sa
from SpiffWorkflow.bpmn.util.diff import diff_workflow, migrate_workflow
from SpiffWorkflow.util.task import TaskState

from engine.cases.runtime import Runtime
from engine.domain import clock
from engine.domain.actors import Actor
from engine.domain.statuses import CaseStatus, EventKind, MigrationRefusal
from engine.domain.texts import Text
from engine.errors import Forbidden, InvalidInput, NotFound
from engine.store.audit import Event
from engine.store.tables import cases, definition_versions
from engine.workflow import projection, serializer

UNFINISHED = TaskState.NOT_FINISHED_MASK


def _target(conn: sa.Connection, key: str, version: int | None):
    query = sa.select(definition_versions.c.id, definition_versions.c.version).where(definition_versions.c.key == key)
    query = query.where(definition_versions.c.version == version) if version else \
        query.order_by(definition_versions.c.version.desc()).limit(1)
    row = conn.execute(query).first()
    if row is None:
        if version:
            raise NotFound(Text("流程定义 {key} 没有第 {version} 版", "definition {key} has no version {version}",
                                key=key, version=version))
        raise NotFound(Text("没有已部署的流程定义 {key}", "definition {key} has no version", key=key))
    return row


def _assess(workflow, parsed) -> tuple[dict, list[str], list[str]]:
    registry = serializer.registry()
    top, subs = diff_workflow(registry, workflow, parsed.spec, parsed.subprocess_specs)
    blocking, changed = [], sorted({t.task_spec.name for t in top.changed})
    for task in top.removed:
        if task.has_state(UNFINISHED):
            blocking.append(projection.element_id(task))
    for sp_id, diff in subs.items():
        sub = workflow.subprocesses[sp_id]
        if diff is None:
            if not sub.completed:
                blocking.append(f"{sub.spec.name} (call activity removed)")
            continue
        changed += sorted({t.task_spec.name for t in diff.changed})
        blocking += [projection.element_id(t) for t in diff.removed if t.has_state(UNFINISHED)]
    return {"top": top, "subs": subs}, sorted(set(blocking)), sorted(set(changed))


def _refused(case_id: int, refusal: MigrationRefusal, reason: Text) -> dict:
    """A case left where it is: ``refusal`` says why as a code, ``reason`` in words (rendered by the API)."""
    return {"case_id": case_id, "migrated": False, "refusal": refusal, "reason": reason}


def plan(runtime: Runtime, key: str, to_version: int | None = None) -> dict:
    """Which running cases of ``key`` could move to ``to_version`` (default: the newest), and why not."""
    with runtime.db.connect() as conn:
        target = _target(conn, key, to_version)
        parsed = runtime.definition(conn, target.id)
        rows = conn.execute(sa.select(cases.c.id, cases.c.reference, cases.c.status,
                                      definition_versions.c.version.label("version"))
                            .join(definition_versions, definition_versions.c.id == cases.c.definition_version_id)
                            .where(cases.c.definition_key == key, cases.c.definition_version_id != target.id,
                                   cases.c.status.notin_((CaseStatus.COMPLETED, CaseStatus.CANCELLED)))
                            .order_by(cases.c.id)).all()
        report = []
        for row in rows:
            loaded = runtime.load(conn, row.id)
            _diffs, blocking, changed = _assess(loaded.workflow, parsed)
            reason = Text("新版本删除了事项仍有未完成工作的环节：{elements}",
                          "unfinished work on removed elements: {elements}",
                          elements=", ".join(blocking)) if blocking else None
            report.append({"case_id": row.id, "reference": row.reference, "from_version": row.version,
                           "status": row.status, "can_migrate": not blocking, "blocking_elements": blocking,
                           "changed_elements": changed, "reason": reason})
    return {"definition": key, "to_version": target.version, "cases": report}


def migrate(runtime: Runtime, key: str, case_ids: list[int], actor: Actor, to_version: int | None = None) -> list[dict]:
    """Move the given cases; each move is its own transaction and its own case-file event.

    A case that cannot move is reported, not raised: ``{"migrated": False, "refusal": <MigrationRefusal>,
    "reason": <Text>}`` (the API renders ``reason`` in the reader's language).
    """
    if not (actor.is_admin or actor.is_designer):
        raise Forbidden(Text("只有流程设计人员或管理员可以迁移事项",
                             "only a designer or an administrator may migrate cases"))
    results = []
    for case_id in case_ids:
        now = clock.now()
        with runtime.db.begin() as conn:
            target = _target(conn, key, to_version)
            loaded = runtime.load(conn, case_id)
            if loaded.row.definition_key != key:
                raise InvalidInput(Text("事项 {ref} 不属于流程 {key}", "case {ref} is not a {key} case",
                                        ref=loaded.row.reference, key=key))
            if loaded.row.definition_version_id == target.id:
                results.append(_refused(case_id, MigrationRefusal.ALREADY_ON_VERSION,
                                        Text("事项已在该版本上", "already on that version")))
                continue
            parsed = runtime.definition(conn, target.id)
            diffs, blocking, changed = _assess(loaded.workflow, parsed)
            if blocking:
                results.append(_refused(case_id, MigrationRefusal.UNFINISHED_WORK_REMOVED, Text(
                    "新版本删除了事项仍有未完成工作的环节：{elements}",
                    "unfinished work on removed elements: {elements}", elements=", ".join(blocking))))
                continue
            workflow = loaded.workflow

            def move(workflow=workflow, diffs=diffs, parsed=parsed):
                migrate_workflow(diffs["top"], workflow, parsed.spec)
                for sp_id, diff in diffs["subs"].items():
                    sub = workflow.subprocesses[sp_id]
                    if diff is not None:
                        migrate_workflow(diff, sub, parsed.subprocess_specs[sub.spec.name])
                workflow.subprocess_specs = parsed.subprocess_specs

            # the same step as any other operation: due dates of the new version, computed values, timers
            events, snap = runtime.advance(workflow, move)
            if snap.status == CaseStatus.ERROR:
                results.append(_refused(case_id, MigrationRefusal.FAILS_ON_NEW_VERSION, Text(
                    "事项在新版本的“{element}”处会出错，未迁移：{error}",
                    "the new version fails at {element}: {error}",
                    element=snap.error_element, error=snap.error_message)))
                continue
            old_version = conn.execute(sa.select(definition_versions.c.version).where(
                definition_versions.c.id == loaded.row.definition_version_id)).scalar()
            conn.execute(sa.update(cases).where(cases.c.id == case_id).values(definition_version_id=target.id))
            migrated = Event(EventKind.CASE_MIGRATED, actor.user_id, {
                "from_version": old_version, "to_version": target.version, "changed_elements": changed})
            runtime.save(conn, loaded, workflow, snap, [migrated, *events], now)
            results.append({"case_id": case_id, "migrated": True, "from_version": old_version,
                            "to_version": target.version})
    return results
