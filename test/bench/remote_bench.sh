#!/bin/bash
# Benchmark of the remote pipeline (LLMWhisperer text + LLM structuring)
# against the project's mock, printed as one table:
#   - for each hidden server capacity C (both APIs, over capacity = queue):
#     makespan of N documents x 3 statements with adaptive limits, the same
#     with both max_concurrency = 1 (sequential), the lower bound (the
#     bottleneck API's work / C + one extraction-to-structuring chain), the
#     bottleneck API's utilisation, 429s and failed jobs;
#   - over capacity = reject (429 + Retry-After): the share of capacity-gated
#     requests (submit, chat) answered 429 after the first 10 s (API time);
# Whisper takes 1 s per page and a chat call 2 s (API time), times the
# mock's time scale.  Usage: test/bench/remote_bench.sh
#   FINX_BENCH_SCALE (0.25)  FINX_BENCH_CAPS ("1 4 16 64")
#   FINX_BENCH_DOCS_PER_C (4: N = max(8, 4 C))  FINX_BENCH_REJECT_C (4)
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
scale=${FINX_BENCH_SCALE:-0.25}
caps=${FINX_BENCH_CAPS:-"1 4 16 64"}
per_c=${FINX_BENCH_DOCS_PER_C:-4}
reject_c=${FINX_BENCH_REJECT_C:-4}
opts='{"text_extractor": "llmwhisperer", "structurer": "llm"}'

[ -x test/mock/finx-mock ] || make -C test/mock >/dev/null
. scripts/pgtmp.sh

mock_pid=
cleanup() {
	pgtmp_stop
	[ -n "$mock_pid" ] && kill "$mock_pid" 2>/dev/null || true
	[ -n "${work:-}" ] && rm -rf "$work"
}
trap cleanup EXIT

# The mock, with any non-empty key accepted (a new key = new lanes).
work=$(mktemp -d /tmp/finx-rb.XXXXXX)
chmod 755 "$work"
ulimit -n 65536 2>/dev/null || ulimit -n 8192
test/mock/finx-mock --port 0 --quiet --time-scale "$scale" >"$work/mock.out" 2>"$work/mock.err" &
mock_pid=$!
for _ in $(seq 1 100); do grep -q PORT= "$work/mock.out" && break; sleep 0.05; done
port=$(sed -n 's/^PORT=//p' "$work/mock.out")
base="http://127.0.0.1:$port"
mock() { curl -sf -X POST "$base/__admin/$1" ${2:+-d "$2"} >/dev/null; }
stats() { curl -sf "$base/__admin/stats"; }

# status polls at most a quarter of a page's time apart
poll_ms=$(awk -v s="$scale" 'BEGIN { p = int(s * 250); if (p < 10) p = 10; print p }')
pgtmp_start "finextract.llmwhisperer_url = '$base/api/v2'" \
	"finextract.llm_url = '$base/v1'" \
	"finextract.llmwhisperer_api_key = 'wk'" \
	"finextract.llm_api_key = 'sk'" \
	"finextract.max_running_jobs = 4000" \
	"finextract.max_concurrency_bound = 4096" \
	"finextract.llmwhisperer_poll_interval = '${poll_ms}ms'" \
	"max_connections = 50"
q() { pgtmp_psql -At -c "$1"; }
python3 test/fixtures/gen_fixtures.py "$work/fx" >/dev/null
mkdir "$work/docs"
chmod 755 "$work/docs"

# Distinct copies of us_10k.pdf (3 statements on 3 pages) for one run.
make_docs() {
	local tag=$1 n=$2
	for i in $(seq 1 "$n"); do
		{ cat "$work/fx/us_10k.pdf"; printf '%% copy %s-%s\n' "$tag" "$i"; } >"$work/docs/$tag-$i.pdf"
	done
	chmod 644 "$work/docs/$tag-"*.pdf
}

# Settings for a run, then a restart so that every run starts afresh.
configure() {
	q "ALTER SYSTEM SET finextract.llmwhisperer_max_concurrency = $1"
	q "ALTER SYSTEM SET finextract.llm_max_concurrency = $2"
	q "ALTER SYSTEM SET finextract.llmwhisperer_api_key = '$3'"
	q "ALTER SYSTEM SET finextract.llm_api_key = '$3'"
	q "ALTER SYSTEM SET finextract.structurer = '${4:-llm}'"
	pgtmp_as "$PGTMP_BIN/pg_ctl" -D "$PGTMP_DIR/data" -l "$PGTMP_DIR/server.log" -w restart -m fast >/dev/null
	for _ in $(seq 1 100); do
		[ -n "$(q "SELECT pid FROM pg_stat_activity WHERE backend_type = 'finextract worker'")" ] && break
		sleep 0.1
	done
}

# CPU seconds (user + system) of a process and of its reaped children.
cpu_of() {
	awk -v t="$(getconf CLK_TCK)" '{ printf "%.2f %.2f", ($14 + $15) / t, ($16 + $17) / t }' "/proc/$1/stat"
}
# CPU seconds of this server's processes but the worker: live ones and the
# postmaster's reaped children (backends that ended).
cpu_pg() {
	local pm t
	pm=$(head -1 "$PGTMP_DIR/data/postmaster.pid")
	t=$(getconf CLK_TCK)
	{
		awk '{ print $16 + $17 }' "/proc/$pm/stat"
		for c in $(cat "/proc/$pm/task/$pm/children"); do
			[ "$c" = "$1" ] || awk '{ print $14 + $15 }' "/proc/$c/stat" 2>/dev/null || true
		done
	} | awk -v t="$t" '{ s += $1 } END { printf "%.2f", s / t }'
}
# CPU seconds the whole machine spent busy (all cores) so far.
cpu_busy() {
	awk -v t="$(getconf CLK_TCK)" '/^cpu / { printf "%.2f", ($2 + $3 + $4 + $7 + $8) / t }' /proc/stat
}

# Submit N copies tagged TAG and wait; prints "makespan failed first_id".
run_docs() {
	local tag=$1 n=$2 o=${3:-$opts} first
	first=$(q "SELECT coalesce(max(id), 0) + 1 FROM finx.jobs")
	q "SELECT count(finx_submit(format('%s/%s-%s.pdf', '$work/docs', '$tag', g), '$o')) FROM generate_series(1, $n) g" >/dev/null
	q "SELECT count(finx_wait(id, '60 min')) FROM finx.jobs WHERE id >= $first" >/dev/null
	q "SELECT round(extract(epoch FROM max(finished_at) - min(created_at))::numeric, 2),
		count(*) FILTER (WHERE state <> 'succeeded'), $first FROM finx.jobs WHERE id >= $first" | tr '|' ' '
}

# One scenario: capacity, fixed limit (0 = adaptive), over-capacity mode.
scenario() {
	local c=$1 fixed=$2 over=$3 n=$4 tag=$5
	mock 'reset?config=1'
	mock config "{\"whisper_capacity\": $c, \"chat_capacity\": $c, \"whisper_over_capacity\": \"$over\",
		\"chat_over_capacity\": \"$over\", \"whisper_page_seconds\": 1, \"chat_seconds\": 2}"
	configure "$fixed" "$fixed" "k-$tag"
	make_docs "$tag" "$n"
	curl -sf -X POST "$base/__admin/reset" >/dev/null
	local wpid w0 wc0 m0 mc0 b0 w1 wc1 m1 mc1 b1 p0 p1
	wpid=$(q "SELECT pid FROM pg_stat_activity WHERE backend_type = 'finextract worker'")
	read -r w0 wc0 <<<"$(cpu_of "$wpid")"
	read -r m0 mc0 <<<"$(cpu_of "$mock_pid")"
	b0=$(cpu_busy)
	p0=$(cpu_pg "$wpid")
	read -r span failed first <<<"$(run_docs "$tag" "$n")"
	read -r w1 wc1 <<<"$(cpu_of "$wpid")"
	read -r m1 mc1 <<<"$(cpu_of "$mock_pid")"
	b1=$(cpu_busy)
	p1=$(cpu_pg "$wpid")
	# where the CPU went during the run: worker, its pdftotext children, the
	# mock, the mock's pdftotext children, the server's other processes
	# (backends, checkpointer, ...), everything else (other users)
	awk -v w="$(echo "$w1 - $w0" | bc)" -v wc="$(echo "$wc1 - $wc0" | bc)" \
		-v m="$(echo "$m1 - $m0" | bc)" -v mc="$(echo "$mc1 - $mc0" | bc)" \
		-v p="$(echo "$p1 - $p0" | bc)" -v b="$(echo "$b1 - $b0" | bc)" -v s="$span" \
		-v load="$(cut -d' ' -f1 /proc/loadavg)" \
		'BEGIN { printf "%.1f %.1f %.1f %.1f %.1f %.1f %.2f %s\n", w, wc, m, mc, p, b - w - wc - m - mc - p, b / s, load }' \
		>"$work/cpu-$tag.txt"
	stats >"$work/stats-$tag.json"
	curl -sf "$base/__admin/log?limit=1000000" >"$work/log-$tag.ndjson"
	echo "$span $failed $first"
}

# Summaries of a run from the mock's stats and log (python: JSON).
summary() {
	python3 - "$work/stats-$1.json" "$work/log-$1.ndjson" "$2" "$3" "$scale" <<'PY'
import json, sys
st = json.load(open(sys.argv[1]))
span, c, scale = float(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
log = [json.loads(l) for l in open(sys.argv[2]) if l.strip()]
gated = [e for e in log if e["route"] in ("whisper", "chat/completions")]
t0 = min(e["time"] for e in gated) if gated else 0
late = [e for e in gated if e["time"] >= t0 + 10 * scale]
late429 = sum(1 for e in late if e["status"] == 429)
busy = st["chat"]["busy_seconds"]
print("%.0f%% %d %d/%d %d %d" % (100 * busy / (span * c) if span > 0 and c > 0 else 0,
      st["whisper"]["http_429"] + st["chat"]["http_429"], late429, len(late),
      st["whisper"]["peak_processing"], st["chat"]["peak_processing"]))
PY
}

printf '\nmachine: %s cores, %s GiB, %s; time scale %s (1 s page -> %s s)\n' "$(nproc)" \
	"$(free -g | awk '/Mem:/ {print $2}')" "$(. /etc/os-release; echo "$PRETTY_NAME")" "$scale" \
	"$scale" >&2

# 1. Makespans.
rows=()
cpurows=()
seq_span=
for c in $caps; do
	n=$((per_c * c)); [ "$n" -lt 8 ] && n=8
	read -r span failed _ <<<"$(scenario "$c" 0 queue "$n" "a$c")"
	read -r util n429 _ pw pc <<<"$(summary "a$c" "$span" "$c")"
	# sequential does not depend on C (one call at a time never meets the
	# capacity): measured up to N = 16, beyond that N x the last per-document time
	if [ "$n" -le 16 ]; then
		read -r sspan sfailed _ <<<"$(scenario "$c" 1 queue "$n" "s$c")"
		seq_doc=$(echo "$sspan / $n" | bc -l)
	else
		sspan=$(echo "${seq_doc:-0} * $n" | bc -l)
		sfailed=0
	fi
	bound=$(echo "($n * 3 * 2 / $c + 3) * $scale" | bc -l)
	read -r cw cwc cm cmc cp co cbusy cload <"$work/cpu-a$c.txt"
	cpurows+=("$(printf '%-4s %7.1f %7.1f %7.1f %7.1f %7.1f %7.1f %9.2f %6s' "$c" "$cw" "$cwc" "$cm" "$cmc" "$cp" "$co" "$cbusy" "$cload")")
	# no sequential figure without a measured per-document time (N > 16 only)
	if [ -z "${seq_doc:-}" ]; then
		sq_col=$(printf '%9s' -) ratio_col=$(printf '%6s' -)
	else
		sq_col=$(printf '%9.2f' "$sspan")
		ratio_col=$(printf '%6.2f' "$(echo "$span / $sspan" | bc -l)")
	fi
	rows+=("$(printf '%-4s %5s %9.2f %s %8.2f %6.2f %s %6s %5s %6s %9s' "$c" "$n" "$span" "$sq_col" "$bound" \
		"$(echo "$span / $bound" | bc -l)" "$ratio_col" "$util" "$n429" \
		"$((failed + sfailed))" "$pw/$pc")")
done

# 2. Reject mode: 429 share after the first 10 s (API time).
n=$((per_c * reject_c * 2)); [ "$n" -lt 16 ] && n=16
read -r rspan rfailed _ <<<"$(scenario "$reject_c" 0 reject "$n" "r")"
read -r rutil r429 rlate _ _ <<<"$(summary r "$rspan" "$reject_c")"

echo
echo "makespans: N docs x 3 statements; whisper 1 s/page, chat 2 s/call (API time x $scale); over capacity = queue"
printf '%-4s %5s %9s %9s %8s %6s %6s %6s %5s %6s %9s\n' C N adaptive sequent bound 'ad/bd' 'ad/sq' 'util' 429s failed 'peak w/c'
for r in "${rows[@]}"; do echo "$r"; done
echo
echo "CPU seconds during each adaptive run: worker, its children (pdftotext), mock, the mock's children (pdftotext), the server's other processes, the rest (other users of the machine); busy cores on average; load average at the end"
printf '%-4s %7s %7s %7s %7s %7s %7s %9s %6s\n' C worker w-child mock m-child server others 'cores' load
for r in "${cpurows[@]}"; do echo "$r"; done
printf 'reject mode, C = %s, N = %s: makespan %s s, chat util %s, 429s %s, after 10 s: %s 429 (%s), failed %s\n' \
	"$reject_c" "$n" "$rspan" "$rutil" "$r429" "$rlate" \
	"$(echo "$rlate" | awk -F/ '{printf "%.1f%%", $2 ? 100 * $1 / $2 : 0}')" "$rfailed"
