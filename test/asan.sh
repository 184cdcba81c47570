#!/bin/bash
# Run part of the TAP suite against a build of finextract with
# AddressSanitizer and UndefinedBehaviorSanitizer.
#
#   test/asan.sh [TAP_FILE...]        (as root or as an unprivileged user)
#
# Nothing of the normal installation is touched:
#   1. the tree is copied to $FINX_ASAN_DIR (default /tmp/finx-asan) and built
#      there with -fsanitize=address,undefined;
#   2. a private copy of the PostgreSQL installation (/usr/lib/postgresql/15
#      and /usr/share/postgresql/15, ~50 MB) is made under $FINX_ASAN_DIR/inst,
#      and the sanitized build is installed into it with DESTDIR (PostgreSQL
#      finds its lib and share directories relative to its binaries, so the
#      copy is self-contained);
#   3. the sanitizer runtime comes in with finextract.so (it is linked
#      against libasan and libubsan) when the postmaster loads it, allowed by
#      ASAN_OPTIONS=verify_asan_link_order=0; detect_leaks=0 (the server's
#      memory is freed by process exit, not free()); reports are written to
#      $FINX_ASAN_DIR/reports/.  This checks finextract's own code (stack,
#      globals, every UBSan check) but not heap accesses, because malloc is
#      not intercepted unless libasan is preloaded.  FINX_ASAN_PRELOAD=1
#      replaces the copy's `postgres` by a wrapper that preloads libasan for
#      full heap checking; on Debian 12 (glibc 2.36, gcc 12) that postgres
#      deadlocks at start in glibc's bindtextdomain(), so it is off by
#      default.  palloc'd memory is never checked either way (PostgreSQL's
#      allocator recycles chunks without telling ASan);
#   4. the TAP files run with that installation first in PATH, as an
#      unprivileged user (initdb refuses root).
# Default subset (about 3 minutes unsanitized): 002_worker (local pipeline,
# signals, poison documents), 003_remote (libcurl, json-c, the lanes),
# 012_progress (the live counters in shared memory), 021_ocr_confidence
# (tesseract's summary parsed and matched to values), 031_soak (500 jobs
# under faults; its bounds on memory are the unsanitized run's), 033_bad_input (bombs, odd names, bad options).  A test file counts as passed when prove passes it and no
# sanitizer report names a process it ran.  Ends with "N passed, M failed".
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
work=${FINX_ASAN_DIR:-/tmp/finx-asan}
tests=("$@")
[ ${#tests[@]} -gt 0 ] || tests=(test/t/002_worker.pl test/t/003_remote.pl test/t/012_progress.pl
	test/t/021_ocr_confidence.pl test/t/031_soak.pl test/t/033_bad_input.pl)
runner=${FINX_TEST_USER:-postgres}
[ "$(id -u)" -eq 0 ] || runner=$(id -un)
run_as() { if [ "$(id -u)" -eq 0 ]; then runuser -u "$runner" -- "$@"; else "$@"; fi; }

pgbin=$(pg_config --bindir)			# /usr/lib/postgresql/15/bin
pgroot=$(dirname "$pgbin")			# /usr/lib/postgresql/15
pgshare=$(pg_config --sharedir)		# /usr/share/postgresql/15
libasan=$(gcc -print-file-name=libasan.so)
san="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined"

echo "== building a sanitized finextract in $work/src"
rm -rf "$work"
mkdir -p "$work/src" "$work/inst" "$work/reports"
(cd "$top" && tar --exclude=.git -cf - .) | tar -C "$work/src" -xf -
make -s -C "$work/src" clean >/dev/null 2>&1
make -s -C "$work/src" -j"$(nproc)" \
	PG_CFLAGS="-Wall -Wno-unused-parameter -g -O1 $san" \
	SHLIB_LINK="-lcurl -ljson-c $san" >"$work/build.log" 2>&1 ||
	{ tail -n 30 "$work/build.log"; echo "0 passed, 1 failed"; exit 1; }
make -s -C "$work/src/test/mock" >/dev/null 2>&1 ||
	{ echo "could not build the mock"; echo "0 passed, 1 failed"; exit 1; }

echo "== private PostgreSQL installation in $work/inst"
mkdir -p "$work/inst$pgroot" "$work/inst$pgshare"
cp -a "$pgroot/." "$work/inst$pgroot/"
cp -a "$pgshare/." "$work/inst$pgshare/"
make -s -C "$work/src" install DESTDIR="$work/inst" \
	PG_CFLAGS="-g -O1 $san" SHLIB_LINK="-lcurl -ljson-c $san" >>"$work/build.log" 2>&1 ||
	{ tail -n 30 "$work/build.log"; echo "0 passed, 1 failed"; exit 1; }
grep -q __asan_init <(nm -D "$work/inst$pgroot/lib/finextract.so") ||
	{ echo "the installed finextract.so is not sanitized"; echo "0 passed, 1 failed"; exit 1; }
asan_opts="detect_leaks=0:verify_asan_link_order=0:halt_on_error=1:log_path=$work/reports/asan:disable_coredump=1"
ubsan_opts="print_stacktrace=1:halt_on_error=1:log_path=$work/reports/ubsan"
preload=""
if [ -n "${FINX_ASAN_PRELOAD:-}" ]; then
	# full heap checking: the postmaster starts with libasan preloaded (a
	# restart by pg_ctl execs postgres.real directly and runs without it)
	mv "$work/inst$pgroot/bin/postgres" "$work/inst$pgroot/bin/postgres.real"
	printf '#!/bin/sh\n# postgres with libasan preloaded (test/asan.sh)\nexport LD_PRELOAD="%s"\nexec "%s" "$@"\n' \
		"$libasan" "$work/inst$pgroot/bin/postgres.real" >"$work/inst$pgroot/bin/postgres"
	chmod 755 "$work/inst$pgroot/bin/postgres"
	preload=" (libasan preloaded into the postmaster)"
fi
[ "$(id -u)" -eq 0 ] && chown -R "$runner" "$work"

passed=0
failed=0
for t in "${tests[@]}"; do
	name=$(basename "$t" .pl)
	before=$(ls "$work/reports" | wc -l)
	echo "== $t$preload"
	run_as env PATH="$work/inst$pgroot/bin:/usr/local/bin:/usr/bin:/bin" \
		ASAN_OPTIONS="$asan_opts" UBSAN_OPTIONS="$ubsan_opts" \
		TESTDIR="$work/src" PG_REGRESS="$pgroot/lib/pgxs/src/test/regress/pg_regress" \
		bash -c "cd '$work/src' && prove -I '$pgroot/lib/pgxs/src/test/perl' -I ./test/perl --timer '$t'" \
		>"$work/$name.out" 2>&1
	status=$?
	tail -n 3 "$work/$name.out"
	reports=$(( $(ls "$work/reports" | wc -l) - before ))
	if [ $status -eq 0 ] && [ $reports -eq 0 ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "FAILED: $t (prove exit $status, $reports sanitizer report(s))"
	fi
done
for r in "$work"/reports/*; do
	[ -f "$r" ] || continue
	echo "---- $r"
	head -n 40 "$r"
done
echo "logs: $work/src/tmp_check/log/, reports: $work/reports/"
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
