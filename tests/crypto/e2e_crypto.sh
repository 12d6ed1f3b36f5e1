#!/bin/sh
# e2e_crypto.sh POSSUM SOURCE_DIR — `possum crypto` as a user runs it: every command against
# published known answers (shared/vectors/README.md and the sources tests/crypto/test_*.c
# cite), input in lower case, results alone on one upper-case line, and the refusals: exit 2
# for bad usage or input with a message naming the option, exit 1 for a check that fails.
possum=$1
. "$(dirname "$0")/../lib.sh"

# answer WANT -- COMMAND...: exit 0, stdout exactly the line WANT, stderr empty.
answer() {
	want=$1
	shift 2
	run "$@"
	if [ "$got" -eq 0 ] && [ "$(cat "$tmp/out")" = "$want" ] && [ "$(wc -l <"$tmp/out")" -eq 1 ] &&
		[ ! -s "$tmp/err" ]; then
		ok
	else
		bad "$*: exit $got, stdout '$(cat "$tmp/out")', stderr '$(cat "$tmp/err")'; expected $want"
	fi
}

# refuse STATUS MESSAGE -- COMMAND...: exit STATUS, nothing on stdout, MESSAGE on stderr.
refuse() {
	want=$1 msg=$2
	shift 3
	run "$@"
	if [ "$got" -eq "$want" ] && [ ! -s "$tmp/out" ] && grep -q -- "$msg" "$tmp/err"; then
		ok
	else
		bad "$*: exit $got (expected $want), stdout '$(cat "$tmp/out")', stderr '$(cat "$tmp/err")' (expected '$msg')"
	fi
}

# The bytes of ASCII text, in hex.
asc() { printf '%s' "$1" | od -An -v -tx1 | tr -d ' \n'; }

# c ARGS...: possum crypto ARGS...
c() { "$possum" crypto "$@"; }

# ---- help ----
run c --help
if [ "$got" -eq 0 ] && grep -q "tr31 unwrap" "$tmp/out"; then ok; else bad "crypto --help"; fi
run c
if [ "$got" -eq 2 ] && grep -q "Usage" "$tmp/err"; then ok; else bad "crypto without a command"; fi
for cmd in "kcv" "pin encode" "pin decode" "pin encrypt" "pin decrypt" "mac" "dukpt" "cvv" \
	"pvv" "ibm3624" "emv icc-mk" "emv session-key" "emv arqc" "emv arpc" "tr31 unwrap" \
	"tr31 wrap"; do
	# shellcheck disable=SC2086
	run c $cmd --help
	if [ "$got" -eq 0 ] && grep -q "^Usage: possum crypto $cmd " "$tmp/out" &&
		grep -q "Exit status" "$tmp/out"; then ok; else bad "$cmd --help"; fi
done
run c pin --help
if [ "$got" -eq 0 ] && grep -q "pin decrypt" "$tmp/out"; then ok; else bad "pin --help"; fi
refuse 2 "unknown command 'frob'" -- c frob
refuse 2 "unknown command 'frob'" -- c pin frob
refuse 2 "Usage" -- c tr31

# ---- kcv: ANSI X9.24-1 (TDES), X9.24-1:2017 (AES) ----
answer 08D7B4 -- c kcv --key 0123456789ABCDEFFEDCBA9876543210 # shared/vectors
# --json: the result under its name, as each --help says.
answer '{"kcv":"08D7B4"}' -- c kcv --key 0123456789ABCDEFFEDCBA9876543210 --json
answer '{"pin_block":"041274EDCBA9876F"}' -- c pin encode --format 0 --pin 1234 --pan 4012345678909 --json
answer '{"pin":"1234"}' -- c pin decode --format 0 --block 041274edcba9876f --pan 4012345678909 --json
answer '{"mac":"E267B6E2"}' -- c mac --alg cup-ecb --key 2222222222222222 --data 1234567890abcdefabcdef1234567890 --json
refuse 2 "--key must be" -- c kcv --key 0123 --json
answer CB9DEA -- c kcv --key f039121bec83d26b169bdcd5b22aaf8f # TR-31:2018 A.7.2.1
answer 57C409 -- c kcv --key 3F419E1CB7079442AA37474C2EFBF8B8 --alg tdes # A.7.2.2
answer D5D44F -- c kcv --key 0123456789abcdef                  # single DES
answer 08793E25AB -- c kcv --alg aes --key 3F419E1CB7079442AA37474C2EFBF8B8 # X9.143 8.1
answer 2331550BC9 -- c kcv --alg aes \
	--key 88e1ab2a2e3dd38c1fa039a536500cc8a87ab9d62dc92c01058fa79f44657de6 # X9.143 8.6
refuse 2 "--key must be 16, 32 or 48 hex digits" -- c kcv --key 0123456789ABCDEFFE
refuse 2 "--key must be 32, 48 or 64 hex digits" -- c kcv --alg aes --key 0123456789ABCDEF
refuse 2 "--key is not hex" -- c kcv --key 0123456789ABCDEG
refuse 2 "--alg must be tdes or aes" -- c kcv --alg des --key 0123456789ABCDEF
refuse 2 "--key is required" -- c kcv
refuse 2 "unknown option '--bogus'" -- c kcv --key 0123456789ABCDEF --bogus
refuse 2 "unknown option '--pan'" -- c kcv --key 0123456789ABCDEF --pan 4012345678909
refuse 2 "needs a value" -- c kcv --key
refuse 2 "given twice" -- c kcv --key 0123456789ABCDEF --key 0123456789ABCDEF
refuse 2 "unexpected argument 'extra'" -- c kcv --key 0123456789ABCDEF extra

# ---- pin encode / decode: ISO 9564-1 formats 0, 1, 3 ----
pan=5555555551234567
# Format 0: shared/vectors (X9.24-1:2009 A.4), the EFTlab/BP-Tools example, psec.
answer 041274EDCBA9876F -- c pin encode --format 0 --pin 1234 --pan 4012345678909
answer 0412AC89ABCDEF67 -- c pin encode --format 0 --pin 1234 --pan 43219876543210987
answer 0C1261032D8226A9 -- c pin encode --format 0 --pin 123456789012 --pan $pan
answer 1234 -- c pin decode --format 0 --block 041274edcba9876f --pan 4012345678909
answer 1234 -- c pin decode --format 0 --block 041261AAAAEDCBA9 --pan $pan
# Format 1: IBM CCA Basic Services E-11; format 3: psec test_decode_pinblock_iso_3.
answer 161234566ABCFDE1 -- c pin encode --format 1 --pin 123456 --fill 6abcfde1000000
answer 123456 -- c pin decode --format 1 --block 161234566abcfde1
answer 341261AAAAEDCBA9 -- c pin encode --format 3 --pin 1234 --pan $pan --fill FFFFFFFFFFFFFF
answer 3C1261032D8226A9 -- c pin encode --format 3 --pin 123456789012 --pan $pan --fill ffffffffffffff
answer 123456789 -- c pin decode --format 3 --block 391261032D8DCBA9 --pan $pan
# Random fill: two blocks differ and each reads back.
a=$(c pin encode --format 3 --pin 98765 --pan 4012345678909)
b=$(c pin encode --format 3 --pin 98765 --pan 4012345678909)
if [ "${#a}" -eq 16 ] && [ "$a" != "$b" ]; then ok; else bad "format 3 random fill: $a $b"; fi
answer 98765 -- c pin decode --format 3 --block "$a" --pan 4012345678909
refuse 2 "--pin: PIN must be 4 to 12 digits" -- c pin encode --format 0 --pin 12a4 --pan 4012345678909
refuse 2 "--pin: PIN must be 4 to 12 digits" -- c pin encode --format 0 --pin 123 --pan 4012345678909
refuse 2 "--pin: PIN must be 4 to 12 digits" -- c pin encode --format 3 --pin 1234567890123 --pan 4012345678909
refuse 2 "--pan" -- c pin encode --format 0 --pin 1234 --pan 401234567890
refuse 2 "--pan" -- c pin encode --format 0 --pin 1234 --pan 401234567890X
refuse 2 "--pan is required for format 3" -- c pin encode --format 3 --pin 1234
refuse 2 "format 1 takes no --pan" -- c pin encode --format 1 --pin 1234 --pan 4012345678909
refuse 2 "format 0 has no fill" -- c pin encode --format 0 --pin 1234 --pan 4012345678909 --fill FFFFFFFFFFFFFF
refuse 2 "format 3 fill digits are A to F" -- c pin encode --format 3 --pin 1234 --pan $pan --fill 99999999999999
refuse 2 "--fill must be 14 hex digits" -- c pin encode --format 1 --pin 1234 --fill ABCD
refuse 2 "--format must be 0, 1 or 3" -- c pin encode --format 2 --pin 1234
refuse 2 "--format is required" -- c pin encode --pin 1234
# Strict reading (psec test_decode_pinblock_iso_0_exception): control field, PIN length, fill.
refuse 2 "--block" -- c pin decode --format 0 --block 241261AAAAEDCBA9 --pan $pan
refuse 2 "--block: PIN must be 4 to 12 digits" -- c pin decode --format 0 --block 021261AAAAEDCBA9 --pan $pan
refuse 2 "--block" -- c pin decode --format 3 --block 041274EDCBA9876F --pan 4012345678909
refuse 2 "--block must be 16 hex digits" -- c pin decode --format 0 --block 041274EDCBA9 --pan 4012345678909
refuse 2 "--pan" -- c pin decode --format 0 --block 041261AAAAEDCBA9 --pan 555555555123

# ---- pin encrypt / decrypt: ISO 9564-1 format 4 ----
k4=00112233445566778899AABBCCDDEEFF
# shared/vectors (random field all FF); ep2 8.4 as psec quotes it; psec's 1-digit PAN.
answer 28B41FDDD29B743E93124BD8E32D921E -- c pin encrypt --format 4 --key $k4 --pin 1234 \
	--pan 1234567890123456789 --fill FFFFFFFFFFFFFFFF
answer CC17F65586BFD0953010226C4FC5B3CA -- c pin encrypt --format 4 \
	--key c1d0f8fb4958670dba40ab1f3752ef0d --pin 1234 --pan 432198765432109870 --fill 146c6601f4a8035c
answer 39B69B1B91FE05D48F7EF0D68EB2CBD6 -- c pin encrypt --format 4 --key $k4 --pin 123456 \
	--pan 1 --fill FFFFFFFFFFFFFFFF
answer 1234 -- c pin decrypt --format 4 --key $k4 --block 28b41fddd29b743e93124bd8e32d921e \
	--pan 1234567890123456789
answer 1234 -- c pin decrypt --format 4 --key C1D0F8FB4958670DBA40AB1F3752EF0D \
	--block CC17F65586BFD0953010226C4FC5B3CA --pan 432198765432109870
a=$(c pin encrypt --format 4 --key $k4 --pin 987654321098 --pan 4111111111111111)
answer 987654321098 -- c pin decrypt --format 4 --key $k4 --block "$a" --pan 4111111111111111
refuse 2 "--key must be 32, 48 or 64 hex digits" -- c pin encrypt --format 4 \
	--key 0123456789ABCDEF --pin 1234 --pan 4111111111111111
refuse 2 "--format must be 4" -- c pin encrypt --format 0 --key $k4 --pin 1234 --pan 4111111111111111
refuse 2 "--pin: PIN must be 4 to 12 digits" -- c pin encrypt --format 4 --key $k4 --pin 123 --pan 4111111111111111
refuse 2 "--pan" -- c pin encrypt --format 4 --key $k4 --pin 1234 --pan 41111111111111111111
refuse 2 "--block" -- c pin decrypt --format 4 --key E60B15B90ABDF14CEE337C97440F0D6E \
	--block 7D5AF4C33667A2098626027FB7A9A1B7 --pan 4266229809609384667 # psec: control field 3
refuse 2 "--pan is required" -- c pin decrypt --format 4 --key $k4 --block "$a"

# ---- mac ----
now=$(asc "Now is the time for all ")
hello=$(asc "hello world")
k2=AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBB
# ISO 9797-1 algorithm 3 / X9.19: shared/vectors; pyemv test_mac_iso9797_3, padding 1 and 2.
answer A1C72E74EA3FA9B6 -- c mac --alg retail --key 0123456789abcdeffedcba9876543210 --data "$now"
answer 78DA3D3DEB48FD4D -- c mac --alg retail --key $k2 --data "$hello"
answer 2BC2D9EDE0CF31F6 -- c mac --alg retail --key $k2 --data "$hello" --pad 2
# ANSI X9.9: "Now is the time for all " and the FIPS 113 example.
answer 70A30640CC76DD8B -- c mac --alg x99 --key 0123456789ABCDEF --data "$now"
answer F1D30F6849312CA4 -- c mac --alg x99 --key 0123456789ABCDEF --data "$(asc "7654321 Now is the time for ")"
# ISO 9797-1 algorithm 1, TDES: psec test_generate_cbc_mac; single DES is X9.9.
answer 68D9038F23360DF3 -- c mac --alg cbc --key $k2 --data "$hello"
answer 32DC341271ACCD00 -- c mac --alg cbc --key $k2 --data "$hello" --pad 2
answer 70A30640CC76DD8B -- c mac --alg cbc --key 0123456789ABCDEF --data "$now" --pad 1
# CUP ECB MAC: shared/vectors (single and double-length MAK); the pgate "kaifu" POS MAC test
# (its first 4 characters, 3027; the rest recomputed with openssl enc -des-ede).
answer E267B6E2 -- c mac --alg cup-ecb --key 2222222222222222 --data 1234567890abcdefabcdef1234567890
answer E267B6E2 -- c mac --alg cup-ecb --key 22222222222222222222222222222222 --data 1234567890ABCDEFABCDEF1234567890
answer 30271C74 -- c mac --alg cup-ecb --key AB73C9416D41E936E82AAC11053BCEDD --data "$(asc 20160913201609132016091320160913)"
# CMAC: NIST SP 800-38B D.1 (AES-128) and D.2 (two-key TDEA).
m=6bc1bee22e409f96e93d7e117393172a
answer BB1D6929E95937287FA37D129B756746 -- c mac --alg aes-cmac --key 2B7E151628AED2A6ABF7158809CF4F3C --data ""
answer 070A16B46B4D4144F79BDD9DD04A287C -- c mac --alg aes-cmac --key 2b7e151628aed2a6abf7158809cf4f3c --data $m
answer BD2EBF9A3BA00361 -- c mac --alg tdes-cmac --key 4CF15134A2850DD58A3D10BA80570D38 --data ""
answer 4FF2AB813C53CE83 -- c mac --alg tdes-cmac --key 4CF15134A2850DD58A3D10BA80570D38 --data 6BC1BEE22E409F96
refuse 2 "--key must be 32 hex digits" -- c mac --alg retail --key 0123456789ABCDEF --data "$now"
refuse 2 "--key must be 16 hex digits" -- c mac --alg x99 --key $k2 --data "$now"
refuse 2 "--key must be 16 or 32 hex digits" -- c mac --alg cup-ecb --key ${k2}CCCCCCCCCCCCCCCC --data 00
refuse 2 "--data is not hex" -- c mac --alg retail --key $k2 --data "hello"
refuse 2 "--data must be whole bytes" -- c mac --alg retail --key $k2 --data 123
refuse 2 "--pad must be 1" -- c mac --alg x99 --key 0123456789ABCDEF --data 00 --pad 2
refuse 2 "--pad does not apply to aes-cmac" -- c mac --alg aes-cmac --key $k2 --data 00 --pad 1
refuse 2 "--pad must be 1 or 2" -- c mac --alg cbc --key $k2 --data 00 --pad 3
refuse 2 "--alg must be cbc, retail" -- c mac --alg hmac --key $k2 --data 00
refuse 2 "--data is required" -- c mac --alg cbc --key $k2

# ---- dukpt ----
bdk=0123456789ABCDEFFEDCBA9876543210
# TDES, X9.24-1:2009 A.4 (shared/vectors) and java-dukpt testGetIpek.
answer 6AC292FAA1315B4D858AB3A3D7D5933A -- c dukpt --bdk $bdk --ksn FFFF9876543210E00000 --alg tdes --key ipek
answer D2943CCF80F42E88E23C12D1162FD547 -- c dukpt --bdk $bdk --ksn 629949012c0000000003 --alg tdes --key ipek
answer 042666B49184CF5C68DE9628D0397B36 -- c dukpt --bdk $bdk --ksn FFFF9876543210E00001 --alg tdes --key pin
answer 27F66D5244FF621EAA6F6120EDEB427F -- c dukpt --bdk $bdk --ksn FFFF9876543210E00008 --alg tdes --key pin
# E00008's MAC keys (au_eftex tests) and data key (java-dukpt).
answer 27F66D5244FF9DE1AA6F6120EDEBBD80 -- c dukpt --bdk $bdk --ksn ffff9876543210e00008 --alg tdes --key mac
answer 27F66D52BBFF62E1AA6F612012EB4280 -- c dukpt --bdk $bdk --ksn FFFF9876543210E00008 --alg tdes --key mac-resp
answer C39B2778B058AC376FB18DC906F75CBA -- c dukpt --bdk $bdk --ksn FFFF9876543210E00008 --alg tdes --key data
answer 448D3F076D8304036A55A3D7E0055A78 -- c dukpt --bdk $bdk --ksn FFFF9876543210E00001 --alg tdes --key data
# AES, X9.24-3:2017 test vectors: AES-128 BDK, counters 1 and 2; AES-256 BDK.
abdk=FEDCBA9876543210F1F1F1F1F1F1F1F1
aksn=1234567890123456
answer 1273671EA26AC29AFA4D1084127652A1 -- c dukpt --bdk $abdk --ksn ${aksn}00000001 --alg aes128 --key ipek
answer AF8CB133A78F8DC2D1359F18527593FB -- c dukpt --bdk fedcba9876543210f1f1f1f1f1f1f1f1 --ksn ${aksn}00000001 --alg aes128 --key pin
answer A2DC23DE6FDE0824A2BC321E08E4B8B7 -- c dukpt --bdk $abdk --ksn ${aksn}00000001 --alg aes128 --key mac
answer DBB463945B286C07CD3AD82EE96FD9C9 -- c dukpt --bdk $abdk --ksn ${aksn}00000001 --alg aes128 --key mac-resp
answer A35C412EFD41FDB98B69797C02DCD08F -- c dukpt --bdk $abdk --ksn ${aksn}00000001 --alg aes128 --key data
answer D30BDC73EC9714B000BEC66BDB7B6D09 -- c dukpt --bdk $abdk --ksn ${aksn}00000002 --alg aes128 --key pin
answer CE9CE0C101D1138F97FB6CAD4DF045A7083D4EAE2D35A31789D01CCF0949550F -- \
	c dukpt --bdk $abdk$abdk --ksn ${aksn}00000001 --alg aes256 --key ipek
answer 8C1AB7BEE973829E30242E0BBBDD4946D540C98FC1B5BDCF94790001A23FD502 -- \
	c dukpt --bdk $abdk$abdk --ksn ${aksn}00000001 --alg aes256 --key pin
answer 09C9C432966811D6B2C3336BAC1B1202 -- c dukpt --bdk $abdk$abdk --ksn ${aksn}00000001 --alg aes128 --key pin
refuse 2 "--bdk must be 32 hex digits" -- c dukpt --bdk ${bdk}00 --ksn FFFF9876543210E00001 --alg tdes --key pin
refuse 2 "--ksn must be 20 hex digits" -- c dukpt --bdk $bdk --ksn ${aksn}00000001 --alg tdes --key pin
refuse 2 "--ksn must be 24 hex digits" -- c dukpt --bdk $abdk --ksn FFFF9876543210E00001 --alg aes128 --key pin
refuse 2 "--ksn: invalid key serial number" -- c dukpt --bdk $bdk --ksn FFFF9876543210E00000 --alg tdes --key pin
refuse 2 "--ksn: invalid key serial number" -- c dukpt --bdk $bdk --ksn FFFF9876543210E007FF --alg tdes --key pin
refuse 2 "no working key is longer than its BDK" -- c dukpt --bdk $abdk --ksn ${aksn}00000001 --alg aes256 --key pin
refuse 2 "--key must be ipek, pin, mac, mac-resp or data" -- c dukpt --bdk $bdk --ksn FFFF9876543210E00001 --alg tdes --key kek
refuse 2 "--alg is required" -- c dukpt --bdk $bdk --ksn FFFF9876543210E00001 --key pin

# ---- cvv, pvv, ibm3624 (tests/crypto/test_cardver.c) ----
k=0123456789ABCDEFFEDCBA9876543210
# Visa CVV test data (CVK 0123456789ABCDEF FEDCBA9876543210); psec test_cvv.py; the
# jmeter-iso8583 (jPOS) card as CVV, CVV2 (service code 000) and iCVV (999).
answer 561 -- c cvv --cvk $k --pan 4123456789012345 --expiry 8701 --service-code 101
answer 245 -- c cvv --cvk 0123456789abcdeffedcba9876543210 --pan 4999988887777000 --expiry 9105 --service-code 111
answer 370 -- c cvv --cvk $k --pan 4123456789012 --expiry 8701 --service-code 101
answer 361 -- c cvv --cvk 99999999999999998888888888888888 --pan 2222222222222222 --expiry 3333 --service-code 111
answer 114 -- c cvv --cvk 13131313131313131313131313131313 --pan 4444333322221111 --expiry 9911 --service-code 000
answer 163 -- c cvv --cvk 13131313131313131313131313131313 --pan 4444333322221111 --expiry 9911 --service-code 999
refuse 2 "--cvk must be 32 hex digits" -- c cvv --cvk 0123456789ABCDEF --pan 4123456789012345 --expiry 8701 --service-code 101
refuse 2 "--pan" -- c cvv --cvk $k --pan 41234567890 --expiry 8701 --service-code 101
refuse 2 "--pan" -- c cvv --cvk $k --pan 412345678901234A --expiry 8701 --service-code 101
refuse 2 "--expiry must be 4 digits" -- c cvv --cvk $k --pan 4123456789012345 --expiry 87/1 --service-code 101
refuse 2 "--service-code must be 3 digits" -- c cvv --cvk $k --pan 4123456789012345 --expiry 8701 --service-code 10
refuse 2 "--service-code is required" -- c cvv --cvk $k --pan 4123456789012345 --expiry 8701
# Visa PVV: psec test_generate_visa_pvv (PVK 0123...3210).
answer 8523 -- c pvv --pvk $k --pvki 1 --pan 1122334455667788 --pin 4524
answer 3244 -- c pvv --pvk $k --pvki 2 --pan 1122334455667788 --pin 1912
answer 3144 -- c pvv --pvk $k --pvki 1 --pan 1122334455667718 --pin 0570
answer 8523 -- c pvv --pvk $k --pvki 1 --pan 1122334455667788 --pin 452499
refuse 2 "--pin: PIN must be 4 to 12 digits" -- c pvv --pvk $k --pvki 1 --pan 1122334455667788 --pin 452
refuse 2 "--pin: PIN must be 4 to 12 digits" -- c pvv --pvk $k --pvki 1 --pan 1122334455667788 --pin A524
refuse 2 "--pan" -- c pvv --pvk $k --pvki 1 --pan 11223344556 --pin 4524
refuse 2 "--pvki must be 1 digit" -- c pvv --pvk $k --pvki 10 --pan 1122334455667788 --pin 4524
# IBM 3624 offsets: psec test_generate_ibm3624_offset; the classic single-DES example.
answer 0000 -- c ibm3624 --pvk $k --dectab 1234567890123456 --validation 1122334455667788 --pin 4524
answer 7710 -- c ibm3624 --pvk $k --dectab 1234567890123456 --validation 1122334455667788 --pin 1234
answer 0000 -- c ibm3624 --pvk $k --dectab 1234567890123456 --validation 12233445566778 --pin 3675 --pad 1
answer 0000 -- c ibm3624 --pvk $k --dectab 1234567890123456 --validation 11223344556677 --pin 5518 --pad f
answer 2298 -- c ibm3624 --pvk 0123456789abcdef --dectab 0123456789012345 --validation 1234567890123445 --pin 1234
refuse 2 "--dectab must be 16 digits" -- c ibm3624 --pvk $k --dectab 123456789012345A --validation 1122334455667788 --pin 1234
refuse 2 "--validation must be 1 to 16 hex digits" -- c ibm3624 --pvk $k --dectab 1234567890123456 --validation 11223344556677889 --pin 1234
refuse 2 "--pad must be one hex digit" -- c ibm3624 --pvk $k --dectab 1234567890123456 --validation 11 --pin 1234 --pad X
refuse 2 "--pin: PIN must be 4 to 12 digits" -- c ibm3624 --pvk $k --dectab 1234567890123456 --validation 1122334455667788 --pin 1234567890123
refuse 2 "--pvk must be 16, 32 or 48 hex digits" -- c ibm3624 --pvk 0123456789ABCDEF0123 --dectab 1234567890123456 --validation 11 --pin 1234

# ---- emv (tests/crypto/test_emv.c: pyemv docstrings and *_hsm tests, EFTlab) ----
answer 73AD54688CEF2934B0979857E3C719F1 -- c emv icc-mk --imk $k --pan 12345678901234567 --psn 01
answer C8B507136D921FD05864C81F79F2D30B -- c emv icc-mk --imk 0123456789abcdef0123456789abcdef --pan 43219876543210987 --psn 00
answer E9FB384AF807B940FEDCEA613461B0C4 -- c emv session-key --mk $k --r 001c000000000000
# pyemv test_kd_hsm: the master key's and session key's check values FF08 and DF82, the
# ARQC, and ARPC method 1 under the session key and under the master key.
mk=$(c emv icc-mk --imk $k --pan 12345678901234567 --psn 45)
sk=$(c emv session-key --mk "$mk" --r 1234567890123456)
case "$(c kcv --key "$mk")/$(c kcv --key "$sk")" in
FF08??/DF82??) ok ;;
*) bad "emv master and session key check values: $mk $sk" ;;
esac
answer 19C1FBC83EBDC0D5 -- c emv arqc --key "$sk" --data 0123456789abcdef0123456789ABCDEF
answer C3620580668E5B65 -- c emv arpc --key "$sk" --arqc 19C1FBC83EBDC0D5 --arc 0000
answer 78A372523FA35A03 -- c emv arpc --key "$mk" --arqc 19c1fbc83ebdc0d5 --arc 0000 --method 1
# pyemv generate_ac docstring: the Book 2 8.1.1 minimum data set, 33 bytes.
answer 3B76CF10FECD8789 -- c emv arqc --key AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBB \
	--data 000000002000000000000000012400000080000124110309003804823E58000001
# ARPC: pyemv generate_arpc_1/_2 docstrings; test_ac_hsm method 2 with and without
# proprietary data.
answer F5E6F44147E2F1B0 -- c emv arpc --key AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBB --arqc 1234567890ABCDEF --arc 0000
answer 9308BEBC -- c emv arpc --method 2 --key AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBB --arqc 1234567890ABCDEF --csu 00000000
mk=$(c emv icc-mk --imk $k --pan 9901234567890123 --psn 45)
sk=$(c emv session-key --mk "$mk" --r 1234567890123456)
answer 4B46013359B7A58B -- c emv arqc --key "$sk" --data 0123456789ABCDEF0123456789ABCDEF
answer 4962B76C -- c emv arpc --method 2 --key "$sk" --arqc 4B46013359B7A58B --csu 00000000 --pad-data 1234567890abcdef
answer 7DFB1188 -- c emv arpc --method 2 --key "$sk" --arqc 4B46013359B7A58B --csu 00000000
refuse 2 "--imk must be 32 hex digits" -- c emv icc-mk --imk 0123456789ABCDEF --pan 12345678901234567 --psn 01
refuse 2 "--pan" -- c emv icc-mk --imk $k --pan 12345678901 --psn 01
refuse 2 "--psn must be 2 digits" -- c emv icc-mk --imk $k --pan 12345678901234567 --psn 1
refuse 2 "--r must be 16 hex digits" -- c emv session-key --mk $k --r 001C
refuse 2 "--data: wrong data length" -- c emv arqc --key $k --data ""
refuse 2 "--data is not hex" -- c emv arqc --key $k --data 0123456789ABCDEX
refuse 2 "--arc is required for method 1" -- c emv arpc --key $k --arqc 1234567890ABCDEF
refuse 2 "--arc must be 4 hex digits" -- c emv arpc --key $k --arqc 1234567890ABCDEF --arc 00
refuse 2 "--csu is required for method 2" -- c emv arpc --method 2 --key $k --arqc 1234567890ABCDEF
refuse 2 "--arc is for method 1" -- c emv arpc --method 2 --key $k --arqc 1234567890ABCDEF --csu 00000000 --arc 0000
refuse 2 "are for --method 2" -- c emv arpc --key $k --arqc 1234567890ABCDEF --arc 0000 --csu 00000000
refuse 2 "--pad-data must be 0 to 16 hex digits" -- c emv arpc --method 2 --key $k --arqc 1234567890ABCDEF --csu 00000000 --pad-data 001122334455667788
refuse 2 "--method must be 1 or 2" -- c emv arpc --method 3 --key $k --arqc 1234567890ABCDEF --arc 0000

# ---- tr31 ----
kbpk_a=89E88CF7931444F334BD7547FC3F380C
block_a=A0072P0TE00E0000F5161ED902807AF26F1D62263644BD24192FDB3193C730301CEE8701
kbpk_b=DD7515F2BFC17F85CE48F3CA25CB21F6
block_b=B0080P0TE00E000094B420079CC80BA3461F86FE26EFC4A3B8E4FA4C5F5341176EED7B727B8A248E
kbpk_d=88E1AB2A2E3DD38C1FA039A536500CC8A87AB9D62DC92C01058FA79F44657DE6
block_d=D0112P0AE00E0000B82679114F470F540165EDFBF7E250FCEA43F810D215F8D207E2E417C07156A27E8E31DA05F7425509593D03A457DC34
key_b=3F419E1CB7079442AA37474C2EFBF8B8
block_c=C0096B0TX12S0100KS1800604B120F9292800000BFB9B689CB567E66FC3FEE5AD5F52161FC6545B9D60989015D02155C
# TR-31:2018 A.7.2.1 (A, shared/vectors), A.7.2.2 (B), A.7.3.1 (C), A.7.4 (D).
answer F039121BEC83D26B169BDCD5B22AAF8F -- c tr31 unwrap --kbpk $kbpk_a --block $block_a
answer $key_b -- c tr31 unwrap --kbpk dd7515f2bfc17f85ce48f3ca25cb21f6 --block $block_b
answer EDB380DD340BC2620247D445F5B8D678 -- c tr31 unwrap --kbpk B8ED59E0A279A295E9F5ED7944FD06B9 --block $block_c
answer $key_b -- c tr31 unwrap --kbpk $kbpk_d --block $block_d
# The hex of the key data and authenticator in lower case.
answer $key_b -- c tr31 unwrap --kbpk $kbpk_b \
	--block "B0080P0TE00E0000$(echo "${block_b#????????????????}" | tr A-F a-f)"
# -v: the header on stderr, the key alone on stdout.
run c tr31 unwrap -v --kbpk B8ED59E0A279A295E9F5ED7944FD06B9 --block $block_c
if [ "$got" -eq 0 ] && [ "$(cat "$tmp/out")" = EDB380DD340BC2620247D445F5B8D678 ] &&
	grep -q "^version *C" "$tmp/err" && grep -q "^usage *B0 base derivation key" "$tmp/err" &&
	grep -q "^algorithm *T" "$tmp/err" && grep -q "^mode of use *X" "$tmp/err" &&
	grep -q "^key version *12" "$tmp/err" && grep -q "^exportability *S" "$tmp/err" &&
	grep -q "^optional blocks *1" "$tmp/err" && grep -q "KS .*00604B120F9292800000" "$tmp/err"; then
	ok
else
	bad "tr31 unwrap -v: $(cat "$tmp/err")"
fi
# wrap with the annex's pads gives the annex's blocks: A.7.4 (D), A.7.2.2 and A.7.3.2 (B).
answer $block_d -- c tr31 wrap --kbpk $kbpk_d --key $key_b --header D0000P0AE00E0000 \
	--fill 1c2965473ce206bb855b01533782
answer $block_b -- c tr31 wrap --kbpk $kbpk_b --key $key_b --header B0000P0TE00E0000 --fill 1C2965473CE2
answer B0104B0TX12S0100KS1800604B120F9292800000BB68BE8680A400D9191AD4ECE45B6E6C0D21C4738A52190E248719E24B433627 -- \
	c tr31 wrap --kbpk 1D22BF32387C600AD97F9B97A51311AC --key E8BC63E5479455E26577F715D587FE68 \
	--header B0000B0TX12S0100KS1800604B120F9292800000 --fill 30111D18CC4C
# Random pads: two wraps differ, and each unwraps.
a=$(c tr31 wrap --kbpk $kbpk_d --key $kbpk_d --header D0000K0AB00E0000)
b=$(c tr31 wrap --kbpk $kbpk_d --key $kbpk_d --header D0000K0AB00E0000)
if [ -n "$a" ] && [ "$a" != "$b" ]; then ok; else bad "tr31 wrap random pad: $a $b"; fi
answer $kbpk_d -- c tr31 unwrap --kbpk $kbpk_d --block "$a"
# Tampering with the header, the key data or the MAC, or another KBPK: exit 1.
refuse 1 "does not authenticate" -- c tr31 unwrap --kbpk $kbpk_a --block "$(echo $block_a | sed 's/P0TE/P0TD/')"
refuse 1 "does not authenticate" -- c tr31 unwrap --kbpk $kbpk_a --block "$(echo $block_a | sed 's/8701$/8702/')"
refuse 1 "does not authenticate" -- c tr31 unwrap --kbpk $kbpk_d --block "$(echo $block_d | sed 's/^\(D0112P0AE00E0000\)B/\1C/')"
refuse 1 "does not authenticate" -- c tr31 unwrap --kbpk $kbpk_b --block $block_a
# Malformed: exit 2 (TR-31 test_tr31.c bad headers, lengths, KBPKs).
refuse 2 "--block: invalid key block header" -- c tr31 unwrap --kbpk $kbpk_a --block "E${block_a#?}"
refuse 2 "--block: invalid key block header" -- c tr31 unwrap --kbpk $kbpk_a --block "$(echo $block_a | sed 's/P0TE/P0TQ/')"
refuse 2 "--block: wrong data length" -- c tr31 unwrap --kbpk $kbpk_a --block "${block_a%?}"
refuse 2 "--kbpk must be 32 or 48 hex digits for versions A" -- c tr31 unwrap --kbpk $kbpk_d --block $block_a
refuse 2 "--kbpk must be 32, 48 or 64 hex digits" -- c tr31 unwrap --kbpk 0123456789ABCDEF --block $block_a
refuse 2 "--kbpk is not hex" -- c tr31 unwrap --kbpk 89E88CF7931444F334BD7547FC3F38XX --block $block_a
refuse 2 "unknown option '-x'" -- c tr31 unwrap -x --kbpk $kbpk_a --block $block_a
refuse 2 "--header: invalid key block header" -- c tr31 wrap --kbpk $kbpk_b --key $key_b --header B0000P0TQ00E0000
refuse 2 "--header must be 16 characters" -- c tr31 wrap --kbpk $kbpk_b --key $key_b --header B0000P0T
refuse 2 "version must be B .* or D" -- c tr31 wrap --kbpk $kbpk_b --key $key_b --header A0000P0TE00E0000
refuse 2 "--key: a 16-byte key" -- c tr31 wrap --kbpk $kbpk_b --key $key_b --header B0000P0AE00E0000
refuse 2 "--kbpk must be 32 or 48 hex digits" -- c tr31 wrap --kbpk $kbpk_d --key $key_b --header B0000P0TE00E0000
refuse 2 "--fill must be 12 hex digits" -- c tr31 wrap --kbpk $kbpk_b --key $key_b --header B0000P0TE00E0000 --fill 00
refuse 2 "unknown option '-v'" -- c tr31 wrap --kbpk $kbpk_b --key $key_b --header B0000P0TE00E0000 -v
refuse 2 "unknown option '--verbose'" -- c tr31 wrap --kbpk $kbpk_b --key $key_b --header B0000P0TE00E0000 --verbose

finish
