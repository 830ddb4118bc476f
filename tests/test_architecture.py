"""The design's boundaries, checked: which package may import which (docs/ARCHITECTURE.md), and the
configuration the README documents is exactly the one the code reads."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from engine.sandbox.functions import FUNCTIONS
from engine.settings import ENVIRONMENT_VARIABLES

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("domain", "definitions", "sandbox", "workflow", "cases", "read", "people", "notify", "store",
            "participation")


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def modules(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def test_the_engine_never_imports_the_api():
    offenders = {p.name for p in modules("engine") if any(m.split(".")[0] == "api" for m in imports_of(p))}
    assert not offenders


def test_domain_imports_nothing_of_the_engine_nor_sql_nor_spiffworkflow():
    for path in modules("engine/domain"):
        for module in imports_of(path):
            assert not module.startswith(("sqlalchemy", "SpiffWorkflow")), (path.name, module)
            if module.startswith("engine."):
                assert module.startswith("engine.domain"), (path.name, module)


def test_the_read_side_never_restores_workflows():
    for path in modules("engine/read"):
        for module in imports_of(path):
            assert not module.startswith(("engine.workflow", "engine.cases", "SpiffWorkflow")), (path.name, module)


def test_notifications_never_restore_workflows_nor_touch_cases():
    for path in modules("engine/notify"):
        for module in imports_of(path):
            assert not module.startswith(("engine.workflow", "engine.cases", "engine.definitions", "engine.read",
                                          "SpiffWorkflow", "api")), (path.name, module)
            if module.startswith("engine.people"):  # linked platform accounts sign in (engine/people/external.py)
                assert module == "engine.people.external", (path.name, module)


def test_cases_never_import_participation():
    # participation hooks itself into completions (engine.cases.runtime.on_completion); the runtime knows nothing of it
    for path in modules("engine/cases"):
        assert not any(m.startswith("engine.participation") for m in imports_of(path)), path.name


def test_the_api_goes_through_the_service():
    # the service, plus the vocabulary its answers use (errors, settings, domain enums, bundles to upload)
    allowed = ("engine.service", "engine.errors", "engine.settings", "engine.domain", "engine.definitions.compiler",
               "engine.people.demo", "engine.read.monitor.StuckReason")
    for path in modules("api"):
        for module in imports_of(path):
            if module.startswith("engine"):
                assert module.startswith(allowed), (path.name, module)


@pytest.mark.parametrize("package", PACKAGES)
def test_every_package_is_documented_in_the_architecture(package):
    assert f"engine/{package}/" in (ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")


def test_readme_configuration_table_lists_exactly_the_settings():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"^\| `(YISHI_[A-Z_]+)`", section, re.M))
    assert documented == set(ENVIRONMENT_VARIABLES)


def test_readme_lists_every_domain_function():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [f.name for f in FUNCTIONS if f"`{f.name}`" not in readme]
    assert not missing
