"""Throwaway PostgreSQL for the tests, made with Debian's PostgreSQL (installed by `scripts/setup.sh dev`)
in a temporary folder on a free port and removed afterwards: nothing touches a system database.
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def throwaway_cluster() -> Iterator[str]:
    """A cluster in a temporary folder on a free port, and the URL of its first database."""
    binaries = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    assert binaries, "PostgreSQL is needed for this test: scripts/setup.sh dev installs it"
    bindir = Path(binaries[-1]).parent
    folder = Path(tempfile.mkdtemp(prefix="formgen-pg-"))
    as_owner: list[str] = []
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root: its own account runs the cluster
        owner = pwd.getpwnam("postgres")
        os.chown(folder, owner.pw_uid, owner.pw_gid)
        as_owner = ["runuser", "-u", "postgres", "--"]
    cluster, port = folder / "cluster", _free_port()
    run = lambda *command: subprocess.run([*as_owner, *command], check=True, capture_output=True)  # noqa: E731
    run(str(bindir / "initdb"), "-D", str(cluster), "-U", "formgen", "--auth=trust", "-E", "UTF8")
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1"
    run(str(bindir / "pg_ctl"), "-D", str(cluster), "-o", options, "-l", str(folder / "log"), "-w", "start")
    try:
        yield f"postgresql+psycopg://formgen@127.0.0.1:{port}/postgres"
    finally:
        run(str(bindir / "pg_ctl"), "-D", str(cluster), "-m", "fast", "-w", "stop")
        shutil.rmtree(folder, ignore_errors=True)


_DATABASES = itertools.count(1)


def new_database(cluster_url: str) -> str:
    """A new, empty database in the cluster, for one test."""
    name = f"test_{next(_DATABASES)}"
    with psycopg.connect(cluster_url.replace("+psycopg", ""), autocommit=True) as connection:
        connection.execute(f"CREATE DATABASE {name}")
    return cluster_url.rsplit("/", 1)[0] + f"/{name}"
