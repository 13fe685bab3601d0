"""The agent-neutral kinds of tool call. Imports nothing: the hooks read it on every call."""

# What analysis, learning and the hooks reason about, beside each agent's own tool name (Claude
# Code's Bash, Codex's exec_command and Aider's /run are all "shell"; Edit, apply_patch, Gemini's
# replace and an Aider edit block are all "edit").
SHELL = "shell"  # a command line run in a shell
READ = "read"  # a file's content read
EDIT = "edit"  # a part of existing files changed (an edit, a patch)
WRITE = "write"  # a whole file written (created or replaced)
SEARCH = "search"  # files or their contents searched or listed
FETCH = "fetch"  # a web page fetched or the web searched
PLAN = "plan"  # the agent's plan or to-do list updated
SUBAGENT = "subagent"  # another agent started for a task
OTHER = "other"
TOOL_KINDS = (SHELL, READ, EDIT, WRITE, SEARCH, FETCH, PLAN, SUBAGENT, OTHER)
CHANGE_KINDS = frozenset({EDIT, WRITE})  # calls that change files
