"""No page with a child's data without signing in; CSRF on every form; the headers every page promises."""

import re

import pytest

from formgen.web.extensions import db
from formgen.web.models import Case, SignInThrottle, User
from tests.web.conftest import EMAIL, FAILED, PASSWORD, sign_in
from tests.web.routes import assert_control_characters_are_not_found, guarded_urls


def test_every_route_but_sign_in_is_guarded(app, example_case):
    client = app.test_client()
    token = client.csrf_token("/sign-in")
    checked = 0
    for rule, url in guarded_urls(app):
        if "GET" in rule.methods:
            response = client.get(url)
            assert response.status_code == 302, url
            assert response.headers["Location"].startswith("/sign-in"), url
        if "POST" in rule.methods:
            response = client.post(url, data={"csrf_token": token})
            assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in"), url
        checked += 1
    assert checked >= 12  # the route table itself, so a renamed argument cannot empty this test


def test_a_case_is_not_found_for_someone_who_does_not_hold_it(app, example_case):
    from formgen.web.commands import create_user

    create_user(app, "other.worker@example.org", "Other Worker", "practitioner", PASSWORD)
    other = app.test_client()
    sign_in(other, "other.worker@example.org")
    assert other.get(f"/cases/{example_case}/children/child-tilly").status_code == 404
    assert other.get(f"/cases/{example_case}/case-file.json").status_code == 404


def test_a_post_without_its_csrf_token_is_refused_and_changes_nothing(app, client, example_case):
    path = f"/cases/{example_case}/household/family/family_functioning"
    response = client.post(path, data={"family_history": "Overwritten"})
    assert response.status_code == 400
    assert "Your page could not be saved" in response.get_data(as_text=True)
    with app.app_context():
        case = db.session.scalar(db.select(Case).where(Case.reference == example_case))
        assert case.household["family_history"] != "Overwritten"


def test_sign_in_itself_needs_its_csrf_token(app):
    response = app.test_client().post("/sign-in", data={"email": EMAIL, "password": PASSWORD})
    assert response.status_code == 400


def test_every_page_carries_a_nonce_csp_and_no_store(client):
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert f'nonce="{nonce}"' in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert client.get("/").headers["Content-Security-Policy"] != policy  # a new nonce each time


def test_the_session_cookie_is_http_only_and_same_site(app):
    response = sign_in(app.test_client())
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_a_wrong_password_is_refused_with_one_message_for_both_mistakes(app):
    client = app.test_client()
    for email in (EMAIL, "nobody@example.org"):
        response = sign_in(client, email, "not the password")
        assert response.status_code == 200
        assert FAILED in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_repeated_failures_lock_the_address_even_against_the_right_password(app):
    client = app.test_client()
    for _ in range(app.config["SIGN_IN_ATTEMPTS"]):
        sign_in(client, EMAIL, "wrong guess")
    response = sign_in(client, EMAIL, PASSWORD)
    assert response.status_code == 200 and FAILED in response.get_data(as_text=True)
    assert client.get("/").status_code == 302
    with app.app_context():
        throttle = db.session.scalars(db.select(SignInThrottle)).one()
        throttle.window_started -= app.config["SIGN_IN_LOCKOUT"]  # the lockout has passed
        db.session.commit()
    assert sign_in(client, EMAIL, PASSWORD).status_code == 302


def test_passwords_are_stored_hashed_with_scrypt(app):
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == EMAIL))
        assert user.password_hash.startswith("scrypt:") and PASSWORD not in user.password_hash


@pytest.mark.parametrize(
    "target", ["https://evil.example.org/", "//evil.example.org/", "/\\evil.example.org"]
)
def test_sign_in_never_redirects_off_the_site(app, target):
    client = app.test_client()
    token = client.csrf_token("/sign-in")
    response = client.post(
        f"/sign-in?next={target}", data={"csrf_token": token, "email": EMAIL, "password": PASSWORD}
    )
    assert response.headers["Location"] == "/"


def test_sign_in_returns_to_the_page_asked_for(app, example_case):
    client = app.test_client()
    path = f"/cases/{example_case}/children/child-kai"
    login = client.get(path).headers["Location"]
    token = client.csrf_token(login)
    response = client.post(login, data={"csrf_token": token, "email": EMAIL, "password": PASSWORD})
    assert response.headers["Location"] == path


def test_sign_out_ends_the_session(client):
    token = client.csrf_token("/")
    assert client.post("/sign-out", data={"csrf_token": token}).status_code == 302
    assert client.get("/").status_code == 302


def test_a_control_character_in_any_part_of_a_url_is_not_found(app, client, example_case):
    assert assert_control_characters_are_not_found(app, client) >= 4 * 20


def test_keeping_a_session_alive_needs_a_session_and_its_csrf_token(app, client):
    assert client.post("/session/keep-alive").status_code == 400
    signed_out = app.test_client()
    token = signed_out.csrf_token("/sign-in")
    response = signed_out.post("/session/keep-alive", headers={"X-CSRFToken": token})
    assert response.status_code == 401 and response.get_json() == {"signed_in": False}


def test_signing_out_ends_every_copy_of_the_session(app, client):
    copied = app.test_client()
    copied.set_cookie("formgen_session", client.get_cookie("formgen_session").value)
    assert copied.get("/").status_code == 200
    client.post("/sign-out", data={"csrf_token": client.csrf_token("/")})
    assert copied.get("/").status_code == 302
