#!/bin/sh
# score_corpus.sh - run fxparse over corpus PDFs and score the facts.
#
#   score_corpus.sh [-m] [FILE.pdf ...]
#
# Without files it takes the corpus's digital reports ({fb_,pc_}*.pdf).
# The corpus directory comes from $FX_CORPUS, default
# $(dirname $0)/../../../shared/corpus; the scorer from $FX_SCORER, default
# the score.py beside the corpus (../tools/score.py).  -m also prints the
# misses.  Only the documents given are scored (score.py --doc).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
corpus=${FX_CORPUS:-$here/../../../shared/corpus}
scorer=${FX_SCORER:-$corpus/../tools/score.py}
misses=""
if [ "${1:-}" = "-m" ]; then
	misses="--misses"
	shift
fi
if [ $# -eq 0 ]; then
	set -- "$corpus"/fb_*.pdf "$corpus"/pc_*.pdf
fi

make -s -C "$here" fxparse >&2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fxscore.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

facts="$tmp/facts.csv"
docs=""
first=1
for pdf in "$@"; do
	name=$(basename "$pdf")
	if [ $first -eq 1 ]; then
		"$here/fxparse" --doc "$name" "$pdf" > "$facts"
		first=0
	else
		"$here/fxparse" --no-header --doc "$name" "$pdf" >> "$facts"
	fi
	docs="$docs --doc $name"
done

# shellcheck disable=SC2086
python3 "$scorer" --facts "$facts" --gt "$corpus/gt.tsv" $docs $misses
