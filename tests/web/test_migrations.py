"""The migrations on SQLite (tests/web/test_postgresql.py runs the same check on PostgreSQL)."""

from collections.abc import Iterator
from contextlib import contextmanager

from alembic import command
from flask import Flask
from lxml import html as lxml_html
from sqlalchemy import Connection, MetaData, Table, create_engine, select, update
from sqlalchemy.pool import NullPool

from formgen.web import create_app
from formgen.web.commands import create_user, import_case
from formgen.web.database import alembic_config, upgrade
from formgen.web.extensions import db
from tests.support import draft, load_example
from tests.web.conftest import EMAIL, PASSWORD, sign_in
from tests.web.migrationcheck import check_migrations
from tests.web.pagecheck import CheckedClient

REFERENCE = "EX-SIB-01"


def test_the_migrations_make_the_models_schema_and_go_back_on_sqlite(tmp_path):
    check_migrations(f"sqlite:///{tmp_path / 'formgen.db'}")


@contextmanager
def _tables(url: str) -> Iterator[tuple[Connection, dict[str, Table]]]:
    """The case tables as the database's revision made them, read by reflection: the tests stage and
    read what an older formgen kept without today's models, which name columns it did not have."""
    engine = create_engine(url, poolclass=NullPool)
    metadata = MetaData()
    with engine.begin() as connection:
        metadata.reflect(connection, only=("cases", "children", "revisions"))
        yield connection, metadata.tables
    engine.dispose()


def _imported_at(revision: str, url: str, tmp_path) -> Flask:
    """The sibling group as a database at `revision` keeps it: imported by today's formgen, then
    migrated down. Returns the app, which reads the database again once it is upgraded."""
    upgrade(url)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True}, instance_path=tmp_path)
    app.test_client_class = CheckedClient
    create_user(app, EMAIL, "Sam Practitioner", "practitioner", PASSWORD)
    import_case(app, draft(load_example("sibling-group")), EMAIL, "sibling-group")
    with app.app_context():
        db.engine.dispose()
    command.downgrade(alembic_config(url), revision)
    return app


def _stored(url: str) -> tuple[dict, dict[str, dict], list[tuple[str | None, str]]]:
    """The sibling group's household, each child's answers and its revisions (child, kind) in order."""
    with _tables(url) as (connection, tables):
        cases, children, revisions = tables["cases"], tables["children"], tables["revisions"]
        case = connection.execute(select(cases).where(cases.c.reference == REFERENCE)).one()
        rows = connection.execute(select(children).where(children.c.case_id == case.id)).all()
        keys = {row.id: row.key for row in rows}
        kept = connection.execute(
            select(revisions.c.child_id, revisions.c.kind)
            .where(revisions.c.case_id == case.id)
            .order_by(revisions.c.id)
        )
        return (
            dict(case.household),
            {row.key: dict(row.answers) for row in rows},
            [(keys.get(child_id), kind) for child_id, kind in kept],
        )


# --- 0007: each person's relationship to each child --------------------------------------------


def _as_0006_kept_it(url: str) -> list[dict]:
    """Every revision as 0006 kept it too: the downgrade puts each person's relationship back on the
    household's item and takes it out of the children's answers, but leaves the history as it was
    written. Returns the household's items as kept."""
    with _tables(url) as (connection, tables):
        cases, children, revisions = tables["cases"], tables["children"], tables["revisions"]
        case = connection.execute(select(cases).where(cases.c.reference == REFERENCE)).one()
        answers = dict(
            connection.execute(
                select(children.c.id, children.c.answers).where(children.c.case_id == case.id)
            ).all()
        )
        for revision_id, child_id in connection.execute(
            select(revisions.c.id, revisions.c.child_id).where(revisions.c.case_id == case.id)
        ).all():
            connection.execute(
                update(revisions)
                .where(revisions.c.id == revision_id)
                .values(answers=case.household if child_id is None else answers[child_id])
            )
    people = case.household["household_members"]
    assert all({"relationship", "parental_responsibility"} <= set(person) for person in people)
    assert all("household_members" not in kept for kept in answers.values())
    return people


def test_0007_gives_every_child_the_relationships_the_household_said_once_and_runs_once(
    tmp_path, monkeypatch
):
    monkeypatch.setenv("FORMGEN_SECRET_KEY", "test-secret-key")
    check_relationships_move(f"sqlite:///{tmp_path / 'formgen.db'}", tmp_path)


def check_relationships_move(url: str, tmp_path) -> None:
    """Migration 0007 on the database at `url` (tests/web/test_postgresql.py runs it on PostgreSQL)."""
    config = alembic_config(url)
    app = _imported_at("0006", url, tmp_path)
    people = _as_0006_kept_it(url)
    _, _, before = _stored(url)

    upgrade(url)
    household, answers, kept = _stored(url)
    assert [
        set(person) & {"relationship", "parental_responsibility"} for person in household["household_members"]
    ] == [set()] * len(people)
    said = [
        {
            "id": p["id"],
            "relationship": p["relationship"],
            "parental_responsibility": p["parental_responsibility"],
        }
        for p in people
    ]
    assert {key: child["household_members"] for key, child in answers.items()} == {
        "child-tilly": said,
        "child-kai": said,
        "child-poppy": said,
    }
    # A revision of each record it changed, the children's first: the history reads as the answers stand.
    # (0009 then keeps one of each child as it gives them the census's ethnicity codes.)
    children = [("child-tilly", "upgraded"), ("child-kai", "upgraded"), ("child-poppy", "upgraded")]
    assert kept[len(before) :] == [*children, (None, "upgraded"), *children]

    # The history reads each revision as the answers stood, those kept before 0007 included.
    client = app.test_client()
    sign_in(client)
    tilly = "/cases/EX-SIB-01/children/child-tilly/history"
    first = " ".join(
        lxml_html.fromstring(client.get(f"{tilly}/2").get_data(as_text=True)).text_content().split()
    )
    # As the household said it then, once for all the children (the downgrade kept Tilly's word for it).
    assert "Marcus Dacres (Step-parent or parent's partner)" in first
    page = lxml_html.fromstring(client.get(tilly).get_data(as_text=True))
    newest = [
        " ".join(entry.text_content().split())
        for entry in page.xpath("//section[contains(@class, 'app-revision')]")[1:3]  # 0009's first
    ]
    assert all(
        "Changed when formgen was upgraded" in entry and "No answer changed." in entry for entry in newest
    )

    command.downgrade(config, "0007")  # the summaries (0008) go, and come again with the upgrade
    command.stamp(config, "0006")  # run it again: nothing more to move
    upgrade(url)
    assert _stored(url) == (household, answers, kept)

    command.downgrade(config, "0006")  # back: on the household's items again, without its revisions
    household, answers, kept = _stored(url)
    assert household["household_members"] == people
    assert all("household_members" not in child for child in answers.values())
    assert kept == before
    with app.app_context():
        db.engine.dispose()


# --- 0009: the ethnic group as the census's code -----------------------------------------------


def test_0009_gives_each_child_the_census_ethnicity_code_and_goes_back(tmp_path, monkeypatch):
    monkeypatch.setenv("FORMGEN_SECRET_KEY", "test-secret-key")
    url = f"sqlite:///{tmp_path / 'formgen.db'}"
    config = alembic_config(url)
    app = _imported_at("0008", url, tmp_path)
    old = {"child-tilly": "mixed_white_black_caribbean", "child-kai": "arab", "child-poppy": "refused"}
    with _tables(url) as (connection, tables):  # as 0008 kept them: formgen's own words
        children, revisions = tables["children"], tables["revisions"]
        for child_id, key, answers in connection.execute(
            select(children.c.id, children.c.key, children.c.answers)
        ).all():
            connection.execute(
                update(children)
                .where(children.c.id == child_id)
                .values(answers={**answers, "ethnicity": old[key]})
            )
            for revision_id, kept in connection.execute(
                select(revisions.c.id, revisions.c.answers).where(revisions.c.child_id == child_id)
            ).all():
                connection.execute(
                    update(revisions)
                    .where(revisions.c.id == revision_id)
                    .values(answers={**kept, "ethnicity": old[key]})
                )
    _, _, before = _stored(url)

    upgrade(url)
    _, answers, kept = _stored(url)
    assert {key: child["ethnicity"] for key, child in answers.items()} == {
        "child-tilly": "MWBC",
        "child-kai": "OOTH",  # the census counts Arab under any other ethnic group
        "child-poppy": "REFU",
    }
    assert kept[len(before) :] == [(key, "upgraded") for key in old]
    client = app.test_client()
    sign_in(client)
    page = client.get("/cases/EX-SIB-01/children/child-tilly/history").get_data(as_text=True)
    assert "Changed when formgen was upgraded" in page

    command.downgrade(config, "0009")
    command.stamp(config, "0008")  # run it again: nothing more to convert
    upgrade(url)
    assert _stored(url)[1:] == (answers, kept)

    command.downgrade(config, "0008")
    _, answers, kept = _stored(url)
    assert {key: child["ethnicity"] for key, child in answers.items()} == {
        **old,
        "child-kai": "other_ethnic_group",  # OOTH goes back as the wider of the two it came from
    }
    assert kept == before
    with app.app_context():
        db.engine.dispose()
