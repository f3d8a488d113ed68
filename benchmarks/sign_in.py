"""Median time of a refused sign-in in each case that nobody must be able to tell apart by timing.

    .venv/bin/python benchmarks/sign_in.py [--runs 15]

Each run sends, in turn, a wrong password for a real account (the baseline, its count of attempts
cleared first so that its password is checked), for an unknown address, for a locked-out account, for
a locked-out unknown address and for an address holding a NUL. The app is the real one on a new SQLite
database, through Flask's test client. Every case checks exactly one scrypt hash, so each ratio to the
baseline should be close to 1.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from flask.testing import FlaskClient
from lxml import html

from formgen.web import create_app, throttle
from formgen.web.commands import create_user
from formgen.web.database import upgrade

REAL = "sam.practitioner@example.org"
LOCKED = "alex.locked@example.org"
PASSWORD = "a long and fictional passphrase"
CASES = {
    "real account": REAL,
    "unknown address": "nobody@example.org",
    "locked account": LOCKED,
    "locked unknown": "locked.nobody@example.org",
    "NUL in address": "sam.practitioner\x00@example.org",
}


def attempt_ms(client: FlaskClient, token: str, email: str) -> float:
    form = {"csrf_token": token, "email": email, "password": "a wrong guess"}
    start = time.perf_counter()
    response = client.post("/sign-in", data=form)
    elapsed = (time.perf_counter() - start) * 1000
    assert response.status_code == 200, response.status_code
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    arguments = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="formgen-bench-"))
    os.environ.setdefault("FORMGEN_SECRET_KEY", "a secret key for the benchmark only")
    url = f"sqlite:///{folder / 'formgen.db'}"
    upgrade(url)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url}, instance_path=folder)
    for email in (REAL, LOCKED):
        create_user(app, email, "Fictional Practitioner", "practitioner", PASSWORD)
    client = app.test_client()
    page = client.get("/sign-in").get_data(as_text=True)
    token = html.fromstring(page).xpath("//input[@name='csrf_token']/@value")[0]
    for email in (LOCKED, CASES["locked unknown"]):
        for _ in range(app.config["SIGN_IN_ATTEMPTS"]):
            attempt_ms(client, token, email)

    real_key = throttle.address_key(REAL, app.config["SECRET_KEY"])
    timings: dict[str, list[float]] = {name: [] for name in CASES}
    for _ in range(arguments.runs + 1):  # the first round warms caches and is not counted
        for name, email in CASES.items():
            if name == "real account":
                with app.app_context():
                    throttle.clear(real_key, app.config["SIGN_IN_LOCKOUT"])
            timings[name].append(attempt_ms(client, token, email))
    medians = {name: statistics.median(values[1:]) for name, values in timings.items()}

    print(f"{arguments.runs} runs each, median milliseconds of a refused sign-in")
    print(f"{'case':<18}{'median':>10}{'ratio':>8}")
    for name, median in medians.items():
        print(f"{name:<18}{median:>10.1f}{median / medians['real account']:>8.2f}")


if __name__ == "__main__":
    main()
