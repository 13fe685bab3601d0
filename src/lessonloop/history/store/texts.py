"""The history wing's stored texts, for the store's redaction pass (store/redaction_pass.py,
handed over by the wing's Wing.stored_texts()): its free-text columns with their scopes, its
columns that hold none, and the tables learned from texts, cleared after a pass."""

from __future__ import annotations

TEXT_COLUMNS = (
    ("git_commits", "subject", "prose"),
    ("git_commits", "message", "prose"),
    ("git_hunks", "header", "code"),
    ("git_hunks", "text", "code"),
)
KEPT_COLUMNS = {
    "git_author_salt": "salt",
    "git_repositories": "root common_dir tips first_read_at read_at",
    # author_name: a person's name as git has it (the address is never stored: author_key)
    "git_commits": "hash parents branch author_name author_key authored_at committed_at cc_type cc_scope read_at",
    "git_commit_files": "hash path old_path status",
    "git_hunks": "hash",
    "git_commit_links": "hash session_id evidence tool_use_id",
    "git_rollbacks": "hash by_hash evidence",
    # the model's state is a BLOB of words of the texts above: cleared by the pass, learned again
    "file_models": "key chats_until updated_at",
}
# File prediction's models hold words of commit messages and prompts as they were: cleared after
# a pass, learned again from the texts just redacted (docs/files.md).
CLEARED_AFTER_PASS = ("file_models",)
