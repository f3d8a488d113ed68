#!/usr/bin/env bash
# Set formgen up from a fresh clone on Debian: the Debian packages it needs, its Python packages in .venv
# at the versions in constraints.txt, the PDF converter in .venv-uno, and the compiled stylesheet.
# Safe to run again.
# `scripts/setup.sh dev` adds the test tools, Debian's chromium for the browser tests and the DfE's census
# validator in .venv-cin.
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
# PDF copies are made by one long-lived LibreOffice per process, through unoserver
# (formgen/documents/converter.py). unoserver must run under a Python that can `import uno`: Debian's
# own, with python3-uno; the documents' fonts: Liberation for Arial's metrics, Noto for other scripts.
pdf_packages=()
command -v soffice >/dev/null 2>&1 || pdf_packages+=(libreoffice-writer-nogui)
/usr/bin/python3 -c 'import uno' 2>/dev/null || pdf_packages+=(python3-uno)
/usr/bin/python3 -c 'import venv, ensurepip' 2>/dev/null || pdf_packages+=(python3-venv)
for package in fonts-liberation fonts-noto-core; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" || pdf_packages+=("$package")
done
if [ ${#pdf_packages[@]} -gt 0 ]; then
    apt_install "${pdf_packages[@]}"
fi
if [ ! -x .venv-uno/bin/python ]; then
    /usr/bin/python3 -m venv --system-site-packages .venv-uno
fi
if ! .venv-uno/bin/python -c 'import importlib.metadata as m; assert m.version("unoserver") == "3.7"' 2>/dev/null; then
    .venv-uno/bin/python -m pip install --quiet --disable-pip-version-check unoserver==3.7
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

if [ "${1:-}" = "dev" ]; then
    # The DfE's Children in Need census rules, as Data to Insight's validator applies them, check the
    # census export in the tests (tests/returns). It pins pandas 1 and numpy 1: a virtualenv of its own.
    if [ ! -x .venv-cin/bin/python ]; then
        "$python" -m venv .venv-cin
    fi
    if ! .venv-cin/bin/python -c 'import importlib.metadata as m; assert m.version("csc-validator-be-cin") == "0.1.13"' 2>/dev/null; then
        .venv-cin/bin/python -m pip install --quiet --disable-pip-version-check -c constraints-cin.txt \
            csc-validator-be-cin==0.1.13 'numpy<2'
    fi
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
# The family's documents in their language: each catalog in translations/ compiled to its .mo.
scripts/translations.sh compile >/dev/null
