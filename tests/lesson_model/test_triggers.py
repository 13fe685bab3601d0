"""Triggers (lesson_model/triggers.py): which calls a lesson applies to, and whether the session already
did the prevention."""

from __future__ import annotations

import pytest

from lessonloop.lesson_model.triggers import (
    SessionState,
    Trigger,
    Unless,
    canonical_words,
    command_segments,
    extensions_for,
    flags_of,
    operands_of,
    relative_path,
    with_aliases,
)

CWD = "/home/dev/app"
PUSH = Trigger("shell", ("git", "push"), with_aliases(("git", "push"), {"--set-upstream"}))
IGNORED_ADD = Trigger("shell", ("git", "add"), ("--force", "-f"), operand="priv/static/assets")
FORMAT = Unless(("mix", "format"), (), "change", extensions_for(("mix", "format")))


def shape(trigger: Trigger, command: str, cwd: str | None = CWD) -> bool:
    return trigger.matches_shape("shell", command_segments(command), None, cwd)


# ----------------------------------------------------------------------------- command words


def test_canonical_words_drop_git_global_options() -> None:
    assert canonical_words(["git", "-C", "dir", "push"]) == ("git", "push")
    assert canonical_words(["git", "-c", "core.pager=cat", "--no-pager", "log", "-1"]) == ("git", "log", "-1")
    assert canonical_words(["git", "push", "-u", "origin", "x"]) == ("git", "push", "-u", "origin", "x")
    assert canonical_words(["git"]) == ("git",)
    assert canonical_words(["mix", "format"]) == ("mix", "format")


def test_command_segments_split_a_line_and_drop_redirections() -> None:
    assert command_segments("git add -A && git -C /x commit -m 'a; b' 2>&1 | tail -3") == [
        ("git", "add", "-A"),
        ("git", "commit", "-m", "a; b"),
        ("tail", "-3"),
    ]
    assert command_segments("") == []
    assert command_segments(None) == []


def test_the_settings_a_command_runs_with_follow_its_words_and_count_as_its_options() -> None:
    assert command_segments("PYTHONPATH=. DEBUG=1 pytest -q tests/") == [
        ("pytest", "-q", "tests/", "PYTHONPATH=.", "DEBUG=1")
    ]
    assert command_segments("env CI=true npm test") == [("npm", "test", "CI=true")]
    # an export on the line applies to every command after it; the export itself is no command
    assert command_segments("export NODE_ENV=test; npm run build && npm test") == [
        ("npm", "run", "build", "NODE_ENV=test"),
        ("npm", "test", "NODE_ENV=test"),
    ]
    (words,) = command_segments("PYTHONPATH=src pytest -x tests/a.py")
    assert flags_of(words) == {"-x", "PYTHONPATH="}
    assert operands_of(words, 1) == ["tests/a.py"]
    lacks = Trigger("shell", ("pytest",), ("PYTHONPATH=",))
    assert shape(lacks, "pytest tests/a.py") and not shape(lacks, "PYTHONPATH=/x pytest tests/a.py")


def test_with_aliases_adds_every_spelling() -> None:
    assert with_aliases(("git", "push"), {"-u"}) == ("--set-upstream", "-u")
    assert with_aliases(("git", "add"), {"-f"}) == ("--force", "-f")
    assert with_aliases(("mix", "format"), {"--check-formatted"}) == ("--check-formatted",)


# ----------------------------------------------------------------------------- shape


def test_words_match_with_global_options_and_redirections() -> None:
    assert shape(PUSH, "git push")
    assert shape(PUSH, "git -C /home/dev/app push 2>&1")
    assert shape(PUSH, "git add -A && git commit -m x && git push origin feat-x")
    assert not shape(PUSH, "git pull")
    assert not shape(PUSH, "echo git push")


def test_lacks_is_satisfied_by_any_alias() -> None:
    assert PUSH.lacks == ("--set-upstream", "-u")
    assert not shape(PUSH, "git push -u origin feat-x")
    assert not shape(PUSH, "git push --set-upstream origin feat-x")
    assert shape(PUSH, "git push --force")  # another flag does not count


def test_lacks_from_one_spelling_is_met_by_the_other() -> None:
    # a trigger stored with one spelling (a manual or imported lesson) still knows its aliases
    trigger = Trigger("shell", ("git", "push"), ("--set-upstream",))
    assert not shape(trigger, "git push -u origin x")
    assert not shape(trigger, "git push --set-upstream origin x")
    assert shape(trigger, "git push origin x")
    add = Trigger("shell", ("git", "add"), ("-f",), operand="dist")
    assert not shape(add, "git add --force dist/app.js")
    assert shape(add, "git add dist/app.js")


def test_operand_is_a_path_prefix_relative_to_the_folder() -> None:
    assert shape(IGNORED_ADD, "git add a.ex priv/static/assets/app.css")
    assert shape(IGNORED_ADD, "git add ./priv/static/assets/app.css")
    assert shape(IGNORED_ADD, "git add /home/dev/app/priv/static/assets/app.css")
    assert shape(IGNORED_ADD, "git add priv/static/assets")
    assert not shape(IGNORED_ADD, "git add lib/x.ex")
    assert not shape(IGNORED_ADD, "git add priv/static/assets-old/app.css")  # a prefix of a name is not a folder
    assert not shape(IGNORED_ADD, "git add -f priv/static/assets/app.css")
    assert not shape(IGNORED_ADD, "git add --force priv/static/assets/app.css")
    assert not shape(IGNORED_ADD, "git add /elsewhere/priv/static/assets/app.css")


def test_path_matches_a_file_tools_target() -> None:
    trigger = Trigger("read", path="test/support/fixtures.ex")
    assert trigger.matches_shape("read", [], "/home/dev/app/test/support/fixtures.ex", CWD)
    assert trigger.matches_shape("read", [], "./test/support/fixtures.ex", None)
    assert not trigger.matches_shape("read", [], "/home/dev/app/test/fixtures.ex", CWD)
    assert not trigger.matches_shape("edit", [], "/home/dev/app/test/support/fixtures.ex", CWD)
    assert not trigger.matches_shape("read", [], None, CWD)


def test_a_trigger_without_words_matches_every_call_of_its_tool() -> None:
    assert Trigger("fetch").matches_shape("fetch", [], None, None)
    assert not Trigger("fetch").matches_shape("shell", command_segments("ls"), None, None)
    mcp = Trigger("other", tool="mcp__db__query")
    assert mcp.matches_shape("other", [], None, None, "mcp__db__query")
    assert not mcp.matches_shape("other", [], None, None, "mcp__web__get")


def test_relative_path() -> None:
    assert relative_path("/home/dev/app/lib/a.ex", CWD) == "lib/a.ex"
    assert relative_path("/home/dev/app/lib/a.ex", CWD + "/") == "lib/a.ex"
    assert relative_path("./lib/./a.ex", CWD) == "lib/a.ex"
    assert relative_path("/home/dev/application/a.ex", CWD) == "/home/dev/application/a.ex"
    assert relative_path("lib/a.ex", None) == "lib/a.ex"


# ----------------------------------------------------------------------------- the prevention, done


def record(state: SessionState, command: str, ok: bool = True) -> None:
    state.record("shell", ok, command_segments(command), None)


def edit(state: SessionState, path: str, kind: str = "edit") -> None:
    state.record(kind, True, [], path)


def test_since_session_is_satisfied_by_any_earlier_success() -> None:
    unless = Unless(("git", "fetch"))
    state = SessionState()
    assert not state.satisfied(unless)
    record(state, "git fetch origin", ok=False)
    assert not state.satisfied(unless)  # a failure is not the prevention done
    record(state, "git -C /x fetch origin")
    assert state.satisfied(unless)
    edit(state, "/home/dev/app/lib/a.ex")
    assert state.satisfied(unless)  # a change does not undo it


def test_since_change_is_undone_by_a_change_to_a_file_it_looks_at() -> None:
    state = SessionState()
    assert not state.satisfied(FORMAT)
    edit(state, "/home/dev/app/lib/a.ex")
    assert not state.satisfied(FORMAT)
    record(state, "mix format")
    assert state.satisfied(FORMAT)
    edit(state, "/home/dev/app/scripts/deploy.sh")
    assert state.satisfied(FORMAT)  # mix format does not look at .sh files
    edit(state, "/home/dev/app/README.md", kind="write")
    assert state.satisfied(FORMAT)
    edit(state, "/home/dev/app/lib/B.EX")
    assert not state.satisfied(FORMAT)  # a change to a .ex file undoes it
    record(state, "cd assets && mix format")
    assert state.satisfied(FORMAT)
    edit(state, "/home/dev/app/lib/web.heex", kind="write")
    assert not state.satisfied(FORMAT)


def test_since_change_without_extensions_is_undone_by_any_change() -> None:
    unless = Unless(("make", "gen"), (), "change")
    state = SessionState()
    record(state, "make gen")
    assert state.satisfied(unless)
    edit(state, "/home/dev/app/notes.txt")
    assert not state.satisfied(unless)


def test_a_failed_change_does_not_undo_the_prevention() -> None:
    state = SessionState()
    record(state, "mix format")
    state.record("edit", False, [], "/home/dev/app/lib/a.ex")
    assert state.satisfied(FORMAT)


def test_flags_variant_needs_the_command_with_one_of_the_flags() -> None:
    unless = Unless(("git", "push"), ("--set-upstream", "-u"), "session")
    state = SessionState()
    record(state, "git push origin main")
    assert not state.satisfied(unless)
    record(state, "git push --force")
    assert not state.satisfied(unless)
    record(state, "git push -u origin feat-x 2>&1")
    assert state.satisfied(unless)
    other = SessionState()
    record(other, "git -C /x push --set-upstream origin feat-x")
    assert other.satisfied(unless)
    # flags stored in one spelling are met by the other
    other = SessionState()
    record(other, "git push --set-upstream origin feat-x")
    assert other.satisfied(Unless(("git", "push"), ("-u",), "session"))


def test_prefixes_of_up_to_three_words_are_remembered() -> None:
    state = SessionState()
    record(state, "npm run build --prod")
    assert state.satisfied(Unless(("npm", "run", "build")))
    assert state.satisfied(Unless(("npm",)))
    assert not state.satisfied(Unless(("npm", "run", "lint")))


def test_done_inline_means_earlier_in_the_same_command_line() -> None:
    commit = Trigger("shell", ("git", "commit"), unless=FORMAT)
    assert commit.done_inline(command_segments("mix format && git add -A && git commit -m x"))
    assert commit.done_inline(command_segments("cd /x && mix format lib/a.ex; git commit -m x"))
    assert not commit.done_inline(command_segments("git commit -m x && mix format"))
    assert not commit.done_inline(command_segments("git add -A && git commit -m x"))
    push = Trigger("shell", ("git", "push"), ("--set-upstream", "-u"), unless=Unless(("git", "push"), ("-u",)))
    assert push.done_inline(command_segments("git push --set-upstream origin x && git push --tags"))
    assert not push.done_inline(command_segments("git push origin x"))
    assert not Trigger("shell", ("git", "commit")).done_inline(command_segments("mix format && git commit"))


def test_extensions_for_known_tools() -> None:
    assert ".ex" in extensions_for(("mix", "format"))
    assert extensions_for(("ruff", "format")) == (".py", ".pyi")
    assert extensions_for(("git", "status")) == ()


# ----------------------------------------------------------------------------- stored form


@pytest.mark.parametrize(
    "trigger",
    [
        PUSH,
        IGNORED_ADD,
        Trigger("shell", ("git", "commit"), unless=FORMAT),
        Trigger("shell", ("git", "push"), ("--set-upstream", "-u"), unless=Unless(("git", "push"), ("-u",))),
        Trigger("read", path="lib/a.ex"),
        Trigger("fetch"),
        Trigger("other", tool="mcp__db__query"),
    ],
)
def test_json_round_trip_and_stable_key(trigger: Trigger) -> None:
    data = trigger.to_json()
    back = Trigger.from_json(data)
    assert back.to_json() == data
    assert back.key() == trigger.key()
    assert back.describe() == trigger.describe()
    assert Trigger.from_json(back.to_json()).key() == trigger.key()


def test_key_does_not_depend_on_the_order_of_lacks() -> None:
    a = Trigger("shell", ("git", "push"), ("-u", "--set-upstream"))
    b = Trigger("shell", ("git", "push"), ("--set-upstream", "-u"))
    assert a.key() == b.key()


def test_keys_differ_when_the_trigger_differs() -> None:
    keys = {
        PUSH.key(),
        IGNORED_ADD.key(),
        Trigger("shell", ("git", "add"), ("--force", "-f")).key(),
        Trigger("shell", ("git", "commit"), unless=FORMAT).key(),
        Trigger("shell", ("git", "commit"), unless=Unless(("mix", "format"))).key(),
        Trigger("shell", ("git", "commit")).key(),
    }
    assert len(keys) == 6


def test_describe_in_words() -> None:
    assert PUSH.describe() == "shell `git push` without --set-upstream/-u"
    commit = Trigger("shell", ("git", "commit"), unless=FORMAT)
    assert commit.describe() == "shell `git commit`, unless `mix format` ran since the last change"
    assert "on priv/static/assets" in IGNORED_ADD.describe()


def test_from_json_of_stored_lists() -> None:
    trigger = Trigger.from_json(
        {"kind": "shell", "words": ["git", "add"], "lacks": ["-f"], "unless": {"words": ["x"], "exts": [".py"]}}
    )
    assert trigger.words == ("git", "add")
    assert trigger.lacks == ("-f",)
    assert trigger.unless is not None
    assert trigger.unless.since == "session"
    assert trigger.unless.exts == (".py",)


def test_the_forms_of_a_command_line_a_shell_may_refuse() -> None:
    from lessonloop.lesson_model.triggers import line_forms

    assert line_forms("echo $(date)") == {"$("}
    assert line_forms('git log --since="$(date +%F)"') == {"$("}  # double quotes do not stop it
    assert line_forms("echo '$(date)'") == frozenset()  # single quotes do
    assert line_forms("diff <(sort a) <(sort b) > out") == {"<("}
    assert line_forms("echo `date` | tee >(wc -l)") == {"`", ">("}
    assert line_forms(None) == frozenset()
    assert line_forms('rg -n "data-testid=\\"skill" src') == {'\\"'}
    assert line_forms("""rg -n '"x\\"' src""") == frozenset()  # inside single quotes it is text
    # here-strings and here-documents are data
    escaped = r'"a\" b'
    assert line_forms(f"$s = @'\nit's {escaped}\n'@\n$s | Out-File x") == frozenset()
    assert line_forms(f'$s = @"\nsay {escaped}\n"@') == frozenset()
    assert line_forms(f"cat <<'EOF' > x\nrun {escaped} $(b)\nEOF") == frozenset()
    assert line_forms(f"echo {escaped}") == {'\\"'}
