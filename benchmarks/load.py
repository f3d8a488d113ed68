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
SECRET = "a key for the benchmark only"
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


class Site:
    """`formgen serve` from a checkout (this one unless --against), on a database of its own."""

    def __init__(
        self,
        clients: int,
        options: list[str],
        checkout: Path | None = None,
        env: dict[str, str] | None = None,
    ) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="formgen-load-"))
        self.env = {**os.environ, "FORMGEN_INSTANCE_PATH": str(self.folder), "FORMGEN_SECRET_KEY": SECRET}
        self.env.update(env or {})
        self.env.pop("DATABASE_URL", None)
        self.url, self.people = make_database(self.folder, clients)
        self.checkout = checkout
        if checkout is not None:
            self.env["PYTHONPATH"] = str(checkout)
            # As that checkout would have made it: it sets the write-ahead log itself if it uses one.
            with create_engine(self.url).connect() as connection:
                connection.exec_driver_sql("PRAGMA journal_mode = DELETE")
        formgen = [sys.executable, "-m", "formgen"]
        subprocess.run([*formgen, "demo"], env=self.env, cwd=checkout, check=True, capture_output=True)
        self.versions = self.case_versions()
        self.port = free_port()
        self.server = subprocess.Popen(
            [*formgen, "serve", "--port", str(self.port), *options],
            env=self.env,
            cwd=checkout,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.wait_until_serving()
        self.clients = [Client(self.port, email, reference) for email, reference in self.people]
        for client in self.clients:
            client.sign_in()

    def wait_until_serving(self) -> None:
        deadline = time.monotonic() + 60
        while True:
            try:
                connection = HTTPConnection("127.0.0.1", self.port, timeout=2)
                connection.request("GET", "/sign-in")
                if connection.getresponse().status == 200:
                    connection.close()
                    return
            except OSError:
                pass
            assert self.server.poll() is None and time.monotonic() < deadline, "the server did not start"
            time.sleep(0.2)

    def cpu_seconds(self) -> float:
        """Processor time used so far by the server's processes (its main process and its workers)."""
        ticks = 0
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(entry.name) == self.server.pid or int(fields[1]) == self.server.pid:
                ticks += int(fields[11]) + int(fields[12])  # utime and stime
        return ticks / os.sysconf("SC_CLK_TCK")

    def case_versions(self) -> dict[str, int]:
        database = create_engine(self.url)
        with database.connect() as connection:
            versions = dict(connection.execute(select(Case.reference, Case.version)).all())
        database.dispose()
        return versions

    def stop(self) -> list[str]:
        """Stop the server; the cases whose version did not rise by their acknowledged saves."""
        self.server.terminate()
        self.server.wait(timeout=30)
        after = self.case_versions()
        # Every acknowledged save wrote a version; a save whose answer was lost may have written one too.
        return [
            client.reference
            for client in self.clients
            if not client.saves
            <= after[client.reference] - self.versions[client.reference]
            <= client.attempts
        ]


class Phase:
    """Every client doing one kind of request, as fast as the server answers, for some seconds."""

    def __init__(
        self,
        site: Site,
        action: Callable[[Client], bool],
        seconds: float,
        clients: list[Client] | None = None,
    ) -> None:
        clients = clients or site.clients
        self.latencies: list[float] = []
        self.errors = 0
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

        began, cpu = time.perf_counter(), site.cpu_seconds()
        threads = [threading.Thread(target=run, args=(client,)) for client in clients]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.throughput = len(self.latencies) / (time.perf_counter() - began)
        # The server's own processor time per request: what a request costs, however busy the machine.
        self.cpu_ms = (site.cpu_seconds() - cpu) * 1000 / max(1, len(self.latencies))


KINDS: dict[str, Callable[[Client], bool]] = {
    "question page": Client.question_page,
    "full step": Client.full_step,
    "home page": Client.home_page,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=3.0, help="each phase")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, help="formgen serve --workers (its default if not given)")
    parser.add_argument("--threads", type=int, help="formgen serve --threads (its default if not given)")
    parser.add_argument(
        "--against",
        type=Path,
        metavar="CHECKOUT",
        help="also run `formgen serve` from this checkout of formgen (an older commit, say) and measure "
        "each page on both, interleaved in the same run",
    )
    parser.add_argument(
        "--against-options", default="", help="its serve options, e.g. '--threads 4' (default: none)"
    )
    parser.add_argument(
        "--against-env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a setting for its server only, e.g. FORMGEN_SQLITE_SYNCHRONOUS=FULL (with --against .)",
    )
    arguments = parser.parse_args()
    options = []
    for name in ("workers", "threads"):
        if getattr(arguments, name) is not None:
            options += [f"--{name}", str(getattr(arguments, name))]
    os.environ["FORMGEN_SECRET_KEY"] = SECRET

    sites = {"this checkout": Site(arguments.clients, options)}
    if arguments.against:
        settings = dict(setting.split("=", 1) for setting in arguments.against_env)
        name = " ".join([str(arguments.against), *arguments.against_env])
        sites[name] = Site(
            arguments.clients, arguments.against_options.split(), arguments.against.resolve(), settings
        )
    here = sites["this checkout"]
    phases: dict[str, dict[str, list[Phase]]] = {
        name: {BASELINE: []} | {kind: [] for kind in KINDS} for name in sites
    }
    try:
        for site in sites.values():  # warm up every worker's templates
            for action in KINDS.values():
                Phase(site, action, 0.5)
        Phase(here, Client.healthz, 0.5)
        for _ in range(arguments.rounds):
            for kind, action in KINDS.items():
                phases["this checkout"][BASELINE].append(Phase(here, Client.healthz, arguments.seconds))
                for name, site in sites.items():
                    phases[name][kind].append(Phase(site, action, arguments.seconds))
    finally:
        unsaved = {name: site.stop() for name, site in sites.items()}
    for name, site in sites.items():
        saves = sum(client.saves for client in site.clients)
        report(arguments, name, phases[name], unsaved[name], saves, compared=phases["this checkout"])


def report(
    arguments, name: str, phases: dict[str, list[Phase]], unsaved: list[str], saves: int, compared
) -> None:
    def throughput(measured: list[Phase]) -> float:
        return summary([phase.throughput for phase in measured])["median"]

    here = name == "this checkout"
    baseline = throughput(compared[BASELINE])
    served = " ".join(phases_options(arguments, here)) or "with its defaults"
    print(
        f"\n{name}: {arguments.clients} clients, {arguments.rounds} rounds of {arguments.seconds:g} s "
        f"phases, interleaved; SQLite; formgen serve {served}"
    )
    last = "target" if here else "vs here"
    print(
        f"{'':<15}{'req/s':>8}{'range':>12}{'p50 ms':>9}{'p99 ms':>9}{'cpu ms':>8}{'errors':>8}"
        f"{'ratio':>7}{last:>9}"
    )
    for kind, measured in phases.items():
        if not measured:
            continue
        rates = [phase.throughput for phase in measured]
        latencies = summary([value for phase in measured for value in phase.latencies])
        errors = sum(phase.errors for phase in measured)
        ratio = throughput(measured) / baseline
        if here:
            last = f">={TARGETS[kind]}" if kind in TARGETS else ""
        else:
            last = f"{throughput(compared[kind]) / throughput(measured):.2f}x"
        cpu = summary([phase.cpu_ms for phase in measured])["median"]
        print(
            f"{kind:<15}{throughput(measured):>8.1f}{f'{min(rates):.0f}-{max(rates):.0f}':>12}"
            f"{latencies['median']:>9.1f}{latencies['p99']:>9.1f}{cpu:>8.1f}{errors:>8}{ratio:>7.2f}{last:>9}"
        )
    step_p99 = summary([value for phase in phases["full step"] for value in phase.latencies])["p99"]
    print(f"full step p99 {step_p99:.0f} ms" + (f" (target < {STEP_P99_TARGET_MS} ms)" if here else ""))
    print(
        f"saves: {saves} acknowledged, each case's version rose by its saves"
        if not unsaved
        else f"SAVES MISSING in {', '.join(unsaved)}"
    )
    if not here:
        print("(ratio: to /healthz of this checkout's server in the same run;")
        print(" vs here: this checkout's throughput over that one's)")


def phases_options(arguments, here: bool) -> list[str]:
    if not here:
        return arguments.against_options.split()
    return [
        f"--{name} {getattr(arguments, name)}" for name in ("workers", "threads") if getattr(arguments, name)
    ]


if __name__ == "__main__":
    main()
