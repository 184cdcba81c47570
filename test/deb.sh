#!/bin/bash
# Build the Debian package from a clean copy of this tree and run the
# regression tests (pg_regress alone) against the package's files.
#
#   test/deb.sh            extract the .deb into a private copy of the
#                          PostgreSQL 15 installation and test it there
#                          (the system is not touched; any user)
#   test/deb.sh --install  install the .deb into the system with apt-get
#                          (root; what .ci/run does) and test it there
#
# The copy holds the files git knows (tracked, and new ones not ignored), so
# nothing built in the working tree reaches the package.  Work happens in
# $FINX_DEB_DIR (default /tmp/finx-deb-$$).  Ends with "package: N passed,
# M failed", N and M counting pg_regress tests.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
work=${FINX_DEB_DIR:-/tmp/finx-deb-$$}
install=0
[ "${1:-}" = "--install" ] && install=1
runner=${FINX_TEST_USER:-postgres}
[ "$(id -u)" -eq 0 ] || runner=$(id -un)
run_as() { if [ "$(id -u)" -eq 0 ]; then runuser -u "$runner" -- "$@"; else "$@"; fi; }
fail() { echo "$1"; echo "package: 0 passed, 1 failed"; exit 1; }

# copy_tree DIR: the files git knows, as a fresh clone would have them
copy_tree() {
	mkdir -p "$1"
	(cd "$top" && git ls-files -z --cached --others --exclude-standard |
		xargs -0 -r tar --no-recursion -cf - 2>/dev/null) | tar -C "$1" -xf -
}

rm -rf "$work"
mkdir -p "$work"
echo "== copying the tree into $work/finextract"
copy_tree "$work/finextract"

if [ $install -eq 1 ]; then
	echo "== build dependencies (debian/control)"
	DEBIAN_FRONTEND=noninteractive apt-get build-dep -y -qq "$work/finextract" >"$work/apt.log" 2>&1 ||
		{ tail -n 20 "$work/apt.log"; fail "could not install the build dependencies"; }
fi

echo "== dpkg-buildpackage -us -uc -b"
(cd "$work/finextract" && dpkg-buildpackage -us -uc -b) >"$work/build.log" 2>&1 ||
	{ tail -n 40 "$work/build.log"; fail "the package did not build (log $work/build.log)"; }
grep -E "warning:" "$work/build.log" | grep -v -E "dpkg-(gencontrol|shlibdeps|buildpackage)" && echo "(compiler warnings above)"
debs=("$work"/postgresql-15-finextract_*.deb)
[ -f "${debs[0]}" ] || fail "no postgresql-15-finextract_*.deb in $work"
deb=${debs[0]}
echo "built $(basename "$deb")"
dpkg-deb -f "$deb" Package Version Depends Recommends

# The files the server needs must be in the package.
dpkg-deb -c "$deb" >"$work/contents"
for f in ./usr/lib/postgresql/15/lib/finextract.so \
	./usr/share/postgresql/15/extension/finextract.control \
	./usr/share/postgresql/15/extension/finextract--0.1.0.sql \
	./usr/share/postgresql/15/extension/finextract--0.3.0--0.4.0.sql; do
	grep -q " $f\$" "$work/contents" || fail "$f is missing from the package"
done

pgbin=/usr/lib/postgresql/15/bin
if [ $install -eq 1 ]; then
	echo "== apt-get install --reinstall ./$(basename "$deb")"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends --reinstall "$deb" >"$work/apt.log" 2>&1 ||
		{ tail -n 20 "$work/apt.log"; fail "the package did not install"; }
	# --reinstall: the same version may be installed already, and a later
	# `make install` (test/run-tests.sh) may have overwritten its files.
	# Then every file of the package must be the one dpkg installed.
	dpkg --verify postgresql-15-finextract || fail "installed files differ from the package"
	[ "$(dpkg -S "$(dirname "$pgbin")/lib/finextract.so" 2>/dev/null | cut -d: -f1)" = postgresql-15-finextract ] ||
		fail "finextract.so does not belong to the package"
else
	# A private copy of the PostgreSQL installation without any finextract,
	# then the package's files over it (PostgreSQL finds lib and share
	# relative to its binaries, so the copy is self-contained).
	echo "== dpkg -x into a private copy of PostgreSQL 15"
	pgroot=/usr/lib/postgresql/15
	pgshare=/usr/share/postgresql/15
	mkdir -p "$work/inst$pgroot" "$work/inst$pgshare"
	cp -a "$pgroot/." "$work/inst$pgroot/"
	cp -a "$pgshare/." "$work/inst$pgshare/"
	rm -rf "$work/inst$pgroot/lib/finextract.so" "$work/inst$pgroot/lib/bitcode/finextract" \
		"$work/inst$pgroot/lib/bitcode/finextract.index.bc" "$work/inst$pgshare"/extension/finextract*
	dpkg -x "$deb" "$work/pkgroot"
	cp -a "$work/pkgroot$pgroot/." "$work/inst$pgroot/"
	cp -a "$work/pkgroot$pgshare/." "$work/inst$pgshare/"
	pgbin=$work/inst$pgroot/bin
fi

echo "== make installcheck (pg_regress) against the package, as $runner"
copy_tree "$work/check"
[ "$(id -u)" -eq 0 ] && chown -R "$runner" "$work/check"
status=0
run_as env PATH="$pgbin:/usr/local/bin:/usr/bin:/bin" \
	make -C "$work/check" installcheck PG_CONFIG="$pgbin/pg_config" >"$work/regress.out" 2>&1 || status=$?
sed -n '/running regression test queries/,$p' "$work/regress.out"
# installcheck must not have built anything: the module tested is the package's
ls "$work/check"/src/*.o >/dev/null 2>&1 && fail "installcheck built the module instead of using the package"
total=$(grep -c -E '^(not )?ok [0-9]+ |^test .* \.\.\. ' "$work/regress.out" || true)
bad=$(grep -c -E '^not ok |^test .* \.\.\. FAILED' "$work/regress.out" || true)
if [ $status -ne 0 ]; then
	[ -f "$work/check/regression.diffs" ] && head -n 80 "$work/check/regression.diffs"
	[ "$bad" -gt 0 ] || bad=1
fi
echo "package: $((total - bad)) passed, $bad failed"
[ $status -eq 0 ]
