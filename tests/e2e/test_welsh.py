"""The service in Welsh in a real browser (issue 13): the toggle, a question page with its errors, check
answers and the task list in Welsh, with axe's checks, and the choice kept across signing out and in."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

from formgen.i18n import catalogs
from tests.e2e.conftest import Account, Site, open_context, sign_in
from tests.e2e.test_accessibility import ABROAD, CHILD, assert_accessible
from tests.e2e.wizard import open_task, press
from tests.web.test_languages import english_left_on, english_patterns

cy = catalogs.language("cy").gettext
STATUSES = ("Not started", "In progress", "Completed", "Cannot start yet", "For a manager")


def in_welsh(page: Page) -> None:
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    assert english_left_on(page.content(), english_patterns()) == [], page.url
    assert_accessible(page)


def test_a_practitioner_works_in_welsh_and_the_choice_is_kept(
    page: Page,
    browser: Browser,
    site: Site,
    examples_account: Account,
) -> None:
    sign_in(page, examples_account)
    page.get_by_role("link", name="Cymraeg").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(cy("Your assessments"))
    expect(page.get_by_role("link", name="English")).to_have_attribute("hreflang", "en")
    in_welsh(page)

    page.get_by_role("link", name=CHILD, exact=True).click()
    expect(page.locator(".govuk-task-list__status").first).to_be_visible()  # the task list has loaded
    statuses = page.locator(".govuk-task-list__status").all_inner_texts()
    assert statuses and {" ".join(text.split()) for text in statuses} <= {cy(status) for status in STATUSES}
    in_welsh(page)

    open_task(page, cy("Assess family and environmental factors"))
    expect(page.locator(".govuk-summary-list").first).to_be_visible()  # check answers
    in_welsh(page)

    page.get_by_role("link", name=f"{cy('Change')} {cy(ABROAD)}", exact=True).click()
    page.get_by_role("group", name=cy(ABROAD)).get_by_label(cy("Yes"), exact=True).check()
    press(page, cy("Continue"))
    expect(page).to_have_title(re.compile(rf"^{re.escape(cy('Error:'))} "))
    summary = page.locator(".govuk-error-summary")
    expect(summary.locator(".govuk-error-summary__title")).to_have_text(cy("There is a problem"))
    expect(summary.get_by_role("link")).to_have_count(3)
    # Which language the answers are in: asked on a Welsh page; the example's, typed before, unsaid.
    written_in = page.get_by_role("group", name=cy("Which language have you written in on this page?"))
    expect(written_in.get_by_role("radio", name="Cymraeg")).not_to_be_checked()
    expect(written_in.get_by_role("radio", name="English")).not_to_be_checked()
    in_welsh(page)

    page.get_by_role("button", name=cy("Sign out")).first.click()
    again = open_context(browser, site)
    try:
        fresh = again.new_page()  # another browser: only the account remembers the choice
        sign_in(fresh, examples_account, home=cy("Your assessments"))
        expect(fresh.locator("html")).to_have_attribute("lang", "cy")
    finally:
        again.close()
