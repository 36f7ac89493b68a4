#!/usr/bin/env bash
# Where a request's time goes: perf (DWARF call graphs) and syscall counts
# per request for a few paths, on an optimised build with frame pointers and
# debug info (build/bench-prof).  Not part of `make bench`; bench/RESULTS.md
# quotes its output.
#
#   bench/profile.sh [PATH ...]          default: /favicon.svg /shared/css/motcua.css /healthz
#   PROFILE_DB=pg bench/profile.sh /healthz     the same on a throw-away PostgreSQL cluster
#   PROFILE_SECONDS=N                    seconds of load per path (default 5)
#
# Needs perf (linux-perf) and, for syscall counts, strace.  Load comes from
# wrk at 64 connections, as in bench/run.sh.
set -eu
set -o pipefail
export LC_ALL=C

root=$(cd "$(dirname "$0")/.." && pwd)
bdir=$root/build/bench-prof
bin=$bdir/motcua
secs=${PROFILE_SECONDS:-5}
db=${PROFILE_DB:-sqlite}
[ $# -gt 0 ] || set -- /favicon.svg /shared/css/motcua.css /healthz

say() { printf 'profile: %s\n' "$*" >&2; }
die() {
	say "error: $*"
	exit 1
}
command -v perf >/dev/null 2>&1 || die "perf is missing (apt-get install linux-perf)"
command -v wrk >/dev/null 2>&1 || die "wrk is missing (scripts/deps.sh bench)"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/motcua-prof.XXXXXX")
chmod 0755 "$tmp"
srv="" pg_dir=""
cleanup() {
	local rc=$?
	set +e
	trap - EXIT INT TERM
	if [ -n "$srv" ]; then
		kill -TERM "$srv" 2>/dev/null
		wait "$srv" 2>/dev/null
	fi
	[ -n "$pg_dir" ] && "$root/scripts/pg-test.sh" stop "$pg_dir" >/dev/null 2>&1
	rm -rf "$tmp"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

say "building build/bench-prof (Release, -g -fno-omit-frame-pointer)"
cmake -S "$root" -B "$bdir" -DCMAKE_BUILD_TYPE=Release \
	-DCMAKE_C_FLAGS="-g -fno-omit-frame-pointer" >"$tmp/build.log" 2>&1 &&
	cmake --build "$bdir" -j"$(nproc)" >>"$tmp/build.log" 2>&1 ||
	{ tail -30 "$tmp/build.log" >&2; die "build failed"; }

cp -R "$root/web" "$tmp/web"
chmod -R a+rX "$tmp/web"
if [ "$db" = pg ]; then
	pg_dir=$tmp/pg
	"$root/scripts/pg-test.sh" start "$pg_dir" 2>"$tmp/pg.log"
	url=$("$root/scripts/pg-test.sh" url "$pg_dir" motcua_prof 2>>"$tmp/pg.log")
else
	url=sqlite:$tmp/motcua.db
fi
"$bin" migrate --db "$url" >"$tmp/migrate.log" 2>&1 || { cat "$tmp/migrate.log" >&2; die "migrate failed"; }
"$bin" serve --db "$url" --listen 127.0.0.1:0 --web "$tmp/web" --data "$root/data" \
	--access_log 0 --conn_limit 4096 --per_ip_limit 4096 --shutdown_grace 1 \
	>"$tmp/out" 2>"$tmp/err" &
srv=$!
port=""
for _ in $(seq 100); do
	port=$(sed -n 's|^listening on http://127\.0\.0\.1:\([0-9][0-9]*\)$|\1|p' "$tmp/out")
	[ -n "$port" ] && break
	sleep 0.1
done
[ -n "$port" ] || { cat "$tmp/err" >&2; die "server did not start"; }

for path in "$@"; do
	u=http://127.0.0.1:$port$path
	wrk -t2 -c64 -d1s "$u" >/dev/null
	echo "=== $path ($db): perf, $secs s at 64 connections"
	perf record -q -F 499 --call-graph dwarf,16384 -p "$srv" -o "$tmp/perf.data" \
		-- sleep $((secs + 1)) >/dev/null 2>&1 &
	rec=$!
	sleep 0.3
	wrk -t2 -c64 -d"${secs}s" -s "$root/bench/wrk/report.lua" "$u" | grep '^BENCH'
	wait "$rec" || true
	echo "--- self time, top symbols (kernel time is mostly syscalls and loopback TCP)"
	perf report -i "$tmp/perf.data" --no-children --percent-limit 0.8 --stdio -g none \
		--sort dso,sym 2>/dev/null | grep -v '^#' | grep -v '^$' | head -30
	echo "--- inclusive time of motcua's and its libraries' named functions"
	perf report -i "$tmp/perf.data" --children --percent-limit 1 --stdio -g none --sort sym \
		2>/dev/null | grep -v '^#' | grep -v '^$' | grep -v '\[k\]' |
		grep -v ' 0x0000' | grep -v -E ' (clone3|start_thread)$' | head -40
	if command -v strace >/dev/null 2>&1; then
		echo "--- syscalls per request (strace -c, 8 connections, 3 s; strace slows the server)"
		timeout 10 strace -f -c -o "$tmp/strace.txt" -p "$srv" 2>/dev/null &
		st=$!
		sleep 1
		n=$(wrk -t1 -c8 -d3s -s "$root/bench/wrk/report.lua" "$u" |
			sed -n 's/^BENCH requests=\([0-9]*\).*/\1/p')
		kill -INT "$st" 2>/dev/null || true
		wait "$st" 2>/dev/null || true
		awk -v n="$n" '$1 ~ /^[0-9.]+$/ && $NF != "total" && n > 0 {
			printf "  %-14s %6.2f per request\n", $NF, $4 / n }' "$tmp/strace.txt" |
			awk '$2 >= 0.05'
		echo "  ($n requests)"
	fi
	echo
done
