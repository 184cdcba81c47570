#!/bin/bash
# Local OCR throughput and the scores of the scans, through the extension.
#   - bare `pdftoppm -r 300 | tesseract --psm 6` over every page of the
#     scanned reports, xargs -P <CPUs> (what the machine can do at best);
#   - the extension with finextract.max_local_procs = default (CPUs), 1 and 2:
#     a fresh server each time (nothing cached), both scans submitted at once,
#     wall clock from the first submit to the last job's end; pages/s counts
#     the pages OCR'd (rows cached under engine tesseract/...);
#   - the score of the default run's facts: ../shared/tools/score.py on the
#     two scanned reports.
# Usage: test/bench/ocr_bench.sh [CORPUS_DIR]   (scans: jf_*_scanned.pdf)
#   CORPUS_DIR defaults to ../shared/corpus beside the repository.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
corpus=$(cd "${1:-$top/../shared/corpus}" && pwd)
score="$corpus/../tools/score.py"
procs=$(nproc)
for tool in pdftoppm pdfinfo tesseract bc; do
	command -v "$tool" >/dev/null 2>&1 || {
		echo "ocr_bench.sh: $tool is missing (scripts/install-deps.sh installs it)" >&2
		exit 2
	}
done
scans=("$corpus"/jf_*_scanned.pdf)
[ -e "${scans[0]}" ] || { echo "ocr_bench.sh: no jf_*_scanned.pdf in $corpus" >&2; exit 2; }
pages=0
for f in "${scans[@]}"; do pages=$((pages + $(pdfinfo "$f" | awk '/^Pages:/ {print $2}'))); done

. scripts/pgtmp.sh
trap pgtmp_stop EXIT
q() { pgtmp_psql -At -c "$1"; }
rows=()

# 1. Bare OCR, same commands as the extension's children, -P CPUs.
list=$(mktemp)
for f in "${scans[@]}"; do
	n=$(pdfinfo "$f" | awk '/^Pages:/ {print $2}')
	for p in $(seq 1 "$n"); do echo "$f $p"; done
done >"$list"
t0=$(date +%s.%N)
xargs -P "$procs" -L 1 sh -c 'pdftoppm -r 300 -f "$1" -l "$1" -png -singlefile "$0" |
	OMP_THREAD_LIMIT=1 tesseract stdin stdout --psm 6 -c preserve_interword_spaces=1 >/dev/null 2>&1' <"$list"
t1=$(date +%s.%N)
rm -f "$list"
bare=$(echo "$t1 - $t0" | bc)
rows+=("$(printf '%-40s %6d %8.1f %8.2f' "bare pdftoppm | tesseract, -P $procs" "$pages" "$bare" "$(echo "$pages / $bare" | bc -l)")")

# 2. The extension: one fresh server per setting.
run() {
	local label=$1 conf=$2 keep=${3:-}
	if [ -n "$conf" ]; then pgtmp_start "$conf" >/dev/null; else pgtmp_start >/dev/null; fi
	local t0 t1 secs ocr failed
	t0=$(date +%s.%N)
	for f in "${scans[@]}"; do q "SELECT finx_submit('$f')" >/dev/null; done
	q "SELECT count(finx_wait(id, '30 min')) FROM finx.jobs" >/dev/null
	t1=$(date +%s.%N)
	secs=$(echo "$t1 - $t0" | bc)
	ocr=$(q "SELECT count(*) FROM finx.page_texts WHERE engine LIKE 'tesseract/%'")
	failed=$(q "SELECT count(*) FROM finx.jobs WHERE state <> 'succeeded'")
	rows+=("$(printf '%-40s %6d %8.1f %8.2f   %s failed job(s)' "$label" "$ocr" "$secs" "$(echo "$ocr / $secs" | bc -l)" "$failed")")
	if [ -n "$keep" ]; then
		pgtmp_psql -c "\pset footer off" -c "SELECT j.file_name, j.state, d.pages, (SELECT count(*) FROM finx.statements s WHERE s.job_id = j.id) AS statements, round(extract(epoch FROM j.finished_at - j.started_at)::numeric, 1) AS seconds, left(coalesce(j.last_error, array_to_string(j.warnings, '; ')), 80) AS note FROM finx.jobs j JOIN finx.documents d ON d.id = j.document_id ORDER BY j.id"
		pgtmp_psql -c "COPY (SELECT d.file_name AS doc, f.statement_type, f.page, f.line_no, f.label, f.is_total, f.period_label, f.period_end, f.period_months, f.value, f.unit_scale, f.currency FROM finx.facts f JOIN finx.documents d ON d.id = f.document_id ORDER BY f.job_id, f.statement_id, f.line_no) TO STDOUT WITH (FORMAT csv, HEADER)" >"$keep"
	fi
	pgtmp_stop
}
facts=$(mktemp)
run "finextract, max_local_procs default ($procs)" "" "$facts"
run "finextract, max_local_procs = 1" "finextract.max_local_procs = 1"
run "finextract, max_local_procs = 2" "finextract.max_local_procs = 2"

echo
printf '%-40s %s\n' "machine" "$(nproc) cores ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)), $(free -g | awk '/Mem:/ {print $2}') GiB, $(. /etc/os-release; echo "$PRETTY_NAME"), $(tesseract --version 2>&1 | head -n 1)"
printf '%-40s %6s %8s %8s\n' "OCR of ${#scans[@]} scanned reports" "pages" "seconds" "pages/s"
printf '%s\n' "${rows[@]}"
echo
docs=()
for f in "${scans[@]}"; do docs+=(--doc "$(basename "$f")"); done
python3 "$score" --facts "$facts" --gt "$corpus/gt.tsv" "${docs[@]}" --max-misses 0
rm -f "$facts"
