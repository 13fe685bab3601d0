"""`report`, `analyze stats`, `patterns` and `suggest` on an 80-column terminal (report/table_fit.py):
the short columns (ids, days, counts, figures) stay whole, headers of several words go on two
lines, the least needed columns are left out (and a line says which), the long texts give way.
They wrapped every header ("sess…", "PATTE / RN", "MATCH / ED") and cut ids and days."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.cells import cell_len
from rich.console import Console

from tests.conftest import cli
from tests.runner_helpers import lessonloop_run
from tests.transcript_builder import write_build_failure_sessions

COMMAND = ["python3", "-c", "print('FAILED test_a - assert 1 == 2')"]


@pytest.fixture
def store(tmp_path: Path) -> Path:
    write_build_failure_sessions(tmp_path / "in")
    db = tmp_path / "s.db"
    assert cli("ingest", "--db", db, "--no-progress", tmp_path / "in").exit_code == 0
    for _ in range(3):
        lessonloop_run("--no-profile", "-e", "FAILED test_", "--", *COMMAND, db=db)
    return db


def shown(monkeypatch: pytest.MonkeyPatch, module: str, *words: str | Path, width: int = 80) -> list[str]:
    out = io.StringIO()
    where = module if "." in module else f"lessonloop.cli.{module}"  # a wing's module by its full name
    monkeypatch.setattr(f"{where}.console", lambda: Console(file=out, width=width, color_system=None))
    result = cli(*words)
    assert result.exit_code == 0, result.stderr
    lines = out.getvalue().splitlines()
    assert all(cell_len(line) <= width for line in lines), "\n".join(lines)
    return lines


def header_words(lines: list[str], first: str) -> set[str]:
    """The words of a table's header (one or two lines, the last starting with `first`)."""
    at = next(i for i, line in enumerate(lines) if line.split()[:1] == [first])
    above = (
        lines[at - 1].split()
        if at and not lines[at - 1].startswith(("Sessions", "Habits", "Limits", "Pattern"))
        else []
    )
    return {*above, *lines[at].split()}


@pytest.mark.slow
def test_report_keeps_ids_days_and_counts_whole(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lines = shown(monkeypatch, "lessonloop.cli.handlers.report", "report", "--db", store)
    words = header_words(lines, "session")
    assert {"session", "started", "calls", "compliance", "blind", "edits", "unresolved"} <= words, lines
    assert not any("…" in word for word in words)
    rows = [
        line.split() for line in lines if line[:4].isalnum() and len(line.split()) > 4 and line.split()[1][:4] == "2026"
    ]
    assert len(rows) == 4, lines
    assert all(len(row[0]) == 8 and row[2] == "09:00" for row in rows), rows
    assert any("left out for want of room" in line for line in lines)
    assert not any(
        "left out" in line
        for line in shown(monkeypatch, "lessonloop.cli.handlers.report", "report", "--db", store, width=200)
    )


@pytest.mark.slow
def test_analyze_stats_keeps_its_figures_whole(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lines = shown(monkeypatch, "lessonloop.cli.handlers.analyze", "analyze", "stats", "--db", store)
    words = header_words(lines, "habit")
    assert {"habit", "outcome", "with:", "without:", "bad/n", "(exact)", "odds", "ratio", "[95%", "CI]"} <= words, lines
    assert any(line.startswith("blind edits") and "/4" in line for line in lines), lines


@pytest.mark.slow
def test_patterns_keeps_its_counts_and_precision_whole(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lines = shown(monkeypatch, "lessonloop.runs.handlers.patterns", "runs", "patterns", "--db", store)
    words = header_words(lines, "KIND")
    assert {"KIND", "PATTERN", "RUNS", "MATCHED", "REAL", "FALSE", "MISSED", "PRECISION", "[95%", "CI]"} <= words, lines
    row = next(line for line in lines if line.startswith("error"))
    assert row.split() == ["error", "FAILED", "test_", "3", "3", "0", "3", "0", "0", "0%", "[0%-56%]"], row
    assert any(line.startswith("(COMMANDS: left out") for line in lines), lines


@pytest.mark.slow
def test_suggest_keeps_the_limits_whole(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lines = shown(monkeypatch, "lessonloop.runs.handlers.suggest", "runs", "suggest", "--db", store, "--", *COMMAND)
    words = header_words(lines, "LIMIT")
    assert {"LIMIT", "SUGGESTED", "RUNS", "P95", "LONGEST", "WHY"} <= words, lines
    flags = [line.split()[0] for line in lines if line.startswith("--")]
    assert flags == ["--timeout", "--idle-timeout", "--first-output-timeout"], lines


def test_a_list_cell_goes_one_item_a_line_keeping_each_count() -> None:
    """Errors by class on a narrow terminal: one class a line, its count kept, the name shortened
    (it broke "MISSING_PREREQUISITE 2" inside the name and put the count on a line of its own)."""
    from lessonloop.report.table_fit import Column, fit_table

    columns = [Column("session"), Column("calls", "right"), Column("errors by class", text="wrap")]
    rows: list[list[str | list[str]]] = [["8463c716", "196", ["CHECK_FAILED 7", "MISSING_PREREQUISITE 2", "CASCADE 2"]]]
    out = io.StringIO()
    console = Console(file=out, width=36, color_system=None)
    console.print(fit_table(36, columns, rows)[0])
    lines = out.getvalue().splitlines()
    assert all(cell_len(line) <= 36 for line in lines), lines
    cells = [line[17:].strip() for line in lines[-3:]]
    assert cells[0] == "CHECK_FAILED 7" and cells[2] == "CASCADE 2", lines
    assert cells[1].startswith("MISSING_PR") and cells[1].endswith("… 2"), lines
    wide = io.StringIO()
    Console(file=wide, width=120, color_system=None).print(fit_table(120, columns, rows)[0])
    assert "CHECK_FAILED 7, MISSING_PREREQUISITE 2, CASCADE 2" in wide.getvalue()
