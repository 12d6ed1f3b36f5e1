#!/bin/sh
# e2e_certify_onboarding.sh — the device certificates (docs/certify.md "Certificates") and the
# onboarding's requirement: `possum admin merchant step MID agree` (and the API's agree step)
# refused while a terminal registered with a model has no certificate in force for its model
# and the version it reported (any version of the model before it reports one), allowed once
# one is recorded, refused again once it is revoked, allowed with --override-certification
# (audited, with the terminals let through); a terminal without a model and `merchant add`'s
# whole road never held up; `possum certify list` and `revoke`, their output and exit codes.
#
# Two things are made behind the store's back (db_sql), each said where it is done:
# - the certificates: `possum certify run` records one when a terminal passes the suite; here
#   the rows are written as it writes them (id, model, version, suite, cases, who, the report's
#   SHA-256), so that this test needs no terminal run through the suite;
# - a merchant in device_testing with terminals: a merchant's MID, and so its terminals, come
#   with activation today, so the test registers the terminals of an active merchant and then
#   sets its application back to device_testing (state 3), as the step would find it were the
#   terminals registered during the device test.
possum=$1
. "$2/tests/lib.sh"
data=$tmp/data
mid=898310054110001

# cert ID MODEL VERSION: a certificate in force, as `possum certify run` records it.
cert() {
	db_sql "$data" "INSERT INTO certify_certificates (id, model, version, suite, passed_cases,
		issued_at, issued_by, report_sha256) VALUES ('$1', '$2', '$3', 'cup-pos', 18,
		1796000000, 'cli:certify', '$(printf '%064d' 0)')" >/dev/null
}
# testing: the merchant's application back in device_testing (see above).
testing() { db_sql "$data" "UPDATE merchant_apps SET state = 3 WHERE mid = '$mid'" >/dev/null; }
# reported VERSION: what terminal CERT0001 last reported in 59.A2.05 ('' none yet).
reported() { db_sql "$data" "UPDATE terminals SET version = '$1' WHERE tid = 'CERT0001'" >/dev/null; }
agree() { "$possum" admin merchant step --data "$data" $mid agree --reason "agreement sent" "$@"; }

expect 0 "certify --help" -- "$possum" certify --help
out_has "possum certify COMMAND"
out_has "revoke"
expect 0 "certify list --help" -- "$possum" certify list --help
out_has "Usage: possum certify list \[--model M\] \[--all\]"
expect 0 "certify revoke --help" -- "$possum" certify revoke --help
out_has "ID --reason TEXT"

# An active merchant (the whole road at once: no certificate asked), a terminal of model PX-7
# and one of no model.
expect 0 "merchant add: not held up" -- "$possum" admin merchant add --data "$data" --name Shop \
	--mcc 5411 --mid $mid
expect 0 "terminal of a model" -- "$possum" admin terminal add --data "$data" --merchant $mid \
	--sn SN-CERT-1 --tid CERT0001 --model PX-7
expect 0 "terminal of no model" -- "$possum" admin terminal add --data "$data" --merchant $mid \
	--sn SN-CERT-2 --tid CERT0002

expect 0 "list: none" -- "$possum" certify list --data "$data"
out_has "^none$"
expect 0 "list --json: none" -- "$possum" certify list --data "$data" --json
out_has '^{"items":\[\],"next":null}$'
expect 2 "list: an empty model" -- "$possum" certify list --data "$data" --model ""

testing
expect 1 "agree: no certificate" -- agree
err_has "terminal CERT0001 (model PX-7, no version reported) has no device certificate in force"
err_has "override-certification"
if grep -q CERT0002 "$tmp/err"; then bad "the terminal of no model held the merchant up"; else ok; fi
expect 0 "still device_testing" -- "$possum" admin merchant show --data "$data" $mid --json
out_has '"state":"device_testing"'

cert CERT-00000000000A PX-7 321700
reported 321702
expect 1 "agree: a certificate of another version" -- agree
err_has "terminal CERT0001 (model PX-7, version 321702) has no device certificate in force"
reported ""
expect 0 "agree: no version reported, a certificate of its model" -- agree
out_has "device_testing -> agreement"

testing
reported 321702
cert CERT-00000000000B PX-7 321702
expect 0 "agree: certified for its model and version" -- agree
out_has "device_testing -> agreement"

expect 0 "list" -- "$possum" certify list --data "$data"
out_has "^CERT-00000000000A  PX-7 .*321700 .*cup-pos .*18 cases  issued .* by cli:certify"
out_has "^CERT-00000000000B  PX-7 .*321702"
expect 0 "list --model --json" -- "$possum" certify list --data "$data" --model PX-7 --json
out_has '"id":"CERT-00000000000B","model":"PX-7","version":"321702","suite":"cup-pos","passed_cases":18,"issued":"'
out_has '"revoked":null'
expect 0 "list: another model" -- "$possum" certify list --data "$data" --model Q9
out_has "^none$"

expect 2 "revoke without a reason" -- "$possum" certify revoke --data "$data" CERT-00000000000B
err_has "\-\-reason is required"
expect 2 "revoke without an id" -- "$possum" certify revoke --data "$data" --reason x
expect 1 "revoke: no such certificate" -- "$possum" certify revoke --data "$data" CERT-FFFFFFFFFFFF \
	--reason "fails in the field"
err_has "no certificate CERT-FFFFFFFFFFFF"
expect 0 "revoke" -- "$possum" certify revoke --data "$data" CERT-00000000000B \
	--reason "fails in the field" --json
out_has '"id":"CERT-00000000000B"'
out_has '"revoked":"20[0-9-]*T[0-9:]*[-+Z]'
out_has '"revoke_reason":"fails in the field"'
expect 1 "revoke again" -- "$possum" certify revoke --data "$data" CERT-00000000000B --reason x
err_has "revoked already"
err_has "fails in the field"
expect 0 "audit: certify.revoke" -- "$possum" admin audit --data "$data" \
	--object certificate:CERT-00000000000B --json
out_has '"action":"certify.revoke"'
expect 0 "list: in force only" -- "$possum" certify list --data "$data"
if grep -q CERT-00000000000B "$tmp/out"; then bad "a revoked certificate listed without --all"; else ok; fi
expect 0 "list --all" -- "$possum" certify list --data "$data" --all
out_has "^    revoked .* by cli:.*: fails in the field"

testing
expect 1 "agree: its certificate revoked" -- agree
err_has "terminal CERT0001 (model PX-7, version 321702) has no device certificate in force"
expect 2 "override with another step" -- "$possum" admin merchant step --data "$data" $mid \
	activate --reason go --override-certification "pilot"
expect 0 "agree with an override" -- agree --override-certification "pilot: vendor retest booked"
out_has "device_testing -> agreement"
expect 0 "audit: the override" -- "$possum" admin audit --data "$data" --object merchant:$mid \
	--action merchant.certification_override --json
out_has '"reason":"pilot: vendor retest booked"'
out_has '"tid":"CERT0001","model":"PX-7","version":"321702"'

# The API's agree step: 409 with the reason, then the override's field.
command -v curl >/dev/null 2>&1 || { echo "e2e_certify_onboarding: curl is needed (scripts/bootstrap installs it)" >&2; exit 1; }
start_host "$data"
op=$("$possum" admin token create --data "$data" --json --role operator |
	sed -n 's/.*"token":"\([0-9A-F]*\)".*/\1/p')
# step BODY: POST the merchant's steps; the status in $tmp/status, the body in $tmp/out.
step() {
	curl -s -o "$tmp/out" -w '%{http_code}' -H "Authorization: Bearer $op" -d "$1" \
		"http://127.0.0.1:$api/api/v1/merchants/$mid/steps" >"$tmp/status"
}
status_is() { if [ "$(cat "$tmp/status")" = "$1" ]; then ok; else bad "$2: status $(cat "$tmp/status"), expected $1: $(cat "$tmp/out")"; fi; }
testing
step '{"step":"agree","reason":"agreement sent"}'
status_is 409 "API agree without a certificate"
out_has '"error":"terminal CERT0001 (model PX-7, version 321702) has no device certificate in force"'
step '{"step":"review","reason":"x","override_certification":"pilot"}'
status_is 400 "API override with another step"
out_has '"field":"override_certification"'
step '{"step":"agree","reason":"agreement sent","override_certification":"pilot via the API"}'
status_is 200 "API agree with an override"
out_has '"state":"agreement"'
expect 0 "audit: the API's override" -- "$possum" admin audit --data "$data" --object merchant:$mid \
	--action merchant.certification_override --json
out_has '"reason":"pilot via the API"'
testing
cert CERT-00000000000C PX-7 321702
step '{"step":"agree","reason":"agreement sent"}'
status_is 200 "API agree certified"
finish
