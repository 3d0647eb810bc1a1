# Sourced by .ci/run (and usable by hand): a throw-away PostgreSQL cluster
# for the tests.
#
#   source .ci/postgres.sh
#   pg_start      # installs Debian's server if missing, starts a cluster in a
#                 # temp dir on a unix socket, exports TEST_DATABASE_URL
#   pg_stop       # stops it and removes the directory (pg_start traps EXIT)
#
# The cluster belongs to the system user "postgres" (the package creates it;
# initdb refuses to run as root) and listens only on a unix socket in its
# directory, so it cannot clash with another cluster or take a port.

pg_bindir() {
    local d
    for d in /usr/lib/postgresql/*/bin; do
        [ -x "$d/initdb" ] && { echo "$d"; return 0; }
    done
    return 1
}

pg_start() {
    if ! pg_bindir >/dev/null; then
        apt-get update -qq && apt-get install -y -qq postgresql >/dev/null
    fi
    local bin
    bin=$(pg_bindir) || { echo "postgres: no initdb after installing postgresql" >&2; return 1; }
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    PG_DIR=$(mktemp -d /tmp/epoxy-pg.XXXXXX)
    chown postgres: "$PG_DIR"
    trap pg_stop EXIT
    runuser -u postgres -- "$bin/initdb" -D "$PG_DIR/data" --auth=trust --username=postgres \
        --encoding=UTF8 --locale=C >"$PG_DIR/initdb.log" 2>&1 ||
        { cat "$PG_DIR/initdb.log" >&2; return 1; }
    # No TCP listener; the socket lives in the cluster's directory.
    runuser -u postgres -- "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w \
        -o "-c listen_addresses='' -k $PG_DIR -c max_connections=300 -c fsync=off" start >/dev/null ||
        { cat "$PG_DIR/server.log" >&2; return 1; }
    runuser -u postgres -- "$bin/createdb" -h "$PG_DIR" epoxy_test
    export TEST_DATABASE_URL="postgres://postgres@/epoxy_test?host=$PG_DIR"
    echo "postgres: cluster in $PG_DIR, TEST_DATABASE_URL=$TEST_DATABASE_URL"
}

pg_stop() {
    [ -n "${PG_DIR:-}" ] || return 0
    runuser -u postgres -- "$(pg_bindir)/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
    PG_DIR=
}
