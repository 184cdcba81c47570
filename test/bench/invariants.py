#!/usr/bin/env python3
"""invariants.py - invariants of a correct extraction, measured on filings
without ground truth (the logic behind test/bench/invariants.sh).

    invariants.py --facts FILE|DIR [--corpus DIR] [-v] [--check]
                  [--shift-column DOC[:MODE]]
    invariants.py --selftest

Reads facts CSV (fxparse's output, one file per filing or one file for all,
or an export of finx.facts, see below) and the corpus's MANIFEST.tsv
(file, company, doc_type, fiscal_year), reads each 10-K's cover with
`pdftotext -f 1 -l 3` and prints:

 (a) 10-Ks where an income statement, a balance sheet and a cash-flow
     statement are all found (a statement type counts as found when the
     filing has facts of that type on at least MIN_ROWS distinct labels);
 (b) 10-Ks whose latest period_end equals the fiscal year end printed on the
     cover; judged per statement type: the latest period_end of each of the
     income statement, balance sheet and cash flow found must equal it;
 (c) (company, statement type, normalised label, period_end, period_months)
     keys found in two or more filings of the company whose values agree
     (value * unit_scale, within half of the coarser scale's unit; within a
     filing a key can hold several values, e.g. a parent's and a
     subsidiary's statements: two filings agree when the values of the one
     with fewer are all among the other's); keys whose label or period
     label says "restated", "as adjusted", "as revised" or "recast" are
     counted and listed.  Two more figures are printed for (c), not
     targets: the keys with a single value in every filing (no pairing
     question), and values paired one to one across each two filings
     (pairs that agree / values of the smaller set), so that a key holding
     several distinct lines counts each line instead of all or nothing;
 (d) balance sheets that balance (per statement and period: a "Total
     assets" row equal to a "Total liabilities and ... equity/deficit/
     capital/investment..." row) and net income equal in the income
     statement and the cash flow (per cash-flow statement and period: its
     first net income row equals a net income row of an income statement
     of the same filing, period_end and period_months); both parts must
     meet the target;
 (e) facts whose period_end is NULL, of all facts.

(a) and (b) take the 10-Ks, (c) to (e) every filing.  Targets (issue 13):
(a) >= 98 %, (b) >= 98 %, (c) >= 99 %, (d) >= 95 %, (e) <= 2 %.

Facts columns: fxparse's (doc, statement_type, page, line_no, label,
is_total, period_label, period_end, period_months, value, unit_scale,
currency) or finx.facts' with the file's name as doc (or file_name, or
sha256, matched against the MANIFEST).  A new statement starts where the
type changes or the (page, line_no) order goes back; an export of finx.facts
(with statement_id) is first put in the parser's order (statement_id, page,
line_no), so that both sources count the same statements (a balance sheet
printed over two pages that the parser returns as two statements of one
type counts as one either way).  With job_id, only each document's latest
job is read.

--shift-column DOC[:MODE] breaks DOC's facts on purpose before measuring, to
show that the invariants catch it: swap (default) swaps the periods of the
first two columns of DOC's first income statement; stale gives its first
column the second column's period (a period_end that belongs to another
column); rows moves the values of the first balance sheet's first column
down one row.

Exit status: 0, or 1 with --check when a target is missed, 2 when the run
broke (no facts, no manifest).  Standard library only.
"""

import argparse
import csv
import datetime
import io
import os
import re
import subprocess
import sys
from decimal import Decimal, InvalidOperation

MIN_ROWS = 5
PRIMARY = ("income_statement", "balance_sheet", "cash_flow")
TARGETS = {			# key: (comparison, limit in percent)
    "a": (">=", 98.0),
    "b": (">=", 98.0),
    "c": (">=", 99.0),
    "d_bs": (">=", 95.0),
    "d_ni": (">=", 95.0),
    "e": ("<=", 2.0),
}

# ---------------------------------------------------------------- cover


MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5,
    "june": 6, "july": 7, "august": 8, "september": 9, "october": 10,
    "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8,
    "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}


# finx.unit_kind_of's per-share test: such values are never scaled
PER_SHARE = re.compile(r"\bper (common |ordinary |basic |diluted )?(share|ads|unit)\b",
                       re.I)

def spaced(word):
    """Regex for a word whose letters pdftotext may have split ("Fis cal")."""
    return r"\s?".join(re.escape(c) for c in word)


_MONTH_RE = "(?P<month>" + "|".join(
    spaced(m) for m in sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DATE_MDY = _MONTH_RE + r"\s*(?P<day>\d{1,2})\s*,?\s*(?P<year>(?:19|20)\d\d)"
_DATE_DMY = (r"(?P<day2>\d{1,2})\.?\s*(?P<month2>" + "|".join(
    spaced(m) for m in sorted(MONTHS, key=len, reverse=True)) +
    r")\.?,?\s*(?P<year2>(?:19|20)\d\d)")
_WEEKS = r"(?:(?:52|53|fifty[- ]two|fifty[- ]three)[- ]?weeks?)"
# phrases that introduce the fiscal year end, strongest first
_COVER_PHRASES = [
    spaced("fiscal") + r"\s+" + spaced("year") + r"\s*(?:\([^)]{0,40}\)\s*)?"
    + spaced("ended"),
    _WEEKS + r"\s+(?:" + spaced("fiscal") + r"\s+" + spaced("year") +
    r"\s+|" + spaced("period") + r"\s+)?" + spaced("ended"),
    spaced("year") + r"\s+" + spaced("ended"),
]


def _to_date(m):
    """The date of a cover match, or None when it is no calendar date."""
    g = m.groupdict()
    if g.get("month"):
        mon, day, year = g["month"], g["day"], g["year"]
    else:
        mon, day, year = g["month2"], g["day2"], g["year2"]
    mon = re.sub(r"\s", "", mon).lower()
    try:
        return datetime.date(int(year), MONTHS[mon], int(day))
    except (KeyError, ValueError):
        return None


def cover_fye(text):
    """Fiscal year end named on a cover: the first date after the strongest
    phrase ("fiscal year ended", "52 weeks ended", "year ended") found."""
    for phrase in _COVER_PHRASES:
        for date_re in (_DATE_MDY, _DATE_DMY):
            rx = re.compile(phrase + r"\s*:?\s*(?:on\s+)?" + date_re,
                            re.IGNORECASE)
            m = rx.search(text)
            if m:
                d = _to_date(m)
                if d:
                    return d
    return None


def read_cover(pdf):
    """Fiscal year end on the first three pages of a PDF, or None."""
    try:
        out = subprocess.run(["pdftotext", "-f", "1", "-l", "3", "-enc",
                              "UTF-8", pdf, "-"], capture_output=True,
                             timeout=120, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return cover_fye(out.decode("utf-8", "replace"))

# ---------------------------------------------------------------- facts


def norm_label(s):
    """Label for comparison: lower case, punctuation dropped, one space."""
    s = (s or "").lower().replace("\u2019", "'")
    s = re.sub(r"[^0-9a-z]+", " ", s)
    return " ".join(s.split())


def to_num(s):
    """Decimal of a value string, or None."""
    if s is None:
        return None
    s = s.strip().replace(",", "")
    if not s:
        return None
    try:
        return Decimal(s)
    except InvalidOperation:
        return None


class Fact:
    """One fact row, its statement told apart by stmt."""
    __slots__ = ("doc", "stmt", "type", "page", "line", "label", "nlabel",
                 "plabel", "end", "months", "value", "scale", "raw")

    def scaled(self):
        return None if self.value is None else self.value * self.scale


def _int(s, default=0):
    try:
        return int(s)
    except (TypeError, ValueError):
        return default


def read_fact_rows(fileobj):
    """Rows of a facts CSV as dicts (any of the accepted column sets)."""
    return list(csv.DictReader(fileobj))


def load_facts(rows, manifest):
    """Facts of the manifest's filings; unknown documents are reported."""
    by_sha = {m["sha256"]: name for name, m in manifest.items()
              if m.get("sha256")}
    latest_job = {}
    for r in rows:
        if r.get("job_id"):
            d = _doc_of(r, by_sha)
            latest_job[d] = max(latest_job.get(d, 0), _int(r["job_id"]))
    facts, unknown = [], set()
    seg, prev = {}, {}
    if any(r.get("statement_id") for r in rows[:1]):
        rows = sorted(rows, key=lambda r: (_int(r["statement_id"]),
                                           _int(r.get("page")),
                                           _int(r.get("line_no"))))
    for r in rows:
        doc = _doc_of(r, by_sha)
        if doc not in manifest:
            unknown.add(doc)
            continue
        if r.get("job_id") and _int(r["job_id"]) != latest_job.get(doc):
            continue
        f = Fact()
        f.doc = doc
        f.type = r.get("statement_type", "")
        f.page = _int(r.get("page"))
        f.line = _int(r.get("line_no"))
        p = prev.get(doc)
        if p is None or p[0] != f.type or (f.page, f.line) < p[1]:
            seg[doc] = seg.get(doc, 0) + 1
        prev[doc] = (f.type, (f.page, f.line))
        f.stmt = (doc, seg[doc])
        f.label = r.get("label", "")
        f.nlabel = norm_label(f.label)
        f.plabel = r.get("period_label", "") or ""
        f.end = (r.get("period_end") or "").strip() or None
        f.months = _int(r.get("period_months"), None)
        f.raw = r.get("value", "")
        f.value = to_num(f.raw)
        f.scale = to_num(r.get("unit_scale")) or Decimal(1)
        if r.get("unit_kind", "money") != "money" or PER_SHARE.search(f.label):
            f.scale = Decimal(1)    # finx.facts scales money only
        facts.append(f)
    return facts, unknown


def _doc_of(r, by_sha):
    if r.get("doc"):
        return os.path.basename(r["doc"])
    if r.get("file_name"):
        return os.path.basename(r["file_name"])
    return by_sha.get(r.get("sha256", ""), r.get("sha256", "?"))


def read_manifest(path):
    """MANIFEST.tsv as {file: {company, doc_type, fiscal_year, sha256}}."""
    out = {}
    with open(path, encoding="utf-8") as fh:
        for r in csv.DictReader(fh, delimiter="\t"):
            out[r["file"]] = {"company": r["company"],
                              "doc_type": r["doc_type"].lower(),
                              "fiscal_year": r.get("fiscal_year", ""),
                              "sha256": r.get("sha256", "")}
    return out

# ---------------------------------------------------------------- breaking


def shift_column(facts, doc, mode="swap"):
    """Break one filing's facts on purpose; returns a description."""
    st_type = "balance_sheet" if mode == "rows" else "income_statement"
    mine = [f for f in facts if f.doc == doc and f.type == st_type]
    if not mine:
        return "nothing to shift: %s has no %s" % (doc, st_type)
    first = mine[0].stmt
    mine = [f for f in mine if f.stmt == first]
    cols = []
    for f in mine:
        c = (f.end, f.months, f.plabel)
        if c not in cols:
            cols.append(c)
    if len(cols) < 2:
        return "nothing to shift: one column only"
    a, b = cols[0], cols[1]
    if mode == "swap":
        for f in mine:
            c = (f.end, f.months, f.plabel)
            if c == a:
                f.end, f.months, f.plabel = b
            elif c == b:
                f.end, f.months, f.plabel = a
        return "%s: %s columns %s and %s swapped" % (doc, st_type, a[0], b[0])
    if mode == "stale":
        for f in mine:
            if (f.end, f.months, f.plabel) == a:
                f.end, f.months, f.plabel = b
        return "%s: %s column %s given period %s" % (doc, st_type, a[0], b[0])
    if mode == "rows":
        col = [f for f in mine if (f.end, f.months, f.plabel) == a]
        col.sort(key=lambda f: (f.page, f.line))
        vals = [(f.value, f.raw) for f in col]
        for f, (v, raw) in zip(col[1:], vals[:-1]):
            f.value, f.raw = v, raw
        col[0].value, col[0].raw = None, ""
        return "%s: %s column %s moved down one row" % (doc, st_type, a[0])
    raise ValueError("unknown shift mode %r" % mode)

# ---------------------------------------------------------------- measures


_NI_RE = re.compile(r"^(consolidated )?net (income|earnings|loss|profit)"
                    r"|^net (loss|income) (income|loss)|^profit for the")
_NI_EXCL = re.compile(r"per (common )?share|noncontrolling|non controlling|"
                      r"minority|continuing|discontinued|margin|percent|"
                      r"before|adjusted|per diluted|per basic|\bto net\b|"
                      r"adjustments? to reconcile|used in|provided by")
_TA_RE = re.compile(r"^total assets$")
_TLE_RE = re.compile(r"^total liabilities\b.*\b(equity|deficit|deficiency|"
                     r"capital|capitalization|net assets|investment)\b")
_RESTATED_RE = re.compile(r"restated|as adjusted|as revised|recast",
                          re.IGNORECASE)


def is_net_income(nlabel):
    """Is a normalised label the net income line (not per share, not NCI)?"""
    return bool(_NI_RE.search(nlabel)) and not _NI_EXCL.search(nlabel)


def close(a, b, tol):
    return a is not None and b is not None and abs(a - b) <= tol


def measure(facts, filings):
    """All invariants; filings: {doc: {company, doc_type, fye}}.
    Returns {key: (num, den, [failing items])} plus extra lists."""
    by_doc = {}
    for f in facts:
        by_doc.setdefault(f.doc, []).append(f)
    tenk = sorted(d for d, m in filings.items() if m["doc_type"] == "10k")
    res = {}

    # (a) and the statements found
    found = {}
    for d in filings:
        labels = {}
        for f in by_doc.get(d, []):
            labels.setdefault(f.type, set()).add(f.nlabel)
        found[d] = {t for t, s in labels.items() if len(s) >= MIN_ROWS}
    fails = []
    for d in tenk:
        miss = [t for t in PRIMARY if t not in found[d]]
        if miss:
            fails.append("%s: not found: %s" % (d, ", ".join(miss)))
    res["a"] = (len(tenk) - len(fails), len(tenk), fails)

    # (b) latest period_end per primary statement type = cover
    fails = []
    for d in tenk:
        fye = filings[d].get("fye")
        if fye is None:
            fails.append("%s: fiscal year end not read from the cover" % d)
            continue
        bad = []
        for t in PRIMARY:
            if t not in found[d]:
                continue
            ends = [f.end for f in by_doc.get(d, []) if f.type == t and f.end]
            latest = max(ends) if ends else None
            if latest != fye.isoformat():
                bad.append("%s latest %s" % (t, latest or "NULL"))
        if not any(t in found[d] for t in PRIMARY):
            bad.append("no statement found")
        if bad:
            fails.append("%s: cover %s, %s" % (d, fye.isoformat(),
                                                "; ".join(bad)))
    res["b"] = (len(tenk) - len(fails), len(tenk), fails)

    # (c) overlapping facts across filings of a company
    keyed = {}			# (company, type, label, end, months) -> doc -> [(v, scale)]
    restated = set()
    for f in facts:
        if f.end is None or f.value is None:
            continue
        k = (filings[f.doc]["company"], f.type, f.nlabel, f.end, f.months)
        keyed.setdefault(k, {}).setdefault(f.doc, []).append(
            (f.value * f.scale, f.scale))
        if _RESTATED_RE.search(f.label) or _RESTATED_RE.search(f.plabel):
            restated.add(k)
    num = den = 0
    fails = []
    for k in sorted(keyed, key=lambda k: tuple(str(x) for x in k)):
        docs = keyed[k]
        if len(docs) < 2:
            continue
        den += 1
        names = sorted(docs)
        bad = None
        for i, x in enumerate(names):
            for y in names[i + 1:]:
                if not _agree(docs[x], docs[y]):
                    bad = (x, y)
                    break
            if bad:
                break
        if bad is None:
            num += 1
        else:
            x, y = bad
            fails.append("%s %s \"%s\" %s %sM: %s %s vs %s %s" % (
                k[0], k[1], k[2], k[3], k[4] if k[4] is not None else "-",
                x, _fmt(docs[x]), y, _fmt(docs[y])))
    res["c"] = (num, den, fails)
    # the same, told two more ways (informational, not a target): keys
    # with one value in every filing (a label printed once per statement
    # and one statement of the type: no pairing question), and values
    # paired one to one across each two filings, so that a key holding
    # several distinct lines ("Other" under several headings, a parent's
    # and a subsidiary's statements) counts each line, not all or nothing
    snum = sden = vnum = vden = 0
    for k, docs in keyed.items():
        if len(docs) < 2:
            continue
        if all(len(v) == 1 for v in docs.values()):
            sden += 1
            names = sorted(docs)
            snum += all(_agree(docs[x], docs[y]) for i, x in enumerate(names)
                        for y in names[i + 1:])
        names = sorted(docs)
        for i, x in enumerate(names):
            for y in names[i + 1:]:
                m, n = _matched(docs[x], docs[y])
                vnum += m
                vden += n
    res["c_single"] = (snum, sden)
    res["c_values"] = (vnum, vden)
    res["c_restated"] = sorted(
        "%s %s \"%s\" %s: %s" % (k[0], k[1], k[2], k[3],
                                 ", ".join(sorted(keyed[k])))
        for k in restated if len(keyed.get(k, {})) >= 2)

    # (d) balance sheets balance; net income in IS = in CF
    stmts = {}
    for f in facts:
        stmts.setdefault(f.stmt, []).append(f)
    num = den = 0
    fails = []
    for sid, fs in stmts.items():
        if fs[0].type != "balance_sheet" or \
                len({f.nlabel for f in fs}) < MIN_ROWS:
            continue
        periods = {}
        for f in fs:
            periods.setdefault(f.end or "NULL(%s)" % f.plabel, []).append(f)
        for p, pf in sorted(periods.items()):
            den += 1
            ta = [f for f in pf if _TA_RE.search(f.nlabel) and f.value is not None]
            tle = [f for f in pf if _TLE_RE.search(f.nlabel) and f.value is not None]
            where = "%s balance sheet p.%d %s" % (sid[0], fs[0].page, p)
            if not ta or not tle:
                fails.append("%s: %s not found" % (where, " and ".join(
                    n for n, x in (("total assets", ta),
                                   ("total liabilities and equity", tle))
                    if not x)))
            elif any(close(a.value, b.value, Decimal(0)) for a in ta for b in tle):
                num += 1
            else:
                fails.append("%s: total assets %s, total liabilities and "
                             "equity %s" % (where, ta[-1].raw, tle[-1].raw))
    res["d_bs"] = (num, den, fails)

    ni_is = {}				# (doc, end, months) -> [scaled values]
    for f in facts:
        if f.type == "income_statement" and f.value is not None and \
                is_net_income(f.nlabel):
            ni_is.setdefault((f.doc, f.end, f.months), []).append(f)
    num = den = 0
    fails = []
    for sid, fs in stmts.items():
        if fs[0].type != "cash_flow" or len({f.nlabel for f in fs}) < MIN_ROWS:
            continue
        first = {}
        for f in sorted(fs, key=lambda f: (f.page, f.line)):
            if f.value is not None and is_net_income(f.nlabel):
                first.setdefault((f.end, f.months), f)
        if not first:
            den += 1
            fails.append("%s cash flow p.%d: no net income row" %
                         (sid[0], fs[0].page))
            continue
        for (end, months), cf in sorted(first.items(), key=lambda x: str(x[0])):
            den += 1
            cand = ni_is.get((sid[0], end, months), [])
            tol = max([cf.scale] + [c.scale for c in cand]) / 2
            if any(close(cf.scaled(), c.scaled(), tol) for c in cand):
                num += 1
            else:
                fails.append("%s cash flow p.%d %s %sM: net income %s, income "
                             "statement %s" % (
                                 sid[0], fs[0].page, end or "NULL",
                                 months if months is not None else "-",
                                 cf.raw, ", ".join(c.raw for c in cand) or
                                 "none for this period"))
    res["d_ni"] = (num, den, fails)

    # (e) NULL period_end
    nulls = {}
    for f in facts:
        if f.end is None:
            nulls[f.doc] = nulls.get(f.doc, 0) + 1
    res["e"] = (sum(nulls.values()), len(facts),
                ["%s: %d facts without period_end" % (d, n)
                 for d, n in sorted(nulls.items())])
    return res


def _agree(xs, ys):
    """Do two filings' values of one key agree (the smaller set within the
    larger, each within half of the coarser unit)?"""
    small, large = (xs, ys) if len(xs) <= len(ys) else (ys, xs)
    for v, s in small:
        if not any(abs(v - w) <= max(s, t) / 2 for w, t in large):
            return False
    return True


def _matched(xs, ys):
    """Values of two filings paired one to one (each within half of the
    coarser unit): (pairs that agree, values of the smaller set)."""
    small, large = (xs, ys) if len(xs) <= len(ys) else (ys, xs)
    left = list(large)
    m = 0
    for v, s in small:
        for j, (w, t) in enumerate(left):
            if abs(v - w) <= max(s, t) / 2:
                m += 1
                del left[j]
                break
    return m, len(small)


def _fmt(vals):
    return "/".join(format(v.normalize(), "f") for v, _ in vals)

# ---------------------------------------------------------------- report


NAMES = {
    "a": "(a) 10-Ks with IS, BS and CF all found",
    "b": "(b) 10-Ks: latest period_end = cover's fiscal year end",
    "c": "(c) facts in two filings with equal values",
    "d_bs": "(d) balance sheets that balance (statement x period)",
    "d_ni": "(d) net income equal in IS and CF (CF x period)",
    "e": "(e) facts with NULL period_end",
}


def verdicts(res):
    """{key: (percent, met)}."""
    out = {}
    for k, (op, lim) in TARGETS.items():
        num, den, _ = res[k]
        pct = 100.0 * num / den if den else (0.0 if op == "<=" else 100.0)
        out[k] = (pct, pct >= lim if op == ">=" else pct <= lim)
    return out


def report(res, verbose, out=sys.stdout):
    """Print the table (and failing items with verbose); returns misses."""
    v = verdicts(res)
    misses = 0
    for k in TARGETS:
        num, den, fails = res[k]
        op, lim = TARGETS[k]
        pct, met = v[k]
        misses += not met
        print("%-56s %6d/%-6d = %5.1f %%   target %s %g %%   %s" % (
            NAMES[k], num, den, pct, op, lim, "PASS" if met else "MISS"),
            file=out)
    for key, what in (("c_single", "(c) keys with one value per filing"),
                      ("c_values", "(c) values paired one to one")):
        if res.get(key) and res[key][1]:
            num, den = res[key]
            print("    %-52s %6d/%-6d = %5.1f %%   (information)" % (
                what, num, den, 100.0 * num / den), file=out)
    if res.get("c_restated"):
        print("    restated/as adjusted keys compared: %d" %
              len(res["c_restated"]), file=out)
    print("targets met: %d of %d" % (len(TARGETS) - misses, len(TARGETS)),
          file=out)
    if verbose:
        for k in TARGETS:
            fails = res[k][2]
            if not fails:
                continue
            what = "facts without period_end" if k == "e" else "failing"
            print("\n%s: %s (%d)" % (NAMES[k], what, len(fails)), file=out)
            for x in fails:
                print("  " + x, file=out)
        if res.get("c_restated"):
            print("\nrestated / as adjusted keys (counted in (c)):", file=out)
            for x in res["c_restated"]:
                print("  " + x, file=out)
    return misses

# ---------------------------------------------------------------- self-test


def _synthetic():
    """Two 10-Ks of one company, clean: every invariant holds."""
    rows = []

    def add(doc, st, page, line, label, end, months, value, scale="1000000",
            plabel=None):
        rows.append({"doc": doc, "statement_type": st, "page": str(page),
                     "line_no": str(line), "label": label,
                     "is_total": "false",
                     "period_label": plabel or ("Year ended " + (end or "")),
                     "period_end": end or "", "period_months":
                     "" if months is None else str(months),
                     "value": value, "unit_scale": scale, "currency": "USD"})
    years = {"X_2015_10K.pdf": ("2015-09-26", "2014-09-27", "1000000"),
             "X_2016_10K.pdf": ("2016-09-24", "2015-09-26", "1000")}
    data = {	# year end -> IS, BS figures (in millions)
        "2014-09-27": (900, 60, 500, 500),
        "2015-09-26": (1000, 70, 600, 600),
        "2016-09-24": (1100, 80, 650, 650),
    }
    for doc, (cur, prev, scale) in years.items():
        k = 1000 if scale == "1000" else 1
        for end in (cur, prev):
            sales, ni, ta, tle = data[end]
            v = lambda x: str(x * k)
            add(doc, "income_statement", 40, 10, "Net sales", end, 12,
                v(sales), scale)
            add(doc, "income_statement", 40, 11, "Cost of sales", end, 12,
                v(sales - 300), scale)
            add(doc, "income_statement", 40, 12, "Gross margin", end, 12,
                v(300), scale)
            add(doc, "income_statement", 40, 13, "Operating expenses", end,
                12, v(200), scale)
            add(doc, "income_statement", 40, 14, "Income taxes", end, 12,
                v(100 - ni), scale)
            add(doc, "income_statement", 40, 15, "NET INCOME", end, 12,
                v(ni), scale)
            add(doc, "income_statement", 40, 16, "Earnings per share", end,
                12, "1.5", "1")
        for end in (cur, prev):
            sales, ni, ta, tle = data[end]
            v = lambda x: str(x * k)
            add(doc, "balance_sheet", 41, 10, "Cash", end, None, v(100),
                scale)
            add(doc, "balance_sheet", 41, 11, "Other assets", end, None,
                v(ta - 100), scale)
            add(doc, "balance_sheet", 41, 12, "Total assets", end, None,
                v(ta), scale)
            add(doc, "balance_sheet", 41, 13, "Total liabilities", end, None,
                v(ta // 2), scale)
            add(doc, "balance_sheet", 41, 14, "Shareholders' equity", end,
                None, v(tle - ta // 2), scale)
            add(doc, "balance_sheet", 41, 15,
                "Total liabilities and shareholders\u2019 equity", end, None,
                v(tle), scale)
        for end in (cur, prev):
            sales, ni, ta, tle = data[end]
            v = lambda x: str(x * k)
            add(doc, "cash_flow", 42, 10, "Net income", end, 12, v(ni), scale)
            add(doc, "cash_flow", 42, 11, "Depreciation", end, 12, v(10),
                scale)
            add(doc, "cash_flow", 42, 12, "Operating cash flow", end, 12,
                v(ni + 10), scale)
            add(doc, "cash_flow", 42, 13, "Investing", end, 12, v(-5), scale)
            add(doc, "cash_flow", 42, 14, "Financing", end, 12, v(-5), scale)
    # fxparse's order: statement by statement, row by row, then columns
    rows.sort(key=lambda r: (r["doc"], int(r["page"]), int(r["line_no"])))
    filings = {d: {"company": "X", "doc_type": "10k",
                   "fye": datetime.date.fromisoformat(cur)}
               for d, (cur, _p, _s) in years.items()}
    return rows, filings


def _run_synthetic(mutate=None, shift=None):
    rows, filings = _synthetic()
    if mutate:
        mutate(rows, filings)
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(rows[0].keys()))
    w.writeheader()
    w.writerows(rows)
    buf.seek(0)
    manifest = {d: {"company": m["company"], "doc_type": m["doc_type"]}
                for d, m in filings.items()}
    facts, _ = load_facts(read_fact_rows(buf), manifest)
    if shift:
        shift_column(facts, "X_2016_10K.pdf", shift)
    return verdicts(measure(facts, filings))


def selftest():
    """Each invariant passes the clean case and catches its broken one."""
    passed = failed = 0

    def ok(cond, name):
        nonlocal passed, failed
        if cond:
            passed += 1
        else:
            failed += 1
            print("not ok: " + name)

    clean = _run_synthetic()
    for k in TARGETS:
        ok(clean[k][1], "clean case meets target " + k)

    def drop(st, doc="X_2016_10K.pdf"):
        return lambda rows, fl: rows.__setitem__(slice(None), [
            r for r in rows if not (r["doc"] == doc and
                                    r["statement_type"] == st)])

    def setval(label, end, value, doc="X_2016_10K.pdf", st=None):
        def f(rows, fl):
            for r in rows:
                if r["doc"] == doc and r["label"] == label and \
                        r["period_end"] == end and \
                        (st is None or r["statement_type"] == st):
                    r["value"] = value
        return f

    def nullify(rows, fl):
        for r in rows:
            if r["doc"] == "X_2016_10K.pdf":
                r["period_end"] = ""

    def wrong_cover(rows, fl):
        fl["X_2016_10K.pdf"]["fye"] = datetime.date(2016, 9, 30)

    cases = [
        ("a", "cash flow missing", drop("cash_flow")),
        ("b", "cover date differs", wrong_cover),
        ("c", "overlapping value differs",
         setval("Net sales", "2015-09-26", "1001000")),
        ("d_bs", "balance sheet off",
         setval("Total assets", "2016-09-24", "650001")),
        ("d_ni", "net income differs",
         setval("Net income", "2016-09-24", "81000", st="cash_flow")),
        ("e", "periods missing", nullify),
    ]
    for k, name, mut in cases:
        v = _run_synthetic(mut)
        ok(not v[k][1], "%s: %s is caught" % (k, name))
        others = [j for j in TARGETS if j != k and not v[j][1] and
                  not (k == "e")]
        ok(k != "a" or not others, "%s: %s breaks nothing else (%s)" %
           (k, name, others))

    swap = _run_synthetic(shift="swap")
    ok(not swap["c"][1] and not swap["d_ni"][1],
       "swapped income-statement columns caught by (c) and (d)")
    stale = _run_synthetic(shift="stale")
    ok(not stale["b"][1], "a column given another column's period caught by (b)")
    rowsh = _run_synthetic(shift="rows")
    ok(not rowsh["d_bs"][1],
       "balance-sheet values moved down a row caught by (d)")

    # thousands vs millions compare; restated listed
    r, fl = _synthetic()
    ok(_agree([(Decimal(233715000000), Decimal(1000))],
              [(Decimal(233715000000), Decimal(1000000))]),
       "thousands and millions compare")
    ok(not _agree([(Decimal(233716000000), Decimal(1000))],
                  [(Decimal(233715000000), Decimal(1000000))]),
       "a value off by more than the coarser unit does not compare")
    ok(_matched([(Decimal(5), Decimal(1)), (Decimal(5), Decimal(1))],
                [(Decimal(5), Decimal(1)), (Decimal(6), Decimal(1)),
                 (Decimal(7), Decimal(1))]) == (1, 2),
       "one to one: a value pairs once")
    ok(_agree([(Decimal(5), Decimal(1))], [(Decimal(5), Decimal(1)),
                                         (Decimal(7), Decimal(1))]),
       "a parent's and a subsidiary's values: subset agrees")

    # labels
    ok(norm_label("Total Liabilities and Shareholders\u2019  Equity") ==
       norm_label("total liabilities and shareholders' equity"),
       "labels normalise case, spaces, punctuation")
    ok(is_net_income("net income") and is_net_income("net income loss") and
       is_net_income("net earnings attributable to fedex") and
       not is_net_income("net income per share diluted") and
       not is_net_income("net income attributable to noncontrolling interests")
       and not is_net_income("adjustments to reconcile net income to net cash"),
       "net income rows recognised")
    ok(_TLE_RE.search("total liabilities and stockholders equity") and
       _TLE_RE.search("total liabilities temporary equity and stockholders "
                      "equity") and
       _TLE_RE.search("total liabilities and common stockholders investment")
       and not _TLE_RE.search("total liabilities"),
       "total liabilities and equity rows recognised")

    # cover dates
    covers = [
        ("For the fiscal year ended September 26, 2015", "2015-09-26"),
        ("For the Fis cal Year Ended December 31, 2015", "2015-12-31"),
        ("FOR THE FISCAL YEAR ENDED MAY 31, 2023", "2023-05-31"),
        ("For the fiscal year ended Sept. 30, 2022", "2022-09-30"),
        ("For the fiscal year ended February 2, 2019\n(52 weeks)",
         "2019-02-02"),
        ("For the 53 weeks ended January 30, 2021", "2021-01-30"),
        ("For the fiscal year (52 weeks) ended August 28, 2022",
         "2022-08-28"),
        ("fiscal year ended 31 December 2021", "2021-12-31"),
        ("within 120 days of the registrant's fiscal year ended May 31, 2021."
         " For the year ended June 1, 2020", "2021-05-31"),
        ("For the year ended December 31,\n   2020", "2020-12-31"),
    ]
    for text, want in covers:
        got = cover_fye(text)
        ok(got is not None and got.isoformat() == want,
           "cover %r -> %s (got %s)" % (text, want, got))
    ok(cover_fye("For the quarterly period ended June 30, 2023") is None,
       "a 10-Q cover names no fiscal year end")

    # the facts of finx.facts: statement_id, file_name, job_id
    buf = io.StringIO(
        "job_id,document_id,statement_id,file_name,statement_type,page,"
        "line_no,label,is_total,period_label,period_end,period_months,value,"
        "unit_scale,currency\n"
        "1,1,1,a.pdf,balance_sheet,1,1,Cash,f,x,2020-12-31,,5,1,USD\n"
        "2,1,9,a.pdf,balance_sheet,4,1,Equity,f,x,,,5,1,USD\n"
        "2,1,7,a.pdf,balance_sheet,5,1,Cash,f,x,2020-12-31,,5,1,USD\n"
        "2,1,8,a.pdf,balance_sheet,3,1,Cash,f,x,,,5,1,USD\n")
    facts, unknown = load_facts(read_fact_rows(buf),
                                {"a.pdf": {"company": "A",
                                           "doc_type": "10k"}})
    seg = {f.page: f.stmt for f in facts}
    ok(len(facts) == 3 and not unknown and len(set(seg.values())) == 2 and
       seg[3] == seg[4] != seg[5],
       "finx.facts export: latest job; statements in the parser's order, "
       "one printed over two pages counted once")

    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0

# ---------------------------------------------------------------- main


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--facts", action="append", default=[],
                    help="facts CSV file or directory of *.csv (repeatable)")
    ap.add_argument("--db", action="store_true",
                    help="the facts are an export of finx.facts (informative)")
    ap.add_argument("--corpus", default=None,
                    help="directory with MANIFEST.tsv and the PDFs")
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("--check", action="store_true",
                    help="exit 1 when a target is missed")
    ap.add_argument("--shift-column", metavar="DOC[:MODE]",
                    help="break DOC's facts on purpose (swap, stale, rows)")
    ap.add_argument("--source", default="", help="label for the header line")
    ap.add_argument("--selftest", action="store_true")
    a = ap.parse_args()
    if a.selftest:
        return selftest()
    if not a.facts or not a.corpus:
        ap.error("--facts and --corpus are required")
    manifest_path = os.path.join(a.corpus, "MANIFEST.tsv")
    if not os.path.exists(manifest_path):
        print("invariants: no %s" % manifest_path, file=sys.stderr)
        return 2
    manifest = read_manifest(manifest_path)
    rows = []
    for p in a.facts:
        files = sorted(os.path.join(p, x) for x in os.listdir(p)
                       if x.endswith(".csv")) if os.path.isdir(p) else [p]
        for fn in files:
            with open(fn, encoding="utf-8", newline="") as fh:
                rows.extend(read_fact_rows(fh))
    if not rows:
        print("invariants: no facts read", file=sys.stderr)
        return 2
    facts, unknown = load_facts(rows, manifest)
    for d in sorted(unknown):
        print("invariants: ignoring facts of %s (not in the manifest)" % d,
              file=sys.stderr)
    filings = {}
    for d, m in manifest.items():
        fye = None
        if m["doc_type"] == "10k":
            fye = read_cover(os.path.join(a.corpus, d))
        filings[d] = dict(m, fye=fye)
    if a.shift_column:
        doc, _, mode = a.shift_column.partition(":")
        print("shifted on purpose: " + shift_column(facts, doc, mode or "swap"))
    nfiled = len(filings)
    ntenk = sum(1 for m in filings.values() if m["doc_type"] == "10k")
    nempty = len(set(filings) - {f.doc for f in facts})
    print("invariants: %d filings (%d 10-Ks, %d without facts), %d facts%s" % (
        nfiled, ntenk, nempty, len(facts),
        (", " + a.source) if a.source else ""))
    res = measure(facts, filings)
    misses = report(res, a.verbose)
    return 1 if (a.check and misses) else 0


if __name__ == "__main__":
    sys.exit(main())
