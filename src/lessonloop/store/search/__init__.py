"""Session search (issue 44, docs/search.md): every agent's prompts, replies, commands, errors,
paths and linked commits, found by their words in the store's FTS5 index (m044_session_search)."""
