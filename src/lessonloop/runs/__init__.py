"""The runs wing: `lessonloop run`, the early-exit command runner's command, and what it records
(`lessonloop runs`: list, show, suggest, patterns, cleanup). Imports nothing here: every run starts
through this package (runs/command/)."""
