#!/bin/sh
# e2e_attack_fields_ops.sh — hostile values in every text field of the HTTP API's other write
# routes (adjustments, risk lists, risk cases' notes, settlement cards, a card's phone, fees,
# limits, sign-in), as e2e_attack_fields.sh tries them on the onboarding routes: each answered
# 4xx with a JSON reason and the database as it was, or kept verbatim; never a 500, the schema
# intact. Prints one line per route and field and "attacks: N tried, …".
possum=$1
. "$2/tests/lib.sh"
. "$2/tests/attack/api_host.sh"
. "$2/tests/attack/fields.sh"

for f in mid amount reason; do inject op POST /settle/adjustments body_adjust $f; done
for f in kind tid list reason; do inject op POST /risk/lists body_lists $f; done
# Cases 1 to 8, one a value: the verdict's refused, the notes closing them.
for f in verdict reason; do inject op POST /risk/cases/@N@/close body_close $f; done
for f in card holder id_number phone; do
	inject ma POST /merchants/$A/settlement-card body_sc $f decisions cardauths card_days
done
inject op POST /cards/$pan/phone body_phone phone
for f in credit_bp debit_bp qr_bp debit_cap; do inject op PUT /merchants/$A/fees body_fees $f; done
for f in daily per_txn types; do inject op PUT /merchants/$A/limits body_limits $f; done
for f in name password totp; do inject public POST /session body_session $f users audit_log; done

attacks_done
finish
