#!/bin/bash
# The main job on the embedded default: build and install finextract, start a
# throwaway PostgreSQL (as an unprivileged user) with the extension preloaded,
# submit the bundled sample PDFs, and print the statements found in them.
# Usage: scripts/demo.sh [--keep]   (from the repository's top; as root, or with sudo)
# With --keep the server keeps running after the demo, and the last lines say
# how to connect to it and how to stop it (and remove its directory).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
keep=${1:-}
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

sh scripts/install-deps.sh
make -s
$SUDO make -s install

. scripts/pgtmp.sh

# On exit: stop the server and remove its directory, unless --keep was given
# (then, even after a failure, leave it running and print how to reach it).
finish() {
	local status=$?
	if [ "$keep" = "--keep" ] && [ -n "${PGTMP_DIR:-}" ]; then
		local as=""
		[ "$(id -u)" -eq 0 ] && as="runuser -u $PGTMP_USER -- "
		echo "== the server keeps running (port $PGTMP_PORT, socket and data in $PGTMP_DIR)"
		echo "connect: ${as}$PGTMP_BIN/psql -h $PGTMP_DIR -p $PGTMP_PORT -d postgres"
		echo "stop:    ${as}$PGTMP_BIN/pg_ctl -D $PGTMP_DIR/data stop && rm -rf $PGTMP_DIR"
		return $status
	else
		pgtmp_stop
	fi
}
trap finish EXIT

echo "== throwaway server"
pgtmp_start
work=$PGTMP_DIR
psql_() { pgtmp_psql "$@"; }

echo "== samples"
pgtmp_as python3 test/fixtures/gen_fixtures.py "$work/samples" >/dev/null
# one scanned sample (an image-only PDF): read by local OCR (tesseract)
pgtmp_as python3 test/fixtures/make_scanned.py "$work/scans" >/dev/null
cp "$work/scans/scan_simple.pdf" "$work/samples/scanned_statements.pdf"
ls "$work"/samples/*.pdf

echo "== submit"
for f in "$work"/samples/*.pdf; do
	psql_ -At -c "SELECT 'job ' || finx_submit('$f') || ': $(basename "$f")'"
done
psql_ -At -c "SELECT file_name || ': ' || finx_wait(id, '5 min') FROM finx.jobs ORDER BY id"

echo "== statements"
psql_ <<'SQL'
\pset footer off
SELECT j.file_name AS document, s.statement_type, s.title, s.first_page AS page,
       s.unit_scale, s.currency, s.checks_passed || '/' || (s.checks_passed + s.checks_failed) AS checks_ok
  FROM finx.statements s JOIN finx.jobs j ON j.id = s.job_id ORDER BY j.id, s.seq;
\pset format unaligned
\pset tuples_only on
SELECT format(E'\n%s — %s (p. %s; %s, x %s)\n%s%s', j.file_name, s.title, s.first_page,
              coalesce(s.currency, '?'), coalesce(s.unit_scale::text, '?'),
              rpad('', 58),
              (SELECT string_agg(lpad(coalesce(to_char(p.period_end, 'YYYY-MM-DD') || coalesce(' ' || p.period_months || 'M', ''), right(p.label, 22)), 24), '' ORDER BY p.col)
                 FROM finx.statement_periods p WHERE p.statement_id = s.id))
       || E'\n' ||
       (SELECT string_agg(rpad(repeat('  ', li.indent) || li.label, 58)
                          || coalesce((SELECT string_agg(lpad(coalesce(v::text, ''), 24), '' ORDER BY o)
                                         FROM unnest(li."values") WITH ORDINALITY AS u(v, o)), ''),
                          E'\n' ORDER BY li.row_no)
          FROM finx.line_items li WHERE li.statement_id = s.id)
  FROM finx.statements s JOIN finx.jobs j ON j.id = s.job_id ORDER BY j.id, s.seq;
\pset tuples_only off
\pset format aligned
SELECT count(*) AS facts FROM finx.facts;
SQL
