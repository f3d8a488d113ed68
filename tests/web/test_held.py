"""A page sent after its session ended is kept for its own account, and for nobody else.

The session ends as the clock would end it: its last-activity time is moved back past the idle
timeout. `held_form` is read in a request made with the browser's cookie, through the app's own checks.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from werkzeug.datastructures import MultiDict

from formgen.web.commands import create_user
from formgen.web.extensions import db
from formgen.web.held import held_form
from formgen.web.models import Case, HeldSubmission
from tests.web.conftest import PASSWORD, form_token, sign_in, submit

OTHER = "jordan.caseworker@example.org"
TYPED = {
    "wider_family_support": "Grandmother nearby",
    "family_group_conference": "arranged",
    "family_history": "Typed for forty minutes, then the session ended",
}


def page(reference: str) -> str:
    return f"/cases/{reference}/household/family/family_functioning"


def time_out(client) -> None:
    with client.session_transaction() as session:
        session["seen_at"] -= 31 * 60


def send_after_timeout(client, path: str, data: dict = TYPED):
    """Open the page, let the session time out, then send what was typed."""
    token, version = form_token(client, path)
    time_out(client)
    return client.post(path, data={"csrf_token": token, "version": version, **data})


def held_id(location: str) -> str:
    return parse_qs(urlsplit(location).query)["held"][0]


def read_held(app, client, path: str, identifier: str | None) -> MultiDict | None:
    """held_form as the page at `path` would call it, for whoever the client's cookie signs in."""
    cookie = client.get_cookie("formgen_session").value
    with app.test_request_context(path, headers={"Cookie": f"formgen_session={cookie}"}):
        assert app.preprocess_request() is None  # signed in: the guard lets the request through
        return held_form(identifier)


def saved_history(app, reference: str) -> str:
    with app.app_context():
        return db.session.scalar(db.select(Case).where(Case.reference == reference)).household[
            "family_history"
        ]


def test_a_page_sent_after_a_timeout_is_kept_and_handed_back_to_the_same_account(app, client, example_case):
    path = page(example_case)
    before = saved_history(app, example_case)
    response = send_after_timeout(client, path)
    assert response.status_code == 302 and response.headers["Location"] == "/sign-in"
    assert saved_history(app, example_case) == before  # kept, not saved: the person has not seen it yet
    notice = client.get("/sign-in").get_data(as_text=True)
    assert "We have kept the answers you sent. Sign in again to check them and save them." in notice

    back = sign_in(client)
    assert back.headers["Location"].startswith(f"{path}?held=")
    kept = read_held(app, client, back.headers["Location"], held_id(back.headers["Location"]))
    assert kept.to_dict(flat=False) == {"version": ["1"], **{name: [value] for name, value in TYPED.items()}}


def test_another_account_signing_in_on_the_same_browser_never_gets_the_kept_page(app, client, example_case):
    create_user(app, OTHER, "Jordan Caseworker", "practitioner", PASSWORD)
    path = page(example_case)
    send_after_timeout(client, path)
    with app.app_context():
        identifier = db.session.scalars(db.select(HeldSubmission.id)).one()

    response = sign_in(client, OTHER)
    assert response.headers["Location"] == "/"
    assert read_held(app, client, f"{path}?held={identifier}", identifier) is None
    # The account it belongs to still gets it, from this browser or any other.
    owner = app.test_client()
    sign_in(owner)
    assert (
        read_held(app, owner, f"{path}?held={identifier}", identifier)["family_history"]
        == TYPED["family_history"]
    )


def test_the_kept_page_is_for_its_own_path_and_id_only(app, client, example_case):
    path = page(example_case)
    send_after_timeout(client, path)
    location = sign_in(client).headers["Location"]
    identifier = held_id(location)
    elsewhere = f"/cases/{example_case}/household/family/environment"
    assert read_held(app, client, elsewhere, identifier) is None
    assert read_held(app, client, path, identifier[:-1] + ("A" if identifier[-1] != "A" else "B")) is None
    assert read_held(app, client, path, "not\x00an id") is None
    assert read_held(app, client, path, None) is None


def test_a_kept_page_lapses_with_the_session_lifetime(app, client, example_case):
    path = page(example_case)
    send_after_timeout(client, path)
    identifier = held_id(sign_in(client).headers["Location"])
    with app.app_context():
        held = db.session.get(HeldSubmission, identifier)
        held.created_at -= app.config["SESSION_LIFETIME"]
        db.session.commit()
    assert read_held(app, client, path, identifier) is None
    # The next page kept clears the lapsed ones away.
    send_after_timeout(client, f"/cases/{example_case}/household/family/environment")
    with app.app_context():
        assert db.session.get(HeldSubmission, identifier) is None


def test_saving_the_page_forgets_what_was_kept_and_a_refused_save_does_not(app, client, example_case):
    path = page(example_case)
    send_after_timeout(client, path)
    location = sign_in(client).headers["Location"]
    identifier = held_id(location)
    refused = submit(client, location, {**TYPED, "family_group_conference": "not an option"})
    assert refused.status_code == 400
    assert read_held(app, client, path, identifier) is not None
    assert submit(client, location, TYPED).status_code == 302
    assert saved_history(app, example_case) == TYPED["family_history"]
    assert read_held(app, client, path, identifier) is None


def test_pages_open_in_other_tabs_still_save_after_signing_in_again(app, client, example_case):
    path = page(example_case)
    token, version = form_token(client, path)  # another tab, opened before the timeout
    send_after_timeout(client, path)
    sign_in(client)
    response = client.post(path, data={"csrf_token": token, "version": version, **TYPED})
    assert response.status_code == 302
    assert saved_history(app, example_case) == TYPED["family_history"]


def test_a_page_sent_after_a_timeout_without_its_csrf_token_is_refused_and_not_kept(
    app, client, example_case
):
    path = page(example_case)
    form_token(client, path)
    time_out(client)
    response = client.post(path, data={"csrf_token": "forged", **TYPED})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalars(db.select(HeldSubmission)).all() == []


def test_a_page_sent_after_signing_out_elsewhere_is_not_kept(app, client, example_case):
    path = page(example_case)
    token, version = form_token(client, path)
    time_out(client)
    elsewhere = app.test_client()
    sign_in(elsewhere)
    elsewhere.post("/sign-out", data={"csrf_token": elsewhere.csrf_token("/")})  # ends every session
    # Signing out on purpose ends every session of the account, this one with nothing kept.
    response = client.post(path, data={"csrf_token": token, "version": version, **TYPED})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalars(db.select(HeldSubmission)).all() == []


def test_the_kept_page_shows_what_was_typed_to_be_saved_and_saves_it_on_continue(app, client, example_case):
    path = page(example_case)
    send_after_timeout(client, path)
    landing = sign_in(client).headers["Location"]
    response = client.get(landing)
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "Your answers have not been saved yet" in text
    assert TYPED["family_history"] in text
    assert saved_history(app, example_case) != TYPED["family_history"]  # shown, not yet saved
    response = submit(client, landing, TYPED)
    assert response.status_code == 302
    assert saved_history(app, example_case) == TYPED["family_history"]


def test_a_kept_item_page_and_a_kept_new_case_are_shown_to_be_saved(app, client, example_case):
    item = f"/cases/{example_case}/household/case/household/household_members/new"
    send_after_timeout(client, item, {"name": "Kept While Signed Out"})
    landing = sign_in(client).headers["Location"]
    body = client.get(landing).get_data(as_text=True)
    assert "Your answers have not been saved yet" in body and "Kept While Signed Out" in body

    send_after_timeout(client, "/cases/new", {"referral_source": "Kept referral source"})
    landing = sign_in(client).headers["Location"]
    body = client.get(landing).get_data(as_text=True)
    assert "Your answers have not been saved yet" in body and "Kept referral source" in body
