#!/usr/bin/env bash
# Runs every test: ptutils unit tests, house rules, and every notebook under notebooks/ (nbmake).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
export PTUTILS_DEVICE="${PTUTILS_DEVICE:-}"
exec .venv/bin/python -m pytest "$@"
