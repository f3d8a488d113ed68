"""`formgen serve`: the app under gunicorn, in worker processes (one per core) each with threads.

The app is made once, in the main process, before any worker starts, so a damaged spec or an
unreachable database stops `formgen serve` with its message rather than every worker in turn; the
workers are forked from it and share its loaded spec and compiled templates. Each worker opens its own
database connections after the fork (formgen.web.database.after_fork). No state lives in a worker
between requests that another process cannot see: sessions are in the signed cookie, and everything
else (the sign-in counts, pages kept after a timeout) is in the database, so any number of servers
can share one PostgreSQL behind a load balancer.
"""

from __future__ import annotations

import logging

from flask import Flask
from gunicorn.app.base import BaseApplication

from formgen.web.database import after_fork
from formgen.web.templating import preload

log = logging.getLogger("formgen.server")
# On SIGTERM the requests in hand get this long; then gunicorn kills the workers (a worker still
# booting when the signal comes is one of them), so a stopped server is gone within about this.
GRACEFUL_SECONDS = 10


class _Gunicorn(BaseApplication):
    """gunicorn configured from our options alone: no configuration file, no GUNICORN_CMD_ARGS, and
    not the command line (which is formgen's)."""

    def __init__(self, app: Flask, options: dict) -> None:
        self.application = app
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        return self.application


def _address(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def serve(app: Flask, host: str, port: int, workers: int, threads: int) -> None:
    """Serve `app` until stopped (SIGTERM or Ctrl+C finish the requests in hand first)."""
    preload(app)  # compiled once here, and shared by every worker the fork makes

    def when_ready(server) -> None:
        for listener in server.LISTENERS:
            log.info("Serving on %s with %d workers x %d threads", listener, workers, threads)

    options = {
        "bind": [_address(host, port)],
        "worker_class": "gthread",
        "workers": workers,
        "threads": threads,
        "post_fork": lambda _server, _worker: after_fork(app),
        "when_ready": when_ready,
        "proc_name": "formgen",
        # With gthread workers this is a heartbeat: a worker whose main loop has not reported in this
        # long is restarted. It does not limit one request's time; a PDF's wait has its own limit
        # (formgen.documents.converter.REQUEST_SECONDS).
        "timeout": 60,
        "graceful_timeout": GRACEFUL_SECONDS,
        # gunicorn's runtime control socket lives in one place per account, so two servers would
        # share it: formgen needs none.
        "control_socket_disable": True,
        # Who saw which child's record is in formgen's own access log; the server's log is errors only.
        "accesslog": None,
        "errorlog": "-",
    }
    _Gunicorn(app, options).run()
