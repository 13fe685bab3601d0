"""Error lines and classes of Codex's Windows sessions (issue 24, item 1): the real outputs of
codex/zo-qore and codex/parking-lot (trimmed, otherwise verbatim). Codex's exec envelope ("Exit
code: N", "Wall time: ...", "Total output lines: N", "Output:") and PowerShell's error layout ("At
line:N char:M", the code echoed with "+ ", "+ CategoryInfo", a listing's "Directory:") are never
the error; the message PowerShell gives is, and it says what failed, so it gets a class.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from lessonloop.agents.codex.reader.outcomes import outcome_of
from lessonloop.analyze.error_classes import classify_call
from lessonloop.analyze.inputs import Call
from lessonloop.analyze.placeholders import placeholders
from lessonloop.learning.engine.signatures import error_signature
from tests.conftest import SHARED_CORPUS

ENVELOPE = "Exit code: 1\nWall time: 0.6 seconds\nOutput:\n"

LS_MISSING = (
    ENVELOPE + "ls : Cannot find path 'G:\\MythologIQ\\Hearthlink\\configuration' because it does not exist.\n"
    "At line:1 char:1\n+ ls configuration\n+ ~~~~~~~~~~~~~~~~\n"
    "    + CategoryInfo          : ObjectNotFound: (G:\\MythologIQ\\Hearthlink\\configuration:String) "
    "[Get-ChildItem], ItemNot \n   FoundException\n"
    "    + FullyQualifiedErrorId : PathNotFound,Microsoft.PowerShell.Commands.GetChildItemCommand\n \n"
)
BANNER_THEN_WRAPPED = (
    ENVELOPE + "Minimax alias loaded. Usage: minimax Hello world (no quotes needed)\n"
    "Get-Content : Cannot find path 'C:\\Users\\krkna\\.codex\\skills\\custom\\technical-writing-narrative\\SKILL.md'"
    " because it \ndoes not exist.\nAt line:2 char:1\n"
    "+ Get-Content C:/Users/krkna/.codex/skills/custom/technical-writing-nar ...\n+ ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~\n"
    "    + CategoryInfo          : ObjectNotFound: (C:\\Users\\krkna\\...rative\\SKILL.md:String) [Get-Content], "
    "ItemNotFoundEx \n   ception\n"
)
HEREDOC_IN_POWERSHELL = (
    ENVELOPE + "At line:1 char:11\n+ python - <<'PY'\n+           ~\nMissing file specification after redirection "
    "operator.\nAt line:1 char:10\n+ python - <<'PY'\n+          ~\nThe '<' operator is reserved for future use.\n"
    "At line:2 char:1\n+ from pathlib import Path\n+ ~~~~\n"
    "The 'from' keyword is not supported in this version of the language.\n"
)
NOT_A_CMDLET = (
    ENVELOPE + "sed : The term 'sed' is not recognized as the name of a cmdlet, function, script file, or operable "
    "program. Check the \nspelling of the name, or if a path was included, verify that the path is correct and try "
    "again.\nAt line:1 char:1\n+ sed -n '1,80p' src/App.tsx\n+ ~~~\n"
    "    + CategoryInfo          : ObjectNotFound: (sed:String) [], CommandNotFoundException\n"
    "    + FullyQualifiedErrorId : CommandNotFoundException\n"
)
TIMED_OUT_LISTING = (
    "Exit code: 124\nWall time: 10 seconds\nTotal output lines: 296\nOutput:\n"
    "command timed out after 10062 milliseconds\n\n\n    Directory: G:\\MythologIQ\\Hearthlink\n\n\n"
    "Mode                 LastWriteTime         Length Name\n----                 -------------         ------ ----\n"
    "d-----         10/9/2025  12:13 PM                .cargo\n"
)
BAD_PARAMETER = (
    ENVELOPE + "Get-Content : A parameter cannot be found that matches parameter name 'Skip'.\nAt line:1 char:31\n"
    "+ Get-Content src/main.rs -Skip 10\n+                               ~~~~~\n"
    "    + CategoryInfo          : InvalidArgument: (:) [Get-Content], ParameterBindingException\n"
)
RG_NOTHING = "Exit code: 1\nWall time: 0.3 seconds\nOutput:\n"
NVM_BANNER = (
    "Exit code: 1\nWall time: 0.9 seconds\nOutput:\nNow using node v22.20.0 (npm v10.9.3)\n"
    "fatal: 'origin' does not appear to be a git repository\nfatal: Could not read from remote repository.\n"
)
PATCH_LINES = (
    "apply_patch verification failed: Failed to find expected lines in g:\\MythologIQ\\Hearthlink\\src\\App.tsx:\n"
    "  const [open, setOpen] = useState(false);\n"
)


def sig(text: str, tool: str = "shell", exit_code: int | None = 1, program: str = "") -> str:
    return error_signature(tool, text, None, exit_code, program)


def call(text: str, command: str, kind: str = "shell", exit_code: int | None = 1, **given: Any) -> Call:
    return Call(
        id="c",
        context_id="s",
        seq=1,
        ts=None,
        tool="shell",
        input=dict(given),
        command=command,
        status="error",
        exit_code=exit_code,
        error_text=text,
        kind=kind,
    )


def label(text: str, command: str, **kwargs: Any) -> tuple[str, str]:
    result = classify_call(call(text, command, **kwargs))
    assert result is not None
    return result.label, result.evidence.split(":", 1)[0]


def test_powershell_error_records_are_their_message() -> None:
    assert sig(LS_MISSING) == "shell|ls : Cannot find path '<path>' because it does not exist."
    # The profile's banner above is not the error; the message wrapped at the console's width is joined.
    assert sig(BANNER_THEN_WRAPPED) == "shell|Get-Content : Cannot find path '<path>' because it does not exist."
    assert sig(HEREDOC_IN_POWERSHELL) == "shell|Missing file specification after redirection operator."
    assert sig(NOT_A_CMDLET).startswith("shell|sed : The term 'sed' is not recognized as the name of a cmdlet")


def test_codex_envelopes_are_never_the_error() -> None:
    assert sig(RG_NOTHING, program="rg") == "shell|rg exit 1"
    assert sig(TIMED_OUT_LISTING, exit_code=124) == "shell|command timed out after <n> milliseconds"
    assert sig(NVM_BANNER) == "shell|fatal: 'origin' does not appear to be a git repository"


def test_a_failed_patch_is_one_error_whatever_lines_it_expected() -> None:
    other = PATCH_LINES.replace("const [open, setOpen]", "return (")
    assert sig(PATCH_LINES, tool="edit") == sig(other, tool="edit")
    assert (
        sig(PATCH_LINES, tool="edit")
        == "edit|apply_patch verification failed: Failed to find expected lines in <path>:"
    )


def test_windows_paths_are_placeholders() -> None:
    assert placeholders("Cannot find path 'D:\\Game builds\\Pixel Pal\\SYSTEM_STATE.md' because") == (
        "Cannot find path '<path>' because"
    )
    assert placeholders("rg: src\\components\\a.tsx: The system cannot find the file specified.") == (
        "rg: <path>: The system cannot find the file specified."
    )
    assert placeholders("could not find `Cargo.toml` in `G:\\MythologIQ\\Hearthlink`") == (
        "could not find `Cargo.toml` in `<path>`"
    )
    assert placeholders("data.replace('\\uFFFD', '.')") == "data.replace('\\uFFFD', '.')"  # not a path


def test_what_the_error_says_is_its_class() -> None:
    assert label(LS_MISSING, "ls configuration") == ("INCORRECT_PARAMETER", "shell_path_not_found")
    assert label(NOT_A_CMDLET, "sed -n '1,80p' src/App.tsx") == ("MISSING_PREREQUISITE", "command_not_found")
    assert label(HEREDOC_IN_POWERSHELL, "python - <<'PY'\nprint(1)\nPY") == ("PARAMETER_FORMAT", "shell_syntax_error")
    assert label(BAD_PARAMETER, "Get-Content src/main.rs -Skip 10") == ("INCORRECT_PARAMETER", "bad_cli_option")
    assert label(NVM_BANNER, "git ls-remote --heads origin") == ("INCORRECT_PARAMETER", "git_bad_remote")


def test_a_timeout_is_the_timeout_parameter() -> None:
    given = label(TIMED_OUT_LISTING, "Get-ChildItem", exit_code=124, timeout_ms=10000)
    assert given == ("INCORRECT_PARAMETER", "timeout_too_short")
    assert label(TIMED_OUT_LISTING, "Get-ChildItem", exit_code=124) == ("MISSING_PARAMETER", "command_timeout")
    silent = "Exit code: 124\nWall time: 5 seconds\nOutput:\n"
    assert label(silent, "git push -u origin x", exit_code=124, timeout_ms=1000)[0] == "INCORRECT_PARAMETER"
    claude = "Command timed out after 2m 0.0s"
    assert label(claude, "mix test", exit_code=None) == ("MISSING_PARAMETER", "command_timeout")


def test_a_search_that_found_nothing_is_no_failure_class() -> None:
    assert label(RG_NOTHING, "rg -n Foo src") == ("UNKNOWN", "search_no_match")
    # parking-lot: nvm's line before every output is not output.
    only_banner = "Exit code: 1\nWall time: 1 seconds\nOutput:\nNow using node v22.20.0 (npm v10.9.3)\n"
    assert sig(only_banner, program="grep") == "shell|grep exit 1"
    assert label(only_banner, "git branch | grep -E '^x$'") == ("UNKNOWN", "search_no_match")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Error: query must be at most 100 characters", ("INCORRECT_PARAMETER", "parameter_constraint")),
        (
            "error: the following required arguments were not provided:\n  --name <NAME>",
            ("MISSING_PARAMETER", "required_argument_missing"),
        ),
        (
            "X-Api: You are not logged in. Please run `gh auth login` to authenticate.",
            ("MISSING_PREREQUISITE", "credentials_missing"),
        ),
        ("Remove-Item : Access to the path 'G:\\x\\a.db' is denied.", ("MISSING_PREREQUISITE", "permission_denied")),
    ],
)
def test_stated_rules_and_prerequisites(text: str, expected: tuple[str, str]) -> None:
    assert label(ENVELOPE + text + "\n", "tool --run") == expected


# ----------------------------------------------------------------------------- the real corpus

ZO_QORE = SHARED_CORPUS / "codex" / "zo-qore"


def _failed_outputs(rollout: Path) -> list[str]:
    """The texts of the rollout's failed calls, as the Codex adapter reads them."""
    found: list[str] = []
    for raw in rollout.read_text(encoding="utf-8", errors="replace").splitlines():
        payload = json.loads(raw).get("payload")
        if isinstance(payload, dict) and payload.get("type") == "function_call_output":
            outcome = outcome_of(payload.get("output"))
            if outcome.status == "error":
                found.append(outcome.text)
    return found


def test_zo_qore_powershell_outputs_read_as_pinned() -> None:
    sessions = ZO_QORE / "sessions"
    if not sessions.is_dir():
        pytest.skip(f"corpus not present: {ZO_QORE}")
    rollouts = sorted(sessions.glob("2025/11/1[4-6]/*.jsonl"))
    records = [text for rollout in rollouts for text in _failed_outputs(rollout) if "\nAt line:" in text]
    assert len(records) > 20
    headlines = [sig(text) for text in records]
    # No PowerShell layout line, envelope or wrapped CategoryInfo is ever the error's line.
    assert not [h for h in headlines if h.startswith(("shell|At line", "shell|+", "shell|Wall time", "shell|Output"))]
    assert not [h for h in headlines if h.endswith(("FoundException", "ception"))]
