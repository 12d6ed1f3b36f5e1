#!/bin/sh
# e2e_certify_onboarding.sh — the device certificates (docs/certify.md "Certificates") and the
# onboarding's requirement on an acquirer's road: apply, review, test (the MID given), the
# terminals registered with their models and keyed during the device test (not activated: the
# merchant is not active yet, and a terminal that is not in service is refused at sign-in);
# `possum admin merchant step MID agree` (and the API's agree step) refused while a terminal
# registered with a model has no certificate in force for its model and the version it
# reported (any version of the model before it reports one), allowed once one is recorded,
# refused again once it is revoked, allowed with --override-certification (audited, with the
# terminals let through); activation (keeping the MID the test step gave), then each terminal
# activated, by the CLI and by the API; a terminal without a model and `merchant add`'s whole
# road never held up; `possum certify list` and `revoke`,
# their output and exit codes.
#
# Two things are written behind the store's back (db_sql), each said where it is done:
# - the certificates: `possum certify run` records one when a terminal passes the suite; here
#   the rows are written as it writes them (id, model, version, suite, cases, who, the report's
#   SHA-256), so that this test needs no terminal run through the suite;
# - the version a terminal reported (59.A2.05, which its sign-in records): a terminal under
#   device test is not in service and does not sign in, so the version is written as a sign-in
#   would leave it.
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
# testing MID TID: a merchant of MID taken through apply, review and test (which gives it its
# MID), with terminal TID of model PX-7 registered, keyed and not activated; $mid is MID.
testing() {
	mid=$1
	"$possum" admin merchant apply --data "$data" --legal-name "Shop $1" --licence L$1 \
		--tax-number T$1 --rep-name "Li Si" --rep-id 110101198001011234 --address "1 Road" \
		--mcc 5411 --phone 13800138000 >"$tmp/app" || bad "apply"
	app=$(sed -n 's/^application \([0-9]*\) .*/\1/p' "$tmp/app")
	"$possum" admin merchant step --data "$data" "$app" review --reason "papers complete" \
		>/dev/null || bad "review"
	expect 0 "test: the MID given" -- "$possum" admin merchant step --data "$data" "$app" test \
		--reason "terminals to test" --mid "$1"
	out_has "reviewing -> device_testing  mid $1"
	expect 0 "a terminal under test" -- "$possum" admin terminal add --data "$data" \
		--merchant "$1" --sn "SN-$2" --tid "$2" --model PX-7 --no-activate
	out_has "^term init    possum term init --host HOST:PORT --tid $2 --mid $1 --sn SN-$2 "
	cp "$tmp/out" "$tmp/term-$2"
}
# reported [TID] VERSION: what terminal TID (CERT0001) last reported in 59.A2.05 ('' none).
reported() {
	[ $# = 2 ] && { t=$1; shift; } || t=CERT0001
	db_sql "$data" "UPDATE terminals SET version = '$1' WHERE tid = '$t'" >/dev/null
}
agree() { "$possum" admin merchant step --data "$data" $mid agree --reason "agreement sent" "$@"; }

expect 0 "certify --help" -- "$possum" certify --help
out_has "possum certify COMMAND"
out_has "revoke"
expect 0 "certify list --help" -- "$possum" certify list --help
out_has "Usage: possum certify list \[--model M\] \[--all\]"
expect 0 "certify revoke --help" -- "$possum" certify revoke --help
out_has "ID --reason TEXT"

# The whole road at once: no certificate asked (its terminal of a model, uncertified, comes
# after, as the merchant is active).
expect 0 "merchant add: not held up" -- "$possum" admin merchant add --data "$data" --name Shop \
	--mcc 5411 --mid 898310054110099
expect 0 "merchant add: active" -- "$possum" admin merchant show --data "$data" 898310054110099 --json
out_has '"state":"active"'

# A merchant in device testing: its MID given at the test step, a terminal of model PX-7 and
# one of no model registered; neither may go into service while the merchant is not active.
testing $mid CERT0001
expect 1 "terminal add (activating) for a merchant in device testing" -- "$possum" admin \
	terminal add --data "$data" --merchant $mid --sn SN-CERT-2 --tid CERT0002
err_has "merchant $mid is device_testing: its terminals serve once it is active; register with --no-activate"
expect 1 "nothing registered" -- "$possum" admin terminal show --data "$data" CERT0002
expect 0 "terminal of no model" -- "$possum" admin terminal add --data "$data" --merchant $mid \
	--sn SN-CERT-2 --tid CERT0002 --no-activate
expect 1 "terminal activate: its merchant not active" -- "$possum" admin terminal activate \
	--data "$data" CERT0001
expect 0 "still registered" -- "$possum" admin terminal show --data "$data" CERT0001 --json
out_has '"state":"registered"'
expect 2 "--mid with agree" -- "$possum" admin merchant step --data "$data" $mid agree \
	--reason x --mid $mid

expect 0 "list: none" -- "$possum" certify list --data "$data"
out_has "^none$"
expect 0 "list --json: none" -- "$possum" certify list --data "$data" --json
out_has '^{"items":\[\],"next":null}$'
expect 2 "list: an empty model" -- "$possum" certify list --data "$data" --model ""

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
expect 2 "activate: another MID" -- "$possum" admin merchant step --data "$data" $mid activate \
	--reason "agreement signed" --mid 898310054110098
err_has "has its MID already, $mid"
expect 0 "activate" -- "$possum" admin merchant step --data "$data" $mid activate \
	--reason "agreement signed"
out_has "agreement -> active  mid $mid"
expect 0 "terminal activate: its merchant active" -- "$possum" admin terminal activate \
	--data "$data" CERT0001
expect 0 "in service" -- "$possum" admin terminal show --data "$data" CERT0001 --json
out_has '"state":"active"'

testing 898310054110002 CERT0011
reported CERT0011 321702
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

testing 898310054110003 CERT0021
reported CERT0021 321702
expect 1 "agree: its certificate revoked" -- agree
err_has "terminal CERT0021 (model PX-7, version 321702) has no device certificate in force"
expect 2 "override with another step" -- "$possum" admin merchant step --data "$data" $mid \
	activate --reason go --override-certification "pilot"
expect 0 "agree with an override" -- agree --override-certification "pilot: vendor retest booked"
out_has "device_testing -> agreement"
expect 0 "audit: the override" -- "$possum" admin audit --data "$data" --object merchant:$mid \
	--action merchant.certification_override --json
out_has '"reason":"pilot: vendor retest booked"'
out_has '"tid":"CERT0021","model":"PX-7","version":"321702"'

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
testing 898310054110004 CERT0031
reported CERT0031 321702
# Keyed while its merchant is in device testing, the terminal is not in service: its sign-in is
# refused (97), and no working keys are issued.
line=$(sed -n 's/^term init    possum //p' "$tmp/term-CERT0031" | sed "s/HOST:PORT/127.0.0.1:$port/")
expect 0 "term init with the TMK handed out" -- sh -c "\"\$0\" $line --data '$tmp/t31'" "$possum"
expect 1 "sign-in of a terminal under device test: 97" -- "$possum" term signin --data "$tmp/t31" --json
out_has '"rc":"97"'
step '{"step":"agree","reason":"agreement sent"}'
status_is 409 "API agree without a certificate"
out_has '"error":"terminal CERT0031 (model PX-7, version 321702) has no device certificate in force"'
step '{"step":"review","reason":"x","override_certification":"pilot"}'
status_is 400 "API override with another step"
out_has '"field":"override_certification"'
step '{"step":"agree","reason":"agreement sent","override_certification":"pilot via the API"}'
status_is 200 "API agree with an override"
out_has '"state":"agreement"'
expect 0 "audit: the API's override" -- "$possum" admin audit --data "$data" --object merchant:$mid \
	--action merchant.certification_override --json
out_has '"reason":"pilot via the API"'
# In agreement: a terminal registered through the API, not with activate; activation keeps the
# MID the test step gave (another one: 400).
post() {
	curl -s -o "$tmp/out" -w '%{http_code}' -H "Authorization: Bearer $op" -d "$2" \
		"http://127.0.0.1:$api/api/v1$1" >"$tmp/status"
}
post /terminals '{"mid":"'$mid'","sn":"SN-API-1","tid":"CERTA001","model":"PX-7","address":"9 Nanjing Road","lat":31234567,"lon":121474321,"activate":true}'
status_is 409 "API register with activate, merchant in agreement"
out_has '"error":"the merchant is not active (one in device testing or agreement has its terminals registered without activate)","field":"mid"'
post /terminals '{"mid":"'$mid'","sn":"SN-API-1","tid":"CERTA001","model":"PX-7","address":"9 Nanjing Road","lat":31234567,"lon":121474321}'
status_is 201 "API register, merchant in agreement"
out_has '"state":"registered"'
post /terminals/CERTA001/state '{"state":"active"}'
status_is 409 "API terminal activate, merchant in agreement"
step '{"step":"activate","reason":"signed","mid":"898310054110097"}'
status_is 400 "API activate with another MID"
out_has '"error":"the merchant has its MID already","field":"mid"'
step '{"step":"activate","reason":"signed"}'
status_is 200 "API activate"
out_has '"mid":"'$mid'"'
post /terminals/CERTA001/state '{"state":"active"}'
status_is 200 "API terminal activate, merchant active"
out_has '"state":"active"'
testing 898310054110005 CERT0041
reported CERT0041 321702
cert CERT-00000000000C PX-7 321702
step '{"step":"agree","reason":"agreement sent"}'
status_is 200 "API agree certified"
finish
