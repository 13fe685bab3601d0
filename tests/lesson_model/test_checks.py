"""A check in every lesson that knows no fix yet (issue 83, item 1): what a failure's own text says
happened, and what to do or check before the call; never "it failed before" alone."""

from __future__ import annotations

import pytest

from lessonloop.lesson_model.checks import CHECK_HEAD, check_for, error_advice, is_check
from lessonloop.lesson_model.stand_ins import general_remedy

CASES: list[tuple[str, str, str | None, set[str], str, str]] = [
    # (error text, shown, path, kinds, the cause's words, words the check holds)
    ("command timed out after 120000 milliseconds", "cargo build", None, set(), "ran past its time limit", "120 s"),
    ("Process exited with code 124", "npm run dev", None, set(), "ran past its time limit", "background"),
    (
        "File content (312KB) exceeds maximum allowed size (256KB). Please use offset and limit parameters.",
        "Read", "app.js", set(), "is too large to read whole", "an offset and a limit",
    ),
    ("EISDIR: illegal operation on a directory, read", "Read", "test/support", set(), "is a folder", "list it"),
    ("rm: cannot remove 'x': Operation not permitted", "rm", None, set(), "was refused", "ask the person"),
    ("npm error code ERESOLVE\nnpm error ERESOLVE unable to resolve dependency tree", "npm install", None, set(),
     "dependency conflict", "choose versions that agree"),
    ("npm error code E404\nnpm error 404 Not Found - GET https://registry.npmjs.org/left-padd", "npm install", None,
     set(), "registry does not have", "npm view"),
    ("error: could not find `Cargo.toml` in `/home/dev/app` or any parent directory", "cargo fmt", None, set(),
     "Cargo.toml", "change to the project's folder"),
    ("fatal: pathspec 'src/mian.rs' did not match any files", "git add", None, set(), "git does not know",
     "git ls-files"),
    (" ! [rejected]        main -> main (fetch first)\nerror: failed to push some refs\nhint: Updates were rejected "
     "because the remote contains work that you do not have locally.", "git push", None, set(), "behind its remote",
     "git fetch"),
    ("aider/io.py:3:1: F401 'os' imported but unused\nflake8 failed", "tmp.lint.sh", "aider/io.py", set(),
     "failed the lint check", "F401"),
    ("error[E0063]: missing field `typing_status` in initializer of `ChatState`", "cargo run", None, set(),
     "did not build", "E0063"),
    ("  1) expect(locator).toBeVisible() failed\n  1 failed", "playwright test", None, set(), "failed its tests",
     "run the failing test alone"),
]  # fmt: skip


@pytest.mark.parametrize(("error", "shown", "path", "kinds", "cause", "holds"), CASES, ids=[c[4] for c in CASES])
def test_a_failures_kind_gives_its_check(
    error: str, shown: str, path: str | None, kinds: set[str], cause: str, holds: str
) -> None:
    check = check_for(error, shown=shown, path=path, kinds=kinds)
    assert check is not None
    assert cause in check.cause and holds in check.text
    assert check.text.startswith(CHECK_HEAD) and is_check(check.text)
    assert general_remedy(check.text)  # a remedy learned later replaces it
    assert "failed before" not in check.text


def test_a_check_of_the_call_that_is_itself_a_check_is_none() -> None:
    """A build, the tests or a linter that fails gave its verdict on the code of the moment:
    "build before building" teaches nothing; a time limit still does."""
    error = "error[E0428]: the name `format_optional_ts` is defined multiple times"
    assert check_for(error, shown="cargo check", kinds={"typecheck"}) is None
    assert check_for("1 failed, 20 passed", shown="pytest", kinds={"test"}) is None
    timed = check_for("command timed out after 60000 milliseconds", shown="cargo test", kinds={"test"})
    assert timed is not None and "60 s" in timed.text


def test_a_refusal_deep_in_a_long_output_is_not_the_failure() -> None:
    error = "x" * 1000 + "\nwarning: failed to clean the cache: Permission denied"
    assert check_for(error, shown="make") is None


def test_the_errors_own_advice_is_quoted_as_tool_output_and_never_one_that_forces() -> None:
    said = error_advice("error: src refspec main does not match any\nhint: did you create the branch first?")
    assert said is not None and "tool output “" in said and "did you create the branch first?" in said
    assert error_advice("Did you mean 'report'?") is not None
    assert error_advice("hint: use --force to overwrite the remote") is None
    check = check_for("weird failure\nhint: run the setup script once before this", shown="tool run")
    assert check is not None and check.text.startswith(CHECK_HEAD + "what the error itself advised: tool output")


def test_a_failure_that_says_nothing_known_gives_no_check() -> None:
    assert check_for("Segmentation fault", shown="./a.out") is None
    assert check_for(None, shown="x") is None


@pytest.mark.parametrize(
    "error",
    [
        "ls : Cannot find path 'C:\\app\\specs' because it does not exist.",
        "ls: cannot access 'specs': No such file or directory",
        "python3: can't open file '/app/scripts/list-skills.py': [Errno 2] No such file or directory",
    ],
)
def test_a_path_that_is_not_there_is_named_in_the_check(error: str) -> None:
    check = check_for(error, shown="ls specs")
    assert check is not None and "not there" in check.cause
    assert ("specs" in check.text or "list-skills.py" in check.text) and "list its folder" in check.text


def test_colour_codes_and_a_long_output_do_not_hide_a_failing_test() -> None:
    error = "x\n" * 5000 + "Error: \x1b[2mexpect(\x1b[22mlocator\x1b[2m).\x1b[22mtoBeVisible\x1b[2m()\x1b[22m failed\n"
    check = check_for(error, shown="playwright test")
    assert check is not None and check.cause == "failed its tests"


def test_a_powershell_here_string_error_gives_its_form() -> None:
    check = check_for(
        "No characters are allowed after a here-string header but before the end of the line.", shown="$s"
    )
    assert check is not None and "'@" in check.text


def test_a_file_the_error_names_is_the_check_and_a_refusal_of_the_harness_too() -> None:
    check = check_for("Exit code 1\nERROR: the settings in config/app.yml are invalid", shown="./scripts/build.sh")
    assert check is not None and "read “config/app.yml”" in check.text
    refused = check_for("Claude requested permissions to use Bash, but you haven't granted it yet.", shown="git push")
    assert refused is not None and "ask the person" in refused.text


@pytest.mark.parametrize(
    "error",
    [
        "sudo: a terminal is required to read the password; either use the -S option to read from standard input",
        "sudo: a password is required",
        "the input device is not a TTY",
    ],
)
def test_a_prompt_no_one_can_answer_gives_its_check(error: str) -> None:
    check = check_for(error, shown="sudo apt-get install jq")
    assert check is not None and "no terminal" in check.text and check.cause.startswith("needs a password")


@pytest.mark.parametrize(
    ("error", "name"),
    [
        ('npm ERR! Missing script: "test"', "test"),
        ("make: *** No rule to make target 'lint'.  Stop.", "lint"),
        ("error: Justfile does not contain recipe `deploy`.", "deploy"),
    ],
)
def test_a_script_the_project_does_not_declare_is_checked_against_what_it_declares(error: str, name: str) -> None:
    check = check_for(error, shown="npm test", kinds={"test"})  # a check command whose script never ran
    assert check is not None and f"declares no “{name}”" in check.text
