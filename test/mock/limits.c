/*-------------------------------------------------------------------------
 *
 * limits.c
 *	  Owns the KeyState table and the token-bucket arithmetic.
 *
 * Buckets hold chat_rpm requests and chat_tpm tokens and refill linearly
 * over one minute of simulated time (60 * time_scale real seconds), so a
 * small time scale speeds up the rate windows as it does every latency.
 *
 *-------------------------------------------------------------------------
 */
#include "limits.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define MAX_KEYSTATES 4096

static KeyState *states[MAX_KEYSTATES];
static int	nstates;
static KeyState overflow_state; /* shared by keys past the table's end */

/* the state of one key, created on first use */
KeyState *
keystate_get(const char *key)
{
	KeyState   *ks;

	for (int i = 0; i < nstates; i++)
		if (strcmp(states[i]->key, key) == 0)
			return states[i];
	if (nstates == MAX_KEYSTATES)
	{
		if (overflow_state.key == NULL)
			overflow_state.key = xstrdup("(other)");
		return &overflow_state;
	}
	ks = xcalloc(1, sizeof(KeyState));
	ks->key = xstrdup(key);
	ks->day_start = now_mono();
	states[nstates++] = ks;
	return ks;
}

/* refill both buckets up to now */
static void
refill(KeyState *ks, const Knobs *k, double now)
{
	double		window = 60.0 * k->time_scale;
	double		dt = now - ks->bucket_time;

	if (!ks->bucket_init || ks->bucket_rpm != k->chat_rpm ||
		ks->bucket_tpm != k->chat_tpm)
	{
		/* first use, or the limits changed: start full */
		ks->bucket_rpm = k->chat_rpm;
		ks->bucket_tpm = k->chat_tpm;
		ks->rpm_level = k->chat_rpm;
		ks->tpm_level = k->chat_tpm;
		ks->bucket_init = true;
	}
	else if (window <= 0)
	{
		ks->rpm_level = k->chat_rpm;
		ks->tpm_level = k->chat_tpm;
	}
	else
	{
		ks->rpm_level += dt * k->chat_rpm / window;
		ks->tpm_level += dt * k->chat_tpm / window;
	}
	ks->rpm_level = fmin(ks->rpm_level, k->chat_rpm);
	ks->tpm_level = fmin(ks->tpm_level, k->chat_tpm);
	ks->bucket_time = now;
}

/* seconds until a bucket at level holds need of limit */
static double
time_to(double level, double need, int limit, double window)
{
	if (level >= need || limit <= 0)
		return 0;
	return (need - level) * window / limit;
}

/* fill info from the bucket levels */
static void
fill_info(KeyState *ks, const Knobs *k, RateInfo *info)
{
	double		window = 60.0 * k->time_scale;

	info->limit_requests = k->chat_rpm > 0 ? k->chat_rpm : 10000;
	info->limit_tokens = k->chat_tpm > 0 ? k->chat_tpm : 30000000;
	info->remaining_requests = k->chat_rpm > 0 ?
		(int) floor(ks->rpm_level) : info->limit_requests;
	info->remaining_tokens = k->chat_tpm > 0 ?
		(int) floor(ks->tpm_level) : info->limit_tokens;
	info->reset_requests = time_to(ks->rpm_level, k->chat_rpm, k->chat_rpm, window);
	info->reset_tokens = time_to(ks->tpm_level, k->chat_tpm, k->chat_tpm, window);
}

/*
 * Take one request and tokens from the key's buckets.  False (and
 * info->limited) when either bucket cannot pay; nothing is taken then.
 */
bool
ratelimit_take(KeyState *ks, const Knobs *k, int tokens, RateInfo *info)
{
	double		window = 60.0 * k->time_scale;
	bool		rpm_ok, tpm_ok;

	memset(info, 0, sizeof(*info));
	refill(ks, k, now_mono());
	rpm_ok = k->chat_rpm <= 0 || ks->rpm_level >= 1.0;
	tpm_ok = k->chat_tpm <= 0 || ks->tpm_level >= fmin(tokens, k->chat_tpm);
	if (rpm_ok && tpm_ok)
	{
		if (k->chat_rpm > 0)
			ks->rpm_level -= 1.0;
		if (k->chat_tpm > 0)
			ks->tpm_level -= tokens;
		fill_info(ks, k, info);
		return true;
	}
	fill_info(ks, k, info);
	info->limited = true;
	info->by_tokens = rpm_ok;
	info->retry_after = fmax(time_to(ks->rpm_level, 1.0, k->chat_rpm, window),
							 time_to(ks->tpm_level, fmin(tokens, k->chat_tpm),
									 k->chat_tpm, window));
	return false;
}

/* current levels without taking anything */
void
ratelimit_peek(KeyState *ks, const Knobs *k, RateInfo *info)
{
	memset(info, 0, sizeof(*info));
	refill(ks, k, now_mono());
	fill_info(ks, k, info);
}

/* forget counters and buckets; queues and slots in use stay */
void
limits_reset(void)
{
	for (int i = 0; i < nstates; i++)
	{
		KeyState   *ks = states[i];

		ks->bucket_init = false;
		ks->chat_peak_processing = ks->chat_processing;
		ks->chat_peak_queued = ks->chat_queued;
		ks->whisper_peak_processing = ks->whisper_processing;
		ks->whisper_peak_queued = ks->whisper_queued;
		ks->chat_requests = ks->chat_429 = 0;
		ks->whisper_requests = ks->whisper_429 = 0;
		ks->pages_total = ks->pages_today = 0;
		memset(ks->pages_by_mode, 0, sizeof(ks->pages_by_mode));
		ks->day_start = now_mono();
	}
}

static void
add_int(json_object *o, const char *name, long v)
{
	json_object_object_add(o, name, json_object_new_int64(v));
}

/* per-key counters for /__admin/stats */
json_object *
limits_to_json(void)
{
	json_object *obj = json_object_new_object();

	for (int i = 0; i < nstates; i++)
	{
		KeyState   *ks = states[i];
		json_object *o = json_object_new_object();

		add_int(o, "chat_requests", ks->chat_requests);
		add_int(o, "chat_429", ks->chat_429);
		add_int(o, "chat_processing", ks->chat_processing);
		add_int(o, "chat_peak_processing", ks->chat_peak_processing);
		add_int(o, "chat_queued", ks->chat_queued);
		add_int(o, "chat_peak_queued", ks->chat_peak_queued);
		add_int(o, "whisper_requests", ks->whisper_requests);
		add_int(o, "whisper_429", ks->whisper_429);
		add_int(o, "whisper_processing", ks->whisper_processing);
		add_int(o, "whisper_peak_processing", ks->whisper_peak_processing);
		add_int(o, "whisper_queued", ks->whisper_queued);
		add_int(o, "whisper_peak_queued", ks->whisper_peak_queued);
		add_int(o, "pages", ks->pages_total);
		json_object_object_add(obj, ks->key, o);
	}
	return obj;
}
