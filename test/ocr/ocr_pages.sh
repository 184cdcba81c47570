#!/bin/sh
# ocr_pages.sh - OCR a scanned PDF the way the extension does, one page at a
# time, and print the pages' text joined by form feeds.
#
#   ocr_pages.sh [-t] FILE.pdf CACHEDIR > FILE.txt
#
# Each page is rendered with `pdftoppm -r 300 -f N -l N -png`, its ruled
# lines are removed by finextract-derule (src/bin/derule.c, built here when
# missing; FX_DERULE=none skips the step, FX_DERULE=PATH takes another
# build), and it is read with `tesseract IMAGE stdout --psm 6 -c
# preserve_interword_spaces=1`.  A page that gives (almost) no text with
# tesseract's default binarisation (Otsu: a photographed page on a grey
# background comes out blank) is read again with `-c thresholding_method=2`
# (Sauvola, local thresholds), as the extension does.  The text of page N is
# kept in CACHEDIR/<mode>/<name>.pN.txt (keyed by the PDF's sha256; mode
# "derule" or "plain"), so a second run costs nothing.  With -t, tesseract's
# word table (`tesseract ... tsv`) is kept beside it as <name>.pN.tsv and
# printed instead of the text.
# Needs poppler-utils, tesseract-ocr, tesseract-ocr-eng and, to build the
# derule step, libleptonica-dev.
set -eu

tsv=0
if [ "${1:-}" = "-t" ]; then
	tsv=1
	shift
fi
if [ $# -ne 2 ]; then
	echo "usage: ocr_pages.sh [-t] FILE.pdf CACHEDIR" >&2
	exit 2
fi
pdf=$1
top=$(cd "$(dirname "$0")/../.." && pwd)
derule=${FX_DERULE:-$top/src/bin/finextract-derule}
if [ "$derule" = none ]; then
	cache=$2/plain
else
	cache=$2/derule
	if [ ! -x "$derule" ]; then
		make -s -C "$top" src/bin/finextract-derule >&2
	fi
fi
min_chars=100
for tool in pdfinfo pdftoppm tesseract sha256sum; do
	command -v "$tool" >/dev/null 2>&1 || {
		echo "ocr_pages.sh: $tool is missing (apt-get install poppler-utils tesseract-ocr tesseract-ocr-eng)" >&2
		exit 2
	}
done
mkdir -p "$cache"
key=$(sha256sum "$pdf" | cut -c1-16)
pages=$(pdfinfo "$pdf" | sed -n 's/^Pages: *//p')
[ -n "$pages" ] || { echo "ocr_pages.sh: cannot read $pdf" >&2; exit 1; }

n=1
while [ "$n" -le "$pages" ]; do
	out="$cache/$key.p$n.txt"
	if [ ! -s "$out" ] || { [ $tsv -eq 1 ] && [ ! -s "$cache/$key.p$n.tsv" ]; }; then
		img=$(mktemp -d "${TMPDIR:-/tmp}/fxocr.XXXXXX")
		pdftoppm -r 300 -f "$n" -l "$n" -png -singlefile "$pdf" "$img/page"
		png=$img/page.png
		if [ "$derule" != none ]; then
			"$derule" 300 "$png" "$png"
		fi
		thr=""
		tesseract "$png" stdout --psm 6 -c preserve_interword_spaces=1 \
			> "$out.tmp" 2>/dev/null
		if [ "$(tr -d ' \n\f' < "$out.tmp" | wc -c)" -lt $min_chars ]; then
			thr="-c thresholding_method=2"
			# shellcheck disable=SC2086
			tesseract "$png" stdout --psm 6 -c preserve_interword_spaces=1 \
				$thr > "$out.tmp" 2>/dev/null
		fi
		mv "$out.tmp" "$out"
		if [ $tsv -eq 1 ]; then
			# shellcheck disable=SC2086
			tesseract "$png" stdout --psm 6 -c preserve_interword_spaces=1 \
				$thr tsv > "$cache/$key.p$n.tsv.tmp" 2>/dev/null
			mv "$cache/$key.p$n.tsv.tmp" "$cache/$key.p$n.tsv"
		fi
		rm -rf "$img"
	fi
	[ "$n" -gt 1 ] && printf '\f'
	if [ $tsv -eq 1 ]; then
		cat "$cache/$key.p$n.tsv"
	else
		cat "$out"
	fi
	n=$((n + 1))
done
