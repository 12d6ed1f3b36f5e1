#!/bin/sh
# crash.sh POSSUM SOURCE_DIR — the crash proof's long run (`make soak`): CRASH_KILLS (default
# 500) SIGKILLs of the host under `possum load`, as many of its terminals, and a quarter as
# many of the day's close and of the payout run, each checked as tests/crash/harness.sh says;
# prints a line "crash: …" a part and fails on any loss.
possum=$1
src=$2
. "$src/tests/lib.sh"
kills=${CRASH_KILLS:-500}
. "$src/tests/crash/harness.sh"
crash_run
