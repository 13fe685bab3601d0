"""Learning's state between runs and what learning reads."""
