"""A small driver for scenario tests: act as whoever holds the lane's role, move the clock, read the case file.

    s = Scenario.start(yishi, "five_step", unit=UNIT, data={...})
    s.do("A_UT_Register", {...}, by="grid_steward")  # completes that element's open task as a grid steward
    s.advance(days=7)                      # moves the injected clock and fires due timers
    assert s.completions()["A_UT_Consult"] == 2
    assert s.case["end_event"] == "A_EE_Closed"
"""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from engine.definitions.compiler import load_bundle
from engine.domain import clock
from engine.domain.actors import Actor
from engine.service import Yishi

PROCESSES = Path(__file__).resolve().parents[2] / "processes"
DESIGNER = Actor("designer", is_designer=True)
LAWFUL = {"legality": "lawful", "reviewed_at": "2026-03-02"}  # the street office's legality review at classification
SHANGHAI = dt.timezone(dt.timedelta(hours=8))
SIGNATURE_PNG = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0"  # a stand-in drawn signature


def now() -> dt.datetime:
    """The engine clock in Asia/Shanghai."""
    return clock.clock.now().astimezone(SHANGHAI)


def iso(days: int = 0, hours: int = 0) -> str:
    """An ISO date-time ``days``/``hours`` from the engine clock, for form fields."""
    return (now() + dt.timedelta(days=days, hours=hours)).isoformat()


def day(days: int = 0) -> str:
    """An ISO date ``days`` from the engine clock, for form fields."""
    return (now() + dt.timedelta(days=days)).date().isoformat()


def deploy_processes(service: Yishi) -> None:
    service.deploy(load_bundle([PROCESSES]), DESIGNER)


def file_bytes(name: str) -> bytes:
    """Small stand-in content for a file called ``name``: a PDF or PNG header (so its media type is judged from
    the content) followed by the name, so each name is its own file."""
    header = b"%PDF-1.4\n" if name.endswith(".pdf") else b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"
    return header + name.encode("utf-8")


def with_uploads(schema: dict | None, data: dict, upload) -> dict:
    """``data`` with each file name a step lists in an attachment field (``"minutes": ["minutes/consult.pdf"]``)
    uploaded by ``upload(name)`` and replaced by its reference, as a person does on the form."""
    if not schema or not isinstance(data, dict):
        return data
    out = dict(data)
    for name, prop in (schema.get("properties") or {}).items():
        if isinstance(prop, dict) and prop.get("x-yishi-widget") == "attachments" and isinstance(out.get(name), list):
            out[name] = [upload(item) if isinstance(item, str) else item for item in out[name]]
    return out


def member(unit: str, role: str) -> Actor:
    return Actor(f"{role}-user", frozenset({(unit, role)}))


@dataclass
class Scenario:
    service: Yishi
    case_id: int
    unit: str
    log: list[str] = field(default_factory=list)

    @classmethod
    def start(cls, service: Yishi, key: str, *, unit: str, data: dict, role: str = "proposer") -> Scenario:
        case = service.start(key, unit, member(unit, role), data)
        return cls(service, case["id"], unit)

    @property
    def case(self) -> dict:
        return self.service.case(self.case_id)

    def open(self) -> list[str]:
        """Element ids of the open tasks, sorted."""
        return sorted(t["element_id"] for t in self.case["open_tasks"])

    def task(self, element_id: str) -> dict:
        tasks = [t for t in self.case["open_tasks"] if t["element_id"] == element_id]
        assert len(tasks) == 1, f"expected one open {element_id}; open: {self.open()} (status {self.case['status']}," \
                                f" error {self.case['error_element']}: {self.case['error_message']})"
        return tasks[0]

    def do(self, element_id: str, data: dict, *, by: str) -> dict:
        """Complete the open task ``element_id`` as a member holding the role ``by`` in the case's unit.

        The caller names who acts; the engine decides whether that role may (a wrong role is refused).
        """
        task = self.task(element_id)
        self.log.append(element_id)
        actor = member(self.unit, by)
        schema = self.service.task_detail(task["task_id"], actor)["form_schema"]
        data = with_uploads(schema, data, lambda name: self.attach(name, by=by)[0])
        case = self.service.complete(self.case_id, task["task_id"], actor, data, self.signed(task["task_id"], actor))
        assert case["status"] != "error", f"{element_id} put the case in error: {case['error_message']}"
        return case

    def signed(self, task_id: str, actor: Actor) -> dict | None:
        """The opinion a step that takes a handwritten signature needs: a small PNG uploaded as the actor's."""
        if self.service.runtime.task_view(self.case_id, task_id).signature != "required":
            return None
        record = self.service.attach(self.case_id, actor, io.BytesIO(SIGNATURE_PNG + actor.user_id.encode()),
                                     "signature.png")
        return {"text": "同意。", "signature": {"sha256": record["sha256"], "name": record["file_name"]}}

    def attach(self, *names: str, by: str) -> list[dict]:
        """Upload a file per name to the case as a member holding ``by``; the references a form field takes."""
        refs = []
        for name in names:
            record = self.service.attach(self.case_id, member(self.unit, by), io.BytesIO(file_bytes(name)), name)
            refs.append({"sha256": record["sha256"], "name": record["file_name"]})
        return refs

    def object(self, text: str, *, by: str = "proposer", on_behalf_of: str | None = None,
               attachments: list[dict] | None = None) -> dict:
        """Lodge an objection against the running publication as a member holding ``by`` in the case's unit."""
        return self.service.lodge_objection(self.case_id, member(self.unit, by), text, on_behalf_of, attachments)

    def advance(self, *, days: int = 0, hours: int = 0) -> int:
        """Move the injected clock forward and fire every due timer; returns how many fired."""
        clock.clock.advance(dt.timedelta(days=days, hours=hours))
        return self.service.tick().timers_fired

    def advance_to(self, instant: dt.datetime) -> int:
        clock.clock.set(instant)
        return self.service.tick().timers_fired

    def events(self, kind: str | None = None) -> list[dict]:
        rows, verification = self.service.history(self.case_id)
        assert verification.ok, verification
        return [r for r in rows if kind is None or r["kind"] == kind]

    def completions(self) -> Counter:
        """How many times each element's task was completed."""
        return Counter(e["element_id"] for e in self.events("task_completed"))

    def computed(self, key: str) -> list:
        """Every value a script task computed for ``key``, in order."""
        return [e["data"][key] for e in self.events("computed") if key in e["data"]]

    def data(self) -> dict:
        """The workflow data after the last completed step (for asserting computed values)."""
        with self.service.db.connect() as conn:
            workflow = self.service.runtime.load(conn, self.case_id).workflow
        return dict(workflow.last_task.data) if workflow.last_task is not None else {}
