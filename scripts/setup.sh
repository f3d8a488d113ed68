#!/usr/bin/env bash
# Set formgen up from a fresh clone on Debian: the Debian packages it needs, its Python packages in .venv
# at the versions in constraints.txt, and the compiled stylesheet. Safe to run again.
# `scripts/setup.sh dev` adds the test tools and Debian's chromium for the browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."

python=${PYTHON:-python3}
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

apt_install() {
    echo "Installing $* from Debian..."
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

if ! command -v "$python" >/dev/null 2>&1 || ! "$python" -c 'import venv, ensurepip' 2>/dev/null; then
    apt_install python3 python3-venv python3-pip
    python=python3
fi
if ! command -v soffice >/dev/null 2>&1; then
    # PDF copies of the plan and the outcome are made by LibreOffice (formgen/documents/formats.py).
    apt_install libreoffice-writer-nogui
fi
if [ "${1:-}" = "dev" ] && ! command -v pdftotext >/dev/null 2>&1; then
    # The tests read the text of a PDF copy.
    apt_install poppler-utils
fi
if [ "${1:-}" = "dev" ] && ! command -v chromium >/dev/null 2>&1; then
    # Playwright cannot download its own browser here: the browser tests drive Debian's.
    apt_install chromium
fi
if [ "${1:-}" = "dev" ] && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    # The tests run the app on a throwaway PostgreSQL cluster as well as on SQLite.
    apt_install postgresql
fi

if [ ! -x .venv/bin/python ]; then
    "$python" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
target="."
if [ "${1:-}" = "dev" ]; then
    target=".[dev]"
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e "$target"
scripts/build_assets.sh
