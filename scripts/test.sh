#!/usr/bin/env bash
# Set up with the test tools, then lint, check formatting and run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh dev
.venv/bin/ruff check .
.venv/bin/ruff format --check .
# One worker per core; a file's tests stay on one worker so that its module fixtures (renders, PDFs,
# servers) are built once. The slowest tests are listed so that a slow suite shows where it went.
.venv/bin/python -m pytest --numprocesses auto --dist loadfile --durations 15 "$@"
