#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL cluster of its own (initdb in a temp dir, a spare
# loopback port), with TEST_DATABASE_URL exported; the cluster is stopped and removed afterwards.
set -euo pipefail

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
  echo "with-postgres: PostgreSQL server binaries not found (apt-get install postgresql)" >&2
  exit 3
fi
port=${PG_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')}
dir=$(mktemp -d /tmp/ai-register-pg.XXXXXX)
as_pg() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/bash -c "$1"; else bash -c "$1"; fi; }
[ "$(id -u)" = 0 ] && chown postgres "$dir"

cleanup() {
  as_pg "'$bindir/pg_ctl' -D '$dir/data' -m immediate stop" >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT

as_pg "'$bindir/initdb' -D '$dir/data' -U app --auth=trust -E UTF8 --locale=C.UTF-8" >/dev/null
as_pg "'$bindir/pg_ctl' -D '$dir/data' -l '$dir/log' -w -o \"-p $port -k '$dir' -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200\" start" >/dev/null
"$bindir/createdb" -h 127.0.0.1 -p "$port" -U app ai_register_test
export TEST_DATABASE_URL="postgresql://app@127.0.0.1:$port/ai_register_test"
echo "with-postgres: throwaway cluster on 127.0.0.1:$port"
"$@"
