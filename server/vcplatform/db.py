"""Database URLs, engines, sessions and migrations.

SQLite is the default. Its write transactions start with ``BEGIN IMMEDIATE`` so two
writers queue on the database lock instead of both reading, then one failing at commit.
PostgreSQL writers lock the rows they change with ``SELECT … FOR UPDATE``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

if TYPE_CHECKING:
    import sqlite3

DEFAULT_DB = "./vcplatform.db"
BUSY_TIMEOUT_MS = 30_000


class DatabaseUrlError(ValueError):
    """The --db value is neither a file path nor a sqlite/postgresql URL."""


def default_db() -> str:
    return os.environ.get("VCPLATFORM_DB", DEFAULT_DB)


def normalise_url(db: str) -> str:
    """Accept a file path, ``sqlite:///…``, ``postgresql://…`` or ``postgresql+psycopg://…``."""
    if "://" not in db:
        return f"sqlite:///{Path(db).expanduser().absolute()}"
    try:
        url = make_url(db)
    except Exception as exc:
        raise DatabaseUrlError(f"cannot read database URL {db!r}: {exc}") from exc
    if url.drivername in ("postgresql", "postgres", "postgresql+psycopg"):
        return url.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    if url.drivername in ("sqlite", "sqlite+pysqlite"):
        return db
    raise DatabaseUrlError(
        f"unsupported database {url.drivername!r}: use a file path, sqlite:///PATH "
        "or postgresql://USER@HOST:PORT/DB"
    )


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def make_engine(db: str) -> Engine:
    url = normalise_url(db)
    if url.startswith("sqlite"):
        pool: dict[str, int] = {}
        if make_url(url).database not in (None, "", ":memory:"):
            # Room for every request thread (anyio's pool has 40) to hold a connection.
            pool = {"pool_size": 20, "max_overflow": 40}
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000}, **pool)
        _configure_sqlite(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=20, max_overflow=40)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        # Take over transaction control from the sqlite3 module (see _on_begin).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        if conn.get_execution_options().get("vcplatform_write"):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")


class Database:
    """An engine with a reading and a writing session factory."""

    def __init__(self, db: str) -> None:
        self.url = normalise_url(db)
        self.engine = make_engine(db)
        self._read = sessionmaker(self.engine, expire_on_commit=False)
        self._write = sessionmaker(
            self.engine.execution_options(vcplatform_write=True), expire_on_commit=False
        )

    @property
    def sqlite(self) -> bool:
        return is_sqlite(self.engine)

    @contextmanager
    def reading(self) -> Iterator[Session]:
        with self._read() as session:
            try:
                yield session
            finally:
                session.rollback()

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """A transaction that commits when the block ends without an exception."""
        with self._write() as session, session.begin():
            yield session

    def migrate(self) -> None:
        from vcplatform.migrate import upgrade

        upgrade(self.engine)

    def dispose(self) -> None:
        self.engine.dispose()
