"""Copies of the real agent corpora (../shared/corpus), scaled up with distinct ids.

A copy is the same bytes but for its ids: every id of the copied records is replaced, in every
place it occurs (file names included), by one of its own: a UUID by another UUID (derived from
the copy number and the original), any other id by the original with "-c<copy>" appended. So N
copies are N sets of sessions, tool calls and token rows that collide with nothing, as if one
person had N times the sessions. The corpora stay read-only: everything is written under `out`.
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import uuid
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from tests.conftest import SHARED_CORPUS
from tests.transcript_builder import TranscriptBuilder

CLAUDE_CODE_CORPUS = SHARED_CORPUS / "claude-code" / "spotter"
CODEX_CORPUS = SHARED_CORPUS / "codex" / "codemie" / "sessions"
GEMINI_CORPUS = SHARED_CORPUS / "gemini" / "codemie"
OPENCODE_CORPUS = SHARED_CORPUS / "opencode" / "codemie" / "storage"
AIDER_CORPUS = SHARED_CORPUS / "aider" / "aider-dev" / "chat-history.md"
AIDER_HISTORY = ".aider.chat.history.md"

# Keys whose string values are ids in the agents' records (Codex, Gemini, OpenCode).
ID_KEYS = frozenset({"id", "sessionId", "sessionID", "messageID", "parentID", "callID", "call_id"})
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)
_COPY_NAMESPACE = uuid.UUID("6f1c4a52-8d0e-4f3b-9a57-2b4e8c1d7a90")
_HEADING_YEAR = re.compile(rb"^(# aider chat started at )(\d{4})", re.M)


def copy_id(value: str, copy: int) -> str:
    """The id `value` has in copy number `copy` (copy 0 keeps the original ids)."""
    if copy == 0:
        return value
    if _UUID.match(value):
        return str(uuid.uuid5(_COPY_NAMESPACE, f"{copy}:{value.lower()}"))
    return f"{value}-c{copy}"


def ids_in(value: Any) -> Iterator[str]:
    """The id strings of a JSON value: values of ID_KEYS keys, at any depth."""
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for key, child in node.items():
                if key in ID_KEYS and isinstance(child, str) and child:
                    yield child
                else:
                    stack.append(child)
        elif isinstance(node, list):
            stack.extend(node)


def rename_ids(text: str, ids: Iterable[str], copy: int) -> str:
    """`text` with every occurrence of each id replaced by its copy's (longest ids first, so an
    id inside a longer one is never replaced in it)."""
    unique = sorted(set(ids), key=lambda i: (-len(i), i))
    if copy == 0 or not unique:
        return text
    pattern = re.compile("|".join(re.escape(i) for i in unique))
    return pattern.sub(lambda match: copy_id(match.group(), copy), text)


def _json_lines(data: bytes) -> Iterator[Any]:
    for line in data.splitlines():
        try:
            yield json.loads(line)
        except ValueError:
            continue


# --------------------------------------------------------------------------- Claude Code

# Claude Code's ids: UUIDs (sessions, messages, hooks' tool use ids), its API's prefixed ids, and
# subagents' short ids (the "agentId" values, also in the subagent files' names).
_CLAUDE_PREFIXED = re.compile(r"\b(?:toolu|srvtoolu|msg|req)_[A-Za-z0-9]+")
_ANY_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)
_AGENT_ID = re.compile(r'"agentId":"([^"]+)"')
_CLAUDE_TIME = re.compile(r'"(timestamp|backupTime)":"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?)Z"')


def claude_code_span(corpus: Path = CLAUDE_CODE_CORPUS) -> timedelta:
    """How far each copy of `corpus` is moved in time: its first to last record, in whole days,
    plus one day (so copy N+1 starts after copy N ends)."""
    times = [
        _parse_time(match.group(2))
        for path in corpus.rglob("*.jsonl")
        for match in _CLAUDE_TIME.finditer(path.read_text(encoding="utf-8", errors="replace"))
    ]
    if not times:
        return timedelta(days=1)
    return timedelta(days=(max(times) - min(times)).days + 2)


def claude_code_copy_text(text: str, agent_ids: Iterable[str], copy: int, shift: timedelta) -> str:
    """One Claude Code transcript's text as copy number `copy` has it: every id its own (copy_id:
    UUIDs, the API's prefixed ids, subagents' ids) and every record time moved `copy` times
    `shift` later (a zero shift: the times left as they are)."""
    if copy == 0:
        return text
    text = _copied_uuids(text, copy)
    text = _CLAUDE_PREFIXED.sub(lambda m: copy_id(m.group(), copy), text)
    agents = sorted(set(agent_ids), key=lambda i: (-len(i), i))
    if agents:
        pattern = re.compile(r"\b(" + "|".join(re.escape(i) for i in agents) + r")\b")
        text = pattern.sub(lambda m: copy_id(m.group(), copy), text)
    later = shift * copy
    if not later:
        return text
    return _CLAUDE_TIME.sub(
        lambda m: f'"{m.group(1)}":"{(_parse_time(m.group(2)) + later).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3]}Z"',
        text,
    )


def claude_code_session_copy(
    home: Path, real: Path, project: Path, copy: int, start: datetime
) -> tuple[Path, TranscriptBuilder]:
    """The real Claude Code session `real` as a transcript of `project` in `home`'s
    .claude/projects (copy number `copy`: every id its own, every record's cwd `project`), and a
    builder whose records continue it from `start` (append its lines to the file)."""
    text = claude_code_copy_text(real.read_text(encoding="utf-8"), [], copy, timedelta(0))
    lines: list[str] = []
    session_id = last = None
    for line in text.splitlines():
        record = json.loads(line)
        if "cwd" in record:
            record["cwd"] = str(project)
        session_id = session_id or record.get("sessionId")
        if isinstance(record.get("uuid"), str):
            last = record["uuid"]
        lines.append(json.dumps(record))
    assert isinstance(session_id, str)
    folder = home / ".claude" / "projects" / re.sub(r"[^A-Za-z0-9]", "-", str(project))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{session_id}.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    builder = TranscriptBuilder(session_id=session_id, cwd=str(project), start=start)
    builder._last = last
    return path, builder


def claude_code_copies(
    out: Path, copies: int, corpus: Path = CLAUDE_CODE_CORPUS, first: int = 0, shift: timedelta | None = None
) -> list[Path]:
    """Copies number `first` to `first + copies - 1` of every Claude Code transcript of `corpus`
    (main sessions, their subagent folders, single files), in out/copyNNN/ with the same layout;
    each copy's ids are its own and its times `shift` after the previous copy's: by default one
    span (claude_code_span), as if one person had worked N times as long; timedelta(0) keeps the
    corpus's times in every copy (as if N people had worked at once)."""
    if shift is None:
        shift = claude_code_span(corpus)
    files = sorted(corpus.rglob("*.jsonl"))
    agent_ids = sorted({m.group(1) for path in files for m in _AGENT_ID.finditer(path.read_text("utf-8", "replace"))})
    written: list[Path] = []
    for path in files:
        text = path.read_text(encoding="utf-8", errors="surrogateescape")
        relative = str(path.relative_to(corpus))
        for copy in range(first, first + copies):
            name = _copied_uuids(relative, copy)
            for agent in agent_ids:
                name = name.replace(f"agent-{agent}.jsonl", f"agent-{copy_id(agent, copy)}.jsonl")
            target = out / f"copy{copy:03d}" / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(claude_code_copy_text(text, agent_ids, copy, shift), "utf-8", "surrogateescape")
            written.append(target)
    return written


def _copied_uuids(text: str, copy: int) -> str:
    return _ANY_UUID.sub(lambda m: copy_id(m.group().lower(), copy), text)


def _parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


# --------------------------------------------------------------------------- Codex


def codex_copies(out: Path, copies: int, corpus: Path = CODEX_CORPUS) -> list[Path]:
    """`copies` copies of every Codex rollout, in out/copyNNN/ (file names carry the new ids)."""
    written: list[Path] = []
    for path in sorted(corpus.rglob("rollout-*.jsonl")):
        data = path.read_bytes()
        ids = {i for record in _json_lines(data) for i in ids_in(record)}
        for copy in range(copies):
            folder = out / f"copy{copy:03d}"
            folder.mkdir(parents=True, exist_ok=True)
            target = folder / rename_ids(path.name, ids, copy)
            target.write_bytes(rename_ids(data.decode("utf-8"), ids, copy).encode("utf-8"))
            written.append(target)
    return written


# --------------------------------------------------------------------------- Gemini


def gemini_copies(out: Path, copies: int, corpus: Path = GEMINI_CORPUS) -> list[Path]:
    """`copies` copies of every Gemini session file (session-*.json), in out/copyNNN/."""
    written: list[Path] = []
    for path in sorted(corpus.glob("session-*.json")):
        text = path.read_text(encoding="utf-8")
        ids = set(ids_in(json.loads(text)))
        for copy in range(copies):
            folder = out / f"copy{copy:03d}"
            folder.mkdir(parents=True, exist_ok=True)
            target = folder / path.name
            target.write_text(rename_ids(text, ids, copy), encoding="utf-8")
            written.append(target)
    return written


# --------------------------------------------------------------------------- OpenCode

Message = tuple[dict[str, Any], list[dict[str, Any]]]
Session = tuple[dict[str, Any], list[Message]]

# OpenCode's tables (its drizzle schema, session.sql.ts; tests/agents/opencode/test_opencode_adapter.py adds `project`).
OPENCODE_SCHEMA = """
CREATE TABLE session (id text PRIMARY KEY, project_id text NOT NULL, parent_id text, slug text NOT NULL,
  directory text NOT NULL, title text NOT NULL, version text NOT NULL, share_url text,
  summary_additions integer, summary_deletions integer, summary_files integer, summary_diffs text,
  revert text, permission text, time_created integer NOT NULL, time_updated integer NOT NULL,
  time_compacting integer, time_archived integer, workspace_id text, path text, agent text, model text);
CREATE TABLE message (id text PRIMARY KEY, session_id text NOT NULL, time_created integer NOT NULL,
  time_updated integer NOT NULL, data text NOT NULL);
CREATE TABLE part (id text PRIMARY KEY, message_id text NOT NULL, session_id text NOT NULL,
  time_created integer NOT NULL, time_updated integer NOT NULL, data text NOT NULL);
CREATE INDEX message_session_time_created_id_idx ON message (session_id, time_created, id);
CREATE INDEX part_message_id_id_idx ON part (message_id, id);
CREATE INDEX part_session_idx ON part (session_id);
"""


def opencode_sessions(storage: Path = OPENCODE_CORPUS) -> list[tuple[str, Session]]:
    """The sessions of a legacy storage/ tree: (project folder, (info, [(message, parts)]))."""
    sessions: list[tuple[str, Session]] = []
    for session_file in sorted((storage / "session").glob("*/*.json")):
        info = json.loads(session_file.read_text(encoding="utf-8"))
        messages: list[Message] = []
        for message_file in sorted((storage / "message" / session_file.stem).glob("*.json")):
            message = json.loads(message_file.read_text(encoding="utf-8"))
            parts = [
                json.loads(p.read_text(encoding="utf-8"))
                for p in sorted((storage / "part" / message_file.stem).glob("*.json"))
            ]
            messages.append((message, parts))
        sessions.append((session_file.parent.name, (info, messages)))
    return sessions


def opencode_copy(session: Session, copy: int) -> Session:
    """A session with every id of its records made its copy's."""
    ids = set(ids_in([session[0], [[m, p] for m, p in session[1]]]))
    renamed: Session = json.loads(rename_ids(json.dumps(session), ids, copy))
    info, messages = renamed
    return info, [(message, parts) for message, parts in messages]


def opencode_copies(copies: int, first: int = 0, storage: Path = OPENCODE_CORPUS) -> list[tuple[str, Session]]:
    """Copies number `first` to `first + copies - 1` of every session of `storage`, copy after
    copy: (project folder, session) pairs for write_opencode_storage and write_opencode_db."""
    sessions = opencode_sessions(storage)
    return [
        (project, opencode_copy(session, copy))
        for copy in range(first, first + copies)
        for project, session in sessions
    ]


def write_opencode_storage(storage: Path, sessions: Iterable[tuple[str, Session]]) -> None:
    """A legacy storage/ tree: session/<project>/<id>.json, message/<session>/<id>.json, part/<message>/<id>.json."""
    for project, (info, messages) in sessions:
        (storage / "session" / project).mkdir(parents=True, exist_ok=True)
        (storage / "session" / project / f"{info['id']}.json").write_text(json.dumps(info, indent=2))
        for message, parts in messages:
            (storage / "message" / info["id"]).mkdir(parents=True, exist_ok=True)
            (storage / "message" / info["id"] / f"{message['id']}.json").write_text(json.dumps(message, indent=2))
            for part in parts:
                (storage / "part" / message["id"]).mkdir(parents=True, exist_ok=True)
                (storage / "part" / message["id"] / f"{part['id']}.json").write_text(json.dumps(part, indent=2))


def write_opencode_db(path: Path, sessions: Iterable[tuple[str, Session]]) -> None:
    """An opencode.db holding the sessions as OpenCode 1.2 writes them: the message and part JSON
    without their ids in `data` (message-v2.ts)."""
    conn = sqlite3.connect(path)
    try:
        conn.executescript(OPENCODE_SCHEMA)
        for project, (info, messages) in sessions:
            times = info.get("time") or {}
            created = times.get("created") or 0
            conn.execute(
                "INSERT INTO session (id, project_id, parent_id, slug, directory, title, version, time_created,"
                " time_updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    info["id"],
                    project,
                    info.get("parentID"),
                    info.get("slug") or info["id"],
                    info.get("directory") or "",
                    info.get("title") or "",
                    info.get("version") or "",
                    created,
                    times.get("updated") or created,
                ),
            )
            for message, parts in messages:
                at = (message.get("time") or {}).get("created") or created
                data = {k: v for k, v in message.items() if k not in ("id", "sessionID")}
                conn.execute(
                    "INSERT INTO message VALUES (?, ?, ?, ?, ?)", (message["id"], info["id"], at, at, json.dumps(data))
                )
                for part in parts:
                    pdata = {k: v for k, v in part.items() if k not in ("id", "sessionID", "messageID")}
                    conn.execute(
                        "INSERT INTO part VALUES (?, ?, ?, ?, ?, ?)",
                        (part["id"], message["id"], info["id"], at, at, json.dumps(pdata)),
                    )
        conn.commit()
    finally:
        conn.close()


# --------------------------------------------------------------------------- Aider


def aider_history_copy(data: bytes, copy: int) -> bytes:
    """The history with each session's heading moved `copy` years on: its sessions get other
    ids (an Aider session id is its file and its heading's time)."""
    if copy == 0:
        return data
    return _HEADING_YEAR.sub(lambda m: m.group(1) + str(int(m.group(2)) + copy).encode(), data)


def aider_history_copies(
    out: Path, copies: int, first: int = 0, folder: str = "project", corpus: Path = AIDER_CORPUS
) -> list[Path]:
    """Copies number `first` to `first + copies - 1` of Aider's history (aider_history_copy), each
    in a project folder of its own: out/<folder><copy>/.aider.chat.history.md."""
    history = corpus.read_bytes()
    written: list[Path] = []
    for copy in range(first, first + copies):
        target = out / f"{folder}{copy}" / AIDER_HISTORY
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(aider_history_copy(history, copy))
        written.append(target)
    return written


def copy_tree(source: Path, target: Path) -> Path:
    """A writable copy of a corpus folder."""
    shutil.copytree(source, target)
    for path in [target, *target.rglob("*")]:
        path.chmod(path.stat().st_mode | 0o200)
    return target
