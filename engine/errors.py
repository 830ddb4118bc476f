"""One exception hierarchy for the engine; the API maps each class to one HTTP status (by its MRO).

Messages are ``Text`` (Chinese and English); a plain string is accepted where nothing better is known
(it then reads the same in both languages).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from engine.domain.texts import Text


def as_text(message: str | Text) -> Text:
    return message if isinstance(message, Text) else Text(message, message)


class YishiError(Exception):
    """Base of every error the engine raises on purpose. ``message`` is English (CLI, logs); ``text`` both."""

    status = "error"

    def __init__(self, message: str | Text):
        self.text = as_text(message)
        self.message = self.text.render("en")
        super().__init__(self.message)


class Unauthenticated(YishiError):
    """No valid credentials (the API answers 401)."""

    status = "unauthenticated"


class TooManyAttempts(Unauthenticated):
    """Too many failed logins: wait ``retry_after`` seconds, or (``locked``) ask an administrator (API: 429)."""

    status = "too_many_attempts"

    def __init__(self, message: Text, *, retry_after: int | None = None, locked: bool = False):
        super().__init__(message)
        self.retry_after, self.locked = retry_after, locked
        if locked:
            self.status = "account_locked"


class RateLimited(YishiError):
    """Too many tries of something limited per person (vote changes, posts): API 429."""

    status = "rate_limited"


class NotFound(YishiError):
    status = "not_found"


class Forbidden(YishiError):
    status = "forbidden"


class Conflict(YishiError):
    """Someone else changed the case (or completed the task) meanwhile; reload and try again."""

    status = "conflict"


class TooLarge(YishiError):
    """An upload is larger than its limit (API: 413)."""

    status = "too_large"


class UnsupportedMediaType(YishiError):
    """An upload's content is of a type that is not accepted (API: 415)."""

    status = "unsupported_media_type"


@dataclass
class FieldError:
    path: str  # slash-separated path of the offending field ("participants/0/name"), "" for the whole document
    message: str | Text

    def as_dict(self, language: str = "en") -> dict:
        return {"path": self.path, "message": as_text(self.message).render(language)}


class InvalidInput(YishiError):
    """Submitted data is wrong; `errors` names each field and what is wrong with it."""

    status = "invalid_input"

    def __init__(self, message: str | Text, errors: list[FieldError] | None = None):
        super().__init__(message)
        self.errors = errors or []


class InvalidScenario(InvalidInput):
    """A designer's scenario file that cannot be read (not YAML, a step of no known kind, another process's)."""

    status = "invalid_scenario"


class InvalidSheet(InvalidInput):
    """An uploaded sheet of people that cannot be read (not CSV/XLSX, no header row, too large)."""

    status = "invalid_sheet"


@dataclass
class Problem:
    """One lint finding, located in a file and at a BPMN element.

    Like ``YishiError``: given a ``Text``, ``message`` keeps the English (CLI, logs, tests) and ``text`` both
    languages, which ``as_dict(language)`` renders.
    """

    file: str
    element_id: str | None
    line: int | None
    message: str | Text
    code: str = "invalid"
    severity: str = "error"
    text: Text = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.text = as_text(self.message)
        self.message = self.text.render("en")

    def as_dict(self, language: str = "en") -> dict:
        return {
            "file": self.file,
            "element_id": self.element_id,
            "line": self.line,
            "code": self.code,
            "severity": self.severity,
            "message": self.text.render(language),
        }

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        element = f" [{self.element_id}]" if self.element_id else ""
        return f"{where}{element} {self.severity}: {self.message} ({self.code})"


class InvalidDefinition(YishiError):
    """A BPMN upload failed lint; `problems` lists every finding at once."""

    status = "invalid_definition"

    def __init__(self, message: str | Text, problems: list[Problem] | None = None):
        super().__init__(message)
        self.problems = list(problems or [])


class ScriptSecurityError(YishiError):
    """An expression or script uses something the sandbox forbids (imports, dunders, ...)."""

    status = "script_rejected"


class InvalidState(YishiError):
    """The action does not fit the case's current status (e.g. completing a task of a cancelled case)."""

    status = "invalid_state"


class UnsafeXML(YishiError, ValueError):
    """An uploaded document is not acceptable XML; ``line`` is set when the parser knows it."""

    status = "unsafe_xml"

    def __init__(self, message: str | Text, line: int | None = None):
        super().__init__(message)
        self.line = line


class LayoutError(YishiError, ValueError):
    """A diagram cannot be drawn (an embedded subprocess, a flow to nowhere, ...)."""

    status = "layout_error"
