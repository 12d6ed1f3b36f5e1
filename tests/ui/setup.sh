#!/bin/sh
# setup.sh — installs the browser tests' node packages (package-lock.json: playwright-core)
# into tests/ui/node_modules (git-ignored) with `npm ci`, once: nothing is done while the
# installed version is the locked one. Exit 0 when they are there; 1 (saying why) when node,
# npm or the registry is missing. Called by scripts/bootstrap and tests/ui/e2e_ui.sh.
set -u
dir=$(cd "$(dirname "$0")" && pwd)
want=$(sed -n 's/.*"playwright-core": *"\([0-9.]*\)".*/\1/p' "$dir/package.json")
have=$(sed -n 's/^ *"version": *"\([0-9.]*\)".*/\1/p' "$dir/node_modules/playwright-core/package.json" 2>/dev/null | head -n 1)
[ -n "$want" ] && [ "$want" = "$have" ] && exit 0
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || {
	echo "tests/ui: node and npm are needed (scripts/bootstrap installs them)" >&2
	exit 1
}
echo "tests/ui: npm ci (playwright-core $want)" >&2
# A lock of its own so that two callers at once do not both install.
if ! (cd "$dir" && flock "$dir/.setup.lock" sh -c \
	'[ -f node_modules/playwright-core/package.json ] && grep -q "\"version\": *\"'"$want"'\"" node_modules/playwright-core/package.json ||
	npm ci --no-audit --no-fund --loglevel=error >/dev/null'); then
	echo "tests/ui: npm ci failed (no npm registry?)" >&2
	exit 1
fi
