#!/usr/bin/env bash
# The main job: set up, check every spec, template and example, then render every document of the
# example cases into out/ and print their paths.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
.venv/bin/formgen check
for case_file in examples/*.json; do
    .venv/bin/formgen render "$case_file" --all --out-dir out
done
