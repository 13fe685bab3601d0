"""Reading a file search by name from a command's words (analyze/file_search.py): the name it
looks for, whether it looks in hidden and ignored files, and when two searches are the same."""

from __future__ import annotations

import pytest

from lessonloop.analyze.file_search import (
    hidden_part,
    name_core,
    name_matches,
    same_search,
    search_folders,
    sees_hidden,
    sought_names,
)


@pytest.mark.parametrize(
    ("words", "names"),
    [
        (("rg", "--files", "-g", "SYSTEM_STATE.md"), ("SYSTEM_STATE.md",)),
        (("rg", "--files", "--glob=*.spec.ts", "src"), ("*.spec.ts",)),
        (("rg", "--files", "-g*STATE*"), ("*STATE*",)),
        (("rg", "--files", "-g", "!target", "-g", "a.md", "-g", "b.md"), ("a.md", "b.md")),
        (("rg", "-n", "needle", "-g", "*.md"), ()),  # a content search, not a search by name
        (("rg", "--files"), ()),
        (("fd", "-e", "md", "config", "docs"), ("config",)),
        (("fdfind", "-H", "notes"), ("notes",)),
        (("C:\\tools\\rg.exe", "--files", "-g", "x.md"), ("x.md",)),
        (("grep", "-r", "x"), ()),
    ],
)
def test_the_names_a_search_looks_for(words: tuple[str, ...], names: tuple[str, ...]) -> None:
    assert sought_names(words) == names


@pytest.mark.parametrize(
    ("words", "sees"),
    [
        (("rg", "--files", "-g", "x.md"), False),
        (("rg", "--files", "--hidden", "-g", "x.md"), True),
        (("rg", "--files", "-uu", "-g", "x.md"), True),
        (("rg", "--files", "--no-ignore", "-g", "x.md"), True),
        (("rg", "--files", "-g", "x.md", ".agent"), True),  # a hidden folder given: searched
        (("rg", "--files", "-g", "x.md", "docs"), False),
        (("rg", "--files", "-i", "-g", "x.md"), False),
        (("fd", "-H", "x"), True),
        (("fd", "-e", "md", "x"), False),
    ],
)
def test_whether_a_search_looks_in_hidden_or_ignored_files(words: tuple[str, ...], sees: bool) -> None:
    assert sees_hidden(words) is sees


def test_a_search_is_given_its_folders() -> None:
    assert search_folders(("rg", "--files", "-g", "x.md", "src", "docs")) == ("src", "docs")
    assert search_folders(("fd", "x", "src")) == ("src",)


@pytest.mark.parametrize(
    ("pattern", "core"),
    [
        ("SYSTEM_STATE.md", "system_state"),
        ("'*SYSTEM_STATE*'", "system_state"),
        ("SYSTEM_STATE*.md", "system_state"),
        ("**/docs/System_State*.md", "system_state"),
        ("*agent*phase2*", "agent*phase0"),
        ("CODEX_SPRINT_12.md", "codex_sprint_0"),
        ("*.md", ""),  # no name: any markdown file
        ("a*", ""),
    ],
)
def test_the_core_of_a_name_pattern(pattern: str, core: str) -> None:
    assert name_core(pattern) == core


def test_a_search_is_the_same_when_it_asks_for_no_more_than_the_empty_one() -> None:
    core = name_core("SYSTEM_STATE.md")
    assert same_search(core, ("rg", "--files", "-g", "*SYSTEM_STATE*"))
    assert same_search(core, ("rg", "--files", "-g", "SYSTEM_STATE*.md"))
    # broader (it may find other files), hidden files looked at, another program: not the same
    assert not same_search(core, ("rg", "--files", "-g", "*STATE*"))
    assert not same_search(core, ("rg", "--files", "--hidden", "-g", "SYSTEM_STATE.md"))
    assert not same_search(core, ("rg", "-n", "SYSTEM_STATE"))
    # several names: the same only when every one is (the others may list files)
    assert not same_search(core, ("rg", "--files", "-g", "*SYSTEM_STATE*", "-g", "*PLAN*"))
    # every run of a two-part core
    assert same_search("agent*phase0", ("rg", "--files", "-g", "*agent_prompts_phase2*"))
    assert not same_search("agent*phase0", ("rg", "--files", "-g", "*phase2*"))
    # another file of a numbered series: most often kept where the first one is
    assert same_search(name_core("SPRINT_11.md"), ("rg", "--files", "-g", "*SPRINT_12*"))


def test_a_file_matches_the_pattern_by_its_name() -> None:
    assert name_matches("*SYSTEM_STATE*", ".agent/staging/SYSTEM_STATE.md")
    assert name_matches("system_state.md", "Q-DNA\\.agent\\SYSTEM_STATE.md")
    assert not name_matches("*index.tsx", "src/index.js")
    assert hidden_part("Q-DNA/.agent/staging/x.md") == ".agent"
    assert hidden_part("docs/x.md") is None
    assert hidden_part("../x.md") is None
