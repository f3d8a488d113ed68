"""Alembic environment: migrate the database formgen is configured for (see formgen.web.database)."""

from alembic import context
from sqlalchemy import create_engine, event
from sqlalchemy.pool import NullPool

from formgen.web import models  # noqa: F401 - registers the tables on the metadata
from formgen.web.config import sqlite_synchronous
from formgen.web.database import configure_sqlite
from formgen.web.extensions import db

url = context.config.get_main_option("sqlalchemy.url")
if context.is_offline_mode():
    context.configure(url=url, target_metadata=db.metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    # No pool: the migration's one connection closes with it, leaving nothing open behind.
    engine = create_engine(url, poolclass=NullPool)
    if engine.dialect.name == "sqlite":  # the write-ahead log from the first connection on
        level = sqlite_synchronous()
        event.listen(engine, "connect", lambda connection, _record: configure_sqlite(connection, level))
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=db.metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
