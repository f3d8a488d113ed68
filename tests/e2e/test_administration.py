"""axe with the WCAG 2.2 A and AA rules finds nothing on the administrators' pages and the log search."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Account, Site, sign_in
from tests.e2e.test_accessibility import assert_accessible
from tests.e2e.wizard import expect_heading, press


@pytest.fixture
def administrator(site: Site) -> Account:
    return site.new_account("administrator")


@pytest.fixture
def admin_page(page: Page, administrator: Account) -> Page:
    sign_in(page, administrator, home="Administration")
    return page


def test_the_administrators_home(admin_page: Page) -> None:
    expect(admin_page.get_by_role("link", name="Search the access log")).to_be_visible()
    assert_accessible(admin_page)


def test_the_list_of_accounts(admin_page: Page, site: Site) -> None:
    site.new_account("manager", team=site.new_team())
    admin_page.goto("/administration/users")
    expect_heading(admin_page, "Accounts")
    expect(admin_page.get_by_role("row")).not_to_have_count(1)
    assert_accessible(admin_page)


def test_an_account_with_its_role_and_team(admin_page: Page, site: Site) -> None:
    colleague = site.new_account("practitioner", team=site.new_team())
    admin_page.goto("/administration/users")
    admin_page.get_by_role("link", name=colleague.name).first.click()
    expect_heading(admin_page, colleague.name)  # the caption "Account" is not in the h1
    assert_accessible(admin_page)


def test_a_new_account_with_errors(admin_page: Page) -> None:
    admin_page.goto("/administration/users/new")
    admin_page.get_by_label("Email address").fill("not an address")
    admin_page.get_by_label("First password", exact=True).fill("short")
    press(admin_page, "Add the account")
    expect(admin_page).to_have_title(re.compile(r"^Error: Add an account"))
    expect(admin_page.get_by_role("alert")).to_be_visible()
    assert_accessible(admin_page)


def test_the_teams(admin_page: Page, site: Site) -> None:
    site.new_account("practitioner", team=site.new_team())
    site.new_team()
    admin_page.goto("/administration/teams")
    expect_heading(admin_page, "Teams")
    assert_accessible(admin_page)


def test_a_new_team_with_an_error(admin_page: Page) -> None:
    admin_page.goto("/administration/teams/new")
    press(admin_page, "Add the team")
    expect(admin_page).to_have_title(re.compile(r"^Error: What is the new team called\?"))
    assert_accessible(admin_page)


def test_the_authority(admin_page: Page) -> None:
    admin_page.goto("/administration/authority")
    expect_heading(admin_page, "The authority")
    expect(admin_page.get_by_text("authorities/general.yaml").first).to_be_visible()
    assert_accessible(admin_page)


def test_the_access_log_search_with_results(admin_page: Page, administrator: Account) -> None:
    admin_page.goto("/administration/access-log")
    admin_page.get_by_label("Email address of the person who did it").fill(administrator.email)
    press(admin_page, "Search")
    expect(admin_page.locator("#events tbody tr")).not_to_have_count(0)
    assert_accessible(admin_page)


def test_the_access_log_search_with_errors(admin_page: Page) -> None:
    admin_page.goto("/administration/access-log?from-day=31&from-month=2&from-year=2026")
    expect(admin_page).to_have_title(re.compile(r"^Error: Search the access log"))
    assert_accessible(admin_page)


def test_an_auditors_home(page: Page, site: Site) -> None:
    sign_in(page, site.new_account("auditor"), home="The access log")
    assert_accessible(page)
