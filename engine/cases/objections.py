"""Objections during a publication (公示): a member of the unit lodges one while a notice runs, and the running
publication catches it as the BPMN message ``objection_lodged`` in the same unit of work that records it in the
case file (DOMAIN.md §3.4, §3.6)."""

from __future__ import annotations

from dataclasses import dataclass, field

from SpiffWorkflow.bpmn import BpmnEvent
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition
from SpiffWorkflow.util.task import TaskState

from engine.cases import attachments
from engine.cases.unit import json_copy, status_text
from engine.domain import clock, periods
from engine.domain.actors import Actor
from engine.domain.statuses import ACTIVE_STATUSES, EventKind
from engine.domain.texts import Text
from engine.errors import Conflict, FieldError, Forbidden, InvalidInput, InvalidState
from engine.store.audit import Event
from engine.workflow import projection

OBJECTION_MESSAGE = "objection_lodged"
LODGES_ON_BEHALF = "supervision_committee"  # DOMAIN.md §3.6: the committee lodges on residents' behalf
MAX_TEXT = 4000
MAX_NAME = 200
MAX_ATTACHMENTS = 20
# what an objection's attachments are, in the shape every form's attachment field has (processes/CONVENTIONS.md)
ATTACHMENTS_FORM = {"type": "object", "properties": {"attachments": {
    "type": "array", attachments.WIDGET_KEYWORD: attachments.MANY, "maxItems": MAX_ATTACHMENTS,
    "items": {"type": "object", "required": ["sha256"], "properties": {
        "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"}, "name": {"type": "string", "maxLength": 255},
        "size": {"type": "integer"}, "media_type": {"type": "string"}}}}}}


@dataclass(frozen=True)
class Objection:
    """What a person lodges: the objection's text and, when the supervision committee lodges it for a resident,
    that resident's name."""

    text: str
    on_behalf_of: str | None = None
    attachments: list = field(default_factory=list)  # references {sha256, name} of files added to the case


class Objections:
    """Lodging an objection against a running publication (mixed into ``Runtime``)."""

    def lodge_objection(self, case_id: int, actor: Actor, objection: Objection) -> dict:
        """Deliver the objection to the running publication of the case; returns what was recorded.

        Only a member of the case's unit may lodge one; only the supervision committee may lodge one on a
        resident's behalf. 409 when no publication of the case is running."""
        text = (objection.text or "").strip()
        on_behalf_of = (objection.on_behalf_of or "").strip() or None
        problems = []
        if not text:
            problems.append(FieldError("text", Text("请写明异议的内容", "say what the objection is")))
        elif len(text) > MAX_TEXT:
            problems.append(FieldError("text", Text("异议内容不能超过 {n} 字", "at most {n} characters", n=MAX_TEXT)))
        if on_behalf_of is not None and len(on_behalf_of) > MAX_NAME:
            problems.append(FieldError("on_behalf_of", Text("姓名不能超过 {n} 字", "at most {n} characters",
                                                            n=MAX_NAME)))
        refs = json_copy({"attachments": list(objection.attachments or [])}, "attachments")
        problems += _malformed(refs["attachments"])
        if problems:
            raise InvalidInput(Text("异议填写不完整", "the objection is incomplete"), problems)
        now = clock.now()
        with self.db.begin() as conn:
            loaded = self.load(conn, case_id)
            row, workflow = loaded.row, loaded.workflow
            if not actor.member_of(row.unit):
                raise Forbidden(Text("只有 {unit} 的成员可以对它的公示提出异议",
                                     "only a member of {unit} may object to its notices", unit=row.unit))
            if on_behalf_of is not None and not (actor.holds(row.unit, LODGES_ON_BEHALF) or actor.is_admin):
                raise Forbidden(Text("只有监督委员会可以代居民提出异议",
                                     "only the supervision committee may lodge an objection on a resident's behalf"))
            if row.status not in ACTIVE_STATUSES:
                raise InvalidState(Text("事项 {ref} {status}，不能提出异议", "case {ref} is {status}; no objection "
                                        "can be lodged", ref=row.reference, status=status_text(row.status)))
            running = [t for t in workflow.event_manager.tasks.values()
                       if t.state == TaskState.WAITING
                       and getattr(t.task_spec.event_definition, "name", None) == OBJECTION_MESSAGE]
            if not running:
                raise Conflict(Text("事项 {ref} 现在没有正在进行的公示，不能提出异议",
                                    "case {ref} has no publication running now; objections are lodged while a "
                                    "notice runs", ref=row.reference))
            attachments.check_references(conn, case_id, ATTACHMENTS_FORM, refs)  # files of this case only
            lodged_at = now.astimezone(periods.TZ).isoformat()
            payload = {"objector": on_behalf_of or actor.user_id, "lodged_by": actor.user_id,
                       "on_behalf": on_behalf_of is not None, "lodged_at": lodged_at, "text": text,
                       "attachments": refs["attachments"]}
            target = running[0]
            kind = target.data.get("publication_kind")
            recorded = Event(EventKind.OBJECTION_LODGED, actor.user_id,
                             {**payload, "publication_kind": kind, "to_role": LODGES_ON_BEHALF},
                             projection.element_id(target), str(target.id))

            def deliver() -> None:
                event = BpmnEvent(MessageEventDefinition(OBJECTION_MESSAGE), dict(payload))
                event.target = target.workflow  # this publication, should two run at once
                workflow.catch(event)

            events, snap = self.advance(workflow, deliver)
            self.save(conn, loaded, workflow, snap, [recorded, *events], now)
        return {**payload, "publication_kind": kind}


def _malformed(refs: list) -> list[FieldError]:
    """Field errors for attachment references not of the shape ``{sha256, name}``."""
    if len(refs) > MAX_ATTACHMENTS:
        return [FieldError("attachments", Text("附件不能超过 {n} 个", "at most {n} attachments", n=MAX_ATTACHMENTS))]
    wrong = Text("须为附件引用（先上传文件，再填写它的 sha256 和文件名）",
                 "must be an attachment reference: sha256 and name of a file uploaded first")
    return [FieldError(f"attachments/{i}", wrong) for i, ref in enumerate(refs)
            if not (isinstance(ref, dict) and isinstance(ref.get("sha256"), str)
                    and attachments.SHA256.match(ref["sha256"]) and set(ref) <= {"sha256", "name", "size",
                                                                                  "media_type"})]
