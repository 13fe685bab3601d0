"""Issue 12's "done when": secrets planted in every place a Claude Code transcript or a Codex
rollout holds text are found nowhere afterwards, and their look-alikes survive.

The kinds of secrets of tests/secret_samples.py (the common providers' key formats and a sample of
gitleaks' rule set, JWTs, private keys whole and in pieces, passwords in URLs, secret flags and
assignments of command lines, config and credential files (.netrc, kubeconfig, docker, .npmrc,
htpasswd, PuTTY), cookies, chat bots' tokens, database clients and connection strings, a password
told in a sentence, a secret on the line after another; issue 39's passwords in programs' options
and after bare words, piped to programs, seed phrases, WIF keys, vendors' headers and signed
URLs), each in its own session, in each of the 26 places of tests/planted_transcripts.py (prompts,
corrections, tool inputs and results, subagents, summaries, ...) and each in a Codex rollout of
its own, in each of the places of tests/planted_codex.py (prompts, reasoning, replies, commands
and their outputs, patches and applied diffs, the person's shell), are ingested through the real
command line (a subprocess) and learned from. The hooks store calls that carry them too, and `lessonloop run` records a command and an
output that carry them. Then none of the secrets may occur in:
- the store's bytes: the file and its write-ahead log, read raw (a connection kept open meanwhile
  so the log is not checkpointed away);
- any export: JSONL and Markdown on stdout, and written to CLAUDE.md, AGENTS.md and a JSONL file;
  `lessonloop dataset export` of every kind; `report --html`;
- the output of every command, with --json and as tables;
- the MCP server's answers (the SDK's stdio client), and the hooks' answers (the real hook
  commands);
- the web UI's pages and API (`lessonloop serve`, a subprocess), and a team's PostgreSQL database
  after `team push` (skipped with the reason when no PostgreSQL starts).
Each place must have held a secret (its text is in the store, redacted), so the test cannot pass
by losing the texts.
"""

from __future__ import annotations

import importlib.util
import json
import sqlite3
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from lessonloop.secrets import redaction
from lessonloop.secrets.redaction import redact
from tests.conftest import cli
from tests.hook_helpers import HookRun, HookSession, hook_env, run_hook
from tests.planted_codex import write_planted_codex_session
from tests.planted_transcripts import CWD, MCP_SECRETS, write_planted_session
from tests.secret_samples import LOOK_ALIKES, PLANTED

SECRETS: dict[str, str] = {secret: p.kind for p in PLANTED for secret in p.secrets} | dict.fromkeys(
    MCP_SECRETS, "mcp-input-key"
)
# Every test here reads one module fixture that ingests, learns, exports and serves (~40 s).
pytestmark = pytest.mark.slow

LOOK_ALIKE_INDEX = 1000
CODEX_FOLDER = "codex"  # the Codex rollouts' root under the transcripts' folder


@dataclass
class Planted:
    """Everything the planted secrets went through, and everything that came out."""

    db: Path
    sessions: dict[str, str]  # session id -> planted kind (Claude Code's and Codex's)
    store_bytes: bytes = b""
    outputs: dict[str, str] = field(default_factory=dict)  # what -> text given out
    exports: dict[str, str] = field(default_factory=dict)
    mcp: dict[str, str] = field(default_factory=dict)
    hooks: dict[str, str] = field(default_factory=dict)


def lessonloop(*args: str | Path, env: dict[str, str], stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    """The real command line, as a subprocess."""
    return subprocess.run(
        [sys.executable, "-m", "lessonloop", *map(str, args)],
        env=env,
        input=stdin.decode() if stdin else None,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def leaks(text: str) -> list[str]:
    """The planted secrets found in `text`, as `kind: secret`."""
    return sorted({f"{kind}: {secret}" for secret, kind in SECRETS.items() if secret in text})


def where(conn: sqlite3.Connection, secret: str) -> list[str]:
    """The table.column cells holding `secret` (to say where a leak is)."""
    out = []
    for (table,) in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'lessons_fts%'"
    ):
        for row in conn.execute(f"PRAGMA table_info({table})"):
            found = conn.execute(
                f"SELECT count(*) FROM {table} WHERE instr(CAST({row[1]} AS TEXT), ?) > 0", (secret,)
            ).fetchone()[0]
            if found:
                out.append(f"{table}.{row[1]} ({found})")
    return out


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Planted]:
    base = tmp_path_factory.mktemp("planted")
    transcripts = base / "transcripts"
    sessions = {write_planted_session(transcripts, p.line, i, p.in_file): p.kind for i, p in enumerate(PLANTED)}
    codex = transcripts / CODEX_FOLDER
    sessions |= {write_planted_codex_session(codex, p.line, i, p.in_file): p.kind for i, p in enumerate(PLANTED)}
    write_planted_session(transcripts, "\n".join(LOOK_ALIKES), LOOK_ALIKE_INDEX)
    write_planted_codex_session(codex, "\n".join(LOOK_ALIKES), LOOK_ALIKE_INDEX)
    db = base / "store" / "lessonloop.db"
    env = hook_env(db, LESSONLOOP_EMBEDDINGS="none", LESSONLOOP_CONFIG=str(base / "config.toml"))
    env.pop("LESSONLOOP_HOOK_FOREGROUND", None)
    result = Planted(db, sessions)

    created = lessonloop("learn", "--db", db, env=env)  # a writing command makes the store
    assert created.returncode == 0, created.stderr
    # A reader holding a snapshot: the write-ahead log is neither removed nor reset meanwhile, so
    # every frame written to it stays there to be searched (a secret written even for a moment).
    keeper = sqlite3.connect(db)
    keeper.execute("BEGIN")
    keeper.execute("SELECT count(*) FROM sessions").fetchone()
    try:
        ingest = lessonloop("ingest", "--db", db, "--no-bandit", "--json", transcripts, env=env)
        assert ingest.returncode == 0, ingest.stderr
        result.outputs["ingest --json (subprocess)"] = ingest.stdout + ingest.stderr
        _hooks(result, env)
        _runner(result, env, base)
        assert Path(f"{db}-wal").stat().st_size > 0
        # The store, its log, and whatever else lives beside it (the hooks' spool and failure log).
        result.store_bytes = b"".join(path.read_bytes() for path in sorted(db.parent.rglob("*")) if path.is_file())
        _commands(result)
        _exports(result, base)
        _mcp(result, env, base)
        yield result
    finally:
        keeper.close()


def _hooks(result: Planted, env: dict[str, str]) -> None:
    """The hooks store calls carrying secrets, and answer with lessons learned from them."""
    env = {**env, "LESSONLOOP_HOOK_FOREGROUND": "1"}
    session = HookSession(Path(CWD), env)
    answers: list[tuple[str, HookRun]] = [("SessionStart", session.start())]
    answers.append(("UserPromptSubmit", session.prompt("No, don't do that, run it with deployer --token instead")))
    for n, planted_line in enumerate(p.line for p in PLANTED):  # each fires the lessons its rejection taught
        tool_input = {"command": planted_line, "description": "run"}
        payload = session.payload("PreToolUse", tool_name="Bash", tool_input=tool_input, tool_use_id=f"toolu_pre{n}")
        answers.append(("PreToolUse", run_hook("PreToolUse", payload, env)))
    everything = "\n".join(p.line for p in PLANTED)
    pre, post = session.bash(f"cat secrets.txt # {everything}", error=f"Exit code 1\n{everything}")
    answers += [("PreToolUse", pre), ("PostToolUseFailure", post)]
    pre, post = session.bash(f"cat secrets.txt # {everything}", stdout=everything)
    answers += [("PreToolUse", pre), ("PostToolUse", post)]
    tool_input = {"file_path": "/home/dev/planted/.env", "content": "\n".join(p.in_file for p in PLANTED)}
    pre = run_hook("PreToolUse", session.payload("PreToolUse", tool_name="Write", tool_input=tool_input), env)
    answers.append(("PreToolUse Write", pre))
    answers.append(("Stop", session.stop()))
    for name, run in answers:
        assert run.returncode == 0, (name, run.stderr)
        result.hooks[f"{name} #{len(result.hooks)}"] = run.stdout
    assert any(run.context for name, run in answers if name == "SessionStart"), "SessionStart gave no lessons"


def _runner(result: Planted, env: dict[str, str], base: Path) -> None:
    """`lessonloop run` records a command line and an output carrying secrets; feedback a note."""
    script = base / "noisy.sh"
    script.write_text(
        "".join(f"cat <<'EOF'\n{p.line}\nEOF\n" for p in PLANTED) + "echo 'ERROR: deploy failed'\nexit 3\n"
    )
    command = ["sh", str(script), "--password", "Pw0rdFl4gValue9", "--api-key=Zx81kQp0Lm2Vn7Rt"]
    run = lessonloop("run", "-e", "ERROR", "-A", "0", "--", *command, env=env)
    assert run.returncode in (1, 3), run.stderr
    result.outputs["run (its own output is the command's)"] = run.stderr
    feedback = lessonloop("feedback", "1", "--rating", "2", "--note", "use password=hunter2 next time", env=env)
    assert feedback.returncode == 0, feedback.stderr
    result.outputs["feedback"] = feedback.stdout + feedback.stderr


def _commands(result: Planted) -> None:
    """Every command that prints what the store holds, with --json and as tables."""
    db = result.db
    conn = sqlite3.connect(db)
    try:
        lesson_ids = [str(row[0]) for row in conn.execute("SELECT id FROM lessons ORDER BY id")]
        contexts = [str(row[0]) for row in conn.execute("SELECT id FROM sessions ORDER BY id")]
    finally:
        conn.close()
    assert len(lesson_ids) >= len(PLANTED), "each planted kind should give its own correction lessons"
    queries = ["don't do that run it with instead", "person rejected", "deployer token", "password"]
    commands: list[list[str]] = [
        ["sessions"], ["stats"], ["analyze"], ["analyze", "stats"], ["report"], ["learn", "--force"], ["replay"],
        ["lessons", "list", "--status", "all"], ["runs"], ["runs", "show", "1"], ["runs", "patterns"],
        ["runs", "suggest", "--", "sh", "noisy.sh"],
    ]  # fmt: skip
    commands += [["recall", q, "--all", "-n", "50"] for q in queries]
    # One of each in both styles; every session and lesson as JSON (tables show the same texts).
    each = [["show", sid] for sid in contexts] + [["analyze", "--session", sid] for sid in result.sessions]
    each += [["lessons", "show", lid] for lid in lesson_ids]
    runs = [(command, style) for command in commands for style in (["--json"], [])]
    runs += [(command, ["--json"]) for command in each] + [(command, []) for command in each[::20]]
    for command, style in runs:
        out = cli(*command, "--db", db, *style)
        assert out.exit_code in (0, 1), (command, out.stderr)
        result.outputs[" ".join([*command, *style])] = out.output + out.stderr
    for style in (["--json"], []):
        out = cli("config", "show", *style)  # the configuration: no store
        result.outputs[" ".join(["config", "show", *style])] = out.output + out.stderr
    for q in queries:
        out = cli("recall", q, "--context", "--budget", "4000", "--db", db)
        result.outputs[f"recall {q} --context"] = out.output + out.stderr


def _exports(result: Planted, base: Path) -> None:
    db = result.db
    for fmt in ("jsonl", "md"):
        out = cli("lessons", "export", "--format", fmt, "--status", "all", "--db", db)
        assert out.exit_code == 0, out.stderr
        result.exports[f"export {fmt} (stdout)"] = out.output
    for target, fmt in (("CLAUDE.md", "md"), ("AGENTS.md", "md"), ("lessons.jsonl", "jsonl")):
        path = base / "project" / target
        out = cli("lessons", "export", "--format", fmt, "--status", "active", "--to", path, "--db", db, "--json")
        assert out.exit_code == 0, out.stderr
        result.exports[target] = path.read_text()
    assert "[REDACTED:" in result.exports["CLAUDE.md"], "the rules file holds no lesson learned from the secrets"
    for kind in ("records", "chats", "sessions", "lessons", "commits", "runs"):
        out = cli("dataset", "export", "--kind", kind, "--format", "jsonl", "--to", "-", "--db", db)
        assert out.exit_code == 0, (kind, out.stderr)
        result.exports[f"export --kind {kind}"] = out.output
    csv = base / "sessions.csv"
    assert cli("dataset", "export", "--kind", "sessions", "--format", "csv", "--to", csv, "--db", db).exit_code == 0
    result.exports["export sessions csv"] = csv.read_text()
    if importlib.util.find_spec("jinja2") is not None:  # report --html needs the web extra
        page = base / "report.html"
        out = cli("report", "--html", page, "--db", db, "--no-bandit")
        assert out.exit_code == 0, out.stderr
        result.exports["report --html"] = page.read_text()


def _mcp(result: Planted, env: dict[str, str], base: Path) -> None:
    pytest.importorskip("mcp", reason="the MCP SDK is not installed: pip install 'lessonloop[mcp]'")
    import anyio
    from mcp import ClientSession
    from mcp.client.stdio import StdioServerParameters, stdio_client

    params = StdioServerParameters(
        command=sys.executable, args=["-m", "lessonloop", "mcp", "--db", str(result.db)], env=env, cwd=str(base)
    )
    calls: list[tuple[str, dict[str, Any]]] = [
        ("recall_lessons", {"query": "don't do that run it with instead", "project": CWD, "top": 50}),
        ("recall_lessons", {"query": "person rejected", "top": 50}),
        ("session_summary", {"cwd": CWD}),
        ("record_lesson", {"title": "Never pass password=hunter2 on the command line", "prevention": "Use a file",
                           "project": CWD}),
        ("session_summary", {"session_id": "no such session --token Tk9xQ2Lm7Vn4Rs8P"}),
    ]  # fmt: skip
    calls += [("session_summary", {"session_id": sid}) for sid in result.sessions]

    async def session() -> None:
        with anyio.fail_after(120):
            async with stdio_client(params) as (read, write), ClientSession(read, write) as client:
                await client.initialize()
                for n, (name, arguments) in enumerate(calls):
                    answer = await client.call_tool(name, arguments)
                    texts = [getattr(block, "text", "") for block in answer.content]
                    structured = getattr(answer, "structuredContent", None) or getattr(
                        answer, "structured_content", None
                    )
                    result.mcp[f"{name} #{n}"] = "\n".join(texts) + json.dumps(structured or {})

    anyio.run(session)


# --- the checks ---------------------------------------------------------------------------------


@pytest.mark.slow
def test_no_secret_in_the_store_its_log_or_the_files_beside_it(planted: Planted) -> None:
    found = leaks(planted.store_bytes.decode("utf-8", "replace"))
    if found:
        conn = sqlite3.connect(planted.db)
        try:
            detail = [
                f"{leak} in {', '.join(where(conn, leak.split(': ', 1)[1])) or 'free pages or the log'}"
                for leak in found
            ]
        finally:
            conn.close()
        pytest.fail("secrets in the store's bytes:\n" + "\n".join(detail))


def no_leaks(texts: dict[str, str]) -> None:
    """Fail naming each text that holds a planted secret, and which."""
    found = [f"{name}: {', '.join(leaks(text))}" for name, text in texts.items() if leaks(text)]
    if found:
        pytest.fail(f"{len(found)} of {len(texts)} texts hold planted secrets:\n" + "\n".join(found))


def test_no_secret_in_any_export(planted: Planted) -> None:
    no_leaks(planted.exports)


def test_no_secret_in_any_command_output(planted: Planted) -> None:
    no_leaks(planted.outputs)


def test_no_secret_in_mcp_answers(planted: Planted) -> None:
    assert planted.mcp, "the MCP server answered nothing"
    no_leaks(planted.mcp)
    assert any("[REDACTED:" in text for text in planted.mcp.values())


def test_no_secret_in_hook_answers(planted: Planted) -> None:
    no_leaks(planted.hooks)
    assert any("[REDACTED:" in text for text in planted.hooks.values()), "no hook answered with a planted lesson"


@pytest.mark.slow
def test_no_secret_in_the_web_pages_or_api(planted: Planted) -> None:
    """`lessonloop serve` (a real subprocess): every page and API route that shows the store."""
    pytest.importorskip("starlette", reason="the web extra is not installed: pip install 'lessonloop[web]'")
    pytest.importorskip("uvicorn", reason="the web extra is not installed: pip install 'lessonloop[web]'")
    from tests.web_stores import serving

    paths = ["/", "/lessons?status=all", "/sessions", "/runs", "/runs/1", "/lessons/export?format=jsonl&status=all"]
    paths += ["/api/stats", "/api/dashboard", "/api/lessons?status=all", "/api/sessions", "/api/runs", "/api/runs/1"]
    paths += [f"/sessions/{sid}" for sid in planted.sessions] + [f"/api/sessions/{sid}" for sid in planted.sessions]
    pages: dict[str, str] = {}
    with serving(planted.db) as server:
        for path in paths:
            with urllib.request.urlopen(server.url + path, timeout=60) as response:
                pages[path] = response.read().decode("utf-8", "replace")
    assert any("[REDACTED:" in page for page in pages.values())
    no_leaks(pages)


@pytest.mark.slow
def test_no_secret_in_the_team_database(planted: Planted, team_server: Any, tmp_path: Path) -> None:
    """`team push` to a real PostgreSQL (tests/conftest.py's team_server): what the team's database
    holds afterwards, every table and column read as text."""
    import shutil

    import psycopg

    db = Path(shutil.copy(planted.db, tmp_path / "lessonloop.db"))  # the shared store stays as it was
    url = team_server.new_database()
    local = sqlite3.connect(db)
    try:
        projects = [str(r[0]) for r in local.execute("SELECT DISTINCT project FROM lessons WHERE scope = 'project'")]
    finally:
        local.close()
    steps: list[tuple[str, ...]] = [("team", "init", url, "--as", "alice")]
    steps += [
        ("team", "project", project, f"https://github.com/example/planted-{n}") for n, project in enumerate(projects)
    ]
    for args in (*steps, ("team", "push")):
        out = cli(*args, "--db", db, "--json")
        assert out.exit_code == 0, out.stderr + out.output
    held: list[str] = []
    with psycopg.connect(url) as server:
        tables = server.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'lessonloop_team'"
        ).fetchall()
        for (table,) in tables:
            held += [str(row) for row in server.execute(f"SELECT * FROM lessonloop_team.{table}").fetchall()]
    text = "\n".join(held)
    assert "[REDACTED:" in text, "nothing learned from the planted secrets reached the team"
    assert leaks(text) == []


def test_every_place_held_a_planted_secret(planted: Planted) -> None:
    """The texts of each place reached the store (redacted), so the checks above are not vacuous."""
    conn = sqlite3.connect(planted.db)
    try:
        marked = {
            "messages": "SELECT DISTINCT kind FROM messages WHERE instr(text, '[REDACTED:') > 0",
            "tool_calls": "SELECT DISTINCT tool FROM tool_calls WHERE instr(input_json, '[REDACTED:') > 0",
            "results": "SELECT DISTINCT tool FROM tool_calls WHERE instr(coalesce(result_text, error_text), '[REDACTED:') > 0",
            "diffs": "SELECT DISTINCT tool FROM tool_calls WHERE instr(diff, '[REDACTED:') > 0",
            "titles": "SELECT DISTINCT kind FROM sessions WHERE instr(title, '[REDACTED:') > 0",
            "descriptions": "SELECT DISTINCT kind FROM sessions WHERE instr(description, '[REDACTED:') > 0",
            "summaries": "SELECT DISTINCT 'summary' FROM session_summaries WHERE instr(summary, '[REDACTED:') > 0",
            "live calls": "SELECT DISTINCT tool FROM live_calls WHERE instr(command || error_text, '[REDACTED:') > 0",
            "runs": "SELECT DISTINCT 'run' FROM runs WHERE instr(command, '[REDACTED:') > 0",
            "run matches": "SELECT DISTINCT 'match' FROM run_matches WHERE instr(before, '[REDACTED:') > 0",
            "lessons": "SELECT DISTINCT kind FROM lessons WHERE instr(title, '[REDACTED:') > 0",
        }
        got = {name: sorted(str(row[0]) for row in conn.execute(sql)) for name, sql in marked.items()}
    finally:
        conn.close()
    assert set(got["messages"]) >= {
        "prompt", "assistant", "task_prompt", "rejection", "command", "bash_input", "bash_output",
        "command_output", "api_error", "compaction_summary",
    }  # fmt: skip
    assert set(got["tool_calls"]) >= {
        "Bash", "Edit", "MultiEdit", "Write", "NotebookEdit", "Grep", "WebFetch", "WebSearch", "TodoWrite",
        "Task", "mcp__db__query",
    }  # fmt: skip
    assert set(got["results"]) >= {"Bash", "Read", "Grep", "WebFetch", "Task"}
    assert set(got["diffs"]) >= {"Edit", "Write"}
    assert got["titles"] == ["main"] and got["descriptions"] == ["subagent"] and got["summaries"] == ["summary"]
    assert got["live calls"] == ["Bash"] and got["runs"] == ["run"] and got["run matches"] == ["match"]
    assert "correction" in got["lessons"]


def test_every_codex_place_held_a_planted_secret(planted: Planted) -> None:
    """The places of tests/planted_codex.py reached the store (redacted), for every planted kind."""
    conn = sqlite3.connect(planted.db)
    try:
        sessions = [str(row[0]) for row in conn.execute("SELECT id FROM sessions WHERE cwd LIKE '%planted-codex%'")]
        marked = {
            "messages": "SELECT DISTINCT m.kind FROM messages m JOIN sessions s ON s.id = m.session_id"
            " WHERE s.cwd LIKE '%planted-codex%' AND instr(m.text, '[REDACTED:') > 0",
            "tool inputs": "SELECT DISTINCT tool FROM tool_calls WHERE instr(input_json, '[REDACTED:') > 0",
            "results": "SELECT DISTINCT tool FROM tool_calls"
            " WHERE instr(coalesce(result_text, '') || coalesce(error_text, ''), '[REDACTED:') > 0",
            "diffs": "SELECT DISTINCT tool FROM tool_calls WHERE instr(diff, '[REDACTED:') > 0",
        }
        got = {name: sorted(str(row[0]) for row in conn.execute(sql)) for name, sql in marked.items()}
    finally:
        conn.close()
    assert len(sessions) == len(PLANTED) + 1  # each kind's rollout, and the look-alikes'
    assert set(got["messages"]) >= {"prompt", "reasoning", "assistant", "command_output"}
    assert set(got["tool inputs"]) >= {"exec_command", "shell", "apply_patch"}
    assert set(got["results"]) >= {"exec_command", "shell"}
    assert "apply_patch" in got["diffs"]


def test_look_alikes_survive_ingest(planted: Planted) -> None:
    conn = sqlite3.connect(planted.db)
    try:
        prompts = [
            str(row[0])
            for row in conn.execute(
                "SELECT text FROM messages WHERE kind = 'prompt' AND instr(text, ?) > 0", (LOOK_ALIKES[0],)
            )
        ]
        commands = [
            str(row[0])
            for row in conn.execute("SELECT command FROM tool_calls WHERE instr(command, ?) > 0", (LOOK_ALIKES[0],))
        ]
    finally:
        conn.close()
    assert prompts and commands
    # Ingest keeps what the redactor keeps of the same text (the learned pass reads the look-alikes
    # together, each one's neighbours its context: what it takes of them is measured in
    # tests/secrets/test_learned_tokens.py); and the rules alone keep every one.
    joined = "\n".join(LOOK_ALIKES)
    for text, scope in [(prompt, "prose") for prompt in prompts] + [(command, "command") for command in commands]:
        kept_alone = redact(joined, scope)[0]  # type: ignore[arg-type]
        missing = [look for look in LOOK_ALIKES if look not in text and look in kept_alone]
        assert missing == [], text
        assert sum(look not in kept_alone for look in LOOK_ALIKES) <= 2, kept_alone
    redaction.LEARNED = False
    try:
        assert redact(joined, "prose") == (joined, 0)
    finally:
        redaction.LEARNED = True


def test_a_runs_normal_form_is_made_of_the_redacted_command(tmp_path: Path) -> None:
    """Normalizing a command moves a flag's value away from its flag (`--password X` becomes
    `X ... --password`), where no rule can tell it is a secret: the normal form (and the finding
    named after it) must come from the redacted command."""
    db = tmp_path / "runs.db"
    env = hook_env(db, LESSONLOOP_EMBEDDINGS="none", LESSONLOOP_CONFIG=str(tmp_path / "config.toml"))
    script = tmp_path / "deploy.sh"
    script.write_text("echo 'ERROR: failed'\nexit 2\n")
    command = ["sh", str(script), "--password", "Pw0rdFl4gValue9", "--token=Tk9xQ2Lm7Vn4Rs8P"]
    run = lessonloop("run", "-e", "ERROR", "-A", "0", "--", *command, env=env)
    assert run.returncode in (1, 2), run.stderr
    conn = sqlite3.connect(db)
    try:
        stored = conn.execute("SELECT command || ' ' || command_norm FROM runs").fetchone()[0]
        rules = [row[0] for row in conn.execute("SELECT rule FROM findings")]
    finally:
        conn.close()
    assert rules and leaks(stored + " ".join(rules)) == []
    assert "[REDACTED:" in stored
