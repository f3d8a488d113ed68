"""The web app on a fresh SQLite database made by the real migrations, and signed-in test clients."""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from werkzeug.routing import Rule

from formgen.web import create_app
from formgen.web.commands import create_user, import_case
from formgen.web.database import upgrade
from tests.support import load_example
from tests.web.pagecheck import CheckedClient, form_values

EMAIL = "sam.practitioner@example.org"
PASSWORD = "a long and fictional passphrase"
FAILED = "Enter a correct email address and password. If you cannot sign in, ask your administrator"
# A value for every argument of the app's routes: the example sibling group's case, a page, a list.
SAMPLE_VALUES = {
    "reference": "EX-SIB-01",
    "key": "child-tilly",
    "section_id": "child_views",
    "page_id": "seeing_the_child",
    "group_id": "child_visits",
    "item_id": "new",
    "kind": "record",
}


@pytest.fixture
def app(tmp_path, monkeypatch):
    monkeypatch.setenv("FORMGEN_SECRET_KEY", "test-secret-key")
    url = f"sqlite:///{tmp_path / 'formgen.db'}"
    upgrade(url)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True}, instance_path=tmp_path)
    app.test_client_class = CheckedClient
    create_user(app, EMAIL, "Sam Practitioner", "practitioner", PASSWORD)
    return app


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A throwaway cluster made with Debian's PostgreSQL (installed by `scripts/setup.sh dev`) in a
    temporary folder on a free port, removed afterwards: nothing touches a system database."""
    binaries = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    assert binaries, "PostgreSQL is needed for this test: scripts/setup.sh dev installs it"
    bindir = Path(binaries[-1]).parent
    folder = Path(tempfile.mkdtemp(prefix="formgen-pg-"))
    as_owner: list[str] = []
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root: its own account runs the cluster
        owner = pwd.getpwnam("postgres")
        os.chown(folder, owner.pw_uid, owner.pw_gid)
        as_owner = ["runuser", "-u", "postgres", "--"]
    cluster, port = folder / "cluster", _free_port()
    run = lambda *command: subprocess.run([*as_owner, *command], check=True, capture_output=True)  # noqa: E731
    run(str(bindir / "initdb"), "-D", str(cluster), "-U", "formgen", "--auth=trust", "-E", "UTF8")
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1"
    run(str(bindir / "pg_ctl"), "-D", str(cluster), "-o", options, "-l", str(folder / "log"), "-w", "start")
    try:
        yield f"postgresql+psycopg://formgen@127.0.0.1:{port}/postgres"
    finally:
        run(str(bindir / "pg_ctl"), "-D", str(cluster), "-m", "fast", "-w", "stop")
        shutil.rmtree(folder, ignore_errors=True)


_DATABASES = itertools.count(1)


@pytest.fixture
def postgres_database(postgres_url) -> str:
    """A new, empty database in the throwaway cluster, for one test."""
    name = f"test_{next(_DATABASES)}"
    with psycopg.connect(postgres_url.replace("+psycopg", ""), autocommit=True) as connection:
        connection.execute(f"CREATE DATABASE {name}")
    return postgres_url.rsplit("/", 1)[0] + f"/{name}"


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
    """The sibling-group example, held by the signed-in practitioner."""
    return import_case(app, load_example("sibling-group"), EMAIL, "sibling-group")


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


def guarded_urls(app, values: dict[str, str] = SAMPLE_VALUES) -> Iterator[tuple[Rule, str]]:
    """Every route of the app but the public ones, its arguments filled with `values`."""
    from formgen.web.security import PUBLIC_ENDPOINTS

    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        url = rule.rule
        for name in rule.arguments - set(rule.defaults or {}):
            url = re.sub(rf"<(?:\w+:)?{name}>", quote(values[name], safe=""), url)
        yield rule, url


def assert_control_characters_are_not_found(app, client) -> int:
    """Each argument of each route in turn holds a control character: every answer is Not Found."""
    token = client.csrf_token("/")
    checked = 0
    for character in ("\x00", "\x1f", "\x7f", "\x85"):
        for name, value in SAMPLE_VALUES.items():
            for rule, url in guarded_urls(app, {**SAMPLE_VALUES, name: value + character}):
                if name not in rule.arguments - set(rule.defaults or {}):
                    continue
                if "GET" in rule.methods:
                    assert client.get(url).status_code == 404, url
                if "POST" in rule.methods:
                    assert client.post(url, data={"csrf_token": token}).status_code == 404, url
                checked += 1
    return checked
