"""What the agents' hook adapters share (answers, carried warnings, tool names and views, the
plugin's events), and what an adapter is.

The hook entry (apply/hooks/entry.py) is run as `python -I -c RUN --agent=AGENT EVENT [--block]
[--ask]`, EVENT spelled as AGENT names it; its spec's `hook_events[EVENT]` (agents/AGENT/spec.py)
is the handler's event. `hooks install --agent AGENT` installs the events of its spec's `installed`.
Imports nothing: read on every hook's start.

Each agent but claude has a hook adapter, `agents/<agent>/hooks.py`, with the functions the entry calls:
- `payload(event, raw) -> dict | None`: the agent's payload for its `event` as the Claude
  Code-shaped payload the handlers read (session_id, cwd, transcript_path, tool_name and tool_input
  in Claude Code's names: Bash/command, Write/file_path/content, Edit/old_string/new_string, ...;
  prompt; tool_response); None when lessonloop has nothing to do with it.
- `answer(event, output, call) -> (stdout text or None, exit code)`: the handler's Claude
  Code-shaped answer (already redacted; None when it said nothing) as the agent accepts it;
- and, for an agent whose answer depends on the call (a warning kept for the post-call hook, an
  ask remembered), `call_of(event, raw, payload) -> answers.Call | None`: the call a tool event is
  about, which the entry hands to `answer` (no state kept in the module between the two).

Each agent's spec (agents/<agent>/spec.py) says which of its events run which handler, and what was
checked of them.
"""
