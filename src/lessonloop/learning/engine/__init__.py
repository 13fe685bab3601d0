"""Learning: signals and histories turned into lessons (the lesson model is lesson_model/), habit
statistics, replay and the command-timing model. Pure: no store, no hooks.

The engine: events.py (a call as learning sees it), history.py (calls and corrections in
learning's order), engine.py (the Learner), learning_loop.py (the one loop every way of learning
runs), learner_state.py (the Learner as JSON between runs); the lessons it makes: episodes.py,
general_lessons.py, check_lessons.py, correction_lessons.py (signatures.py,
learnable.py), and batch_lessons.py. How a run over the store uses them, stage by stage:
learning/runs/__init__.py.
"""
