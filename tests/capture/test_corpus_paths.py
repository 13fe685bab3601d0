"""../shared/corpus/<agent>/ holds several sources (claude-code/spotter, claude-code/codemie, ...):
a test or benchmark that takes an agent's folder as its corpus counts every source's sessions,
and its figures (meant for one source) change whenever a source is added. Each path into the
corpus names its source."""

from __future__ import annotations

import re

from tests.conftest import REPO_ROOT

# `"claude-code"` joined as a path part (`/ "claude-code"`), or written into a path string.
AGENT_PART = re.compile(
    r"""/\s*["'](claude-code|codex|gemini|opencode|aider)["']|corpus/(claude-code|codex|gemini|opencode|aider)\b"""
)
SOURCE_AFTER = re.compile(r"""^\s*/\s*["'][\w.-]+["']|^/[\w.-]+""")


def _offenders() -> list[str]:
    found = []
    files = [*(REPO_ROOT / "tests").glob("*.py"), *(REPO_ROOT / "benchmarks").glob("*.py")]
    files += [REPO_ROOT / "BENCHMARKS.md", REPO_ROOT / "README.md", *(REPO_ROOT / "docs").glob("*.md")]
    for path in files:
        if path.name == "test_corpus_paths.py":
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if "corpus" not in line.lower() and "SHARED" not in line:
                continue  # tmp_path / "codex": not the shared corpus
            for match in AGENT_PART.finditer(line):
                if SOURCE_AFTER.match(line[match.end() :]) is None:
                    found.append(f"{path.relative_to(REPO_ROOT)}:{number}: {line.strip()}")
    return found


def test_every_corpus_path_names_its_source() -> None:
    assert _offenders() == []


def test_the_check_finds_an_agent_folder_taken_whole() -> None:
    assert AGENT_PART.search('ROOT = SHARED / "corpus" / "claude-code"') is not None
    line = 'ROOT = SHARED / "corpus" / "claude-code"'
    match = AGENT_PART.search(line)
    assert match is not None and SOURCE_AFTER.match(line[match.end() :]) is None
    line = "lessonloop replay --online ../shared/corpus/claude-code"
    match = AGENT_PART.search(line)
    assert match is not None and SOURCE_AFTER.match(line[match.end() :]) is None
    for named in ('SHARED / "claude-code" / "spotter"', "../shared/corpus/claude-code/spotter"):
        match = AGENT_PART.search(named)
        assert match is not None and SOURCE_AFTER.match(named[match.end() :]) is not None
