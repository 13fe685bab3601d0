"""tests/ mirrors src/lessonloop/: a folder of tests is named after the package it tests, at the
same place (tests/learning/engine/ tests src/lessonloop/learning/engine/). The test files at
tests/'s top test the whole tree (its layers, its listings, its SQL, its wings); the folders that
are not a package's hold what tests share: the real-agent harness, the counting scripts, a fake
agent's adapter, the data."""

from __future__ import annotations

from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
SRC = TESTS.parent / "src" / "lessonloop"
# Folders of tests that are no package's: each says what it is.
SHARED = {
    "real_agents": "the agents' own CLIs driven by a scripted model server (tests/real_agents/README.md)",
    "counting": "counting scripts written apart from the adapters (issue 13)",
    "fake_agent": "an agent folder of the tests' own: the fourteenth agent (tests/agents/test_fourteenth_agent.py)",
    "data": "labels, fixtures and planted files",
}


def folders_of_tests(tests: Path) -> list[str]:
    """The folders under `tests` that hold a test file, relative, outside SHARED."""
    found = set()
    for path in tests.rglob("test_*.py"):
        relative = path.parent.relative_to(tests)
        if relative.parts and relative.parts[0] not in SHARED:
            found.add(relative.as_posix())
    return sorted(found)


def strays(tests: Path, src: Path) -> list[str]:
    """The folders of tests that name no package of `src` at the same place."""
    return [folder for folder in folders_of_tests(tests) if not (src / folder / "__init__.py").exists()]


def test_every_folder_of_tests_is_a_package() -> None:
    assert strays(TESTS, SRC) == []


def test_the_shared_folders_exist() -> None:
    assert all((TESTS / name).is_dir() for name in SHARED)


@pytest.mark.parametrize("folder", ["misc", "learning/helpers", "learn"])
def test_a_folder_named_after_no_package_is_caught(tmp_path: Path, folder: str) -> None:
    tests = tmp_path / "tests"
    (tests / folder).mkdir(parents=True)
    (tests / folder / "test_x.py").write_text("")
    (tests / "store").mkdir()
    (tests / "store" / "test_y.py").write_text("")
    assert strays(tests, SRC) == [folder]
