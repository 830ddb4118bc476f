"""One exception hierarchy for the engine; the API maps each class to one HTTP status."""

from __future__ import annotations

from dataclasses import dataclass


class YishiError(Exception):
    """Base of every error the engine raises on purpose."""

    status = "error"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotFound(YishiError):
    status = "not_found"


class Forbidden(YishiError):
    status = "forbidden"


class Conflict(YishiError):
    """Someone else changed the case (or completed the task) meanwhile; reload and try again."""

    status = "conflict"


@dataclass
class FieldError:
    path: str  # JSON-pointer-like path of the offending field, "" for the whole document
    message: str

    def as_dict(self) -> dict:
        return {"path": self.path, "message": self.message}


class InvalidInput(YishiError):
    """Submitted data is wrong; `errors` names each field and what is wrong with it."""

    status = "invalid_input"

    def __init__(self, message: str, errors: list[FieldError] | None = None):
        super().__init__(message)
        self.errors = errors or []


@dataclass
class Problem:
    """One lint finding, located in a file and at a BPMN element."""

    file: str
    element_id: str | None
    line: int | None
    message: str
    code: str = "invalid"
    severity: str = "error"

    def as_dict(self) -> dict:
        return {
            "file": self.file,
            "element_id": self.element_id,
            "line": self.line,
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
        }

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        element = f" [{self.element_id}]" if self.element_id else ""
        return f"{where}{element} {self.severity}: {self.message} ({self.code})"


class InvalidDefinition(YishiError):
    """A BPMN upload failed lint; `problems` lists every finding at once."""

    status = "invalid_definition"

    def __init__(self, message: str, problems: list[Problem] | None = None):
        super().__init__(message)
        self.problems = list(problems or [])


class ScriptSecurityError(YishiError):
    """An expression or script uses something the sandbox forbids (imports, dunders, ...)."""

    status = "script_rejected"


class InvalidState(YishiError):
    """The action does not fit the case's current status (e.g. completing a task of a cancelled case)."""

    status = "invalid_state"
