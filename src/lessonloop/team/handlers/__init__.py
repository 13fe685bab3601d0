"""The handlers of `lessonloop team ...`'s subcommands, a module per subcommand or per group of
subcommands with the same needs (team/cli.py names them; cli/common.resolve_handler imports the one
that runs)."""
