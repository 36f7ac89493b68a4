#!/usr/bin/env bash
# Measures proposed hot-path changes before anyone writes them for real.
#
# Copies src/ into build/bench-exp, applies hot-path.diff there (src/ itself is
# never touched) and builds it.  The diff adds switches read from the
# environment, so one binary runs every variant:
#
#   EXP_RID=1       request id from a per-thread 4 KiB getrandom() buffer
#                   instead of OpenSSL RAND_bytes per request
#   EXP_POOL=N      libmicrohttpd per-connection memory pool of N bytes
#                   (motcua uses max(2 x max_header_bytes + 16 KiB, 64 KiB))
#   EXP_DIRFD=1     web root opened once, not per request
#   EXP_CACHE=1     files <= 64 KiB kept in memory with their ETag and sent
#                   from memory (no revalidation: an upper bound)
#   EXP_CACHE=2     the same, revalidated by one fstatat() per request
#
# Then, per path, runs every variant (and nginx on the same files) ROUNDS
# times, alternating, a fresh server per run, and prints medians of rps, p99
# and server CPU time per request (user + system / requests), the figure
# other load on a shared machine moves least.
#
#   bench/experiments/ab.sh                          the static and JSON paths
#   PATHS="/healthz" VARIANTS="base EXP_RID=1" bench/experiments/ab.sh
#   ROUNDS=3 SECS=5 (defaults)
#
# A variant is a comma-separated list of switches; "base" is none, "nginx"
# is nginx serving the same web/ snapshot.
set -eu
set -o pipefail
export LC_ALL=C

root=$(cd "$(dirname "$0")/../.." && pwd)
exp=$root/build/bench-exp
bin=$exp/b/motcua
rounds=${ROUNDS:-3}
secs=${SECS:-5}
paths=${PATHS:-/favicon.svg /shared/css/motcua.css /healthz /api/v1/meta}
variants=${VARIANTS:-nginx base EXP_RID=1 EXP_POOL=32768 EXP_DIRFD=1 EXP_CACHE=2,EXP_DIRFD=1 EXP_CACHE=1,EXP_DIRFD=1 EXP_RID=1,EXP_POOL=32768,EXP_CACHE=1,EXP_DIRFD=1}

say() { printf 'ab: %s\n' "$*" >&2; }
die() {
	say "error: $*"
	exit 1
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/motcua-ab.XXXXXX")
chmod 0755 "$tmp"
ngp="" sp=""
cleanup() {
	local rc=$?
	set +e
	trap - EXIT INT TERM
	for p in $sp $ngp; do
		kill -TERM "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	rm -rf "$tmp"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

say "patching a copy of src/ in build/bench-exp and building it"
rm -rf "$exp"
mkdir -p "$exp"
cp -R "$root/src" "$root/sql" "$root/cmake" "$root/CMakeLists.txt" "$exp/"
(cd "$exp" && patch -s -p1 <"$root/bench/experiments/hot-path.diff") ||
	die "hot-path.diff no longer applies to src/; refresh it"
cmake -S "$exp" -B "$exp/b" -DCMAKE_BUILD_TYPE=Release >"$tmp/build.log" 2>&1 &&
	cmake --build "$exp/b" -j"$(nproc)" >>"$tmp/build.log" 2>&1 ||
	{ tail -30 "$tmp/build.log" >&2; die "build failed"; }

cp -R "$root/web" "$tmp/web"
chmod -R a+rX "$tmp/web"
"$bin" migrate --db "sqlite:$tmp/a.db" >/dev/null 2>&1 || die "migrate failed"

d=$tmp/nginx
mkdir -p "$d"
port=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
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
	keepalive_requests 100000000;
	types { text/html html; text/css css; text/javascript js; image/svg+xml svg; }
	default_type application/octet-stream;
	client_body_temp_path $d/client_body;
	proxy_temp_path $d/proxy;
	fastcgi_temp_path $d/fastcgi;
	uwsgi_temp_path $d/uwsgi;
	scgi_temp_path $d/scgi;
	server { listen 127.0.0.1:$port; root $tmp/web; }
}
EOF
nginx -p "$d" -c "$d/nginx.conf" -e "$d/error.log" >/dev/null 2>&1 &
ngp=$!
for _ in $(seq 100); do
	timeout 2 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$0"' "$port" 2>/dev/null && break
	kill -0 "$ngp" 2>/dev/null || { cat "$d/error.log" >&2; die "nginx did not start"; }
	sleep 0.1
done

ticks() {
	local t=0 p
	for p in "$@"; do t=$((t + $(awk '{ print $14 + $15 }' "/proc/$p/stat"))); done
	echo "$t"
}
hz=$(getconf CLK_TCK)

# one VARIANT PATH -> "rps p99_us cpu_us_per_request"
one() {
	local v=$1 path=$2 u pids c0 line
	if [ "$v" = nginx ]; then
		u=http://127.0.0.1:$port$path
		pids="$ngp $(pgrep -P "$ngp" | tr '\n' ' ')"
	else
		rm -f "$tmp/out" # the child truncates it only after we may read it
		# shellcheck disable=SC2046
		env $( [ "$v" = base ] || echo "$v" | tr ',' ' ') "$bin" serve --db "sqlite:$tmp/a.db" \
			--listen 127.0.0.1:0 --web "$tmp/web" --access_log 0 --shutdown_grace 1 \
			>"$tmp/out" 2>/dev/null &
		sp=$!
		for _ in $(seq 300); do
			p=$(sed -n 's|^listening on http://127\.0\.0\.1:\([0-9]*\)$|\1|p' "$tmp/out" 2>/dev/null || true)
			[ -n "$p" ] && break
			sleep 0.1
		done
		u=http://127.0.0.1:$p$path
		pids=$sp
	fi
	wrk -t2 -c64 -d1s "$u" >/dev/null
	c0=$(ticks $pids)
	line=$(wrk -t2 -c64 -d"${secs}s" -s "$root/bench/wrk/report.lua" "$u" | grep '^BENCH')
	awk -v l="$line" -v c=$(($(ticks $pids) - c0)) -v hz="$hz" 'BEGIN {
		n = split(l, f, /[ =]/); for (i = 2; i < n; i += 2) v[f[i]] = f[i + 1]
		printf "%.0f %d %.1f\n", v["rps"], v["p99_us"], c / hz * 1e6 / v["requests"] }'
	if [ "$v" != nginx ]; then
		kill -TERM "$sp"
		wait "$sp" || true
		sp=""
	fi
}

med() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
key() { echo "$1$2" | tr -c 'a-zA-Z0-9\n' _; }

printf '%-24s %-48s %8s %8s %10s   %s\n' path variant rps "p99 ms" "cpu µs/req" "runs (cpu µs/req)"
for path in $paths; do
	for _ in $(seq "$rounds"); do
		for v in $variants; do
			case "$v:$path" in nginx:/healthz | nginx:/api/*) continue ;; esac
			one "$v" "$path" >>"$tmp/r.$(key "$path" "$v")"
		done
	done
	for v in $variants; do
		f=$tmp/r.$(key "$path" "$v")
		[ -f "$f" ] || continue
		printf '%-24s %-48s %8s %8s %10s   %s\n' "$path" "$v" "$(cut -d' ' -f1 "$f" | med)" \
			"$(cut -d' ' -f2 "$f" | med | awk '{ printf "%.1f", $1 / 1000 }')" \
			"$(cut -d' ' -f3 "$f" | med)" "$(cut -d' ' -f3 "$f" | xargs echo)"
	done
done
