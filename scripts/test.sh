#!/usr/bin/env bash
# Set up, then run the whole test suite: unit and integration tests, and the accuracy
# ratchet against ../shared/corpus/gold when ../shared is present.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PREFECT_SERVER_ANALYTICS_ENABLED=false PREFECT_LOGGING_LEVEL=WARNING
.venv/bin/python -m pytest -q --durations=25 "$@"  # the slowest tests, to keep the suite short
