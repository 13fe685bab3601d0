"""Windows folders are projects as Windows writes them (issue 42, item 4): `g:\\MythologIQ\\Hearthlink`,
never `/g:\\MythologIQ\\Hearthlink` (the POSIX join of one "component" gave it a leading slash);
one folder whatever its letter case; the placement rules (worktree layouts, folders below a
project) on backslashed paths; `--project` takes such a folder. On a copy of codex/zo-qore's
rollouts (skipped without ../shared): the projects stored and printed, and a store placed before
(its projects "/g:\\...") put right by the next ingest."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from lessonloop.capture.projects import infer_projects, normal_folder, projects_for_folder, windows_folder
from tests.conftest import SHARED_CORPUS, cli

HOME = "/home/me"
HEARTHLINK = "g:\\MythologIQ\\Hearthlink"
ZO_QORE = SHARED_CORPUS / "codex" / "zo-qore" / "sessions"


def test_a_windows_folder_keeps_its_spelling() -> None:
    placed = infer_projects([HEARTHLINK, "D:\\Game builds\\Pixel Pal", "\\\\srv\\share\\app"], home=HOME)
    assert placed == {
        HEARTHLINK: HEARTHLINK,
        "D:\\Game builds\\Pixel Pal": "D:\\Game builds\\Pixel Pal",
        "\\\\srv\\share\\app": "\\\\srv\\share\\app",
    }
    assert windows_folder(HEARTHLINK) and windows_folder("\\\\srv\\share") and windows_folder("c:/x")
    assert not windows_folder("/home/me/x") and not windows_folder("~/x") and not windows_folder("notes:x")
    assert normal_folder("g:/MythologIQ//Hearthlink\\") == HEARTHLINK
    assert normal_folder("/home/me/x/../y") == "/home/me/y"


def test_letter_case_and_the_rules_hold_on_windows_folders() -> None:
    cwds = [
        HEARTHLINK,
        HEARTHLINK,
        "G:\\MYTHOLOGIQ\\HEARTHLINK",
        f"{HEARTHLINK}\\src-tauri",
        "g:\\src\\shop-worktrees\\fix",
    ]
    placed = infer_projects(cwds, branches={HEARTHLINK: "main"}, home=HOME)
    # one folder whatever its case, spelled as most sessions spell it; a folder below a project
    # that recorded a branch is that project's; a worktree layout is its repository's
    assert placed == {
        HEARTHLINK: HEARTHLINK,
        "G:\\MYTHOLOGIQ\\HEARTHLINK": HEARTHLINK,
        f"{HEARTHLINK}\\src-tauri": HEARTHLINK,
        "g:\\src\\shop-worktrees\\fix": "g:\\src\\shop",
    }
    # a folder right under a drive never swallows the folders below it
    top = infer_projects(["g:\\MythologIQ", "g:\\MythologIQ\\CORE"], branches={"g:\\MythologIQ": "main"}, home=HOME)
    assert top["g:\\MythologIQ\\CORE"] == "g:\\MythologIQ\\CORE"


def test_a_windows_folder_names_its_stored_projects() -> None:
    pairs = [(HEARTHLINK, HEARTHLINK), ("/home/me/x", "/home/me/x"), ("g:\\MythologIQ\\FailSafe", None)]
    assert projects_for_folder("G:\\mythologiq\\hearthlink\\src", pairs, HOME) == {HEARTHLINK}
    assert projects_for_folder("g:\\MythologIQ", pairs, HOME) == {HEARTHLINK, "g:\\MythologIQ\\FailSafe"}
    assert projects_for_folder("g:\\MythologIQ\\Hearth", pairs, HOME) == set()


def _cwd_of(path: Path) -> str | None:
    with path.open(encoding="utf-8") as handle:
        record = json.loads(handle.readline())
    cwd = (record.get("payload") or {}).get("cwd")
    return cwd if isinstance(cwd, str) else None


def test_the_corpus_projects_are_the_folders_codex_wrote(tmp_path: Path) -> None:
    if not ZO_QORE.is_dir():
        pytest.skip(f"real-data corpus not found at {ZO_QORE} (the ../shared folder is absent)")
    chosen: dict[str, Path] = {}
    for path in sorted(ZO_QORE.rglob("rollout-*.jsonl"), key=lambda p: (p.stat().st_size, p.name)):
        cwd = _cwd_of(path)
        if cwd and windows_folder(cwd) and cwd not in chosen:
            chosen[cwd] = path
        if len(chosen) == 3:
            break
    assert HEARTHLINK in chosen, sorted(chosen)
    source = tmp_path / "in"
    source.mkdir()
    for path in chosen.values():
        shutil.copy2(path, source / path.name)
    db = tmp_path / "store.db"
    assert cli("ingest", "--db", db, "--no-analyze", "--no-progress", source).exit_code == 0

    def stored() -> set[str]:
        with sqlite3.connect(db) as conn:
            return {row[0] for row in conn.execute("SELECT DISTINCT project FROM sessions")}

    assert stored() == set(chosen)
    by_project = {row["project"] for row in cli("stats", "--db", db, "--json").json()["by_project"]}
    assert by_project and by_project <= set(chosen)  # the projects with token counts
    text = cli("stats", "--db", db).output + cli("sessions", "--db", db, "--include-empty").output
    assert "/g:" not in text and "/d:" not in text
    found = cli("sessions", "--db", db, "--json", "--include-empty", "-p", "G:\\MYTHOLOGIQ\\HEARTHLINK\\src").json()
    assert {row["project"] for row in found} == {HEARTHLINK}

    # A store whose sessions were placed before this fix: the next ingest places them again.
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE sessions SET project = '/' || project")
    assert all(project.startswith("/") for project in stored())
    assert cli("ingest", "--db", db, "--no-analyze", "--no-progress", source).exit_code == 0
    assert stored() == set(chosen)
