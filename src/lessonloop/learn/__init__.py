"""Learning: signals and histories turned into lessons (the lesson model is lesson_model/), habit
statistics, replay and the command-timing model. Pure: no store, no hooks."""
