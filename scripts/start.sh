#!/usr/bin/env bash
# The main job: set up everything (Python and npm packages, the stylesheet, the database), make the first
# account and load the example cases once, then serve the web app on embedded SQLite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
.venv/bin/formgen check
.venv/bin/formgen demo
exec .venv/bin/formgen serve --host "${FORMGEN_HOST:-127.0.0.1}" --port "${FORMGEN_PORT:-5000}"
