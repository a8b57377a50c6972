#!/usr/bin/env bash
# CI: PostgreSQL 15 from Debian and pgvector built from Debian's own source package (trixie's, built against
# postgresql-server-dev-15), a cluster started on 127.0.0.1:5432 and a database for the tests. Prints the
# DATABASE_URL the tests use (TEST_DATABASE_URL). Idempotent: what is there already is kept.
set -euo pipefail
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
updated=""
update() { if [ -z "$updated" ]; then $SUDO apt-get update -qq; updated=1; fi; }

if ! [ -x /usr/lib/postgresql/15/bin/postgres ]; then
  update
  $SUDO apt-get install -y -qq --no-install-recommends postgresql-15 postgresql-client-15 >/dev/null
fi
if ! [ -f /usr/share/postgresql/15/extension/vector.control ]; then
  if ! [ -f /etc/apt/sources.list.d/trixie-src.sources ]; then
    printf 'Types: deb-src\nURIs: http://deb.debian.org/debian\nSuites: trixie\nComponents: main\nSigned-By: %s\n' \
      /usr/share/keyrings/debian-archive-keyring.gpg | $SUDO tee /etc/apt/sources.list.d/trixie-src.sources >/dev/null
    updated=""
  fi
  update
  $SUDO apt-get install -y -qq --no-install-recommends postgresql-server-dev-15 dpkg-dev make gcc >/dev/null
  build=$(mktemp -d)
  (cd "$build" && apt-get source -qq pgvector >/dev/null 2>&1 && cd pgvector-*/ && make -s PG_CONFIG=/usr/lib/postgresql/15/bin/pg_config >/dev/null && $SUDO make -s install PG_CONFIG=/usr/lib/postgresql/15/bin/pg_config >/dev/null)
  rm -rf "$build"
fi

# A cluster of our own (not the Debian service), owned by the postgres user, listening on loopback.
PGDATA=${PGDATA_CI:-/tmp/duikou-pg}
PORT=${PGPORT_CI:-55432}
RUN_AS=""
if [ "$(id -u)" -eq 0 ]; then RUN_AS="runuser -u postgres --"; fi
if ! $RUN_AS /usr/lib/postgresql/15/bin/pg_ctl -D "$PGDATA" status >/dev/null 2>&1; then
  if ! [ -f "$PGDATA/PG_VERSION" ]; then
    mkdir -p "$PGDATA"
    if [ -n "$RUN_AS" ]; then chown postgres:postgres "$PGDATA"; fi
    $RUN_AS /usr/lib/postgresql/15/bin/initdb -D "$PGDATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  $RUN_AS /usr/lib/postgresql/15/bin/pg_ctl -D "$PGDATA" -o "-p $PORT -k /tmp -c listen_addresses=127.0.0.1" \
    -l "$PGDATA/server.log" -w start >/dev/null
fi
URL="postgres://postgres@127.0.0.1:$PORT/duikou_test"
psql -q -h 127.0.0.1 -p "$PORT" -U postgres -tc "SELECT 1 FROM pg_database WHERE datname = 'duikou_test'" |
  grep -q 1 || psql -q -h 127.0.0.1 -p "$PORT" -U postgres -c "CREATE DATABASE duikou_test"
psql -q -h 127.0.0.1 -p "$PORT" -U postgres -d duikou_test -c "CREATE EXTENSION IF NOT EXISTS vector"
echo "$URL"
