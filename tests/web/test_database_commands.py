"""The commands that open the database: a new instance folder is made, a database that cannot be
opened is a message, not a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

FORMGEN = [sys.executable, "-m", "formgen"]


def _run(*arguments: str, **environment: str) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    return subprocess.run(
        [*FORMGEN, *arguments], env={**env, **environment}, capture_output=True, text=True, timeout=120
    )


def test_db_upgrade_makes_an_instance_folder_that_does_not_exist_yet(tmp_path: Path):
    instance = tmp_path / "not" / "yet" / "there"
    result = _run("db-upgrade", FORMGEN_INSTANCE_PATH=str(instance), FORMGEN_SECRET_KEY="a test key")
    assert result.returncode == 0, result.stderr
    assert (instance / "formgen.db").is_file()
    assert instance.stat().st_mode & 0o777 == 0o700


def test_a_database_that_cannot_be_opened_is_a_message(tmp_path: Path):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder", encoding="utf-8")
    result = _run(
        "db-upgrade",
        FORMGEN_INSTANCE_PATH=str(tmp_path / "instance"),
        FORMGEN_SECRET_KEY="a test key",
        DATABASE_URL=f"sqlite:///{blocked}/formgen.db",
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "formgen cannot use its database: unable to open database file" in result.stderr


def test_refresh_lists_works_out_the_rows_of_another_form_again(tmp_path: Path):
    import sqlite3

    environment = {"FORMGEN_INSTANCE_PATH": str(tmp_path), "FORMGEN_SECRET_KEY": "a test key"}
    assert _run("db-upgrade", **environment).returncode == 0
    example = Path(__file__).resolve().parents[2] / "examples" / "pre-birth.json"
    password = {"input": "a long and fictional passphrase\n"}
    made = subprocess.run(
        [*FORMGEN, "create-user", "--email", "sam@example.org", "--name", "Sam", "--password-stdin"],
        env={**os.environ, **environment},
        capture_output=True,
        text=True,
        timeout=120,
        **password,
    )
    assert made.returncode == 0, made.stderr
    assert _run("import", str(example), "--user", "sam@example.org", **environment).returncode == 0
    assert "of 0 cases" in _run("refresh-lists", **environment).stdout
    with sqlite3.connect(tmp_path / "formgen.db") as connection:
        connection.execute("UPDATE assessment_summaries SET form_hash = 'older', child_name = 'Old'")
    result = _run("refresh-lists", **environment)
    assert result.returncode == 0 and "of 1 case again" in result.stdout, result.stderr
    with sqlite3.connect(tmp_path / "formgen.db") as connection:
        (name,) = connection.execute("SELECT child_name FROM assessment_summaries").fetchone()
    assert name == "Unborn baby of Stacey Lowther"
