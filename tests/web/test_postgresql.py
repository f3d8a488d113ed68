"""The same app on PostgreSQL, as DATABASE_URL configures it: migrations, saving, conflicts, export,
and the input PostgreSQL is stricter about than SQLite (NUL in text).

The cluster is a throwaway one (tests/web/postgres.py); each new test has a database of its own.
"""

from __future__ import annotations

import csv
import io
import json
import os
from datetime import UTC, datetime

import pytest
from sqlalchemy import text as sql

from formgen.engine.review import Restriction
from formgen.web import create_app
from formgen.web.commands import create_team, create_user, import_case
from formgen.web.database import upgrade
from formgen.web.extensions import db
from formgen.web.models import AccessEvent, Case
from tests.support import draft, load_example
from tests.web.conftest import EMAIL, FAILED, PASSWORD, form_token, sign_in, submit
from tests.web.migrationcheck import check_migrations
from tests.web.pagecheck import CheckedClient, form_values
from tests.web.routes import assert_control_characters_are_not_found
from tests.web.served import Browser, serving
from tests.web.test_held import TYPED, held_id, page, read_held, send_after_timeout
from tests.web.test_history import REWRITES, assert_the_log_cannot_be_rewritten
from tests.web.test_migrations import check_relationships_move


def test_the_wizard_saves_refuses_a_conflict_and_exports_on_postgresql(postgres_url, tmp_path, monkeypatch):
    monkeypatch.setenv("FORMGEN_SECRET_KEY", "test-secret-key")
    monkeypatch.setenv("DATABASE_URL", postgres_url)
    upgrade(postgres_url)
    upgrade(postgres_url)  # running the migrations again changes nothing
    app = create_app(instance_path=tmp_path)
    assert app.config["SQLALCHEMY_DATABASE_URI"] == postgres_url
    app.test_client_class = CheckedClient
    create_user(app, EMAIL, "Sam Practitioner", "practitioner", PASSWORD)
    reference = import_case(app, draft(load_example("sibling-group")), EMAIL, "sibling-group")
    first, second = app.test_client(), app.test_client()
    sign_in(first)
    sign_in(second)

    path = f"/cases/{reference}/household/family/family_functioning"
    page = {"wider_family_support": "Grandmother nearby", "family_group_conference": "arranged"}
    stale = second.get(path)
    assert submit(first, path, {**page, "family_history": "Saved on PostgreSQL & kept"}).status_code == 302
    version = stale.get_data(as_text=True).split('name="version" value="')[1].split('"')[0]
    token = second.csrf_token(path)
    refused = second.post(
        path, data={"csrf_token": token, "version": version, **page, "family_history": "Stale"}
    )
    assert refused.status_code == 409
    assert "You saved this page in another window" in refused.get_data(as_text=True)

    exported = first.get(f"/cases/{reference}/case-file.json").get_json()
    assert exported["household"]["family_history"] == "Saved on PostgreSQL & kept"
    drafted = draft(load_example("sibling-group")).model_dump(mode="json", exclude_none=True)["children"]
    assert exported["children"] == drafted
    # Every view was logged, and the log refuses to be rewritten, emptied or truncated.
    with app.app_context():
        assert db.session.scalar(sql("SELECT count(*) FROM access_events WHERE action = 'exported'")) == 1
        assert_the_log_cannot_be_rewritten(*REWRITES, "TRUNCATE access_events CASCADE")
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def postgres_app(postgres_database, tmp_path, monkeypatch):
    monkeypatch.setenv("FORMGEN_SECRET_KEY", "test-secret-key")
    upgrade(postgres_database)
    app = create_app({"SQLALCHEMY_DATABASE_URI": postgres_database, "TESTING": True}, instance_path=tmp_path)
    app.test_client_class = CheckedClient
    create_user(app, EMAIL, "Sam Practitioner", "practitioner", PASSWORD)
    yield app
    with app.app_context():
        db.engine.dispose()


def test_the_migrations_make_the_models_schema_and_go_back_on_postgresql(postgres_database):
    check_migrations(postgres_database)


def test_0007_moves_each_persons_relationships_into_every_childs_answers_on_postgresql(
    postgres_database, tmp_path, monkeypatch
):
    monkeypatch.setenv("FORMGEN_SECRET_KEY", "test-secret-key")
    check_relationships_move(postgres_database, tmp_path)


@pytest.mark.parametrize("character", ["\x00", "\x1f"])
def test_a_control_character_in_the_email_gets_the_one_message_on_postgresql(postgres_app, character):
    client = postgres_app.test_client()
    response = sign_in(client, EMAIL.replace("@", f"{character}@"), PASSWORD)
    assert response.status_code == 200 and FAILED in response.get_data(as_text=True)


def test_a_control_character_in_any_part_of_a_url_is_not_found_on_postgresql(postgres_app):
    import_case(postgres_app, draft(load_example("sibling-group")), EMAIL, "sibling-group")
    client = postgres_app.test_client()
    sign_in(client)
    assert assert_control_characters_are_not_found(postgres_app, client) >= 4 * 20


def test_a_page_kept_after_a_timeout_keeps_what_postgresql_text_refuses(postgres_app):
    reference = import_case(postgres_app, draft(load_example("sibling-group")), EMAIL, "sibling-group")
    client = postgres_app.test_client()
    sign_in(client)
    typed = {**TYPED, "family_history": "Pasted from another system\x00 with a NUL in it"}
    assert send_after_timeout(client, page(reference), typed).headers["Location"] == "/sign-in"
    location = sign_in(client).headers["Location"]
    kept = read_held(postgres_app, client, location, held_id(location))
    assert kept["family_history"] == typed["family_history"]


def test_the_access_log_search_and_a_restricted_case_on_postgresql(postgres_app):
    app = postgres_app
    create_user(app, "ade.admin@example.org", "Ade Admin", "administrator", PASSWORD)
    import_case(app, draft(load_example("sibling-group")), EMAIL, "sibling-group")
    worker, admin = app.test_client(), app.test_client()
    sign_in(worker)
    sign_in(admin, "ade.admin@example.org")
    assert worker.get("/cases/EX-SIB-01/children/child-tilly").status_code == 200

    found = admin.get("/administration/access-log?child=tILLY")  # part of a name, any case of letters
    assert found.status_code == 200 and "Task list" in found.get_data(as_text=True)
    exported = admin.get("/administration/access-log.csv?child=tilly")
    rows = list(csv.reader(io.StringIO(exported.data.decode("utf-8-sig"))))
    assert rows[0][0] == "When (UK time)" and any("Tilly Dacres" in cell for row in rows[1:] for cell in row)
    assert admin.get("/administration/access-log?child=%25").status_code == 200  # a wildcard is only text

    # Restricted to the worker: still theirs on their home page (the JSON null and the named people are
    # read by PostgreSQL's SQL), and refused, with the refusal logged, to anyone else.
    create_user(app, "cal.colleague@example.org", "Cal Colleague", "practitioner", PASSWORD)
    with app.app_context():
        case = db.session.scalar(db.select(Case).where(Case.reference == "EX-SIB-01"))
        case.restriction = Restriction(
            by=case.worker.as_person(), at=datetime.now(UTC), reason="A relative."
        ).model_dump(mode="json")
        case.open_to = [case.worker]
        db.session.commit()
    assert "EX-SIB-01" in worker.get("/").get_data(as_text=True)
    colleague = app.test_client()
    sign_in(colleague, "cal.colleague@example.org")
    assert colleague.get("/cases/EX-SIB-01").status_code == 403
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).where(AccessEvent.action == "refused")) == 1


def test_a_distribution_list_and_a_sending_on_postgresql(postgres_app):
    """The list's JSON, a confirmation, a sending, and the home page's one count of every assessment's
    revisions (GROUP BY on PostgreSQL) for business support."""
    app = postgres_app
    create_team(app, "Eastgate Assessment Team")
    for email, role in (
        ("pat.worker@example.org", "practitioner"),
        ("bea.support@example.org", "business_support"),
    ):
        create_user(
            app,
            email,
            email.split("@")[0].replace(".", " ").title(),
            role,
            PASSWORD,
            team="Eastgate Assessment Team",
        )
    case = draft(load_example("sibling-group")).model_copy(update={"distribution": [], "withheld": []})
    import_case(app, case, "pat.worker@example.org", "sibling-group")
    worker, support = app.test_client(), app.test_client()
    sign_in(worker, "pat.worker@example.org")
    sign_in(support, "bea.support@example.org")

    listed = "/cases/EX-SIB-01/distribution"
    mother = {"who": "member-p-mother", "address": "1 Example Road\nNorthbrook", "language": "pl"}
    assert (
        submit(support, f"{listed}/new", {**mother, "format": "word", "receives": "yes"}).status_code == 302
    )
    token, version = form_token(worker, listed)
    confirmed = worker.post(f"{listed}/recipients/r1/confirm", data={"csrf_token": token, "version": version})
    assert confirmed.status_code == 302
    assert "Assessment plan: 1 not yet sent" in support.get("/").get_data(as_text=True)

    page = "/cases/EX-SIB-01/circulation"
    hidden = form_values(support.get(page).get_data(as_text=True))
    sent = support.post(
        f"{page}/sent",
        data={**hidden, "copies": "child-tilly/plan/r1", "method": "post", "translations-known": "yes"},
    )
    assert sent.status_code == 302
    exported = worker.get("/cases/EX-SIB-01/case-file.json").get_json()
    (recipient,) = exported["distribution"]
    assert (recipient["id"], recipient["language"], recipient["confirmed"]["by"]["name"]) == (
        "r1",
        "pl",
        "Pat Worker",
    )
    (sending,) = exported["circulation"]
    assert (sending["recipient"], sending["child"], sending["method"], sending["revision"]) == (
        "r1",
        "child-tilly",
        "post",
        2,  # the household's revision and Tilly's own, both imported
    )
    home = support.get("/").get_data(as_text=True)
    assert "Assessment plan: 1 not yet sent" in home  # Kai's and Poppy's plans still wait
    with app.app_context():
        assert db.session.scalar(sql("SELECT count(*) FROM access_events WHERE action = 'circulated'")) == 1


def test_two_servers_on_one_postgresql_see_each_others_saves_and_conflicts(
    postgres_database, tmp_path, monkeypatch
):
    """Two `formgen serve` processes, each with its own instance folder, share one PostgreSQL and the
    secret key, as two machines behind a load balancer would: a session started on one is good on the
    other, a save on one is what the other shows, and a save from a page opened before it is refused
    on the other as a conflict."""
    monkeypatch.setenv("FORMGEN_SECRET_KEY", "a key both servers are given")
    upgrade(postgres_database)
    app = create_app({"SQLALCHEMY_DATABASE_URI": postgres_database}, instance_path=tmp_path / "setup")
    create_user(app, EMAIL, "Sam Practitioner", "practitioner", PASSWORD)
    reference = import_case(app, draft(load_example("sibling-group")), EMAIL, "sibling-group")
    with app.app_context():
        db.engine.dispose()
    path = f"/cases/{reference}/household/family/family_functioning"
    page = {"wider_family_support": "Grandmother nearby", "family_group_conference": "arranged"}

    def env(name: str) -> dict[str, str]:
        folder = tmp_path / name
        return {**os.environ, "DATABASE_URL": postgres_database, "FORMGEN_INSTANCE_PATH": str(folder)}

    with (
        serving(env("first"), "--workers", "1", "--threads", "2") as first_server,
        serving(env("second"), "--workers", "1", "--threads", "2") as second_server,
    ):
        first, second = Browser(first_server.port), Browser(second_server.port)
        first.sign_in(EMAIL, PASSWORD)
        second.cookies = dict(first.cookies)  # the next request of the same browser lands on the other server
        assert second.get("/")[0] == 200

        opened_on_second = second.opened(path)
        saved = {**page, "family_history": "Saved on the first server"}
        assert first.save(path, saved) == 302
        status, shown = second.get(path)
        assert status == 200 and "Saved on the first server" in shown
        status, exported = second.get(f"/cases/{reference}/case-file.json")
        assert json.loads(exported)["household"]["family_history"] == "Saved on the first server"

        stale = {**page, "family_history": "Typed on the second server from the page opened before"}
        status, refused, _ = second.request(
            "POST",
            path,
            {
                "csrf_token": opened_on_second["csrf_token"],
                "version": opened_on_second["version"],
                **stale,
            },
        )
        assert status == 409 and "You saved this page in another window" in refused
        assert "Typed on the second server" in refused  # what was typed is shown again, not lost
        status, exported = first.get(f"/cases/{reference}/case-file.json")
        assert json.loads(exported)["household"]["family_history"] == "Saved on the first server"
        first.close()
        second.close()


def test_the_lists_summaries_on_postgresql(postgres_app):
    """The summaries a save and an approval step keep, the home page's filters (a date compared in the
    database, the writers' JSON read as text), the manager's list, and the migration that fills them."""
    from alembic import command
    from lxml import html as lxml_html

    from formgen.web.database import alembic_config
    from formgen.web.models import AssessmentSummary

    app = postgres_app
    create_team(app, "Eastgate Assessment Team")
    create_user(
        app, "pat.worker@example.org", "Pat Worker", "practitioner", PASSWORD, team="Eastgate Assessment Team"
    )
    create_user(
        app, "mo.manager@example.org", "Mo Manager", "manager", PASSWORD, team="Eastgate Assessment Team"
    )
    import_case(app, draft(load_example("sibling-group")), "pat.worker@example.org", "sibling-group")
    import_case(app, load_example("pre-birth"), "pat.worker@example.org", "pre-birth")
    worker, manager = app.test_client(), app.test_client()
    sign_in(worker, "pat.worker@example.org")
    sign_in(manager, "mo.manager@example.org")

    def names(client, path="/"):
        page = lxml_html.fromstring(client.get(path).get_data(as_text=True))
        return {
            row.xpath("./td[1]")[0].text_content().strip()
            for row in page.xpath("//table[@id='assessments']/tbody/tr")
        }

    assert len(names(manager)) == 4
    assert names(worker, "/?status=ready") == {"Tilly Dacres", "Kai Dacres", "Poppy Dacres"}
    assert names(worker, "/?status=approved") == {"Unborn baby of Stacey Lowther"}
    assert names(worker, "/?overdue=yes") <= names(worker)

    tilly = "/cases/EX-SIB-01/children/child-tilly"
    token, version = form_token(worker, tilly)
    assert worker.post(f"{tilly}/send", data={"csrf_token": token, "version": version}).status_code == 302
    home = lxml_html.fromstring(manager.get("/").get_data(as_text=True))
    assert "Tilly" in home.get_element_by_id("waiting-for-approval").text_content()
    assert names(manager, "/?status=sent_for_approval") == {"Tilly Dacres"}

    url = app.config["SQLALCHEMY_DATABASE_URI"]
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    command.downgrade(alembic_config(url), "0007")
    upgrade(url)
    with app.app_context():
        stages = dict(
            db.session.execute(db.select(AssessmentSummary.child_name, AssessmentSummary.stage)).all()
        )
    assert stages["Tilly Dacres"] == "sent_for_approval" and len(stages) == 4
