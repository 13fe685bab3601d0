"""The HTML shared by the web UI (lessonloop.web) and the self-contained report
(`lessonloop report --html`): Jinja2 templates, the style sheet, the charts' script and the
vendored chart library (static/vendor/VENDORED.md). Jinja2 comes with the `web` extra."""
