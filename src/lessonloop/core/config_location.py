"""Where the configuration file is, without reading it: os only, for the hooks."""

from __future__ import annotations

import os

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (the hooks)
if TYPE_CHECKING:
    from collections.abc import Mapping

ENV_CONFIG = "LESSONLOOP_CONFIG"


def config_path(environ: Mapping[str, str] | None = None) -> str:
    """Where the configuration file is: $LESSONLOOP_CONFIG, else the XDG config folder."""
    env = os.environ if environ is None else environ
    explicit = env.get(ENV_CONFIG, "").strip()
    if explicit:
        return os.path.expanduser(explicit)
    base = env.get("XDG_CONFIG_HOME", "").strip()
    if not os.path.isabs(base):  # the XDG spec: a relative value is invalid and ignored
        home = env.get("HOME") or os.path.expanduser("~")
        base = os.path.join(home, ".config")
    return os.path.join(base, "lessonloop", "config.toml")


def config_file_missing(environ: Mapping[str, str] | None = None) -> bool:
    """Whether no configuration file is where config_path() says: config.load_config() would
    then give every default (Config()). A command that needs a setting or two answers from their
    defaults without importing config (typing and its records' classes: milliseconds). Anything
    else there, a folder or a file it cannot read included, is for load_config to read or report."""
    try:
        os.stat(config_path(environ))
    except FileNotFoundError:
        return True
    except (OSError, ValueError):
        return False
    return False
