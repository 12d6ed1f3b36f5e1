# acquirer.sh — a small independent acquirer in shell, for the demo and the end-to-end tests:
# it forms the issuer's zone PIN key under its own LMK from components, makes PIN blocks and
# chip cryptograms with possum's HSM and crypto commands, builds ISO 8583:1987 requests as
# JSON and sends them with `possum iso send`. Sourced; needs $possum (the binary), $acq_dir (a
# scratch directory), $acq_host (HOST:PORT of the issuer's link) and $acq_lmk (the acquirer's
# LMK, 64 hex digits).

acq_stan=100

# acq_json KEY FILE: the value of "KEY":"…" in FILE.
acq_json() { sed -n "s/.*\"$1\": *\"\([^\"]*\)\".*/\1/p" "$2"; }

# acq_zpk DATA: the issuer's zone PIN key, exported as two components from the issuer's data
# directory and formed under the acquirer's LMK into $acq_zpk (its check value: $acq_zpk_kcv).
acq_zpk() {
	"$possum" admin link zpk --data "$1" --json >"$acq_dir/zpk.json" || return 1
	# The issuer's LMK: POSSUM_LMK, else the data directory's test LMK file.
	if [ -z "${POSSUM_LMK:-}" ]; then set -- --lmk "$1/lmk"; else set --; fi
	"$possum" hsm export-components "$@" --parts 2 --json \
		"$(acq_json block "$acq_dir/zpk.json")" >"$acq_dir/parts.json" || return 1
	c1=$(sed -n 's/.*"components":\[{"component":"\([0-9A-F]*\)","kcv":"\([0-9A-F]*\)"}.*/\1:\2/p' "$acq_dir/parts.json")
	c2=$(sed -n 's/.*},{"component":"\([0-9A-F]*\)","kcv":"\([0-9A-F]*\)"}\].*/\1:\2/p' "$acq_dir/parts.json")
	POSSUM_LMK=$acq_lmk "$possum" hsm import-components --usage P0 --json "$c1" "$c2" \
		>"$acq_dir/azpk.json" || return 1
	acq_zpk=$(acq_json block "$acq_dir/azpk.json")
	acq_zpk_kcv=$(acq_json kcv "$acq_dir/azpk.json")
}

# acq_pinblock PIN PAN: field 52, the format 0 PIN block under the zone PIN key.
acq_pinblock() { POSSUM_LMK=$acq_lmk "$possum" hsm pin-block --pin "$1" --pan "$2" "$acq_zpk"; }

# acq_chip AMOUNT ATC MK: field 55 of a chip read ($acq_f55) as the card makes it: the ARQC
# ($acq_arqc) over the card's CDOL1 data under the session key ($acq_sk) of its master key MK
# and the ATC (4 hex digits).
acq_chip() {
	amt=$(printf '%012d' "$1")
	cdol="${amt}000000000000015600000000000156261130005A17C3097C00$2"
	acq_sk=$("$possum" crypto emv session-key --mk "$3" --r "$2"000000000000)
	acq_arqc=$("$possum" crypto emv arqc --key "$acq_sk" --data "$cdol")
	acq_f55="9F0206${amt}9F03060000000000009F1A020156950500000000005F2A020156"
	acq_f55="${acq_f55}9A032611309C01009F37045A17C30982027C009F3602${2}5F3401009F2608$acq_arqc"
}

# acq_msg MTI PROC AMOUNT PAN TRACK PINBLOCK [FIELDS]: a request in $acq_dir/msg.json with a
# new STAN (the last again when KEEP_STAN is set), transmission time $TRANSMIT (default from
# the STAN), RRN $RRN (default the STAN), entry mode $ENTRY (default 021: stripe, PIN),
# condition code $COND (default 00), merchant name $MERCHANT (field 43), and FIELDS, more
# "N":"value" pairs.
acq_msg() {
	[ -n "${KEEP_STAN:-}" ] || acq_stan=$((acq_stan + 1))
	{
		printf '{"mti":"%s","fields":{"3":"%s","4":"%012d","7":"%s","11":"%06d",' \
			"$1" "$2" "$3" "${TRANSMIT:-$(printf '1130%06d' "$acq_stan")}" "$acq_stan"
		[ -n "$4" ] && printf '"2":"%s",' "$4"
		[ -n "$5" ] && printf '"35":"%s",' "$5"
		[ -n "$6" ] && printf '"52":"%s",' "$6"
		[ -n "${7:-}" ] && printf '%s,' "$7"
		printf '"22":"%s","25":"%s","32":"48020000",' "${ENTRY:-021}" "${COND:-00}"
		printf '"43":"%-40.40s",' "${MERCHANT:-Possum Tea House}"
		printf '"37":"%s","41":"TERM0001","42":"898310048120001","49":"156"}}\n' \
			"${RRN:-$(printf '%012d' "$acq_stan")}"
	} >"$acq_dir/msg.json"
}

# acq_send: sends $acq_dir/msg.json (binary fields as $acq_binary says: raw, the default, or
# hex); the answer in $acq_dir/answer.json, its field 39 in $acq_rc ("" when none came).
acq_send() {
	"$possum" iso send --host "$acq_host" --profile iso87a --binary "${acq_binary:-raw}" --json \
		<"$acq_dir/msg.json" \
		>"$acq_dir/answer.json" 2>"$acq_dir/send.err"
	acq_rc=$(acq_json 39 "$acq_dir/answer.json")
}
