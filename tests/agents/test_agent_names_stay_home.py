"""An agent is named in its own folder, and nowhere else (issue 84): outside agents/ and the kits
that several agents share, no module's code (its names and strings; docstrings and comments are
prose, and may say which agents something was checked with) names a single agent by its id, its
folder or its name. Every list of agents comes from the specs (core/agent_specs.py).

A migration is history, and keeps the ids it was written with (HISTORY)."""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

from lessonloop.core.agent_specs import specs

SRC = Path(__file__).resolve().parents[2] / "src" / "lessonloop"
# The folders and the kits several agents share: where agents are named.
HOMES = ("agents/", "capture/opencode_format/", "capture/pi_format/", "apply/hooks/kit/", "apply/hooks/install/")
# A migration is history: it names the ids the stored rows held when it was written (m002's
# comment, the rows m024 and m043 mark to be read again), and must not follow a spec that changes
# later (a new id is a new migration).
HISTORY = ("store/migrations.py",)


def _names() -> re.Pattern[str]:
    words = set()
    for spec in specs():
        words |= {spec.id, spec.folder, spec.name}
    words.discard("continue")  # a keyword of Python: its spec's folder is continue_cli
    words -= {"cursor", "Cursor"}  # a database's cursor, sqlite3.Cursor
    words.discard("amp")  # the HTML entity &amp;
    words.discard("goose")  # a BIP-39 word (secrets/bip39_words.py), and the Go migration tool's name
    alternatives = "|".join(sorted(map(re.escape, words), key=len, reverse=True))
    return re.compile(rf"(?<![\w-])({alternatives})(?![\w-]|\.\w)")  # not a host's name (claude.ai)


def named_in(source: str, names: re.Pattern[str]) -> list[tuple[int, str]]:
    """(line, name) of each agent named in the code of `source`: its names and its strings that
    are not docstrings."""
    found = []
    previous: tokenize.TokenInfo | None = None
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.STRING:
            docstring = previous is None or previous.type in (tokenize.INDENT, tokenize.NEWLINE, tokenize.DEDENT)
            if not docstring:
                found += [(token.start[0], match.group(0)) for match in names.finditer(token.string)]
        elif token.type == tokenize.NAME and names.fullmatch(token.string):
            found.append((token.start[0], token.string))
        if token.type not in (tokenize.COMMENT, tokenize.NL):
            previous = token
    return found


def modules_naming_agents() -> dict[str, list[tuple[int, str]]]:
    names = _names()
    found = {}
    for path in sorted(SRC.rglob("*.py")):
        relative = path.relative_to(SRC).as_posix()
        if "__pycache__" in relative or relative.startswith(HOMES) or relative in HISTORY:
            continue
        hits = named_in(path.read_text(encoding="utf-8"), names)
        if hits:
            found[relative] = hits
    return found


def test_no_module_names_an_agent_outside_its_folder() -> None:
    found = {module: hits[:5] for module, hits in modules_naming_agents().items()}
    assert found == {}, "an agent named outside agents/ and the kits (move it to the agent's folder or read the specs)"


def test_the_check_sees_a_name_and_not_prose() -> None:
    names = _names()
    code = '"""Checked with Codex CLI."""\n# codex\nAGENTS = ("codex", "other")\nif agent == "Gemini CLI":\n    pass\n'
    assert named_in(code, names) == [(3, "codex"), (4, "Gemini CLI")]
