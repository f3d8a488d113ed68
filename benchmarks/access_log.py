"""What logging a view costs: the task list and the case page with their access-log event, beside the
same pages from an app that writes none, in the same run.

    .venv/bin/python benchmarks/access_log.py [--runs 40] [--events 20000]

Both apps are the real one on SQLite databases made by the migrations, with the sibling-group example
imported and the log already holding `--events` events (so an insert lands in a log of some size);
the baseline app has the access log's after-request step taken off. Requests alternate between the
two, and the medians and their ratio are printed: the difference is one event row and its children's
rows, written in one small transaction.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
from pathlib import Path

from flask import Flask
from measure import PASSWORD, get_ms, signed_in

from formgen.engine import load_case
from formgen.settings import PROJECT_ROOT
from formgen.web import audit, create_app
from formgen.web.commands import create_user, import_case
from formgen.web.database import upgrade
from formgen.web.extensions import db
from formgen.web.models import AccessEvent

EMAIL = "sam.practitioner@example.org"
PAGES = {
    "task list": "/cases/EX-SIB-01/children/child-tilly",
    "case page": "/cases/EX-SIB-01",
}


def make_app(folder: Path, events: int, *, logged: bool) -> Flask:
    url = f"sqlite:///{folder / 'formgen.db'}"
    upgrade(url)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url}, instance_path=folder)
    create_user(app, EMAIL, "Sam Practitioner", "practitioner", PASSWORD)
    example = PROJECT_ROOT / "examples" / "sibling-group.json"
    import_case(app, load_case(example), EMAIL, example.name)
    with app.app_context():
        rows = [{"action": "viewed", "case_id": 1, "detail": "Task list"} for _ in range(events)]
        db.session.execute(db.insert(AccessEvent), rows)
        db.session.commit()
    if not logged:
        app.after_request_funcs[None].remove(audit.log_request)
    return app


def logged_events(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(AccessEvent))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--events", type=int, default=20000)
    arguments = parser.parse_args()
    os.environ.setdefault("FORMGEN_SECRET_KEY", "a secret key for the benchmark only")
    logged = make_app(Path(tempfile.mkdtemp(prefix="formgen-bench-")), arguments.events, logged=True)
    baseline = make_app(Path(tempfile.mkdtemp(prefix="formgen-bench-")), arguments.events, logged=False)
    clients = {"logged": signed_in(logged, EMAIL), "baseline": signed_in(baseline, EMAIL)}
    before = {"logged": logged_events(logged), "baseline": logged_events(baseline)}

    for name, path in PAGES.items():
        times: dict[str, list[float]] = {"logged": [], "baseline": []}
        for _ in range(3):  # warm both
            for client in clients.values():
                get_ms(client, path)
        for _ in range(arguments.runs):
            for which, client in clients.items():
                times[which].append(get_ms(client, path))
        logged_ms, baseline_ms = (statistics.median(times[which]) for which in ("logged", "baseline"))
        print(
            f"{name:10}  logged {logged_ms:7.2f} ms   without the log {baseline_ms:7.2f} ms   "
            f"difference {logged_ms - baseline_ms:6.2f} ms   ratio {logged_ms / baseline_ms:5.2f}"
        )
    # The logged app wrote one event per request; the baseline none.
    written = logged_events(logged) - before["logged"]
    print(f"events written: logged app {written}, baseline {logged_events(baseline) - before['baseline']}")


if __name__ == "__main__":
    main()
