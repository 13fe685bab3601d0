"""Secrets: recognised and redacted before anything is stored, and again before it leaves the store."""
