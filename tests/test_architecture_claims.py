"""docs/ARCHITECTURE.md's claims that can be checked, checked (issues 63, 84): every list of the
agents is built from their specs (no literal list of their ids outside agents/, where each folder
declares its own), and each adapter's hooks name is one the hooks know."""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

from lessonloop.capture.agents import ADAPTERS
from lessonloop.core.agent_specs import hook_agents

HOOK_AGENTS = hook_agents()

SRC = Path(__file__).resolve().parent.parent / "src" / "lessonloop"
DOC = Path(__file__).resolve().parent.parent / "docs" / "ARCHITECTURE.md"


def test_no_list_of_the_agents_but_the_specs() -> None:
    ids = "|".join(re.escape(adapter.agent) for adapter in ADAPTERS)
    # two agents' ids side by side, as items of a literal tuple, list or set
    pair = re.compile(rf"[\"']({ids})[\"']\s*[,:]\s*[\"']({ids})[\"']")
    found = []
    for path in sorted(SRC.rglob("*.py")):
        relative = path.relative_to(SRC)
        if relative.parts[0] == "agents":
            continue
        source = path.read_text(encoding="utf-8")
        code = "".join(
            token.string if token.type != tokenize.COMMENT else ""
            for token in tokenize.generate_tokens(io.StringIO(source).readline)
            if token.type in (tokenize.STRING, tokenize.OP, tokenize.COMMENT)
        )
        found += [f"{path.relative_to(SRC)}: {match.group(0)}" for match in pair.finditer(code)]
    assert not found, "a list of the agents not built from their specs:\n" + "\n".join(found)


def test_every_adapters_hooks_are_the_hooks_own() -> None:
    named = {adapter.hooks for adapter in ADAPTERS if adapter.hooks is not None}
    assert named and named <= set(HOOK_AGENTS)


def test_the_doc_says_so() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert "Every list of the agents is built from the specs" in text and "tests/test_architecture_claims.py" in text
    assert "call one library function" not in text
