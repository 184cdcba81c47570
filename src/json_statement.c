/*-------------------------------------------------------------------------
 *
 * json_statement.c
 *	  The statement JSON {"statements": [...]} (src/statement_schema.json)
 *	  of any structurer's answer, validated and converted into fx_result
 *	  statements.
 *
 * Every key, type and bound of the schema is checked (json.h's sanity
 * bounds): an answer that breaks one fails with *err naming the path of
 * the first misfit ("statements[1].items[20].label").  Three fields never
 * fail a job: a currency that is not an ISO 4217 code, a period end that
 * is not a date and a concept outside finx.concepts are stored as unknown
 * with a warning on the result.  Numbers are converted from json-c's copy
 * of the number as it was written, never through a double, so a value
 * keeps every printed digit.
 *
 *-------------------------------------------------------------------------
 */
#include "json_int.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LEXEME		64		/* characters of one JSON number */
#define PATH_LEN		128		/* a path like statements[1].items[20].label */
#define MAX_FIELD_WARNINGS 20

static const char *const root_keys[] = {"statements"};
static const char *const statement_keys[] = {"statement_type", "title",
"unit_scale", "currency", "periods", "items"};
static const char *const period_keys[] = {"label", "end_date", "months"};
/* the last, concept, may be absent (a server that ignored it in the schema) */
static const char *const item_keys[] = {"label", "indent", "is_total",
"values", "concept"};
#define ITEM_REQUIRED_KEYS 4

/*
 * The finx.concepts identifiers, generated from the SQL scripts by
 * src/concepts.sh (the Makefile also checks that src/statement_schema.json's
 * enum holds the same list).
 */
static const char *const concept_ids[] = {
#include "concepts.inc"
};

#define lengthof(a) ((int) (sizeof(a) / sizeof((a)[0])))

#if defined(__GNUC__) || defined(__clang__)
static bool add_warning(fx_result *res, const char *fmt,...)
			__attribute__((format(printf, 2, 3)));
#endif

/*
 * Note on res a field of the answer that broke its constraint and was
 * stored as unknown (at most MAX_FIELD_WARNINGS; false when out of memory).
 */
static bool
add_warning(fx_result *res, const char *fmt,...)
{
	va_list		ap;
	char		buf[512];
	char	  **w;

	if (res->nwarnings >= MAX_FIELD_WARNINGS)
		return true;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fx_json_blank_controls(buf);
	w = realloc(res->warnings, sizeof(char *) * (res->nwarnings + 1));
	if (w == NULL)
		return false;
	res->warnings = w;
	if ((w[res->nwarnings] = strdup(buf)) == NULL)
		return false;
	res->nwarnings++;
	return true;
}

/* ---------- numbers ---------- */

typedef enum
{
	NUM_OK,
	NUM_BAD,					/* not a JSON number: NaN, Infinity, 01 */
	NUM_RANGE					/* too many digits */
} num_status;

/* write digits d[0..nd) with nd - point fraction digits into out */
static void
place_point(char *out, bool neg, const char *d, int nd, int point)
{
	if (neg)
		*out++ = '-';
	if (point <= 0)
	{
		*out++ = '0';
		*out++ = '.';
		for (int i = 0; i < -point; i++)
			*out++ = '0';
		memcpy(out, d, nd);
		out += nd;
	}
	else if (point >= nd)
	{
		memcpy(out, d, nd);
		out += nd;
		for (int i = nd; i < point; i++)
			*out++ = '0';
	}
	else
	{
		memcpy(out, d, point);
		out += point;
		*out++ = '.';
		memcpy(out, d + point, nd - point);
		out += nd - point;
	}
	*out = '\0';
}

/*
 * The JSON number lexeme s as a plain decimal string ("1.0" -> "1",
 * "1.5E-2" -> "0.015", "-0" -> "0"), by moving the point in the digit
 * string: no floating point, so no rounding.  out needs 64 bytes.
 */
static num_status
decimal_from_lexeme(const char *s, char *out)
{
	char		d[MAX_LEXEME + 1];
	int			nd = 0,
				intd = 0,
				lz = 0;
	long		exp = 0;
	bool		neg = (*s == '-'),
				eneg = false;

	if (strlen(s) > MAX_LEXEME)
		return NUM_RANGE;
	s += neg;
	if (!isdigit((unsigned char) *s) || (s[0] == '0' && isdigit((unsigned char) s[1])))
		return NUM_BAD;
	while (isdigit((unsigned char) *s))
		d[nd++] = *s++, intd++;
	if (*s == '.')
		for (s++; isdigit((unsigned char) *s);)
			d[nd++] = *s++;
	if (*s == 'e' || *s == 'E')
	{
		s++;
		if (*s == '+' || *s == '-')
			eneg = (*s++ == '-');
		if (!isdigit((unsigned char) *s))
			return NUM_BAD;
		for (; isdigit((unsigned char) *s); s++)
			exp = exp < 100000 ? exp * 10 + (*s - '0') : exp;
	}
	if (*s != '\0')
		return NUM_BAD;
	while (lz < nd && d[lz] == '0')
		lz++;
	while (nd > lz && d[nd - 1] == '0')
		nd--;
	if (nd == lz)
		return strcpy(out, "0"), NUM_OK;
	exp = intd + (eneg ? -exp : exp) - lz;	/* digits before the point */
	if (exp > FX_JSON_MAX_INT_DIGITS || nd - lz - exp > FX_JSON_MAX_FRAC_DIGITS)
		return NUM_RANGE;
	place_point(out, neg, d + lz, nd - lz, (int) exp);
	return NUM_OK;
}

/* the JSON type of v, for messages */
static const char *
type_name(json_object *v)
{
	return json_type_to_name(json_object_get_type(v));
}

/* a JSON number as a malloc'd plain decimal string; false with *err */
static bool
number_field(json_object *v, const char *path, char **out, char **err)
{
	char		buf[MAX_LEXEME];
	num_status	st;

	if (!json_object_is_type(v, json_type_int) &&
		!json_object_is_type(v, json_type_double))
		return fx_json_set_err(err, "%s: expected a number, got %s", path,
							   type_name(v)), false;
	if (json_object_is_type(v, json_type_double) &&
		!isfinite(json_object_get_double(v)))
		return fx_json_set_err(err, "%s: not a finite number", path), false;
	st = decimal_from_lexeme(json_object_get_string(v), buf);
	if (st == NUM_BAD)
		return fx_json_set_err(err, "%s: not a finite JSON number", path),
			false;
	if (st == NUM_RANGE)
		return fx_json_set_err(err, "%s: number out of range (at most %d integer and %d fraction digits)",
							   path, FX_JSON_MAX_INT_DIGITS, FX_JSON_MAX_FRAC_DIGITS), false;
	*out = strdup(buf);
	return *out != NULL;
}

/* a JSON integer (12 or 12.0) within lo..hi; false with *err */
static bool
int_field(json_object *v, const char *path, int lo, int hi, int *out,
		  char **err)
{
	char	   *s = NULL;
	long		n;

	if (!number_field(v, path, &s, err))
		return false;
	if (strchr(s, '.') != NULL)
	{
		free(s);
		return fx_json_set_err(err, "%s: expected an integer", path), false;
	}
	n = strtol(s, NULL, 10);
	free(s);
	if (n < lo || n > hi)
		return fx_json_set_err(err, "%s: %ld is out of range %d..%d", path, n, lo, hi), false;
	*out = (int) n;
	return true;
}

/* the first key of o that is not in keys, or NULL */
static const char *
unexpected_key(json_object *o, const char *const *keys, int nkeys)
{
	json_object_object_foreach(o, key, val)
	{
		int			i;

		(void) val;
		for (i = 0; i < nkeys && strcmp(key, keys[i]) != 0; i++)
			;
		if (i == nkeys)
			return key;
	}
	return NULL;
}

/*
 * o has the first nrequired of keys and no key outside all nkeys; false with
 * *err naming the first misfit
 */
static bool
check_keys_opt(json_object *o, const char *const *keys, int nrequired,
			   int nkeys, const char *path, char **err)
{
	const char *extra;

	if (!json_object_is_type(o, json_type_object))
		return fx_json_set_err(err, "%s: expected an object, got %s", path,
							   type_name(o)), false;
	for (int i = 0; i < nrequired; i++)
		if (!json_object_object_get_ex(o, keys[i], NULL))
			return fx_json_set_err(err, "%s: missing key \"%s\"", path, keys[i]), false;
	extra = unexpected_key(o, keys, nkeys);
	if (extra != NULL)
		return fx_json_set_err(err, "%s: unexpected key \"%.64s\"", path, extra), false;
	return true;
}

/* o has exactly the given keys; false with *err naming the first misfit */
static bool
check_keys(json_object *o, const char *const *keys, int nkeys,
		   const char *path, char **err)
{
	return check_keys_opt(o, keys, nkeys, nkeys, path, err);
}

/* member key of o (known to exist) */
static json_object *
member(json_object *o, const char *key)
{
	json_object *v = NULL;

	json_object_object_get_ex(o, key, &v);
	return v;
}

/* a bounded string member as a malloc'd single line; NULL stays NULL */
static bool
text_field(json_object *v, bool nullable, const char *path, char **out,
		   char **err)
{
	size_t		n;
	const char *s;

	*out = NULL;
	if (v == NULL && nullable)
		return true;
	if (!json_object_is_type(v, json_type_string))
		return fx_json_set_err(err, "%s: expected a string%s, got %s", path,
							   nullable ? " or null" : "",
							   type_name(v)), false;
	s = fx_json_str_of(v, &n);
	if (n > FX_JSON_MAX_LABEL)
		return fx_json_set_err(err, "%s: longer than %d bytes", path, FX_JSON_MAX_LABEL), false;
	*out = fx_json_clean_text(s, n, FX_JSON_MAX_LABEL);
	return *out != NULL;
}

/* an array member with at most max elements; false with *err */
static bool
array_field(json_object *v, int max, const char *path, int *n, char **err)
{
	if (!json_object_is_type(v, json_type_array))
		return fx_json_set_err(err, "%s: expected an array, got %s", path,
							   type_name(v)), false;
	*n = (int) json_object_array_length(v);
	if (*n > max)
		return fx_json_set_err(err, "%s: %d entries, at most %d allowed", path, *n, max), false;
	return true;
}

/* "YYYY-MM-DD" of a real calendar date into y, m, d */
static bool
parse_date(const char *s, int *y, int *m, int *d)
{
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !isdigit((unsigned char) s[i]))
			return false;
	*y = atoi(s);
	*m = atoi(s + 5);
	*d = atoi(s + 8);
	if (*y < 1000 || *m < 1 || *m > 12 || *d < 1 || *d > mdays[*m - 1])
		return false;
	return !(*m == 2 && *d == 29) ||
		((*y % 4 == 0 && *y % 100 != 0) || *y % 400 == 0);
}

/* statement_type string into *t */
static bool
type_field(json_object *v, const char *path, fx_stmt_type *t, char **err)
{
	const char *s = json_object_get_string(v);

	if (!json_object_is_type(v, json_type_string))
		return fx_json_set_err(err, "%s: expected a string, got %s", path,
							   type_name(v)), false;
	for (int i = 0; i < FX_NUM_STMT_TYPES; i++)
		if (strcmp(s, fx_stmt_type_name((fx_stmt_type) i)) == 0)
			return *t = (fx_stmt_type) i, true;
	return fx_json_set_err(err, "%s: \"%.40s\" is not a statement type", path, s), false;
}

/*
 * currency: three letters, upper-cased (an ISO 4217 code); null is "";
 * anything else is "" too, with a warning on res
 */
static bool
currency_field(json_object *v, const char *path, char *out, fx_result *res,
			   char **err)
{
	char	   *s = NULL;
	bool		ok = true;

	out[0] = '\0';
	if (!text_field(v, true, path, &s, err))
		return false;
	if (s && strlen(s) == 3 && isalpha((unsigned char) s[0]) &&
		isalpha((unsigned char) s[1]) && isalpha((unsigned char) s[2]))
		for (int i = 0; i < 4; i++)
			out[i] = (char) toupper((unsigned char) s[i]);
	else if (s)
		ok = add_warning(res, "%s: \"%.*s\" is not an ISO 4217 currency code; stored as unknown",
						 path, (int) fx_json_utf8_cut(s, strlen(s), 40), s);
	free(s);
	return ok;
}

/* unit_scale: a positive number or null */
static bool
scale_field(json_object *v, const char *path, char **out, char **err)
{
	*out = NULL;
	if (v == NULL)
		return true;
	if (!number_field(v, path, out, err))
		return false;
	if ((*out)[0] == '-' || strcmp(*out, "0") == 0)
		return fx_json_set_err(err, "%s: must be positive", path), false;
	return true;
}

/* one period {label, end_date, months} */
static bool
convert_period(json_object *o, fx_period *p, const char *path, fx_result *res,
			   char **err)
{
	char		sub[PATH_LEN];
	char	   *date = NULL;
	json_object *v;

	if (!check_keys(o, period_keys, lengthof(period_keys), path, err))
		return false;
	snprintf(sub, sizeof(sub), "%.96s.label", path);
	if (!text_field(member(o, "label"), false, sub, &p->label, err))
		return false;
	snprintf(sub, sizeof(sub), "%.96s.end_date", path);
	if (!text_field(member(o, "end_date"), true, sub, &date, err))
		return false;
	if (date && !parse_date(date, &p->end_year, &p->end_month, &p->end_day))
	{
		/* keep the statement: this column's end is unknown */
		bool		ok = add_warning(res, "%s: \"%.*s\" is not a date YYYY-MM-DD; stored as unknown",
									 sub, (int) fx_json_utf8_cut(date, strlen(date), 40), date);

		p->end_year = p->end_month = p->end_day = 0;
		if (!ok)
		{
			free(date);
			return false;
		}
	}
	free(date);
	snprintf(sub, sizeof(sub), "%.96s.months", path);
	v = member(o, "months");
	return v == NULL || int_field(v, sub, 1, 12, &p->months, err);
}

/* the values array of an item: one number or null per period */
static bool
convert_values(json_object *arr, char **values, int nperiods,
			   const char *path, char **err)
{
	char		sub[PATH_LEN];
	int			n;

	if (!array_field(arr, FX_JSON_MAX_PERIODS, path, &n, err))
		return false;
	if (n != nperiods)
		return fx_json_set_err(err, "%s: %d values for %d periods", path, n, nperiods), false;
	for (int j = 0; j < n; j++)
	{
		json_object *v = json_object_array_get_idx(arr, j);

		snprintf(sub, sizeof(sub), "%.96s[%d]", path, j);
		if (v != NULL && !number_field(v, sub, &values[j], err))
			return false;
	}
	return true;
}

/*
 * concept: a finx.concepts identifier (it->concept points into concept_ids),
 * else NULL; an unknown value or type is NULL too, with a warning on res:
 * a wrong concept never fails the job
 */
static bool
concept_field(json_object *v, const char *path, fx_item *it, fx_result *res)
{
	const char *s;

	it->concept = NULL;
	if (v == NULL)
		return true;
	if (!json_object_is_type(v, json_type_string))
		return add_warning(res, "%s: expected a concept or null, got %s; stored as none",
						   path, json_type_to_name(json_object_get_type(v)));
	s = json_object_get_string(v);
	for (int i = 0; i < lengthof(concept_ids); i++)
		if (strcmp(s, concept_ids[i]) == 0)
			return it->concept = concept_ids[i], true;
	return add_warning(res, "%s: \"%.*s\" is not a standard concept (finx.concepts); stored as none",
					   path, (int) fx_json_utf8_cut(s, strlen(s), 40), s);
}

/* one item {label, indent, is_total, values[, concept]}; it->values is set first */
static bool
convert_item(json_object *o, fx_item *it, int nperiods, int row,
			 int page, const char *path, fx_result *res, char **err)
{
	char		sub[PATH_LEN];
	json_object *v;

	it->values = calloc(nperiods > 0 ? nperiods : 1, sizeof(char *));
	if (it->values == NULL)
		return false;
	it->page = page;
	it->line_no = row;
	if (!check_keys_opt(o, item_keys, ITEM_REQUIRED_KEYS, lengthof(item_keys),
						path, err))
		return false;
	snprintf(sub, sizeof(sub), "%.96s.label", path);
	if (!text_field(member(o, "label"), false, sub, &it->label, err))
		return false;
	snprintf(sub, sizeof(sub), "%.96s.indent", path);
	if (!int_field(member(o, "indent"), sub, 0, FX_JSON_MAX_INDENT, &it->indent, err))
		return false;
	v = member(o, "is_total");
	if (!json_object_is_type(v, json_type_boolean))
		return fx_json_set_err(err, "%s.is_total: expected a boolean, got %s",
							   path, type_name(v)), false;
	it->is_total = json_object_get_boolean(v);
	snprintf(sub, sizeof(sub), "%.96s.concept", path);
	if (!concept_field(member(o, "concept"), sub, it, res))
		return false;
	snprintf(sub, sizeof(sub), "%.96s.values", path);
	return convert_values(member(o, "values"), it->values, nperiods, sub, err);
}

/* the periods array of a statement into st */
static bool
convert_periods(json_object *arr, fx_statement *st, const char *path,
				fx_result *res, char **err)
{
	char		sub[PATH_LEN];
	int			n;

	if (!array_field(arr, FX_JSON_MAX_PERIODS, path, &n, err))
		return false;
	if (n == 0)
		return fx_json_set_err(err, "%s: a statement needs at least one period", path), false;
	st->periods = calloc(n, sizeof(fx_period));
	if (st->periods == NULL)
		return false;
	st->nperiods = n;
	for (int j = 0; j < n; j++)
	{
		snprintf(sub, sizeof(sub), "%.96s[%d]", path, j);
		if (!convert_period(json_object_array_get_idx(arr, j), &st->periods[j],
							sub, res, err))
			return false;
	}
	return true;
}

/* the items array of a statement into st; st->nitems counts what to free */
static bool
convert_items(json_object *arr, fx_statement *st, const char *path,
			  fx_result *res, char **err)
{
	char		sub[PATH_LEN];
	int			n;

	if (!array_field(arr, FX_JSON_MAX_ITEMS, path, &n, err))
		return false;
	st->items = calloc(n > 0 ? n : 1, sizeof(fx_item));
	if (st->items == NULL)
		return false;
	for (int i = 0; i < n; i++)
	{
		bool		ok;

		snprintf(sub, sizeof(sub), "%.96s[%d]", path, i);
		ok = convert_item(json_object_array_get_idx(arr, i), &st->items[i],
						  st->nperiods, i + 1, st->first_page, sub, res, err);
		if (st->items[i].values != NULL)
			st->nitems = i + 1;
		if (!ok)
			return false;
	}
	return true;
}

/* one statement object into st (zeroed; freed by the caller on failure) */
static bool
convert_statement(json_object *o, fx_statement *st, int si, fx_result *res,
				  char **err)
{
	char		path[PATH_LEN];
	char		sub[PATH_LEN];

	snprintf(path, sizeof(path), "statements[%d]", si);
	if (!check_keys(o, statement_keys, lengthof(statement_keys), path, err))
		return false;
	snprintf(sub, sizeof(sub), "%.96s.statement_type", path);
	if (!type_field(member(o, "statement_type"), sub, &st->type, err))
		return false;
	snprintf(sub, sizeof(sub), "%.96s.title", path);
	if (!text_field(member(o, "title"), false, sub, &st->title, err))
		return false;
	snprintf(sub, sizeof(sub), "%.96s.unit_scale", path);
	if (!scale_field(member(o, "unit_scale"), sub, &st->unit_scale, err))
		return false;
	snprintf(sub, sizeof(sub), "%.96s.currency", path);
	if (!currency_field(member(o, "currency"), sub, st->currency, res, err))
		return false;
	snprintf(sub, sizeof(sub), "%.96s.periods", path);
	if (!convert_periods(member(o, "periods"), st, sub, res, err))
		return false;
	snprintf(sub, sizeof(sub), "%.96s.items", path);
	return convert_items(member(o, "items"), st, sub, res, err);
}

/* the parsed content {"statements": [...]} as a result */
fx_result *
fx_json_convert_content(json_object *doc, int first_page, int last_page,
						char **err)
{
	json_object *arr;
	fx_result  *res;
	int			n;

	if (!check_keys(doc, root_keys, lengthof(root_keys), "content", err))
		return NULL;
	arr = member(doc, "statements");
	if (!array_field(arr, FX_JSON_MAX_STATEMENTS, "statements", &n, err))
		return NULL;
	res = calloc(1, sizeof(fx_result));
	if (res == NULL || (res->statements = calloc(n > 0 ? n : 1, sizeof(fx_statement))) == NULL)
		return fx_result_free(res), NULL;
	res->npages = last_page >= first_page ? last_page - first_page + 1 : 0;
	for (int i = 0; i < n; i++)
	{
		fx_statement *st = &res->statements[i];

		res->nstatements = i + 1;
		st->first_page = first_page;
		st->last_page = last_page;
		if (!convert_statement(json_object_array_get_idx(arr, i), st, i, res, err))
			return fx_result_free(res), NULL;
	}
	return res;
}
