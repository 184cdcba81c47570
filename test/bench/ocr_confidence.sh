#!/bin/bash
# What tesseract's confidences say about the real scans, through the
# extension: every jf_*_scanned.pdf of the corpus on a fresh server
# (finextract.ocr_min_confidence at its default), then per document the
# pages' mean confidence, the values below the threshold, how many of them
# score.py finds wrong or right, and the failed checks with and without
# ocr_suspect.  Then the cost of the TSV: bare tesseract on each page with
# `txt` alone and with `txt tsv`.
# Usage: test/bench/ocr_confidence.sh [CORPUS_DIR]   (default ../shared/corpus)
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
corpus=$(cd "${1:-$top/../shared/corpus}" && pwd)
scans=("$corpus"/jf_*_scanned.pdf)
[ -e "${scans[0]}" ] || { echo "ocr_confidence.sh: no jf_*_scanned.pdf in $corpus" >&2; exit 2; }

. scripts/pgtmp.sh
trap pgtmp_stop EXIT
q() { pgtmp_psql -At -F ' | ' -c "$1"; }
pgtmp_start >/dev/null
for f in "${scans[@]}"; do q "SELECT finx_submit('$f')" >/dev/null; done
q "SELECT count(finx_wait(id, '30 min')) FROM finx.jobs" >/dev/null

echo "== pages: mean confidence, digit words, digit words below 60"
q "SELECT d.file_name, t.page, t.ocr_confidence,
          jsonb_array_length(t.ocr_words),
          (SELECT count(*) FROM jsonb_array_elements(t.ocr_words) w WHERE (w->>'conf')::int < 60)
     FROM finx.page_texts t JOIN finx.documents d ON d.id = t.document_id
    WHERE t.engine LIKE 'tesseract/%' ORDER BY 1, 2"
echo "== values: with a confidence, below 60"
q "SELECT d.file_name, count(f.ocr_confidence), count(*) FILTER (WHERE f.ocr_confidence < 60)
     FROM finx.facts f JOIN finx.documents d ON d.id = f.document_id GROUP BY 1 ORDER BY 1"
echo "== failed checks: all, ocr_suspect"
q "SELECT d.file_name, count(*), count(*) FILTER (WHERE (c->>'ocr_suspect')::boolean)
     FROM finx.statements s JOIN finx.documents d ON d.id = s.document_id,
          jsonb_array_elements(s.checks) c
    WHERE NOT (c->>'passed')::boolean GROUP BY 1 ORDER BY 1"
echo "== warnings"
q "SELECT file_name, w FROM finx.jobs, unnest(warnings) w ORDER BY 1"
echo "== suspect checks"
q "SELECT d.file_name, s.statement_type, c->>'target', c->>'col', c->>'expected', c->>'computed', c->>'ocr_note'
     FROM finx.statements s JOIN finx.documents d ON d.id = s.document_id,
          jsonb_array_elements(s.checks) c
    WHERE (c->>'ocr_suspect')::boolean ORDER BY 1, 2"
if [ -f "$corpus/../tools/score.py" ]; then
	csv="$PGTMP_DIR/facts.csv"
	q "COPY (SELECT d.file_name AS doc, f.statement_type, f.page, f.line_no, f.label, f.is_total,
	         f.period_label, f.period_end, f.period_months, f.value, f.unit_scale, f.currency
	         FROM finx.facts f JOIN finx.documents d ON d.id = f.document_id)
	    TO STDOUT WITH (FORMAT csv, HEADER)" >"$csv"
	echo "== score.py"
	python3 "$corpus/../tools/score.py" --facts "$csv" --gt "$corpus/gt.tsv" $(for f in "${scans[@]}"; do echo --doc "$(basename "$f")"; done) 2>&1 | tail -n 4 || true
fi

echo "== the TSV's cost: bare tesseract per page, txt vs txt tsv (seconds, sum over pages)"
img=$(mktemp -d)
txt=0; both=0
for f in "${scans[@]}"; do
	n=$(pdfinfo "$f" | awk '/^Pages:/ {print $2}')
	for p in $(seq 1 "$n"); do
		pdftoppm -r 300 -f "$p" -l "$p" -png -singlefile "$f" "$img/p"
		t0=$(date +%s.%N)
		OMP_THREAD_LIMIT=1 tesseract "$img/p.png" "$img/a" --psm 6 -c preserve_interword_spaces=1 txt 2>/dev/null
		t1=$(date +%s.%N)
		OMP_THREAD_LIMIT=1 tesseract "$img/p.png" "$img/b" --psm 6 -c preserve_interword_spaces=1 txt tsv 2>/dev/null
		t2=$(date +%s.%N)
		cmp -s "$img/a.txt" "$img/b.txt" || echo "text differs on $f page $p"
		txt=$(echo "$txt + $t1 - $t0" | bc); both=$(echo "$both + $t2 - $t1" | bc)
	done
done
rm -rf "$img"
printf 'txt %.2f s, txt tsv %.2f s\n' "$txt" "$both"
