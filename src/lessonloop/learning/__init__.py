"""Learning, in one package: the engine that turns a history of calls into lessons (engine/, pure),
its runs over the store (runs/), its state in the store (store/), and learning during a session
from the calls the hooks store (live/). README.md maps the package; docs/lessons.md says what the
lessons are."""
