#!/bin/sh
# setup.sh — installs the browser tests' node packages (package-lock.json: playwright-core)
# into tests/ui/node_modules (git-ignored) with `npm ci`, once (tests/npm_setup.sh). Exit 0
# when they are there; 1 (saying why) when node, npm or the registry is missing. Called by
# scripts/bootstrap and tests/ui/e2e_ui.sh.
dir=$(cd "$(dirname "$0")" && pwd)
exec sh "$dir/../npm_setup.sh" "$dir" playwright-core
