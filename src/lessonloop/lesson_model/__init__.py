"""What a lesson is: its record and evidence (lesson.py), the trigger that says when it applies
(triggers.py) and its confidence, decay and tiers (confidence.py). The store persists lessons by
this model, learning (learning/engine/) makes them, the hooks and recall (apply/) match and rank them."""
