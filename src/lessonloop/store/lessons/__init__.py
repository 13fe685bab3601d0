"""Lessons: kept as learning finds them, read back, curated by people, embedded, recalled."""
