"""The handlers of `lessonloop dataset`'s subcommands (dataset/export_cli.py and quality_cli.py name
them; cli/common.resolve_handler imports the one that runs)."""
