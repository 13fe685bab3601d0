"""`lessonloop recall` reads its usual options without argparse (cli/recall_commands.parse_recall,
issue 28): whatever it reads, it reads as the argparse parser register() builds does, and what it
does not read (None) is left to argparse, which parses it or reports the error as before."""

from __future__ import annotations

import contextlib
import io
import itertools
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from lessonloop.cli import build_parser
from lessonloop.cli.recall_commands import parse_recall


def argparse_reads(argv: list[str]) -> dict[str, object] | None:
    """What argparse makes of `lessonloop recall ARGV`, or None when it stops (an error, --help)."""
    parser = build_parser(only="recall")
    with contextlib.redirect_stderr(io.StringIO()), contextlib.redirect_stdout(io.StringIO()):
        try:
            return vars(parser.parse_args(["recall", *argv]))
        except SystemExit:
            return None


# Forms people and agents write: each must be read without argparse.
USUAL = [
    ["git push"],
    ["git push", "--json"],
    ["--json", "git push"],
    ["git push", "--db", "/tmp/x.db", "--json"],
    ["--db=/tmp/x.db", "git", "push"],
    ["git push", "-p", "shop", "--tool", "Bash", "-n", "3", "--min-score", "0.5", "--explain"],
    ["git push", "--project=shop", "--all", "--no-vectors"],
    ["git push", "--context", "--budget", "120"],
    ["git push", "--budget=0", "--context"],
    [""],
    ["a=b", "c"],
]
# Forms left to argparse (None), read or refused there.
LEFT = [
    [],
    ["-h"],
    ["git push", "--help"],
    ["--", "-x"],
    ["-x"],
    ["git", "--json", "push"],  # words on both sides of an option: argparse refuses it
    ["git push", "--js"],  # abbreviated: argparse reads it
    ["git push", "-n", "0"],
    ["git push", "--limit", "-1"],
    ["git push", "-n"],
    ["git push", "--top", "3"],  # no such option (issue 45): argparse refuses it
    ["git push", "--min-score", "2"],
    ["git push", "--min-score", "x"],
    ["git push", "--tool", "--json"],
    ["git push", "--json", "--json"],
    ["git push", "-p", "a", "--project", "b"],
    ["git push", "-pshop"],
    ["git push", "-p=shop"],
    ["git push", "--json=yes"],
    ["git push", "--unknown"],
    ["-5", "apples"],
    ["git", "push", "--set-upstream"],  # a word of the text that looks like an option: argparse refuses it
]


def test_the_usual_forms_are_read_as_argparse_reads_them() -> None:
    for argv in USUAL:
        fast = parse_recall(argv)
        assert fast is not None, argv
        assert vars(fast) == argparse_reads(argv), argv


def test_the_other_forms_are_left_to_argparse() -> None:
    for argv in LEFT:
        assert parse_recall(argv) is None, argv


def test_random_command_lines_agree() -> None:
    """Any command line of these words: read the same, or left to argparse."""
    words = ["git", "push", "x y", "", "-", "--", "-p", "--project", "--project=p", "--tool", "-n", "--limit=2",
             "3", "0", "--min-score", "0.3", "--min-score=1", "--explain", "--all", "--context", "--budget", "--budget=9",
             "--no-vectors", "--db", "--db=d", "--json", "--js", "-h", "-x", "=", "1.5"]  # fmt: skip
    rng = random.Random(28)
    lines = [list(line) for n in range(4) for line in itertools.product(words[:8], repeat=n)]
    lines += [[rng.choice(words) for _ in range(rng.randint(1, 8))] for _ in range(3000)]
    read = 0
    for argv in lines:
        fast = parse_recall(argv)
        if fast is not None:
            read += 1
            assert vars(fast) == argparse_reads(argv), argv
    assert read > 300  # the check compared many


@pytest.fixture()
def store(git_push_store: Path) -> Path:
    return git_push_store


def run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lessonloop", "recall", *args], env=env, capture_output=True, text=True, timeout=120
    )


def test_a_process_answers_the_same_either_way(store: Path, tmp_path: Path) -> None:
    """The real entry point: recall read without argparse prints what main() (argparse) prints,
    with the same exit status, for the output, the errors and a usage error."""
    env = {**os.environ, "LESSONLOOP_CONFIG": str(tmp_path / "none.toml"), "LESSONLOOP_EMBEDDINGS": "none"}
    cases = [
        ["git push", "--db", str(store), "--json"],
        ["git push", "--db", str(store)],
        ["git push", "--db", str(store), "--explain", "-n", "2"],
        ["git push", "--db", str(store), "--context"],
        ["quantum entanglement", "--db", str(store)],
        ["git push", "--db", str(store), "-p", "nowhere"],  # an unknown project: status 2
        ["git push", "--db", str(tmp_path / "missing.db")],  # no store: status 1
        [" ", "--db", str(store)],  # nothing to recall for
    ]
    for argv in cases:
        assert parse_recall(argv) is not None, argv
        fast = run(*argv, env=env)
        code = "import sys; from lessonloop.cli import main; sys.exit(main(['recall', *sys.argv[1:]]))"
        slow = subprocess.run([sys.executable, "-c", code, *argv], env=env, capture_output=True, text=True, timeout=120)
        assert (fast.returncode, fast.stdout, fast.stderr) == (slow.returncode, slow.stdout, slow.stderr), argv
    refused = run("git push", "-n", "0", "--db", str(store), env=env)
    assert refused.returncode == 2 and "-n/--limit" in refused.stderr and "usage: lessonloop recall" in refused.stderr
