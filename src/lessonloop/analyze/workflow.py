"""Workflow rules: which calls must precede, follow, or never appear, checked per session (pure).

A rules file (`.lessonloop/workflow.toml`; its text is handed in by the caller) holds `[[rule]]`
tables. Three kinds:

- `before`: every call matching `when` needs a call matching `require` earlier (in the same
  agent context, or anywhere in the session with `scope = "session"`); with
  `require_after_last`, that earlier call must also come after the last call matching it.
- `after`: after the last call matching `when`, a call matching `require` must follow.
- `never`: no call may match `when`.

Each rule gets a status per session (satisfied, violated, not_applicable) with evidence, and the
session a compliance score: satisfied / (satisfied + violated). See docs/workflow-rules.md.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from lessonloop.analyze.commands import command_kinds
from lessonloop.analyze.file_ops import READ_TOOL_HARNESSES, shell_effects
from lessonloop.analyze.guarded_regex import GuardedPattern
from lessonloop.analyze.inputs import Call, Ref, SessionInput
from lessonloop.core import records

KINDS = ("before", "after", "never")
SEVERITIES = ("low", "medium", "high")
SCOPES = ("context", "session")
STATUSES = ("satisfied", "violated", "not_applicable")
# The kinds `analyze.commands.command_kinds` names.
COMMAND_KINDS = frozenset({"test", "format", "lint", "typecheck", "build", "install", "search", "read"}) | frozenset(
    {"git_commit", "git_push", "git_add", "git_revert"}
)
CALL_STATUSES = ("ok", "error", "rejected", "interrupted", "failed", "any")
_FAILED = ("error", "rejected", "interrupted")
MAX_EVIDENCE = 20

_RULE_KEYS = frozenset(
    {"id", "kind", "description", "severity", "scope", "same_path", "enabled", "when", "require", "require_after_last"}
)
_MATCHER_KEYS = ("kind", "tool", "path", "command", "command_kind", "status", "not_path", "not_command")
_TOP_KEYS = frozenset({"rule", "extends_defaults"})

Normalizer = Callable[[Call], str | None]


class RulesError(ValueError):
    """A rules file that cannot be used: names the file, the rule (id or number), and the problem."""

    def __init__(self, source: str, detail: str, rule: str | None = None) -> None:
        self.source = source
        self.rule = rule
        self.detail = detail
        where = f"{source}: {rule}: " if rule else f"{source}: "
        super().__init__(where + detail)


# --- matchers ---------------------------------------------------------------------------------


def glob_to_regex(glob: str) -> str:
    """A path glob as a regex for `fullmatch`.

    `*` and `?` stay within one path segment, `**/` spans any number of folders, `**` anything,
    `[abc]`/`[!abc]` are character classes, a trailing `/` means everything below. A glob not
    starting with `/` matches the end of a path at a segment boundary ("src/*.py" matches
    "/repo/src/a.py").
    """
    g = glob.replace("\\", "/")
    if g.endswith("/"):
        g += "**"
    parts: list[str] = []
    i = 0
    while i < len(g):
        if g.startswith("**/", i):
            parts.append("(?:.*/)?")
            i += 3
        elif g.startswith("**", i):
            parts.append(".*")
            i += 2
        elif g[i] == "*":
            parts.append("[^/]*")
            i += 1
        elif g[i] == "?":
            parts.append("[^/]")
            i += 1
        elif g[i] == "[" and (end := g.find("]", i + 2)) != -1:
            body = g[i + 1 : end]
            body = "^/" + body[1:] if body.startswith("!") else body  # a negated set never matches "/"
            parts.append("[" + body.replace("\\", "\\\\").replace("[", "\\[") + "]")
            i = end + 1
        else:
            parts.append(re.escape(g[i]))
            i += 1
    regex = "".join(parts)
    return regex if g.startswith(("/", "**/")) else "(?:.*/)?" + regex


def _as_tuple(value: str | Iterable[str]) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


@dataclass(frozen=True)
class Matcher:
    """Which calls a rule side means. Every given field must match; a list matches any entry.

    kind: the calls' agent-neutral kinds (records.TOOL_KINDS: shell, read, edit, write, search,
    fetch, plan, subagent, other), so a rule holds for every agent. tool: an agent's own tool
    names (Claude Code's Edit, Codex's apply_patch, ...). path / not_path: globs on the call's target path (see `glob_to_regex`).
    command / not_command: regexes searched in the shell command. command_kind: kinds from
    `analyze.commands` (any of them). status: ok, error, rejected, interrupted, failed (any of the
    last three), any; empty means the side's default (`when`: any; `require`, `require_after_last`:
    ok). Calls without a path or command never match `path`, `command` or `command_kind`.
    """

    kind: tuple[str, ...] = ()
    tool: tuple[str, ...] = ()
    path: tuple[str, ...] = ()
    command: tuple[str, ...] = ()
    command_kind: tuple[str, ...] = ()
    status: tuple[str, ...] = ()
    not_path: tuple[str, ...] = ()
    not_command: tuple[str, ...] = ()
    _tools: frozenset[str] = field(init=False, repr=False, compare=False)
    _call_kinds: frozenset[str] = field(init=False, repr=False, compare=False)
    _path: re.Pattern[str] | None = field(init=False, repr=False, compare=False)
    _not_path: re.Pattern[str] | None = field(init=False, repr=False, compare=False)
    _command: tuple[GuardedPattern, ...] = field(init=False, repr=False, compare=False)
    _not_command: tuple[GuardedPattern, ...] = field(init=False, repr=False, compare=False)
    _kinds: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for name in _MATCHER_KEYS:
            object.__setattr__(self, name, _as_tuple(getattr(self, name)))
        bad_kinds = sorted(set(self.command_kind) - COMMAND_KINDS)
        if bad_kinds:
            raise ValueError(f"unknown command_kind {bad_kinds[0]!r} (known: {', '.join(sorted(COMMAND_KINDS))})")
        bad_call_kinds = sorted(set(self.kind) - set(records.TOOL_KINDS))
        if bad_call_kinds:
            raise ValueError(f"unknown kind {bad_call_kinds[0]!r} (known: {', '.join(records.TOOL_KINDS)})")
        bad_statuses = [s for s in self.status if s not in CALL_STATUSES]
        if bad_statuses:
            raise ValueError(f"unknown status {bad_statuses[0]!r} (known: {', '.join(CALL_STATUSES)})")
        object.__setattr__(self, "_tools", frozenset(self.tool))
        object.__setattr__(self, "_call_kinds", frozenset(self.kind))
        object.__setattr__(self, "_path", _compile_globs(self.path))
        object.__setattr__(self, "_not_path", _compile_globs(self.not_path))
        object.__setattr__(self, "_command", _compile_regexes(self.command, "command"))
        object.__setattr__(self, "_not_command", _compile_regexes(self.not_command, "not_command"))
        object.__setattr__(self, "_kinds", frozenset(self.command_kind))

    def allowed_statuses(self, default: str) -> frozenset[str] | None:
        """The call statuses this matcher accepts (None: any, even no result)."""
        statuses = self.status or (default,)
        if "any" in statuses:
            return None
        expanded = {s for status in statuses for s in (_FAILED if status == "failed" else (status,))}
        return frozenset(expanded)

    def matches(self, view: _View, statuses: frozenset[str] | None) -> bool:
        call = view.call
        if self._call_kinds and call.kind not in self._call_kinds:
            return False
        if self._tools and call.tool not in self._tools:
            return False
        if statuses is not None and call.status not in statuses:
            return False
        if self._path is not None and (view.path is None or not self._path.fullmatch(view.path)):
            return False
        if self._not_path is not None and view.path is not None and self._not_path.fullmatch(view.path):
            return False
        command = call.command
        if self._kinds and (command is None or not self._kinds & view.kinds()):
            return False
        if self._command and (command is None or not any(p.search(command) for p in self._command)):
            return False
        return not (self._not_command and command is not None and any(p.search(command) for p in self._not_command))


def _compile_globs(globs: tuple[str, ...]) -> re.Pattern[str] | None:
    if not globs:
        return None
    return re.compile("|".join(f"(?:{glob_to_regex(g)})" for g in globs), re.DOTALL)


def _compile_regexes(regexes: tuple[str, ...], name: str) -> tuple[GuardedPattern, ...]:
    """A rules file's patterns, run guarded (analyze/guarded_regex.py: a repository's text)."""
    compiled: list[GuardedPattern] = []
    for regex in regexes:
        try:
            compiled.append(GuardedPattern(regex))
        except ValueError as error:
            raise ValueError(f"bad {name} regex {regex!r}: {error}") from None
    return tuple(compiled)


# --- rules ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """One workflow rule. A side is one matcher or several (a call matching any of them)."""

    id: str
    kind: str  # before | after | never
    when: tuple[Matcher, ...]
    require: tuple[Matcher, ...] = ()
    require_after_last: tuple[Matcher, ...] = ()
    description: str = ""
    severity: str = "medium"  # low | medium | high
    scope: str = "context"  # context | session
    same_path: bool = False
    enabled: bool = True

    def __post_init__(self) -> None:
        problem = _rule_problem(self)
        if problem:
            raise ValueError(problem)


def _rule_problem(rule: Rule) -> str | None:
    if rule.kind not in KINDS:
        return f"unknown kind {rule.kind!r} (expected one of: {', '.join(KINDS)})"
    if rule.severity not in SEVERITIES:
        return f"unknown severity {rule.severity!r} (expected one of: {', '.join(SEVERITIES)})"
    if rule.scope not in SCOPES:
        return f"unknown scope {rule.scope!r} (expected one of: {', '.join(SCOPES)})"
    if not rule.when:
        return "'when' is missing"
    if rule.kind == "never":
        extra = [n for n in ("require", "require_after_last") if getattr(rule, n)]
        if extra or rule.same_path:
            return f"a never rule takes no {(extra or ['same_path'])[0]}"
    elif not rule.require:
        return f"a {rule.kind} rule needs 'require'"
    if rule.require_after_last and rule.kind != "before":
        return "require_after_last only works with kind = 'before'"
    return None


@dataclass(frozen=True, slots=True)
class Evidence:
    """One checked call: the `when` call, the call that satisfied it, the last change before it."""

    call: Ref
    require: Ref | None = None
    since: Ref | None = None  # require_after_last: the last matching call before `call`

    def violation_json(self) -> dict[str, Any]:
        """The failing call's ref, with the ref of its `since` call when there is one."""
        out = self.call.to_json()
        if self.since:
            out["since"] = self.since.to_json()
        return out

    def satisfied_json(self) -> dict[str, Any]:
        """{"when": ref, "require": ref, "since": ref}, leaving out what is missing."""
        out = {"when": self.call.to_json()}
        if self.require:
            out["require"] = self.require.to_json()
        if self.since:
            out["since"] = self.since.to_json()
        return out


@dataclass(frozen=True, slots=True)
class RuleResult:
    """A rule's outcome for one session.

    checked: how many `when` occurrences were checked (`after`: the last one per context, or per
    path with same_path; `never`: every match). violations: how many of them failed. evidence:
    violated: the failing calls (at most MAX_EVIDENCE); satisfied: the first checked call and the
    call that satisfied it. In JSON a violated rule's evidence is a list of the failing calls' refs,
    a satisfied rule's one {"when", "require", "since"} mapping, a rule not applicable's [].
    """

    rule_id: str
    kind: str
    severity: str
    description: str
    status: str  # satisfied | violated | not_applicable
    checked: int = 0
    violations: int = 0
    evidence: tuple[Evidence, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "rule_id": self.rule_id,
            "kind": self.kind,
            "severity": self.severity,
            "description": self.description,
            "status": self.status,
            "checked": self.checked,
            "violations": self.violations,
            "evidence": self._evidence_json(),
        }

    def _evidence_json(self) -> list[dict[str, Any]] | dict[str, Any]:
        if self.status == "satisfied" and self.evidence:
            return self.evidence[0].satisfied_json()
        return [e.violation_json() for e in self.evidence]


# --- evaluation -------------------------------------------------------------------------------


class _View:
    """A call with what matching needs: its path with '/' separators, its key, its command kinds."""

    __slots__ = ("_kinds", "call", "derived", "index", "key", "path")

    def __init__(self, index: int, call: Call, key: str | None, derived: bool = False) -> None:
        self.index = index  # position in the session's time order
        self.call = call
        self.path = call.target_path.replace("\\", "/") if call.target_path else None
        self.key = key
        # Derived: one more file of a call (a patch of several files, a file a shell command printed),
        # matched by kind only, so a rule on tools or commands sees the call once.
        self.derived = derived
        self._kinds: frozenset[str] | None = None

    def kinds(self) -> frozenset[str]:
        if self._kinds is None:
            self._kinds = command_kinds(self.call.command) if self.call.command else frozenset()
        return self._kinds


@dataclass
class _Tally:
    checked: int = 0
    violations: int = 0
    failing: list[Evidence] = field(default_factory=list)
    example: Evidence | None = None

    def satisfied(self, call: _View, require: _View | None = None, since: _View | None = None) -> None:
        self.checked += 1
        if self.example is None:
            self.example = _evidence(call, require, since)

    def violated(self, call: _View, since: _View | None = None) -> None:
        self.checked += 1
        self.violations += 1
        if len(self.failing) < MAX_EVIDENCE:
            self.failing.append(_evidence(call, None, since))


def _evidence(call: _View, require: _View | None, since: _View | None) -> Evidence:
    return Evidence(call.call.ref, require.call.ref if require else None, since.call.ref if since else None)


def evaluate(session: SessionInput, rules: Sequence[Rule], normalize: Normalizer | None = None) -> list[RuleResult]:
    """Each enabled rule's result for `session`, in rule order.

    `normalize` maps a call to the path `same_path` compares (default: its target path as is).
    """
    calls = _Calls(session, normalize)
    return [_evaluate_rule(rule, calls) for rule in rules if rule.enabled]


class _Calls:
    """A session's calls in time order, indexed by kind, by tool and by whether they ran a command."""

    def __init__(self, session: SessionInput, normalize: Normalizer | None) -> None:
        shell_reads = session.agent not in READ_TOOL_HARNESSES
        self.views: list[_View] = []
        for call in session.calls():
            for derived, each in enumerate(_file_calls(call, shell_reads)):
                key = normalize(each) if normalize else each.target_path
                self.views.append(_View(len(self.views), each, key, derived=derived > 0))
        self.by_tool: dict[str, list[_View]] = {}
        self.by_kind: dict[str, list[_View]] = {}
        for view in self.views:
            if not view.derived:
                self.by_tool.setdefault(view.call.tool, []).append(view)
            self.by_kind.setdefault(view.call.kind, []).append(view)
        self.with_command = [v for v in self.views if v.call.command is not None]
        self.originals = [v for v in self.views if not v.derived]
        self._sequences: dict[str, list[list[_View]]] = {}

    def candidates(self, matcher: Matcher) -> Iterable[_View]:
        """The calls `matcher` could match, judged by kind, tool and command alone."""
        if matcher.kind:
            return [v for kind in set(matcher.kind) for v in self.by_kind.get(kind, ())]
        if matcher.tool:
            return [v for tool in set(matcher.tool) for v in self.by_tool.get(tool, ())]
        if matcher.command or matcher.command_kind:
            return self.with_command
        return self.originals

    def sequences(self, scope: str) -> list[list[_View]]:
        """The call sequences a rule checks: the whole session, or each context in line order."""
        if scope not in self._sequences:
            if scope == "session":
                self._sequences[scope] = [self.views]
            else:
                by_context: dict[str, list[_View]] = {}
                for view in self.views:
                    by_context.setdefault(view.call.context_id, []).append(view)
                self._sequences[scope] = [_by_line(group) for group in by_context.values()]
        return self._sequences[scope]

    def side(self, matchers: tuple[Matcher, ...], default_status: str) -> list[bool]:
        """Whether each call (by its view's index) matches any of `matchers`."""
        hits = [False] * len(self.views)
        for matcher in matchers:
            statuses = matcher.allowed_statuses(default_status)
            for view in self.candidates(matcher):
                if not hits[view.index] and matcher.matches(view, statuses):
                    hits[view.index] = True
        return hits


def _file_calls(call: Call, shell_reads: bool) -> list[Call]:
    """The call, then one derived call per other file it works on: each further path of a call on
    several files (a patch), and for an agent without a read tool (READ_TOOL_HARNESSES) each file
    a successful shell command printed (`cat`, `sed -n`), as a read of that file."""
    out = [call]
    for path in call.paths:
        if path != call.target_path:
            out.append(call.replaced(target_path=path, paths=(), command=None))
    if shell_reads and call.kind == records.SHELL and call.ok and call.command:
        effects = shell_effects(call.command)
        for raw, _start, _end in effects.reads:
            path = raw if raw.startswith(("/", "~")) or not effects.cd else effects.cd.rstrip("/") + "/" + raw
            out.append(call.replaced(kind=records.READ, target_path=path, paths=(), command=None))
    return out


def _by_line(group: list[_View]) -> list[_View]:
    """A context's calls in line order (time order normally is; missing times can break it)."""
    seqs = [v.call.seq for v in group]
    if all(a <= b for a, b in pairwise(seqs)):
        return group
    return sorted(group, key=lambda v: v.call.seq)


def _evaluate_rule(rule: Rule, calls: _Calls) -> RuleResult:
    when = calls.side(rule.when, "any")
    tally = _Tally()
    if rule.kind == "never":
        for view in calls.views:
            if when[view.index]:
                tally.violated(view)
    else:
        require = calls.side(rule.require, "ok")
        if rule.kind == "before":
            since = calls.side(rule.require_after_last, "ok") if rule.require_after_last else None
            for sequence in calls.sequences(rule.scope):
                _check_before(rule.same_path, sequence, when, require, since, tally)
        else:
            for sequence in calls.sequences(rule.scope):
                _check_after(rule.same_path, sequence, when, require, tally)
    return _result(rule, tally)


def _check_before(
    same_path: bool,
    sequence: list[_View],
    when: list[bool],
    require: list[bool],
    since: list[bool] | None,
    tally: _Tally,
) -> None:
    last_b: dict[str | None, int] = {}  # path key (None without same_path) -> position of the last B
    last_since: int | None = None
    for pos, view in enumerate(sequence):
        is_a, is_b = when[view.index], require[view.index]
        key = view.key if same_path else None
        if is_a and (key is not None or not same_path) and (since is None or last_since is not None):
            b = pos if is_b and view.call.command is not None else last_b.get(key)
            since_view = sequence[last_since] if last_since is not None else None
            if b is not None and (last_since is None or b >= last_since):
                tally.satisfied(view, sequence[b], since_view)
            else:
                tally.violated(view, since_view)
        if is_b and (key is not None or not same_path):
            last_b[key] = pos
        if since is not None and since[view.index]:
            last_since = pos


def _check_after(same_path: bool, sequence: list[_View], when: list[bool], require: list[bool], tally: _Tally) -> None:
    last_a: dict[str | None, _View] = {}  # path key -> the last A
    first_b: dict[str | None, _View | None] = {}  # path key -> the first B after that A
    for view in sequence:
        is_a, is_b = when[view.index], require[view.index]
        key = view.key if same_path else None
        if same_path and key is None:
            continue
        if is_a:
            last_a[key] = view
            first_b[key] = None
            if is_b and view.call.command is None:
                continue  # a tool call does not follow itself; a compound command line may
        if is_b and key in first_b and first_b[key] is None:
            first_b[key] = view
    for key, a in last_a.items():
        b = first_b[key]
        if b is None:
            tally.violated(a)
        else:
            tally.satisfied(a, b)


def _result(rule: Rule, tally: _Tally) -> RuleResult:
    evidence: tuple[Evidence, ...] = ()
    if tally.checked == 0:
        status = "not_applicable"
    elif tally.violations:
        status, evidence = "violated", tuple(tally.failing)
    else:
        status, evidence = "satisfied", (tally.example,) if tally.example else ()
    return RuleResult(
        rule.id, rule.kind, rule.severity, rule.description, status, tally.checked, tally.violations, evidence
    )


def broken_never_rules(rules: Iterable[Rule], call: Call) -> list[Rule]:
    """The enabled `never` rules a call breaks, whatever its status (a call about to run: the
    PreToolUse hook's declared rules, analyze/declared_rules.py)."""
    view = _View(0, call, None)
    return [
        rule
        for rule in rules
        if rule.enabled and rule.kind == "never" and any(matcher.matches(view, None) for matcher in rule.when)
    ]


def compliance(results: Iterable[RuleResult]) -> float | None:
    """satisfied / (satisfied + violated); None when no rule applies."""
    satisfied = violated = 0
    for result in results:
        satisfied += result.status == "satisfied"
        violated += result.status == "violated"
    applicable = satisfied + violated
    return satisfied / applicable if applicable else None


# --- the file format --------------------------------------------------------------------------


def _load_document(text: str, source: str) -> tuple[bool, list[dict[str, Any]]]:
    """(extends_defaults, the [[rule]] tables) of a rules file."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise RulesError(source, f"not valid TOML: {error}") from None
    unknown = sorted(set(document) - _TOP_KEYS)
    if unknown:
        raise RulesError(source, f"unknown top-level key {unknown[0]!r} (expected [[rule]] tables, extends_defaults)")
    extends = document.get("extends_defaults", True)
    if not isinstance(extends, bool):
        raise RulesError(source, "extends_defaults must be true or false")
    tables = document.get("rule", [])
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise RulesError(source, "'rule' must be an array of tables ([[rule]])")
    _check_ids(tables, source)
    return extends, tables


def _check_ids(tables: list[dict[str, Any]], source: str) -> None:
    seen: set[str] = set()
    for index, table in enumerate(tables, 1):
        rule_id = table.get("id")
        if not isinstance(rule_id, str) or not rule_id.strip():
            raise RulesError(source, "'id' is missing or not a non-empty string", f"rule {index}")
        if rule_id in seen:
            raise RulesError(source, "the id is used twice", _rule_name(table, index))
        seen.add(rule_id)


def _rule_name(table: Mapping[str, Any], index: int) -> str:
    return f"rule {index} ({table['id']!r})"


def _build_rule(table: Mapping[str, Any], source: str, index: int) -> Rule:
    name = _rule_name(table, index)
    unknown = sorted(set(table) - _RULE_KEYS)
    if unknown:
        raise RulesError(source, f"unknown key {unknown[0]!r} (known: {', '.join(sorted(_RULE_KEYS))})", name)
    try:
        return Rule(
            id=table["id"],
            kind=_string(table, "kind", None),
            when=_matchers(table, "when"),
            require=_matchers(table, "require"),
            require_after_last=_matchers(table, "require_after_last"),
            description=_string(table, "description", ""),
            severity=_string(table, "severity", "medium"),
            scope=_string(table, "scope", "context"),
            same_path=_bool(table, "same_path", False),
            enabled=_bool(table, "enabled", True),
        )
    except ValueError as error:
        raise RulesError(source, str(error), name) from None


def _string(table: Mapping[str, Any], key: str, default: str | None) -> str:
    value = table.get(key, default)
    if value is None:
        raise ValueError(f"{key!r} is missing")
    if not isinstance(value, str):
        raise ValueError(f"{key!r} must be a string")
    return value


def _bool(table: Mapping[str, Any], key: str, default: bool) -> bool:
    value = table.get(key, default)
    if not isinstance(value, bool):
        raise ValueError(f"{key!r} must be true or false")
    return value


def _matchers(table: Mapping[str, Any], key: str) -> tuple[Matcher, ...]:
    value = table.get(key)
    if value is None:
        return ()
    items = value if isinstance(value, list) else [value]
    if not items or not all(isinstance(item, dict) for item in items):
        raise ValueError(f"{key!r} must be a table ({{ tool = ... }}) or an array of tables")
    return tuple(_matcher(item, key) for item in items)


def _matcher(item: Mapping[str, Any], key: str) -> Matcher:
    unknown = sorted(set(item) - set(_MATCHER_KEYS))
    if unknown:
        raise ValueError(f"unknown key {unknown[0]!r} in {key!r} (known: {', '.join(_MATCHER_KEYS)})")
    if not item:
        raise ValueError(f"{key!r} is empty: name at least one of {', '.join(_MATCHER_KEYS)}")
    fields: dict[str, tuple[str, ...]] = {}
    for name, value in item.items():
        values = [value] if isinstance(value, str) else value
        if not isinstance(values, list) or not values or not all(isinstance(v, str) and v for v in values):
            raise ValueError(f"{key}.{name} must be a non-empty string or a list of them")
        fields[name] = tuple(values)
    try:
        return Matcher(**fields)
    except ValueError as error:
        raise ValueError(f"in {key!r}: {error}") from None


def parse_rules(toml_text: str, source: str = "<string>") -> list[Rule]:
    """The rules a TOML text defines, each complete (no merging with the defaults)."""
    _, tables = _load_document(toml_text, source)
    return [_build_rule(table, source, index) for index, table in enumerate(tables, 1)]


def rules_from_file_text(text: str, source: str) -> list[Rule]:
    """The rules in force for a project's rules file.

    With `extends_defaults = true` (the default) the built-in rules come first; a file rule with a
    default's id overrides that default's keys (when/require/... replaced whole, so
    `enabled = false` alone disables it), other file rules follow in file order. With
    `extends_defaults = false` only the file's rules apply.
    """
    extends, tables = _load_document(text, source)
    if not extends:
        return [_build_rule(table, source, index) for index, table in enumerate(tables, 1)]
    overrides = {table["id"]: (index, table) for index, table in enumerate(tables, 1)}
    rules: list[Rule] = []
    for default in _DEFAULT_TABLES:
        index, override = overrides.pop(default["id"], (0, {}))
        rules.append(_build_rule({**default, **override}, source, index) if override else _default(default["id"]))
    rules.extend(_build_rule(table, source, index) for index, table in overrides.values())
    return rules


def _default(rule_id: str) -> Rule:
    return next(rule for rule in DEFAULT_RULES if rule.id == rule_id)


DEFAULT_RULES_TOML = r"""# lessonloop's built-in workflow rules. A project's .lessonloop/workflow.toml extends them.

[[rule]]
id = "read-before-edit"
kind = "before"
description = "Read a file before editing it (writing it counts: the agent knows what it wrote)."
severity = "high"
scope = "context"
same_path = true
when = { kind = "edit" }
require = { kind = ["read", "write"] }

[[rule]]
id = "format-before-commit"
kind = "before"
description = "Run the formatter after the last source edit and before committing."
severity = "medium"
scope = "session"
when = { command_kind = "git_commit" }
require = { command_kind = "format" }
require_after_last = { kind = ["edit", "write"], not_path = [
    "*.md", "*.mdx", "*.rst", "*.txt", "*.json", "*.yml", "*.yaml", "*.toml", "*.lock",
    "*.ini", "*.cfg", "*.csv", ".gitignore", "/tmp/**",
] }

[[rule]]
id = "tests-after-source-edit"
kind = "after"
description = "Run the tests (passing or not) after the last source edit, before the session ends."
severity = "medium"
scope = "session"
when = { kind = ["edit", "write"], status = "ok", not_path = [
    "*.md", "*.mdx", "*.rst", "*.txt", "*.json", "*.yml", "*.yaml", "*.toml", "*.lock",
    "*.ini", "*.cfg", "*.csv", ".gitignore", "/tmp/**",
] }
require = { command_kind = "test", status = ["ok", "error"] }

[[rule]]
id = "no-force-push-main"
kind = "never"
description = "Never force-push to main or master."
severity = "high"
when = { command_kind = "git_push", command = '''\bgit\s(?:[^;&|\n]*\s)?push\b(?=[^;&|\n]*\s(?:--force\b|-[A-Za-z]*f[A-Za-z]*\b|\+))(?=[^;&|\n]*[\s:+/](?:main|master)(?:$|[\s;&|)]))''' }

[[rule]]
id = "no-skip-hooks"
kind = "never"
description = "Never skip git hooks with --no-verify."
severity = "high"
when = { command_kind = ["git_commit", "git_push"], command = '''\bgit\s(?:[^;&|\n]*\s)?(?:commit|push)\b[^;&|\n]*\s--no-verify\b''' }
"""

_DEFAULT_TABLES: list[dict[str, Any]] = _load_document(DEFAULT_RULES_TOML, "<defaults>")[1]
DEFAULT_RULES: tuple[Rule, ...] = tuple(parse_rules(DEFAULT_RULES_TOML, "<defaults>"))
