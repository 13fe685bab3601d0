"""The hooks' own failure log: a hook fails open (exit 0, no decision), so its failures are
written here, next to the store, where `lessonloop hooks status` shows them.

One JSON object per line: ts, event, session_id, error (type and message), where (the last frame
of the traceback). The file is kept under MAX_BYTES by dropping its older half. Stdlib only:
this runs in the hook process.
"""

from __future__ import annotations

import json
import os
import time

FILE_NAME = "hook-failures.log"
MAX_BYTES = 512 * 1024


def log_path(db_path: str) -> str:
    """The failure log of the store at `db_path`."""
    return os.path.join(os.path.dirname(os.path.abspath(db_path)), FILE_NAME)


def log_failure(db_path: str, event: str | None, session_id: str | None, error: BaseException | str) -> None:
    """Append one failure; never raises (a failure to log a failure is dropped)."""
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
        record = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "event": event,
            "session_id": session_id,
            "error": text[:2000],
            "where": where,
        }
        path = log_path(db_path)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        line = (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8", "replace")
        with open(path, "ab") as handle:
            handle.write(line)
            size = handle.tell()
        if size > MAX_BYTES:
            _shrink(path)
    except Exception:
        pass


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
    """(how many failures the log holds, the last `limit` of them, oldest first). A line that is
    not JSON is returned as {"error": line}."""
    try:
        with open(log_path(db_path), "rb") as handle:
            lines = [line for line in handle.read().splitlines() if line.strip()]
    except FileNotFoundError:
        return 0, []
    out: list[dict[str, object]] = []
    for raw in lines[-limit:] if limit > 0 else []:
        text = raw.decode("utf-8", "replace")
        try:
            record = json.loads(text)
        except ValueError:
            record = {"error": text}
        out.append(record if isinstance(record, dict) else {"error": text})
    return len(lines), out
