"""Reads, writes and searches in PowerShell and cmd (issue 61, item 6; analyze/powershell_files.py):
on Windows an agent reads with `Get-Content` and edits with `apply_patch`, so an edit after a read
of the same file is not blind, whichever slashes, variables or expressions the read was written
with; and Windows paths compare equal however they are spelled (analyze/paths.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from lessonloop.analyze.blind_edits import find_file_signals
from lessonloop.analyze.file_ops import is_search_command, shell_effects
from lessonloop.analyze.inputs import Call, Context, SessionInput
from lessonloop.analyze.paths import normalize_path
from lessonloop.core import records
from tests.conftest import SHARED_CORPUS

WINDOWS_CWD = "G:\\work\\app"


@pytest.mark.parametrize(
    ("command", "reads"),
    [
        ("Get-Content src\\app.ts", ["src\\app.ts"]),
        ("Get-Content -Path 'src/app.ts' | Select-Object -Skip 10 -First 20", ["src/app.ts"]),
        ("get-content -LiteralPath src/app.ts -Raw", ["src/app.ts"]),
        ("gc .\\README.md", [".\\README.md"]),
        ("(Get-Content src/app.ts)[10..40]", ["src/app.ts"]),
        ("$c=Get-Content src/app.ts; $c[120..200]", ["src/app.ts"]),
        ("$lines = Get-Content src/app.ts; for ($i=1; $i -le 9; $i++) { $lines[$i] }", ["src/app.ts"]),
        ("$path = 'docs/x.md'; $lines = Get-Content $path", ["docs/x.md"]),
        ("$path='docs/x.md'; (Get-Content $path | Select-Object -First 5)", ["docs/x.md"]),
        ('powershell -NoProfile -Command "(Get-Content src/app.ts)[1..5]"', ["src/app.ts"]),
        ("type C:\\work\\app\\notes.txt", ["C:\\work\\app\\notes.txt"]),
        ("type python3", []),  # bash's type: what a command is
        ("Get-ChildItem -Recurse src", []),
    ],
)
def test_powershell_reads(command: str, reads: list[str]) -> None:
    assert [path for path, _first, _last in shell_effects(command).reads] == reads


def test_first_lines_read_give_their_range() -> None:
    assert shell_effects("Get-Content -Path src/app.ts -TotalCount 200").reads == (("src/app.ts", 1, 200),)
    assert shell_effects("Get-Content src/app.ts -Head 5").reads == (("src/app.ts", 1, 5),)


@pytest.mark.parametrize(
    ("command", "changes"),
    [
        ("Set-Content -Path a.txt -Value hi", [("a.txt", False)]),
        ("(Get-Content a.ts) -replace 'x','y' | Set-Content a.ts", [("a.ts", False)]),
        ("'x' | Out-File -FilePath out.log", [("out.log", False)]),
        ("Add-Content notes.md 'more'", [("notes.md", False)]),
        ("Remove-Item -Recurse -Force build", [("build", True)]),
        ("Move-Item a.txt b.txt", [("a.txt", True), ("b.txt", False)]),
        ("Copy-Item a.txt -Destination b.txt", [("b.txt", False)]),
        ("New-Item x.txt", [("x.txt", False)]),
        ("New-Item -ItemType Directory -Path x", []),
    ],
)
def test_powershell_changes(command: str, changes: list[tuple[str, bool]]) -> None:
    assert list(shell_effects(command).changes) == changes


@pytest.mark.parametrize(
    ("command", "search"),
    [
        ("Select-String -Path *.ts -Pattern foo", True),
        ("findstr /s foo *.ts", True),
        ("gci -Recurse src", True),
        ("Get-Content x.log | Select-String error", False),  # a pipe's filter
    ],
)
def test_powershell_searches(command: str, search: bool) -> None:
    assert is_search_command(command) is search


def test_windows_paths_have_one_spelling() -> None:
    patched = normalize_path("src/components/x.tsx", "g:\\work\\app", None)
    assert patched == "g:/work/app/src/components/x.tsx"
    assert normalize_path("src\\components\\x.tsx", WINDOWS_CWD, None) == patched
    assert normalize_path(".\\src\\components\\..\\components\\x.tsx", WINDOWS_CWD, None) == patched
    assert normalize_path("G:\\work\\app\\src\\components\\x.tsx", None, None) == patched
    assert normalize_path("/c/work/app/src/components/x.tsx", WINDOWS_CWD, None) == "c:/work/app/src/components/x.tsx"
    assert normalize_path("/mnt/data/a.csv", WINDOWS_CWD, None) == "/mnt/data/a.csv"  # absolute: not joined
    assert normalize_path("src/x.py", "/home/dev/app", None) == "/home/dev/app/src/x.py"  # POSIX as before


def _codex_session(*calls: tuple[str, str]) -> SessionInput:
    """A Codex session on Windows: (kind, text) calls, a shell command or a patched path."""
    built = []
    for seq, (kind, text) in enumerate(calls, 1):
        if kind == "shell":
            built.append(
                Call(id=f"c{seq}", context_id="s", seq=seq, ts=f"2026-01-01T00:00:{seq:02d}Z", tool="shell_command",
                     kind=records.SHELL, input={"command": text}, command=text, cwd=WINDOWS_CWD, status="ok")
            )  # fmt: skip
        else:
            diff = f"--- a/{text}\n+++ b/{text}\n@@ -1,1 +1,1 @@\n-a\n+b\n"
            built.append(
                Call(id=f"c{seq}", context_id="s", seq=seq, ts=f"2026-01-01T00:00:{seq:02d}Z", tool="apply_patch",
                     kind=records.EDIT, input={"path": text}, cwd=WINDOWS_CWD, status="ok", diff=diff)
            )  # fmt: skip
    context = Context(id="s", kind="main", parent_id=None, cwd=WINDOWS_CWD, calls=tuple(built), messages=())
    return SessionInput(id="s", cwd=WINDOWS_CWD, agent="codex", contexts=(context,))


def test_an_edit_after_a_powershell_read_is_not_blind() -> None:
    session = _codex_session(
        ("shell", "Get-Content -Path src\\components\\App.tsx"),
        ("edit", "src/components/App.tsx"),
        ("shell", "$p = 'src/lib/util.ts'; (Get-Content $p)[1..40]"),
        ("edit", "src/lib/util.ts"),
        ("edit", "src/lib/never_read.ts"),
    )
    blind = [edit.path for edit in find_file_signals(session).blind_edits]
    assert blind == ["g:/work/app/src/lib/never_read.ts"]


ZO_QORE = SHARED_CORPUS / "codex" / "zo-qore"
_READ_VERB = re.compile(r"(?i)(?:^|[\s;(=|{])(?:get-content|gc|type|cat)\s")
_OPTIONS = r"(?:-\w+\s+(?:\d+\s+)?)*"  # `-Path`, `-Raw`, `-TotalCount 200` before the path


def _reads(command: str, name: str) -> bool:
    """Whether `command` reads the file `name` with a read verb right before it (its options
    between), or through a variable set to it on the same line: the test's own reading, apart
    from analyze/powershell_files.py's."""
    verb = r"(?i)(?:^|[\s;(=|{])(?:get-content|gc|type|cat)\s+" + _OPTIONS
    quoted = "['\"]?" + re.escape(name) + "['\"]?(?=[\\s;|)}]|$)"
    if re.search(verb + quoted, command):
        return True
    for variable in re.finditer(r"\$(\w+)\s*=\s*" + quoted, command):
        if re.search(verb + r"\$" + variable.group(1) + r"\b", command):
            return True
    return False


@pytest.mark.slow
@pytest.mark.corpus
def test_no_edit_after_a_powershell_read_of_its_file_is_blind_on_zo_qore(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """codex/zo-qore (Codex on Windows): no blind edit has, earlier in its context, a successful
    command that reads with Get-Content, gc, type or cat and names the edited file by its path
    under the session's folder (either slash, as a word of its own; a here-string that writes a
    file naming another is not a read). Blind edits are still found (files never read)."""
    if not ZO_QORE.is_dir():
        pytest.skip(f"corpus not found at {ZO_QORE} (the ../shared folder is absent)")
    from lessonloop.store import open_store
    from lessonloop.store.sessions.reader import load_sessions
    from tests.shared_stores import every_corpus_store, under

    db: Path = every_corpus_store(tmp_path_factory)
    test, values = under("f.path", ZO_QORE)
    conn = open_store(db)
    try:
        ids = [
            row[0]
            for row in conn.execute(
                "SELECT s.id FROM sessions s JOIN source_files f ON f.id = s.source_file_id"
                f" WHERE {test} AND s.parent_id IS NULL ORDER BY s.id",
                values,
            )
        ]
        sessions = load_sessions(conn, ids)
    finally:
        conn.close()
    assert len(sessions) > 300
    blind_total = 0
    read_first = []
    for session in sessions:
        for edit in find_file_signals(session).blind_edits:
            blind_total += 1
            context = next(c for c in session.contexts if c.id == edit.ref.context_id)
            folder = normalize_path(".", context.cwd or session.cwd, None)
            if edit.path.startswith(folder + "/"):
                relative = edit.path[len(folder) + 1 :]
            elif not re.match(r"/|[A-Za-z]:", edit.path):
                relative = edit.path  # a path left relative to the session's folder
            else:
                continue
            spellings = {relative, relative.replace("/", "\\"), "./" + relative, ".\\" + relative.replace("/", "\\")}
            for call in context.calls:
                if call.seq >= edit.ref.seq:
                    break
                command = call.command or ""
                if call.ok and _READ_VERB.search(command) and any(_reads(command, name) for name in spellings):
                    read_first.append(f"{session.id} {edit.path}: {command[:120]}")
                    break
    assert read_first == []
    assert blind_total > 0


def test_a_name_pattern_is_no_path_the_cmdlet_works_on() -> None:
    """`Get-Content AGENTS.md` failed (not there); `Get-ChildItem -Path . -Filter AGENTS.md -Recurse`
    searches for that name in `.` (the lesson's remedy), not on the path: the lesson does not
    match it. The value of -Filter (and -Include, -Pattern, -TotalCount ...) is no operand."""
    from lessonloop.lesson_model.triggers import Trigger, Unless, command_segments, path_operands

    assert path_operands(("Get-ChildItem", "-Path", ".", "-Filter", "AGENTS.md", "-Recurse"), 1) == ["."]
    assert path_operands(("Get-Content", "-TotalCount", "20", "src/a.rs"), 1) == ["src/a.rs"]
    assert path_operands(("cat", "docs/PLAN.md"), 1) == ["docs/PLAN.md"]
    lesson = Trigger("shell", ("Get-ChildItem",), (), "AGENTS.md", None, Unless(("Get-ChildItem",), since="worked"))
    search = command_segments("Get-ChildItem -Path . -Filter AGENTS.md -Recurse")
    assert not lesson.matches_shape("shell", search, None, "/p", "shell_command", None, None, None)
    again = command_segments("Get-ChildItem AGENTS.md")
    assert lesson.matches_shape("shell", again, None, "/p", "shell_command", None, None, None)
