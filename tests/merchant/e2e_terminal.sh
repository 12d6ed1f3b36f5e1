# e2e_terminal.sh — `possum admin terminal` (one terminal, one code) and the host's checks:
# usage, registration with a place, a bound SN refused, the states and their refusals, the TMK
# handed out once, rebinding that re-keys (the old key refused at the host, the new one
# served), a terminal presenting another SN refused at its sign-in with a risk event (no keys,
# so it cannot pay), and the status report.
possum=$1
. "$2/tests/lib.sh"

data=$tmp/host
mid=898310048120007
mid2=898310058120008
sed -e 's/^port *=.*/port = 0/' "$2/etc/possum.conf" >"$tmp/possum.conf"
export POSSUM_CONFIG=$tmp/possum.conf
"$possum" admin merchant add --data "$data" --name "Possum Books" --mcc 5942 --mid $mid >/dev/null
"$possum" admin merchant add --data "$data" --name "Possum Tea" --mcc 5812 --mid $mid2 >/dev/null
a() { "$possum" admin terminal "$@" --data "$data"; }
# The components of a --json answer as `possum term init --tmk-components` takes them.
comps() {
	grep -o '"component":"[0-9A-F]*","kcv":"[0-9A-F]*"' "$1" |
		sed 's/"component":"\([0-9A-F]*\)","kcv":"\([0-9A-F]*\)"/\1:\2/' | paste -sd, -
}

expect 0 "help" -- "$possum" admin terminal --help
out_has "rebind"
expect 2 "add: --lat without --address" -- a add --merchant $mid --sn SN-E1 --lat 1
expect 2 "add: --address without --lon" -- a add --merchant $mid --sn SN-E1 --address "1 Road" --lat 1
expect 2 "add: latitude out of range" -- a add --merchant $mid --sn SN-E1 --address "1 Road" --lat 90000001 --lon 0
expect 2 "add: --parts and --kek" -- a add --merchant $mid --sn SN-E1 --parts 2 --kek 00:000000,00:000000
expect 2 "add: a --kek component without its check value" -- a add --merchant $mid --sn SN-E1 --kek 0011
err_has "^possum admin terminal add: --kek: each is HEX:KCV"
expect 2 "state change without a TID" -- a suspend
err_has "TID is needed"
expect 2 "TID and a different --tid" -- a show TERME001 --tid TERME002
err_has "TID given twice: 'TERME001' and --tid 'TERME002'"
expect 2 "two TIDs" -- a show TERME001 TERME002
err_has "takes one TID"
expect 0 "help: TID positional" -- a show --help
out_has "Usage: possum admin terminal show TID "
expect 2 "rebind without --reason" -- a rebind --tid TERME001 --merchant $mid2
expect 1 "show: no such terminal" -- a show --tid NOSUCH01
err_has "no such terminal"

expect 0 "add, at a place" -- a add --merchant $mid --sn SN-E1 --tid TERME001 --address "9 Fuzhou Road, Shanghai" --lat 31234567 --lon 121481234 --json
cp "$tmp/out" "$tmp/e1.json"
out_has '"tid":"TERME001"'
# tmk_components, beside the components list, is what term init and possum load read.
tmk=$(sed -n 's/.*"tmk_components":"\([^"]*\)".*/\1/p' "$tmp/e1.json")
[ -n "$tmk" ] && [ "$tmk" = "$(comps "$tmp/e1.json")" ] && ok || bad "tmk_components '$tmk' is not the components: $(cat "$tmp/e1.json")"
out_has '"components":\[{"component":"[0-9A-F]*","kcv":"[0-9A-F]*"}'
expect 1 "add: the SN bound" -- a add --merchant $mid --sn SN-E1
err_has "bound"
expect 0 "add, registered only" -- a add --merchant $mid --sn SN-E2 --tid TERME002 --no-activate
out_has "^term init    possum term init --host HOST:PORT --tid TERME002 --mid $mid --sn SN-E2 --tmk-components [0-9A-F]*:[0-9A-F]*,[0-9A-F]*:[0-9A-F]*$"
expect 0 "show" -- a show TERME002
out_has "state        registered"
expect 0 "show, --tid as before" -- a show --tid TERME002
out_has "state        registered"
expect 0 "show, TID and the same --tid" -- a show TERME002 --tid TERME002
expect 1 "resume a registered terminal" -- a resume TERME002
err_has "not allowed"
expect 1 "suspend a registered terminal" -- a suspend --tid TERME002
expect 0 "activate" -- a activate TERME002 --reason "device test passed"
out_has "state        active"
expect 1 "activate twice" -- a activate --tid TERME002
expect 0 "suspend" -- a suspend TERME002 --reason audit
expect 0 "resume" -- a resume --tid TERME002 --json
out_has '"state":"active"'
expect 2 "reviewed without a reason" -- a reviewed --tid TERME002
expect 0 "reviewed" -- a reviewed TERME002 --reason "seals and firmware checked" --json
out_has '"next_review":"2'
expect 0 "retire" -- a retire TERME002 --reason broken
expect 1 "reviewed when retired" -- a reviewed --tid TERME002 --reason late
expect 1 "retire twice" -- a retire --tid TERME002
expect 0 "add, the retired SN bound again" -- a add --merchant $mid --sn SN-E2 --tid TERME003
expect 1 "tmk: handed out already" -- a tmk TERME003
err_has "handed out once"
expect 0 "list" -- a list --merchant $mid
n=$(wc -l <"$tmp/out")
if [ "$n" -eq 3 ]; then ok; else bad "list: $(cat "$tmp/out")"; fi
expect 0 "list --json" -- a list --json
out_has '"items":\[{"tid":"TERME001"'

# The host: the terminal keyed, signed in, paying; another SN refused and raised.
issue_card "$tmp/card.json" 100.00
"$possum" host --data "$data" --port 0 --terminal-port 0 >"$tmp/host.out" 2>"$tmp/host.log" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$tmp"' EXIT
wait_ports "$data" $pid
port=$(sed -n 's/^acquirer=//p' "$data/host.ports")
[ -n "$port" ] || { echo "FAIL: no acquirer port"; exit 1; }
t() { st=$1; shift; "$possum" term "$@" --state "$tmp/$st"; }
expect 0 "init (tmk_components)" -- t t1 init --host "127.0.0.1:$port" --mid $mid --tid TERME001 --sn SN-E1 --tmk-components "$tmk"
expect 0 "signin" -- t t1 signin
expect 0 "purchase" -- t t1 purchase --card "$tmp/card.json" --pin 123456 --amount 1.00
expect 0 "status" -- a status TERME001 --json
out_has '"online":true'
out_has '"version":"'
out_has '"type":"purchase"'
out_has '"risk_events":0'
expect 0 "init, another SN" -- t t2 init --host "127.0.0.1:$port" --mid $mid --tid TERME001 --sn SN-FAKE --tmk-components "$(comps "$tmp/e1.json")"
# Its sign-in carries its SN (59 A2 02): refused 58 with a risk event, and no working keys.
expect 1 "signin, another SN: 58" -- t t2 signin --json
out_has '"rc":"58"'
expect 0 "status: the risk event" -- a status --tid TERME001
out_has "risk events  1"
expect 1 "purchase, another SN: not approved" -- t t2 purchase --card "$tmp/card.json" --pin 123456 --amount 1.00
err_has "sign in"
# The refusal left the bound terminal's keys as they were: it goes on paying.
expect 0 "purchase, the bound SN" -- t t1 purchase --card "$tmp/card.json" --pin 123456 --amount 1.00
# A terminal with no SN set (not one `term init` makes: its state edited) sends no field 59
# at sign-in, and a sign-in without 59 is served.
cp -R "$tmp/t1" "$tmp/t5"
expect 0 "its SN cleared" -- sqlite3 "$tmp/t5/possum.db" "UPDATE term_state SET sn = '' RETURNING tid"
out_has "TERME001"
expect 0 "signin, no SN set" -- t t5 signin

# The human output's `term init` line, pasted with the host's address, keys a terminal.
expect 0 "add, for the pasted line" -- a add --merchant $mid --sn "SN/E4's" --tid TERME004
line=$(sed -n 's/^term init    possum //p' "$tmp/out" | sed "s/HOST:PORT/127.0.0.1:$port/")
expect 0 "the pasted term init line" -- sh -c "\"\$0\" $line --data '$tmp/t4'" "$possum"
expect 0 "signin after the pasted line" -- "$possum" term signin --data "$tmp/t4"

# Rebinding re-keys: the old TMK no longer signs in; the new one does.
expect 0 "rebind" -- a rebind TERME001 --merchant $mid2 --reason "sold to Possum Tea" --json
cp "$tmp/out" "$tmp/e1b.json"
out_has '"tmk_components":"[0-9A-F]*:[0-9A-F]*,[0-9A-F]*:[0-9A-F]*"' 
if [ "$(sed -n 's/.*"kcv":"\([0-9A-F]*\)"}$/\1/p' "$tmp/e1.json")" != \
	"$(sed -n 's/.*"kcv":"\([0-9A-F]*\)"}$/\1/p' "$tmp/e1b.json")" ]; then ok; else bad "same TMK after rebind"; fi
expect 2 "rebind: nothing would change" -- a rebind --tid TERME001 --merchant $mid2 --reason again
expect 1 "purchase on the old keys" -- t t1 purchase --card "$tmp/card.json" --pin 123456 --amount 1.00
expect 0 "init with the new TMK" -- t t3 init --host "127.0.0.1:$port" --mid $mid2 --tid TERME001 --sn SN-E1 --tmk-components "$(comps "$tmp/e1b.json")"
expect 0 "signin with the new TMK" -- t t3 signin
expect 0 "purchase at the new merchant" -- t t3 purchase --card "$tmp/card.json" --pin 123456 --amount 1.00
finish
