"""What a shell command does: split a command line into simple commands and name their kinds.

Kinds: test, format, lint, typecheck, build, install, git_commit, git_push, git_add,
git_revert (checkout/restore/revert/reset --hard of files), search (find, grep, rg, ag, fd, ls),
read (cat, head, tail, less, sed -n). Wrappers (`uv run`, `poetry run`, `npx`, `bundle exec`,
`time`, `sudo`, env assignments, `cd DIR &&`) are looked through.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

from lessonloop.core.lazy_regex import LazyRegex

# Compiled when first used (a command with unbalanced quotes, a heredoc, an escape in double
# quotes): the hooks import this module for every shell call.
_SEPARATORS = LazyRegex(r"\s*(?:&&|\|\||;|\||\n)\s*")
_HEREDOC = LazyRegex(r"<<-?\s*['\"]?([A-Za-z_][A-Za-z0-9_]*)['\"]?")
# PowerShell's here-strings: @' (or @") ending a line, the text, '@ (or "@) starting a line
_HERE_STRING = LazyRegex(r"@(['\"])[ \t]*\r?\n.*?\r?\n\1@", re.DOTALL)
# PowerShell parameters whose value is a count, or not a path (a name pattern, text, an encoding):
# the value is no operand of the cmdlet (analyze/powershell_files.py, lesson_model/triggers.py)
POWERSHELL_COUNT_PARAMETERS = frozenset({"-totalcount", "-head", "-first"})
POWERSHELL_VALUE_PARAMETERS = frozenset(
    {"-encoding", "-readcount", "-delimiter", "-stream", "-filter", "-include", "-exclude", "-credential", "-tail",
     "-value", "-itemtype", "-pattern", "-destination", "-name", "-inputobject", "-width", "-newline", "-last",
     "-skip", "-context", "-depth", "-index"}
)  # fmt: skip
_PUNCTUATION = set("();<>|&")
_ENV_ASSIGNMENT = LazyRegex(r"^[A-Za-z_][A-Za-z0-9_]*=")
_WRAPPERS: dict[str, int] = {  # wrapper word -> how many words to drop
    "time": 1,
    "sudo": 1,
    "nice": 1,
    "env": 1,
    "exec": 1,
    "npx": 1,
    "pnpx": 1,
    "bunx": 1,
    "uvx": 1,
}
_TWO_WORD_WRAPPERS = {("uv", "run"), ("poetry", "run"), ("pipenv", "run"), ("bundle", "exec"), ("pdm", "run")}

_TEST: set[tuple[str, ...]] = {
    ("pytest",),
    ("py.test",),
    ("tox",),
    ("nox",),
    ("jest",),
    ("vitest",),
    ("mocha",),
    ("ava",),
    ("rspec",),
    ("phpunit",),
    ("ctest",),
    ("mix", "test"),
    ("cargo", "test"),
    ("cargo", "nextest"),
    ("go", "test"),
    ("npm", "test"),
    ("npm", "t"),
    ("yarn", "test"),
    ("pnpm", "test"),
    ("bun", "test"),
    ("deno", "test"),
    ("make", "test"),
    ("make", "check"),
    ("gradle", "test"),
    ("./gradlew", "test"),
    ("mvn", "test"),
    ("dotnet", "test"),
    ("rake", "test"),
    ("python", "-m", "pytest"),
    ("python3", "-m", "pytest"),
    ("python", "-m", "unittest"),
    ("python3", "-m", "unittest"),
}
_FORMAT: set[tuple[str, ...]] = {
    ("mix", "format"),
    ("black",),
    ("ruff", "format"),
    ("isort",),
    ("prettier",),
    ("gofmt",),
    ("goimports",),
    ("cargo", "fmt"),
    ("rustfmt",),
    ("clang-format",),
    ("rubocop", "-a"),
    ("rubocop", "-A"),
    ("biome", "format"),
    ("dprint", "fmt"),
    ("npm", "run", "format"),
    ("yarn", "format"),
    ("pnpm", "format"),
    ("make", "format"),
    ("make", "fmt"),
    ("shfmt",),
}
_LINT: set[tuple[str, ...]] = {
    ("ruff", "check"),
    ("ruff",),
    ("flake8",),
    ("pylint",),
    ("eslint",),
    ("mix", "credo"),
    ("credo",),
    ("cargo", "clippy"),
    ("golangci-lint",),
    ("rubocop",),
    ("shellcheck",),
    ("biome", "lint"),
    ("npm", "run", "lint"),
    ("yarn", "lint"),
    ("pnpm", "lint"),
    ("make", "lint"),
}
_TYPECHECK: set[tuple[str, ...]] = {
    ("mypy",),
    ("pyright",),
    ("tsc",),
    ("mix", "dialyzer"),
    ("cargo", "check"),
    ("go", "vet"),
    ("npm", "run", "typecheck"),
}
_BUILD: set[tuple[str, ...]] = {
    ("mix", "compile"),
    ("cargo", "build"),
    ("go", "build"),
    ("make",),
    ("npm", "run", "build"),
    ("yarn", "build"),
    ("pnpm", "build"),
    ("tsc", "--build"),
    ("gradle", "build"),
    ("mvn", "package"),
    ("dotnet", "build"),
    ("esbuild",),
    ("webpack",),
    ("vite", "build"),
}
_INSTALL: set[tuple[str, ...]] = {
    ("pip", "install"),
    ("pip3", "install"),
    ("uv", "pip"),
    ("uv", "sync"),
    ("uv", "add"),
    ("poetry", "install"),
    ("npm", "install"),
    ("npm", "i"),
    ("npm", "ci"),
    ("yarn", "install"),
    ("pnpm", "install"),
    ("mix", "deps.get"),
    ("cargo", "add"),
    ("go", "get"),
    ("bundle", "install"),
    ("apt", "install"),
    ("apt-get", "install"),
    ("brew", "install"),
}
_SEARCH: set[tuple[str, ...]] = {
    ("find",),
    ("grep",),
    ("egrep",),
    ("rg",),
    ("ag",),
    ("fd",),
    ("ls",),
    ("tree",),
    ("git", "grep"),
}
_READ: set[tuple[str, ...]] = {("cat",), ("head",), ("tail",), ("less",), ("more",), ("bat",)}

_TABLES: tuple[tuple[str, set[tuple[str, ...]]], ...] = (
    ("test", _TEST),
    ("format", _FORMAT),
    ("lint", _LINT),
    ("typecheck", _TYPECHECK),
    ("build", _BUILD),
    ("install", _INSTALL),
    ("search", _SEARCH),
    ("read", _READ),
)


# First word -> the (prefix, kind) pairs starting with it: one dict lookup per simple command.
_BY_FIRST_WORD: dict[str, list[tuple[tuple[str, ...], str]]] = {}
for _kind, _table in _TABLES:
    for _prefix in _table:
        _BY_FIRST_WORD.setdefault(_prefix[0], []).append((_prefix, _kind))


CHECK_COMMAND_KINDS = frozenset({"format", "lint", "typecheck", "build", "test"})  # the kinds of a check's command


def check_commands_named(name: str) -> list[tuple[str, ...]]:
    """The known check commands (formatters, linters, type checkers, builds, tests) one of whose
    words is `name` (lowercase): `dialyzer` -> [("mix", "dialyzer")], `credo` -> both forms."""
    return sorted(
        {
            prefix
            for entries in _BY_FIRST_WORD.values()
            for prefix, kind in entries
            if kind in CHECK_COMMAND_KINDS and name in prefix
        }
    )


def split_commands(command: str) -> list[list[str]]:
    """The simple commands of a command line, as word lists with wrappers removed.

    Quotes are respected: `git commit -m "a; b"` is one command. Redirections are dropped.
    """
    return [list(words) for words in _split_cached(command)]


@lru_cache(maxsize=8192)
def _split_cached(command: str) -> tuple[tuple[str, ...], ...]:
    result: list[tuple[str, ...]] = []
    for words in _simple_commands(command):
        words = _strip_wrappers(words)
        if words and words[0] != "cd":
            result.append(tuple(words))
    return tuple(result)


@lru_cache(maxsize=8192)
def split_commands_with_env(command: str) -> tuple[tuple[str, ...], ...]:
    """The simple commands of `split_commands`, each followed by the environment assignments it
    runs with (`NAME=value` words): its own (`PYTHONPATH=. pytest`, `env FOO=1 make`) and those an
    `export NAME=value` earlier on the line made (the `export` itself is left out)."""
    result: list[tuple[str, ...]] = []
    exported: list[str] = []
    for words in _simple_commands(command):
        assigned: list[str] = []
        words = _strip_wrappers(words, assigned)
        if not words or words[0] == "cd":
            continue
        if words[0] == "export":
            exported += [w for w in words[1:] if _ENV_ASSIGNMENT.match(w)]
            continue
        result.append((*words, *exported, *assigned))
    return tuple(result)


def program_name(word: str) -> str:
    """A program as named in a command, for comparing: without its folder (either slash), in
    lower case, without Windows' `.exe` (`C:\\Tools\\RG.EXE` -> `rg`)."""
    return word.replace("\\", "/").rsplit("/", 1)[-1].lower().removesuffix(".exe")


def is_env_word(word: str) -> bool:
    """Whether a word is an environment assignment (`NAME=value`)."""
    return _ENV_ASSIGNMENT.match(word) is not None


_TOKEN = LazyRegex(
    r"""(?P<space>\s+)
      | (?P<op>[;&|<>()]+)
      | '(?P<single>[^']*)'
      | "(?P<double>(?:[^"\\]|\\.)*)"
      | \\(?P<escaped>.)
      | (?P<word>[^\s;&|<>()'"\\]+)
      | (?P<unbalanced>['"\\])""",
    re.VERBOSE | re.DOTALL,
)
_PLAIN = LazyRegex(r"[\w.-]")  # a character a backslash before it does not change in a POSIX shell
_DOUBLE_QUOTED_ESCAPE = LazyRegex(r'\\([\\"$`\n])')


@lru_cache(maxsize=8192)
def shell_tokens(command: str) -> tuple[str, ...] | None:
    """A command line's words (quotes removed) and operators (`&&`, `|`, `;`, `>`, `2>&1` as
    "2", ">&", "1"), like a POSIX shell reads them, but for a backslash before a letter, digit,
    `_`, `.` or `-`, kept as the separator of a Windows path it is; a line break between words is
    ";". Here-document bodies are left out. None when a quote is not closed."""
    tokens: list[str] = []
    word: list[str] | None = None
    for match in _TOKEN.finditer(drop_heredoc_bodies(command)):
        kind = match.lastgroup
        if kind == "space" or kind == "op":
            if word is not None:
                tokens.append("".join(word))
                word = None
            if kind == "op":
                tokens.append(match.group("op"))
            elif "\n" in match.group("space") and tokens and tokens[-1] != ";":
                tokens.append(";")
            continue
        if kind == "unbalanced":
            return None
        if word is None:
            word = []
        word.append(_word_part(kind, match.group(kind or "word")))
    if word is not None:
        tokens.append("".join(word))
    return tuple(tokens)


def _word_part(kind: str | None, text: str) -> str:
    """A part of a word (a _TOKEN match of `kind`) as the shell hands it on: double-quoted text
    unescaped, a backslash-escaped character, the rest as it is."""
    if kind == "double":
        return _DOUBLE_QUOTED_ESCAPE.sub(r"\1", text)
    if kind == "escaped":
        # A backslash before a plain character means nothing to a POSIX shell, where no one writes
        # one; it is a Windows path's separator (`src\backend`, PowerShell's and cmd's): kept.
        return "" if text == "\n" else ("\\" + text if _PLAIN.match(text) else text)
    return text


def quoted_words(command: str) -> list[list[tuple[str, bool]]]:
    """A command line's simple commands, each word with whether it was quoted whole (`"--color"`,
    `'-x'`: a word the shell hands on as it is, whatever it starts with), read as shell_tokens reads
    them; [] when a quote is not closed."""
    commands: list[list[tuple[str, bool]]] = [[]]
    word: list[str] | None = None
    whole = False
    for match in _TOKEN.finditer(drop_heredoc_bodies(command)):
        kind = match.lastgroup
        if kind == "unbalanced":
            return []
        if kind in ("space", "op"):
            if word is not None:
                commands[-1].append(("".join(word), whole))
                word = None
            if kind == "op" or "\n" in match.group("space"):
                commands.append([])
            continue
        quoted = kind in ("single", "double")
        if word is None:
            word, whole = [], quoted
        else:
            whole = whole and quoted
        word.append(_word_part(kind, match.group(kind or "word")))
    if word is not None:
        commands[-1].append(("".join(word), whole))
    return [words for words in commands if words]


def is_operator(token: str) -> bool:
    return bool(token) and set(token) <= _PUNCTUATION


def _simple_commands(command: str) -> list[list[str]]:
    tokens = shell_tokens(command)
    if tokens is None:  # unbalanced quotes: fall back to a plain split
        return [part.split() for part in _SEPARATORS.split(command.strip()) if part]
    current: list[str] = []
    commands = [current]
    skip_next = False
    for token in tokens:
        if skip_next:
            skip_next = False
            continue
        if is_operator(token):
            if "<" in token or ">" in token:  # a redirection: drop it and its target ("2>&1" too)
                if current and current[-1].isdigit():
                    current.pop()
                skip_next = True
                continue
            current = []
            commands.append(current)
        else:
            current.append(token)
    return [words for words in commands if any(words)]  # (an empty string alone, a here-string, runs nothing)


def drop_heredoc_bodies(command: str) -> str:
    """The command line without here-document bodies and PowerShell here-strings (their lines are
    data, not commands): a here-string (`@'`, its lines, `'@`) is left as what it is to the line,
    one string, `''`."""
    if "@'" in command or '@"' in command:
        command = _HERE_STRING.sub("''", command)
    if "<<" not in command:
        return command
    kept: list[str] = []
    terminator: str | None = None
    for line in command.split("\n"):
        if terminator is not None:
            if line.strip() == terminator:
                terminator = None
            continue
        kept.append(line)
        match = _HEREDOC.search(line)
        if match:
            terminator = match.group(1)
    return "\n".join(kept)


def _strip_wrappers(words: list[str], assigned: list[str] | None = None) -> list[str]:
    """A simple command's words without the wrappers around its program; the environment
    assignments before it are appended to `assigned` when given."""
    changed = True
    while words and changed:
        changed = False
        while words and _ENV_ASSIGNMENT.match(words[0]):
            if assigned is not None:
                assigned.append(words[0])
            words = words[1:]
            changed = True
        if words and words[0] in _WRAPPERS:
            words = words[_WRAPPERS[words[0]] :]
            changed = True
        if len(words) >= 2 and (words[0], words[1]) in _TWO_WORD_WRAPPERS:
            words = words[2:]
            changed = True
    if words:
        words = [words[0].rsplit("/", 1)[-1] if words[0].startswith("/") else words[0], *words[1:]]
    return words


def words_kinds(words: Sequence[str]) -> set[str]:
    """The kinds of one simple command's words (see `command_kinds` for a whole line)."""
    kinds: set[str] = set()
    for prefix, kind in _BY_FIRST_WORD.get(words[0], ()):
        if tuple(words[: len(prefix)]) == prefix:
            kinds.add(kind)
    if "format" in kinds and "lint" in kinds:
        kinds.discard("lint")  # "ruff format" is formatting, not "ruff" linting
    if words[0] == "mix" and len(words) > 1 and words[1] == "format" and "--check-formatted" in words:
        kinds = {"lint"}
    if words[0] == "sed" and "-n" in words:
        kinds.add("read")
    if words[0] == "git" and len(words) > 1:
        sub = git_subcommand(words)
        if sub == "commit":
            kinds.add("git_commit")
        elif sub == "push":
            kinds.add("git_push")
        elif sub == "add":
            kinds.add("git_add")
        elif discards_changes(sub, words):
            kinds.add("git_revert")
    return kinds


def discards_changes(sub: str | None, words: Sequence[str]) -> bool:
    """git revert / restore / checkout -- FILE / reset --hard / stash (push): work thrown away."""
    if sub in ("revert", "restore"):
        return True
    if sub == "checkout":
        return "--" in words
    if sub == "reset":
        return "--hard" in words
    if sub == "stash":
        rest = words[list(words).index("stash") + 1 :]
        return not rest or rest[0] in ("push", "save") or rest[0].startswith("-")
    return False


def git_arguments(words: Sequence[str]) -> tuple[str | None, list[str]]:
    """(the git subcommand, the words after it), skipping global options such as `-C DIR` and
    `-c k=v`; (None, []) when there is no subcommand."""
    i = 1
    while i < len(words):
        word = words[i]
        if word in ("-C", "-c", "--git-dir", "--work-tree"):
            i += 2
            continue
        if word.startswith("-"):
            i += 1
            continue
        return word, list(words[i + 1 :])
    return None, []


def git_subcommand(words: Sequence[str]) -> str | None:
    """The git subcommand of a simple command's words (see `git_arguments`)."""
    return git_arguments(words)[0]


def restored_paths(sub: str, rest: Sequence[str]) -> list[str] | None:
    """The paths `git checkout -- PATHS` or `git restore PATHS` puts back to their committed
    state; None for any other subcommand, and for `restore --staged` without `--worktree`
    (it only unstages: the working tree keeps its changes)."""
    if sub == "checkout":
        return list(rest[list(rest).index("--") + 1 :]) if "--" in rest else None
    if sub == "restore":
        if ("--staged" in rest or "-S" in rest) and not ("--worktree" in rest or "-W" in rest):
            return None
        return operands(rest, frozenset({"-s", "--source"}))
    return None


def operands(words: Iterable[str], valued: frozenset[str] = frozenset()) -> list[str]:
    """The non-option words of a command, skipping the values of options in `valued`."""
    out: list[str] = []
    skip = False
    after_dashes = False
    for word in words:
        if skip:
            skip = False
        elif after_dashes or not word.startswith("-") or word == "-":
            out.append(word)
        elif word == "--":
            after_dashes = True
        elif word in valued:
            skip = True
    return out


@lru_cache(maxsize=4096)
def command_kinds(command: str) -> frozenset[str]:
    """Every kind any simple command of `command` has."""
    kinds: set[str] = set()
    for words in split_commands(command):
        kinds |= words_kinds(words)
    return frozenset(kinds)


def is_test_command(command: str | None) -> bool:
    return bool(command) and "test" in command_kinds(command or "")


def git_subcommands(command: str) -> list[str]:
    """The git subcommands a command line runs, in order (e.g. ["add", "commit"])."""
    subs: list[str] = []
    for words in split_commands(command):
        if words[0] == "git":
            sub = git_subcommand(words)
            if sub:
                subs.append(sub)
    return subs
