"""In the browser: a practitioner sends an assessment; a manager returns it with a comment; it is fixed
and sent again; the manager records the decisions reserved to them, completes the checklist with one
unmet item commented, and approves; every edit is then refused; the manager reopens it with a reason.
axe checks each new page on the way (the manager's home, the approval page, a decision, the returned
task list)."""

from __future__ import annotations

from playwright.sync_api import Browser, Page, expect

from formgen.web.commands import import_case
from tests.e2e.conftest import Account, Site, open_context, sign_in
from tests.e2e.test_accessibility import assert_accessible
from tests.e2e.wizard import Choose, answer_page, expect_heading, fill, press, question
from tests.support import draft, load_example
from tests.web.test_review import _reviewless_answers
from tests.web.test_roles import calling_for_decisions

CHILD = "Tilly Dacres"
RETURN_COMMENT = "Please add Tilly's school attendance figures to her education needs."
REASONING = "What is the reasoning for the decisions in this assessment?"
VIEWS_TASK = "Record the child's views and needs"
CHECKLIST = {
    "Has there been direct communication with the child alone, with their views and wishes recorded and "
    "taken into account?": Choose("Yes"),
    "Have all the children in the household been seen and their needs considered?": Choose("Yes"),
    "Has the child's home been visited and their bedroom seen?": Choose("No"),
    "Have the parents been seen, with their views and wishes recorded and taken into account?": Choose("Yes"),
    "Has the analysis and evaluation been completed?": Choose("Yes"),
    "Does the assessment give clear evidence for the decisions about the services needed?": Choose("Yes"),
}


def signed_in(browser: Browser, site: Site, account: Account, home: str) -> Page:
    page = open_context(browser, site).new_page()
    sign_in(page, account, home)
    return page


def open_child(page: Page) -> None:
    page.get_by_role("link", name=CHILD, exact=True).first.click()
    expect_heading(page, f"Assessment of {CHILD}")


def test_an_assessment_is_sent_returned_approved_locked_and_reopened(browser: Browser, site: Site) -> None:
    team = site.new_team()
    worker = site.new_account("practitioner", team)
    manager = site.new_account("manager", team)
    example = _reviewless_answers(calling_for_decisions(draft(load_example("sibling-group"))))
    reference = f"EX-REVIEW-{worker.email.split('@')[0]}"
    import_case(site.app, example.model_copy(update={"reference": reference}), worker.email, "sibling group")

    practitioner = signed_in(browser, site, worker, "Your assessments")
    open_child(practitioner)
    press(practitioner, "Send for approval")
    expect(practitioner.locator("#stage")).to_contain_text("Sent for approval")

    boss = signed_in(browser, site, manager, "Your team’s assessments")
    waiting = boss.locator("#waiting-for-approval")
    expect(waiting).to_contain_text(CHILD)
    expect(boss.locator("#waiting-for-decision")).to_contain_text(CHILD)
    assert_accessible(boss)
    waiting.get_by_role("link", name=CHILD, exact=True).click()
    boss.get_by_role("button", name="Review and approve", exact=True).click()
    expect_heading(boss, f"Approve or return the assessment of {CHILD}")
    assert_accessible(boss)
    boss.get_by_label("What needs to change before the assessment can be approved?").fill(RETURN_COMMENT)
    press(boss, "Return to practitioner")
    expect(boss.locator("#stage")).to_contain_text("Returned to the practitioner")

    practitioner.reload()
    expect(practitioner.locator("#returned")).to_contain_text(RETURN_COMMENT)
    assert_accessible(practitioner)
    press(practitioner, "Send for approval")
    expect(practitioner.locator("#stage")).to_contain_text("Sent for approval")

    # The decisions reserved to a manager, each on a page of its own, from the task list.
    boss.reload()
    for link, label, reasons in (
        (
            "Record the decision: why an interpreter is not being used, for Shannon Colbeck (Mother)",
            "Why is an interpreter not being used?",
            "Ms Colbeck speaks fluent English and asked not to have an interpreter.",
        ),
        (
            "Record the decision: why the referral may be discussed without consent",
            "Why may the referral be discussed with other agencies without the parents' consent?",
            "Sharing the referral with the school could not wait: the family could not be reached.",
        ),
    ):
        boss.get_by_role("link", name=link).first.click()
        expect(boss.get_by_text("What the practitioner recorded")).to_be_visible()
        assert_accessible(boss)
        boss.get_by_label(label).fill(reasons)
        press(boss, "Continue")
        expect(boss.get_by_text("Your decision has been recorded")).to_be_visible()

    # The checklist, one item unmet and commented, then the reasoning, then the approval.
    boss.get_by_role("link", name="Review and approve the assessment").click()
    expect_heading(boss, "Review checklist")
    fill(boss, CHECKLIST)
    # The unmet item's comment, under its own question (every item has a "Why not?" of its own).
    unmet = question(boss, "Has the child's home been visited and their bedroom seen?")
    unmet.get_by_label("Why not, and what will be done?").fill("The bedroom will be seen at the next visit.")
    press(boss, "Continue")
    answer_page(boss, REASONING, {REASONING: "A child in need plan is proportionate."})
    boss.get_by_role("button", name="Return to the task list").click()
    boss.get_by_role("button", name="Review and approve", exact=True).click()
    press(boss, "Approve assessment")
    expect(boss.locator("#stage")).to_contain_text("Approved")

    # Locked: the practitioner's pages refuse and say who can reopen it.
    practitioner.reload()
    expect(practitioner.locator("#stage")).to_contain_text("cannot be changed unless a manager reopens it")
    practitioner.get_by_role("link", name=VIEWS_TASK).click()
    expect(practitioner.get_by_role("link", name="Change")).to_have_count(0)

    boss.get_by_role("button", name="Reopen assessment").click()
    fill(boss, {"Why does the assessment need to be reopened?": "The school has sent new information."})
    press(boss, "Reopen assessment")
    expect(boss.locator("#stage")).to_contain_text("Reopened")
    practitioner.reload()
    expect(practitioner.get_by_role("link", name="Change").first).to_be_visible()
