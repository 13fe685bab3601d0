"""The person's configuration file: `config.toml`, read with the standard library only.

Where it is: `$LESSONLOOP_CONFIG` when set, else `$XDG_CONFIG_HOME/lessonloop/config.toml`, else
`~/.config/lessonloop/config.toml`. A missing file is an empty configuration; a file that is not
valid TOML, or whose known sections hold the wrong kind of value, raises `ConfigError` naming the
file (and, for TOML syntax, the line and column). Sections this version does not know are kept in
`Config.sections` and otherwise ignored, so a newer file still works with an older lessonloop.

This module is imported by hooks that must start fast: standard library only, nothing heavy.

    [projects]
    # folder (absolute or ~, with * and ? as wildcards) = the project its sessions belong to
    "~/projects/spotter-worktrees/*" = "~/projects/spotter"
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

ENV_CONFIG = "LESSONLOOP_CONFIG"


class ConfigError(Exception):
    """The configuration file cannot be used; the message names the file and the reason."""


@dataclass(frozen=True, slots=True)
class ProjectMapping:
    """One `[projects]` entry, as written: sessions in `folder` (or below it) belong to `project`.

    `folder` is absolute or starts with `~`, and may use `*` and `?` within a path component;
    `project` is absolute or starts with `~`. Expansion and matching live in
    `lessonloop.capture.projects`, which knows how home folders are compared.
    """

    folder: str
    project: str


@dataclass(frozen=True, slots=True)
class Config:
    """The configuration: the file it came from (None: no file) and its sections."""

    path: str | None = None
    projects: tuple[ProjectMapping, ...] = ()
    # Every top-level section as parsed, the known ones included: for later readers, never validated here.
    sections: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def project_mappings(self) -> tuple[tuple[str, str], ...]:
        """The `[projects]` entries as (folder pattern, project) pairs, in file order."""
        return tuple((m.folder, m.project) for m in self.projects)


def config_path(environ: Mapping[str, str] | None = None) -> str:
    """Where the configuration file is: $LESSONLOOP_CONFIG, else the XDG config folder."""
    env = os.environ if environ is None else environ
    explicit = env.get(ENV_CONFIG, "").strip()
    if explicit:
        return os.path.expanduser(explicit)
    base = env.get("XDG_CONFIG_HOME", "").strip()
    if not os.path.isabs(base):  # the XDG spec: a relative value is invalid and ignored
        home = env.get("HOME") or os.path.expanduser("~")
        base = os.path.join(home, ".config")
    return os.path.join(base, "lessonloop", "config.toml")


def load_config(path: str | None = None) -> Config:
    """Read the configuration at `path` (default: `config_path()`); a missing file is empty."""
    where = path if path is not None else config_path()
    try:
        with open(where, "rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        return Config()
    except IsADirectoryError:
        raise ConfigError(f"the configuration {where} is a folder, not a file") from None
    except OSError as exc:
        raise ConfigError(f"cannot read the configuration {where}: {exc.strerror or exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"the configuration {where} is not valid TOML: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"the configuration {where} is not UTF-8 text: {exc}") from exc
    return Config(path=where, projects=_projects(data.get("projects"), where), sections=data)


def _projects(section: Any, where: str) -> tuple[ProjectMapping, ...]:
    """The `[projects]` table: folder pattern -> project, both absolute or starting with `~`."""
    if section is None:
        return ()
    if not isinstance(section, dict):
        raise ConfigError(f"the configuration {where}: [projects] must be a table of folder = project")
    mappings: list[ProjectMapping] = []
    for folder, project in section.items():
        if not isinstance(project, str):
            raise ConfigError(
                f"the configuration {where}: [projects] {folder!r} must map to a folder (a string), "
                f"not {type(project).__name__}"
            )
        for role, text in (("folder", folder), ("project", project)):
            if not _absolute_or_home(text):
                raise ConfigError(
                    f"the configuration {where}: [projects] {role} {text!r} must be absolute or start with ~"
                )
        if any(c in project for c in "*?"):
            raise ConfigError(f"the configuration {where}: [projects] project {project!r} cannot hold * or ?")
        mappings.append(ProjectMapping(folder=folder, project=project))
    return tuple(mappings)


def _absolute_or_home(text: str) -> bool:
    return text.startswith(("/", "~"))
