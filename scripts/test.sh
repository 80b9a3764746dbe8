#!/usr/bin/env bash
# Set up (once) and run the whole test suite: unit, real-CIF, CLI, app and browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --browser
exec .venv/bin/python -m pytest "$@"
