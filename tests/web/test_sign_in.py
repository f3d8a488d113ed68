"""Signing in holds under parallel guessing and tells nobody which accounts exist.

The parallel test runs `formgen serve` as a user would, in an instance folder of its own, and reads the
server's `formgen.security` log: one line per attempt, saying whether the account's password was
checked, with the attempt's number and a keyed hash of the address.
"""

from __future__ import annotations

import logging
import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from http.client import HTTPConnection
from urllib.parse import urlencode

import pytest
from lxml import html as lxml_html
from sqlalchemy import Engine, create_engine, select
from sqlalchemy.pool import NullPool

from formgen.web import throttle
from formgen.web.extensions import db
from formgen.web.models import SignInThrottle
from tests.web.conftest import EMAIL, FAILED, PASSWORD, sign_in
from tests.web.pagecheck import form_values
from tests.web.served import STOPS_WITHIN

SECRET = "a-secret-key-for-the-sign-in-tests"
ACCOUNTS = ["ines.marlowe@example.org", "tobias.achterberg@example.org", "grace.oyelaran@example.org"]
GUESSES = 40
RIGHT_GUESS = 24  # the 25th sent: once the limit has been counted, while the wrong ones are in flight
LOG_LINE = re.compile(r"sign-in outcome=(\S+) reason=(\S+) attempt=(\d+) address=(\w+)")


def error_of(response) -> str:
    summary = lxml_html.fromstring(response.get_data(as_text=True)).xpath(
        "//*[contains(@class, 'govuk-error-summary__list')]"
    )
    return " ".join(summary[0].text_content().split()) if summary else ""


def form_values_of(response) -> dict[str, str]:
    tree = lxml_html.fromstring(response.get_data(as_text=True))
    return {element.get("name"): element.get("value") for element in tree.xpath("//input[@name]")}


def outcomes(lines: list[str], secret: str, email: str) -> list[tuple[str, str, int]]:
    """Each logged attempt for the address: its outcome, the reason and the attempt's number."""
    address = throttle.address_key(email, secret)[:16]
    found = [LOG_LINE.search(line) for line in lines]
    return [(m[1], m[2], int(m[3])) for m in found if m and m[4] == address]


def test_an_unknown_address_is_answered_and_counted_as_a_real_one(app, caplog):
    caplog.set_level(logging.INFO, logger="formgen.security")
    answers = {}
    for email in (EMAIL, "nobody@example.org"):
        client = app.test_client()
        answers[email] = [error_of(sign_in(client, email, "a wrong guess")) for _ in range(7)]
    assert answers[EMAIL] == answers["nobody@example.org"] == [FAILED] * 7
    with app.app_context():
        assert [row.attempts for row in db.session.scalars(db.select(SignInThrottle))] == [7, 7]
    # Five checks of the account's password, then none; for the unknown address the same five checks
    # of a stand-in hash, then none.
    messages = [record.getMessage() for record in caplog.records]
    assert outcomes(messages, app.config["SECRET_KEY"], EMAIL) == [
        *[("refused", "wrong-password", n) for n in range(1, 6)],
        ("refused", "throttled", 6),
        ("refused", "throttled", 7),
    ]
    assert outcomes(messages, app.config["SECRET_KEY"], "nobody@example.org") == [
        *[("refused", "unknown-address", n) for n in range(1, 6)],
        ("refused", "throttled", 6),
        ("refused", "throttled", 7),
    ]
    assert not any(EMAIL in message or "guess" in message for message in messages)


def test_signing_in_clears_the_count_of_failures(app):
    client = app.test_client()
    for _ in range(2):
        for _ in range(app.config["SIGN_IN_ATTEMPTS"] - 1):
            assert error_of(sign_in(client, EMAIL, "a wrong guess")) == FAILED
        assert sign_in(client, EMAIL, PASSWORD).status_code == 302  # the fifth attempt, twice over
        client.post("/sign-out", data={"csrf_token": client.csrf_token("/")})


def test_the_lockout_lasts_fifteen_minutes_from_the_attempt_that_reached_the_limit(app):
    client = app.test_client()

    def minutes_pass(minutes: int) -> None:
        with app.app_context():
            row = db.session.scalars(db.select(SignInThrottle)).one()
            row.window_started -= timedelta(minutes=minutes)
            db.session.commit()

    for _ in range(4):
        sign_in(client, EMAIL, "a wrong guess")
    minutes_pass(10)
    sign_in(client, EMAIL, "a wrong guess")  # the fifth: the lockout starts now, not 10 minutes ago
    minutes_pass(10)
    assert sign_in(client, EMAIL, PASSWORD).status_code == 200
    minutes_pass(5)
    assert sign_in(client, EMAIL, PASSWORD).status_code == 302


@pytest.mark.parametrize("character", ["\x00", "\x1f", "\x7f", "\x85"])
def test_a_control_character_in_the_email_gets_the_one_message(app, character):
    client = app.test_client()
    response = sign_in(client, EMAIL.replace("@", f"{character}@"), PASSWORD)
    assert response.status_code == 200 and error_of(response) == FAILED
    assert client.get("/").status_code == 302
    # The address is shown again as typed, less what no address holds.
    assert form_values_of(response)["email"] == EMAIL


# --- parallel guesses against the real server -------------------------------------------------


@dataclass
class Server:
    port: int
    database_url: str
    log: list[str]

    def connect(self) -> HTTPConnection:
        return HTTPConnection("127.0.0.1", self.port, timeout=120)


def formgen(env: dict[str, str], *arguments: str, password: str | None = None) -> None:
    command = [sys.executable, "-m", "formgen", *arguments]
    subprocess.run(command, env=env, input=password, text=True, check=True, capture_output=True)


@pytest.fixture(params=["sqlite", "postgresql"])
def server(request, tmp_path) -> Iterator[Server]:
    """`formgen serve` on a free port, on SQLite in its instance folder or on PostgreSQL."""
    instance = tmp_path / "instance"
    env = {**os.environ, "FORMGEN_INSTANCE_PATH": str(instance), "FORMGEN_SECRET_KEY": SECRET}
    env.pop("DATABASE_URL", None)
    if request.param == "postgresql":
        env["DATABASE_URL"] = request.getfixturevalue("postgres_database")
    formgen(env, "db-upgrade")
    for email in ACCOUNTS:
        details = ["--email", email, "--name", "Fictional Practitioner", "--password-stdin"]
        formgen(env, "create-user", *details, password=PASSWORD)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "formgen", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    log: list[str] = []
    reader = threading.Thread(target=lambda: log.extend(process.stderr), daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 30
        while not any("Serving on" in line for line in log):
            assert process.poll() is None and time.monotonic() < deadline, "the server did not start"
            time.sleep(0.1)
        yield Server(port, env.get("DATABASE_URL") or f"sqlite:///{instance / 'formgen.db'}", log)
    finally:
        process.terminate()
        process.wait(timeout=STOPS_WITHIN)
        reader.join(timeout=10)
        process.stderr.close()


def sign_in_page(server: Server) -> tuple[str, str]:
    """A session cookie and the CSRF token of its sign-in page, as a browser would hold them."""
    connection = server.connect()
    connection.request("GET", "/sign-in")
    response = connection.getresponse()
    token = form_values(response.read().decode())["csrf_token"]
    cookie = response.getheader("Set-Cookie").split(";", 1)[0]
    connection.close()
    return cookie, token


def post_sign_in(server: Server, cookie: str, token: str, email: str, password: str) -> tuple[int, str]:
    connection = server.connect()
    body = urlencode({"csrf_token": token, "email": email, "password": password})
    headers = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
    connection.request("POST", "/sign-in", body=body, headers=headers)
    response = connection.getresponse()
    answer = response.status, response.read().decode()
    connection.close()
    return answer


def counted(database: Engine, email: str) -> int:
    """The attempts the database holds for the address, read as another server process would."""
    address = throttle.address_key(email, SECRET)
    with database.connect() as connection:
        attempts = connection.scalar(select(SignInThrottle.attempts).where(SignInThrottle.address == address))
    return attempts or 0


def guess_in_parallel(server: Server, email: str) -> list[tuple[int, str]]:
    pages = [sign_in_page(server) for _ in range(GUESSES)]
    start = threading.Barrier(GUESSES - 1)
    database = create_engine(server.database_url, poolclass=NullPool)

    def guess(number: int) -> tuple[int, str]:
        cookie, token = pages[number]
        if number != RIGHT_GUESS:
            start.wait()
            return post_sign_in(server, cookie, token, email, f"wrong guess {number}")
        while counted(database, email) < 5:
            time.sleep(0.002)
        return post_sign_in(server, cookie, token, email, PASSWORD)

    with ThreadPoolExecutor(max_workers=GUESSES) as pool:
        return list(pool.map(guess, range(GUESSES)))


def server_log(server: Server, email: str) -> list[tuple[str, str, int]]:
    deadline = time.monotonic() + 30
    while True:
        lines = outcomes(list(server.log), SECRET, email)
        if len(lines) >= GUESSES or time.monotonic() > deadline:
            return lines
        time.sleep(0.05)


def test_parallel_guesses_check_at_most_five_passwords_and_refuse_the_right_one_after(server):
    for email in ACCOUNTS:
        answers = guess_in_parallel(server, email)
        assert all(status == 200 and FAILED in body for status, body in answers), email
        lines = server_log(server, email)
        assert sorted(attempt for _, _, attempt in lines) == list(range(1, GUESSES + 1)), email
        checked = [line for line in lines if line[1] in {"wrong-password", "right-password"}]
        assert len(checked) == 5, f"{email}: {len(checked)} passwords checked"
        assert all(outcome == "refused" for outcome, _, _ in lines)
        assert sorted(attempt for _, _, attempt in checked) == [1, 2, 3, 4, 5]
    everything = "".join(server.log)
    assert not any(email in everything for email in ACCOUNTS) and PASSWORD not in everything
