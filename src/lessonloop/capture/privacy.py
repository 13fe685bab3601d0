"""What may be stored: the `[capture]` and `[lessons]` settings as one policy, and its application
to every batch of records before ingest writes it.

`CapturePolicy` is what ingest and the hooks obey: whether anything is captured at all, which
projects and folders are never stored, and whether prompt texts, successful tool output and the
diffs of edits are kept. The hooks import this module on every event and keep the policy as JSON
(`to_json` / `from_json`) so that no TOML is parsed on their hot path: standard library only,
no dataclasses, no pathlib, nothing imported before it is needed.

`BatchScreen` applies a policy (and the sessions `lessonloop forget` forgot) to the batches of
one ingest run, in place, before they reach the writer: records of excluded or forgotten
sessions are dropped, whole; texts the policy does not keep are blanked. It remembers what it
dropped across chunks and files, so a tool result read after its call was dropped goes too.

Exclusion patterns (`capture.exclude_projects`) match paths the way `[projects]` folders do:

- a pattern starting with `/` or `~` is a folder: `*` (any characters) and `?` (one character)
  match within one path component, and the folder matches itself and everything below it; home
  folders compare as in docs/projects.md (`~/clients` also matches `/home/USER/clients` from
  another machine, and `/home/me/clients` matches `/Users/me/clients`);
- any other pattern (`acme-*`, `clients/secret`) matches those components anywhere in the path,
  and everything below them.

A session is excluded when its project or its folder (cwd) matches; subagents follow their main
session. The first record of a session that names a folder decides, not merely its first record:
records read before it (a transcript opening with a title, a record without `cwd`) are held
back until it comes (capture/held_records.py), and a session that names none in its whole file
has nothing to match and is stored. The project is the one ingest sees while reading (the git root of the folder); a
`[projects]` mapping applied after ingest is not looked at: exclude the folder itself.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from lessonloop.capture.held_records import HeldRecords
    from lessonloop.core.records import Batch, Problem
    from lessonloop.settings.config import Config

# User-side texts a person typed (or that carry what they typed): blanked by store_prompts = false.
PROMPT_KINDS = frozenset({"prompt", "task_prompt", "rejection", "bash_input", "command"})
# User-side texts holding command output: blanked by store_tool_output = false.
OUTPUT_KINDS = frozenset({"bash_output", "command_output"})
# Edit tools and the input fields holding the edited text: dropped by store_diffs = false.
EDIT_TEXT_FIELDS: dict[str, tuple[str, ...]] = {
    "Edit": ("old_string", "new_string"),
    "MultiEdit": ("edits",),
    "Write": ("content",),
    "NotebookEdit": ("new_source", "old_source"),
}
_HOME_BASES = ("/home/", "/Users/")

T = TypeVar("T")
_DROP, _KEEP, _HOLD = "drop", "keep", "hold"


class CapturePolicy:
    """What ingest and the hooks may store. Build it with `from_config` (or `load`); the
    default policy stores everything."""

    __slots__ = (
        "_home",
        "_patterns",
        "enabled",
        "exclude_categories",
        "exclude_projects",
        "scrub_pii",
        "store_diffs",
        "store_prompts",
        "store_tool_output",
    )

    def __init__(
        self,
        *,
        enabled: bool = True,
        exclude_projects: Iterable[str] = (),
        store_prompts: bool = True,
        store_tool_output: bool = True,
        store_diffs: bool = True,
        exclude_categories: Iterable[str] = (),
        home: str | None = None,
        scrub_pii: bool = False,
    ) -> None:
        self.enabled = bool(enabled)
        self.exclude_projects: tuple[str, ...] = tuple(p for p in exclude_projects if p.strip())
        self.store_prompts = bool(store_prompts)
        self.store_tool_output = bool(store_tool_output)
        self.store_diffs = bool(store_diffs)
        self.exclude_categories: tuple[str, ...] = tuple(c for c in exclude_categories if c.strip())
        self.scrub_pii = bool(scrub_pii)  # privacy.scrub_pii_store: personal data removed before storing
        self._home = home
        # (anchored, components as written, components with a home folder as `~`)
        self._patterns: tuple[tuple[bool, tuple[str, ...], tuple[str, ...]], ...] | None = None

    # ----------------------------------------------------------------- building, caching

    @classmethod
    def from_config(cls, config: Config, *, home: str | None = None) -> CapturePolicy:
        """The policy of a loaded configuration (`lessonloop.settings.config.load_config()`)."""
        capture, lessons = config.capture, config.lessons
        return cls(
            enabled=capture.enabled,
            exclude_projects=capture.exclude_projects,
            store_prompts=capture.store_prompts,
            store_tool_output=capture.store_tool_output,
            store_diffs=capture.store_diffs,
            exclude_categories=lessons.exclude_categories,
            home=home,
            scrub_pii=config.privacy.scrub_pii_store,
        )

    @classmethod
    def load(cls, path: str | None = None) -> CapturePolicy:
        """The policy of the configuration file (default: `config_path()`); ConfigError when the
        file cannot be used."""
        from lessonloop.settings.config import load_config

        return cls.from_config(load_config(path))

    def to_json(self) -> dict[str, Any]:
        """The policy as a JSON-ready dict (what the hooks cache)."""
        return {
            "enabled": self.enabled,
            "exclude_projects": list(self.exclude_projects),
            "store_prompts": self.store_prompts,
            "store_tool_output": self.store_tool_output,
            "store_diffs": self.store_diffs,
            "exclude_categories": list(self.exclude_categories),
            "scrub_pii": self.scrub_pii,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> CapturePolicy:
        """The policy `to_json` gave; missing keys take their default. ValueError for a value of
        the wrong type (a damaged cache: rebuild it from the configuration)."""
        if not isinstance(data, Mapping):
            raise ValueError(f"a capture policy is a JSON object, not {type(data).__name__}")
        flags: dict[str, bool] = {}
        for key in ("enabled", "store_prompts", "store_tool_output", "store_diffs", "scrub_pii"):
            value = data.get(key, key != "scrub_pii")
            if not isinstance(value, bool):
                raise ValueError(f"capture policy: {key} must be true or false, not {value!r}")
            flags[key] = value
        lists: dict[str, list[str]] = {}
        for key in ("exclude_projects", "exclude_categories"):
            value = data.get(key, [])
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ValueError(f"capture policy: {key} must be a list of strings, not {value!r}")
            lists[key] = value
        return cls(
            enabled=flags["enabled"],
            exclude_projects=lists["exclude_projects"],
            store_prompts=flags["store_prompts"],
            store_tool_output=flags["store_tool_output"],
            store_diffs=flags["store_diffs"],
            exclude_categories=lists["exclude_categories"],
            scrub_pii=flags["scrub_pii"],
        )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CapturePolicy) and self.to_json() == other.to_json()

    def __hash__(self) -> int:
        return hash(repr(self.to_json()))

    def __repr__(self) -> str:
        return f"CapturePolicy({self.to_json()!r})"

    # ----------------------------------------------------------------- questions

    @property
    def stores_everything(self) -> bool:
        """True for the default policy: nothing excluded, nothing blanked."""
        return (
            self.enabled
            and not self.exclude_projects
            and self.store_prompts
            and self.store_tool_output
            and self.store_diffs
        )

    def allows(self, project: str | None, cwd: str | None) -> bool:
        """Whether a session of `project` that ran in `cwd` may be stored: capture is enabled
        and neither path matches an `exclude_projects` pattern."""
        if not self.enabled:
            return False
        if not self.exclude_projects:
            return True
        return not any(self.excludes_path(path) for path in (project, cwd) if path)

    def excludes_path(self, path: str) -> bool:
        """Whether `path` (a project or a folder) matches an `exclude_projects` pattern."""
        patterns = self._compiled()
        if not patterns or not path:
            return False
        normal = os.path.normpath(path)
        raw = [p for p in normal.split("/") if p]
        keyed: list[str] | None = None
        for anchored, parts, keyed_parts in patterns:
            if anchored:
                if keyed is None:
                    keyed = _key_parts(normal, self._home_dir())
                if _prefix_matches(parts, raw) or _prefix_matches(keyed_parts, keyed):
                    return True
            else:
                width = len(parts)
                for start in range(len(raw) - width + 1):
                    if all(_component_matches(p, k) for p, k in zip(parts, raw[start : start + width], strict=True)):
                        return True
        return False

    def allows_category(self, category: str | None) -> bool:
        """Whether lessons of `category` may be learned and given to agents (case-insensitive)."""
        if not self.exclude_categories or category is None:
            return True
        return category.strip().lower() not in {c.strip().lower() for c in self.exclude_categories}

    # ----------------------------------------------------------------- texts, for the hooks too

    def prompt_text(self, text: str | None) -> str | None:
        """A typed prompt as it may be stored."""
        return text if self.store_prompts else None

    def result_text(self, ok: bool, text: str | None) -> str | None:
        """A tool result as it may be stored: the output of a successful call only when
        store_tool_output; an error's text always (learning needs it)."""
        return text if (self.store_tool_output or not ok) else None

    def diff_text(self, diff: str | None) -> str | None:
        """An edit's diff as it may be stored."""
        return diff if self.store_diffs else None

    def tool_input(self, tool: str, tool_input: Any) -> Any:
        """A tool call's input as it may be stored: without the edited texts when not store_diffs
        (a dict is copied, never changed in place)."""
        fields = EDIT_TEXT_FIELDS.get(tool)
        if self.store_diffs or not fields or not isinstance(tool_input, dict):
            return tool_input
        if not any(name in tool_input for name in fields):
            return tool_input
        return {k: v for k, v in tool_input.items() if k not in fields}

    # ----------------------------------------------------------------- internals

    def _home_dir(self) -> str:
        if self._home is None:
            self._home = os.path.expanduser("~")
        return self._home

    def _compiled(self) -> tuple[tuple[bool, tuple[str, ...], tuple[str, ...]], ...]:
        if self._patterns is None:
            compiled: list[tuple[bool, tuple[str, ...], tuple[str, ...]]] = []
            for pattern in self.exclude_projects:
                text = pattern.strip()
                if text.startswith(("/", "~")):
                    if text == "~" or text.startswith("~/"):
                        text = self._home_dir() + text[1:]
                    text = os.path.normpath(text)
                    raw = tuple(p for p in text.split("/") if p)
                    compiled.append((True, raw, tuple(_key_parts(text, self._home_dir()))))
                else:
                    parts = tuple(p for p in text.split("/") if p and p != ".")
                    if parts:
                        compiled.append((False, parts, parts))
            self._patterns = tuple(compiled)
        return self._patterns


def _key_parts(path: str, home: str) -> list[str]:
    """The components of an absolute path with any home folder written `~` (so that the same
    folder under another user's or machine's home compares equal)."""
    rest: str | None = None
    if home and home != "/" and os.path.isabs(home):
        home = os.path.normpath(home)
        if path == home:
            rest = ""
        elif path.startswith(home + "/"):
            rest = path[len(home) + 1 :]
    if rest is None:
        for base in _HOME_BASES:
            if path.startswith(base):
                user, _, tail = path[len(base) :].partition("/")
                if user:
                    rest = tail
                    break
    if rest is None:
        return [p for p in path.split("/") if p]
    return ["~", *(p for p in rest.split("/") if p)]


def _prefix_matches(pattern: Sequence[str], parts: Sequence[str]) -> bool:
    """Whether the folder `pattern` matches the path `parts` or one of its parents."""
    return len(pattern) <= len(parts) and all(_component_matches(p, k) for p, k in zip(pattern, parts, strict=False))


def _component_matches(pattern: str, text: str) -> bool:
    """One path component against one pattern component: `*` any run of characters, `?` one
    character, nothing else special. A wildcard never matches the home marker `~`."""
    if text == "~" or pattern == "~":
        return pattern == text
    if "*" not in pattern and "?" not in pattern:
        return pattern == text
    p = t = 0
    star = -1
    mark = 0
    while t < len(text):
        if p < len(pattern) and (pattern[p] == "?" or pattern[p] == text[t]):
            p += 1
            t += 1
        elif p < len(pattern) and pattern[p] == "*":
            star, mark = p, t
            p += 1
        elif star >= 0:
            p = star + 1
            mark += 1
            t = mark
        else:
            return False
    while p < len(pattern) and pattern[p] == "*":
        p += 1
    return p == len(pattern)


def without_excluded_categories(lessons: Iterable[T], categories: Collection[str] | None = None) -> list[T]:
    """The lessons (anything with a `category`) whose category is not excluded; `categories`
    None: the configuration's `[lessons] exclude_categories`."""
    if categories is None:
        from lessonloop.settings.config import load_config

        categories = load_config().lessons.exclude_categories
    items = list(lessons)
    if not categories:
        return items
    policy = CapturePolicy(exclude_categories=categories)
    return [item for item in items if policy.allows_category(getattr(item, "category", None))]


class BatchScreen:
    """A policy applied to the batches of one ingest run (see the module's docstring)."""

    __slots__ = (
        "_decided",
        "_dropped_calls",
        "_dropped_messages",
        "_files",
        "_held",
        "excluded",
        "forgotten",
        "policy",
        "skipped_forgotten",
    )

    def __init__(self, policy: CapturePolicy | None = None, forgotten: Iterable[str] = ()) -> None:
        from lessonloop.capture.held_records import HeldRecords  # ingest's only: the hooks never load it

        self.policy = policy if policy is not None else CapturePolicy()
        self.forgotten: frozenset[str] = frozenset(forgotten)
        self._decided: dict[str, bool] = {}  # main session id -> dropped
        self._dropped_calls: set[str] = set()
        self._dropped_messages: set[str] = set()
        self._files: dict[str, list[bool]] = {}  # path -> [kept a session, dropped a session]
        self.excluded: set[str] = set()  # main sessions dropped by exclude_projects
        self.skipped_forgotten: set[str] = set()  # main sessions dropped because they were forgotten
        self._held: HeldRecords = HeldRecords()  # records of sessions that have named no folder yet

    @property
    def passes_everything(self) -> bool:
        return self.policy.stores_everything and not self.forgotten

    def dropped(self, session_id: str, project: str | None = None, cwd: str | None = None) -> bool:
        """Whether records of `session_id` are dropped: it (or its main session) was forgotten,
        or its main session's project or folder is excluded. The first record seen of a main
        session (or of one of its subagents) that names a project or folder decides for all of them."""
        main = session_id.partition("/")[0]
        decided = self._decided.get(main)
        if decided is not None:
            return decided
        if main in self.forgotten or session_id in self.forgotten:
            self._decided[main] = True
            self.skipped_forgotten.add(main)
            return True
        if project is None and cwd is None:
            return False  # not seen yet: nothing to decide on
        drop = not self.policy.allows(project, cwd)
        self._decided[main] = drop
        if drop:
            self.excluded.add(main)
        return drop

    def _verdict(self, session_id: str, last: bool) -> str:
        """What becomes of a record of `session_id`: dropped, kept, or held until its main session
        names a folder (only while exclusions could still match it, and not at the file's end)."""
        if self.dropped(session_id):
            return _DROP
        if last or not self.policy.exclude_projects or session_id.partition("/")[0] in self._decided:
            return _KEEP
        return _HOLD

    def apply(self, batch: Batch, path: str | None = None, *, last: bool = True) -> None:
        """Screen one parsed batch in place: drop the records of dropped sessions, blank what the
        policy does not keep. `path`: the file it was read from (results and summaries that name
        no session are dropped when every session of their file was). `last`: the file's last
        batch; before it, records of a session that has named no folder yet are held back (see
        capture/held_records.py) and come with the batch that decides their session."""
        if self.passes_everything:
            return
        from lessonloop.capture.held_records import prepend

        policy = self.policy
        held = self._held
        file_state = self._files.setdefault(path or "", [False, False])
        for session_id, session in batch.sessions.items():
            self.dropped(session_id, session.project, session.cwd)  # what this batch's folders decide
        for main in held.mains():
            if main in self._decided or last:
                earlier = held.take(main)
                if earlier is None:
                    continue
                if self._decided.get(main):
                    self._dropped_calls.update(call.id for call in earlier.tool_calls)
                    self._dropped_messages.update(message.uuid for message in earlier.messages)
                    file_state[1] = True
                else:
                    prepend(batch, earlier)
        for session_id, session in list(batch.sessions.items()):
            verdict = self._verdict(session_id, last)
            if verdict == _DROP:
                del batch.sessions[session_id]
                file_state[1] = True
                continue
            if not policy.store_prompts:
                session.title = None
            if verdict == _HOLD:
                del batch.sessions[session_id]
                held.session(session_id.partition("/")[0], session)
            else:
                file_state[0] = True
        whole_file_dropped = file_state[1] and not file_state[0]

        kept_messages = []
        for message in batch.messages:
            verdict = self._verdict(message.session_id, last)
            if verdict == _DROP:
                self._dropped_messages.add(message.uuid)
                continue
            if (not policy.store_prompts and message.kind in PROMPT_KINDS) or (
                not policy.store_tool_output and message.kind in OUTPUT_KINDS
            ):
                message.text = None
            if verdict == _HOLD:
                held.message(message.session_id.partition("/")[0], message)
            else:
                kept_messages.append(message)
        batch.messages = kept_messages

        kept_calls = []
        for call in batch.tool_calls:
            verdict = self._verdict(call.session_id, last)
            if verdict == _DROP:
                self._dropped_calls.add(call.id)
                continue
            if not policy.store_diffs and call.tool in EDIT_TEXT_FIELDS and call.input_json:
                call.input_json = _without_edit_texts(policy, call.tool, call.input_json)
            if verdict == _HOLD:
                held.call(call.session_id.partition("/")[0], call)
            else:
                kept_calls.append(call)
        batch.tool_calls = kept_calls
        known_calls = {call.id for call in kept_calls}

        kept_results = []
        for result in batch.tool_results:
            if result.tool_use_id in self._dropped_calls or (
                whole_file_dropped and result.tool_use_id not in known_calls and result.tool_use_id not in held.calls
            ):
                continue
            result.result_text = policy.result_text(result.ok, result.result_text)
            result.diff = policy.diff_text(result.diff)
            holder = held.calls.get(result.tool_use_id)
            if holder is not None:
                held.result(holder, result)
            else:
                kept_results.append(result)
        batch.tool_results = kept_results

        kept_usage = {}
        for key, usage in batch.usage.items():
            verdict = self._verdict(usage.session_id, last)
            if verdict == _HOLD:
                held.usage(usage.session_id.partition("/")[0], key, usage)
            elif verdict == _KEEP:
                kept_usage[key] = usage
        batch.usage = kept_usage

        file_pending = bool(held.mains()) and not file_state[0]  # only sessions not decided yet, so far
        kept_summaries = []
        for summary in batch.summaries:
            if summary.leaf_uuid in self._dropped_messages or whole_file_dropped:
                continue
            holder = held.messages.get(summary.leaf_uuid)
            if holder is not None or file_pending:
                held.summary(holder, summary)
            else:
                kept_summaries.append(summary)
        file_summaries = held.take_file_summaries() if not file_pending else []
        if file_summaries and not (file_state[1] and not file_state[0]):
            kept_summaries[:0] = file_summaries  # the file kept a session (or has ended with one undecided)
        batch.summaries = kept_summaries

        kept_links = {}
        for tool_id, agent in batch.subagent_links.items():
            if tool_id in self._dropped_calls:
                continue
            holder = held.calls.get(tool_id)
            if holder is not None:
                held.link(holder, tool_id, agent)
            else:
                kept_links[tool_id] = agent
        batch.subagent_links = kept_links

    def end_file(self) -> None:
        """A file's read stopped before its last batch (a reader's defect): what it held is not
        handed to another file's batch."""
        from lessonloop.capture.held_records import HeldRecords

        self._held = HeldRecords()

    def notices(self, config_file: str | None = None) -> list[Problem]:
        """What the run dropped, as ingest notices (none when nothing was dropped)."""
        from lessonloop.core.records import Problem

        out: list[Problem] = []
        where = config_file or _config_file()
        if self.excluded:
            out.append(
                Problem(
                    where,
                    None,
                    "excluded-sessions",
                    f"{len(self.excluded)} session(s) not stored: their project or folder matches capture.exclude_projects",
                    "notice",
                )
            )
        if self.skipped_forgotten:
            out.append(
                Problem(
                    "",
                    None,
                    "forgotten-sessions",
                    f"{len(self.skipped_forgotten)} session(s) not stored again: `lessonloop forget` forgot them",
                    "notice",
                )
            )
        return out


def disabled_notice(config_file: str | None = None) -> Problem:
    """The ingest notice of a run that read nothing because capture is disabled."""
    from lessonloop.core.records import Problem

    where = config_file or _config_file()
    return Problem(
        where,
        None,
        "capture-disabled",
        "capture.enabled = false in the configuration: nothing was read or stored "
        "(`lessonloop config set capture.enabled true` turns capture back on)",
        "notice",
    )


def _config_file() -> str:
    from lessonloop.settings.config import config_path

    return config_path()


def _without_edit_texts(policy: CapturePolicy, tool: str, input_json: str) -> str | None:
    import json

    try:
        data = json.loads(input_json)
    except ValueError:
        return None  # not JSON: it cannot be cleaned, so it is not kept
    cleaned = policy.tool_input(tool, data)
    if cleaned is data:
        return input_json
    return json.dumps(cleaned, ensure_ascii=False, separators=(",", ":"))
