#!/usr/bin/env bash
# Install everything the test suite needs, then run it (lint, types, unit, corpus, browser).
# Usage: bash scripts/test.sh [pytest args...]
#
# Inside an activated virtual environment, installs into it. On a plain machine, creates (or
# reuses) ./.venv and installs there, so the system Python is never modified and nothing
# installed by hand elsewhere can stand in for a missing install step.
set -euo pipefail
cd "$(dirname "$0")/.."

# Headless Chromium for the HTML report tests: Debian's package, never a downloaded browser.
if ! command -v chromium >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi

in_venv() { python3 -c 'import sys; sys.exit(sys.prefix == sys.base_prefix)'; }
if in_venv; then
    PYTHON="$(command -v python3)"
else
    if [ ! -x .venv/bin/python ]; then
        echo "test.sh: no virtual environment active; creating ./.venv" >&2
        python3 -m venv .venv
    fi
    PYTHON="$PWD/.venv/bin/python"
fi

"$PYTHON" -m pip install -q --disable-pip-version-check -e ".[test]"
exec "$PYTHON" -m pytest -n 2 "$@"
