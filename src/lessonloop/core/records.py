"""The normalized records every capture adapter produces, whatever the agent.

Adapters turn their raw formats into these; the store writes them; analysis reads them back.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# The agent-neutral kinds of tool call (tool_kinds.py: one definition, light enough for the hooks),
# named here too for the adapters and analyzers that build and read records.
from lessonloop.core.tool_kinds import EDIT as EDIT
from lessonloop.core.tool_kinds import FETCH as FETCH
from lessonloop.core.tool_kinds import OTHER as OTHER
from lessonloop.core.tool_kinds import PLAN as PLAN
from lessonloop.core.tool_kinds import READ as READ
from lessonloop.core.tool_kinds import SEARCH as SEARCH
from lessonloop.core.tool_kinds import SHELL as SHELL
from lessonloop.core.tool_kinds import SUBAGENT as SUBAGENT
from lessonloop.core.tool_kinds import TOOL_KINDS as TOOL_KINDS
from lessonloop.core.tool_kinds import WRITE as WRITE


@dataclass(slots=True)
class SessionRecord:
    """One agent context: a main session, or a subagent (parent_id set)."""

    id: str
    agent: str
    kind: str  # main | subagent | compaction
    parent_id: str | None = None
    agent_id: str | None = None
    project: str | None = None
    cwd: str | None = None
    git_branch: str | None = None
    version: str | None = None
    slug: str | None = None
    title: str | None = None
    agent_type: str | None = None
    description: str | None = None
    spawn_tool_use_id: str | None = None
    placeholder: bool = False
    model: str | None = None  # the model the session ran on (its first, when it changed)
    started_at: str | None = None  # when the agent says the session started (else its first record)
    ended_at: str | None = None  # when the agent last updated it (else its last record)


@dataclass(slots=True)
class MessageRecord:
    """A message: a typed prompt, the assistant's text, a correction, a system note, ..."""

    session_id: str
    uuid: str
    parent_uuid: str | None
    seq: int
    ts: str | None
    role: str
    kind: str
    text: str | None
    tool_use_id: str | None = None


@dataclass(slots=True)
class ToolCallRecord:
    """A tool call as the agent made it; its outcome arrives as a ToolResultRecord."""

    id: str
    session_id: str
    message_uuid: str | None
    seq: int
    ts: str | None
    tool: str
    input_json: str | None
    target_path: str | None
    command: str | None
    cwd: str | None = None
    kind: str = OTHER  # one of TOOL_KINDS
    paths: tuple[str, ...] = ()  # every file the call targets when more than one (a patch of several files)


@dataclass(slots=True)
class ToolResultRecord:
    """The outcome of a tool call, paired with it by tool_use_id."""

    tool_use_id: str
    seq: int
    ts: str | None
    ok: bool
    status: str  # ok | error | rejected | interrupted
    exit_code: int | None = None
    error_text: str | None = None
    result_text: str | None = None
    diff: str | None = None
    lines_added: int | None = None
    lines_removed: int | None = None
    subagent_id: str | None = None


@dataclass(slots=True)
class TokenUsageRecord:
    """Token counts of one API response, keyed by (message_id, request_id).

    One meaning for every agent: `input_tokens` is input not read from a cache,
    `cache_read_tokens` input read from it, `cache_creation_tokens` input written to it;
    `output_tokens` is all output, reasoning included (`reasoning_tokens` says how much of it).
    Agents whose "input" includes cached input (Codex, Gemini) have it split by their adapter.
    """

    message_id: str
    request_id: str
    session_id: str
    model: str
    ts: str | None
    input_tokens: int
    output_tokens: int
    cache_creation_tokens: int
    cache_read_tokens: int
    reasoning_tokens: int = 0  # part of output_tokens (Codex, Gemini report it)
    cost_usd: float | None = None  # the cost the agent itself reported (Aider)
    cache_creation_1h_tokens: int = 0  # part of cache_creation_tokens kept for an hour (Claude Code reports it)


@dataclass(slots=True)
class SummaryRecord:
    """A session summary line; it names the last message it covers, not its session."""

    leaf_uuid: str
    summary: str
    seq: int


@dataclass(slots=True)
class FindingRecord:
    """A finding about code: a scanner result, a risky added line, or a failed test.

    severity is one of info, low, medium, high, critical. `session_id` and `tool_use_id` name
    the session and the edit that introduced it, once matched.
    """

    source: str  # builtin | bandit | sarif:<tool name> | junit | runner
    kind: str  # risk (a scanner or built-in rule) | test_failure | run_error (a `lessonloop run` error line)
    rule: str
    severity: str
    path: str | None
    line: int | None
    message: str
    ts: str | None = None  # when it was observed (scan or test run time)
    session_id: str | None = None
    tool_use_id: str | None = None


@dataclass(slots=True)
class Problem:
    """Something in the input that could not be read as expected.

    severity "error": a line (or part of it) was lost or damaged and is stored as a problem;
    severity "notice": format drift (unknown record types or fields), reported, not stored.
    """

    path: str
    line: int | None
    code: str
    detail: str
    severity: str = "error"


@dataclass(slots=True)
class Batch:
    """Records parsed from one chunk of one source file, written in one transaction."""

    sessions: dict[str, SessionRecord] = field(default_factory=dict)
    messages: list[MessageRecord] = field(default_factory=list)
    tool_calls: list[ToolCallRecord] = field(default_factory=list)
    tool_results: list[ToolResultRecord] = field(default_factory=list)
    usage: dict[tuple[str, str], TokenUsageRecord] = field(default_factory=dict)
    summaries: list[SummaryRecord] = field(default_factory=list)
    subagent_links: dict[str, str] = field(default_factory=dict)  # Task tool_use_id -> agent id
    problems: list[Problem] = field(default_factory=list)
    records: int = 0  # lines read as records (parsed JSON objects)
    redactions: int = 0
    # Sessions this batch holds whole from their start: what this file stored of them before is
    # deleted first (a parser that re-reads a session from its restart point; see LineParser).
    replaced_sessions: set[str] = field(default_factory=set)
    # Messages the agent itself took back (a Gemini CLI rewind to a message it names): what this
    # file stored of them, their calls and their token rows are deleted. Nothing else a re-read no
    # longer holds is (store/sessions/kept_rows.py).
    retracted: set[str] = field(default_factory=set)
