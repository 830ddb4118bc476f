"""Definitions: the list (everyone signed in: method names), versions, and for designers and administrators the
content (BPMN and forms), uploads with a lint report, and migrations."""

from __future__ import annotations

import json

from fastapi import APIRouter

from api.deps import ActorDep, DesignerDep, ServiceDep
from api.i18n import LanguageDep, localise
from api.models import (
    CalledProcess,
    DataField,
    Definition,
    DefinitionDiff,
    Deployed,
    LintReport,
    MigrationPlan,
    MigrationResult,
    ScenarioFile,
    ScenarioReport,
    VersionContent,
    VersionItem,
)
from api.problems import errors
from api.schemas import (
    DataAtRequest,
    DefinitionKey,
    DiffRequest,
    Draft,
    Migrate,
    ScenarioRun,
    TargetVersion,
    Upload,
    VersionNumber,
)
from engine.definitions.compiler import Bundle
from engine.domain.texts import Text
from engine.errors import InvalidInput

router = APIRouter(prefix="/definitions", tags=["designers"])
MAX_UPLOAD_FILES = 300  # five_step with its called processes holds about 80 files


@router.get("", response_model=list[Definition], responses=errors(401),
            summary="The newest version of every deployed definition (names and start roles, no BPMN)")
def definitions(service: ServiceDep, _actor: ActorDep) -> list[dict]:
    return service.definitions()


@router.get("/{key}/versions", response_model=list[VersionItem], responses=errors(401, 404, 422),
            summary="Every version of one definition (no BPMN)")
def versions(key: DefinitionKey, service: ServiceDep, _actor: ActorDep) -> list[dict]:
    return service.versions(key)


@router.get("/{key}/versions/{version}", response_model=VersionContent, responses=errors(401, 403, 404, 422),
            summary="One version's BPMN files, forms and the scenarios deployed with it (designers and administrators)")
def version(key: DefinitionKey, version: VersionNumber, service: ServiceDep, actor: ActorDep) -> dict:
    return service.version_content(key, version, actor)


@router.post("", status_code=201, response_model=Deployed, responses=errors(401, 403, 422),
             summary="Upload BPMN + forms: lint (422 lists every problem with file, element id and line), "
                     "then deploy new versions")
def upload(body: Upload, service: ServiceDep, actor: DesignerDep) -> dict:
    return {"deployed": [d.__dict__ for d in service.deploy(bundle_of(body), actor)]}


def bundle_of(body: Upload | Draft) -> Bundle | None:
    """The bundle a body carries (None: a draft without BPMN means the newest deployed version)."""
    if body.bpmn is None:
        return None
    if len(body.bpmn) + len(body.forms) > MAX_UPLOAD_FILES:
        raise InvalidInput(Text("每次最多上传 {n} 个文件", "at most {n} files per upload", n=MAX_UPLOAD_FILES))
    forms = {}
    for name, schema in body.forms.items():
        forms[name] = (schema if isinstance(schema, str) else json.dumps(schema, ensure_ascii=False)).encode()
    return Bundle(bpmn={name: xml.encode("utf-8") for name, xml in body.bpmn.items()}, forms=forms,
                  scenarios=dict(body.scenarios) if isinstance(body, Upload) else {})


@router.get("/{key}/migrations", response_model=MigrationPlan, responses=errors(401, 403, 404, 422),
            summary="Dry run: which running cases could move to a version (default newest)")
def migration_plan(key: DefinitionKey, service: ServiceDep, actor: DesignerDep, language: LanguageDep,
                   to_version: TargetVersion = None) -> dict:
    return localise(service.migration_plan(key, actor, to_version), language)


@router.post("/{key}/migrations", response_model=MigrationResult, responses=errors(401, 403, 404, 409, 422),
             summary="Move the given cases to the version (recorded in each case file)")
def migrate(key: DefinitionKey, body: Migrate, service: ServiceDep, actor: DesignerDep, language: LanguageDep) -> dict:
    return {"results": localise(service.migrate(key, body.case_ids, actor, body.to_version), language)}


@router.post("/{key}/lint", response_model=LintReport, responses=errors(401, 403, 413, 422),
             summary="Lint a draft (BPMN + forms) as deploying would, without deploying: every problem with its "
                     "file, element id, line and a message in the reader's language")
def lint_draft(key: DefinitionKey, body: Upload, service: ServiceDep, actor: DesignerDep,
               language: LanguageDep) -> dict:
    return localise(service.lint_draft(bundle_of(body), actor), language)


@router.post("/{key}/diff", response_model=DefinitionDiff, responses=errors(401, 403, 404, 413, 422),
             summary="Elements added, removed and changed from a version (default the newest) to a draft, or to "
                     "another version")
def diff(key: DefinitionKey, body: DiffRequest, service: ServiceDep, actor: DesignerDep) -> dict:
    return service.definition_diff(key, actor, against=body.against, version=body.version, draft=bundle_of(body))


@router.post("/{key}/data", response_model=list[DataField], responses=errors(401, 403, 404, 413, 422),
             summary="The case data a step of a draft (or the newest version) can read, to prefill its form")
def data_at(key: DefinitionKey, body: DataAtRequest, service: ServiceDep, actor: DesignerDep) -> list[dict]:
    return service.data_at(key, body.element_id, actor, bundle_of(body))


@router.get("/{key}/called", response_model=list[CalledProcess], responses=errors(401, 403, 404, 422),
            summary="The processes a version (default the newest) calls through call activities: which other methods "
                    "use each, and whether its copy is the newest deployed version of that process")
def called(key: DefinitionKey, service: ServiceDep, actor: DesignerDep, version: TargetVersion = None) -> list[dict]:
    return service.called_processes(key, actor, version)


@router.get("/{key}/scenarios", response_model=ScenarioFile, responses=errors(401, 403, 422),
            summary="The scenarios shipped beside a process (processes/<key>.scenarios.yaml), or null")
def scenario_file(key: DefinitionKey, service: ServiceDep, actor: DesignerDep) -> dict:
    return {"key": key, "text": service.scenario_file(key, actor)}


@router.post("/{key}/scenarios/run", response_model=ScenarioReport, responses=errors(401, 403, 404, 413, 422),
             summary="Run a scenario file against a draft (or a deployed version, default the newest) in a throwaway "
                     "database: pass or fail per scenario, with the path taken. Without a file, the scenarios "
                     "stored with the version run again")
def run_scenarios(key: DefinitionKey, body: ScenarioRun, service: ServiceDep, actor: DesignerDep,
                  language: LanguageDep) -> dict:
    results = service.run_scenarios(body.scenarios, actor, bundle_of(body), key, body.names, body.version)
    return {"results": localise(results, language)}
