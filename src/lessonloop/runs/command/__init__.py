"""`lessonloop run`: its own parser and entry point (entry.py), handed the command line by
__main__ before any CLI import. Imports nothing here: every run starts through this package."""
