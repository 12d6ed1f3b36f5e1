#!/bin/sh
# e2e_attack_fields.sh — hostile values in every text field of the HTTP API's write routes, on
# a real `possum host` (tests/attack/api_host.sh), with curl: SQL metacharacters, a NUL, % and
# _, 100 KB strings and long numbers, each answered 4xx with a JSON reason and the database as
# it was, or kept verbatim; never a 500, the schema intact. Prints one line per route and
# field and "attacks: N tried, …". These are the onboarding routes: merchants' applications,
# terminals, users, tokens, documents; e2e_attack_fields_ops.sh has the others.
possum=$1
. "$2/tests/lib.sh"
. "$2/tests/attack/api_host.sh"
. "$2/tests/attack/fields.sh"

for f in legal_name licence tax_number rep_name rep_id=masked address mcc phone; do
	inject op POST /merchants body_merchants $f
done
for f in mid sn tid address=.place.address lat lon; do inject op POST /terminals body_terminals $f; done
for f in name role mid; do inject op POST /users body_users $f; done
for f in role label mid; do inject op POST /tokens body_tokens $f; done
for f in type name content; do inject ma POST /merchants/$A/documents body_docs $f; done

attacks_done
finish
