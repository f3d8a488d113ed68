"""`formgen serve` run as a user runs it, on a free port, and a browser of plain HTTP to drive it.

The server runs in a process group of its own (its main process and its workers), so a test can stop
it as an operator would (SIGTERM) or kill every process of it at once, as a crash would (SIGKILL).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.client import HTTPConnection, RemoteDisconnected
from urllib.parse import urlencode

from formgen.web.server import GRACEFUL_SECONDS
from tests.web.pagecheck import form_values

READY = "Serving on"
# A server sent SIGTERM has finished by then: its graceful period, and time to exit on a busy machine.
STOPS_WITHIN = GRACEFUL_SECONDS + 20


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def formgen(env: dict[str, str], *arguments: str, password: str | None = None) -> None:
    command = [sys.executable, "-m", "formgen", *arguments]
    subprocess.run(command, env=env, input=password, text=True, check=True, capture_output=True)


@dataclass
class Server:
    process: subprocess.Popen
    port: int
    log: list[str] = field(default_factory=list)

    def kill(self) -> None:
        """Every process of the server, at once and without warning (kill -9)."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=STOPS_WITHIN)


@contextmanager
def serving(env: dict[str, str], *options: str, port: int | None = None) -> Iterator[Server]:
    """`formgen serve` with `options` until the block ends; the database must be made already."""
    port = port or free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "formgen", "serve", "--port", str(port), *options],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    server = Server(process, port)
    reader = threading.Thread(target=lambda: server.log.extend(process.stderr), daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 30
        while not any(READY in line for line in server.log):
            assert process.poll() is None, "the server stopped:\n" + "".join(server.log)
            assert time.monotonic() < deadline, "the server did not start:\n" + "".join(server.log)
            time.sleep(0.05)
        yield server
    finally:
        server.stop()
        reader.join(timeout=10)
        process.stderr.close()


class Browser:
    """One person's browser: its cookies, over one kept-alive connection to a server."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}
        self.connection = HTTPConnection("127.0.0.1", port, timeout=60)

    def request(self, method: str, path: str, data: dict | None = None) -> tuple[int, str, dict[str, str]]:
        headers = {"Cookie": "; ".join(f"{name}={value}" for name, value in self.cookies.items())}
        body = None
        if data is not None:
            body = urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        except (RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            # The server closed the kept-alive connection while it was idle: a browser opens another.
            self.connection.close()
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        text = response.read().decode()
        for cookie in response.msg.get_all("Set-Cookie") or []:
            name, _, value = cookie.split(";", 1)[0].partition("=")
            self.cookies[name] = value
        return response.status, text, dict(response.getheaders())

    def get(self, path: str) -> tuple[int, str]:
        status, text, _ = self.request("GET", path)
        return status, text

    def sign_in(self, email: str, password: str) -> None:
        token = form_values(self.get("/sign-in")[1])["csrf_token"]
        status, _, _ = self.request(
            "POST", "/sign-in", {"csrf_token": token, "email": email, "password": password}
        )
        assert status == 302, "the sign-in was refused"

    def opened(self, path: str) -> dict[str, str]:
        """The form of a page as it is opened: its CSRF token, its version and its saved answers."""
        status, text = self.get(path)
        assert status == 200, (path, status)
        return form_values(text)

    def send(self, path: str, opened: dict[str, str], answers: dict[str, str]) -> int:
        """Post a page opened before with `answers` typed; the status of the answer."""
        fields = {"csrf_token": opened["csrf_token"], "version": opened["version"], **answers}
        return self.request("POST", path, fields)[0]

    def save(self, path: str, answers: dict[str, str]) -> int:
        return self.send(path, self.opened(path), answers)

    def close(self) -> None:
        self.connection.close()
