#!/usr/bin/env bash
# Runs the course: executes every notebook headless, one at a time, into build/executed/,
# then prints each notebook's wall time and claims passed.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
exec .venv/bin/python -m ptutils.course "$@"
