"""The session files of the pi coding agent (pi-mono's `@mariozechner/pi-coding-agent`), read for
pi and for the agents that write its format: not an adapter, an agent's adapter imports it and
names the agent the sessions are stored under (agents/pi_agent/)."""
