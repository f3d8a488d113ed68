"""The migrations on SQLite (tests/web/test_postgresql.py runs the same check on PostgreSQL)."""

from tests.web.migrationcheck import check_migrations


def test_the_migrations_make_the_models_schema_and_go_back_on_sqlite(tmp_path):
    check_migrations(f"sqlite:///{tmp_path / 'formgen.db'}")
