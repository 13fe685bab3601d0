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


def test_a_password_asked_where_no_terminal_can_give_it_is_one_error_however_it_is_worded() -> None:
    """Issue 83 ("the same sudo in a non-interactive shell under a new headline"): sudo's and a
    TTY's words for one cause are one signature, so the second is seen as the repeat it is; the
    lesson quotes the failure's own line, not the signature's name for the cause."""
    from lessonloop.learning.engine.engine import Learner
    from lessonloop.learning.engine.signatures import NO_TERMINAL, call_signature
    from tests.learning_helpers import Script, play

    worded = (
        "sudo: a terminal is required to read the password; either use the -S option to read from standard input "
        "or configure an askpass helper\nsudo: a password is required",
        "sudo: no tty present and no askpass program specified",
        "[sudo] password for dev: \nsudo: 1 incorrect password attempt",
        "the input device is not a TTY",
    )
    assert {call_signature("shell", "Bash", text) for text in worded} == {f"shell|{NO_TERMINAL}"}
    assert call_signature("shell", "Bash", "sudo: apt-get: command not found") != f"shell|{NO_TERMINAL}"
    learner, script = Learner(), Script()
    for name, text in (("s1", worded[0]), ("s2", worded[1])):
        session = script.session(name, cwd="/w/app")
        play(learner, session.bash("sudo apt-get install -y jq", error=text, error_class="MISSING_PREREQUISITE"))
        learner.end_session(name)
    (lesson,) = learner.lessons.values()
    assert lesson.failed_sessions == 2 and "sudo:" in lesson.title and NO_TERMINAL not in lesson.title
    assert lesson.prevention is not None and "no terminal" in lesson.prevention


@pytest.mark.parametrize("path", ["src/components/Sidebar.tsx", "REPORT_OF_THE_INTEGRATION_TESTS.md"])
def test_a_patch_failure_is_one_error_as_the_transcript_and_as_the_hook_give_the_call(path: str) -> None:
    """A Codex patch that did not find its lines is signed the same from its rollout (the patch)
    and from its hook's view of the call (a file path relative to the project, its old text): a
    path is <path> however the input gives it, so the hook's resent-call warning and a lesson of
    the same error agree on what "the same error" is (issue 83)."""
    from lessonloop.apply.hooks.kit.tool_view import hook_call
    from lessonloop.learning.engine.signatures import call_signature

    patch = f"*** Begin Patch\n*** Update File: {path}\n@@\n-  <h1>Old title, long enough</h1>\n+  <h1>New</h1>\n*** End Patch"
    error = (
        f"apply_patch verification failed: Failed to find expected lines in g:\\work\\app\\{path}:\n"
        "  <h1>Old title, long enough</h1>"
    )
    raw = {"input": patch}
    tool, viewed = hook_call("codex", "apply_patch", raw)
    assert viewed != raw  # the hook's view of the call differs from the rollout's
    assert call_signature("edit", tool, error, tool_input=viewed) == call_signature(
        "edit", "apply_patch", error, tool_input=raw
    )
