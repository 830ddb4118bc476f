"""Designers: deployed definitions, their versions and content, uploads with a lint report, migrations."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Path, Query

from api.deps import ActorDep, DesignerDep, ServiceDep
from api.schemas import Migrate, Upload
from engine.cases import upgrades
from engine.definitions.compiler import Bundle
from engine.errors import InvalidInput, NotFound

router = APIRouter(prefix="/definitions", tags=["designers"])
MAX_UPLOAD_FILES = 50
MAX_INT = 2**31 - 1


@router.get("", summary="The newest version of every deployed definition")
def definitions(service: ServiceDep, _actor: ActorDep) -> list[dict]:
    return service.definitions()


@router.get("/{key}/versions", summary="Every version of one definition")
def versions(key: str, service: ServiceDep, _actor: ActorDep) -> list[dict]:
    return service.versions(key)


@router.get("/{key}/versions/{version}", summary="One version's BPMN files and forms")
def version(key: str, version: Annotated[int, Path(ge=1, le=MAX_INT)], service: ServiceDep, _actor: ActorDep) -> dict:
    found = service.version_content(key, version)
    if found is None:
        raise NotFound(f"definition {key} has no version {version}")
    return found


@router.post("", status_code=201, summary="Upload BPMN + forms: lint, then deploy new versions",
             responses={422: {"description": "lint problems, each with file, element id and line"}})
def upload(body: Upload, service: ServiceDep, actor: DesignerDep) -> dict:
    if len(body.bpmn) + len(body.forms) > MAX_UPLOAD_FILES:
        raise InvalidInput(f"at most {MAX_UPLOAD_FILES} files per upload")
    forms = {}
    for name, schema in body.forms.items():
        forms[name] = (schema if isinstance(schema, str) else json.dumps(schema, ensure_ascii=False)).encode()
    bundle = Bundle(bpmn={name: xml.encode("utf-8") for name, xml in body.bpmn.items()}, forms=forms)
    deployed = service.deploy(bundle, actor)
    return {"deployed": [d.__dict__ for d in deployed]}


@router.get("/{key}/migrations", summary="Dry run: which running cases could move to a version (default newest)")
def migration_plan(key: str, service: ServiceDep, _actor: DesignerDep,
                   to_version: Annotated[int | None, Query(ge=1, le=MAX_INT)] = None) -> dict:
    return upgrades.plan(service.runtime, key, to_version)


@router.post("/{key}/migrations", summary="Move the given cases to the version (recorded in each case file)")
def migrate(key: str, body: Migrate, service: ServiceDep, actor: DesignerDep) -> dict:
    return {"results": upgrades.migrate(service.runtime, key, body.case_ids, actor, body.to_version)}
