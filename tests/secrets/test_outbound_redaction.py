"""What leaves the store is redacted again, whatever the store holds: `--json` output, terminal
tables, exports and rules files, MCP answers and hook answers.

The store here holds raw secrets although its record says its texts are redacted with the current
rules (so opening it runs no pass): as texts a person typed into `lessons edit` before edits were
redacted, or rows an older version wrote and a hook read before any command migrated the store.
Every way out must still give none of them.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from lessonloop.core import json_codec
from lessonloop.sample import sample_transcripts
from tests.conftest import cli
from tests.hook_helpers import HookSession, hook_env
from tests.secret_samples import ANTHROPIC, GITHUB_PAT_CLASSIC

SECRETS = (GITHUB_PAT_CLASSIC, ANTHROPIC, "hunter2")
TEXT = f"git push with {GITHUB_PAT_CLASSIC} fails"
COMMAND = f"git push https://x:{ANTHROPIC}@github.com/acme/app.git"


def leaks(text: str) -> list[str]:
    return [secret for secret in SECRETS if secret in text]


@pytest.fixture(scope="module")
def dirty(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int, str]:
    """The bundled sample, then raw secrets written straight into its rows: a learned lesson made
    global and active, its evidence, a session's title, prompt and tool calls."""
    db = tmp_path_factory.mktemp("dirty") / "lessonloop.db"
    result = cli("ingest", "--db", db, "--no-bandit", sample_transcripts())
    assert result.exit_code == 0, result.stderr
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        lesson, session = conn.execute(
            """SELECT l.id, e.session_id FROM lessons l JOIN lesson_evidence e ON e.lesson_id = l.id
               WHERE l.trigger IS NOT NULL AND e.session_id IS NOT NULL ORDER BY l.confidence DESC LIMIT 1"""
        ).fetchone()
        conn.execute(
            """UPDATE lessons SET title = ?, body = ?, prevention = ?, prevention_command = ?, scope = 'global',
                   status = 'active', tier = 'core', confidence = 0.9 WHERE id = ?""",
            (TEXT, f"body: password=hunter2 {TEXT}", f"Use {COMMAND}", COMMAND, lesson),
        )
        detail = json_codec.dumps({"command": COMMAND, "message_text": TEXT, "password": "hunter2"})
        conn.execute("UPDATE lesson_evidence SET detail = ? WHERE lesson_id = ?", (detail, lesson))
        conn.execute("UPDATE sessions SET title = ? WHERE id = ?", (TEXT, session))
        conn.execute(
            """UPDATE messages SET text = ? WHERE rowid =
                   (SELECT rowid FROM messages WHERE session_id = ? AND kind = 'prompt' ORDER BY ts LIMIT 1)""",
            (TEXT, session),
        )
        conn.execute(
            "UPDATE tool_calls SET command = ?, input_json = ?, result_text = ? WHERE session_id = ? AND tool = 'Bash'",
            (COMMAND, json_codec.dumps({"command": COMMAND, "password": "hunter2"}), TEXT, session),
        )
    finally:
        conn.close()
    return db, lesson, session


@pytest.mark.slow
def test_the_store_holds_the_secrets_and_opening_it_does_not_rewrite_them(dirty: tuple[Path, int, str]) -> None:
    db, lesson, _session = dirty
    assert cli("stats", "--db", db).exit_code == 0  # opened: no pass, its record is current
    conn = sqlite3.connect(db)
    try:
        title = conn.execute("SELECT title FROM lessons WHERE id = ?", (lesson,)).fetchone()[0]
    finally:
        conn.close()
    assert title == TEXT


@pytest.mark.parametrize("style", [["--json"], []], ids=["json", "table"])
def test_every_command_output_is_redacted_again(dirty: tuple[Path, int, str], style: list[str]) -> None:
    db, lesson, session = dirty
    commands = [
        ["sessions"], ["show", session], ["lessons", "list", "--status", "all"], ["lessons", "show", str(lesson)],
        ["recall", "git push fails", "--all"], ["analyze", "--session", session], ["report"],
    ]  # fmt: skip
    found = {}
    for command in commands:
        result = cli(*command, "--db", db, *style)
        assert result.exit_code == 0, (command, result.stderr)
        if command[0] in ("sessions", "show", "lessons", "recall"):  # these show the planted texts
            assert "[REDACTED:" in result.output, command
        if leaks(result.output):
            found[" ".join(command)] = leaks(result.output)
    assert found == {}
    shown = cli("lessons", "show", str(lesson), "--db", db, *style).output
    assert "[REDACTED:github-token]" in shown


def test_recall_context_and_exports_are_redacted_again(dirty: tuple[Path, int, str], tmp_path: Path) -> None:
    db, _lesson, _session = dirty
    context = cli("recall", "git push fails", "--context", "--db", db).output
    # --no-wait: the rows written straight into the store stand for an older store's; waiting for
    # the lessons to be current would learn them again from the history (and this is a module's store)
    jsonl = cli("lessons", "export", "--format", "jsonl", "--status", "all", "--no-wait", "--db", db).output
    markdown = cli("lessons", "export", "--format", "md", "--no-wait", "--db", db).output
    rules = tmp_path / "CLAUDE.md"
    assert cli("lessons", "export", "--format", "md", "--to", rules, "--no-wait", "--db", db).exit_code == 0
    for text in (context, jsonl, markdown, rules.read_text()):
        assert "[REDACTED:" in text and leaks(text) == []
    record = next(json_codec.loads(line) for line in jsonl.splitlines() if "git push with" in line)
    assert record["prevention_command"] == "git push https://x:[REDACTED:anthropic-key]@github.com/acme/app.git"


def test_mcp_answers_are_redacted_again(dirty: tuple[Path, int, str]) -> None:
    pytest.importorskip("mcp", reason="the MCP SDK is not installed: pip install 'lessonloop[mcp]'")
    import anyio

    from lessonloop.apply.mcp_server import build_server

    db, _lesson, session = dirty
    server = build_server(db)
    answers: list[str] = []

    async def ask() -> None:
        for name, arguments in (
            ("recall_lessons", {"query": "git push fails", "top": 10}),
            ("session_summary", {"session_id": session}),
            ("session_summary", {"session_id": f"nothing like password=hunter2 {GITHUB_PAT_CLASSIC}"}),
        ):
            try:
                answer = await server.call_tool(name, arguments)
            except Exception as exc:  # the SDK raises the tool's error
                answers.append(str(exc))
                continue
            answers.append(repr(answer))

    anyio.run(ask)
    assert len(answers) == 3 and "[REDACTED:" in answers[0]
    assert [leaks(answer) for answer in answers] == [[], [], []]


def test_hook_answers_are_redacted_again(dirty: tuple[Path, int, str], tmp_path: Path) -> None:
    db, _lesson, _session = dirty
    session = HookSession(tmp_path, hook_env(db, LESSONLOOP_EMBEDDINGS="none"))
    start = session.start()
    prompt = session.prompt("git push fails: the branch has no upstream")
    pre, _post = session.bash("git push")
    contexts = [start.context, prompt.context, pre.context]
    assert all(run.returncode == 0 for run in (start, prompt, pre))
    assert any("[REDACTED:github-token]" in context for context in contexts), contexts
    assert [leaks(run.stdout) for run in (start, prompt, pre)] == [[], [], []]


def test_the_ingest_summary_quotes_no_secret_of_an_unreadable_line(tmp_path: Path) -> None:
    """Problems and notices quote what they could not read (a record type that is an object)."""
    folder = tmp_path / "transcripts" / "-p"
    folder.mkdir(parents=True)
    lines = [
        json_codec.dumps(
            {"type": {"password": "hunter2", "token": GITHUB_PAT_CLASSIC}, "sessionId": "s1", "uuid": "u1"}
        ),
        json_codec.dumps(
            {"type": "user", "sessionId": "s1", "uuid": "u2", "message": {"role": "user", "content": "hi"}}
        ),
    ]
    (folder / "s1.jsonl").write_text("\n".join(lines) + "\n")
    for style in ([], ["--json"]):
        result = cli("ingest", "--db", tmp_path / f"s{len(style)}.db", "--no-bandit", *style, tmp_path / "transcripts")
        assert result.exit_code == 0, result.stderr
        text = result.output + result.stderr
        assert "unknown-record-type" in text or "unknown_record_type" in text or "record type" in text, text
        assert leaks(text) == [], text


def test_the_console_redacts_strings_and_text_objects_in_tables() -> None:
    import io

    from rich.table import Table
    from rich.text import Text

    from lessonloop.cli.redacting_console import RedactingConsole

    out = io.StringIO()
    console = RedactingConsole(file=out, width=200, highlight=False)
    table = Table("string", "text")
    table.add_row(TEXT, Text(COMMAND, style="bold"))
    console.print(table)
    console.print(Text(f"suggested: {COMMAND}"), f"and {TEXT}")
    printed = out.getvalue()
    assert leaks(printed) == []
    assert "git push with [REDACTED:github-token] fails" in printed
    assert printed.count("[REDACTED:anthropic-key]") == 2
