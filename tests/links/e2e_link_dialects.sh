#!/bin/sh
# e2e_link_dialects.sh POSSUM SOURCE_DIR — three links with different dialects (docs/links.md):
# three issuer hosts, each with its own LMK and BIN range, whose inbound [link] speaks iso87a,
# iso87a-bb (binary fields as hex text, on both sides) and iso87b; host A routes each range to
# its link ([link.b1] dialect = iso87a …) with the zone PIN key of that issuer. Through each: a
# purchase approved, and a wrong PIN declined 55 by the issuer that checked it.
possum=$1
top=$2
. "$2/tests/lib.sh"
. "$top/scripts/acquirer.sh"
. "$top/tests/links/twohosts.sh"

set -- b1:62258801:iso87a:raw b2:62258802:iso87a-bb:hex b3:62258803:iso87b:raw
th_acquirer_conf
for l in "$@"; do
	IFS=: read -r name bin dialect binary <<EOF
$l
EOF
	th_issuer "$name" "$bin" "$dialect" "$binary"
	th_start "$name"
	printf '[route]\nroute = %s %s\n' "$bin" "$name" >>"$tmp/a.conf"
	eval "th_link $name \$${name}_port $dialect $binary \$${name}_zpk"
done
th_acquirer_start
expect 0 "A's routes" -- "$possum" admin route list --json
for l in "$@"; do
	out_has "\"destination\":\"${l%%:*}\".*\"dialect\":\"$(echo "$l" | cut -d: -f3)\""
done

approvals=0
declines=0
for l in "$@"; do
	name=${l%%:*}
	link_wait_up 0 "$name" && ok ||
		bad "link $name never came up: $(grep "\"link\":\"$name\"" "$tmp/host.log" | tail -3)"
	pan=$(th_pan "$name")
	bal=$(th_balance "$name" "$pan")
	if t purchase --card "$tmp/$name.card" --pin 123456 --amount 3.21 --json >"$tmp/out" 2>&1 &&
		grep -q '"rc":"00"' "$tmp/out"; then
		approvals=$((approvals + 1))
		ok
	else
		bad "$l: purchase $(cat "$tmp/out"); $name: $(tail -2 "$tmp/$name.log")"
	fi
	[ "$(th_balance "$name" "$pan")" -eq $((bal - 321)) ] && ok || bad "$name: the balance did not move"
	t purchase --card "$tmp/$name.card" --pin 111111 --amount 1.00 --json >"$tmp/out" 2>&1
	if grep -q '"rc":"55"' "$tmp/out"; then
		declines=$((declines + 1))
		ok
	else
		bad "$l: wrong PIN $(cat "$tmp/out")"
	fi
	# Each decided by its issuer, which checked the PIN (under the zone key both hold).
	[ "$(th_decisions "$name" purchase)" = "00/approved 55/pin_wrong " ] && ok ||
		bad "$name decided: $(th_decisions "$name" purchase)"
	grep '"event":"transaction"' "$tmp/host.log" | grep -c "\"route\":\"$name\"" | grep -qx 2 && ok ||
		bad "A's log lacks two transactions routed to $name"
done
echo "dialects: $# links, approvals $approvals, declines $declines"
finish
