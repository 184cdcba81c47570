/*-------------------------------------------------------------------------
 *
 * gen.c
 *	  Builds the smallest instance a schema admits: every required
 *	  property, minItems array elements, the first enum value, numbers at
 *	  the lower bound, strings that fit their format.  Past a recursion
 *	  depth it prefers null, empty arrays and the shortest anyOf branch, so
 *	  recursive schemas end.
 *
 *-------------------------------------------------------------------------
 */
#include "gen.h"

#include <math.h>
#include <string.h>

#include "schema.h"
#include "util.h"

#define DEEP 8

static json_object *gen(json_object *root, json_object *schema, int depth);

static json_object *
get(json_object *o, const char *name)
{
	json_object *v = NULL;

	if (json_object_is_type(o, json_type_object))
		json_object_object_get_ex(o, name, &v);
	return v;
}

/* a string that fits the schema's format (and minLength) */
static json_object *
gen_string(json_object *schema)
{
	static const char *const fmts[][2] = {
		{"date", "2024-12-31"}, {"date-time", "2024-12-31T00:00:00Z"},
		{"time", "00:00:00"}, {"duration", "P1D"},
		{"email", "user@example.com"}, {"hostname", "example.com"},
		{"ipv4", "127.0.0.1"}, {"ipv6", "::1"},
		{"uuid", "00000000-0000-4000-8000-000000000000"}
	};
	json_object *f = get(schema, "format");
	json_object *ml = get(schema, "minLength");
	char		buf[256];
	int			n;

	if (f)
		for (int i = 0; i < (int) lengthof(fmts); i++)
			if (strcmp(json_object_get_string(f), fmts[i][0]) == 0)
				return json_object_new_string(fmts[i][1]);
	n = ml ? (int) json_object_get_int64(ml) : 0;
	if (n < 0)
		n = 0;
	if (n > (int) sizeof(buf) - 1)
		n = sizeof(buf) - 1;
	memset(buf, 'a', n);
	buf[n] = '\0';
	return json_object_new_string(buf);
}

/* 0, or the nearest value inside the bounds */
static json_object *
gen_number(json_object *schema, bool integer)
{
	double		v = 0;
	json_object *b;

	if ((b = get(schema, "minimum")) && v < json_object_get_double(b))
		v = json_object_get_double(b);
	if ((b = get(schema, "exclusiveMinimum")) && v <= json_object_get_double(b))
		v = json_object_get_double(b) + (integer ? 1 : 0.5);
	if ((b = get(schema, "maximum")) && v > json_object_get_double(b))
		v = json_object_get_double(b);
	if ((b = get(schema, "exclusiveMaximum")) && v >= json_object_get_double(b))
		v = json_object_get_double(b) - (integer ? 1 : 0.5);
	if (integer)
		return json_object_new_int64((int64_t) ceil(v));
	if (v == floor(v) && fabs(v) < 1e15)
		return json_object_new_int64((int64_t) v);
	return json_object_new_double(v);
}

static json_object *
gen_object(json_object *root, json_object *schema, int depth)
{
	json_object *obj = json_object_new_object();
	json_object *props = get(schema, "properties");
	json_object *req = get(schema, "required");

	if (props == NULL)
		return obj;
	json_object_object_foreach(props, name, sub)
	{
		bool		required = false;

		for (size_t i = 0; req && i < json_object_array_length(req); i++)
			if (!strcmp(json_object_get_string(json_object_array_get_idx(req, i)), name))
				required = true;
		if (required)
			json_object_object_add(obj, name, gen(root, sub, depth + 1));
	}
	return obj;
}

static json_object *
gen_array(json_object *root, json_object *schema, int depth)
{
	json_object *arr = json_object_new_array();
	json_object *mi = get(schema, "minItems");
	int64_t		n = mi ? json_object_get_int64(mi) : 0;

	for (int64_t i = 0; i < n && i < 1000; i++)
		json_object_array_add(arr, gen(root, get(schema, "items"), depth + 1));
	return arr;
}

/* the type to build: the first listed, or null when deep and allowed */
static const char *
pick_type(json_object *schema, int depth)
{
	json_object *t = get(schema, "type");

	if (t == NULL)
		return NULL;
	if (json_object_is_type(t, json_type_string))
		return json_object_get_string(t);
	if (depth > DEEP && schema_has_type(schema, "null"))
		return "null";
	if (json_object_array_length(t) > 0)
		return json_object_get_string(json_object_array_get_idx(t, 0));
	return NULL;
}

/* an anyOf branch: the first, or a null one when deep */
static json_object *
pick_branch(json_object *list, int depth)
{
	if (depth > DEEP)
		for (size_t i = 0; i < json_object_array_length(list); i++)
			if (schema_has_type(json_object_array_get_idx(list, i), "null"))
				return json_object_array_get_idx(list, i);
	return json_object_array_get_idx(list, 0);
}

static json_object *
gen(json_object *root, json_object *schema, int depth)
{
	json_object *v;
	const char *t;

	if (schema == NULL || depth > 64)
		return NULL;
	if ((v = get(schema, "$ref")) != NULL)
		return gen(root, schema_resolve(root, json_object_get_string(v)), depth);
	if ((v = get(schema, "const")) != NULL)
		return json_object_get(v);
	if ((v = get(schema, "enum")) != NULL && json_object_array_length(v) > 0)
		return json_object_get(json_object_array_get_idx(v, 0));
	if ((v = get(schema, "anyOf")) != NULL && json_object_array_length(v) > 0)
		return gen(root, pick_branch(v, depth), depth);
	t = pick_type(schema, depth);
	if (t == NULL || strcmp(t, "null") == 0)
		return NULL;
	if (strcmp(t, "object") == 0)
		return gen_object(root, schema, depth);
	if (strcmp(t, "array") == 0)
		return gen_array(root, schema, depth);
	if (strcmp(t, "string") == 0)
		return gen_string(schema);
	if (strcmp(t, "boolean") == 0)
		return json_object_new_boolean(0);
	return gen_number(schema, strcmp(t, "integer") == 0);
}

/* the smallest instance of schema (a new reference) */
json_object *
gen_minimal(json_object *schema)
{
	return gen(schema, schema, 0);
}

/*
 * Break an instance of a strict schema: an extra property at the root
 * (every strict object forbids additional properties).
 */
void
gen_violate(json_object *instance)
{
	if (json_object_is_type(instance, json_type_object))
		json_object_object_add(instance, "unexpected_field",
							   json_object_new_string("schema violation injected by the mock"));
}
