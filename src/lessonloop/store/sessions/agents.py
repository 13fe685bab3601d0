"""Which agent an agent value names: the rule the command line's --agent and the web UI's ?agent
share. An agent is known when lessonloop reads it (capture/agents.py) or the store holds sessions
of it; any other value is UnknownAgent, whose message names the known agents."""

from __future__ import annotations

import sqlite3


class UnknownAgent(LookupError):
    """An agent value that names no agent lessonloop reads nor one the store holds sessions of;
    `known` are the agents it could have named."""

    def __init__(self, given: str, known: list[str]) -> None:
        self.given = given
        self.known = known
        super().__init__(f"unknown agent {given!r}; the agents known are: {', '.join(known)}")


def _known_agents(conn: sqlite3.Connection) -> list[str]:
    """The agents lessonloop reads and those the store holds sessions of, sorted."""
    from lessonloop.capture.agents import agents

    stored = [str(row[0]) for row in conn.execute("SELECT DISTINCT agent FROM sessions WHERE agent IS NOT NULL")]
    return sorted({*agents(), *stored})


def resolve_agent(conn: sqlite3.Connection, given: str | None) -> str | None:
    """`given` stripped when it names a known agent (None for no value); UnknownAgent otherwise."""
    if given is None or not given.strip():
        return None
    from lessonloop.core.agent_names import store_agent

    agent = store_agent(given)  # `claude`, the hooks' name, is claude-code
    if conn.execute("SELECT 1 FROM sessions WHERE agent = ? LIMIT 1", (agent,)).fetchone():
        return agent  # stored: known without reading which agents lessonloop reads (its adapters' registry)
    known = _known_agents(conn)
    if agent not in known:
        raise UnknownAgent(agent, known)
    return agent
