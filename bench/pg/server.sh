# shellcheck shell=bash
# A throwaway PostgreSQL server for CI and the benchmark: sourced by .ci/run
# and bench/pg/run.sh (not run on its own).
#
#   pg_server_start [EXTRA postgres -c settings...]
#       initdb into a new temp folder, start a server on 127.0.0.1 at a free
#       port with its socket in that folder, and set
#         PG_SERVER_DIR   the temp folder (data/, log, socket)
#         PG_SERVER_URL   postgres://kpiscope:PASSWORD@127.0.0.1:PORT/postgres
#                         (a superuser with a password, scram-sha-256 over TCP)
#         PG_SERVER_BIN   the folder of initdb / pg_ctl / postgres
#       Returns 1 (after saying why on stderr) when no server can be had.
#   pg_server_stop
#       stop it (fast shutdown) and remove the temp folder; safe to call twice.
#
# initdb refuses to run as root: as root, the server's files belong to, and
# its processes run as, the unprivileged user PG_SERVER_USER (default nobody),
# through runuser; as anyone else, as that user.

pg_server_bindir() {
    local d
    if command -v pg_config >/dev/null 2>&1; then
        d="$(pg_config --bindir 2>/dev/null || true)"
        [[ -x "$d/initdb" && -x "$d/pg_ctl" ]] && { echo "$d"; return 0; }
    fi
    # Debian keeps the server's programs out of PATH, one folder per major version.
    for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -n -r); do
        [[ -x "$d/initdb" && -x "$d/pg_ctl" ]] && { echo "$d"; return 0; }
    done
    d="$(command -v initdb 2>/dev/null || true)"
    [[ -n "$d" && -x "$(dirname "$d")/pg_ctl" ]] && { dirname "$d"; return 0; }
    return 1
}

pg_server_as() {  # CMD... run as the server's user
    if [[ "$(id -u)" == 0 ]]; then
        runuser -u "${PG_SERVER_USER:-nobody}" -- "$@"
    else
        "$@"
    fi
}

pg_server_free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null ||
        echo $((20000 + RANDOM % 20000))
}

pg_server_start() {
    PG_SERVER_BIN="$(pg_server_bindir)" || { echo "pg_server: no PostgreSQL server programs (initdb, pg_ctl) found" >&2; return 1; }
    PG_SERVER_DIR="$(mktemp -d "${TMPDIR:-/tmp}/kpiscope-pg.XXXXXX")" || return 1
    chmod 700 "$PG_SERVER_DIR"
    local pw user=kpiscope port try opts
    pw="$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
    printf '%s\n' "$pw" >"$PG_SERVER_DIR/pw"
    if [[ "$(id -u)" == 0 ]]; then
        chown -R "${PG_SERVER_USER:-nobody}:" "$PG_SERVER_DIR" ||
            { echo "pg_server: cannot give $PG_SERVER_DIR to ${PG_SERVER_USER:-nobody}" >&2; return 1; }
    fi
    if ! pg_server_as "$PG_SERVER_BIN/initdb" -D "$PG_SERVER_DIR/data" -U "$user" --pwfile="$PG_SERVER_DIR/pw" \
        --auth-host=scram-sha-256 --auth-local=trust -E UTF8 --no-locale --no-sync >"$PG_SERVER_DIR/initdb.log" 2>&1; then
        echo "pg_server: initdb failed:" >&2
        tail -n 20 "$PG_SERVER_DIR/initdb.log" >&2
        return 1
    fi
    rm -f "$PG_SERVER_DIR/pw"
    # A free port can be taken between the probe and the bind: try three.
    for try in 1 2 3; do
        port="$(pg_server_free_port)"
        opts="-c listen_addresses=127.0.0.1 -p $port -k $PG_SERVER_DIR -c fsync=off -c full_page_writes=off -c synchronous_commit=off"
        for o in "$@"; do opts+=" -c $o"; done
        if pg_server_as "$PG_SERVER_BIN/pg_ctl" -D "$PG_SERVER_DIR/data" -l "$PG_SERVER_DIR/log" -w -t 60 \
            -o "$opts" start >/dev/null 2>&1; then
            PG_SERVER_URL="postgres://$user:$pw@127.0.0.1:$port/postgres"
            PG_SERVER_PORT="$port"
            export PG_SERVER_DIR PG_SERVER_URL PG_SERVER_PORT PG_SERVER_BIN
            return 0
        fi
    done
    echo "pg_server: the server did not start; its log:" >&2
    tail -n 20 "$PG_SERVER_DIR/log" >&2 2>/dev/null
    return 1
}

pg_server_stop() {
    [[ -n "${PG_SERVER_DIR:-}" && -d "$PG_SERVER_DIR" ]] || return 0
    if [[ -f "$PG_SERVER_DIR/data/postmaster.pid" ]]; then
        pg_server_as "$PG_SERVER_BIN/pg_ctl" -D "$PG_SERVER_DIR/data" -m fast -w -t 30 stop >/dev/null 2>&1 ||
            pg_server_as "$PG_SERVER_BIN/pg_ctl" -D "$PG_SERVER_DIR/data" -m immediate stop >/dev/null 2>&1 || true
    fi
    rm -rf "$PG_SERVER_DIR"
    PG_SERVER_DIR=
}
