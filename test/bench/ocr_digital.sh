#!/bin/bash
# ocr_digital.sh - the corpus's digital reports read as scans: how well the
# local OCR path does on layouts the two shared scans do not have (10-Q
# stacked headings, 13/52-week columns, percent-of-sales columns, IFRS).
#
#   test/bench/ocr_digital.sh [-m] [--tsv]
#
# For each digital report of ../shared/corpus (fb_*, pc_*), its cover page
# and the pages the parser finds statements on (from its text layer) are
# cut out with qpdf, rendered and read by tesseract exactly as the worker
# does (test/ocr/ocr_pages.sh: 300 dpi, --psm 6, cached in $FX_OCR_CACHE),
# then parsed as OCR text (fxparse --ocr) and scored against the corpus's
# ground truth with score.py.  --tsv parses tesseract's word boxes instead
# of its text; -m prints the misses.  Needs qpdf, poppler-utils and
# tesseract (scripts/install-deps.sh); about 2 minutes on 2 cores the
# first time, seconds once cached.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
corpus=${FX_CORPUS:-$top/../shared/corpus}
cache=${FX_OCR_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/finextract-ocr}
fxparse=$top/test/tools/fxparse
misses=""
words=""
while [ $# -gt 0 ]; do
	case "$1" in
		-m) misses="--misses"; shift ;;
		--tsv) words="-t"; shift ;;
		*) echo "usage: ocr_digital.sh [-m] [--tsv]" >&2; exit 2 ;;
	esac
done
make -s -C "$top/test/tools" fxparse >&2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fxocrdig.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

header=""
docs=()
for pdf in "$corpus"/fb_*.pdf "$corpus"/pc_*.pdf; do
	name=$(basename "$pdf")
	pages=$({ echo 1; "$fxparse" --no-header "$pdf" | awk -F, '{print $3}'; } | sort -un | tr '\n' ',')
	cut="$tmp/$name"
	qpdf "$pdf" --pages . "${pages%,}" -- "$cut"
	# shellcheck disable=SC2086
	"$top/test/ocr/ocr_pages.sh" $words "$cut" "$cache" > "$tmp/$name.txt"
	"$fxparse" $header --ocr --doc "$name" "$tmp/$name.txt" >> "$tmp/facts.csv"
	header="--no-header"
	docs+=(--doc "$name")
done
python3 "$corpus/../tools/score.py" --facts "$tmp/facts.csv" --gt "$corpus/gt.tsv" "${docs[@]}" $misses
