"""PowerShell here-strings are data, not commands: a `@'...'@` block piped into a cmdlet or written
with `>` holds the text of a file or a script (Python, JSX, Markdown with `&&`, `<`, `#`, code
fences), and its lines were once split into "commands" that taught lessons ("`python` fails unless
``` ran first") and met operator lessons ("This shell rejects `&&`") on calls whose shell line
used no such operator. Out-File writes its file: a command that runs it changes files."""

from __future__ import annotations

import pytest

from lessonloop.analyze.commands import drop_heredoc_bodies
from lessonloop.lesson_model.triggers import command_segments, looks_only, operator_tokens

PY_IN_HERE_STRING = (
    "@'\n"
    "from pathlib import Path\n"
    "text = Path('a.tsx').read_text()\n"
    "text = text.replace('{ok && <div/>}', '{ok ? <div/> : null}')\n"
    "# a comment; and a | pipe\n"
    "'@ | python -"
)
MARKDOWN_TO_FILE = '@"\n# Report\n```rust\nuse std::fs;\n```\nStatus: done && shipped\n"@ > .agent/report.md'


@pytest.mark.parametrize(
    ("command", "segments", "operators"),
    [
        (PY_IN_HERE_STRING, [("python", "-")], {"|"}),
        (MARKDOWN_TO_FILE, [], {">"}),
        ("@'\nline && more\n'@ | Set-Content -Path out.txt", [("Set-Content", "-Path", "out.txt")], {"|"}),
        # two here-strings on one line, a command between them
        ("@'\na < b\n'@ > a.txt; git status; @'\nc || d\n'@ > b.txt", [("git", "status")], {">", ";"}),
    ],
)
def test_a_here_string_is_one_value_to_the_line(
    command: str, segments: list[tuple[str, ...]], operators: set[str]
) -> None:
    assert command_segments(command) == segments
    assert operator_tokens(command) == frozenset(operators)


def test_what_is_not_a_here_string_is_read_as_before() -> None:
    # `@'` not at a line's end is not a here-string's start: the line is what it was
    assert drop_heredoc_bodies("echo '@' && ls") == "echo '@' && ls"
    assert command_segments("echo '@' && ls") == [("echo", "@"), ("ls",)]
    # a POSIX here-document's body is dropped as before
    assert command_segments("cat <<'EOF' > a.txt\nrm -rf x && y\nEOF\ngit add a.txt") == [
        ("cat",),
        ("git", "add", "a.txt"),
    ]


def test_out_file_writes_and_the_other_out_cmdlets_only_print() -> None:
    assert not looks_only(("Out-File", "-Encoding", "ASCII", "SKILL.md"))
    assert looks_only(("Out-String",)) and looks_only(("Out-Host",))
