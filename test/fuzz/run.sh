#!/bin/sh
# run.sh - build the libFuzzer harnesses and run each for a while.
#
#   test/fuzz/run.sh [SECONDS] [TARGET ...]
#
# Targets: parse (the statement parser, layout and OCR text), pagerange
# (src/pagerange.c), period (period headings, amounts, unit scale,
# currency), and json (src/json*.c, when json-c is installed).  Each is built
# with `clang -g -O1 -fsanitize=fuzzer,address,undefined` and run for
# SECONDS (default 60) from a copy of its seeds in corpus/<target>/, with a
# per-input timeout and -max_len.  Prints one line per target with its
# executions, then "N passed, M failed"; exits 1 when any target crashed,
# leaked, hit undefined behaviour or timed out.  A crashing input is kept
# as $FX_FUZZ_OUT/<target>/crash-* (default: a temporary directory).
# Needs clang and libclang-rt-dev (Debian: clang-14 libclang-rt-14-dev).
set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
secs=${1:-60}
[ $# -gt 0 ] && shift
targets=${*:-parse pagerange period json}
cc=${CLANG:-}
if [ -z "$cc" ]; then
	for c in clang clang-14 clang-15 clang-16; do
		command -v "$c" >/dev/null 2>&1 && { cc=$c; break; }
	done
fi
[ -n "$cc" ] || { echo "run.sh: clang is missing (apt-get install clang-14 libclang-rt-14-dev)" >&2; exit 2; }
out=${FX_FUZZ_OUT:-$(mktemp -d "${TMPDIR:-/tmp}/fxfuzz.XXXXXX")}
mkdir -p "$out"
flags="-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -std=c99 -D_POSIX_C_SOURCE=200809L -I$top/src"
# every file of the parser (plain C, no server headers): src/parse*.c and check.c
parser="$(echo "$top"/src/parse*.c) $top/src/check.c"

# build one target; prints nothing on success
build() {
	case "$1" in
		parse) $cc $flags -o "$out/fuzz_parse" "$here/fuzz_parse.c" $parser ;;
		pagerange) $cc $flags -o "$out/fuzz_pagerange" "$here/fuzz_pagerange.c" "$top/src/pagerange.c" ;;
		period) $cc $flags -o "$out/fuzz_period" "$here/fuzz_period.c" $parser ;;
		json)
			pkg-config --exists json-c 2>/dev/null || return 3
			[ -f "$here/fuzz_json.c" ] || return 3
			# shellcheck disable=SC2046
			$cc $flags -o "$out/fuzz_json" "$here/fuzz_json.c" "$top"/src/json*.c \
				"$top/src/prompt.c" $parser $(pkg-config --cflags --libs json-c) -lm ;;
		*) return 2 ;;
	esac
}

# the longest input worth trying per target
max_len() {
	case "$1" in
		parse) echo 16384 ;;
		json) echo 16384 ;;
		*) echo 512 ;;
	esac
}

passed=0
failed=0
for t in $targets; do
	build "$t" > "$out/$t.build.log" 2>&1
	rc=$?
	if [ $rc -eq 3 ]; then
		echo "$t: skipped (json-c or fuzz_json.c missing)"
		continue
	fi
	if [ $rc -ne 0 ]; then
		echo "$t: FAILED to build (see $out/$t.build.log)"
		failed=$((failed + 1))
		continue
	fi
	work="$out/$t.corpus"
	mkdir -p "$work" "$out/$t"
	[ -d "$here/corpus/$t" ] && cp "$here/corpus/$t"/* "$work"/ 2>/dev/null
	"$out/fuzz_$t" -max_total_time="$secs" -max_len="$(max_len "$t")" \
		-timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$out/$t/" "$work" > "$out/$t.log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/$t.log" | tail -n 1)
	cov=$(grep -o 'cov: [0-9]*' "$out/$t.log" | tail -n 1 | cut -d' ' -f2)
	if [ $rc -eq 0 ]; then
		echo "$t: ok, ${execs:-?} executions in ${secs}s, coverage ${cov:-?}"
		passed=$((passed + 1))
	else
		echo "$t: FAILED after ${execs:-?} executions (exit $rc); log $out/$t.log, inputs $out/$t/"
		grep -m 3 -E 'ERROR|SUMMARY|runtime error' "$out/$t.log" | sed 's/^/  /'
		failed=$((failed + 1))
	fi
done
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
