"""The web app on a fresh SQLite database made by the real migrations, and signed-in test clients."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from lxml import html as lxml_html

from formgen.web import create_app
from formgen.web.commands import create_user, import_case
from formgen.web.database import upgrade
from tests.support import SPEC_DIR, draft, load_example
from tests.web.pagecheck import CheckedClient, form_values
from tests.web.postgres import new_database, throwaway_cluster

EMAIL = "sam.practitioner@example.org"
PASSWORD = "a long and fictional passphrase"
FAILED = "Enter a correct email address and password. If you cannot sign in, ask your administrator"


@pytest.fixture
def app(tmp_path, monkeypatch):
    monkeypatch.setenv("FORMGEN_SECRET_KEY", "test-secret-key")
    url = f"sqlite:///{tmp_path / 'formgen.db'}"
    upgrade(url)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True}, instance_path=tmp_path)
    app.test_client_class = CheckedClient
    create_user(app, EMAIL, "Sam Practitioner", "practitioner", PASSWORD)
    return app


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    with throwaway_cluster() as url:
        yield url


@pytest.fixture
def postgres_database(postgres_url) -> str:
    return new_database(postgres_url)


def sign_in(client: CheckedClient, email: str = EMAIL, password: str = PASSWORD):
    token = client.csrf_token("/sign-in")
    return client.post("/sign-in", data={"csrf_token": token, "email": email, "password": password})


@pytest.fixture
def client(app) -> CheckedClient:
    client = app.test_client()
    response = sign_in(client)
    assert response.status_code == 302
    return client


@pytest.fixture
def example_case(app) -> str:
    """The sibling-group example as a draft, held by the signed-in practitioner."""
    return import_case(app, draft(load_example("sibling-group")), EMAIL, "sibling-group")


def with_overlay(tmp_path, monkeypatch, change: Callable[[str], str]) -> tuple[Flask, CheckedClient, str]:
    """The app for an authority whose overlay is the default one as `change` makes it, with the sibling
    group as a draft held by a signed-in practitioner: the app, their client and the case's reference."""
    specs = tmp_path / "form_specs"
    shutil.copytree(SPEC_DIR, specs)
    (specs / "authorities" / "changed.yaml").write_text(
        change((specs / "authorities" / "general.yaml").read_text())
    )
    monkeypatch.setenv("FORMGEN_SPEC_DIR", str(specs))
    monkeypatch.setenv("FORMGEN_AUTHORITY", "changed")
    monkeypatch.setenv("FORMGEN_SECRET_KEY", "test-secret-key")
    url = f"sqlite:///{tmp_path / 'formgen.db'}"
    upgrade(url)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url}, instance_path=tmp_path)
    app.test_client_class = CheckedClient
    create_user(app, EMAIL, "Sam Practitioner", "practitioner", PASSWORD)
    reference = import_case(app, draft(load_example("sibling-group")), EMAIL, "sibling-group")
    client = app.test_client()
    sign_in(client)
    return app, client, reference


def form_token(client: CheckedClient, path: str) -> tuple[str, int | None]:
    """The CSRF token and the saved version a page's form carries."""
    values = form_values(client.get(path).get_data(as_text=True))
    version = values.get("version")
    return values["csrf_token"], int(version) if version else None


def submit(client: CheckedClient, path: str, data: dict, **kwargs):
    """Post a page as a browser would: with its token and the version it was opened at."""
    token, version = form_token(client, path)
    fields = {"csrf_token": token, **({"version": version} if version is not None else {}), **data}
    return client.post(path, data=fields, **kwargs)


def as_a_browser_sends(body: str) -> dict[str, list[str]]:
    """What a page's form sends untouched: hidden inputs, text as shown, the choices checked."""
    form = lxml_html.fromstring(body).xpath("//form[@id='page-form']")[0]
    sent: dict[str, list[str]] = {}
    for element in form.xpath(".//input[@name] | .//textarea[@name]"):
        kind = element.get("type", "text")
        if kind in {"radio", "checkbox"} and element.get("checked") is None:
            continue
        if kind in {"submit", "button"}:
            continue
        value = element.text_content() if element.tag == "textarea" else element.get("value", "")
        sent.setdefault(element.get("name"), []).append(value)
    return sent


def post_as_a_browser(client, path: str, changes: dict[str, str], page: str | None = None):
    """Post the page as opened (or as `page` showed it) with `changes` made to it."""
    sent = as_a_browser_sends(page if page is not None else client.get(path).get_data(as_text=True))
    sent.update({name: [value] for name, value in changes.items()})
    return client.post(path, data={name: values for name, values in sent.items() if values != [""]})
