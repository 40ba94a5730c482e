#!/bin/sh
# A throwaway PostgreSQL cluster for the test suite (ctest fixture "postgres").
#
#   pg-fixture.sh start <statedir>   initdb into a fresh /tmp/warden-pg.* directory, start it on
#                                    127.0.0.1 at a random free port, create the test database
#                                    and roles, write <statedir>/pg.env
#   pg-fixture.sh stop <statedir>    stop that cluster and delete it
#
# pg.env (KEY=VALUE lines, mode 0600) names the cluster for tests:
#   WARDEN_PG_HOST, WARDEN_PG_PORT, WARDEN_PG_SOCKET_DIR, WARDEN_PG_DATABASE,
#   WARDEN_PG_SUPERUSER     (setup only: trusted over the Unix socket, no password)
#   WARDEN_PG_READER, WARDEN_PG_READER_PASSWORD
#                           (LOGIN, no superuser, no BYPASSRLS, owns nothing, SELECT grants
#                            only; password made up for this run, scram over TCP)
#   WARDEN_PG_CLUSTER       (the directory to delete on stop)
#
# As root the server runs as the postgres user (initdb refuses root); otherwise as the caller.
# Only clusters this script started (recorded in pg.env, under /tmp/warden-pg.*) are touched.
set -eu

usage() { echo "usage: $0 start|stop <statedir>" >&2; exit 2; }
[ $# -eq 2 ] || usage
action=$1
statedir=$2
envfile="$statedir/pg.env"

PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$PGBIN" ] || { echo "pg-fixture: no PostgreSQL server found under /usr/lib/postgresql" >&2; exit 1; }

as_pg() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

env_value() {
    sed -n "s/^$1=//p" "$envfile" | head -n 1
}

stop_cluster() {
    [ -f "$envfile" ] || return 0
    cluster=$(env_value WARDEN_PG_CLUSTER)
    case "$cluster" in
    /tmp/warden-pg.*) ;;
    *) echo "pg-fixture: $envfile names no cluster of ours; leaving it alone" >&2; return 1 ;;
    esac
    if [ -f "$cluster/data/postmaster.pid" ]; then
        as_pg "$PGBIN/pg_ctl" -D "$cluster/data" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
    fi
    rm -rf "$cluster"
    rm -f "$envfile"
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null \
        || shuf -i 20000-60000 -n 1
}

start_cluster() {
    mkdir -p "$statedir"
    stop_cluster # a cluster left behind by an interrupted run
    cluster=$(mktemp -d /tmp/warden-pg.XXXXXX)
    chmod 700 "$cluster"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$cluster"

    as_pg "$PGBIN/initdb" -D "$cluster/data" -U postgres --auth-local=trust \
        --auth-host=scram-sha-256 -E UTF8 --no-locale --no-sync >"$cluster/initdb.log" 2>&1 || {
        cat "$cluster/initdb.log" >&2
        rm -rf "$cluster"
        exit 1
    }

    # The port may be taken between choosing and binding: try a few.
    started=
    for attempt in 1 2 3 4 5; do
        port=$(free_port)
        if as_pg "$PGBIN/pg_ctl" -D "$cluster/data" -l "$cluster/log" -w -t 30 \
            -o "-c listen_addresses=127.0.0.1 -p $port -k $cluster -c fsync=off -c full_page_writes=off -c synchronous_commit=off -c max_connections=100" \
            start >/dev/null 2>&1; then
            started=1
            break
        fi
    done
    if [ -z "$started" ]; then
        echo "pg-fixture: the server did not start:" >&2
        tail -n 20 "$cluster/log" >&2 || true
        rm -rf "$cluster"
        exit 1
    fi

    password=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
    umask 077
    cat >"$envfile" <<EOF
WARDEN_PG_CLUSTER=$cluster
WARDEN_PG_HOST=127.0.0.1
WARDEN_PG_PORT=$port
WARDEN_PG_SOCKET_DIR=$cluster
WARDEN_PG_DATABASE=warden_test
WARDEN_PG_SUPERUSER=postgres
WARDEN_PG_READER=warden_reader
WARDEN_PG_READER_PASSWORD=$password
EOF

    psql_su() {
        as_pg "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$cluster" -p "$port" -U postgres "$@"
    }

    # Passwords travel on stdin, never on a command line.
    psql_su -d postgres <<EOF
CREATE ROLE warden_reader LOGIN PASSWORD '$password'
    NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION NOBYPASSRLS;
CREATE DATABASE warden_test;
REVOKE ALL ON DATABASE warden_test FROM PUBLIC;
GRANT CONNECT ON DATABASE warden_test TO warden_reader;
EOF

    psql_su -d warden_test <<'EOF'
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO warden_reader;

CREATE TABLE customers (
    id bigserial PRIMARY KEY,
    name text NOT NULL,
    email varchar(200),
    active boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT '2024-01-02 03:04:05+00',
    balance numeric(12,2)
);
CREATE INDEX customers_email_name_idx ON customers (email, name);
CREATE INDEX customers_lower_name_idx ON customers (lower(name));
CREATE INDEX customers_recent_idx ON customers (created_at) WHERE active;
INSERT INTO customers (name, email, active, balance)
    SELECT 'customer ' || g, 'c' || g || '@example.com', g % 3 <> 0, g * 1.25
    FROM generate_series(1, 500) g;

CREATE TABLE orders (
    id integer PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES customers (id),
    placed_on date,
    total double precision,
    notes jsonb
);
CREATE INDEX orders_customer_idx ON orders (customer_id) INCLUDE (total);
INSERT INTO orders
    SELECT g, 1 + g % 500, date '2024-01-01' + g % 365, g * 0.5, jsonb_build_object('n', g)
    FROM generate_series(1, 2000) g;

CREATE TABLE order_lines (
    order_id integer REFERENCES orders (id),
    line_no smallint,
    sku text,
    qty integer NOT NULL,
    PRIMARY KEY (line_no, order_id)
);

CREATE DOMAIN positive_int AS integer CHECK (VALUE > 0);
CREATE TABLE type_samples (
    id integer PRIMARY KEY,
    i2 smallint, i4 integer, i8 bigint, f4 real, f8 double precision,
    n_small numeric, n_big numeric, n_int numeric, n_huge numeric,
    b boolean, t text, j json, jb jsonb, d date, ts timestamp, tstz timestamptz,
    bin bytea, u uuid, arr integer[], tm time, dom positive_int
);
INSERT INTO type_samples VALUES (
    1, -2, 40000, 9000000000, 1.5, 0.1,
    1.50, 12345678901234567890.123, 42, 123456789012345678901234567890,
    true, 'héllo', '{"a": 1}', '{"b": [1, 2]}', '2024-02-29', '2024-02-29 13:14:15',
    '2024-02-29 13:14:15+02', '\x000102ff', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
    '{1,2,3}', '12:34:56', 7
);
INSERT INTO type_samples (id) VALUES (2);

CREATE VIEW active_customers AS SELECT id, name FROM customers WHERE active;

-- No grant: the reader must not see it in introspection nor read it.
CREATE TABLE staff_only (id integer PRIMARY KEY, secret text);

GRANT SELECT ON customers, orders, order_lines, type_samples, active_customers TO warden_reader;
ANALYZE;
EOF
    echo "pg-fixture: PostgreSQL on 127.0.0.1:$port ($cluster)"
}

case "$action" in
start) start_cluster ;;
stop) stop_cluster ;;
*) usage ;;
esac
