"""Attachments (一事一档): add a file to a case or to an open task (``multipart/form-data``, field ``file``),
list a case's files, download one. Limits: ``YISHI_ATTACHMENT_MAX_BYTES`` (413) and
``YISHI_ATTACHMENT_TYPES`` judged from the content (415)."""

from __future__ import annotations

import urllib.parse
from typing import Annotated

from fastapi import APIRouter, File, Path, UploadFile
from fastapi.responses import StreamingResponse

from api.deps import ActorDep, ServiceDep
from api.models import Attachment
from api.problems import errors
from api.schemas import CaseRef, TaskId

router = APIRouter(tags=["attachments"])
start_router = APIRouter(tags=["attachments"])  # new: only under /api
Upload = Annotated[UploadFile, File(description="the file (photo, scan, minutes …)")]
Sha256 = Annotated[str, Path(pattern=r"^[0-9a-f]{64}$", description="the attachment's SHA-256 (hex)")]
CHUNK = 1 << 16


@router.post("/cases/{case}/attachments", status_code=201, response_model=Attachment,
             responses=errors(401, 404, 413, 415, 422),
             summary="Add a file to a case (members of its unit); recorded in the case file")
def add_to_case(case: CaseRef, file: Upload, service: ServiceDep, actor: ActorDep) -> dict:
    return service.attach(case, actor, file.file, file.filename)


@router.post("/tasks/{task_id}/attachments", status_code=201, response_model=Attachment,
             responses=errors(401, 403, 404, 409, 413, 415, 422),
             summary="Add a file to an open task (whoever may do it), e.g. before referring to it in the form")
def add_to_task(task_id: TaskId, file: Upload, service: ServiceDep, actor: ActorDep) -> dict:
    return service.attach(None, actor, file.file, file.filename, task_id=task_id)


@start_router.post("/attachments", status_code=201, response_model=Attachment,
             responses=errors(401, 409, 413, 415, 422),
             summary="Upload a file for a start form before the case exists; the case started with it claims it")
def upload_for_start(file: Upload, service: ServiceDep, actor: ActorDep) -> dict:
    return service.upload(actor, file.file, file.filename)


@router.get("/cases/{case}/attachments", response_model=list[Attachment], responses=errors(401, 404, 422),
            summary="The files of a case, in upload order")
def list_attachments(case: CaseRef, service: ServiceDep, actor: ActorDep) -> list[dict]:
    return service.attachments(case, actor)


@router.get("/cases/{case}/attachments/{sha256}", response_class=StreamingResponse, responses={
    200: {"content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
          "description": "the file, with its media type and name"}, **errors(401, 404, 422)},
            summary="Download one file of a case (whoever may see the case)")
def download(case: CaseRef, sha256: Sha256, service: ServiceDep, actor: ActorDep) -> StreamingResponse:
    record, stream = service.attachment(case, sha256, actor)

    def chunks():
        with stream:
            while chunk := stream.read(CHUNK):
                yield chunk

    name = urllib.parse.quote(record["file_name"], safe="")
    return StreamingResponse(chunks(), media_type=record["media_type"], headers={
        "Content-Length": str(record["size"]), "X-Content-Type-Options": "nosniff",
        "Content-Disposition": f"attachment; filename*=UTF-8''{name}",
        "Content-Security-Policy": "sandbox", "Cache-Control": "private, max-age=31536000, immutable"})
