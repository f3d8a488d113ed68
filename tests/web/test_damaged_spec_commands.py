"""Every command that starts the web app refuses a damaged spec: its problems, exit 1, no traceback."""

import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from formgen.cli import main
from tests.support import EXAMPLES_DIR, lay_damage

DAMAGE = "closure-day-not-a-date"
REFUSAL = "The form specs did not load, so formgen did not start."


@pytest.fixture
def env(project_copy, tmp_path) -> dict[str, str]:
    return {
        "FORMGEN_SPEC_DIR": str(project_copy.spec_dir),
        "FORMGEN_INSTANCE_PATH": str(tmp_path / "instance"),
        "FORMGEN_SECRET_KEY": "test-secret-key",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'formgen.db'}",
    }


@pytest.mark.parametrize(
    "arguments",
    [
        ["db-upgrade"],
        ["create-user", "--email", "jo@example.org", "--name", "Jo", "--password-stdin"],
        ["import", str(EXAMPLES_DIR / "pre-birth.json"), "--user", "jo@example.org"],
        ["demo"],
    ],
    ids=lambda arguments: arguments[0],
)
def test_a_command_that_starts_the_app_lists_the_problems_and_exits_1(arguments, env, project_copy):
    damage = lay_damage(DAMAGE, project_copy.spec_dir)
    result = CliRunner().invoke(
        main, arguments, env=env, input="a long fictional passphrase\n", catch_exceptions=False
    )
    assert result.exit_code == 1
    assert damage.shown_in(result.output) and REFUSAL in result.output


def test_serve_refuses_to_start_on_a_damaged_spec(env, project_copy):
    damage = lay_damage(DAMAGE, project_copy.spec_dir)
    finished = subprocess.run(
        [sys.executable, "-m", "formgen", "serve", "--port", "0"],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert finished.returncode == 1
    assert damage.shown_in(finished.stderr)
    assert REFUSAL in finished.stderr and "Traceback" not in finished.stderr
    assert "running" not in finished.stdout
