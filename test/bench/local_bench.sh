#!/bin/bash
# Benchmarks of the embedded default (no remote APIs), printed as one table:
#   - idle wake latency: submit commit -> job claimed (p50, p95, max)
#   - finx_submit_bytes throughput in one session
#   - local pipeline throughput (pages/s, jobs/s) against bare pdftotext
#     over the same files with the same parallelism
# Usage: test/bench/local_bench.sh [CORPUS_DIR]   (digital reports: fb_*, pc_*)
# The pipeline reads the text layer as the server's settings say
# (finextract.text_words, default on: word boxes from pdftotext -tsv);
# FINX_BENCH_CONF='finextract.text_words = off' measures -layout instead.
# Bare pdftotext is timed in both modes, -tsv and -layout.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
corpus=$(cd "${1:-$top/../shared/corpus}" && pwd)
copies=${FINX_BENCH_COPIES:-3}
wakes=${FINX_BENCH_WAKES:-40}
submits=${FINX_BENCH_SUBMITS:-5000}
procs=$(nproc)

. scripts/pgtmp.sh
trap pgtmp_stop EXIT
pgtmp_start ${FINX_BENCH_CONF:+"$FINX_BENCH_CONF"}
q() { pgtmp_psql -At -c "$1"; }

# Distinct copies of the digital reports (another hash each: no reuse, no cache).
mkdir -p "$PGTMP_DIR/docs"
for c in $(seq 1 "$copies"); do
	for f in "$corpus"/fb_*.pdf "$corpus"/pc_*.pdf; do
		b=$(basename "$f" .pdf)
		{ cat "$f"; printf '%% copy %s\n' "$c"; } >"$PGTMP_DIR/docs/$b-$c.pdf"
	done
done
chmod -R a+rX "$PGTMP_DIR/docs"
ndocs=$(ls "$PGTMP_DIR"/docs/*.pdf | wc -l)
pages=0
for f in "$PGTMP_DIR"/docs/*.pdf; do pages=$((pages + $(pdfinfo "$f" | awk '/^Pages:/ {print $2}'))); done

# 1. Idle wake latency: one small job at a time, each submitted to an idle worker.
small="$PGTMP_DIR/small.pdf"
python3 test/fixtures/gen_fixtures.py "$PGTMP_DIR/fx" >/dev/null
for i in $(seq 1 "$wakes"); do
	{ cat "$PGTMP_DIR/fx/two_page.pdf"; printf '%% wake %s\n' "$i"; } >"$small"
	id=$(q "SELECT finx_submit('$small')")
	q "SELECT finx_wait($id, '1 min')" >/dev/null
done
read -r wake50 wake95 wakemax <<<"$(q "SELECT round(1000 * percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM started_at - created_at))::numeric, 1),
	round(1000 * percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM started_at - created_at))::numeric, 1),
	round(1000 * max(extract(epoch FROM started_at - created_at))::numeric, 1) FROM finx.jobs" | tr '|' ' ')"

# 2. Submit throughput in one session (the same bytes: one document, many jobs).
t0=$(date +%s.%N)
q "SELECT count(finx_submit_bytes(pg_read_binary_file('$small'), 'x.pdf', '{}'::jsonb)) FROM generate_series(1, $submits) g" >/dev/null
t1=$(date +%s.%N)
submit_rate=$(echo "$submits / ($t1 - $t0)" | bc)
q "SELECT count(finx_wait(id, '10 min')) FROM finx.jobs" >/dev/null

# 3. Local pipeline vs bare pdftotext, same files, same parallelism.
bare_time() {
	local t0 t1
	t0=$(date +%s.%N)
	ls "$PGTMP_DIR"/docs/*.pdf | xargs -P "$procs" -I{} pdftotext "$1" -enc UTF-8 {} /dev/null 2>/dev/null
	t1=$(date +%s.%N)
	echo "$t1 - $t0" | bc
}
bare_layout=$(bare_time -layout)
bare_tsv=$(bare_time -tsv)
mode=$(q "SHOW finextract.text_words")
if [ "$mode" = on ]; then bare=$bare_tsv; else bare=$bare_layout; fi
t0=$(date +%s.%N)
# one statement submits them all, as bare pdftotext starts on all at once
q "SELECT count(finx_submit(f)) FROM unnest(string_to_array('$(ls "$PGTMP_DIR"/docs/*.pdf | tr '\n' ' ' | sed 's/ $//')', ' ')) f" >/dev/null
q "SELECT count(finx_wait(id, '30 min')) FROM finx.jobs WHERE state NOT IN ('succeeded', 'failed', 'cancelled')" >/dev/null
t1=$(date +%s.%N)
fx=$(echo "$t1 - $t0" | bc)
failed=$(q "SELECT count(*) FROM finx.jobs WHERE state <> 'succeeded' AND file_name NOT LIKE 'x.pdf'")

printf '\n%-44s %s\n' "machine" "$(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(. /etc/os-release; echo "$PRETTY_NAME")"
printf '%-44s %s\n' "documents / pages (local pipeline run)" "$ndocs / $pages"
printf '%-44s %s ms / %s ms / %s ms\n' "idle wake latency p50 / p95 / max ($wakes)" "$wake50" "$wake95" "$wakemax"
printf '%-44s %s /s\n' "finx_submit_bytes, one session ($submits)" "$submit_rate"
printf '%-44s %.2f s  (%.1f pages/s)\n' "bare pdftotext -tsv -P $procs" "$bare_tsv" "$(echo "$pages / $bare_tsv" | bc -l)"
printf '%-44s %.2f s  (%.1f pages/s)\n' "bare pdftotext -layout -P $procs" "$bare_layout" "$(echo "$pages / $bare_layout" | bc -l)"
printf '%-44s %.2f s  (%.1f pages/s, %.2f jobs/s)\n' "finextract local pipeline (text_words $mode)" "$fx" "$(echo "$pages / $fx" | bc -l)" "$(echo "$ndocs / $fx" | bc -l)"
printf '%-44s %.2f\n' "finextract / bare pdftotext, same mode" "$(echo "$bare / $fx" | bc -l)"
printf '%-44s %.2f\n' "finextract / bare pdftotext -layout" "$(echo "$bare_layout / $fx" | bc -l)"
printf '%-44s %s\n' "failed jobs" "$failed"
