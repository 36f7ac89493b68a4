#!/usr/bin/env bash
# motcua benchmarks (issue 9): every figure beside a ceiling measured in the
# same run on the same machine, as a ratio.  `make bench` runs this.
#
#   bench/run.sh                  full run (10 s per measurement)
#   BENCH_QUICK=1 bench/run.sh    smoke run (3 s per measurement, 1 threading round)
#
# Environment:
#   BENCH_SECONDS=N      seconds per wrk measurement (default 10, quick 3)
#   BENCH_ONLY=REGEX     run only the scenarios whose name matches (grep -E),
#                        e.g. BENCH_ONLY='static|healthz' or BENCH_ONLY=threading
#   BENCH_CONNECTIONS=N  wrk connections (default 64; the goals assume 64)
#   BENCH_SPLIT=N        slices per figure, ceiling and motcua alternating (default 2, quick 1)
#   BENCH_ROUNDS=N       threading rounds, alternating A B A B (default 3, quick 1)
#   BENCH_TMPDIR=DIR     where the databases and configs live during the run
#                        (default $TMPDIR or /tmp; never a tmpfs, see below)
#   BENCH_NO_BUILD=1     use build/bench/motcua as it is (no cmake)
#
# Writes the table to stdout and to bench/results/latest.md.  Every process it
# starts (motcua, nginx, the PostgreSQL cluster) is stopped and every temp
# file removed on exit, whatever the exit.  See bench/README.md.
set -eu
set -o pipefail
export LC_ALL=C
# The benchmark's PostgreSQL gets the buffer pool a production server of
# this size would (PostgreSQL's guidance: about a quarter of RAM; 2 GB here
# holds the whole 1M database, 1.2 GB), not the tests' 16 MB: with 16 MB a
# random lookup reads most pages through the kernel.  Applied at every
# cluster start (scripts/pg-test.sh), cached clusters included.  In huge
# pages when the run may reserve them (pg_hugepages).
export PG_TEST_SHARED_BUFFERS=${PG_TEST_SHARED_BUFFERS:-2GB}

root=$(cd "$(dirname "$0")/.." && pwd)
bdir=$root/build/bench
bin=$bdir/motcua
results=$root/bench/results/latest.md

quick=${BENCH_QUICK:-0}
if [ "$quick" = 1 ]; then
	secs=${BENCH_SECONDS:-3}
	rounds=${BENCH_ROUNDS:-1}
	split=${BENCH_SPLIT:-1}
	ceil_secs=2
else
	secs=${BENCH_SECONDS:-10}
	rounds=${BENCH_ROUNDS:-3}
	split=${BENCH_SPLIT:-2}
	ceil_secs=5
fi
# Threading runs are many (paths x modes x rounds): half length, at least 3 s.
tsecs=$((secs / 2 > 3 ? secs / 2 : 3))
[ "$secs" -lt "$tsecs" ] && tsecs=$secs
warm=1 # seconds of warm-up before every measurement (connections, prepared statements)
# The lookups read database pages at random over the whole file; a server in
# service has touched them before.  Reading the file into the page cache
# (need_dserver) is not all of it: each page SQLite maps costs a page fault
# at its first touch in the process, dear on this VM, and a fresh server
# takes seconds to get past them (10M: 106 µs per lookup in its first 10 s,
# 70 µs after 20 s, bench/RESULTS.md).  So the lookup scenarios warm both
# sides up for this long first, as the first minute of service would.
lookup_warm=${BENCH_LOOKUP_WARM:-$([ "$quick" = 1 ] && echo 2 || echo 10)}
conns=${BENCH_CONNECTIONS:-64}
wrk_threads=2
only=${BENCH_ONLY:-}
rss_goal_mb=100

say() { printf 'bench: [%ds] %s\n' "$SECONDS" "$*" >&2; } # seconds since the start
die() {
	say "error: $*"
	exit 1
}

# --- cleanup: every PID we started, the PostgreSQL cluster, the temp dir ---
tmp=""
pids=""
pg_dir=""
alive() { # PID: running (an exited child stays a zombie until waited for)
	local st
	st=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null) || return 1
	[ -n "$st" ] && [ "$st" != Z ]
}
stop_pid() { # pid: TERM, up to 5 s, then KILL
	local p=$1 i
	kill -TERM "$p" 2>/dev/null || true
	for i in $(seq 50); do
		alive "$p" || break
		sleep 0.1
	done
	kill -KILL "$p" 2>/dev/null || true
	wait "$p" 2>/dev/null || true
	pids=$(printf '%s\n' $pids | grep -vx "$p" | tr '\n' ' ' || true)
}
cleanup() {
	local rc=$? p
	set +e
	trap - EXIT INT TERM
	for p in $pids; do stop_pid "$p"; done
	if [ -n "$pg_dir" ]; then
		"$root/scripts/pg-test.sh" stop "$pg_dir" >/dev/null 2>&1
	fi
	[ -n "$hp_old" ] && echo "$hp_old" >/proc/sys/vm/nr_hugepages 2>/dev/null
	[ -n "$tmp" ] && rm -rf "$tmp"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

for t in wrk nginx cmake cc timeout; do
	command -v "$t" >/dev/null 2>&1 || die "$t is missing (run scripts/deps.sh bench)"
done

# --- temp dir: on a real disk, or durable-commit figures mean nothing ---
base=${BENCH_TMPDIR:-${TMPDIR:-/tmp}}
case "$(stat -f -c %T "$base" 2>/dev/null || echo unknown)" in
tmpfs | ramfs)
	mkdir -p "$bdir"
	base=$bdir
	;;
esac
tmp=$(mktemp -d "$base/motcua-bench.XXXXXX")
chmod 0755 "$tmp" # nginx workers run as nobody when we are root
storage="$(df -PT "$tmp" | awk 'NR == 2 { print $2 }') ($base)"

# --- build ---
if [ "${BENCH_NO_BUILD:-0}" != 1 ]; then
	say "building the release binary in build/bench"
	if ! timeout 1200 cmake -S "$root" -B "$bdir" -DCMAKE_BUILD_TYPE=Release \
		>"$tmp/build.log" 2>&1 ||
		! timeout 1200 cmake --build "$bdir" -j"$(nproc)" >>"$tmp/build.log" 2>&1; then
		tail -40 "$tmp/build.log" >&2
		die "build failed"
	fi
fi
[ -x "$bin" ] || die "no $bin"
say "building bench/ceiling_insert.c"
# shellcheck disable=SC2046
cc -O2 -std=c11 $(pkg-config --cflags libpq 2>/dev/null || echo -I/usr/include/postgresql) \
	-o "$tmp/ceiling_insert" "$root/bench/ceiling_insert.c" -lsqlite3 -lpq ||
	die "cannot build bench/ceiling_insert.c"


# The same bytes for motcua and nginx: a snapshot of web/ (others may be
# editing it while we run).
cp -R "$root/web" "$tmp/web"
mkdir -p "$tmp/sizes"
chmod -R a+rX "$tmp/web" "$tmp/sizes"

# ---------------------------------------------------------------- helpers ---

kv() { # key "k=v k=v ..." -> v
	printf '%s\n' "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"
}

# http_probe PORT PATH -> "STATUS BODY_BYTES HEADER_BYTES" (bash /dev/tcp, no curl)
http_probe() {
	local f=$tmp/probe.out hb tb
	timeout 10 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$0" || exit 1
		printf "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n" "$1" >&3
		cat <&3' "$1" "$2" >"$f" || {
		echo "000 0 0"
		return
	}
	tb=$(stat -c %s "$f")
	hb=$(sed -n '1,/^\r$/p' "$f" | wc -c)
	printf '%s %s %s\n' "$(head -1 "$f" | awk '{ print $2 }')" $((tb - hb)) "$hb"
}

port_free() { # 0 when nothing listens on 127.0.0.1:PORT
	! timeout 2 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$0"' "$1" 2>/dev/null
}

# run_wrk URL SECONDS -> sets W_rps W_p50 W_p99 W_err W_non2xx W_req W_dur
# (BENCH_PATHS=FILE in the environment makes every request a random line).
nwrk=0
run_wrk() {
	local url=$1 d=$2 out line kvp
	nwrk=$((nwrk + 1))
	out=$tmp/wrk.$nwrk.log
	# Generous slack: under a load average of 40 a 1 s warm-up of wrk with
	# 200,000 paths per thread took over 30 s to start and finish.
	if ! timeout $((d + 120)) wrk -t"$wrk_threads" -c"$conns" -d"${d}s" --timeout 5s \
		-s "$root/bench/wrk/report.lua" "$url" >"$out" 2>&1; then
		cat "$out" >&2
		die "wrk failed on $url"
	fi
	line=$(grep '^BENCH ' "$out") || die "wrk printed no BENCH line for $url"
	# Parsed in the shell: seven kv pipelines were 21 processes per wrk
	# run, about a second of every measurement's wall time at load 20.
	W_rps="" W_p50="" W_p99="" W_err="" W_non2xx="" W_req="" W_dur=""
	for kvp in $line; do
		case "$kvp" in
		rps=*) W_rps=${kvp#*=} ;;
		p50_us=*) W_p50=${kvp#*=} ;;
		p99_us=*) W_p99=${kvp#*=} ;;
		errors=*) W_err=${kvp#*=} ;;
		non2xx=*) W_non2xx=${kvp#*=} ;;
		requests=*) W_req=${kvp#*=} ;;
		duration_us=*) W_dur=${kvp#*=} ;;
		esac
	done
}

rss_reset() { echo 5 >"/proc/$1/clear_refs" 2>/dev/null || rss_since_start=1; }
rss_peak_kb() { awk '/^VmHWM:/ { print $2 }' "/proc/$1/status"; }

# The server's own memory: VmHWM also counts file pages it maps (SQLite's
# mmap_size maps the database; those pages are the kernel's page cache,
# shared and reclaimable).  anon_start PID samples RssAnon + RssShmem every
# 0.2 s in the background; anon_stop sets W_anon to the peak (kB), which is
# what the RSS goal is judged on (the table shows both).
anon_pid=""
anon_start() {
	local pid=$1 f=$tmp/anon.$1
	echo 0 >"$f"
	(
		m=0
		while [ -r "/proc/$pid/status" ]; do
			v=$(awk '/^(RssAnon|RssShmem):/ { s += $2 } END { print s + 0 }' \
				"/proc/$pid/status" 2>/dev/null || echo 0)
			[ "${v:-0}" -gt "$m" ] && m=$v && echo "$m" >"$f"
			sleep 0.2
		done
	) &
	anon_pid=$!
	pids="$pids $anon_pid"
}
anon_stop() { # PID
	[ -n "$anon_pid" ] && stop_pid "$anon_pid"
	anon_pid=""
	W_anon=$(cat "$tmp/anon.$1" 2>/dev/null || echo "")
}
rss_since_start=0

# measure PID URL -> warm-up, reset the peak RSS, measure; sets W_* and W_rss
measure() {
	local pid=$1 url=$2
	m_wrk "$url" "$warm"
	[ -n "$pid" ] && rss_reset "$pid" && anon_start "$pid"
	m_wrk "$url" "$secs"
	W_rss="" W_anon=""
	[ -n "$pid" ] && W_rss=$(rss_peak_kb "$pid") && anon_stop "$pid"
	return 0
}

# cpu_ticks PID... -> user+system clock ticks of these processes so far
cpu_ticks() {
	local t=0 p v
	for p in "$@"; do
		v=$(awk '{ print $14 + $15 }' "/proc/$p/stat" 2>/dev/null || echo 0)
		t=$((t + v))
	done
	echo "$t"
}
# children PID -> its child PIDs (nginx workers)
children() {
	if command -v pgrep >/dev/null 2>&1; then
		pgrep -P "$1" | tr '\n' ' '
	else
		awk -v p="$1" '$4 == p { printf "%s ", $1 }' /proc/[0-9]*/stat 2>/dev/null
	fi
}
hz=$(getconf CLK_TCK 2>/dev/null || echo 100)

# What motcua's (M_*) and the ceiling's (C_*) requests carry in versus and
# measure: M_PATHS / C_PATHS a file of paths (random line per request),
# M_HEADER one header, M_BODY a POST body file, M_IDEM=1 a unique
# Idempotency-Key per request (bench/wrk/report.lua).  Empty: plain GET.
# M_HEADER_FILE: a file of header lines taken in turn (several API tokens).
M_PATHS="" M_HEADER="" M_HEADER_FILE="" M_BODY="" M_IDEM="" C_PATHS=""
m_wrk() {
	BENCH_PATHS=$M_PATHS BENCH_HEADER=$M_HEADER BENCH_HEADER_FILE=$M_HEADER_FILE \
		BENCH_BODY=$M_BODY BENCH_IDEMPOTENCY=$M_IDEM run_wrk "$@"
}
c_wrk() { BENCH_PATHS=$C_PATHS run_wrk "$@"; }
m_clear() { M_PATHS="" M_HEADER="" M_HEADER_FILE="" M_BODY="" M_IDEM="" C_PATHS=""; }

# versus CEILING_URL "CEILING_PIDS" PID URL: the ceiling and motcua measured
# in alternating slices (A B B A ...; $split slices of secs/split each, after
# a warm-up of both), so a burst of load from other work on the machine hits
# both.  Sets C_rps (ceiling) and W_rps W_p50 W_p99 W_err W_non2xx W_rss
# (motcua): rps = all requests / all time, p50 = mean of the slices, p99 =
# worst slice.  C_cpu / W_cpu: server CPU time per request in µs (user +
# system of the server processes over the measured slices), a figure other
# load on the machine moves much less than rps.
versus() {
	local curl=$1 cpids=$2 pid=$3 url=$4 i slice c0 c1 m0 m1
	slice=$(((secs + split - 1) / split))
	c_wrk "$curl" "$warm"
	m_wrk "$url" "$warm"
	rss_reset "$pid"
	anon_start "$pid"
	: >"$tmp/vs.c"
	: >"$tmp/vs.m"
	for i in $(seq "$split"); do
		if [ $((i % 2)) = 1 ]; then
			c0=$(cpu_ticks $cpids)
			c_wrk "$curl" "$slice"
			c1=$(cpu_ticks $cpids)
			echo "$W_req $W_dur $W_p50 $W_p99 $W_err $W_non2xx $((c1 - c0))" >>"$tmp/vs.c"
		fi
		m0=$(cpu_ticks "$pid")
		m_wrk "$url" "$slice"
		m1=$(cpu_ticks "$pid")
		echo "$W_req $W_dur $W_p50 $W_p99 $W_err $W_non2xx $((m1 - m0))" >>"$tmp/vs.m"
		if [ $((i % 2)) = 0 ]; then
			c0=$(cpu_ticks $cpids)
			c_wrk "$curl" "$slice"
			c1=$(cpu_ticks $cpids)
			echo "$W_req $W_dur $W_p50 $W_p99 $W_err $W_non2xx $((c1 - c0))" >>"$tmp/vs.c"
		fi
	done
	W_rss=$(rss_peak_kb "$pid")
	anon_stop "$pid"
	# shellcheck disable=SC2046 # word splitting wanted
	set -- $(awk -v hz="$hz" '{ r += $1; d += $2; c += $7; if ($4 > p99) p99 = $4 }
		END { printf "%.1f %.1f %d", r / d * 1e6, c / hz * 1e6 / r, p99 }' "$tmp/vs.c")
	C_rps=$1 C_cpu=$2 C_p99=$3
	# shellcheck disable=SC2046
	set -- $(awk -v hz="$hz" '{ r += $1; d += $2; p50 += $3; if ($4 > p99) p99 = $4; e += $5; s += $6; c += $7 }
		END { printf "%.1f %d %d %d %d %.1f", r / d * 1e6, p50 / NR, p99, e, s, c / hz * 1e6 / r }' \
		"$tmp/vs.m")
	W_rps=$1 W_p50=$2 W_p99=$3 W_err=$4 W_non2xx=$5 W_cpu=$6
}

# cpu_row NAME: motcua's and the ceiling's CPU per request from the last versus
cpu_row() {
	printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$W_cpu" "$C_cpu" \
		"$(awk -v m="$W_cpu" -v c="$C_cpu" 'BEGIN { printf "%.2f", (m > 0 ? c / m : 0) }')" \
		"$(fmt_ms "$W_p99")" "$(fmt_ms "$C_p99")" >>"$cpu_rows"
}

# --- motcua servers: one per database, started on first use ---
bin_serve() { # NAME DB_URL [flags...] -> sets srv_pid srv_port
	local name=$1 db=$2 i
	shift 2
	# A fresh file: the shell truncates it in the child, after we may read it.
	rm -f "$tmp/$name.out"
	"$bin" serve --db "$db" --listen 127.0.0.1:0 --web "$tmp/web" --data "$root/data" \
		--access_log 0 --conn_limit 4096 --per_ip_limit 4096 --shutdown_grace 1 "$@" \
		>"$tmp/$name.out" 2>"$tmp/$name.err" &
	srv_pid=$!
	pids="$pids $srv_pid"
	srv_port=""
	for i in $(seq 300); do
		srv_port=$(sed -n 's|^listening on http://127\.0\.0\.1:\([0-9][0-9]*\)$|\1|p' \
			"$tmp/$name.out" 2>/dev/null || true)
		[ -n "$srv_port" ] && return 0
		if ! alive "$srv_pid"; then
			cat "$tmp/$name.err" >&2
			die "motcua serve ($name) exited"
		fi
		sleep 0.1
	done
	die "motcua serve ($name) did not start in 30 s"
}

sq_pid="" sq_port=""
need_sqlite() {
	[ -n "$sq_pid" ] && return 0
	timeout 120 "$bin" migrate --db "sqlite:$tmp/motcua.db" >"$tmp/migrate.log" 2>&1 ||
		{ cat "$tmp/migrate.log" >&2; die "migrate (sqlite) failed"; }
	bin_serve sqlite "sqlite:$tmp/motcua.db"
	sq_pid=$srv_pid sq_port=$srv_port
}

# pg_hugepages: PostgreSQL's shared memory in 2 MB pages (its default
# huge_pages = try takes them when the kernel has them reserved).  In 4 kB
# pages every backend faults in each page of shared_buffers it touches, once
# per process: measured with pgbench on the 1M lookup, fresh connections
# started at 4,000 statements/s and took 25 s to reach 9,400; with huge
# pages they ran at 10,400-11,800 from the first second.  A server in
# service has had its connections for hours, and a database server with
# gigabytes of shared_buffers is given huge pages (PostgreSQL's manual,
# "Linux Huge Pages").  As root the run reserves what the buffer pool needs
# (shared_buffers + 1/8 for the rest of shared memory) and gives the old
# value back at exit; otherwise PostgreSQL runs on 4 kB pages and the
# results' notes say so.
hp_old="" hp_note=""
pg_hugepages() {
	local mb have want sz
	sz=$(awk '$1 == "Hugepagesize:" { print $2 }' /proc/meminfo 2>/dev/null)
	case "$PG_TEST_SHARED_BUFFERS" in
	*GB) mb=$((${PG_TEST_SHARED_BUFFERS%GB} * 1024)) ;;
	*MB) mb=${PG_TEST_SHARED_BUFFERS%MB} ;;
	*) return 0 ;;
	esac
	[ "${sz:-0}" -gt 0 ] || return 0
	want=$(((mb + mb / 8 + 64) * 1024 / sz))
	have=$(cat /proc/sys/vm/nr_hugepages 2>/dev/null || echo 0)
	if [ "$have" -lt "$want" ] && [ -w /proc/sys/vm/nr_hugepages ]; then
		hp_old=$have
		echo "$want" >/proc/sys/vm/nr_hugepages 2>/dev/null || true
		have=$(cat /proc/sys/vm/nr_hugepages)
	fi
	if [ "$have" -ge "$want" ]; then
		hp_note="PostgreSQL shared memory in huge pages ($have of $((sz / 1024)) MB reserved)"
	else
		hp_note="PostgreSQL shared memory in 4 kB pages (could not reserve $want huge pages)"
	fi
}

pg_url="" pg_state=""
need_pg() { # 0 when a throw-away cluster is up and pg_url is set
	[ "$pg_state" = up ] && return 0
	[ "$pg_state" = none ] && return 1
	if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && [ -z "${PG_BINDIR:-}" ]; then
		say "PostgreSQL server binaries not installed: PostgreSQL rows skipped" \
			"(scripts/deps.sh all installs them)"
		pg_state=none
		return 1
	fi
	pg_dir=$tmp/pg
	pg_hugepages
	pg_cache_restore
	if [ -z "$pg_cached" ]; then
		timeout 120 "$root/scripts/pg-test.sh" start "$pg_dir" 2>"$tmp/pg.log" ||
			{ cat "$tmp/pg.log" >&2; die "pg-test.sh start failed"; }
	fi
	pg_url=$("$root/scripts/pg-test.sh" url "$pg_dir" motcua_bench 2>>"$tmp/pg.log")
	pg_state=up
	[ -z "$hp_note" ] || note "$hp_note, shared_buffers $PG_TEST_SHARED_BUFFERS"
}

# pg_db_url NAME: the URL of database NAME in the run's cluster (as it is;
# pg-test.sh's `url` would create it afresh).
pg_db_url() {
	(
		# shellcheck disable=SC1091 # written by pg-test.sh start
		. "$pg_dir/env"
		printf 'postgresql:///%s?host=%s&port=%s&user=postgres\n' "$1" "$PGHOST" "$PGPORT"
	)
}

pg_pid="" pg_port=""
need_pg_server() {
	[ -n "$pg_pid" ] && return 0
	need_pg || return 1
	timeout 120 "$bin" migrate --db "$pg_url" >"$tmp/migrate-pg.log" 2>&1 ||
		{ cat "$tmp/migrate-pg.log" >&2; die "migrate (postgresql) failed"; }
	bin_serve pg "$pg_url"
	pg_pid=$srv_pid pg_port=$srv_port
}

# --- nginx, the static ceiling: its own config, pid and temp paths in $tmp ---
ng_pid="" ng_port=""
need_nginx() {
	local d=$tmp/nginx i
	[ -n "$ng_pid" ] && return 0
	mkdir -p "$d"
	for _ in 1 2 3 4 5; do
		ng_port=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
		port_free "$ng_port" || continue
		cat >"$d/nginx.conf" <<EOF
worker_processes auto;
daemon off;
pid $d/nginx.pid;
error_log $d/error.log warn;
events { worker_connections 4096; }
http {
	access_log off;
	sendfile on;
	tcp_nopush on;
	keepalive_timeout 65;
	keepalive_requests 100000000;
	types { text/html html; text/css css; text/javascript js; image/svg+xml svg; }
	default_type application/octet-stream;
	client_body_temp_path $d/client_body;
	proxy_temp_path $d/proxy;
	fastcgi_temp_path $d/fastcgi;
	uwsgi_temp_path $d/uwsgi;
	scgi_temp_path $d/scgi;
	server {
		listen 127.0.0.1:$ng_port;
		root $tmp/web;
		location /_size/ { alias $tmp/sizes/; }
	}
}
EOF
		nginx -p "$d" -c "$d/nginx.conf" -e "$d/error.log" >"$d/stdout" 2>&1 &
		ng_pid=$!
		pids="$pids $ng_pid"
		for i in $(seq 50); do
			if ! alive "$ng_pid"; then break; fi
			if ! port_free "$ng_port"; then return 0; fi
			sleep 0.1
		done
		cat "$d/error.log" "$d/stdout" >&2 2>/dev/null || true
		stop_pid "$ng_pid"
		ng_pid=""
	done
	die "nginx did not start"
}

# nginx_size_path BYTES -> a path nginx serves with a body of exactly BYTES
nginx_size_path() {
	local f=$tmp/sizes/b$1
	[ -f "$f" ] || {
		head -c "$1" /dev/zero | tr '\0' 'x' >"$f"
		chmod 0644 "$f"
	}
	echo "/_size/b$1"
}

# --- the table ---
rows=$tmp/rows.tsv
: >"$rows"
threading_rows=$tmp/threading.tsv
: >"$threading_rows"
notes=$tmp/notes.txt
: >"$notes"
cpu_rows=$tmp/cpu.tsv
: >"$cpu_rows"

fmt_ms() { [ -n "$1" ] && awk -v u="$1" 'BEGIN { printf "%.2f", u / 1000 }' || echo "—"; }
fmt_mb() { [ -n "$1" ] && awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }' || echo "—"; }
fmt_int() { [ -n "$1" ] && awk -v x="$1" 'BEGIN { printf "%.0f", x }' || echo "—"; }

# row NAME RPS P50_US P99_US RSS_KB CEIL_LABEL CEIL_RPS MIN_RATIO MAX_P99_US
#   MIN_RATIO / MAX_P99_US empty: no such goal.  The RSS goal applies to
#   every row with an RSS; wrk errors or non-2xx answers are a MISS.
row() {
	local name=$1 rps=$2 p50=$3 p99=$4 rss=$5 clabel=$6 crps=$7 minr=$8 maxp99=$9
	local ratio="—" goal="" verdict="PASS" why=""
	if [ -n "$crps" ] && [ -n "$rps" ]; then
		ratio=$(awk -v a="$rps" -v b="$crps" 'BEGIN { printf "%.2f", a / b }')
	fi
	if [ -n "$minr" ]; then
		goal="≥ ${minr}×"
		awk -v r="$ratio" -v m="$minr" 'BEGIN { exit !(r + 0 >= m + 0) }' || why="$why ratio"
	fi
	if [ -n "$maxp99" ]; then
		goal="${goal:+$goal, }p99 ≤ $(fmt_ms "$maxp99") ms"
		[ "$p99" -le "$maxp99" ] || why="$why p99"
	fi
	local rss_shown
	rss_shown=$(fmt_mb "$rss")
	if [ -n "$rss" ]; then
		goal="${goal:+$goal, }RSS ≤ $rss_goal_mb MB"
		# Judged on the server's own (anonymous) memory when sampled.
		[ "${W_anon:-$rss}" -le $((rss_goal_mb * 1024)) ] || why="$why RSS"
		[ -n "${W_anon:-}" ] && rss_shown="$rss_shown (own $(fmt_mb "$W_anon"))"
	fi
	if [ "${W_err:-0}" != 0 ] || [ "${W_non2xx:-0}" != 0 ]; then
		why="$why errors(${W_err:-0}+${W_non2xx:-0})"
	fi
	[ -n "$why" ] && verdict="MISS:${why# }"
	[ -z "$goal" ] && goal="—" && verdict="—"
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$(fmt_int "$rps")" \
		"$(fmt_ms "$p50")" "$(fmt_ms "$p99")" "$rss_shown" \
		"$(if [ -n "$clabel" ]; then echo "$clabel: $(fmt_int "$crps")"; else echo "—"; fi)" "$ratio" "$goal" "$verdict" >>"$rows"
	say "$(tail -1 "$rows" | tr '\t' '|')"
}

skip() { # NAME WHY
	printf '%s\t—\t—\t—\t—\t—\t—\t—\t%s\n' "$1" "$2" >>"$rows"
	say "$1: $2"
}

note() { printf '%s\n' "$*" >>"$notes"; }

# ---------------------------------------------------------------- scenarios ---
# Each scenario is one function scenario_NAME; the list at the bottom runs
# them in order.  A scenario starts what it needs (need_sqlite, need_pg,
# need_nginx, ...), measures the ceiling right before itself, and calls row.

# static PATH against nginx serving the same bytes (goal ≥ 0.9 × nginx).
# motcua expands a page's includes when it reads it (src/http/include.c),
# so for a page nginx serves the expanded bytes motcua answered, saved once.
bench_static() {
	local path=$1 npath=$1 m n
	need_sqlite
	need_nginx
	m=$(http_probe "$sq_port" "$path")
	case "$path" in
	*.html)
		npath=/_size/page$(printf '%s' "$path" | tr '/' '_')
		tail -c "$(echo "$m" | cut -d' ' -f2)" "$tmp/probe.out" >"$tmp/sizes/${npath#/_size/}"
		chmod 0644 "$tmp/sizes/${npath#/_size/}"
		;;
	esac
	n=$(http_probe "$ng_port" "$npath")
	[ "${m%% *}" = 200 ] || die "motcua $path answered ${m%% *}"
	[ "${n%% *}" = 200 ] || die "nginx $path answered ${n%% *}"
	[ "$(echo "$m" | cut -d' ' -f2)" = "$(echo "$n" | cut -d' ' -f2)" ] ||
		die "motcua and nginx bodies differ in size for $path ($m / $n)"
	note "$path: body $(echo "$m" | cut -d' ' -f2) B; response headers motcua $(echo "$m" | cut -d' ' -f3) B, nginx $(echo "$n" | cut -d' ' -f3) B"
	versus "http://127.0.0.1:$ng_port$npath" "$ng_pid $(children "$ng_pid")" "$sq_pid" \
		"http://127.0.0.1:$sq_port$path"
	cpu_row "static $path"
	row "static $path" "$W_rps" "$W_p50" "$W_p99" "$W_rss" "nginx, same file" "$C_rps" 0.9 ""
}
scenario_static_css() { bench_static /shared/css/motcua.css; }
scenario_static_index() { bench_static /index.html; }
scenario_static_small() { bench_static /favicon.svg; }

# A motcua URL against nginx serving a file of the same body size; no goal
# (informative) unless MIN_RATIO is given.
# bench_vs_size NAME PID PORT PATH [MIN_RATIO [MAX_P99_US]]
bench_vs_size() {
	local name=$1 pid=$2 port=$3 path=$4 minr=${5:-} maxp99=${6:-} m size
	need_nginx
	m=$(http_probe "$port" "$path")
	[ "${m%% *}" = 200 ] || die "motcua $path answered ${m%% *}"
	size=$(echo "$m" | cut -d' ' -f2)
	note "$name: body $size B; response headers motcua $(echo "$m" | cut -d' ' -f3) B"
	versus "http://127.0.0.1:$ng_port$(nginx_size_path "$size")" "$ng_pid $(children "$ng_pid")" \
		"$pid" "http://127.0.0.1:$port$path"
	cpu_row "$name"
	row "$name" "$W_rps" "$W_p50" "$W_p99" "$W_rss" "nginx, ${size} B file" "$C_rps" \
		"$minr" "$maxp99"
}

scenario_healthz_sqlite() {
	need_sqlite
	bench_vs_size "GET /healthz (SQLite round trip)" "$sq_pid" "$sq_port" /healthz
}

scenario_healthz_pg() {
	if ! need_pg_server; then
		skip "GET /healthz (PostgreSQL round trip)" "not available (no PostgreSQL)"
		return 0
	fi
	bench_vs_size "GET /healthz (PostgreSQL round trip)" "$pg_pid" "$pg_port" /healthz
}

scenario_meta() {
	need_sqlite
	bench_vs_size "GET /api/v1/meta (no database)" "$sq_pid" "$sq_port" /api/v1/meta
}

# The durable single-row insert ceilings (C loop, one transaction per row).
ceil_sqlite="" ceil_pg=""
scenario_ceiling_insert_sqlite() {
	local line
	line=$(timeout $((ceil_secs + 60)) "$tmp/ceiling_insert" sqlite "$tmp/ceiling.db" \
		"$ceil_secs") || die "ceiling_insert sqlite failed"
	ceil_sqlite=$(kv rate "$line")
	W_err=0 W_non2xx=0
	row "ceiling: SQLite insert, 1 row/commit, synchronous=FULL (rows/s)" \
		"$ceil_sqlite" "" "" "" "" "" "" ""
}
scenario_ceiling_insert_pg() {
	local line url
	if ! need_pg; then
		skip "ceiling: PostgreSQL insert, 1 row/commit (rows/s)" "not available (no PostgreSQL)"
		return 0
	fi
	url=$("$root/scripts/pg-test.sh" url "$pg_dir" ceiling 2>>"$tmp/pg.log")
	line=$(timeout $((ceil_secs + 60)) "$tmp/ceiling_insert" pg "$url" \
		"$ceil_secs") || die "ceiling_insert pg failed"
	ceil_pg=$(kv rate "$line")
	W_err=0 W_non2xx=0
	row "ceiling: PostgreSQL insert, 1 row/commit, synchronous_commit=on (rows/s)" \
		"$ceil_pg" "" "" "" "" "" "" ""
}

# The threading decision (was bench/threading.sh): libmicrohttpd's epoll
# thread pool against thread-per-connection, a fresh server per run,
# alternating A B A B so the noise of a shared machine hits both; medians.
median() { sort -n | awk '{ a[NR] = $1 } END { if (NR) print a[int((NR + 1) / 2)] }'; }
threading_run() { # MODE PATH -> appends "rps p99 rss" to $tmp/thr.MODE
	local mode=$1 path=$2 d=$secs
	secs=$tsecs
	bin_serve "thr$mode" "sqlite:$tmp/motcua.db" --thread_per_connection "$mode"
	measure "$srv_pid" "http://127.0.0.1:$srv_port$path"
	secs=$d
	# Errors (timeouts of a starved mode on a loaded machine) are reported,
	# not fatal: the rest of the run still means something.
	[ "$W_err" = 0 ] && [ "$W_non2xx" = 0 ] ||
		note "threading, thread_per_connection=$mode, $path: wrk errors $W_err, non-2xx $W_non2xx"
	stop_pid "$srv_pid"
	echo "$W_rps $W_p99 $W_rss" >>"$tmp/thr.$mode"
}
scenario_threading() {
	local path p t
	need_sqlite # migrates the database the runs share
	for path in /api/v1/meta /healthz; do
		: >"$tmp/thr.0"
		: >"$tmp/thr.1"
		for _ in $(seq "$rounds"); do
			threading_run 0 "$path"
			threading_run 1 "$path"
		done
		p=$(cut -d' ' -f1 "$tmp/thr.0" | median)
		t=$(cut -d' ' -f1 "$tmp/thr.1" | median)
		printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$path" "$(fmt_int "$p")" \
			"$(fmt_int "$t")" "$(awk -v p="$p" -v t="$t" 'BEGIN { printf "%.2f", p / t }')" \
			"$(fmt_ms "$(cut -d' ' -f2 "$tmp/thr.0" | median)")" \
			"$(fmt_ms "$(cut -d' ' -f2 "$tmp/thr.1" | median)")" \
			"$(fmt_mb "$(cut -d' ' -f3 "$tmp/thr.0" | sort -n | tail -1)")" \
			"$(fmt_mb "$(cut -d' ' -f3 "$tmp/thr.1" | sort -n | tail -1)")" \
			"$(cut -d' ' -f1 "$tmp/thr.0" | xargs printf '%.0f ' | sed 's/ $//') / $(cut -d' ' -f1 "$tmp/thr.1" | xargs printf '%.0f ' | sed 's/ $//')" \
			>>"$threading_rows"
		say "threading $(tail -1 "$threading_rows" | tr '\t' '|')"
	done
}

# ------------------------------------------------------ dossier scenarios
# Data from `motcua bench-data` (src/dossier/bench.c): ten benchmark
# agencies, five benchmark procedures, dossiers spread over three years.
# Each database is generated once per run and shared by the scenarios that
# need it (need_data), with one motcua server per database and flags
# (need_dserver).
#   BENCH_SMALL (100000)    lookup_scale and report_month baseline, reception
#   BENCH_MID   (1000000)   lookup_sqlite, lookup_pg, work_queue
#   BENCH_BIG   (10000000)  lookup_scale and report_month at scale (quick: 1000000)
n_small=${BENCH_SMALL:-100000}
n_mid=${BENCH_MID:-1000000}
n_big=${BENCH_BIG:-10000000}
[ "$quick" = 1 ] && n_big=${BENCH_BIG:-1000000}
bench_agency=000.00.01.H99 # the agency the staff scenarios' token is scoped to
bench_province=000.00.00.H99 # the benchmark province (report_month's token)
bench_data_goal=200000     # dossiers/s into SQLite (issue 9)
# Lookups come from one client IP: lift the per-IP limit for the run (the
# limiter itself still runs on every request).
dossier_flags="--lookup_rate_per_minute 1000000000 --lookup_burst 1000000"

fmt_n() { awk -v n="$1" 'BEGIN { if (n >= 1e6) printf "%gM", n / 1e6; else printf "%gk", n / 1e3 }'; }

# History placement.  The SMALL database is the recent part only: SMALL
# dossiers from the first of the month three years ago ($recent_from) to
# yesterday.  The BIG database is BIG - SMALL dossiers of older history
# (`bench-data --until $recent_from --years $old_years`) and then the very
# same recent part (same seed, same range) appended: the report of a recent
# month then counts the same dossiers at SMALL and at BIG, and only the
# history around them differs (issue 8: "cost independent of history size").
# The MID database spreads its dossiers over the same recent range.
recent_from=$(date -u -d "$(date -u +%Y-%m-01) -3 years" +%Y-%m-%d)
old_years=10

# Generated databases are kept between runs in $cache_dir (BENCH_CACHE; off:
# none), keyed by what makes them: the month (the data is dated relative to
# the day it is generated, and report_month asks for last month), the
# SQLite migrations, the generator's data format (BENCH_DATA_FORMAT in
# src/dossier/bench.c, bumped when the generated rows change; a change of
# speed alone keeps the cache), the reference data (calendar, catalogue),
# the sizes and the history placement.  A change to any of them generates
# again; the stale files of the same size are removed.  The
# MID and BIG databases are served in place (the scenarios only read them,
# apart from one API token per run); the SMALL one, which the reception
# scenario writes to, is copied into the run's temp dir.  The PostgreSQL
# MID database is kept as a whole stopped cluster (see pg_cache_restore).
cache_dir=${BENCH_CACHE:-$root/build/bench-cache}
[ "$cache_dir" = off ] && cache_dir=""
data_key=$({
	echo "bench-data cache v1 $(date -u +%Y-%m) from=$recent_from old_years=$old_years"
	grep -h '^#define BENCH_DATA_FORMAT ' "$root/src/dossier/bench.c"
	cat "$root"/sql/sqlite/*.sql
	find "$root/data" -type f | LC_ALL=C sort | xargs cat
} | sha256sum | cut -c1-16)

# The PostgreSQL MID database (lookup_pg, report_plans; healthz_pg and the
# insert ceiling use their own databases in the same cluster) is kept as the
# data directory of the run's throw-away cluster, stopped cleanly right
# after generation (`scripts/pg-test.sh save`): $cache_dir/pg-N-KEY.pgdata
# with .codes, .out and .done beside it like the SQLite files.  The key is
# the SQLite one's with sql/pg/*.sql instead of sql/sqlite, plus the server's
# major version (a data directory is only good for it) and
# scripts/pg-test.sh (the initdb and settings the cluster was made with).
# A run starts its cluster on a copy of that directory (`pg-test.sh start
# DIR FROM`: a file copy, no COPY and no index build), so what the run
# writes (an API token, healthz's and the ceiling's databases) never
# reaches the cache.  An entry is used only when its files are all there,
# the copy starts as a cleanly stopped cluster and its database holds the
# first and last code of the cached codes file; otherwise it is removed and
# the database generated again.  BENCH_CACHE=off: generated every run.
pg_cname="" pg_centry="" pg_cached=""
pg_cache_wanted() { # the MID PostgreSQL database is needed and may be cached
	[ -n "$cache_dir" ] && command -v psql >/dev/null 2>&1 &&
		{ scenario_wants lookup_pg || scenario_wants report_plans || scenario_wants reception_pg; }
}
pg_data_key() {
	{
		echo "bench-data pg cache v2 $(date -u +%Y-%m) from=$recent_from old_years=$old_years"
		echo "postgresql $("$root/scripts/pg-test.sh" version)"
		grep -h '^#define BENCH_DATA_FORMAT ' "$root/src/dossier/bench.c"
		cat "$root"/sql/pg/*.sql "$root/scripts/pg-test.sh"
		find "$root/data" -type f | LC_ALL=C sort | xargs cat
	} | sha256sum | cut -c1-16
}
# pg_cache_restore: when a usable entry exists, start the run's cluster on a
# copy of it and set pg_cached to its size; a bad entry goes.
pg_cache_restore() {
	local t0 why=""
	pg_cache_wanted || return 0
	pg_cname=pg-$n_mid-$(pg_data_key)
	pg_centry=$cache_dir/$pg_cname
	[ -e "$pg_centry.done" ] || [ -e "$pg_centry.pgdata" ] || return 0
	t0=$SECONDS
	if [ ! -s "$pg_centry.done" ] || [ ! -s "$pg_centry.out" ] || [ ! -s "$pg_centry.codes" ] ||
		[ ! -f "$pg_centry.pgdata/PG_VERSION" ]; then
		why="files missing"
	elif [ "$(wc -l <"$pg_centry.codes")" != "$n_mid" ]; then
		why="the codes file does not have $n_mid lines"
	elif ! timeout 600 "$root/scripts/pg-test.sh" start "$pg_dir" "$pg_centry.pgdata" \
		2>"$tmp/pg.log"; then
		why="the cluster did not start: $(grep -v '^pg-test: copying' "$tmp/pg.log" | tail -1)"
	elif ! pg_cache_check; then
		why="bench_$n_mid does not hold the cached codes"
	fi
	if [ -n "$why" ]; then
		say "cache entry $pg_cname unusable ($why): removed, generating again"
		"$root/scripts/pg-test.sh" stop "$pg_dir" >/dev/null 2>&1 || true
		rm -rf "$pg_centry".*
		return 0
	fi
	pg_cached=$n_mid
	say "PostgreSQL $(fmt_n "$n_mid") database: cluster started on a copy of the cache in" \
		"$((SECONDS - t0)) s ($(du -sh "$pg_centry.pgdata" 2>/dev/null | cut -f1))"
}
# pg_cache_check: the first and the last cached code are in the database.
pg_cache_check() {
	local first last got
	first=$(head -1 "$pg_centry.codes" | cut -f1)
	last=$(tail -1 "$pg_centry.codes" | cut -f1)
	case "$first$last" in '' | *[!A-Za-z0-9.-]*) return 1 ;; esac
	got=$(timeout 60 psql "$(pg_db_url "bench_$n_mid")" -X -q -A -t \
		-c "SELECT count(*) FROM dossiers WHERE code IN ('$first', '$last')" 2>>"$tmp/pg.log") ||
		return 1
	[ "$got" = 2 ] || { [ "$first" = "$last" ] && [ "$got" = 1 ]; }
}
# pg_cache_save CODES OUT: the freshly generated cluster into the cache (it
# stops for the copy and runs again).  A failure costs the cache, not the run.
pg_cache_save() {
	local t0=$SECONDS
	if [ -n "$pg_pid" ]; then
		say "PostgreSQL database not cached: a server already uses the cluster"
		return 0
	fi
	mkdir -p "$cache_dir"
	if ! timeout 900 "$root/scripts/pg-test.sh" save "$pg_dir" "$pg_centry.pgdata" \
		2>>"$tmp/pg.log"; then
		tail -3 "$tmp/pg.log" >&2
		"$root/scripts/pg-test.sh" url "$pg_dir" motcua_probe >/dev/null 2>&1 ||
			die "the PostgreSQL cluster is down after a failed save"
		"$root/scripts/pg-test.sh" drop "$pg_dir" motcua_probe >/dev/null 2>&1 || true
		say "warning: the PostgreSQL database could not be cached"
		rm -rf "$pg_centry".*
		return 0
	fi
	cp "$1" "$pg_centry.codes"
	cp "$2" "$pg_centry.out"
	date -u '+%Y-%m-%d %H:%M UTC' >"$pg_centry.done"
	say "PostgreSQL $(fmt_n "$n_mid") database cached in $((SECONDS - t0)) s" \
		"($(du -sh "$pg_centry.pgdata" 2>/dev/null | cut -f1))"
}

# gen_data KIND N: generate (or take from the cache) the database; no table
# output, so two of these may run at once (prepare_data).  Leaves
# $tmp/NAME.url, $tmp/codes-NAME.tsv, $tmp/NAME.out (bench-data's JSON
# lines, "cached DATE" first when it came from the cache) and $tmp/NAME.done.
gen_data() {
	local kind=$1 n=$2 name url codes out err cname cdb
	name=$kind-$n
	codes=$tmp/codes-$name.tsv
	out=$tmp/$name.out
	err=$tmp/$name.gen.err
	[ -f "$tmp/$name.done" ] && return 0
	cname=""
	if [ "$kind" = sqlite ] && [ -n "$cache_dir" ]; then
		cname=$name-s$n_small-$data_key
		[ "$n" = "$n_big" ] || cname=$name-$data_key
		cdb=$cache_dir/$cname.db
		if [ -f "$cache_dir/$cname.done" ]; then
			{
				echo "cached $(cat "$cache_dir/$cname.done")"
				cat "$cache_dir/$cname.out"
			} >"$out"
			cp "$cache_dir/$cname.codes" "$codes"
			if [ "$n" = "$n_small" ]; then
				cp "$cdb" "$tmp/$name.db"
				echo "sqlite:$tmp/$name.db" >"$tmp/$name.url"
			else
				echo "sqlite:$cdb" >"$tmp/$name.url"
			fi
			touch "$tmp/$name.done"
			return 0
		fi
		mkdir -p "$cache_dir"
		rm -f "$cache_dir/$name"-* "$cdb"-wal "$cdb"-shm
		url=sqlite:$cdb
	elif [ "$kind" = sqlite ]; then
		url=sqlite:$tmp/$name.db
	elif [ "$pg_cached" = "$n" ]; then
		# need_pg started the cluster on a copy of the cache entry.
		{
			echo "cached $(cat "$pg_centry.done")"
			cat "$pg_centry.out"
		} >"$out"
		cp "$pg_centry.codes" "$codes"
		pg_db_url "bench_$n" >"$tmp/$name.url"
		touch "$tmp/$name.done"
		return 0
	else
		if [ "$n" = "$n_mid" ] && [ -n "$pg_cname" ]; then
			cname=$pg_cname
			rm -rf "$cache_dir/pg-$n"-*
		fi
		url=$("$root/scripts/pg-test.sh" url "$pg_dir" "bench_$n" 2>>"$tmp/pg.log")
	fi
	: >"$out"
	: >"$codes"
	if [ "$kind" = sqlite ] && [ "$n" = "$n_big" ] && [ "$n_big" -gt "$n_small" ]; then
		bench_gen "$url" "$codes" "$out" "$err" --dossiers $((n_big - n_small)) \
			--until "$recent_from" --years "$old_years"
		bench_gen "$url" "$codes" "$out" "$err" --dossiers "$n_small" --from "$recent_from"
	else
		bench_gen "$url" "$codes" "$out" "$err" --dossiers "$n" --from "$recent_from"
	fi
	if [ -n "$cname" ] && [ "$kind" = pg ]; then
		pg_cache_save "$codes" "$out"
	elif [ -n "$cname" ]; then
		cp "$codes" "$cache_dir/$cname.codes"
		cp "$out" "$cache_dir/$cname.out"
		date -u '+%Y-%m-%d %H:%M UTC' >"$cache_dir/$cname.done"
		if [ "$n" = "$n_small" ]; then
			cp "$cdb" "$tmp/$name.db"
			url=sqlite:$tmp/$name.db
		fi
	fi
	echo "$url" >"$tmp/$name.url"
	touch "$tmp/$name.done"
}
# bench_gen URL CODES OUT ERR ARGS...: one `motcua bench-data`, its codes
# appended to CODES and its JSON line to OUT.  The generator runs in the
# background of this shell, so a TERM to a prepare_data lane stops it too.
bench_gen() {
	local url=$1 codes=$2 out=$3 err=$4 gpid rc=0 old_trap
	shift 4
	old_trap=$(trap -p TERM)
	timeout 3600 "$bin" bench-data --db "$url" --data "$root/data" --codes-out "$codes.part" \
		"$@" >>"$out" 2>>"$err" &
	gpid=$!
	trap 'kill $gpid 2>/dev/null; exit 143' TERM
	wait "$gpid" || rc=$?
	if [ -n "$old_trap" ]; then eval "$old_trap"; else trap - TERM; fi
	[ "$rc" = 0 ] || {
		cat "$err" >&2
		die "bench-data $* into ${url%%\?*} failed ($rc)"
	}
	cat "$codes.part" >>"$codes"
	rm -f "$codes.part"
}

# prepare_data: the databases the selected scenarios need, before any of
# them measures anything, in two lanes at once on a 2-core machine (the
# generator is one process on one core): the BIG SQLite database alone, and
# the SMALL and MID SQLite databases then the MID PostgreSQL one.
scenario_wants() { # SCENARIO: selected in this run?
	[ -z "$only" ] || printf '%s\n' "$1" | grep -Eq -- "$only"
}
prepare_data() {
	local a="" b="" pa="" pb="" s pg=""
	for s in lookup_scale report_month; do scenario_wants "$s" && a="sqlite:$n_big" && b="$b sqlite:$n_small"; done
	scenario_wants report_plans && a="sqlite:$n_big"
	scenario_wants reception && b="$b sqlite:$n_small"
	if scenario_wants reception_pg && need_pg; then b="$b pg:$n_mid"; fi
	for s in lookup_sqlite work_queue; do scenario_wants "$s" && b="$b sqlite:$n_mid"; done
	for s in lookup_pg report_plans; do scenario_wants "$s" && pg=1; done
	# Once each, and never in both lanes (BENCH_BIG may equal BENCH_MID).
	b=$(printf '%s\n' $b | awk -v a="$a" '$0 != a && !seen[$0]++' | tr '\n' ' ')
	[ -n "$a$b$pg" ] || return 0
	data_started=$(date -u +%s)
	# The big database first: the PostgreSQL cluster's start (initdb, or a
	# copy of the cached cluster) runs beside it instead of before it.
	if [ -n "$a" ]; then
		(for s in $a; do gen_data "${s%%:*}" "${s#*:}"; done) &
		pa=$!
		pids="$pids $pa"
	fi
	if [ -n "$pg" ] && need_pg; then b="$b pg:$n_mid"; fi
	say "preparing data: [$a] [$b] (cache: ${cache_dir:-off})"
	(for s in $b; do gen_data "${s%%:*}" "${s#*:}"; done) &
	pb=$!
	pids="$pids $pb"
	if [ -n "$pa" ]; then wait "$pa" || die "preparing the big database failed"; fi
	wait "$pb" || die "preparing the databases failed"
	pids=$(printf '%s\n' $pids | grep -vx -e "${pa:-$pb}" -e "$pb" | tr '\n' ' ' || true)
	data_seconds=$(($(date -u +%s) - data_started))
	say "data ready in ${data_seconds} s"
}
data_seconds=""

# need_data KIND N: a database of N dossiers (prepare_data made it, or it is
# made now); sets d_url (its URL) and d_codes (its "code<TAB>key" file).
# KIND sqlite or pg.  The generation speed is a row of the table, once per
# database (goal on SQLite only; a cached database shows the speed it was
# generated at).
need_data() {
	local kind=$1 n=$2 name out rate cpu_rate secs cached what
	name=$kind-$n
	d_codes=$tmp/codes-$name.tsv
	if [ "$kind" = pg ]; then need_pg || return 1; fi
	gen_data "$kind" "$n"
	d_url=$(cat "$tmp/$name.url")
	[ -f "$tmp/$name.reported" ] && return 0
	touch "$tmp/$name.reported"
	out=$tmp/$name.out
	cached=$(sed -n 's/^cached //p' "$out")
	# Sums over the JSON lines (the BIG database is two runs).
	# shellcheck disable=SC2046
	set -- $(awk '/^\{/ {
		match($0, /"dossiers": [0-9]+/); d += substr($0, RSTART + 12, RLENGTH - 12)
		match($0, /"seconds": [0-9.]+/); s += substr($0, RSTART + 11, RLENGTH - 11)
		match($0, /"cpu_seconds": [0-9.]+/); c += substr($0, RSTART + 15, RLENGTH - 15)
	} END { printf "%.1f %.0f %.0f", s, (s > 0 ? d / s : 0), (c > 0 ? d / c : 0) }' "$out")
	secs=$1 rate=$2 cpu_rate=$3
	what="dossiers/s; $secs s"
	[ -n "$cached" ] && what="$what, cached: generated $cached"
	W_err=0 W_non2xx=0
	if [ "$kind" = sqlite ]; then
		row "bench-data, $(fmt_n "$n") dossiers into SQLite ($what)" "$rate" \
			"" "" "" "target" "$bench_data_goal" 1 ""
	else
		row "bench-data, $(fmt_n "$n") dossiers into PostgreSQL ($what)" \
			"$rate" "" "" "" "" "" "" ""
	fi
	note "bench-data $kind $(fmt_n "$n")${cached:+ (cached, generated $cached)}:" \
		"$(grep '^{' "$out" | tr '\n' ' '); $(fmt_int "$cpu_rate") dossiers per CPU second" \
		"of the generator process"
}

# need_dserver KIND N [FLAGS...]: a motcua server on that database (one per
# database and flags); sets d_pid d_port (and d_url, d_codes).
need_dserver() {
	local kind=$1 n=$2 key
	shift 2
	need_data "$kind" "$n" || return 1
	key=$(printf '%s' "$kind-$n-$*" | tr -c 'a-zA-Z0-9_-' '_')
	if [ -f "$tmp/srv-$key" ]; then
		read -r d_pid d_port <"$tmp/srv-$key"
		return 0
	fi
	# A server in service has its database in the page cache; a file just
	# generated (or copied) beside others may not, and random lookups would
	# then measure the disk.  Read it once, as the first minutes of service
	# would (bounded: 7.7 GB at 10M).
	if [ "$kind" = sqlite ] && [ ! -f "$tmp/warm-$kind-$n" ]; then
		timeout 300 cat "${d_url#sqlite:}" >/dev/null 2>&1 || true
		touch "$tmp/warm-$kind-$n"
	fi
	# The same for PostgreSQL: the tables and indexes into shared_buffers
	# (pg_prewarm, shipped with the server; the extension is created in the
	# run's copy of the cluster, never in the cache).
	if [ "$kind" = pg ] && [ ! -f "$tmp/warm-$kind-$n" ]; then
		timeout 300 psql "$d_url" -X -q -A -t -c "CREATE EXTENSION IF NOT EXISTS pg_prewarm" \
			-c "SELECT sum(pg_prewarm(c.oid)) FROM pg_class c
				WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'i')" \
			>"$tmp/prewarm-$n.out" 2>&1 ||
			note "pg_prewarm failed: $(tail -1 "$tmp/prewarm-$n.out")"
		touch "$tmp/warm-$kind-$n"
	fi
	# shellcheck disable=SC2086 # the flags are words
	bin_serve "d-$key" "$d_url" $dossier_flags "$@"
	d_pid=$srv_pid d_port=$srv_port
	echo "$d_pid $d_port" >"$tmp/srv-$key"
}

# lookup_paths CODES OUT: up to 200,000 random public-lookup paths.
lookup_paths() {
	[ -s "$2" ] && return 0
	shuf -n 200000 "$1" | awk -F'\t' '{ print "/api/v1/public/dossiers/" $1 "?key=" $2 }' >"$2"
}

# http_probe_h PORT PATH [HEADER [METHOD BODYFILE]]: http_probe with one
# more header and optionally a JSON body -> "STATUS BODY_BYTES HEADER_BYTES";
# the whole answer stays in $tmp/probe.out.
http_probe_h() {
	local f=$tmp/probe.out hb tb
	timeout 10 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$0" || exit 1
		extra=""
		[ -n "$2" ] && extra="$2"$'"'"'\r\n'"'"'
		if [ -n "$4" ]; then
			printf "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n%sContent-Type: application/json\r\nIdempotency-Key: probe-%s\r\nContent-Length: %s\r\n\r\n" \
				"$3" "$1" "$extra" "$RANDOM$RANDOM" "$(stat -c %s "$4")" >&3
			cat "$4" >&3
		else
			printf "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n%s\r\n" \
				"$1" "$extra" >&3
		fi
		cat <&3' "$1" "$2" "${3:-}" "${4:-GET}" "${5:-}" >"$f" || {
		echo "000 0 0"
		return
	}
	tb=$(stat -c %s "$f")
	hb=$(sed -n '1,/^\r$/p' "$f" | wc -c)
	printf '%s %s %s\n' "$(head -1 "$f" | awk '{ print $2 }')" $((tb - hb)) "$hb"
}

# mean_body PORT PATHS_FILE: mean body size over 20 random paths (answers
# differ a little: status labels, timeline length); dies unless all are 200.
# One shell makes the 20 requests and one awk reads them: a probe of its own
# each (http_probe_h, eight processes) took 16 s per lookup scenario at load 20.
mean_body() {
	local port=$1 d=$tmp/mean r
	rm -rf "$d"
	mkdir -p "$d"
	shuf -n 20 "$2" >"$d/paths"
	# shellcheck disable=SC2016 # expanded by the inner shell
	timeout 120 bash -c 'i=0
		while read -r p; do
			i=$((i + 1))
			exec 3<>"/dev/tcp/127.0.0.1/$0" || exit 1
			printf "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n" "$p" >&3
			cat <&3 >"$1/r.$i"
			exec 3<&-
		done <"$1/paths"' "$port" "$d" || die "mean_body: requests to port $port failed"
	# Body bytes = file bytes - header bytes (up to the empty line), as http_probe_h.
	r=$({
		stat -c 'SIZE %n %s' "$d"/r.*
		awk 'FNR == 1 { print "STATUS", FILENAME, $2; h = 0; inh = 1 }
			inh { h += length($0) + 1; if ($0 == "\r") { inh = 0; print "HDR", FILENAME, h } }' "$d"/r.*
	} | awk '$1 == "SIZE" { size[$2] = $3 } $1 == "HDR" { hdr[$2] = $3 } $1 == "STATUS" { st[$2] = $3 }
		END { for (f in size) { if (st[f] != 200) { print "BAD", f, st[f]; exit } t += size[f] - hdr[f]; k++ }
			if (k) printf "%d\n", t / k }')
	case "$r" in
	BAD*)
		# shellcheck disable=SC2086 # "BAD FILE STATUS" into words
		set -- $r
		die "motcua $(sed -n "${2##*r.}p" "$d/paths") answered ${3:-nothing}"
		;;
	'') die "mean_body: no answers" ;;
	esac
	echo "$r"
}

# lookup_vs_nginx NAME KIND N MIN_RATIO MAX_P99_US [FLAGS...]: public lookups
# of random existing codes against nginx serving a file of the mean body size.
lookup_vs_nginx() {
	local name=$1 kind=$2 n=$3 minr=$4 maxp99=$5 size paths
	shift 5
	need_dserver "$kind" "$n" "$@" || { skip "$name" "not available (no PostgreSQL)"; return 0; }
	paths=$tmp/paths-$kind-$n
	lookup_paths "$d_codes" "$paths"
	need_nginx
	size=$(mean_body "$d_port" "$paths")
	note "$name: mean body $size B over 20 random dossiers"
	M_PATHS=$paths
	m_wrk "http://127.0.0.1:$d_port/" "$lookup_warm"
	versus "http://127.0.0.1:$ng_port$(nginx_size_path "$size")" "$ng_pid $(children "$ng_pid")" \
		"$d_pid" "http://127.0.0.1:$d_port/"
	m_clear
	cpu_row "$name"
	row "$name" "$W_rps" "$W_p50" "$W_p99" "$W_rss" "nginx, ${size} B file" "$C_rps" \
		"$minr" "$maxp99"
}

# Public lookup by code on SQLite, MID dossiers.  Goal ≥ 0.6 × nginx, p99 ≤
# 10 ms.  Measured again with mmap off (sqlite_mmap_bytes = 0), informative:
# with mmap on, the database pages a lookup touches count in VmHWM.
scenario_lookup_sqlite() {
	lookup_vs_nginx "public lookup by code, $(fmt_n "$n_mid") dossiers, SQLite" sqlite "$n_mid" \
		0.6 10000
	lookup_vs_nginx "public lookup, $(fmt_n "$n_mid"), SQLite, sqlite_mmap_bytes=0" sqlite \
		"$n_mid" "" "" --sqlite_mmap_bytes 0
	# The default until session 5, 256 MB of the 783 MB file mapped: the
	# A/B for today's (2 GB, SQLite's cap in Debian's build), in the same run.
	lookup_vs_nginx "public lookup, $(fmt_n "$n_mid"), SQLite, sqlite_mmap_bytes=256 MB" sqlite \
		"$n_mid" "" "" --sqlite_mmap_bytes 268435456
}

# The same lookup on PostgreSQL.  Goal ≥ 0.3 × nginx static.
scenario_lookup_pg() {
	if ! need_pg; then
		skip "public lookup by code, $(fmt_n "$n_mid") dossiers, PostgreSQL" \
			"not available (no PostgreSQL)"
		return 0
	fi
	lookup_vs_nginx "public lookup by code, $(fmt_n "$n_mid") dossiers, PostgreSQL" pg "$n_mid" \
		0.3 ""
}

# Lookup at BIG against lookup at SMALL, alternating slices.  Goal ≥ 0.8 ×.
scenario_lookup_scale() {
	local name spid sport
	name="public lookup, $(fmt_n "$n_big") vs $(fmt_n "$n_small") dossiers (SQLite)"
	need_dserver sqlite "$n_small"
	spid=$d_pid sport=$d_port
	lookup_paths "$d_codes" "$tmp/paths-sqlite-$n_small"
	need_dserver sqlite "$n_big"
	lookup_paths "$d_codes" "$tmp/paths-sqlite-$n_big"
	C_PATHS=$tmp/paths-sqlite-$n_small
	M_PATHS=$tmp/paths-sqlite-$n_big
	c_wrk "http://127.0.0.1:$sport/" "$lookup_warm"
	m_wrk "http://127.0.0.1:$d_port/" "$lookup_warm"
	versus "http://127.0.0.1:$sport/" "$spid" "$d_pid" "http://127.0.0.1:$d_port/"
	m_clear
	cpu_row "$name"
	row "$name" "$W_rps" "$W_p50" "$W_p99" "$W_rss" "lookup at $(fmt_n "$n_small")" "$C_rps" 0.8 ""
}

# bench_token KIND N: an API token scoped to $bench_agency (dossier.read,
# dossier.receive, report.read) on that database; sets d_token.
bench_token() { # KIND N [AGENCY]
	local ag=${3:-$bench_agency}
	need_data "$1" "$2" || return 1
	if [ -f "$tmp/token-$1-$2-$ag" ]; then
		d_token=$(cat "$tmp/token-$1-$2-$ag")
		return 0
	fi
	d_token=$("$bin" token create --db "$d_url" --name "bench-$1-$2" \
		--scopes dossier.read,dossier.receive,report.read --agency "$ag" \
		2>>"$tmp/token.err") || { cat "$tmp/token.err" >&2; die "token create failed"; }
	echo "$d_token" >"$tmp/token-$1-$2-$ag"
}

# Staff work queue, first page: the dossiers being processed in one agency
# (of ten), most urgent first, as an API token scoped to that agency sees
# them.  Informative against nginx static of the same size.
scenario_work_queue() {
	local name path m size
	name="staff work queue, first page (processing, 1 agency of 10), $(fmt_n "$n_mid")"
	path="/api/v1/dossiers?status=processing&limit=20"
	need_dserver sqlite "$n_mid"
	bench_token sqlite "$n_mid"
	M_HEADER="Authorization: Bearer $d_token"
	m=$(http_probe_h "$d_port" "$path" "$M_HEADER")
	[ "${m%% *}" = 200 ] || die "motcua $path answered ${m%% *}: $(tail -c 300 "$tmp/probe.out")"
	size=$(echo "$m" | cut -d' ' -f2)
	need_nginx
	note "$name: $path, body $size B"
	versus "http://127.0.0.1:$ng_port$(nginx_size_path "$size")" "$ng_pid $(children "$ng_pid")" \
		"$d_pid" "http://127.0.0.1:$d_port$path"
	m_clear
	cpu_row "$name"
	row "$name" "$W_rps" "$W_p50" "$W_p99" "$W_rss" "nginx, ${size} B file" "$C_rps" "" ""
}

# Reception of new dossiers, each answered after its commit is durable
# (SQLite synchronous=FULL): online submissions through the API with an API
# token and a unique Idempotency-Key each, on the SMALL database, against
# the single-row durable insert ceiling of this run.  Whatever the server
# does (one commit per request, or group commit) is what is measured.
# Goal ≥ 2 ×: only grouping many receptions into one commit gets there.
scenario_reception() { reception_on sqlite "$n_small"; }
scenario_reception_pg() {
	if ! need_pg; then
		skip "reception (POST /api/v1/dossiers, durable), PostgreSQL" "not available (no PostgreSQL)"
		return 0
	fi
	reception_on pg "$n_mid"
}
# reception_on KIND N: durable receptions on the KIND database of N dossiers
# against the single-row durable insert ceiling of the same backend,
# measured right before it (the fsync rate of a shared disk moves by an
# order of magnitude over a day).
reception_on() {
	local kind=$1 n=$2 label body m i hf ceil g0 g1 line curl name
	label=$([ "$kind" = pg ] && echo PostgreSQL || echo SQLite)
	name="reception (POST /api/v1/dossiers, durable), $label, $conns connections"
	hf=$tmp/reception-$kind.headers
	need_dserver "$kind" "$n"
	# One API token per benchmark agency, taken in turn: an agency numbers at
	# most 9,999 dossiers a day, fewer than a fast run receives.
	: >"$hf"
	for i in $(seq 1 10); do
		bench_token "$kind" "$n" "$(printf '000.%02d.%02d.H99' $((i / 100)) $((i % 100)))"
		echo "Authorization: Bearer $d_token" >>"$hf"
	done
	body=$tmp/reception.json
	printf '%s\n' '{"procedure_code":"BENCH-02","channel":"online","applicant":{"name":"Nguyễn Văn An","id_number":"075123456789","phone":"0912345678","address":"Biên Hòa, Đồng Nai"},"documents":[{"name":"Bản chính giấy tờ cần chứng thực","originals":1,"copies":0}]}' >"$body"
	m=$(http_probe_h "$d_port" /api/v1/dossiers "$(head -1 "$hf")" POST "$body")
	case "${m%% *}" in
	200 | 201) ;;
	*) die "motcua POST /api/v1/dossiers ($label) answered ${m%% *}: $(tail -c 400 "$tmp/probe.out")" ;;
	esac
	if [ "$kind" = pg ]; then
		curl=$("$root/scripts/pg-test.sh" url "$pg_dir" ceiling_rcv 2>>"$tmp/pg.log")
	else
		curl=$tmp/ceiling-rcv.db
	fi
	line=$(timeout $((ceil_secs + 60)) "$tmp/ceiling_insert" "$kind" "$curl" \
		"$ceil_secs") || die "ceiling_insert $kind failed"
	ceil=$(kv rate "$line")
	g0=$(group_metrics "$d_port")
	M_HEADER_FILE=$hf M_BODY=$body M_IDEM=1
	measure "$d_pid" "http://127.0.0.1:$d_port/api/v1/dossiers"
	m_clear
	g1=$(group_metrics "$d_port")
	note "$name: group commit during the measurement and its warm-up (/metrics):" \
		"$(printf '%s\n%s\n' "$g0" "$g1" | awk 'NR == 1 { c = $1; u = $2; r = $4; k = $5 }
		NR == 2 { n = $2 - u; printf "%d commits for %d receptions (%.1f per commit), largest group so far %d; writer %.0f µs per reception inside the transaction, %.1f ms per COMMIT",
			$1 - c, n, ($1 > c ? n / ($1 - c) : 0), $3, (n > 0 ? ($4 - r) * 1e6 / n : 0), ($1 > c ? ($5 - k) * 1e3 / ($1 - c) : 0) }')"
	row "$name" "$W_rps" "$W_p50" "$W_p99" "$W_rss" "$label 1-row durable inserts/s, just before" \
		"$ceil" 2 ""
}
# group_metrics PORT -> "commits units largest run_s commit_s" from /metrics (0 when absent)
group_metrics() {
	http_probe_h "$1" /metrics >/dev/null
	awk '$1 == "motcua_group_commits_total" { c = $2 } $1 == "motcua_group_units_total" { u = $2 }
		$1 == "motcua_group_largest" { l = $2 } $1 == "motcua_group_run_seconds_total" { r = $2 }
		$1 == "motcua_group_commit_seconds_total" { k = $2 }
		END { printf "%d %d %d %.6f %.6f\n", c, u, l, r, k }' \
		"$tmp/probe.out" | tr -d '\r'
}

# The monthly resolution report (GET /api/v1/reports/resolution) for last
# month, the whole province (an API token scoped to the province), at BIG
# against SMALL.  The BIG database holds the SMALL one's recent part and
# older history before it (gen_data), so last month has the same dossiers
# in both and only the history differs.  Goal: its time at BIG ≤ 1.5 × its
# time at SMALL, i.e. requests/s at BIG ≥ 0.67 × at SMALL.  4 connections
# (a report is a heavy request, not a flood); SMALL and BIG alternate
# (S B B S), half the measured seconds each.
scenario_report_month() {
	local name from to path m spid sport tsmall tbig i rs=0 rb=0 p50=0 p99=0 rss=""
	local c=$conns d=$secs vs vb ym
	name="monthly report, whole province, $(fmt_n "$n_big") vs $(fmt_n "$n_small") dossiers (SQLite)"
	from=$(date -u -d "$(date -u +%Y-%m-01) -1 month" +%Y-%m-%d)
	to=$(date -u -d "$from +1 month -1 day" +%Y-%m-%d)
	path="/api/v1/reports/resolution?from=$from&to=$to"
	need_dserver sqlite "$n_small"
	spid=$d_pid sport=$d_port
	bench_token sqlite "$n_small" "$bench_province"
	tsmall=$d_token
	m=$(http_probe_h "$sport" "$path" "Authorization: Bearer $tsmall")
	if [ "${m%% *}" = 404 ] && grep -q 'problems/not-found' "$tmp/probe.out"; then
		skip "$name" "not yet available (route missing)"
		return 0
	fi
	[ "${m%% *}" = 200 ] || die "motcua $path answered ${m%% *}: $(tail -c 400 "$tmp/probe.out")"
	vs=$(grep -o '"received": *[0-9]*' "$tmp/probe.out" | head -1 | grep -o '[0-9]*$' || true)
	need_dserver sqlite "$n_big"
	bench_token sqlite "$n_big" "$bench_province"
	tbig=$d_token
	m=$(http_probe_h "$d_port" "$path" "Authorization: Bearer $tbig")
	[ "${m%% *}" = 200 ] || die "motcua $path answered ${m%% *}: $(tail -c 400 "$tmp/probe.out")"
	vb=$(grep -o '"received": *[0-9]*' "$tmp/probe.out" | head -1 | grep -o '[0-9]*$' || true)
	# Dossiers received that month, from the codes (YYMM of the code's day).
	ym=$(date -u -d "$from" +%y%m)
	note "$name: $path, 4 connections; the month's receptions by the codes:" \
		"$(cut -c15-18 "$tmp/codes-sqlite-$n_small.tsv" | grep -c "^$ym" || true) at" \
		"$(fmt_n "$n_small"), $(cut -c15-18 "$tmp/codes-sqlite-$n_big.tsv" | grep -c "^$ym" || true)" \
		"at $(fmt_n "$n_big")${vs:+; first \"received\" figure of the answer: $vs and ${vb:-?}}"
	conns=4
	secs=$(((d + 1) / 2))
	for i in 1 2; do
		if [ "$i" = 1 ]; then
			M_HEADER="Authorization: Bearer $tsmall"
			measure "$spid" "http://127.0.0.1:$sport$path"
			rs=$(awk -v a="$rs" -v b="$W_rps" 'BEGIN { print a + b }')
		fi
		M_HEADER="Authorization: Bearer $tbig"
		measure "$d_pid" "http://127.0.0.1:$d_port$path"
		rb=$(awk -v a="$rb" -v b="$W_rps" 'BEGIN { print a + b }')
		p50=$(awk -v a="$p50" -v b="$W_p50" 'BEGIN { print a + b / 2 }')
		[ "$W_p99" -gt "$p99" ] && p99=$W_p99
		rss=$W_rss
		if [ "$i" = 2 ]; then
			M_HEADER="Authorization: Bearer $tsmall"
			measure "$spid" "http://127.0.0.1:$sport$path"
			rs=$(awk -v a="$rs" -v b="$W_rps" 'BEGIN { print a + b }')
		fi
	done
	conns=$c secs=$d
	m_clear
	row "$name" "$(awk -v r="$rb" 'BEGIN { print r / 2 }')" "$p50" "$p99" "$rss" \
		"report at $(fmt_n "$n_small") (req/s)" "$(awk -v r="$rs" 'BEGIN { print r / 2 }')" 0.67 ""
}

# The report's query plans at scale: EXPLAIN of STMT_RPT_CELLS (the
# statement every report reads; whole province, last month) on the BIG
# SQLite database and on the MID PostgreSQL one, the SQL taken from
# src/stmts.def by bench/stmt_sql.c.  The goal is structural
# (docs/REPORTS.md §7): the dossiers are reached through index ranges and
# primary-key lookups only, never a scan of the table, so the cost follows
# the period's dossiers and not the history.  The plans go in the notes.
scenario_report_plans() {
	local from to t0 t1 now sql plan name scans
	cc -O0 -std=c11 -I "$root/src" -o "$tmp/stmt_sql" "$root/bench/stmt_sql.c" ||
		die "cannot build bench/stmt_sql.c"
	sql=$("$tmp/stmt_sql" STMT_RPT_CELLS) || die "no STMT_RPT_CELLS"
	from=$(date -u -d "$(date -u +%Y-%m-01) -1 month" +%Y-%m-%d)
	to=$(date -u -d "$from +1 month" +%Y-%m-%d)
	t0=$(date -d "${from}T00:00:00+07:00" +%s)
	t1=$(date -d "${to}T00:00:00+07:00" +%s)
	now=$(date +%s)
	name="report plan (STMT_RPT_CELLS, last month), $(fmt_n "$n_big") dossiers, SQLite"
	if ! command -v sqlite3 >/dev/null 2>&1; then
		skip "$name" "not available (no sqlite3 shell; scripts/deps.sh bench)"
	else
		need_data sqlite "$n_big"
		plan=$(printf '%s\n' ".parameter init" ".parameter set \$1 1" ".parameter set \$2 0" \
			".parameter set \$3 $t0" ".parameter set \$4 $t1" ".parameter set \$5 $now" \
			"EXPLAIN QUERY PLAN $sql;" | timeout 120 sqlite3 "${d_url#sqlite:}" 2>&1) ||
			die "sqlite3 EXPLAIN failed: $plan"
		# The statement names the table dossiers unaliased (in cand); "SCAN d"
		# is the scan of the materialised candidate rows, not of the table.
		scans=$(printf '%s\n' "$plan" | grep -E 'SCAN dossiers( |$)' || true)
		note "$name: $(printf '%s\n' "$plan" | grep -E 'SEARCH|SCAN' | sed 's/^[|` -]*//' |
			tr '\n' ';' | sed 's/;$//; s/;/; /g')"
		plan_row "$name" "$scans"
	fi
	name="report plan (STMT_RPT_CELLS, last month), $(fmt_n "$n_mid") dossiers, PostgreSQL"
	if ! need_pg || ! command -v psql >/dev/null 2>&1; then
		skip "$name" "not available (no PostgreSQL)"
		return 0
	fi
	need_data pg "$n_mid"
	plan=$(timeout 300 psql "$d_url" -X -q -A -t -c "PREPARE rpt AS $sql" \
		-c "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) EXECUTE rpt(1, 0, $t0, $t1, $now)" 2>&1) ||
		die "psql EXPLAIN failed: $plan"
	scans=$(printf '%s\n' "$plan" | grep -E 'Seq Scan on dossiers' || true)
	note "$name: $(printf '%s\n' "$plan" | grep -E 'Scan|Execution Time' | sed 's/^ *//; s/^-> *//' |
		tr '\n' ';' | sed 's/;$//; s/;/; /g')"
	plan_row "$name" "$scans"
}
# plan_row NAME SCANS: PASS when no line of the plan scans the dossiers table
plan_row() {
	local verdict=PASS
	[ -n "$2" ] && verdict="MISS: $(printf '%s' "$2" | head -1 | sed 's/^[|` -]*//')"
	printf '%s\t—\t—\t—\t—\t—\t—\tindex ranges only, no scan of dossiers\t%s\n' "$1" \
		"$verdict" >>"$rows"
	say "$1: $verdict"
}

# Due-date computations per second on one core with the year tables cached
# (`motcua calendar bench`).  No server and no ceiling: the issue's goal is
# an absolute 1,000,000/s, so the "ceiling" column carries that target.
scenario_due_dates() {
	local out rate
	out=$("$bin" calendar --data "$root/data" bench --n 2000000) ||
		die "motcua calendar bench failed"
	rate=$(printf '%s' "$out" | sed -n 's/.*"due_per_second":[[:space:]]*\([0-9.]*\).*/\1/p')
	[ -n "$rate" ] || die "motcua calendar bench: no due_per_second in: $out"
	W_err=0 W_non2xx=0
	row "due-date computations per second (1 core, year tables cached)" \
		"$rate" "" "" "" "target" 1000000 1 ""
}

# Catalogue search (issue 5): over 2,000 procedures (the seed plus
# `motcua catalog bench-data --procedures 2000`), 32 connections, a mix of
# realistic queries (bench/wrk/catalog_search.lua: with and without
# diacritics, codes, filters).  Ceiling: nginx serving a file of the mix's
# mean body size.  Goal (issue 5): ≥ 5,000 queries/s and p99 ≤ 10 ms.
scenario_catalog_search() {
	local name="catalogue search, 2,091 procedures, SQLite, 32 connections (query mix)"
	local db="sqlite:$tmp/catalog.db" lua=$root/bench/wrk/catalog_search.lua
	local p m total=0 count=0 size conns=32 root_saved=$root
	for p in migrate seed; do
		timeout 300 "$bin" "$p" --db "$db" --data "$root/data" >>"$tmp/catalog-data.log" 2>&1 ||
			{ cat "$tmp/catalog-data.log" >&2; die "catalog_search: $p failed"; }
	done
	timeout 300 "$bin" catalog bench-data --procedures 2000 --db "$db" \
		>>"$tmp/catalog-data.log" 2>&1 ||
		{ cat "$tmp/catalog-data.log" >&2; die "catalog_search: catalog bench-data failed"; }
	bin_serve catalog "$db"
	need_nginx
	# Every path of the mix must answer 200; the ceiling's file has their mean size.
	for p in $(sed -n 's/^ *"\(\/api\/v1\/procedures[^"]*\)",.*/\1/p' "$lua"); do
		m=$(http_probe "$srv_port" "$p")
		[ "${m%% *}" = 200 ] || die "catalog_search: $p answered ${m%% *}"
		total=$((total + $(echo "$m" | cut -d' ' -f2)))
		count=$((count + 1))
	done
	[ "$count" -gt 0 ] || die "catalog_search: no paths in $lua"
	size=$((total / count))
	note "$name: $count paths, mean body $size B"
	# run_wrk loads \$root/bench/wrk/report.lua: for this scenario only, a
	# copy with the query mix in front of it (bash's dynamic scope).
	mkdir -p "$tmp/catalog-wrk/bench/wrk"
	cat "$lua" "$root/bench/wrk/report.lua" >"$tmp/catalog-wrk/bench/wrk/report.lua"
	local root=$tmp/catalog-wrk
	versus "http://127.0.0.1:$ng_port$(nginx_size_path "$size")" "$ng_pid $(children "$ng_pid")" \
		"$srv_pid" "http://127.0.0.1:$srv_port/api/v1/procedures?limit=20"
	root=$root_saved
	# The ceiling's own p99 in the same slices: on a loaded machine the
	# tail is the scheduler's, and this says how much of it nginx shares.
	note "$name: nginx p99 in the same run $(fmt_ms "$(awk '$4 > m { m = $4 } END { print m + 0 }' "$tmp/vs.c")") ms"
	cpu_row "$name"
	row "$name" "$W_rps" "$W_p50" "$W_p99" "$W_rss" "nginx, ${size} B file" "$C_rps" "" ""
	row "catalogue search: goal ≥ 5,000 q/s, p99 ≤ 10 ms" "$W_rps" "$W_p50" "$W_p99" "" \
		"target" 5000 1 10000
	stop_pid "$srv_pid"
}

scenarios="static_css static_index static_small healthz_sqlite healthz_pg meta
ceiling_insert_sqlite ceiling_insert_pg threading
lookup_sqlite lookup_pg lookup_scale work_queue reception reception_pg report_month report_plans due_dates
catalog_search"

# ---------------------------------------------------------------------- run ---
started=$(date -u +%s)
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
say "$(nproc) CPUs, ${secs}s per measurement, $conns connections, $wrk_threads wrk threads," \
	"threading ${rounds} round(s) of ${tsecs}s, data on $storage"
prepare_data
for s in $scenarios; do
	if [ -n "$only" ] && ! printf '%s\n' "$s" | grep -Eq -- "$only"; then
		continue
	fi
	"scenario_$s"
done
load_end=$(cut -d' ' -f1-3 /proc/loadavg)
elapsed=$(($(date -u +%s) - started))

# ------------------------------------------------------------------ report ---
commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
if [ -n "$(git -C "$root" status --porcelain -- src sql CMakeLists.txt 2>/dev/null)" ]; then
	commit="$commit + uncommitted changes in src/"
fi
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
report() {
	echo "# motcua benchmarks"
	echo
	echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC') (${elapsed} s of scenarios${data_seconds:+, $data_seconds s of them preparing the databases}; $SECONDS s with the build)"
	echo "- commit: $commit"
	echo "- machine: $(nproc) CPU, ${cpu:-unknown CPU}, Linux $(uname -r)," \
		"$(awk '/^MemTotal:/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo) RAM"
	echo "- load average at start / end: $load_start / $load_end"
	echo "- wrk $conns connections, $wrk_threads threads, ${secs} s per figure after ${warm} s warm-up," \
		"ceiling and motcua alternating in $split slice(s) (p50: mean of slices, p99: worst slice);" \
		"motcua $(nproc) worker threads, access log off; nginx worker_processes auto"
	echo "- databases on: $storage"
	[ "$quick" = 1 ] && echo "- BENCH_QUICK=1: a smoke run, figures are rough"
	[ "$rss_since_start" = 1 ] && echo "- peak RSS since server start (clear_refs unavailable)"
	echo
	echo "Peak RSS: VmHWM during the scenario, and in brackets the server's own memory (peak"
	echo "RssAnon + RssShmem, sampled every 0.2 s), on which the RSS goal is judged: VmHWM also"
	echo "counts database pages SQLite maps (sqlite_mmap_bytes), which are shared page cache."
	echo
	echo "| scenario | rps | p50 ms | p99 ms | peak RSS MB | ceiling (rps) | ratio | goal | result |"
	echo "|---|---:|---:|---:|---:|---|---:|---|---|"
	sed 's/\t/ | /g; s/^/| /; s/$/ |/' "$rows"
	if [ -s "$threading_rows" ]; then
		echo
		echo "Threading (median of $rounds alternating run(s) of ${tsecs} s each, fresh server per run):"
		echo
		echo "| path | epoll pool rps | thread/conn rps | pool / tpc | p99 pool ms | p99 tpc ms | RSS pool MB | RSS tpc MB | runs pool / tpc |"
		echo "|---|---:|---:|---:|---:|---:|---:|---:|---|"
		sed 's/\t/ | /g; s/^/| /; s/$/ |/' "$threading_rows"
	fi
	if [ -s "$cpu_rows" ]; then
		echo
		echo "Server CPU time per request (user + system of the server's processes over the"
		echo "measured slices, divided by requests): what each answer costs, which load from other"
		echo "processes moves much less than rps.  Efficiency = ceiling µs / motcua µs.  The"
		echo "p99 of both, worst slice, in the same alternating slices: the ceiling's says how"
		echo "much of a tail this machine gives any server at 64 connections."
		echo
		echo "| scenario | motcua µs/req | ceiling µs/req | efficiency | motcua p99 ms | ceiling p99 ms |"
		echo "|---|---:|---:|---:|---:|---:|"
		sed 's/\t/ | /g; s/^/| /; s/$/ |/' "$cpu_rows"
	fi
	if [ -s "$notes" ]; then
		echo
		echo "Response sizes:"
		echo
		sed 's/^/- /' "$notes"
	fi
	echo
	echo "Ratios compare figures measured minutes apart on the same machine; on a shared"
	echo "machine read the ratios, not the absolute numbers."
}
mkdir -p "$(dirname "$results")"
report | tee "$results"
say "written to ${results#"$root"/}"
