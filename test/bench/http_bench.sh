#!/bin/bash
# The HTTP and lane layer alone: sustained requests/s of finextract's loop,
# libcurl multi and lane code on one core against a zero-latency mock,
# without jobs, SQL or the pipeline (finx_http_bench() runs that code in a
# session of its own).  Sessions are pinned to CPU 0 (through the
# postmaster, whose affinity new backends inherit) and the mock to CPU 1
# when taskset exists and there are two CPUs or more.
# Usage: test/bench/http_bench.sh [CALLS=20000] [CONCURRENCY...=1 16 64 256]
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
calls=${1:-20000}
shift || true
concurrencies=${*:-1 16 64 256}
pin=
[ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null && pin=1

make -s -C test/mock
mockout=$(mktemp)
${pin:+taskset -c 1} test/mock/finx-mock --port 0 --quiet --llm-key sk --chat-seconds 0 \
	--log-size 1000 >"$mockout" 2>&1 &
mockpid=$!
for _ in $(seq 1 100); do grep -q PORT= "$mockout" && break; sleep 0.05; done
port=$(sed -n 's/^PORT=//p' "$mockout")

. scripts/pgtmp.sh
trap 'pgtmp_stop; kill $mockpid 2>/dev/null || true; rm -f "$mockout"' EXIT
pgtmp_start "finextract.llm_url = 'http://127.0.0.1:$port/v1'" "finextract.llm_api_key = 'sk'"
[ -n "$pin" ] && taskset -cp 0 "$(head -1 "$PGTMP_DIR/data/postmaster.pid")" >/dev/null

printf '\nHTTP + lane layer alone, %s calls each (load: %s)\n' "$calls" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-12s %10s %10s %16s %8s\n' concurrency seconds "requests/s" "CPU us/request" failed
for c in $concurrencies; do
	out=$(pgtmp_psql -At -c "SELECT r->>'seconds', r->>'per_second', r->>'cpu_us_per_call',
		r->>'failed', r->>'first_error' FROM finx_http_bench($calls, $c) r")
	IFS='|' read -r secs rps cpu failed err <<<"$out"
	printf '%-12s %10s %10s %16s %8s %s\n' "$c" "$secs" "$rps" "$cpu" "$failed" "$err"
done
