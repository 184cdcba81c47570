/*-------------------------------------------------------------------------
 *
 * knobs.c
 *	  Owns the knob table, the global knob values, per-key overrides, the
 *	  startup snapshot that /__admin/reset?config=1 restores, and the lists
 *	  of accepted API keys.
 *
 *-------------------------------------------------------------------------
 */
#include "knobs.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "faults.h"
#include "rng.h"
#include "util.h"

typedef enum KnobType
{
	K_DOUBLE,
	K_INT,
	K_BOOL,
	K_OVER						/* OverCapacity: "queue" or "reject" */
} KnobType;

typedef struct KnobDef
{
	const char *name;
	KnobType	type;
	size_t		offset;
	double		min;
	double		max;
	const char *help;
} KnobDef;

#define KD(name, type, min, max, help) \
	{#name, type, offsetof(Knobs, name), min, max, help}

static const KnobDef knob_defs[] = {
	KD(time_scale, K_DOUBLE, 0, 1e6, "multiplies every latency, Retry-After and rate window"),
	KD(whisper_capacity, K_INT, 0, 1e6, "whisper jobs processing at once per key (0 = no limit)"),
	KD(whisper_over_capacity, K_OVER, 0, 1, "queue | reject (429 at submit)"),
	KD(whisper_retry_after, K_DOUBLE, 0, 1e6, "retry-after seconds on whisper capacity 429s"),
	KD(whisper_page_seconds, K_DOUBLE, 0, 1e6, "processing seconds per page"),
	KD(whisper_page_jitter, K_DOUBLE, 0, 1e6, "+ U(0, x) seconds per page"),
	KD(whisper_submit_seconds, K_DOUBLE, 0, 1e6, "latency of POST /whisper"),
	KD(whisper_status_seconds, K_DOUBLE, 0, 1e6, "latency of whisper-status (and detail, usage)"),
	KD(whisper_retrieve_seconds, K_DOUBLE, 0, 1e6, "latency of whisper-retrieve"),
	KD(whisper_latency_jitter, K_DOUBLE, 0, 1e6, "+ U(0, x) seconds on submit/status/retrieve"),
	KD(whisper_daily_quota, K_INT, 0, 1e9, "pages per scaled day per key (0 = unlimited)"),
	KD(whisper_quota_status, K_INT, 400, 599, "status code once the daily quota is used up"),
	KD(whisper_url_input, K_BOOL, 0, 1, "accept url= / url_in_post=true (else 400)"),
	KD(chat_capacity, K_INT, 0, 1e6, "chat requests processing at once per key (0 = no limit)"),
	KD(chat_over_capacity, K_OVER, 0, 1, "queue | reject (429 with retry-after)"),
	KD(chat_retry_after, K_DOUBLE, 0, 1e6, "retry-after seconds on chat capacity 429s"),
	KD(chat_seconds, K_DOUBLE, 0, 1e6, "processing seconds per chat call"),
	KD(chat_seconds_per_1k_tokens, K_DOUBLE, 0, 1e6, "+ seconds per 1,000 tokens (prompt + completion)"),
	KD(chat_jitter, K_DOUBLE, 0, 1e6, "+ U(0, x) seconds per chat call"),
	KD(chat_tail_p, K_DOUBLE, 0, 1, "probability of a slow chat call"),
	KD(chat_tail_seconds, K_DOUBLE, 0, 1e6, "+ seconds for a slow chat call"),
	KD(chat_rpm, K_INT, 0, 1e9, "requests per minute per key (0 = unlimited)"),
	KD(chat_tpm, K_INT, 0, 1e9, "tokens per minute per key (0 = unlimited)"),
	KD(chat_ratelimit_headers, K_BOOL, 0, 1, "send x-ratelimit-* headers"),
	KD(chat_insufficient_quota, K_BOOL, 0, 1, "answer every chat call 429 insufficient_quota"),
	KD(chat_odd_fields, K_BOOL, 0, 1, "answer end_date \"31/12/2023\" and currency \"dollars\" (pattern violations)"),
	KD(chat_odd_concepts, K_BOOL, 0, 1, "per statement, give the first concept to two rows and answer \"not_a_concept\" for the last"),
	KD(compat_vllm_errors, K_BOOL, 0, 1, "chat errors as old vLLM's {\"object\":\"error\",...}"),
	KD(compat_llamacpp_errors, K_BOOL, 0, 1, "chat errors as llama-server's {\"error\":{\"code\":N,...}}"),
};

#define NKNOBS ((int) lengthof(knob_defs))
#define MAX_OVERRIDES 256
#define MAX_KEYS 256

typedef struct KeyOverride
{
	char	   *key;
	Knobs		values;
	bool		set[NKNOBS];
} KeyOverride;

Knobs		knobs;
static Knobs startup_knobs;
static KeyOverride overrides[MAX_OVERRIDES];
static int	noverrides;
static char *key_lists[2][MAX_KEYS];
static int	nkeys[2];
static int	startup_nkeys[2];

/* defaults: a slow-ish but healthy service */
void
knobs_init(void)
{
	memset(&knobs, 0, sizeof(knobs));
	knobs.time_scale = 1.0;
	knobs.whisper_retry_after = 1.0;
	knobs.whisper_page_seconds = 1.0;
	knobs.whisper_quota_status = 402;
	knobs.chat_retry_after = 1.0;
	knobs.chat_seconds = 1.0;
	knobs.chat_ratelimit_headers = true;
	startup_knobs = knobs;
}

/* remember the command-line configuration */
void
knobs_snapshot(void)
{
	startup_knobs = knobs;
	startup_nkeys[0] = nkeys[0];
	startup_nkeys[1] = nkeys[1];
}

/* go back to the command-line configuration */
void
knobs_restore(void)
{
	knobs = startup_knobs;
	for (int i = 0; i < noverrides; i++)
		free(overrides[i].key);
	noverrides = 0;
	for (int a = 0; a < 2; a++)
	{
		for (int i = startup_nkeys[a]; i < nkeys[a]; i++)
			free(key_lists[a][i]);
		nkeys[a] = startup_nkeys[a];
	}
}

int
knobs_find(const char *name)
{
	for (int i = 0; i < NKNOBS; i++)
		if (strcmp(knob_defs[i].name, name) == 0)
			return i;
	return -1;
}

/* parse value for knob i into k */
static bool
knob_parse(Knobs *k, int i, const char *value, char *err, size_t errlen)
{
	const KnobDef *d = &knob_defs[i];
	char	   *field = (char *) k + d->offset;
	double		v;
	int			iv;
	bool		bv;

	switch (d->type)
	{
		case K_DOUBLE:
			if (!parse_double(value, &v) || v < d->min || v > d->max)
				goto bad;
			*(double *) field = v;
			return true;
		case K_INT:
			if (!parse_double(value, &v) || v != (int) v ||
				v < d->min || v > d->max)
				goto bad;
			iv = (int) v;
			*(int *) field = iv;
			return true;
		case K_BOOL:
			if (!parse_bool(value, &bv))
				goto bad;
			*(bool *) field = bv;
			return true;
		case K_OVER:
			if (strcmp(value, "queue") == 0)
				*(int *) field = OVER_QUEUE;
			else if (strcmp(value, "reject") == 0 || strcmp(value, "429") == 0)
				*(int *) field = OVER_REJECT;
			else
				goto bad;
			return true;
	}
bad:
	snprintf(err, errlen, "invalid value \"%s\" for knob %s", value, d->name);
	return false;
}

/* set a global knob by name (command line) */
bool
knobs_set(const char *name, const char *value, char *err, size_t errlen)
{
	int			i = knobs_find(name);

	if (i < 0)
	{
		snprintf(err, errlen, "unknown knob \"%s\"", name);
		return false;
	}
	return knob_parse(&knobs, i, value, err, errlen);
}

static KeyOverride *
override_get(const char *key, bool create)
{
	for (int i = 0; i < noverrides; i++)
		if (strcmp(overrides[i].key, key) == 0)
			return &overrides[i];
	if (!create || noverrides == MAX_OVERRIDES)
		return NULL;
	memset(&overrides[noverrides], 0, sizeof(KeyOverride));
	overrides[noverrides].key = xstrdup(key);
	return &overrides[noverrides++];
}

/* the knobs in force for one API key: globals plus that key's overrides */
void
knobs_for_key(const char *key, Knobs *out)
{
	KeyOverride *o = key ? override_get(key, false) : NULL;

	*out = knobs;
	if (o == NULL)
		return;
	for (int i = 0; i < NKNOBS; i++)
	{
		const KnobDef *d = &knob_defs[i];
		size_t		size = d->type == K_DOUBLE ? sizeof(double) :
			d->type == K_BOOL ? sizeof(bool) : sizeof(int);

		if (o->set[i])
			memcpy((char *) out + d->offset, (char *) &o->values + d->offset, size);
	}
}

/* seconds of simulated time as real seconds */
double
knobs_scaled(const Knobs *k, double seconds)
{
	return seconds * k->time_scale;
}

/* a JSON scalar as the text the command line would give */
static void
json_scalar_text(json_object *v, char *buf, size_t len)
{
	switch (json_object_get_type(v))
	{
		case json_type_string:
			strlcopy(buf, json_object_get_string(v), len);
			break;
		case json_type_boolean:
			strlcopy(buf, json_object_get_boolean(v) ? "true" : "false", len);
			break;
		case json_type_int:
			snprintf(buf, len, "%lld", (long long) json_object_get_int64(v));
			break;
		case json_type_double:
			snprintf(buf, len, "%.17g", json_object_get_double(v));
			break;
		default:
			strlcopy(buf, "(not a scalar)", len);
	}
}

/* replace one key list from a JSON array of strings */
static bool
keys_from_json(KeyApi api, json_object *arr, char *err, size_t errlen)
{
	size_t		n;

	if (!json_object_is_type(arr, json_type_array))
	{
		snprintf(err, errlen, "key lists must be arrays of strings");
		return false;
	}
	n = json_object_array_length(arr);
	for (size_t i = 0; i < n; i++)
		if (!json_object_is_type(json_object_array_get_idx(arr, i), json_type_string))
		{
			snprintf(err, errlen, "key lists must be arrays of strings");
			return false;
		}
	for (int i = 0; i < nkeys[api]; i++)
		free(key_lists[api][i]);
	nkeys[api] = 0;
	for (size_t i = 0; i < n; i++)
		keys_add(api, json_object_get_string(json_object_array_get_idx(arr, i)));
	return true;
}

/* apply the knob members of obj to k, marking them in set (may be NULL) */
static bool
knobs_parse_members(json_object *obj, Knobs *k, bool *set,
					char *err, size_t errlen)
{
	json_object_object_foreach(obj, name, val)
	{
		char		text[128];
		int			i;

		if (!strcmp(name, "key") || !strcmp(name, "faults") ||
			!strcmp(name, "seed") || !strcmp(name, "whisper_keys") ||
			!strcmp(name, "llm_keys"))
			continue;
		if ((i = knobs_find(name)) < 0)
		{
			snprintf(err, errlen, "unknown knob \"%s\"", name);
			return false;
		}
		json_scalar_text(val, text, sizeof(text));
		if (!knob_parse(k, i, text, err, errlen))
			return false;
		if (set)
			set[i] = true;
	}
	return true;
}

/*
 * POST /__admin/config: knobs (globally, or for "key"), "faults", "seed",
 * "whisper_keys", "llm_keys".  Nothing changes unless everything parses.
 */
bool
knobs_apply_json(json_object *obj, char *err, size_t errlen)
{
	json_object *keyv = NULL, *faultsv = NULL, *seedv = NULL, *v;
	Knobs		k;
	bool		set[NKNOBS] = {false};
	KeyOverride *o;

	if (!json_object_is_type(obj, json_type_object))
	{
		snprintf(err, errlen, "config must be a JSON object");
		return false;
	}
	json_object_object_get_ex(obj, "key", &keyv);
	json_object_object_get_ex(obj, "faults", &faultsv);
	json_object_object_get_ex(obj, "seed", &seedv);
	if (keyv && !json_object_is_type(keyv, json_type_string))
	{
		snprintf(err, errlen, "\"key\" must be a string");
		return false;
	}
	o = keyv ? override_get(json_object_get_string(keyv), false) : NULL;
	k = o ? o->values : knobs;
	if (!knobs_parse_members(obj, &k, set, err, errlen))
		return false;
	if (faultsv && !faults_apply_json(faultsv, true, err, errlen))
		return false;
	if (seedv && !json_object_is_type(seedv, json_type_int))
	{
		snprintf(err, errlen, "\"seed\" must be an integer");
		return false;
	}
	if (json_object_object_get_ex(obj, "whisper_keys", &v) &&
		!keys_from_json(KEYS_WHISPER, v, err, errlen))
		return false;
	if (json_object_object_get_ex(obj, "llm_keys", &v) &&
		!keys_from_json(KEYS_LLM, v, err, errlen))
		return false;

	if (keyv == NULL)
		knobs = k;
	else if ((o = override_get(json_object_get_string(keyv), true)) != NULL)
	{
		o->values = k;
		for (int i = 0; i < NKNOBS; i++)
			o->set[i] |= set[i];
	}
	if (faultsv)
		faults_apply_json(faultsv, false, err, errlen);
	if (seedv)
		rng_seed((uint64_t) json_object_get_int64(seedv));
	return true;
}

/* one knob's value as JSON */
static json_object *
knob_to_json(const Knobs *k, int i)
{
	const KnobDef *d = &knob_defs[i];
	const char *field = (const char *) k + d->offset;

	switch (d->type)
	{
		case K_DOUBLE:
			return json_object_new_double(*(const double *) field);
		case K_INT:
			return json_object_new_int(*(const int *) field);
		case K_BOOL:
			return json_object_new_boolean(*(const bool *) field);
		case K_OVER:
			return json_object_new_string(*(const int *) field == OVER_REJECT ?
										  "reject" : "queue");
	}
	return NULL;
}

static json_object *
keys_to_json(KeyApi api)
{
	json_object *arr = json_object_new_array();

	for (int i = 0; i < nkeys[api]; i++)
		json_object_array_add(arr, json_object_new_string(key_lists[api][i]));
	return arr;
}

/* the whole configuration, as GET /__admin/config shows it */
json_object *
knobs_to_json(void)
{
	json_object *obj = json_object_new_object();
	json_object *ovs = json_object_new_object();

	for (int i = 0; i < NKNOBS; i++)
		json_object_object_add(obj, knob_defs[i].name, knob_to_json(&knobs, i));
	json_object_object_add(obj, "seed",
						   json_object_new_int64((int64_t) rng_seed_value()));
	json_object_object_add(obj, "whisper_keys", keys_to_json(KEYS_WHISPER));
	json_object_object_add(obj, "llm_keys", keys_to_json(KEYS_LLM));
	json_object_object_add(obj, "faults", faults_to_json());
	for (int j = 0; j < noverrides; j++)
	{
		json_object *one = json_object_new_object();

		for (int i = 0; i < NKNOBS; i++)
			if (overrides[j].set[i])
				json_object_object_add(one, knob_defs[i].name,
									   knob_to_json(&overrides[j].values, i));
		json_object_object_add(ovs, overrides[j].key, one);
	}
	json_object_object_add(obj, "key_overrides", ovs);
	return obj;
}

/* the knob table for --help */
void
knobs_print_help(FILE *out)
{
	for (int i = 0; i < NKNOBS; i++)
	{
		char		opt[64];

		snprintf(opt, sizeof(opt), "--%s", knob_defs[i].name);
		for (char *p = opt + 2; *p; p++)
			if (*p == '_')
				*p = '-';
		json_object *def = knob_to_json(&knobs, i);

		fprintf(out, "  %-30s %s (default %s)\n", opt, knob_defs[i].help,
				json_object_to_json_string(def));
		json_object_put(def);
	}
}

void
keys_add(KeyApi api, const char *key)
{
	if (nkeys[api] < MAX_KEYS)
		key_lists[api][nkeys[api]++] = xstrdup(key);
}

/* a key is good if it is listed, or if no keys are configured and it is set */
bool
keys_allowed(KeyApi api, const char *key)
{
	if (key == NULL || key[0] == '\0')
		return false;
	if (nkeys[api] == 0)
		return true;
	for (int i = 0; i < nkeys[api]; i++)
		if (strcmp(key_lists[api][i], key) == 0)
			return true;
	return false;
}
