#!/usr/bin/env bash
# The threading decision alone: libmicrohttpd's epoll thread pool against
# thread-per-connection on /api/v1/meta and /healthz, alternating runs and
# medians.  Now one scenario of bench/run.sh; this is a shortcut to it.
# Usage: bench/threading.sh [ROUNDS] [SECONDS]   (builds build/bench, needs wrk)
set -eu
BENCH_ROUNDS=${1:-5} BENCH_SECONDS=$((2 * ${2:-5})) BENCH_ONLY='^threading$' \
	exec "$(dirname "$0")/run.sh"
