"""One answer to "which project is this folder?": ingest, the hooks, the MCP server and
`lessonloop run` agree (lessonloop.capture.project_resolver), end to end with real git repositories,
worktrees, a configuration file, transcripts ingested through the CLI, hook processes, the MCP
server over stdio and `lessonloop run` processes."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from lessonloop.apply import mcp_tools
from lessonloop.store import open_store
from tests.conftest import cli
from tests.hook_helpers import HookSession, hook_env
from tests.runner_helpers import lessonloop_run, runner_env
from tests.transcript_builder import TranscriptBuilder


def _git(*args: str | Path, cwd: Path) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *map(str, args)],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


class Layout:
    """A home folder with a repository, its sub-folder, a worktree, a worktree that is removed
    after its session was ingested, a folder a `[projects]` mapping places, and a plain folder."""

    def __init__(self, tmp_path: Path) -> None:
        self.home = tmp_path / "home"
        self.repo = self.home / "projects" / "app"
        self.repo.mkdir(parents=True)
        _git("init", "-q", "-b", "main", cwd=self.repo)
        _git("commit", "-q", "--allow-empty", "-m", "start", cwd=self.repo)
        self.sub = self.repo / "src" / "pkg"
        self.sub.mkdir(parents=True)
        self.worktree = self.home / "projects" / "app-feature"
        _git("worktree", "add", "-q", "-b", "feature", self.worktree, cwd=self.repo)
        # A checkout whose path says nothing of its repository: only the disk knew.
        self.gone = tmp_path / "checkouts" / "ticket-512"
        _git("worktree", "add", "-q", "-b", "ticket-512", self.gone, cwd=self.repo)
        self.mapped = self.home / "scratch" / "api-experiment"
        self.mapped.mkdir(parents=True)
        self.plain = self.home / "notes"
        self.plain.mkdir()
        self.config = tmp_path / "config.toml"
        self.config.write_text('[projects]\n"~/scratch/api-experiment" = "~/src/api"\n')
        self.db = tmp_path / "store" / "lessonloop.db"
        self.transcripts = tmp_path / "transcripts"
        root = os.path.realpath(self.repo)
        # folder -> the project every part must give it
        self.expected: dict[str, str] = {
            "mapped": str(self.home / "src" / "api"),
            "git root": root,
            "sub-folder": root,
            "worktree": root,
            "gone folder": root,
            "plain folder": str(self.plain),
        }
        self.folders: dict[str, Path] = {
            "mapped": self.mapped,
            "git root": self.repo,
            "sub-folder": self.sub,
            "worktree": self.worktree,
            "gone folder": self.gone,
            "plain folder": self.plain,
        }

    def env(self) -> dict[str, str]:
        return {"HOME": str(self.home), "LESSONLOOP_CONFIG": str(self.config)}

    def write_session(self, name: str, folder: Path, branch: str = "main") -> str:
        t = TranscriptBuilder(cwd=str(folder), branch=branch)
        t.prompt(f"work in the {name}")
        t.bash("ls", "README.md")
        t.write(self.transcripts / name.replace(" ", "-") / f"{t.session_id}.jsonl")
        return t.session_id

    def remove_gone(self) -> None:
        _git("worktree", "remove", self.gone, cwd=self.repo)
        assert not self.gone.exists()


@pytest.fixture
def layout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Layout:
    made = Layout(tmp_path)
    for key, value in made.env().items():
        monkeypatch.setenv(key, value)
    return made


def _ingest(layout: Layout) -> None:
    done = cli("ingest", "--db", layout.db, layout.transcripts, "--no-analyze")
    assert done.exit_code == 0, done.stderr


def _ingested_projects(layout: Layout) -> dict[str, str]:
    conn = sqlite3.connect(layout.db)
    try:
        by_cwd = dict(conn.execute("SELECT cwd, project FROM sessions WHERE parent_id IS NULL").fetchall())
    finally:
        conn.close()
    return {name: by_cwd[str(folder)] for name, folder in layout.folders.items()}


def _hook_projects(layout: Layout) -> dict[str, dict[str, str | None]]:
    """The project each folder's session gets from SessionStart, and from a session whose first
    event is a PreToolUse (no SessionStart seen: resolved then)."""
    env = hook_env(layout.db, **layout.env())
    found: dict[str, dict[str, str | None]] = {}
    conn = sqlite3.connect(layout.db)
    try:
        for name, folder in layout.folders.items():
            started = HookSession(folder, env)
            assert started.start().returncode == 0
            first_tool = HookSession(folder, env)
            pre, _post = first_tool.bash("ls")
            assert pre.returncode == 0
            rows = dict(
                conn.execute(
                    "SELECT session_id, project FROM hook_sessions WHERE session_id IN (?, ?)",
                    (started.session_id, first_tool.session_id),
                ).fetchall()
            )
            found[name] = {"SessionStart": rows.get(started.session_id), "PreToolUse": rows.get(first_tool.session_id)}
    finally:
        conn.close()
    return found


def _mcp_projects(layout: Layout) -> dict[str, str]:
    """The project record_lesson stores a lesson under when given each folder."""
    conn = open_store(layout.db)
    try:
        found = {}
        for name, folder in layout.folders.items():
            out = mcp_tools.record_lesson(conn, f"A lesson stated in the {name}", "Do it right", project=str(folder))
            found[name] = conn.execute("SELECT project FROM lessons WHERE id = ?", (out["id"],)).fetchone()[0]
        return found
    finally:
        conn.close()


def _runner_projects(layout: Layout) -> dict[str, str]:
    """The project `lessonloop run` records each folder's run under. The gone folder is made
    again as an empty folder that the command itself removes: the run ends in a folder that no
    longer exists, as a hook or a run in a removed worktree does."""
    env = runner_env(layout.db, **layout.env())
    found = {}
    for name, folder in layout.folders.items():
        if name == "gone folder":
            folder.mkdir(parents=True)
            ran = lessonloop_run("--json", "--", sys.executable, "-c", f"import os; os.rmdir({str(folder)!r})",
                                 env=env, cwd=folder)  # fmt: skip
            assert not folder.exists()
        else:
            ran = lessonloop_run("--json", "--", sys.executable, "-c", "pass", env=env, cwd=folder)
        assert ran.status == 0, ran.stderr
        run_id = ran.summary()["run_id"]
        conn = sqlite3.connect(layout.db)
        try:
            found[name] = conn.execute("SELECT project FROM runs WHERE id = ?", (run_id,)).fetchone()[0]
        finally:
            conn.close()
    return found


@pytest.mark.slow
def test_ingest_hooks_mcp_and_the_runner_agree_on_every_kind_of_folder(layout: Layout) -> None:
    for name, folder in layout.folders.items():
        layout.write_session(name, folder, branch="ticket-512" if name == "gone folder" else "main")
    _ingest(layout)
    layout.remove_gone()
    _ingest(layout)  # the projects are placed again with the checkout gone: it keeps its repository

    ingested = _ingested_projects(layout)
    hooks = _hook_projects(layout)
    mcp = _mcp_projects(layout)
    runs = _runner_projects(layout)
    table: dict[str, dict[str, Any]] = {
        name: {
            "ingest": ingested[name],
            "SessionStart": hooks[name]["SessionStart"],
            "first PreToolUse": hooks[name]["PreToolUse"],
            "MCP": mcp[name],
            "runner": runs[name],
        }
        for name in layout.folders
    }
    expected = {name: dict.fromkeys(table[name], project) for name, project in layout.expected.items()}
    assert table == expected


@pytest.mark.slow
def test_a_lesson_recorded_through_mcp_in_a_mapped_folder_reaches_the_hooks_there(layout: Layout) -> None:
    pytest.importorskip("mcp", reason="the MCP SDK is not installed: pip install 'lessonloop[mcp]'")
    import anyio
    from mcp import ClientSession
    from mcp.client.stdio import StdioServerParameters, stdio_client

    open_store(layout.db).close()
    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "lessonloop", "mcp", "--db", str(layout.db)],
        env={**os.environ, **layout.env(), "LESSONLOOP_EMBEDDINGS": "none"},
        cwd=str(layout.mapped),
    )
    answers: list[Any] = []

    async def record() -> None:
        with anyio.fail_after(60):
            async with stdio_client(params) as (read, write), ClientSession(read, write) as client:
                await client.initialize()
                answers.append(
                    await client.call_tool(
                        "record_lesson",
                        {
                            "title": "The API tests need the mock server on port 8089",
                            "prevention": "Start it first: `make mock-server`",
                            "project": str(layout.mapped),
                        },
                    )
                )

    anyio.run(record)
    assert not getattr(answers[0], "isError", getattr(answers[0], "is_error", False)), answers[0]
    conn = sqlite3.connect(layout.db)
    stored = conn.execute("SELECT id, project, origin, status FROM lessons").fetchall()
    conn.close()
    assert [row[1:] for row in stored] == [(layout.expected["mapped"], "mcp", "pending")]

    env = hook_env(layout.db, **layout.env())
    # An agent's lesson waits for the person: no agent is given it before they approve it.
    assert "mock server" not in HookSession(layout.mapped, env).start().context
    approved = cli("lessons", "approve", str(stored[0][0]), "--db", layout.db)
    assert approved.exit_code == 0, approved.stderr
    session = HookSession(layout.mapped, env)
    start = session.start()
    assert "The API tests need the mock server on port 8089" in start.context
    other = HookSession(layout.mapped, env)
    prompt = other.prompt("the API tests need the mock server")
    assert "make mock-server" in prompt.context


def test_a_hook_in_a_removed_worktree_gets_the_project_ingest_gave_it(layout: Layout) -> None:
    session_id = layout.write_session("gone folder", layout.gone, branch="ticket-512")
    _ingest(layout)
    layout.remove_gone()
    conn = open_store(layout.db)
    try:
        ingested = conn.execute("SELECT project FROM sessions WHERE id = ?", (session_id,)).fetchone()[0]
        assert ingested == os.path.realpath(layout.repo)
        recorded = mcp_tools.record_lesson(
            conn, "Migrations need the test database", "Run make testdb", project=str(layout.repo)
        )
    finally:
        conn.close()
    assert cli("lessons", "approve", str(recorded["id"]), "--db", layout.db).exit_code == 0  # an agent's: approved

    env = hook_env(layout.db, **layout.env())
    resumed = HookSession(layout.gone, env)
    start = resumed.start(source="resume")
    conn = sqlite3.connect(layout.db)
    try:
        hooked = conn.execute(
            "SELECT project FROM hook_sessions WHERE session_id = ?", (resumed.session_id,)
        ).fetchone()
    finally:
        conn.close()
    assert hooked == (ingested,)
    assert "Migrations need the test database" in start.context
