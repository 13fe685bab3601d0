"""How to install one of lessonloop's optional extras (web, mcp, export, team, scanners,
embeddings), said the way that works for this installation.

`pip install 'lessonloop[web]'` asks a package index for lessonloop: right for an installation
from one, wrong from a checkout (the index may have no lessonloop, or another one). So:

- lessonloop imported from a checkout (`src/lessonloop` beside a pyproject.toml naming the
  project): `pip install -e '/path/to/checkout[web]'`, the same editable installation with the
  extra;
- installed from a local folder or a VCS URL (PEP 610's direct_url.json of the installed
  distribution): that folder again (`-e` when it was editable), or `lessonloop[web] @ git+URL`;
- otherwise the package index's `pip install 'lessonloop[web]'`.

Stdlib only; read when a hint is printed (importlib.metadata only when no checkout is found).
"""

from __future__ import annotations

import functools
import os

PROJECT = "lessonloop"
_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # .../lessonloop


def extra_install(extra: str) -> str:
    """The pip command that adds `extra` to this installation of lessonloop."""
    import shlex

    source = _installed_from()
    if source is None:
        return f"pip install {shlex.quote(f'{PROJECT}[{extra}]')}"
    kind, where = source
    if kind == "vcs":
        return f"pip install {shlex.quote(f'{PROJECT}[{extra}] @ {where}')}"
    editable = "-e " if kind == "editable" else ""
    return f"pip install {editable}{shlex.quote(f'{where}[{extra}]')}"


def extra_help(extra: str) -> str:
    """Both ways, for a help text (the same whatever the installation): from a package index, and
    from a checkout's folder."""
    return f"pip install '{PROJECT}[{extra}]' (from a checkout, in its folder: pip install -e '.[{extra}]')"


@functools.cache
def _installed_from() -> tuple[str, str] | None:
    """("editable" | "folder", the project's folder) or ("vcs", its URL), or None: from an index."""
    checkout = checkout_folder(_PACKAGE)
    if checkout is not None:
        return "editable", checkout
    return _direct_url()


def checkout_folder(package: str) -> str | None:
    """The checkout `package` (a folder holding lessonloop's code) is in: the folder above its
    `src`, with a pyproject.toml naming the project. None for an installed copy."""
    src = os.path.dirname(package)
    if os.path.basename(src) != "src":
        return None
    root = os.path.dirname(src)
    if not _names_project(os.path.join(root, "pyproject.toml")):
        return None
    return root


def _names_project(pyproject: str) -> bool:
    try:
        with open(pyproject, encoding="utf-8") as handle:
            text = handle.read(1 << 16)
    except (OSError, UnicodeDecodeError):
        return False
    return any(line.replace(" ", "") == f'name="{PROJECT}"' for line in text.splitlines())


def _direct_url() -> tuple[str, str] | None:
    """What the installed distribution's direct_url.json (PEP 610) says it was installed from: a
    local folder that still holds the project, or a VCS URL; None for anything else."""
    from importlib import metadata

    try:
        text = metadata.distribution(PROJECT).read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        return None
    return direct_url_source(text)


def direct_url_source(text: str | None) -> tuple[str, str] | None:
    """direct_url.json's text read: ("editable" | "folder", a folder with the project's
    pyproject.toml), ("vcs", "git+URL"), or None (an archive, an index, unreadable)."""
    import json
    from urllib.parse import urlparse
    from urllib.request import url2pathname

    if not text:
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("url"), str):
        return None
    url: str = data["url"]
    vcs = data.get("vcs_info")
    if isinstance(vcs, dict) and isinstance(vcs.get("vcs"), str):
        return "vcs", f"{vcs['vcs']}+{url}"
    dir_info = data.get("dir_info")
    parsed = urlparse(url)
    if parsed.scheme != "file" or not isinstance(dir_info, dict):
        return None
    folder = url2pathname(parsed.path)
    if not _names_project(os.path.join(folder, "pyproject.toml")):
        return None
    return ("editable" if dir_info.get("editable") is True else "folder"), folder
