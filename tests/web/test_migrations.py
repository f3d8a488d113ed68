"""The migrations on SQLite (tests/web/test_postgresql.py runs the same check on PostgreSQL)."""

from unittest import mock

from alembic import command
from lxml import html as lxml_html

from formgen.web import create_app
from formgen.web.commands import create_user, import_case
from formgen.web.database import alembic_config, upgrade
from formgen.web.extensions import db
from formgen.web.models import Case, Revision
from tests.support import draft, load_example
from tests.web.conftest import EMAIL, PASSWORD, sign_in
from tests.web.migrationcheck import check_migrations
from tests.web.pagecheck import CheckedClient


def test_the_migrations_make_the_models_schema_and_go_back_on_sqlite(tmp_path):
    check_migrations(f"sqlite:///{tmp_path / 'formgen.db'}")


# --- 0007: each person's relationship to each child --------------------------------------------


def _as_0006_kept_it(app) -> dict:
    """The sibling group stored as before 0007: each person's relationship once, on the household's
    item (Kai's, say), and none in the children's answers. Returns the household's items as kept."""
    with app.app_context():
        case = db.session.scalar(db.select(Case).where(Case.reference == "EX-SIB-01"))
        said = {entry["id"]: entry for entry in case.child("child-kai").answers["household_members"]}
        household = dict(case.household)
        household["household_members"] = [
            {**person, **{k: v for k, v in said[person["id"]].items() if k != "id"}}
            for person in household["household_members"]
        ]
        case.household = household
        for child in case.children:
            child.answers = {k: v for k, v in child.answers.items() if k != "household_members"}
        for revision in db.session.scalars(db.select(Revision).where(Revision.case_id == case.id)):
            revision.answers = (
                household
                if revision.child_id is None
                else case.child(next(c.key for c in case.children if c.id == revision.child_id)).answers
            )
        db.session.commit()
        return household["household_members"]


def _stored(app) -> tuple[dict, dict[str, dict], list[tuple[str | None, str]]]:
    with app.app_context():
        db.session.expire_all()
        case = db.session.scalar(db.select(Case).where(Case.reference == "EX-SIB-01"))
        keys = {child.id: child.key for child in case.children}
        kept = db.session.scalars(
            db.select(Revision).where(Revision.case_id == case.id).order_by(Revision.id)
        )
        return (
            dict(case.household),
            {child.key: dict(child.answers) for child in case.children},
            [(keys.get(revision.child_id), revision.kind) for revision in kept],
        )


def test_0007_gives_every_child_the_relationships_the_household_said_once_and_runs_once(
    tmp_path, monkeypatch
):
    monkeypatch.setenv("FORMGEN_SECRET_KEY", "test-secret-key")
    check_relationships_move(f"sqlite:///{tmp_path / 'formgen.db'}", tmp_path)


def check_relationships_move(url: str, tmp_path) -> None:
    """Migration 0007 on the database at `url` (tests/web/test_postgresql.py runs it on PostgreSQL)."""
    config = alembic_config(url)
    command.upgrade(config, "0006")
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True}, instance_path=tmp_path)
    app.test_client_class = CheckedClient
    create_user(app, EMAIL, "Sam Practitioner", "practitioner", PASSWORD)
    with mock.patch("formgen.web.summaries.refresh"):  # no summaries before 0008: it works them out
        import_case(app, draft(load_example("sibling-group")), EMAIL, "sibling-group")
    people = _as_0006_kept_it(app)
    _, _, before = _stored(app)

    upgrade(url)
    household, answers, kept = _stored(app)
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
    assert kept[len(before) :] == [
        ("child-tilly", "upgraded"),
        ("child-kai", "upgraded"),
        ("child-poppy", "upgraded"),
        (None, "upgraded"),
    ]

    # The history reads each revision as the answers stood, those kept before 0007 included.
    client = app.test_client()
    sign_in(client)
    tilly = "/cases/EX-SIB-01/children/child-tilly/history"
    first = " ".join(
        lxml_html.fromstring(client.get(f"{tilly}/2").get_data(as_text=True)).text_content().split()
    )
    assert "Marcus Dacres (Father)" in first  # as the household said it then, for all the children
    page = lxml_html.fromstring(client.get(tilly).get_data(as_text=True))
    newest = [
        " ".join(entry.text_content().split())
        for entry in page.xpath("//section[contains(@class, 'app-revision')]")[:2]
    ]
    assert all(
        "Changed when formgen was upgraded" in entry and "No answer changed." in entry for entry in newest
    )

    command.downgrade(config, "0007")  # the summaries (0008) go, and come again with the upgrade
    command.stamp(config, "0006")  # run it again: nothing more to move
    upgrade(url)
    assert _stored(app) == (household, answers, kept)

    command.downgrade(config, "0006")  # back: on the household's items again, without its revisions
    household, answers, kept = _stored(app)
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
    command.upgrade(config, "0008")
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True}, instance_path=tmp_path)
    app.test_client_class = CheckedClient
    create_user(app, EMAIL, "Sam Practitioner", "practitioner", PASSWORD)
    import_case(app, draft(load_example("sibling-group")), EMAIL, "sibling-group")
    old = {"child-tilly": "mixed_white_black_caribbean", "child-kai": "arab", "child-poppy": "refused"}
    with app.app_context():  # as 0008 kept them: formgen's own words
        case = db.session.scalar(db.select(Case).where(Case.reference == "EX-SIB-01"))
        for child in case.children:
            child.answers = {**child.answers, "ethnicity": old[child.key]}
            for revision in db.session.scalars(db.select(Revision).where(Revision.child_id == child.id)):
                revision.answers = {**revision.answers, "ethnicity": old[child.key]}
        db.session.commit()
    _, _, before = _stored(app)

    upgrade(url)
    _, answers, kept = _stored(app)
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

    command.stamp(config, "0008")  # run it again: nothing more to convert
    upgrade(url)
    assert _stored(app)[1:] == (answers, kept)

    command.downgrade(config, "0008")
    _, answers, kept = _stored(app)
    assert {key: child["ethnicity"] for key, child in answers.items()} == {
        **old,
        "child-kai": "other_ethnic_group",  # OOTH goes back as the wider of the two it came from
    }
    assert kept == before
    with app.app_context():
        db.engine.dispose()
