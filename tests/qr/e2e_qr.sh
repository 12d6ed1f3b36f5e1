# e2e_qr.sh — `possum admin terminal qr`: a terminal's static code printed to the byte (the
# payloads below were written out by hand from the objects docs/qr.md lists, their CRCs
# computed apart with a bit-by-bit CRC-16/CCITT-FALSE in Python), a merchant's name in Chinese
# in template 64, [qr] guid and city from the config (a bad one refused with its line), the PNG
# image (its signature, IHDR, mode 0644; decoded back to the payload when zbarimg is there),
# --json, and the refusals: usage, no such terminal, a retired one.
possum=$1
. "$2/tests/lib.sh"

data=$tmp/host
mid=898310058120001
midzh=898310041110001
printf '[host]\ndata = %s\n' "$data" >"$tmp/possum.conf"
export POSSUM_CONFIG=$tmp/possum.conf
"$possum" admin merchant add --name "Possum Cafe" --mcc 5812 --mid $mid >/dev/null 2>&1
"$possum" admin merchant add --name "北京最佳运输有限公司" --mcc 4111 --mid $midzh >/dev/null 2>&1
"$possum" admin terminal add --merchant $mid --sn SN-QR1 --tid TERMQ001 >/dev/null
"$possum" admin terminal add --merchant $midzh --sn SN-QR2 --tid TERMQ002 >/dev/null
"$possum" admin terminal add --merchant $mid --sn SN-QR3 --tid TERMQ003 >/dev/null
q() { "$possum" admin terminal qr "$@"; }

cafe='00020101021126320009cn.possum01158983100581200015204581253031565802CN5911Possum Cafe6007BEIJING62120708TERMQ0016304176E'
zh='00020101021126320009cn.possum01158983100411100015204411153031565802CN5924MERCHANT 8983100411100016007BEIJING62120708TERMQ00264200002ZH0110北京最佳运输有限公司6304CFB9'
shanghai='00020101021126370014com.example.qr01158983100581200015204581253031565802CN5911Possum Cafe6008SHANGHAI62120708TERMQ00163045E98'

expect 0 "help" -- q --help
out_has "Usage: possum admin terminal qr TID "
expect 0 "the code of an ASCII name" -- q TERMQ001
[ "$(cat "$tmp/out")" = "$cafe" ] && ok || bad "payload $(cat "$tmp/out"), expected $cafe"
expect 0 "the code of a Chinese name, --tid" -- q --tid TERMQ002
[ "$(cat "$tmp/out")" = "$zh" ] && ok || bad "payload $(cat "$tmp/out"), expected $zh"

# [qr] guid and city.
printf '[host]\ndata = %s\n[qr]\nguid = com.example.qr\ncity = SHANGHAI\n' "$data" >"$tmp/sh.conf"
expect 0 "[qr] guid and city" -- q TERMQ001 --config "$tmp/sh.conf"
[ "$(cat "$tmp/out")" = "$shanghai" ] && ok || bad "payload $(cat "$tmp/out"), expected $shanghai"
printf '[host]\ndata = %s\n\n[qr]\ncity = Shanghai\n' "$data" >"$tmp/bad.conf"
expect 2 "[qr] city in lower case" -- q TERMQ001 --config "$tmp/bad.conf"
err_has "bad.conf line 5: \[qr\] city: not 1 to 15 upper-case letters"

# The image and the JSON.
expect 0 "--png, --json" -- q TERMQ002 --png "$tmp/zh.png" --json
out_has "^{\"tid\":\"TERMQ002\",\"mid\":\"$midzh\",\"payload\":\"$zh\",\"png\":\"$tmp/zh.png\"}$"
err_has "the code drawn into $tmp/zh.png (PNG, [0-9]* bytes)"
sig=$(od -An -tx1 -N16 "$tmp/zh.png" | tr -d ' \n')
[ "$sig" = "89504e470d0a1a0a0000000d49484452" ] && ok || bad "not a PNG with its IHDR first: $sig"
[ "$(stat -c %a "$tmp/zh.png")" = 644 ] && ok || bad "mode $(stat -c %a "$tmp/zh.png"), not 644"
expect 0 "--png, replaced, no --json" -- q TERMQ001 --png "$tmp/zh.png"
[ "$(cat "$tmp/out")" = "$cafe" ] && ok || bad "payload $(cat "$tmp/out"), expected $cafe"
if command -v zbarimg >/dev/null 2>&1; then
	[ "$(zbarimg -q --raw "$tmp/zh.png" 2>/dev/null)" = "$cafe" ] && ok || bad "the image does not read back as the payload"
fi
expect 0 "--json without --png" -- q TERMQ001 --json
out_has '"png":null}$'

# Refusals.
expect 2 "no TID" -- q
err_has "TID is needed"
expect 2 "--png without a name" -- q TERMQ001 --png ""
expect 2 "two TIDs" -- q TERMQ001 TERMQ002
expect 1 "no such terminal" -- q NOSUCH01
err_has "no such terminal"
expect 1 "a directory that is not there" -- q TERMQ001 --png "$tmp/none/x.png"
err_has "$tmp/none/x.png: No such file or directory"
"$possum" admin terminal retire TERMQ003 --reason "a test" >/dev/null
expect 1 "a retired terminal" -- q TERMQ003 --png "$tmp/retired.png"
err_has "terminal TERMQ003 is retired"
[ ! -e "$tmp/retired.png" ] && ok || bad "a retired terminal's image written"
# A suspended terminal's code is printed (its payments are refused: docs/qr.md).
"$possum" admin terminal suspend TERMQ001 --reason "a test" >/dev/null
expect 0 "a suspended terminal" -- q TERMQ001
finish
