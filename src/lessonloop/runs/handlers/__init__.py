"""The handlers of the runs wing's commands (`runs ...`), a module per command or per group of
subcommands with the same needs (cli/common.resolve_handler imports the one that runs)."""
