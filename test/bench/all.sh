#!/bin/bash
# Every benchmark of the project, then one table of each figure against its
# target.  Runs, each on a throwaway server with the project's mock:
#   remote_bench.sh (time scale 0.25, C = 1 4 16 64; then scale 1, C = 16 64),
#   http_bench.sh (the HTTP and lane layer alone), overhead.sh (2,000
#   transfers at once) and local_bench.sh (the embedded default; needs the
#   corpus).  Each script's own output is kept in the work directory printed
#   at the end.  About 12 minutes on 2 cores.
# Usage: test/bench/all.sh [CORPUS_DIR]   (default ../shared/corpus)
#   FINX_BENCH_SKIP_SCALE1=1 leaves out the scale-1 runs (about 4 minutes);
#   FINX_BENCH_REPORT=DIR prints the table again from an earlier run's DIR.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
corpus=${1:-$top/../shared/corpus}
out=${FINX_BENCH_REPORT:-}

run() {
	local name=$1
	shift
	echo "== $name: $*" >&2
	if ! "$@" >"$out/$name.txt" 2>&1; then
		echo "$name failed; its output: $out/$name.txt" >&2
		tail -20 "$out/$name.txt" >&2
		exit 1
	fi
}

if [ -z "$out" ]; then
	out=$(mktemp -d /tmp/finx-bench-all.XXXXXX)
	run remote test/bench/remote_bench.sh
	if [ -z "${FINX_BENCH_SKIP_SCALE1:-}" ]; then
		run remote1 env FINX_BENCH_SCALE=1 FINX_BENCH_CAPS="16 64" test/bench/remote_bench.sh
	fi
	run http test/bench/http_bench.sh 20000 1 16 64 256
	run overhead test/bench/overhead.sh 1000 30
	if [ -d "$corpus" ]; then
		run local test/bench/local_bench.sh "$corpus"
	else
		echo "no corpus at $corpus: local_bench.sh left out" >&2
	fi
fi

# The makespan rows of a remote_bench output: C N adaptive seq bound ad/bd ad/sq ...
makespans() {
	awk '/^C +N +adaptive/ { on = 1; next } on && NF == 0 { on = 0 } on { print }' "$1"
}

# A value from a "label   value" line of local_bench / overhead output.
field() {
	grep -F "$2" "$1" | head -1 | sed "s|^.*$3||"
}

# yes / no for "value op target" (op: le, lt, ge, eq)
verdict() {
	awk -v v="$1" -v op="$2" -v t="$3" 'BEGIN {
		ok = (op == "le" && v <= t) || (op == "lt" && v < t) || (op == "ge" && v >= t) || (op == "eq" && v == t);
		print (v == "" ? "?" : (ok ? "yes" : "NO")) }'
}

rows=()
row() {
	# figure, target text, value, op, target number
	rows+=("$(printf '%-52s %-10s %10s   %s' "$1" "$2" "$3" "$(verdict "$3" "$4" "$5")")")
}

failed=0
for f in "$out"/remote.txt "$out"/remote1.txt; do
	[ -f "$f" ] || continue
	scale=$(sed -n 's/.*time scale \([0-9.]*\) .*/\1/p' "$f" | head -1)
	while read -r c _ _ _ _ adbd adsq _ _ nfail _; do
		if [ "$c" = 1 ]; then
			row "C = 1: adaptive / sequential (scale $scale)" "<= 1.05" "$adsq" le 1.05
		else
			row "C = $c: adaptive / bound (scale $scale)" "<= 1.15" "$adbd" le 1.15
		fi
		failed=$((failed + nfail))
	done < <(makespans "$f")
	share=$(sed -n 's/^reject mode.*429 (\([0-9.]*\)%).*/\1/p' "$f")
	rfail=$(sed -n 's/^reject mode.*failed \([0-9]*\).*/\1/p' "$f")
	failed=$((failed + ${rfail:-0}))
	row "reject mode: % answered 429 after 10 s (scale $scale)" "<= 5" "$share" le 5
done
row "failed jobs, all remote runs" "0" "$failed" eq 0

best=$(awk '/^concurrency/ { on = 1; next } on && NF >= 5 { if ($3 > b) b = $3 } END { print b + 0 }' "$out/http.txt")
one=$(awk '/^concurrency/ { on = 1; next } on && $1 == 1 { print $3 }' "$out/http.txt")
cpu=$(awk '/^concurrency/ { on = 1; next } on && NF >= 5 { if ($3 > b) { b = $3; c = $4 } } END { print c }' "$out/http.txt")
row "HTTP layer: requests/s, best in-flight level" ">= 2000" "$best" ge 2000
row "HTTP layer: requests/s, one in flight" ">= 2000" "$one" ge 2000
rows+=("$(printf '%-52s %-10s %10s' "HTTP layer: CPU us per request (at the best level)" "" "$cpu")")

peak=$(field "$out/overhead.txt" "peak concurrent chat transfers" "(mock) *")
errs=$(field "$out/overhead.txt" "failed jobs / request errors" "errors *" | tr -d ' ')
kib=$(field "$out/overhead.txt" "RSS per in-flight request" "peak) *" | sed 's/ KiB//')
row "concurrent transfers (2,000 asked)" ">= 2000" "$peak" ge 2000
row "failed jobs + request errors among them" "0" "$(echo "$errs" | awk -F/ '{ print $1 + $2 }')" eq 0
row "worker RSS per in-flight request (KiB)" "<= 64" "$kib" le 64

if [ -f "$out/local.txt" ]; then
	ratio=$(field "$out/local.txt" "finextract / bare pdftotext" "(pages/s) *")
	submits=$(field "$out/local.txt" "finx_submit_bytes, one session" ") *" | sed 's| /s||')
	p95=$(field "$out/local.txt" "idle wake latency" ") *" | awk -F' / ' '{ print $2 }' | sed 's/ ms//')
	row "local pipeline / bare pdftotext (pages/s)" ">= 0.8" "$ratio" ge 0.8
	row "finx_submit_bytes per second, one session" ">= 5000" "$submits" ge 5000
	row "idle wake latency p95 (ms)" "< 50" "$p95" lt 50
	row "failed jobs, local pipeline" "0" "$(field "$out/local.txt" "failed jobs" "jobs *")" eq 0
fi

printf '\nmachine: %s cores (%s), %s GiB, %s; load average before the table: %s\n' "$(nproc)" \
	"$(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1)" \
	"$(free -g | awk '/Mem:/ {print $2}')" "$(. /etc/os-release; echo "$PRETTY_NAME")" \
	"$(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-52s %-10s %10s   %s\n' figure target result met
printf '%s\n' "${rows[@]}"
printf '\neach script'"'"'s full output: %s\n' "$out"
