#!/usr/bin/env bash
# Set up (once) and start the Interlace web app on the bundled SC series: http://localhost:8501
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec .venv/bin/interlace app "$@"
