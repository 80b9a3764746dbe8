#!/usr/bin/env bash
# Set up (once) and run the whole test suite: unit, real-CIF, CLI, app and browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --browser
# two worker processes, one test file each at a time (a file's browser session and fixtures stay together)
exec .venv/bin/python -m pytest -n 2 --dist loadfile "$@"
