#!/usr/bin/env bash
# Runs every libFuzzer target of a -DMOTCUA_FUZZ=ON build for N seconds,
# growing a scratch copy of its corpus; crashes land in tests/fuzz/crashes/.
# Usage: scripts/fuzz.sh BUILD_DIR SECONDS
set -eu
build=$1
secs=${2:-60}
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$root/tests/fuzz/crashes"
for bin in "$build"/tests/fuzz_*; do
	[ -x "$bin" ] || continue
	name=$(basename "$bin" | sed 's/^fuzz_//')
	work=$(mktemp -d)
	cp -r "$root/tests/fuzz/corpus/$name/." "$work/"
	echo "fuzz: $name for ${secs}s"
	"$bin" -max_total_time="$secs" -max_len=65536 \
		-artifact_prefix="$root/tests/fuzz/crashes/$name-" "$work"
	echo "fuzz: $name: $(ls "$work" | wc -l) corpus entries (new ones are not kept; copy interesting inputs into tests/fuzz/corpus/$name/)"
	rm -rf "$work"
done
