"""Lines of a failed call's output that do not carry its error: progress, counters, banners, the
build's chatter, warnings, hints, and the agents' own envelopes around a command's output.

An error's headline (analyze/error_headline.py) is read from the other lines, so that two runs of
`mix test` that compile a different number of files, or print a different seed, are not told apart
by that, and two different failures are not taken for one because both begin with the same chatter.
The patterns describe formats (a build tool's "Compiling N files", a test runner's session banner, a
package manager's download lines), never one project's output.
"""

from __future__ import annotations

from lessonloop.core.lazy_regex import LazyRegex

# Compiled on first use (core/lazy_regex.py): a failure's hook classifies it with the envelope's
# pattern only, and compiling _NOISE's alternation at import cost it about 2 ms.

# Agents' envelopes around a command's output: Claude Code's "Exit code N", Codex's exec headers
# (the freeform shell's "Exit code: N", "Wall time: S seconds", "Total output lines: N" when the
# output was cut, "Output:"; unified exec's Chunk ID, Process exited with code N, Original token
# count), Gemini CLI's shell fields (tools/shell.ts: "Exit Code: N", "Signal: X", "Background PIDs:
# ...", "Process Group PGID: N"; older versions also "Command: ...", "Directory: ..." and every
# field, "(empty)" or "(none)" when it had nothing). They are never an error's line, not even of a
# failure that printed nothing else.
_ENVELOPE_LINES = (
    r"Exit [Cc]ode:? -?\d+",
    r"Chunk ID: \S+",
    r"Wall time: [\d.]+ ?\w*",
    r"Total output lines: \d+",
    r"Process exited with code -?\d+",
    r"Original token count: \d+",
    r"Output:",
    r"(?:Output|Stdout|Stderr|Error|Exit Code|Signal|Background PIDs|Process Group PGID): \((?:empty|none)\)",
    r"Signal: [A-Z0-9]+",
    r"Background PIDs: [\d, ]+",
    r"Process Group PGID: \d+",
    r"Command: .*",
    r"Directory: .*",  # also PowerShell's listing header
)
_ENVELOPE = LazyRegex("|".join(_ENVELOPE_LINES).join(("^(?:", r")\s*$")))
# The label Gemini CLI writes before a command's output, on its first line ("Output: ...", in older
# versions "Stdout: ..." and "Stderr: ..."): not part of what the command printed.
_OUTPUT_LABEL = LazyRegex(r"^(?:Output|Stdout|Stderr): ")

# Lines a shell prints before every command's output, whatever it does: a version manager
# announcing the version in use (nvm's "Now using node v22.20.0 (npm v10.9.3)"). A failure that
# printed only such a line printed nothing.
_BANNER_LINES = (r"Now using node v[\d.]+.*",)
_SHELL_BANNER = LazyRegex("|".join(_BANNER_LINES).join(("^(?:", r")\s*$")))

_NOISE = LazyRegex(
    "|".join(
        (
            *_ENVELOPE_LINES,
            # Aider's "## Running: CMD" echo of a /run or /lint command.
            r"#+ Running: .*",
            # PowerShell's error record layout: the message, then where it happened ("At line:1
            # char:5", or "At D:\work\s.ps1:3 char:1" in a script), the code with a "~~~" underline ("+ ..." lines), and
            # "+ CategoryInfo : ..." / "+ FullyQualifiedErrorId : ..."; a listing's column titles (its
            # "Directory: PATH" header is an envelope line above).
            r"At (?:line:\d+|\S.*:\d+) char:\d+",
            r"\+ (?:CategoryInfo|FullyQualifiedErrorId) +: .*",
            r"\+ *~+",
            r"Mode +LastWriteTime +Length +Name",
            *_BANNER_LINES,
            # Build and dependency progress (mix, cargo, npm/pnpm/yarn, pip/uv, go, gradle, make).
            r"==> [\w.@/-]+",
            r"Compiling \d+ files? \(\.\w+\)",
            r"Compiling [\w-]+ v?[\d.]+.*",
            r"Generated [\w-]+ app",
            r"Getting extensions in current project\.*",
            r"Running setup for [\w.]+\.*",
            r"Running ExUnit with seed: .*",
            r"(?:Checking|Analyzing|Scanning) \d+ (?:source )?files?\b.*",
            r"Finding suitable PLTs",
            r"Checking PLT\.*",
            r"(?:Downloading|Downloaded|Fetching|Fetched|Resolving|Resolved|Installing|Installed|Collecting|"
            r"Building|Built|Unpacking|Preparing|Prepared|Updating|Updated|Locking|Audited|Uninstalled|"
            r"Using cached|Requirement already satisfied|Finished|Blocking|Waiting for)\b.*",
            r"make(?:\[\d+\])?: (?:Entering|Leaving) directory.*",
            r"> .*",  # npm's "> pkg@1.0 test" script banner and its command; pytest's failing code line
            r"RUN +v[\d.]+ .*",
            r"DEPRECATED +.*",
            r"\(node:\d+\) \w*Warning.*",
            r"\(Use `node --trace-\w+ \.\.\.`.*",
            # Test runners' banners and counters (pytest's session header, dots of passing tests).
            r"platform \w+ -- Python .*",
            r"(?:rootdir|configfile|cachedir|plugins|testpaths): .*",
            r"collected \d+ items?.*",
            r"collecting \.\.\..*",
            r"\S+ [.sxFE]+ +\[ *\d+%\]",
            r"[.sxF*]+",
            r"Finished in [\d.]+ .*",
            r"Randomized with seed \d+",
            # Progress counters and bars.
            r"\[\d+/\d+\].*",
            r"[\d.]+ ?%.*",
            r"[#=>\-\s.]*\d+(?:\.\d+)?%[\s\S]*",
            # Warnings and hints are not the error.
            r"(?:warning|Warning|WARNING|warn|WARN|hint|note|Note|NOTE|info|INFO)(?:\[\w+\])?: .*",
            # a program's or a sandbox's own warning before the output (`bash: warning: here-document
            # at line 1 delimited by end-of-file`, `sandbox warning: ...`): not the command's error
            r"(?:[\w./-]+: |[\w-]+ )(?:warning|Warning|WARNING)(?:\[\w+\])?: .*",
            r"\d\d:\d\d:\d\d(?:\.\d+)? \[(?:warning|info|debug)\] .*",
            # Lines of box drawing, rules and other punctuation only.
            r"[\W_]+",
        )
    ).join(("^(?:", r")\s*$"))
)
_BANNER = LazyRegex(r"^[=\-_*#~⎯]{3,}.*[=\-_*#~⎯]{3,}$")  # "=== test session starts ===", "⎯⎯ Failed Tests 1 ⎯⎯"


def is_envelope(line: str) -> bool:
    """Whether `line` (stripped) is an agent's envelope around a command's output (above)."""
    return _ENVELOPE.match(line) is not None


def without_label(line: str) -> str:
    """`line` (stripped) without an agent's label of the output it starts (above)."""
    return _OUTPUT_LABEL.sub("", line, count=1) if line[:1] in "OS" else line


def is_shell_banner(line: str) -> bool:
    """Whether `line` (stripped) is a line a shell prints before every output (above)."""
    return _SHELL_BANNER.match(line) is not None


def is_noise(line: str) -> bool:
    """Whether `line` (stripped) is output that carries no error: progress, banners, warnings, an
    agent's envelope. A banner that announces errors ("=== FAILURES ===") is noise too: the
    error is on the lines after it."""
    if not line:
        return True
    if _NOISE.match(line):
        return True
    return _BANNER.match(line) is not None
