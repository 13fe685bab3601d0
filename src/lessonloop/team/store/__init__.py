"""The team wing's part of the store: its tables' migrations, state, tokens file and sync flag."""
