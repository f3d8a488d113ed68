"""Checks the migrations against the models on a real database: down to before the sign-in throttle
and up again, the schema the migrations make is the one the models describe."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect
from sqlalchemy.pool import NullPool

from formgen.web import models  # noqa: F401 - registers the tables on the metadata
from formgen.web.database import alembic_config, upgrade
from formgen.web.extensions import db


def check_migrations(url: str) -> None:
    upgrade(url)
    assert _differences(url) == []
    command.downgrade(alembic_config(url), "0002")
    tables = _tables(url)
    assert "sign_in_throttles" not in tables and "held_submissions" not in tables
    assert {"failed_sign_ins", "locked_until"} <= tables["users"]
    upgrade(url)
    assert _differences(url) == []
    assert not {"failed_sign_ins", "locked_until"} & _tables(url)["users"]


def _differences(url: str) -> list:
    engine = create_engine(url, poolclass=NullPool)
    with engine.connect() as connection:
        return compare_metadata(MigrationContext.configure(connection), db.metadata)


def _tables(url: str) -> dict[str, set[str]]:
    engine = create_engine(url, poolclass=NullPool)
    with engine.connect() as connection:
        inspector = inspect(connection)
        return {
            name: {column["name"] for column in inspector.get_columns(name)}
            for name in inspector.get_table_names()
        }
