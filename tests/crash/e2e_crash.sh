#!/bin/sh
# e2e_crash.sh POSSUM SOURCE_DIR — the crash proof's short run (`make test`, label once):
# CRASH_KILLS (default 20) SIGKILLs of the host under `possum load`, as many of the load's
# terminals, and a quarter as many of the day's close and of the payout run, each part checked
# as tests/crash/harness.sh says; prints a line "crash: …" a part. The long run is
# tests/soak/crash.sh (`make soak`, 500).
possum=$1
src=$2
. "$src/tests/lib.sh"
kills=${CRASH_KILLS:-20}
. "$src/tests/crash/harness.sh"
crash_run && crash_selftest
