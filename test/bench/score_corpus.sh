#!/bin/bash
# Score the whole extension end to end on real reports (test/tools/score_parser.sh
# scores the parser alone, without a server): start a throwaway server,
# submit every PDF of the corpus, export finx.facts to CSV and score it with
# ../shared/tools/score.py against the corpus ground truth.
# Usage: test/bench/score_corpus.sh [CORPUS_DIR] [score.py options...]
#   CORPUS_DIR defaults to ../shared/corpus beside the repository.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
corpus=$(cd "${1:-$top/../shared/corpus}" && pwd)
shift || true
score="$corpus/../tools/score.py"

. scripts/pgtmp.sh
trap pgtmp_stop EXIT
pgtmp_start "${FINX_BENCH_CONF:-finextract.max_pages = 2000}"

for f in "$corpus"/*.pdf; do
	pgtmp_psql -At -c "SELECT finx_submit('$f')" >/dev/null
done
t0=$(date +%s.%N)
pgtmp_psql -At -c "SELECT count(*) FROM (SELECT finx_wait(id, '30 min') FROM finx.jobs) w" >/dev/null
t1=$(date +%s.%N)
pgtmp_psql -c "\pset footer off" -c "SELECT j.file_name, j.state, d.pages, (SELECT count(*) FROM finx.statements s WHERE s.job_id = j.id) AS statements, round(extract(epoch FROM j.finished_at - j.started_at)::numeric, 2) AS seconds, left(coalesce(j.last_error, array_to_string(j.warnings, '; ')), 90) AS note FROM finx.jobs j JOIN finx.documents d ON d.id = j.document_id ORDER BY j.id"
pgtmp_psql -c "COPY (SELECT d.file_name AS doc, f.statement_type, f.page, f.line_no, f.label, f.is_total, f.period_label, f.period_end, f.period_months, f.value, f.unit_scale, f.currency FROM finx.facts f JOIN finx.documents d ON d.id = f.document_id ORDER BY f.job_id, f.statement_id, f.line_no) TO STDOUT WITH (FORMAT csv, HEADER)" >"$PGTMP_DIR/facts.csv"
echo "all jobs finished in $(echo "$t1 - $t0" | bc) s (wall clock after the last submit)"
python3 "$score" --facts "$PGTMP_DIR/facts.csv" --gt "$corpus/gt.tsv" "$@"
