"""审批意见: the opinion every decision carries (a text, often one of the unit's stock phrases, optional photos) and
the handwritten signature a step may require, checked before the step runs and recorded with it.

The opinion is not part of a step's form: every task takes one, so ``complete`` receives it beside the form data
and the ``task_completed`` event keeps it under ``opinion``. Photos and the signature are attachments of the same
case (uploaded first, like any form attachment); the event names each by its SHA-256, so the case file holds the
hash of the signature image the print view shows. A user task with ``<spiffworkflow:property name="signature"
value="required"/>`` (minutes, 决议, the signed collective contract, a 会签 that is signed) refuses a completion
without a signature; ``optional`` offers the pad without requiring it.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from engine.cases import attachments
from engine.definitions import bpmn
from engine.domain.texts import Text
from engine.errors import FieldError, InvalidInput
from engine.workflow import projection

SIGNATURE_MODES = ("required", "optional")
MAX_OPINION = 2000
MAX_PHOTOS = 9
SIGNATURE_TYPES = frozenset({"image/png", "image/jpeg", "image/webp"})
_SCHEMA = {"type": "object", "properties": {"photos": {attachments.WIDGET_KEYWORD: attachments.MANY},
                                            "signature": {attachments.WIDGET_KEYWORD: attachments.MANY}}}


def signature_mode(task_spec) -> str | None:
    """``required``, ``optional`` or None (no pad) for a task spec (an MI instance carries its step's properties)."""
    props = projection.spec_properties(task_spec)
    mode = (props.get(bpmn.SIGNATURE_PROPERTY) or "").strip()
    return mode if mode in SIGNATURE_MODES else None


def checked(conn: sa.Connection, case_id: int, opinion: dict | None, mode: str | None) -> dict | None:
    """The opinion as it is recorded — ``{"text", "photos": [refs], "signature": ref}`` with each reference completed
    from the case's attachment records — or None when nothing was given; ``InvalidInput`` naming the field."""
    opinion = dict(opinion or {})
    unknown = sorted(set(opinion) - {"text", "photos", "signature"})
    errors: list[FieldError] = [FieldError(f"opinion/{k}", Text("未知字段", "unknown field")) for k in unknown]
    text = opinion.get("text")
    if text is not None and not isinstance(text, str):
        errors.append(FieldError("opinion/text", Text("意见须为文字", "the opinion must be text")))
        text = None
    text = (text or "").strip()
    if len(text) > MAX_OPINION:
        errors.append(FieldError("opinion/text", Text("意见最多 {n} 字", "an opinion has at most {n} characters",
                                                      n=MAX_OPINION)))
    photos = opinion.get("photos") or []
    if not isinstance(photos, list) or len(photos) > MAX_PHOTOS or not all(isinstance(p, dict) for p in photos):
        errors.append(FieldError("opinion/photos", Text("照片最多 {n} 张，每张为一个附件引用",
                                                        "at most {n} photos, each an attachment reference",
                                                        n=MAX_PHOTOS)))
        photos = []
    signature = opinion.get("signature")
    if signature is not None and not isinstance(signature, dict):
        errors.append(FieldError("opinion/signature", Text("签名须为一个附件引用",
                                                           "the signature must be an attachment reference")))
        signature = None
    if mode == "required" and signature is None:
        errors.append(FieldError("opinion/signature", Text("这一步须手写签名：请在签名板上签名后提交",
                                                           "this step needs a handwritten signature: sign on the "
                                                           "pad, then submit")))
    if mode is None and signature is not None:
        errors.append(FieldError("opinion/signature", Text("这一步不需要签名", "this step takes no signature")))
    if errors:
        raise InvalidInput(Text("审批意见有 {n} 处问题", "the opinion has {n} problem(s)", n=len(errors)), errors)
    if not text and not photos and signature is None:
        return None
    refs: dict[str, Any] = {"photos": [dict(p) for p in photos],
                            "signature": [dict(signature)] if signature is not None else []}
    try:
        attachments.check_references(conn, case_id, _SCHEMA, refs)
    except InvalidInput as exc:
        raise InvalidInput(exc.message, [FieldError(f"opinion/{e.path}", e.message) for e in exc.errors]) from None
    recorded: dict[str, Any] = {"text": text}
    if photos:
        recorded["photos"] = [_ref(p) for p in refs["photos"]]
    if signature is not None:
        sign = refs["signature"][0]
        if sign.get("media_type") not in SIGNATURE_TYPES:
            raise InvalidInput(Text("签名须为图片", "the signature must be an image"),
                               [FieldError("opinion/signature", Text("签名须为图片（PNG）",
                                                                     "the signature must be an image (PNG)"))])
        recorded["signature"] = _ref(sign)
    return recorded


def _ref(ref: dict) -> dict:
    return {k: ref[k] for k in ("sha256", "name", "size", "media_type") if k in ref}
