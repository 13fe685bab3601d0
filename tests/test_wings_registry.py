"""The wings' registry (core/wings.py) is a plugin system, not a list of our four: a wing the core
has never seen, a `Wing` at its package's door, gets its command, its own migration sequence, its
steps in an ingest, its dashboard panel and the projects its table names, with no line of the core naming it. The wing is
written into a temporary folder and added to DEFAULT_WINGS in a process of its own (the registry
loads the wings once per process)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

from lessonloop.core.wing import Wing
from lessonloop.core.wings import DEFAULT_WINGS, wings
from tests.transcript_builder import TranscriptBuilder

WING = {
    "__init__.py": """
        from lessonloop.core.wing import Wing

        class Notes(Wing):
            COMMANDS = {"notewing.cli": ("notes",)}
            LATEST_MIGRATION = "nw001_notes"
            PROJECTS = ("wing_notes",)

            def migrations(self):
                from notewing.migrations import MIGRATIONS
                return MIGRATIONS

            def before_analysis(self, conn, request, report):
                from notewing.steps import before
                return before(conn, request, report)

            def after_ingest(self, conn, request, report):
                from notewing.steps import after
                after(conn, request, report)

            def dashboard(self, conn, project, agent):
                from notewing.steps import panel
                return {"notes": panel(conn, project, agent)}

        WING = Notes()
    """,
    "migrations.py": """
        from lessonloop.store.migrations import execute_all, sequence

        MIGRATIONS = []
        migration = sequence(MIGRATIONS)

        @migration
        def nw001_notes(conn):
            execute_all(conn, "CREATE TABLE wing_notes (at TEXT NOT NULL, text TEXT NOT NULL, project TEXT);")
    """,
    "steps.py": """
        def before(conn, request, report):
            sessions = conn.execute("SELECT count(*) FROM sessions").fetchone()[0]
            conn.execute("INSERT INTO wing_notes VALUES ('before', ?, 'noted-project')", (str(sessions),))

        def after(conn, request, report):
            report.wing_steps["notes"] = conn.execute("SELECT count(*) FROM wing_notes").fetchone()[0]

        def panel(conn, project, agent):
            return [text for (text,) in conn.execute("SELECT text FROM wing_notes ORDER BY rowid")]
    """,
    "cli.py": """
        from lessonloop.cli.common import emit_json, open_cli_store

        def register(commands):
            notes = commands.add_parser("notes", help="the notes a wing kept")
            notes.add_argument("--db")
            notes.set_defaults(handler=run)

        def run(args):
            with open_cli_store(args.db) as conn:
                emit_json([text for (text,) in conn.execute("SELECT text FROM wing_notes ORDER BY rowid")])
            return 0
    """,
}

RUN = """
import sys
import lessonloop.core.wings as wings
wings.DEFAULT_WINGS = (*wings.DEFAULT_WINGS, "notewing")
from lessonloop.cli import main
sys.exit(main(sys.argv[1:]))
"""


def _wing(folder: Path) -> Path:
    package = folder / "notewing"
    package.mkdir(parents=True)
    for name, text in WING.items():
        (package / name).write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return folder


def _run(folder: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(folder), os.environ.get("PYTHONPATH", "")])}
    return subprocess.run(
        [sys.executable, "-c", RUN, *map(str, args)], env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_a_wing_the_core_never_saw_plugs_in(tmp_path: Path) -> None:
    folder = _wing(tmp_path / "plugins")
    db = tmp_path / "store.db"
    transcript = TranscriptBuilder(cwd="/home/dev/app")
    transcript.prompt("run the tests")
    transcript.bash("pytest -q", "1 passed")
    transcript.write(tmp_path / "in" / f"{transcript.session_id}.jsonl")

    done = _run(folder, "ingest", tmp_path / "in", "--db", db, "--json", "--no-progress")
    assert done.returncode == 0, done.stderr
    conn = sqlite3.connect(db)
    try:
        migrated = [row[0] for row in conn.execute("SELECT name FROM _migrations ORDER BY rowid")]
        notes = conn.execute("SELECT at, text FROM wing_notes").fetchall()
    finally:
        conn.close()
    assert migrated[-1] == "nw001_notes"  # its sequence, after the core's and the shipped wings'
    assert notes == [("before", "1")]  # its step ran before analysis, with the session stored

    listed = _run(folder, "notes", "--db", db)  # its command, built by the core's parser
    assert listed.returncode == 0, listed.stderr
    assert json.loads(listed.stdout) == ["1"]
    helped = _run(folder, "--help")
    assert "the notes a wing kept" in helped.stdout

    # Without it, the core knows nothing of it: no command, no table made.
    plain = subprocess.run(
        [sys.executable, "-m", "lessonloop", "notes", "--db", str(tmp_path / "plain.db")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert plain.returncode == 2 and "unknown command 'notes'" in plain.stderr


def test_the_dashboard_the_end_of_an_ingest_and_the_project_names_hear_the_wing(tmp_path: Path) -> None:
    folder = _wing(tmp_path / "plugins")
    db = tmp_path / "store.db"
    transcript = TranscriptBuilder(cwd="/home/dev/app")
    transcript.prompt("run the tests")
    path = transcript.write(tmp_path / "in" / f"{transcript.session_id}.jsonl")
    script = f"""
import lessonloop.core.wings as wings
wings.DEFAULT_WINGS = (*wings.DEFAULT_WINGS, "notewing")
from lessonloop.pipeline.ingest_job import IngestRequest, run_ingest_job
from lessonloop.report.dashboard_queries import dashboard
from lessonloop.store import open_store
from lessonloop.store.projects.names import resolve_project_name
conn = open_store({str(db)!r})
report = run_ingest_job(conn, IngestRequest(paths=({str(path)!r},), analyze=False), None)
print(report.wing_steps["notes"], dashboard(conn)["notes"], resolve_project_name(conn, "noted"))
"""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(folder), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    # its note made before analysis, counted at the end; its table's project is a stored project
    assert done.stdout.split() == ["1", "['1']", "noted-project"]


def test_the_shipped_wings_each_declare_at_their_door() -> None:
    """Every shipped wing is a package whose __init__ holds a `Wing` that adds at least a command,
    and the modules its commands name exist and register (a name of a module that does not exist
    fails here; the code its methods import, tests/test_wing_specs.py)."""
    import importlib

    found = wings()
    assert [type(wing).__module__ for wing in found] == list(DEFAULT_WINGS)
    for wing in found:
        assert isinstance(wing, Wing) and wing.COMMANDS, type(wing).__module__
        for module in wing.COMMANDS:
            assert hasattr(importlib.import_module(module), "register"), module
