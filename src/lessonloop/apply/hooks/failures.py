"""The hooks' own failure log: a hook fails open (exit 0, no decision), so its failures are
written here, next to the store, where `lessonloop hooks status` shows them.

One JSON object per line: ts, event, session_id, error (type and message), where (the last frame
of the traceback), db (the store). The file is kept under MAX_BYTES by dropping its older half.

When the store's folder cannot be written (read-only, or its disk full), the failure goes to the
first fallback that takes it: $XDG_STATE_HOME/lessonloop/ (~/.local/state/lessonloop/), then
lessonloop-<uid>/ in the temporary folder ($TMPDIR, else /tmp). Those logs may hold the failures
of several stores: `read_failures` reads the log next to the store and, from the fallbacks, the
lines of this store. Stdlib only: this runs in the hook process.
"""

from __future__ import annotations

import json
import os
import time

from lessonloop.store.location import FAILURE_LOG, beside

FILE_NAME = FAILURE_LOG
MAX_BYTES = 512 * 1024


def log_path(db_path: str) -> str:
    """The failure log of the store at `db_path`."""
    return beside(db_path, FILE_NAME)


def fallback_paths() -> list[str]:
    """Where failures go when the store's folder cannot be written, in the order tried."""
    state = os.environ.get("XDG_STATE_HOME") or os.path.join(os.path.expanduser("~"), ".local", "state")
    temporary = os.environ.get("TMPDIR") or "/tmp"
    uid = os.getuid() if hasattr(os, "getuid") else 0
    return [
        os.path.join(state, "lessonloop", FILE_NAME),
        os.path.join(temporary, f"lessonloop-{uid}", FILE_NAME),
    ]


def log_failure(db_path: str, event: str | None, session_id: str | None, error: BaseException | str) -> str | None:
    """Append one failure to the log next to the store, else to the first fallback that can be
    written; returns the log written, None when none could be (never raises)."""
    try:
        where = None
        if isinstance(error, BaseException):
            tb = error.__traceback__
            while tb is not None and tb.tb_next is not None:
                tb = tb.tb_next
            if tb is not None:
                where = f"{tb.tb_frame.f_code.co_filename}:{tb.tb_lineno}"
            text = f"{type(error).__name__}: {error}"
        else:
            text = error
        text = _redacted(text[:2000])
        record = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "event": event,
            "session_id": session_id,
            "error": text,
            "where": where,
            "db": os.path.abspath(db_path),
        }
        line = (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8", "replace")
    except Exception:
        return None
    for path in (log_path(db_path), *fallback_paths()):
        if _append(path, line):
            return path
    return None


def _redacted(text: str) -> str:
    """The failure's text without secrets (an error may quote the payload or a command line):
    the log lives beside the store, and its fallbacks in shared folders. Imported only when a
    failure is logged."""
    try:
        from lessonloop.secrets.redaction import redact

        return redact(text, "output")[0]
    except Exception:  # the log must still be written; its text then says only what failed
        return text.split(":", 1)[0] + ": (message withheld: it could not be checked for secrets)"


def _append(path: str, line: bytes) -> bool:
    """Append `line` whole, or nothing (a write cut short by a full disk is taken back)."""
    try:
        os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    except OSError:
        return False
    start = 0
    try:
        start = os.fstat(fd).st_size
        if os.write(fd, line) != len(line):
            raise OSError("short write")
        size = start + len(line)
    except OSError:
        try:  # noqa: SIM105 - contextlib costs the hooks an import
            os.ftruncate(fd, start)
        except OSError:
            pass
        return False
    finally:
        os.close(fd)
    if size > MAX_BYTES:
        try:  # noqa: SIM105 - contextlib costs the hooks an import
            _shrink(path)
        except OSError:
            pass
    return True


def _shrink(path: str) -> None:
    with open(path, "rb") as handle:
        data = handle.read()
    keep = data[len(data) // 2 :]
    cut = keep.find(b"\n")
    tmp = path + ".tmp"
    with open(tmp, "wb") as handle:
        handle.write(keep[cut + 1 :] if cut >= 0 else b"")
    os.replace(tmp, path)


def read_failures(db_path: str, limit: int = 20) -> tuple[int, list[dict[str, object]]]:
    """(how many failures of this store the logs hold, the last `limit` of them, oldest first):
    every line of the log next to the store, and the fallback logs' lines about this store. A
    line that is not JSON is returned as {"error": line}."""
    store = os.path.abspath(db_path)
    records: list[dict[str, object]] = []
    for path in (log_path(db_path), *fallback_paths()):
        mine_only = path != log_path(db_path)
        for record in _records(path):
            if not mine_only or record.get("db") == store:
                records.append(record)
    records.sort(key=lambda r: str(r.get("ts") or ""))  # stable: each log's own order is kept
    return len(records), records[-limit:] if limit > 0 else []


def logs_of(db_path: str) -> list[str]:
    """The logs that hold failures of the store at `db_path` (the one next to it first)."""
    store = os.path.abspath(db_path)
    found = [log_path(db_path)] if os.path.exists(log_path(db_path)) else []
    found += [path for path in fallback_paths() if any(r.get("db") == store for r in _records(path))]
    return found or [log_path(db_path)]


def _records(path: str) -> list[dict[str, object]]:
    try:
        with open(path, "rb") as handle:
            lines = [line for line in handle.read().splitlines() if line.strip()]
    except OSError:
        return []
    out: list[dict[str, object]] = []
    for raw in lines:
        text = raw.decode("utf-8", "replace")
        try:
            record = json.loads(text)
        except ValueError:
            record = {"error": text}
        out.append(record if isinstance(record, dict) else {"error": text})
    return out
