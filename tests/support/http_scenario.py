"""The scenario driver over HTTP: the same ``do``/``advance`` interface as ``tests/support/scenario.py``, but every
step is a request to the real app as the demo user of the step's role (user id = role code)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from engine.people import demo
from tests.support.scenario import SIGNATURE_PNG, file_bytes, with_uploads


class HttpScenario:
    def __init__(self, client, case_id: int):
        self.client, self.case_id = client, case_id
        self._tokens: dict[str, str] = {}

    @classmethod
    def start(cls, client, key: str, *, unit: str, data: dict, role: str = "proposer") -> HttpScenario:
        probe = cls(client, 0)
        response = probe.request("post", "/api/cases", role, json={"definition": key, "unit": unit, "data": data})
        assert response.status_code == 201, response.text
        probe.case_id = response.json()["id"]
        return probe

    def request(self, method: str, path: str, user: str, **kwargs):
        for _attempt in range(2):
            if user not in self._tokens:
                login = self.client.post("/api/auth/login", json={"user": user, "password": demo.PASSWORD})
                assert login.status_code == 200, login.text
                self._tokens[user] = login.json()["access_token"]
            response = getattr(self.client, method)(path, headers={"Authorization": f"Bearer {self._tokens[user]}"},
                                                    **kwargs)
            if response.status_code != 401:  # tokens expire when the clock jumps days ahead
                return response
            self._tokens.pop(user)
        return response

    @property
    def case(self) -> dict:
        response = self.request("get", f"/api/cases/{self.case_id}", "admin")
        assert response.status_code == 200, response.text
        return response.json()

    def open(self) -> list[str]:
        return sorted(t["element_id"] for t in self.case["open_tasks"])

    def task(self, element_id: str) -> dict:
        tasks = [t for t in self.case["open_tasks"] if t["element_id"] == element_id]
        assert len(tasks) == 1, f"expected one open {element_id}; open: {self.open()}"
        return tasks[0]

    def do(self, element_id: str, data: dict, *, by: str) -> dict:
        """Complete the task as the demo user ``by`` (demo user ids are role codes), through their inbox."""
        task = self.task(element_id)
        user = by
        inbox = self.request("get", "/api/tasks", user).json()["items"]
        assert task["task_id"] in {t["task_id"] for t in inbox}, f"{element_id} not in {user}'s inbox"
        detail = self.request("get", f"/api/tasks/{task['task_id']}", user)
        assert detail.status_code == 200, detail.text
        data = with_uploads(detail.json()["form_schema"], data, lambda name: self.attach(name, by=user)[0])
        body: dict = {"data": data}
        if detail.json().get("signature") == "required":  # a step that takes a handwritten signature: a stand-in
            upload = self.request("post", f"/api/cases/{self.case_id}/attachments", user,
                                  files={"file": ("signature.png", SIGNATURE_PNG + user.encode(), "image/png")})
            assert upload.status_code == 201, upload.text
            body["opinion"] = {"text": "同意。", "signature": {"sha256": upload.json()["sha256"]}}
        response = self.request("post", f"/api/tasks/{task['task_id']}/complete", user, json=body)
        assert response.status_code == 200, response.text
        assert response.json()["status"] != "error", response.json()["error_message"]
        return response.json()

    def attach(self, *names: str, by: str) -> list[dict]:
        """Upload a file per name as the demo user ``by`` (multipart); the references a form field takes."""
        refs = []
        for name in names:
            response = self.request("post", f"/api/cases/{self.case_id}/attachments", by,
                                    files={"file": (name, file_bytes(name))})
            assert response.status_code == 201, response.text
            refs.append({"sha256": response.json()["sha256"], "name": response.json()["file_name"]})
        return refs

    def object(self, text: str, *, by: str = "proposer", on_behalf_of: str | None = None,
               attachments: list[dict] | None = None) -> dict:
        """Lodge an objection against the running publication as the demo user ``by``."""
        body = {"text": text, **({"on_behalf_of": on_behalf_of} if on_behalf_of else {}),
                **({"attachments": attachments} if attachments else {})}
        response = self.request("post", f"/api/cases/{self.case_id}/objections", by, json=body)
        assert response.status_code == 201, response.text
        return response.json()

    def advance(self, *, days: int = 0, hours: int = 0) -> int:
        response = self.request("post", "/api/dev/clock", "admin", json={"advance_days": days + hours / 24})
        assert response.status_code == 200, response.text
        return response.json()["timers_fired"]

    def advance_to(self, instant: dt.datetime) -> int:
        response = self.request("post", "/api/dev/clock", "admin", json={"set_to": instant.isoformat()})
        assert response.status_code == 200, response.text
        return response.json()["timers_fired"]

    def events(self, kind: str | None = None) -> list[dict]:
        history = self.request("get", f"/api/cases/{self.case_id}/history", "admin").json()
        assert history["verified"], history["verification"]
        return [e for e in history["events"] if kind is None or e["kind"] == kind]

    def completions(self) -> Counter:
        return Counter(e["element_id"] for e in self.events("task_completed"))

    def computed(self, key: str) -> list:
        return [e["data"][key] for e in self.events("computed") if key in e["data"]]
