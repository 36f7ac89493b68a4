#!/usr/bin/env bash
# Chooses libmicrohttpd's threading mode by measurement: the epoll thread
# pool against thread-per-connection, alternating runs (A B A B ...) so the
# noise of a shared machine hits both, and the median of each.
# Usage: bench/threading.sh [ROUNDS] [SECONDS]   (needs wrk and a release build)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$root/build/release/motcua
rounds=${1:-5}
secs=${2:-5}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$bin" migrate --db "sqlite:$tmp/b.db" 2>/dev/null

run() { # mode path -> rps
	"$bin" serve --db "sqlite:$tmp/b.db" --listen 127.0.0.1:0 --access_log 0 \
		--thread_per_connection "$1" >"$tmp/out" 2>/dev/null &
	pid=$!
	for _ in $(seq 50); do grep -q listening "$tmp/out" 2>/dev/null && break; sleep 0.1; done
	port=$(sed -n 's/.*:\([0-9]*\)$/\1/p' "$tmp/out")
	wrk -t2 -c64 -d"${secs}s" "http://127.0.0.1:$port$2" | awk '/Requests\/sec/ {print $2}'
	kill -TERM "$pid"; wait "$pid" || true
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

for path in /api/v1/meta /healthz; do
	: >"$tmp/pool"; : >"$tmp/tpc"
	for _ in $(seq "$rounds"); do
		run 0 "$path" >>"$tmp/pool"
		run 1 "$path" >>"$tmp/tpc"
	done
	p=$(median <"$tmp/pool"); t=$(median <"$tmp/tpc")
	printf '%-14s epoll pool %9.0f rps   thread/conn %9.0f rps   ratio %.2f\n' \
		"$path" "$p" "$t" "$(awk -v p="$p" -v t="$t" 'BEGIN { print p / t }')"
done
