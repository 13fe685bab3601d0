"""Learning from signals: habit statistics now; lessons, confidence and recall to come."""
