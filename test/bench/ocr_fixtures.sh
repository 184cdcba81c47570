#!/bin/bash
# ocr_fixtures.sh - the synthetic fixtures read as scans: every heading shape
# and number convention of test/fixtures (stacked and spanning headings,
# European ranges, note columns, apostrophe / space / dot groups, decimal
# commas, trailing minus, P/ and Rs. marks, lakh groups, equity
# roll-forwards) through the local OCR path, scored against their known
# values.
#
#   test/bench/ocr_fixtures.sh [-m] [--tsv] [FIXTURE.pdf ...]
#
# gen_fixtures.py writes the good fixtures and expected.tsv; each fixture is
# rendered to an image-only PDF (make_scanned.py's scan(), 300 dpi grey),
# read by tesseract exactly as the worker reads a page (test/ocr/
# ocr_pages.sh, cached in $FX_OCR_CACHE), parsed as OCR text (fxparse
# --ocr), and scored with ../shared/tools/score.py against expected.tsv
# turned into its ground-truth form (period = period_end plus its length;
# values whose period is deliberately unknown are left out).  The digital
# fixtures are scored the same way first, as the reference.  --tsv parses
# tesseract's word boxes instead of its text; -m prints the misses.  A
# benchmark, not a test: OCR misreads are expected and counted.  About 3
# minutes on 2 cores the first time, seconds once cached.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
scorer=${FX_SCORER:-$top/../shared/tools/score.py}
cache=${FX_OCR_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/finextract-ocr}
fxparse=$top/test/tools/fxparse
misses=""
words=""
while [ $# -gt 0 ]; do
	case "$1" in
		-m) misses="--misses"; shift ;;
		--tsv) words="-t"; shift ;;
		-*) echo "usage: ocr_fixtures.sh [-m] [--tsv] [FIXTURE.pdf ...]" >&2; exit 2 ;;
		*) break ;;
	esac
done
make -s -C "$top/test/tools" fxparse >&2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fxocrfix.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

python3 "$top/test/fixtures/gen_fixtures.py" "$tmp/fx" > /dev/null
# expected.tsv -> score.py's ground truth: doc statement_type label period
# value unit_scale currency, the period with its length when it has one.
awk -F'\t' 'BEGIN { OFS = "\t"; print "doc", "statement_type", "label", "period", "value", "unit_scale", "currency" }
	NR > 1 && $7 != "" {
		p = $7
		if ($8 != "") p = p "/" $8 "M"
		print $1, $2, $4, p, $9, $10, $11
	}' "$tmp/fx/expected.tsv" > "$tmp/gt.tsv"

if [ $# -eq 0 ]; then
	set -- $(cut -f1 "$tmp/gt.tsv" | sed 1d | sort -u)
fi

header=""
docs=()
for name in "$@"; do
	name=$(basename "$name")
	src="$tmp/fx/$name"
	"$fxparse" $header --doc "$name" "$src" >> "$tmp/digital.csv"
	scan="$tmp/scan/$name"
	mkdir -p "$tmp/scan" "$tmp/work"
	python3 - "$top/test/fixtures" "$src" "$scan" "$tmp/work" <<'EOF'
import sys
sys.path.insert(0, sys.argv[1])
import make_scanned
make_scanned.scan(sys.argv[2], sys.argv[3], sys.argv[4])
EOF
	# shellcheck disable=SC2086
	"$top/test/ocr/ocr_pages.sh" $words "$scan" "$cache" > "$tmp/$name.txt"
	"$fxparse" $header --ocr --doc "$name" "$tmp/$name.txt" >> "$tmp/facts.csv"
	header="--no-header"
	docs+=(--doc "$name")
done
echo "== digital fixtures (reference)"
python3 "$scorer" --facts "$tmp/digital.csv" --gt "$tmp/gt.tsv" "${docs[@]}" | tail -1
echo "== the same fixtures read as scans"
python3 "$scorer" --facts "$tmp/facts.csv" --gt "$tmp/gt.tsv" "${docs[@]}" $misses
