"""Output a person can take in (issue 42, item 4): a store built from several shared corpora (copies
in a temporary folder: Claude Code's spotter, Codex's parking-lot, Gemini CLI's and OpenCode's
codemie, Aider's aider-dev) prints, on its first ingest, at most 25 lines with what went wrong,
what was learned and how the lessons reach the agents found; an ingest with nothing new prints a
line; `sessions`, `report`, `lessons` and `stats` print a screenful (at most 50 lines) with how to
see the rest, on a pipe and on an 80-column terminal; their --json stays whole. With one agent's
transcripts only, the next steps name that agent's way in (Codex: hooks and AGENTS.md; Aider: no
hooks, CONVENTIONS.md)."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import SHARED_CORPUS, cli
from tests.terminal_helpers import read_to_end, without_escapes

pytestmark = [pytest.mark.slow, pytest.mark.corpus]

REPO_ROOT = Path(__file__).resolve().parent.parent.parent
SOURCES = {  # the corpus folder or file, and where its copy goes
    "claude-code/spotter": "claude",
    "codex/parking-lot/sessions": "codex",
    "gemini/codemie": "gemini",
    "aider/aider-dev/chat-history.md": "aider/.aider.chat.history.md",
    "opencode/codemie/storage": "opencode/storage",
}
SCREEN = 50


def _copy(source: str, target: Path) -> None:
    path = SHARED_CORPUS / source
    if not path.exists():
        pytest.skip(f"real-data corpus not found at {path} (the ../shared folder is absent)")
    target.parent.mkdir(parents=True, exist_ok=True)
    if path.is_dir():
        shutil.copytree(path, target, ignore=shutil.ignore_patterns("*.md", "LICENSE", "logs.json", "*-logs.json"))
    else:
        shutil.copyfile(path, target)


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path, str, str]]:
    """The copies, the store, the first ingest's text and the second's."""
    folder = tmp_path_factory.mktemp("screenful")
    for source, target in SOURCES.items():
        _copy(source, folder / "in" / target)
    db = folder / "store.db"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LESSONLOOP_CONFIG", str(folder / "config.toml"))
        patch.setenv("XDG_CONFIG_HOME", str(folder / "config"))
        patch.setenv("LESSONLOOP_EMBEDDINGS", "none")
        patch.setenv("HOME", str(folder / "home"))
        first = cli("ingest", "--db", db, folder / "in")
        assert first.exit_code == 0, first.stderr
        second = cli("ingest", "--db", db, folder / "in")
        assert second.exit_code == 0, second.stderr
        yield folder, db, first.output, second.output


def _lines(text: str) -> list[str]:
    return text.rstrip("\n").split("\n")


def test_the_first_ingest_fits_25_lines_with_its_next_steps(home: tuple[Path, Path, str, str]) -> None:
    _folder, db, first, _second = home
    lines = _lines(first)
    assert len(lines) <= 25, first
    assert lines[0].startswith("files ") and "sessions " in first and "MB/s" in first
    agents = re.search(r"^sessions +[\d,]+ with new records \(\+\d+ subagent contexts\): (.*)$", first, re.M)
    assert agents is not None, first
    assert {"claude-code", "codex", "gemini", "aider", "opencode"} <= set(re.findall(r"([a-z-]+) [\d,]+", agents[1]))
    assert "Most frequent mistakes" in first and "INCORRECT_PARAMETER" in first
    assert "a wrong path, text or option" in first  # the class in plain words
    assert "Lessons learned (" in first and re.search(r"^  #\d+ ", first, re.M)
    assert "`lessonloop report`" in first and "`lessonloop glossary`" in first
    assert "Give the lessons to your agents:" in first
    hooks = next(line for line in lines if "lessonloop hooks install" in line)
    assert "Claude Code" in hooks and "Codex CLI" in hooks and "Gemini CLI" in hooks
    assert "lessonloop lessons export --agent aider" in first and "CONVENTIONS.md" in first  # no hooks for Aider
    assert "lessonloop mcp" in first
    lessons = int(re.search(r"Lessons learned \(([\d,]+);", first)[1].replace(",", ""))  # type: ignore[index]
    with sqlite3.connect(db) as conn:
        held = conn.execute("SELECT count(*) FROM lessons WHERE status IN ('active', 'pending')").fetchone()[0]
    assert lessons == held


def test_an_ingest_with_nothing_new_says_so_in_a_line(home: tuple[Path, Path, str, str]) -> None:
    _folder, _db, _first, second = home
    assert len(_lines(second)) == 1, second
    assert second.startswith("Nothing new since the last ingest: ") and "unchanged" in second
    assert "Give the lessons" not in second


def test_the_json_of_an_ingest_keeps_its_shape(home: tuple[Path, Path, str, str], tmp_path: Path) -> None:
    folder, _db, _first, _second = home
    data = cli("ingest", "--db", tmp_path / "j.db", "--json", "--no-learn", folder / "in" / "codex").json()
    assert {"files", "sessions", "records", "tool_calls", "analysis"} <= set(data)
    assert not {"next_steps", "overview"} & set(data)


def test_sessions_shows_the_latest_20_and_how_to_see_the_rest(home: tuple[Path, Path, str, str]) -> None:
    _folder, db, _first, _second = home
    every = cli("sessions", "--db", db, "--json").json()
    assert len(every) > 20
    text = cli("sessions", "--db", db).output
    lines = _lines(text)
    assert len(lines) <= SCREEN, text
    assert f"{len(every) - 20:,} older sessions not shown: -n N shows the N most recent, --all every one." in text
    shown_ids = {line.split()[2] for line in lines[1:21]}
    assert len(shown_ids) == 20
    assert len(_lines(cli("sessions", "--db", db, "--all").output)) >= len(every) + 1
    assert len(_lines(cli("sessions", "--db", db, "-n", "3").output)) == 5  # header, 3 rows, the count


def test_report_has_a_summary_on_top_and_fits_a_screen(home: tuple[Path, Path, str, str]) -> None:
    _folder, db, _first, _second = home
    text = cli("report", "--db", db).output
    lines = _lines(text)
    assert len(lines) <= SCREEN, text
    assert lines[0].startswith("Summary: ") and "cost $" in lines[0]
    assert "  agents: " in text and "compliance " in text and "share of the workflow rules followed" in text
    assert "top mistakes (" in text and "INCORRECT_PARAMETER" in text
    assert "  lessons: " in text
    assert "earlier sessions not shown: --all" in text
    assert "`lessonloop glossary`" in text
    data = cli("report", "--db", db, "--json").json()
    assert len(data["sessions"]) > 20  # the JSON holds every session and project
    assert all(len(project["worst_habits"]) <= 5 for project in data["projects"])
    whole = cli("report", "--db", db, "--all").output
    assert len(_lines(whole)) > len(data["sessions"]) and "not shown" not in whole


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs pseudo-terminals")
@pytest.mark.parametrize("command", ["report", "sessions"])
def test_a_screenful_on_an_80_column_terminal(home: tuple[Path, Path, str, str], command: str) -> None:
    """On a terminal, a line too long for it wraps: the tables fit 80 columns and the report gives
    the sessions table what room is left, so the whole stays within a screen."""
    _folder, db, _first, _second = home
    text = _on_a_terminal(command, "--db", str(db))
    assert text.count("\n") <= SCREEN, text
    assert "not shown" in text, text


def test_lessons_and_stats_say_what_they_leave_out(home: tuple[Path, Path, str, str]) -> None:
    _folder, db, _first, _second = home
    lessons = cli("lessons", "--db", db, "--json").json()
    text = cli("lessons", "list", "--db", db).output
    if len(lessons) > 30:
        more = f"{len(lessons) - 30:,} more lessons not shown: "
        assert more + "`lessons list -n N` shows the first N, `lessons list --all` every one." in text
    assert len(_lines(text)) <= 33
    stats = cli("stats", "--db", db).output
    assert len(_lines(stats)) <= SCREEN + 2, stats
    assert "--all shows every row" in stats
    models = cli("stats", "--db", db, "--json").json()["by_agent_model"]
    assert len(models) > 12 and f"{len(models) - 12} models" in stats


def test_codex_alone_points_at_its_hooks_and_agents_md(tmp_path: Path) -> None:
    _copy("codex/parking-lot/sessions", tmp_path / "codex")
    first = cli("ingest", "--db", tmp_path / "s.db", tmp_path / "codex").output
    assert len(_lines(first)) <= 25, first
    assert re.search(r"lessonloop hooks install +Codex CLI: ", first), first
    assert "lessonloop lessons export --agent codex" in first and "AGENTS.md" in first
    assert "--agent all" not in first  # one agent found: no other file to name


def test_aider_alone_has_no_hooks_and_points_at_conventions_md(tmp_path: Path) -> None:
    _copy("aider/aider-dev/chat-history.md", tmp_path / "aider" / ".aider.chat.history.md")
    first = cli("ingest", "--db", tmp_path / "s.db", tmp_path / "aider").output
    assert len(_lines(first)) <= 25, first
    assert "hooks install" not in first
    assert "lessonloop lessons export --agent aider" in first and "CONVENTIONS.md" in first


def _on_a_terminal(*args: str, columns: int = 80) -> str:
    """stdout of `lessonloop ARGS` on a pseudo-terminal `columns` wide, escape sequences taken out."""
    main, side = os.openpty()
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT / "src"), COLUMNS=str(columns), TERM="xterm")
    try:
        subprocess.run(
            [sys.executable, "-m", "lessonloop", *args],
            stdin=side,
            stdout=side,
            stderr=subprocess.DEVNULL,
            env=env,
            timeout=300,
            check=True,
        )
    finally:
        os.close(side)
    return without_escapes(read_to_end(main).decode("utf-8", "replace").replace("\r\n", "\n"))


def test_a_later_ingest_with_new_sessions_is_short_and_points_at_the_report(tmp_path: Path) -> None:
    """Not the first ingest: the figures and the new lessons, no next steps again."""
    _copy("codex/parking-lot/sessions", tmp_path / "codex")
    assert cli("ingest", "--db", tmp_path / "s.db", tmp_path / "codex").exit_code == 0
    _copy("aider/aider-dev/chat-history.md", tmp_path / "aider" / ".aider.chat.history.md")
    later = cli("ingest", "--db", tmp_path / "s.db", tmp_path / "codex", tmp_path / "aider").output
    assert len(_lines(later)) <= 25, later
    assert "Give the lessons" not in later and "Most frequent mistakes" in later
    assert re.search(r"^sessions +[\d,]+ with new records .*: aider [\d,]+$", later, re.M), later
    assert "`lessonloop report --since 1d`" in later and "The store holds " in later


def test_the_sample_gets_the_summary_without_the_agents_next_steps(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    for key in ("CLAUDE_CONFIG_DIR", "CODEX_HOME", "GEMINI_CLI_HOME", "AIDER_CHAT_HISTORY_FILE"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.chdir(home)
    first = cli("ingest", "--db", tmp_path / "s.db").output
    assert "bundled sample" in first and len(_lines(first)) <= 25, first
    assert "Most frequent mistakes" in first and "Give the lessons" not in first
    again = cli("ingest", "--db", tmp_path / "s.db").output
    assert len(_lines(again)) == 2 and again.startswith("Nothing new") and "bundled sample" in again, again


def test_replay_lists_the_lessons_that_fired_most(home: tuple[Path, Path, str, str]) -> None:
    _folder, db, _first, _second = home
    fired = cli("replay", "--db", db, "--json").json()["lessons_fired"]
    text = cli("replay", "--db", db).output
    if len(fired) > 15:
        more = len(fired) - 15
        assert f"{more:,} more lesson{'' if more == 1 else 's'} not shown: --json lists them, --all every one." in text
    assert fired[0]["title"][:60] in text
    assert len(_lines(cli("replay", "--db", db, "--all").output)) >= len(_lines(text)) + len(fired) - 16
