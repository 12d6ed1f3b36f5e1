# fields.sh — what the attack tests on the API's fields share (sourced after api_host.sh):
# the hostile values, each write route's valid body, and inject, which tries every value in
# one field of one route and prints its line of the table.

# Each value a JSON literal in a file: SQL metacharacters, a NUL, % and _, 100 KB, 400 digits.
n=0
hostile() {
	n=$((n + 1))
	printf '%s' "$1" >"$tmp/v$n"
}
hostile "\"'; DROP TABLE merchants;--\""
hostile '"\" OR 1=1"'
hostile '"a\u0000b"'
hostile '"%"'
hostile '"_"'
printf '"%s"' "$(head -c 102400 /dev/zero | tr '\0' A)" >"$tmp/v6"
printf '"%s"' "$(head -c 400 /dev/zero | tr '\0' 9)" >"$tmp/v7"
printf '%s' "$(head -c 400 /dev/zero | tr '\0' 9)" >"$tmp/v8"
nvalues=8
pan=$(jq -r .pan "$tmp/card.json")

# Each write route's valid body, the Nth (unique where a value must be): body_ROUTE N.
body_merchants() { echo '{"legal_name":"Possum Books","licence":"91310000MA1FL8XQ3K","tax_number":"91310000MA1FL8XQ3K","rep_name":"Li Si","rep_id":"110101198001011234","address":"9 Nanjing Road","mcc":"5942","phone":"13800138000"}'; }
body_terminals() { echo '{"mid":"'$A'","sn":"SNX'$1'","address":"1 Nanjing Road","lat":31230416,"lon":121473701}'; }
body_users() { echo '{"name":"u'$1'","role":"auditor"}'; }
body_tokens() { echo '{"role":"auditor","label":"ci"}'; }
body_adjust() { echo '{"mid":"'$A'","amount":-1250,"reason":"batch short"}'; }
body_lists() { echo '{"kind":"terminal","tid":"TERMA001","list":"watched","reason":"looked at"}'; }
body_sc() { echo '{"card":"'$pan'","holder":"Qian Shi","id_number":"110101199512120011","phone":"13700001234"}'; }
body_phone() { echo '{"phone":"13700001234"}'; }
body_fees() { echo '{"credit_bp":60}'; }
body_limits() { echo '{"daily":0}'; }
body_close() { echo '{"verdict":"legitimate","reason":"a regular"}'; }
body_session() { echo '{"name":"a.user","password":"correct horse battery staple","totp":"000000"}'; }

# inject AUTH METHOD PATH BODY FIELD[=WHERE] [TABLE...]: every hostile value in FIELD of the
# route's body: each answered 4xx with a JSON reason and the database as it was (but the
# TABLEs, which count refusals: tries, the issuer's decisions, the audit log), or 2xx with the
# value kept as sent (the answer's FIELD, or the jq path WHERE; WHERE "masked": the answer
# shows it masked, as long as sent); never 5xx, the schema as it was. One line of the table.
k=0
inject() {
	who=$1 method=$2 path=$3 bodyf=$4 field=${5%%=*} where=${5#*=}
	[ "$where" != "$5" ] || where=".$field"
	shift 5
	sqlite3 -cmd '.timeout 5000' "$data/possum.db" .schema >"$tmp/schema.before"
	refused=0 kept=0 codes= wrong=
	db_state "$data" user_sessions "$@" >"$tmp/after"
	for v in $(seq $nvalues); do
		k=$((k + 1))
		$bodyf $k | jq -c --arg f "$field" --slurpfile v "$tmp/v$v" '.[$f] = $v[0]' >"$tmp/req.json"
		mv "$tmp/after" "$tmp/before"
		if [ "$who" = public ]; then
			s=$(curl -s -o "$tmp/body" -w '%{http_code}' -H 'Expect:' --interface 127.0.0.2 \
				--data-binary "@$tmp/req.json" "$api$path")
		else
			s=$(call $who "$method" "$(echo "$path" | sed "s/@N@/$v/")" "$tmp/req.json")
		fi
		db_state "$data" user_sessions "$@" >"$tmp/after"
		case $s in
		4??)
			if ! grep -q '^{"error":"' "$tmp/body"; then
				wrong="$wrong $s(no reason, value $v)"
			elif ! cmp -s "$tmp/before" "$tmp/after"; then
				wrong="$wrong $s(changed, value $v: $(diff "$tmp/before" "$tmp/after" | grep '^[<>]' | head -1 | cut -c1-100))"
			else
				refused=$((refused + 1))
				case " $codes " in *" $s "*) ;; *) codes="$codes${codes:+ }$s" ;; esac
			fi
			;;
		2??)
			if [ "$where" = masked ]; then
				test="(.$field | length) == (\$v[0] | length) and (.$field | contains(\"*\"))"
			else
				test="$where == \$v[0]"
			fi
			if jq -e --slurpfile v "$tmp/v$v" "$test" "$tmp/body" >/dev/null 2>&1; then
				kept=$((kept + 1))
			else
				wrong="$wrong $s(kept as $(jq -c "$where" "$tmp/body" 2>&1 | cut -c1-40), value $v)"
			fi
			;;
		*) wrong="$wrong $s(value $v: $(head -c 100 "$tmp/body"))" ;;
		esac
	done
	sqlite3 -cmd '.timeout 5000' "$data/possum.db" .schema >"$tmp/schema.after"
	attack "$method $(echo "$path" | sed "s/$A/A/; s/@N@/{id}/; s/$pan/PAN/") $field" \
		"$refused 4xx (${codes:-none}), $kept kept verbatim${wrong:+, FAILED:$wrong}" \
		"^[0-9]* 4xx ([0-9 ]*\|none), [0-9]* kept verbatim$" "$tmp/schema.before" "$tmp/schema.after"
}
