"""Projects: the one rule a value names a stored project by, a folder's project."""
