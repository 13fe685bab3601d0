"""Error signatures from the line that carries the error (analyze/error_headline.py,
analyze/output_noise.py, learning/engine/signatures.py), pinned on real outputs copied from every corpus in
../shared/corpus (trimmed, otherwise verbatim): build and test chatter is skipped, the failing check,
exception or exit status is kept; one mistake gets one signature and one class.

Gemini CLI's and OpenCode's corpora hold no failed call (every tool result succeeded), pinned at
the end on the real files so that a failure added to them is noticed and pinned here too.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from lessonloop.analyze.error_classes import classify_call
from lessonloop.analyze.error_headline import error_headline
from lessonloop.analyze.output_noise import is_noise
from lessonloop.learning.engine.signatures import error_signature
from tests.conftest import SHARED_CORPUS
from tests.learning_helpers import Script

# ----------------------------------------------------------------------------- Claude Code, spotter

# `mix test` runs of one session: the first line is build chatter that differs from run to run
# ("Compiling 4 files", "Getting extensions", "==> fine"); the error is further down.
MIX_TEST_SECRET = (
    "Exit code 2\nGetting extensions in current project...\nRunning setup for AshSqlite.DataLayer...\n"
    "Running ExUnit with seed: 918599, max_cases: 32\n\n\n\n"
    "  1) test mount renders transcript annotation with message ref count (SpotterWeb.ProjectReviewLiveTest)\n"
    "     test/spotter_web/live/project_review_live_test.exs:58\n"
    "     ** (RuntimeError) no :secret_key_base configuration found in SpotterWeb.Endpoint.\n"
    "     Ensure your environment has the necessary mix configuration. For example:\n"
)
MIX_TEST_SECRET_COMPILING = (
    "Exit code 2\nCompiling 40 files (.ex)\nGenerated spotter app\nGetting extensions in current project...\n"
    "Running setup for AshSqlite.DataLayer...\nRunning ExUnit with seed: 837521, max_cases: 32\n\n"
    "......................................................................................................\n\n"
    "  1) test transcript row class mapping code rows have is-code class and render as pre/code "
    "(SpotterWeb.SessionLiveTest)\n     test/spotter_web/live/session_live_test.exs:109\n"
    "     ** (RuntimeError) no :secret_key_base configuration found in SpotterWeb.Endpoint.\n"
)
MIX_TEST_LAZY_HTML = (
    "Exit code 2\nCompiling 41 files (.ex)\nGenerated spotter app\nGetting extensions in current project...\n"
    "Running setup for AshSqlite.DataLayer...\nRunning ExUnit with seed: 374312, max_cases: 32\n\n\n\n"
    "  1) test mount handles invalid project id gracefully (SpotterWeb.ProjectReviewLiveTest)\n"
    "     test/spotter_web/live/project_review_live_test.exs:102\n"
    "     ** (RuntimeError) Phoenix LiveView requires lazy_html as a test dependency.\n"
    '     Please add to your mix.exs:\n\n     {:lazy_html, ">= 0.1.0", only: :test}\n'
)
MIX_TEST_ASSERTION = (
    "Exit code 2\n==> fine\nCompiling 1 file (.ex)\nGenerated fine app\n==> lazy_html\nCompiling 3 files (.ex)\n"
    "Generated lazy_html app\n==> oban_web\nCompiling 42 files (.ex)\n    warning: function svg_mini/1 is unused\n"
    "    │\n 16 │   defp svg_mini(assigns) do\n    │   ~~~~~~~~~~~~~~~~~~~~~~~~~\n    │\n"
    "    └─ lib/oban/web/components/icons.ex:16: Oban.Web.Components.Icons (module)\n\n"
    "Generated oban_web app\n==> spotter\nCompiling 9 files (.ex)\nGenerated spotter app\n"
    "Getting extensions in current project...\nRunning setup for AshSqlite.DataLayer...\n"
    "Running ExUnit with seed: 285179, max_cases: 32\n\n\n\n"
    "  1) test mount renders project review page with open annotations (SpotterWeb.ProjectReviewLiveTest)\n"
    "     test/spotter_web/live/project_review_live_test.exs:35\n     Assertion with =~ failed\n"
    '     code:  assert html =~ "Review: #{project.name}"\n'
)
MIX_COMPILE_ERROR = (
    "Exit code 1\nCompiling 4 files (.ex)\nGenerated spotter app\nGetting extensions in current project...\n"
    "Running setup for AshSqlite.DataLayer...\nRunning ExUnit with seed: 873002, max_cases: 32\n\n"
    "     error: undefined function get/2 (expected SpotterWeb.ProjectReviewLiveTest to define such a function "
    "or for it to be imported, but none are available)\n     │\n"
)
CREDO_RUN = (
    "Exit code 2\nChecking 3 source files ...\n\n  Software Design                                         \n"
    "┃ \n┃ [D] ↘ Nested modules could be aliased at the top of the invoking module.\n"
    "┃       lib/spotter/services/active_session_registry.ex:135:5 #(Spotter.Services.ActiveSessionRegistry)\n\n"
    "Please report incorrect results: https://github.com/rrrene/credo/issues\n"
)
CREDO_RUN_ONE_FILE = CREDO_RUN.replace("Exit code 2\nChecking 3 source files", "Exit code 6\nChecking 1 source file")
PRE_COMMIT_FORMAT = (
    "Pre-commit validation failed:\\n\\n[FORMAT] Code is not formatted.\\nRun 'mix format' to fix.\\n\\n"
    "Fix these issues before committing."
)
PRE_COMMIT_FORMAT_CREDO = (
    "Pre-commit validation failed:\\n\\n[FORMAT] Code is not formatted.\\nRun 'mix format' to fix.\\n\\n"
    "[CREDO]\\nChecking 114 source files (this might take a while) ...\n  Software Design\n┃ \n"
    "┃ [D] ↘ Nested modules could be aliased at the top of the invoking module.\n"
    "\\n\\n[DIALYZER]\\nFinding suitable PLTs\nChecking PLT...\n"
)
PRE_COMMIT_DIALYZER = (
    "Pre-commit validation failed:\\n\\n[DIALYZER]\\nFinding suitable PLTs\nChecking PLT...\n"
    "[:acceptor_pool, :ash, :ash_ai, :ash_computer, :ash_json_api]\nPLT is up to date!\n"
)
PYTHON_TRACEBACK = (
    'Exit code 1\nTraceback (most recent call last):\n  File "<string>", line 6, in <module>\n'
    '  File "/usr/lib/python3.12/json/__init__.py", line 346, in loads\n    return _default_decoder.decode(s)\n'
    "json.decoder.JSONDecodeError: Unterminated string starting at: line 1 column 256 (char 255)\n"
)
ESBUILD = (
    'Exit code 1\n✘ [ERROR] Could not resolve "js/app.js"\n\n1 error\n'
    "/home/USER/projects/spotter-worktrees/spotter-fum/assets/node_modules/esbuild/lib/main.js:1467\n"
    "  let error = new Error(text);\n              ^\n\nError: Build failed with 1 error:\n"
)


def sig(text: str, tool: str = "shell", branch: str | None = None) -> str:
    return error_signature(tool, text, branch)


def test_build_chatter_before_the_error_is_skipped() -> None:
    assert (
        sig(MIX_TEST_SECRET)
        == "shell|** (RuntimeError) no :secret_key_base configuration found in SpotterWeb.Endpoint."
    )
    assert (
        sig(MIX_TEST_LAZY_HTML) == "shell|** (RuntimeError) Phoenix LiveView requires lazy_html as a test dependency."
    )
    assert sig(MIX_COMPILE_ERROR).startswith("shell|error: undefined function <path> (expected SpotterWeb.")


def test_the_same_failure_after_different_chatter_has_one_signature() -> None:
    assert sig(MIX_TEST_SECRET) == sig(MIX_TEST_SECRET_COMPILING)
    assert (
        sig(CREDO_RUN)
        == sig(CREDO_RUN_ONE_FILE)
        == ("shell|[D] ↘ Nested modules could be aliased at the top of the invoking module.")
    )


def test_different_failures_after_the_same_chatter_are_told_apart() -> None:
    signatures = {sig(t) for t in (MIX_TEST_SECRET, MIX_TEST_LAZY_HTML, MIX_TEST_ASSERTION, MIX_COMPILE_ERROR)}
    assert len(signatures) == 4
    for noise in ("Compiling", "Getting extensions", "==> fine", "Running ExUnit"):
        assert all(noise not in s for s in signatures)


def test_a_generic_assertion_is_named_by_its_failing_test() -> None:
    assert sig(MIX_TEST_ASSERTION) == (
        "shell|test mount renders project review page with open annotations (SpotterWeb.ProjectReviewLiveTest): "
        "Assertion with =~ failed"
    )


def test_a_traceback_is_its_last_exception_line() -> None:
    assert sig(PYTHON_TRACEBACK) == (
        "shell|json.decoder.JSONDecodeError: Unterminated string starting at: line <n> column <n> (char <n>)"
    )
    assert sig(ESBUILD) == 'shell|✘ [ERROR] Could not resolve "<path>"'


def test_a_pre_commit_rejection_is_its_first_failing_check() -> None:
    assert (
        sig(PRE_COMMIT_FORMAT)
        == sig(PRE_COMMIT_FORMAT_CREDO)
        == ("shell|Pre-commit validation failed: [FORMAT] Code is not formatted.")
    )
    assert sig(PRE_COMMIT_DIALYZER) == "shell|Pre-commit validation failed: [DIALYZER]"


def _class(text: str, command: str) -> str:
    event = Script().session("s").bash(command, error=text)
    found = classify_call(event.call)
    assert found is not None
    return found.label


def test_one_mistake_one_class() -> None:
    commit = "git add -A && git commit -m 'feat: x'"
    assert _class(PRE_COMMIT_FORMAT, commit) == _class(PRE_COMMIT_FORMAT_CREDO, commit) == "WORKFLOW_SEQUENCE"
    assert _class(PRE_COMMIT_DIALYZER, commit) == "CHECK_FAILED"
    assert _class(MIX_TEST_SECRET, "mix test") == _class(MIX_TEST_SECRET_COMPILING, "mix test 2>&1") == "CHECK_FAILED"


def test_harness_messages_and_git_errors_keep_their_first_line() -> None:
    assert sig("<tool_use_error>File does not exist.</tool_use_error>", "read") == "read|File does not exist."
    ignored = (
        "Exit code 1\nThe following paths are ignored by one of your .gitignore files:\npriv/static/assets\n"
        "hint: Use -f if you really want to add them.\n"
    )
    assert sig(ignored) == "shell|The following paths are ignored by one of your .gitignore files: <path>"
    push = "Exit code 128\nfatal: The current branch spotter-gqc has no upstream branch.\nTo push the current branch"
    assert sig(push, branch="spotter-gqc") == "shell|fatal: The current branch <branch> has no upstream branch."


# ----------------------------------------------------------------------------- Claude Code, codemie

CODEMIE_OPTIONS = (
    "Exit code 1\n\nOptions:\n  1. Codex requires compatible models (e.g., gpt-4.1, gpt-4o, qwen2.5-coder)\n"
    "  2. Update profile: codemie setup\n"
)


def test_claude_code_codemie_lines() -> None:
    assert sig(CODEMIE_OPTIONS).startswith("shell|Options: <n>. Codex requires compatible models")
    assert sig("Exit code 5\njq: parse error: Invalid numeric literal at line 1, column 122") == (
        "shell|jq: parse error: Invalid numeric literal at line <n>, column <n>"
    )
    zsh = "Exit code 1\n(eval):1: no matches found: /Users/user/.claude/projects/-Users-x/ae6c6696*.jsonl"
    assert sig(zsh).startswith("shell|(eval):<n>: no matches found: ")


# ----------------------------------------------------------------------------- Codex, codemie

CODEX_ENVELOPE = (
    "Chunk ID: 1d7024\nWall time: 0.0000 seconds\nProcess exited with code 1\nOriginal token count: 9\nOutput:\n"
    "zsh:1: operation not permitted: ps\n"
)
VITEST = (
    "\n> @codemieai/code@0.0.51 test\n> vitest --run src/agents/plugins/__tests__/codemie-code-reasoning.test.ts\n\n"
    " DEPRECATED  `test.poolOptions` was removed in Vitest 4. All previous `poolOptions` are now top-level options.\n\n"
    " RUN  v4.1.5 /Users/Sample_User/repos/codemie-ai/codemie-code\n\n"
    "(node:36706) Warning: The 'NO_COLOR' env is ignored due to the 'FORCE_COLOR' env being set.\n"
    "(Use `node --trace-warnings ...` to show where the warning was created)\n"
    " ❯ src/agents/plugins/__tests__/codemie-code-reasoning.test.ts (16 tests | 1 failed | 15 skipped) 1316ms\n"
    "       \u00d7 sets default context compaction threshold to 90% 1312ms\n\n"
    "⎯⎯⎯⎯⎯⎯⎯ Failed Tests 1 ⎯⎯⎯⎯⎯⎯⎯\n\n"
    " FAIL  src/agents/plugins/__tests__/codemie-code-reasoning.test.ts > Compaction Config > sets default\n"
    "AssertionError: expected undefined to deeply equal { auto: true, prune: true, …(1) }\n"
)


def test_codex_envelope_is_skipped() -> None:
    assert is_noise("Chunk ID: 1d7024") and is_noise("Process exited with code 1") and is_noise("Output:")
    assert sig(CODEX_ENVELOPE) == "shell|zsh:<n>: operation not permitted: ps"


def test_codex_vitest_failure_is_its_assertion() -> None:
    assert sig(VITEST) == "shell|AssertionError: expected undefined to deeply equal { auto: true, prune: true, …(<n>) }"


def test_codex_failures_that_print_nothing_are_their_exit_status() -> None:
    script = Script()
    event = script.session("s").bash("rg -n compaction node_modules/@codemieai --hidden", error="")
    assert event.signature == "shell|rg exit 1"
    assert error_signature("write_stdin", "write_stdin failed: stdin is closed for this session; rerun") == (
        "write_stdin|write_stdin failed: stdin is closed for this session; rerun"
    )


# ----------------------------------------------------------------------------- Aider

AIDER_LINT_BLACK = (
    "## Running: /Users/gauthier/Projects/aider/tmp.lint.sh tests/basic/test_repomap.py\n\n"
    "isort....................................................................Passed\n"
    "black....................................................................Failed\n"
    "- hook id: black\n- files were modified by this hook\n\nreformatted tests/basic/test_repomap.py\n"
)
AIDER_LINT_FLAKE8 = (
    "## Running: /Users/gauthier/Projects/aider/tmp.lint.sh tests/basic/test_repomap.py\n\n"
    "isort....................................................................Passed\n"
    "black....................................................................Passed\n"
    "flake8...................................................................Failed\n"
    "- hook id: flake8\n- exit code: 1\n\n"
    "tests/basic/test_repomap.py:312:14: F821 undefined name 'GitTemporaryDirectory'\n"
)
AIDER_PYTEST = (
    "============================= test session starts ==============================\n"
    "platform darwin -- Python 3.12.4, pytest-8.3.1, pluggy-1.5.0\nrootdir: /Users/gauthier/Projects/aider\n"
    "configfile: pytest.ini\nplugins: anyio-4.4.0\ncollected 7 items\n\n"
    "tests/basic/test_repomap.py ......F                                      [100%]\n\n"
    "=================================== FAILURES ===================================\n"
    "____________ TestRepoMapAllLanguages.test_get_repo_map_subtree_only ____________\n\n"
    "self = <test_repomap.TestRepoMapAllLanguages testMethod=test_get_repo_map_subtree_only>\n\n"
    ">           repo = GitRepo(io, None, temp_dir, subtree_only=True)\n"
    "E           NameError: name 'GitRepo' is not defined\n\n"
    "/Users/gauthier/Projects/aider/tests/basic/test_repomap.py:332: NameError\n"
)
AIDER_EDIT = (
    "## SearchReplaceNoExactMatch: This SEARCH block failed to exactly match lines in aider/repo.py\n<<<<<<< SEARCH\n"
)


def test_aider_lint_is_its_failing_hook_and_rule() -> None:
    assert sig(AIDER_LINT_BLACK) == "shell|black Failed"
    assert sig(AIDER_LINT_FLAKE8) == "shell|flake8 Failed: F821"
    assert "Running" not in sig(AIDER_LINT_FLAKE8)


def test_aider_pytest_failure_is_its_exception() -> None:
    assert sig(AIDER_PYTEST) == "shell|NameError: name 'GitRepo' is not defined"
    assert is_noise("============================= test session starts ==============================")
    assert is_noise("tests/basic/test_repomap.py ......F                                      [100%]")


def test_aider_edit_block_failure_drops_the_markdown_heading() -> None:
    assert sig(AIDER_EDIT, "edit") == (
        "edit|SearchReplaceNoExactMatch: This SEARCH block failed to exactly match lines in <path>"
    )


def test_aider_lint_is_a_failed_check() -> None:
    event = Script().session("s").bash("/Users/gauthier/Projects/aider/tmp.lint.sh x.py", error=AIDER_LINT_FLAKE8)
    found = classify_call(event.call)
    assert found is not None and found.label == "CHECK_FAILED"


def test_error_lines_are_not_noise() -> None:
    for line in (
        "fatal: The current branch x has no upstream branch.",
        "** (RuntimeError) boom",
        "E           NameError: name 'x' is not defined",
        "File does not exist.",
        "String to replace not found in file.",
    ):
        assert not is_noise(line), line
    assert error_headline("Exit code 1\nwarning: x is deprecated\nerror: the real one") == "error: the real one"


# ----------------------------------------------------------------------------- Gemini CLI and OpenCode


@pytest.mark.corpus
@pytest.mark.parametrize("source", ["gemini/codemie", "opencode/codemie"])
def test_gemini_and_opencode_corpora_have_no_failed_calls(source: str, tmp_path: Path) -> None:
    from lessonloop.pipeline.ingest import discover, ingest
    from lessonloop.store import open_store

    folder = SHARED_CORPUS / source
    if not folder.is_dir():
        pytest.skip(f"corpus {source} not found")
    copy = tmp_path / "corpus"
    shutil.copytree(folder, copy)
    sources, summary = discover([str(copy)])
    conn: sqlite3.Connection = open_store(tmp_path / "x.db")
    try:
        ingest(conn, sources, summary, progress=None)
        calls, failed = conn.execute(
            "SELECT count(*), count(*) FILTER (WHERE status = 'error') FROM tool_calls"
        ).fetchone()
    finally:
        conn.close()
    assert calls > 0
    assert failed == 0, "a failed call appeared: pin its error line in this file"


def test_a_long_output_is_read_at_its_end_too() -> None:
    """pytest prints the failing test's exception after pages of passing output."""
    passing = "".join(f"tests/test_x.py::test_{i} PASSED\n" for i in range(600))  # ~20,000 characters
    text = (
        AIDER_PYTEST.split("=================================== FAILURES")[0]
        + passing
        + (
            "=================================== FAILURES ===================================\n"
            "E           KeyError: 'model'\n"
        )
    )
    assert len(text) > 12000
    assert sig(text) == "shell|KeyError: 'model'"


def test_a_carriage_return_in_a_quoted_name_is_the_error_and_elsewhere_ends_a_line() -> None:
    """A script with CRLF endings: env looks for a program named 'bash\\r' (the real byte)."""
    assert error_headline("/usr/bin/env: 'bash\r': No such file or directory") == (
        "/usr/bin/env: 'bash^M': No such file or directory"
    )
    assert error_headline("Exit code 1\r\nerror: x\r\n") == "error: x"
    assert error_headline("Downloading 10%\rDownloading 90%\rerror: disk quota exceeded") == (
        "error: disk quota exceeded"
    )


@pytest.mark.parametrize(
    ("output", "headline"),
    [
        # a patch sent through a shell: the shell's here-document warning comes first
        (
            "bash: warning: here-document at line 1 delimited by end-of-file (wanted `EOF')\n"
            "Failed to find expected lines in src/app.py:\n    return 1",
            "Failed to find expected lines in src/app.py:",
        ),
        # a sandbox's warning before the patch tool's own error
        (
            "sandbox warning: running without a seatbelt profile\nInvalid patch: The last line of the patch must be "
            "'*** End Patch'",
            "Invalid patch: The last line of the patch must be '*** End Patch'",
        ),
        # a compiler's warning line is not its error
        (
            "src/a.c:10:5: warning: unused variable 'x'\nsrc/a.c:12:1: error: expected ';'",
            "src/a.c:12:1: error: expected ';'",
        ),
    ],
)
def test_the_error_line_is_chosen_by_what_it_says_not_where_it_is(output: str, headline: str) -> None:
    """(issue 61, item 3) Two patch failures of the same kind behind different warnings share one signature."""
    assert error_headline(output) == headline
    first, second = output, "zsh: warning: something else entirely\n" + output.split("\n", 1)[1]
    assert error_signature("shell", first) == error_signature("shell", second)


# a build its harness cut: Codex's words for the timeout, then what cargo printed on the way
CARGO_CUT = (
    "Exit code: 124\nWall time: 124.1 seconds\nOutput:\ncommand timed out after 124061 milliseconds\n"
    "warning: failed to auto-clean cache data\n\nfailed to clean entries from the global cache\n\n"
    "Caused by:\n  Access is denied. (os error 5)\n   Compiling toml v0.8.23\n"
)


def test_a_command_cut_by_its_timeout_is_the_timeout_whatever_it_printed() -> None:
    assert error_headline(CARGO_CUT) == "command timed out after 124061 milliseconds"
    # exit 124 with only progress (no words about the timeout): the exit status, one signature
    # however far the build got
    first = (
        "warning: failed to auto-clean cache data\n\nfailed to clean entries from the global cache\n   Compiling a v1\n"
    )
    later = "warning: unused config key `build.jobs`\n   Compiling b v2\n   Compiling c v3\n"
    signatures = {error_signature("Bash", text, exit_code=124, program="cargo") for text in (first, later)}
    assert signatures == {"Bash|cargo exit 124"}
    # an error line before the cut is the error; another exit status keeps its first line
    failed = "   Compiling a v1\nerror[E0599]: no method named `emit_all` found\n"
    assert error_signature("Bash", failed, exit_code=124, program="cargo") == (
        "Bash|error[E0599]: no method named `emit_all` found"
    )
    assert error_signature("Bash", first, exit_code=1, program="cargo") == (
        "Bash|failed to clean entries from the global cache"
    )
