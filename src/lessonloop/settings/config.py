"""The person's configuration file: `config.toml`, read with the standard library only.

Where it is: `$LESSONLOOP_CONFIG` when set, else `$XDG_CONFIG_HOME/lessonloop/config.toml`, else
`~/.config/lessonloop/config.toml`. A missing file is an empty configuration; a file that is not
valid TOML, or whose known sections hold the wrong kind of value, raises `ConfigError` naming the
file (and the line: of a TOML syntax error, or of the key holding a wrong value). Sections this
version does not know are kept in `Config.sections` and otherwise ignored, so a newer file still
works with an older lessonloop; an unknown key inside `[capture]`, `[lessons]`, `[runner]` or
`[retention]`, `[privacy]` or `[analysis]` is an error (a misspelt privacy setting must not be ignored silently).

This module is imported by hooks that must start fast: standard library only, nothing heavy; its
records are NamedTuples (immutable, compared by value), not dataclasses, whose import and class
building cost every command and hook that reads the configuration several milliseconds.

    [projects]
    # folder (absolute or ~, with * and ? as wildcards) = the project its sessions belong to
    "~/projects/spotter-worktrees/*" = "~/projects/spotter"

    [capture]
    enabled = true            # false: nothing is captured (ingest and hooks store nothing)
    exclude_projects = []     # folder globs: sessions of these projects or folders are never stored
    store_prompts = true      # false: typed prompts (and session titles) are stored as NULL
    store_tool_output = true  # false: successful tool results are not stored (errors still are)
    store_diffs = true        # false: edits' diffs and edited texts are not stored
    paths = []                # more files or folders `lessonloop ingest` reads without arguments
                              # (Aider's .aider.chat.history.md of a project: the folder or the file)

    [lessons]
    exclude_categories = []   # lesson categories neither learned nor given to agents
    review = false            # true: new lessons wait as pending until `lessons approve`
    trusted_members = []      # team members whose lessons are active here at once ("*": all)
    trust_mcp = false         # true: lessons an agent records through MCP are active at once

    [runner]
    telemetry = true          # false: `lessonloop run` records nothing
    retention = "90d"         # `lessonloop cleanup` deletes runs older than this (30s, 5m, 2h, 90d)

    [retention]
    sessions = "730d"         # `lessonloop cleanup` deletes sessions whose last activity is older
    commits = "730d"          # ... and commits (git history) committed longer ago than this

    [privacy]
    scrub_pii_store = false   # true: emails, IPs, host names, user names in paths removed before storing
    scrub_pii_exports = true  # ... from every export (lessons export, export, report --html)
    scrub_pii_team = true     # ... from what `lessonloop team push` sends

    [analysis]
    bandit = false            # true: ingest and analyze run bandit on the Python lines agents added

The settings of `[capture]`, `[lessons]`, `[runner]`, `[retention]`, `[privacy]` and `[analysis]`
are listed in SETTINGS (key, kind, default, help), which `lessonloop config` reads; docs/privacy.md
explains `[capture]`, `[lessons]` and `[privacy]`, docs/runner.md `[runner]`, docs/quality.md
`[retention]`, docs/analysis.md `[analysis]`.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, NamedTuple

from lessonloop.core.config_location import ENV_CONFIG as ENV_CONFIG
from lessonloop.core.config_location import config_path as config_path
from lessonloop.core.durations import DurationError, parse_duration

# A setting's value: true/false ("bool"), a list of strings ("list"), a duration text ("duration").
Value = bool | tuple[str, ...] | str


class ConfigError(Exception):
    """The configuration file cannot be used; the message names the file and the reason."""


class ProjectMapping(NamedTuple):
    """One `[projects]` entry, as written: sessions in `folder` (or below it) belong to `project`.

    `folder` is absolute or starts with `~`, and may use `*` and `?` within a path component;
    `project` is absolute or starts with `~`. Expansion and matching live in
    `lessonloop.capture.projects`, which knows how home folders are compared.
    """

    folder: str
    project: str


class CaptureSettings(NamedTuple):
    """`[capture]`: what ingest and the hooks may store (see docs/privacy.md)."""

    enabled: bool = True
    exclude_projects: tuple[str, ...] = ()
    store_prompts: bool = True
    store_tool_output: bool = True
    store_diffs: bool = True
    paths: tuple[str, ...] = ()


class LessonSettings(NamedTuple):
    """`[lessons]`: which lessons are neither learned nor given to agents, and whether new ones
    wait for the person's review before any agent sees them."""

    exclude_categories: tuple[str, ...] = ()
    review: bool = False
    trusted_members: tuple[str, ...] = ()
    trust_mcp: bool = False


class RunnerSettings(NamedTuple):
    """`[runner]`: what `lessonloop run` records, and for how long (see docs/runner.md)."""

    telemetry: bool = True
    retention: str = "90d"  # a duration text, checked by parse_duration

    @property
    def retention_seconds(self) -> float:
        return parse_duration(self.retention)


class RetentionSettings(NamedTuple):
    """`[retention]`: how long sessions and commits are kept by `lessonloop cleanup` (runs: [runner]
    retention). Duration texts, checked by parse_duration; see docs/quality.md."""

    sessions: str = "730d"
    commits: str = "730d"

    @property
    def sessions_seconds(self) -> float:
        return parse_duration(self.sessions)

    @property
    def commits_seconds(self) -> float:
        return parse_duration(self.commits)


class PrivacySettings(NamedTuple):
    """`[privacy]`: where personal data (emails, IP addresses, host names, user names in paths) is
    scrubbed besides secrets (secrets/pii.py, docs/privacy.md): off for the local store (the
    person's own), on for exports and team pushes (what leaves the machine)."""

    scrub_pii_store: bool = False
    scrub_pii_exports: bool = True
    scrub_pii_team: bool = True


class AnalysisSettings(NamedTuple):
    """`[analysis]`: the optional scanners the analysis runs (docs/analysis.md). bandit is off
    unless asked for: on a large history it costs most of an ingest and rarely finds anything."""

    bandit: bool = False


class Setting(NamedTuple):
    """One key of `[capture]`, `[lessons]`, `[runner]`, `[retention]`, `[privacy]` or `[analysis]`: its dotted name, kind ("bool", "list"
    of strings, or "duration": a text such as "90d"), default and a one-line description."""

    key: str
    kind: str
    default: Value
    help: str

    @property
    def section(self) -> str:
        return self.key.partition(".")[0]

    @property
    def name(self) -> str:
        return self.key.partition(".")[2]


SETTINGS: tuple[Setting, ...] = (
    Setting("capture.enabled", "bool", True, "false: nothing is captured; ingest and the hooks store nothing"),
    Setting(
        "capture.exclude_projects",
        "list",
        (),
        "folder globs matched against a session's project and folder; such sessions are never stored",
    ),
    Setting("capture.store_prompts", "bool", True, "false: typed prompts (and session titles) are stored empty"),
    Setting(
        "capture.store_tool_output",
        "bool",
        True,
        "false: successful tool results are not stored (error texts still are: learning needs them)",
    ),
    Setting("capture.store_diffs", "bool", True, "false: the diffs and edited texts of edits are not stored"),
    Setting(
        "capture.paths",
        "list",
        (),
        "more files or folders ingest reads without arguments (a file, recognized by its content: a transcript,"
        " an agent's database or history; a folder: the histories kept in it)",
    ),
    Setting("lessons.exclude_categories", "list", (), "lesson categories that are neither learned nor given to agents"),
    Setting(
        "lessons.review",
        "bool",
        False,
        "true: new lessons wait as pending until `lessonloop lessons approve`; no agent sees them before",
    ),
    Setting(
        "lessons.trusted_members",
        "list",
        (),
        'team members whose lessons are active at once ("*": every member); others\' wait as pending',
    ),
    Setting(
        "lessons.trust_mcp",
        "bool",
        False,
        "true: a lesson an agent records through MCP is active at once; else it waits as pending",
    ),
    Setting("runner.telemetry", "bool", True, "false: `lessonloop run` records nothing"),
    Setting(
        "runner.retention",
        "duration",
        "90d",
        "`lessonloop cleanup` deletes runs older than this (a duration: 30d, 12h, 90d)",
    ),
    Setting(
        "retention.sessions",
        "duration",
        "730d",
        "`lessonloop cleanup` deletes sessions whose last activity is older than this (a duration: 365d)",
    ),
    Setting(
        "retention.commits",
        "duration",
        "730d",
        "`lessonloop cleanup` deletes stored commits committed longer ago than this (a duration: 365d)",
    ),
    Setting(
        "privacy.scrub_pii_store",
        "bool",
        False,
        "true: emails, IP addresses, host names and user names in paths are removed before anything is stored",
    ),
    Setting(
        "privacy.scrub_pii_exports",
        "bool",
        True,
        "false: exports (lessons export, export, report --html) keep emails, IPs, host names, user names in paths",
    ),
    Setting(
        "privacy.scrub_pii_team",
        "bool",
        True,
        "false: `lessonloop team push` sends emails, IPs, host names and user names in paths as they are",
    ),
    Setting(
        "analysis.bandit",
        "bool",
        False,
        "true: ingest and analyze run bandit on the Python lines agents added (needs lessonloop[scanners]; "
        "--no-bandit overrides)",
    ),
)
_BY_KEY = {s.key: s for s in SETTINGS}
# The sections whose keys SETTINGS lists.
SECTIONS = ("capture", "lessons", "runner", "retention", "privacy", "analysis")


def setting(key: str) -> Setting:
    """The setting `key` (dotted, e.g. capture.enabled) names; ConfigError for an unknown key."""
    found = _BY_KEY.get(key.strip())
    if found is None:
        raise ConfigError(f"unknown setting {key!r}; the settings are: {', '.join(_BY_KEY)}")
    return found


class Config(NamedTuple):
    """The configuration: the file it came from (None: no file) and its sections."""

    path: str | None = None
    projects: tuple[ProjectMapping, ...] = ()
    capture: CaptureSettings = CaptureSettings()
    lessons: LessonSettings = LessonSettings()
    runner: RunnerSettings = RunnerSettings()
    retention: RetentionSettings = RetentionSettings()
    privacy: PrivacySettings = PrivacySettings()
    analysis: AnalysisSettings = AnalysisSettings()
    # Every top-level section as parsed, the known ones included: for later readers, never validated here.
    sections: Mapping[str, Any] = MappingProxyType({})

    @property
    def project_mappings(self) -> tuple[tuple[str, str], ...]:
        """The `[projects]` entries as (folder pattern, project) pairs, in file order."""
        return tuple((m.folder, m.project) for m in self.projects)

    def value(self, key: str) -> Value:
        """The effective value of a setting (dotted key), from the file or the default."""
        found = setting(key)
        holder = {
            "capture": self.capture,
            "lessons": self.lessons,
            "runner": self.runner,
            "retention": self.retention,
            "privacy": self.privacy,
            "analysis": self.analysis,
        }[found.section]
        value: Value = getattr(holder, found.name)
        return value

    def source(self, key: str) -> str:
        """Where a setting's value comes from: "file" when the file sets it, else "default"."""
        found = setting(key)
        section = self.sections.get(found.section)
        return "file" if isinstance(section, dict) and found.name in section else "default"


def privacy_settings(path: str | None = None) -> PrivacySettings:
    """The configuration's `[privacy]` (default: the file's); its defaults when the file cannot be
    read (exports and team pushes then scrub personal data: when in doubt, send less)."""
    try:
        return load_config(path).privacy
    except ConfigError:
        return PrivacySettings()


def load_config(path: str | None = None) -> Config:
    """Read the configuration at `path` (default: `config_path()`); a missing file is empty."""
    where = path if path is not None else config_path()
    try:
        with open(where, "rb") as handle:
            raw = handle.read()
    except FileNotFoundError:
        return Config()
    except IsADirectoryError:
        raise ConfigError(f"the configuration {where} is a folder, not a file") from None
    except OSError as exc:
        raise ConfigError(f"cannot read the configuration {where}: {exc.strerror or exc}") from exc
    import tomllib  # only when there is a file to read: most people have none

    try:
        text = raw.decode("utf-8")
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"the configuration {where} is not valid TOML: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"the configuration {where} is not UTF-8 text: {exc}") from exc
    return parse_config(data, where, text)


def parse_config(data: Mapping[str, Any], where: str, text: str = "") -> Config:
    """A Config from parsed TOML `data` (the file `where`, whose `text` gives errors their line)."""
    values: dict[str, dict[str, Any]] = {name: {} for name in SECTIONS}
    for name in SECTIONS:
        section = data.get(name)
        if section is None:
            continue
        if not isinstance(section, dict):
            raise ConfigError(f"{_place(where, text, None, name)}: [{name}] must be a table of settings")
        for key, value in section.items():
            full = f"{name}.{key}"
            if full not in _BY_KEY:
                known = ", ".join(s.name for s in SETTINGS if s.section == name)
                raise ConfigError(
                    f"{_place(where, text, name, key)}: unknown setting {full} (the [{name}] settings are: {known})"
                )
            values[name][key] = check_value(_BY_KEY[full], value, _place(where, text, name, key))
    return Config(
        path=where,
        projects=_projects(data.get("projects"), where),
        capture=CaptureSettings(**values["capture"]),
        lessons=LessonSettings(**values["lessons"]),
        runner=RunnerSettings(**values["runner"]),
        retention=RetentionSettings(**values["retention"]),
        privacy=PrivacySettings(**values["privacy"]),
        analysis=AnalysisSettings(**values["analysis"]),
        sections=data,
    )


def check_value(found: Setting, value: Any, where: str) -> Value:
    """`value` as setting `found` holds it, or ConfigError starting with `where` (the file, line)."""
    if found.kind == "bool":
        if not isinstance(value, bool):
            raise ConfigError(f"{where}: {found.key} must be true or false, not {_shown(value)}")
        return value
    if found.kind == "duration":
        if not isinstance(value, str):
            raise ConfigError(f'{where}: {found.key} must be a duration text such as "90d", not {_shown(value)}')
        try:
            seconds = parse_duration(value)
        except DurationError as exc:
            raise ConfigError(f"{where}: {found.key}: {exc}") from None
        if seconds <= 0:
            raise ConfigError(f"{where}: {found.key} must be longer than 0, not {value!r}")
        return value.strip()
    if not isinstance(value, list):
        raise ConfigError(f'{where}: {found.key} must be a list of strings, like ["a", "b"], not {_shown(value)}')
    items: list[str] = []
    for item in value:
        if not isinstance(item, str):
            raise ConfigError(f"{where}: {found.key} must hold strings only, not {_shown(item)}")
        if not item.strip():
            raise ConfigError(f"{where}: {found.key} cannot hold an empty string")
        items.append(item.strip())
    return tuple(dict.fromkeys(items))


def _shown(value: Any) -> str:
    kinds = {str: "a string", int: "a number", float: "a number", list: "a list", dict: "a table", bool: "a boolean"}
    kind = kinds.get(type(value), type(value).__name__)
    return f"{value!r} ({kind})" if not isinstance(value, dict | list) else kind


def _place(where: str, text: str, section: str | None, key: str) -> str:
    """'the configuration FILE, line N' for `key` of `section` (None: a top-level key), as far as
    the text shows it (tomllib reports no positions of values)."""
    line = _line_of(text, section, key) if text else None
    return f"the configuration {where}" + (f", line {line}" if line else "")


def _line_of(text: str, section: str | None, key: str) -> int | None:
    current: str | None = None
    names = (key, f'"{key}"', f"'{key}'")
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith("["):
            current = stripped.split("#", 1)[0].strip().strip("[]").strip()
            if section is None and current == key:
                return number
            continue
        head = stripped.split("=", 1)[0].strip() if "=" in stripped else None
        if head is None:
            continue
        if current == section and head in names:
            return number
        if current is None and section is not None and head in {f"{section}.{n}" for n in names}:
            return number
    return None


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
