"""One tool call with its outcome, as analysis reads it (re-exported by analyze/inputs.py).

A plain class with slots, not a dataclass: a failure's PostToolUse hook builds one to classify
the error (analyze/error_classes.py), and `dataclasses` (with inspect, ast, dis, tokenize) and
`typing` cost a hook process milliseconds of imports. It behaves as the dataclass it was
(`@dataclass(slots=True, eq=False)`): the same fields, defaults and repr, equality by identity;
`replaced` is `dataclasses.replace`.
"""

from __future__ import annotations

from lessonloop.core.tool_kinds import OTHER

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (the hooks)
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

    from lessonloop.analyze.inputs import Ref

# The fields in their order (the constructor's positional order, the repr's order).
FIELDS = (
    "id", "context_id", "seq", "ts", "tool", "input", "target_path", "command", "cwd", "status", "exit_code",
    "error_text", "result_text", "result_seq", "result_ts", "diff", "subagent_id", "kind", "paths",
)  # fmt: skip


class Call:
    """One tool call with its outcome."""

    __slots__ = FIELDS

    def __init__(
        self,
        id: str,  # tool_use_id
        context_id: str,  # the agent context that made it (a subagent is "<session>/<agentId>")
        seq: int,  # transcript line of the call (comparable with other seqs of the same context)
        ts: str | None,  # canonical UTC "YYYY-MM-DDTHH:MM:SS.mmmZ"; sortable as text
        tool: str,  # the agent's own tool name (Bash, exec_command, replace, ...)
        input: Mapping[str, Any],  # the tool input, secrets redacted; {} when not stored
        target_path: str | None = None,  # file_path / notebook_path / path from the input
        command: str | None = None,  # a shell command (kind shell), as typed
        cwd: str | None = None,  # working folder when the call was made
        status: str | None = None,  # ok | error | rejected | interrupted; None = no result recorded
        exit_code: int | None = None,
        error_text: str | None = None,  # the error result (status != ok)
        result_text: str | None = None,  # start of a successful result (first 2000 characters)
        result_seq: int | None = None,  # transcript line of the result
        result_ts: str | None = None,
        diff: str | None = None,  # applied diff of an edit tool, unified hunks ("@@ -a,b +c,d @@")
        subagent_id: str | None = None,  # for Task calls: the agent id it started
        kind: str = OTHER,  # the agent-neutral kind: shell, read, edit, write, search, fetch, plan, subagent, other
        paths: tuple[str, ...] = (),  # every file the call targets when it has several (a patch of several files)
    ) -> None:
        self.id = id
        self.context_id = context_id
        self.seq = seq
        self.ts = ts
        self.tool = tool
        self.input = input
        self.target_path = target_path
        self.command = command
        self.cwd = cwd
        self.status = status
        self.exit_code = exit_code
        self.error_text = error_text
        self.result_text = result_text
        self.result_seq = result_seq
        self.result_ts = result_ts
        self.diff = diff
        self.subagent_id = subagent_id
        self.kind = kind
        self.paths = paths

    def __repr__(self) -> str:
        return "Call(" + ", ".join(f"{name}={getattr(self, name)!r}" for name in FIELDS) + ")"

    def replaced(self, **changes: Any) -> Call:
        """A copy with `changes` (dataclasses.replace: an unknown field is a TypeError)."""
        values = {name: getattr(self, name) for name in FIELDS}
        unknown = set(changes) - values.keys()
        if unknown:
            raise TypeError(f"Call has no field {sorted(unknown)[0]!r}")
        values.update(changes)
        return Call(**values)

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def failed(self) -> bool:
        return self.status in ("error", "rejected", "interrupted")

    @property
    def ref(self) -> Ref:
        from lessonloop.analyze.inputs import Ref

        return Ref(self.context_id, self.seq, tool_use_id=self.id)
