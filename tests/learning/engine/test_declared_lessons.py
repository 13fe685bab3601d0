"""A setup failure a file's missing declaration caused (issue 61, item 2): learned from the edit that
added the name the error gave, said where another checkout's file still lacks it, silent where the
file has it; the hooks read the file on disk, replay what the transcripts show of it."""

from __future__ import annotations

import json
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from lessonloop.apply.hooks.pre_tool import NEEDED_BYTES, file_has
from lessonloop.learning.engine.declared_lessons import declared_draft, missing_terms, setup_file
from lessonloop.learning.engine.engine import Learner
from lessonloop.learning.engine.events import CallEvent
from lessonloop.learning.engine.file_views import TranscriptFiles
from lessonloop.lesson_model.triggers import Trigger, needed_file, needed_folder, needed_text, read_trigger
from tests.hook_helpers import HookSession, hook_env
from tests.learning_helpers import PROJECT, Script, ScriptedSession, play, replay_cli
from tests.real_agents.workspace import git
from tests.transcript_builder import TranscriptBuilder

SECRET = (
    "Exit code 2\nRunning ExUnit with seed: 1, max_cases: 8\n\n"
    "  1) test mount renders the page (AppWeb.PageLiveTest)\n"
    "     test/app_web/live/page_live_test.exs:58\n"
    "     ** (RuntimeError) no :secret_key_base configuration found in AppWeb.Endpoint.\n"
    "     Ensure your environment has the necessary mix configuration.\n"
)
CONFIG = "import Config\n\nconfig :logger, level: :warning\n"
FIXED = 'import Config\n\nconfig :app, AppWeb.Endpoint,\n  secret_key_base: "x"\n\nconfig :logger, level: :warning\n'
LIVE_TEST = "mix test test/app_web/live/page_live_test.exs"
WORKTREES = "/home/dev/app-worktrees"


@pytest.mark.parametrize(
    ("headline", "expected"),
    [
        (
            "** (RuntimeError) no :secret_key_base configuration found in AppWeb.Endpoint.",
            ["secret_key_base", "AppWeb.Endpoint"],
        ),
        ("** (RuntimeError) Phoenix LiveView requires lazy_html as a test dependency.", ["lazy_html", "LiveView"]),
        ("ModuleNotFoundError: No module named 'yaml'", ["yaml"]),
        ("Error: DATABASE_URL is not set", ["DATABASE_URL"]),
        ("AssertionError: expected page_title to equal 'Home'", []),  # a test's own assertion
        ("FAILED tests/test_x.py::test_one - assert 1 == 2", []),
    ],
)
def test_the_names_an_error_says_are_missing(headline: str, expected: list[str]) -> None:
    assert missing_terms(headline) == expected


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("config/test.exs", True),
        ("mix.exs", True),
        ("pyproject.toml", True),
        ("requirements-dev.txt", True),
        (".env.test", True),
        ("app/settings.py", True),
        ("lib/app/page.ex", False),
        ("src/main.py", False),
    ],
)
def test_setup_files(path: str, expected: bool) -> None:
    assert setup_file(path) is expected


def _worktree(script: Script, session_id: str, name: str) -> ScriptedSession:
    return script.session(session_id, project=PROJECT, cwd=f"{WORKTREES}/{name}")


def _fix(s: ScriptedSession) -> list[CallEvent]:
    """The first checkout: the live tests fail on the missing key, the agent adds it, they pass."""
    failure = s.bash(LIVE_TEST, error=SECRET, error_class="CHECK_FAILED")
    read = s.call("Read", target_path=s.path("config/test.exs"), result=CONFIG)
    edit = s.call(
        "Edit",
        target_path=s.path("config/test.exs"),
        tool_input={"old_string": "import Config\n", "new_string": FIXED.split("\nconfig :logger")[0] + "\n"},
    )
    return [failure, read, edit, s.bash(LIVE_TEST)]


def test_the_fix_that_added_the_name_to_a_setup_file_is_the_lesson() -> None:
    script = Script()
    failure, read, edit, passed = _fix(_worktree(script, "s1", "a"))
    draft = declared_draft(failure, passed, [read, edit])
    assert draft is not None and draft.trigger is not None
    assert draft.trigger.needs == "config/test.exs|secret_key_base|test/app_web/live"
    assert draft.trigger.words == ("mix", "test")
    assert draft.prevention is not None and "secret_key_base" in draft.prevention
    # an edit of the code, not of a setup file, is not that cause
    code = _worktree(script, "s2", "b")
    other = code.call(
        "Edit", target_path=code.path("lib/app.ex"), tool_input={"old_string": "a", "new_string": "secret_key_base"}
    )
    assert declared_draft(failure, passed, [other]) is None
    # nor is the same failure again
    assert declared_draft(failure, failure, [read, edit]) is None


def test_the_trigger_keeps_what_it_needs() -> None:
    trigger = Trigger("shell", ("mix", "test"), needs="config/test.exs|secret_key_base|test/app_web/live")
    back, problem = read_trigger(json.dumps(trigger.to_json()))
    assert problem is None and back is not None and back.needs == trigger.needs
    assert back.key() != Trigger("shell", ("mix", "test")).key()
    assert "config/test.exs lacks `secret_key_base`" in trigger.describe()
    assert needed_text(trigger.needs or "") == ("config/test.exs", "secret_key_base")
    assert needed_folder(trigger.needs or "") == "test/app_web/live"
    cwd = f"{WORKTREES}/b"
    # it runs the whole suite, or what is in the folder; not other tests
    assert trigger.matches_shape("shell", [("mix", "test")], None, cwd)
    assert trigger.matches_shape("shell", [("mix", "test", "test/app_web/live/x_test.exs")], None, cwd)
    assert trigger.matches_shape("shell", [("mix", "test", "test")], None, cwd)
    assert not trigger.matches_shape("shell", [("mix", "test", "test/app/core_test.exs")], None, cwd)
    # a stored trigger names no file outside the call's folder
    assert needed_file("../../etc/passwd|root", cwd) is None
    assert needed_file("/etc/passwd|root", cwd) is None
    assert needed_file("config/test.exs|x", cwd) == f"{cwd}/config/test.exs"


def _replayed(events: list[CallEvent]) -> tuple[Learner, list[list[str]]]:
    """Every call decided on and learned from in order, the disk as the transcripts show it."""
    learner = Learner(disk=TranscriptFiles(events).has)
    fired = []
    for event in events:
        decision = play(learner, event)
        fired.append([f.lesson.title for f in decision.fired])
    return learner, fired


def test_another_checkout_that_lacks_it_is_told_before_the_suite_runs() -> None:
    script = Script()
    first = _fix(_worktree(script, "s1", "a"))
    s = _worktree(script, "s2", "b")
    other_tests = s.bash("mix test test/app/core_test.exs")  # runs none of the live tests
    wrote = s.write("test/app_web/live/other_live_test.exs")  # the live tests are here now
    suite = s.bash("mix test", error=SECRET, error_class="CHECK_FAILED")
    shown = s.call("Read", target_path=s.path("config/test.exs"), result=CONFIG)  # the file it ran with
    _learner, fired = _replayed([*first, other_tests, wrote, suite, shown])
    at = len(first)
    assert fired[at] == []
    assert any("secret_key_base" in title for title in fired[at + 2]), fired[at + 2]


def test_silent_where_the_file_has_it_or_is_not_known() -> None:
    script = Script()
    first = _fix(_worktree(script, "s1", "a"))
    has = _worktree(script, "s2", "b")
    wrote = has.write("test/app_web/live/other_live_test.exs")
    suite = has.bash("mix test")
    shown = has.call("Read", target_path=has.path("config/test.exs"), result=FIXED)
    unknown = _worktree(script, "s3", "c")
    wrote_c = unknown.write("test/app_web/live/other_live_test.exs")
    suite_c = unknown.bash("mix test")  # nothing shows config/test.exs in this session
    _learner, fired = _replayed([*first, wrote, suite, shown, wrote_c, suite_c])
    assert not any("secret_key_base" in t for titles in fired[len(first) :] for t in titles)


def test_a_change_between_the_call_and_the_view_leaves_it_unknown() -> None:
    script = Script()
    s = _worktree(script, "s1", "a")
    run = s.bash("mix test")
    changed = s.bash("git checkout main")
    shown = s.call("Read", target_path=s.path("config/test.exs"), result=CONFIG)
    files = TranscriptFiles([run, changed, shown])
    assert files.has(run, "config/test.exs|secret_key_base") is None
    assert files.has(shown, "config/test.exs|secret_key_base") is None  # (its own read is no view of before)
    later = s.bash("mix test")
    files = TranscriptFiles([run, changed, shown, later])
    assert files.has(later, "config/test.exs|secret_key_base") is False  # the read before it, nothing between
    part = s.call("Read", target_path=s.path("mix.exs"), result="defp deps do", tool_input={"offset": 28, "limit": 5})
    again = s.bash("mix test")
    files = TranscriptFiles([part, again])
    assert files.has(again, "mix.exs|lazy_html") is None  # a part of the file without it says nothing


def test_a_search_of_the_file_that_would_list_it_shows_it_lacks_it() -> None:
    script = Script()
    s = _worktree(script, "s1", "a")
    run = s.bash("mix test")
    grep = s.call(
        "Grep",
        tool_input={"pattern": "lazy_html|defp deps", "path": s.path("mix.exs"), "output_mode": "content"},
        result="28:  defp deps do",
    )
    assert TranscriptFiles([run, grep]).has(run, "mix.exs|lazy_html") is False
    blind = s.call(
        "Grep",
        tool_input={"pattern": "defp deps", "path": s.path("mix.exs"), "output_mode": "content"},
        result="28:  defp deps do",
    )
    assert TranscriptFiles([run, blind]).has(run, "mix.exs|lazy_html") is None


def test_the_hook_reads_the_file_on_disk(tmp_path: Path) -> None:
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "test.exs").write_text(CONFIG)
    assert file_has("config/test.exs|secret_key_base", str(tmp_path)) is False
    (tmp_path / "config" / "test.exs").write_text(FIXED)
    assert file_has("config/test.exs|secret_key_base", str(tmp_path)) is True
    assert file_has("config/missing.exs|secret_key_base", str(tmp_path)) is None
    assert file_has("../outside.exs|x", str(tmp_path)) is None
    assert file_has("config/test.exs|secret_key_base|test/live", str(tmp_path)) is None  # no such folder here
    (tmp_path / "big.json").write_bytes(b" " * (NEEDED_BYTES + 10) + b"secret_key_base")
    assert file_has("big.json|secret_key_base", str(tmp_path)) is None  # its rest is not read


def test_the_hooks_learn_it_and_say_it_in_another_worktree(tmp_path: Path) -> None:
    """The real hook processes in real git worktrees of one repository: one worktree fails, is
    fixed, passes; another whose config lacks the key is told before `mix test`; one that has it
    is not."""
    db = tmp_path / "store" / "lessonloop.db"
    env = hook_env(db)
    main = tmp_path / "app"
    (main / "config").mkdir(parents=True)
    (main / "config" / "test.exs").write_text(CONFIG)
    (main / "test" / "app_web" / "live").mkdir(parents=True)
    (main / "test" / "app_web" / "live" / "page_live_test.exs").write_text("defmodule X do\nend\n")
    git(tmp_path, "init", "-q", "-b", "main", str(main))
    git(main, "add", "-A")
    git(main, "commit", "-q", "-m", "start")
    trees = {}
    for name in ("a", "b", "c"):
        trees[name] = tmp_path / "app-worktrees" / name
        git(main, "worktree", "add", "-q", "-b", f"feat-{name}", str(trees[name]))
    (trees["c"] / "config" / "test.exs").write_text(FIXED)
    first = HookSession(trees["a"], env)
    first.bash(LIVE_TEST, error=SECRET)
    first.edit(trees["a"] / "config" / "test.exs", "import Config\n", FIXED.split("\nconfig :logger")[0] + "\n")
    (trees["a"] / "config" / "test.exs").write_text(FIXED)
    first.bash(LIVE_TEST)
    with sqlite3.connect(db) as conn:
        stored = [json.loads(t) for (t,) in conn.execute("SELECT trigger FROM lessons WHERE trigger LIKE '%needs%'")]
    assert [t["needs"] for t in stored] == ["config/test.exs|secret_key_base|test/app_web/live"]
    lacks = HookSession(trees["b"], env).pre("mix test")
    assert "secret_key_base" in lacks.context, lacks.stdout
    assert "config/test.exs" in lacks.context
    assert "secret_key_base" not in HookSession(trees["c"], env).pre("mix test").context
    assert "secret_key_base" not in HookSession(trees["b"], env).pre("mix test test/app/core_test.exs").context
    assert not (db.parent / "hook-failures.log").exists()


def _read(t: TranscriptBuilder, path: str, text: str) -> None:
    tool_id = t.tool_use("Read", {"file_path": path})
    numbered = "".join(f"{n:6}\u2192{line}\n" for n, line in enumerate(text.splitlines(), 1))
    t.tool_result(tool_id, numbered, is_error=False)


def _changed(t: TranscriptBuilder, tool: str, path: str, tool_input: dict[str, str]) -> None:
    tool_id = t.tool_use(tool, {"file_path": path, **tool_input})
    t.tool_result(tool_id, f"The file {path} has been updated successfully.", is_error=False)


def test_replay_of_real_transcripts_reads_what_the_session_showed(tmp_path: Path) -> None:
    """`lessonloop replay` of two Claude Code sessions in two worktrees: the second's `mix test`
    is warned, its config shown lacking the key by a read after it (nothing between changed it)."""
    first = TranscriptBuilder(cwd=f"{WORKTREES}/a", branch="feat-a")
    first.prompt("make the live page test pass")
    first.bash(LIVE_TEST, SECRET.split("\n", 1)[1], exit_code=2)
    _read(first, f"{WORKTREES}/a/config/test.exs", CONFIG)
    _changed(
        first,
        "Edit",
        f"{WORKTREES}/a/config/test.exs",
        {"old_string": "import Config\n", "new_string": FIXED.split("\nconfig :logger")[0] + "\n"},
    )
    first.bash(LIVE_TEST, "1 test, 0 failures")
    second = TranscriptBuilder(cwd=f"{WORKTREES}/b", branch="feat-b", start=first.start + timedelta(days=1))
    second.prompt("add a live test")
    _changed(
        second, "Write", f"{WORKTREES}/b/test/app_web/live/other_live_test.exs", {"content": "defmodule X do\nend\n"}
    )
    second.bash("mix test", SECRET.split("\n", 1)[1], exit_code=2)
    _read(second, f"{WORKTREES}/b/config/test.exs", CONFIG)
    folder = tmp_path / "transcripts"
    first.write(folder / f"{first.session_id}.jsonl")
    second.write(folder / f"{second.session_id}.jsonl")
    done = replay_cli(tmp_path, "--json", "--explain", str(folder))
    assert done.returncode == 0, done.stderr
    failures = json.loads(done.stdout)["failures"]
    suite = [f for f in failures if f["session_id"] == second.session_id]
    assert len(suite) == 1 and suite[0]["warned"], suite
    assert any("secret_key_base" in r["remedy"] for r in suite[0]["remedies"]), suite[0]


def test_shell_reads_and_searches_of_the_file_alone_are_views() -> None:
    script = Script()
    s = _worktree(script, "s1", "a")
    run = s.bash("mix test")
    cases = [
        (s.call("Bash", command="cat config/test.exs", result=CONFIG), False),
        (s.call("Bash", command="cat config/test.exs", result=FIXED), True),
        (s.call("Bash", command="Get-Content -Raw config/test.exs", result=CONFIG), False),
        (s.call("Bash", command="Get-Content -First 5 config/test.exs", result=CONFIG), None),  # a part
        (s.call("Bash", command="rg -n secret_key config/test.exs", result=""), False),
        (s.call("Bash", command="rg -n Endpoint config/test.exs", result="3:config :app"), None),  # would not list it
        (s.call("Bash", command="rg -i secret_key config/test.exs", result=""), None),  # narrowed
        (s.call("Bash", command="grep 'secret|x' config/test.exs", result=""), None),  # a basic regex's `|` is literal
        (s.call("Bash", command="rg -n secret_key config", result=""), None),  # a folder, not the file alone
    ]
    for view, expected in cases:
        assert TranscriptFiles([run, view]).has(run, "config/test.exs|secret_key_base") is expected, view.call.command
    missed = s.call("Bash", command="rg secret_key_base config/test.exs", error="", error_class=None)
    missed.call.exit_code = 1
    assert TranscriptFiles([run, missed]).has(run, "config/test.exs|secret_key_base") is False  # no line matched
