#!/bin/bash
# Overhead of the worker's HTTP machinery: many LLM calls in flight at once
# against the mock (slow answers, no capacity limit), measuring the peak of
# concurrent transfers, errors, and the worker's RSS per in-flight request.
# Usage: test/bench/overhead.sh [JOBS=1000] [CHAT_SECONDS=30]
#   each job is a one-page document with two statements: 2 LLM calls.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
jobs=${1:-1000}
chat_s=${2:-30}

make -s -C test/mock
mockout=$(mktemp)
test/mock/finx-mock --port 0 --quiet --llm-key sk --chat-seconds "$chat_s" >"$mockout" 2>&1 &
mockpid=$!
for _ in $(seq 1 100); do grep -q PORT= "$mockout" && break; sleep 0.05; done
port=$(sed -n 's/^PORT=//p' "$mockout")

. scripts/pgtmp.sh
trap 'pgtmp_stop; kill $mockpid 2>/dev/null || true; rm -f "$mockout"' EXIT
pgtmp_start "finextract.llm_url = 'http://127.0.0.1:$port/v1'" "finextract.llm_api_key = 'sk'" \
	"finextract.structurer = 'llm'" "finextract.llm_max_concurrency = 4000" \
	"finextract.max_running_jobs = 4000" "finextract.request_timeout = '10min'" \
	"max_connections = 50"
wpid=$(pgtmp_psql -At -c "SELECT pid FROM pg_stat_activity WHERE backend_type = 'finextract worker'")
rss() { awk '/VmRSS/ {print $2}' "/proc/$wpid/status"; }
cpu() { awk '{print $14 + $15}' "/proc/$wpid/stat"; }

pgtmp_as python3 test/fixtures/make_shared.py "$PGTMP_DIR/fx" >/dev/null
mkdir -p "$PGTMP_DIR/docs"
for i in $(seq 1 "$jobs"); do
	{ cat "$PGTMP_DIR/fx/shared_page.pdf"; printf '%% copy %s\n' "$i"; } >"$PGTMP_DIR/docs/d$i.pdf"
done
chmod -R a+rX "$PGTMP_DIR/docs"
rss0=$(rss)
cpu0=$(cpu)
t0=$(date +%s.%N)
pgtmp_psql -At -c "SELECT count(finx_submit(format('$PGTMP_DIR/docs/d%s.pdf', g))) FROM generate_series(1, $jobs) g" >/dev/null
# wait (bounded) until every call is in flight at the mock, sampling the peak RSS
peak_rss=$rss0
peak_inflight=0
for _ in $(seq 1 600); do
	r=$(rss); [ "$r" -gt "$peak_rss" ] && peak_rss=$r
	inflight=$(curl -s "http://127.0.0.1:$port/__admin/stats" | python3 -c 'import json,sys; print(json.load(sys.stdin)["chat"]["inflight"])')
	[ "$inflight" -gt "$peak_inflight" ] && peak_inflight=$inflight
	[ "$inflight" -ge $((2 * jobs)) ] && break
	sleep 0.2
done
pgtmp_psql -At -c "SELECT count(finx_wait(id, '30 min')) FROM finx.jobs" >/dev/null
t1=$(date +%s.%N)
cpu1=$(cpu)
stats=$(curl -s "http://127.0.0.1:$port/__admin/stats")
calls=$(echo "$stats" | python3 -c 'import json,sys; print(json.load(sys.stdin)["chat"]["requests"])')
peak=$(echo "$stats" | python3 -c 'import json,sys; print(json.load(sys.stdin)["chat"]["peak_inflight"])')
failed=$(pgtmp_psql -At -c "SELECT count(*) FROM finx.jobs WHERE state <> 'succeeded'")
errors=$(pgtmp_psql -At -c "SELECT count(*) FROM finx.requests WHERE error IS NOT NULL")
tick=$(getconf CLK_TCK)
printf '\n%-48s %s\n' "jobs / chat calls" "$jobs / $calls"
printf '%-48s %s\n' "peak concurrent chat transfers (mock)" "$peak"
printf '%-48s %s / %s\n' "failed jobs / request errors" "$failed" "$errors"
printf '%-48s %s KiB -> %s KiB\n' "worker RSS idle -> peak" "$rss0" "$peak_rss"
printf '%-48s %.1f KiB\n' "RSS per in-flight request (peak delta / peak)" "$(echo "($peak_rss - $rss0) / $peak" | bc -l)"
printf '%-48s %.0f us\n' "worker CPU per request (whole pipeline, per call)" "$(echo "($cpu1 - $cpu0) * 1000000 / $tick / $calls" | bc -l)"
printf '%-48s %.1f s\n' "makespan" "$(echo "$t1 - $t0" | bc)"
