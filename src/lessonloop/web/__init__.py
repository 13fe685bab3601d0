"""The local web UI (`lessonloop serve`): lessons to review, sessions to browse, dashboards.

Above the pipeline: it reads the store and the report queries and writes
through the store's curation functions, like a CLI command does. Its dependencies are the `[web]`
extra; nothing on the hook path imports it.
"""
