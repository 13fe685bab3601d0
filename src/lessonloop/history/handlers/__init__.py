"""The handlers of the history wing's commands (`git ...`, `files ...`), a module per command or per
group of subcommands with the same needs (cli/common.resolve_handler imports the one that runs)."""
