"""One `lessonloop ingest` in a home holding all five agents finds each (issue 26, item 3).

A temporary HOME holds a few real files of each agent's shared corpus where the agent keeps them
(docs/agents/, capture/*/paths.py): Claude Code (claude-code/spotter) under ~/.claude/projects,
Codex CLI (codex/codemie) under ~/.codex/sessions, Gemini CLI (gemini/codemie) under
~/.gemini/tmp/<project hash>/chats, OpenCode (opencode/codemie) under ~/.local/share/opencode,
and Aider (aider/aider-dev, a few sessions) in two git repositories: one whose sub-folder is the
Codex session's working folder (the copy's cwd is rewritten to it), one the folder ingest runs
in. `lessonloop ingest` runs once, as a subprocess, without paths; then `sessions`, `show` (with
an id copied from `sessions --json`, and with the prefix the table shows) and `report` work for
every agent.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SHARED_CORPUS
from tests.git_helpers import own_repository, person_env

SPOTTER = SHARED_CORPUS / "claude-code" / "spotter"
CODEX = SHARED_CORPUS / "codex" / "codemie" / "sessions"
GEMINI = SHARED_CORPUS / "gemini" / "codemie"
OPENCODE = SHARED_CORPUS / "opencode" / "codemie" / "storage"
AIDER = SHARED_CORPUS / "aider" / "aider-dev" / "chat-history.md"
HEADING = b"# aider chat started at "
AGENTS = {"claude-code", "codex", "gemini", "aider", "opencode"}
ENV_MOVING_HOMES = (
    "CODEX_HOME",
    "GEMINI_CLI_HOME",
    "XDG_DATA_HOME",
    "OPENCODE_DB",
    "CLAUDE_CONFIG_DIR",
    "AIDER_CHAT_HISTORY_FILE",
)


def aider_sessions(first: int, count: int) -> bytes:
    """Sessions first..first+count of the aider-dev history, as aider wrote them, without its
    `> Commit <sha>` lines: those name aider's own repository's commits, which the person's
    repository here does not hold, and a history naming only commits its repository does not hold
    was written in another one (agents/aider/reader/ownership.py): not read without being named."""
    data = AIDER.read_bytes()
    starts = [m.start() for m in re.finditer(rb"(?m)^" + re.escape(HEADING), data)]
    return re.sub(rb"(?m)^> Commit [0-9a-f]+ .*\n", b"", data[starts[first] : starts[first + count]])


def git_repo(folder: Path, home: Path) -> Path:
    """A repository the person works in (a commit of theirs made here): Aider's history there is read."""
    return own_repository(folder, person_env(home))


def build_home(tmp_path: Path) -> tuple[Path, Path, dict[str, int]]:
    """The home, the folder ingest runs in, and how many sessions of each agent it holds."""
    home = tmp_path / "home"
    expected: dict[str, int] = {}
    # Claude Code: two transcripts (with their subagent folders) of one project.
    claude = home / ".claude" / "projects" / "-home-USER-projects-spotter"
    claude.mkdir(parents=True)
    transcripts = sorted(SPOTTER.glob("*.jsonl"))[:2]
    for transcript in transcripts:
        shutil.copyfile(transcript, claude / transcript.name)
        if transcript.with_suffix("").is_dir():
            shutil.copytree(transcript.with_suffix(""), claude / transcript.stem)
    expected["claude-code"] = len(transcripts)
    # Codex CLI: its rollouts, one working in a sub-folder of a git repository holding an Aider history.
    project = git_repo(tmp_path / "work" / "codex-project", home)
    (project / "src").mkdir()
    rollouts = sorted(CODEX.rglob("rollout-*.jsonl"))
    for number, rollout in enumerate(rollouts):
        target = home / ".codex" / "sessions" / rollout.relative_to(CODEX)
        target.parent.mkdir(parents=True, exist_ok=True)
        data = rollout.read_bytes()
        if number == 0:
            data = re.sub(rb'"cwd":"[^"]*"', b'"cwd":"' + str(project / "src").encode() + b'"', data)
        target.write_bytes(data)
    expected["codex"] = len(rollouts)
    (project / ".aider.chat.history.md").write_bytes(aider_sessions(10, 4))
    # Gemini CLI: the single-JSON chats under their project hash, the prompt log beside them.
    for chat in sorted(GEMINI.glob("session-*.json")):
        project_hash = json.loads(chat.read_text(encoding="utf-8"))["projectHash"]
        folder = home / ".gemini" / "tmp" / project_hash / "chats"
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(chat, folder / chat.name)
        expected["gemini"] = expected.get("gemini", 0) + 1
    # OpenCode: its storage tree.
    shutil.copytree(OPENCODE, home / ".local" / "share" / "opencode" / "storage")
    expected["opencode"] = len(list(OPENCODE.glob("session/*/*.json")))
    # Aider: a history in the folder ingest runs in (a git repository of its own).
    here = git_repo(tmp_path / "work" / "here", home)
    (here / ".aider.chat.history.md").write_bytes(aider_sessions(20, 3))
    expected["aider"] = 4 + 3
    return home, here, expected


def run(home: Path, cwd: Path, *args: str | Path) -> Any:
    env = {k: v for k, v in os.environ.items() if k not in ENV_MOVING_HOMES and not k.startswith("GIT_")}
    env["HOME"] = str(home)
    env["COLUMNS"] = "200"
    result = subprocess.run(
        [sys.executable, "-m", "lessonloop", *map(str, args)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, (args, result.stderr[-2000:])
    return result


@pytest.mark.slow
def test_one_ingest_finds_all_five_agents(tmp_path: Path) -> None:
    for corpus in (SPOTTER, CODEX, GEMINI, OPENCODE, AIDER):
        if not corpus.exists():
            pytest.skip(f"shared corpus {corpus} is absent (the ../shared folder)")
    home, here, expected = build_home(tmp_path)
    db = tmp_path / "store.db"
    ingested = json.loads(run(home, here, "ingest", "--db", db, "--json", "--no-progress").stdout)
    assert not ingested.get("used_sample"), ingested
    files = ingested["files"]
    # Every file found is accounted for: read, unchanged, failed or in another format (OpenCode's
    # storage counted as the session it holds, and said so).
    assert files["found"] == files["read"] + files["unchanged"] + files["failed"] + files["other_format"], files
    assert {g["agent"] for g in files["read_whole"]} == {"opencode"}, files
    hint = [n for n in ingested["notices"] if n["code"] == "aider-histories"]
    assert len(hint) == 1 and "2 Aider histories found" in hint[0]["detail"], json.dumps(ingested)

    rows = json.loads(run(home, here, "sessions", "--db", db, "--json", "--include-empty").stdout)
    found: dict[str, int] = {}
    for row in rows:
        found[row["agent"]] = found.get(row["agent"], 0) + 1
    assert set(found) == AGENTS
    assert found == expected
    ids = [row["id"] for row in rows]
    assert len(set(ids)) == len(ids)

    table = run(home, here, "sessions", "--db", db, "--include-empty").stdout
    for agent in sorted(AGENTS):
        mine = [row for row in rows if row["agent"] == agent]
        full = mine[0]["id"]
        shown = json.loads(run(home, here, "show", "--db", db, "--json", full).stdout)
        assert shown["session"]["id"] == full
        # The id as the table shows it (a prefix): `show` takes it.
        short = next(
            word for line in table.splitlines() for word in line.split() if len(word) >= 8 and full.startswith(word)
        )
        assert json.loads(run(home, here, "show", "--db", db, "--json", short).stdout)["session"]["id"] == full
        report = json.loads(run(home, here, "report", "--db", db, "--json", "--agent", agent, "--include-empty").stdout)
        assert {s["session_id"] for s in report["sessions"]} == {row["id"] for row in mine}
