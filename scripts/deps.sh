#!/usr/bin/env bash
# Installs what motcua needs on Debian 12, and nothing when it is all there.
# Usage: scripts/deps.sh [build|test|bench|all]   (default: all but bench)
# Idempotent: apt-get runs only when a package is missing; npm only when
# tests/e2e/node_modules lacks a package of tests/e2e/package.json.
set -eu
cd "$(dirname "$0")/.."

what=${1:-test}

build_pkgs="build-essential cmake pkg-config libmicrohttpd-dev libjansson-dev
  libsqlite3-dev libpq-dev libssl-dev libargon2-dev libcurl4-openssl-dev
  libxlsxwriter-dev libqrencode-dev"
test_pkgs="libcmocka-dev clang libclang-rt-14-dev postgresql chromium curl sqlite3
  unzip"
bench_pkgs="wrk nginx-light postgresql linux-perf sqlite3"

case "$what" in
build) pkgs=$build_pkgs ;;
test) pkgs="$build_pkgs $test_pkgs" ;;
bench) pkgs="$build_pkgs $bench_pkgs" ;;
all) pkgs="$build_pkgs $test_pkgs $bench_pkgs" ;;
*) echo "usage: $0 [build|test|bench|all]" >&2; exit 2 ;;
esac

# Node.js with npm usually comes with the machine (a newer build than
# Debian's, whose npm package conflicts with it); take Debian's only when
# there is none.
if [ "$what" = test ] || [ "$what" = all ]; then
	command -v npm >/dev/null 2>&1 || pkgs="$pkgs nodejs npm"
fi

missing=""
for p in $pkgs; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done

if [ -n "$missing" ]; then
	echo "deps: installing:$missing"
	sudo=""
	[ "$(id -u)" -eq 0 ] || sudo="sudo"
	export DEBIAN_FRONTEND=noninteractive
	$sudo apt-get update -qq
	# shellcheck disable=SC2086
	$sudo apt-get install -y -qq --no-install-recommends $missing
fi

# The browser tests drive Debian's chromium with playwright-core (which
# downloads no browser) and check pages with axe-core.
if [ "$what" = test ] || [ "$what" = all ]; then
	if [ -f tests/e2e/package.json ]; then
		need=0
		for m in playwright-core axe-core; do
			[ -d "tests/e2e/node_modules/$m" ] || need=1
		done
		if [ "$need" -eq 1 ]; then
			echo "deps: npm install in tests/e2e"
			(cd tests/e2e && npm install --no-audit --no-fund --loglevel=error)
		fi
	fi
fi
exit 0
