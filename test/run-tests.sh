#!/bin/bash
# Run finextract's whole test suite on a Debian 12 machine:
#   parser unit tests, pg_regress (sql/ expected/) and TAP (test/t/).
# Installs the Debian packages it needs, builds and installs the extension,
# then runs the server-side tests as an unprivileged user (initdb refuses
# root).  Usage: test/run-tests.sh   (from the repository's top; as root, or with sudo)
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

sh scripts/install-deps.sh
make -s
$SUDO make -s install

echo "== parser unit tests"
make -s -C test/tools check
echo "== invariants self-test (synthetic facts)"
python3 test/bench/invariants.py --selftest
echo "== JSON codec, redaction and failure-policy unit tests"
make -s -C test/unit check
echo "== mock API server"
make -s -C test/mock
test/mock/smoke.sh | tail -n 1
echo "== mock fidelity with the official clients (npm llmwhisperer-client, openai)"
test/mock/fidelity.sh | tail -n 1
# libFuzzer: 60 s per target in CI, shorter by default on a developer's machine
fuzz_secs=${FINX_FUZZ_SECONDS:-$([ "${CI:-}" = true ] && echo 60 || echo 10)}
echo "== fuzzing, $fuzz_secs s per target"
test/fuzz/run.sh "$fuzz_secs"

# The server tests run as an unprivileged user in a private copy of the tree.
runner=${FINX_TEST_USER:-postgres}
[ "$(id -u)" -eq 0 ] || runner=$(id -un)
work=$(mktemp -d /tmp/finx-tests.XXXXXX)
tar --exclude=.git -cf - . | tar -C "$work" -xf -
[ "$(id -u)" -eq 0 ] && chown -R "$runner" "$work"
status=0
echo "== pg_regress and TAP (as $runner)"
run_as() { if [ "$(id -u)" -eq 0 ]; then runuser -u "$runner" -- "$@"; else "$@"; fi; }
# the public filings beside the repository (../shared/corpus), for the
# tests that read them (041_answers.pl); they skip without it
corpus=${FINX_CORPUS:-$top/../shared/corpus}
[ -e "$corpus/gt.tsv" ] && corpus=$(cd "$corpus" && pwd) || corpus=
run_as env PATH="/usr/lib/postgresql/15/bin:/usr/local/bin:/usr/bin:/bin" \
	make -C "$work" installcheck || status=$?
[ $status -ne 0 ] || run_as env PATH="/usr/lib/postgresql/15/bin:/usr/local/bin:/usr/bin:/bin" \
	${corpus:+FINX_CORPUS="$corpus"} make -C "$work" tapcheck PROVE_FLAGS="-I ./test/perl --timer" || status=$?
if [ $status -ne 0 ]; then
	for f in "$work"/regression.diffs "$work"/tmp_check/log/regress_log_*; do
		[ -f "$f" ] && { echo "---- $f"; tail -n 80 "$f"; }
	done
	# last, so that a truncated log still shows it: each failed TAP test
	# with the diagnostics printed after it (its diag lines start with #)
	echo "==== failed TAP tests and their diagnostics"
	for f in "$work"/tmp_check/log/regress_log_*; do
		[ -f "$f" ] && grep 'not ok' "$f" | grep -qv '# TODO' || continue
		echo "---- $(basename "$f")"
		awk '/not ok/ && !/# TODO/ { show = 25 } show > 0 { print; show-- }' "$f"
	done
fi
[ -n "${FINX_KEEP_TEST_DIR:-}" ] || rm -rf "$work"
exit $status
