"""The warning before a session ends, in a real browser, on a server whose sessions end in seconds.

This server's idle timeout is 15 seconds and its warning 8 seconds long, so the warning opens 7
seconds after the last request and the session ends 8 seconds later. Nothing else differs.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from playwright.sync_api import Browser, Page, expect

from formgen.i18n import catalogs
from tests.e2e.conftest import Site, open_context, serving, sign_in
from tests.e2e.test_accessibility import assert_accessible
from tests.e2e.wizard import expect_heading, press

IDLE = timedelta(seconds=15)
WARNING = timedelta(seconds=8)
WAIT_MS = 20_000  # longer than the warning takes to open, or the session to end
REFERRER = "Who made the referral?"
WELSH = catalogs.language("cy")
cy = WELSH.gettext


@pytest.fixture(scope="module")
def short_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    overrides = {"IDLE_TIMEOUT": IDLE, "SESSION_WARNING": WARNING}
    with serving(tmp_path_factory.mktemp("short-sessions"), overrides) as running:
        yield running


@pytest.fixture
def short_page(browser: Browser, short_site: Site) -> Iterator[Page]:
    context = open_context(browser, short_site)
    try:
        yield context.new_page()
    finally:
        context.close()


def focus_is_in_the_dialog(page: Page) -> bool:
    return page.evaluate("document.activeElement.closest('dialog[open]') !== null")


def test_the_warning_comes_before_the_end_and_staying_signed_in_keeps_the_session(
    short_page: Page, short_site: Site
) -> None:
    page = short_page
    sign_in(page, short_site.new_account())
    ends = time.monotonic() + IDLE.total_seconds()
    warning = page.get_by_role("dialog", name="You’re about to be signed out")
    expect(warning).to_be_visible(timeout=WAIT_MS)
    expect(warning).to_have_attribute("aria-modal", "true")
    expect(warning).to_contain_text(re.compile(r"For your security, we will sign you out in \d+ seconds?\."))
    stay = warning.get_by_role("button", name="Stay signed in")
    expect(stay).to_be_focused()
    for _ in range(3):
        page.keyboard.press("Tab")
        assert focus_is_in_the_dialog(page)
    assert_accessible(page)

    with page.expect_response("**/session/keep-alive") as kept:
        stay.click()
    assert kept.value.ok
    expect(warning).to_be_hidden()
    expect(warning).to_be_visible(timeout=WAIT_MS)  # again, before the new end
    with page.expect_response("**/session/keep-alive") as kept:
        page.keyboard.press("Escape")  # Escape means stay signed in too
    assert kept.value.ok
    expect(warning).to_be_hidden()

    time.sleep(max(0.0, ends + 1 - time.monotonic()))
    page.reload()  # after the end the session had before the warnings: still signed in
    expect_heading(page, "Your assessments")


def test_when_the_session_ends_the_page_stays_and_what_was_typed_is_kept(
    short_page: Page, short_site: Site
) -> None:
    page = short_page
    account = short_site.new_account()
    sign_in(page, account)
    page.get_by_role("link", name="New case").click()
    expect_heading(page, "The referral")
    address = page.url
    typed = "Ms Adeyemi, designated safeguarding lead at the school"
    page.get_by_label(REFERRER, exact=True).fill(typed)

    ended = page.get_by_role("dialog", name="You have been signed out")
    expect(ended).to_be_visible(timeout=WAIT_MS)
    expect(ended).to_contain_text("You had not used the service for 15 seconds.")
    expect(ended).to_contain_text("Anything you typed on this page is still here.")
    expect(ended.get_by_role("button", name="Continue")).to_be_focused()
    # The warning was open when the session ended: the change is announced, not only shown.
    announced = "You have been signed out You had not used the service for 15 seconds. Anything you typed"
    expect(ended.locator("[aria-live]")).to_have_text(re.compile("^" + re.escape(announced)))
    assert_accessible(page)
    ended.get_by_role("button", name="Continue").click()
    expect(ended).to_be_hidden()
    assert page.url == address
    expect(page.get_by_label(REFERRER, exact=True)).to_have_value(typed)

    # The page's clock started when it loaded, the server's when it answered: on a loaded machine the
    # page says so a moment before the server's session ends, and a save in that moment simply saves.
    page.wait_for_timeout(3_000)
    press(page, "Continue")  # the page's own: what was typed goes with it
    expect_heading(page, "Sign in")
    expect(page.locator("#signed-out")).to_contain_text("We have kept the answers you sent.")
    page.get_by_label("Email address").fill(account.email)
    page.get_by_label("Password", exact=True).fill(account.password)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/cases/new\?held=[\w-]+$"))
    # Back on the page, what was typed is there to be saved, and Continue saves it.
    expect(page.locator("#held")).to_contain_text("Your answers have not been saved yet")
    expect(page.get_by_label(REFERRER, exact=True)).to_have_value(typed)


def test_the_warning_counts_down_in_welsh_on_a_welsh_page(short_page: Page, short_site: Site) -> None:
    page = short_page
    sign_in(page, short_site.new_account())
    page.get_by_role("link", name="Cymraeg").click()
    warning = page.get_by_role("dialog", name=cy("You’re about to be signed out"))
    expect(warning).to_be_visible(timeout=WAIT_MS)
    # The countdown the script writes, in the catalog's words for "N seconds" (Intl.PluralRules("cy")).
    sentence = re.escape(cy("For your security, we will sign you out in %(countdown)s.", countdown="COUNT"))
    seconds = re.escape(WELSH.ngettext("%(num)d second", "%(num)d seconds", 5)).replace("5", r"\d+")
    counted = sentence.replace("COUNT", seconds)
    expect(warning).to_contain_text(re.compile(counted))
    assert_accessible(page)
