#!/usr/bin/env bash
# The router and docs/openapi.yaml must agree: every route the server has is
# documented, and every documented operation exists.
# Usage: openapi_check.sh MOTCUA_BIN OPENAPI_YAML
set -eu
bin=$1
spec=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$bin" routes | sort -u >"$tmp/routes"
# Paths are keys at indent 2 under "paths:", operations keys at indent 4.
awk '
	/^paths:/ { inpaths = 1; next }
	/^[^ ]/ { inpaths = 0 }
	inpaths && /^  \/[^ ]*:[ ]*$/ { p = $1; sub(/:$/, "", p); next }
	inpaths && p != "" && /^    (get|put|post|patch|delete|head|options):/ {
		m = $1; sub(/:$/, "", m); print toupper(m) " " p
	}
' "$spec" | sort -u >"$tmp/spec"

if ! diff -u --label spec --label routes "$tmp/spec" "$tmp/routes"; then
	echo "openapi_check: docs/openapi.yaml and the router disagree (- only in the spec, + only in the router)" >&2
	exit 1
fi
echo "openapi_check: $(wc -l <"$tmp/routes") routes documented"
