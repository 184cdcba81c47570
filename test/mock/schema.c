/*-------------------------------------------------------------------------
 *
 * schema.c
 *	  Owns the strict-schema rules and the instance validator.
 *
 * Strict rules (OpenAI "Supported schemas"): the root is type "object";
 * every object has additionalProperties: false and lists every property in
 * required; allowed keywords are type, properties, required,
 * additionalProperties, items, enum, const, anyOf (not at the root),
 * $defs/definitions, $ref, description, title, pattern, format, minimum,
 * maximum, exclusiveMinimum, exclusiveMaximum, multipleOf, minItems,
 * maxItems; allOf, not, if/then/else, dependent* and the other unsupported
 * composition keywords are rejected; at most 5,000 properties, 10 levels of
 * nesting and 1,000 enum values.  Messages follow OpenAI's form: "In
 * context=('properties', 'x'), 'additionalProperties' is required to be
 * supplied and to be false."
 *
 *-------------------------------------------------------------------------
 */
#include "schema.h"

#include <math.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

#define MAX_PATH 128

static const char *const forbidden_keywords[] = {
	"allOf", "oneOf", "not", "if", "then", "else", "dependentRequired",
	"dependentSchemas", "patternProperties", "unevaluatedProperties",
	"propertyNames", "minProperties", "maxProperties", "unevaluatedItems",
	"contains", "minContains", "maxContains", "uniqueItems", "prefixItems"
};

static const char *const valid_types[] = {
	"string", "number", "integer", "boolean", "object", "array", "null"
};

static const char *const valid_formats[] = {
	"date-time", "date", "time", "duration", "email", "hostname", "ipv4",
	"ipv6", "uuid"
};

typedef struct Strict
{
	json_object *root;
	const char *seg[MAX_PATH];	/* context path; NULL = use idx */
	int			idx[MAX_PATH];
	int			nseg;
	int			nprops;
	int			nenum;
	char	   *msg;
	size_t		len;
} Strict;

static bool
in_list(const char *s, const char *const *list, int n)
{
	for (int i = 0; i < n; i++)
		if (strcmp(s, list[i]) == 0)
			return true;
	return false;
}

/* the context as Python prints a tuple: (), ('a',), ('a', 0, 'b') */
static void
context_text(const Strict *s, char *buf, size_t len)
{
	size_t		n = 0;

	n += snprintf(buf + n, len - n, "(");
	for (int i = 0; i < s->nseg && n < len; i++)
	{
		if (i > 0)
			n += snprintf(buf + n, len - n, ", ");
		if (n >= len)
			break;
		if (s->seg[i])
			n += snprintf(buf + n, len - n, "'%s'", s->seg[i]);
		else
			n += snprintf(buf + n, len - n, "%d", s->idx[i]);
	}
	if (n < len)
		snprintf(buf + n, len - n, s->nseg == 1 ? ",)" : ")");
}

/* fail with "In context=(...), <text>" */
static bool
fail(Strict *s, const char *fmt,...)
{
	char		ctx[1024];
	char		text[768];
	va_list		ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	context_text(s, ctx, sizeof(ctx));
	snprintf(s->msg, s->len, "In context=%s, %s", ctx, text);
	return false;
}

static void
push(Strict *s, const char *seg, int idx)
{
	if (s->nseg < MAX_PATH)
	{
		s->seg[s->nseg] = seg;
		s->idx[s->nseg] = idx;
	}
	s->nseg++;
}

static void
pop(Strict *s)
{
	s->nseg--;
}

static json_object *
get(json_object *o, const char *name)
{
	json_object *v = NULL;

	if (json_object_is_type(o, json_type_object))
		json_object_object_get_ex(o, name, &v);
	return v;
}

bool
schema_has_type(json_object *schema, const char *type)
{
	json_object *t = get(schema, "type");

	if (t == NULL)
		return false;
	if (json_object_is_type(t, json_type_string))
		return strcmp(json_object_get_string(t), type) == 0;
	if (json_object_is_type(t, json_type_array))
		for (size_t i = 0; i < json_object_array_length(t); i++)
		{
			json_object *e = json_object_array_get_idx(t, i);

			if (json_object_is_type(e, json_type_string) &&
				strcmp(json_object_get_string(e), type) == 0)
				return true;
		}
	return false;
}

/* resolve a local JSON pointer such as "#/$defs/node" */
json_object *
schema_resolve(json_object *root, const char *ref)
{
	json_object *cur = root;
	char		seg[256];

	if (ref == NULL || ref[0] != '#')
		return NULL;
	ref++;
	while (*ref == '/')
	{
		size_t		n = 0;

		ref++;
		while (*ref && *ref != '/' && n < sizeof(seg) - 1)
		{
			if (ref[0] == '~' && (ref[1] == '0' || ref[1] == '1'))
			{
				seg[n++] = ref[1] == '0' ? '~' : '/';
				ref += 2;
			}
			else
				seg[n++] = *ref++;
		}
		seg[n] = '\0';
		if ((cur = get(cur, seg)) == NULL)
			return NULL;
	}
	return *ref == '\0' ? cur : NULL;
}

static bool check_node(Strict *s, json_object *node, int level);

/* the "type" keyword names only known types */
static bool
check_type(Strict *s, json_object *node)
{
	json_object *t = get(node, "type");

	if (t == NULL)
	{
		if (get(node, "anyOf") || get(node, "enum") || get(node, "const") ||
			get(node, "$ref"))
			return true;
		return fail(s, "schema must have a 'type' key.");
	}
	if (json_object_is_type(t, json_type_string))
	{
		if (!in_list(json_object_get_string(t), valid_types, lengthof(valid_types)))
			return fail(s, "'%s' is not a valid type.", json_object_get_string(t));
		return true;
	}
	if (!json_object_is_type(t, json_type_array))
		return fail(s, "'type' must be a string or an array of strings.");
	for (size_t i = 0; i < json_object_array_length(t); i++)
	{
		json_object *e = json_object_array_get_idx(t, i);

		if (!json_object_is_type(e, json_type_string) ||
			!in_list(json_object_get_string(e), valid_types, lengthof(valid_types)))
			return fail(s, "'type' must be a string or an array of strings.");
	}
	return true;
}

/* additionalProperties: false, required == keys of properties */
static bool
check_object_rules(Strict *s, json_object *node)
{
	json_object *ap = get(node, "additionalProperties");
	json_object *props = get(node, "properties");
	json_object *req = get(node, "required");
	const char *req_msg = "'required' is required to be supplied and to be an array including every key in properties.";

	if (ap == NULL || !json_object_is_type(ap, json_type_boolean) ||
		json_object_get_boolean(ap))
		return fail(s, "'additionalProperties' is required to be supplied and to be false.");
	if (props && !json_object_is_type(props, json_type_object))
		return fail(s, "'properties' must be an object.");
	if (req && !json_object_is_type(req, json_type_array))
		return fail(s, "%s", req_msg);
	if (props)
	{
		json_object_object_foreach(props, name, sub)
		{
			bool		found = false;

			(void) sub;
			for (size_t i = 0; req && i < json_object_array_length(req); i++)
				if (!strcmp(json_object_get_string(json_object_array_get_idx(req, i)), name))
					found = true;
			if (!found)
				return fail(s, "%s Missing '%s'.", req_msg, name);
		}
	}
	for (size_t i = 0; req && i < json_object_array_length(req); i++)
	{
		const char *name = json_object_get_string(json_object_array_get_idx(req, i));

		if (props == NULL || get(props, name) == NULL)
			return fail(s, "%s Extra required key '%s' supplied.", req_msg, name);
	}
	return true;
}

/* recurse into the properties of an object schema */
static bool
check_properties(Strict *s, json_object *node, int level)
{
	json_object *props = get(node, "properties");

	if (props == NULL)
		return true;
	json_object_object_foreach(props, name, sub)
	{
		bool		ok;

		s->nprops++;
		push(s, "properties", 0);
		push(s, name, 0);
		ok = check_node(s, sub, level + 1);
		pop(s);
		pop(s);
		if (!ok)
			return false;
	}
	return true;
}

/* recurse into a keyword holding an array of schemas (anyOf) */
static bool
check_list(Strict *s, json_object *node, const char *kw, int level)
{
	json_object *list = get(node, kw);

	if (list == NULL)
		return true;
	if (!json_object_is_type(list, json_type_array) ||
		json_object_array_length(list) == 0)
		return fail(s, "'%s' must be a non-empty array of schemas.", kw);
	for (size_t i = 0; i < json_object_array_length(list); i++)
	{
		bool		ok;

		push(s, kw, 0);
		push(s, NULL, (int) i);
		ok = check_node(s, json_object_array_get_idx(list, i), level);
		pop(s);
		pop(s);
		if (!ok)
			return false;
	}
	return true;
}

/* recurse into $defs / definitions */
static bool
check_defs(Strict *s, json_object *node, const char *kw, int level)
{
	json_object *defs = get(node, kw);

	if (defs == NULL)
		return true;
	if (!json_object_is_type(defs, json_type_object))
		return fail(s, "'%s' must be an object.", kw);
	json_object_object_foreach(defs, name, sub)
	{
		bool		ok;

		push(s, kw, 0);
		push(s, name, 0);
		ok = check_node(s, sub, level);
		pop(s);
		pop(s);
		if (!ok)
			return false;
	}
	return true;
}

/* keywords that are forbidden, or that have constrained values */
static bool
check_keywords(Strict *s, json_object *node)
{
	json_object *ref = get(node, "$ref");
	json_object *fmt = get(node, "format");
	json_object *en = get(node, "enum");

	json_object_object_foreach(node, kw, v)
	{
		(void) v;
		if (in_list(kw, forbidden_keywords, lengthof(forbidden_keywords)))
			return fail(s, "'%s' is not permitted.", kw);
	}
	if (ref && (!json_object_is_type(ref, json_type_string) ||
				schema_resolve(s->root, json_object_get_string(ref)) == NULL))
		return fail(s, "reference to component '%s' which was not found in the schema.",
					json_object_get_string(ref));
	if (fmt && !in_list(json_object_get_string(fmt), valid_formats, lengthof(valid_formats)))
		return fail(s, "'%s' is not a valid format.", json_object_get_string(fmt));
	if (en && (!json_object_is_type(en, json_type_array) ||
			   json_object_array_length(en) == 0))
		return fail(s, "'enum' must be a non-empty array.");
	if (en)
		s->nenum += (int) json_object_array_length(en);
	return true;
}

static bool
check_node(Strict *s, json_object *node, int level)
{
	bool		is_object, is_array;

	if (!json_object_is_type(node, json_type_object))
		return fail(s, "schema must be a JSON Schema object.");
	if (!check_keywords(s, node) || !check_type(s, node))
		return false;
	is_object = schema_has_type(node, "object") || get(node, "properties");
	is_array = schema_has_type(node, "array");
	if ((is_object || is_array) && level > SCHEMA_MAX_DEPTH)
		return fail(s, "the schema exceeds the maximum nesting depth of %d levels.",
					SCHEMA_MAX_DEPTH);
	if (is_object && (!check_object_rules(s, node) ||
					  !check_properties(s, node, level)))
		return false;
	if (is_array && get(node, "items"))
	{
		bool		ok;

		push(s, "items", 0);
		ok = check_node(s, get(node, "items"), level + 1);
		pop(s);
		if (!ok)
			return false;
	}
	return check_list(s, node, "anyOf", level) &&
		check_defs(s, node, "$defs", level) &&
		check_defs(s, node, "definitions", level);
}

bool
schema_check_strict(json_object *schema, char *msg, size_t len)
{
	Strict		s = {.root = schema,.msg = msg,.len = len};
	json_object *t = get(schema, "type");

	if (!json_object_is_type(schema, json_type_object))
	{
		snprintf(msg, len, "schema must be a JSON Schema of 'type: \"object\"', got 'type: \"None\"'.");
		return false;
	}
	if (t == NULL || !json_object_is_type(t, json_type_string) ||
		strcmp(json_object_get_string(t), "object") != 0 || get(schema, "anyOf"))
	{
		snprintf(msg, len, "schema must be a JSON Schema of 'type: \"object\"', got 'type: \"%s\"'.",
				 t == NULL ? "None" : json_object_is_type(t, json_type_string) ?
				 json_object_get_string(t) : json_object_to_json_string(t));
		return false;
	}
	if (!check_node(&s, schema, 1))
		return false;
	if (s.nprops > SCHEMA_MAX_PROPERTIES)
	{
		snprintf(msg, len, "The schema has %d object properties, more than the limit of %d.",
				 s.nprops, SCHEMA_MAX_PROPERTIES);
		return false;
	}
	if (s.nenum > SCHEMA_MAX_ENUM_VALUES)
	{
		snprintf(msg, len, "The schema has %d enum values, more than the limit of %d.",
				 s.nenum, SCHEMA_MAX_ENUM_VALUES);
		return false;
	}
	return true;
}

/* ---------- instance validation ---------- */

typedef struct Valid
{
	json_object *root;
	char		path[512];
	char	   *msg;
	size_t		len;
	int			depth;
} Valid;

static bool validate(Valid *v, json_object *schema, json_object *inst);

static bool
vfail(Valid *v, const char *fmt,...)
{
	char		text[512];
	va_list		ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	snprintf(v->msg, v->len, "%s: %s", v->path[0] ? v->path : "$", text);
	return false;
}

static const char *
instance_type(json_object *inst)
{
	switch (json_object_get_type(inst))
	{
		case json_type_null:
			return "null";
		case json_type_boolean:
			return "boolean";
		case json_type_int:
			return "integer";
		case json_type_double:
			return "number";
		case json_type_string:
			return "string";
		case json_type_array:
			return "array";
		default:
			return "object";
	}
}

/* does inst have the JSON Schema type t? */
static bool
type_matches(json_object *inst, const char *t)
{
	const char *it = instance_type(inst);
	double		d;

	if (strcmp(t, it) == 0)
		return true;
	if (strcmp(t, "number") == 0 && strcmp(it, "integer") == 0)
		return true;
	if (strcmp(t, "integer") == 0 && strcmp(it, "number") == 0)
	{
		d = json_object_get_double(inst);
		return d == floor(d) && fabs(d) < 9.007199254740992e15;
	}
	return false;
}

static bool
check_instance_type(Valid *v, json_object *schema, json_object *inst)
{
	json_object *t = get(schema, "type");

	if (t == NULL)
		return true;
	if (json_object_is_type(t, json_type_string))
		return type_matches(inst, json_object_get_string(t)) ||
			vfail(v, "expected %s, got %s", json_object_get_string(t), instance_type(inst));
	for (size_t i = 0; i < json_object_array_length(t); i++)
		if (type_matches(inst, json_object_get_string(json_object_array_get_idx(t, i))))
			return true;
	return vfail(v, "expected one of %s, got %s", json_object_to_json_string(t),
				 instance_type(inst));
}

/* JSON equality where 1 and 1.0 are equal */
static bool
json_equal(json_object *a, json_object *b)
{
	if ((json_object_is_type(a, json_type_int) || json_object_is_type(a, json_type_double)) &&
		(json_object_is_type(b, json_type_int) || json_object_is_type(b, json_type_double)))
		return json_object_get_double(a) == json_object_get_double(b);
	return json_object_equal(a, b);
}

static bool
check_enum_const(Valid *v, json_object *schema, json_object *inst)
{
	json_object *c = get(schema, "const");
	json_object *e = get(schema, "enum");

	if (c && !json_equal(c, inst))
		return vfail(v, "value differs from const");
	if (e && json_object_is_type(e, json_type_array))
	{
		for (size_t i = 0; i < json_object_array_length(e); i++)
			if (json_equal(json_object_array_get_idx(e, i), inst))
				return true;
		return vfail(v, "value %s is not in enum", json_object_to_json_string(inst));
	}
	return true;
}

/* ECMA-ish pattern as POSIX ERE: \d \w \s and their negations */
static void
pattern_to_ere(const char *p, char *out, size_t len)
{
	size_t		n = 0;

	for (; *p && n + 16 < len; p++)
	{
		const char *rep = NULL;

		if (p[0] == '\\' && p[1])
		{
			switch (p[1])
			{
				case 'd': rep = "[0-9]"; break;
				case 'D': rep = "[^0-9]"; break;
				case 'w': rep = "[A-Za-z0-9_]"; break;
				case 'W': rep = "[^A-Za-z0-9_]"; break;
				case 's': rep = "[[:space:]]"; break;
				case 'S': rep = "[^[:space:]]"; break;
			}
		}
		if (rep)
		{
			n += snprintf(out + n, len - n, "%s", rep);
			p++;
		}
		else
			out[n++] = *p;
	}
	out[n] = '\0';
}

static bool
check_string(Valid *v, json_object *schema, json_object *inst)
{
	json_object *pat = get(schema, "pattern");
	const char *s = json_object_get_string(inst);
	regex_t		re;
	char		ere[1024];

	if (pat == NULL || !json_object_is_type(pat, json_type_string))
		return true;
	pattern_to_ere(json_object_get_string(pat), ere, sizeof(ere));
	if (regcomp(&re, ere, REG_EXTENDED | REG_NOSUB) != 0)
		return true;			/* a pattern POSIX cannot read: skip */
	if (regexec(&re, s, 0, NULL, 0) != 0)
	{
		regfree(&re);
		return vfail(v, "string does not match pattern %s", json_object_get_string(pat));
	}
	regfree(&re);
	return true;
}

static bool
check_number(Valid *v, json_object *schema, json_object *inst)
{
	double		d = json_object_get_double(inst);
	json_object *b;

	if ((b = get(schema, "minimum")) && d < json_object_get_double(b))
		return vfail(v, "%g is below minimum", d);
	if ((b = get(schema, "maximum")) && d > json_object_get_double(b))
		return vfail(v, "%g is above maximum", d);
	if ((b = get(schema, "exclusiveMinimum")) && d <= json_object_get_double(b))
		return vfail(v, "%g is not above exclusiveMinimum", d);
	if ((b = get(schema, "exclusiveMaximum")) && d >= json_object_get_double(b))
		return vfail(v, "%g is not below exclusiveMaximum", d);
	if ((b = get(schema, "multipleOf")) && json_object_get_double(b) > 0)
	{
		double		q = d / json_object_get_double(b);

		if (fabs(q - round(q)) > 1e-9)
			return vfail(v, "%g is not a multiple of %g", d, json_object_get_double(b));
	}
	return true;
}

static bool
check_object(Valid *v, json_object *schema, json_object *inst)
{
	json_object *props = get(schema, "properties");
	json_object *req = get(schema, "required");
	json_object *ap = get(schema, "additionalProperties");
	size_t		plen = strlen(v->path);

	for (size_t i = 0; req && i < json_object_array_length(req); i++)
	{
		const char *name = json_object_get_string(json_object_array_get_idx(req, i));

		if (!json_object_object_get_ex(inst, name, NULL))
			return vfail(v, "missing required property '%s'", name);
	}
	json_object_object_foreach(inst, name, val)
	{
		json_object *sub = props ? get(props, name) : NULL;
		bool		ok = true;

		if (sub == NULL && ap && json_object_is_type(ap, json_type_boolean) &&
			!json_object_get_boolean(ap))
			return vfail(v, "additional property '%s' is not allowed", name);
		if (sub == NULL && ap && json_object_is_type(ap, json_type_object))
			sub = ap;
		if (sub == NULL)
			continue;
		snprintf(v->path + plen, sizeof(v->path) - plen, ".%s", name);
		ok = validate(v, sub, val);
		v->path[plen] = '\0';
		if (!ok)
			return false;
	}
	return true;
}

static bool
check_array(Valid *v, json_object *schema, json_object *inst)
{
	json_object *items = get(schema, "items");
	json_object *b;
	size_t		n = json_object_array_length(inst);
	size_t		plen = strlen(v->path);

	if ((b = get(schema, "minItems")) && (int64_t) n < json_object_get_int64(b))
		return vfail(v, "fewer than %lld items", (long long) json_object_get_int64(b));
	if ((b = get(schema, "maxItems")) && (int64_t) n > json_object_get_int64(b))
		return vfail(v, "more than %lld items", (long long) json_object_get_int64(b));
	for (size_t i = 0; items && i < n; i++)
	{
		bool		ok;

		snprintf(v->path + plen, sizeof(v->path) - plen, "[%zu]", i);
		ok = validate(v, items, json_object_array_get_idx(inst, i));
		v->path[plen] = '\0';
		if (!ok)
			return false;
	}
	return true;
}

static bool
check_any_of(Valid *v, json_object *list, json_object *inst)
{
	char		first[512] = "";

	for (size_t i = 0; i < json_object_array_length(list); i++)
	{
		if (validate(v, json_object_array_get_idx(list, i), inst))
			return true;
		if (i == 0)
			strlcopy(first, v->msg, sizeof(first));
	}
	snprintf(v->msg, v->len, "no anyOf branch matches (first: %s)", first);
	return false;
}

static bool
validate(Valid *v, json_object *schema, json_object *inst)
{
	json_object *ref = get(schema, "$ref");
	json_object *any = get(schema, "anyOf");
	bool		ok;

	if (schema == NULL || json_object_is_type(schema, json_type_boolean))
		return schema == NULL || json_object_get_boolean(schema) ||
			vfail(v, "schema false admits nothing");
	if (++v->depth > 200)
		return vfail(v, "schema recursion too deep");
	if (ref)
	{
		json_object *target = schema_resolve(v->root, json_object_get_string(ref));

		ok = target ? validate(v, target, inst) : vfail(v, "unresolvable $ref");
		v->depth--;
		return ok;
	}
	ok = check_instance_type(v, schema, inst) && check_enum_const(v, schema, inst) &&
		(any == NULL || check_any_of(v, any, inst));
	if (ok && json_object_is_type(inst, json_type_object))
		ok = check_object(v, schema, inst);
	else if (ok && json_object_is_type(inst, json_type_array))
		ok = check_array(v, schema, inst);
	else if (ok && json_object_is_type(inst, json_type_string))
		ok = check_string(v, schema, inst);
	else if (ok && (json_object_is_type(inst, json_type_int) ||
					json_object_is_type(inst, json_type_double)))
		ok = check_number(v, schema, inst);
	v->depth--;
	return ok;
}

bool
schema_validate(json_object *schema, json_object *instance, char *msg, size_t len)
{
	Valid		v = {.root = schema,.msg = msg,.len = len};

	return validate(&v, schema, instance);
}
