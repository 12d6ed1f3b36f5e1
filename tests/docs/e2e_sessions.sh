#!/bin/sh
# e2e_sessions.sh POSSUM SOURCE_DIR — every shell session of README.md and docs/*.md runs as
# written, as a newcomer following the document would run it.
#
# What runs (the convention README.md announces):
# - a ```sh block is a session: its commands run literally, in order. A command is a line and
#   the lines that complete it (a trailing `\`, `|`, `&&`, an open quote: what bash reads as
#   one command). Each must exit 0, unless its last line ends with the comment `# exits N`:
#   then it must exit N.
# - a ```console block holds `$ COMMAND` lines (continued on `> ` lines), each followed by the
#   output it must print, standard output and standard error together as a terminal shows
#   them. The comparison is exact, line by line, except that `…` in a shown line stands for
#   any text within that line (`{"id":…,"role":"operator"}`); a command with no line after
#   it must print nothing. Its exit status must be 0 (or `# exits N`).
# - ```text, ```json, ```ini, ```c and bare ``` blocks are synopses and samples: not run.
#
# How: each document runs in a fresh scratch directory holding copies of the repository's
# examples/, etc/ and scripts/ (so examples/purchase.json, etc/possum.conf and the default data
# directory ./possum-data work as written), with `possum` on PATH, HOME in the scratch
# directory and no POSSUM_* variable inherited, in ONE bash process (variables and exports
# carry over from block to block, as they do for a reader), inside a network namespace of
# its own (`unshare -n`), so that the fixed ports of etc/possum.conf (5000, 5001, 8080)
# never meet another test's. A command ending in `&` starts a background process: the next
# command waits until it listens, as a reader would (it fails when the process exits first
# or does not listen within 10 s); when the document ends, every process it left is sent
# SIGTERM and waited for (then SIGKILL): a host never outlives the test. A document stops
# at its first failing command, reported with the document, the line, the command and its
# standard error; one still running after 30 s is stopped and fails. Exit status 77
# (skipped) when no network namespace can be made (as root, or in a user namespace:
# unshare -r). SESSIONS_VERBOSE=1 prints every sh command with its output, to read what a
# session's calls answered (curl -s exits 0 on any HTTP status).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
possum=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
top=$(cd "$2" && pwd)
. "$(dirname "$0")/../lib.sh"

# A network namespace: as root, or else in a user namespace of our own (unshare -r).
if ! command -v unshare >/dev/null || ! command -v ip >/dev/null; then
	echo "SKIP: unshare or ip missing: no network namespace"
	exit 77
elif unshare -n sh -c 'ip link set lo up' 2>/dev/null; then
	netns="unshare -n"
elif unshare -r -n sh -c 'ip link set lo up' 2>/dev/null; then
	netns="unshare -r -n"
else
	echo "SKIP: cannot make a network namespace (unshare -n, ip link set lo up)"
	exit 77
fi

# Should this script be stopped, the document running goes with it (its process group).
pid=""
trap '[ -z "$pid" ] || kill -KILL -- -$pid 2>/dev/null; rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM HUP

mkdir -p "$tmp/bin"
ln -s "$possum" "$tmp/bin/possum"

# gen DOC: the bash driver of DOC's blocks on standard output.
gen() {
	local doc=$1 n=0 line kind="" acc="" start=0 exp="" cmd="" cstart=0
	# A console command and its expected output, once complete.
	flush_console() {
		if [ -n "$cmd" ]; then
			printf '__console %q %d %q %q\n' "$doc" "$cstart" "$cmd" "$exp"
		fi
		cmd="" exp=""
	}
	while IFS= read -r line || [ -n "$line" ]; do
		n=$((n + 1))
		case $kind in
		"")
			case $line in
			'```sh') kind=sh acc="" ;;
			'```console') kind=console cmd="" exp="" ;;
			'```'*) kind=other ;;
			esac
			continue
			;;
		other)
			[ "$line" = '```' ] && kind=""
			continue
			;;
		console)
			if [ "$line" = '```' ]; then
				flush_console
				kind=""
			elif [[ $line == '$ '* ]]; then
				flush_console
				cmd=${line#\$ } cstart=$n
			elif [[ $line == '> '* ]] && [ -n "$cmd" ] && [ -z "$exp" ] &&
				{ [[ $cmd == *'\' ]] || ! bash -n <<<"$cmd" 2>/dev/null; }; then
				cmd+=$'\n'"${line#> }"
			else
				exp+="$line"$'\n'
			fi
			continue
			;;
		sh)
			if [ "$line" = '```' ]; then
				[ -n "$acc" ] && printf '__run %q %d %q\n' "$doc" "$start" "$acc"
				kind=""
				continue
			fi
			if [ -z "$acc" ]; then
				case $line in '' | '#'*) continue ;; esac
				acc=$line start=$n
			else
				acc+=$'\n'"$line"
			fi
			# Complete: bash reads it as a whole command, not continued by a backslash.
			if [[ $line != *'\' ]] && bash -n <<<"$acc" 2>/dev/null; then
				printf '__run %q %d %q\n' "$doc" "$start" "$acc"
				acc=""
			fi
			;;
		esac
	done <"$top/$doc"
}

# The driver's own functions, run in the document's bash before its commands.
cat >"$tmp/prelude.sh" <<'EOF'
__n=0
__fail() {
	echo "FAIL: $__doc:$__line: \`$__cmd\`: $1"
	[ -s "$__out.err" ] && tail -20 "$__out.err" | awk '{ print "    | " $0 }'
	__cleanup
	exit 1
}
# __want CMD: the exit status its `# exits N` comment expects, else 0.
__want() {
	local last=${1##*$'\n'}
	if [[ $last =~ \#[[:space:]]*exits[[:space:]]+([0-9]+)[[:space:]]*$ ]]; then
		echo "${BASH_REMATCH[1]}"
	else echo 0; fi
}
# __listeners: listening TCP sockets in this network namespace.
__listeners() { cat /proc/net/tcp /proc/net/tcp6 2>/dev/null | awk '$4 == "0A"' | wc -l; }
# __bg_wait PID BEFORE: until PID listens on more sockets than BEFORE, stable for 0.25 s.
__bg_wait() {
	local i=0 now last=-1 same=0
	while [ $i -lt 200 ]; do
		kill -0 "$1" 2>/dev/null || __fail "the background process exited before it listened"
		now=$(__listeners)
		if [ "$now" -gt "$2" ] && [ "$now" -eq "$last" ]; then
			same=$((same + 1))
			[ $same -ge 5 ] && return 0
		else same=0; fi
		last=$now
		sleep 0.05
		i=$((i + 1))
	done
	__fail "the background process did not listen within 10 s"
}
__run() {
	__doc=$1 __line=$2 __cmd=$3
	__n=$((__n + 1))
	__out=$__logs/$__n
	local want before code stripped
	want=$(__want "$__cmd")
	stripped=$(sed 's/[[:space:]]#.*$//; s/[[:space:]]*$//' <<<"${__cmd##*$'\n'}")
	if [[ $stripped == *'&' && $stripped != *'&&' ]]; then
		before=$(__listeners)
		eval "$__cmd" </dev/null >"$__out.out" 2>"$__out.err"
		__bg_wait $! "$before"
		return 0
	fi
	eval "$__cmd" </dev/null >"$__out.out" 2>"$__out.err"
	code=$?
	[ -z "$__verbose" ] || { echo "\$ $__cmd  [$code]"; cat "$__out.out" "$__out.err"; echo; }
	[ "$code" -eq "$want" ] || __fail "exit $code, expected $want"
}
# __console DOC LINE CMD EXPECTED: runs CMD, its output must be EXPECTED (… any text).
__console() {
	__doc=$1 __line=$2 __cmd=$3
	__n=$((__n + 1))
	__out=$__logs/$__n
	local want code
	want=$(__want "$__cmd")
	eval "$__cmd" </dev/null >"$__out.out" 2>&1
	code=$?
	cp "$__out.out" "$__out.err"
	[ "$code" -eq "$want" ] || __fail "exit $code, expected $want"
	printf '%s' "$4" >"$__out.want"
	awk -v want="$__out.want" '
		# like(got, e): e with each "…" standing for any text.
		function like(got, e,   n, p, i, k) {
			n = split(e, p, "…")
			if (n == 1) return got == e
			if (substr(got, 1, length(p[1])) != p[1]) return 0
			got = substr(got, length(p[1]) + 1)
			for (i = 2; i < n; i++) {
				if ((k = index(got, p[i])) == 0) return 0
				got = substr(got, k + length(p[i]))
			}
			return length(got) >= length(p[n]) && substr(got, length(got) - length(p[n]) + 1) == p[n]
		}
		{ got[NR] = $0; ng = NR }
		END {
			ne = 0
			while ((getline l < want) > 0) want_[++ne] = l
			if (ne != ng) { print "printed " ng " lines, the document shows " ne; exit 1 }
			for (i = 1; i <= ne; i++)
				if (!like(got[i], want_[i])) { print "line " i ": printed\n    " got[i] "\n  the document shows\n    " want_[i]; exit 1 }
		}' "$__out.out" >"$__out.diff" || {
		cp "$__out.diff" "$__out.err"
		__fail "output differs"
	}
}
__cleanup() {
	local pids
	pids=$(jobs -p)
	[ -n "$pids" ] || return 0
	kill -TERM $pids 2>/dev/null
	for i in $(seq 50); do
		kill -0 $pids 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL $pids 2>/dev/null
	wait 2>/dev/null
}
trap __cleanup EXIT
EOF

docs="README.md $(cd "$top" && ls docs/*.md)"
for doc in $docs; do
	name=$(echo "$doc" | tr / _)
	gen "$doc" >"$tmp/$name.body"
	[ -s "$tmp/$name.body" ] || continue
	scratch=$tmp/$name
	mkdir -p "$scratch/home" "$tmp/$name.logs"
	cp -R "$top/examples" "$top/etc" "$top/scripts" "$scratch/"
	{
		echo "__logs=$tmp/$name.logs __verbose=${SESSIONS_VERBOSE:-}"
		cat "$tmp/prelude.sh" "$tmp/$name.body"
		echo "echo \"$doc: \$__n commands ran as written\""
	} >"$tmp/$name.sh"
	# A session of its own (setsid), so that whatever it leaves is killed with its group.
	(cd "$scratch" && exec env -i PATH="$tmp/bin:/usr/local/bin:/usr/bin:/bin" HOME="$scratch/home" \
		LANG=C.UTF-8 setsid $netns sh -c 'ip link set lo up && exec bash "$0"' "$tmp/$name.sh") \
		>"$tmp/$name.result" 2>&1 &
	pid=$!
	i=0
	while kill -0 $pid 2>/dev/null && [ $i -lt 600 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	if kill -0 $pid 2>/dev/null; then
		kill -TERM -- -$pid 2>/dev/null
		sleep 1
		kill -KILL -- -$pid 2>/dev/null
		echo "FAIL: $doc: still running after 30 s" >>"$tmp/$name.result"
	fi
	wait $pid
	rc=$?
	kill -KILL -- -$pid 2>/dev/null
	pid=""
	cat "$tmp/$name.result"
	if [ $rc -eq 0 ]; then ok; else bad "$doc: a session does not run as written"; fi
done

finish
