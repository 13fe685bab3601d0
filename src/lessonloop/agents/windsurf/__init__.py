"""Windsurf: an agent lessonloop gives lessons to through its rules file only (spec.py)."""
