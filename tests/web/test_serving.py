"""What a request costs besides its page: /healthz and static files touch neither the database nor the
session, and `formgen serve` runs the app in worker processes with threads.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from sqlalchemy import event

from formgen.web.extensions import db
from tests.web.served import Browser, formgen, serving


@pytest.fixture
def statements(app):
    """Every SQL statement the app runs from here on."""
    run: list[str] = []
    with app.app_context():
        engine = db.engine
    listener = lambda _conn, _cursor, statement, *_: run.append(statement)  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    yield run
    event.remove(engine, "before_cursor_execute", listener)


@pytest.mark.parametrize("path", ["/healthz", "/static/app.js"])
def test_healthz_and_static_files_read_no_session_and_no_database(client, statements, path):
    with client.get(path) as response:
        assert response.status_code == 200
        assert statements == []  # not even the signed-in account is loaded
        assert "Set-Cookie" not in response.headers
        assert "Cookie" not in response.headers.get("Vary", "")  # the session was never opened


def test_healthz_answers_without_signing_in_and_is_not_in_the_access_log(app, statements):
    response = app.test_client().get("/healthz")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    assert response.get_data(as_text=True) == "formgen is running\n"
    assert statements == []


def test_a_page_still_loads_the_signed_in_account(client, statements, example_case):
    assert client.get(f"/cases/{example_case}").status_code == 200
    assert any("FROM users" in statement for statement in statements)


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def test_serve_runs_the_workers_it_is_asked_for_on_gunicorn(tmp_path):
    env = {**os.environ, "FORMGEN_INSTANCE_PATH": str(tmp_path), "FORMGEN_SECRET_KEY": "serving-tests"}
    env.pop("DATABASE_URL", None)
    formgen(env, "db-upgrade")
    with serving(env, "--workers", "3", "--threads", "2") as server:
        browser = Browser(server.port)
        status, text, headers = browser.request("GET", "/healthz")
        browser.close()
        assert (status, text, headers["Server"]) == (200, "formgen is running\n", "gunicorn")
        deadline = time.monotonic() + 30
        while len(_children(server.process.pid)) < 3:  # the workers start one after another
            assert time.monotonic() < deadline, server.log
            time.sleep(0.1)
        assert len(_children(server.process.pid)) == 3
        assert any("3 workers x 2 threads" in line for line in server.log)
