"""Error headlines, placeholders and error signatures (learning/engine/signatures.py, analyze/placeholders.py):
what makes two failures "the same error"."""

from __future__ import annotations

import pytest

from lessonloop.analyze.error_headline import error_headline
from lessonloop.analyze.placeholders import placeholders
from lessonloop.learning.engine.signatures import digest, error_signature, jaccard, words_text
from tests.learning_helpers import PRE_COMMIT, no_upstream

# ----------------------------------------------------------------------------- headline


def test_headline_skips_the_exit_code_line() -> None:
    assert error_headline("Exit code 1\nfatal: not a git repository") == "fatal: not a git repository"
    assert error_headline("Exit code 128\n\n  fatal: bad revision 'x'\nmore") == "fatal: bad revision 'x'"
    assert error_headline("Exit code -1\nkilled") == "killed"
    assert error_headline("Exit code 1") == ""


def test_headline_keeps_a_line_that_only_mentions_an_exit_code() -> None:
    assert error_headline("Exit code 2 means usage error\nmore") == "Exit code 2 means usage error"


def test_headline_joins_an_intro_line_to_the_next() -> None:
    text = "The following paths are ignored by one of your .gitignore files:\npriv/static/assets\nhint: Use -f"
    assert error_headline(text) == "The following paths are ignored by one of your .gitignore files: priv/static/assets"
    assert error_headline(PRE_COMMIT) == "Pre-commit validation failed: [FORMAT] Code is not formatted."


def test_headline_of_a_lone_intro_line_is_that_line() -> None:
    assert error_headline("Exit code 1\nErrors:") == "Errors:"


def test_headline_reads_json_escaped_line_breaks() -> None:
    escaped = "Exit code 1\\nPre-commit validation failed:\\n\\n[FORMAT] Code is not formatted.\\nRun 'mix format'"
    assert error_headline(escaped) == "Pre-commit validation failed: [FORMAT] Code is not formatted."
    assert error_headline(escaped) == error_headline(PRE_COMMIT)


def test_headline_drops_tool_error_tags_and_error_prefix() -> None:
    assert error_headline("<tool_use_error>File does not exist.</tool_use_error>") == "File does not exist."
    assert error_headline("<tool_use_error>Error: String to replace not found</tool_use_error>") == (
        "String to replace not found"
    )
    assert error_headline("") == ""
    assert error_headline(None) == ""


def test_headline_is_cut() -> None:
    assert len(error_headline("x" * 1000)) == 200


# ----------------------------------------------------------------------------- placeholders


def test_placeholders_replace_the_sessions_branch() -> None:
    text = "fatal: The current branch feat-x has no upstream branch."
    assert placeholders(text, "feat-x") == "fatal: The current branch <branch> has no upstream branch."
    assert placeholders(text, None) == text  # unknown branch: left alone
    # a branch name inside a longer name is not the branch
    assert placeholders("branches feat-xy and old-feat-x exist", "feat-x") == "branches feat-xy and old-feat-x exist"
    assert placeholders("pushed feature/login-form to origin", "feature/login-form") == "pushed <branch> to origin"


def test_placeholders_replace_hashes_uuids_paths_and_numbers() -> None:
    text = (
        "error at /home/dev/app/lib/a.ex:42: commit 3fa9c1d2e0 in ./lib/b.ex, "
        "id 123e4567-e89b-12d3-a456-426614174000 took 12.5 s"
    )
    assert placeholders(text) == "error at <path>:<n>: commit <hash> in <path>, id <uuid> took <n> s"
    assert placeholders("cannot open foo.ex: no such file") == "cannot open <path>: no such file"
    assert placeholders("see lib/spotter/web.ex") == "see <path>"
    assert placeholders("3 tests, 1 failure") == "<n> tests, <n> failure"


def test_placeholders_leave_words_alone() -> None:
    text = "The current branch has no upstream branch. Use -f if you really want to add them."
    assert placeholders(text) == text
    assert placeholders("Code is not formatted. Run the formatter") == "Code is not formatted. Run the formatter"
    assert placeholders("utf8 and sha256 names stay") == "utf8 and sha256 names stay"
    assert placeholders("the added feedback faded") == "the added feedback faded"


def test_placeholders_squeeze_whitespace() -> None:
    assert placeholders("  a \n\n b\t c ") == "a b c"


# ----------------------------------------------------------------------------- error signature


def test_push_failures_on_different_branches_have_one_signature() -> None:
    a = error_signature("Bash", no_upstream("feat-x"), "feat-x")
    b = error_signature("Bash", no_upstream("fix/login-42"), "fix/login-42")
    assert a == b == "Bash|fatal: The current branch <branch> has no upstream branch."


def test_a_different_error_has_a_different_signature() -> None:
    push = error_signature("Bash", no_upstream("feat-x"), "feat-x")
    rejected = error_signature("Bash", "Exit code 1\n! [rejected] feat-x -> feat-x (non-fast-forward)", "feat-x")
    assert rejected != push
    assert error_signature("Bash", PRE_COMMIT) != push


def test_the_tool_is_part_of_the_signature() -> None:
    text = "<tool_use_error>File does not exist.</tool_use_error>"
    assert error_signature("Read", text) != error_signature("Edit", text)
    assert error_signature("Read", text) == "Read|File does not exist."


def test_the_same_error_on_other_paths_and_lines_has_one_signature() -> None:
    a = error_signature("Bash", "Exit code 1\n** (CompileError) lib/a.ex:12: undefined function foo/0")
    b = error_signature("Bash", "Exit code 1\n** (CompileError) lib/web/b.ex:340: undefined function foo/0")
    assert a == b


def test_a_line_long_by_its_paths_is_cut_after_they_are_placeholders() -> None:
    """The headline is cut to 200 characters; a path long enough to push the error's end past
    them must not make another error of it."""
    line = "fatal: cannot lock ref 'refs/heads/main': Unable to create '{}': Operation not permitted"
    short = error_signature("Bash", line.format("/w/.git/refs/heads/main.lock"))
    long = error_signature("Bash", line.format("/Users/someone/" + "deep/" * 40 + ".git/refs/heads/main.lock"))
    assert short == long and short.endswith("Operation not permitted")
    # a line long by its words is still cut
    assert len(error_signature("Bash", "error: " + "word " * 200)) <= len("Bash|") + 200


# ----------------------------------------------------------------------------- helpers


def test_digest_is_stable_and_separates_parts() -> None:
    assert digest("a", "b") == digest("a", "b")
    assert len(digest("a")) == 20
    assert digest("ab", "c") != digest("a", "bc")


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [("git push fails", "git push fails", 1.0), ("git push", "mix format", 0.0), ("a b", "", 0.0), ("", "", 0.0)],
)
def test_jaccard_of_title_words(a: str, b: str, expected: float) -> None:
    assert jaccard(words_text(a), words_text(b)) == expected


def test_words_text_lowercases_and_keeps_placeholders() -> None:
    assert words_text("Git PUSH on <branch> -u") == frozenset({"git", "push", "on", "<branch>"})


def test_words_of_hex_letters_are_words_not_hashes() -> None:
    assert placeholders("the defaced cafebabe file") == "the defaced cafebabe file"
    assert placeholders("at commit 4f16cc6 now") == "at commit <hash> now"


def test_an_exec_policy_refusal_is_one_error_whatever_command_it_quotes() -> None:
    """Codex quotes the refused command line in its policy refusal: two refusals are the same error."""
    shell = '"C:\\\\Windows\\\\System32\\\\WindowsPowerShell\\\\v1.0\\\\powershell.exe" -Command'
    first = error_signature("shell", f'`{shell} "cd g:\\\\app; Get-ChildItem -Force .q"` rejected: blocked by policy')
    second = error_signature("shell", f'`{shell} "cd g:\\\\app; pwd"` rejected: blocked by policy')
    assert first == second == "shell|<command> rejected: blocked by policy"


def test_a_wildcard_the_shell_passed_on_is_one_name_whatever_the_pattern() -> None:
    """PowerShell hands `src/x*` to rg as it is: rg's two wordings of the refusal, with any pattern,
    are one error; a `*` that is no file name (`expected * here`) is kept."""
    reason = "The filename, directory name, or volume label syntax is incorrect. (os error 123)"
    wrapped = error_signature("shell", f"rg: src/handler_*: IO error for operation on src/handler_*: {reason}")
    plain = error_signature("shell", f"rg: src-tauri/src/vault/*.rs: {reason}")
    assert wrapped == plain == f"shell|rg: <path>: {reason.replace('123', '<n>')}"
    assert error_signature("shell", "error: expected * here") == "shell|error: expected * here"
