"""The Claude Code hooks: the fast entry point, the handlers, installing them, their failure log."""
