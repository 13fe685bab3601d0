"""Which simple command of a failed command line failed (lesson_model/triggers.failing_segment,
issue 61, item 3): the lesson is keyed to it, so a chain is learned as the part that failed, not
as its first word, nor as a part whose operand the error happens to contain."""

from __future__ import annotations

import pytest

from lessonloop.lesson_model.triggers import command_segments, failing_segment

NO_UPSTREAM = "fatal: The current branch feat has no upstream branch."
AUTH = "remote: Invalid username or token.\nfatal: Authentication failed for 'https://github.com/acme/app.git/'"
PUBLICKEY = "git@github.com: Permission denied (publickey).\nfatal: Could not read from remote repository."

CASES = [
    # the error names no part: the last part ran last, and failed
    ("git add . && git push", AUTH, ("git", "push")),
    ("git add -A && git commit -m 'wip' && git push", NO_UPSTREAM, ("git", "push")),
    # an operand the error holds (a host, a path, a dot) is not the part that failed
    ("ssh-keyscan github.com >> ~/.ssh/known_hosts && git push", PUBLICKEY, ("git", "push")),
    (
        "Set-Location src-tauri; cargo check",
        "error: failed to remove file `C:\\src-tauri\\target\\x`",
        ("cargo", "check"),
    ),
    # an error line about a program names it: Unix tools and PowerShell cmdlets
    ("touch /opt/x/test && rm /opt/x/test", "touch: /opt/x/test: Operation not permitted", ("touch", "/opt/x/test")),
    (
        'Get-Content "core/README.md" | Select-String -Pattern "Alden"',
        "Get-Content : Cannot find path 'G:\\app\\core\\README.md' because it does not exist.",
        ("Get-Content", "core/README.md"),
    ),
    (
        "Get-Process node | Stop-Process -Force",
        'Get-Process : Cannot find a process with the name "node".',
        ("Get-Process", "node"),
    ),
    ("C:\\Tools\\python.exe -c 1; echo done", "python.exe : boom", ("C:\\Tools\\python.exe", "-c", "1")),
    # the subcommand the error names, as a word: `Pre-commit` names commit
    (
        "git add -A && git commit -m 'feat: add x' && echo ok",
        "Pre-commit validation failed: [FORMAT]",
        ("git", "commit"),
    ),
    # a program the shell could not find
    ("rg -n voice src | head", "head : The term 'head' is not recognized as the name of a cmdlet", ("head",)),
]


@pytest.mark.parametrize(("command", "error", "failed"), CASES)
def test_the_part_that_failed(command: str, error: str, failed: tuple[str, ...]) -> None:
    found = failing_segment(command_segments(command), error)
    assert found is not None and found[: len(failed)] == failed, found


def test_a_failed_cd_is_no_part() -> None:
    assert failing_segment(command_segments("cd app && npm test"), "bash: line 1: cd: app: No such file") is None


def test_keywords_and_assignments_are_not_programs() -> None:
    """A PowerShell loop's keyword or a variable's assignment is never the program that failed."""
    command = "$lines = Get-Content a.ts; foreach ($l in $lines) { Write-Output $l }"
    found = failing_segment(command_segments(command), "At line:1 char:40\nUnexpected token 'in' in expression")
    assert found is not None and found[0] not in ("foreach", "$lines"), found
