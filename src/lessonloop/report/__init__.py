"""Reports for people: tables, timelines and statistics read from the store."""
