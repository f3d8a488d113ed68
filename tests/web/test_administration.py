"""The administrators' pages (A5) and the access log search, on a real database: each change takes
effect at once and is in the log, naming who made it; the search finds what it should."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta

import pytest
from lxml import html as lxml_html
from sqlalchemy import text

from formgen.engine.review import UK
from formgen.web.commands import create_team, create_user, set_team, unlock_user
from formgen.web.extensions import db
from formgen.web.models import AccessEvent, Child, Team, User
from tests.web.conftest import EMAIL, FAILED, PASSWORD, sign_in, submit

ADMIN = "ada.admin@example.org"
AUDITOR = "aud.auditor@example.org"
TEAM = "Eastgate Assessment Team"
NEW_PASSWORD = "a first password for Nia"


@pytest.fixture
def admin(app):
    create_team(app, TEAM)
    create_user(app, ADMIN, "Ada Admin", "administrator", PASSWORD)
    client = app.test_client()
    assert sign_in(client, ADMIN).status_code == 302
    return client


def account(app, email: str) -> User:
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == email))
        db.session.expunge(user)
        return user


def events(app, action: str) -> list[tuple[str | None, str]]:
    """Each logged event with the action: who did it (their email) and the detail, oldest first."""
    with app.app_context():
        found = db.session.scalars(
            db.select(AccessEvent).where(AccessEvent.action == action).order_by(AccessEvent.id)
        )
        return [(event.user.email if event.user else None, event.detail) for event in found]


def errors_of(response) -> list[str]:
    tree = lxml_html.fromstring(response.get_data(as_text=True))
    return [
        " ".join(item.text_content().split())
        for item in tree.xpath("//ul[contains(@class, 'govuk-error-summary__list')]/li")
    ]


def value_of(response, name: str) -> str | None:
    tree = lxml_html.fromstring(response.get_data(as_text=True))
    found = tree.xpath(f"//input[@name='{name}']/@value")
    return found[0] if found else None


def new_account(**changes) -> dict[str, str]:
    return {
        "name": "Nia Newcomer",
        "email": "Nia.Newcomer@example.org",
        "phone": "01632 960123",
        "role": "practitioner",
        "team": "",
        "password": NEW_PASSWORD,
        "password-again": NEW_PASSWORD,
        **changes,
    }


def team_id(app, name: str = TEAM) -> str:
    with app.app_context():
        return str(db.session.scalar(db.select(Team.id).where(Team.name == name)))


def test_an_administrator_adds_an_account_and_its_owner_signs_in(app, admin):
    response = submit(admin, "/administration/users/new", new_account(team=team_id(app)))
    assert response.status_code == 302
    nia = account(app, "nia.newcomer@example.org")
    assert (nia.name, nia.role, nia.phone) == ("Nia Newcomer", "practitioner", "01632 960123")
    assert "Nia Newcomer" in admin.get(response.headers["Location"]).get_data(as_text=True)
    listed = admin.get("/administration/users").get_data(as_text=True)
    assert "nia.newcomer@example.org" in listed and TEAM in listed and "Practitioner" in listed
    client = app.test_client()
    assert sign_in(client, "nia.newcomer@example.org", NEW_PASSWORD).status_code == 302
    assert "Your assessments" in client.get("/").get_data(as_text=True)
    assert events(app, "account_created")[-1] == (
        ADMIN,
        f"Nia Newcomer (nia.newcomer@example.org): Practitioner, {TEAM}",
    )


def test_a_new_account_with_mistakes_is_refused_with_a_message_for_each_and_keeps_what_was_typed(app, admin):
    response = submit(
        admin,
        "/administration/users/new",
        new_account(name="", email="not an address", role="", password="short", **{"password-again": "x"}),
    )
    assert response.status_code == 400
    assert errors_of(response) == [
        "Enter their full name",
        "Enter an email address in the correct format, like name@example.org",
        "Select their role",
        "The password must be 12 characters or more",
    ]
    assert value_of(response, "email") == "not an address" and value_of(response, "phone") == "01632 960123"
    assert value_of(response, "password") is None  # a password is never sent back to the browser
    mismatch = submit(admin, "/administration/users/new", new_account(**{"password-again": "something else"}))
    assert errors_of(mismatch) == ["The passwords do not match: type the same password twice"]
    taken = submit(admin, "/administration/users/new", new_account(email=f" {EMAIL.upper()} "))
    assert errors_of(taken) == [f"There is already an account with the email address {EMAIL}"]
    assert (
        value_of(taken, "name") == "Nia Newcomer" and value_of(taken, "email") == f" {EMAIL.upper()} ".strip()
    )
    manager = submit(admin, "/administration/users/new", new_account(role="manager"))
    assert errors_of(manager) == [
        "Select a team: a practice supervisor or team manager sees their team’s cases"
    ]
    assert 'value="manager" checked' in manager.get_data(as_text=True)
    teamed_admin = submit(
        admin, "/administration/users/new", new_account(role="administrator", team=team_id(app))
    )
    assert errors_of(teamed_admin) == ["Select No team: an administrator sees no cases, so is in no team"]
    unknown_team = submit(admin, "/administration/users/new", new_account(team="99999"))
    assert errors_of(unknown_team) == ["Select a team from the list"]
    with app.app_context():
        assert db.session.scalar(db.select(User).where(User.email == "nia.newcomer@example.org")) is None
    assert all(by is None for by, _ in events(app, "account_created"))  # the fixtures' accounts only


def test_a_change_of_role_and_team_changes_what_they_may_do_at_their_next_click(app, admin, client):
    sam = account(app, EMAIL)
    path = f"/administration/users/{sam.id}"
    assert client.get("/cases/new").status_code == 200
    needs_team = submit(admin, path, {"role": "manager", "team": ""})
    assert needs_team.status_code == 400
    assert errors_of(needs_team) == [
        "Select a team: a practice supervisor or team manager sees their team’s cases"
    ]
    assert submit(admin, path, {"role": "manager", "team": team_id(app)}).status_code == 302
    changed = account(app, EMAIL)
    assert changed.role == "manager" and changed.team_id == int(team_id(app))
    assert client.get("/cases/new").status_code == 403  # a manager opens no cases
    assert "Your team’s assessments" in client.get("/").get_data(as_text=True)
    assert events(app, "role_changed") == [
        (
            ADMIN,
            "Sam Practitioner (sam.practitioner@example.org): "
            "Practitioner → Practice supervisor or team manager",
        )
    ]
    assert events(app, "team_changed") == [
        (ADMIN, f"Sam Practitioner (sam.practitioner@example.org): No team → {TEAM}")
    ]
    page = admin.get(path).get_data(as_text=True)
    assert "Practice supervisor or team manager" in page
    unchanged = submit(admin, path, {"role": "manager", "team": team_id(app)}, follow_redirects=True)
    assert "Nothing was changed" in unchanged.get_data(as_text=True)
    assert len(events(app, "role_changed")) == 1


def test_deactivating_ends_their_session_at_once_and_they_cannot_sign_in_until_reactivated(
    app, admin, client
):
    sam = account(app, EMAIL)
    assert client.get("/").status_code == 200
    response = admin.post(
        f"/administration/users/{sam.id}/deactivate",
        data={"csrf_token": admin.csrf_token("/administration/users")},
    )
    assert response.status_code == 302
    assert not account(app, EMAIL).active
    assert client.get("/").headers["Location"].startswith("/sign-in")  # the open session has ended
    refused = sign_in(app.test_client(), EMAIL, PASSWORD)
    assert refused.status_code == 200 and FAILED in refused.get_data(as_text=True)
    assert "Deactivated" in admin.get("/administration/users").get_data(as_text=True)
    token = admin.csrf_token("/administration/users")
    assert (
        admin.post(f"/administration/users/{sam.id}/reactivate", data={"csrf_token": token}).status_code
        == 302
    )
    assert sign_in(app.test_client(), EMAIL, PASSWORD).status_code == 302
    assert events(app, "deactivated") == [(ADMIN, "Sam Practitioner (sam.practitioner@example.org)")]
    assert events(app, "reactivated") == [(ADMIN, "Sam Practitioner (sam.practitioner@example.org)")]
    with app.app_context():
        failed = db.session.scalars(
            db.select(AccessEvent).where(AccessEvent.action == "sign_in_failed")
        ).all()
        assert [(event.user_id, event.detail) for event in failed] == [(sam.id, "The account is deactivated")]


def test_an_administrator_cannot_deactivate_themselves_nor_take_away_their_own_role(app, admin):
    me = account(app, ADMIN)
    page = admin.get(f"/administration/users/{me.id}").get_data(as_text=True)
    assert "You cannot deactivate your own account" in page and "Deactivate the account" not in page
    token = admin.csrf_token("/administration/users")
    refused = admin.post(f"/administration/users/{me.id}/deactivate", data={"csrf_token": token})
    assert refused.status_code == 400
    assert errors_of(refused) == ["You cannot deactivate your own account. Ask another administrator"]
    demoted = submit(admin, f"/administration/users/{me.id}", {"role": "auditor", "team": ""})
    assert errors_of(demoted) == [
        "You cannot take away your own administrator role. Ask another administrator"
    ]
    assert account(app, ADMIN).role == "administrator" and account(app, ADMIN).active
    assert admin.get("/administration/users").status_code == 200


def test_unlocking_lets_a_locked_out_account_sign_in_at_once(app, admin):
    for _ in range(app.config["SIGN_IN_ATTEMPTS"]):
        sign_in(app.test_client(), EMAIL, "not the password at all")
    assert sign_in(app.test_client(), EMAIL, PASSWORD).status_code == 200  # locked out
    sam = account(app, EMAIL)
    assert "Locked out after too many failed attempts" in admin.get(
        f"/administration/users/{sam.id}"
    ).get_data(as_text=True)
    token = admin.csrf_token("/administration/users")
    unlocked = admin.post(
        f"/administration/users/{sam.id}/unlock", data={"csrf_token": token}, follow_redirects=True
    )
    assert "Sam Practitioner can try to sign in again now" in unlocked.get_data(as_text=True)
    assert sign_in(app.test_client(), EMAIL, PASSWORD).status_code == 302
    assert events(app, "unlocked") == [
        (ADMIN, "Sam Practitioner (sam.practitioner@example.org): was locked out")
    ]


def test_an_administrator_adds_a_team_and_sees_who_is_in_each(app, admin):
    create_user(app, "mo.manager@example.org", "Mo Manager", "manager", PASSWORD, team=TEAM)
    assert (
        submit(admin, "/administration/teams/new", {"name": "  Westgate   Assessment Team "}).status_code
        == 302
    )
    teams = admin.get("/administration/teams").get_data(as_text=True)
    assert (
        "Westgate Assessment Team" in teams
        and "Mo Manager" in teams
        and "Nobody is in this team yet" in teams
    )
    duplicate = submit(admin, "/administration/teams/new", {"name": "westgate assessment team"})
    assert duplicate.status_code == 400
    assert errors_of(duplicate) == ["There is already a team called westgate assessment team"]
    assert value_of(duplicate, "name") == "westgate assessment team"
    assert errors_of(submit(admin, "/administration/teams/new", {"name": " "})) == ["Enter the team’s name"]
    assert events(app, "team_created")[-1] == (ADMIN, "Westgate Assessment Team")


def test_the_authority_page_shows_the_loaded_overlay_and_the_file_to_edit(app, admin):
    page = admin.get("/administration/authority").get_data(as_text=True)
    settings = app.extensions["formgen"].settings
    overlay = settings.spec_dir / "authorities" / f"{settings.authority}.yaml"
    assert str(overlay) in page and str(settings.spec_dir) in page
    assert "Northbrook Borough Council" in page and "London Safeguarding Children Procedures" in page
    assert "edit that file" in page and "restart" in page


def test_the_commands_log_their_changes_as_the_command_line(app):
    create_team(app, TEAM)
    create_user(app, "pat@example.org", "Pat Worker", "practitioner", PASSWORD)
    set_team(app, "pat@example.org", TEAM)
    unlock_user(app, "pat@example.org")
    assert events(app, "team_created") == [(None, f"{TEAM}, by the command line")]
    assert events(app, "account_created")[-1] == (
        None,
        "Pat Worker (pat@example.org): Practitioner, no team, by the command line",
    )
    assert events(app, "team_changed") == [
        (None, f"Pat Worker (pat@example.org): No team → {TEAM}, by the command line")
    ]
    assert events(app, "unlocked") == [
        (None, "Pat Worker (pat@example.org): was not locked out, by the command line")
    ]


def test_signing_in_and_out_is_logged_and_a_failure_never_keeps_what_was_typed(app):
    client = app.test_client()
    assert sign_in(client, EMAIL).status_code == 302
    client.post("/sign-out", data={"csrf_token": client.csrf_token("/")})
    sign_in(app.test_client(), EMAIL, "my typed wrong password")
    sign_in(app.test_client(), "somebody.unknown@example.org", "another typed password")
    sam = account(app, EMAIL)
    with app.app_context():
        logged = [
            (event.action, event.user_id, event.detail)
            for event in db.session.scalars(db.select(AccessEvent).order_by(AccessEvent.id))
            if event.action not in {"viewed", "account_created"}  # the home page; the fixture's account
        ]
        everything = " ".join(
            str(cell) for row in db.session.execute(text("SELECT * FROM access_events")) for cell in row
        )
    assert logged == [
        ("signed_in", sam.id, ""),
        ("signed_out", sam.id, ""),
        ("sign_in_failed", sam.id, "Wrong password"),
        ("sign_in_failed", None, "No account has the address typed"),
    ]
    for typed in ("somebody.unknown", "my typed wrong password", "another typed password"):
        assert typed not in everything


def test_the_access_log_is_searched_by_child_account_and_days(app, admin, client, example_case):
    assert client.get(f"/cases/{example_case}/children/child-tilly").status_code == 200
    with app.app_context():
        tilly = db.session.scalar(db.select(Child).where(Child.key == "child-tilly")).id

    def found(**args) -> list[list[str]]:
        response = admin.get("/administration/access-log", query_string=args)
        assert response.status_code == 200, errors_of(response)
        tree = lxml_html.fromstring(response.get_data(as_text=True))
        return [
            [" ".join(cell.text_content().split()) for cell in row.xpath("td")]
            for row in tree.xpath("//table[@id='events']/tbody/tr")
        ]

    by_name = found(child="tilly")
    assert by_name and all("Tilly Dacres" in row[4] for row in by_name)
    assert (
        by_name[0][1].startswith("Sam Practitioner")
        and by_name[0][2] == "Viewed"
        and by_name[0][3] == example_case
    )
    assert "Task list" in by_name[0][5]
    assert found(child=str(tilly)) == by_name
    assert found(child="no such child") == []
    by_account = found(user=EMAIL.upper())
    assert {row[2] for row in by_account} >= {"Signed in", "Viewed"}
    assert all(row[1].startswith("Sam Practitioner") for row in by_account)
    today = datetime.now(UK).date()  # the log's days are UK days
    yesterday = today - timedelta(days=1)
    days = lambda name, day: {f"{name}-day": day.day, f"{name}-month": day.month, f"{name}-year": day.year}  # noqa: E731
    assert found(child="tilly", **days("from", today), **days("to", today)) == by_name
    assert found(child="tilly", **days("to", yesterday)) == []
    assert found(child="tilly", **days("from", today + timedelta(days=1))) == []
    newest_first = found()
    assert newest_first[0][2] == "Searched the access log"  # the searches themselves are logged
    bad = admin.get(
        "/administration/access-log",
        query_string={
            "from-day": "31",
            "from-month": "2",
            "from-year": "2026",
            "to-day": "1",
            "user": "nobody@example.org",
        },
    )
    assert bad.status_code == 400
    assert errors_of(bad) == [
        "No account has the email address nobody@example.org",
        "The first day must be a real date, for example 27 11 2026",
        "The last day must include a month",
    ]
    backwards = admin.get(
        "/administration/access-log", query_string={**days("from", today), **days("to", yesterday)}
    )
    assert errors_of(backwards) == ["The last day must be the same as or after the first day"]
    assert admin.get("/administration/access-log?page=abc").status_code == 200
    assert admin.get("/administration/access-log?page=999999999999").status_code == 200
    assert events(app, "log_searched")[0] == (ADMIN, "child tilly; page 1")


def test_the_search_is_paginated_a_hundred_at_a_time(app, admin):
    with app.app_context():
        for number in range(105):
            db.session.add(AccessEvent(action="viewed", detail=f"event {number}"))
        db.session.commit()
    first = admin.get("/administration/access-log").get_data(as_text=True)
    assert "1 to 100 of 10" in first and "Page 1 of 2" in first
    second = admin.get("/administration/access-log?page=2").get_data(as_text=True)
    assert "Page 2 of 2" in second and "event 0" in second and "event 104" not in second


def test_the_log_downloads_as_csv_with_formulas_made_harmless_and_the_download_is_logged(app, admin):
    submit(admin, "/administration/users/new", new_account(name='=HYPERLINK("http://example.org","x")'))
    response = admin.get("/administration/access-log.csv", query_string={"user": ADMIN})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="access-log-')
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["When (UK time)", "Who", "Their email address", "What", "Case", "Children", "Detail"]
    created = [row for row in rows[1:] if row[3] == "Account created"]
    assert (
        created[0][6]
        == '\'=HYPERLINK("http://example.org","x") (nia.newcomer@example.org): Practitioner, no team'
    )
    assert created[0][1] == "Ada Admin" and created[0][2] == ADMIN
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    assert events(app, "log_exported") == [(ADMIN, f"account {ADMIN}")]
    refused = admin.get(
        "/administration/access-log.csv", query_string={"to-year": "20x6", "to-month": "1", "to-day": "1"}
    )
    assert refused.status_code == 400 and "The last day must be a real date" in refused.get_data(as_text=True)


def test_only_administrators_manage_accounts_and_auditors_search_the_log(app, admin, client):
    create_user(app, AUDITOR, "Aud Auditor", "auditor", PASSWORD)
    create_user(app, "mo.manager@example.org", "Mo Manager", "manager", PASSWORD, team=TEAM)
    manager = app.test_client()
    sign_in(manager, "mo.manager@example.org")
    auditor = app.test_client()
    sign_in(auditor, AUDITOR)
    sam = account(app, EMAIL)
    for path in (
        "/administration/users",
        "/administration/teams",
        "/administration/authority",
        "/administration/access-log",
        f"/administration/users/{sam.id}",
    ):
        assert client.get(path).status_code == 403, path
        assert manager.get(path).status_code == 403, path
    home = auditor.get("/").get_data(as_text=True)
    assert "Search the access log" in home and "Accounts" not in home
    assert auditor.get("/administration/access-log").status_code == 200
    assert auditor.get("/administration/access-log.csv").status_code == 200
    assert auditor.get("/administration/users").status_code == 403
    token = auditor.csrf_token("/")
    assert (
        auditor.post(f"/administration/users/{sam.id}/deactivate", data={"csrf_token": token}).status_code
        == 403
    )
    assert account(app, EMAIL).active
    admin_home = admin.get("/").get_data(as_text=True)
    assert "/administration/users" in admin_home and "/administration/access-log" in admin_home


def test_an_account_that_does_not_exist_is_not_found(admin):
    token = admin.csrf_token("/administration/users")
    assert admin.get("/administration/users/99999").status_code == 404
    assert admin.post("/administration/users/99999/deactivate", data={"csrf_token": token}).status_code == 404
    assert admin.get("/administration/users/abc").status_code == 404
    assert admin.get("/administration/users/99999999999999999999").status_code == 404
