# tap.sh -- sourced by the shell tests that run finx-mock (smoke.sh,
# fidelity.sh, test/unit/mock_roundtrip.sh): a scratch directory removed on
# exit (kept when keep=1), TAP-ish counters with ok and expect, starting the
# mock on a free port, and the closing "N passed, M failed" line.
#
# Set mock_dir to the directory of finx-mock before sourcing; set work (and
# keep) too to use a scratch directory of your own.

: "${mock_dir:?set mock_dir before sourcing tap.sh}"
work=${work:-$(mktemp -d)}
keep=${keep:-0}
pid=
port=
pass=0
fail=0

tap_cleanup() {
	if [ -n "$pid" ]; then
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	fi
	[ "$keep" = 1 ] || rm -rf "$work"
}
trap tap_cleanup EXIT INT TERM

# ok STATUS NAME [GOT]: one test line; STATUS 0 passes
ok() {
	if [ "$1" = 0 ]; then
		pass=$((pass + 1))
		echo "ok $((pass + fail)) - $2"
	else
		fail=$((fail + 1))
		echo "not ok $((pass + fail)) - $2"
		[ -n "${3:-}" ] && echo "#   got: $3"
	fi
	return 0
}

# expect NAME WANTED GOT: GOT contains WANTED
expect() {
	case "$3" in
		*"$2"*) ok 0 "$1" ;;
		*) ok 1 "$1" "$3" ;;
	esac
}

# tap_done: the summary line; the status says whether everything passed
tap_done() {
	echo "$pass passed, $fail failed"
	[ "$fail" = 0 ]
}

# mock_start ARGS...: start finx-mock on a free loopback port (sets pid and
# port); a mock that does not come up is a failed test and ends the script
mock_start() {
	"$mock_dir/finx-mock" --port 0 --quiet "$@" >"$work/mock.port" 2>"$work/mock.err" &
	pid=$!
	for _ in $(seq 100); do
		port=$(sed -n 's/^PORT=//p' "$work/mock.port")
		[ -n "$port" ] && break
		sleep 0.05
	done
	if [ -z "$port" ]; then
		ok 1 "finx-mock starts" "$(cat "$work/mock.err")"
		tap_done
		exit 1
	fi
}
