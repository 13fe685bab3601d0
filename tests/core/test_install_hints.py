"""The extras' install hints (issue 42, item 5): what works from this checkout (an editable
install of the project folder) and from a package index, read from real installations: this
checkout in a subprocess, and copies of the package laid out as an installed distribution (with
and without PEP 610's direct_url.json) run by an interpreter that sees nothing else."""

from __future__ import annotations

import ast
import json
import shlex
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

from tests.conftest import REPO_ROOT, cli

SRC = REPO_ROOT / "src" / "lessonloop"
EXTRAS = ("web", "mcp", "export", "team", "scanners", "embeddings")


def _hint_in(python_path: Path, extra: str) -> str:
    """extra_install(extra) in a fresh interpreter that imports lessonloop from `python_path` only
    (-S: no site-packages, so no other installation's metadata either)."""
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); "
        "from lessonloop.core.install_hints import extra_install; print(extra_install(sys.argv[2]))"
    )
    done = subprocess.run(
        [sys.executable, "-S", "-c", code, str(python_path), extra], capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def _installed_copy(tmp_path: Path, direct_url: dict[str, object] | None) -> Path:
    """The package copied into a site-packages folder with its dist-info, as pip leaves it."""
    site = tmp_path / "site-packages"
    shutil.copytree(SRC, site / "lessonloop", ignore=shutil.ignore_patterns("__pycache__", "sample"))
    info = site / "lessonloop-0.1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: lessonloop\nVersion: 0.1.0\n")
    if direct_url is not None:
        (info / "direct_url.json").write_text(json.dumps(direct_url))
    return site


def test_from_this_checkout_the_hint_installs_the_project_folder_with_the_extra() -> None:
    hint = _hint_in(REPO_ROOT / "src", "web")
    assert hint == f"pip install -e {shlex.quote(f'{REPO_ROOT}[web]')}"
    # What it names: this folder, whose pyproject.toml is lessonloop's and declares each extra.
    pyproject = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())
    assert pyproject["project"]["name"] == "lessonloop"
    for extra in EXTRAS:
        words = shlex.split(_hint_in(REPO_ROOT / "src", extra))
        assert words[:3] == ["pip", "install", "-e"]
        folder, _, wanted = words[3].partition("[")
        assert Path(folder) == REPO_ROOT and wanted == f"{extra}]"
        assert extra in pyproject["project"]["optional-dependencies"]


def test_from_a_package_index_the_hint_names_the_package(tmp_path: Path) -> None:
    site = _installed_copy(tmp_path, None)
    assert _hint_in(site, "web") == "pip install 'lessonloop[web]'"
    archive = _installed_copy(
        tmp_path / "archive", {"url": "https://example.org/lessonloop-0.1.0.tar.gz", "archive_info": {}}
    )
    assert _hint_in(archive, "mcp") == "pip install 'lessonloop[mcp]'"


def test_from_a_local_folder_or_a_repository_the_hint_names_it_again(tmp_path: Path) -> None:
    checkout = tmp_path / "my checkout"  # a space: the hint quotes it
    checkout.mkdir()
    shutil.copy(REPO_ROOT / "pyproject.toml", checkout / "pyproject.toml")
    folder = _installed_copy(tmp_path / "a", {"url": checkout.as_uri(), "dir_info": {}})
    assert shlex.split(_hint_in(folder, "web")) == ["pip", "install", f"{checkout}[web]"]
    editable = _installed_copy(tmp_path / "b", {"url": checkout.as_uri(), "dir_info": {"editable": True}})
    assert shlex.split(_hint_in(editable, "web")) == ["pip", "install", "-e", f"{checkout}[web]"]
    # The folder gone (or another project's): the package index's form.
    gone = _installed_copy(tmp_path / "c", {"url": (tmp_path / "nowhere").as_uri(), "dir_info": {}})
    assert _hint_in(gone, "web") == "pip install 'lessonloop[web]'"
    url = "https://github.com/example/lessonloop"
    vcs = _installed_copy(tmp_path / "d", {"url": url, "vcs_info": {"vcs": "git", "commit_id": "0" * 40}})
    assert shlex.split(_hint_in(vcs, "team")) == ["pip", "install", f"lessonloop[team] @ git+{url}"]


def test_no_message_hard_codes_the_package_index_form() -> None:
    """Every hint goes through core/install_hints.py (docstrings may still say the usual form)."""
    found = []
    for path in SRC.rglob("*.py"):
        tree = ast.parse(path.read_text())
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.FunctionDef | ast.ClassDef | ast.AsyncFunctionDef)
            and node.body
            and isinstance(node.body[0], ast.Expr)
            and isinstance(node.body[0].value, ast.Constant)
        }
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in docstrings
                and "install 'lessonloop[" in node.value
            ):
                found.append(f"{path.relative_to(SRC)}:{node.lineno}")
    assert found == [], found


def test_the_serve_and_mcp_help_say_both_ways() -> None:
    for command in ("serve", "mcp"):
        text = " ".join(cli(command, "--help").output.split())
        extra = "web" if command == "serve" else "mcp"
        assert f"pip install 'lessonloop[{extra}]'" in text
        assert f"from a checkout, in its folder: pip install -e '.[{extra}]'" in text
