"""Nothing a stored text holds reaches the terminal as an instruction to it (issue 39): a team
lesson whose title held "\\x1b]0;pwned\\x07\\x1b[31m" set the terminal's title and coloured what
followed in `lessons list` and `show`. Escape sequences and control characters are taken out at
the output layer (core/terminal_text.py: the rich console, `shown`, standard output on a
terminal), written as JSON escapes in --json; a real terminal (a pseudo-terminal) gets none."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import cli

ATTACK = "\x1b]0;pwned\x07\x1b[31m"
TITLE = f"{ATTACK}`tool run` fails without --flag\x1b[0m"
# Everything a terminal obeys that a stored text may hold: CSI, OSC (BEL and ST ended), DCS, APC,
# a charset switch, a reset, the 8-bit forms, carriage return, backspace, BEL, bidirectional overrides.
SEQUENCES = (
    "\x1b[2J\x1b[H", "\x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\", "\x1bP+q\x1b\\", "\x1b_payload\x1b\\",
    "\x1b(0", "\x1bc", "\x9b31m", "\x9d0;t\x9c", "over\rwrite", "back\b\b", "bell\x07", "\u202eevil\u202c",
)  # fmt: skip
OBEYED = ("\x1b", "\x07", "\x9b", "\x9d", "\x9c", "\r", "\b", "\u202e")


def _clean(text: str) -> bool:
    return not any(c in text for c in OBEYED)


def test_printable_takes_out_every_sequence_whole_and_keeps_the_text() -> None:
    from lessonloop.core.terminal_text import printable

    assert printable(TITLE) == "`tool run` fails without --flag"
    for sequence in SEQUENCES:
        assert _clean(printable(f"a{sequence}b")), repr(sequence)
    assert printable("\x1b]0;pwned\x07x") == "x"  # the window title's text goes with its sequence
    assert printable("one\ttwo\nthree") == "one\ttwo\nthree"
    assert printable("one\ttwo\nthree", layout=False) == "one two three"
    assert printable("ünïcødé 漢字 🎉 [bold]x[/]") == "ünïcødé 漢字 🎉 [bold]x[/]"
    cut = "x\x1b]0;pwn"  # a sequence cut by two writes: its introducer goes, the rest is plain text
    assert _clean(printable(cut))


def test_json_keeps_every_character_as_an_escape() -> None:
    from lessonloop.core.terminal_text import json_safe

    text = json.dumps({"t": "a\x9bb\u202ec\x7f"}, ensure_ascii=False)
    safe = json_safe(text)
    assert _clean(safe) and json.loads(safe) == {"t": "a\x9bb\u202ec\x7f"}


@pytest.fixture
def store(tmp_path: Path) -> Path:
    """A store with a lesson whose title, body and prevention hold every sequence."""
    import sqlite3

    from tests.conftest import store_with_active_lessons

    db = store_with_active_lessons(
        tmp_path,
        {
            "signature": "escapes",
            "kind": "usage",
            "title": TITLE,
            "body": "body " + "".join(SEQUENCES),
            "prevention": "Run `tool run --flag`. " + "".join(SEQUENCES),
            "scope": "global",
            "sessions": 3,
            "failed_sessions": 3,
            "observations": 3,
        },
    )
    # An import stores the title on one line, its sequences gone (core/outside_text.one_line); a
    # store made before, or a pulled team row, may hold them: the title as such a store has it.
    conn = sqlite3.connect(db)
    try:
        with conn:
            conn.execute("UPDATE lessons SET title = ? WHERE signature = 'escapes'", (TITLE,))
    finally:
        conn.close()
    return db


def test_lessons_list_show_recall_and_their_json_print_no_sequence(store: Path) -> None:
    outputs = {
        "list": cli("lessons", "list", "--db", store),
        "show": cli("lessons", "show", "1", "--db", store),
        "recall": cli("recall", "tool run flag", "--db", store),
        "recall context": cli("recall", "tool run flag", "--context", "--db", store),
        "archive": cli("lessons", "archive", "1", "--db", store),
        "list json": cli("lessons", "list", "--status", "all", "--db", store, "--json"),
        "show json": cli("lessons", "show", "1", "--db", store, "--json"),
        "export md": cli("lessons", "export", "--format", "md", "--status", "all", "--db", store),
        "export jsonl": cli("lessons", "export", "--status", "all", "--db", store),
    }
    for name, result in outputs.items():
        assert result.exit_code == 0, (name, result.stderr)
        assert _clean(result.output) and _clean(result.stderr), (name, result.output)
    assert "`tool run` fails without --flag" in outputs["list"].output
    assert "pwned" not in outputs["list"].output + outputs["show"].output
    assert json.loads(outputs["list json"].output)[0]["title"] == TITLE  # JSON keeps it all, escaped
    assert json.loads(outputs["export jsonl"].output)["title"] == TITLE


def test_session_listings_and_timelines_print_no_sequence(tmp_path: Path) -> None:
    from tests.planted_transcripts import write_planted_session

    transcripts = tmp_path / "transcripts"
    session = write_planted_session(transcripts, "".join(SEQUENCES) + ATTACK, 0)
    db = tmp_path / "s.db"
    ingested = cli("ingest", "--db", db, "--no-progress", transcripts)
    assert ingested.exit_code == 0, ingested.stderr
    for args in (
        ["sessions"],
        ["show", session],
        ["show", session, "--all"],
        ["report"],
        ["analyze", "--session", session],
    ):
        result = cli(*args, "--db", db)
        assert result.exit_code == 0, (args, result.stderr)
        assert _clean(result.output) and _clean(result.stderr), (args, result.output)


def _on_a_terminal(args: list[str], env: dict[str, str]) -> bytes:
    """`lessonloop ARGS` run with a pseudo-terminal as its standard output: what the terminal got."""
    main, side = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "lessonloop", *args], stdout=side, stderr=side, stdin=subprocess.DEVNULL, env=env
    )
    os.close(side)
    got = b""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ready, _, _ = select.select([main], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(main, 65536)
            except OSError:  # the other side closed
                break
            if not chunk:
                break
            got += chunk
        elif process.poll() is not None:
            break
    process.wait(timeout=60)
    os.close(main)
    return got


def test_a_real_terminal_gets_styles_but_no_sequence_from_the_store(store: Path) -> None:
    env = {**os.environ, "COLUMNS": "160", "TERM": "xterm-256color"}
    env.pop("NO_COLOR", None)
    for args in (["lessons", "list"], ["lessons", "show", "1"], ["recall", "tool run flag"]):
        got = _on_a_terminal([*args, "--db", str(store)], env)
        assert b"tool run" in got, got[:500]
        assert b"pwned" not in got and b"\x1b]" not in got and b"\x07" not in got, (args, got[:800])
        assert b"\x1b[2J" not in got and b"\x1bP" not in got and "\u202e".encode() not in got, args
        assert "\x9b".encode() not in got and b"\r\r" not in got


def test_text_printed_without_the_helpers_is_cleaned_on_a_terminal_only() -> None:
    """The output layer's net: standard output is cleaned while a command runs when it is a
    terminal; piped, a command's bytes are its own."""
    from lessonloop.cli import terminal_output
    from lessonloop.cli.common import run_handler

    def handler(_args: object) -> int:
        print(f"plain {ATTACK}print")
        return 0

    class Terminal:
        def __init__(self) -> None:
            self.text = ""

        def write(self, text: str) -> int:
            self.text += text
            return len(text)

        def flush(self) -> None:
            pass

        def isatty(self) -> bool:
            return True

    saved = sys.stdout
    terminal = Terminal()
    sys.stdout = terminal
    try:
        assert run_handler(handler, None) == 0
        assert sys.stdout is terminal  # put back afterwards
    finally:
        sys.stdout = saved
    assert terminal.text == "plain print\n"
    assert terminal_output.unfiltered(terminal) is terminal


def test_a_team_lesson_and_a_members_name_reach_no_terminal_as_sequences(team_server: object, tmp_path: Path) -> None:
    """The issue's case, through a real PostgreSQL server: a write member's lesson titled with an
    OSC and a CSI sequence, pulled by a colleague; a member named with one, in `team status`."""
    pytest.importorskip("psycopg")
    from lessonloop.team.items import item_id
    from lessonloop.team.server import TeamServer, init_schema

    url = team_server.new_database()  # type: ignore[attr-defined]
    made = init_schema(url, "alice")
    assert made.token is not None
    with TeamServer(url, "alice", made.token) as alice:
        bob = alice.add_member("bob", "write")
        alice.add_member(f"eve{ATTACK}", "read")
    item = {
        "id": item_id("lesson", "", "sig-escapes"), "kind": "lesson", "project": "", "signature": "sig-escapes",
        "payload": {"title": TITLE, "body": "b" + "".join(SEQUENCES), "prevention": "p"},
        "counts": {"sessions": 3, "failed_sessions": 3}, "digest": "d-escapes",
        "first_seen": "2026-11-01T00:00:00Z", "last_seen": "2026-11-02T00:00:00Z",
    }  # fmt: skip
    with TeamServer(url, "bob", bob) as server:
        server.push("batch-escapes", [item])
    store = tmp_path / "alice.db"
    assert cli("team", "join", url, "--as", "alice", "--token", made.token, "--db", store).exit_code == 0
    pulled = cli("team", "pull", "--db", store)
    assert pulled.exit_code == 0, pulled.stderr
    for args in (["lessons", "list"], ["lessons", "show", "1"], ["team", "status"], ["lessons", "approve", "1"]):
        result = cli(*args, "--db", store)
        assert result.exit_code == 0, (args, result.stderr)
        assert _clean(result.output) and "pwned" not in result.output, (args, result.output)
    assert "`tool run` fails without --flag" in cli("lessons", "list", "--db", store).output
