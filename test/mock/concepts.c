/*-------------------------------------------------------------------------
 *
 * concepts.c
 *	  Owns the mock's answer to the line item's "concept" property: when
 *	  the request's statement schema has the concept enum, every item gets
 *	  a concept (from a small label table, only values the enum allows)
 *	  or null, as a model would answer; the knob chat_odd_concepts makes
 *	  the answer break the rules the extension must cope with.
 *
 * The table is the mock's reading, not the extension's rules: it answers
 * operating_expenses for "Total costs and expenses" where the builtin
 * rules say costs_and_expenses, so that tests can tell the two apart.
 *
 *-------------------------------------------------------------------------
 */
#include "concepts.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define NOT_A_CONCEPT "not_a_concept"

typedef struct LabelConcept
{
	const char *label;			/* lower case, no trailing colon */
	const char *heading;		/* substring of the heading above, or NULL */
	const char *concept;
} LabelConcept;

static const LabelConcept table[] = {
	/* income statement */
	{"total revenues", NULL, "revenue"},
	{"total revenue", NULL, "revenue"},
	{"total net sales", NULL, "revenue"},
	{"total net revenues", NULL, "revenue"},
	{"revenues", NULL, "revenue"},
	{"revenue", NULL, "revenue"},
	{"net sales", NULL, "revenue"},
	{"net revenues", NULL, "revenue"},
	{"cost of revenues", NULL, "cost_of_revenue"},
	{"cost of revenue", NULL, "cost_of_revenue"},
	{"cost of sales", NULL, "cost_of_revenue"},
	{"cost of goods sold", NULL, "cost_of_revenue"},
	{"gross profit", NULL, "gross_profit"},
	{"gross margin", NULL, "gross_profit"},
	{"total costs and expenses", NULL, "operating_expenses"},
	{"total operating expenses", NULL, "operating_expenses"},
	{"operating income", NULL, "operating_income"},
	{"income from operations", NULL, "operating_income"},
	{"interest expense", NULL, "interest_expense"},
	{"income before income taxes", NULL, "pretax_income"},
	{"provision for income taxes", NULL, "income_tax"},
	{"income tax expense", NULL, "income_tax"},
	{"net income", NULL, "net_income"},
	{"net earnings", NULL, "net_income"},
	{"net loss", NULL, "net_income"},
	{"net income (loss)", NULL, "net_income"},
	{"basic", "per share", "eps_basic"},
	{"diluted", "per share", "eps_diluted"},
	{"basic", "shares", "shares_basic"},
	{"diluted", "shares", "shares_diluted"},
	/* balance sheet */
	{"cash and cash equivalents", NULL, "cash_and_equivalents"},
	{"accounts receivable, net", NULL, "accounts_receivable"},
	{"accounts receivable", NULL, "accounts_receivable"},
	{"inventories", NULL, "inventories"},
	{"total current assets", NULL, "total_current_assets"},
	{"property and equipment, net", NULL, "ppe_net"},
	{"property, plant and equipment, net", NULL, "ppe_net"},
	{"goodwill", NULL, "goodwill"},
	{"total assets", NULL, "total_assets"},
	{"accounts payable", NULL, "accounts_payable"},
	{"total current liabilities", NULL, "total_current_liabilities"},
	{"long-term debt", NULL, "long_term_debt"},
	{"total liabilities", NULL, "total_liabilities"},
	{"retained earnings", NULL, "retained_earnings"},
	{"total stockholders' equity", NULL, "total_equity"},
	{"total shareholders' equity", NULL, "total_equity"},
	{"total equity", NULL, "total_equity"},
	{"total liabilities and stockholders' equity", NULL, "liabilities_and_equity"},
	{"total liabilities and shareholders' equity", NULL, "liabilities_and_equity"},
	{"total liabilities and equity", NULL, "liabilities_and_equity"},
	/* cash flow */
	{"depreciation and amortization", NULL, "depreciation_amortization"},
	{"net cash provided by operating activities", NULL, "cash_from_operations"},
	{"net cash used in investing activities", NULL, "cash_from_investing"},
	{"net cash used in financing activities", NULL, "cash_from_financing"},
	{"net cash provided by financing activities", NULL, "cash_from_financing"},
	{"purchases of property and equipment", NULL, "capital_expenditure"},
	{"capital expenditures", NULL, "capital_expenditure"},
	{"dividends paid", NULL, "dividends_paid"},
	{"repurchases of common stock", NULL, "share_repurchases"},
};

#define lengthof(a) ((int) (sizeof(a) / sizeof((a)[0])))

/* the concept enum of the statement schema's line item, or NULL */
json_object *
concepts_enum(json_object *schema)
{
	static const char *const path[] = {"properties", "statements", "items",
		"properties", "items", "items", "properties", "concept", "enum"};
	json_object *o = schema;

	for (int i = 0; o != NULL && i < lengthof(path); i++)
		if (!json_object_object_get_ex(o, path[i], &o))
			return NULL;
	return o && json_object_is_type(o, json_type_array) ? o : NULL;
}

/* s lower-cased, curly apostrophes straightened, trailing colon dropped */
static void
norm_label(const char *s, char *out, size_t len)
{
	size_t		n = 0;

	for (; *s && n + 1 < len; s++)
	{
		if ((unsigned char) s[0] == 0xE2 && (unsigned char) s[1] == 0x80 &&
			(unsigned char) s[2] == 0x99)
		{
			out[n++] = '\'';
			s += 2;
		}
		else
			out[n++] = (char) tolower((unsigned char) *s);
	}
	while (n > 0 && (out[n - 1] == ':' || out[n - 1] == ' '))
		n--;
	out[n] = '\0';
}

/* does the enum allow concept? */
static bool
allowed(json_object *en, const char *concept)
{
	for (size_t i = 0; i < json_object_array_length(en); i++)
	{
		json_object *v = json_object_array_get_idx(en, i);

		if (v && json_object_is_type(v, json_type_string) &&
			strcmp(json_object_get_string(v), concept) == 0)
			return true;
	}
	return false;
}

/* does the item have at least one non-null value? */
static bool
has_values(json_object *item)
{
	json_object *vals;

	if (!json_object_object_get_ex(item, "values", &vals) ||
		!json_object_is_type(vals, json_type_array))
		return false;
	for (size_t i = 0; i < json_object_array_length(vals); i++)
		if (json_object_array_get_idx(vals, i) != NULL)
			return true;
	return false;
}

/* the table's concept for a label under a heading, or NULL */
static const char *
lookup(const char *label, const char *heading)
{
	for (int i = 0; i < lengthof(table); i++)
		if (strcmp(table[i].label, label) == 0 &&
			(table[i].heading == NULL || strstr(heading, table[i].heading) != NULL))
			return table[i].concept;
	return NULL;
}

/* concepts for one statement's items: each concept on one row at most */
static void
statement_concepts(json_object *items, json_object *en)
{
	char		heading[256] = "";
	const char *given[128];
	int			ngiven = 0;

	for (size_t i = 0; i < json_object_array_length(items); i++)
	{
		json_object *item = json_object_array_get_idx(items, i);
		json_object *lab;
		char		label[256];
		const char *c = NULL;

		if (!json_object_object_get_ex(item, "label", &lab))
			continue;
		norm_label(json_object_get_string(lab), label, sizeof(label));
		if (!has_values(item))
			snprintf(heading, sizeof(heading), "%s", label);
		else if ((c = lookup(label, heading)) != NULL && allowed(en, c))
		{
			for (int g = 0; g < ngiven && c; g++)
				if (strcmp(given[g], c) == 0)
					c = NULL;
			if (c && ngiven < lengthof(given))
				given[ngiven++] = c;
		}
		else
			c = NULL;
		json_object_object_add(item, "concept", c ? json_object_new_string(c) : NULL);
	}
}

/* the items arrays of content's statements, one after another */
static json_object *
statement_items(json_object *content, size_t i)
{
	json_object *arr,
			   *items;

	if (!json_object_object_get_ex(content, "statements", &arr) ||
		!json_object_is_type(arr, json_type_array) ||
		i >= json_object_array_length(arr) ||
		!json_object_object_get_ex(json_object_array_get_idx(arr, i), "items", &items) ||
		!json_object_is_type(items, json_type_array))
		return NULL;
	return items;
}

/* see concepts.h */
void
concepts_add(json_object *content, json_object *schema)
{
	json_object *en = concepts_enum(schema);
	json_object *items;

	if (en == NULL)
		return;
	for (size_t i = 0; (items = statement_items(content, i)) != NULL; i++)
		statement_concepts(items, en);
}

/* see concepts.h */
void
concepts_make_odd(json_object *content)
{
	json_object *items;

	for (size_t i = 0; (items = statement_items(content, i)) != NULL; i++)
	{
		json_object *first = NULL,
				   *last = NULL,
				   *c;
		size_t		n = json_object_array_length(items);
		size_t		fi = 0;

		for (size_t k = 0; k < n; k++)
		{
			json_object *item = json_object_array_get_idx(items, k);

			if (json_object_object_get_ex(item, "concept", &c) && c != NULL)
			{
				if (first == NULL)
				{
					first = item;
					fi = k;
				}
				last = item;
			}
		}
		if (first == NULL)
			continue;
		/* the first concept again on the next row with values */
		json_object_object_get_ex(first, "concept", &c);
		for (size_t k = fi + 1; k < n; k++)
		{
			json_object *item = json_object_array_get_idx(items, k);

			if (has_values(item))
			{
				json_object_object_add(item, "concept",
									   json_object_new_string(json_object_get_string(c)));
				break;
			}
		}
		json_object_object_add(last, "concept", json_object_new_string(NOT_A_CONCEPT));
	}
}
