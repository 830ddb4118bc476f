"""Schemathesis against the app in-process: every operation of the OpenAPI document, fuzzed as an administrator
over a real SQLite database with the demo data, the demo process and a few cases in it.

Each answer must be conformant to what the document declares (schemathesis' built-in checks: no 5xx, declared
status codes, content types, headers and response schemas, invalid input rejected, valid input accepted, an
operation with security refusing a request without credentials). ``YISHI_FUZZ_EXAMPLES`` (default 25) bounds the
generated examples per operation: every operation is still fuzzed, and the file (``make fuzz``; ``make test`` runs
it beside the browser tests) takes one to one and a half minutes on two shared cores (bench/README.md); a longer run::

    YISHI_FUZZ_EXAMPLES=500 .venv/bin/pytest tests/api/test_fuzz.py -p no:cacheprovider

Left out: ``POST /api/auth/logout`` and ``POST /api/me/password`` (each would end the session every other request
uses; tests/api/test_accounts_under_attack.py and tests/api/test_people_http.py cover them) and
``GET /api/notifications/stream`` (a Server-Sent Events stream open for minutes; tests/notify/test_api.py reads it
over real HTTP). Logins are fuzzed with the default throttling: once the fuzzer's wrong guesses pass the free
failures of its client address every further login answers the declared 429 at once.
"""

from __future__ import annotations

import datetime as dt
import os

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.python import asgi as schemathesis_asgi
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from api.app import create_app
from engine.definitions.compiler import load_bundle
from engine.domain import clock as clock_module
from engine.people import demo
from engine.service import Yishi
from engine.settings import Settings
from engine.store.db import upgrade
from tests.support.demo_case import DEMO, DESIGNER, PROPOSAL, PROPOSER, UNIT, open_task

if os.environ.get("PYTEST_XDIST_WORKER"):  # loud, not silent: make test runs this file in a process of its own
    raise RuntimeError("tests/api/test_fuzz.py must run in one process (pytest tests/api/test_fuzz.py): under "
                       "pytest-xdist schemathesis collects one item instead of one per operation")

EXAMPLES = int(os.environ.get("YISHI_FUZZ_EXAMPLES", "25"))
CONFIG = Settings()  # production routes: no dev clock (moving it would expire the token)
NOW = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)  # the suite's frozen instant (tests/conftest.py)


@pytest.fixture(scope="module")
def fuzz_service(tmp_path_factory):
    """The engine over its own SQLite file: demo units and users, the demo process, cases in several states."""
    clock_module.clock.set(NOW)
    url = f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'fuzz.db'}"
    upgrade(url)
    service = Yishi(url)
    service.deploy(load_bundle([DEMO]), DESIGNER)
    demo.seed(service.db)
    for n in range(3):  # ids 1-3 exist, so small generated ids reach real cases and tasks
        case = service.start("demo_petition", UNIT, PROPOSER, {"title": f"3号院充电桩 {n}"})
        if n:
            service.complete(case["id"], open_task(service, case["id"], "propose")["task_id"], PROPOSER, PROPOSAL)
    service.admin_token = service.login("admin", demo.PASSWORD)[0]
    yield service
    service.db.dispose()
    clock_module.clock.reset()


class LateApp:
    """The ASGI app the schema is bound to at collection; it forwards to the module fixture's app, so every request
    (the checks' own probes too, e.g. the same request without credentials) reaches the seeded database."""

    target = None

    async def __call__(self, scope, receive, send):
        await self.target(scope, receive, send)


# The document comes from an app without a database (cheap at collection time).
DOCUMENT = create_app(config=CONFIG, processes_dir="", seed_demo=False, tick_seconds=0).openapi()
schema = (schemathesis.openapi.from_dict(DOCUMENT).exclude(path="/api/auth/logout")
          .exclude(path="/api/notifications/stream").exclude(path="/api/me/password"))
schema.app = LateApp()
QUERY_NAMES = {(path, method.upper()): {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
               for path, item in DOCUMENT["paths"].items() for method, operation in item.items()}


# ----- known refusals the schema cannot express: each a finding reported, not a crash ------------------------

def _has_refused_text(value) -> bool:
    """NUL or an unpaired surrogate anywhere, keys too: refused with a field error (api/schemas.py), since
    PostgreSQL cannot store them; JSON Schema has no way to say so for free-form ``data``."""
    if isinstance(value, str):
        return "\x00" in value or any(0xD800 <= ord(c) <= 0xDFFF for c in value)
    if isinstance(value, dict):
        return any(_has_refused_text(k) or _has_refused_text(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_has_refused_text(v) for v in value)
    return False


def _has_blank_text(value) -> bool:
    """Text of white space only (``"\\x0b"``) where a unit is required: the engine strips it and asks for the unit."""
    if isinstance(value, str):
        return bool(value) and not value.strip()
    if isinstance(value, dict):
        return any(_has_blank_text(v) for v in value.values())
    if isinstance(value, list | tuple):  # a stock phrase of white space only
        return any(_has_blank_text(v) for v in value)
    return False


def _has_integral_float(value) -> bool:
    """``268.0`` is an integer to JSON Schema; ids in bodies are strict integers to the API and numbers in paths and
    queries plain digits (a 422 naming the field)."""
    if isinstance(value, float):
        return value.is_integer()
    if isinstance(value, dict):
        return any(_has_integral_float(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(_has_integral_float(v) for v in value)
    return False


def _loose_query(case) -> bool:
    """Undeclared query parameters, or a declared one sent as an array or object (``unit=a&unit=b``): ignored (the
    last value counts), not refused."""
    names = QUERY_NAMES.get((case.operation.path, case.operation.method.upper()), set())
    query = case.query or {}
    return any(name not in names or isinstance(value, list | tuple | dict) for name, value in query.items())


def _period_refused(case, response) -> bool:
    """A statistics period the schema cannot express: ending before it starts, or outside the years 2000–2099."""
    return case.path.startswith("/api/stats") and {e["path"] for e in response.json().get("errors", [])} <= {
        "from", "to"} and bool(response.json().get("errors"))


def _dates_reversed(body) -> bool:
    """A membership that would end before it starts (``valid_to`` < ``valid_from``): refused naming the field."""
    if not isinstance(body, dict) or not all(isinstance(body.get(k), str) for k in ("valid_from", "valid_to")):
        return False
    return body["valid_to"] < body["valid_from"]


def _stand_in_is_self(case) -> bool:
    """A stand-in named for their own absence, or a leaving member as their own successor: refused naming
    ``stand_in`` / ``to_user`` (the schema cannot say two fields differ)."""
    body = case.body
    other = {"/api/stand-ins": "stand_in", "/api/admin/handover": "to_user",
             "/api/admin/handover/preview": "to_user"}.get(case.operation.path)
    return other is not None and isinstance(body, dict) and body.get(other) == body.get("user")


def positive_data_accepted(ctx, response, case):
    """``positive_data_acceptance`` but for a 422 the schema cannot foresee: text with NUL or unpaired surrogates,
    an integral float where an id is expected, a blank required unit, a definition upload that lint refuses, a
    statistics period that ends before it starts or lies outside the years the statistics take, a holiday
    arrangement whose dates are not in its year (or a make-up day on a weekday), a sheet of people that cannot be
    read, a scenario file that cannot be run, a draft that is no XML, a membership ending before it starts and a
    stand-in named for their own absence;
    and a 415 for an uploaded file whose content is of no accepted type (judged from the bytes, which the schema
    cannot describe)."""
    if response.status_code == 415 and case.operation.path.endswith("/attachments"):
        return None
    if response.status_code == 422:
        sent = (case.body, case.query, case.path_parameters)
        kind = response.json().get("type", "")
        if _has_refused_text(sent) or _has_integral_float(sent) or _has_blank_text(case.body) or \
                kind.endswith(("/invalid_definition", "/invalid_sheet", "/invalid_scenario", "/unsafe_xml")) or \
                _dates_reversed(case.body) or _stand_in_is_self(case) or \
                _period_refused(case, response) or (
                case.operation.path == "/api/admin/holidays" and response.json().get("errors")):
            return None
    return positive_data_acceptance(ctx, response, case)


def negative_data_rejected(ctx, response, case):
    """``negative_data_rejection`` but for requests whose only oddity may be loose query parameters, and for
    uploads: a multipart part the fuzzer means as ``null`` or a number arrives as a file of those bytes, which is a
    valid file (text/plain)."""
    if response.status_code < 300 and (_loose_query(case) or case.operation.path.endswith("/attachments")):
        return None
    return negative_data_rejection(ctx, response, case)


@pytest.fixture(scope="module")
def fuzz_app(fuzz_service):
    schema.app.target = create_app(fuzz_service, config=CONFIG, processes_dir="", seed_demo=False, tick_seconds=0)
    yield schema.app
    schemathesis_asgi.shutdown_lifespans()  # the app's lifespan, started by the first request
    schema.app.target = None


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_every_operation_conforms_to_the_contract(case, fuzz_app, fuzz_service):
    case.call_and_validate(headers={"Authorization": f"Bearer {fuzz_service.admin_token}"},
                           excluded_checks=[positive_data_acceptance, negative_data_rejection],
                           additional_checks=[positive_data_accepted, negative_data_rejected])


def test_what_the_fuzzer_found_stays_fixed(fuzz_app, fuzz_service):
    """Each non-crash finding of the first runs, fixed in api/ (see bench/README.md, "Fuzzing the API")."""
    headers = {"Authorization": f"Bearer {fuzz_service.admin_token}"}
    with TestClient(fuzz_app.target) as client:
        # a method a path does not take: 405 with every method it does take (also behind the web app's catch-all)
        for method, path, allow in [("TRACE", "/api/admin/stuck", "GET"), ("OPTIONS", "/api/cases", "GET, POST"),
                                    ("GET", "/api/auth/login", "POST")]:
            response = client.request(method, path, headers=headers)
            assert (response.status_code, response.headers.get("allow")) == (405, allow), (method, path)
            assert response.headers["content-type"] == "application/problem+json"
        assert client.post("/api/nothing", headers=headers).status_code == 404
        # a body that is not UTF-8: the declared 422, not an undeclared 400
        response = client.post("/api/auth/login", content=b"z\xff", headers={"Content-Type": "application/json"})
        assert response.status_code == 422 and response.json()["errors"][0]["message"] == "不是有效的 JSON"
        # an instant is ISO-8601 text, not a number read as a Unix time
        assert client.get("/api/tasks", params={"due_before": "0.5"}, headers=headers).status_code == 422
        assert client.get("/api/tasks", params={"due_before": "2026-03-09T09:00:00+08:00"},
                          headers=headers).status_code == 200
