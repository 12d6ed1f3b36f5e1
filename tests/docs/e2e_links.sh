# e2e_links.sh POSSUM SOURCE_DIR — a clone holds everything its documents refer to: README.md
# and docs/*.md name no path outside the repository (../ anything, the old shared/ documents),
# every relative link and every backticked repository path exists, and the response codes of
# docs/cup-pos.md are those of src/rcode/rcode.c (code, English, Chinese, category, action).
. "$(dirname "$0")/../lib.sh"
src=$2
cd "$src" || exit 1
docs="README.md $(ls docs/*.md)"

for f in $docs; do
	dir=$(dirname "$f")
	# Nothing outside the clone.
	if grep -n -e '\.\./' -e 'shared/' -e 'DESIGN\.md' -e '[^s]/spec/' -e '^spec/' -e '`spec/' "$f" >"$tmp/hits"; then
		bad "$f names a path outside the repository: $(head -3 "$tmp/hits")"
	else ok; fi
	# Markdown links: relative to the file, inside the repository, existing.
	grep -o '\](\([^)]*\))' "$f" | sed 's/^](//; s/)$//; s/#.*//; s/ .*//' | while read -r l; do
		case $l in ''|http://*|https://*|mailto:*) continue ;; esac
		[ -e "$dir/$l" ] || echo "$f: link to a missing file: $l"
	done >"$tmp/links"
	if [ -s "$tmp/links" ]; then bad "$(cat "$tmp/links")"; else ok; fi
	# Backticked repository paths (no patterns or placeholders): relative to the top.
	grep -o '`[^` ]*`' "$f" | tr -d '`' | grep -E '^(docs|src|tests|etc|examples|scripts|bench|fuzz|cmake)/' |
		grep -v '[*<>{}$]' | sort -u | while read -r p; do
		[ -e "$p" ] || echo "$f: names a missing path: $p"
	done >"$tmp/paths"
	if [ -s "$tmp/paths" ]; then bad "$(cat "$tmp/paths")"; else ok; fi
done

# The response codes: each entry of rcode.c's table as "code|en|zh|category|action" …
tr '\n' ' ' <src/rcode/rcode.c | sed 's/static const struct rcode_info table\[\] = {/\n/; s/};/\n/' |
	sed -n 2p | sed 's/},/}\n/g' | sed -n 's/.*{\(RCODE_[A-Z_]*\), *\([A-Z_]*\), *\([A-Z_]*\), *"\([^"]*\)", *"\([^"]*\)".*/\1|\4|\5|\2|\3/p' |
	while IFS='|' read -r name en zh cat act; do
		code=$(sed -n "s/^#define $name[[:space:]]*\"\(..\)\".*/\1/p" src/rcode/rcode.h)
		cat=$(echo "$cat" | tr 'A-Z' 'a-z')
		case $act in SIGN_IN) act="sign in" ;; AUTH) act=authenticate ;; *) act=$(echo "$act" | tr 'A-Z' 'a-z') ;; esac
		echo "$code|$en|$zh|$cat|$act"
	done | sort >"$tmp/table"
# … and each row of the table in docs/cup-pos.md's "Response codes".
sed -n '/^## Response codes/,$p' docs/cup-pos.md | grep -E '^\| [0-9A-Z]{2} \|' |
	sed 's/^| //; s/ |$//; s/ | /|/g' | sort >"$tmp/doc"
if [ "$(wc -l <"$tmp/table")" -ge 30 ]; then ok; else bad "read $(wc -l <"$tmp/table") codes of rcode.c"; fi
if diff "$tmp/table" "$tmp/doc" >"$tmp/diff"; then ok; else
	bad "docs/cup-pos.md's response codes differ from src/rcode/rcode.c (< code, > doc): $(cat "$tmp/diff")"
fi

finish
