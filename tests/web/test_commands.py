"""The web app's command-line tasks, run as a user runs them."""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from formgen.cli import main
from formgen.web import create_app
from tests.support import EXAMPLES_DIR
from tests.web.conftest import sign_in
from tests.web.pagecheck import CheckedClient
from tests.web.served import STOPS_WITHIN


@pytest.fixture
def env(tmp_path) -> dict[str, str]:
    return {
        "FORMGEN_INSTANCE_PATH": str(tmp_path / "instance"),
        "FORMGEN_SECRET_KEY": "test-secret-key",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'formgen.db'}",
    }


def run(env, *arguments, input=None):
    return CliRunner().invoke(main, list(arguments), env=env, input=input)


def test_create_user_reads_the_password_from_standard_input(env):
    result = run(
        env,
        "create-user",
        "--email",
        "Jo.Worker@example.org",
        "--name",
        "Jo Worker",
        "--role",
        "practitioner",
        "--password-stdin",
        input="a long fictional passphrase\n",
    )
    assert result.exit_code == 0, result.output
    assert "Created practitioner account for jo.worker@example.org" in result.output
    again = run(
        env,
        "create-user",
        "--email",
        "jo.worker@example.org",
        "--name",
        "Jo",
        "--password-stdin",
        input="another long passphrase\n",
    )
    assert again.exit_code == 1 and "there is already an account for jo.worker@example.org" in again.output


@pytest.mark.parametrize(
    ("role", "password", "message"),
    [
        ("wizard", "a long fictional passphrase", "'wizard' is not one of 'practitioner', 'manager'"),
        ("manager", "short", "at least 12 characters"),
    ],
)
def test_create_user_refuses_a_bad_role_or_a_short_password(env, role, password, message):
    result = run(
        env,
        "create-user",
        "--email",
        "x@example.org",
        "--name",
        "X",
        "--role",
        role,
        "--password-stdin",
        input=password + "\n",
    )
    assert result.exit_code in {1, 2} and message in result.output


def test_import_loads_a_case_file_once_for_a_user(env, tmp_path):
    run(
        env,
        "create-user",
        "--email",
        "jo@example.org",
        "--name",
        "Jo",
        "--password-stdin",
        input="a long fictional passphrase\n",
    )
    case_file = EXAMPLES_DIR / "pre-birth.json"
    result = run(env, "import", str(case_file), "--user", "jo@example.org")
    assert result.exit_code == 0 and "Imported case EX-PB-01 for jo@example.org" in result.output
    assert "already exists" in run(env, "import", str(case_file), "--user", "jo@example.org").output
    broken = tmp_path / "broken.json"
    broken.write_text(
        case_file.read_text().replace('"referral_date": "2025-09-01"', '"referral_date": "1 September"')
    )
    result = run(env, "import", str(broken), "--user", "jo@example.org")
    assert result.exit_code == 1 and "household.referral_date" in result.output


def test_unlock_user_lets_a_locked_out_account_sign_in_at_once(env, monkeypatch):
    password = "a long fictional passphrase"
    account = ["--email", "jo@example.org", "--name", "Jo", "--password-stdin"]
    run(env, "create-user", *account, input=password + "\n")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    app = create_app()  # the server, with the same settings as the command
    app.test_client_class = CheckedClient
    client = app.test_client()
    for guess in ["wrong one", "wrong two", "wrong three", "wrong four", "wrong five", password]:
        assert sign_in(client, "jo@example.org", guess).status_code == 200
    result = run(env, "unlock-user", "--email", " Jo@Example.org ")
    assert result.exit_code == 0 and "Unlocked jo@example.org: they can sign in now." in result.output
    assert sign_in(client, "jo@example.org", password).status_code == 302
    again = run(env, "unlock-user", "--email", "jo@example.org")
    assert again.exit_code == 0 and "jo@example.org was not locked out." in again.output
    unknown = run(env, "unlock-user", "--email", "nobody@example.org")
    assert unknown.exit_code == 1 and "there is no account for nobody@example.org" in unknown.output


def test_demo_makes_an_account_in_each_role_in_one_team_and_loads_the_examples_once(env):
    first = run(env, "demo")
    assert first.exit_code == 0, first.output
    accounts = dict(re.findall(r"(\S+@example\.org) with the password (\S+)", first.output))
    assert set(accounts) == {
        "practitioner@example.org",
        "manager@example.org",
        "business.support@example.org",
        "administrator@example.org",
        "auditor@example.org",
        "performance@example.org",
    }
    second = run(env, "demo")
    assert second.exit_code == 0
    assert dict(re.findall(r"(\S+@example\.org) with the password (\S+)", second.output)) == accounts
    secret = Path(env["FORMGEN_INSTANCE_PATH"]) / "demo-passwords"
    assert oct(secret.stat().st_mode)[-3:] == "600"
    assert sorted(secret.read_text().splitlines()) == sorted(
        f"{email} {word}" for email, word in accounts.items()
    )
    assert (
        "The example cases are allocated to practitioner@example.org in the Northbrook Assessment Team"
        in first.output
    )


def test_serve_answers_on_the_port_with_a_production_server(env):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "formgen", "serve", "--port", str(port)]
    server = subprocess.Popen(
        command, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/sign-in", timeout=2) as response:
                    assert response.status == 200
                    assert response.headers["Server"] == "gunicorn"  # not the development server
                    break
            except OSError:
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.3)
    finally:
        server.terminate()
        server.wait(timeout=STOPS_WITHIN)


def test_export_cin_without_case_files_makes_the_census_of_the_databases_cases(env, tmp_path):
    run(
        env,
        "create-user",
        "--email",
        "jo@example.org",
        "--name",
        "Jo",
        "--password-stdin",
        input="a long fictional passphrase\n",
    )
    for name in ("pre-birth", "sibling-group"):
        assert (
            run(env, "import", str(EXAMPLES_DIR / f"{name}.json"), "--user", "jo@example.org").exit_code == 0
        )
    out = tmp_path / "cin.xml"
    result = run(env, "export", "cin", "--year", "2026", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "census of 4 children" in result.output
    xml = out.read_text(encoding="utf-8")
    assert xml.count("<Child>") == 4 and "<UPN>D201120004817</UPN>" in xml
