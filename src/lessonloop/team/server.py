"""The team's server, through psycopg 3: create or migrate the schema, and call its functions.

psycopg is the `team` extra's: imported here only, so nothing else of lessonloop needs it (the
hooks never import this package). Every error comes back as a TeamError saying what to do.
"""

from __future__ import annotations

import math
import os
import secrets
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from lessonloop.core import json_codec
from lessonloop.core.install_hints import extra_install
from lessonloop.secrets.redaction import redact
from lessonloop.team import server_schema
from lessonloop.team.pulled_fields import (
    Unreadable,
    command_payload,
    guarded_loads,
    lesson_payload,
    name_field,
    reason_field,
    shown,
    time_field,
)
from lessonloop.team.store.state import Incoming

if TYPE_CHECKING:
    import psycopg

CONNECT_TIMEOUT_S = 10
# Every call's bounds (SET LOCAL in its transaction): how long it waits for a lock another
# transaction holds (another member's change; $LESSONLOOP_TEAM_LOCK_TIMEOUT seconds when set),
# and how long it may run in all. Past either it fails saying the server is busy, never waits on.
LOCK_TIMEOUT_S = float(server_schema.LOCK_TIMEOUT_S)
STATEMENT_TIMEOUT_S = 120.0
LOCK_TIMEOUT_ENV = "LESSONLOOP_TEAM_LOCK_TIMEOUT"


class TeamError(Exception):
    """Something about the team went wrong, said in plain words."""


class TeamAuthError(TeamError):
    """An unknown member, a wrong token, or a role that does not allow this."""


def shown_url(url: str) -> str:
    """`url` without its password, to print or store in messages. The user information ends at
    the last `@` (a password may hold `/`, `:`, `@`, `?`); anything else secret in the URL (a
    `password=` in its query, a libpq `key=value` string) is redacted as a command line is."""
    scheme, separator, rest = url.partition("://")
    if separator:
        at = rest.rfind("@")
        user, colon, _password = rest[:at].partition(":") if at >= 0 else ("", "", "")
        if colon:
            url = f"{scheme}://{user}:***@{rest[at + 1 :]}"
    return redact(url, "command")[0]


def new_token() -> str:
    """A fresh member token: 32 random bytes, URL-safe text."""
    return "llt_" + secrets.token_urlsafe(32)


def _psycopg() -> Any:
    try:
        import psycopg
    except ImportError as exc:
        raise TeamError(f"the team store needs psycopg: {extra_install('team')}") from exc
    return psycopg


def connect(url: str) -> psycopg.Connection[Any]:
    """A connection to the team's database (TeamError saying why when there is none)."""
    pg = _psycopg()
    try:
        conn: psycopg.Connection[Any] = pg.connect(url, connect_timeout=CONNECT_TIMEOUT_S)
    except pg.Error as exc:
        raise TeamError(f"cannot reach the team's server at {shown_url(url)}: {_first_line(exc)}") from exc
    # json and jsonb read with a depth guard: a value Python's reader cannot walk is Unreadable
    # (team/pulled_fields.py), never a RecursionError that loses the whole page
    pg.types.json.set_json_loads(guarded_loads, conn)
    return conn


def lock_timeout_s() -> float:
    """Seconds a call waits for a lock: $LESSONLOOP_TEAM_LOCK_TIMEOUT when it is a positive
    number, else LOCK_TIMEOUT_S."""
    try:
        value = float(os.environ.get(LOCK_TIMEOUT_ENV, ""))
    except ValueError:
        return LOCK_TIMEOUT_S
    return value if math.isfinite(value) and value > 0 else LOCK_TIMEOUT_S


def _set_timeouts(conn: psycopg.Connection[Any]) -> float:
    """Bound this transaction's waits (SET LOCAL: a pooler keeps no session setting); the lock
    timeout in seconds."""
    lock_s = lock_timeout_s()
    statement_s = max(STATEMENT_TIMEOUT_S, lock_s * 2)
    conn.execute(
        "SELECT pg_catalog.set_config('lock_timeout', %s, true), pg_catalog.set_config('statement_timeout', %s, true)",
        (f"{round(lock_s * 1000)}ms", f"{round(statement_s * 1000)}ms"),
    )
    return lock_s


def _busy(what: str, exc: BaseException, lock_s: float, psycopg: Any) -> TeamError:
    """The TeamError of a call that waited past its bound."""
    if isinstance(exc, psycopg.errors.LockNotAvailable):
        return TeamError(
            f"the team's server is busy: {what} waited more than {lock_s:g} s for a lock another transaction "
            f"holds (another member's push, forget or reject, or a maintenance); try again ({_first_line(exc)})"
        )
    return TeamError(
        f"the team's server is busy: {what} ran longer than {max(STATEMENT_TIMEOUT_S, lock_s * 2):g} s; "
        f"try again ({_first_line(exc)})"
    )


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


@dataclass(frozen=True, slots=True)
class InitResult:
    created: bool  # the schema was made now (else: migrated)
    vectors: bool  # pgvector's column is there
    vector_note: str  # why not, when not
    first_member: str | None  # the maintainer made now
    token: str | None  # their token (shown once)


def init_schema(url: str, member: str | None) -> InitResult:
    """Create or migrate the team schema; with no member yet, make `member` its first maintainer."""
    psycopg = _psycopg()
    conn = connect(url)
    try:
        with conn.transaction():
            # builtins only, for this transaction (a pooler keeps no session setting): a function a
            # login planted in `public` (where members may create before PostgreSQL 15) is never a
            # closer match for a call of ours; every call lessonloop sends is schema-qualified too
            conn.execute("SET LOCAL search_path = pg_catalog, pg_temp")
            _set_timeouts(conn)  # any login may take this advisory lock: init waits a while, not for ever
            conn.execute("SELECT pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('lessonloop_team.schema'))")
            existed = conn.execute(
                "SELECT 1 FROM information_schema.schemata WHERE schema_name = %s", (server_schema.SCHEMA,)
            ).fetchone()
            conn.execute(server_schema.table_statements())
            vector_schema, note = _try_vectors(conn, psycopg)
            vectors = vector_schema is not None
            conn.execute(server_schema.function_statements(vector_schema))
            conn.execute(
                """INSERT INTO lessonloop_team.meta (key, value) VALUES ('schema_version', %s), ('vectors', %s)
                   ON CONFLICT (key) DO UPDATE SET value = excluded.value""",
                (str(server_schema.SCHEMA_VERSION), "yes" if vectors else note),
            )
            token = None
            first = None
            has_members = conn.execute("SELECT 1 FROM lessonloop_team.members LIMIT 1").fetchone()
            if not has_members and member:
                token = new_token()
                conn.execute(
                    """INSERT INTO lessonloop_team.members (name, token_hash, role)
                       VALUES (%s, pg_catalog.encode(pg_catalog.sha256(pg_catalog.convert_to(%s, 'UTF8')), 'hex'),
                               'maintain')""",
                    (member, token),
                )
                first = member
    except psycopg.errors.InsufficientPrivilege as exc:
        raise TeamError(
            f"the database user cannot create the team schema: {_first_line(exc)} "
            "(run `lessonloop team init` as the database's owner)"
        ) from exc
    except (psycopg.errors.LockNotAvailable, psycopg.errors.QueryCanceled) as exc:
        raise _busy("creating the team schema", exc, lock_timeout_s(), psycopg) from exc
    except psycopg.Error as exc:
        raise TeamError(f"cannot create the team schema: {_first_line(exc)}") from exc
    finally:
        conn.close()
    return InitResult(existed is None, vectors, "" if vectors else note, first, token)


def _try_vectors(conn: psycopg.Connection[Any], psycopg: Any) -> tuple[str | None, str]:
    """pgvector's extension and column when the server has it (a savepoint keeps a refusal from
    ending the transaction): (the extension's schema, ""); (None, why) when not."""
    try:
        with conn.transaction():
            conn.execute("CREATE EXTENSION IF NOT EXISTS vector WITH SCHEMA public")
            found = conn.execute(
                """SELECT n.nspname FROM pg_catalog.pg_extension e
                   JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'vector'"""
            ).fetchone()
            schema = str(found[0]) if found else "public"
            conn.execute(server_schema.vector_statements(schema))
    except psycopg.Error as exc:
        return None, f"no pgvector on this server ({_first_line(exc)}): full-text search only"
    return schema, ""


class TeamServer:
    """A member's session with the team's server: one connection, each call its own transaction."""

    def __init__(self, url: str, member: str, token: str) -> None:
        self.url = url
        self.member = member
        self._token = token
        self._pull_function: str | None = None  # pull_items (schema 4), or pull on an older server
        self._psycopg = _psycopg()
        self.conn = connect(url)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> TeamServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _call(self, what: str) -> Iterator[None]:
        errors = self._psycopg.errors
        lock_s = lock_timeout_s()
        try:
            with self.conn.transaction():
                lock_s = _set_timeouts(self.conn)
                yield
        except (errors.LockNotAvailable, errors.QueryCanceled) as exc:
            raise _busy(what, exc, lock_s, self._psycopg) from exc
        except errors.InvalidAuthorizationSpecification as exc:
            raise TeamAuthError(
                f"the team does not know member {self.member!r} with this token: ask a maintainer for one "
                "(`lessonloop team invite NAME`) and join again"
            ) from exc
        except errors.InsufficientPrivilege as exc:
            raise TeamAuthError(f"cannot {what}: {_first_line(exc)}") from exc
        except (errors.UndefinedFunction, errors.InvalidSchemaName) as exc:
            raise TeamError(
                f"the database at {shown_url(self.url)} has no team schema: run `lessonloop team init URL` first"
            ) from exc
        except self._psycopg.Error as exc:
            raise TeamError(f"cannot {what}: {_first_line(exc)}") from exc

    def role(self) -> str:
        with self._call("check the member"):
            row = self.conn.execute("SELECT lessonloop_team.member_role(%s, %s)", (self.member, self._token)).fetchone()
        return str(row[0]) if row else ""

    def push(self, batch_id: str, items: Sequence[dict[str, Any]]) -> int:
        """Send one batch; the number of items that changed the server, or -1 when it had the batch."""
        with self._call("push"):
            row = self.conn.execute(
                "SELECT lessonloop_team.push(%s, %s, %s, %s::jsonb)",
                (self.member, self._token, batch_id, json_codec.dumps(list(items))),
            ).fetchone()
        return int(row[0]) if row else 0

    def pull(self, after: int, limit: int) -> PulledPage:
        """The items changed after `after`, in the server's order, at most `limit`; an item that
        does not parse (a count that is not a finite number, a field of the wrong type: a
        server made by another program, or a member's push before the server checked) is
        skipped with what is wrong, and the page's last change number passes it."""
        with self._call("pull"):
            if self._pull_function is None:  # a server not brought up to schema 4 has only `pull`
                found = self.conn.execute(
                    "SELECT pg_catalog.to_regprocedure('lessonloop_team.pull_items(text,text,bigint,integer)')"
                ).fetchone()
                self._pull_function = "pull_items" if found and found[0] is not None else "pull"
            rows = self.conn.execute(
                f"SELECT * FROM lessonloop_team.{self._pull_function}(%s, %s, %s, %s)",
                (self.member, self._token, after, limit),
            ).fetchall()
        page = PulledPage(rows=len(rows), last_seq=max((int(r[0]) for r in rows), default=after))
        for r in rows:
            try:
                page.items.append(incoming(r))
            except (TypeError, ValueError, OverflowError) as exc:
                page.skipped.append(f"item {shown(r[1])} (change {shown(r[0], 20)}): {exc}")
        return page

    def forget(self) -> int:
        with self._call("forget"):
            row = self.conn.execute("SELECT lessonloop_team.forget(%s, %s)", (self.member, self._token)).fetchone()
        return int(row[0]) if row else 0

    def reject(self, item_id: str, reason: str | None) -> bool:
        with self._call("reject"):
            row = self.conn.execute(
                "SELECT lessonloop_team.reject(%s, %s, %s, %s)", (self.member, self._token, item_id, reason)
            ).fetchone()
        return bool(row and row[0])

    def add_member(self, name: str, role: str) -> str:
        """Add (or give a new token to) member `name`; returns their token, shown once."""
        token = new_token()
        with self._call("add a member"):
            self.conn.execute(
                "SELECT lessonloop_team.add_member(%s, %s, %s, %s, %s)", (self.member, self._token, name, token, role)
            )
        return token

    def status(self) -> dict[str, Any]:
        with self._call("read the team's status"):
            row = self.conn.execute("SELECT lessonloop_team.status(%s, %s)", (self.member, self._token)).fetchone()
        if row is None:
            return {}
        if not isinstance(row[0], dict):
            raise TeamError(f"the team's server sent a status that is not an object: {str(row[0])[:80]}")
        return dict(row[0])

    def search(self, text: str, limit: int) -> list[dict[str, Any]]:
        """The team's lessons matching `text` (PostgreSQL full-text search), best first."""
        with self._call("search"):
            rows = self.conn.execute(
                "SELECT * FROM lessonloop_team.search(%s, %s, %s, %s)", (self.member, self._token, text, limit)
            ).fetchall()
        return _hits(rows)

    def similar(self, vector: Sequence[float], model: str, limit: int) -> list[dict[str, Any]]:
        """The team's lessons nearest to `vector` (pgvector's cosine distance) among those embedded
        by `model`, best first. TeamError when the server has no pgvector."""
        try:
            import numpy as np
            from pgvector.psycopg.vector import register_vector_info
        except ImportError as exc:
            raise TeamError(f"searching by meaning needs pgvector's adapter: {extra_install('team')}") from exc
        with self._call("search by meaning"):
            # the type wherever the extension was created (not necessarily on this session's search_path)
            found = self.conn.execute(
                "SELECT pg_catalog.format('%I.%I', n.nspname, t.typname) FROM pg_catalog.pg_type t "
                "JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace WHERE t.typname = 'vector' LIMIT 1"
            ).fetchone()
            info = self._psycopg.types.TypeInfo.fetch(self.conn, found[0]) if found else None
            if info is None:
                raise TeamError("the team's server has no pgvector: search by words (without --meaning)")
            register_vector_info(self.conn, info)
            rows = self.conn.execute(
                "SELECT * FROM lessonloop_team.similar(%s, %s, %s, %s, %s)",
                (self.member, self._token, np.asarray(vector, dtype=np.float32), model, limit),
            ).fetchall()
        return _hits(rows)


MAX_COUNT = 1e12  # no count of a real team comes near: a total above it is not a count


@dataclass(slots=True)
class PulledPage:
    rows: int  # items the server sent
    last_seq: int  # the highest change number among them (the cursor passes skipped items too)
    items: list[Incoming] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # items that did not parse, and why


def incoming(r: Sequence[Any]) -> Incoming:
    """One row of `pull` (or `pull_items`) as an Incoming, every field checked and in the type the
    store writes (team/pulled_fields.py); ValueError saying what is wrong when it does not fit."""
    for name, field_value in (("id", r[1]), ("kind", r[2]), ("project", r[3]), ("signature", r[4])):
        if not isinstance(field_value, str) or len(field_value) > 500:
            raise ValueError(f"its {name} is not text")
    if r[2] not in ("lesson", "command"):
        raise ValueError(f"its kind {shown(r[2])!r} is neither lesson nor command")
    members = r[9] or ()
    if not isinstance(members, list | tuple) or not all(isinstance(m, str) for m in members):
        raise ValueError("its members are not a list of names")
    if not members:  # every contributor forgot it: a tombstone, its texts gone ({}), the copy goes
        payload: dict[str, Any] = {}
    else:
        payload = lesson_payload(r[5] or {}) if r[2] == "lesson" else command_payload(r[5] or {})
    totals = _counts(_object(r[8], "totals"))
    author = name_field(r[12], "author") if len(r) > 12 else None
    member_counts: dict[str, dict[str, float]] = {}
    raw_counts = r[13] if len(r) > 13 else None
    if raw_counts is not None:
        for member, counts in _object(raw_counts, "members' counts").items():
            member_counts[str(member)] = _counts(counts if isinstance(counts, dict) else {})
    member_seen: dict[str, tuple[str | None, str | None]] = {}
    raw_seen = r[14] if len(r) > 14 else None
    if raw_seen is not None:
        for member, times in _object(raw_seen, "members' times").items():
            pair = tuple(times) if isinstance(times, list) and len(times) == 2 else (None, None)
            member_seen[str(member)] = (_member_time(pair[0]), _member_time(pair[1]))
    return Incoming(
        seq=int(r[0]),
        item_id=r[1],
        kind=r[2],
        project=r[3],
        signature=r[4],
        payload=payload,
        rejected_by=name_field(r[6], "rejection's author"),
        reject_reason=reason_field(r[7]),
        totals=totals,
        members=tuple(members),
        first_seen=time_field(r[10], "first seen"),
        last_seen=time_field(r[11], "last seen"),
        author=author,
        member_counts=member_counts,
        member_seen=member_seen,
    )


def _member_time(value: Any) -> str | None:
    """One member's own first or last seen: a time, or None when it is not one (one member's bad
    time does not make the item unreadable for everyone)."""
    try:
        return time_field(value, "time")
    except ValueError:
        return None


def _object(value: Any, what: str) -> dict[str, Any]:
    """A JSON object of the server's ({} for None); ValueError when it is anything else."""
    if value is None:
        return {}
    if isinstance(value, Unreadable):
        raise ValueError(f"its {what} are {value.why}")
    if not isinstance(value, dict):
        raise ValueError(f"its {what} are not an object")
    return value


def _counts(values: dict[str, Any]) -> dict[str, float]:
    """Counts by name; ValueError naming the first that is not a finite number in 0..MAX_COUNT."""
    counts: dict[str, float] = {}
    for name, value in values.items():
        try:
            number = float(value)
        except (TypeError, ValueError, OverflowError):
            number = math.nan
        if not math.isfinite(number) or not 0 <= number <= MAX_COUNT:
            raise ValueError(f"count {shown(name)!r} is {shown(value)}, not a count")
        counts[str(name)] = number
    return counts


def _hits(rows: Sequence[Any]) -> list[dict[str, Any]]:
    """Search results; a row whose texts or members do not fit (team/pulled_fields.py) is left out."""
    hits: list[dict[str, Any]] = []
    for r in rows:
        try:
            payload = lesson_payload(r[3] or {}) if r[1] == "lesson" else command_payload(r[3] or {})
        except ValueError:
            continue
        members = r[4] or ()
        if not isinstance(members, list | tuple) or not all(isinstance(m, str) for m in members):
            continue
        hits.append(
            {"id": r[0], "kind": r[1], "project": r[2], "payload": payload, "members": list(members)}
            | {"rank": round(float(r[5]), 4)}
        )
    return hits
