"""In the browser: business support find a case ready to circulate on their home page, keep its
distribution list, download every copy as a zip (each file a Word document that opens), and record a
sending; axe checks each page, its messages included; every page and download is in the access log."""

from __future__ import annotations

import re
import zipfile

import docx
from playwright.sync_api import Browser, Page, expect

from formgen.web.commands import import_case
from tests.e2e.conftest import Account, Site, assert_every_case_page_was_logged, open_context, sign_in
from tests.e2e.test_accessibility import assert_accessible
from tests.e2e.wizard import expect_heading, press
from tests.integration.test_documents import all_text_with_headers
from tests.support import draft, load_example


def signed_in(browser: Browser, site: Site, account: Account, home: str) -> Page:
    page = open_context(browser, site).new_page()
    sign_in(page, account, home)
    return page


def test_business_support_circulate_the_plans_of_a_case(browser: Browser, site: Site, tmp_path) -> None:
    team = site.new_team()
    worker = site.new_account("practitioner", team)
    support = site.new_account("business_support", team)
    reference = f"EX-CIRC-{worker.email.split('@')[0]}"
    example = draft(load_example("sibling-group")).model_copy(update={"reference": reference})
    import_case(site.app, example, worker.email, "sibling group")

    page = signed_in(browser, site, support, "Your team’s assessments")
    ready = page.locator("#ready-to-circulate")
    expect(ready).to_contain_text("Assessment plan: 4 not yet sent")
    assert_accessible(page)

    # The distribution list, and a recipient page with its messages.
    page.goto(f"/cases/{reference}")
    page.get_by_role("link", name="Distribution list").click()
    expect_heading(page, "Distribution list")
    expect(page.locator("#recipient-mother")).to_contain_text("Confirmed by Joanne Ferris")
    assert_accessible(page)
    page.get_by_role("button", name="Add a recipient").click()
    expect_heading(page, "Add a recipient")
    page.get_by_label("Someone outside the household").check()
    page.get_by_label("Secure email address").fill("not an address")
    press(page, "Add to the distribution list")
    expect(page).to_have_title(re.compile(r"^Error: Add a recipient"))
    expect(page.get_by_role("alert")).to_contain_text("Enter their name")
    assert_accessible(page)
    page.get_by_label("Name", exact=True).fill("Hana Visitor")
    page.get_by_label("Secure email address").fill("hana.visitor@nhs.example.org")
    page.get_by_label("Large print").check()
    page.get_by_label("Poppy Dacres").check()
    press(page, "Add to the distribution list")
    expect(page.locator("#recipient-r1")).to_contain_text("Large print")

    # The circulation page: every copy, the zip, and a sending recorded.
    page.goto("/")
    ready.get_by_role("link", name="Circulate the documents of Poppy Dacres").click()
    expect_heading(page, "Circulate documents")
    expect(page.locator("#copy-child-poppy-plan-r1")).to_contain_text("Ready")
    assert_accessible(page)
    with page.expect_download() as downloaded:
        page.get_by_role("button", name="Download every copy (zip)").click()
    saved = tmp_path / downloaded.value.suggested_filename
    downloaded.value.save_as(saved)
    with zipfile.ZipFile(saved) as archive:
        names = archive.namelist()
        large_print = "Assessment plan - Poppy Dacres - for Hana Visitor (large print).docx"
        assert len(names) == 15 and large_print in names
        for name in names:
            (tmp_path / name).write_bytes(archive.read(name))
            docx.Document(str(tmp_path / name))  # each file a Word document that opens
        assert "Prepared for Hana Visitor" in all_text_with_headers(archive.read(large_print))

    press(page, "Record the selected copies as sent")
    expect(page).to_have_title(re.compile(r"^Error: Circulate documents"))
    expect(page.get_by_role("alert")).to_contain_text("Select the copies that were sent")
    assert_accessible(page)
    page.get_by_label("Select the assessment plan of Poppy Dacres for Hana Visitor").check()
    page.get_by_label("Secure email", exact=True).check()
    press(page, "Record the selected copies as sent")
    expect(page.get_by_text("1 copy recorded as sent by secure email.")).to_be_visible()
    expect(page.locator("#copy-child-poppy-plan-r1")).to_contain_text(f"by {support.name} (secure email)")
    assert_accessible(page)

    # An interpreter's translation of the practitioner's words, for the family friend's Polish copies.
    page.get_by_role("link", name="Enter an interpreter’s translations into Polish").click()
    expect_heading(page, "Interpreter’s translations into Polish")
    expect(page.locator("#t-assessment_aims-household")).to_have_attribute("lang", "pl")
    assert_accessible(page)
    page.locator("#t-planning_meeting_attendees-household").fill(
        "Joanne Ferris, Shannon Colbeck i Pauline Colbeck."
    )
    press(page, "Save")
    expect(page).to_have_title(re.compile(r"^Error: Interpreter’s translations into Polish"))
    expect(page.get_by_role("alert")).to_contain_text("Enter the name of the interpreter who translated it")
    assert_accessible(page)
    page.get_by_label("Name of the interpreter who translated it").fill("Tomasz Zieliński")
    press(page, "Save")
    expect(page.get_by_text("Saved. The interpreter’s translations print")).to_be_visible()

    assert assert_every_case_page_was_logged(site, support) >= 8
