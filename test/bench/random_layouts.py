#!/usr/bin/env python3
"""Score the parser on random statement layouts (test/fixtures/fx_random.py).

Usage: random_layouts.py [-v] [--ocr] [--tsv] [--keep DIR] [N [SEED]]

Generates N documents (default 60) from SEED (default 1), reads each with
test/tools/fxparse (with --ocr: renders its pages to images and reads
them with tesseract as the extension reads a scan, then fxparse --ocr;
with --tsv: from pdftotext -tsv's word boxes, finextract.text_words;
with both: from tesseract's word boxes),
and matches every expected value to an extracted fact of its document by
label (case and blanks ignored) and value (times its unit scale).  Each
expected value is then one of:

  right     found with the expected period_end (and length in months,
            when the fact gives one)
  null      found with a NULL period_end (allowed: a warning says why)
  wrong     found only with another period_end or length (the failure
            to avoid)
  missing   not found: no fact of its label carries its value

and per document the facts nobody expected (false facts) are counted
(-v lists them too).
Prints the totals, then the share right by each feature the documents were
drawn with (report kind, fiscal calendar, number style, unit, heading
style), so a weak spot shows which shape causes it.  -v lists every value
not right.  $FX_FXPARSE names another fxparse build (to compare two
versions).  Exit status 0; it is a benchmark, not a test.
"""

import csv
import os
import re
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
FXPARSE = os.environ.get('FX_FXPARSE') or os.path.join(TOP, 'test', 'tools',
                                                       'fxparse')
FIXTURES = os.path.join(TOP, 'test', 'fixtures')


def norm_label(s):
    """A label compared case-blind, without leaders or a footnote mark."""
    s = s.replace('\u2019', "'").lower()
    s = re.sub(r'\s*(\([a-z0-9]\)|\*)$', '', s.strip())
    s = re.sub(r'[.\s]+$', '', s)
    s = re.sub(r'(\s*\.){2,}', ' ', s)
    return ' '.join(s.split()).rstrip(':')


# finx.unit_kind_of's per-share test: finx.facts never scales such values
PER_SHARE = re.compile(r'\bper (common |ordinary |basic |diluted )?'
                       r'(share|ads|unit)\b', re.I)


def amount(value, scale, label):
    if PER_SHARE.search(label):
        scale = 1
    try:
        return Decimal(value) * Decimal(scale or 1)
    except ArithmeticError:
        return None


def read_facts(path):
    out = defaultdict(list)
    with open(path, newline='') as f:
        for r in csv.DictReader(f):
            out[norm_label(r['label'])].append(r)
    return out


def ocr_text(pdf, work, words=False):
    """Text of pdf's pages as rendered images read by tesseract, the way
    the extension reads a scan (test/ocr/ocr_pages.sh; its cache is
    $FX_OCR_CACHE, default ~/.cache/finextract-ocr, keyed by content);
    with words, tesseract's word boxes (TSV) instead."""
    cache = os.environ.get('FX_OCR_CACHE') or os.path.join(
        os.environ.get('XDG_CACHE_HOME') or
        os.path.join(os.path.expanduser('~'), '.cache'), 'finextract-ocr')
    txt = os.path.join(work, os.path.basename(pdf)[:-4] +
                       ('.ocr.tsv' if words else '.ocr.txt'))
    with open(txt, 'w') as out:
        subprocess.run([os.path.join(TOP, 'test', 'ocr', 'ocr_pages.sh')] +
                       (['-t'] if words else []) + [pdf, cache],
                       stdout=out, check=True)
    return txt


def parse(pdf, work, ocr, tsv):
    csv_path = os.path.join(work, os.path.basename(pdf) + '.csv')
    args = [FXPARSE, '--doc', os.path.basename(pdf)]
    src = pdf
    if ocr:
        args.append('--ocr')
        src = ocr_text(pdf, work, tsv)
    elif tsv:
        args.append('--tsv')
    with open(csv_path, 'w') as out:
        subprocess.run(args + [src], stdout=out, stderr=subprocess.DEVNULL)
    return csv_path


def months_ok(fact, exp):
    """A duration's length, when the fact gives one, must be the printed
    one (3, 6, 9, 12); an empty length is unproven, not wrong."""
    want = exp.get('period_months') or ''
    got = fact.get('period_months') or ''
    return not want or not got or got == want


def score(expected, facts_by_doc, verbose):
    totals = Counter()
    by_feat = defaultdict(Counter)
    used = defaultdict(set)
    for e in expected:
        facts = facts_by_doc.get(e['doc'], {})
        want = amount(e['value'], e['unit_scale'], e['label'])
        cands = [f for f in facts.get(norm_label(e['label']), [])
                 if amount(f['value'], f['unit_scale'], f['label']) == want
                 and id(f) not in used[e['doc']]]
        same = [f for f in cands if f['period_end'] == e['period_end'] and
                months_ok(f, e)]
        if same:
            kind, hit = 'right', same[0]
        elif [f for f in cands if not f['period_end']]:
            kind = 'null'
            hit = [f for f in cands if not f['period_end']][0]
        elif cands:
            kind, hit = 'wrong', cands[0]
        else:
            kind, hit = 'missing', None
        if hit is not None:
            used[e['doc']].add(id(hit))
        totals[kind] += 1
        for feat in e['features'].split(' '):
            if e['statement_type'] == 'balance_sheet' and \
                    feat.startswith('head='):
                feat = 'bs_' + feat
            by_feat[feat][kind] += 1
        if verbose and kind != 'right':
            got = hit['period_end'] if hit else '-'
            print('%-8s %s %s | %s | %s | want %s got %s | %s' % (
                kind, e['doc'], e['statement_type'], e['label'],
                e['period_label'], e['period_end'], got, e['features']))
    extra = sum(len(fs) for d, by in facts_by_doc.items()
                for fs in by.values()) - sum(len(u) for u in used.values())
    if verbose:
        for d, by in sorted(facts_by_doc.items()):
            for fs in by.values():
                for f in fs:
                    if id(f) not in used[d]:
                        print('false    %s %s | %s | %s | %s %s' % (
                            d, f['statement_type'], f['label'],
                            f['period_label'], f['period_end'] or 'NULL',
                            f['value']))
    return totals, by_feat, extra


def main(argv):
    args = argv[1:]
    verbose = '-v' in args
    ocr = '--ocr' in args
    tsv = '--tsv' in args
    keep = None
    if '--keep' in args:
        i = args.index('--keep')
        keep = args[i + 1]
        del args[i:i + 2]
    args = [a for a in args if a not in ('-v', '--ocr', '--tsv')]
    n = args[0] if args else '60'
    seed = args[1] if len(args) > 1 else '1'
    work = keep or tempfile.mkdtemp(prefix='finx-random-')
    subprocess.run([sys.executable, os.path.join(FIXTURES, 'fx_random.py'),
                    work, n, seed], check=True)
    with open(os.path.join(work, 'expected.tsv'), newline='') as f:
        expected = list(csv.DictReader(f, delimiter='\t'))
    docs = sorted({e['doc'] for e in expected})
    with ThreadPoolExecutor(os.cpu_count() or 1) as pool:
        paths = pool.map(lambda d: parse(os.path.join(work, d), work, ocr,
                                         tsv), docs)
        facts_by_doc = {d: read_facts(p) for d, p in zip(docs, paths)}
    totals, by_feat, extra = score(expected, facts_by_doc, verbose)
    n_exp = sum(totals.values())
    print('random layouts: %s documents, seed %s%s' % (
        n, seed, ', read by OCR' if ocr else
        ', from word boxes' if tsv else ''))
    print('values %d: right %d (%.1f %%), null period %d, wrong period %d, '
          'missing %d; false facts %d' % (
              n_exp, totals['right'], 100.0 * totals['right'] / n_exp,
              totals['null'], totals['wrong'], totals['missing'], extra))
    print('%-48s %7s %6s %5s %5s %7s' % ('feature', 'values', 'right',
                                         'null', 'wrong', 'missing'))
    for feat in sorted(by_feat):
        c = by_feat[feat]
        tot = sum(c.values())
        print('%-48s %7d %5.1f%% %5d %5d %7d' % (
            feat[:48], tot, 100.0 * c['right'] / tot, c['null'], c['wrong'],
            c['missing']))
    if not keep:
        subprocess.run(['rm', '-rf', work])
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
