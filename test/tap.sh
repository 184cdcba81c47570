#!/bin/bash
# Run some TAP files (and optionally pg_regress) against a private build of
# this tree, without touching the system's PostgreSQL installation.
#
#   test/tap.sh [--regress] [TAP_FILE...]     (as root or an unprivileged user)
#
# The tree is copied to $FINX_TAP_DIR (default /tmp/finx-tap-$USER-$$ hashed
# by the tree's path), built there, and installed with DESTDIR into a private
# copy of /usr/lib/postgresql/15 and /usr/share/postgresql/15 (PostgreSQL finds
# its lib and share directories relative to its binaries, so the copy is
# self-contained).  The TAP files then run with that copy first in PATH.
# Several trees can therefore be tested at once on one machine.  With
# --regress, `make installcheck` (pg_regress only) runs against the copy too.
# Ends with "N passed, M failed".
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
work=${FINX_TAP_DIR:-/tmp/finx-tap-$(printf '%s' "$top" | md5sum | cut -c1-8)}
regress=0
if [ "${1:-}" = "--regress" ]; then regress=1; shift; fi
tests=("$@")
runner=${FINX_TEST_USER:-postgres}
[ "$(id -u)" -eq 0 ] || runner=$(id -un)
run_as() { if [ "$(id -u)" -eq 0 ]; then runuser -u "$runner" -- "$@"; else "$@"; fi; }

pgbin=$(PATH=/usr/lib/postgresql/15/bin:$PATH pg_config --bindir)
pgroot=$(dirname "$pgbin")
pgshare=$(PATH=/usr/lib/postgresql/15/bin:$PATH pg_config --sharedir)

echo "== building $top in $work/src"
rm -rf "$work/src" "$work/tmp_check"
mkdir -p "$work/src" "$work/inst"
(cd "$top" && tar --exclude=.git --exclude=tmp_check -cf - .) | tar -C "$work/src" -xf -
make -s -C "$work/src" clean >/dev/null 2>&1
make -s -C "$work/src" -j"$(nproc)" >"$work/build.log" 2>&1 ||
	{ tail -n 30 "$work/build.log"; echo "0 passed, 1 failed"; exit 1; }
grep -E "warning:" "$work/build.log" && echo "(build warnings above)"
make -s -C "$work/src/test/mock" >/dev/null 2>&1 ||
	{ echo "could not build the mock"; echo "0 passed, 1 failed"; exit 1; }
if [ ! -x "$work/inst$pgroot/bin/postgres" ]; then
	mkdir -p "$work/inst$pgroot" "$work/inst$pgshare"
	cp -a "$pgroot/." "$work/inst$pgroot/"
	cp -a "$pgshare/." "$work/inst$pgshare/"
fi
make -s -C "$work/src" install DESTDIR="$work/inst" >>"$work/build.log" 2>&1 ||
	{ tail -n 30 "$work/build.log"; echo "0 passed, 1 failed"; exit 1; }
[ "$(id -u)" -eq 0 ] && chown -R "$runner" "$work"

passed=0
failed=0
path="$work/inst$pgroot/bin:/usr/local/bin:/usr/bin:/bin"
if [ $regress -eq 1 ]; then
	echo "== pg_regress"
	if run_as env PATH="$path" make -s -C "$work/src" installcheck PG_CONFIG="$work/inst$pgroot/bin/pg_config" \
		>"$work/regress.out" 2>&1; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		tail -n 20 "$work/regress.out"
		[ -f "$work/src/regression.diffs" ] && head -n 80 "$work/src/regression.diffs"
	fi
fi
for t in "${tests[@]}"; do
	name=$(basename "$t" .pl)
	echo "== $t"
	run_as env PATH="$path" TESTDIR="$work/src" \
		PG_REGRESS="$work/inst$pgroot/lib/pgxs/src/test/regress/pg_regress" \
		bash -c "cd '$work/src' && prove -I '$pgroot/lib/pgxs/src/test/perl' -I ./test/perl --timer '$t'" \
		>"$work/$name.out" 2>&1
	status=$?
	tail -n 3 "$work/$name.out"
	if [ $status -eq 0 ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		grep -E "^not ok|#   Failed|# +got|# +expected|Dubious|BAIL" "$work/$name.out" | head -n 30
		echo "FAILED: $t (full output $work/$name.out, logs $work/src/tmp_check/log/)"
	fi
done
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
