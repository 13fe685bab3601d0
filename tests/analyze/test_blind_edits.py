"""File handling: the file-operation timeline, blind and stale edits, duplicate reads, search
loops, re-edits, and agreement with the harness's own refusals.

Every definition and every "does not count" case is pinned on small hand-built sessions; the
real corpus pins the exact figures.
"""

from __future__ import annotations

from typing import Any

import pytest

from lessonloop.agents.claude.reader.tools import kind_of
from lessonloop.analyze.blind_edits import FileSignals, find_file_signals
from lessonloop.analyze.file_ops import (
    MODIFIED_MESSAGE,
    NOT_READ_MESSAGE,
    UNEXPECTEDLY_MODIFIED_MESSAGE,
    Change,
    diff_changes,
    file_timeline,
    harness_refusal,
    is_search_command,
    read_range,
    session_timeline,
    shell_effects,
)
from lessonloop.analyze.inputs import Call, Context, Message, SessionInput
from lessonloop.analyze.paths import normalize_path

CWD = "/repo"
HOME = "/home/u"
MAIN = "s"
SUB = "s/agent1"


class Session:
    """Builds a session call by call; a shared clock orders calls across contexts."""

    def __init__(self) -> None:
        self.contexts: dict[str, tuple[str, str | None]] = {MAIN: ("main", None)}
        self.calls: dict[str, list[Call]] = {MAIN: []}
        self.messages: dict[str, list[Message]] = {MAIN: []}
        self.clock = 0

    def subagent(self, context_id: str = SUB) -> str:
        self.contexts[context_id] = ("subagent", MAIN)
        self.calls[context_id] = []
        self.messages[context_id] = []
        return context_id

    def _tick(self) -> tuple[int, str]:
        self.clock += 1
        return self.clock, f"2026-01-01T00:{self.clock // 60:02d}:{self.clock % 60:02d}.000Z"

    def call(
        self,
        tool: str,
        ctx: str = MAIN,
        *,
        status: str = "ok",
        error: str | None = None,
        result: str | None = None,
        diff: str | None = None,
        cwd: str | None = CWD,
        command: str | None = None,
        **tool_input: Any,
    ) -> Call:
        seq, ts = self._tick()
        call = Call(
            id=f"t{seq}",
            context_id=ctx,
            seq=seq,
            ts=ts,
            tool=tool,
            kind=kind_of(tool),
            input={**tool_input, **({"command": command} if command else {})},
            command=command,
            cwd=cwd,
            status=status,
            error_text=error if status != "ok" else None,
            result_text=result,
            diff=diff,
        )
        self.calls[ctx].append(call)
        return call

    def read(self, path: str, ctx: str = MAIN, **kw: Any) -> Call:
        return self.call("Read", ctx, file_path=path, **kw)

    def edit(self, path: str, ctx: str = MAIN, **kw: Any) -> Call:
        return self.call("Edit", ctx, file_path=path, old_string="a", new_string="b", **kw)

    def write(self, path: str, ctx: str = MAIN, *, created: bool | None, **kw: Any) -> Call:
        if created is None:
            result = None
        elif created:
            result = f"File created successfully at: {path}"
        else:
            result = f"The file {path} has been updated. Here's the result of running `cat -n`"
        return self.call("Write", ctx, file_path=path, content="x", result=result, **kw)

    def bash(self, command: str, ctx: str = MAIN, **kw: Any) -> Call:
        return self.call("Bash", ctx, command=command, **kw)

    def compact(self, ctx: str = MAIN) -> None:
        seq, ts = self._tick()
        self.messages[ctx].append(Message(ctx, f"m{seq}", seq, ts, "system", "compact_boundary", "compacted"))

    def build(self) -> SessionInput:
        contexts = tuple(
            Context(
                id=cid,
                kind=kind,
                parent_id=parent,
                cwd=CWD,
                calls=tuple(self.calls[cid]),
                messages=tuple(self.messages[cid]),
            )
            for cid, (kind, parent) in self.contexts.items()
        )
        return SessionInput(id=MAIN, cwd=CWD, home=HOME, contexts=contexts)

    def signals(self, **kw: Any) -> FileSignals:
        return find_file_signals(self.build(), **kw)


def hunk(start: int, removed: list[str], added: list[str], before: int = 1, after: int = 1) -> str:
    """A unified hunk whose context starts at line `start` (the changed lines follow `before`
    context lines), as Claude Code's structuredPatch renders."""
    old = before + len(removed) + after
    new = before + len(added) + after
    lines = [f"@@ -{start},{old} +{start},{new} @@"]
    lines += [f" ctx{i}" for i in range(before)]
    lines += [f"-{r}" for r in removed] + [f"+{a}" for a in added]
    lines += [f" ctx{i}" for i in range(after)]
    return "\n".join(lines)


def ids(items: Any) -> list[str | None]:
    return [item.ref.tool_use_id for item in items]


# --- paths -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "cwd", "expected"),
    [
        ("/repo/a.py", "/elsewhere", "/repo/a.py"),
        ("src/a.py", "/repo", "/repo/src/a.py"),
        ("./src/../b.py", "/repo", "/repo/b.py"),
        ("~/notes.md", "/repo", "/home/u/notes.md"),
        ("~", None, "/home/u"),
        ("~bob/x", "/repo", "/repo/~bob/x"),  # only the user's own home is known
        ("a.py", "~/proj", "/home/u/proj/a.py"),
        ("//repo//a.py", None, "/repo/a.py"),
        ("a.py", None, "a.py"),  # no folder known: stays relative
        (" /repo/a.py ", None, "/repo/a.py"),
    ],
)
def test_normalize_path(path: str, cwd: str | None, expected: str) -> None:
    assert normalize_path(path, cwd, HOME) == expected


def test_normalize_path_without_home_leaves_tilde() -> None:
    assert normalize_path("~/x", "/repo", None) == "/repo/~/x"


def test_normalize_path_resolve_hook_runs_last_and_only_on_absolute_paths() -> None:
    links = {"/repo/link/a.py": "/real/a.py"}
    seen: list[str] = []

    def resolve(path: str) -> str:
        seen.append(path)
        return links.get(path, path)

    assert normalize_path("link/./a.py", "/repo", HOME, resolve) == "/real/a.py"
    assert normalize_path("b.py", None, HOME, resolve) == "b.py"
    assert seen == ["/repo/link/a.py"]


# --- the timeline ----------------------------------------------------------------------------


def test_timeline_operations_and_ranges() -> None:
    s = Session()
    s.read("a.py", offset=10, limit=5)
    s.read("/repo/b.py")
    s.write("/repo/new.py", created=True)
    s.write("/repo/b.py", created=False, diff=hunk(1, ["x"], ["y"]))
    s.edit("/repo/b.py", diff=hunk(9, ["old"], ["new1", "new2"]))
    s.call("Grep", pattern="TODO", path="src")
    s.call("Glob", pattern="**/*.py")
    s.bash("sed -n '5,9p' c.py")
    s.bash("cd sub && head -n 3 d.py > /tmp/out.txt 2>&1")
    s.bash("mix test | grep error")
    ops = file_timeline(s.build().contexts[0], CWD, HOME)
    summary = [(op.op, op.path, op.start, op.end) for op in ops]
    assert summary == [
        ("read", "/repo/a.py", 10, 14),
        ("read", "/repo/b.py", None, None),
        ("create", "/repo/new.py", None, None),  # no diff stored: no line range
        ("replace", "/repo/b.py", 2, 2),
        ("edit", "/repo/b.py", 10, 11),
        ("search", "/repo/src", None, None),
        ("search", None, None, None),
        ("shell_read", "/repo/c.py", 5, 9),
        ("shell_read", "/repo/sub/d.py", 1, 3),
        ("shell_change", "/tmp/out.txt", None, None),
    ]  # the piped grep filters output: no search, no file
    assert ops[5].pattern == "TODO" and ops[6].pattern == "**/*.py"
    assert ops[0].to_json()["tool_use_id"] == "t1" and ops[0].to_json()["line"] == 1


def test_session_timeline_covers_every_context() -> None:
    s = Session()
    s.read("/repo/a.py")
    s.subagent()
    s.read("b.py", SUB)
    timeline = session_timeline(s.build())
    assert set(timeline) == {MAIN, SUB}
    assert [op.path for op in timeline[SUB]] == ["/repo/b.py"]


def test_write_kind_without_result_text() -> None:
    s = Session()
    s.call("Glob", pattern="*.py", result="/repo/listed.py\n/repo/other.py")
    s.write("/repo/listed.py", created=None, status="error", error="Interrupted")
    s.write("/repo/unseen.py", created=None, status="error", error="Interrupted")
    s.write("/repo/refused.py", created=None, status="error", error=NOT_READ_MESSAGE)
    s.write("/repo/diffed.py", created=None, diff="@@ -0,0 +1,2 @@\n+a\n+b")
    ops = file_timeline(s.build().contexts[0], CWD, HOME)
    assert [op.op for op in ops] == ["search", "replace", "create", "replace", "create"]
    assert ops[3].harness == "not_read"


@pytest.mark.parametrize(
    ("command", "reads", "changes"),
    [
        ("cat a.py b.py", [("a.py", None, None), ("b.py", None, None)], []),
        ("head -20 a.py", [("a.py", 1, 20)], []),
        ("head -c 100 a.py", [("a.py", None, None)], []),
        ("tail -n 5 log.txt", [("log.txt", None, None)], []),
        ("sed -n '3p' a.py", [("a.py", 3, 3)], []),
        ("sed -n '3,$p' a.py", [("a.py", 3, None)], []),
        ("sed -i 's/a/b/' a.py b.py", [], [("a.py", False), ("b.py", False)]),
        ("sed -i.bak -e 's/a/b/' a.py", [], [("a.py", False)]),
        ("perl -pi -e 's/a/b/' a.py", [], [("a.py", False)]),
        ("echo hi > out.txt 2>&1", [], [("out.txt", False)]),
        ("echo hi >> /dev/null", [], []),
        ("cat > new.py <<'EOF'\nprint('x > y')\nEOF", [], [("new.py", False)]),
        ("mv old.py new.py", [], [("old.py", True), ("new.py", False)]),
        ("cp a.py b.py", [], [("b.py", False)]),
        ("rm -f a.py b.py", [], [("a.py", True), ("b.py", True)]),
        ("touch a.py", [], [("a.py", False)]),
        ("echo x | tee -a a.log", [], [("a.log", False)]),
        ("git checkout -- a.py b.py", [], [("a.py", False), ("b.py", False)]),
        ("git checkout main", [], []),
        ("git restore a.py", [], [("a.py", False)]),
        ("git restore --staged a.py", [], []),
        ("git rm a.py", [], [("a.py", True)]),
        ("black a.py", [], [("a.py", False)]),
        ("ruff check --fix src/a.py", [], [("src/a.py", False)]),
        ("ruff format --check a.py", [], []),
        ("prettier src/a.ts", [], []),  # prints, does not write
        ("prettier --write src/a.ts", [], [("src/a.ts", False)]),
        ("gofmt -w main.go", [], [("main.go", False)]),
        ("mix format lib/a.ex", [], [("lib/a.ex", False)]),
        ("mix format", [], []),  # which files: unknown
        ("rm *.pyc", [], []),  # a glob: unknown
        ("cat $FILE", [], []),
        ("git commit -m 'cat a.py > b.py'", [], []),
    ],
)
def test_shell_effects(command: str, reads: list[Any], changes: list[Any]) -> None:
    effects = shell_effects(command)
    assert list(effects.reads) == reads
    assert list(effects.changes) == changes


def test_shell_cd_prefix_sets_the_folder() -> None:
    assert shell_effects("cd /x && cat a.py").cd == "/x"
    assert shell_effects("cat a.py").cd is None


@pytest.mark.parametrize(
    ("command", "searches"),
    [
        ("find . -name '*.py'", True),
        ("ls -la src", True),
        ("grep -rn foo src", True),
        ("rg foo", True),
        ("git grep foo", True),
        ("find . -name x | head -5", True),
        ("mix test 2>&1 | grep error", False),
        ("git log | grep fix", False),
        ("grep -r x src | grep -v test", True),
        ("mix test", False),
    ],
)
def test_is_search_command(command: str, searches: bool) -> None:
    assert is_search_command(command) is searches


def test_read_range() -> None:
    assert read_range({}) == (None, None)
    assert read_range({"offset": 1}) == (None, None)
    assert read_range({"offset": 0, "limit": 50}) == (1, 50)
    assert read_range({"offset": "20", "limit": 10}) == (20, 29)
    assert read_range({"offset": 20}) == (20, None)


def test_diff_changes_place_runs_of_changed_lines() -> None:
    diff = "@@ -10,6 +10,7 @@\n a\n-b\n+B\n+B2\n c\n d\n-e\n f"
    assert diff_changes(diff, "edit", "Edit") == (Change(11, 12, 11, 13), Change(14, 15, 15, 15))
    assert diff_changes("@@ -0,0 +1,2 @@\n+a\n+b", "write", "Write") == (Change(1, 1, 1, 3),)
    # rebuilt from old/new strings (no context lines): the numbers are not file lines
    assert diff_changes("@@ -1 +1 @@\n-a\n+b", "edit", "Edit") == ()
    assert diff_changes("@@ -1 +1 @@\n-a\n+b", "write", "Write") == (Change(1, 2, 1, 2),)
    assert diff_changes("@@ -0,0 +1,1 @@\n+cell", "edit", "NotebookEdit") == ()
    assert diff_changes(None, "edit", "Edit") == ()


def test_harness_refusal_wordings() -> None:
    assert harness_refusal(NOT_READ_MESSAGE) == "not_read"
    assert harness_refusal(f"<tool_use_error>{MODIFIED_MESSAGE}</tool_use_error>") == "modified"
    assert harness_refusal(UNEXPECTEDLY_MODIFIED_MESSAGE) == "modified"
    assert harness_refusal("String to replace not found in file.") is None
    assert harness_refusal(None) is None


# --- blind edits -----------------------------------------------------------------------------


def test_edit_of_unread_file_is_blind() -> None:
    s = Session()
    e = s.edit("/repo/a.py")
    signals = s.signals()
    assert ids(signals.blind_edits) == [e.id]
    blind = signals.blind_edits[0]
    assert blind.to_json() == {
        "tool_use_id": e.id,
        "session_id": MAIN,
        "line": e.seq,
        "path": "/repo/a.py",
        "tool": "Edit",
        "op": "edit",
        "ok": True,
        "harness": None,
        "shell_read_before": False,
        "read_by": [],
    }


def test_edit_after_read_is_not_blind() -> None:
    s = Session()
    s.read("/repo/a.py", offset=50, limit=10)  # a partial read counts
    s.edit("/repo/a.py")
    assert s.signals().blind_edits == ()


def test_failed_read_does_not_count() -> None:
    s = Session()
    s.read("/repo/a.py", status="error", error="File content (30000 tokens) exceeds maximum allowed tokens")
    e = s.edit("/repo/a.py")
    assert ids(s.signals().blind_edits) == [e.id]


def test_read_after_the_edit_does_not_count() -> None:
    s = Session()
    e = s.edit("/repo/a.py")
    s.read("/repo/a.py")
    assert ids(s.signals().blind_edits) == [e.id]


def test_shell_read_does_not_count_but_is_reported() -> None:
    s = Session()
    s.bash("cat a.py")
    e = s.edit("/repo/a.py")
    (blind,) = s.signals().blind_edits
    assert blind.ref.tool_use_id == e.id and blind.shell_read_before


def test_subagent_read_does_not_count_for_parent() -> None:
    s = Session()
    s.subagent()
    s.read("/repo/a.py", SUB)
    e = s.edit("/repo/a.py")
    (blind,) = s.signals().blind_edits
    assert blind.ref.tool_use_id == e.id and blind.read_by == (SUB,)


def test_parent_read_does_not_count_for_fresh_subagent() -> None:
    s = Session()
    s.read("/repo/a.py")
    s.subagent()
    e = s.edit("/repo/a.py", SUB)
    (blind,) = s.signals().blind_edits
    assert blind.ref.tool_use_id == e.id and blind.ref.context_id == SUB and blind.read_by == (MAIN,)


def test_creating_a_file_is_not_blind_and_later_edits_are_not_either() -> None:
    s = Session()
    s.write("/repo/new.py", created=True)
    s.edit("/repo/new.py")
    s.write("/repo/new.py", created=False)
    assert s.signals().blind_edits == ()


def test_write_replacing_an_unread_existing_file_is_blind() -> None:
    s = Session()
    w = s.write("/repo/a.py", created=False)
    (blind,) = s.signals().blind_edits
    assert blind.ref.tool_use_id == w.id and blind.op == "replace"


def test_write_without_result_uses_what_the_context_saw() -> None:
    s = Session()
    s.call("Glob", pattern="*.py", result="/repo/listed.py")
    seen = s.write("/repo/listed.py", created=None, status="interrupted")
    s.write("/repo/unseen.py", created=None, status="interrupted")
    assert ids(s.signals().blind_edits) == [seen.id]


def test_edit_after_own_edit_is_not_blind() -> None:
    s = Session()
    first = s.edit("/repo/a.py")
    s.edit("/repo/a.py")
    assert ids(s.signals().blind_edits) == [first.id]


def test_failed_edit_attempt_is_blind_and_says_so() -> None:
    s = Session()
    first = s.edit("/repo/a.py", status="error", error=NOT_READ_MESSAGE)
    second = s.edit("/repo/a.py", status="error", error=NOT_READ_MESSAGE)  # still not read
    s.read("/repo/a.py")
    s.edit("/repo/a.py")
    blind = s.signals().blind_edits
    assert ids(blind) == [first.id, second.id]
    assert [b.ok for b in blind] == [False, False] and blind[0].harness == "not_read"


def test_relative_path_matches_the_absolute_read() -> None:
    s = Session()
    s.read("/repo/src/a.py")
    s.call("Edit", file_path="a.py", cwd="/repo/src")
    s.call("Edit", file_path="../repo/src/./a.py", cwd="/other")
    s.call("Edit", file_path="b.py", cwd=None)  # falls back to the context's folder
    assert [b.path for b in s.signals().blind_edits] == ["/repo/b.py"]


def test_tilde_is_expanded() -> None:
    s = Session()
    s.read("/home/u/notes.md")
    s.edit("~/notes.md")
    assert s.signals().blind_edits == ()


def test_resolve_hook_makes_symlinked_paths_equal() -> None:
    links = {"/repo/link/a.py": "/real/a.py"}
    s = Session()
    s.read("/repo/link/a.py")
    s.edit("/real/a.py")
    session = s.build()
    assert len(find_file_signals(session).blind_edits) == 1
    assert find_file_signals(session, lambda p: links.get(p, p)).blind_edits == ()


def test_reads_before_compaction_still_count() -> None:
    s = Session()
    s.read("/repo/a.py")
    s.compact()
    s.edit("/repo/a.py")
    assert s.signals().blind_edits == ()


def test_compaction_contexts_are_ignored() -> None:
    s = Session()
    s.contexts["s/acompact-1"] = ("compaction", MAIN)
    s.calls["s/acompact-1"] = []
    s.messages["s/acompact-1"] = []
    s.call("Edit", "s/acompact-1", file_path="/repo/a.py")
    assert s.signals().blind_edits == ()


# --- stale edits -----------------------------------------------------------------------------


def test_edit_after_another_contexts_change_is_stale() -> None:
    s = Session()
    read = s.read("/repo/a.py")
    s.subagent()
    s.read("/repo/a.py", SUB)
    change = s.edit("/repo/a.py", SUB)
    e = s.edit("/repo/a.py")
    (stale,) = s.signals().stale_edits
    assert stale.ref.tool_use_id == e.id and stale.cause == "other_context"
    assert stale.read_ref.tool_use_id == read.id and stale.change_ref is not None
    assert stale.change_ref.tool_use_id == change.id
    assert stale.to_json()["change"]["tool_use_id"] == change.id


def test_edit_after_a_shell_change_is_stale_even_the_contexts_own() -> None:
    s = Session()
    s.read("/repo/a.py")
    change = s.bash("sed -i 's/a/b/' a.py")
    e = s.edit("/repo/a.py")
    (stale,) = s.signals().stale_edits
    assert stale.ref.tool_use_id == e.id and stale.cause == "shell"
    assert stale.change_ref is not None and stale.change_ref.tool_use_id == change.id


def test_rejected_shell_command_changes_nothing() -> None:
    s = Session()
    s.read("/repo/a.py")
    s.bash("rm a.py", status="rejected")
    s.edit("/repo/a.py")
    assert s.signals().stale_edits == ()


def test_re_read_clears_staleness() -> None:
    s = Session()
    s.read("/repo/a.py")
    s.bash("echo x >> a.py")
    s.read("/repo/a.py")
    s.edit("/repo/a.py")
    assert s.signals().stale_edits == ()


def test_own_edits_keep_the_file_fresh() -> None:
    s = Session()
    s.read("/repo/a.py")
    s.edit("/repo/a.py")
    s.write("/repo/a.py", created=False)
    s.edit("/repo/a.py")
    signals = s.signals()
    assert signals.stale_edits == () and signals.blind_edits == ()


def test_harness_modified_refusal_is_stale_until_re_read() -> None:
    s = Session()
    s.read("/repo/a.py")
    refused = s.edit("/repo/a.py", status="error", error=MODIFIED_MESSAGE)
    retry = s.edit("/repo/a.py", status="error", error=MODIFIED_MESSAGE)
    s.read("/repo/a.py")
    s.edit("/repo/a.py")
    stale = s.signals().stale_edits
    assert ids(stale) == [refused.id, retry.id]
    assert [x.cause for x in stale] == ["harness", "harness"] and stale[0].change_ref is None


def test_blind_edit_is_not_also_stale() -> None:
    s = Session()
    s.bash("echo x > a.py")
    s.edit("/repo/a.py")
    signals = s.signals()
    assert len(signals.blind_edits) == 1 and signals.stale_edits == ()


# --- duplicate reads -------------------------------------------------------------------------


def test_duplicate_read_same_range() -> None:
    s = Session()
    first = s.read("/repo/a.py", offset=10, limit=20)
    again = s.read("a.py", offset=10, limit=20)
    (dup,) = s.signals().duplicate_reads
    assert dup.ref.tool_use_id == again.id and dup.first_ref.tool_use_id == first.id
    assert (dup.start, dup.end) == (10, 29)


def test_a_third_read_points_at_the_first() -> None:
    s = Session()
    first = s.read("/repo/a.py")
    s.read("/repo/a.py")
    s.read("/repo/a.py", offset=1)  # the same whole file
    dups = s.signals().duplicate_reads
    assert len(dups) == 2 and {d.first_ref.tool_use_id for d in dups} == {first.id}


def test_different_range_is_not_a_duplicate() -> None:
    s = Session()
    s.read("/repo/a.py", offset=10, limit=20)
    s.read("/repo/a.py", offset=30, limit=20)
    s.read("/repo/a.py")
    assert s.signals().duplicate_reads == ()


def test_read_after_an_edit_is_not_a_duplicate() -> None:
    s = Session()
    s.read("/repo/a.py")
    s.edit("/repo/a.py")
    s.read("/repo/a.py")
    assert s.signals().duplicate_reads == ()


def test_read_after_another_contexts_change_is_not_a_duplicate() -> None:
    s = Session()
    s.read("/repo/a.py")
    s.subagent()
    s.write("/repo/a.py", SUB, created=False)
    s.read("/repo/a.py")
    assert s.signals().duplicate_reads == ()


def test_read_after_compaction_is_not_a_duplicate() -> None:
    s = Session()
    s.read("/repo/a.py")
    s.compact()
    s.read("/repo/a.py")
    assert s.signals().duplicate_reads == ()


def test_failed_reads_and_other_contexts_reads_are_not_duplicates() -> None:
    s = Session()
    s.read("/repo/a.py", status="error", error="Sibling tool call errored")
    s.read("/repo/a.py")
    s.subagent()
    s.read("/repo/a.py", SUB)
    s.bash("cat a.py")
    s.bash("cat a.py")
    assert s.signals().duplicate_reads == ()


# --- search loops ----------------------------------------------------------------------------


def test_search_loop_of_four() -> None:
    s = Session()
    first = s.call("Grep", pattern="foo")
    s.call("Glob", pattern="**/foo*")
    s.call("TodoWrite", todos=[])  # neither extends nor breaks the run
    s.bash("find . -name 'foo*'")
    last = s.call("Grep", pattern="Foo", path="src")
    s.read("/repo/foo.py")
    (loop,) = s.signals().search_loops
    assert loop.ref.tool_use_id == first.id and loop.end_ref.tool_use_id == last.id
    assert loop.count == 4
    assert loop.patterns == ("foo", "**/foo*", "find . -name 'foo*'", "Foo")
    assert loop.to_json()["paths"] == ["/repo/src"]


def test_three_searches_interrupted_by_a_read_are_no_loop() -> None:
    s = Session()
    s.call("Grep", pattern="a")
    s.call("Grep", pattern="b")
    s.call("Grep", pattern="c")
    s.read("/repo/x.py")
    s.call("Grep", pattern="d")
    s.call("Grep", pattern="e")
    s.bash("cat y.py")  # a shell read breaks a run too
    s.call("Grep", pattern="f")
    assert s.signals().search_loops == ()


def test_piped_grep_is_not_a_search_and_minimum_is_configurable() -> None:
    s = Session()
    s.call("Grep", pattern="a")
    s.bash("mix test | grep failed")
    s.call("Grep", pattern="b")
    s.call("Grep", pattern="c")
    assert s.signals().search_loops == ()
    assert [loop.count for loop in s.signals(search_loop_min=3).search_loops] == [3]


def test_search_loops_are_per_context() -> None:
    s = Session()
    s.subagent()
    for ctx in (MAIN, SUB, MAIN, SUB, MAIN, SUB):
        s.call("Grep", ctx, pattern="x")
    assert s.signals().search_loops == ()


# --- re-edits --------------------------------------------------------------------------------


def test_re_edit_of_own_fresh_lines() -> None:
    s = Session()
    s.read("/repo/a.py")
    first = s.edit("/repo/a.py", diff=hunk(9, ["old"], ["n1", "n2", "n3"]))  # writes lines 10-12
    s.bash("pytest")
    again = s.edit("/repo/a.py", diff=hunk(10, ["n2"], ["fixed"]))  # changes line 11
    (re_edit,) = s.signals().re_edits
    assert re_edit.ref.tool_use_id == again.id and re_edit.previous_ref.tool_use_id == first.id
    assert (re_edit.first, re_edit.last, re_edit.calls_between) == (11, 11, 1)


def test_disjoint_regions_are_no_re_edit() -> None:
    s = Session()
    s.read("/repo/a.py")
    s.edit("/repo/a.py", diff=hunk(9, ["old"], ["n1", "n2", "n3"]))
    s.edit("/repo/a.py", diff=hunk(40, ["x"], ["y"]))
    s.edit("/repo/a.py", diff=hunk(12, [], ["appended"], before=1, after=0))  # right after line 12
    assert s.signals().re_edits == ()


def test_insertion_inside_a_region_is_a_re_edit() -> None:
    s = Session()
    s.read("/repo/a.py")
    s.edit("/repo/a.py", diff=hunk(9, ["old"], ["n1", "n2", "n3"]))  # lines 10-12
    e = s.edit("/repo/a.py", diff=hunk(10, [], ["inserted"], before=1, after=1))  # before line 12
    assert ids(s.signals().re_edits) == [e.id]


def test_re_edit_accounts_for_lines_added_above() -> None:
    s = Session()
    s.read("/repo/a.py")
    s.edit("/repo/a.py", diff=hunk(9, ["old"], ["n1", "n2", "n3"]))  # lines 10-12
    s.edit("/repo/a.py", diff=hunk(1, [], ["a", "b", "c", "d", "e"]))  # +5 lines above: now 15-17
    untouched = s.edit("/repo/a.py", diff=hunk(10, ["x"], ["y"]))  # line 11: no longer ours
    moved = s.edit("/repo/a.py", diff=hunk(15, ["n2"], ["z"]))  # line 16 = the old line 11
    assert untouched.id not in ids(s.signals().re_edits)
    (re_edit,) = s.signals().re_edits
    assert re_edit.ref.tool_use_id == moved.id and (re_edit.first, re_edit.last) == (16, 16)


def test_another_contexts_edit_shifts_and_shell_change_forgets() -> None:
    s = Session()
    s.read("/repo/a.py")
    s.edit("/repo/a.py", diff=hunk(9, ["old"], ["n1", "n2", "n3"]))  # lines 10-12
    s.subagent()
    s.read("/repo/a.py", SUB)
    s.edit("/repo/a.py", SUB, diff=hunk(1, ["x"], ["x", "y"]))  # +1 above: now 11-13
    s.read("/repo/a.py")
    shifted = s.edit("/repo/a.py", diff=hunk(12, ["n3"], ["z"]))  # line 13
    s.bash("sed -i 's/a/b/' a.py")
    s.read("/repo/a.py")
    s.edit("/repo/a.py", diff=hunk(12, ["z"], ["w"]))  # after the shell change: forgotten
    assert ids(s.signals().re_edits) == [shifted.id]


def test_re_edit_window_and_other_contexts() -> None:
    s = Session()
    s.read("/repo/a.py")
    s.edit("/repo/a.py", diff=hunk(9, ["old"], ["n1"]))  # line 10
    for _ in range(5):
        s.bash("pytest")
    s.edit("/repo/a.py", diff=hunk(9, ["n1"], ["n2"]))
    s.subagent()
    s.read("/repo/a.py", SUB)
    s.edit("/repo/a.py", SUB, diff=hunk(9, ["n2"], ["n3"]))  # not its own lines
    assert [r.calls_between for r in s.signals().re_edits] == [5]
    assert s.signals(re_edit_window=4).re_edits == ()


def test_edits_without_placeable_diff_are_no_re_edits() -> None:
    s = Session()
    s.read("/repo/a.py")
    s.edit("/repo/a.py", diff="@@ -1 +1 @@\n-a\n+b")  # rebuilt from the strings
    s.edit("/repo/a.py", diff="@@ -1 +1 @@\n-b\n+c")
    s.edit("/repo/a.py", status="error", error="String to replace not found in file.")
    assert s.signals().re_edits == ()


# --- harness agreement -----------------------------------------------------------------------


def test_harness_agreement_counts() -> None:
    s = Session()
    not_read = s.edit("/repo/a.py", status="error", error=f"<tool_use_error>{NOT_READ_MESSAGE}</tool_use_error>")
    s.read("/repo/b.py")
    modified = s.edit("/repo/b.py", status="error", error=MODIFIED_MESSAGE)
    s.read("/repo/c.py")
    lost = s.write("/repo/c.py", created=None, status="error", error=NOT_READ_MESSAGE)  # the harness forgot
    after = s.edit("/repo/c.py", status="error", error=NOT_READ_MESSAGE)  # we follow the harness
    allowed = s.edit("/repo/d.py")  # flagged blind, yet it worked
    harness = s.signals().harness
    assert (harness.messages, harness.not_read_messages, harness.modified_messages) == (4, 3, 1)
    assert harness.agreed == 3
    assert [r.tool_use_id for r in harness.missed] == [lost.id]
    assert harness.flagged_blind == 3
    assert [r.tool_use_id for r in harness.allowed_blind] == [allowed.id]
    out = harness.to_json()
    assert out["agreement"] == 0.75 and out["allowed_blind"] == 1
    assert out["missed"] == [{"tool_use_id": lost.id, "session_id": MAIN, "line": lost.seq}]
    assert {not_read.id, modified.id, after.id}.isdisjoint(r.tool_use_id for r in harness.missed)


def test_no_harness_messages() -> None:
    s = Session()
    s.read("/repo/a.py")
    s.edit("/repo/a.py")
    out = s.signals().harness.to_json()
    assert out["messages"] == 0 and out["agreement"] is None


def test_signals_to_json_shape() -> None:
    s = Session()
    s.edit("/repo/a.py")
    out = s.signals().to_json()
    assert set(out) == {"blind_edits", "stale_edits", "duplicate_reads", "search_loops", "re_edits", "harness"}
    assert s.signals().counts()["blind_edits"] == 1


# --- the real corpus -------------------------------------------------------------------------


@pytest.mark.corpus
def test_corpus_file_signals(corpus_sessions: list[SessionInput]) -> None:
    results = {session.id: find_file_signals(session) for session in corpus_sessions}
    totals: dict[str, int] = {}
    for signals in results.values():
        for name, count in signals.counts().items():
            totals[name] = totals.get(name, 0) + count
    assert totals == {"blind_edits": 0, "stale_edits": 0, "duplicate_reads": 3, "search_loops": 11, "re_edits": 39}
    # The corpus holds no harness refusal at all: agreement is pinned by the fixtures above.
    assert sum(s.harness.messages for s in results.values()) == 0
    assert sum(len(s.harness.allowed_blind) for s in results.values()) == 0

    dov = results["4d5611e5-241a-462a-8d15-5122611a9569"]
    (dup,) = dov.duplicate_reads  # subagent_live.ex read whole at line 120 and again at 356, unchanged
    assert (dup.first_ref.seq, dup.ref.seq) == (120, 356)
    assert dup.path.endswith("/spotter-dov/lib/spotter_web/live/subagent_live.ex")
    # Line 202 added the TranscriptRenderer alias at line 12; line 238 removed it again.
    alias = next(r for r in dov.re_edits if r.ref.seq == 238)
    assert (alias.previous_ref.seq, alias.first, alias.last) == (202, 12, 12)
    # Line 812 inserts inside the block line 250 wrote, 3 lines lower after line 297's insertion.
    moved = next(r for r in dov.re_edits if r.ref.seq == 812)
    assert (moved.previous_ref.seq, moved.first, moved.last) == (250, 562, 563)

    otel = results["ae4a77f8-aedd-4bc1-888f-c94edc91af04"]
    revert = next(r for r in otel.re_edits if r.ref.seq == 1391)  # undoes line 1373's rewrite
    assert revert.previous_ref.seq == 1373 and revert.calls_between == 1
    loop = next(x for x in otel.search_loops if x.ref.seq == 1534)
    assert loop.count == 9 and all(p.startswith("grep") for p in loop.patterns)

    fum = results["8463c716-a2ea-4c14-9efa-87158ebd9f20"]
    assert sorted((d.first_ref.seq, d.ref.seq) for d in fum.duplicate_reads) == [(40, 137), (59, 168)]


@pytest.mark.corpus
def test_corpus_timeline_counts(corpus_sessions: list[SessionInput]) -> None:
    counts: dict[str, int] = {}
    for session in corpus_sessions:
        for ops in session_timeline(session).values():
            for op in ops:
                counts[op.op] = counts.get(op.op, 0) + 1
    assert counts == {
        "read": 267,
        "edit": 206,
        "search": 179,
        "create": 33,
        "replace": 11,
        "shell_read": 10,
        "shell_change": 4,
    }
