"""The wizard works without JavaScript: a follow-up shown under its choice is there to answer, and saved."""

from __future__ import annotations

import re
from datetime import date, timedelta

from playwright.sync_api import Browser, expect

from formgen.engine import CaseFile, ChildRecord
from formgen.web.commands import import_case
from tests.e2e.conftest import Site, open_context, sign_in
from tests.e2e.wizard import Choose, Tick, change, check_answer, expect_heading, fill, open_task, press

CHILD = "Ada Quennell"
DISABILITY = "Does the child have a disability?"
DETAILS = "What is the child's disability, and how does it affect them?"


def test_a_follow_up_is_answered_and_saved_without_javascript(browser: Browser, site: Site) -> None:
    account = site.new_account()
    referral = date.today() - timedelta(days=5)
    case = CaseFile(
        reference=f"NOJS-{account.email.split('@')[0]}",
        household={"referral_date": referral.isoformat()},
        children=[
            ChildRecord(
                id="child-ada",
                answers={
                    "child_name": CHILD,
                    "unborn": False,
                    "child_date_of_birth": date(referral.year - 9, 1, 17).isoformat(),
                    "assessment_start_date": referral.isoformat(),
                },
            )
        ],
    )
    import_case(site.app, case, account.email, "a case begun for this test")

    context = open_context(browser, site, javascript=False)
    try:
        page = context.new_page()
        sign_in(page, account)
        # GOV.UK Frontend marks the page when its scripts can run; here they cannot.
        expect(page.locator("body")).not_to_have_class(re.compile(r"govuk-frontend-supported"))

        page.get_by_role("link", name=CHILD, exact=True).click()
        open_task(page, "Add details of the child and the assessment")
        change(page, DISABILITY)
        expect_heading(page, "The child's identity")
        # Without JavaScript nothing hides the follow-up: it is under its choice, ready to answer.
        expect(page.get_by_label(DETAILS, exact=True)).to_be_visible()
        fill(
            page,
            {
                "What is the child's gender?": Choose("Female"),
                "What is the child's ethnic group?": Choose("White British"),
                "What sex is recorded for the child?": Choose("Female"),
                "What is the child's unique pupil number (UPN)?": "D201120004817",
                DISABILITY: Choose("Yes"),
                DETAILS: "Ada has type 1 diabetes and checks her blood sugar at school.",
                "Which of these describe the child's disability?": Tick(
                    "Other disability under the Equality Act 2010"
                ),
            },
        )
        press(page, "Continue")
        expect_heading(page, "The child's language and communication")

        # Back on a page with typing saves it first, without JavaScript too (issue 6).
        fill(page, {"What is the child's first language?": "Portuguese"})
        page.get_by_role("button", name="Back", exact=True).click()
        expect_heading(page, f"Assessment of {CHILD}")
        open_task(page, "Add details of the child and the assessment")
        expect_heading(page, "Check your answers: About the child and the assessment")
        expect(check_answer(page, DISABILITY)).to_have_text("Yes")
        expect(check_answer(page, DETAILS)).to_have_text(
            "Ada has type 1 diabetes and checks her blood sugar at school."
        )
        expect(check_answer(page, "What is the child's first language?")).to_have_text("Portuguese")
    finally:
        context.close()
