"""The person's configuration: where the file is (config_location.py, os only: the hooks read it)
and what it says (config.py: [projects], [capture], [lessons], [runner], [retention], [privacy],
[analysis]). Imports nothing here: the hooks import config_location alone."""
