"""The database: how formgen's connections to it behave, and creating or upgrading it with the
migrations in formgen/migrations (Alembic).

What an acknowledged save survives (the README says the same):

- SQLite: the write-ahead log (journal_mode=WAL) with synchronous=NORMAL, the default. A save's commit
  is in the log file before formgen answers, so every save the browser was told of survives the
  server's processes being killed (tests/web/test_durability.py kills them with kill -9 mid-save);
  the log reaches the disk (fsync) at each checkpoint, so a power cut or an operating-system crash
  can lose the last saves acknowledged before it, never the database's consistency.
  FORMGEN_SQLITE_SYNCHRONOUS=FULL waits for the disk at every commit and survives a power cut too,
  as far as the disk keeps what it says it has written; it costs an fsync per commit, and every page
  that shows a child's record commits its access-log event (measured here: 0.2 to 4 ms a commit;
  under load, `benchmarks/load.py --against . --against-env FORMGEN_SQLITE_SYNCHRONOUS=FULL`,
  NORMAL served 1.1 to 1.3 times FULL's throughput, interleaved in one run).
  Readers never wait for a writer, and a writer waits for another writer (busy_timeout) instead of
  failing.
- PostgreSQL: its defaults (fsync on, synchronous_commit on): a commit is on disk before it returns,
  so an acknowledged save survives a killed server, a crashed database and a power cut.

One write transaction per save, holding the write lock from its start. A request's reads share one
deferred transaction (`BEGIN`, so a page is drawn from one snapshot); the first statement that writes
ends that read transaction, which holds nothing to keep, and starts `BEGIN IMMEDIATE`, which takes
SQLite's write lock before anything is written. Without this, a transaction that has read and then
writes after another process committed fails at once with SQLITE_BUSY ("database is locked"), whatever
the busy timeout; with it, concurrent savers queue for the lock and each finds, by the version the
page was opened at, whether another save came first. This is SQLAlchemy's documented pysqlite recipe
(the driver's own transaction handling off, `isolation_level = None`, and our own BEGIN from the
"begin" event), with the BEGIN made IMMEDIATE at the first write. A save is therefore read-committed
on SQLite as on PostgreSQL (READ COMMITTED, its default): what decides whether a save may go ahead is
the record's version, checked by the UPDATE itself (`version_id_col`).
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from flask import Flask
from sqlalchemy import Engine, event

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"

# How long a writer waits for another writer's lock before giving up with "database is locked".
BUSY_TIMEOUT_MS = 10_000
# Statements that change the database (or might, as a savepoint is taken to be rolled back to).
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "DROP", "ALTER", "SAVEPOINT")
_WRITING = "formgen_writing"  # in a DBAPI connection's info: its transaction holds the write lock


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str) -> None:
    """Bring the database at `url` to the newest schema; safe to run every start."""
    command.upgrade(alembic_config(url), "head")


def configure_sqlite(dbapi_connection, synchronous: str) -> None:
    """The pragmas every SQLite connection formgen opens runs with (the migrations' included)."""
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")  # first: changing the journal waits too
        cursor.execute("PRAGMA journal_mode = WAL")  # kept in the file; cheap to ask again
        cursor.execute(f"PRAGMA synchronous = {synchronous}")  # per connection; NORMAL or FULL
    finally:
        cursor.close()


def prepare(engine: Engine, synchronous: str) -> None:
    """Make an engine's SQLite connections behave as the module's docstring says (PostgreSQL's need
    nothing: READ COMMITTED and a durable commit are its defaults)."""
    if engine.dialect.name != "sqlite":
        return
    assert synchronous in ("NORMAL", "FULL"), synchronous  # checked by formgen.web.config

    @event.listens_for(engine, "connect")
    def connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None  # pysqlite begins nothing itself: "begin" below does
        configure_sqlite(dbapi_connection, synchronous)

    @event.listens_for(engine, "begin")
    def begin(connection) -> None:
        connection.connection.info[_WRITING] = False
        connection.exec_driver_sql("BEGIN")

    @event.listens_for(engine, "before_cursor_execute")
    def before_write(connection, cursor, statement, _parameters, _context, _executemany) -> None:
        info = connection.connection.info
        if info.get(_WRITING, True) or not statement.lstrip()[:9].upper().startswith(_WRITES):
            return  # already writing, outside a transaction of ours, or only reading
        dbapi_connection = cursor.connection
        # Nothing has been written in this transaction: ending it loses nothing, and the write
        # transaction that follows takes the lock first and then reads the newest commit.
        dbapi_connection.execute("COMMIT")
        dbapi_connection.execute("BEGIN IMMEDIATE")
        info[_WRITING] = True


def after_fork(app: Flask) -> None:
    """In a server's worker process, just after the fork: the connections the parent opened are the
    parent's; this process opens its own (SQLAlchemy's advice for forking)."""
    from formgen.web.extensions import db

    with app.app_context():
        for engine in db.engines.values():
            engine.dispose(close=False)
