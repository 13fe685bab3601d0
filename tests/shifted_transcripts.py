"""Real Claude Code transcripts moved in time: a copy of a corpus folder whose every record's
`timestamp` is shifted by whole days, the rest of each line untouched. A store then holds real
sessions on dates a test chooses (after the bundled sample's, as a new user's real sessions are)."""

from __future__ import annotations

import re
import shutil
from datetime import date, datetime, timedelta
from pathlib import Path

_TIMESTAMP = re.compile(r'("timestamp":\s*")(\d{4}-\d\d-\d\d)(T\d\d:\d\d:\d\d)')


def days_of(folder: Path) -> list[date]:
    """The days (UTC) of every record's timestamp in the JSONL files under `folder`, sorted."""
    found = {
        date.fromisoformat(match.group(2))
        for path in folder.rglob("*.jsonl")
        for match in _TIMESTAMP.finditer(path.read_text(encoding="utf-8", errors="replace"))
    }
    return sorted(found)


def shifted_copy(source: Path, target: Path, first_day: date) -> timedelta:
    """Copy `source` to `target`, every record's timestamp moved by the same whole days so that the
    earliest falls on `first_day`. Returns the shift."""
    days = days_of(source)
    assert days, f"no timestamps under {source}"
    shift = first_day - days[0]

    def moved(match: re.Match[str]) -> str:
        day = datetime.fromisoformat(match.group(2)) + shift
        return f"{match.group(1)}{day:%Y-%m-%d}{match.group(3)}"

    for path in source.rglob("*"):
        if not path.is_file():
            continue
        copy = target / path.relative_to(source)
        copy.parent.mkdir(parents=True, exist_ok=True)
        if path.suffix == ".jsonl":
            copy.write_text(_TIMESTAMP.sub(moved, path.read_text(encoding="utf-8")), encoding="utf-8")
        else:
            shutil.copy2(path, copy)
    return shift
