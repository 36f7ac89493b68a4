#!/usr/bin/env bash
# Every setting of `motcua config` has a row in docs/OPERATIONS.md.
# Usage: settings_check.sh MOTCUA_BIN OPERATIONS_MD
set -eu
missing=0
for key in $("$1" config | awk '{print $1}'); do
	if ! grep -qF "| \`$key\` |" "$2"; then
		echo "settings_check: $key is not documented in $2" >&2
		missing=1
	fi
done
[ "$missing" -eq 0 ] && echo "settings_check: every setting documented"
exit "$missing"
