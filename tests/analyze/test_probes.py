"""Probes (analyze/probes.py): calls that only look, whose empty answer is an answer (issue 80,
item 6), told from calls that change or run something."""

from __future__ import annotations

import pytest

from lessonloop.analyze.probes import is_probe
from lessonloop.lesson_model.triggers import command_segments


@pytest.mark.parametrize(
    "command",
    [
        "rg --files -g '*handoff*/index.md'",
        "rg -n needle src | head -20",
        "fd -e md notes",
        "find . -name '*.yaml' -not -path './node_modules/*'",
        "ls docs/*.md",
        "cd src && rg -l TODO",
        "Get-ChildItem -Recurse -Filter *.md | Select-Object -First 5",
        "Test-Path .agent/SYSTEM_STATE.md",
        "git ls-files '*.toml'",
        "grep -rn 'def main' . | wc -l",
    ],
)
def test_searches_and_listings_are_probes(command: str) -> None:
    assert is_probe("shell", command_segments(command)), command


@pytest.mark.parametrize(
    "command",
    [
        "find . -name '*.pyc' -delete",
        "find . -name '*.tmp' -exec rm {} +",
        "rg -l TODO | xargs sed -i s/TODO/DONE/",
        "git push",
        "ls && make build",
        "cat README.md",  # a read: a missing file is a mistake of its own, not an empty answer
        "head -5",  # a filter of nothing looked up
        "",
    ],
)
def test_calls_that_change_or_run_something_are_not(command: str) -> None:
    assert not is_probe("shell", command_segments(command)), command


def test_a_search_tool_is_a_probe_and_an_edit_is_not() -> None:
    assert is_probe("search", [])
    assert not is_probe("edit", [])
    assert not is_probe("read", [])
