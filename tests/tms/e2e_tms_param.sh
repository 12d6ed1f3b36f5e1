# e2e_tms_param.sh — `possum admin tms param` and the terminals' models (docs/tms.md): usage
# (exit 2), a key set at each level and its override in `show` with where each value comes
# from, `list` of one level with its version and who changed it, the merchant's limits read
# only, bad keys and values refused with their reason and nothing changed, unset, the version
# changing with what the terminal gets, --json for programs, and the audit log.
possum=$1
. "$2/tests/lib.sh"

data=$tmp/host
mid=898310048120007
mid2=898310058120008
sed -e 's/^port *=.*/port = 0/' "$2/etc/possum.conf" >"$tmp/possum.conf"
export POSSUM_CONFIG=$tmp/possum.conf
"$possum" admin merchant add --data "$data" --name "Possum Books" --mcc 5942 --mid $mid >/dev/null
"$possum" admin merchant add --data "$data" --name "Possum Tea" --mcc 5812 --mid $mid2 >/dev/null
"$possum" admin merchant limits $mid2 --per-txn 500.00 --types purchase,refund --data "$data" >/dev/null
p() { "$possum" admin tms param "$@" --data "$data"; }
t() { "$possum" admin terminal "$@" --data "$data"; }
# The value of KEY in `show --json`'s answer ($tmp/out), and the level it came from.
val() { sed -n "s/.*\"$1\":{\"value\":\"\([^\"]*\)\",\"from\":\"\([^\"]*\)\".*/\1 \2/p" "$tmp/out"; }
version() { sed -n 's/.*"version":"\([0-9a-f]*\)".*/\1/p' "$tmp/out"; }
is() { if [ "$1" = "$2" ]; then ok; else bad "$3: '$1', expected '$2'"; fi; }

# The terminals: one of model PX-7 at the first merchant, one without a model at the second.
expect 0 "terminal add --model" -- t add --merchant $mid --sn SN-T1 --tid TERMT001 --model PX-7
expect 2 "terminal add: a bad model" -- t add --merchant $mid --sn SN-T9 --model "PX 7"
err_has "\-\-model: 1 to 32"
expect 0 "terminal add, no model" -- t add --merchant $mid2 --sn SN-T2 --tid TERMT002
expect 0 "terminal show: the model" -- t show TERMT001
out_has "^model        PX-7$"
expect 0 "terminal show --json: the model" -- t show TERMT002 --json
out_has '"model":""'

expect 0 "help" -- "$possum" admin tms param --help
out_has "show"
expect 0 "set --help" -- p set --help
out_has "Usage: possum admin tms param set (--terminal TID | --merchant MID | --model M | --all) KEY VALUE"
expect 2 "set: no level" -- p set language en
err_has "one level: --terminal TID, --merchant MID, --model M or --all"
expect 2 "set: two levels" -- p set --all --model PX-7 language en
expect 2 "set: no value" -- p set --all language
err_has "takes KEY VALUE"
expect 2 "show: no terminal" -- p show
expect 1 "show: no such terminal" -- p show --terminal NOSUCH01
err_has "no such terminal"

# Nothing set: the defaults, the merchant's name and limits.
expect 0 "show: defaults" -- p show --terminal TERMT001 --json
is "$(val connect_timeout)" "10 default" "connect_timeout"
is "$(val merchant_name_zh)" "Possum Books default" "merchant_name_zh"
is "$(val utc_offset)" "+08:00 default" "utc_offset"
is "$(val types)" "purchase,void,refund,preauth,balance,cardauth merchant limits" "types"
v0=$(version)
expect 0 "show: the second merchant's limits" -- p show --terminal TERMT002 --json
is "$(val types)" "purchase,refund merchant limits" "types of $mid2"
is "$(val per_txn_max)" "50000 merchant limits" "per_txn_max of $mid2"

# Each level overrides the one before.
expect 0 "set --all" -- p set --all connect_timeout 20
out_has "^connect_timeout    20$"
expect 0 "set --model" -- p set --model PX-7 connect_timeout 30
expect 0 "set --merchant" -- p set --merchant $mid connect_timeout 40
expect 0 "show: the merchant's" -- p show --terminal TERMT001 --json
is "$(val connect_timeout)" "40 merchant" "connect_timeout at the merchant"
expect 0 "set --terminal --json" -- p set --terminal TERMT001 connect_timeout 50 --json
out_has '"level":"terminal","name":"TERMT001","version":1,"changed_by":"cli:[^"]*","changed_at":"[-0-9T:+]*","params":{"connect_timeout":"50"}'
expect 0 "show: the terminal's" -- p show --terminal TERMT001
out_has "^connect_timeout    CT  terminal         50$"
out_has "^types              TX  merchant limits  purchase,void,refund,preauth,balance,cardauth$"
expect 0 "show: the other terminal has all's" -- p show --terminal TERMT002 --json
is "$(val connect_timeout)" "20 all" "connect_timeout of TERMT002"

# Refused, nothing changed: read-only and unknown keys, bad values, unknown levels' names.
expect 0 "show" -- p show --terminal TERMT001 --json
v1=$(version)
[ "$v1" != "$v0" ] && ok || bad "the version did not change: $v1"
expect 2 "set: read only" -- p set --terminal TERMT001 types purchase
err_has "types: read only, the merchant's limits"
expect 2 "set: unknown key" -- p set --all colour blue
err_has "colour: no such key"
expect 2 "set: out of range" -- p set --terminal TERMT001 answer_timeout 200
err_has "answer_timeout: a whole number from 5 to 180"
expect 2 "set: not HOST:PORT" -- p set --all host_primary example.com
err_has "host_primary: HOST:PORT"
expect 2 "set: a language" -- p set --all language fr
err_has "language: one of zh|en"
expect 2 "set: a bad model name" -- p set --model "a b" language en
expect 1 "set: no such merchant" -- p set --merchant 898310048129999 language en
err_has "no such merchant"
expect 0 "show: unchanged" -- p show --terminal TERMT001 --json
is "$(version)" "$v1" "the version after refusals"
expect 0 "list --terminal: still one key, version 1" -- p list --terminal TERMT001 --json
out_has '"version":1,'
out_has '"params":{"connect_timeout":"50"}'

# list: the level's keys alone, its version and who.
expect 0 "set --merchant another key" -- p set --merchant $mid receipt_footer "谢谢惠顾"
expect 0 "list --merchant" -- p list --merchant $mid
out_has "^level        merchant $mid$"
out_has "^version      2 (cli:"
out_has "^receipt_footer     谢谢惠顾$"
expect 0 "list --all --json" -- p list --all --json
out_has '"level":"all","name":null,"version":1,'

# A terminal's model changed: the new model's set applies.
expect 0 "unset the terminal's and the merchant's" -- p unset --terminal TERMT001 connect_timeout
expect 0 "unset --merchant" -- p unset --merchant $mid connect_timeout
expect 0 "show: the model's" -- p show --terminal TERMT001 --json
is "$(val connect_timeout)" "30 model" "connect_timeout from PX-7"
expect 0 "terminal model" -- t model TERMT001 PX-8
out_has "^model        PX-8$"
expect 2 "terminal model: a bad one" -- t model TERMT001 "PX 8"
expect 1 "terminal model: no such terminal" -- t model NOSUCH01 PX-8
expect 0 "show: all's again" -- p show --terminal TERMT001 --json
is "$(val connect_timeout)" "20 all" "connect_timeout after the model changed"
expect 1 "unset: not set there" -- p unset --terminal TERMT001 connect_timeout
err_has "connect_timeout is not set at terminal TERMT001"

# The merchant's limits changed: what the terminal gets, and its version, follow.
expect 0 "show" -- p show --terminal TERMT002 --json
v2=$(version)
"$possum" admin merchant limits $mid2 --per-txn 800.00 --data "$data" >/dev/null
expect 0 "show: the new limit" -- p show --terminal TERMT002 --json
is "$(val per_txn_max)" "80000 merchant limits" "per_txn_max after merchant limits"
[ "$(version)" != "$v2" ] && ok || bad "the version did not follow the merchant's limits"

# The audit log: each change, who, the key's old and new value.
n=$(db_sql "$data" "SELECT count(*) FROM audit_log WHERE action LIKE 'tms.param.%'")
is "$n" 7 "tms.param audit entries (5 sets, 2 unsets)"
# Each level's changes on its own object: all 1, the model 1, the merchant 2 sets and an
# unset, the terminal a set and an unset.
n=$(db_sql "$data" "SELECT object || '=' || count(*) FROM audit_log WHERE action LIKE 'tms.param.%' GROUP BY object ORDER BY object" | paste -sd' ' -)
is "$n" "tms:all=1 tms:merchant:$mid=3 tms:model:PX-7=1 tms:terminal:TERMT001=2" "tms.param audit entries by level"
n=$(db_sql "$data" "SELECT count(*) FROM audit_log WHERE action = 'terminal.model' AND object = 'terminal:TERMT001'")
is "$n" 1 "terminal.model audit entries"
expect 0 "audit: the merchant level's change" -- "$possum" admin audit --object "tms:merchant:$mid" --data "$data" --json
out_has '"action":"tms.param.unset"'
out_has '"before":{"key":"connect_timeout","value":"40","version":2}'
finish
