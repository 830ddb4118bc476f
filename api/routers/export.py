"""The case file as a ZIP (一事一档 leaving the system): events with their hash chain, attachments, the definition
version, a manifest and a printable page; ``yishi verify --file`` checks it offline."""

from __future__ import annotations

import tempfile
import urllib.parse
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse

from api.deps import ActorDep, ServiceDep
from api.problems import errors
from api.schemas import CaseRef

router = APIRouter(tags=["cases"])
SPOOL = 16 * 1024 * 1024  # archives up to this size stay in memory, larger ones go to a temporary file


@router.get("/cases/{case}/export", response_class=StreamingResponse, responses={
    200: {"content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}},
          "description": "the case file as a ZIP: manifest.json, events.jsonl, attachments/, definition/, case.html"},
    **errors(401, 404, 422)},
            summary="Export the case file (whoever may see the case; personal data only for administrators)")
def export_case(case: CaseRef, service: ServiceDep, actor: ActorDep,
                personal_data: Annotated[bool | None, Query(description="administrators: include personal data "
                                                            "(default) or mask it; others always get it masked")]
                = None) -> StreamingResponse:
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL)
    manifest = service.export_case(case, actor, spool, personal_data=personal_data)
    size = spool.tell()
    spool.seek(0)

    def chunks():
        with spool:
            while chunk := spool.read(1 << 16):
                yield chunk

    name = urllib.parse.quote(f"{manifest['case']['reference']}.zip", safe="")
    return StreamingResponse(chunks(), media_type="application/zip", headers={
        "Content-Length": str(size), "Content-Disposition": f"attachment; filename*=UTF-8''{name}",
        "X-Yishi-Personal-Data": manifest["personal_data"]})
