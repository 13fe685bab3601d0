"""A command's normalized form: the runs of `lessonloop run` that do the same job share it, so their
durations and patterns can be compared (`pytest tests/x.py` and `pytest tests/y.py` are both
`pytest <path>`).

The form is the program's name, its subcommand words, placeholders for what varies between runs,
then the option names, sorted and without repeats:

- the program is its basename (`.venv/bin/python` is `python`); `python3`, `python3.11` read as
  `python`; wrappers (`uv run`, `npx`, `time`, `env`, `VAR=value`, `timeout 60`) are looked through;
- `python -m MOD` keeps `python -m MOD` and reads the rest as MOD's arguments; `python script.py`
  (and node, ruby, bash ... with a script) keeps the script's file name;
- `sh -c SCRIPT` / `bash -c SCRIPT` is the normal form of the script's first simple command
  (after `cd DIR &&`, `source FILE;`, `export X=1;`);
- subcommand words are kept (`cargo test`, `npm run build`, `make check`); paths, numbers,
  hashes and a known program's other operands (test files, test filters) become `<path>`, `<n>`,
  `<hash>`, `<arg>`; a run of equal placeholders is one;
- option names are kept (`--tb=short` is `--tb`, `-j8` is `-j`), the values of options that take
  one are dropped (`cargo test -p foo` is `cargo test -p`), and `--` is dropped.
"""

from __future__ import annotations

import re
import shlex

from lessonloop.analyze.commands import split_commands
from lessonloop.analyze.placeholders import placeholders

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: run_recording imports this after each run
if TYPE_CHECKING:
    from collections.abc import Sequence

PATH = "<path>"
NUMBER = "<n>"
HASH = "<hash>"
ARG = "<arg>"

_PYTHON = re.compile(r"^python[0-9.]*$")
_SHELLS = frozenset({"sh", "bash", "zsh", "dash", "ksh"})
_INTERPRETERS = frozenset({"python", "node", "ruby", "perl", "php", "Rscript", *_SHELLS})
_ALIASES = {"py.test": "pytest", "gmake": "make", "nodejs": "node"}
# Options of the interpreters that take a value (`python -W ignore -m pytest`).
_INTERPRETER_VALUED = frozenset({"-W", "-X", "-r", "--require", "-I"})
_SHELL_VALUED = frozenset({"-o", "+o", "-O", "+O", "--rcfile", "--init-file"})
# Set-up commands a `sh -c` script may start with before the command that does the job.
_SETUP = frozenset({"source", ".", "export", "set", "unset", "pushd", "popd", "trap", "ulimit", "umask", "true"})
# Wrappers the shell splitter does not look through, with their options that take a value.
_OWN_WRAPPERS: dict[str, frozenset[str]] = {
    "timeout": frozenset({"-s", "--signal", "-k", "--kill-after"}),
    "env": frozenset({"-u", "--unset", "-C", "--chdir"}),
    "nohup": frozenset(),
}
_SHORT_WITH_NUMBER = re.compile(r"^(-[A-Za-z])\d+$")  # -j8, -n4
_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$")
_ASSIGNMENT = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)=")
_MAX_DEPTH = 4  # sh -c "bash -c '...'" nested this deep at most


class Grammar:
    """How a program's arguments read.

    words: how many leading operands are subcommand words, kept (None: every plain word is kept,
    as make's targets). more: subcommands that take more words (`npm run build`: run -> 1).
    rest: the placeholder for the operands after the subcommand words (test files, filters).
    valued: the options whose value is the next word.
    """

    __slots__ = ("more", "rest", "valued", "words")

    def __init__(
        self,
        words: int | None = None,
        rest: str = ARG,
        valued: frozenset[str] = frozenset(),
        more: dict[str, int] | None = None,
    ) -> None:
        self.words = words
        self.rest = rest
        self.valued = valued
        self.more = more or {}


_PYTEST_VALUED = frozenset(
    {
        "-k",
        "-m",
        "-p",
        "-n",
        "-c",
        "-o",
        "-W",
        "-r",
        "--maxfail",
        "--deselect",
        "--ignore",
        "--ignore-glob",
        "--rootdir",
        "--junitxml",
        "--junit-xml",
        "--tb",
        "--durations",
        "--cov",
        "--cov-report",
        "--basetemp",
        "--log-level",
        "--log-cli-level",
        "--confcutdir",
        "--import-mode",
        "--dist",
        "--numprocesses",
        "--timeout",
        "--count",
        "--randomly-seed",
        "--override-ini",
        "--capture",
    }
)
_CARGO_VALUED = frozenset(
    {
        "-p",
        "--package",
        "-j",
        "--jobs",
        "--features",
        "-F",
        "--target",
        "--bin",
        "--test",
        "--example",
        "--bench",
        "--manifest-path",
        "--profile",
        "--target-dir",
        "--color",
        "--exclude",
        "-Z",
        "--test-threads",
    }
)
_GO_VALUED = frozenset(
    {
        "-run",
        "-skip",
        "-count",
        "-timeout",
        "-p",
        "-tags",
        "-bench",
        "-benchtime",
        "-coverprofile",
        "-covermode",
        "-coverpkg",
        "-parallel",
        "-cpu",
        "-o",
        "-ldflags",
        "-gcflags",
        "-C",
        "-exec",
        "-shuffle",
    }
)
_JS_PACKAGE_VALUED = frozenset({"--prefix", "-w", "--workspace", "--filter", "-C", "--dir", "--cwd"})
_MAKE_VALUED = frozenset({"-j", "--jobs", "-C", "--directory", "-f", "--file", "--makefile", "-l", "-o", "-W", "-I"})
_MIX_VALUED = frozenset(
    {"--only", "--exclude", "--include", "--seed", "--max-failures", "--partitions", "--formatter", "--cover"}
)
_JS_TEST_VALUED = frozenset(
    {"-t", "--testNamePattern", "-c", "--config", "--reporter", "--maxWorkers", "-w", "--project", "--shard"}
)

_TEST_FILES = Grammar(words=0, rest=PATH)
GRAMMARS: dict[str, Grammar] = {
    "pytest": Grammar(words=0, rest=PATH, valued=_PYTEST_VALUED),
    "unittest": Grammar(words=1, rest=ARG, valued=frozenset({"-k", "-s", "-p", "-t"})),
    "cargo": Grammar(words=1, rest=ARG, valued=_CARGO_VALUED),
    "go": Grammar(words=1, rest=PATH, valued=_GO_VALUED),
    "npm": Grammar(words=1, valued=_JS_PACKAGE_VALUED, more={"run": 1, "run-script": 1, "exec": 1, "x": 1}),
    "pnpm": Grammar(words=1, valued=_JS_PACKAGE_VALUED, more={"run": 1, "exec": 1, "dlx": 1}),
    "yarn": Grammar(words=1, valued=_JS_PACKAGE_VALUED, more={"run": 1, "workspace": 2, "dlx": 1}),
    "bun": Grammar(words=1, valued=_JS_PACKAGE_VALUED, more={"run": 1, "x": 1}),
    "deno": Grammar(words=1, rest=PATH, valued=frozenset({"--allow-read", "--config", "-c", "--filter"})),
    "mix": Grammar(words=1, rest=PATH, valued=_MIX_VALUED),
    "make": Grammar(valued=_MAKE_VALUED),
    "just": Grammar(valued=frozenset({"-f", "--justfile", "-d", "--working-directory"})),
    "rake": Grammar(valued=frozenset({"-f", "--rakefile", "-C", "--directory"})),
    "ninja": Grammar(valued=frozenset({"-C", "-f", "-j", "-l", "-k"})),
    "gradle": Grammar(valued=frozenset({"-p", "--project-dir", "-D", "-P", "--tests", "-x"})),
    "gradlew": Grammar(valued=frozenset({"-p", "--project-dir", "-D", "-P", "--tests", "-x"})),
    "mvn": Grammar(valued=frozenset({"-pl", "--projects", "-f", "--file", "-P", "-D", "-T"})),
    "dotnet": Grammar(words=1, rest=PATH, valued=frozenset({"-c", "--configuration", "--filter", "-f", "-v"})),
    "git": Grammar(
        words=1, rest=ARG, valued=frozenset({"-C", "-c", "-m", "--message", "-b", "-B", "--depth", "-n", "-F"})
    ),
    "jest": Grammar(words=0, rest=PATH, valued=_JS_TEST_VALUED),
    "vitest": Grammar(words=1, rest=PATH, valued=_JS_TEST_VALUED),
    "mocha": Grammar(words=0, rest=PATH, valued=frozenset({"-g", "--grep", "--timeout", "-t", "--reporter"})),
    "rspec": Grammar(words=0, rest=PATH, valued=frozenset({"-e", "--example", "-t", "--tag", "--seed"})),
    "phpunit": Grammar(words=0, rest=PATH, valued=frozenset({"--filter", "-c", "--configuration", "--testsuite"})),
    "ctest": Grammar(words=0, rest=ARG, valued=frozenset({"-R", "-E", "-j", "-L", "--test-dir", "-C"})),
    "tox": Grammar(words=0, rest=ARG, valued=frozenset({"-e", "-c", "-p"})),
    "nox": Grammar(words=0, rest=ARG, valued=frozenset({"-s", "--session", "-p", "--python", "-k"})),
    "ruff": Grammar(words=1, rest=PATH, valued=frozenset({"--select", "--ignore", "--config", "--target-version"})),
    "mypy": Grammar(words=0, rest=PATH, valued=frozenset({"--config-file", "-p", "--package", "-m", "--module"})),
    "pyright": _TEST_FILES,
    "docker": Grammar(
        valued=frozenset(
            {"-t", "--tag", "-f", "--file", "-p", "--publish", "-v", "--volume", "-e", "--env", "--name", "-w"}
            | {"--build-arg", "--platform", "--network", "--entrypoint", "-u", "--user", "--target"}
        )
    ),
    "tsc": Grammar(words=0, rest=PATH, valued=frozenset({"-p", "--project", "--target", "--module", "--outDir"})),
    "eslint": Grammar(words=0, rest=PATH, valued=frozenset({"-c", "--config", "--ext", "-f", "--format"})),
    "black": _TEST_FILES,
    "isort": _TEST_FILES,
    "flake8": _TEST_FILES,
    "pylint": _TEST_FILES,
    "prettier": _TEST_FILES,
}


def command_line(argv: Sequence[str]) -> str:
    """The command line of `argv`, shell-quoted (what a person would paste in a shell)."""
    return shlex.join(argv)


def program_name(word: str) -> str:
    """A program's name as runs are grouped by it: its basename, `python3.11` as `python`."""
    name = word.rstrip("/").rsplit("/", 1)[-1]
    if name.lower().endswith(".exe"):
        name = name[:-4]
    if _PYTHON.match(name):
        return "python"
    return _ALIASES.get(name, name)


def normalize_command(argv: Sequence[str]) -> str:
    """The normalized form of the command `argv` (see the module docstring); "" for no command."""
    return _normalize(list(argv), 0)


def _normalize(argv: list[str], depth: int) -> str:
    words = _unwrapped(argv)
    if not words:
        return ""
    program = program_name(words[0])
    args = words[1:]
    if program in _SHELLS:
        script = _shell_script(args)
        if script is not None:
            return _normalize_script(script, program, depth)
    if program in _INTERPRETERS:
        return _normalize_interpreter(program, args)
    grammar = GRAMMARS.get(program, Grammar())
    if program == "git":
        args = _git_from_subcommand(args)
    return _assemble([program], args, grammar)


def _unwrapped(argv: list[str]) -> list[str]:
    """argv without wrappers (`uv run`, `npx`, `time`, `env`, env assignments, `timeout 60`)."""
    words = argv
    for _ in range(_MAX_DEPTH):
        if not words:
            return []
        if program_name(words[0]) in _OWN_WRAPPERS:
            words = _after_wrapper(words)
            continue
        split = split_commands(shlex.join(words))
        unwrapped = list(split[0]) if len(split) == 1 else words
        if unwrapped and unwrapped != words and program_name(unwrapped[0]) in _OWN_WRAPPERS:
            words = unwrapped
            continue
        return unwrapped
    return words


def _after_wrapper(words: list[str]) -> list[str]:
    """The command `timeout [OPTIONS] DURATION COMMAND...`, `env [OPTIONS] [VAR=value...]
    COMMAND...` or `nohup COMMAND...` runs."""
    wrapper = program_name(words[0])
    valued = _OWN_WRAPPERS[wrapper]
    i = 1
    while i < len(words) and words[i].startswith("-") and words[i] != "-":
        i += 2 if words[i] in valued else 1
        if words[i - 1] == "--":
            break
    if wrapper == "timeout":
        i += 1  # the duration
    while wrapper == "env" and i < len(words) and _ASSIGNMENT.match(words[i]):
        i += 1
    return words[i:]


def _shell_script(args: list[str]) -> str | None:
    """The SCRIPT of `sh [OPTIONS] -c SCRIPT` (also `bash -lc SCRIPT`); None without -c."""
    i = 0
    while i < len(args):
        word = args[i]
        if word == "--" or not word.startswith(("-", "+")) or word in ("-", "+"):
            return None
        if word in _SHELL_VALUED:
            i += 2
            continue
        if not word.startswith("--") and "c" in word[1:]:
            return args[i + 1] if i + 1 < len(args) else ""
        i += 1
    return None


def _normalize_script(script: str, shell: str, depth: int) -> str:
    commands = split_commands(script)
    while len(commands) > 1 and commands[0][0] in _SETUP:
        commands = commands[1:]
    if not commands or depth >= _MAX_DEPTH:
        return f"{shell} -c"
    return _normalize(list(commands[0]), depth + 1) or f"{shell} -c"


def _normalize_interpreter(program: str, args: list[str]) -> str:
    """`python -m MOD ...`, `python -c`, `node script.js ...`: the interpreter's own options are
    dropped; a module keeps its name and its arguments read by its grammar; a script keeps its
    file name."""
    i = 0
    while i < len(args):
        word = args[i]
        if program == "python" and word == "-m" and i + 1 < len(args):
            module = args[i + 1]
            grammar = GRAMMARS.get(module.rsplit(".", 1)[-1], Grammar())
            return _assemble([program, "-m", module], args[i + 2 :], grammar)
        if program == "python" and word.startswith("-m") and len(word) > 2:
            module = word[2:]
            return _assemble([program, "-m", module], args[i + 1 :], GRAMMARS.get(module, Grammar()))
        if word in ("-c", "-e", "--eval", "-") or (program == "python" and word.startswith("-c")):
            return f"{program} {word[:2] if word.startswith('-c') else word}"
        if word == "--":
            i += 1
            break
        if not word.startswith("-"):
            break
        i += 2 if word in _INTERPRETER_VALUED else 1
    if i >= len(args):
        return program
    script = program_name(args[i])
    return _assemble([program, script], args[i + 1 :], Grammar())


def _git_from_subcommand(args: list[str]) -> list[str]:
    """git's arguments from its subcommand on: `git -C dir status` reads as `git status`."""
    i = 0
    while i < len(args) and args[i].startswith("-"):
        i += 2 if args[i] in ("-C", "-c", "--git-dir", "--work-tree") else 1
    return args[i:]


def _assemble(head: list[str], args: list[str], grammar: Grammar) -> str:
    """`head` + the kept words and placeholders of `args` + their sorted option names."""
    words: list[str] = []
    options: set[str] = set()
    operands = 0
    limit = grammar.words
    skip_value = False
    for arg in args:
        if skip_value:
            skip_value = False
            if not _is_option(arg):  # the option's value (an option after it means it had none)
                continue
        if arg == "--":
            continue
        if arg.startswith("+") and len(arg) > 1:  # `cargo +nightly test`: a toolchain, not an operand
            words.append(arg)
            continue
        if _is_option(arg):
            name, has_value = _option_name(arg, grammar.valued)
            options.add(name)
            skip_value = name in grammar.valued and not has_value
            continue
        assignment = _ASSIGNMENT.match(arg)
        if assignment:  # make VAR=value, a test runner's KEY=value
            words.append(f"{assignment.group(1)}={ARG}")
            continue
        if limit is None:
            words.append(_classify(arg))
        elif operands < limit:
            words.append(_subcommand_word(arg))
            if operands == 0 and arg in grammar.more:
                limit += grammar.more[arg]
        else:
            kind = _classify(arg)
            words.append(grammar.rest if grammar.rest == PATH or not kind.startswith("<") else kind)
        operands += 1
    return " ".join([*head, *_collapse(words), *sorted(options)])


def _option_name(arg: str, valued: frozenset[str]) -> tuple[str, bool]:
    """(the option's name, whether its value is in the same word): `--tb=short` -> (`--tb`, True),
    `-j8` -> (`-j`, True), `-kfoo` -> (`-k`, True) when -k takes a value."""
    if "=" in arg:
        return arg.split("=", 1)[0], True
    if arg in valued:
        return arg, False
    short = _SHORT_WITH_NUMBER.match(arg)
    if short:
        return short.group(1), True
    if not arg.startswith("--") and len(arg) > 2 and arg[:2] in valued:
        return arg[:2], True
    return arg, False


def _is_option(word: str) -> bool:
    return word.startswith("-") and word not in ("-", "--") and not _is_number(word)


def _is_number(word: str) -> bool:
    return _NUMBER.match(word) is not None


def _classify(word: str) -> str:
    """A plain word as it is; a path, number or hash (or a word holding one) as its placeholder."""
    if word in (".", "..", "~") or word.startswith(("/", "./", "../", "~/")) or "::" in word:
        return PATH
    if _is_number(word):
        return NUMBER
    general = placeholders(word)
    if general == word:
        return word
    if PATH in general:
        return PATH
    if "<hash>" in general or "<uuid>" in general:
        return HASH
    return NUMBER


def _subcommand_word(word: str) -> str:
    """A subcommand word is kept unless it is plainly a path, number or hash (`mix deps.get` and
    `npm run build:prod` keep theirs; `ruff src/` does not)."""
    if "/" in word or word.startswith((".", "~")):
        return PATH
    if _is_number(word):
        return NUMBER
    if placeholders(word) in ("<hash>", "<uuid>"):
        return HASH
    return word


def _collapse(words: list[str]) -> list[str]:
    """Consecutive equal placeholders as one: `<path> <path>` -> `<path>`."""
    out: list[str] = []
    for word in words:
        if out and word == out[-1] and word.startswith("<") and word.endswith(">"):
            continue
        out.append(word)
    return out
