#!/usr/bin/env bash
# Source rules DESIGN.md §10 makes mechanical:
#  - banned functions: sprintf strcpy strcat gets strtok atoi (and friends);
#  - sqlite3_* and PQ* calls only under src/db/;
#  - microhttpd.h only in src/http/server_mhd.c.
# Exits non-zero listing every violation.
# Usage: checksrc.sh [ROOT]   (default: the repository; tests/checksrc holds
# a tree of deliberate violations that must fail, proving the checks work)
set -u
cd "${1:-$(dirname "$0")/..}"
fail=0

report() { echo "checksrc: $1"; fail=1; }

files=$(find src tests \( -name '*.c' -o -name '*.h' \) 2>/dev/null |
	grep -v -e '/node_modules/' -e '^tests/checksrc/' | sort)

# Comments and string literals are stripped first so prose may name them.
strip() {
	sed -e 's://.*$::' "$1" | perl -0pe 's{/\*.*?\*/}{}gs; s{"(?:\\.|[^"\\\n])*"}{""}g'
}

for f in $files; do
	body=$(strip "$f")
	hits=$(printf '%s\n' "$body" | grep -nE '\b(sprintf|vsprintf|strcpy|strcat|gets|strtok|atoi|atol|atoll)[[:space:]]*\(' || true)
	[ -n "$hits" ] && report "$f: banned function: $(echo "$hits" | head -3 | tr '\n' ' ')"
	case "$f" in
	src/db/*) ;;
	src/*)
		hits=$(printf '%s\n' "$body" | grep -nE '\b(sqlite3_[a-z_0-9]+|PQ[a-zA-Z]+)[[:space:]]*\(' || true)
		[ -n "$hits" ] && report "$f: SQL library call outside src/db/: $(echo "$hits" | head -3 | tr '\n' ' ')"
		grep -qE '#include[[:space:]]*[<"](sqlite3|libpq-fe)\.h' "$f" &&
			report "$f: includes a SQL library header outside src/db/"
		;;
	esac
	if [ "$f" != src/http/server_mhd.c ] && grep -qE '#include[[:space:]]*[<"]microhttpd\.h' "$f"; then
		report "$f: includes microhttpd.h (only src/http/server_mhd.c may)"
	fi
done

if [ "$fail" -eq 0 ]; then
	echo "checksrc: $(echo "$files" | wc -l) files clean"
fi
exit $fail
