"""The wizard served by a real server on a free port, driven in Debian's chromium by Playwright.

One server and one browser for the whole run; each test gets its own account and browser context, so
tests share nothing but the database file. Playwright cannot download browsers here, so the browser is
the system's chromium, with the flags that keep it off the network.
"""

from __future__ import annotations

import itertools
import shutil
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, g, request
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from werkzeug.serving import WSGIRequestHandler, make_server

from formgen.settings import PROJECT_ROOT
from formgen.web import create_app, revisions
from formgen.web.commands import create_team, create_user, import_case
from formgen.web.database import upgrade
from formgen.web.extensions import db
from formgen.web.models import AccessEvent, Case, User
from tests.support import EXAMPLES, draft, load_example

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
STYLESHEET = PROJECT_ROOT / "formgen" / "web" / "static" / "formgen.css"
PASSWORD = "fictional-password-for-tests"
TIMEOUT_MS = 10_000
# Fictional practitioners, one per test that asks for an account.
NAMES = itertools.cycle(["Robin Ashdown", "Priya Nandakumar", "Tomasz Wielgosz", "Efua Mensah-Clarke"])


@dataclass(frozen=True)
class Account:
    email: str
    name: str
    password: str = PASSWORD


@dataclass
class Site:
    """The running app and where it answers."""

    app: Flask
    url: str
    # Every request the server answered: (account id, method, path, status), to check the access log by.
    served: list[tuple[int | None, str, str, int]] = field(default_factory=list)
    _numbers: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def new_account(self, role: str = "practitioner", team: str | None = None) -> Account:
        number = next(self._numbers)
        account = Account(f"{role.replace('_', '-')}-{number}@example.org", next(NAMES))
        create_user(self.app, account.email, account.name, role, account.password, team=team)
        return account

    def new_team(self) -> str:
        name = f"Assessment Team {next(self._numbers)}"
        create_team(self.app, name)
        return name


class QuietRequestHandler(WSGIRequestHandler):
    """No line per request (a failing test's output is long enough); errors are still logged."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


@contextmanager
def serving(instance: Path, overrides: dict[str, Any] | None = None) -> Iterator[Site]:
    """The app on a real server on a free port, on a new SQLite database in `instance`."""
    assert STYLESHEET.exists(), f"{STYLESHEET} is missing: run scripts/build_assets.sh first"
    url = f"sqlite:///{instance / 'formgen.db'}"
    with pytest.MonkeyPatch.context() as environment:
        environment.setenv("FORMGEN_SECRET_KEY", "a-secret-key-used-only-by-the-browser-tests")
        upgrade(url)
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, **(overrides or {})}, instance_path=instance)
    site = Site(app, "")

    @app.after_request
    def remember(response):
        user = g.get("user")
        site.served.append((user.id if user else None, request.method, request.path, response.status_code))
        return response

    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietRequestHandler)
    thread = threading.Thread(target=server.serve_forever, name="formgen-e2e-server", daemon=True)
    thread.start()
    try:
        site.url = f"http://127.0.0.1:{server.server_port}"
        yield site
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        with app.app_context():
            db.engine.dispose()


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    with serving(tmp_path_factory.mktemp("instance")) as running:
        yield running


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    chromium = shutil.which("chromium")
    assert chromium, "Debian's chromium is needed: apt-get install chromium"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def account(site: Site) -> Account:
    return site.new_account()


@pytest.fixture(scope="session")
def examples_account(site: Site) -> Account:
    """An account holding every example case: one per site, as the cases' references are unique."""
    account = site.new_account()
    for path in EXAMPLES:
        import_case(site.app, draft(load_example(path.stem)), account.email, path.name)
    return account


def open_context(browser: Browser, site: Site, *, javascript: bool = True) -> BrowserContext:
    context = browser.new_context(base_url=site.url, java_script_enabled=javascript, accept_downloads=True)
    context.set_default_timeout(TIMEOUT_MS)
    return context


@pytest.fixture
def context(browser: Browser, site: Site) -> Iterator[BrowserContext]:
    opened = open_context(browser, site)
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


def sign_in(page: Page, account: Account, home: str = "Your assessments") -> None:
    """Sign in through the sign-in page, as a person would, and wait for their home page."""
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(account.email)
    page.get_by_label("Password", exact=True).fill(account.password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", level=1, name=home).wait_for()


NEW_CASE = "/cases/new"  # a blank referral: nobody's record is shown until it is saved


def assert_every_case_page_was_logged(site: Site, account: Account) -> int:
    """Each page of a case the account was answered (not found aside) has its one access-log event,
    and the log has no event for the account that no request made. Returns how many."""
    with site.app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == account.email))
        details = db.session.scalars(db.select(AccessEvent.detail).where(AccessEvent.user_id == user.id))
        logged = Counter(detail.rsplit(" (", 1)[1].rstrip(")") for detail in details if " (/cases/" in detail)
    answered = Counter(
        path
        for who, _, path, status in site.served
        if who == user.id and path.startswith("/cases/") and path != NEW_CASE and status != 404
    )
    assert logged == answered, (answered - logged, logged - answered)
    return sum(answered.values())


def assert_every_save_was_a_revision(site: Site, account: Account) -> int:
    """The account's cases' revisions: each by the account, each a real change of the one before it,
    the last of each record what is stored now, and no more of them than the saves it posted."""
    with site.app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == account.email))
        cases = db.session.scalars(db.select(Case).where(Case.worker_id == user.id)).all()
        kept = 0
        for case in cases:
            for child in (None, *case.children):
                record = revisions.history(case, child)
                own = [r for r in record if r.child_id == (child.id if child else None)]
                assert own[0].kind == revisions.Kind.CREATED
                assert {r.author_id for r in own} == {user.id}
                assert all(before.answers != after.answers for before, after in itertools.pairwise(own))
                assert own[-1].answers == (child.answers if child else case.household)
                kept += len(own)
    posted = sum(
        1
        for who, method, path, status in site.served
        if who == user.id and method == "POST" and path.startswith("/cases/") and status == 302
    )
    assert 0 < kept <= posted, (kept, posted)
    return kept
