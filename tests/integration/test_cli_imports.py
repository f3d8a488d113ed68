"""`formgen --help` and `formgen timescales` import neither the documents nor the web app: each command
imports what it uses when it runs (formgen/cli.py)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ["formgen.documents", "formgen.web", "formgen.engine", "formgen.check", "docx", "docxtpl", "flask"]
HEAVY += ["sqlalchemy", "jinja2", "alembic", "gunicorn", "formgen.returns", "openpyxl"]


def imported_by(*arguments: str) -> set[str]:
    """The modules a fresh interpreter holds after running `formgen ARGUMENTS`."""
    script = (
        "import json, sys\n"
        "from formgen.cli import main\n"
        f"try:\n    main({list(arguments)!r})\n"
        "except SystemExit as stop:\n    assert not stop.code, stop.code\n"
        "print(json.dumps(sorted(sys.modules)), file=sys.stderr)\n"
    )
    finished = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    return set(json.loads(finished.stderr.strip().splitlines()[-1]))


@pytest.mark.parametrize(
    "arguments",
    [["--help"], ["timescales", "--referral", "2024-12-20", "--json"]],
    ids=["help", "timescales"],
)
def test_the_command_imports_no_document_or_web_module(arguments):
    modules = imported_by(*arguments)
    assert "formgen.cli" in modules
    loaded = [name for name in HEAVY if name in modules]
    assert not loaded, f"formgen {' '.join(arguments)} imported {loaded}"


def test_the_help_imports_not_even_the_spec():
    assert not {"formgen.spec", "pydantic", "yaml", "holidays"} & imported_by("--help")
