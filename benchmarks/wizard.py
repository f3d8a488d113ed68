"""Median and 95th percentile of a wizard step through the app in process, beside a bare route.

    .venv/bin/python benchmarks/wizard.py [--runs 200]

A step is a question page of the sibling-group example: GET it, POST it with an error (validation
only), and POST it valid (validation and a saved revision in SQLite). The bare route is added to the
same app for this run and returns a short text, so the ratio is what the wizard adds to Flask itself.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from formgen.engine import load_case
from formgen.settings import Settings
from formgen.web import create_app
from formgen.web.commands import create_user, import_case
from formgen.web.database import upgrade

EMAIL, PASSWORD = "bench.worker@example.org", "a long fictional passphrase"
PAGE = "/cases/EX-SIB-01/household/family/family_functioning"


def timings(action: Callable[[], object], runs: int) -> list[float]:
    for _ in range(5):
        action()  # warm up: template compilation, caches
    measured = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        measured.append((time.perf_counter() - start) * 1000)
    return measured


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    runs = parser.parse_args().runs

    os.environ.setdefault("FORMGEN_SECRET_KEY", "benchmark")
    folder = Path(tempfile.mkdtemp(prefix="formgen-bench-"))
    url = f"sqlite:///{folder / 'formgen.db'}"
    upgrade(url)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False}, instance_path=folder)
    app.add_url_rule("/bare", "bare", lambda: "ok")
    create_user(app, EMAIL, "Bench Worker", "practitioner", PASSWORD)
    import_case(
        app, load_case(Settings.from_environment().examples_dir / "sibling-group.json"), EMAIL, "example"
    )
    client = app.test_client()
    client.post("/sign-in", data={"email": EMAIL, "password": PASSWORD})
    with app.app_context():
        from formgen.web.extensions import db
        from formgen.web.models import Case

        answers = dict(db.session.scalar(db.select(Case)).household)
    page = {
        key: answers[key] for key in ("family_history", "wider_family_support", "family_group_conference")
    }

    def save():
        version = client.get(PAGE).get_data(as_text=True).split('name="version" value="')[1].split('"')[0]
        return client.post(PAGE, data={**page, "version": version})

    steps = {
        "bare route": lambda: client.get("/bare"),
        "GET page": lambda: client.get(PAGE),
        "POST error": lambda: client.post(PAGE, data={"version": "0"}),
        "GET + save": save,
    }
    results = {name: timings(action, runs) for name, action in steps.items()}
    bare = statistics.median(results["bare route"])
    print(f"{runs} runs each, milliseconds, in process (Flask test client, SQLite)")
    print(f"{'step':<12}{'median':>9}{'p95':>9}{'ratio':>9}")
    for name, values in results.items():
        median = statistics.median(values)
        print(f"{name:<12}{median:>9.2f}{p95(values):>9.2f}{median / bare:>9.1f}")


if __name__ == "__main__":
    main()
