"""An edit scored before it happens: the built-in risk rules (analyze/risk_rules.py) on the lines
an edit or write is about to add.

The PreToolUse hook calls `score_tool_call` with the call's tool name and input as Claude Code
sends them (every agent's adapter turns its own into these):

- Edit: ``old_string`` -> ``new_string``; MultiEdit: each of its ``edits``;
- Write: ``content`` over the file as it is now (read by the caller when it exists and is at most
  MAX_CURRENT_BYTES; a file not read counts as empty: every line of the content is added);
- NotebookEdit: ``new_source`` (a cell: every line added);
- apply_patch (Codex): the ``+`` lines of each ``*** Add File`` / ``*** Update File`` section of
  the patch text (``input``, ``patch`` or ``command``).

**Only added lines count**: a line of the new text is added when it is not a line of the old text
(compared without surrounding white space, each old line used once), so a risky line the edit
keeps, moves or re-indents is not blamed on it, and a risk removed is never a finding. Line
numbers are in the file when the caller gives its text (the Edit's old_string found there), else
in the new text.

A finding's confidence is the rule's severity weight (analyze/risk_rules.py SEVERITY_WEIGHTS: high
0.6, medium 0.35, low 0.15), the same number diff risk reads as "the chance this finding is real"
(measured on the shared corpora: benchmarks/edit_checks.py, BENCHMARKS.md "Edit checks"). Only
findings of a severity in WARN_SEVERITIES become a warning (`warnings`): a high-risk change.

Pure and quick: stdlib only (no dataclasses or typing at import), the rules' regexes compiled on
first use, a keyword pre-check before any regex: each rule's keywords found in the lowered added
lines at once (a str.find per keyword over them all; in a process that has scored
AUTOMATON_AFTER characters, replay's or learning's, one ahocorasick_rs automaton of every
keyword), a rule's regexes run only on the lines holding one. Replay scores a stored call with
`score_call` (the same rules on the same added lines; a Write's file as it was is rebuilt from
the stored diff).
"""

from __future__ import annotations

from bisect import bisect_right

from lessonloop.analyze.risk_rules import (
    BUILTIN_RULES,
    MAX_LINE,
    MAX_TEXT,
    SEVERITY_WEIGHTS,
    RiskRule,
    file_extension,
)

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (the hooks)
if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence
    from typing import ClassVar

    from lessonloop.analyze.inputs import Call

WARN_SEVERITIES = ("high", "critical")  # a finding of these warns before the edit; the rest are counted
MAX_CURRENT_BYTES = 512 * 1024  # a Write over a larger file: its text is not read (every line counts as added)
MAX_NEW_CHARS = 2_000_000  # a larger new text is not scored (generated files; the hook's time budget)
EDIT_TOOLS = ("Edit", "MultiEdit", "Write", "NotebookEdit", "apply_patch")
_PATCH_TEXT_KEYS = ("input", "patch", "command")
_PATCH_FILE = ("*** Add File: ", "*** Update File: ")


class EditFinding:
    """One risky line an edit is about to add: the rule, where, and how sure."""

    __slots__ = ("confidence", "fix", "line", "path", "rule", "severity", "text", "title")

    def __init__(self, rule: str, title: str, severity: str, path: str | None, line: int, text: str, fix: str) -> None:
        self.rule = rule
        self.title = title
        self.severity = severity
        self.path = path
        self.line = line
        self.text = text
        self.fix = fix
        self.confidence = SEVERITY_WEIGHTS.get(severity, SEVERITY_WEIGHTS["info"])

    @property
    def reason(self) -> str:
        """What the warning says: the rule, its id, the file and line, the line itself."""
        where = f"{self.path} line {self.line}" if self.path else f"line {self.line}"
        return f"this edit adds {self.title} (rule {self.rule}) at {where}: {self.text}"

    def to_json(self) -> dict[str, object]:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "title": self.title,
            "path": self.path,
            "line": self.line,
            "text": self.text,
            "confidence": self.confidence,
        }

    def __repr__(self) -> str:
        return f"EditFinding({self.rule!r}, {self.path!r}, {self.line})"


def added_lines(old: str, new: str, first_line: int = 1) -> list[tuple[int, str]]:
    """(line number, text) of each line of `new` that is not a line of `old`: compared stripped
    of surrounding white space, each old line matching one new line at most; numbered from
    `first_line` (new's first line)."""
    have: dict[str, int] = {}
    for line in old.split("\n"):
        key = line.strip()
        have[key] = have.get(key, 0) + 1
    out: list[tuple[int, str]] = []
    for number, line in enumerate(new.split("\n"), first_line):
        key = line.strip()
        if not key:
            continue
        left = have.get(key, 0)
        if left:
            have[key] = left - 1
        else:
            out.append((number, line.rstrip("\r")))
    return out


def score_lines(
    path: str | None, lines: Sequence[tuple[int, str]], rules: Sequence[RiskRule] = BUILTIN_RULES
) -> list[EditFinding]:
    """The rules' findings on numbered added lines of the file at `path`, in line order (a line's
    rules in their order)."""
    extension = file_extension(path)
    active = [
        (position, rule, rule.patterns_for(extension))
        for position, rule in enumerate(rules)
        if rule.applies_to(extension, path)
    ]
    if not active or not lines:
        return []
    kept = [(number, text) for number, text in lines if len(text) <= MAX_LINE]
    if not kept:
        return []
    # The keyword pre-check once over all the lines' lowered texts (one per line, a newline
    # between): each rule's candidate lines are those where one of its keywords is found.
    lowers = [text.lower() for _, text in kept]
    lowered = "\n".join(lowers)
    starts = [0]
    for text in lowers:
        starts.append(starts[-1] + len(text) + 1)
    keywords = _KeywordFinder.of(rules, len(lowered))
    if keywords is None:
        hits = [_keyword_lines(lowered, starts, lowers, rule.keywords) for _, rule, _ in active]
    else:
        hits = keywords.lines(lowered, starts, [position for position, _, _ in active])
    candidates: dict[int, list[int]] = {}
    for index, lines_hit in enumerate(hits):
        for line in lines_hit:
            candidates.setdefault(line, []).append(index)
    found: list[EditFinding] = []
    for line in sorted(candidates):
        number, text = kept[line]
        for index in candidates[line]:
            _, rule, patterns = active[index]
            if rule.matches(text, patterns):
                found.append(
                    EditFinding(rule.id, rule.title, rule.severity, path, number, text.strip()[:MAX_TEXT], rule.fix)
                )
    return found


def _keyword_lines(lowered: str, starts: list[int], lowers: list[str], keywords: Sequence[str]) -> set[int]:
    """The lines (indexes into `lowers`, joined by newlines as `lowered`; `starts` holds each
    line's offset there, and one past the end) in which one of `keywords` occurs."""
    lines: set[int] = set()
    last = len(starts) - 1
    for keyword in keywords:
        if "\n" in keyword:  # it could span the newline between two lines: each line on its own
            lines.update(line for line, text in enumerate(lowers) if keyword in text)
            continue
        at = lowered.find(keyword)
        while at >= 0:
            line = bisect_right(starts, at) - 1
            if line >= last:
                break
            lines.add(line)
            at = lowered.find(keyword, starts[line + 1])
    return lines


# Characters of added lines a process reads with str.find, a scan per keyword, before it builds
# an Aho-Corasick automaton of the built-in rules' keywords (one pass for them all, about ten
# times faster on a text of many lines). A hook scores one edit: it never gets there, and never
# imports ahocorasick_rs; replay and learning score thousands.
AUTOMATON_AFTER = 200_000


class _KeywordFinder:
    """Every keyword of the built-in rules in one automaton: which rules' keywords are in which
    lines, the same lines `_keyword_lines` finds for each rule."""

    _built: ClassVar[list[_KeywordFinder]] = []
    _scanned: ClassVar[list[int]] = [0]

    def __init__(self, rules: Sequence[RiskRule]) -> None:
        import ahocorasick_rs

        by_keyword: dict[str, list[int]] = {}
        for position, rule in enumerate(rules):
            for keyword in dict.fromkeys(rule.keywords):
                by_keyword.setdefault(keyword, []).append(position)
        self.rules_of = tuple(tuple(positions) for positions in by_keyword.values())
        self.automaton = ahocorasick_rs.AhoCorasick(list(by_keyword))

    @classmethod
    def of(cls, rules: Sequence[RiskRule], chars: int) -> _KeywordFinder | None:
        """The automaton, once this process has read AUTOMATON_AFTER characters of added lines
        (the built-in rules only, when no keyword is empty or spans lines); else None."""
        if cls._built:
            return cls._built[0] if rules is BUILTIN_RULES else None
        cls._scanned[0] += chars
        if cls._scanned[0] <= AUTOMATON_AFTER or rules is not BUILTIN_RULES:
            return None
        if any(not keyword or "\n" in keyword for rule in rules for keyword in rule.keywords):
            return None
        cls._built.append(cls(rules))
        return cls._built[0]

    def lines(self, lowered: str, starts: list[int], positions: Sequence[int]) -> list[set[int]]:
        """For each rule at `positions` (of the rules the automaton was built from, ascending),
        the lines of `lowered` (`starts`: as for `_keyword_lines`) holding one of its keywords."""
        index_of = {position: index for index, position in enumerate(positions)}
        hits: list[set[int]] = [set() for _ in positions]
        for keyword, start, _end in self.automaton.find_matches_as_indexes(lowered, overlapping=True):
            line = bisect_right(starts, start) - 1
            for position in self.rules_of[keyword]:
                index = index_of.get(position)
                if index is not None:
                    hits[index].add(line)
        return hits


def changes_of(
    tool: str, tool_input: Mapping[str, object], current: str | None = None
) -> list[tuple[str | None, list[tuple[int, str]]]]:
    """(path, added lines) of each file the call is about to change; [] for a call that changes
    none. `current`: the text of the call's file now (None: not read or no such file)."""
    path = _text(tool_input, "file_path") or _text(tool_input, "notebook_path") or _text(tool_input, "path")
    if tool == "Write":
        content = _str(tool_input, "content")
        return [(path, added_lines(current or "", content))] if len(content) <= MAX_NEW_CHARS else []
    if tool == "Edit":
        pairs: Iterable[object] = [tool_input]
    elif tool == "MultiEdit":
        edits = tool_input.get("edits")
        pairs = edits if isinstance(edits, list) else []
    elif tool == "NotebookEdit":
        source = _str(tool_input, "new_source")
        return [(path, added_lines("", source))] if len(source) <= MAX_NEW_CHARS else []
    elif tool == "apply_patch":
        return _patch_changes(tool_input)
    else:
        return []
    lines: list[tuple[int, str]] = []
    for pair in pairs:
        if not isinstance(pair, dict):
            continue
        old = _str(pair, "old_string")
        new = _str(pair, "new_string")
        if len(new) > MAX_NEW_CHARS:
            continue
        at = current.find(old) if current and old else -1
        first = current.count("\n", 0, at) + 1 if current is not None and at >= 0 else 1
        lines += added_lines(old, new, first)
    return [(path, lines)]


def score_tool_call(
    tool: str, tool_input: Mapping[str, object], current: str | None = None, rules: Sequence[RiskRule] = BUILTIN_RULES
) -> list[EditFinding]:
    """Every finding on the lines the call is about to add (see the module's docstring)."""
    found: list[EditFinding] = []
    for path, lines in changes_of(tool, tool_input, current):
        found += score_lines(path, lines, rules)
    return found


MAX_WARNINGS = 2  # findings a call is warned about, first first (the hook names them; replay counts them)


def warnings(findings: Iterable[EditFinding]) -> list[EditFinding]:
    """The findings that warn before the edit: a severity of WARN_SEVERITIES."""
    return [f for f in findings if f.severity in WARN_SEVERITIES]


def score_call(call: Call, rules: Sequence[RiskRule] = BUILTIN_RULES) -> list[EditFinding]:
    """Replay's view of a stored edit or write call: what `score_tool_call` said before it ran.

    The call's input is in Claude Code's names when its agent is Claude Code; any other agent's
    edit is read from its stored diff (its '+' lines), else from its input when that holds an old
    and new text in Claude Code's keys (Aider's edit blocks, which store no diff). A Claude Code
    Write's file as it was is rebuilt from the stored diff (`previous_text`); without a diff it
    counts as new.
    """
    tool_input = call.input if isinstance(call.input, dict) else {}
    if call.tool in EDIT_TOOLS and call.tool != "apply_patch" and tool_input:
        current = previous_text(_str(tool_input, "content"), call.diff) if call.tool == "Write" else None
        return score_tool_call(call.tool, tool_input, current, rules)
    if call.diff:
        from lessonloop.analyze.diff_risk import added_lines as diff_added_lines

        return score_lines(call.target_path, diff_added_lines(call.diff), rules)
    if call.tool == "apply_patch" or "*** Begin Patch" in str(tool_input.get("input", "")):
        return score_tool_call("apply_patch", tool_input, None, rules)
    if isinstance(
        tool_input.get("new_string"), str
    ):  # an edit in Claude Code's keys under another name (Aider's edit_block)
        return score_tool_call("Edit", tool_input, None, rules)
    return []


def previous_text(new: str, diff: str | None) -> str | None:
    """The file before a change, from its text after and the change's unified diff: each hunk's
    new lines replaced by its old ones. None without a diff (a new file, or nothing stored)."""
    if not diff:
        return None
    from lessonloop.analyze.hunks import hunks

    lines = new.split("\n")
    out: list[str] = []
    at = 0  # the next line of `new` (0-based) not yet copied
    for (_old_start, _old_count, new_start, new_count), body in hunks(diff):
        begin = max(new_start - 1, 0) if new_count else new_start
        out += lines[at:begin]
        out += [line[1:] for line in body if line[:1] in (" ", "-")]
        at = begin + new_count
    out += lines[at:]
    return "\n".join(out)


def _patch_changes(tool_input: Mapping[str, object]) -> list[tuple[str | None, list[tuple[int, str]]]]:
    """The '+' lines of each file section of an apply_patch text, numbered within the section."""
    text = next((v for k in _PATCH_TEXT_KEYS if isinstance(v := tool_input.get(k), str) and "*** " in v), "")
    if len(text) > MAX_NEW_CHARS:
        return []
    out: list[tuple[str | None, list[tuple[int, str]]]] = []
    lines: list[tuple[int, str]] | None = None
    number = 0
    for raw in text.split("\n"):
        if raw.startswith("*** "):
            lines = None
            for marker in _PATCH_FILE:
                if raw.startswith(marker):
                    lines = []
                    number = 0
                    out.append((raw[len(marker) :].strip() or None, lines))
            continue
        if lines is None or raw.startswith("@@"):
            continue
        if raw[:1] != "-":
            number += 1
        if raw[:1] == "+" and raw[1:].strip():
            lines.append((number, raw[1:].rstrip("\r")))
    return out


def _text(mapping: Mapping[str, object], key: str) -> str | None:
    value = mapping.get(key)
    return value if isinstance(value, str) else None


def _str(mapping: Mapping[str, object], key: str) -> str:
    value = mapping.get(key)
    return value if isinstance(value, str) else ""
