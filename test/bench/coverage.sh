#!/bin/bash
# coverage.sh - what the extension itself gives on real filings (through
# the worker, with OCR of pages without a text layer, as users run it):
#  1. concept coverage on the 10-Ks:
# the share of annual reports (finx.documents.report_type = '10-K') in
# which revenue, net income, total assets, total liabilities or total
# equity, cash from operations and capital expenditure are all found for
# the filing's own fiscal year (fiscal_period 'FY'), read by concept from
# finx.facts exactly as an analyst's query would;
#  2. the invariants of test/bench/invariants.sh measured on the export of
# finx.facts (invariants.sh --db), rather than on the parser alone.
#
# Usage: test/bench/coverage.sh [-v] [CORPUS_DIR]
#   CORPUS_DIR defaults to ../shared/corpus/unlabeled beside the repository
#   (the developers' corpus); every *.pdf in it is submitted and the 10-Ks
#   among them are counted.  -v lists each 10-K with the concepts it lacks.
# Needs the extension installed (make install) and PostgreSQL 15; starts and
# removes its own throwaway server (scripts/pgtmp.sh).  A benchmark: it
# prints figures and exits 0 unless the run broke.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
verbose=
if [ "${1:-}" = "-v" ]; then
	verbose=1
	shift
fi
corpus=$(cd "${1:-$top/../shared/corpus/unlabeled}" && pwd)

. scripts/pgtmp.sh
trap pgtmp_stop EXIT
pgtmp_start "finextract.text_extractor = 'local'" "finextract.structurer = 'local'"
q() { pgtmp_psql -At -c "$1"; }

mkdir -p "$PGTMP_DIR/docs"
cp "$corpus"/*.pdf "$PGTMP_DIR/docs/"
chmod -R a+rX "$PGTMP_DIR/docs"
q "SELECT count(finx_submit(f)) FROM unnest(ARRAY[$(ls "$PGTMP_DIR"/docs/*.pdf |
	sed "s/.*/'&'/" | paste -sd,)]) f" >/dev/null
q "SELECT count(finx_wait(id, '30 min')) FROM finx.jobs" >/dev/null
failed=$(q "SELECT count(*) FROM finx.jobs WHERE state <> 'succeeded'")

# One row per 10-K: the concepts of the six that its own fiscal year lacks.
lacking="
	WITH k AS (
		SELECT d.id, d.company, max(f.fiscal_year) FILTER (WHERE f.fiscal_period = 'FY') AS fy
		  FROM finx.documents d JOIN finx.facts f ON f.document_id = d.id
		 WHERE d.report_type = '10-K' GROUP BY d.id, d.company),
	want(name, concepts) AS (VALUES
		('revenue', '{revenue}'::text[]), ('net_income', '{net_income}'),
		('total_assets', '{total_assets}'),
		('total_liabilities|total_equity', '{total_liabilities,total_equity}'),
		('cash_from_operations', '{cash_from_operations}'),
		('capital_expenditure', '{capital_expenditure}'))
	SELECT k.id, k.company, k.fy,
		   coalesce(string_agg(w.name, ', ') FILTER (WHERE NOT EXISTS (
			   SELECT 1 FROM finx.facts f
				WHERE f.document_id = k.id AND f.fiscal_year = k.fy
				  AND f.fiscal_period = 'FY' AND f.concept = ANY (w.concepts))), '') AS missing
	  FROM k CROSS JOIN want w GROUP BY k.id, k.company, k.fy"

read -r ok total <<<"$(q "SELECT count(*) FILTER (WHERE missing = ''), count(*) FROM ($lacking) t" | tr '|' ' ')"
docs=$(ls "$PGTMP_DIR"/docs/*.pdf | wc -l)
echo "filings submitted: $docs (jobs not succeeded: $failed); 10-Ks: $total"
if [ "$total" -gt 0 ]; then
	echo "10-Ks with all six concepts for their fiscal year: $ok of $total ($(echo "scale=1; 100 * $ok / $total" | bc) %)"
fi
pgtmp_psql -c "\\copy (SELECT d.file_name AS doc, f.* FROM finx.facts f JOIN finx.documents d ON d.id = f.document_id) TO '$PGTMP_DIR/facts.csv' CSV HEADER"
echo
echo "invariants of the extension's output (finx.facts):"
FINX_UNLABELED="$corpus" test/bench/invariants.sh --db --facts "$PGTMP_DIR/facts.csv" \
	${verbose:+-v} || echo "invariants.sh failed"
if [ -n "$verbose" ]; then
	q "SELECT j.file_name || ': ' || j.state || ': ' || coalesce(j.last_error, '')
		 FROM finx.jobs j WHERE j.state <> 'succeeded' ORDER BY 1"
	q "SELECT d.file_name || ' (' || coalesce(t.company, '?') || ', FY' || coalesce(t.fy::text, '?') || '): lacks ' || t.missing
		 FROM ($lacking) t JOIN finx.documents d ON d.id = t.id
		WHERE t.missing <> '' ORDER BY 1"
fi
