#!/bin/bash
# What the request trace shows: N documents (3 statements each) through
# LLMWhisperer and the LLM of the mock, whose whisper capacity is C per key,
# then requests in flight over time, read back from finx.requests alone.
# Usage: test/bench/trace_demo.sh [N=20] [C=4] [TIME_SCALE=0.2]
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
n=${1:-20}
cap=${2:-4}
scale=${3:-0.2}

make -s -C test/mock
mockout=$(mktemp)
test/mock/finx-mock --port 0 --quiet --time-scale "$scale" --whisper-key wk --llm-key sk \
	--whisper-capacity "$cap" --chat-seconds 2 >"$mockout" 2>&1 &
mockpid=$!
for _ in $(seq 1 100); do grep -q PORT= "$mockout" && break; sleep 0.05; done
port=$(sed -n 's/^PORT=//p' "$mockout")

. scripts/pgtmp.sh
trap 'pgtmp_stop; kill $mockpid 2>/dev/null || true; rm -f "$mockout"' EXIT
pgtmp_start "finextract.llmwhisperer_url = 'http://127.0.0.1:$port/api/v2'" \
	"finextract.llmwhisperer_api_key = 'wk'" \
	"finextract.llm_url = 'http://127.0.0.1:$port/v1'" \
	"finextract.llm_api_key = 'sk'" \
	"finextract.text_extractor = 'llmwhisperer'"

pgtmp_as python3 test/fixtures/gen_fixtures.py "$PGTMP_DIR/fx" >/dev/null
for i in $(seq 1 "$n"); do
	{ cat "$PGTMP_DIR/fx/us_10k.pdf"; printf '%% copy %s\n' "$i"; } >"$PGTMP_DIR/doc-$i.pdf"
	chmod 644 "$PGTMP_DIR/doc-$i.pdf"
	pgtmp_psql -At -c "SELECT finx_submit('$PGTMP_DIR/doc-$i.pdf')" >/dev/null
done
pgtmp_psql -At -c "SELECT count(finx_wait(id, '30 min')) FROM finx.jobs" >/dev/null

pgtmp_psql <<'SQL'
\pset footer off
SELECT count(*) FILTER (WHERE state = 'succeeded') AS succeeded, count(*) FILTER (WHERE state <> 'succeeded') AS failed,
       round(extract(epoch FROM max(finished_at) - min(created_at))::numeric, 2) AS total_s
  FROM finx.jobs;
SELECT endpoint, count(*) AS requests, max(attempt) AS max_attempt,
       round(avg(extract(epoch FROM started_at - queued_at))::numeric, 3) AS avg_queued_s,
       round(avg(extract(epoch FROM finished_at - started_at))::numeric, 3) AS avg_wire_s
  FROM finx.requests GROUP BY endpoint ORDER BY endpoint;
-- in flight over time: extractions at the service (submit answered .. retrieve answered)
-- and chat calls on the wire, sampled at 12 instants
WITH x AS (
  SELECT s.job_id, s.finished_at AS t0,
         (SELECT min(r.finished_at) FROM finx.requests r WHERE r.job_id = s.job_id
           AND r.endpoint = 'whisper-retrieve' AND r.finished_at > s.finished_at) AS t1
    FROM finx.requests s WHERE s.endpoint = 'whisper' AND s.http_status = 202),
span AS (SELECT min(queued_at) AS a, max(finished_at) AS b FROM finx.requests),
ticks AS (SELECT a + (b - a) * g / 12.0 AS t, g FROM span, generate_series(0, 12) g)
SELECT round(extract(epoch FROM t - (SELECT a FROM span))::numeric, 2) AS at_s,
       (SELECT count(*) FROM x WHERE x.t0 <= t AND x.t1 > t) AS extractions_at_service,
       (SELECT count(*) FROM finx.requests c WHERE c.endpoint = 'chat' AND c.started_at <= t AND c.finished_at > t) AS chat_in_flight,
       repeat('#', (SELECT count(*) FROM x WHERE x.t0 <= t AND x.t1 > t)::int) ||
       repeat('+', (SELECT count(*) FROM finx.requests c WHERE c.endpoint = 'chat' AND c.started_at <= t AND c.finished_at > t)::int) AS bar
  FROM ticks ORDER BY g;
SELECT lane, "limit", ok, http_429, retries FROM finx.provider_stats;
SQL
curl -s "http://127.0.0.1:$port/__admin/stats" | python3 -c 'import json,sys; s=json.load(sys.stdin); w=s["whisper"]; print("mock: whisper peak_processing=%s utilisation=%.2f submits=%s; chat peak=%s" % (w["peak_processing"], w["utilisation"], w["submits"], s["chat"]["peak_processing"]))'
