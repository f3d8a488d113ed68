"""In the browser: a practitioner's save refused because another window saved first shows both side by
side; a manager reads the history, a revision and who has seen the record, restricts the case, and a
manager not named is refused. axe checks each of these pages."""

from __future__ import annotations

from playwright.sync_api import Browser, expect

from formgen.web.commands import import_case
from tests.e2e.conftest import Site, open_context, sign_in
from tests.e2e.test_accessibility import assert_accessible
from tests.e2e.wizard import expect_heading, press
from tests.support import draft, load_example

CHILD = "Tilly Dacres"
HISTORY_QUESTION = "What is the family's history, and how does the family function?"


def test_history_conflicts_who_has_seen_and_a_restriction_in_the_browser(
    browser: Browser, site: Site
) -> None:
    team = site.new_team()
    worker = site.new_account("practitioner", team)
    manager = site.new_account("manager", team)
    other_manager = site.new_account("manager", team)
    reference = f"EX-HISTORY-{worker.email.split('@')[0]}"
    example = draft(load_example("sibling-group")).model_copy(update={"reference": reference})
    import_case(site.app, example, worker.email, "sibling group")
    family = f"/cases/{reference}/household/family/family_functioning"

    # Two windows of one practitioner: the second save is refused and shows the first beside it.
    context = open_context(browser, site)
    first, second = context.new_page(), context.new_page()
    sign_in(first, worker)
    first.goto(family)
    second.goto(family)
    first.get_by_label(HISTORY_QUESTION).fill("Saved in the first window.")
    press(first, "Continue")
    second.get_by_label(HISTORY_QUESTION).fill("Typed in the second window.")
    press(second, "Continue")
    banner = second.locator("#conflict")
    expect(banner).to_contain_text("You saved this page in another window")
    expect(banner.locator("#conflict-changes")).to_contain_text("Saved in the first window.")
    expect(banner.locator("#conflict-changes")).to_contain_text("Typed in the second window.")
    expect(second.get_by_label(HISTORY_QUESTION)).to_have_value("Typed in the second window.")
    assert_accessible(second)
    context.close()

    boss = open_context(browser, site).new_page()
    sign_in(boss, manager, "Your team’s assessments")
    boss.get_by_role("link", name=CHILD, exact=True).first.click()
    boss.get_by_role("link", name="History of changes").click()
    expect_heading(boss, f"History of changes: {CHILD}")
    expect(boss.locator("section.app-revision").first).to_contain_text("Saved in the first window.")
    assert_accessible(boss)
    boss.get_by_role("link", name="Read the assessment as it stood after revision 1").click()
    expect_heading(boss, f"The assessment of {CHILD} after revision 1")
    assert_accessible(boss)

    boss.goto(f"/cases/{reference}/children/child-tilly")
    boss.get_by_role("link", name="Who has seen this record").click()
    expect(boss.locator("#seen")).to_contain_text(worker.name)
    assert_accessible(boss)

    boss.goto(f"/cases/{reference}/children/child-tilly")
    boss.get_by_role("link", name="Restrict this case").click()
    expect_heading(boss, "Restrict this case")
    assert_accessible(boss)
    boss.get_by_label("Why is the case restricted?").fill("A member of staff is related to the family.")
    press(boss, "Restrict the case")
    expect(boss.locator("#restricted")).to_contain_text(worker.name)

    refused = open_context(browser, site).new_page()
    sign_in(refused, other_manager, "Your team’s assessments")
    refused.goto(f"/cases/{reference}/children/child-tilly")
    expect_heading(refused, "This case is restricted")
    expect(refused.locator("main")).to_contain_text(f"ask {manager.name}")
    assert_accessible(refused)
