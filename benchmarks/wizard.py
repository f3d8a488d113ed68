"""A wizard step through the app in process, interleaved with /healthz of the same app.

    .venv/bin/python benchmarks/wizard.py [--runs 200]

The app is the real one (CSRF on) on a SQLite database made by the migrations, with a draft copy of
the sibling-group example. Each run measures, in turn, /healthz (the baseline: a short text, no
database, no session), GET of a household question page, POST of it with an error (its CSRF token
and version, and a date that is not one: validation only), and a real save (GET, then POST with a
new answer, so each save writes a new version and revision: the script checks the version rose by
one each time). The four alternate within every run, so a busy machine slows them alike. Printed:
median, the middle half (25th to 75th percentile), 95th percentile and the ratio of medians to
/healthz's, in milliseconds.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from measure import ANSWERS, CHANGED, PASSWORD, QUESTION_PAGE, hidden_fields, make_database, summary

from formgen.web import create_app
from formgen.web.extensions import db
from formgen.web.models import Case


class Steps:
    """The four steps, each timing itself into `timings`."""

    def __init__(self, runs: int) -> None:
        os.environ.setdefault("FORMGEN_SECRET_KEY", "a secret key for the benchmark only")
        folder = Path(tempfile.mkdtemp(prefix="formgen-bench-"))
        url, [(email, self.reference)] = make_database(folder, 1)
        self.app = create_app({"SQLALCHEMY_DATABASE_URI": url}, instance_path=folder)
        if (
            "healthz" not in self.app.view_functions
        ):  # a checkout from before /healthz, measured for comparison
            self.app.add_url_rule("/healthz", "healthz", lambda: "formgen is running\n")
        self.client = self.app.test_client()
        token = hidden_fields(self.client.get("/sign-in").get_data(as_text=True))["csrf_token"]
        signed_in = self.client.post(
            "/sign-in", data={"csrf_token": token, "email": email, "password": PASSWORD}
        )
        assert signed_in.status_code == 302, signed_in.status_code
        self.page = QUESTION_PAGE.format(self.reference)
        self.saves = 0
        self.timings: dict[str, list[float]] = {name: [] for name in self.steps()}

    def steps(self) -> dict[str, Callable[[], None]]:
        return {
            "/healthz": self.healthz,
            "GET page": self.get,
            "POST with an error": self.post_error,
            "GET + save": self.save,
        }

    def version(self) -> int:
        with self.app.app_context():
            return db.session.scalar(db.select(Case.version).where(Case.reference == self.reference))

    def healthz(self) -> None:
        start = time.perf_counter()
        response = self.client.get("/healthz")
        self.timings["/healthz"].append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code

    def get(self) -> None:
        start = time.perf_counter()
        response = self.client.get(self.page)
        self.timings["GET page"].append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code

    def post_error(self) -> None:
        fields = hidden_fields(self.client.get(self.page).get_data(as_text=True))
        start = time.perf_counter()  # only the POST: the GET before it is the step above
        response = self.client.post(
            self.page, data={**fields, **ANSWERS, "family_group_conference": "not a choice"}
        )
        self.timings["POST with an error"].append((time.perf_counter() - start) * 1000)
        assert response.status_code == 400, response.status_code

    def save(self) -> None:
        before = self.version()
        self.saves += 1
        start = time.perf_counter()
        fields = hidden_fields(self.client.get(self.page).get_data(as_text=True))
        answers = {**fields, **ANSWERS, CHANGED: f"Saved by the benchmark, {self.saves}"}
        response = self.client.post(self.page, data=answers)
        self.timings["GET + save"].append((time.perf_counter() - start) * 1000)
        assert response.status_code == 302, response.status_code
        assert self.version() == before + 1, "the save wrote nothing"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    runs = parser.parse_args().runs
    steps = Steps(runs)
    for _ in range(5):  # warm up: template compilation, caches
        for action in steps.steps().values():
            action()
    for values in steps.timings.values():
        values.clear()
    first = steps.version()
    for _ in range(runs):
        for action in steps.steps().values():
            action()

    baseline = summary(steps.timings["/healthz"])["median"]
    print(f"{runs} runs of each, interleaved; milliseconds; in process (Flask test client, CSRF on, SQLite)")
    print(f"{'step':<20}{'median':>9}{'p25-p75':>16}{'p95':>9}{'ratio':>8}")
    for name, values in steps.timings.items():
        figures = summary(values)
        spread = f"{figures['p25']:.2f}-{figures['p75']:.2f}"
        ratio = figures["median"] / baseline
        print(f"{name:<20}{figures['median']:>9.2f}{spread:>16}{figures['p95']:>9.2f}{ratio:>8.1f}")
    print(f"saves written: the case's version rose from {first} to {steps.version()} ({runs} saves measured)")


if __name__ == "__main__":
    main()
