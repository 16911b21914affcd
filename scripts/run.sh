#!/usr/bin/env bash
# Set up and run the service on its embedded defaults: SQLite in ./instance, the in-process
# store, demo mode (token and secret key generated once and kept in ./instance), bundled
# content loaded. Open the printed URL to try it as a worker would.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -e .
export PUFA_INSTANCE_PATH=${PUFA_INSTANCE_PATH:-$PWD/instance}
exec .venv/bin/pufa serve --host "${HOST:-127.0.0.1}" --port "${PORT:-8000}" --workers "${WORKERS:-1}" "$@"
