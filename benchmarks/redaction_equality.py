"""Does the redactor give the same output as an earlier commit's? (issue 13: a faster gate must
not change what is redacted.)

Loads `src/lessonloop/secrets/redaction.py` and every module of secrets/ it imports as they were
at `--ref` (git show, run as modules of their own) and runs that redactor and the working tree's
over:

- every text of every transcript in ../shared/corpus (benchmarks/redaction_corpus.py's reading:
  each JSON string value, each line of aider's history and git listing), with `--git` also the
  git bundles' files and commit messages: `redact` in each of the four scopes;
- every JSON record of every transcript (each line of a .jsonl, each .json) whole: `redact_value`
  in each scope and, for each object in it, `redact_tool_input`;
- every Aider chat history and every other text file whole (a long text with many anchors);
- every string constant of the redaction tests (tests/secrets/test_redaction.py, secret_samples.py,
  test_planted_secrets.py, ...), alone and joined to its neighbours;
- random strings built from the anchors, secret-shaped bodies, separators, quotes, non-ASCII
  characters and lone surrogates (seeded, `--random N`).

All of it twice: with the gate the module builds on import, then after `prepare_bulk()` (the DFA
ingest builds), when the module has one.

Equal means the same text out and the same count, for every call. Prints the figures and each
difference (at most `--show` of them); exits 1 on any difference.

`--rules-only`: both without the learned last pass (secrets/learned_tokens.py), to compare a change
of the rules alone.

Run: `.venv/bin/python benchmarks/redaction_equality.py [--ref COMMIT] [--git] [--random N] [--rules-only]`.
"""

from __future__ import annotations

import argparse
import importlib.abc
import importlib.machinery
import importlib.util
import json
import random
import subprocess
import sys
import tempfile
import types
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO))

from benchmarks.redaction_corpus import NOT_TRANSCRIPTS, corpus_texts, git_texts  # noqa: E402
from lessonloop.secrets import redaction as current  # noqa: E402
from lessonloop.secrets.cli_flags import CLIENT_RULES  # noqa: E402
from lessonloop.secrets.formats import FORMAT_RULES  # noqa: E402

DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"
# The commit before the redaction gate moved to ahocorasick_rs (pyahocorasick's Automaton.iter).
DEFAULT_REF = "306384e"
TEST_MODULES = (
    "tests.secrets.test_redaction",
    "tests.secret_samples",
    "tests.secrets.test_planted_secrets",
    "tests.secrets.test_field_redaction",
    "tests.secrets.test_edit_redaction",
    "tests.pipeline.test_ingest_redaction_scopes",
    "tests.secrets.test_outbound_redaction",
    "tests.secrets.test_redact_again",
)


PACKAGE = "lessonloop.secrets"


def _sources_at(ref: str) -> dict[str, str]:
    """The source of every module of secrets/ at `ref`, by module name."""
    listing = subprocess.run(
        ["git", "-C", str(REPO), "ls-tree", "--name-only", f"{ref}", "src/lessonloop/secrets/"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    sources: dict[str, str] = {}
    for path in listing:
        name = path.rsplit("/", 1)[-1]
        if not name.endswith(".py") or name == "__init__.py":
            continue
        sources[f"{PACKAGE}.{name[:-3]}"] = subprocess.run(
            ["git", "-C", str(REPO), "show", f"{ref}:{path}"], capture_output=True, text=True, check=True
        ).stdout
    return sources


class _AtRef(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Imports of secrets/'s modules served from a commit's sources."""

    def __init__(self, ref: str, sources: dict[str, str]) -> None:
        self.ref = ref
        self.sources = sources

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> importlib.machinery.ModuleSpec | None:
        if name not in self.sources:
            return None
        return importlib.util.spec_from_loader(name, self, origin=f"{self.ref}:{name}")

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> None:
        return None

    def exec_module(self, module: types.ModuleType) -> None:
        module.__file__ = f"{self.ref}:src/{module.__name__.replace('.', '/')}.py"
        exec(compile(self.sources[module.__name__], module.__file__, "exec"), module.__dict__)


def load_at(ref: str) -> types.ModuleType:
    """secrets/redaction.py as it was at `ref`, with every module of secrets/ it imports as they
    were then (each run from the commit's source, bound to each other); then the working tree's
    modules are put back (in sys.modules and as the package's attributes)."""
    import lessonloop.secrets as package

    sources = _sources_at(ref)
    saved = {name: sys.modules.pop(name) for name in list(sys.modules) if name.startswith(PACKAGE + ".")}
    attributes = {name: getattr(package, name.rsplit(".", 1)[1], None) for name in saved}
    finder = _AtRef(ref, sources)
    sys.meta_path.insert(0, finder)
    try:
        return importlib.import_module(f"{PACKAGE}.redaction")
    finally:
        sys.meta_path.remove(finder)
        for name in [name for name in sys.modules if name.startswith(PACKAGE + ".")]:
            module = sys.modules.pop(name)
            if name not in saved and getattr(package, name.rsplit(".", 1)[1], None) is module:
                delattr(package, name.rsplit(".", 1)[1])  # the commit's module, not the tree's
        sys.modules.update(saved)
        for name, value in attributes.items():
            if value is not None:
                setattr(package, name.rsplit(".", 1)[1], value)


class Comparison:
    def __init__(self, old: types.ModuleType, show: int) -> None:
        self.old = old
        self.show = show
        self.calls = 0
        self.chars = 0
        self.changed = 0
        self.differences: list[str] = []

    def check(self, name: str, argument: Any, *rest: Any) -> None:
        old_out = getattr(self.old, name)(argument, *rest)
        new_out = getattr(current, name)(argument, *rest)
        self.calls += 1
        if isinstance(argument, str):
            self.chars += len(argument)
        if old_out[1]:
            self.changed += 1
        if old_out != new_out:
            self.differences.append(f"{name}{(argument, *rest)!r:.300}: {old_out!r:.300} -> {new_out!r:.300}")
            if len(self.differences) <= self.show:
                print("DIFFERENT", self.differences[-1])

    def text(self, text: str) -> None:
        for scope in current.SCOPES:
            self.check("redact", text, scope)

    def value(self, value: Any) -> None:
        for scope in current.SCOPES:
            self.check("redact_value", value, scope)
        for item in objects(value):
            self.check("redact_tool_input", item)


def objects(value: Any) -> Iterator[dict[str, Any]]:
    """Every JSON object inside a value."""
    if isinstance(value, dict):
        yield value
        for item in value.values():
            yield from objects(item)
    elif isinstance(value, list):
        for item in value:
            yield from objects(item)


def records(corpus: Path) -> Iterator[Any]:
    """Every JSON record of every transcript (a .jsonl line, a .json file) and every other text
    file whole (aider's history, git listings) as one string."""
    for path in sorted(p for p in corpus.rglob("*") if p.is_file()):
        if path.name in NOT_TRANSCRIPTS or path.suffix == ".bundle" or path.parent.name == "git":
            continue
        raw = path.read_text(encoding="utf-8", errors="replace")
        if path.suffix == ".jsonl":
            for line in raw.splitlines():
                try:
                    yield json.loads(line)
                except ValueError:
                    yield line
        elif path.suffix == ".json":
            try:
                yield json.loads(raw)
            except ValueError:
                yield raw
        else:
            yield raw


def test_strings() -> list[str]:
    """Every string constant the redaction tests hold (module globals, nested in any container)."""
    out: list[str] = []

    def walk(value: Any, depth: int = 0) -> None:
        if depth > 6:
            return
        if isinstance(value, str):
            out.append(value)
        elif isinstance(value, dict):
            for key, item in value.items():
                walk(key, depth + 1)
                walk(item, depth + 1)
        elif isinstance(value, (list, tuple, set, frozenset)):
            for item in value:
                walk(item, depth + 1)

    for name in TEST_MODULES:
        if importlib.util.find_spec(name) is None:
            continue
        module = __import__(name, fromlist=["_"])
        for key, value in vars(module).items():
            if not key.startswith("__") and not isinstance(value, (types.ModuleType, type)) and not callable(value):
                walk(value)
    return out


def random_texts(count: int, seed: int) -> Iterator[str]:
    """Anchors (in their spellings), secret-looking bodies, separators, quotes and non-ASCII."""
    rng = random.Random(seed)
    anchors = anchor_spellings()
    alnum = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    pieces: list[Callable[[], str]] = [
        lambda: rng.choice(anchors),
        lambda: rng.choice(anchors),
        lambda: "".join(rng.choice(alnum) for _ in range(rng.randint(1, 60))),
        lambda: rng.choice(
            [" ", "=", ": ", '="', "'", '"', "\n", "\t", "-", "_", "/", ":", "@", ".", "--", " -u ", "://"]
        ),
        lambda: rng.choice(["é", "✓", "日本", "\U0001f600", "\ud800", "\udcff", "?", "\x00", "ß", "İ"]),
        lambda: rng.choice(["export ", "curl ", "mysql -p", "Bearer ", "Authorization: ", "https://u:", "sk-", "ghp_"]),
    ]
    for _ in range(count):
        yield "".join(rng.choice(pieces)() for _ in range(rng.randint(1, 40)))


def anchor_spellings() -> list[str]:
    """The gate's anchors in their spellings, rebuilt from the rules as both modules do."""
    from lessonloop.secrets import anchors

    spellings: set[str] = set()
    for words in anchors.KEY_WORDS:
        spellings |= anchors.spellings(words)
    for rule in FORMAT_RULES:
        for anchor in rule.anchors:
            spellings |= set(anchors.FORMAT_SPELLINGS.get(anchor, (anchors.original_case(rule.source, anchor),)))
    for client in CLIENT_RULES:
        spellings |= set(client.anchors)
    return sorted(spellings)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ref", default=DEFAULT_REF, help="the commit whose redaction.py is the reference")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--git", action="store_true", help="also the git bundles' trees and commit messages")
    parser.add_argument("--random", type=int, default=200_000, help="random strings (default 200,000)")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--show", type=int, default=20, help="differences printed (default 20)")
    parser.add_argument(
        "--rules-only", action="store_true", help="both redactors without the learned last pass (LEARNED off)"
    )
    args = parser.parse_args(argv)

    reference = load_at(args.ref)
    if args.rules_only:
        for module in (reference, current):
            if hasattr(module, "LEARNED"):
                setattr(module, "LEARNED", False)  # noqa: B010  (the reference may predate it)
    comparison = Comparison(reference, args.show)
    parts: list[tuple[str, int, int]] = []

    def part(name: str) -> None:
        parts.append((name, comparison.calls, comparison.chars))

    # Once with the gate built on import, once with prepare_bulk's (the same output either way).
    for gate in ("import-time gate", "prepare_bulk gate"):
        if gate == "prepare_bulk gate":
            if not hasattr(current, "prepare_bulk"):
                break
            current.prepare_bulk()
        for found in corpus_texts(args.corpus):
            comparison.text(found.value)
        part(f"{gate}: corpus texts")
        for record in records(args.corpus):
            if isinstance(record, str):
                comparison.text(record)
            else:
                comparison.value(record)
        part(f"{gate}: corpus records and whole files")
        if args.git:
            with tempfile.TemporaryDirectory() as workdir:
                for found in git_texts(args.corpus, Path(workdir)):
                    comparison.text(found.value)
            part(f"{gate}: git trees and messages")
        strings = test_strings()
        for index, text in enumerate(strings):
            comparison.text(text)
            comparison.text(" ".join(strings[index : index + 3]))
        comparison.value({"strings": strings, "password": strings[:5]})
        part(f"{gate}: test strings")
        for text in random_texts(args.random, args.seed):
            comparison.text(text)
        part(f"{gate}: random strings")

    previous_calls = previous_chars = 0
    for name, calls, chars in parts:
        print(
            f"{name}: {calls - previous_calls:,} calls, {(chars - previous_chars) / 1e6:.1f} M chars of str arguments"
        )
        previous_calls, previous_chars = calls, chars
    print(f"in all: {comparison.calls:,} calls, {comparison.changed:,} with something redacted")
    print(f"different from {args.ref}: {len(comparison.differences)}")
    return 1 if comparison.differences else 0


if __name__ == "__main__":
    sys.exit(main())
