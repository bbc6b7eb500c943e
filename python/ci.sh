#!/usr/bin/env bash
# The Python side of CI, run after the Java tests (they build target/classes, which bin/tarflowlm
# uses): installs torch from a wheel already on this machine into .venv (never from the
# network), then runs the python/tests suite. TARFLOWLM_JAVA overrides the Java command line the
# parity tests call (default bin/tarflowlm); TORCH_WHEEL names the wheel to use. It also installs the
# package (pip install -e ./python) into .venv.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
venv="${TARFLOWLM_VENV:-$root/.venv}"
py="${PYTHON:-python3}"

if ! "$venv/bin/python" -c 'import torch' 2>/dev/null; then
  wheel="${TORCH_WHEEL:-}"
  if [ -z "$wheel" ]; then
    # prefer the image's own wheel folder; then anywhere on the machine
    wheel="$(ls /opt/wheels/torch-*.whl 2>/dev/null | sort -V | tail -1 || true)"
    if [ -z "$wheel" ]; then
      wheel="$(find / -xdev -name 'torch-*.whl' -not -path '/proc/*' 2>/dev/null | sort -V | tail -1 || true)"
    fi
  fi
  if [ -z "$wheel" ] || [ ! -f "$wheel" ]; then
    echo "python/ci.sh: no torch wheel found (looked in /opt/wheels and with find / -name 'torch-*.whl')." >&2
    echo "  This machine has no PyPI; put a torch wheel for $("$py" --version 2>&1) on it, or set TORCH_WHEEL." >&2
    exit 2
  fi
  echo "python/ci.sh: installing $wheel into $venv" >&2
  "$py" -m venv --system-site-packages "$venv"
  "$venv/bin/pip" install --quiet --no-deps --no-index "$wheel"
  # torch's own imports need these at least; the system site-packages must provide them
  if ! "$venv/bin/python" -c 'import torch, torch.distributed.run' 2>&1; then
    echo "python/ci.sh: torch from $wheel does not import (a missing dependency above: install it from Debian," \
         "e.g. apt-get install python3-typing-extensions python3-sympy python3-networkx python3-jinja2)" >&2
    exit 2
  fi
fi
"$venv/bin/python" -c 'import torch; print("python/ci.sh: torch", torch.__version__)' >&2
# the package installs offline from its folder (an in-tree build backend: nothing to download), here editable,
# so that .venv's `tarflowlm` command runs this checkout; test_package.py installs a copy elsewhere
"$venv/bin/pip" install --quiet --no-deps --no-index --no-build-isolation -e ./python
"$venv/bin/tarflowlm" --help >/dev/null
start=$(date +%s)
cd python/tests
"$venv/bin/python" -m unittest discover -v -s . -p 'test_*.py'
echo "python/ci.sh: python tests passed in $(( $(date +%s) - start )) s" >&2
