"""What the web benchmarks share: a database with practitioners and their draft cases, the figures
they print, and the form values a page carries.

Not a benchmark itself: the web benchmarks import it (they run from the repository's root as
`.venv/bin/python benchmarks/NAME.py`, which puts this folder on the path).
"""

from __future__ import annotations

import html
import re
import statistics
import time
from pathlib import Path

from formgen.engine import load_case
from formgen.engine.review import Review
from formgen.settings import PROJECT_ROOT

PASSWORD = "a long and fictional passphrase"
EXAMPLE = PROJECT_ROOT / "examples" / "sibling-group.json"
# A question page of the household's: three answers, one a long text the saves change.
QUESTION_PAGE = "/cases/{}/household/family/family_functioning"
ANSWERS = {"wider_family_support": "Grandmother nearby", "family_group_conference": "arranged"}
CHANGED = "family_history"  # each save writes a new value here, so every save writes a revision
_INPUT = re.compile(r"<input\b[^>]*>")
_ATTRIBUTE = re.compile(r'(\w+)="([^"]*)"')


def make_database(folder: Path, practitioners: int) -> tuple[str, list[tuple[str, str]]]:
    """A SQLite database in `folder` made by the migrations, with `practitioners` accounts each
    holding a draft copy of the sibling-group example: its URL and each (email, case reference)."""
    from formgen.web import create_app
    from formgen.web.commands import create_user, import_case
    from formgen.web.database import upgrade
    from formgen.web.extensions import db

    url = f"sqlite:///{folder / 'formgen.db'}"
    upgrade(url)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url}, instance_path=folder)
    example = load_case(EXAMPLE)
    # The example is approved: as it is, its pages refuse every save. A draft takes them.
    children = [child.model_copy(update={"review": Review()}) for child in example.children]
    people = []
    for number in range(practitioners):
        email = f"bench-{number}@example.org"
        create_user(app, email, f"Bench Practitioner {number}", "practitioner", PASSWORD)
        case = example.model_copy(update={"reference": f"BENCH-{number:02d}", "children": children})
        people.append((email, import_case(app, case, email, EXAMPLE.name)))
    with app.app_context():
        db.engine.dispose()
    return url, people


def hidden_fields(page: str) -> dict[str, str]:
    """The hidden inputs of a page (its CSRF token, the version it was opened at)."""
    fields = {}
    for tag in _INPUT.findall(page):
        attributes = dict(_ATTRIBUTE.findall(tag))
        if attributes.get("type") == "hidden" and "name" in attributes:
            fields[attributes["name"]] = html.unescape(attributes.get("value", ""))
    return fields


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def summary(values: list[float]) -> dict[str, float]:
    """Median, the middle half (25th to 75th percentile), 95th and 99th percentiles."""
    return {
        "median": statistics.median(values),
        "p25": percentile(values, 0.25),
        "p75": percentile(values, 0.75),
        "p95": percentile(values, 0.95),
        "p99": percentile(values, 0.99),
    }


def signed_in(app, email: str):
    """A Flask test client of `app`, signed in as `email` (whose password is PASSWORD)."""
    client = app.test_client()
    token = hidden_fields(client.get("/sign-in").get_data(as_text=True))["csrf_token"]
    response = client.post("/sign-in", data={"csrf_token": token, "email": email, "password": PASSWORD})
    assert response.status_code == 302, response.status_code
    return client


def get_ms(client, path: str) -> float:
    """How long one GET of `path` takes through a test client, in milliseconds; it must succeed."""
    start = time.perf_counter()
    response = client.get(path)
    elapsed = (time.perf_counter() - start) * 1000
    assert response.status_code == 200, (path, response.status_code)
    return elapsed
