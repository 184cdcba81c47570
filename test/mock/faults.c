/*-------------------------------------------------------------------------
 *
 * faults.c
 *	  Owns the fault table (probability or call window per endpoint and
 *	  kind), the per-endpoint call counters and the injected-fault counts.
 *
 * Configuration, as JSON ({"chat": {"503": 0.1, "reset": {"nth": 2}},
 * "submit": {"job_error": 1}}) or on the command line
 * (--fault chat:503=0.1, --fault chat:reset=nth:2, --fault chat:429=nth:1x3).
 * A probability of 0 removes the fault.  The pseudo-kind "no_retry" is the
 * probability that an error answer carries x-should-retry: false.
 *
 *-------------------------------------------------------------------------
 */
#include "faults.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rng.h"
#include "util.h"

typedef struct FaultRule
{
	double		p;				/* probability per call, 0 = off */
	long		nth;			/* > 0: fire on calls nth .. nth+count-1 */
	long		count;
	long		base;			/* call counter when configured */
} FaultRule;

typedef struct FaultTable
{
	FaultRule	rules[NUM_ENDPOINTS][NUM_FAULTS];
	double		no_retry[NUM_ENDPOINTS];
} FaultTable;

static const char *const endpoint_names[NUM_ENDPOINTS] = {
	"submit", "status", "retrieve", "detail", "usage", "highlights",
	"callback", "chat", "messages"
};

static const char *const fault_names[NUM_FAULTS] = {
	"none", "500", "503", "408", "409", "429", "529", "reset", "hang", "truncate",
	"wrong_content_type", "job_error", "job_failed", "job_unknown", "length",
	"content_filter", "refusal", "bad_content", "echo_headers"
};

static FaultTable table;
static FaultTable startup_table;
static long calls[NUM_ENDPOINTS];
static long injected[NUM_FAULTS];

const char *
endpoint_name(Endpoint ep)
{
	return endpoint_names[ep];
}

const char *
fault_name(Fault f)
{
	return fault_names[f];
}

/* faults answered with a plain HTTP error status */
bool
fault_is_status(Fault f)
{
	return f >= F_500 && f <= F_529;
}

int
fault_status(Fault f)
{
	return atoi(fault_names[f]);
}

/* may this kind of fault be configured on this endpoint? */
static bool
fault_applies(Endpoint ep, Fault f)
{
	if (f >= F_JOB_ERROR && f <= F_JOB_UNKNOWN)
		return ep == EP_SUBMIT;
	if (f == F_529)
		return ep == EP_MESSAGES;
	if (f >= F_LENGTH && f <= F_BAD_CONTENT)
		return ep == EP_CHAT || ep == EP_MESSAGES;
	return f != F_NONE;
}

static bool
rule_fires(const FaultRule *r, long n)
{
	if (r->nth > 0)
	{
		long		k = n - r->base;

		return k >= r->nth && k < r->nth + r->count;
	}
	return r->p > 0 && (r->p >= 1 || rng_uniform() < r->p);
}

/* count one call to ep and choose its fault */
Fault
faults_pick(Endpoint ep)
{
	long		n = ++calls[ep];

	for (int f = 1; f < NUM_FAULTS; f++)
	{
		if (rule_fires(&table.rules[ep][f], n))
		{
			injected[f]++;
			return (Fault) f;
		}
	}
	return F_NONE;
}

/* should this error answer say x-should-retry: false? */
bool
faults_no_retry(Endpoint ep)
{
	double		p = table.no_retry[ep];

	return p > 0 && (p >= 1 || rng_uniform() < p);
}

void
faults_reset_counters(void)
{
	memset(calls, 0, sizeof(calls));
	memset(injected, 0, sizeof(injected));
	for (int e = 0; e < NUM_ENDPOINTS; e++)
		for (int f = 0; f < NUM_FAULTS; f++)
			table.rules[e][f].base = 0;
}

void
faults_clear(void)
{
	memset(&table, 0, sizeof(table));
}

void
faults_snapshot(void)
{
	startup_table = table;
}

void
faults_restore(void)
{
	table = startup_table;
	for (int e = 0; e < NUM_ENDPOINTS; e++)
		for (int f = 0; f < NUM_FAULTS; f++)
			table.rules[e][f].base = calls[e];
}

long
faults_injected(Fault f)
{
	return injected[f];
}

static int
find_name(const char *const *names, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return i;
	return -1;
}

/* resolve "endpoint" and "kind"; kind -1 means no_retry */
static bool
resolve(const char *epname, const char *kind, int *ep, int *f,
		char *err, size_t errlen)
{
	*ep = find_name(endpoint_names, NUM_ENDPOINTS, epname);
	if (*ep < 0)
	{
		snprintf(err, errlen, "unknown fault endpoint \"%s\"", epname);
		return false;
	}
	if (strcmp(kind, "no_retry") == 0)
	{
		*f = -1;
		return true;
	}
	*f = find_name(fault_names, NUM_FAULTS, kind);
	if (*f < 0 || !fault_applies(*ep, *f))
	{
		snprintf(err, errlen, "fault \"%s\" does not exist for endpoint \"%s\"",
				 kind, epname);
		return false;
	}
	return true;
}

/* store one rule into t */
static void
set_rule(FaultTable *t, int ep, int f, double p, long nth, long count)
{
	FaultRule  *r;

	if (f < 0)
	{
		t->no_retry[ep] = p;
		return;
	}
	r = &t->rules[ep][f];
	r->p = p;
	r->nth = nth;
	r->count = count > 0 ? count : 1;
	r->base = calls[ep];
}

/* --fault ENDPOINT:KIND=P | ENDPOINT:KIND=nth:N[xCOUNT] */
bool
faults_set_cli(const char *spec, char *err, size_t errlen)
{
	char		buf[128];
	char	   *colon, *eq;
	int			ep, f;
	double		p = 0;
	long		nth = 0, count = 1;

	strlcopy(buf, spec, sizeof(buf));
	colon = strchr(buf, ':');
	eq = colon ? strchr(colon, '=') : NULL;
	if (colon == NULL || eq == NULL)
	{
		snprintf(err, errlen, "fault spec must be ENDPOINT:KIND=VALUE: %s", spec);
		return false;
	}
	*colon = *eq = '\0';
	if (!resolve(buf, colon + 1, &ep, &f, err, errlen))
		return false;
	if (strncmp(eq + 1, "nth:", 4) == 0)
	{
		if (sscanf(eq + 5, "%ldx%ld", &nth, &count) < 1 || nth < 1 || count < 1)
			goto bad;
	}
	else if (!parse_double(eq + 1, &p) || p < 0 || p > 1)
		goto bad;
	set_rule(&table, ep, f, p, nth, count);
	return true;
bad:
	snprintf(err, errlen, "bad fault value in \"%s\"", spec);
	return false;
}

/* one JSON rule value: a probability or {"nth": N, "count": C} */
static bool
rule_from_json(json_object *v, double *p, long *nth, long *count)
{
	json_object *n, *c;

	*p = 0, *nth = 0, *count = 1;
	if (json_object_is_type(v, json_type_int) ||
		json_object_is_type(v, json_type_double))
	{
		*p = json_object_get_double(v);
		return *p >= 0 && *p <= 1;
	}
	if (json_object_is_type(v, json_type_boolean))
	{
		*p = json_object_get_boolean(v) ? 1 : 0;
		return true;
	}
	if (!json_object_is_type(v, json_type_object) ||
		!json_object_object_get_ex(v, "nth", &n))
		return false;
	*nth = json_object_get_int64(n);
	if (json_object_object_get_ex(v, "count", &c))
		*count = json_object_get_int64(c);
	return *nth >= 1 && *count >= 1;
}

/*
 * {"chat": {"503": 0.1}, ...}; {"clear": true} first removes all faults.
 * With dry_run nothing is changed, only checked.
 */
bool
faults_apply_json(json_object *obj, bool dry_run, char *err, size_t errlen)
{
	FaultTable	t = table;
	json_object *clear;

	if (!json_object_is_type(obj, json_type_object))
	{
		snprintf(err, errlen, "\"faults\" must be an object");
		return false;
	}
	if (json_object_object_get_ex(obj, "clear", &clear) &&
		json_object_get_boolean(clear))
		memset(&t, 0, sizeof(t));
	json_object_object_foreach(obj, epname, kinds)
	{
		if (strcmp(epname, "clear") == 0)
			continue;
		if (!json_object_is_type(kinds, json_type_object))
		{
			snprintf(err, errlen, "faults.%s must be an object", epname);
			return false;
		}
		json_object_object_foreach(kinds, kind, v)
		{
			int			ep, f;
			double		p;
			long		nth, count;

			if (!resolve(epname, kind, &ep, &f, err, errlen))
				return false;
			if (!rule_from_json(v, &p, &nth, &count))
			{
				snprintf(err, errlen, "bad value for faults.%s.%s", epname, kind);
				return false;
			}
			set_rule(&t, ep, f, p, nth, count);
		}
	}
	if (!dry_run)
		table = t;
	return true;
}

/* the configured faults, in the same shape as the config */
json_object *
faults_to_json(void)
{
	json_object *obj = json_object_new_object();

	for (int e = 0; e < NUM_ENDPOINTS; e++)
	{
		json_object *kinds = json_object_new_object();

		for (int f = 1; f < NUM_FAULTS; f++)
		{
			const FaultRule *r = &table.rules[e][f];

			if (r->nth > 0)
			{
				json_object *w = json_object_new_object();

				json_object_object_add(w, "nth", json_object_new_int64(r->nth));
				json_object_object_add(w, "count", json_object_new_int64(r->count));
				json_object_object_add(kinds, fault_names[f], w);
			}
			else if (r->p > 0)
				json_object_object_add(kinds, fault_names[f],
									   json_object_new_double(r->p));
		}
		if (table.no_retry[e] > 0)
			json_object_object_add(kinds, "no_retry",
								   json_object_new_double(table.no_retry[e]));
		if (json_object_object_length(kinds) > 0)
			json_object_object_add(obj, endpoint_names[e], kinds);
		else
			json_object_put(kinds);
	}
	return obj;
}
