#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for the API tests.
#
#   scripts/pg-test.sh start DIR       initdb + start a cluster for DIR; writes DIR/env
#   scripts/pg-test.sh start DIR FROM  the same on a copy of FROM, a data directory
#                                      `save` wrote (no initdb)
#   scripts/pg-test.sh url DIR NAME    (re)create database NAME; print its libpq URL
#   scripts/pg-test.sh drop DIR NAME   drop database NAME if it exists
#   scripts/pg-test.sh save DIR DEST   stop the cluster cleanly, copy its data
#                                      directory to DEST (must not exist), start it again
#   scripts/pg-test.sh stop DIR        stop the cluster (fast) and remove DIR
#   scripts/pg-test.sh version         the major version of the server binaries
#
# The cluster listens only on a Unix socket (listen_addresses=''), trusts
# local connections, keeps fsync on and uses little memory (shared_buffers
# 16MB; PG_TEST_SHARED_BUFFERS sets it, for bench/run.sh).  It never
# touches a system cluster: its socket lives in a private directory and its
# port is derived from our PID (and checked free there), so Debian's own
# cluster on 5432 can run beside it.
#
# PostgreSQL refuses to run as root, so as root the server programs run as
# the "postgres" OS user (runuser); as another user they run directly.  When
# DIR is not reachable by "postgres" (say, a build tree under /root) or its
# path is too long for a Unix socket, the cluster itself lives in a private
# directory under /tmp that DIR/env points to; `stop` removes both.
#
# Every command is idempotent: `start` on a running cluster does nothing,
# `stop` on a missing one does nothing.  Messages go to stderr; `url`
# prints only the URL on stdout.
set -eu

prog=pg-test
say() { printf '%s: %s\n' "$prog" "$*" >&2; }
die() {
	say "error: $*"
	exit 1
}

usage() {
	cat >&2 <<'EOF'
usage: scripts/pg-test.sh start DIR [FROM]
       scripts/pg-test.sh url DIR NAME
       scripts/pg-test.sh drop DIR NAME
       scripts/pg-test.sh save DIR DEST
       scripts/pg-test.sh stop DIR
       scripts/pg-test.sh version
EOF
	exit 2
}

# The server binaries: PG_BINDIR if set, else PostgreSQL 15 as Debian 12
# installs it, else the newest version installed under /usr/lib/postgresql.
find_bindir() {
	if [ -n "${PG_BINDIR:-}" ]; then
		[ -x "$PG_BINDIR/initdb" ] || die "PG_BINDIR=$PG_BINDIR has no initdb"
		echo "$PG_BINDIR"
		return
	fi
	if [ -x /usr/lib/postgresql/15/bin/initdb ]; then
		echo /usr/lib/postgresql/15/bin
		return
	fi
	local d best=""
	for d in /usr/lib/postgresql/*/bin; do
		[ -x "$d/initdb" ] && best=$d
	done
	[ -n "$best" ] || die "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb); run scripts/deps.sh"
	echo "$best"
}

# Run a server-side command as the cluster's owner, from a directory that
# owner can read (initdb and postgres dislike an unreadable cwd).
as_owner() {
	if [ "$(id -u)" -eq 0 ]; then
		(cd / && runuser -u postgres -- "$@")
	else
		(cd / && "$@")
	fi
}

abspath() {
	case "$1" in
	/*) echo "$1" ;;
	*) echo "$(pwd)/$1" ;;
	esac
}

# Reads DIR/env into PGHOST, PGPORT, PGUSER, PGTEST_DATA, PGTEST_REAL.
load_env() {
	local env=$1/env
	[ -f "$env" ] || return 1
	PGHOST="" PGPORT="" PGTEST_DATA="" PGTEST_REAL=""
	# shellcheck disable=SC1090
	. "$env"
	[ -n "$PGHOST" ] && [ -n "$PGPORT" ] && [ -n "$PGTEST_DATA" ]
}

running() {
	as_owner "$bindir/pg_ctl" -D "$PGTEST_DATA" status >/dev/null 2>&1
}

# A port no other cluster in this socket directory uses: derived from our
# PID, then the next free one.  Only the socket's file name depends on it
# (no TCP), but keep clear of 5432 anyway.
pick_port() {
	local sock=$1 p _
	p=$((20000 + $$ % 20000))
	for _ in $(seq 0 200); do
		if [ "$p" -ne 5432 ] && [ ! -e "$sock/.s.PGSQL.$p" ] &&
			[ ! -e "$sock/.s.PGSQL.$p.lock" ]; then
			echo "$p"
			return
		fi
		p=$((p + 1))
	done
	die "no free port near $((20000 + $$ % 20000))"
}

cmd_start() {
	local dir=$1 from=${2:-} real data sock port log
	dir=$(abspath "$dir")
	if [ -n "$from" ]; then
		from=$(abspath "$from")
		[ -f "$from/PG_VERSION" ] || die "$from is not a PostgreSQL data directory"
	fi
	if load_env "$dir"; then
		if running; then
			say "cluster already running in $dir (port $PGPORT)"
			return 0
		fi
		say "stale cluster in $dir: recreating"
		cmd_stop "$dir"
	fi
	if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
		die "no 'postgres' OS user (PostgreSQL refuses to run as root); install postgresql with scripts/deps.sh"
	fi
	mkdir -p "$dir"
	chmod 0755 "$dir"
	real=$dir
	if [ "$(id -u)" -eq 0 ]; then
		chown postgres "$dir"
		if ! runuser -u postgres -- test -w "$dir" 2>/dev/null; then
			real=""
		fi
	fi
	# Unix socket paths are limited to 107 bytes ("$sock/.s.PGSQL.NNNNN").
	if [ -n "$real" ] && [ ${#real} -gt 80 ]; then
		real=""
	fi
	if [ -z "$real" ]; then
		real=$(mktemp -d /tmp/motcua-pg.XXXXXX)
		chmod 0755 "$real"
		[ "$(id -u)" -ne 0 ] || chown postgres "$real"
	fi
	data=$real/data
	sock=$real
	log=$real/postgres.log
	port=$(pick_port "$sock")
	rm -rf "$data"
	if [ "$(id -u)" -eq 0 ]; then
		: >"$log"
		chown postgres "$log"
	fi
	if [ -n "$from" ]; then
		# A copy of a cluster this script made and `save` stopped cleanly:
		# the same initdb and settings; only where it listens changes (the
		# lines appended below win over the copy's own).  cp -a keeps the
		# owner and the 0700 the server insists on.
		say "copying $from to $data"
		if ! cp -a --reflink=auto "$from" "$data"; then
			start_undo "$dir" "$real"
			die "cannot copy $from"
		fi
		# Only a cleanly stopped cluster is a consistent set of files.
		if ! LC_ALL=C "$bindir/pg_controldata" "$data" 2>/dev/null |
			grep -q '^Database cluster state: *shut down$'; then
			start_undo "$dir" "$real"
			die "$from is not a cleanly stopped cluster"
		fi
		rm -f "$data/postmaster.opts"
	else
		say "initdb in $data"
		if ! as_owner "$bindir/initdb" -D "$data" -U postgres -A trust -E UTF8 \
			--locale=C >"$real/initdb.log" 2>&1; then
			cat "$real/initdb.log" >&2
			die "initdb failed"
		fi
	fi
	cat >>"$data/postgresql.conf" <<EOF

# scripts/pg-test.sh: a private test cluster
listen_addresses = ''
unix_socket_directories = '$sock'
port = $port
fsync = on
shared_buffers = ${PG_TEST_SHARED_BUFFERS:-16MB}
max_connections = 200
max_wal_size = 256MB
logging_collector = off
log_min_messages = warning
EOF
	cat >"$dir/env" <<EOF
PGHOST=$sock
PGPORT=$port
PGUSER=postgres
PGTEST_DATA=$data
PGTEST_REAL=$real
EOF
	server_up "$data" "$log" "$sock" "$port"
	say "cluster ready in $dir (socket $sock, port $port)"
}

# start_undo DIR REAL: what a `start` that failed before writing DIR/env
# made (`stop` finds nothing to go by without DIR/env).
start_undo() {
	rm -rf "$2/data"
	case "$2" in
	/tmp/motcua-pg.*) rm -rf "$2" ;;
	esac
	rm -rf "$1"
}

# server_up DATA LOG SOCK PORT: start the postmaster and wait until it
# accepts connections.
server_up() {
	local data=$1 log=$2 sock=$3 port=$4 _
	if ! as_owner "$bindir/pg_ctl" -D "$data" -l "$log" -w -t 30 -s start; then
		cat "$log" >&2 || true
		die "the cluster did not start (see the log above)"
	fi
	# pg_ctl -w waited for the postmaster; prove it accepts connections.
	for _ in $(seq 1 100); do
		if "$bindir/pg_isready" -q -h "$sock" -p "$port" -U postgres; then
			return 0
		fi
		sleep 0.1
	done
	cat "$log" >&2 || true
	die "the cluster does not accept connections after 10 s"
}

check_name() {
	case "$1" in
	'' | *[!a-z0-9_]*) die "database name must be [a-z0-9_]+: '$1'" ;;
	esac
}

cmd_url() {
	local dir name
	dir=$(abspath "$1")
	name=$2
	check_name "$name"
	load_env "$dir" || die "no cluster in $dir (run: $0 start $dir)"
	# A leftover of an earlier run goes; if it cannot, createdb says why.
	"$bindir/dropdb" -h "$PGHOST" -p "$PGPORT" -U postgres --if-exists "$name" \
		2>/dev/null || true
	"$bindir/createdb" -h "$PGHOST" -p "$PGPORT" -U postgres -E UTF8 "$name" ||
		die "createdb $name failed"
	printf 'postgresql:///%s?host=%s&port=%s&user=postgres\n' "$name" "$PGHOST" "$PGPORT"
}

cmd_drop() {
	local dir name
	dir=$(abspath "$1")
	name=$2
	check_name "$name"
	load_env "$dir" || die "no cluster in $dir"
	"$bindir/dropdb" -h "$PGHOST" -p "$PGPORT" -U postgres --if-exists "$name" ||
		die "dropdb $name failed"
}

# wal_trim DATA: in a cleanly stopped cluster, remove the WAL segments
# before the shutdown checkpoint's (obsolete) and the recycled ones after
# the next (renamed old segments kept for reuse: after a bulk load up to
# max_wal_size of them, as much as the tables themselves).  The server
# needs only the checkpoint's own segment to start, and creates new ones
# as it writes.  Anything else in pg_wal is left alone.
wal_trim() {
	local data=$1 ctl redo size tli log seg next f b
	ctl=$(LC_ALL=C "$bindir/pg_controldata" "$data" 2>/dev/null) || return 0
	printf '%s\n' "$ctl" | grep -q '^Database cluster state: *shut down$' || return 0
	redo=$(printf '%s\n' "$ctl" |
		sed -n "s/^Latest checkpoint's REDO WAL file: *\([0-9A-F]\{24\}\)$/\1/p")
	size=$(printf '%s\n' "$ctl" | sed -n 's/^Bytes per WAL segment: *\([0-9][0-9]*\)$/\1/p')
	[ -n "$redo" ] && [ -n "$size" ] || return 0
	# The checkpoint record may end in the segment after its REDO one.
	tli=${redo:0:8} log=$((16#${redo:8:8})) seg=$((16#${redo:16:8}))
	seg=$((seg + 1))
	if [ "$seg" -ge $((0x100000000 / size)) ]; then
		seg=0 log=$((log + 1))
	fi
	next=$(printf '%s%08X%08X' "$tli" "$log" "$seg")
	for f in "$data"/pg_wal/*; do
		b=${f##*/}
		[[ $b =~ ^[0-9A-F]{24}$ ]] || continue
		[ "$b" = "$redo" ] || [ "$b" = "$next" ] || rm -f "$f"
	done
}

# A clean (fast) shutdown checkpoints everything, so the copy is a complete
# cluster that `start DIR FROM` can run again; the cluster comes back on
# the same socket and port.  DEST is written as DEST.part and renamed, so
# an interrupted save leaves no DEST.
cmd_save() {
	local dir dest log
	dir=$(abspath "$1")
	dest=$(abspath "$2")
	load_env "$dir" || die "no cluster in $dir"
	[ ! -e "$dest" ] || die "$dest exists"
	running || die "the cluster in $dir is not running"
	as_owner "$bindir/pg_ctl" -D "$PGTEST_DATA" -m fast -w -t 60 -s stop ||
		die "pg_ctl stop failed in $PGTEST_DATA"
	wal_trim "$PGTEST_DATA"
	rm -rf "$dest.part"
	if mkdir -p "$(dirname "$dest")" &&
		cp -a --reflink=auto "$PGTEST_DATA" "$dest.part"; then
		rm -f "$dest.part/postmaster.opts"
		mv "$dest.part" "$dest"
	else
		rm -rf "$dest.part"
	fi
	# Running again whether the copy worked or not.
	log=$PGTEST_REAL/postgres.log
	server_up "$PGTEST_DATA" "$log" "$PGHOST" "$PGPORT"
	[ -d "$dest" ] || die "cannot copy $PGTEST_DATA to $dest (the cluster runs again)"
	say "cluster in $dir saved to $dest and running again"
}

cmd_stop() {
	local dir
	dir=$(abspath "$1")
	if load_env "$dir"; then
		if running; then
			as_owner "$bindir/pg_ctl" -D "$PGTEST_DATA" -m fast -w -t 30 -s stop ||
				die "pg_ctl stop failed in $PGTEST_DATA"
			say "cluster in $dir stopped"
		fi
		case "$PGTEST_REAL" in
		/tmp/motcua-pg.*) rm -rf "$PGTEST_REAL" ;;
		esac
	fi
	rm -rf "$dir"
}

[ $# -ge 1 ] || usage
bindir=$(find_bindir)
case "$1" in
start)
	[ $# -eq 2 ] || [ $# -eq 3 ] || usage
	cmd_start "$2" "${3:-}"
	;;
save)
	[ $# -eq 3 ] || usage
	cmd_save "$2" "$3"
	;;
version)
	[ $# -eq 1 ] || usage
	"$bindir/postgres" --version | sed -n 's/^[^0-9]*\([0-9][0-9]*\).*/\1/p'
	;;
url)
	[ $# -eq 3 ] || usage
	cmd_url "$2" "$3"
	;;
drop)
	[ $# -eq 3 ] || usage
	cmd_drop "$2" "$3"
	;;
stop)
	[ $# -eq 2 ] || usage
	cmd_stop "$2"
	;;
*) usage ;;
esac
