#!/usr/bin/env bash
# Durable receptions per second against the single-row durable insert
# ceiling, on one backend, in the same run (issue 9: goal >= 2x).
#
#   bench/reception.sh [--db sqlite|pg] [--bin PATH] [--seconds N] [--conns N]
#                      [--rounds N] [--perf FILE] [-- extra `motcua serve` flags]
#
# Builds nothing: --bin is a release motcua (default build/release/motcua).
# A fresh database per round: 20 desk agencies each receiving BENCH-RCV
# with one signed-in receiver (an agency has 9,999 codes a day, so the load
# is spread), then wrk (bench/wrk/reception.lua) POSTs complete receptions,
# each with its own Idempotency-Key, for N seconds with C connections, and
# bench/ceiling_insert.c runs on the same backend right after.  Prints one
# line per round and the group-commit counters of /metrics:
#
#   RECEPTION db=sqlite rps=R p50_us=.. p99_us=.. non2xx=.. ceiling=C ratio=R/C
#             commits=B units=U largest=L run_s=.. commit_s=.. cpu_us=.. load=..
#
# run_s / units is the writer's time per reception inside the transaction,
# commit_s / commits its time per COMMIT; cpu_us the server process's CPU
# per committed reception (not PostgreSQL's backends); load the 1-minute
# load average at the end (the machine is shared: read ratios).
#
# --perf FILE: `perf record -g` of the server during the measured seconds
# (FILE.<round>; `perf report -i FILE.1 --sort comm,dso,sym` splits the
# writer thread from the HTTP workers).
#
# bench/run.sh's reception scenario can call this with --rounds 1.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
db=sqlite bin="$root/build/release/motcua" secs=10 conns=64 rounds=1 perf_out=""
while [ $# -gt 0 ]; do
	case "$1" in
	--db) db=$2; shift 2 ;;
	--bin) bin=$2; shift 2 ;;
	--seconds) secs=$2; shift 2 ;;
	--conns) conns=$2; shift 2 ;;
	--rounds) rounds=$2; shift 2 ;;
	--perf) perf_out=$2; shift 2 ;;
	--) shift; break ;;
	*) echo "usage: bench/reception.sh [--db sqlite|pg] [--bin PATH] [--seconds N] [--conns N] [--rounds N] [--perf FILE] [-- serve flags]" >&2; exit 2 ;;
	esac
done
extra=("$@")
[ -x "$bin" ] || { echo "reception.sh: no $bin (make build)" >&2; exit 1; }
command -v wrk >/dev/null || { echo "reception.sh: wrk missing (scripts/deps.sh bench)" >&2; exit 1; }

tmp=$(mktemp -d /tmp/motcua-reception-XXXXXX)
chmod 755 "$tmp"
pid=""
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
	[ "$db" = pg ] && "$root/scripts/pg-test.sh" stop "$tmp/pg" >/dev/null 2>&1 || true
	rm -rf "$tmp"
}
trap cleanup EXIT

# shellcheck disable=SC2046
cc -O2 -std=c11 $(pkg-config --cflags libpq 2>/dev/null || echo -I/usr/include/postgresql) \
	-o "$tmp/ceiling_insert" "$root/bench/ceiling_insert.c" -lsqlite3 -lpq

# The catalogue: a province, 20 desks, one procedure every desk leads.
{
	printf '{"format": "motcua-catalog/1", "fields": [{"code": "tu-phap", "name": "Tư pháp"}],'
	printf ' "agencies": [{"code": "000.00.00.H19", "parent": null, "kind": "province", "name": "UBND tỉnh Đo Tải"}'
	for i in $(seq 10 29); do
		printf ', {"code": "000.00.%02d.H19", "parent": "000.00.00.H19", "kind": "department", "name": "Sở Đo Tải %d"}' "$i" "$i"
	done
	printf '], "procedures": [{"code": "BENCH-RCV", "name": "Chứng thực bản sao từ bản chính",'
	printf ' "field": "tu-phap", "levels": ["province"], "agencies": {"lead": ['
	for i in $(seq 10 29); do
		[ "$i" = 10 ] || printf ', '
		printf '"000.00.%02d.H19"' "$i"
	done
	printf ']}, "time_limit": {"value": 3, "unit": "day"}, "online": {"level": 2, "class": "none"},'
	printf ' "channels": ["counter"], "steps": [{"name": "Tiếp nhận", "unit": "Bộ phận Một cửa",'
	printf ' "role": "receiver", "hours": 2}, {"name": "Giải quyết", "unit": "Phòng chuyên môn",'
	printf ' "role": "specialist", "hours": 16}], "legal_basis": [{"ref": "23/2015/NĐ-CP",'
	printf ' "title": "Nghị định chứng thực"}], "effective_from": "2020-01-01", "decision": "Đo tải"}]}\n'
} >"$tmp/catalog.json"

pw="mat-khau-do-tai-$$-$RANDOM"
if [ "$db" = pg ]; then
	"$root/scripts/pg-test.sh" start "$tmp/pg" 2>"$tmp/pg.log" || { cat "$tmp/pg.log" >&2; exit 1; }
fi

for round in $(seq 1 "$rounds"); do
	if [ "$db" = pg ]; then
		url=$("$root/scripts/pg-test.sh" url "$tmp/pg" "reception_$round" 2>>"$tmp/pg.log")
		curl_ceiling=$("$root/scripts/pg-test.sh" url "$tmp/pg" "ceiling_$round" 2>>"$tmp/pg.log")
	else
		url="sqlite:$tmp/r$round.db"
		curl_ceiling="$tmp/ceiling$round.db"
	fi
	"$bin" migrate --db "$url" >/dev/null 2>&1
	"$bin" catalog import "$tmp/catalog.json" --db "$url" >/dev/null
	for i in $(seq 10 29); do
		printf '%s\n' "$pw" | "$bin" user add --username "rcv$i" --role receiver \
			--agency "000.00.$i.H19" --name "Cán bộ đo tải" --db "$url" >/dev/null 2>&1
	done
	port=$((20000 + RANDOM % 20000))
	"$bin" serve --db "$url" --listen "127.0.0.1:$port" --web "$root/web" --data "$root/data" \
		--access_log 0 --dossier_scan_seconds 0 "${extra[@]}" >"$tmp/serve.log" 2>&1 &
	pid=$!
	for _ in $(seq 1 100); do
		curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
		sleep 0.1
	done
	: >"$tmp/sessions"
	for i in $(seq 10 29); do
		out=$(curl -s -D "$tmp/h" -H 'Content-Type: application/json' \
			-d "{\"username\": \"rcv$i\", \"password\": \"$pw\"}" \
			"http://127.0.0.1:$port/api/v1/auth/login")
		cookie=$(grep -i '^set-cookie:' "$tmp/h" | head -1 | sed 's/^[^:]*: *//; s/;.*//' | tr -d '\r')
		csrf=$(printf '%s' "$out" | sed -n 's/.*"csrf_token": *"\([^"]*\)".*/\1/p')
		[ -n "$cookie" ] && [ -n "$csrf" ] || { echo "reception.sh: login rcv$i failed: $out" >&2; exit 1; }
		printf '%s\t%s\n' "$cookie" "$csrf" >>"$tmp/sessions"
	done
	# The server's own CPU (user + system, all threads; not PostgreSQL's
	# backends) over the measured seconds, per committed reception.
	cpu0=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
	perf_pid=""
	if [ -n "$perf_out" ]; then
		perf record -g -o "$perf_out.$round" -p "$pid" -- sleep "$secs" >/dev/null 2>&1 &
		perf_pid=$!
	fi
	line=$(BENCH_SESSIONS="$tmp/sessions" wrk -t2 -c"$conns" -d"${secs}s" --latency \
		-s "$root/bench/wrk/reception.lua" "http://127.0.0.1:$port" | grep '^BENCH')
	[ -z "$perf_pid" ] || wait "$perf_pid" || true
	cpu1=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
	metrics=$(curl -s "http://127.0.0.1:$port/metrics")
	kill "$pid"
	wait "$pid" || true
	pid=""
	ceil=$("$tmp/ceiling_insert" "$db" "$curl_ceiling" "$secs" | grep '^CEILING')
	rps=$(printf '%s' "$line" | sed 's/.* rps=\([0-9.]*\).*/\1/')
	crate=$(printf '%s' "$ceil" | sed 's/.* rate=\([0-9.]*\).*/\1/')
	m() { printf '%s\n' "$metrics" | awk -v k="$1" '$1 == k { print $2 }'; }
	units=$(m motcua_group_units_total)
	cpu_us=$(awk -v a="$cpu0" -v b="$cpu1" -v t="$(getconf CLK_TCK)" -v n="${units:-0}" \
		'BEGIN { printf "%.0f", (n > 0 ? (b - a) * 1e6 / t / n : 0) }')
	printf 'RECEPTION db=%s round=%d rps=%s p50_us=%s p99_us=%s non2xx=%s errors=%s ceiling=%s ratio=%s commits=%s units=%s largest=%s run_s=%s commit_s=%s cpu_us=%s load=%s\n' \
		"$db" "$round" "$rps" \
		"$(printf '%s' "$line" | sed 's/.* p50_us=\([0-9]*\).*/\1/')" \
		"$(printf '%s' "$line" | sed 's/.* p99_us=\([0-9]*\).*/\1/')" \
		"$(printf '%s' "$line" | sed 's/.* non2xx=\([0-9]*\).*/\1/')" \
		"$(printf '%s' "$line" | sed 's/.* errors=\([0-9]*\).*/\1/')" \
		"$crate" "$(awk -v a="$rps" -v b="$crate" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')" \
		"$(m motcua_group_commits_total)" "$(m motcua_group_units_total)" "$(m motcua_group_largest)" \
		"$(m motcua_group_run_seconds_total)" "$(m motcua_group_commit_seconds_total)" \
		"$cpu_us" "$(cut -d' ' -f1 /proc/loadavg)"
done
