"""Giving lessons back: recall, ranking, rendering."""
