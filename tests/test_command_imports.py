"""What a reading command's process imports (issue 28: "import only what the command needs").

`lessonloop recall --json` answers from one FTS5 query: it must not pay for the other commands'
modules, the embedding model's code when no lesson has a vector, orjson (whose import pulls in
dataclasses, uuid and inspect: about 20 ms), rich (no table is drawn), shutil (argparse's help
width) or hashlib (OpenSSL). The census is `-X importtime` of a real process; a command that does
draw a table shows the census sees rich."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import store_with_active_lessons
from tests.import_census import imported_modules

NOT_FOR_RECALL_JSON = (
    "orjson",
    "rich",
    "dataclasses",
    "shutil",
    "hashlib",
    "tomllib",
    "lessonloop.apply.embeddings",
    "lessonloop.cli.lesson_commands",
    "lessonloop.cli.review_commands",
    "lessonloop.cli.hook_commands",
    "lessonloop.store.forgetting",
)


def imported(*args: str, env: dict[str, str]) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "lessonloop", *args], env=env, capture_output=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    names = imported_modules(done.stderr.decode("utf-8", "replace"))
    assert "lessonloop.cli" in names  # the census works
    return names


@pytest.fixture()
def store(tmp_path: Path) -> Path:
    lesson = {
        "signature": "git-push-upstream",
        "kind": "usage",
        "title": "`git push` fails without --set-upstream: the branch has no upstream",
        "body": "git push failed: the current branch has no upstream branch.",
        "prevention": "Push with `git push --set-upstream origin HEAD`.",
        "scope": "global",
        "sessions": 3,
        "failed_sessions": 3,
        "observations": 3,
    }
    return store_with_active_lessons(tmp_path, lesson)


def test_recall_json_imports_only_what_it_needs(store: Path, tmp_path: Path) -> None:
    env = {**os.environ, "LESSONLOOP_CONFIG": str(tmp_path / "none.toml")}
    env.pop("LESSONLOOP_EMBEDDINGS", None)  # the default: vectors only when some lesson has one
    names = imported("recall", "git push", "--db", str(store), "--json", env=env)
    assert "lessonloop.cli.recall_commands" in names and "lessonloop.apply.recall" in names
    loaded = sorted(n for n in NOT_FOR_RECALL_JSON if n in names or any(m.startswith(n + ".") for m in names))
    assert loaded == [], loaded


def test_a_table_imports_rich_and_the_census_sees_it(store: Path, tmp_path: Path) -> None:
    env = {**os.environ, "LESSONLOOP_CONFIG": str(tmp_path / "none.toml")}
    names = imported("recall", "git push", "--db", str(store), env=env)
    assert "rich.table" in names
