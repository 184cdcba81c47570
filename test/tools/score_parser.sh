#!/bin/sh
# score_parser.sh - score the parser alone (fxparse, no server) on corpus PDFs.
#
#   score_parser.sh [-m] [--ocr] [--tsv] [FILE.pdf ...]
#
# Without files it takes the corpus's digital reports ({fb_,pc_}*.pdf), or
# with --ocr its scanned ones (*_scanned.pdf).  --ocr reads each PDF through
# test/ocr/ocr_pages.sh (pdftoppm + tesseract, cached in $FX_OCR_CACHE,
# default ${XDG_CACHE_HOME:-$HOME/.cache}/finextract-ocr) and parses the
# text with fxparse --ocr.  The corpus directory comes from $FX_CORPUS,
# default $(dirname $0)/../../../shared/corpus; the scorer from $FX_SCORER,
# default the score.py beside the corpus (../tools/score.py).  -m also
# prints the misses.  --tsv reads word boxes instead of layout text:
# pdftotext -tsv for digital reports, tesseract's TSV with --ocr (kept in
# the cache by ocr_pages.sh -t).  Only the documents given are scored (score.py --doc).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
corpus=${FX_CORPUS:-$here/../../../shared/corpus}
scorer=${FX_SCORER:-$corpus/../tools/score.py}
cache=${FX_OCR_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/finextract-ocr}
misses=""
ocr=0
tsv=""
while [ $# -gt 0 ]; do
	case "$1" in
		-m) misses="--misses"; shift ;;
		--ocr) ocr=1; shift ;;
		--tsv) tsv="--tsv"; shift ;;
		*) break ;;
	esac
done
if [ $# -eq 0 ]; then
	if [ $ocr -eq 1 ]; then
		set -- "$corpus"/*_scanned.pdf
	else
		set -- "$corpus"/fb_*.pdf "$corpus"/pc_*.pdf
	fi
fi

make -s -C "$here" fxparse >&2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fxscore.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

facts="$tmp/facts.csv"
docs=""
header=""
for pdf in "$@"; do
	name=$(basename "$pdf")
	if [ $ocr -eq 1 ]; then
		if [ -n "$tsv" ]; then
			"$here/../ocr/ocr_pages.sh" -t "$pdf" "$cache" > "$tmp/page.txt"
		else
			"$here/../ocr/ocr_pages.sh" "$pdf" "$cache" > "$tmp/page.txt"
		fi
		"$here/fxparse" $header --ocr --doc "$name" "$tmp/page.txt" >> "$facts"
	else
		"$here/fxparse" $header $tsv --doc "$name" "$pdf" >> "$facts"
	fi
	header="--no-header"
	docs="$docs --doc $name"
done

# shellcheck disable=SC2086
python3 "$scorer" --facts "$facts" --gt "$corpus/gt.tsv" $docs $misses
