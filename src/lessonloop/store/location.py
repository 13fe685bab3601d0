"""Where the store lives: --db PATH, else $LESSONLOOP_DB, else the XDG data directory; and the
files kept beside it.

`db_path_text` uses os.path only: the hooks resolve the store without importing pathlib.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (the hooks)
if TYPE_CHECKING:
    from pathlib import Path

ENV_DB = "LESSONLOOP_DB"

# Files kept in the store's folder, beside the store; `forget everything` deletes them with it
# (store/forgetting.py).
FAILURE_LOG = "hook-failures.log"  # the hooks' failure log (apply/hooks/failures.py)
SPOOL_FOLDER = "hook-spool"  # hook events waiting for the store's write lock (apply/hooks/spool.py)
# warnings a pre-tool hook left for the post-tool hook of the same call (apply/hooks/kit/carried.py)
CARRIED_FOLDER = "hook-carried"


def db_path_text(environ: Mapping[str, str] | None = None) -> str:
    """$LESSONLOOP_DB, else `$XDG_DATA_HOME/lessonloop/lessonloop.db` (~/.local/share when unset)."""
    env = os.environ if environ is None else environ
    from_env = env.get(ENV_DB)
    if from_env:
        return os.path.expanduser(from_env)
    data_home = env.get("XDG_DATA_HOME") or ""
    if not data_home.strip():
        data_home = os.path.join(env.get("HOME") or os.path.expanduser("~"), ".local", "share")
    return os.path.join(data_home, "lessonloop", "lessonloop.db")


def default_db_path(environ: Mapping[str, str] | None = None) -> Path:
    """`$XDG_DATA_HOME/lessonloop/lessonloop.db`, with ~/.local/share when XDG_DATA_HOME is unset."""
    env = dict(os.environ if environ is None else environ)
    env.pop(ENV_DB, None)
    from pathlib import Path

    return Path(db_path_text(env))


def resolve_db_path(explicit: str | os.PathLike[str] | None, environ: Mapping[str, str] | None = None) -> Path:
    """The store path in order of precedence: the explicit option, $LESSONLOOP_DB, the default."""
    from pathlib import Path

    if explicit:
        return Path(explicit).expanduser()
    return Path(db_path_text(environ))


def resolve_db_path_text(explicit: str | None, environ: Mapping[str, str] | None = None) -> str:
    """`str(resolve_db_path(explicit, environ))`, without importing pathlib when the path is
    written as Path writes it already (no `~` to expand, no `//`, `.` part or trailing `/`): the
    reading commands open the store by it (cli/common.py) and pathlib's import costs them
    milliseconds (with urllib.parse and ipaddress)."""
    text = explicit if explicit else db_path_text(environ)
    if (explicit and text.startswith("~")) or not _written_as_path_writes_it(text):
        return str(resolve_db_path(explicit, environ))
    return text


def _written_as_path_writes_it(text: str) -> bool:
    """Whether `str(Path(text)) == text` (on POSIX; elsewhere not decided here: False)."""
    if os.sep != "/" or os.altsep is not None or not text:
        return False
    if text == ".":
        return True
    body = text[1:] if text.startswith("/") else text
    return body == "" or all(part not in ("", ".") for part in body.split("/"))


def beside(db_path: str, name: str) -> str:
    """The path of `name` in the folder of the store at `db_path` (FAILURE_LOG, SPOOL_FOLDER, CARRIED_FOLDER)."""
    return os.path.join(os.path.dirname(os.path.abspath(db_path)), name)
