#!/bin/sh
# e2e_layout.sh POSSUM SOURCE_DIR — the shape of src/ as docs/architecture.md draws it, checked
# on every build: no file includes a header of a module in a higher layer (the layer table
# below), no circle of files within a module (object A calls a function defined in object B …
# back to A, read with `nm` from the objects next to POSSUM), and no function longer than 80
# lines (its `{` at column 0 to its `}` at column 0, both counted). Each offender is named;
# one listed in tests/layout/known.txt is printed as "known: …" and passes, so that work in
# progress stays visible. An entry of known.txt that no longer offends is printed as "gone: …"
# (remove it). POSIX sh, awk and binutils' nm only.
possum=$1
top=$2
. "$(dirname "$0")/../lib.sh"

src=$top/src
known=$(dirname "$0")/known.txt
objs=$(dirname "$possum")/CMakeFiles

# The layers, lowest first; a module may include the headers of the modules above it in this
# list (its own layer's lower modules and every lower layer), never those below it.
cat >"$tmp/layers" <<'EOF'
library  common
library  log
library  metrics
library  capture
library  rcode
library  tlv
library  iso8583
library  crypto
library  card
library  hsm
library  qr
domain   request
domain   store
domain   ledger
domain   audit
domain   user
domain   notify
domain   issuer
domain   merchant
domain   tms
domain   settle
domain   risk
domain   acquirer
service  net
service  http
service  term
service  host
service  certify
service  cli
EOF
# risk sits below acquirer, whose stage runs it; settle sits below acquirer, whose answers (field 15) and rows take its settlement date.

: >"$tmp/found"

# 1. Arrows up: "include FILE HEADER" for each #include "module/…" of a higher module.
find "$src" -name '*.[ch]' | sort >"$tmp/sources"
awk -v src="$src/" '
	FILENAME == ARGV[1] { rank[$2] = NR; layer[$2] = $1; next }
	FNR == 1 {
		file = FILENAME; sub("^" src, "", file)
		mod = file; sub("/.*", "", mod)
		if (!(mod in rank) && !(mod in unknown)) {
			unknown[mod] = 1
			printf "module src/%s\tsrc/%s is in no layer of tests/layout/e2e_layout.sh\n", mod, mod
		}
	}
	/^#[ \t]*include[ \t]*"/ {
		h = $0; sub(/^#[ \t]*include[ \t]*"/, "", h); sub(/".*/, "", h)
		if (h !~ /\//) next
		to = h; sub("/.*", "", to)
		if (to == mod || !(to in rank) || !(mod in rank)) next
		if (rank[to] > rank[mod])
			printf "include src/%s %s\tsrc/%s:%d (%s, %s) includes %s (%s, %s), a higher module\n", file, h, file, FNR, mod, layer[mod], h, to, layer[to]
	}
' "$tmp/layers" $(cat "$tmp/sources") >>"$tmp/found"

# 2. Circles of files within a module, from the symbols of the built objects.
# Every library and program of the build (possum_lib, possum_host, possum_cli, …).
find "$objs" -path "$objs/*.dir/src/*" -name '*.c.o' 2>/dev/null | sort >"$tmp/objects"
if [ ! -s "$tmp/objects" ]; then
	bad "no object files under $objs/possum_lib.dir/src: build possum first"
else
	# "file D symbol" for each function defined, "file U symbol" for each one used.
	for o in $(cat "$tmp/objects"); do
		f=src/${o#*.dir/src/}
		f=${f%.o}
		[ -f "$top/$f" ] || continue # a stale object of a file since moved or removed
		nm "$o" | awk -v f="$f" '
			NF == 2 && $1 == "U" { print f, "U", $2 }
			NF == 3 && ($2 == "T" || $2 == "W") { print f, "D", $3 }'
	done >"$tmp/symbols"
	awk '
		function module(file,   m) { m = file; sub(/^src\//, "", m); sub(/\/.*/, "", m); return m }
		# Tarjan: the strongly connected components of the graph of files.
		function strong(v,   i, n, w, next_, m) {
			idx[v] = low[v] = ++counter
			stack[++sp] = v; on[v] = 1
			n = split(adj[v], next_, " ")
			for (i = 1; i <= n; i++) {
				w = next_[i]
				if (!(w in idx)) {
					strong(w)
					if (low[w] < low[v]) low[v] = low[w]
				} else if (on[w] && idx[w] < low[v])
					low[v] = idx[w]
			}
			if (low[v] != idx[v]) return
			m = 0
			do {
				w = stack[sp--]; on[w] = 0
				member[++m] = w; comp[w] = v
			} while (w != v)
			if (m > 1) report(m)
		}
		# report M: the component member[1..M], sorted, and one circle through its first file.
		function report(m,   i, j, t, key, v, head, tail, queue, from, n, next_, w, u, path) {
			for (i = 2; i <= m; i++)
				for (j = i; j > 1 && member[j] < member[j - 1]; j--) {
					t = member[j]; member[j] = member[j - 1]; member[j - 1] = t
				}
			key = "circle"
			for (i = 1; i <= m; i++) key = key " " member[i]
			v = member[1]
			# Breadth first from v inside the component until an edge leads back to v.
			split("", from); head = tail = 1; queue[1] = v; from[v] = ""
			u = ""
			while (head <= tail && u == "") {
				t = queue[head++]
				n = split(adj[t], next_, " ")
				for (i = 1; i <= n; i++) {
					w = next_[i]
					if (comp[w] != comp[v]) continue
					if (w == v) { u = t; break }
					if (!(w in from)) { from[w] = t; queue[++tail] = w }
				}
			}
			path = u
			for (w = u; w != v; w = from[w]) path = from[w] " (" via[from[w], w] ") -> " path
			path = path " (" via[u, v] ") -> " v
			printf "%s\t%s\n", key, path
		}
		$2 == "D" { def[$3] = $1; next }
		{ use[++uses] = $1; sym[uses] = $3 }
		END {
			for (i = 1; i <= uses; i++) {
				a = use[i]
				if (!(sym[i] in def)) continue
				b = def[sym[i]]
				if (a == b || module(a) != module(b) || ((a, b) in via)) continue
				via[a, b] = sym[i]
				adj[a] = adj[a] " " b
				if (!(a in seen)) { seen[a] = 1; nodes[++nnodes] = a }
			}
			for (i = 1; i <= nnodes; i++)
				if (!(nodes[i] in idx)) strong(nodes[i])
		}
	' "$tmp/symbols" >>"$tmp/found"
fi

# 3. Functions over 80 lines.
awk -v src="$src/" '
	FNR == 1 { file = FILENAME; sub("^" src, "src/", file); open = 0; head = "" }
	/^\{/ { open = FNR; name = head; sub(/\(.*/, "", name); sub(/.*[ *]/, "", name); next }
	/^\}/ && open {
		n = FNR - open + 1
		if (n > 80)
			printf "long %s %s\t%s:%d %s() is %d lines\n", file, name, file, open, name, n
		open = 0; next
	}
	!open && /^[A-Za-z_]/ && /\(/ { head = $0 }
' $(grep '\.c$' "$tmp/sources") >>"$tmp/found"

# The verdict: each offender known (listed in known.txt) or a failure.
sed -e 's/#.*//' -e 's/[ \t]*$//' -e '/^$/d' "$known" 2>/dev/null >"$tmp/known"
while IFS='	' read -r key what; do
	if grep -qxF -- "$key" "$tmp/known"; then
		echo "known: $what"
		ok
	else
		bad "$what (its key: $key)"
	fi
done <"$tmp/found"
cut -f1 "$tmp/found" >"$tmp/keys"
while read -r key; do
	grep -qxF -- "$key" "$tmp/keys" || echo "gone: $key — it offends no more: remove it from known.txt"
done <"$tmp/known"
[ -s "$tmp/found" ] || ok
finish
