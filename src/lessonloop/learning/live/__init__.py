"""Learning during a session: the PostToolUse hook's hand-off (in_session.py) and the worker
that learns what it hands over (worker.py)."""
