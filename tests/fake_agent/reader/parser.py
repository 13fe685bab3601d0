"""A Fake Agent log's lines -> lessonloop's records (one session per file)."""

from __future__ import annotations

from collections.abc import Sequence

from lessonloop.capture.projects import project_for_cwd
from lessonloop.core import json_codec
from lessonloop.core.records import (
    SHELL,
    Batch,
    MessageRecord,
    Problem,
    SessionRecord,
    ToolCallRecord,
    ToolResultRecord,
)
from lessonloop.core.timestamps import normalize_timestamp
from lessonloop.secrets.redaction import redact

AGENT = "fake-agent"


class FakeLogParser:
    """Parses a log chunk after chunk; the session its first line named is kept between chunks."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.session: SessionRecord | None = None

    def notices(self) -> list[Problem]:
        return []

    def parse(self, lines: Sequence[bytes], first_lineno: int) -> Batch:
        batch = Batch()
        for lineno, raw in enumerate(lines, first_lineno):
            try:
                record = json_codec.loads(raw)
            except json_codec.JSONDecodeError:
                batch.problems.append(Problem(self.path, lineno, "invalid-json", "not a JSON line"))
                continue
            if not isinstance(record, dict):
                continue
            batch.records += 1
            self._record(record, lineno, batch)
        return batch

    def _record(self, record: dict[str, object], lineno: int, batch: Batch) -> None:
        at = normalize_timestamp(record.get("at"))
        event = record.get("event")
        if event == "start":
            cwd = str(record.get("cwd") or "")
            self.session = SessionRecord(
                id=f"fake-{record.get('session')}",
                agent=AGENT,
                kind="main",
                cwd=cwd,
                project=project_for_cwd(cwd),
                started_at=at,
            )
            batch.sessions[self.session.id] = self.session
            return
        if self.session is None:
            batch.problems.append(Problem(self.path, lineno, "no-session", "a record before the start line"))
            return
        batch.sessions.setdefault(self.session.id, self.session)
        if event == "prompt":
            text, found = redact(str(record.get("text") or ""))
            batch.redactions += found
            batch.messages.append(
                MessageRecord(self.session.id, f"m{lineno}", None, lineno, at, "user", "prompt", text)
            )
        elif event == "shell":
            call = f"{self.session.id}-{record.get('call')}"
            command, found = redact(str(record.get("command") or ""), "command")
            batch.redactions += found
            batch.tool_calls.append(
                ToolCallRecord(
                    id=call,
                    session_id=self.session.id,
                    message_uuid=None,
                    seq=lineno,
                    ts=at,
                    tool="shell",
                    input_json=json_codec.dumps({"command": command}),
                    target_path=None,
                    command=command,
                    cwd=self.session.cwd,
                    kind=SHELL,
                )
            )
            code = record.get("exit")
            output, found = redact(str(record.get("output") or ""), "output")
            batch.redactions += found
            ok = code == 0
            batch.tool_results.append(
                ToolResultRecord(
                    tool_use_id=call,
                    seq=lineno,
                    ts=at,
                    ok=ok,
                    status="ok" if ok else "error",
                    exit_code=code if isinstance(code, int) else None,
                    result_text=output if ok else None,
                    error_text=None if ok else output,
                )
            )
