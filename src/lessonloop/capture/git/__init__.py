"""Git history as records: commits, their files and hunks, read with real `git` subprocesses
(docs/git.md). Formats only: no store, no analysis; the pipeline stores what this reads
(history/git_ingest.py), and the post-commit hook starts that job in the background."""
