#!/usr/bin/env bash
# Build the web app's front-end assets into formgen/web/static/: formgen.css, compiled from
# formgen/web/assets/formgen.scss (GOV.UK Frontend with the authority's branding), and GOV.UK
# Frontend's JavaScript. Installs Node.js and npm from Debian if npm is missing. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

if ! command -v npm >/dev/null 2>&1; then
    echo "Installing Node.js and npm from Debian..."
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi

# The exact versions in package-lock.json.
npm ci --no-audit --no-fund --loglevel=error >/dev/null

static=formgen/web/static
govuk=node_modules/govuk-frontend/dist/govuk
mkdir -p "$static"
node_modules/.bin/sass --no-source-map --style=compressed --load-path=node_modules \
    formgen/web/assets/formgen.scss "$static/formgen.css"
cp "$govuk/govuk-frontend.min.js" "$govuk/govuk-frontend.min.js.map" "$static/"

# Every url(...) left in the CSS must name a file we serve, relative to formgen.css. GOV.UK
# Frontend's own images and fonts (crest, logotype, GDS Transport) are not ours to serve, so
# formgen.scss leaves them out rather than this script copying them.
missing=0
while IFS= read -r ref; do
    path=${ref%%[?#]*}
    case $path in
        data:*) continue ;;
        /* | *://*) echo "formgen.css: $ref is not relative to the stylesheet" >&2; missing=1 ;;
        *) [ -f "$static/$path" ] || { echo "formgen.css: $ref is not in $static/" >&2; missing=1; } ;;
    esac
done < <(grep -o 'url([^)]*)' "$static/formgen.css" | sed -e 's/^url(//' -e 's/)$//' -e 's/^["'\'']//' -e 's/["'\'']$//' | sort -u)
if [ "$missing" -ne 0 ]; then
    exit 1
fi
echo "Built $static/formgen.css and $static/govuk-frontend.min.js"
