"""What every adapter's parser does alike: how much of a text is stored, token counts as
SQLite can hold them, a JSON line the reader rejected, a value nested too deep, the diff of a
text replaced by another, a call's arguments redacted, texts redacted once a batch, a time in
milliseconds.

Not an adapter: each adapter under capture/ may import it (they may not import each other).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from lessonloop.core import json_codec, json_depth
from lessonloop.core.records import Batch, Problem
from lessonloop.core.timestamps import normalize_timestamp
from lessonloop.secrets.redaction import Scope, redact, redact_tool_input, redact_value

RESULT_EXCERPT_CHARS = 2_000  # the start of a successful result
ERROR_TEXT_CHARS = 20_000
MESSAGE_TEXT_CHARS = 200_000
_INT64 = 2**63 - 1


def clipped(text: str, limit: int) -> str:
    """`text` cut at `limit` characters, saying how much was left out."""
    if len(text) <= limit:
        return text
    return text[:limit] + f"\n[... {len(text) - limit:,} more characters not stored]"


def redacted(text: str, limit: int, scope: Scope) -> tuple[str, int]:
    """`text` as stored: clipped at `limit`, secrets redacted in `scope`; and how many were."""
    return redact(clipped(text, limit), scope)


def signed_count(value: Any) -> int:
    """A count as stored, negative ones kept: a whole number SQLite can hold, else 0 (a bool as 0/1)."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value if -_INT64 <= value <= _INT64 else 0
    if isinstance(value, float) and value == value and abs(value) < 1e18:
        return int(value)
    return 0


def token_count(value: Any) -> int:
    """A token count as stored: a whole number from 0 that SQLite can hold, else 0 (a bool too)."""
    if isinstance(value, bool):
        return 0
    if isinstance(value, int):
        return value if 0 <= value <= _INT64 else 0
    if isinstance(value, float) and value == value and 0 <= value < 1e18:
        return int(value)
    return 0


def clip_nesting(record: dict[str, Any]) -> str | None:
    """Cut what nests deeper than json_depth.MAX_DEPTH levels in place; the problem's detail
    when something was cut, else None."""
    path = json_depth.clip(record)
    if path is None:
        return None
    return (
        f"{json_depth.describe(path)} nests deeper than {json_depth.MAX_DEPTH} levels;"
        " the deeper part is not read, the rest of the line is"
    )


def recover_line(raw: bytes) -> tuple[Any, str, str]:
    """A JSON line the reader rejected: (the record salvaged from invalid UTF-8, or None; the
    problem's code; its detail)."""
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        try:
            record = json_codec.loads(raw.decode("utf-8", errors="replace"))
        except json_codec.JSONDecodeError:
            return None, "invalid-utf8", f"invalid UTF-8 at byte {exc.start} and not valid JSON; line skipped"
        return record, "invalid-utf8", f"invalid UTF-8 at byte {exc.start}; replaced with U+FFFD and kept"
    try:
        json_codec.loads(raw)
        reason = ""
    except json_codec.JSONDecodeError as exc:
        reason = str(exc)
    if reason.startswith("unexpected end of data") and raw.lstrip().startswith(b"{"):
        code, detail = "truncated-line", "truncated JSON: the line ends before the object does; line skipped"
    elif reason.startswith("depth limit exceeded"):
        code, detail = "nested-too-deep", "JSON nested deeper than 1024 levels (the JSON reader's limit); line skipped"
    else:
        code, detail = "invalid-json", "invalid JSON; line skipped"
    return None, code, f"{detail} ({reason[:120]})" if reason else detail


JSON_WHITESPACE = b" \t\r\n"  # what JSON allows around a value: a line of only these is blank


def json_objects(
    lines: Sequence[bytes], first_lineno: int, path: str, problems: list[Problem]
) -> Iterator[tuple[int, dict[str, Any]]]:
    """The JSON objects of a chunk of JSONL lines (without their newline), each with its line
    number (the first is `first_lineno`). Blank lines are skipped; a line the JSON reader rejects is
    salvaged from invalid UTF-8 or reported (`recover_line`); a JSON value that is not an object is
    reported; what nests deeper than json_depth.MAX_DEPTH is cut and reported, and the rest of the
    object is read. Each problem goes to `problems` before its object is yielded."""
    loads = json_codec.loads
    decode_error = json_codec.JSONDecodeError
    max_depth = json_depth.MAX_DEPTH
    lineno = first_lineno - 1
    for raw in lines:
        lineno += 1
        if not raw or not raw.strip(JSON_WHITESPACE):
            continue
        try:
            record = loads(raw)
        except decode_error:
            record, code, detail = recover_line(raw)
            problems.append(Problem(path, lineno, code, detail))
            if record is None:
                continue
        if type(record) is not dict:
            problems.append(Problem(path, lineno, "not-an-object", f"a JSON {type(record).__name__}, not an object"))
            continue
        # Nothing after may walk a value nested deeper than Python can recurse: cut it first. A
        # line holds fewer levels than brackets, so most lines need no walk at all.
        if raw.count(b"[") + raw.count(b"{") > max_depth:
            cut = clip_nesting(record)
            if cut is not None:
                problems.append(Problem(path, lineno, "nested-too-deep", cut))
        yield lineno, record


def diff_strings(old: str, new: str) -> tuple[str, int, int]:
    """The unified-diff hunks (no context lines, no file headers) of `old` replaced by `new`,
    with the lines added and removed; all of `new` as one added hunk when `old` is empty."""
    old_lines = old.splitlines() if old else []
    new_lines = new.splitlines() if new else []
    if not old_lines:
        header = f"@@ -0,0 +1,{len(new_lines)} @@"
        return "\n".join([header, *("+" + line for line in new_lines)]), len(new_lines), 0
    out = [
        line
        for line in difflib.unified_diff(old_lines, new_lines, lineterm="", n=0)
        if not line.startswith(("---", "+++"))
    ]
    body = [line for line in out if not line.startswith("@@")]
    return "\n".join(out), sum(1 for x in body if x.startswith("+")), sum(1 for x in body if x.startswith("-"))


def diff_edits(edits: Any, old_key: str, new_key: str) -> tuple[str, int, int] | None:
    """The diff of a list of string replacements (a multi-edit: each a dict with the old and the
    new text under `old_key` and `new_key`), each replacement diffed on its own (`diff_strings`)
    and the non-empty ones joined; None when no item is a replacement."""
    if not isinstance(edits, list):
        return None
    parts: list[str] = []
    added = removed = 0
    for edit in edits:
        if not isinstance(edit, dict):
            continue
        old, new = edit.get(old_key), edit.get(new_key)
        if isinstance(old, str) and isinstance(new, str):
            text, plus, minus = diff_strings(old, new)
            parts.append(text)
            added += plus
            removed += minus
    if not parts:
        return None
    return "\n".join(part for part in parts if part), added, removed


def text_or_none(value: Any) -> str | None:
    """A non-empty string as it is, else None."""
    return value if isinstance(value, str) and value else None


def parts_text(value: Any) -> str:
    """A message's text: a string as it is, or the `text` of each part of a list of parts, joined
    (Kimi Code's and the pi format's content); "" for anything else."""
    if isinstance(value, str):
        return value
    if not isinstance(value, list):
        return ""
    return "".join(p["text"] for p in value if isinstance(p, dict) and isinstance(p.get("text"), str))


def epoch_millis(value: Any) -> str | None:
    """A time given in milliseconds since the epoch as a timestamp, else None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        return normalize_timestamp(datetime.fromtimestamp(value / 1000, UTC).isoformat())
    except (OverflowError, OSError, ValueError):
        return None


def tool_input(args: Any, batch: Batch) -> tuple[Any, str | None]:
    """A call's arguments redacted (each value in the scope its name says) and as stored JSON,
    the redactions counted in `batch`; (None, None) without arguments."""
    if args is None:
        return None, None
    cleaned, count = redact_tool_input(args) if isinstance(args, dict) else redact_value(args, "prose")
    batch.redactions += count
    return cleaned, json_codec.dumps(cleaned)


class BatchRedactor:
    """Stores texts for one batch: clipped at a limit, secrets redacted in a scope, each (text,
    scope) once (a transcript repeats texts: a result in its response and its display), the
    redactions counted in the batch."""

    def __init__(self, batch: Batch) -> None:
        self.batch = batch
        self.done: dict[tuple[str, Scope], tuple[str, int]] = {}

    def __call__(self, text: str, limit: int, scope: Scope = "prose") -> str:
        text = clipped(text, limit)
        key = (text, scope)
        done = self.done.get(key)
        if done is None:
            done = self.done[key] = redact(text, scope)
        self.batch.redactions += done[1]
        return done[0]


def not_understood(path: str, lineno: int | None, record: dict[str, Any], exc: Exception) -> Problem:
    """The problem of a record whose shape the parser did not foresee (it raised reading it)."""
    kind = record.get("type")
    name = kind if isinstance(kind, str) else type(kind).__name__
    return Problem(
        path, lineno, "malformed-record", f"{name} record not understood ({type(exc).__name__}: {exc})"[:300]
    )


class UnknownTypes:
    """Record types a parser does not know, each with its first line and count: format drift,
    reported as notices."""

    def __init__(self) -> None:
        self.seen: dict[str, tuple[int, int]] = {}

    def saw(self, kind: Any, lineno: int) -> None:
        name = kind if isinstance(kind, str) else repr(kind)[:40]
        first, count = self.seen.get(name, (lineno, 0))
        self.seen[name] = (first, count + 1)

    def notices(self, path: str) -> list[Problem]:
        return [
            Problem(path, first, "unknown-record-type", f"record type {name!r} ({count} lines) skipped", "notice")
            for name, (first, count) in sorted(self.seen.items())
        ]
