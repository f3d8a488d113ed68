"""In the browser: a practitioner opens "Who must not see this?" from an action on the plan's check
answers, ticks a recipient and sees the action withheld from them; axe checks both pages."""

from __future__ import annotations

from playwright.sync_api import Browser, expect

from formgen.engine.distribution import Recipient
from formgen.web.commands import import_case
from tests.e2e.conftest import Site, open_context, sign_in
from tests.e2e.test_accessibility import assert_accessible
from tests.e2e.wizard import expect_heading, option, press
from tests.support import draft, load_example

ACTION = "Share the assessment plan with MARAC"
QUESTION = "Who must not see this?"


def test_an_action_is_withheld_from_a_recipient_in_the_browser(browser: Browser, site: Site) -> None:
    worker = site.new_account()
    reference = f"EX-WITHHOLD-{worker.email.split('@')[0]}"
    recipients = [
        Recipient(id="r-mother", person="p-mother"),
        Recipient(
            id="r-police", name="Sam Example", role="Detective Sergeant", organisation="Northbrook Police"
        ),
    ]
    example = draft(load_example("sibling-group")).model_copy(
        update={"reference": reference, "distribution": recipients, "withheld": []}
    )
    import_case(site.app, example, worker.email, "sibling group")

    page = open_context(browser, site).new_page()
    sign_in(page, worker)
    page.goto(f"/cases/{reference}/household/plan/check")
    expect_heading(page, "Check your answers: Assessment plan")
    page.get_by_role("link", name=f"{QUESTION} {ACTION}", exact=True).click()
    expect_heading(page, QUESTION)
    expect(page.locator("#withheld-thing")).to_contain_text(ACTION)
    assert_accessible(page)

    option(page, QUESTION, "Sam Example").check()
    press(page, "Save")
    expect_heading(page, "Check your answers: Assessment plan")
    action = page.locator("main li", has_text=ACTION)
    expect(action).to_contain_text("Withheld from: Sam Example")
    expect(page.locator("main")).to_contain_text("It will be left out of the documents sent to Sam Example")
    assert_accessible(page)
