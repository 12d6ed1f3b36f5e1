#!/bin/sh
# e2e_token_guard.sh — guessing API tokens against `possum host`, with curl (docs/config.md
# [http] token_failures, token_window, token_lockout; here 10 in 60 s, refused for 3 s): ten
# bad tokens from 127.0.0.1 are each 401 and a token_denied line naming the peer; the eleventh
# request from it is 429 with Retry-After even with a good token, while another address
# (127.0.0.2) is served; after the lockout the good token works again. A bad value is refused
# with its file and line.
possum=$1
. "$2/tests/lib.sh"
command -v curl >/dev/null 2>&1 || { echo "e2e_token_guard: curl is needed" >&2; exit 1; }

data=$tmp/host
log=$tmp/host.log
{
	sed -e 's/^port *=.*/port = 0/' "$2/etc/possum.conf"
	printf '[host]\nlog = %s\nlog_level = info\n' "$log"
	printf '[http]\nport = 0\ntoken_failures = 10\ntoken_window = 60\ntoken_lockout = 3\n'
} >"$tmp/possum.conf"
export POSSUM_CONFIG=$tmp/possum.conf

printf '[http]\ntoken_lockout = 0\n' >"$tmp/bad.conf"
expect 2 "token_lockout = 0 refused" -- "$possum" admin token list --config "$tmp/bad.conf" --data "$data"
err_has "bad.conf.*line 2"

"$possum" admin token create --data "$data" --role operator --json >"$tmp/tok.json"
good=$(sed -n 's/.*"token":"\([0-9A-F]*\)".*/\1/p' "$tmp/tok.json")
[ -n "$good" ] || { echo "FAIL: no token: $(cat "$tmp/tok.json")"; exit 1; }

"$possum" host --data "$data" --port 0 --terminal-port 0 >"$tmp/host.out" 2>"$tmp/host.err" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$tmp"' EXIT
wait_ports "$data" $pid
api=$(sed -n 's/^api=//p' "$data/host.ports")
[ -n "$api" ] || { echo "FAIL: no API port: $(cat "$tmp/host.err")"; exit 1; }
url=http://127.0.0.1:$api/api/v1/whoami

# status TOKEN [CURL OPTION...]: the status of GET /whoami with that token; headers into $tmp/h.
status() {
	t=$1
	shift
	curl -s -o /dev/null -D "$tmp/h" -w '%{http_code}' -H "Authorization: Bearer $t" "$@" "$url"
}

[ "$(status "$good")" = 200 ] && ok || bad "the good token before: not 200"
for i in 1 2 3 4 5 6 7 8 9 10; do
	s=$(status "0BAD$i")
	[ "$s" = 401 ] || bad "bad token $i: $s, not 401"
done
s=$(status "$good")
if [ "$s" = 429 ]; then ok; else bad "the 11th, a good token: $s, not 429"; fi
if grep -qi '^Retry-After: [1-3]' "$tmp/h"; then ok; else bad "no Retry-After: $(cat "$tmp/h")"; fi
# Another address of the loopback network: served.
s=$(status "$good" --interface 127.0.0.2)
if [ "$s" = 200 ]; then ok; else bad "another address: $s, not 200"; fi
sleep 4
s=$(status "$good")
if [ "$s" = 200 ]; then ok; else bad "after the lockout: $s, not 200"; fi

kill -TERM $pid
wait $pid
n=$(grep -c '"event":"token_denied","peer":"127.0.0.1","credential":"token"' "$log")
if [ "$n" = 10 ]; then ok; else bad "$n token_denied lines with the peer, not 10: $(grep token_denied "$log" | head -2)"; fi
if grep -q '"event":"http_request",.*"status":429,.*"peer":"127.0.0.1"' "$log"; then ok; else bad "no 429 line with the peer"; fi
if grep -q '"event":"http_request",.*"status":200,.*"peer":"127.0.0.2"' "$log"; then ok; else bad "no line with the other peer"; fi
if grep -q 0BAD "$log"; then bad "a token in the log"; else ok; fi
finish
