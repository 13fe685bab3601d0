"""Sessions and what they hold: their records written and read back, ids, spans, totals, places, feedback."""
