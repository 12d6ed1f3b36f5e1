#!/bin/sh
# e2e_attack_api.sh — attacks on the HTTP API of a real `possum host` (tests/attack/api_host.sh),
# with curl, each refused and changing nothing (the host's database compared before and after
# each): merchant A's token and A's console user's session on every route that names merchant
# B or B's terminal or transaction (404, or 403 where only operators may; the session's CSRF
# token sent), and A's lists holding none of B's; path names as uploaded documents' names
# (kept as a base name, nothing written outside the documents directory). SQL metacharacters
# and oversized values are e2e_attack_fields.sh's; a token guessed repeatedly is
# tests/http/e2e_token_guard.sh's. Prints one line per attack and "attacks: N tried, …".
possum=$1
. "$2/tests/lib.sh"
. "$2/tests/attack/api_host.sh"

# ---- another merchant's routes (merchant B's MID, terminal TERMB001, transaction RRN), each
# with A's token and with A's session ----
cross() {
	method=$1 path=$2 want=$3 body=${4:-}
	[ -n "$body" ] && json "$body"
	state >"$tmp/before"
	said=
	for who in ma session; do
		s=$(call $who "$method" "$path" ${body:+"$tmp/req.json"})
		e=$(jq -r '.error // empty' "$tmp/body" 2>/dev/null)
		said="$said${said:+ }$s${e:+ \"$e\"}"
	done
	state >"$tmp/after"
	# The route is real: the operator is answered.
	if [ "$method" = GET ]; then
		s=$(call op GET "$path")
		[ "$s" = 200 ] && ok || bad "the operator's $method $path: $s $(head -c 200 "$tmp/body")"
	fi
	attack "$method $(echo "$path" | sed "s/$B/B/; s/$rrn/RRN/; s/$today/DAY/")" "$said" \
		"^$want \"[^\"]*\" $want \"[^\"]*\"$" "$tmp/before" "$tmp/after"
}
cross GET /merchants/$B 404
cross GET /merchants/$B/balance 404
cross GET /merchants/$B/takings 404
cross GET /merchants/$B/documents 404
cross GET /merchants/$B/payouts 404
cross GET /merchants/$B/statements/$today 404
cross GET /merchants/$B/settlement-card 404
cross GET /terminals/TERMB001 404
cross GET /terminals/TERMB001/status 404
cross GET /transactions/$rrn 404
cross GET "/transactions?mid=$B" 404
cross GET "/terminals?mid=$B" 404
cross POST /merchants/$B/documents 404 '{"type":"other","name":"x.pdf","content":"'"$pdf"'"}'
cross POST /merchants/$B/settlement-card 404 \
	'{"card":"'"$(jq -r .pan "$tmp/card.json")"'","holder":"Qian Shi","id_number":"110101199512120011","phone":"13700001234"}'
cross POST /merchants/$B/settlement-card/confirm 404 '{"otp":"123456"}'
cross POST /merchants/$B/steps 403 '{"step":"suspend","reason":"x"}'
cross PUT /merchants/$B/fees 403 '{"credit_bp":1}'
cross PUT /merchants/$B/limits 403 '{"daily":1}'
cross POST /terminals/TERMB001/state 403 '{"state":"suspended"}'
cross POST /terminals/TERMB001/rebind 403 '{"mid":"'$A'","reason":"mine now"}'
cross POST /terminals/TERMB001/tmk 403

# The lists: A's own only.
for path in /merchants /terminals /transactions; do
	state >"$tmp/before"
	said=
	for who in ma session; do
		s=$(call $who GET $path)
		said="$said${said:+ }$s, $(jq "[.items[] | select(.mid == \"$B\")] | length" "$tmp/body") of B's"
	done
	state >"$tmp/after"
	attack "GET $path (A's list)" "$said" "^200, 0 of B's 200, 0 of B's$" "$tmp/before" "$tmp/after"
done

# ---- path names as uploaded documents' names ----
# files: every file under the test's directory but the documents directory and the database's
# own, with its size; and the documents directory's names that are not a SHA-256.
files() {
	find "$tmp" -type f ! -path "$data/documents/*" ! -name 'possum.db*' ! -path "$tmp/t/*" \
		! -name before ! -name after ! -name body ! -name 'req.json' ! -name 'd.pdf' \
		! -name 'quiet.*' ! -name 'files.*' ! -name out ! -name err ! -name host.log -printf '%p %s\n' | sort
	ls "$data/documents" | grep -v '^[0-9A-Fa-f]\{64\}$'
	ls -l --time-style=+%s /etc/passwd
}
for name in '"../../etc/passwd"' '"/etc/passwd"' '"..\\\\..\\\\windows\\\\win.ini"' \
	'"C:\\\\temp\\\\x.pdf"' '"a\u0000/../../../x.pdf"' '"....//....//etc/passwd"' \
	'"../../../../../../../../tmp/possum-attack.pdf"' '".."' '"x/"' '"\u202Efdp.exe"'; do
	k=$((k + 1))
	body_docs $k | jq -c --argjson v "$name" '.name = $v' >"$tmp/req.json"
	files >"$tmp/files.before"
	state >"$tmp/before"
	s=$(call ma POST /merchants/$A/documents "$tmp/req.json")
	state >"$tmp/after"
	files >"$tmp/files.after"
	kept=$(jq -r '.name // empty' "$tmp/body")
	case $s in
	201)
		# A base name: no separator, no control character, not hidden, at most 100 bytes.
		if printf '%s' "$kept" | grep -q '[/\\]\|^[. ]\|[[:cntrl:]]' || [ ${#kept} -gt 100 ] ||
			[ -z "$kept" ]; then
			said="201 kept as '$kept'"
		else
			said="201, kept as '$kept'"
		fi
		cp "$tmp/files.before" "$tmp/before"
		cp "$tmp/files.after" "$tmp/after"
		;;
	*) said="$s $(jq -r '.error // "no reason"' "$tmp/body")" ;;
	esac
	[ -e /tmp/possum-attack.pdf ] && said="$said, /tmp/possum-attack.pdf written"
	attack "document named $name" "$said" "^201, kept as '[^/\\]*'$\|^400 \(name\|the body must be\) " "$tmp/before" "$tmp/after"
	cmp -s "$tmp/files.before" "$tmp/files.after" && ok ||
		bad "files outside the documents directory: $(diff "$tmp/files.before" "$tmp/files.after")"
done

attacks_done
finish
