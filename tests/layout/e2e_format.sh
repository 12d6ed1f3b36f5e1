# e2e_format.sh POSSUM SOURCE_DIR — the C sources are as `make format` (clang-format, the
# repository's .clang-format) leaves them: a change that was not formatted fails here, with
# the files and lines. Skipped (77) where clang-format is not installed.
. "$(dirname "$0")/../lib.sh"
cd "$2" || exit 1
command -v clang-format >/dev/null || { echo "SKIP: no clang-format"; exit 77; }
if [ -d .git ] && command -v git >/dev/null; then
	files=$(git ls-files '*.c' '*.h')
else
	files=$(find src tests fuzz bench -name '*.[ch]')
fi
# shellcheck disable=SC2086
clang-format --dry-run $files >"$tmp/fmt" 2>&1
if grep -q 'warning:' "$tmp/fmt"; then
	bad "not clang-formatted (run make format): $(grep 'warning:' "$tmp/fmt" | cut -d: -f1,2 | sort -u | head -10 | tr '\n' ' ')"
else
	ok
fi
finish
