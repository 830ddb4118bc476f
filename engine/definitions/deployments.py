"""Deploying definitions: every version immutable, identified by its content hash.

Redeploying identical content returns the existing version; anything else becomes the next
version number of that key. Running cases stay pinned to the version they started with. A new version keeps the
scenario file that was current (the bundle's, else the one ``scenarios_for`` finds), checked first; the scenarios
are not part of the content hash (identical BPMN and forms with other tests are the same version).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa

from engine.definitions.compiler import Bundle, compile_bundle
from engine.domain import clock
from engine.domain.actors import Actor
from engine.domain.texts import Text
from engine.errors import Forbidden, NotFound
from engine.store.tables import definition_versions


@dataclass
class Deployed:
    key: str
    version: int
    version_id: int
    content_hash: str
    created: bool


def deploy(db: sa.Engine, bundle: Bundle, actor: Actor,
           scenarios_for: Callable[[str], str | None] | None = None) -> list[Deployed]:
    """Lint and store every executable process of the bundle; raises InvalidDefinition on any problem, and
    InvalidScenario when the scenario file to keep with a process cannot be read."""
    from engine import scenarios  # engine.scenarios drives a service, which deploys

    if not (actor.is_designer or actor.is_admin):
        raise Forbidden(Text("只有流程设计人员或管理员可以部署流程定义",
                             "only a process designer or an administrator may deploy definitions"))
    compiled, _report = compile_bundle(bundle)
    kept: dict[str, str | None] = {}
    for definition in compiled:
        text = bundle.scenarios.get(definition.key)
        if text is None and scenarios_for is not None:
            text = scenarios_for(definition.key)
        if text is not None:
            scenarios.parse(text, definition.key)
        kept[definition.key] = text
    results = []
    now = clock.now()
    with db.begin() as conn:
        for definition in compiled:
            existing = conn.execute(sa.select(definition_versions.c.id, definition_versions.c.version).where(
                definition_versions.c.key == definition.key,
                definition_versions.c.content_hash == definition.content_hash)).first()
            if existing is not None:
                results.append(Deployed(definition.key, existing.version, existing.id, definition.content_hash, False))
                continue
            latest = conn.execute(sa.select(sa.func.max(definition_versions.c.version))
                                  .where(definition_versions.c.key == definition.key)).scalar()
            version = (latest or 0) + 1
            version_id = conn.execute(sa.insert(definition_versions).values(
                key=definition.key, version=version, name=definition.name, content_hash=definition.content_hash,
                bpmn=definition.bpmn, forms=definition.forms, start_roles=definition.start_roles,
                start_form=definition.start_form, settings=definition.settings, created_by=actor.user_id,
                created_at=now, scenarios=kept[definition.key],
            )).inserted_primary_key[0]
            results.append(Deployed(definition.key, version, version_id, definition.content_hash, True))
    return results


def list_definitions(db: sa.Engine) -> list[dict]:
    """The newest version of every key, with how many versions exist."""
    dv = definition_versions
    newest = sa.select(dv.c.key, sa.func.max(dv.c.version).label("version"),
                       sa.func.count().label("versions")).group_by(dv.c.key).subquery()
    query = (sa.select(dv.c.id, dv.c.key, dv.c.version, dv.c.name, dv.c.content_hash, dv.c.created_by,
                       dv.c.created_at, dv.c.start_roles, newest.c.versions)
             .join(newest, sa.and_(dv.c.key == newest.c.key, dv.c.version == newest.c.version))
             .order_by(dv.c.key))
    with db.connect() as conn:
        return [dict(row) for row in conn.execute(query).mappings()]


def versions(db: sa.Engine, key: str) -> list[dict]:
    dv = definition_versions
    with db.connect() as conn:
        rows = [dict(r) for r in conn.execute(
            sa.select(dv.c.id, dv.c.key, dv.c.version, dv.c.name, dv.c.content_hash, dv.c.created_by,
                      dv.c.created_at, dv.c.scenarios.is_not(None).label("has_scenarios"))
            .where(dv.c.key == key).order_by(dv.c.version)).mappings()]
    if not rows:
        raise NotFound(Text("没有已部署的流程定义 {key}", "no deployed definition '{key}'", key=key))
    return rows
