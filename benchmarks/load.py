"""16 signed-in practitioners at once against `formgen serve`, beside /healthz of the same server.

    .venv/bin/python benchmarks/load.py [--clients 16] [--seconds 3] [--rounds 3] [--workers 2 --threads 4]

A real `formgen serve` (gunicorn) on a free port, on SQLite in a temporary instance folder with the
demo accounts and examples (`formgen demo`) and one practitioner per client, each holding a draft
copy of the sibling-group example. Every client signs in (CSRF on) and keeps its connection alive,
as a browser does. The phases alternate, each `--seconds` long with every client busy:
/healthz, a question page, /healthz, a full step, /healthz, the home page, and so on for `--rounds`
rounds, so that a busy machine slows each alike. A question page is a GET of one household page; a
full step is its GET and the POST of a new answer (a real save: 302, and at the end each case's
version must have risen by its saves); the home page is each practitioner's list. Printed: throughput
(median of the phases, and their range), latency p50 and p99 over every request, errors, and each
one's throughput as a share of /healthz's, with the targets of issue 9.

The clients run in this process, so on a small machine they take some of the cores the server has:
/healthz, the cheapest, is the most held back by them, which makes the ratios conservative.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from http.client import HTTPConnection, HTTPException
from pathlib import Path
from urllib.parse import urlencode

from measure import ANSWERS, CHANGED, PASSWORD, QUESTION_PAGE, hidden_fields, make_database, summary
from sqlalchemy import create_engine, select

from formgen.web.models import Case

BASELINE = "/healthz"
TARGETS = {"question page": 0.33, "full step": 0.2, "home page": 0.33}
STEP_P99_TARGET_MS = 250


class Client:
    """One practitioner's browser: a session cookie and one kept-alive connection."""

    def __init__(self, port: int, email: str, reference: str) -> None:
        self.port, self.email, self.page = port, email, QUESTION_PAGE.format(reference)
        self.reference = reference
        self.cookie = ""
        self.attempts = self.saves = 0
        self.connection = HTTPConnection("127.0.0.1", port, timeout=60)

    def reconnect(self) -> None:
        self.connection.close()
        self.connection = HTTPConnection("127.0.0.1", port=self.port, timeout=60)

    def request(self, method: str, path: str, fields: dict | None = None) -> tuple[int, str]:
        headers = {"Cookie": self.cookie} if self.cookie else {}
        body = None
        if fields is not None:
            body = urlencode(fields)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        text = response.read().decode()
        cookie = response.getheader("Set-Cookie")
        if cookie:
            self.cookie = cookie.split(";", 1)[0]
        return response.status, text

    def sign_in(self) -> None:
        token = hidden_fields(self.request("GET", "/sign-in")[1])["csrf_token"]
        status, _ = self.request(
            "POST", "/sign-in", {"csrf_token": token, "email": self.email, "password": PASSWORD}
        )
        assert status == 302, f"signing in answered {status}"

    def healthz(self) -> bool:
        return self.request("GET", BASELINE)[0] == 200

    def question_page(self) -> bool:
        return self.request("GET", self.page)[0] == 200

    def full_step(self) -> bool:
        status, page = self.request("GET", self.page)
        if status != 200:
            return False
        self.attempts += 1
        answers = {**hidden_fields(page), **ANSWERS, CHANGED: f"Saved under load, {self.attempts}"}
        saved = self.request("POST", self.page, answers)[0] == 302
        self.saves += saved
        return saved

    def home_page(self) -> bool:
        return self.request("GET", "/")[0] == 200


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(env: dict[str, str], port: int, options: list[str]) -> subprocess.Popen:
    server = subprocess.Popen(
        [sys.executable, "-m", "formgen", "serve", "--port", str(port), *options],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            connection = HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/sign-in")
            if connection.getresponse().status == 200:
                connection.close()
                return server
        except OSError:
            pass
        assert server.poll() is None and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.2)


class Phase:
    """Every client doing one kind of request, as fast as the server answers, for some seconds."""

    def __init__(self, clients: list[Client], action: Callable[[Client], bool], seconds: float) -> None:
        self.latencies: list[float] = []
        self.errors = 0
        self.done = 0
        lock = threading.Lock()
        stop = time.monotonic() + seconds

        def run(client: Client) -> None:
            client.reconnect()  # the server closes connections left idle between phases
            latencies, errors = [], 0
            while time.monotonic() < stop:
                start = time.perf_counter()
                try:
                    ok = action(client)
                except (OSError, HTTPException):
                    ok = False
                    client.reconnect()
                latencies.append((time.perf_counter() - start) * 1000)
                errors += not ok
            with lock:
                self.latencies += latencies
                self.errors += errors

        began = time.perf_counter()
        threads = [threading.Thread(target=run, args=(client,)) for client in clients]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.throughput = len(self.latencies) / (time.perf_counter() - began)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=3.0, help="each phase")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, help="formgen serve --workers (its default if not given)")
    parser.add_argument("--threads", type=int, help="formgen serve --threads (its default if not given)")
    arguments = parser.parse_args()
    options = []
    for name in ("workers", "threads"):
        if getattr(arguments, name) is not None:
            options += [f"--{name}", str(getattr(arguments, name))]

    folder = Path(tempfile.mkdtemp(prefix="formgen-load-"))
    env = {
        **os.environ,
        "FORMGEN_INSTANCE_PATH": str(folder),
        "FORMGEN_SECRET_KEY": "a key for the benchmark",
    }
    env.pop("DATABASE_URL", None)
    os.environ["FORMGEN_SECRET_KEY"] = env["FORMGEN_SECRET_KEY"]
    url, people = make_database(folder, arguments.clients)
    subprocess.run([sys.executable, "-m", "formgen", "demo"], env=env, check=True, capture_output=True)
    database = create_engine(url)
    with database.connect() as connection:
        versions = dict(connection.execute(select(Case.reference, Case.version)).all())

    port = free_port()
    server = start_server(env, port, options)
    try:
        clients = [Client(port, email, reference) for email, reference in people]
        for client in clients:
            client.sign_in()
        kinds: dict[str, Callable[[Client], bool]] = {
            "question page": Client.question_page,
            "full step": Client.full_step,
            "home page": Client.home_page,
        }
        for action in (Client.healthz, *kinds.values()):  # warm up every worker's templates
            Phase(clients, action, 0.5)
        phases: dict[str, list[Phase]] = {name: [] for name in (BASELINE, *kinds)}
        for _ in range(arguments.rounds):
            for name, action in kinds.items():
                phases[BASELINE].append(Phase(clients, Client.healthz, arguments.seconds))
                phases[name].append(Phase(clients, action, arguments.seconds))
    finally:
        server.terminate()
        server.wait(timeout=30)

    with database.connect() as connection:
        after = dict(connection.execute(select(Case.reference, Case.version)).all())
    database.dispose()
    # Every acknowledged save wrote a version; a save whose answer was lost may have written one too.
    unsaved = [
        c.reference
        for c in clients
        if not c.saves <= after[c.reference] - versions[c.reference] <= c.attempts
    ]
    report(arguments, phases, unsaved, sum(client.saves for client in clients))


def report(arguments, phases: dict[str, list[Phase]], unsaved: list[str], saves: int) -> None:
    def throughput(name: str) -> float:
        return summary([phase.throughput for phase in phases[name]])["median"]

    baseline = throughput(BASELINE)
    print(
        f"{arguments.clients} clients, {arguments.rounds} rounds of {arguments.seconds:g} s phases, "
        f"interleaved with {BASELINE}; formgen serve {arguments.workers or 'default'} workers x "
        f"{arguments.threads or 'default'} threads, SQLite"
    )
    print(
        f"{'':<15}{'req/s':>8}{'range':>15}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}{'ratio':>7}{'target':>8}"
    )
    for name, measured in phases.items():
        rates = [phase.throughput for phase in measured]
        latencies = summary([value for phase in measured for value in phase.latencies])
        errors = sum(phase.errors for phase in measured)
        ratio = throughput(name) / baseline
        target = f">={TARGETS[name]}" if name in TARGETS else ""
        print(
            f"{name:<15}{throughput(name):>8.1f}{f'{min(rates):.0f}-{max(rates):.0f}':>15}"
            f"{latencies['median']:>9.1f}{latencies['p99']:>9.1f}{errors:>8}{ratio:>7.2f}{target:>8}"
        )
    step_p99 = summary([value for phase in phases["full step"] for value in phase.latencies])["p99"]
    print(f"full step p99 {step_p99:.0f} ms (target < {STEP_P99_TARGET_MS} ms)")
    print(
        f"saves: {saves} acknowledged, each case's version rose by its saves"
        if not unsaved
        else f"SAVES MISSING in {', '.join(unsaved)}"
    )


if __name__ == "__main__":
    main()
