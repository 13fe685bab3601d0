"""The team wing's stored texts, for the store's redaction pass (store/redaction_pass.py, handed
over by the wing's Wing.stored_texts()): its free-text columns with their scopes and its columns
that hold none."""

from __future__ import annotations

TEXT_COLUMNS = (
    ("team_outbox", "item", "prose"),  # what a push sends: JSON, field by field
    ("team_items", "payload", "prose"),  # a pulled command's summary (JSON)
)
KEPT_COLUMNS = {
    # the server's URL and this member's token are needed as they are
    "team_config": "url member token role joined_at last_push_at last_pull_at",
    "team_projects": "project remote url",
    "team_outbox": "item_id kind digest batch queued_at",
    "team_shared": "item_id kind local_key digest pushed_at",
    "team_items": "item_id kind project signature members totals rejected_by pulled_at author",
}
CLEARED_AFTER_PASS: tuple[str, ...] = ()
