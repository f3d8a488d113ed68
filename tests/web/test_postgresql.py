"""The same app on PostgreSQL, as DATABASE_URL configures it: migrations, saving, conflicts, export.

A throwaway cluster is made with Debian's PostgreSQL (installed by `scripts/setup.sh dev`) in a
temporary folder on a free port, and removed afterwards: nothing touches a system database.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest

from formgen.web import create_app
from formgen.web.commands import create_user, import_case
from formgen.web.database import upgrade
from formgen.web.extensions import db
from tests.support import load_example
from tests.web.conftest import EMAIL, PASSWORD, sign_in, submit
from tests.web.pagecheck import CheckedClient


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def postgres_url():
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


def test_the_wizard_saves_refuses_a_conflict_and_exports_on_postgresql(postgres_url, tmp_path, monkeypatch):
    monkeypatch.setenv("FORMGEN_SECRET_KEY", "test-secret-key")
    monkeypatch.setenv("DATABASE_URL", postgres_url)
    upgrade(postgres_url)
    upgrade(postgres_url)  # running the migrations again changes nothing
    app = create_app(instance_path=tmp_path)
    assert app.config["SQLALCHEMY_DATABASE_URI"] == postgres_url
    app.test_client_class = CheckedClient
    create_user(app, EMAIL, "Sam Practitioner", "practitioner", PASSWORD)
    reference = import_case(app, load_example("sibling-group"), EMAIL, "sibling-group")
    first, second = app.test_client(), app.test_client()
    sign_in(first)
    sign_in(second)

    path = f"/cases/{reference}/household/family/family_functioning"
    page = {"wider_family_support": "Grandmother nearby", "family_group_conference": "arranged"}
    stale = second.get(path)
    assert submit(first, path, {**page, "family_history": "Saved on PostgreSQL & kept"}).status_code == 302
    version = stale.get_data(as_text=True).split('name="version" value="')[1].split('"')[0]
    token = second.csrf_token(path)
    refused = second.post(
        path, data={"csrf_token": token, "version": version, **page, "family_history": "Stale"}
    )
    assert refused.status_code == 409

    exported = first.get(f"/cases/{reference}/case-file.json").get_json()
    assert exported["household"]["family_history"] == "Saved on PostgreSQL & kept"
    assert exported["children"] == load_example("sibling-group").model_dump(mode="json")["children"]
    with app.app_context():
        db.engine.dispose()
