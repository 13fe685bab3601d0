"""Records held back by the capture screen (capture/privacy.py) while their session's project is
not known yet.

A session's first records may name no folder (a Claude Code transcript that opens with a title or a
record without `cwd`, a Codex rollout whose `session_meta` has none): whether its project is
excluded (`capture.exclude_projects`) is known only at the first record that names one. Until
then its records wait here, per main session, and are handed back whole once the session is
allowed, or forgotten once it is excluded; at the end of the file, a session that never named a
folder has nothing an exclusion could match, and its records are handed back.
"""

from __future__ import annotations

from lessonloop.core.records import (
    Batch,
    MessageRecord,
    SessionRecord,
    SummaryRecord,
    TokenUsageRecord,
    ToolCallRecord,
    ToolResultRecord,
)


class HeldRecords:
    """Held records per main session, and which calls and messages they hold (their results and
    summaries follow them)."""

    __slots__ = ("_by_main", "_file_summaries", "calls", "messages")

    def __init__(self) -> None:
        self._by_main: dict[str, Batch] = {}
        # Summaries naming no held message, in a file whose sessions are all held so far.
        self._file_summaries: list[SummaryRecord] = []
        self.calls: dict[str, str] = {}  # held call id -> its main session
        self.messages: dict[str, str] = {}  # held message uuid -> its main session

    def __bool__(self) -> bool:
        return bool(self._by_main or self._file_summaries)

    def mains(self) -> list[str]:
        return list(self._by_main)

    def _of(self, main: str) -> Batch:
        found = self._by_main.get(main)
        if found is None:
            found = self._by_main[main] = Batch()
        return found

    def session(self, main: str, session: SessionRecord) -> None:
        self._of(main).sessions[session.id] = session

    def message(self, main: str, message: MessageRecord) -> None:
        self._of(main).messages.append(message)
        self.messages[message.uuid] = main

    def call(self, main: str, call: ToolCallRecord) -> None:
        self._of(main).tool_calls.append(call)
        self.calls[call.id] = main

    def result(self, main: str, result: ToolResultRecord) -> None:
        self._of(main).tool_results.append(result)

    def usage(self, main: str, key: tuple[str, str], usage: TokenUsageRecord) -> None:
        _put_usage(self._of(main).usage, key, usage)

    def summary(self, main: str | None, summary: SummaryRecord) -> None:
        if main is None:
            self._file_summaries.append(summary)
        else:
            self._of(main).summaries.append(summary)

    def link(self, main: str, tool_id: str, agent: str) -> None:
        self._of(main).subagent_links[tool_id] = agent

    def take(self, main: str) -> Batch | None:
        """The records held for `main`, no longer held (None: none were)."""
        held = self._by_main.pop(main, None)
        if held is not None:
            for call in held.tool_calls:
                self.calls.pop(call.id, None)
            for message in held.messages:
                self.messages.pop(message.uuid, None)
        return held

    def take_file_summaries(self) -> list[SummaryRecord]:
        found, self._file_summaries = self._file_summaries, []
        return found


def prepend(batch: Batch, held: Batch) -> None:
    """Put records held from earlier chunks before `batch`'s own (their order in the file)."""
    batch.sessions = {**held.sessions, **batch.sessions}
    batch.messages[:0] = held.messages
    batch.tool_calls[:0] = held.tool_calls
    batch.tool_results[:0] = held.tool_results
    usage = dict(held.usage)
    for key, row in batch.usage.items():
        _put_usage(usage, key, row)
    batch.usage = usage
    batch.summaries[:0] = held.summaries
    batch.subagent_links = {**held.subagent_links, **batch.subagent_links}


def _put_usage(into: dict[tuple[str, str], TokenUsageRecord], key: tuple[str, str], row: TokenUsageRecord) -> None:
    """One response's usage: its lines repeat it with growing output, the largest is kept."""
    known = into.get(key)
    if known is None or row.output_tokens > known.output_tokens:
        into[key] = row
