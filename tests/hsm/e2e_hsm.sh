#!/bin/sh
# e2e_hsm.sh POSSUM SOURCE_DIR — `possum hsm` as an operator runs it: help and exit codes, an
# LMK file (mode 0600, never overwritten, refused when others may read it), the LMK from the
# environment, keys generated and shown (PAN keys among them: AES-256 D0, HMAC M7), a key
# ceremony with the published check value 08D7B4 (components and their check values computed
# with openssl), mistyped components refused, and components out and back in.
possum=$1
. "$(dirname "$0")/../lib.sh"

# field NAME: the value of the "NAME  value" line of the last output.
field() { awk -v k="$1" '$1 == k { print $2 }' "$tmp/out"; }

lmk=$tmp/lmk
# The issuer PIN key 0123456789ABCDEFFEDCBA9876543210 (KCV 08D7B4) in two components.
c1=A1B3C2D5E5F70719293B4A5D6D7F8F91:76CDB5
c2=A19186B36D5DCBF7D6E6F1C41A2ABC80:781F35

# Help and usage.
expect 0 "possum hsm --help" -- "$possum" hsm --help
out_has "import-components"
expect 2 "possum hsm" -- "$possum" hsm
expect 2 "unknown subcommand" -- "$possum" hsm frobnicate
err_has "unknown command 'frobnicate'"
for cmd in init generate import-components export-components kcv; do
	expect 0 "possum hsm $cmd --help" -- "$possum" hsm "$cmd" --help
	out_has "Usage: possum hsm $cmd"
done
expect 2 "unknown option" -- "$possum" hsm generate --usage P0 --bogus

# The LMK file.
expect 2 "init without --lmk" -- "$possum" hsm init
err_has "possum hsm init: --lmk FILE is required"
expect 0 "init" -- "$possum" hsm init --lmk "$lmk"
lmk_kcv=$(field kcv)
if echo "$lmk_kcv" | grep -Eq '^[0-9A-F]{10}$'; then ok; else bad "LMK kcv '$lmk_kcv'"; fi
if [ "$(stat -c %a "$lmk")" = 600 ]; then ok; else bad "LMK file mode $(stat -c %a "$lmk")"; fi
if grep -Eq '^[0-9A-F]{64}$' "$lmk" && [ "$(wc -l <"$lmk")" -eq 1 ]; then ok; else bad "LMK file content"; fi
cp "$lmk" "$tmp/lmk.copy"
expect 1 "init again" -- "$possum" hsm init --lmk "$lmk"
err_has "possum hsm init: .*exists; an LMK is never overwritten"
if cmp -s "$lmk" "$tmp/lmk.copy"; then ok; else bad "init overwrote the LMK"; fi
expect 0 "init --json" -- "$possum" hsm init --lmk "$tmp/lmk2" --json
out_has '^{"kcv":"[0-9A-F]\{10\}"}$'
expect 1 "init in a missing directory" -- "$possum" hsm init --lmk "$tmp/no/such/lmk"
err_has "cannot create"

# Keys: generate, show.
expect 0 "generate P0" -- "$possum" hsm generate --usage P0 --lmk "$lmk"
block=$(field block)
kcv=$(field kcv)
case $block in D0112P0TB00E0000*) ok ;; *) bad "P0 block '$block'" ;; esac
if echo "$kcv" | grep -Eq '^[0-9A-F]{6}$'; then ok; else bad "P0 kcv '$kcv'"; fi
expect 0 "pin-block --json" -- "$possum" hsm pin-block --pin 1234 --pan 4012345678909 --lmk "$lmk" --json "$block"
out_has '^{"pin_block":"[0-9A-F]\{16\}"}$'
expect 0 "kcv" -- "$possum" hsm kcv --lmk "$lmk" "$block"
out_has "^kcv  *$kcv$"
out_has "^usage  *P0$"
out_has "^algorithm  *tdes$"
out_has "^mode  *B$"
expect 0 "kcv --json" -- "$possum" hsm kcv --json --lmk "$lmk" "$block"
if [ "$(cat "$tmp/out")" = "{\"kcv\":\"$kcv\",\"usage\":\"P0\",\"algorithm\":\"tdes\",\"length\":16,\"mode\":\"B\",\"export\":\"E\"}" ]; then ok; else bad "kcv json: $(cat "$tmp/out")"; fi
expect 0 "generate AES-256 CMAC key, JSON" -- "$possum" hsm generate --usage M6 --alg aes --length 32 --mode G --json --lmk "$lmk"
if grep -Eq '^\{"block":"D0144M6AG00E0000[0-9A-F]{128}","kcv":"[0-9A-F]{10}"\}$' "$tmp/out"; then ok; else bad "AES json: $(cat "$tmp/out")"; fi
expect 0 "generate K0, triple length, sensitive" -- "$possum" hsm generate --usage K0 --length 24 --export S --lmk "$lmk"
out_has "^block  *D0112K0TB00S0000"
expect 2 "generate without --usage" -- "$possum" hsm generate --lmk "$lmk"
err_has "--usage is required"
expect 2 "generate unknown usage" -- "$possum" hsm generate --usage Q7 --lmk "$lmk"
err_has "Q7: key usage"
expect 2 "generate X9.19 key in AES" -- "$possum" hsm generate --usage M3 --alg aes --lmk "$lmk"
err_has "algorithm or length"
expect 2 "generate single DES" -- "$possum" hsm generate --usage P0 --length 8 --lmk "$lmk"
expect 2 "generate bad mode" -- "$possum" hsm generate --usage P0 --mode G --lmk "$lmk"
expect 2 "generate bad alg" -- "$possum" hsm generate --usage P0 --alg des --lmk "$lmk"
err_has "--alg is tdes, aes or hmac"

# Keys for PANs at rest: an AES-256 data key, and an HMAC key for their hash (M7's default).
expect 0 "generate D0 AES-256" -- "$possum" hsm generate --usage D0 --alg aes --length 32 --lmk "$lmk"
out_has "^block  *D0144D0AB00E0000[0-9A-F]\{128\}$"
out_has "^kcv  *[0-9A-F]\{10\}$"
expect 0 "generate M7" -- "$possum" hsm generate --usage M7 --lmk "$lmk"
out_has "^block  *D0144M7HC00E0000[0-9A-F]\{128\}$"
m7=$(field block)
m7_kcv=$(field kcv)
expect 0 "kcv of M7" -- "$possum" hsm kcv --lmk "$lmk" "$m7"
out_has "^kcv  *$m7_kcv$"
out_has "^algorithm  *hmac$"
out_has "^length  *32$"
expect 0 "generate M7 verify-only" -- "$possum" hsm generate --usage M7 --alg hmac --mode V --lmk "$lmk"
out_has "^block  *D0144M7HV00E"
expect 2 "generate M7 in AES" -- "$possum" hsm generate --usage M7 --alg aes --length 32 --lmk "$lmk"
err_has "algorithm or length"
expect 2 "generate short HMAC key" -- "$possum" hsm generate --usage M7 --length 16 --lmk "$lmk"
expect 2 "generate HMAC key for CMAC" -- "$possum" hsm generate --usage M6 --alg hmac --lmk "$lmk"

# Where the LMK comes from.
expect 2 "no LMK" -- env -u POSSUM_LMK "$possum" hsm generate --usage P0
err_has "no LMK: give --lmk FILE or set POSSUM_LMK"
expect 0 "LMK from the environment" -- env POSSUM_LMK="$(cat "$lmk")" "$possum" hsm kcv "$block"
out_has "^kcv  *$kcv$"
expect 1 "LMK variable malformed" -- env POSSUM_LMK=0123 "$possum" hsm kcv "$block"
err_has "POSSUM_LMK: LMK missing or not 64 hex digits"
expect 1 "missing LMK file" -- "$possum" hsm kcv --lmk "$tmp/none" "$block"
err_has "cannot read the LMK file .*No such file"
cp "$lmk" "$tmp/open" && chmod 644 "$tmp/open"
expect 1 "LMK file others may read" -- "$possum" hsm kcv --lmk "$tmp/open" "$block"
err_has "others may read or write it; chmod 600"
"$possum" hsm init --lmk "$tmp/lmk2" >/dev/null 2>&1
expect 1 "another LMK" -- "$possum" hsm kcv --lmk "$tmp/lmk2" "$block"
err_has "does not authenticate"
out_empty "another LMK"

# Tampered and malformed blocks.
if [ "$(echo "$block" | cut -c41)" = 0 ]; then digit=1; else digit=0; fi
tampered=$(echo "$block" | sed "s/^\(.\{40\}\)./\1$digit/")
expect 1 "tampered key data" -- "$possum" hsm kcv --lmk "$lmk" "$tampered"
err_has "does not authenticate"
relabelled=$(echo "$block" | sed 's/^D0112P0/D0112M3/')
expect 1 "usage changed in the header" -- "$possum" hsm kcv --lmk "$lmk" "$relabelled"
err_has "does not authenticate"
expect 2 "not a block" -- "$possum" hsm kcv --lmk "$lmk" "hello"
err_has "not a key block under the LMK"
expect 2 "kcv without a block" -- "$possum" hsm kcv --lmk "$lmk"

# A key ceremony: the published check value.
expect 0 "import components" -- "$possum" hsm import-components --usage P0 --lmk "$lmk" "$c1" "$c2"
out_has "^kcv  *08D7B4$"
zpk=$(field block)
case $zpk in D0112P0TB00E0000*) ok ;; *) bad "imported block '$zpk'" ;; esac
if grep -qi "0123456789ABCDEF" "$tmp/out"; then bad "the clear key was printed"; else ok; fi
expect 0 "import components from stdin" -- sh -c "printf '%s\n\n%s\n' '$c1' '$c2' | '$possum' hsm import-components --usage P0 --json --lmk '$lmk'"
if grep -Eq '^\{"block":"D0112P0TB00E0000[0-9A-F]{96}","kcv":"08D7B4"\}$' "$tmp/out"; then ok; else bad "stdin import: $(cat "$tmp/out")"; fi
# Three components (the TMK of test_hsm.c, KCV B6E58A).
expect 0 "import three components" -- "$possum" hsm import-components --usage K0 --lmk "$lmk" \
	7667544532231001FEEFDCCDBAAB9889:D29114 0E1F2C3D4A5B68798697A4B5C2D3E0F1:819DB1 64F752260245341376E5F20716253443:1D16E0
out_has "^kcv  *B6E58A$"
expect 1 "a component mistyped" -- "$possum" hsm import-components --usage P0 --lmk "$lmk" "$c1" A19186B36D5DCBF7D6E6F1C41A2ABC90:781F35
err_has "component 2 does not match its check value"
out_empty "a component mistyped"
expect 1 "a check value mistyped" -- "$possum" hsm import-components --usage P0 --lmk "$lmk" A1B3C2D5E5F70719293B4A5D6D7F8F91:76CDB6 "$c2"
err_has "component 1 does not match its check value"
expect 2 "one component" -- "$possum" hsm import-components --usage P0 --lmk "$lmk" "$c1"
err_has "give 2 or 3 components"
expect 2 "four components" -- "$possum" hsm import-components --usage P0 --lmk "$lmk" "$c1" "$c2" "$c1" "$c2"
expect 2 "no check value" -- "$possum" hsm import-components --usage P0 --lmk "$lmk" A1B3C2D5E5F70719293B4A5D6D7F8F91 "$c2"
err_has "component 1: not COMPONENT:KCV"
expect 2 "not hex" -- "$possum" hsm import-components --usage P0 --lmk "$lmk" "$c1" "XYZ:781F35"
expect 2 "equal components" -- "$possum" hsm import-components --usage P0 --lmk "$lmk" "$c1" "$c1"
err_has "XOR would be zero"

# Components out and back in: the same key.
expect 0 "export components" -- "$possum" hsm export-components --parts 3 --lmk "$lmk" "$zpk"
out_has "^kcv  *08D7B4$"
parts=$(awk '$1 == "component" { print $3 }' "$tmp/out")
if [ "$(echo "$parts" | grep -Ec '^[0-9A-F]{32}:[0-9A-F]{6}$')" -eq 3 ]; then ok; else bad "components: $parts"; fi
# shellcheck disable=SC2086
expect 0 "components back in" -- "$possum" hsm import-components --usage P0 --lmk "$lmk" $parts
out_has "^kcv  *08D7B4$"
expect 0 "export components JSON" -- "$possum" hsm export-components --json --lmk "$lmk" "$zpk"
if grep -Eq '^\{"components":\[\{"component":"[0-9A-F]{32}","kcv":"[0-9A-F]{6}"\},\{"component":"[0-9A-F]{32}","kcv":"[0-9A-F]{6}"\}\],"kcv":"08D7B4"\}$' "$tmp/out"; then ok; else bad "export json: $(cat "$tmp/out")"; fi
expect 0 "generate a key that may not leave" -- "$possum" hsm generate --usage K0 --export N --lmk "$lmk"
expect 1 "export a key that may not leave" -- "$possum" hsm export-components --lmk "$lmk" "$(field block)"
err_has "exportability does not permit"
out_empty "export a key that may not leave"
expect 2 "export --parts 4" -- "$possum" hsm export-components --parts 4 --lmk "$lmk" "$zpk"
# An HMAC key the same way: 32-byte components with 5-byte check values, back in as M7.
expect 0 "export M7 components" -- "$possum" hsm export-components --lmk "$lmk" "$m7"
out_has "^kcv  *$m7_kcv$"
parts=$(awk '$1 == "component" { print $3 }' "$tmp/out")
if [ "$(echo "$parts" | grep -Ec '^[0-9A-F]{64}:[0-9A-F]{10}$')" -eq 2 ]; then ok; else bad "M7 components: $parts"; fi
# shellcheck disable=SC2086
expect 0 "M7 components back in" -- "$possum" hsm import-components --usage M7 --lmk "$lmk" $parts
out_has "^kcv  *$m7_kcv$"
out_has "^block  *D0144M7HC00E"

finish
