#!/usr/bin/env bash
# Set up and run the whole test suite on a fresh Debian machine with Python 3.11:
# installs and starts Redis and PostgreSQL (and Chromium for the browser test), creates
# .venv, installs the package with its test extras, runs pytest against every backend.
set -euo pipefail
cd "$(dirname "$0")/.."

. scripts/services.sh

PYTHON=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -e ".[test]"

# Style and types first: cheap, and they fail with a precise file:line.
.venv/bin/ruff check .
.venv/bin/mypy

export PUFA_TEST_REQUIRE_SERVICES=1
exec .venv/bin/python -m pytest -q -p no:cacheprovider "$@"
