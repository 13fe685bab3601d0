"""The team store: lessons shared through a PostgreSQL database (`lessonloop team ...`).

Beside `apply` and `report`: it reads and writes the local store and talks to the team's server.
The local SQLite store stays the source of truth; pulled lessons land in it, so recall and the
hooks never import this package (no network on a hook). Its dependencies are the `[team]` extra.
"""
