"""A session ends after a while without use and after its lifetime, and the page says when and why.

A session's times are inside its signed cookie; a test moves them back, as the clock would.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from lxml import html as lxml_html

from formgen.i18n import ENGLISH, catalogs
from formgen.web import create_app
from formgen.web.sessions import countdown_words


def age(client, **seconds: int) -> None:
    """Move the session's sign-in time and last-activity time back by so many seconds."""
    with client.session_transaction() as session:
        for name, value in seconds.items():
            session[name] -= value


def notice(response) -> str:
    banner = lxml_html.fromstring(response.get_data(as_text=True)).xpath("//*[@id='signed-out']")
    return " ".join(banner[0].text_content().split()) if banner else ""


def test_a_session_ends_after_thirty_minutes_without_use(app, client):
    age(client, seen_at=29 * 60)
    assert client.get("/").status_code == 200  # still in time: and that request counts as use
    age(client, seen_at=29 * 60)
    assert client.get("/").status_code == 200
    age(client, seen_at=30 * 60)
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"] == "/sign-in?next=/"
    page = client.get(response.headers["Location"])
    assert "You were signed out because you had not used the service for 30 minutes" in notice(page)
    assert "Sign in again to continue" in notice(page)
    assert client.get("/").status_code == 302


def test_a_session_ends_eight_hours_after_signing_in_however_busy(app, client):
    age(client, signed_in_at=8 * 3600 - 60)  # a minute to spare, for a slow machine
    assert client.get("/").status_code == 200
    age(client, signed_in_at=60)
    assert client.get("/").status_code == 302
    page = client.get("/sign-in")
    assert "You were signed out because you had been signed in for 8 hours" in notice(page)


def test_signing_out_says_nothing_about_timing_out(client):
    client.post("/sign-out", data={"csrf_token": client.csrf_token("/")})
    page = client.get("/sign-in")
    assert notice(page) == "" and "You have signed out" in page.get_data(as_text=True)


def test_the_session_cookie_is_sent_again_only_once_a_minute(client):
    client.get("/")  # the first page after signing in makes the session's CSRF token
    assert "Set-Cookie" not in client.get("/").headers
    # Half a minute either side of the minute, so a slow machine cannot cross it between two lines.
    age(client, seen_at=30)
    assert "Set-Cookie" not in client.get("/").headers
    age(client, seen_at=60)
    assert "formgen_session=" in client.get("/").headers["Set-Cookie"]
    assert "Set-Cookie" not in client.get("/").headers


def test_the_page_gives_the_warning_its_timings(client):
    age(client, seen_at=10 * 60, signed_in_at=60 * 60)
    dialog = lxml_html.fromstring(client.get("/").get_data(as_text=True)).get_element_by_id("timeout-dialog")
    # The request above was activity, so the idle timeout starts again; the lifetime goes on.
    assert 30 * 60 - 2 <= int(dialog.get("data-idle-seconds")) <= 30 * 60
    assert 7 * 3600 - 2 <= int(dialog.get("data-lifetime-seconds")) <= 7 * 3600
    assert dialog.get("data-warning-seconds") == "120"
    assert dialog.get("data-keep-alive-url") == "/session/keep-alive"


def test_the_warning_counts_down_in_the_words_of_the_page(client):
    dialog = lxml_html.fromstring(client.get("/").get_data(as_text=True)).get_element_by_id("timeout-dialog")
    assert json.loads(dialog.get("data-words")) == countdown_words(ENGLISH)
    assert countdown_words(ENGLISH) == {
        "announcement": "We will sign you out in %(countdown)s.",
        "minute": {"one": "%(num)d minute", "other": "%(num)d minutes"},
        "second": {"one": "%(num)d second", "other": "%(num)d seconds"},
    }


def test_the_countdown_has_a_form_for_each_of_the_browsers_plural_categories_of_welsh():
    welsh = catalogs.language("cy")
    words = countdown_words(welsh)
    # Intl.PluralRules("cy") names six categories; the catalog's words stand in each of them.
    assert set(words["second"]) == {"zero", "one", "two", "few", "many", "other"}
    assert words["second"]["two"] == "%(num)d eiliad"
    assert words["announcement"] == "Byddwn yn eich allgofnodi ymhen %(countdown)s."
    assert welsh.missing == set()


def test_the_warning_is_only_on_the_pages_of_a_signed_in_person(app, client):
    assert 'id="timeout-dialog"' not in app.test_client().get("/sign-in").get_data(as_text=True)
    assert 'id="timeout-dialog"' in client.get("/").get_data(as_text=True)


def test_staying_signed_in_starts_the_idle_timeout_again_but_not_the_lifetime(client):
    token = client.csrf_token("/")
    age(client, seen_at=25 * 60, signed_in_at=3 * 3600)
    response = client.post("/session/keep-alive", headers={"X-CSRFToken": token})
    assert response.status_code == 200
    left = response.get_json()
    assert left["signed_in"] and 30 * 60 - 2 <= left["idle"] <= 30 * 60
    assert 5 * 3600 - 2 <= left["lifetime"] <= 5 * 3600
    age(client, seen_at=29 * 60)
    assert client.get("/").status_code == 200


def test_staying_signed_in_is_too_late_once_the_session_has_ended(client):
    token = client.csrf_token("/")
    age(client, seen_at=30 * 60)
    response = client.post("/session/keep-alive", headers={"X-CSRFToken": token})
    assert response.status_code == 401 and response.get_json() == {"signed_in": False}
    assert client.get("/").status_code == 302


def test_the_idle_timeout_is_set_in_minutes(tmp_path, monkeypatch):
    monkeypatch.setenv("FORMGEN_SECRET_KEY", "test-secret-key")
    monkeypatch.setenv("FORMGEN_IDLE_MINUTES", "45")
    assert create_app(instance_path=tmp_path).config["IDLE_TIMEOUT"] == timedelta(minutes=45)


@pytest.mark.parametrize("value", ["4", "half an hour", "30.5", "-30", "٣٠"])
def test_an_idle_timeout_that_is_not_whole_minutes_is_refused_by_name(tmp_path, monkeypatch, value):
    monkeypatch.setenv("FORMGEN_SECRET_KEY", "test-secret-key")
    monkeypatch.setenv("FORMGEN_IDLE_MINUTES", value)
    with pytest.raises(
        ValueError, match="FORMGEN_IDLE_MINUTES must be a whole number of minutes, at least 5"
    ):
        create_app(instance_path=tmp_path)
