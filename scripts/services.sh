#!/usr/bin/env bash
# Install (Debian packages) and start the servers the test suite needs on loopback:
# redis-server on port 6390 and PostgreSQL 15 on port 5433, both throw-away, data in /tmp.
# Prints the environment variables the tests read; source it: `. scripts/services.sh`.
set -euo pipefail

need_install=()
command -v redis-server >/dev/null 2>&1 || need_install+=(redis-server)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need_install+=(postgresql)
if [ "${PUFA_BROWSER_TESTS:-1}" = "1" ] && ! command -v chromium >/dev/null 2>&1; then
  need_install+=(chromium)
fi
# Chinese glyphs for the browser screenshot and the PNG posters.
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || need_install+=(fonts-noto-cjk)
if [ ${#need_install[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" = "0" ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_install[@]}" >/dev/null
fi

REDIS_PORT=${PUFA_TEST_REDIS_PORT:-6390}
PG_PORT=${PUFA_TEST_PG_PORT:-5433}

if ! redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; then
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --daemonize yes \
    --logfile /tmp/pufa-test-redis.log
  for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
fi

PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
PG_DATA=/tmp/pufa-test-pg
if ! "$PG_BIN/pg_isready" -h 127.0.0.1 -p "$PG_PORT" >/dev/null 2>&1; then
  rm -rf "$PG_DATA"; mkdir -p "$PG_DATA"
  RUN_AS=()
  if [ "$(id -u)" = "0" ]; then chown postgres "$PG_DATA"; RUN_AS=(runuser -u postgres --); fi
  "${RUN_AS[@]}" "$PG_BIN/initdb" -D "$PG_DATA" -A trust -U pufa -E UTF8 --locale=C.UTF-8 >/dev/null
  "${RUN_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_DATA/server.log" -w \
    -o "-p $PG_PORT -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off" start >/dev/null
fi

export PUFA_TEST_REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
export PUFA_TEST_POSTGRES_URL="postgresql+psycopg://pufa@127.0.0.1:$PG_PORT/postgres"
echo "redis: $PUFA_TEST_REDIS_URL  postgres: $PUFA_TEST_POSTGRES_URL"
