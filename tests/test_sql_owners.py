"""SQL lives in the store (docs/ARCHITECTURE.md, "The store"): the schema has one owner.

import-linter sees imports, not SQL strings: a module elsewhere that runs a query on the store's
tables couples itself to the schema behind the layers' back. This test reads every module of
src/lessonloop/ and fails on SQL outside the places allowed to hold it:
- store/: the store's modules, learning's part of the store (learning/store/), and each wing's
  store/ (core/wings.py: team/store/, ...);
- report/ query modules (named `*queries.py`): the read-only queries behind tables, pages and exports,
  and a wing's (dataset/quality_queries.py);
- databases that are not the store: the agents' own databases, read only (capture/opencode_format/:
  OpenCode's, Kilo Code's, ZCode's; an agent's reader, agents/<agent>/reader/: Cursor's state.vscdb,
  Hermes Agent's state.db, Goose's sessions.db, OpenClaw's store, Antigravity's conversations; the
  read-only opening they share, capture/readonly_sqlite.py) and the team's PostgreSQL server
  (team/server.py, its own schema). A reader is in capture's layer: it cannot import the store
  (import-linter), and opens the agent's file with a read-only URI.

SQL is a call of `execute`, `executemany` or `executescript`, or a string that starts with an SQL
statement's keyword in capitals (SELECT, INSERT, UPDATE, DELETE, WITH, CREATE, DROP, ALTER, PRAGMA,
REPLACE) followed by more words.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from lessonloop.core.wings import DEFAULT_WINGS

SRC = Path(__file__).resolve().parent.parent / "src" / "lessonloop"

# the store, learning's part of it, the agents' own databases (read only)
ALLOWED_FOLDERS = ("store/", "learning/store/", "capture/opencode_format/")
AGENT_READER = re.compile(r"^agents/\w+/reader/")
WING_STORE = re.compile(r"^\w+/store/")  # a wing's part of the store (team/store/)
WING_QUERIES = re.compile(r"^\w+/(.*/)?\w*queries\.py$")  # a wing's read-only queries (dataset/quality_queries.py)
ALLOWED_FILES = {  # databases that are not the store
    "capture/readonly_sqlite.py": "an agent's own database opened read only",
    "team/server.py": "the team's PostgreSQL server",
    "team/server_schema.py": "the team server's own schema (PostgreSQL)",
}
WINGS = {name.split(".")[1] for name in DEFAULT_WINGS}  # core/wings.py
QUERY_MODULE = re.compile(r"^report/(.*/)?\w*queries\.py$")

SQL_START = re.compile(r"^\s*(SELECT|INSERT|UPDATE|DELETE|WITH|CREATE|DROP|ALTER|PRAGMA|REPLACE)\s+\S")
SQL_CALLS = {"execute", "executemany", "executescript"}


def allowed(relative: str) -> bool:
    if relative.split("/")[0] in WINGS and (WING_STORE.match(relative) or WING_QUERIES.match(relative)):
        return True
    if relative.startswith(ALLOWED_FOLDERS) or relative in ALLOWED_FILES or AGENT_READER.match(relative):
        return True
    return bool(QUERY_MODULE.match(relative))


def sql_lines(source: str) -> list[int]:
    """The lines of `source` that run SQL or hold an SQL statement's text."""
    lines: set[int] = set()
    for node in ast.walk(ast.parse(source)):
        runs = isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in SQL_CALLS
        holds = isinstance(node, ast.Constant) and isinstance(node.value, str) and bool(SQL_START.match(node.value))
        if runs or holds:
            lines.add(getattr(node, "lineno", 0))
    return sorted(lines)


def offenders() -> dict[str, list[int]]:
    found = {}
    for path in sorted(SRC.rglob("*.py")):
        relative = path.relative_to(SRC).as_posix()
        if allowed(relative):
            continue
        lines = sql_lines(path.read_text(encoding="utf-8"))
        if lines:
            found[relative] = lines
    return found


def test_sql_is_only_in_the_store_and_the_report_query_modules() -> None:
    found = offenders()
    listing = "\n".join(f"  {name}: lines {', '.join(map(str, lines))}" for name, lines in found.items())
    assert not found, (
        "SQL outside store/ and report/'s query modules (move the query into a store module named after "
        f"what it reads or writes, and call it):\n{listing}"
    )


def test_the_scan_finds_sql_where_it_is() -> None:
    """The scan is not blind: it sees the store's own queries, in calls and in statement strings."""
    assert sql_lines((SRC / "store" / "sessions" / "forgotten.py").read_text()) != []
    source = 'conn.execute(q)\nQUERY = """\n    SELECT id FROM sessions"""\nTEXT = "Select the lessons"\n'
    assert sql_lines(source) == [1, 2]
    assert not allowed("capture/privacy.py") and not allowed("report/render.py")
    assert allowed("report/export/chat_queries.py") and allowed("store/sessions/writer.py")
    assert allowed("dataset/export/export_queries.py") and not allowed("dataset/export/fields.py")
    assert allowed("team/store/state.py") and not allowed("team/sync.py") and not allowed("apply/store/x.py")
