#!/usr/bin/env bash
# The translation catalogs (translations/, docs/languages.md):
#   scripts/translations.sh extract        write translations/messages.pot from the code, pages, specs and templates
#   scripts/translations.sh update         extract, then bring every catalog up to the .pot (changed English is marked fuzzy)
#   scripts/translations.sh init LOCALE    start a catalog for a new language
#   scripts/translations.sh compile        compile every catalog to its .mo (the set-up runs this)
set -euo pipefail
cd "$(dirname "$0")/.."
pybabel=.venv/bin/pybabel
pot=translations/messages.pot
case "${1:-}" in
    extract)
        "$pybabel" extract -F babel.cfg -k _ -k N_ -k ngettext:1,2 --no-wrap --sort-by-file \
            --project formgen -o "$pot" . 2>&1 | { grep -v "^extracting messages from\|^writing PO" >&2 || true; }
        ;;
    update)
        "$0" extract
        "$pybabel" update -i "$pot" -d translations --no-wrap --ignore-obsolete 2>&1 | { grep -v "^updating catalog" >&2 || true; }
        ;;
    init)
        "$pybabel" init -i "$pot" -d translations --no-wrap -l "${2:?the locale, such as cy}" >/dev/null
        ;;
    compile)
        .venv/bin/python -m formgen.i18n.catalogs
        ;;
    *)
        sed -n '2,6p' "$0" >&2
        exit 2
        ;;
esac
