"""The person's configuration: what the file says (config.py: [projects], [capture], [lessons],
[runner], [retention], [privacy], [analysis]). Where the file is, os only, is
core/config_location.py: the hooks read that alone, without this package."""
