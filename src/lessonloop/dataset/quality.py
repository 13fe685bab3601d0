"""The collection's quality report (`lessonloop dataset quality`, docs/quality.md): pure computations over
what dataset/quality_queries.py reads. `quality_report` ties them together."""

from __future__ import annotations

import math
import re
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from lessonloop.dataset import quality_queries as q

PERCENTILES = (10, 50, 90, 99)
_KIND = re.compile(r"\[REDACTED:([^\]\s]{1,64})\]")
EXAMPLES = 5  # repeated texts shown per duplicate kind
_SHOWN = 80  # characters of a repeated text shown


@dataclass(frozen=True, slots=True)
class Chat:
    agent: str
    session_id: str
    prompt: str | None
    reply: str  # the assistant's texts of the turn, joined ("" when none)


def chats(items: Iterable[q.TimelineItem]) -> list[Chat]:
    """Typed prompts with the assistant text up to the next prompt (items in timeline order, session
    by session); text before a session's first prompt belongs to no chat."""
    out: list[Chat] = []
    current: tuple[str, str, str | None] | None = None
    replies: list[str] = []
    for item in items:
        if current is not None and (item.session_id != current[1] or item.kind == "prompt"):
            out.append(Chat(current[0], current[1], current[2], "\n\n".join(replies)))
            current = None
        if item.kind == "prompt":
            current, replies = (item.agent, item.session_id, item.text), []
        elif current is not None and item.text and item.text.strip():
            replies.append(item.text)
    if current is not None:
        out.append(Chat(current[0], current[1], current[2], "\n\n".join(replies)))
    return out


def percentile(sorted_values: Sequence[int], p: float) -> int:
    """The nearest-rank percentile p (0-100] of sorted values (0 for none)."""
    if not sorted_values:
        return 0
    rank = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


@dataclass(frozen=True, slots=True)
class Distribution:
    """Lengths of one kind of text: count, nearest-rank percentiles, mean and maximum."""

    count: int
    percentiles: dict[int, int]
    mean: float
    max: int

    def to_json(self) -> dict[str, Any]:
        return {
            "count": self.count,
            **{f"p{p}": v for p, v in self.percentiles.items()},
            "mean": round(self.mean, 1),
            "max": self.max,
        }


def distribution(values: Iterable[int]) -> Distribution:
    ordered = sorted(values)
    mean = sum(ordered) / len(ordered) if ordered else 0.0
    return Distribution(
        len(ordered), {p: percentile(ordered, p) for p in PERCENTILES}, mean, ordered[-1] if ordered else 0
    )


@dataclass(frozen=True, slots=True)
class Repeats:
    """Texts stored more than once: how many texts repeat, the extra copies, the most repeated."""

    groups: int
    extra: int
    top: list[tuple[str, int]]

    def to_json(self) -> dict[str, Any]:
        return {
            "groups": self.groups,
            "extra_copies": self.extra,
            "top": [{"text": t, "count": n} for t, n in self.top],
        }


def repeats(texts: Iterable[str | None]) -> Repeats:
    """Non-empty texts (whitespace at the ends ignored) occurring more than once."""
    counts = Counter(t.strip() for t in texts if t and t.strip())
    repeated = [(text, n) for text, n in counts.items() if n > 1]
    repeated.sort(key=lambda item: (-item[1], item[0]))
    top = [(_shorten(text), n) for text, n in repeated[:EXAMPLES]]
    return Repeats(len(repeated), sum(n - 1 for _, n in repeated), top)


def _shorten(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= _SHOWN else line[: _SHOWN - 1] + "…"


def duplicate_sessions(chat_list: Sequence[Chat]) -> list[list[str]]:
    """Main sessions of the same agent whose chats, in order, are the same (the same prompts and the
    same replies, at least one prompt not empty): the same conversation stored under several ids.
    Groups of ids, sorted."""
    prompts: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    for chat in chat_list:
        prompts[(chat.agent, chat.session_id)].append(((chat.prompt or "").strip(), chat.reply.strip()))
    groups: dict[tuple[str, tuple[tuple[str, str], ...]], list[str]] = defaultdict(list)
    for (agent, session_id), texts in prompts.items():
        if any(prompt for prompt, _reply in texts):
            groups[(agent, tuple(texts))].append(session_id)
    return sorted(sorted(ids) for ids in groups.values() if len(ids) > 1)


def redaction_counts(texts: Iterable[tuple[str, str, str]]) -> dict[str, dict[str, int]]:
    """`[REDACTED:<kind>]` markers per 'table.column' and kind."""
    out: dict[str, Counter[str]] = defaultdict(Counter)
    for table, column, text in texts:
        for kind in _KIND.findall(text):
            out[f"{table}.{column}"][kind] += 1
    return {place: dict(sorted(kinds.items(), key=lambda i: (-i[1], i[0]))) for place, kinds in sorted(out.items())}


@dataclass(slots=True)
class QualityReport:
    project: str | None
    sessions: int = 0  # main sessions with a transcript of their own
    parent_only_sessions: int = 0  # main sessions known only as a subagent's parent: not in `sessions`
    chats: int = 0
    commits: int = 0
    empty: dict[str, Any] = field(default_factory=dict)
    truncated: dict[str, Any] = field(default_factory=dict)
    ingest_problems: dict[str, int] = field(default_factory=dict)
    duplicates: dict[str, Any] = field(default_factory=dict)
    unlinked: dict[str, Any] = field(default_factory=dict)
    redactions: dict[str, dict[str, int]] = field(default_factory=dict)
    lengths: dict[str, Distribution] = field(default_factory=dict)
    per_agent: dict[str, dict[str, Any]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "project": self.project,
            "sessions": self.sessions,
            "parent_only_sessions": self.parent_only_sessions,
            "chats": self.chats,
            "commits": self.commits,
            "empty": self.empty,
            "truncated": self.truncated,
            "ingest_problems": self.ingest_problems,
            "duplicates": self.duplicates,
            "unlinked_commits": self.unlinked,
            "redactions": {
                "total": sum(sum(k.values()) for k in self.redactions.values()),
                "by_column": self.redactions,
            },
            "lengths": {name: d.to_json() for name, d in self.lengths.items()},
            "per_agent": {
                agent: {k: (v.to_json() if isinstance(v, Distribution) else v) for k, v in data.items()}
                for agent, data in self.per_agent.items()
            },
        }


def _blank(text: str | None) -> bool:
    return not text or not text.strip()


def _clipped(text: str | None) -> bool:
    return bool(text) and q.CLIP_MARK in (text or "")


def quality_report(conn: sqlite3.Connection, project: str | None = None) -> QualityReport:
    """The quality report of the store (or of one project's sessions and repositories)."""
    where = q.scope(conn, project)
    report = QualityReport(project)
    chat_list = chats(q.chat_items(conn, where))
    shapes = q.session_shapes(conn, where)
    commits = q.commit_rows(conn, where)
    report.sessions, report.chats, report.commits = len(shapes), len(chat_list), len(commits)
    report.parent_only_sessions = q.parent_only_sessions(conn, where)

    report.empty = {
        "prompts": sum(1 for c in chat_list if _blank(c.prompt)),
        "replies": sum(1 for c in chat_list if _blank(c.reply)),
        "sessions_without_calls": sum(1 for s in shapes if s[2] == 0),
        "sessions_without_prompts": sum(1 for s in shapes if s[3] == 0),
        "commit_messages": sum(1 for c in commits if _blank(c[2])),
    }
    clipped: Counter[str] = Counter()
    for table, column, _text in q.texts_holding(conn, q.CLIP_MARK, where):
        clipped[f"{table}.{column}"] += 1
    report.truncated = {
        "clipped_texts": dict(sorted(clipped.items())),
        "commits_with_capped_hunks": sum(1 for c in commits if c[5]),
        "commit_messages_not_utf8": sum(1 for c in commits if c[6]),
    }
    report.ingest_problems = dict(q.ingest_problems(conn, where))
    report.duplicates = {
        "prompts": repeats(c.prompt for c in chat_list).to_json(),
        "commit_messages": repeats(c[2] for c in commits).to_json(),
        "sessions": [{"sessions": group} for group in duplicate_sessions(chat_list)],
    }
    by_repo: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for root, _hash, _msg, merge, _lines, _capped, _utf8, links in commits:
        counts = by_repo[root]
        counts[0] += 1
        if not links:
            counts[1] += 1
            counts[2] += 0 if merge else 1
    report.unlinked = {
        "commits": sum(c[0] for c in by_repo.values()),
        "unlinked": sum(c[1] for c in by_repo.values()),
        "unlinked_not_merges": sum(c[2] for c in by_repo.values()),
        "by_repository": [
            {"repository": root, "commits": c[0], "unlinked": c[1], "unlinked_not_merges": c[2]}
            for root, c in sorted(by_repo.items())
        ],
    }
    report.redactions = redaction_counts(q.texts_holding(conn, q.REDACTION_MARK, where))
    report.lengths = {
        "prompts": distribution(len(c.prompt or "") for c in chat_list if not _blank(c.prompt)),
        "replies": distribution(len(c.reply) for c in chat_list if not _blank(c.reply)),
        "commit_messages": distribution(len(c[2]) for c in commits if not _blank(c[2])),
        "diff_lines": distribution(c[4] for c in commits),
    }
    report.per_agent = _per_agent(chat_list, shapes)
    return report


def _per_agent(chat_list: Sequence[Chat], shapes: Sequence[tuple[str, str, int, int]]) -> dict[str, dict[str, Any]]:
    agents = sorted({s[1] for s in shapes} | {c.agent for c in chat_list})
    duplicates = duplicate_sessions(chat_list)
    agent_of = {s[0]: s[1] for s in shapes}
    out: dict[str, dict[str, Any]] = {}
    for agent in agents:
        mine = [c for c in chat_list if c.agent == agent]
        sessions = [s for s in shapes if s[1] == agent]
        out[agent] = {
            "sessions": len(sessions),
            "chats": len(mine),
            "empty_prompts": sum(1 for c in mine if _blank(c.prompt)),
            "empty_replies": sum(1 for c in mine if _blank(c.reply)),
            "clipped_prompts": sum(1 for c in mine if _clipped(c.prompt)),
            "clipped_replies": sum(1 for c in mine if _clipped(c.reply)),
            "sessions_without_calls": sum(1 for s in sessions if s[2] == 0),
            "repeated_prompts": repeats(c.prompt for c in mine).extra,
            "duplicate_sessions": sum(len(g) - 1 for g in duplicates if agent_of.get(g[0]) == agent),
            "prompt_length": distribution(len(c.prompt or "") for c in mine if not _blank(c.prompt)),
            "reply_length": distribution(len(c.reply) for c in mine if not _blank(c.reply)),
        }
    return out
