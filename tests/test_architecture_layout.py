"""The listings of the code are the code as it is: docs/ARCHITECTURE.md's "Layout" names the
top-level packages and modules of src/lessonloop/, and each top-level package's README.md lists its
modules and sub-packages. Together they name every module and package at its place in the tree,
and every name listed exists. A file's line may be its name alone (issue 84: no prose a move must
edit; the module's own docstring says what it holds); a file added, moved or removed without its
line fails here, naming it.

The listing's grammar: inside the code block, an entry is a line indented by two spaces per level
whose first word is a name (`x.py`, a folder `x/`, or several as `a.py, b.py`), then its
description; lines indented to the description column continue the one above. `__init__.py` need
not be listed (a package's line describes it).
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "lessonloop"
DOC = ROOT / "docs" / "ARCHITECTURE.md"

NAME = r"[\w.-]+(?:/|\.py)"
ENTRY = re.compile(rf"^(?P<indent>(?:  )+)(?P<names>{NAME}(?:, {NAME})*)(?: +|$)")
DESCRIPTION_COLUMN = 20  # an indent this deep continues the entry above


def listed_paths(text: str, section: str = "## Layout", root: str = "src/lessonloop/") -> set[str]:
    """The paths the block after `section` names, relative to src/lessonloop/ (folders end with
    /); the block's first line is `root` (a package's README: its own folder, `store/`)."""
    block = text.split(section, 1)[1].split("```", 2)[1]
    lines = block.splitlines()
    assert lines[1].strip() == root, f"the listing starts with {root}"
    prefix = "" if root == "src/lessonloop/" else root
    paths: set[str] = {prefix} if prefix else set()
    folders: list[str] = [prefix.rstrip("/")] if prefix else []
    for line in lines[2:]:
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip(" "))
        if indent >= DESCRIPTION_COLUMN:
            continue
        match = ENTRY.match(line)
        assert match, f"not an entry of the listing: {line!r}"
        depth = len(match["indent"]) // 2 - 1 + (1 if prefix else 0)
        assert depth <= len(folders), f"indented deeper than its folder: {line!r}"
        folders = folders[:depth]
        names = match["names"].split(", ")
        for name in names:
            paths.add("/".join([*folders, name]))
        if len(names) == 1 and names[0].endswith("/"):
            folders.append(names[0].rstrip("/"))
    return paths


def actual_paths() -> set[str]:
    """Every module (but __init__.py) and every package of src/lessonloop/."""
    found: set[str] = set()
    for module in SRC.rglob("*.py"):
        relative = module.relative_to(SRC)
        if "__pycache__" in relative.parts:
            continue
        if module.name != "__init__.py":
            found.add(relative.as_posix())
        found.update(f"{parent.as_posix()}/" for parent in list(relative.parents)[:-1])
    return found


def packages() -> list[Path]:
    """The top-level packages of src/lessonloop/."""
    return sorted(path for path in SRC.iterdir() if path.is_dir() and (path / "__init__.py").exists())


def every_listed() -> set[str]:
    """What docs/ARCHITECTURE.md's Layout and the packages' README.md files name."""
    listed = listed_paths(DOC.read_text())
    for package in packages():
        readme = package / "README.md"
        if readme.exists():
            listed |= listed_paths(readme.read_text(), "## Modules", f"{package.name}/")
    return listed


def test_every_top_level_package_has_a_readme_listing_its_modules() -> None:
    missing = [package.name for package in packages() if not (package / "README.md").exists()]
    assert not missing, f"packages without a README.md: {missing}"
    top = listed_paths(DOC.read_text())
    assert {f"{package.name}/" for package in packages()} <= top, "docs/ARCHITECTURE.md's Layout names each package"
    assert all("/" not in path.rstrip("/") for path in top), "the Layout names the top level only"


def test_every_module_and_package_is_listed() -> None:
    missing = sorted(actual_paths() - every_listed())
    assert not missing, f"neither docs/ARCHITECTURE.md's Layout nor a package's README.md lists: {missing}"


def test_every_listed_name_exists() -> None:
    absent = sorted(path for path in every_listed() if not (SRC / path).exists())
    assert not absent, f"docs/ARCHITECTURE.md or a package's README.md lists what is not there: {absent}"


def test_the_reader_follows_the_tree() -> None:
    """The grammar itself: folders nest, continuation lines are skipped, grouped names count."""
    text = (
        "## Layout\n\n```\nsrc/lessonloop/\n  a.py               first\n                     more about a\n"
        "  pkg/               a package\n    b.py, c.py       two\n    sub/\n      d.py           deep\n"
        "  e.py               back at the top\n```\n"
    )
    assert listed_paths(text) == {"a.py", "pkg/", "pkg/b.py", "pkg/c.py", "pkg/sub/", "pkg/sub/d.py", "e.py"}


def test_a_name_alone_is_an_entry() -> None:
    text = "## Modules\n\n```\npkg/\n  a.py\n  sub/\n    b.py\n  c.py               described\n```\n"
    assert listed_paths(text, "## Modules", "pkg/") == {"pkg/", "pkg/a.py", "pkg/sub/", "pkg/sub/b.py", "pkg/c.py"}


def test_a_package_readme_is_read_from_its_folder() -> None:
    text = "## Modules\n\n```\npkg/\n  a.py               first\n  sub/\n    b.py             deep\n  c.py   top\n```\n"
    assert listed_paths(text, "## Modules", "pkg/") == {"pkg/", "pkg/a.py", "pkg/sub/", "pkg/sub/b.py", "pkg/c.py"}


def test_the_table_list_is_the_schema(tmp_path: Path) -> None:
    """docs/ARCHITECTURE.md's table list ("The store") and the wings' READMEs ("Tables") name every
    table of a new store and no other (FTS5's shadow tables aside: their virtual table is named)."""
    import re

    from lessonloop.core.wings import wings
    from lessonloop.store import open_store

    conn = open_store(tmp_path / "s.db")
    try:
        tables = {
            str(name)
            for (name,) in conn.execute(
                """SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
                   AND name NOT GLOB '*_fts_*'"""
            )
        }
    finally:
        conn.close()
    listed = set(re.findall(r"^\| `(\w+)` \|", DOC.read_text().split("## The store", 1)[1], re.M))
    for wing in wings():
        if not wing.migrations():
            continue
        readme = (SRC / type(wing).__module__.split(".")[-1] / "README.md").read_text()
        listed |= set(re.findall(r"^\| `(\w+)` \|", readme.split("## Tables", 1)[1], re.M))
    assert sorted(tables - listed) == [], "tables the list does not name"
    assert sorted(listed - tables) == [], "names in the list that are no table"
