"""Kilo Code's database, as the real CLI (7.7.9) wrote it against the harness's model server
(tests/agents/kilo/data/kilo_7_7_9/home/.local/share/kilo/kilo.db, its write-ahead log folded in: `git push`
failing with exit 128, then `git push --set-upstream origin feature`; the server reported input
1017/1034/1051, cached 64/128/0, output 23/26/29). Kilo is a fork of OpenCode: the same tables,
read by the same reader (capture/opencode_format/) under Kilo's own name.

Before its adapter, kilo.db was found only when named, and its sessions were stored as
OpenCode's."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from lessonloop.agents.kilo.reader import paths
from lessonloop.capture.adapters import DiscoveryContext
from tests.agents.gemini.test_gemini_adapter import ingest, rows

HOME = Path(__file__).parent / "data" / "kilo_7_7_9" / "home"
DATABASE = HOME / ".local" / "share" / "kilo" / "kilo.db"


def test_ingest_with_no_path_finds_and_reads_it_as_kilos(tmp_path: Path) -> None:
    home = tmp_path / "home"
    shutil.copytree(HOME, home)
    db = tmp_path / "s.db"
    ingest(db, env={**os.environ, "HOME": str(home)})
    assert rows(db, "SELECT agent, cwd, model FROM sessions") == [
        ("kilo", "/tmp/agents64r1/kilo/shop", "harness-model")
    ]
    # `kilo run "push this branch"` stores the words with the quotes the CLI was given
    assert rows(db, "SELECT kind, text FROM messages ORDER BY seq") == [
        ("prompt", '"push this branch"'),
        ("assistant", "Done: the branch is pushed."),
    ]
    calls = rows(db, "SELECT tool, kind, command, ok, exit_code FROM tool_calls ORDER BY seq")
    assert calls == [
        ("bash", "shell", "git push", 0, 128),
        ("bash", "shell", "git push --set-upstream origin feature", 1, 0),
    ]
    assert rows(db, "SELECT input_tokens, cache_read_tokens, output_tokens FROM token_usage ORDER BY ts") == [
        (1017, 64, 23),
        (1034, 128, 26),
        (1051, 0, 29),
    ]
    assert rows(db, "SELECT format FROM source_files") == [("kilo-db",)]


def test_it_is_found_where_kilo_keeps_it_and_where_kilo_db_says(tmp_path: Path) -> None:
    found = paths.discover(DiscoveryContext(environ={}, home=str(HOME)))
    assert [(f.path, f.format) for f in found] == [(str(DATABASE), "kilo-db")]
    elsewhere = tmp_path / "other.db"
    shutil.copy(DATABASE, elsewhere)
    found = paths.discover(DiscoveryContext(environ={"KILO_DB": str(elsewhere)}, home=str(tmp_path)))
    assert [f.path for f in found] == [str(elsewhere)]
    assert paths.claims("/any/where/kilo.db") == "kilo-db" and paths.claims("/x/opencode.db") is None


def test_named_by_its_path_it_is_kilos_not_opencodes(tmp_path: Path) -> None:
    copy = tmp_path / "backup" / "kilo.db"
    copy.parent.mkdir()
    shutil.copy(DATABASE, copy)
    db = tmp_path / "s.db"
    ingest(db, copy)
    assert rows(db, "SELECT agent, count(*) FROM sessions GROUP BY agent") == [("kilo", 1)]
