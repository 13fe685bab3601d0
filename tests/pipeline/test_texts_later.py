"""Texts later (issue 62; pipeline/ingest.py, capture/withheld_texts.py, pipeline/texts_later.py): a
capture that stores a new file's figures first stores none of its texts, a secret least of all;
the texts that follow make the store the one a whole capture makes; `stats` reads figures alone,
the reads that show texts store them first, and `lessonloop ingest` leaves them to the worker.
Real stores, real transcripts (the bundled builder's; the shared corpus's when it is there), real
processes for the commands."""

from __future__ import annotations

import json
import shutil
import sqlite3
from dataclasses import fields
from pathlib import Path

import pytest

from lessonloop.capture.discovery import SourceRef
from lessonloop.capture.withheld_texts import KEPT, withhold_texts
from lessonloop.core.records import Batch, MessageRecord, SessionRecord, ToolCallRecord, ToolResultRecord
from lessonloop.pipeline.background.lag import lag_of
from lessonloop.pipeline.ingest import discover, ingest
from lessonloop.pipeline.session_projects import resolve_store_projects
from lessonloop.pipeline.texts_later import store_texts, texts_pending
from lessonloop.settings.config import load_config
from lessonloop.store import open_store
from tests.home_processes import home_env, lessonloop, settled
from tests.transcript_builder import TranscriptBuilder

CORPUS = Path(__file__).resolve().parent.parents[2] / "shared" / "corpus"

# What each place of a transcript says: a secret the redactor finds, and a word to find again.
PASSWORD = "Zq7vR2pLm9Kw"
TOKEN = "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"
WORD = "zebracornplume"


def _secret_session(folder: Path) -> Path:
    t = TranscriptBuilder(cwd="/home/dev/vault")
    t.system("summary", summary=f"{WORD} title: the password is {PASSWORD}")
    t.prompt(f"{WORD}: log in with the password is {PASSWORD} and the token {TOKEN}")
    t.say(f"{WORD}: I will use the password is {PASSWORD}")
    t.bash(f"mysql -u root -p{PASSWORD} -e 'select 1' # {WORD}", f"{WORD} token={TOKEN}")
    t.bash(f"curl -H 'Authorization: Bearer {TOKEN}' https://api.example.com # {WORD}", f"{WORD} denied", exit_code=1)
    tool_id = t.tool_use("Write", {"file_path": "/home/dev/vault/.env", "content": f"PASSWORD={PASSWORD}\n# {WORD}\n"})
    t.tool_result(tool_id, f"File created {WORD}")
    return t.write(folder / f"{t.session_id}.jsonl")


def _stored_bytes(db: Path) -> bytes:
    return b"".join(p.read_bytes() for p in db.parent.glob(db.name + "*") if p.is_file() and "lock" not in p.name)


def _rows(conn: sqlite3.Connection) -> dict[str, list[tuple[object, ...]]]:
    """What the sessions' tables hold, without the store's own ids."""
    out: dict[str, list[tuple[object, ...]]] = {}
    for table in ("sessions", "messages", "tool_calls", "token_usage", "session_summaries", "ingest_problems"):
        columns = [
            row[1]
            for row in conn.execute(f"PRAGMA table_info({table})")
            if row[1] not in ("id", "source_file_id", "seen_at")
        ]
        out[table] = sorted((tuple(row) for row in conn.execute(f"SELECT {', '.join(columns)} FROM {table}")), key=repr)
    return out


def test_every_text_field_of_a_record_is_either_kept_by_name_or_emptied() -> None:
    for record_type, kept in KEPT.items():
        names = {f.name for f in fields(record_type)}
        assert kept <= names, f"{record_type.__name__} keeps fields it does not have: {kept - names}"
    batch = Batch()
    batch.sessions["s"] = SessionRecord(
        "s", "claude-code", "main", title=f"a title {TOKEN}", description="said", cwd="/p"
    )
    batch.messages.append(MessageRecord("s", "u", None, 1, None, "user", "prompt", f"the token is {TOKEN}"))
    batch.messages.append(MessageRecord("s", "a", "u", 2, None, "assistant", "assistant", "an answer"))
    batch.tool_calls.append(
        ToolCallRecord("c", "s", "u", 2, None, "Bash", '{"command": "x"}', "/p/f", "x", paths=("/p/f", "/p/g"))
    )
    batch.tool_results.append(ToolResultRecord("c", 3, None, False, "error", 1, "err", "out", "diff"))
    withhold_texts(batch)
    session = batch.sessions["s"]
    # what a list of sessions shows is kept, redacted: the title and the person's prompt
    assert (session.title, session.description, session.cwd) == ("a title [REDACTED:github-token]", None, "/p")
    assert batch.messages[0].text == "the token is [REDACTED:github-token]" and batch.messages[0].kind == "prompt"
    assert batch.messages[1].text is None  # every other message's text goes
    call = batch.tool_calls[0]
    assert (call.input_json, call.target_path, call.command, call.paths, call.tool) == (None, None, None, (), "Bash")
    result = batch.tool_results[0]
    assert (result.error_text, result.result_text, result.diff) == (None, None, None)
    assert (result.ok, result.status, result.exit_code) == (False, "error", 1)


def test_a_capture_without_texts_stores_no_text_and_no_secret_then_the_texts_come_redacted(tmp_path: Path) -> None:
    path = _secret_session(tmp_path / "t")
    with path.open("ab") as handle:  # a line cut short: its problem's detail may quote it
        handle.write(f'{{"type": "user", "message": "{WORD} the password is {PASSWORD}\n'.encode())
        handle.write(b'{"type": "user"}\n')
    db = tmp_path / "s.db"
    conn = open_store(db)
    summary = ingest(conn, [SourceRef(str(path))], texts_later=True)
    assert summary.texts_later == 1 and summary.tool_calls == 3 and summary.tool_errors == 1
    assert summary.problems  # said, not stored
    assert conn.execute("SELECT count(*) FROM ingest_problems").fetchone() == (0,)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    raw = _stored_bytes(db)
    for said in (PASSWORD, TOKEN):
        assert said.encode() not in raw, f"{said} reached the store before its redaction"
    # the person's prompt alone is kept, redacted (what the list of sessions shows)
    assert conn.execute("SELECT kind, count(*) FROM messages WHERE text IS NOT NULL GROUP BY kind").fetchall() == [
        ("prompt", 1)
    ]
    assert conn.execute(
        "SELECT count(*) FROM tool_calls WHERE coalesce(input_json, command, result_text, error_text) IS NOT NULL"
    ).fetchone() == (0,)
    # the figures are there: calls, outcomes, tokens, the session's folder
    assert conn.execute("SELECT count(*), sum(ok = 0) FROM tool_calls").fetchone() == (3, 1)
    assert conn.execute("SELECT sum(output_tokens) FROM token_usage").fetchone()[0] > 0
    assert conn.execute("SELECT cwd FROM sessions").fetchone() == ("/home/dev/vault",)
    assert texts_pending(conn) == 1 and lag_of(conn).texts == 1 and lag_of(conn).behind
    assert "the texts of 1 file not stored yet" in lag_of(conn).text()

    done = store_texts(conn)
    assert done is not None and done.files_replaced == 1 and done.redactions > 0
    assert texts_pending(conn) == 0 and store_texts(conn) is None
    assert conn.execute("SELECT count(*) FROM ingest_problems").fetchone()[0] > 0
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    raw = _stored_bytes(db)
    assert WORD.encode() in raw  # the texts are stored now
    for secret in (PASSWORD, TOKEN):
        assert secret.encode() not in raw, f"{secret} stored unredacted"
    whole = open_store(tmp_path / "whole.db")
    ingest(whole, [SourceRef(str(path))])
    resolve_store_projects(whole, load_config())
    assert _rows(conn) == _rows(whole)


def test_a_file_that_grows_before_its_texts_are_stored_is_read_whole_once(tmp_path: Path) -> None:
    t = TranscriptBuilder(cwd="/home/dev/p")
    t.prompt(f"run ls {WORD}")
    t.bash("ls", "a b")
    path = t.write(tmp_path / "t" / f"{t.session_id}.jsonl")
    conn = open_store(tmp_path / "s.db")
    ingest(conn, [SourceRef(str(path))], texts_later=True)
    t.prompt("and pwd")
    t.bash("pwd", "/home/dev/p")
    t.write(path)
    more = ingest(conn, [SourceRef(str(path))], texts_later=True)  # its new lines, without texts too
    assert more.texts_later == 1 and conn.execute("SELECT count(*) FROM tool_calls").fetchone() == (2,)
    assert texts_pending(conn) == 1
    store_texts(conn)
    whole = open_store(tmp_path / "whole.db")
    ingest(whole, [SourceRef(str(path))])
    resolve_store_projects(whole, load_config())
    assert _rows(conn) == _rows(whole)
    # a capture without `texts_later` of a file stored without texts reads it whole too
    ingest(conn, [SourceRef(str(path))], texts_later=True)
    assert texts_pending(conn) == 0  # nothing new: left as it is


def test_a_file_gone_before_its_texts_keeps_its_figures(tmp_path: Path) -> None:
    path = _secret_session(tmp_path / "t")
    conn = open_store(tmp_path / "s.db")
    ingest(conn, [SourceRef(str(path))], texts_later=True)
    path.unlink()
    assert store_texts(conn) is None
    assert texts_pending(conn) == 0
    assert conn.execute("SELECT count(*) FROM tool_calls").fetchone() == (3,)


@pytest.mark.parametrize(
    "source", ["claude-code/spotter", "codex/codemie", "gemini/codemie", "aider/aider-dev", "opencode/codemie"]
)
def test_texts_later_then_the_texts_make_the_store_a_whole_capture_makes(tmp_path: Path, source: str) -> None:
    folder = CORPUS / source
    if not folder.is_dir():
        pytest.skip(f"{folder} is not here (../shared is beside the project's clone only)")
    copy = tmp_path / "corpus"
    shutil.copytree(folder, copy, ignore=shutil.ignore_patterns("PROVENANCE.md", "LICENSE*"))
    sources, _ = discover([str(copy)])
    later = open_store(tmp_path / "later.db")
    ingest(later, sources, texts_later=True)
    store_texts(later)
    assert texts_pending(later) == 0
    whole = open_store(tmp_path / "whole.db")
    ingest(whole, sources)
    resolve_store_projects(whole, load_config())  # as the texts' capture places its sessions again
    assert _rows(later) == _rows(whole)


def _env(home: Path) -> dict[str, str]:
    return home_env(home, waits=False)


def test_ingest_leaves_the_texts_to_the_worker_stats_reads_figures_and_search_stores_texts_first(
    tmp_path: Path,
) -> None:
    projects = tmp_path / ".claude" / "projects" / "-home-dev-vault"
    _secret_session(projects)
    env = _env(tmp_path)
    said = lessonloop(env, "ingest")
    assert "the texts of 1 file stored next, redacted, in the background" in said.stdout
    settled(env)
    conn = sqlite3.connect(env["LESSONLOOP_DB"])
    assert texts_pending(conn) == 0
    assert conn.execute("SELECT count(*) FROM messages WHERE text LIKE ?", (f"%{WORD}%",)).fetchone()[0] > 0

    # a new session: `stats` catches it up (its texts later, by the worker the read starts)
    _secret_session(projects)
    stats = json.loads(lessonloop(env, "stats", "--json").stdout)
    assert stats["sessions"] == 2 and stats["tool_calls"] == 6
    settled(env)
    assert texts_pending(conn) == 0
    # a session stored without its texts (no worker at work): `search` answers at once from what
    # is stored (the person's prompt is), says the rest is being stored, and starts the worker
    third = _secret_session(projects)
    capture = open_store(Path(env["LESSONLOOP_DB"]))
    ingest(capture, [SourceRef(str(third))], texts_later=True)
    capture.close()
    assert texts_pending(conn) == 1
    searched = lessonloop(env, "search", WORD, "--json")
    assert third.stem in {hit["session"] for hit in json.loads(searched.stdout)}  # by its prompt
    assert "the texts of 1 file are being stored, redacted, by the store's worker" in searched.stderr
    settled(env)
    assert texts_pending(conn) == 0
    tools = json.loads(lessonloop(env, "search", WORD, "--kind", "error", "--json").stdout)
    assert third.stem in {hit["session"] for hit in tools}  # complete once the worker is done
    assert "being stored" not in lessonloop(env, "search", WORD).stderr
    conn.close()


def test_a_read_waits_for_no_more_texts_than_it_shows(tmp_path: Path) -> None:
    """`sessions` lists sessions whose texts are not stored yet (their prompts are) and stores none;
    `show` stores its own session's texts first, not the other pending files'."""
    projects = tmp_path / ".claude" / "projects" / "-home-dev-vault"
    first, second = _secret_session(projects), _secret_session(projects)
    env = _env(tmp_path)
    capture = open_store(Path(env["LESSONLOOP_DB"]))
    ingest(capture, [SourceRef(str(first)), SourceRef(str(second))], texts_later=True)
    capture.close()
    conn = sqlite3.connect(env["LESSONLOOP_DB"])
    assert texts_pending(conn) == 2
    # (--no-refresh: no look at the agents' folders, whose first look would start the store's worker)
    listed = json.loads(lessonloop(env, "sessions", "--json", "--no-refresh").stdout)
    assert {row["id"] for row in listed} == {first.stem, second.stem}
    assert all(WORD in (row["first_prompt"] or "") and PASSWORD not in row["first_prompt"] for row in listed)
    assert texts_pending(conn) == 2  # the list stored no text
    shown = lessonloop(env, "show", first.stem, "--json", "--no-refresh").stdout
    assert f"{WORD} denied" in shown and PASSWORD not in shown and TOKEN not in shown  # its tool output, redacted
    assert texts_pending(conn) == 1  # the other session's file still waits for the worker
    listed_lessons = lessonloop(env, "lessons", "list").stdout
    assert "No lessons stored yet: the texts of 1 file not stored yet" in listed_lessons, listed_lessons
    assert "`lessonloop ingest --wait` does it now" in listed_lessons  # never "run ingest" alone
    conn.close()


def test_a_dataset_export_stores_the_texts_first(tmp_path: Path) -> None:
    path = _secret_session(tmp_path / "t")
    db = tmp_path / "s.db"
    conn = open_store(db)
    ingest(conn, [SourceRef(str(path))], texts_later=True)
    conn.close()
    env = {**_env(tmp_path), "LESSONLOOP_DB": str(db)}
    out = tmp_path / "records.jsonl"
    lessonloop(env, "dataset", "export", "--format", "jsonl", "--to", str(out))
    exported = out.read_text(encoding="utf-8")
    assert WORD in exported  # the texts, not the figures' empty places
    assert PASSWORD not in exported and TOKEN not in exported
    conn = sqlite3.connect(db)
    assert texts_pending(conn) == 0
    conn.close()
