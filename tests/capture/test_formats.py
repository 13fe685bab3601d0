"""Which agent wrote a file (capture/sniffer.py), and what ingest does with the files it cannot
read yet: real files of every corpus folder, small hand-made heads for the variants the corpus
lacks, and ingest through the CLI."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import orjson
import pytest

from lessonloop.agents.claude.reader import record_types
from lessonloop.agents.claude.reader.parser import ClaudeCodeParser
from lessonloop.capture import agents, sniffer
from lessonloop.capture.sniffer import HEAD_BYTES, UNKNOWN, sniff
from lessonloop.pipeline.ingest import discover
from tests.conftest import SHARED_CORPUS, cli
from tests.transcript_builder import TranscriptBuilder

CLAUDE_CODE = "claude-code"

# What each file of the shared corpus is (path relative to the corpus; a folder: every file in it).
CORPUS_FORMATS: dict[str, str | None] = {
    "claude-code/spotter": CLAUDE_CODE,
    "claude-code/spotter/6c2214d7-b87e-4432-8e41-22ba294ea584.jsonl": None,  # empty on purpose
    "claude-code/codemie/session-196820da.jsonl": CLAUDE_CODE,
    "claude-code/codemie/claude/-tmp-private": CLAUDE_CODE,
    "claude-code/codemie/claude/incremental-simple/turn-1.jsonl": CLAUDE_CODE,
    "claude-code/codemie/claude/incremental-subagents/turn-2/subagents/agent-a485154.jsonl": CLAUDE_CODE,
    # upstream's own outputs beside the sessions: JSON lines, but no agent's transcript
    "claude-code/codemie/claude/expected-metrics.jsonl": UNKNOWN,
    "claude-code/codemie/claude/incremental-simple/expected-conversation.jsonl": UNKNOWN,
    "claude-code/codemie/claude/incremental-subagents/expected-conversation.jsonl": UNKNOWN,  # line 1 > 64 KiB
    "codex/codemie/sessions": "codex-rollout",
    "codex/codemie/incremental/turn-1.jsonl": "codex-rollout",
    "codex/codemie/incremental/turn-spawn-skill.jsonl": "codex-rollout",
    "codex/codemie/incremental/expected-conversation.jsonl": UNKNOWN,
    "gemini/codemie/session-2025-12-01T21-45-5b959dae.json": "gemini-chat",
    "gemini/codemie/session-2026-01-16T11-01-file-ops-37b7abef.json": "gemini-chat",
    "gemini/codemie/timestamp-mismatch-session.json": "gemini-chat",
    "gemini/codemie/logs.json": "gemini-logs",
    "gemini/codemie/timestamp-mismatch-logs.json": "gemini-logs",
    "opencode/codemie/storage": "opencode-storage",
    "aider/aider-dev/chat-history.md": "aider-chat-history",
    # the folders' own papers: text with no JSON record, no transcript
    "aider/aider-dev/PROVENANCE.md": UNKNOWN,
    "aider/aider-dev/commits-2024-07-01_2024-09-30.txt": UNKNOWN,
    "claude-code/codemie/README.md": UNKNOWN,
    "claude-code/codemie/claude/expected-session.json": None,
}


def _head(path: Path) -> bytes:
    with open(path, "rb") as handle:
        return handle.read(HEAD_BYTES)


def _corpus_files(relative: str) -> list[Path]:
    """A file, or a folder's session files (*.jsonl, *.json; not empty)."""
    where = SHARED_CORPUS / relative
    if not where.is_dir():
        return [where]
    return sorted(p for p in where.rglob("*.json*") if p.suffix in (".jsonl", ".json") and p.stat().st_size)


@pytest.mark.corpus
@pytest.mark.parametrize("relative", sorted(CORPUS_FORMATS))
def test_real_files_of_every_corpus_folder(relative: str) -> None:
    if not SHARED_CORPUS.is_dir():
        pytest.skip(f"real-data corpus not found at {SHARED_CORPUS} (the ../shared folder is absent)")
    files = _corpus_files(relative)
    assert files and all(p.exists() for p in files), relative
    got = {str(p.relative_to(SHARED_CORPUS)): sniff(str(p), _head(p)) for p in files}
    assert got == dict.fromkeys(got, CORPUS_FORMATS[relative])


@pytest.mark.corpus
def test_every_corpus_transcript_is_recognized() -> None:
    """No transcript file of the corpus is left unnamed: what sniff cannot tell is listed above."""
    if not SHARED_CORPUS.is_dir():
        pytest.skip(f"real-data corpus not found at {SHARED_CORPUS}")
    unnamed = [
        str(p.relative_to(SHARED_CORPUS))
        for p in sorted(SHARED_CORPUS.rglob("*"))
        if p.is_file() and p.suffix in (".jsonl", ".json") and sniff(str(p), _head(p)) is None
    ]
    assert unnamed == [
        "claude-code/codemie/claude/expected-session.json",  # upstream's output, not a session
        "claude-code/spotter/6c2214d7-b87e-4432-8e41-22ba294ea584.jsonl",  # empty
    ]


def test_claude_code_types_are_the_parsers() -> None:
    assert set(ClaudeCodeParser._handlers) == record_types.READ_TYPES
    assert not record_types.READ_TYPES & record_types.SKIPPED_TYPES


def _lines(*records: dict[str, object]) -> bytes:
    return b"".join(orjson.dumps(r) + b"\n" for r in records)


@pytest.mark.parametrize(
    ("name", "head", "expected"),
    [
        # Codex CLI: today's rollouts, older ones (a bare meta line, then items and state lines), history
        (
            "rollout-x.jsonl",
            _lines({"timestamp": "t", "type": "session_meta", "payload": {"id": "1"}}),
            "codex-rollout",
        ),
        (
            "rollout-2025-05-01T10-00-00-abc.jsonl",
            _lines(
                {"id": "abc", "timestamp": "2025-05-01T10:00:00Z", "instructions": None},
                {"record_type": "state"},
                {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "hi"}]},
            ),
            "codex-rollout",
        ),
        (
            "rollout-old.jsonl",
            _lines({"type": "function_call", "name": "shell", "arguments": "{}", "call_id": "c1"}),
            "codex-rollout",
        ),
        ("history.jsonl", _lines({"session_id": "s", "ts": 1, "text": "fix it"}), "codex-history"),
        # Gemini CLI's JSONL chats: metadata line, message records, $set and $rewindTo
        (
            "session-2026-01-01T10-00-abcd1234.jsonl",
            _lines({"sessionId": "s", "projectHash": "h", "startTime": "t", "messages": []}),
            "gemini-chat-jsonl",
        ),
        (
            "session-b.jsonl",
            _lines({"id": "m1", "timestamp": "t", "type": "user", "content": [{"text": "hi"}]}),
            "gemini-chat-jsonl",
        ),
        ("session-c.jsonl", _lines({"$rewindTo": "m1"}), "gemini-chat-jsonl"),
        ("session-d.jsonl", _lines({"$set": {"summary": "x"}}), "gemini-chat-jsonl"),
        # Claude Code: a transcript, one whose record types are all new, its prompt history
        ("s.jsonl", _lines({"type": "summary", "summary": "x", "leafUuid": "u"}), CLAUDE_CODE),
        ("s.jsonl", _lines({"type": "brand-new", "sessionId": "s", "uuid": "u", "parentUuid": None}), CLAUDE_CODE),
        (
            "history.jsonl",
            _lines({"display": "fix it", "pastedContents": {}, "timestamp": 1, "project": "/p"}),
            "claude-code-history",
        ),
        # a first line longer than the head: judged by its start
        (
            "rollout-y.jsonl",
            b'{"timestamp":"t","type":"session_meta","payload":{"id":"1","base_instructions":{"text":"' + b"x" * 70_000,
            "codex-rollout",
        ),
        (
            "big.jsonl",
            b'{"parentUuid":null,"sessionId":"s","type":"user","message":{"content":"' + b"x" * 70_000,
            CLAUDE_CODE,
        ),
        # Aider: the input history (prompts)
        (".aider.input.history", b"\n# 2024-08-05 19:33:02.123456\n+fix the bug\n", "aider-input-history"),
        ("notes.history", b"# just notes\n", None),
        # OpenCode storage, whatever the folder is called above storage/
        (
            "/x/storage/part/msg-1/prt-1.json",
            b'{"id":"prt-1","sessionID":"s","messageID":"m","type":"text"}',
            "opencode-storage",
        ),
        # not enough to tell: read as Claude Code, as before
        ("s.jsonl", b"", None),
        ("s.jsonl", b"not json at all\n", UNKNOWN),  # no JSON record among its first lines: no transcript
        ("s.jsonl", b"a damaged first line\n" + _lines({"type": "user", "sessionId": "s"}), None),
        ("s.jsonl", b'{"type":"user","mess', None),
        ("s.jsonl", b"[1, 2]\n", None),
        # JSON objects, none of any agent: not a transcript
        ("s.jsonl", _lines({"recordId": "r", "sessionId": "s", "tokens": {}}), UNKNOWN),
        # Antigravity: a brain transcript's step (upper-case types, an integer step_index)
        (
            "transcript_full.jsonl",
            _lines(
                {
                    "step_index": 0,
                    "source": "USER_EXPLICIT",
                    "type": "USER_INPUT",
                    "status": "DONE",
                    "created_at": "2026-09-10T15:14:15Z",
                    "content": "<USER_REQUEST>\nhi\n</USER_REQUEST>",
                }
            ),
            "antigravity-transcript",
        ),
        # Grok Build: its update envelope, and the bare notification of older logs
        (
            "updates.jsonl",
            _lines(
                {
                    "timestamp": 1,
                    "method": "_x.ai/session/update",
                    "params": {"sessionId": "s", "update": {"sessionUpdate": "turn_completed"}},
                }
            ),
            "grok-build-updates",
        ),
        (
            "updates.jsonl",
            _lines({"sessionId": "s", "update": {"sessionUpdate": "user_message_chunk", "content": {}}}),
            "grok-build-updates",
        ),
        ("README.md", b"# A project\n\nSome text.\n", UNKNOWN),
        ("package.json", b'{"name": "x", "version": "1.0.0"}', None),
    ],
)
def test_hand_made_heads(name: str, head: bytes, expected: str | None) -> None:
    assert sniff(name, head) == expected


def test_an_opencode_database(tmp_path: Path) -> None:
    db = tmp_path / "opencode.db"
    sqlite3.connect(db).execute("CREATE TABLE session (id TEXT)").connection.commit()
    assert sniff(str(db), _head(db)) == "opencode-db"
    other = tmp_path / "other.db"
    shutil.copy(db, other)
    assert sniff(str(other), _head(other)) is None


def test_what_ingest_says_of_each_format() -> None:
    for name, known in sniffer.known_formats().items():
        text = sniffer.describe(name)
        assert known.what in text
        read = agents.by_agent(known.agent)
        if known.transcript and name != CLAUDE_CODE and read is not None and name not in read.formats:
            # a format not read of an agent whose other files are (Mistral Vibe's of before 3.0)
            assert f"does not read this kind of {known.agent_name} file yet" in text
        elif known.transcript and name != CLAUDE_CODE:
            assert f"does not read {known.agent_name} transcripts yet" in text
    assert "not a transcript" in sniffer.describe(UNKNOWN)


# --------------------------------------------------------------------------- ingest


def _codex_copy(tmp_path: Path) -> Path:
    source = SHARED_CORPUS / "codex" / "codemie"
    if not source.is_dir():
        pytest.skip(f"real-data corpus not found at {source}")
    target = tmp_path / "codex"
    shutil.copytree(source, target)
    return target


@pytest.mark.corpus
def test_a_folder_of_codex_rollouts_is_read_and_its_other_file_named(tmp_path: Path) -> None:
    """It was "0 sessions"; the Codex adapter reads the rollouts, the one file that is none is named."""
    folder = _codex_copy(tmp_path)
    db = tmp_path / "s.db"
    data = cli("ingest", "--db", db, "--no-learn", "--json", folder)
    assert data.exit_code == 0, data.stderr
    summary = json.loads(data.output)
    assert summary["notices"] == [] and summary["problems"] == []
    assert summary["files"]["read"] == 5 and summary["files"]["other_format"] == 1
    assert summary["sessions"] == 4  # two rollouts, the incremental session, the spawn fixture
    groups = {g["format"]: g["paths"] for g in summary["other_formats"]}
    assert groups == {UNKNOWN: [str(folder / "incremental" / "expected-conversation.jsonl")]}
    conn = sqlite3.connect(db)
    try:
        formats = {row[0] for row in conn.execute("SELECT DISTINCT format FROM source_files")}
        assert formats == {"codex-rollout"}
    finally:
        conn.close()


@pytest.mark.corpus
def test_claude_code_transcripts_beside_other_formats_are_read(tmp_path: Path) -> None:
    folder = _codex_copy(tmp_path)
    t = TranscriptBuilder()
    t.prompt("hello")
    t.write(folder / "claude" / f"{t.session_id}.jsonl")
    db = tmp_path / "s.db"
    for run in range(2):  # the second run reads nothing new and still says what it did not read
        result = cli("ingest", "--db", db, "--no-learn", "--json", folder)
        assert result.exit_code == 0, result.stderr
        summary = json.loads(result.output)
        assert summary["notices"] == [] and summary["problems"] == []
        assert (summary["files"]["read"], summary["files"]["unchanged"]) == ((6, 0) if run == 0 else (0, 6))
        assert summary["files"]["other_format"] == 1  # the rollouts are read (Codex adapter); one file is none


@pytest.mark.corpus
def test_a_folder_of_gemini_chats_is_read_and_its_prompt_logs_named(tmp_path: Path) -> None:
    """The Gemini CLI adapter reads the chats; logs.json (prompts only) is named, not read."""
    source = SHARED_CORPUS / "gemini" / "codemie"
    if not source.is_dir():
        pytest.skip(f"real-data corpus not found at {source}")
    folder = tmp_path / "gemini"
    shutil.copytree(source, folder)
    result = cli("ingest", "--db", tmp_path / "s.db", "--no-learn", "--json", folder)
    assert result.exit_code == 0, result.stderr
    summary = json.loads(result.output)
    assert summary["files"]["read"] == 3 and summary["sessions"] == 3
    assert {g["format"]: len(g["paths"]) for g in summary["other_formats"]} == {"gemini-logs": 2}


@pytest.mark.slow
@pytest.mark.corpus
def test_the_aider_folder_is_read(tmp_path: Path) -> None:
    """Aider's chat history is read now (Aider adapter): recognized by its content under any name."""
    source = SHARED_CORPUS / "aider" / "aider-dev"
    if not source.is_dir():
        pytest.skip(f"real-data corpus not found at {source}")
    folder = tmp_path / "aider"
    shutil.copytree(source, folder)
    result = cli("ingest", "--db", tmp_path / "s.db", "--no-learn", "--json", folder)
    assert result.exit_code == 0, result.stderr
    summary = json.loads(result.output)
    assert summary["files"]["read"] == 1 and summary["sessions"] == 1134
    assert summary["other_formats"] == []


@pytest.mark.corpus
def test_the_opencode_folder_is_read(tmp_path: Path) -> None:
    """OpenCode's storage files are read now (OpenCode adapter): recognized by their path."""
    source = SHARED_CORPUS / "opencode" / "codemie"
    if not source.is_dir():
        pytest.skip(f"real-data corpus not found at {source}")
    folder = tmp_path / "opencode"
    shutil.copytree(source, folder)
    result = cli("ingest", "--db", tmp_path / "s.db", "--no-learn", "--json", folder)
    assert result.exit_code == 0, result.stderr
    summary = json.loads(result.output)
    assert summary["problems"] == [] and summary["files"]["other_format"] == 0
    # One session made of 8 files: counted as the one session found and read, and said so.
    assert (summary["files"]["found"], summary["files"]["read"], summary["sessions"]) == (1, 1, 1)
    assert summary["files"]["read_whole"] == [{"agent": "opencode", "files": 8, "sessions": 1}]
    text = cli("ingest", "--db", tmp_path / "s2.db", "--no-learn", folder).output
    assert "1 found, 1 read" in text and "OpenCode: 1 session read whole from 8 files" in text


@pytest.mark.corpus
def test_the_codemie_claude_folder_reads_without_format_drift(tmp_path: Path) -> None:
    """Upstream's expected-*.jsonl outputs beside the sessions: named once each, no drift notices."""
    source = SHARED_CORPUS / "claude-code" / "codemie"
    if not source.is_dir():
        pytest.skip(f"real-data corpus not found at {source}")
    folder = tmp_path / "codemie"
    shutil.copytree(source, folder)
    result = cli("ingest", "--db", tmp_path / "s.db", "--no-learn", "--json", folder)
    assert result.exit_code == 0, result.stderr
    summary = json.loads(result.output)
    assert summary["notices"] == [] and summary["problems"] == []
    assert (summary["files"]["read"], summary["files"]["other_format"]) == (13, 3)
    assert summary["other_formats"][0]["format"] == UNKNOWN


def test_default_folders_are_not_searched_for_other_files(tmp_path: Path) -> None:
    """Discovery of Claude Code's own folders stays as it was: *.jsonl only."""
    project = tmp_path / ".claude" / "projects" / "-p"
    project.mkdir(parents=True)
    (project / "s.jsonl").write_text("{}\n")
    (project / "chat.json").write_text('{"sessionId": "s", "messages": []}')
    sources, _summary = discover(None, {"HOME": str(tmp_path)})
    assert [Path(s.path).name for s in sources] == ["s.jsonl"]
    given, _ = discover([project])
    assert sorted((Path(s.path).name, s.sniff_only) for s in given) == [("chat.json", True), ("s.jsonl", False)]


def test_a_claude_code_subagent_meta_file_is_not_looked_at(tmp_path: Path) -> None:
    subagents = tmp_path / "sid" / "subagents"
    subagents.mkdir(parents=True)
    (subagents / "agent-a1.jsonl").write_text("{}\n")
    (subagents / "agent-a1.meta.json").write_text('{"agentType": "Explore"}')
    sources, _ = discover([tmp_path])
    assert [Path(s.path).name for s in sources] == ["agent-a1.jsonl"]
