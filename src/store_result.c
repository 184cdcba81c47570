/*-------------------------------------------------------------------------
 *
 * store_result.c
 *	  Writing a parse result: the statements, periods and line items of a
 *	  job, passed to SQL as JSON built here.
 *
 * The columns of finx.line_items the worker writes are listed once, in
 * item_columns[]: that table drives both the JSON of each item and the
 * INSERT that reads it back with jsonb_to_recordset.  Runs inside the
 * completing transaction of store.c.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/memutils.h"

#include "spi_exec.h"
#include "store.h"
#include "store_int.h"

/* Is s a plain decimal such as "-3068" or "1234.5"? */
static bool
valid_decimal(const char *s)
{
	int			digits = 0;

	if (s == NULL)
		return false;
	if (*s == '-')
		s++;
	while (*s >= '0' && *s <= '9')
		s++, digits++;
	if (*s == '.')
	{
		s++;
		if (!(*s >= '0' && *s <= '9'))
			return false;
		while (*s >= '0' && *s <= '9')
			s++, digits++;
	}
	return *s == '\0' && digits > 0 && digits < 60;
}

/* Is y-m-d a real calendar date? */
static bool
valid_date(int y, int m, int d)
{
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	if (y < 1000 || y > 9999 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return false;
	if (m == 2 && d == 29)
		return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return true;
}

/* Append a JSON string, or null. */
void
fx_store_json_str(StringInfo b, const char *s)
{
	if (s == NULL)
		appendStringInfoString(b, "null");
	else
		escape_json(b, s);
}

/*
 * Append a statement's checks as a JSON array; counts passed and failed.
 * notes (or NULL) say which failed checks of a statement read by OCR
 * involve a value read with low confidence.
 */
static void
checks_json(StringInfo b, const fx_statement *st, char **notes, int *passed,
			int *failed)
{
	appendStringInfoChar(b, '[');
	for (int k = 0; k < st->nchecks; k++)
	{
		const fx_check *c = &st->checks[k];

		appendStringInfo(b, "%s{\"name\":", k ? "," : "");
		fx_store_json_str(b, c->name);
		appendStringInfoString(b, ",\"target\":");
		fx_store_json_str(b, c->target);
		appendStringInfo(b, ",\"col\":%d,\"expected\":", c->period + 1);
		fx_store_json_str(b, c->expected);
		appendStringInfoString(b, ",\"computed\":");
		fx_store_json_str(b, c->computed);
		appendStringInfo(b, ",\"passed\":%s", c->passed ? "true" : "false");
		if (notes && !c->passed)
		{
			appendStringInfo(b, ",\"ocr_suspect\":%s,\"ocr_note\":",
							 notes[k] ? "true" : "false");
			fx_store_json_str(b, notes[k]);
		}
		appendStringInfoChar(b, '}');
		if (c->passed)
			(*passed)++;
		else
			(*failed)++;
	}
	appendStringInfoChar(b, ']');
}

/* Append one statement's row object. */
static void
statement_json(StringInfo b, const fx_statement *st, int seq, char **notes)
{
	int			passed = 0,
				failed = 0;

	appendStringInfo(b, "{\"seq\":%d,\"statement_type\":\"%s\",\"title\":",
					 seq, fx_stmt_type_name(st->type));
	fx_store_json_str(b, st->title);
	appendStringInfo(b, ",\"first_page\":%d,\"last_page\":%d,\"unit_scale\":",
					 st->first_page, st->last_page);
	fx_store_json_str(b, valid_decimal(st->unit_scale) ? st->unit_scale : NULL);
	appendStringInfoString(b, ",\"currency\":");
	fx_store_json_str(b, st->currency[0] ? st->currency : NULL);
	appendStringInfo(b, ",\"component_columns\":%s,\"checks\":",
					 st->component_columns ? "true" : "false");
	checks_json(b, st, notes, &passed, &failed);
	appendStringInfo(b, ",\"checks_passed\":%d,\"checks_failed\":%d}", passed, failed);
}

/* Append one period's row object. */
static void
period_json(StringInfo b, const fx_period *p, int seq, int col)
{
	appendStringInfo(b, "{\"seq\":%d,\"col\":%d,\"label\":", seq, col);
	fx_store_json_str(b, p->label ? p->label : "");
	if (valid_date(p->end_year, p->end_month, p->end_day))
		appendStringInfo(b, ",\"period_end\":\"%04d-%02d-%02d\"",
						 p->end_year, p->end_month, p->end_day);
	else
		appendStringInfoString(b, ",\"period_end\":null");
	if (p->months > 0)
		appendStringInfo(b, ",\"period_months\":%d}", p->months);
	else
		appendStringInfoString(b, ",\"period_months\":null}");
}

/* One line item as item_json() writes it. */
typedef struct ItemRow
{
	const fx_item *it;
	int			nperiods;
	int			row;			/* 1-based row number in its statement */
	const int  *conf;			/* its values' OCR confidences, or NULL */
	bool		own_period;		/* the statement's columns are components:
								 * the item carries its own period */
} ItemRow;

/* How a column's JSON value is written. */
typedef enum ItemKind
{
	IK_INT,						/* int field of fx_item */
	IK_BOOL,					/* bool field of fx_item */
	IK_TEXT,					/* char * field of fx_item, NULL as null */
	IK_LABEL,					/* char * field of fx_item, NULL as "" */
	IK_CUSTOM					/* written by the column's function */
} ItemKind;

typedef void (*ItemJsonFn) (StringInfo b, const ItemRow *r);

/* How item_json() writes a column of finx.line_items. */
typedef struct ItemColumn
{
	const char *name;			/* its key in the JSON */
	ItemKind	kind;
	size_t		offset;			/* of its fx_item field (all but IK_CUSTOM) */
	ItemJsonFn	fn;				/* IK_CUSTOM only */
} ItemColumn;

/* offset of fx_item field f, of type t (checked at compile time) */
#ifdef HAVE__BUILTIN_TYPES_COMPATIBLE_P
#define ITEM_OFFSET(f, t) (offsetof(fx_item, f) + 0 * sizeof(char[ \
	__builtin_types_compatible_p(__typeof__(((fx_item *) 0)->f), t) ? 1 : -1]))
#else
#define ITEM_OFFSET(f, t) offsetof(fx_item, f)
#endif

static void item_row_no(StringInfo b, const ItemRow *r);
static void item_values(StringInfo b, const ItemRow *r);
static void item_conf(StringInfo b, const ItemRow *r);
static void item_concept(StringInfo b, const ItemRow *r);
static void item_period_label(StringInfo b, const ItemRow *r);
static void item_period_end(StringInfo b, const ItemRow *r);
static void item_period_months(StringInfo b, const ItemRow *r);

/*
 * The line-item columns, listed once: each expansion of this list makes
 * the table item_json() walks and the parts of the INSERT that reads the
 * items' JSON back (a string constant, built by the compiler).  A new
 * column of finx.line_items filled from a field of fx_item is one line
 * here, e.g. ITEM_TEXT(C, concept) for a char * field (NULL stored as
 * NULL).  C is the expansion: C(field, SQL name, SQL type, kind, offset,
 * function).
 */
#define ITEM_COLUMNS(C) \
	ITEM_CUSTOM(C, row_no, "row_no", "int", item_row_no) \
	ITEM_INT(C, page) \
	ITEM_INT(C, line_no) \
	ITEM_LABEL(C, label) \
	ITEM_INT(C, indent) \
	ITEM_BOOL(C, is_total) \
	ITEM_BOOL(C, generated_label) \
	ITEM_CUSTOM(C, values, "\"values\"", "numeric[]", item_values) \
	ITEM_CUSTOM(C, ocr_confidence, "ocr_confidence", "smallint[]", item_conf) \
	ITEM_CUSTOM(C, concept, "concept", "text", item_concept) \
	ITEM_CUSTOM(C, period_label, "period_label", "text", item_period_label) \
	ITEM_CUSTOM(C, period_end, "period_end", "date", item_period_end) \
	ITEM_CUSTOM(C, period_months, "period_months", "int", item_period_months)

#define ITEM_INT(C, f)		C(f, #f, "int", IK_INT, ITEM_OFFSET(f, int), NULL)
#define ITEM_BOOL(C, f)		C(f, #f, "bool", IK_BOOL, ITEM_OFFSET(f, bool), NULL)
#define ITEM_TEXT(C, f)		C(f, #f, "text", IK_TEXT, ITEM_OFFSET(f, char *), NULL)
#define ITEM_LABEL(C, f)	C(f, #f, "text", IK_LABEL, ITEM_OFFSET(f, char *), NULL)
#define ITEM_CUSTOM(C, f, sqlname, sqltype, fn) \
	C(f, sqlname, sqltype, IK_CUSTOM, 0, fn)

/* the expansions: the table, and the INSERT's columns, values and types */
#define ITEM_ENTRY(f, q, t, kind, offset, fn)	{#f, kind, offset, fn},
#define ITEM_SQL_NAME(f, q, t, kind, offset, fn)	", " q
#define ITEM_SQL_VALUE(f, q, t, kind, offset, fn)	", i." q
#define ITEM_SQL_DEF(f, q, t, kind, offset, fn)	", " q " " t

static const ItemColumn item_columns[] = {ITEM_COLUMNS(ITEM_ENTRY)};

/* concept_source: an item's concept can only be an LLM's (rules map later) */
static const char item_insert_sql[] =
"INSERT INTO finx.line_items (statement_id" ITEM_COLUMNS(ITEM_SQL_NAME) ", concept_source) "
"SELECT s.id" ITEM_COLUMNS(ITEM_SQL_VALUE) ", CASE WHEN i.concept IS NOT NULL THEN 'llm' END "
"FROM pg_catalog.jsonb_to_recordset($3::jsonb) AS i(seq int" ITEM_COLUMNS(ITEM_SQL_DEF) ") "
"JOIN finx.statements s ON s.job_id = $1 AND s.seq = i.seq WHERE $2 IS NOT NULL";

/* row_no: the item's position in its statement. */
static void
item_row_no(StringInfo b, const ItemRow *r)
{
	appendStringInfo(b, "%d", r->row);
}

/* values: one plain decimal (or null) per period. */
static void
item_values(StringInfo b, const ItemRow *r)
{
	appendStringInfoChar(b, '[');
	for (int k = 0; k < r->nperiods; k++)
	{
		const char *v = r->it->values ? r->it->values[k] : NULL;

		if (k)
			appendStringInfoChar(b, ',');
		fx_store_json_str(b, valid_decimal(v) ? v : NULL);
	}
	appendStringInfoChar(b, ']');
}

/* concept: a finx.concepts identifier the LLM gave the row, or null. */
static void
item_concept(StringInfo b, const ItemRow *r)
{
	fx_store_json_str(b, r->it->concept);
}

/* period_label: the row's own period as read (component columns), or null. */
static void
item_period_label(StringInfo b, const ItemRow *r)
{
	fx_store_json_str(b, r->own_period ? r->it->row_period.label : NULL);
}

/* period_end: the row's own balance date or period end, or null. */
static void
item_period_end(StringInfo b, const ItemRow *r)
{
	const fx_period *p = &r->it->row_period;

	if (r->own_period && valid_date(p->end_year, p->end_month, p->end_day))
		appendStringInfo(b, "\"%04d-%02d-%02d\"",
						 p->end_year, p->end_month, p->end_day);
	else
		appendStringInfoString(b, "null");
}

/* period_months: the length of the row's own period, or null. */
static void
item_period_months(StringInfo b, const ItemRow *r)
{
	if (r->own_period && r->it->row_period.months > 0)
		appendStringInfo(b, "%d", r->it->row_period.months);
	else
		appendStringInfoString(b, "null");
}

/* ocr_confidence: per value read by OCR, else null. */
static void
item_conf(StringInfo b, const ItemRow *r)
{
	if (r->conf == NULL || r->nperiods == 0)
	{
		appendStringInfoString(b, "null");
		return;
	}
	for (int k = 0; k < r->nperiods; k++)
	{
		appendStringInfoChar(b, k ? ',' : '[');
		if (r->conf[k] >= 0 && r->it->values && valid_decimal(r->it->values[k]))
			appendStringInfo(b, "%d", r->conf[k]);
		else
			appendStringInfoString(b, "null");
	}
	appendStringInfoChar(b, ']');
}

/* Append one line item's row object: seq, then item_columns[]. */
static void
item_json(StringInfo b, const ItemRow *r, int seq)
{
	appendStringInfo(b, "{\"seq\":%d", seq);
	for (size_t c = 0; c < lengthof(item_columns); c++)
	{
		const ItemColumn *col = &item_columns[c];
		const char *field = (const char *) r->it + col->offset;

		appendStringInfo(b, ",\"%s\":", col->name);
		if (col->kind == IK_INT)
			appendStringInfo(b, "%d", *(const int *) field);
		else if (col->kind == IK_BOOL)
			appendStringInfoString(b, *(const bool *) field ? "true" : "false");
		else if (col->kind == IK_TEXT)
			fx_store_json_str(b, *(char *const *) field);
		else if (col->kind == IK_LABEL)
			fx_store_json_str(b, *(char *const *) field ? *(char *const *) field : "");
		else
			col->fn(b, r);
	}
	appendStringInfoChar(b, '}');
}

/* The three JSON arrays that carry a parse result (and ocr) into SQL. */
static void
result_json(const fx_result *res, const FxOcrNotes *ocr, StringInfo sts,
			StringInfo pers, StringInfo items)
{
	bool		first_p = true,
				first_i = true;

	appendStringInfoChar(sts, '[');
	appendStringInfoChar(pers, '[');
	appendStringInfoChar(items, '[');
	for (int s = 0; s < res->nstatements; s++)
	{
		const fx_statement *st = &res->statements[s];
		bool		by_ocr = ocr && s < ocr->nstatements && ocr->ocr[s];

		if (s)
			appendStringInfoChar(sts, ',');
		statement_json(sts, st, s + 1, by_ocr ? ocr->notes[s] : NULL);
		for (int p = 0; p < st->nperiods; p++, first_p = false)
		{
			if (!first_p)
				appendStringInfoChar(pers, ',');
			period_json(pers, &st->periods[p], s + 1, p + 1);
		}
		for (int i = 0; i < st->nitems; i++, first_i = false)
		{
			ItemRow		r = {&st->items[i], st->nperiods, i + 1,
				by_ocr ? ocr->conf[s] + i * st->nperiods : NULL,
			st->component_columns};

			if (!first_i)
				appendStringInfoChar(items, ',');
			item_json(items, &r, s + 1);
		}
	}
	appendStringInfoChar(sts, ']');
	appendStringInfoChar(pers, ']');
	appendStringInfoChar(items, ']');
}


/* Insert statements, periods and items of a result for a job. */
void
fx_store_result_rows(int64 job_id, int64 document_id, const fx_result *res,
					 const FxOcrNotes *ocr)
{
	StringInfoData sts,
				pers,
				items;
	Oid			types[3] = {INT8OID, INT8OID, TEXTOID};
	Datum		vals[3];

	initStringInfo(&sts);
	initStringInfo(&pers);
	initStringInfo(&items);
	result_json(res, ocr, &sts, &pers, &items);
	vals[0] = Int64GetDatum(job_id);
	vals[1] = Int64GetDatum(document_id);
	vals[2] = CStringGetTextDatum(sts.data);
	fx_spi_exec("INSERT INTO finx.statements (job_id, document_id, seq, statement_type, title, "
				"first_page, last_page, unit_scale, currency, checks, checks_passed, checks_failed, "
				"component_columns) "
				"SELECT $1, $2, x.seq, x.statement_type, x.title, x.first_page, x.last_page, "
				"x.unit_scale, x.currency, x.checks, x.checks_passed, x.checks_failed, "
				"x.component_columns "
				"FROM pg_catalog.jsonb_to_recordset($3::jsonb) AS x(seq int, statement_type text, title text, "
				"first_page int, last_page int, unit_scale numeric, currency text, checks jsonb, "
				"checks_passed int, checks_failed int, component_columns bool)",
				3, types, vals, NULL);
	vals[2] = CStringGetTextDatum(pers.data);
	fx_spi_exec("INSERT INTO finx.statement_periods (statement_id, col, label, period_end, period_months) "
				"SELECT s.id, p.col, p.label, p.period_end, p.period_months "
				"FROM pg_catalog.jsonb_to_recordset($3::jsonb) AS p(seq int, col int, label text, "
				"period_end date, period_months int) "
				"JOIN finx.statements s ON s.job_id = $1 AND s.seq = p.seq WHERE $2 IS NOT NULL",
				3, types, vals, NULL);
	vals[2] = CStringGetTextDatum(items.data);
	fx_spi_exec(item_insert_sql, 3, types, vals, NULL);
}
