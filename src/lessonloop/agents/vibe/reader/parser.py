"""Mistral Vibe sessions -> normalized records. A session is a folder read whole (a unit, named by
its meta.json): Vibe publishes a new generation of the session's store after every turn and deletes
all but the last two, with the journal segments before them; so the journal is no lasting record,
and the store's current generation is read instead.

How the store is read: `CURRENT` names the generation; its `manifest.json` names the documents and,
for each, the chunks (`chunks/<sha256>.json`, JSON arrays) that hold its long lists:
- projection-state.json: the session as Vibe shows it. `snapshot.session.tokenUsage` is the
  session's running total (inputTokens includes cached input: input = inputTokens -
  cachedInputTokens): one token row for the session, keyed (session id, "session"), the only token
  figures that last (per call they are only in the journal). Its history entries, in order:
  - message, role user -> a "prompt"; role assistant -> "assistant"; role system -> "instructions";
  - effect (a tool's run): a call and its result. `detail.toolName` is the runtime name
    (`file_system.bash`), `detail.input` the arguments; `state.status` completed with
    `state.output` {type: success, structured_content (bash: command, stdout, stderr, returncode),
    content} or {type: failure, error {code, message}}; skipped (a pre_tool hook denied it:
    `state.reason`, and neither its name nor its input is kept); cancelled or failed;
  - reasoning, notice (hook runs), callback (approvals), checkpoint: not stored.
- checkpoint.json: the model's context, `{message, source, turn_index}` items in chunks; its
  assistant tool_call parts carry the model's call id, name and arguments. A call is stored under
  that id (the one the hooks see) when it is found there: by its arguments, or for a call a hook
  denied by the reason it was given. After a compaction older calls are no longer there: they keep
  the effect's id.
meta.json gives the session: its id, folder, times, title, model (`config.model_name`), parent.
If Vibe publishes a new generation while the store is read, it is read again (three times at most).
"""

from __future__ import annotations

import os
from typing import Any

from lessonloop.agents.vibe.reader import AGENT
from lessonloop.agents.vibe.reader.tools import kind_of, model_name
from lessonloop.capture.adapters import Unit, UnreadableUnit
from lessonloop.capture.file_units import file_units
from lessonloop.capture.parsing import (
    ERROR_TEXT_CHARS,
    MESSAGE_TEXT_CHARS,
    RESULT_EXCERPT_CHARS,
    BatchRedactor,
    UnknownTypes,
    epoch_millis,
    token_count,
    tool_input,
)
from lessonloop.capture.parsing import text_or_none as _text
from lessonloop.capture.projects import project_for_cwd
from lessonloop.core import json_codec
from lessonloop.core.records import (
    Batch,
    MessageRecord,
    Problem,
    SessionRecord,
    TokenUsageRecord,
    ToolCallRecord,
    ToolResultRecord,
)
from lessonloop.core.timestamps import normalize_timestamp

MAX_BYTES = 200_000_000  # a document or chunk (Vibe caps each at 64 MiB)
ATTEMPTS = 3
KNOWN_ENTRIES = frozenset({"message", "effect", "reasoning", "notice", "callback", "checkpoint"})
_MESSAGE_KINDS = {"user": "prompt", "assistant": "assistant", "system": "instructions"}
_INTERRUPTED = frozenset({"cancelled", "interrupted"})


def current_of(path: str) -> str:
    """The CURRENT file beside a session's meta.json: Vibe replaces it at every generation."""
    return os.path.join(os.path.dirname(path), "CURRENT")


def units(paths: list[str], problems: list[Problem]) -> list[Unit]:
    """One unit per session: its stamp is its meta.json's and its CURRENT's together."""
    return file_units(paths, problems, read_session, current_of)


class _Moved(Exception):
    """The store changed while it was read: a file of the generation CURRENT named is gone."""

    def __init__(self, missing: str) -> None:
        super().__init__(missing)
        self.missing = missing


def read_session(path: str) -> Batch:
    """Every record of one session (the folder of `path`, its meta.json); bad input becomes
    Problems, never an exception (UnreadableUnit when the store kept moving while read)."""
    batch = Batch()
    meta = _load(path, batch.problems, required=True)
    if meta is None:
        return batch
    folder = os.path.dirname(path)
    store: _Store | None = None
    missing = ""
    for _ in range(ATTEMPTS):
        try:
            store = _Store.read(folder, batch.problems)
            break
        except _Moved as moved:
            missing = os.path.relpath(moved.missing, folder)
            batch.problems.clear()
            meta = _load(path, batch.problems, required=True) or meta
    else:
        detail = (
            f"the session store names {missing}, which is not there ({ATTEMPTS} reads): Vibe was writing it, "
            "or the folder was damaged; read again on the next run"
        )
        raise UnreadableUnit(Problem(path, None, "unreadable-file", detail))
    reader = _Reader(path, batch, meta)
    if store is not None:
        reader.read(store)
    reader.finish(store)
    return batch


def _load(path: str, problems: list[Problem], *, required: bool) -> Any:
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        if required:
            problems.append(Problem(path, None, "unreadable-file", "cannot read: no such file"))
        return None
    except OSError as exc:
        problems.append(Problem(path, None, "unreadable-file", f"cannot read: {exc.strerror or exc}"))
        return None
    if len(data) > MAX_BYTES:
        problems.append(Problem(path, None, "file-too-large", f"over {MAX_BYTES} bytes: not read"))
        return None
    try:
        return json_codec.loads(data)
    except json_codec.JSONDecodeError as exc:
        problems.append(Problem(path, None, "truncated-file", f"not a whole JSON document ({exc}); skipped"))
        return None


class _Store:
    """The documents of a session's current generation, their chunked lists joined."""

    def __init__(self) -> None:
        self.session: dict[str, Any] = {}  # projection's snapshot.session
        self.entries: list[Any] = []  # projection's history entries
        self.context: list[Any] = []  # checkpoint's context items

    @classmethod
    def read(cls, folder: str, problems: list[Problem]) -> _Store | None:
        """None when the session has no store yet (a session Vibe is still creating)."""
        current_path = os.path.join(folder, "CURRENT")
        current = _load(current_path, [], required=False)
        if not isinstance(current, dict):
            if os.path.exists(current_path):
                problems.append(Problem(current_path, None, "malformed-record", "not Vibe's CURRENT pointer"))
            return None
        generation = _text(current.get("generation"))
        if generation is None or os.sep in generation or generation in (".", ".."):
            problems.append(Problem(current_path, None, "malformed-record", "CURRENT names no generation"))
            return None
        gen_folder = os.path.join(folder, "generations", generation)
        manifest = cls._document(os.path.join(gen_folder, "manifest.json"), problems)
        if not isinstance(manifest, dict):
            return None
        store = cls()
        projection = cls._part(folder, gen_folder, manifest.get("projection_state"), problems)
        if projection is not None:
            document, chunks = projection
            snapshot = document.get("snapshot") if isinstance(document, dict) else None
            if isinstance(snapshot, dict):
                session = snapshot.get("session")
                store.session = session if isinstance(session, dict) else {}
                history = snapshot.get("history")
                listed = history.get("entries") if isinstance(history, dict) else None
                store.entries = (listed if isinstance(listed, list) else []) + chunks
        checkpoint = cls._part(folder, gen_folder, manifest.get("checkpoint"), problems)
        if checkpoint is not None:
            document, chunks = checkpoint
            context = document.get("context") if isinstance(document, dict) else None
            listed = context.get("messages") if isinstance(context, dict) else None
            store.context = (listed if isinstance(listed, list) else []) + chunks
        if _load(current_path, [], required=False) != current:
            raise _Moved(current_path)  # a new generation was published meanwhile: what was read may be mixed
        return store

    @staticmethod
    def _document(path: str, problems: list[Problem]) -> Any:
        if not os.path.exists(path):
            raise _Moved(path)  # CURRENT named it: deleted since, by a newer generation (or damaged)
        return _load(path, problems, required=True)

    @classmethod
    def _part(cls, folder: str, gen_folder: str, part: Any, problems: list[Problem]) -> tuple[Any, list[Any]] | None:
        """A document of the manifest ({path, chunks}) and its chunks' items, in order."""
        if not isinstance(part, dict):
            return None
        name = _text(part.get("path"))
        if name is None or os.path.basename(name) != name:
            return None
        document = cls._document(os.path.join(gen_folder, name), problems)
        items: list[Any] = []
        chunks = part.get("chunks")
        for digest in chunks if isinstance(chunks, list) else []:
            if not isinstance(digest, str) or not digest.isalnum():
                continue
            chunk = cls._document(os.path.join(folder, "chunks", digest + ".json"), problems)
            if isinstance(chunk, list):
                items.extend(chunk)
        return document, items


class _ContextCall:
    __slots__ = ("args", "id", "name", "outcome", "text", "used")

    def __init__(self, call_id: str, name: str, args: Any) -> None:
        self.id, self.name, self.args = call_id, name, args
        self.outcome: str | None = None
        self.text = ""
        self.used = False


class _Reader:
    def __init__(self, path: str, batch: Batch, meta: Any) -> None:
        self.path = path
        self.batch = batch
        meta = meta if isinstance(meta, dict) else {}
        folder_name = os.path.basename(os.path.dirname(os.path.abspath(path)))
        sid = _text(meta.get("session_id")) or folder_name
        parent = _text(meta.get("parent_session_id"))
        environment = meta.get("environment")
        cwd = _text(environment.get("working_directory")) if isinstance(environment, dict) else None
        cwd = cwd or _text(meta.get("origin_directory"))
        config = meta.get("config")
        model = (
            (_text(config.get("model_name")) or _text(config.get("active_model"))) if isinstance(config, dict) else None
        )
        self._redact = BatchRedactor(batch)
        title = _text(meta.get("title"))
        self.session = SessionRecord(
            id=sid,
            agent=AGENT,
            kind="subagent" if parent else "main",
            parent_id=parent,
            cwd=cwd,
            project=project_for_cwd(cwd) if cwd else None,
            git_branch=_text(meta.get("git_branch")),
            title=self._redact(title, 500) if title else None,
            model=model,
            started_at=normalize_timestamp(meta.get("start_time")),
            ended_at=normalize_timestamp(meta.get("end_time")),
        )
        self.unknown = UnknownTypes()
        self.calls: list[_ContextCall] = []

    def read(self, store: _Store) -> None:
        self._context(store.context)
        self.batch.records = len(store.entries)
        for index, entry in enumerate(store.entries, 1):
            if not isinstance(entry, dict):
                continue
            try:
                self._entry(entry, index)
            except Exception as exc:  # an entry of shapes not foreseen: reported, the rest read
                detail = f"{entry.get('type')!s} entry {index} not understood ({type(exc).__name__}: {exc})"
                self.batch.problems.append(Problem(self.path, None, "malformed-record", detail[:300]))

    def _context(self, items: list[Any]) -> None:
        """The model's calls, with the outcome and text of each one's result, in order."""
        by_id: dict[str, _ContextCall] = {}
        for item in items:
            message = item.get("message") if isinstance(item, dict) else None
            if not isinstance(message, dict) or not isinstance(message.get("content"), list):
                continue
            if message.get("role") == "assistant":
                for part in message["content"]:
                    if isinstance(part, dict) and part.get("type") == "tool_call" and _text(part.get("id")):
                        arguments = part.get("arguments")
                        args = arguments.get("value") if isinstance(arguments, dict) else arguments
                        call = _ContextCall(part["id"], _text(part.get("name")) or "?", args)
                        self.calls.append(call)
                        by_id[call.id] = call
            elif message.get("role") == "tool":
                found = by_id.get(message.get("tool_call_id") or "")
                if found is not None:
                    found.outcome = _text(message.get("outcome"))
                    found.text = _joined(message["content"])

    def _entry(self, entry: dict[str, Any], index: int) -> None:
        kind = entry.get("type")
        if not isinstance(kind, str) or kind not in KNOWN_ENTRIES:
            self.unknown.saw(kind, index)
            return
        ts = epoch_millis(entry.get("createdAt"))
        if kind == "message":
            self._message(entry, index, ts)
        elif kind == "effect":
            self._effect(entry, index, ts)

    def _message(self, entry: dict[str, Any], index: int, ts: str | None) -> None:
        role = entry.get("role")
        kind = _MESSAGE_KINDS.get(role) if isinstance(role, str) else None
        content = entry.get("content")
        text = _joined(content) if isinstance(content, list) else ""
        if kind is None or not text.strip():
            return
        uuid = _text(entry.get("id")) or f"{self.session.id}:{index}"
        body = self._redact(text, MESSAGE_TEXT_CHARS)
        self.batch.messages.append(MessageRecord(self.session.id, uuid, None, index, ts, str(role), kind, body))

    def _effect(self, entry: dict[str, Any], index: int, ts: str | None) -> None:
        found = entry.get("detail")
        detail: dict[str, Any] = found if isinstance(found, dict) else {}
        found = entry.get("state")
        state: dict[str, Any] = found if isinstance(found, dict) else {}
        status = _text(state.get("status"))
        runtime = _text(detail.get("toolName")) or _text(entry.get("title")) or "?"
        args = detail.get("input")
        match = self._match(runtime, args, status, _text(state.get("reason")))
        effect_id = _text(entry.get("id")) or f"{self.session.id}:{index}"
        name = match.name if match is not None else model_name(runtime)
        if args is None and match is not None:
            args = match.args
        call_id = match.id if match is not None else effect_id
        cleaned, input_json = tool_input(args, self.batch)
        kind = kind_of(name)
        command = cleaned.get("command") if kind == "shell" and isinstance(cleaned, dict) else None
        path = None
        if isinstance(args, dict):
            path = next((args[k] for k in ("file_path", "path") if isinstance(args.get(k), str) and args[k]), None)
        self.batch.tool_calls.append(
            ToolCallRecord(
                id=call_id,
                session_id=self.session.id,
                message_uuid=_text(entry.get("inputEntryId")),
                seq=index,
                ts=ts,
                tool=name,
                input_json=input_json,
                target_path=path,
                command=command if isinstance(command, str) else None,
                cwd=self.session.cwd,
                kind=kind,
            )
        )
        result = self._result(call_id, index, epoch_millis(entry.get("updatedAt")) or ts, status, state)
        if result is not None:
            self.batch.tool_results.append(result)

    def _match(self, runtime: str, args: Any, status: str | None, reason: str | None) -> _ContextCall | None:
        """The model's call an effect ran: the first not yet taken with its name and arguments (else
        with its name); for a call a hook denied (no name, no arguments kept), the first refused with
        its reason."""
        free = [call for call in self.calls if not call.used]
        if args is None:
            refused = [call for call in free if call.outcome == "failure"]
            found = next((call for call in refused if reason and call.text == reason), None)
            found = found or (refused[0] if status == "skipped" and refused else None)
        else:  # its arguments as sent; else the first of its name (an edit's are renamed in the store)
            name = model_name(runtime)
            named = [call for call in free if call.name == name]
            found = next((call for call in named if call.args == args), named[0] if named else None)
        if found is not None:
            found.used = True
        return found

    def _result(
        self, call_id: str, seq: int, ts: str | None, status: str | None, state: dict[str, Any]
    ) -> ToolResultRecord | None:
        if status == "skipped":
            result = ToolResultRecord(call_id, seq, ts, ok=False, status="rejected")
            result.error_text = self._redact(_text(state.get("reason")) or "skipped", ERROR_TEXT_CHARS, "output")
            return result
        if status in _INTERRUPTED:
            return ToolResultRecord(call_id, seq, ts, ok=False, status="interrupted")
        output = state.get("output")
        if status == "failed" and not isinstance(output, dict):
            result = ToolResultRecord(call_id, seq, ts, ok=False, status="error")
            result.error_text = self._redact(_text(state.get("reason")) or "failed", ERROR_TEXT_CHARS, "output")
            return result
        if status not in ("completed", "failed") or not isinstance(output, dict):
            return None  # still running: its result comes with a later generation
        if output.get("type") == "failure" or status == "failed":
            error = output.get("error")
            code = _text(error.get("code")) if isinstance(error, dict) else None
            message = _text(error.get("message")) if isinstance(error, dict) else None
            result = ToolResultRecord(
                call_id, seq, ts, ok=False, status="rejected" if code == "tool_denied" else "error"
            )
            text = message or _joined(output.get("content")) or code or "failed"
            result.error_text = self._redact(text, ERROR_TEXT_CHARS, "output")
            return result
        structured = output.get("structured_content")
        exit_code = None
        if isinstance(structured, dict) and isinstance(structured.get("returncode"), int):
            exit_code = int(structured["returncode"])
        text = _output_text(structured, output.get("content"))
        if exit_code not in (None, 0) or (isinstance(structured, dict) and structured.get("timed_out") is True):
            result = ToolResultRecord(call_id, seq, ts, ok=False, status="error", exit_code=exit_code)
            result.error_text = self._redact(text or "error", ERROR_TEXT_CHARS, "output")
            return result
        result = ToolResultRecord(call_id, seq, ts, ok=True, status="ok", exit_code=exit_code)
        if text:
            result.result_text = self._redact(text, RESULT_EXCERPT_CHARS, "output")
        return result

    def finish(self, store: _Store | None) -> None:
        batch, session = self.batch, self.session
        totals = store.session.get("tokenUsage") if store is not None else None
        if isinstance(totals, dict) and any(token_count(v) for v in totals.values()):
            cached = token_count(totals.get("cachedInputTokens"))
            batch.usage[(session.id, "session")] = TokenUsageRecord(
                message_id=session.id,
                request_id="session",
                session_id=session.id,
                model=session.model or "unknown",
                ts=session.ended_at or epoch_millis(store.session.get("updatedAt") if store else None),
                input_tokens=max(0, token_count(totals.get("inputTokens")) - cached),
                output_tokens=token_count(totals.get("outputTokens")),
                cache_creation_tokens=0,
                cache_read_tokens=cached,
            )
        if batch.messages or batch.tool_calls or batch.usage or session.cwd:
            batch.sessions[session.id] = session
        batch.problems.extend(self.unknown.notices(self.path))


def _joined(content: Any) -> str:
    """The text parts of a list of content blocks, joined."""
    if not isinstance(content, list):
        return ""
    return "\n".join(
        part["text"] for part in content if isinstance(part, dict) and isinstance(part.get("text"), str)
    ).strip("\n")


def _output_text(structured: Any, content: Any) -> str:
    """What a tool printed: a command's stdout then its stderr; else the result's text parts, else
    its structured result as JSON."""
    if isinstance(structured, dict) and ("stdout" in structured or "stderr" in structured):
        parts = [structured.get(key) for key in ("stdout", "stderr")]
        return "\n".join(part.strip("\n") for part in parts if isinstance(part, str) and part.strip())
    text = _joined(content)
    if text or structured is None:
        return text
    return json_codec.dumps(structured)
