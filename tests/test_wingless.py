"""The wings own their data (issue 63): the core's SQL names no table of a wing, and the core's
commands run on the bundled sample with each wing taken out ($LESSONLOOP_WINGS, core/wings.py)
and with all of them out; a wing's own commands run without the others. Real processes on a real
store."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import tokenize
from pathlib import Path

import pytest

from lessonloop.core.wings import DEFAULT_WINGS, ENV_WINGS

SRC = Path(__file__).resolve().parent.parent / "src" / "lessonloop"
WINGS = tuple(name.rpartition(".")[2] for name in DEFAULT_WINGS)

# The core's commands: every one that reads or writes the sessions, findings and lessons.
CORE_COMMANDS = (
    ("ingest",),
    ("stats",),
    ("stats", "--by", "day"),
    ("sessions",),
    ("report",),
    ("search", "git"),
    ("lessons", "list"),
    ("lessons", "export", "--agent", "claude-code", "--to", "{tmp}/CLAUDE.md"),
    ("recall", "git", "push"),
    ("status",),
    ("analyze",),
    ("learn",),
    ("replay",),
    ("hooks", "status"),
    ("cleanup", "--dry-run"),
    ("glossary",),
)
# Each wing's own commands, run with the other wings out.
WING_COMMANDS = {
    "runs": (("runs", "list"),),
    "history": (("git", "commits"),),
    "dataset": (("dataset", "quality"), ("dataset", "milestones"), ("dataset", "export", "--format", "jsonl", "--to", "{tmp}/d.jsonl")),
    "team": (("team", "status"),),
}  # fmt: skip


def _wing_tables() -> dict[str, str]:
    """Every table a wing's migrations make, with its wing."""
    tables: dict[str, str] = {}
    for wing in WINGS:
        for path in (SRC / wing).rglob("migrations.py"):
            for name in re.findall(r"CREATE TABLE (?:IF NOT EXISTS )?(\w+)", path.read_text(encoding="utf-8")):
                tables[name] = wing
    return tables


def _strings(path: Path) -> list[tuple[int, str]]:
    tokens = tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline)
    return [(token.start[0], token.string) for token in tokens if token.type == tokenize.STRING]


def test_the_cores_sql_names_no_table_of_a_wing() -> None:
    tables = _wing_tables()
    assert {"runs", "git_commits", "git_commit_links", "team_items", "file_models"} <= set(tables)
    sql = re.compile(r"\b(?:FROM|JOIN|INTO|UPDATE|TABLE|ON|EXISTS)\s+(" + "|".join(map(re.escape, tables)) + r")\b")
    found = []
    for path in sorted(SRC.rglob("*.py")):
        package = path.relative_to(SRC).parts[0]
        if package in WINGS:
            continue
        for line, text in _strings(path):
            for match in sql.finditer(text):
                found.append(f"{path.relative_to(SRC)}:{line}: {match.group(0)} (the {tables[match.group(1)]} wing's)")
    assert not found, "the core's SQL names a wing's table:\n" + "\n".join(found)


def _run(home: Path, wings: str, words: tuple[str, ...]) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("CLAUDE_CONFIG_DIR", "CODEX_HOME", "LESSONLOOP_CONFIG")}
    env.update(HOME=str(home), LESSONLOOP_DB=str(home / "store.db"), LESSONLOOP_INGEST_WAIT="1")
    env[ENV_WINGS] = wings
    command = [word.format(tmp=home) for word in words]
    return subprocess.run(
        [sys.executable, "-m", "lessonloop", *command],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.parametrize("out", ["every wing", *WINGS])
def test_the_cores_commands_run_with_a_wing_out(tmp_path: Path, out: str) -> None:
    loaded = "" if out == "every wing" else ",".join(wing for wing in WINGS if wing != out)
    failed = []
    for words in CORE_COMMANDS:
        done = _run(tmp_path, loaded, words)
        if done.returncode != 0 or "no such table" in done.stderr or "no such column" in done.stderr:
            failed.append(f"lessonloop {' '.join(words)} -> {done.returncode}: {done.stderr.strip()[-300:]}")
    assert not failed, f"without {out}:\n" + "\n".join(failed)
    listed = json.loads(_run(tmp_path, loaded, ("stats", "--json")).stdout)
    assert listed["sessions"] > 0  # the sample was read


@pytest.mark.parametrize("wing", WINGS)
def test_a_wings_commands_run_without_the_other_wings(tmp_path: Path, wing: str) -> None:
    assert _run(tmp_path, wing, ("ingest",)).returncode == 0
    failed = []
    for words in WING_COMMANDS[wing]:
        done = _run(tmp_path, wing, words)
        if done.returncode != 0 or "no such table" in done.stderr or "no such column" in done.stderr:
            failed.append(f"lessonloop {' '.join(words)} -> {done.returncode}: {done.stderr.strip()[-300:]}")
    assert not failed, f"{wing} alone:\n" + "\n".join(failed)


def test_a_store_made_without_the_wings_takes_them_later(tmp_path: Path) -> None:
    """Wings turned on after the store was made without them: their migrations run then, and the
    commands that read their tables work."""
    assert _run(tmp_path, "", ("ingest",)).returncode == 0
    for words in (("stats",), ("search", "git"), ("lessons", "list"), ("runs", "list"), ("git", "commits")):
        done = _run(tmp_path, ",".join(WINGS), words)
        assert done.returncode == 0, done.stderr
