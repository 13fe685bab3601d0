"""The wings' registry: features that plug into the core the way datasette's own features are
plugins (its DEFAULT_PLUGINS) and llm's register their commands and migrations themselves.

A wing is a package that declares what it adds as plain attributes of its `__init__.py` (at its
door, as ccusage writes each adapter folder's shape there); the core reads them here and never
imports a wing by name (import-linter: `core-knows-no-wing`). Each value names code as text
("package.module" or "package.module:function"), imported when it is used, so that loading the
declarations costs one small module per wing. The hooks load none: they write the core's tables
only (store/connection.connect_for_writing checks the sequences a writer names).

What a wing may declare (each optional; core/wing_specs.py is the spec of each, as typing Protocols):
- COMMANDS: {module: (command, ...)}: the modules whose register(commands) adds those commands to
  the command line (cli/entry.py builds only the running command's);
- MIGRATIONS: the module holding the wing's own migration sequence (its MIGRATIONS list), applied
  after the core's (store/migrations.py); LATEST_MIGRATION: its last step's name;
- ENTRY_POINTS: {command: "module:function"}: a command that reads its own line (`lessonloop run`:
  the runner's small parser, no argparse), called as function(arguments) -> exit status before
  anything else of the command line is imported (__main__.py, cli/entry.py);
- AFTER_EDIT: ("module:function", ...): a hook step after an agent's successful edit or write,
  function(conn, session_id, target, cwd) -> (text for the agent, detail recorded) or None
  (apply/hooks/post_tool.py: the history's co-change reminder); stdlib only, it runs in the hook;
- BEFORE_ANALYSIS, AFTER_INGEST: ("module:function", ...): called as function(conn, request,
  report) in an ingest job (pipeline/ingest_job.py), once its files are read and its results
  imported (before the sessions are analyzed), and at its end; a BEFORE_ANALYSIS step returns
  the sessions whose analysis it changed, or None (an ingest of only what it touched analyzes them);
- WEB: a module of pages for the web UI (web/wing_pages.py: PAGES, API, ROUTE_DOCS, NAV, TEMPLATES);
- DASHBOARD: {key: "module:function"}: a dashboard panel's figures, function(conn, project, agent)
  (report/dashboard_queries.py);
- FEEDBACK: {kind: "module:function"}: `lessonloop feedback KIND ID` handed to function(args)
  (cli/handlers/feedback.py);
- RETENTION: a module, the wing's part of `lessonloop cleanup` (cli/cleanup_commands.py's
  parser: add_options(parser); cli/handlers/cleanup.py: cleanup(conn or None, args, config));
- INGEST_MODES: (module, ...): other ways to ingest (`ingest --git`): add_options(parser),
  chosen(args), run(args) -> exit status (cli/session_commands.py, cli/handlers/ingest.py);
- EXPORT_KINDS: {kind: "module:NAME"}: a kind of records `dataset export` writes, an ExportKind
  (report/record_fields.py; dataset/export/kinds.py lists them);
- TIMELINE: {key: "module:function"}: a section of a main session's timeline, function(conn,
  session_id) -> list (report/queries.py: `show`, the web's session page, MCP);
- UNDONE_SESSIONS: ("module:function", ...): function(conn) -> {session: changes undone later}
  (report/analysis_queries.py: habits against outcomes);
- SESSION_RETENTION: a module, the wing's part of `lessonloop cleanup` run in the sessions'
  transaction (store/removal/retention.py): models(conn) -> the file models stored,
  sessions_needed(conn, old sessions) -> {session: [why]}, has_old(conn, cutoff) -> bool,
  delete_old(conn, cutoff, include_needed) -> (count, KeptCommits), after the sessions;
- FORGET: a module, the wing's part of forgetting (store/forgetting.py: project_rows, collect,
  STEPS, TEMP_TABLES, after for a project; sessions_deleted with any session);
- PROJECTS: (table, ...): the wing's tables whose `project` column names a stored project (the
  names a --project value matches: store/projects/names.py);
- PROJECT_FOLDERS: "module:function": function(conn) -> folders a --project value may name
  besides the stored projects (`forget project`, `dataset export`: the repositories read);
- COMMAND_SUMMARIES: "module:function": function(conn) -> a dict per project and command (its
  runs, failures, stops, durations, first and last run): the telemetry a team shares
  (team/sync.py).
- SEARCH_PLACES: a module whose SESSION_SQL and TS_SQL give, in SQL over a search place `x`, the
  session and time of the wing's kind of place (store/search/reader.py; the history wing's linked
  commits, which its migrations make places of the core's search index), and whose
  place_at(conn, main session id, at) gives the id of the call behind its place `at` in that
  session ("" for none), or None when `at` is not one of its places (report/queries.place_of:
  `show --at` a linked commit's hash);
- STORED_TEXTS: a module naming the wing's stored texts for the store's redaction pass
  (store/redaction_pass.py): TEXT_COLUMNS ((table, column, scope), ...), KEPT_COLUMNS ({table:
  "the columns that hold no free text"}), CLEARED_AFTER_PASS (tables learned from texts as they
  were), and optionally merge_same(conn, table, rowid, changes) -> bool for rows redacting made
  the same; its bytes are part of the rules' digest.

No imports: `lessonloop run` and the Stop hook's worker load it.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from collections.abc import Callable
    from types import ModuleType
    from typing import Any

# The wings lessonloop ships, in the order their steps run and their commands are listed.
DEFAULT_WINGS = ("lessonloop.runs", "lessonloop.history", "lessonloop.dataset", "lessonloop.team")

_loaded: list[ModuleType] = []


# The wings to load, by their short names ("runs,history"; empty: none); unset: every one. As llm's
# LLM_LOAD_PLUGINS: the core runs the same without any wing (tests/test_wingless.py).
ENV_WINGS = "LESSONLOOP_WINGS"


def wings() -> list[ModuleType]:
    """Every wing's package (its declarations), imported once: those $LESSONLOOP_WINGS names, when
    it is set."""
    if not _loaded:
        import os

        chosen = os.environ.get(ENV_WINGS)
        names = {part.strip() for part in chosen.split(",") if part.strip()} if chosen is not None else None
        for name in DEFAULT_WINGS:
            if names is None or name.rpartition(".")[2] in names:
                _loaded.append(__import__(name, fromlist=["_"]))
    return _loaded


def declared(attribute: str) -> list[tuple[str, Any]]:
    """(wing's package, value) for every wing declaring `attribute`, in the wings' order."""
    found = []
    for wing in wings():
        value = getattr(wing, attribute, None)
        if value is not None:
            found.append((wing.__package__ or "", value))
    return found


def commands() -> dict[str, tuple[str, ...]]:
    """Every wing's command modules (a full module name each) and the commands each adds."""
    found: dict[str, tuple[str, ...]] = {}
    for _wing, value in declared("COMMANDS"):
        found.update(value)
    return found


def migration_modules() -> list[str]:
    """The modules of the wings' migration sequences, in the order they are applied."""
    return [str(value) for _wing, value in declared("MIGRATIONS")]


def latest_migrations() -> list[str]:
    """The name of each wing's last migration."""
    return [str(value) for _wing, value in declared("LATEST_MIGRATION")]


def entry_point(command: str) -> Callable[[list[str]], int] | None:
    """The function of the wing command `command` that reads its own line, or None."""
    for _wing, value in declared("ENTRY_POINTS"):
        if command in value:
            function: Callable[[list[str]], int] = resolve(value[command])
            return function
    return None


def resolve(target: str) -> Any:
    """The object "package.module:name" names, its module imported now."""
    module, _, name = target.partition(":")
    loaded = __import__(module, fromlist=[name or "_"])
    return getattr(loaded, name) if name else loaded


def modules(attribute: str) -> list[Any]:
    """The modules the wings declare under `attribute` (one each, or several: INGEST_MODES), imported now."""
    found: list[Any] = []
    for _wing, value in declared(attribute):
        found += [resolve(str(name)) for name in ((value,) if isinstance(value, str) else value)]
    return found


def steps(attribute: str) -> list[Callable[..., Any]]:
    """The functions every wing declares under `attribute` ("module:function" each), imported now."""
    return [resolve(str(target)) for _wing, targets in declared(attribute) for target in targets]
