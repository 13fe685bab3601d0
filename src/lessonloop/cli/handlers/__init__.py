"""The handlers of the command line's commands, a module per command or per group of commands with
the same needs (cli/common.resolve_handler imports the one that runs)."""
