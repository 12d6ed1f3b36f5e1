#!/bin/sh
# setup.sh — installs the third-party issuer's node packages (package-lock.json: iso_8583)
# into tests/links/peer/node_modules (git-ignored) with `npm ci`, once (tests/npm_setup.sh).
# Exit 0 when they are there; 1 (saying why) when node, npm or the registry is missing. Called
# by scripts/bootstrap and tests/lib.sh's start_peer.
dir=$(cd "$(dirname "$0")" && pwd)
exec sh "$dir/../../npm_setup.sh" "$dir" iso_8583
