#!/bin/bash
# invariants.sh - invariants of a correct extraction on the unlabeled filings
# (../shared/corpus/unlabeled: 54 real filings of 8 companies, no ground
# truth), printed as figures against issue 13's targets:
#   (a) 10-Ks with income statement, balance sheet and cash flow found >= 98 %
#   (b) 10-Ks whose latest period_end is the cover's fiscal year end    >= 98 %
#   (c) facts found in two filings with equal values                    >= 99 %
#   (d) balance sheets that balance; net income equal in IS and CF      >= 95 %
#   (e) facts with NULL period_end                                       <= 2 %
# The measures themselves are in invariants.py beside this script (its
# header says exactly how each is counted).
#
# Two ways to run:
#   test/bench/invariants.sh [-v] [--check] [--shift-column DOC[:MODE]]
#       Runs every PDF of the corpus through the parser's command-line tool
#       (test/tools/fxparse, built here with make; FXPARSE=/path/to/fxparse
#       takes another build, e.g. another worktree's), $FINX_BENCH_PROCS
#       (default 2) in parallel, nothing kept between runs.  With
#       FINX_INV_CACHE=DIR the pdftotext -layout text of each PDF is kept in
#       DIR/<sha256>.txt and fxparse reads that instead of the PDF (only
#       valid while fxparse reads layout text).  With --tsv the parser
#       reads word boxes (pdftotext -tsv) instead of layout text; the cache
#       then keeps DIR/<sha256>.tsv.
#   test/bench/invariants.sh --db --facts FILE [-v] [--check]
#       Reads the facts from an export of finx.facts instead, so that the
#       same invariants are measured on the extension's output, e.g.
#         \copy (SELECT d.file_name AS doc, f.* FROM finx.facts f
#                JOIN finx.documents d ON d.id = f.document_id)
#               TO 'facts.csv' CSV HEADER
#       (only each document's latest job is read).
# -v lists the failing items (filing, statement, period, what is missing or
# unequal); --check exits 1 when a target is missed (otherwise the exit
# status is 0 unless the run broke: it is a benchmark, not a test);
# --shift-column DOC[:swap|stale|rows] breaks one filing's facts on purpose
# to show that the invariants catch it.  The corpus is $FINX_UNLABELED,
# default ../shared/corpus/unlabeled beside the repository.
# test/bench/invariants.py --selftest checks the measures on synthetic
# facts (no corpus, no server; part of test/run-tests.sh).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
corpus=${FINX_UNLABELED:-$top/../shared/corpus/unlabeled}
procs=${FINX_BENCH_PROCS:-2}
db=0
tsv=""
args=()
while [ $# -gt 0 ]; do
	case "$1" in
		--db) db=1; shift ;;
		--facts) [ $# -ge 2 ] || { echo "invariants.sh: --facts FILE" >&2; exit 2; }
			args+=(--facts "$2"); shift 2 ;;
		-v|--verbose|--check) args+=("$1"); shift ;;
		--tsv) tsv="--tsv"; shift ;;
		--shift-column) [ $# -ge 2 ] || { echo "invariants.sh: --shift-column DOC[:MODE]" >&2; exit 2; }
			args+=(--shift-column "$2"); shift 2 ;;
		*) echo "usage: invariants.sh [--db --facts FILE] [--tsv] [-v] [--check] [--shift-column DOC[:MODE]]" >&2
			exit 2 ;;
	esac
done
[ -f "$corpus/MANIFEST.tsv" ] || { echo "invariants.sh: no corpus at $corpus" >&2; exit 2; }
corpus=$(cd "$corpus" && pwd)

if [ $db -eq 1 ]; then
	exec python3 "$here/invariants.py" --db --corpus "$corpus" \
		--source "facts from finx.facts export" "${args[@]}"
fi

if [ -z "${FXPARSE:-}" ]; then
	make -s -C "$top/test/tools" fxparse >&2
	FXPARSE=$top/test/tools/fxparse
fi
[ -x "$FXPARSE" ] || { echo "invariants.sh: $FXPARSE is not executable" >&2; exit 2; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/finx-inv.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
mkdir "$tmp/facts"

# one filing: facts to $tmp/facts/NAME.csv, a failure noted in NAME.err
export FXPARSE tmp tsv
export FINX_INV_CACHE=${FINX_INV_CACHE:-}
one() {
	pdf=$1
	name=$(basename "$pdf")
	src=$pdf
	if [ -n "$FINX_INV_CACHE" ]; then
		sum=$(sha256sum "$pdf" | cut -d' ' -f1)
		if [ -n "$tsv" ]; then
			src=$FINX_INV_CACHE/$sum.tsv
			[ -f "$src" ] ||
				{ pdftotext -tsv -enc UTF-8 "$pdf" "$src.$$" && mv "$src.$$" "$src"; }
		else
			src=$FINX_INV_CACHE/$sum.txt
			[ -f "$src" ] ||
				{ pdftotext -layout -enc UTF-8 "$pdf" "$src.$$" && mv "$src.$$" "$src"; }
		fi
	fi
	# shellcheck disable=SC2086
	"$FXPARSE" $tsv --doc "$name" "$src" >"$tmp/facts/$name.csv" 2>"$tmp/$name.err" ||
		echo "invariants.sh: fxparse failed on $name: $(head -c 200 "$tmp/$name.err")" >&2
}
export -f one
[ -z "$FINX_INV_CACHE" ] || mkdir -p "$FINX_INV_CACHE"

t0=$(date +%s.%N)
cut -f1 "$corpus/MANIFEST.tsv" | tail -n +2 | sed "s|^|$corpus/|" |
	tr '\n' '\0' | xargs -0 -P "$procs" -I{} bash -c 'one "$1"' _ {}
t1=$(date +%s.%N)
python3 "$here/invariants.py" --corpus "$corpus" --facts "$tmp/facts" \
	--source "$(printf 'fxparse %s, %.0f s with %s in parallel' "$FXPARSE" \
	"$(echo "$t1 - $t0" | bc)" "$procs")" "${args[@]}"
