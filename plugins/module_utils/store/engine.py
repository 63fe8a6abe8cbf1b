# Copyright: isp.network contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where the store is, and sessions on it.

One URL picks the store: an explicit argument (a module's ``store_url``), else the
environment variable ``ISP_NETWORK_STORE_URL``, else a SQLite file in the user's data
directory. Engines are created on first use, never at import time, and the schema is
created or upgraded the first time an engine is handed out in a process.

Write sessions on SQLite start with ``BEGIN IMMEDIATE`` so that two writers queue on the
database lock instead of failing half-way through; on PostgreSQL, services take row locks
(``SELECT ... FOR UPDATE``) where they need to serialise.
"""

from __future__ import annotations

import functools
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError, OperationalError
from sqlmodel import Session

from ansible_collections.isp.network.plugins.module_utils.errors import (
    BusyError,
    StoreError,
    ValidationError,
)

STORE_URL_ENV = "ISP_NETWORK_STORE_URL"
SQLITE_BUSY_TIMEOUT_MS = 30_000
# PostgreSQL SQLSTATEs that mean "run the transaction again": serialization failure,
# deadlock detected, lock not available.
_PG_RETRY_STATES = frozenset({"40001", "40P01", "55P03"})
# A unique violation is retried this often: enough for concurrent creates of one object,
# few enough that a real constraint error surfaces at once.
_INTEGRITY_RETRIES = 3

T = TypeVar("T")

_engines: dict[str, Engine] = {}


class RetryTransaction(Exception):
    """Raised inside a transaction to ask ``run_transaction`` to start it again.

    A service raises it when it lost a race that the database detected (a unique
    constraint caught a concurrent insert); the retry sees the winner's row.
    """


def default_store_path() -> Path:
    """Return the default SQLite file: ``<user data dir>/isp-network/store.db``."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("isp-network", appauthor=False)) / "store.db"


def resolve_store_url(url: str | None = None) -> str:
    """Return the store URL to use: ``url``, else the environment, else the default file.

    Raises ValidationError when the value is not a database URL this collection supports.
    """
    raw = url or os.environ.get(STORE_URL_ENV) or f"sqlite:///{default_store_path()}"
    return _resolve(raw)


@functools.lru_cache(maxsize=64)
def _resolve(raw: str) -> str:
    # Cached: every transaction asks (get_engine), and parsing a URL costs more than a query.
    try:
        parsed = make_url(raw)
    except ArgumentError:
        raise ValidationError(
            f"store URL {_redact(raw)!r} is not a database URL; use sqlite:///PATH or "
            "postgresql://USER:PASSWORD@HOST/DATABASE"
        ) from None
    backend = parsed.get_backend_name()
    if backend == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    elif backend != "sqlite":
        raise ValidationError(
            f"store URL {safe_url(parsed)!r} uses the unsupported backend {backend!r}; "
            "use sqlite:///PATH or postgresql://USER:PASSWORD@HOST/DATABASE"
        )
    return parsed.render_as_string(hide_password=False)


def safe_url(url: str | URL) -> str:
    """Return ``url`` with any password replaced by ``***``, fit for messages and logs."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return _redact(str(url))


def _redact(raw: str) -> str:
    # A string that is not a URL may still hold "user:password@host": keep only the tail.
    return raw.rsplit("@", 1)[-1] if "@" in raw else raw


def is_sqlite(engine: Engine) -> bool:
    """Return True when ``engine`` is a SQLite store."""
    return engine.dialect.name == "sqlite"


def get_engine(url: str | None = None, *, migrate: bool = True) -> Engine:
    """Return the process-wide engine for the store, creating it and its schema on first use."""
    resolved = resolve_store_url(url)
    engine = _engines.get(resolved)
    if engine is None:
        engine = _create_engine(resolved)
        if migrate:
            from ansible_collections.isp.network.plugins.module_utils.store.migrate import (
                ensure_schema,
            )

            ensure_schema(engine)
        _engines[resolved] = engine
    return engine


def dispose_engines() -> None:
    """Close every pooled connection (tests, and forked workers before they start)."""
    for engine in _engines.values():
        engine.dispose()
    _engines.clear()


def _create_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql":
        return create_engine(parsed, pool_pre_ping=True, pool_size=5, max_overflow=5)

    if parsed.database and parsed.database != ":memory:":
        folder = Path(parsed.database).expanduser().parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(
                f"cannot create the folder {str(folder)!r} for the SQLite store "
                f"({exc.strerror or type(exc).__name__}); choose another store_url"
            ) from None
    engine = create_engine(parsed, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy's "begin" event issue BEGIN itself, so writers can use IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        immediate = connection.get_execution_options().get("isp_write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


@contextmanager
def session_scope(url: str | None = None, *, write: bool = True) -> Iterator[Session]:
    """Yield a session in one transaction: committed on success, rolled back on any error.

    ``write=True`` takes the database write lock at the start on SQLite (readers are never
    blocked: the store runs in WAL mode).
    """
    engine = get_engine(url)
    with Session(engine, expire_on_commit=False) as session:
        session.connection(execution_options={"isp_write": write})
        committed = False
        try:
            yield session
            session.commit()
            committed = True
        finally:
            # Any error, and a caller's generator closed early (GeneratorExit), rolls back.
            if not committed:
                session.rollback()


def run_transaction(
    work: Callable[[Session], T],
    url: str | None = None,
    *,
    write: bool = True,
    timeout: float = 30.0,
    what: str = "the store",
) -> T:
    """Run ``work(session)`` in one transaction, again if it lost a race, for up to ``timeout`` s.

    Retries on ``RetryTransaction``, on SQLite's "database is locked" and on PostgreSQL's
    serialization failures and deadlocks, and a few times on a unique-constraint violation
    (another job inserted the same row first; the next attempt sees it). Raises BusyError
    naming ``what`` when time runs out.
    """
    deadline = time.monotonic() + timeout
    delay = 0.01
    conflicts = 0
    while True:
        try:
            with session_scope(url, write=write) as session:
                return work(session)
        except IntegrityError:
            conflicts += 1
            if conflicts > _INTEGRITY_RETRIES:
                raise
        except (RetryTransaction, OperationalError, DBAPIError) as exc:
            if not isinstance(exc, RetryTransaction) and not _is_transient(exc):
                raise
            if time.monotonic() + delay > deadline:
                raise BusyError(
                    f"{what} stayed busy for {timeout:.0f} s (other jobs hold its lock); "
                    "run again, or raise the lock timeout"
                ) from None
            time.sleep(delay)
            delay = min(delay * 2, 0.5)


def _is_transient(exc: DBAPIError) -> bool:
    original = getattr(exc, "orig", None)
    state = getattr(getattr(original, "diag", None), "sqlstate", None) or getattr(
        original, "sqlstate", None
    )
    if state in _PG_RETRY_STATES:
        return True
    return "database is locked" in str(original or exc).lower()
