"""The home page and the manager's team list at 100, 1,000 and 10,000 assessments, beside a baseline
route of the same app, interleaved in one run.

    .venv/bin/python benchmarks/lists.py [--sizes 100,1000,10000] [--runs 40] [--postgresql]

For each size a fresh database (SQLite made by the migrations; with --postgresql, or when
FORMGEN_TEST_POSTGRESQL_URL names a server, PostgreSQL too: a throwaway cluster of Debian's
PostgreSQL as the tests make one) is seeded in bulk, never through the pages: cases copied from the
three examples (their answers, reviews and decisions) until there are that many children's
assessments, allocated among five practitioners of one team, half of them to the one measured. Each
distinct example child's summary is worked out once with `summaries.compute` and copied to its
copies (their answers are the same); the time one summary takes to work out is printed too, since a
save pays it once per child of the case.

Requests go A B A B: the baseline (`/healthz` where the app has one, else a route added to this
app alone that renders a short string) and the practitioner's home page, then the baseline and the
manager's home page (the whole team's list), each with its access-log event, CSRF on. Printed: p50
and p95 of each, their ratio to the baseline, and for the largest size its ratio to 1,000.
Targets: p50 under 50 ms at 10,000, and at 10,000 within 1.5x of the figure at 1,000.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from flask import Flask
from lxml import html

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from measure import PASSWORD, get_ms, signed_in

from formgen.capabilities import Role
from formgen.engine import load_case
from formgen.settings import PROJECT_ROOT
from formgen.web import create_app, summaries
from formgen.web.commands import create_team, create_user
from formgen.web.database import upgrade
from formgen.web.extensions import db
from formgen.web.models import AssessmentSummary, Case, Child, Revision, User

TEAM = "Benchmark Assessment Team"
PRACTITIONER = "worker.0@example.org"
MANAGER = "manager@example.org"
WORKERS = 5
EXAMPLES = ("sibling-group", "pre-birth", "unaccompanied-asylum-seeker")


def make_app(url: str, folder: Path) -> Flask:
    upgrade(url)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url}, instance_path=folder)
    if "healthz" not in app.view_functions:  # main has none yet: a bare route for this app alone
        app.add_url_rule("/healthz", "healthz", lambda: ("ok", 200, {"Content-Type": "text/plain"}))
    create_team(app, TEAM)
    for number in range(WORKERS):
        create_user(
            app,
            f"worker.{number}@example.org",
            f"Worker {number}",
            Role.PRACTITIONER.value,
            PASSWORD,
            team=TEAM,
        )
    create_user(app, MANAGER, "Morgan Manager", Role.MANAGER.value, PASSWORD, team=TEAM)
    return app


def seed(app: Flask, size: int) -> float:
    """`size` children's assessments in bulk; returns the median ms one summary takes to work out."""
    examples = [load_case(PROJECT_ROOT / "examples" / f"{name}.json") for name in EXAMPLES]
    with app.app_context():
        form = app.extensions["formgen"].form
        workers = db.session.scalars(
            db.select(User).where(User.role == Role.PRACTITIONER.value).order_by(User.email)
        ).all()
        team_id = workers[0].team_id
        cases, children, made = [], [], 0
        while made < size:
            example = examples[len(cases) % len(examples)]
            number = len(cases)
            # Half to the measured practitioner, the rest shared among the others.
            worker = workers[0] if number % 2 == 0 else workers[1 + number // 2 % (WORKERS - 1)]
            allocation = {
                "worker": {"name": worker.name, "email": worker.email},
                "team": TEAM,
                "at": datetime.now(UTC).isoformat(),
                "reason": "",
            }
            cases.append(
                {
                    "id": number + 1,
                    "reference": f"BENCH-{number:06d}",
                    "worker_id": worker.id,
                    "team_id": team_id,
                    "household": example.household,
                    "allocations": [allocation],
                    "decisions": [d.model_dump(mode="json") for d in example.decisions],
                    "plan_reviews": [r.model_dump(mode="json") for r in example.plan_reviews],
                    "distribution": [
                        r.model_dump(mode="json", exclude_none=True) for r in example.distribution
                    ],
                    "withheld": [w.model_dump(mode="json", exclude_none=True) for w in example.withheld],
                    "circulation": [
                        s.model_dump(mode="json", exclude_none=True) for s in example.circulation
                    ],
                    "version": 1,
                }
            )
            for position, record in enumerate(example.children[: size - made]):
                children.append(
                    {
                        "id": made + 1,
                        "case_id": number + 1,
                        "key": record.id,
                        "position": position,
                        "answers": record.answers,
                        "review_steps": record.review.model_dump(mode="json"),
                        "stage": record.review.stage.value,
                        "decisions": [d.model_dump(mode="json") for d in record.decisions],
                        "version": 1,
                    }
                )
                made += 1
        db.session.execute(db.insert(Case), cases)
        db.session.execute(db.insert(Child), children)
        revisions = [
            {"case_id": case["id"], "child_id": None, "version": 1, "kind": "imported", "answers": {}}
            for case in cases
        ] + [
            {
                "case_id": child["case_id"],
                "child_id": child["id"],
                "version": 1,
                "kind": "imported",
                "answers": {},
            }
            for child in children
        ]
        db.session.execute(db.insert(Revision), revisions)
        db.session.commit()
        # One summary per distinct example child, copied to its copies.
        worked: dict[tuple[int, str], dict] = {}
        timings = []
        for case_row in cases[: len(EXAMPLES)]:
            case = db.session.get(Case, case_row["id"])
            for child in case.children:
                start = time.perf_counter()
                values = summaries.compute(form, case, child, 2)
                timings.append((time.perf_counter() - start) * 1000)
                worked[((case.id - 1) % len(EXAMPLES), child.key)] = values
        stamp, at = summaries.current_hash(app), datetime.now(UTC)
        rows = []
        for child in children:
            values = dict(worked[((child["case_id"] - 1) % len(EXAMPLES), child["key"])])
            values.update(child_id=child["id"], case_id=child["case_id"], form_hash=stamp, computed_at=at)
            rows.append(values)
        db.session.execute(db.insert(AssessmentSummary), rows)
        db.session.commit()
        for _ in range(10):  # a few more timings of the real thing
            case = db.session.get(Case, 1)
            start = time.perf_counter()
            summaries.compute(form, case, case.children[0], 2)
            timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings)


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def measure(app: Flask, runs: int) -> dict[str, list[float]]:
    clients = {"home": signed_in(app, PRACTITIONER), "team list": signed_in(app, MANAGER)}
    for client in clients.values():  # the first request refreshes nothing here, but warms the caches
        for _ in range(3):
            get_ms(client, "/healthz")
            get_ms(client, "/")
    page = html.fromstring(clients["team list"].get("/").get_data(as_text=True))
    assert len(page.xpath("//table[@id='assessments']/tbody/tr")) == min(25, summaries_count(app))
    times: dict[str, list[float]] = {"baseline": [], "home": [], "team list": []}
    for _ in range(runs):
        for name, client in clients.items():  # A B A B
            times["baseline"].append(get_ms(client, "/healthz"))
            times[name].append(get_ms(client, "/"))
    return times


def summaries_count(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(AssessmentSummary))


@contextlib.contextmanager
def databases(postgresql: bool):
    """Yield (name, make_url) for each database to measure."""
    found = [("SQLite", lambda folder, size: f"sqlite:///{folder / f'lists-{size}.db'}")]
    with contextlib.ExitStack() as stack:
        url = os.environ.get("FORMGEN_TEST_POSTGRESQL_URL")
        if postgresql and not url:
            from tests.web.postgres import throwaway_cluster

            url = stack.enter_context(throwaway_cluster())
        if url:
            from tests.web.postgres import new_database

            found.append(("PostgreSQL", lambda folder, size, url=url: new_database(url)))
        yield found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,10000")
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--postgresql", action="store_true", help="also on a throwaway PostgreSQL cluster")
    arguments = parser.parse_args()
    os.environ.setdefault("FORMGEN_SECRET_KEY", "a secret key for the benchmark only")
    sizes = [int(size) for size in arguments.sizes.split(",")]
    with databases(arguments.postgresql) as found:
        for name, make_url in found:
            medians: dict[tuple[int, str], float] = {}
            for size in sizes:
                folder = Path(tempfile.mkdtemp(prefix="formgen-lists-"))
                app = make_app(make_url(folder, size), folder)
                start = time.perf_counter()
                compute_ms = seed(app, size)
                seeded = time.perf_counter() - start
                times = measure(app, arguments.runs)
                base = statistics.median(times["baseline"])
                print(
                    f"{name} {size:>6} assessments (seeded in {seeded:4.1f} s; one summary worked out in "
                    f"{compute_ms:5.1f} ms)"
                )
                for page in ("baseline", "home", "team list"):
                    p50 = statistics.median(times[page])
                    medians[(size, page)] = p50
                    print(
                        f"  {page:10} p50 {p50:7.2f} ms  p95 {p95(times[page]):7.2f} ms  "
                        f"x baseline {p50 / base:5.2f}"
                    )
            if 1000 in sizes and max(sizes) > 1000:
                for page in ("home", "team list"):
                    ratio = medians[(max(sizes), page)] / medians[(1000, page)]
                    print(
                        f"{name} {page}: p50 at {max(sizes):,} is {ratio:4.2f}x"
                        " the p50 at 1,000 (target 1.5x)"
                    )


if __name__ == "__main__":
    main()
