#!/bin/sh
# e2e_acquirer_admin.sh — `possum admin merchant add` and `possum admin terminal add`: usage,
# exit codes, output (the TMK as components with check values, and the TMK's),
# and `possum host` listening for terminals, its port in host.ports.
possum=$1
top=$2
. "$top/tests/lib.sh"
data=$tmp/data

expect 0 "merchant add --help" -- "$possum" admin merchant add --help
out_has "Usage: possum admin merchant add"
expect 2 "merchant add without --name" -- "$possum" admin merchant add --data "$data" --mcc 5411
err_has "name"
expect 2 "merchant add: bad MCC" -- "$possum" admin merchant add --data "$data" --name Shop --mcc 54
err_has "mcc"
expect 2 "merchant add: bad MID" -- "$possum" admin merchant add --data "$data" --name Shop --mcc 5411 --mid 123
expect 0 "merchant add" -- "$possum" admin merchant add --data "$data" --name "Possum Grocery" --mcc 5411 --mid 898310048120001 --json
out_has '"mid":"898310048120001"'
expect 1 "merchant add: MID taken" -- "$possum" admin merchant add --data "$data" --name Other --mcc 5411 --mid 898310048120001
err_has "taken"
expect 0 "merchant add, MID generated" -- "$possum" admin merchant add --data "$data" --name Other --mcc 5812
if grep -Eq '^mid   898[0-9]{12}$' "$tmp/out"; then ok; else bad "generated MID: $(cat "$tmp/out")"; fi

expect 2 "terminal add without --sn" -- "$possum" admin terminal add --data "$data" --merchant 898310048120001
expect 2 "terminal add: bad --parts" -- "$possum" admin terminal add --data "$data" --merchant 898310048120001 --sn SN1 --parts 4
expect 2 "terminal add: bad TID" -- "$possum" admin terminal add --data "$data" --merchant 898310048120001 --sn SN1 --tid ABC
expect 1 "terminal add: no such merchant" -- "$possum" admin terminal add --data "$data" --merchant 898000000000000 --sn SN1
err_has "no such merchant"
expect 0 "terminal add" -- "$possum" admin terminal add --data "$data" --merchant 898310048120001 --sn SN1 --tid TERM0001 --parts 3 --json
out_has '"tid":"TERM0001"'
# Three components, each 32 hex digits with a check value, and the TMK's check value.
n=$(grep -o '"component":"[0-9A-F]\{32\}","kcv":"[0-9A-F]\{6\}"' "$tmp/out" | wc -l)
if [ "$n" -eq 3 ]; then ok; else bad "components: $(cat "$tmp/out")"; fi
if grep -q '\],"tmk_components":"[0-9A-F:,]*","kcv":"[0-9A-F]\{6\}"}' "$tmp/out"; then ok; else bad "TMK check value: $(cat "$tmp/out")"; fi
expect 1 "terminal add: SN bound" -- "$possum" admin terminal add --data "$data" --merchant 898310048120001 --sn SN1
err_has "bound"
expect 1 "terminal add: TID taken" -- "$possum" admin terminal add --data "$data" --merchant 898310048120001 --sn SN2 --tid TERM0001
expect 0 "terminal add, TID generated" -- "$possum" admin terminal add --data "$data" --merchant 898310048120001 --sn SN2
if grep -Eq '^tid          [0-9]{8}$' "$tmp/out"; then ok; else bad "generated TID: $(cat "$tmp/out")"; fi
if grep -q "tmk kcv" "$tmp/out"; then ok; else bad "no TMK check value: $(cat "$tmp/out")"; fi

# The host listens for terminals beside the issuer link; host.ports names both.
"$possum" host --data "$data" --port 0 --api-port 0 --terminal-port 0 >"$tmp/host.out" 2>"$tmp/host.err" &
pid=$!
wait_ports "$data" $pid
port=$(sed -n 's/^acquirer=//p' "$data/host.ports" 2>/dev/null)
if [ -n "$port" ] && [ "$port" -gt 0 ]; then ok; else bad "no acquirer port: $(cat "$tmp/host.err")"; fi
if grep -q "terminals on port $port (cup-pos)" "$tmp/host.out"; then ok; else bad "host output: $(cat "$tmp/host.out")"; fi
expect 2 "host: bad terminal port" -- "$possum" host --data "$tmp/x" --terminal-port 70000
kill -TERM $pid
wait $pid
if [ $? -eq 0 ]; then ok; else bad "host did not stop cleanly"; fi
finish
