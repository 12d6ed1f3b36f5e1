#!/bin/sh
# npm_setup.sh DIR PACKAGE — installs the node packages of a test directory DIR (its
# package-lock.json) into DIR/node_modules (git-ignored) with `npm ci`, once: nothing is done
# while PACKAGE's installed version is the one DIR/package.json pins. Exit 0 when they are
# there; 1 (saying why) when node, npm or the registry is missing. Called by tests/ui/setup.sh
# (playwright-core) and tests/links/peer/setup.sh (iso_8583).
set -u
dir=$(cd "$1" && pwd)
pkg=$2
what=tests/${dir##*/tests/}
want=$(sed -n 's/.*"'"$pkg"'": *"\([0-9.]*\)".*/\1/p' "$dir/package.json")
have=$(sed -n 's/^ *"version": *"\([0-9.]*\)".*/\1/p' "$dir/node_modules/$pkg/package.json" 2>/dev/null | head -n 1)
[ -n "$want" ] && [ "$want" = "$have" ] && exit 0
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || {
	echo "$what: node and npm are needed (scripts/bootstrap installs them)" >&2
	exit 1
}
echo "$what: npm ci ($pkg $want)" >&2
# A lock of its own so that two callers at once do not both install.
if ! (cd "$dir" && flock "$dir/.setup.lock" sh -c \
	'[ -f node_modules/'"$pkg"'/package.json ] && grep -q "\"version\": *\"'"$want"'\"" node_modules/'"$pkg"'/package.json ||
	npm ci --no-audit --no-fund --loglevel=error >/dev/null'); then
	echo "$what: npm ci failed (no npm registry?)" >&2
	exit 1
fi
