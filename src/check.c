/*-------------------------------------------------------------------------
 *
 * check.c
 *	  Arithmetic checks of a structured statement:
 *	  - subtotal: a "Total ..." row equals the sum of the rows above it in
 *		its group (back to its heading; nested totals stand for their own
 *		rows, and so does a row that is the sum of the few rows just above
 *		it, such as "Property, plant and equipment - net", or the row two
 *		above less a "Less ..." row, such as "Net property and equipment");
 *	  - balance: the total liabilities-and-equity row equals total
 *		liabilities + total equity (+ rows outside both, such as mezzanine
 *		equity), or total assets when those are not printed; and total
 *		assets equal total liabilities and equity (equity also under its
 *		older names: stockholders' investment, partners' capital);
 *	  - cash_rollforward: cash at the beginning + net change = cash at the
 *		end.
 *	  A failed check flags the data; it never removes anything.
 *
 * Amounts are added as 64-bit integers scaled by 10^4; an amount that does
 * not fit is not checked.  fx_check.expected and .computed are plain
 * decimals in the statement's printed units ("89063", "1.27").
 *
 *-------------------------------------------------------------------------
 */
#include "parse_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEC_SCALE		10000LL
#define DEC_DIGITS		4
#define MAX_INT_DIGITS	14
#define MAX_NESTED_BOUNDS 4

/* parse a plain decimal ("-3068", "1234.5") into *v scaled by 10^4 */
bool
fx_dec_parse(const char *s, long long *v)
{
	long long	ip = 0,
				fp = 0;
	int			ni = 0,
				nf = 0;
	bool		neg = false;

	if (s == NULL || *s == '\0')
		return false;
	if (*s == '-')
		neg = true, s++;
	for (; *s >= '0' && *s <= '9'; s++)
	{
		if (++ni > MAX_INT_DIGITS)
			return false;
		ip = ip * 10 + (*s - '0');
	}
	if (*s == '.')
	{
		for (s++; *s >= '0' && *s <= '9'; s++)
		{
			if (++nf > DEC_DIGITS)
				return false;
			fp = fp * 10 + (*s - '0');
		}
	}
	if (*s != '\0' || ni == 0)
		return false;
	for (int k = nf; k < DEC_DIGITS; k++)
		fp *= 10;
	*v = ip * DEC_SCALE + fp;
	if (neg)
		*v = -*v;
	return true;
}

/* format a scaled decimal as a plain decimal string */
void
fx_dec_format(long long v, char *out, int outsz)
{
	long long	a = v < 0 ? -v : v;
	long long	f = a % DEC_SCALE;
	int			n = snprintf(out, (size_t) outsz, "%s%lld", v < 0 ? "-" : "",
							 a / DEC_SCALE);

	if (f != 0 && n > 0 && n < outsz)
	{
		char		frac[8];
		int			k;

		snprintf(frac, sizeof(frac), "%04lld", f);
		for (k = 3; k > 0 && frac[k] == '0'; k--)
			frac[k] = '\0';
		snprintf(out + n, (size_t) (outsz - n), ".%s", frac);
	}
}

/* does the item carry any value? */
static bool
has_values(const fx_statement *st, int i)
{
	for (int j = 0; j < st->nperiods; j++)
		if (st->items[i].values[j] != NULL)
			return true;
	return false;
}

/* value of item i in period j, 0 when missing; false when unparsable */
static bool
value_at(const fx_statement *st, int i, int j, long long *v)
{
	const char *s = st->items[i].values[j];

	*v = 0;
	return s == NULL || fx_dec_parse(s, v);
}

/*
 * record one check of row (its printed value expected) against the value
 * computed from rows [first, last]; returns false when out of memory
 */
static bool
add_check(fx_statement *st, const char *name, int row, int first, int last,
		  int period, long long expected, long long computed)
{
	const char *target = st->items[row].label;
	fx_check   *nc = realloc(st->checks,
							 sizeof(fx_check) * (size_t) (st->nchecks + 1));
	fx_check   *c;
	char		buf[48];

	if (nc == NULL)
		return false;
	st->checks = nc;
	c = &st->checks[st->nchecks];
	c->name = fx_strndup(name, strlen(name));
	c->target = fx_strndup(target ? target : "", strlen(target ? target : ""));
	c->period = period;
	fx_dec_format(expected, buf, sizeof(buf));
	c->expected = fx_strndup(buf, strlen(buf));
	fx_dec_format(computed, buf, sizeof(buf));
	c->computed = fx_strndup(buf, strlen(buf));
	c->passed = expected == computed;
	c->row = row;
	c->first_row = first;
	c->last_row = last;
	if (!c->name || !c->target || !c->expected || !c->computed)
	{
		free(c->name);
		free(c->target);
		free(c->expected);
		free(c->computed);
		return false;
	}
	st->nchecks++;
	return true;
}

/* does the label start with prefix (ASCII, case-insensitive)? */
static bool
starts_with(const char *l, const char *prefix)
{
	for (; *prefix; l++, prefix++)
	{
		char		c = *l;

		if (c >= 'A' && c <= 'Z')
			c = (char) (c - 'A' + 'a');
		if (c != *prefix)
			return false;
	}
	return true;
}

/* does the label contain needle (ASCII, case-insensitive)? */
static bool
contains(const char *l, const char *needle)
{
	size_t		n = strlen(needle);

	for (; *l; l++)
		if (strlen(l) >= n && starts_with(l, needle))
			return true;
	return false;
}

/*
 * Is item r the sum of the 2..4 rows just above it (all periods)?  Returns
 * the index of the first of those rows, or -1.
 */
static int
implicit_sum_start(const fx_statement *st, int r)
{
	for (int k = 2; k <= 4 && r - k >= 0; k++)
	{
		bool		ok = true,
					nonzero = false;

		for (int i = r - k; i < r && ok; i++)
			ok = has_values(st, i) && !st->items[i].is_total;
		for (int j = 0; j < st->nperiods && ok; j++)
		{
			long long	sum = 0,
						v,
						t;

			if (st->items[r].values[j] == NULL)
				continue;
			if (!value_at(st, r, j, &t))
				return -1;
			for (int i = r - k; i < r && ok; i++)
			{
				ok = value_at(st, i, j, &v);
				sum += v;
			}
			ok = ok && sum == t;
			nonzero = nonzero || t != 0;
		}
		if (ok && nonzero)
			return r - k;
	}
	return -1;
}

/*
 * Is item r the row two above less the row just above, which says "Less"
 * or names accumulated depreciation, printed positive or negative ("Total
 * property and equipment, at cost" / "Less accumulated depreciation" or
 * "Accumulated depreciation  (26,455)" / "Net property and equipment")?  Such a
 * row stands for both, and for the group of the first: returns where that
 * group starts (start[] of the rows above is known), or -1.
 */
static int
net_of_less_start(const fx_statement *st, int r, const int *start)
{
	bool		nonzero = false;

	if (r < 2 || !has_values(st, r - 1) || !has_values(st, r - 2) ||
		!(starts_with(st->items[r - 1].label, "less ") ||
		  starts_with(st->items[r - 1].label, "less:") ||
		  starts_with(st->items[r - 1].label, "accumulated depreciation") ||
		  starts_with(st->items[r - 1].label, "accumulated amortization") ||
		  starts_with(st->items[r - 1].label, "accumulated depletion")))
		return -1;
	for (int j = 0; j < st->nperiods; j++)
	{
		long long	t,
					a,
					b;

		if (st->items[r].values[j] == NULL)
			continue;
		if (!value_at(st, r, j, &t) || !value_at(st, r - 2, j, &a) ||
			!value_at(st, r - 1, j, &b) || t != a - llabs(b))
			return -1;
		nonzero = nonzero || t != 0;
	}
	return nonzero ? start[r - 2] : -1;
}

/* the sums of the group above total t, per period */
typedef struct group_sum
{
	long long	first[FX_MAX_COLS];	/* at the first boundary */
	int			members;
	int			first_members;	/* rows summed at the first boundary */
	int			first_bound;	/* index of the first heading, -1 = none */
	int			start;			/* index of the group's first row */
	bool		matched;
} group_sum;

/* does sum equal the total in every period the total has? */
static bool
sum_matches(const fx_statement *st, int t, const long long *sum)
{
	for (int j = 0; j < st->nperiods && j < FX_MAX_COLS; j++)
	{
		long long	v;

		if (st->items[t].values[j] == NULL)
			continue;
		if (!value_at(st, t, j, &v) || v != sum[j])
			return false;
	}
	return true;
}

/* walk up from total t summing its group */
static void
sum_group(const fx_statement *st, int t, const int *start, group_sum *g)
{
	long long	sum[FX_MAX_COLS];
	int			bounds = 0;
	int			i = t - 1;

	memset(sum, 0, sizeof(sum));
	memset(g, 0, sizeof(*g));
	g->start = t;
	for (;;)
	{
		if (i < 0 || !has_values(st, i))
		{
			if (bounds == 0)
			{
				memcpy(g->first, sum, sizeof(sum));
				g->first_members = g->members;
				g->first_bound = i;
			}
			if (g->members >= 2 && sum_matches(st, t, sum))
			{
				g->matched = true;
				g->start = i + 1;
				return;
			}
			if (bounds == 0)
				g->start = i + 1;
			if (i < 0 || ++bounds >= MAX_NESTED_BOUNDS)
				return;
			i--;
			continue;
		}
		for (int j = 0; j < st->nperiods && j < FX_MAX_COLS; j++)
		{
			long long	v;

			if (value_at(st, i, j, &v))
				sum[j] += v;
		}
		g->members++;
		if (start[i] < i)
		{
			/* a nested total stands for its rows (and its heading) */
			int			k = start[i] - 1;

			if (st->items[i].is_total && k >= 0 && !has_values(st, k))
				k--;
			i = k;
		}
		else
			i--;
	}
}

/* "Total assets" */
static bool
is_total_assets(const char *l)
{
	return starts_with(l, "total assets");
}

/*
 * Does a label name the owners' side: equity, or the older words for it
 * ("stockholders' investment", "owners' investment", "partners' capital",
 * "members' capital")?
 */
static bool
names_equity(const char *l)
{
	return contains(l, "equity") ||
		(contains(l, "investment") &&
		 (contains(l, "holder") || contains(l, "owner"))) ||
		((contains(l, "partners") || contains(l, "members")) &&
		 contains(l, "capital"));
}

/* "Total liabilities and (shareholders') equity" */
static bool
is_total_le(const char *l)
{
	return (starts_with(l, "total liabilities and") ||
			starts_with(l, "total liabilities, ") ||
			starts_with(l, "total equity and liabilities")) &&
		(names_equity(l) || contains(l, "capital") ||
		 contains(l, "deficit"));
}

/* "Total liabilities" alone */
static bool
is_total_liab(const char *l)
{
	return starts_with(l, "total liabilities") && !names_equity(l) &&
		!contains(l, "current");
}

/* "Total (shareholders') equity" */
static bool
is_total_equity(const char *l)
{
	return starts_with(l, "total") && names_equity(l) &&
		!contains(l, "liabilities");
}

/* is a "Total" label one whose group sums up (not A = L + E, balances)? */
static bool
subtotal_label(const char *l)
{
	return !(starts_with(l, "total liabilities and") ||
			 starts_with(l, "total equity and") || is_total_le(l) ||
			 contains(l, "beginning") || contains(l, "ending") ||
			 contains(l, "balance") || contains(l, " less "));
}

/* lowercase letters of the next word of s into w; returns the rest */
static const char *
next_word(const char *s, char *w, int wsz)
{
	int			n = 0;

	while (*s && !((*s | 32) >= 'a' && (*s | 32) <= 'z'))
		s++;
	while (*s && (((*s | 32) >= 'a' && (*s | 32) <= 'z') || *s == '-'))
	{
		if (n < wsz - 1)
			w[n++] = (char) (*s | 32);
		s++;
	}
	w[n] = '\0';
	return s;
}

/* does every word of the heading appear in the total's label? */
static bool
heading_names_total(const char *heading, const char *total)
{
	char		w[64];
	const char *p = heading;
	int			n = 0;

	if (heading == NULL || total == NULL)
		return false;
	while (*(p = next_word(p, w, sizeof(w))) || w[0])
	{
		char		t[64];
		const char *q = total;
		bool		found = false;

		if (w[0] == '\0')
			break;
		while (*(q = next_word(q, t, sizeof(t))) || t[0])
		{
			if (t[0] == '\0')
				break;
			if (strcmp(t, w) == 0)
				found = true;
		}
		if (!found)
			return false;
		n++;
	}
	return n > 0;
}

/*
 * Subtotal checks of every "Total" row.  start[r] is set to the first row
 * of the group that row r sums (r itself when it sums none or cannot be
 * told).
 */
static bool
check_subtotals(fx_statement *st, int *start)
{
	for (int r = 0; r < st->nitems; r++)
	{
		group_sum	g;
		int			s;

		start[r] = r;
		if (!has_values(st, r))
			continue;
		if (!st->items[r].is_total || !starts_with(st->items[r].label, "total"))
		{
			s = implicit_sum_start(st, r);
			if (s < 0)
				s = net_of_less_start(st, r, start);
			if (s >= 0)
				start[r] = s;
			continue;
		}
		if (!subtotal_label(st->items[r].label))
			continue;
		sum_group(st, r, start, &g);
		if (!g.matched &&
			(g.first_members < 2 || g.first_bound < 0 ||
			 !heading_names_total(st->items[g.first_bound].label,
								  st->items[r].label)))
			continue;			/* the group cannot be told */
		start[r] = g.start;
		for (int j = 0; j < st->nperiods && j < FX_MAX_COLS; j++)
		{
			long long	v;

			if (st->items[r].values[j] == NULL || !value_at(st, r, j, &v))
				continue;
			if (!add_check(st, "subtotal", r, g.start, r - 1, j, v,
						   g.matched ? v : g.first[j]))
				return false;
		}
	}
	return true;
}

/* the last item whose label passes the test, or -1 */
static int
find_item(const fx_statement *st, bool (*test) (const char *))
{
	for (int i = st->nitems - 1; i >= 0; i--)
		if (st->items[i].label && has_values(st, i) && test(st->items[i].label))
			return i;
	return -1;
}

/* the balance sheet's total rows, -1 where not printed */
typedef struct bs_rows
{
	int			a;				/* total assets */
	int			le;				/* total liabilities and equity */
	int			l;				/* total liabilities */
	int			e;				/* total equity */
} bs_rows;

/*
 * Liabilities + equity in period j: total liabilities, total equity and the
 * rows between them and the liabilities-and-equity row that neither holds
 * (mezzanine equity, noncontrolling interests); equity's own rows count
 * once, through its total.  False when it cannot be computed.
 */
static bool
sum_l_plus_e(const fx_statement *st, const bs_rows *b, const int *start,
			 int j, long long *sum)
{
	int			stop = b->le >= 0 ? b->le : st->nitems;
	long long	v;

	if (b->l < 0 || b->e < 0 || b->l > b->e || b->e >= stop ||
		st->items[b->l].values[j] == NULL ||
		st->items[b->e].values[j] == NULL ||
		!value_at(st, b->l, j, sum) || !value_at(st, b->e, j, &v))
		return false;
	*sum += v;
	for (int i = b->l + 1; i < stop; i++)
	{
		if (i == b->e || (i >= start[b->e] && i < b->e) ||
			(start[b->e] == b->e && i < b->e))
			continue;			/* equity's rows, or rows not told apart */
		if (!has_values(st, i))
			continue;
		if (st->items[i].is_total || !value_at(st, i, j, &v))
			return false;		/* another total: the layout is unclear */
		*sum += v;
	}
	return true;
}

/* printed value of row i in period j; false when none */
static bool
printed(const fx_statement *st, int i, int j, long long *v)
{
	return i >= 0 && st->items[i].values[j] != NULL && value_at(st, i, j, v);
}

/*
 * Balance checks.  The liabilities-and-equity row is checked against total
 * liabilities + total equity (or, when those are not printed, against total
 * assets); total assets are checked against liabilities and equity when
 * both sides were added up.
 */
static bool
check_balance(fx_statement *st, const int *start)
{
	bs_rows		b;

	b.a = find_item(st, is_total_assets);
	b.le = find_item(st, is_total_le);
	b.l = find_item(st, is_total_liab);
	b.e = find_item(st, is_total_equity);
	for (int j = 0; j < st->nperiods; j++)
	{
		long long	va = 0,
					vle = 0,
					sum = 0;
		bool		has_a = printed(st, b.a, j, &va);
		bool		has_le = printed(st, b.le, j, &vle);
		bool		has_sum = sum_l_plus_e(st, &b, start, j, &sum);

		if (has_le && (has_sum || has_a) &&
			!add_check(st, "balance", b.le, has_sum ? b.l : b.a,
					   has_sum ? b.le - 1 : b.a, j, vle, has_sum ? sum : va))
			return false;
		if (has_a && (has_sum || has_le) && (has_sum || b.le < 0) &&
			!add_check(st, "balance", b.a, has_le ? b.le : b.l,
					   has_le ? b.le : st->nitems - 1, j, va,
					   has_le ? vle : sum))
			return false;
	}
	return true;
}

/* cash at the beginning of the period */
static bool
is_cash_begin(const char *l)
{
	return contains(l, "cash") && contains(l, "beginning");
}

/* cash at the end of the period */
static bool
is_cash_end(const char *l)
{
	return contains(l, "cash") &&
		(contains(l, "end of") || contains(l, "ending"));
}

/* the net change in cash */
static bool
is_cash_change(const char *l)
{
	return contains(l, "cash") && !is_cash_begin(l) && !is_cash_end(l) &&
		(contains(l, "increase") || contains(l, "decrease") ||
		 contains(l, "change in cash"));
}

/*
 * The first row after row from that passes the test (with values), or the
 * last such row of the statement when none follows.
 */
static int
find_item_after(const fx_statement *st, bool (*test) (const char *), int from)
{
	for (int i = from + 1; from >= 0 && i < st->nitems; i++)
		if (st->items[i].label && has_values(st, i) && test(st->items[i].label))
			return i;
	return find_item(st, test);
}

/*
 * beginning cash + net change = ending cash.  The ending cash is the first
 * row of it after the beginning's: a statement may go on to reconcile it
 * ("Less: cash of held for sale business", then another "Cash ... at end of
 * period" which is the balance sheet's figure).
 */
static bool
check_cash(fx_statement *st)
{
	int			b = find_item(st, is_cash_begin);
	int			e = find_item_after(st, is_cash_end, b);
	int			c = find_item(st, is_cash_change);

	if (b < 0 || e < 0 || c < 0)
		return true;
	for (int j = 0; j < st->nperiods; j++)
	{
		long long	vb,
					ve,
					vc;

		if (st->items[e].values[j] == NULL || st->items[b].values[j] == NULL ||
			st->items[c].values[j] == NULL)
			continue;
		if (!value_at(st, b, j, &vb) || !value_at(st, e, j, &ve) ||
			!value_at(st, c, j, &vc))
			continue;
		if (!add_check(st, "cash_rollforward", e, b < c ? b : c, b < c ? c : b,
					   j, ve, vb + vc))
			return false;
	}
	return true;
}

/* run every check that applies to the statement */
void
fx_check_statement(fx_statement *st)
{
	int		   *start;

	if (st->component_columns || st->nitems == 0)
		return;
	start = malloc(sizeof(int) * (size_t) st->nitems);
	if (start == NULL)
		return;
	if (check_subtotals(st, start) &&
		(st->type != FX_BALANCE_SHEET || check_balance(st, start)) &&
		st->type == FX_CASH_FLOW)
		check_cash(st);
	free(start);
}
