#!/bin/sh
# e2e_risk_qr.sh — the rule card_after_qr end to end (docs/risk.md "card_after_qr"): a
# terminal's static code paid from a card's wallet (`possum admin wallet pay-qr`), then card
# purchases at that terminal through a real `possum host` and `possum term`, on one clock set
# by faketime: another card of the same holder 300 s after is reviewed (the rule recorded with
# holder_qr_gap=300, a case opened, the purchase approved), 301 s after is not, another holder's
# card is not; the QR payment counted in its card's windows beside the card's own purchase.
# Skipped (77) without faketime or sqlite3 (scripts/bootstrap installs them).
possum=$1
. "$2/tests/lib.sh"

lib=$(faketime_lib)
if [ -z "$lib" ] || ! command -v sqlite3 >/dev/null; then
	echo "skipped: faketime or sqlite3 missing (scripts/bootstrap installs them)"
	exit 77
fi

data=$tmp/host
st=$tmp/term
clock=$tmp/clock
at() { echo "$1" >"$clock"; } # the clock of the host and of pay-qr, UTC (local +08:00)
at "2026-12-05 02:00:00"
sed -e 's/^port *=.*/port = 0/' "$2/etc/possum.conf" >"$tmp/possum.conf"
export POSSUM_CONFIG=$tmp/possum.conf POSSUM_DATA=$data

issue() { # issue NAME HOLDER ID: a debit card of that holder into NAME.json
	"$possum" admin card issue --product debit --holder "$2" --id-number "$3" \
		--phone 13800000000 --pin 123456 --balance 10000.00 --out "$tmp/$1.json" >/dev/null
}
issue wallet "Zhang San" 110101199003070000
issue card "Zhang San" 110101199003070000 # another card of the same holder
issue other "Li Si" 110101199003070011
pan_of() { sed -n 's/.*"pan": *"\([0-9]*\)".*/\1/p' "$tmp/$1.json"; }
mid=898310048120001
"$possum" admin merchant add --name "Possum Mart" --mcc 5411 --mid $mid >/dev/null
"$possum" admin terminal add --merchant $mid --sn SN0001 --tid TERM0001 --json >"$tmp/tadd.json"

faked_host "$lib" "$clock" "$data"
comps=$(grep -o '"component":"[0-9A-F]*","kcv":"[0-9A-F]*"' "$tmp/tadd.json" |
	sed 's/"component":"\([0-9A-F]*\)","kcv":"\([0-9A-F]*\)"/\1:\2/' | paste -sd, -)
"$possum" term init --state "$st" --host "127.0.0.1:$port" --tid TERM0001 --mid $mid --sn SN0001 \
	--tmk-components "$comps" >/dev/null
"$possum" term signin --state "$st" >/dev/null

q() { db_sql "$data" "$1"; }
same() { if [ "$1" = "$2" ]; then ok; else bad "$3: '$1', expected '$2'"; fi; }
pay() { run "$possum" term purchase --state "$st" --card "$tmp/$1.json" --pin 123456 --amount "$2"; }
# hit: the numbers card_after_qr recorded on the last request's row ("" none).
hit() { q "SELECT numbers FROM risk_hits WHERE rule = 'card_after_qr' AND txn_id = (SELECT MAX(id) FROM acq_txns)"; }

# The terminal's static code, paid from the wallet's card at 10:00:00 local.
expect 0 "the terminal's code" -- "$possum" admin terminal qr TERM0001
payload=$(cat "$tmp/out")
on_clock() { (faked "$lib" "$clock" "$@"); } # a command on the host's clock, in the foreground
run on_clock "$possum" admin wallet pay-qr --payload "$payload" --amount 50.00 --card "$(pan_of wallet)"
same "$got" 0 "pay-qr: $(cat "$tmp/out" "$tmp/err")"
same "$(q "SELECT COUNT(*) FROM risk_holder_qr WHERE tid = 'TERM0001'")" 1 "the holder's QR payment kept"
if q "SELECT holder_key FROM risk_holder_qr" | grep -q 110101199003070000; then
	bad "the ID number kept in the clear"
else ok; fi

# Another holder's card, 10 s after: not.
at "2026-12-05 02:00:10"
pay other 20.00
same "$got" 0 "another holder's purchase"
same "$(hit)" "" "card_after_qr on another holder's card"
# The same holder's other card, exactly 300 s after: reviewed, approved, a case opened.
at "2026-12-05 02:05:00"
pay card 30.00
same "$got" 0 "the purchase 300 s after"
case $(hit) in *holder_qr_gap=300*) ok ;; *) bad "card_after_qr at 300 s: '$(hit)'" ;; esac
same "$(q "SELECT COUNT(*) FROM risk_cases WHERE rules LIKE '%card_after_qr%'")" 1 "the case"
# 301 s after: not.
at "2026-12-05 02:05:01"
pay card 31.00
same "$got" 0 "the purchase 301 s after"
same "$(hit)" "" "card_after_qr at 301 s"
same "$(q "SELECT COUNT(*) FROM risk_cases WHERE rules LIKE '%card_after_qr%'")" 1 "no second case"
# The wallet's own card swiped 360 s after: not reviewed; its QR payment and this purchase are
# one card's (one keyed hash), so both count in the card's windows.
at "2026-12-05 02:06:00"
pay wallet 10.00
same "$got" 0 "the wallet's card swiped"
same "$(hit)" "" "card_after_qr at 360 s"
same "$(q "SELECT COUNT(*) FROM acq_txns WHERE pan_hash = (SELECT pan_hash FROM acq_txns WHERE channel = 'qr') AND rc = '00'")" 2 \
	"the QR payment and the card's own under one card hash"
same "$(q "SELECT SUM(pays) FROM risk_counts WHERE who = 0 AND key = (SELECT pan_hash FROM acq_txns WHERE channel = 'qr')")" 2 \
	"both in the card's counts"

finish
