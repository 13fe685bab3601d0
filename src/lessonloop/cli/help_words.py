"""Words a help text may hold for what only the agents' specs know, put in when the help is shown
(cli/command_parser.py): building a parser reads no spec."""

DEFAULT_AGENT = "{default-agent}"  # the default agent's name (its spec's `default`: core/agent_spec.py)
AGENT_IDS = "{agent-ids}"  # the ids of the agents read, in their specs' rank
