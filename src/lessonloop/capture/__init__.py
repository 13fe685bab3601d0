"""Capture: adapters that turn each source's raw format into normalized records."""
