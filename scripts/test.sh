#!/usr/bin/env bash
# Set up, then run the whole test suite: unit and integration tests, and the accuracy
# ratchet against ../shared/corpus/gold when ../shared is present.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PREFECT_SERVER_ANALYTICS_ENABLED=false PREFECT_LOGGING_LEVEL=WARNING
# One test process per core; a module whose tests share a costly fixture keeps them together
# (xdist_group), and the slowest tests start first (tests/conftest.py).
.venv/bin/python -m pytest -q -n auto --dist loadgroup --durations=25 "$@"  # the slowest tests, to keep the suite short
