/*-------------------------------------------------------------------------
 *
 * whisper.c
 *	  Owns the LLMWhisperer v2 routes and the whisper jobs: their table,
 *	  their per-key FIFO of jobs waiting for a capacity slot, their
 *	  processing timers, and the one-shot retrieve.  Also the webhook
 *	  registrations of whisper-manage-callback (stored, never called).
 *
 * Text comes from extract.c (pdftotext of the uploaded bytes, cached by
 * sha256); pages are joined as the real service joins them: each selected
 * page's text followed by "\n<separator>\n".
 *
 *-------------------------------------------------------------------------
 */
#include "whisper.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/buffer.h>

#include "admin.h"
#include "extract.h"
#include "knobs.h"
#include "limits.h"
#include "rng.h"
#include "sha256.h"
#include "util.h"

#define NBUCKETS 4096
#define MAX_PAGE_RANGES 256

typedef enum JobState
{
	JS_ACCEPTED,
	JS_PROCESSING,
	JS_PROCESSED,
	JS_ERROR,
	JS_FAILED,
	JS_UNKNOWN,
	JS_RETRIEVED
} JobState;

static const char *const state_names[] = {
	"accepted", "processing", "processed", "error", "failed", "unknown",
	"retrieved"
};

static const char *const mode_names[] = {
	"native_text", "low_cost", "high_quality", "form", "table"
};

typedef struct PageRange
{
	int			first;
	int			last;			/* 0 = to the end */
} PageRange;

typedef struct Job
{
	char		hash[48];
	KeyState   *ks;
	JobState	state;
	Fault		fault;			/* job_* fault to apply at the end */
	int			mode;			/* index into mode_names */
	bool		plain_text;		/* output_mode=text */
	char		tag[64];
	char		sep[64];
	PageRange	ranges[MAX_PAGE_RANGES];
	int			nranges;		/* 0 = all pages */
	bool		slot;			/* holds a capacity slot */
	bool		doc_ready;
	bool		timing;			/* processing timer armed */
	char	   *text;			/* result_text while processed */
	char	   *message;		/* error message */
	int			total_pages;
	int			npages;			/* selected pages */
	int		   *page_no;
	double	   *page_secs;
	double		submitted;		/* wall clock */
	double		started;
	double		completed;
	size_t		file_size;
	struct event *timer;
	struct Job *hnext;
	struct Job *qnext;
} Job;

typedef struct Webhook
{
	char	   *name;
	char	   *url;
	char	   *token;
	struct Webhook *next;
} Webhook;

static Job *jobs[NBUCKETS];
static Webhook *webhooks;

static void admit(KeyState *ks, const Knobs *k);

/* ---------- job table ---------- */

static unsigned
hash_of(const char *s)
{
	unsigned	h = 5381;

	while (*s)
		h = h * 33 + (unsigned char) *s++;
	return h % NBUCKETS;
}

static Job *
job_find(const char *hash)
{
	for (Job *j = jobs[hash_of(hash)]; j; j = j->hnext)
		if (strcmp(j->hash, hash) == 0)
			return j;
	return NULL;
}

static void
job_free(Job *j)
{
	if (j->timer)
		event_free(j->timer);
	free(j->text);
	free(j->message);
	free(j->page_no);
	free(j->page_secs);
	free(j);
}

/* forget every job (POST /__admin/reset) */
void
whisper_reset(void)
{
	for (int b = 0; b < NBUCKETS; b++)
	{
		while (jobs[b])
		{
			Job		   *j = jobs[b];

			jobs[b] = j->hnext;
			if (j->slot)
			{
				j->ks->whisper_processing--;
				stats_level(L_WHISPER_PROCESSING, -1);
			}
			else if (j->state == JS_ACCEPTED)
			{
				j->ks->whisper_queued--;
				stats_level(L_WHISPER_QUEUED, -1);
			}
			j->ks->job_head = j->ks->job_tail = NULL;
			job_free(j);
		}
	}
}

/* ---------- small helpers ---------- */

static void
reply_message(Call *call, int status, const char *msg, double delay)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "message", json_object_new_string(msg));
	call_set_json(call, status, o);
	call_send(call, delay);
}

/* latency of this endpoint, scaled */
static double
endpoint_delay(Call *call, const Knobs *k)
{
	double		s;

	if (call->route == R_SUBMIT)
		s = k->whisper_submit_seconds;
	else if (call->route == R_RETRIEVE)
		s = k->whisper_retrieve_seconds;
	else
		s = k->whisper_status_seconds;
	if (k->whisper_latency_jitter > 0)
		s += rng_uniform() * k->whisper_latency_jitter;
	return knobs_scaled(k, s);
}

/* "Mon, 10 Feb 2025 10:40:58 GMT", or null before it happened */
static json_object *
http_date(double t)
{
	char		buf[64];
	time_t		tt = (time_t) t;
	struct tm	tm;

	if (t <= 0)
		return NULL;
	gmtime_r(&tt, &tm);
	strftime(buf, sizeof(buf), "%a, %d %b %Y %H:%M:%S GMT", &tm);
	return json_object_new_string(buf);
}

static int
find_mode(const char *s)
{
	for (int i = 0; i < (int) lengthof(mode_names); i++)
		if (strcmp(mode_names[i], s) == 0)
			return i;
	return -1;
}

/*
 * Parse a page list such as "1-5,7,21-" (also "-3" = 1-3).  An empty
 * string means all pages.
 */
static bool
parse_pages(const char *s, PageRange *r, int *n)
{
	*n = 0;
	while (*s)
	{
		int			a = 1, b = 0;
		char	   *end;

		while (*s == ' ')
			s++;
		if (isdigit((unsigned char) *s))
		{
			a = (int) strtol(s, &end, 10);
			s = end;
			b = a;
		}
		else if (*s != '-')
			return false;
		if (*s == '-')
		{
			s++;
			b = 0;
			if (isdigit((unsigned char) *s))
			{
				b = (int) strtol(s, &end, 10);
				s = end;
			}
		}
		while (*s == ' ')
			s++;
		if (a < 1 || (b != 0 && b < a) || *n == MAX_PAGE_RANGES ||
			(*s != ',' && *s != '\0'))
			return false;
		r[(*n)++] = (PageRange) {a, b};
		if (*s == ',')
			s++;
	}
	return true;
}

static bool
page_selected(const Job *j, int page)
{
	if (j->nranges == 0)
		return true;
	for (int i = 0; i < j->nranges; i++)
		if (page >= j->ranges[i].first &&
			(j->ranges[i].last == 0 || page <= j->ranges[i].last))
			return true;
	return false;
}

/* append page text, squeezing runs of blanks for output_mode=text */
static void
add_page_text(struct evbuffer *out, const char *p, size_t n, bool squeeze)
{
	if (!squeeze)
	{
		evbuffer_add(out, p, n);
		return;
	}
	for (size_t i = 0; i < n; i++)
	{
		if (p[i] == ' ' && i > 0 && (p[i - 1] == ' ' || p[i - 1] == '\n'))
			continue;
		evbuffer_add(out, &p[i], 1);
	}
}

/* build result_text and the page list from the extracted document */
static void
job_take_doc(Job *j, const Doc *doc)
{
	struct evbuffer *out = evbuffer_new();
	size_t		n;

	j->doc_ready = true;
	j->total_pages = doc->npages;
	if (doc->error)
	{
		j->message = xstrdup(doc->error);
		evbuffer_free(out);
		return;
	}
	j->page_no = xcalloc(doc->npages, sizeof(int));
	j->page_secs = xcalloc(doc->npages, sizeof(double));
	for (int p = 0; p < doc->npages; p++)
	{
		if (!page_selected(j, p + 1))
			continue;
		j->page_no[j->npages++] = p + 1;
		add_page_text(out, doc->text + doc->off[p], doc->len[p], j->plain_text);
		evbuffer_add_printf(out, "\n%s\n", j->sep);
	}
	n = evbuffer_get_length(out);
	j->text = xstrndup((char *) evbuffer_pullup(out, n), n);
	evbuffer_free(out);
}

/* ---------- the state machine ---------- */

/* processing is over: set the final state and free the slot */
static void
job_complete(evutil_socket_t fd, short what, void *arg)
{
	Job		   *j = arg;
	KeyState   *ks = j->ks;
	Knobs		k;

	(void) fd;
	(void) what;

	j->timing = false;
	j->completed = now_wall();
	if (j->message)
		j->state = JS_ERROR;
	else if (j->fault == F_JOB_ERROR)
	{
		j->state = JS_ERROR;
		j->message = xstrdup("Error processing the document: simulated failure");
	}
	else if (j->fault == F_JOB_FAILED)
		j->state = JS_FAILED;
	else if (j->fault == F_JOB_UNKNOWN)
		j->state = JS_UNKNOWN;
	else
		j->state = JS_PROCESSED;
	if (j->state == JS_PROCESSED)
	{
		stats_count(C_WHISPER_JOBS_DONE, 1);
		stats_count(C_WHISPER_PAGES, j->npages);
		ks->pages_total += j->npages;
		ks->pages_today += j->npages;
		ks->pages_by_mode[j->mode] += j->npages;
	}
	else
		stats_count(C_WHISPER_JOBS_FAILED, 1);
	j->slot = false;
	ks->whisper_processing--;
	stats_level(L_WHISPER_PROCESSING, -1);
	knobs_for_key(ks->key, &k);
	admit(ks, &k);
}

/* slot and text are both there: run the processing timer */
static void
job_start_timer(Job *j)
{
	Knobs		k;
	double		total = 0;
	struct timeval tv;

	knobs_for_key(j->ks->key, &k);
	for (int i = 0; i < j->npages; i++)
	{
		j->page_secs[i] = k.whisper_page_seconds +
			(k.whisper_page_jitter > 0 ? rng_uniform() * k.whisper_page_jitter : 0);
		total += j->page_secs[i];
	}
	j->timing = true;
	tv = seconds_to_tv(knobs_scaled(&k, total));
	j->timer = evtimer_new(mock_base, job_complete, j);
	evtimer_add(j->timer, &tv);
}

/* the text of a job's document is known */
static void
job_doc_cb(const Doc *doc, void *arg)
{
	char	   *hash = arg;
	Job		   *j = job_find(hash);

	free(hash);
	if (j == NULL || j->doc_ready)
		return;					/* reset meanwhile */
	job_take_doc(j, doc);
	if (j->slot)
		job_start_timer(j);
}

/* give the job a capacity slot */
static void
job_start(Job *j)
{
	j->slot = true;
	j->state = JS_PROCESSING;
	j->started = now_wall();
	j->ks->whisper_processing++;
	if (j->ks->whisper_processing > j->ks->whisper_peak_processing)
		j->ks->whisper_peak_processing = j->ks->whisper_processing;
	stats_level(L_WHISPER_PROCESSING, 1);
	if (j->doc_ready)
		job_start_timer(j);
}

/* start queued jobs of this key while slots are free */
static void
admit(KeyState *ks, const Knobs *k)
{
	while (ks->job_head &&
		   (k->whisper_capacity == 0 || ks->whisper_processing < k->whisper_capacity))
	{
		Job		   *j = ks->job_head;

		ks->job_head = j->qnext;
		if (ks->job_head == NULL)
			ks->job_tail = NULL;
		j->qnext = NULL;
		ks->whisper_queued--;
		stats_level(L_WHISPER_QUEUED, -1);
		job_start(j);
	}
}

/* queue a new job behind the key's others */
static void
enqueue(Job *j)
{
	KeyState   *ks = j->ks;

	if (ks->job_tail)
		ks->job_tail->qnext = j;
	else
		ks->job_head = j;
	ks->job_tail = j;
	ks->whisper_queued++;
	if (ks->whisper_queued > ks->whisper_peak_queued)
		ks->whisper_peak_queued = ks->whisper_queued;
	stats_level(L_WHISPER_QUEUED, 1);
}

/* ---------- POST /whisper ---------- */

/* check the query; false after answering 400 */
static bool
submit_options(Call *call, Job *j, double delay)
{
	const char *mode = call_param(call, "mode");
	const char *om = call_param(call, "output_mode");
	const char *lss = call_param(call, "line_splitter_strategy");
	const char *pages = call_param(call, "pages_to_extract");
	const char *sep = call_param(call, "page_separator");
	const char *tag = call_param(call, "tag");
	char		msg[160];

	if (sep == NULL || sep[0] == '\0')
		sep = call_param(call, "page_seperator");
	j->mode = find_mode(mode && mode[0] ? mode : "form");
	if (j->mode < 0)
		snprintf(msg, sizeof(msg), "Invalid mode: %s", mode);
	else if (om && om[0] && strcmp(om, "layout_preserving") &&
			 strcmp(om, "text") && strcmp(om, "line-printer"))
		snprintf(msg, sizeof(msg), "Invalid output_mode: %s", om);
	else if (lss && lss[0] && strcmp(lss, "left-priority") &&
			 strcmp(lss, "right-priority"))
		snprintf(msg, sizeof(msg), "Invalid line_splitter_strategy: %s", lss);
	else if (!parse_pages(pages ? pages : "", j->ranges, &j->nranges))
		snprintf(msg, sizeof(msg), "Invalid pages_to_extract: %s", pages);
	else
	{
		j->plain_text = om && strcmp(om, "text") == 0;
		strlcopy(j->sep, sep && sep[0] ? sep : "<<<", sizeof(j->sep));
		strlcopy(j->tag, tag && tag[0] ? tag : "default", sizeof(j->tag));
		return true;
	}
	reply_message(call, 400, msg, delay);
	return false;
}

/* quota and capacity checks; false after answering */
static bool
submit_admission(Call *call, KeyState *ks, const Knobs *k, double delay)
{
	double		day = 86400.0 * k->time_scale;
	char		msg[160];

	if (day > 0 && now_mono() - ks->day_start > day)
	{
		ks->day_start = now_mono();
		ks->pages_today = 0;
	}
	if (k->whisper_daily_quota > 0 && ks->pages_today >= k->whisper_daily_quota)
	{
		stats_count(C_WHISPER_QUOTA, 1);
		snprintf(msg, sizeof(msg), "Daily page quota of %d pages exceeded",
				 k->whisper_daily_quota);
		reply_message(call, k->whisper_quota_status, msg, delay);
		return false;
	}
	if (k->whisper_over_capacity == OVER_REJECT && k->whisper_capacity > 0 &&
		ks->whisper_processing + ks->whisper_queued >= k->whisper_capacity)
	{
		stats_count(C_WHISPER_CAPACITY_429, 1);
		ks->whisper_429++;
		call_retry_after(call, knobs_scaled(k, k->whisper_retry_after));
		snprintf(msg, sizeof(msg),
				 "Too many documents in process for this key (limit %d). Please retry later.",
				 k->whisper_capacity);
		reply_message(call, 429, msg, delay);
		return false;
	}
	return true;
}

/* the document bytes: the body, or the URL for url input */
static bool
submit_body(Call *call, const Knobs *k, const unsigned char **data,
			size_t *len, double delay)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(call->req);
	const char *url = call_param(call, "url");
	const char *uip = call_param(call, "url_in_post");
	bool		url_in_post = false;

	if (uip)
		parse_bool(uip, &url_in_post);
	*len = evbuffer_get_length(in);
	*data = evbuffer_pullup(in, *len);
	if ((url && url[0]) || url_in_post)
	{
		if (!k->whisper_url_input)
		{
			reply_message(call, 400, "URL input (url, url_in_post) is not supported by the mock", delay);
			return false;
		}
		if (url && url[0])
		{
			*data = (const unsigned char *) url;
			*len = strlen(url);
		}
	}
	if (*len == 0)
	{
		reply_message(call, 400, "Empty file: the request holds no document", delay);
		return false;
	}
	return true;
}

static void
submit_handle(Call *call, KeyState *ks, const Knobs *k, double delay)
{
	Job		   *j = xcalloc(1, sizeof(Job));
	const unsigned char *data;
	size_t		len;
	char		sha[65];
	char		a[9], b[33];
	json_object *o;

	if (evhttp_request_get_command(call->req) != EVHTTP_REQ_POST)
	{
		free(j);
		reply_message(call, 405, "Method not allowed", delay);
		return;
	}
	if (!submit_options(call, j, delay) ||
		!submit_body(call, k, &data, &len, delay) ||
		!submit_admission(call, ks, k, delay))
	{
		free(j);
		return;
	}
	rng_hex(a, 8);
	rng_hex(b, 32);
	snprintf(j->hash, sizeof(j->hash), "%s|%s", a, b);
	strlcopy(call->id, j->hash, sizeof(call->id));
	j->ks = ks;
	j->state = JS_ACCEPTED;
	j->submitted = now_wall();
	j->file_size = len;
	if (call->fault >= F_JOB_ERROR && call->fault <= F_JOB_UNKNOWN)
		j->fault = call->fault;
	j->hnext = jobs[hash_of(j->hash)];
	jobs[hash_of(j->hash)] = j;
	stats_count(C_WHISPER_SUBMITS, 1);
	if (ks->job_head == NULL &&
		(k->whisper_capacity == 0 || ks->whisper_processing < k->whisper_capacity))
		job_start(j);
	else
		enqueue(j);
	sha256_hex(data, len, sha);
	extract_submit(data, len, sha, job_doc_cb, xstrdup(j->hash));

	o = json_object_new_object();
	json_object_object_add(o, "message", json_object_new_string("Whisper Job Accepted"));
	json_object_object_add(o, "status", json_object_new_string("processing"));
	json_object_object_add(o, "whisper_hash", json_object_new_string(j->hash));
	call_set_json(call, 202, o);
	call_send(call, delay);
}

/* ---------- status, retrieve, detail ---------- */

/* the job named by ?whisper_hash= (of this key), or NULL */
static Job *
job_of_call(Call *call, KeyState *ks)
{
	const char *h = call_param(call, "whisper_hash");
	Job		   *j;

	if (h == NULL)
		return NULL;
	strlcopy(call->id, h, sizeof(call->id));
	j = job_find(h);
	return j && j->ks == ks ? j : NULL;
}

static json_object *
page_detail(const Job *j)
{
	json_object *arr = json_object_new_array();

	for (int i = 0; i < j->npages; i++)
	{
		json_object *p = json_object_new_object();
		char		buf[32];

		snprintf(buf, sizeof(buf), "%.3f", j->page_secs[i]);
		json_object_object_add(p, "page_no", json_object_new_int(j->page_no[i]));
		json_object_object_add(p, "message", json_object_new_string("extraction_success"));
		json_object_object_add(p, "execution_time_in_seconds",
							   json_object_new_double_s(j->page_secs[i], buf));
		json_object_array_add(arr, p);
	}
	return arr;
}

static void
status_handle(Call *call, KeyState *ks, double delay)
{
	Job		   *j = job_of_call(call, ks);
	json_object *o;
	const char *msg;

	if (j == NULL)
	{
		reply_message(call, 400, "Whisper job not found for the provided whisper hash", delay);
		return;
	}
	o = json_object_new_object();
	json_object_object_add(o, "status", json_object_new_string(state_names[j->state]));
	switch (j->state)
	{
		case JS_ACCEPTED:
			msg = "Whisper Job Accepted";
			break;
		case JS_PROCESSING:
			msg = "Whisper is processing the document";
			break;
		case JS_PROCESSED:
			msg = "Whisper Job Processed";
			json_object_object_add(o, "detail", page_detail(j));
			break;
		case JS_ERROR:
			msg = j->message;
			break;
		case JS_RETRIEVED:
			msg = "Whisper already delivered";
			break;
		default:
			msg = "Whisper Job status";
	}
	json_object_object_add(o, "message", json_object_new_string(msg));
	call_set_json(call, 200, o);
	call_send(call, delay);
}

static void
retrieve_handle(Call *call, KeyState *ks, double delay)
{
	Job		   *j = job_of_call(call, ks);
	const char *text_only = call_param(call, "text_only");
	bool		only = false;
	char		msg[96];
	json_object *o;

	if (j == NULL)
	{
		reply_message(call, 404, "Whisper job unknown", delay);
		return;
	}
	if (j->state == JS_RETRIEVED)
	{
		reply_message(call, 400, "Whisper already delivered", delay);
		return;
	}
	if (j->state != JS_PROCESSED)
	{
		snprintf(msg, sizeof(msg), "Whisper not ready : %s", state_names[j->state]);
		reply_message(call, 400, msg, delay);
		return;
	}
	if (text_only)
		parse_bool(text_only, &only);
	if (only)
		call_set_body(call, 200, j->text, strlen(j->text), "text/plain; charset=utf-8");
	else
	{
		o = json_object_new_object();
		json_object_object_add(o, "confidence_metadata", json_object_new_array());
		json_object_object_add(o, "line_metadata", json_object_new_array());
		json_object_object_add(o, "metadata", json_object_new_object());
		json_object_object_add(o, "result_text", json_object_new_string(j->text));
		json_object_object_add(o, "webhook_metadata", json_object_new_string(""));
		call_set_json(call, 200, o);
	}
	j->state = JS_RETRIEVED;	/* one-shot: the text is gone */
	free(j->text);
	j->text = NULL;
	call_send(call, delay);
}

static void
detail_handle(Call *call, KeyState *ks, double delay)
{
	Job		   *j = job_of_call(call, ks);
	json_object *o;
	char		buf[32];
	double		secs = j && j->completed > 0 ? j->completed - j->started : 0;
	Knobs		k;

	knobs_for_key(ks->key, &k);
	if (k.time_scale > 0)
		secs /= k.time_scale;	/* in simulated seconds, like the knobs */

	if (j == NULL)
	{
		reply_message(call, 400, "Record not found", delay);
		return;
	}
	o = json_object_new_object();
	json_object_object_add(o, "completed_at", http_date(j->completed));
	json_object_object_add(o, "mode", json_object_new_string(mode_names[j->mode]));
	json_object_object_add(o, "processed_pages", json_object_new_int(j->state >= JS_PROCESSED ? j->npages : 0));
	json_object_object_add(o, "processing_started_at", http_date(j->started));
	snprintf(buf, sizeof(buf), "%.3f", secs);
	json_object_object_add(o, "processing_time_in_seconds", json_object_new_double_s(secs, buf));
	json_object_object_add(o, "requested_pages", json_object_new_int(j->npages));
	json_object_object_add(o, "tag", json_object_new_string(j->tag));
	json_object_object_add(o, "total_pages", json_object_new_int(j->total_pages));
	snprintf(buf, sizeof(buf), "%.2f", j->file_size / 1024.0);
	json_object_object_add(o, "upload_file_size_in_kb", json_object_new_double_s(j->file_size / 1024.0, buf));
	json_object_object_add(o, "whisper_hash", json_object_new_string(j->hash));
	call_set_json(call, 200, o);
	call_send(call, delay);
}

/* ---------- usage, highlights, webhooks ---------- */

static void
usage_handle(Call *call, KeyState *ks, const Knobs *k, double delay)
{
	json_object *o = json_object_new_object();
	static const char *const extra[] = {"excel", "document_insights"};

	json_object_object_add(o, "current_page_count", json_object_new_int64(ks->pages_total));
	for (int m = 0; m < (int) lengthof(mode_names); m++)
	{
		char		name[64];

		snprintf(name, sizeof(name), "current_page_count_%s", mode_names[m]);
		json_object_object_add(o, name, json_object_new_int64(ks->pages_by_mode[m]));
	}
	for (int i = 0; i < 2; i++)
	{
		char		name[64];

		snprintf(name, sizeof(name), "current_page_count_%s", extra[i]);
		json_object_object_add(o, name, json_object_new_int(0));
	}
	json_object_object_add(o, "daily_quota", json_object_new_int(k->whisper_daily_quota > 0 ? k->whisper_daily_quota : -1));
	json_object_object_add(o, "monthly_quota", json_object_new_int(-1));
	json_object_object_add(o, "overage_page_count", json_object_new_int(0));
	json_object_object_add(o, "subscription_plan", json_object_new_string("mock"));
	json_object_object_add(o, "today_page_count", json_object_new_int64(ks->pages_today));
	call_set_json(call, 200, o);
	call_send(call, delay);
}

/* one synthetic line box per requested line */
static void
highlights_handle(Call *call, KeyState *ks, double delay)
{
	Job		   *j = job_of_call(call, ks);
	const char *lines = call_param(call, "lines");
	PageRange	r[MAX_PAGE_RANGES];
	int			n;
	json_object *o;

	if (j == NULL)
	{
		reply_message(call, 400, "Record not found", delay);
		return;
	}
	if (!parse_pages(lines ? lines : "", r, &n) || n == 0)
	{
		reply_message(call, 400, "Invalid lines", delay);
		return;
	}
	o = json_object_new_object();
	for (int i = 0; i < n; i++)
		for (int line = r[i].first; line <= (r[i].last ? r[i].last : r[i].first) &&
			 json_object_object_length(o) < 1000; line++)
		{
			json_object *h = json_object_new_object();
			json_object *raw = json_object_new_array();
			char		name[16];
			int			y = 100 + 51 * ((line - 1) % 60);

			json_object_object_add(h, "page", json_object_new_int((line - 1) / 60));
			json_object_object_add(h, "base_y", json_object_new_int(y));
			json_object_object_add(h, "base_y_percent", json_object_new_double(round(y * 10000.0 / 3168) / 100));
			json_object_object_add(h, "height", json_object_new_int(51));
			json_object_object_add(h, "height_percent", json_object_new_double(1.61));
			json_object_object_add(h, "page_height", json_object_new_int(3168));
			json_object_array_add(raw, json_object_new_int((line - 1) / 60));
			json_object_array_add(raw, json_object_new_int(y));
			json_object_array_add(raw, json_object_new_int(51));
			json_object_array_add(raw, json_object_new_int(3168));
			json_object_object_add(h, "raw", raw);
			snprintf(name, sizeof(name), "%d", line);
			json_object_object_add(o, name, h);
		}
	call_set_json(call, 200, o);
	call_send(call, delay);
}

static Webhook *
webhook_find(const char *name)
{
	for (Webhook *w = webhooks; w; w = w->next)
		if (name && strcmp(w->name, name) == 0)
			return w;
	return NULL;
}

static const char *
json_str(json_object *o, const char *name)
{
	json_object *v;

	if (o && json_object_object_get_ex(o, name, &v) &&
		json_object_is_type(v, json_type_string))
		return json_object_get_string(v);
	return NULL;
}

/* POST/PUT body fields into a webhook (created when w is NULL) */
static void
webhook_store(Call *call, Webhook *w, json_object *body, double delay)
{
	const char *url = json_str(body, "url");
	const char *token = json_str(body, "auth_token");
	const char *name = json_str(body, "webhook_name");

	if (name == NULL || url == NULL)
	{
		reply_message(call, 400, "url and webhook_name are required", delay);
		return;
	}
	if (w == NULL)
	{
		w = xcalloc(1, sizeof(Webhook));
		w->name = xstrdup(name);
		w->next = webhooks;
		webhooks = w;
	}
	free(w->url);
	free(w->token);
	w->url = xstrdup(url);
	w->token = xstrdup(token ? token : "");
	reply_message(call, evhttp_request_get_command(call->req) == EVHTTP_REQ_POST ? 201 : 200,
				  "Webhook registered successfully", delay);
}

static void
callback_handle(Call *call, double delay)
{
	enum evhttp_cmd_type m = evhttp_request_get_command(call->req);
	struct evbuffer *in = evhttp_request_get_input_buffer(call->req);
	size_t		len = evbuffer_get_length(in);
	char	   *text = xstrndup((char *) evbuffer_pullup(in, len), len);
	json_object *body = json_tokener_parse(text);
	const char *name = call_param(call, "webhook_name");
	Webhook    *w;

	free(text);
	if (m == EVHTTP_REQ_POST || m == EVHTTP_REQ_PUT)
		name = json_str(body, "webhook_name");
	w = webhook_find(name);
	if (m == EVHTTP_REQ_POST)
		webhook_store(call, w, body, delay);
	else if (w == NULL)
		reply_message(call, 404, "Webhook not found", delay);
	else if (m == EVHTTP_REQ_PUT)
		webhook_store(call, w, body, delay);
	else if (m == EVHTTP_REQ_DELETE)
	{
		Webhook   **pp = &webhooks;

		while (*pp != w)
			pp = &(*pp)->next;
		*pp = w->next;
		free(w->name);
		free(w->url);
		free(w->token);
		free(w);
		reply_message(call, 200, "Webhook deleted successfully", delay);
	}
	else
	{
		json_object *o = json_object_new_object();

		json_object_object_add(o, "url", json_object_new_string(w->url));
		json_object_object_add(o, "auth_token", json_object_new_string(w->token));
		json_object_object_add(o, "webhook_name", json_object_new_string(w->name));
		call_set_json(call, 200, o);
		call_send(call, delay);
	}
	if (body)
		json_object_put(body);
}

/* ---------- dispatch ---------- */

/* answer an injected HTTP-level fault; false when there is none */
static bool
inject_fault(Call *call, const Knobs *k, double delay)
{
	char		msg[64];

	if (fault_is_status(call->fault))
	{
		if (call->fault == F_429)
			call_retry_after(call, knobs_scaled(k, k->whisper_retry_after));
		snprintf(msg, sizeof(msg), "Simulated error %d", fault_status(call->fault));
		reply_message(call, fault_status(call->fault), msg, delay);
		return true;
	}
	if (call->fault == F_ECHO_HEADERS)
	{
		char		echo[2048];

		call_echo_headers(call, "Invalid API key. Request headers: ", echo, sizeof(echo));
		reply_message(call, 401, echo, delay);
		return true;
	}
	if (call->fault == F_HANG)
	{
		call_hang(call);
		return true;
	}
	if (call->fault == F_RESET)
	{
		call_send(call, delay);
		return true;
	}
	return false;
}

/* every LLMWhisperer route: auth, faults, then the route */
void
whisper_handle(Call *call)
{
	const char *key = call_header(call, "unstract-key");
	KeyState   *ks;
	Knobs		k;
	double		delay;

	strlcopy(call->key, key ? key : "", sizeof(call->key));
	knobs_for_key(call->key, &k);
	delay = endpoint_delay(call, &k);
	if (!keys_allowed(KEYS_WHISPER, key))
	{
		reply_message(call, 401, key && key[0] ? "Invalid API key: unstract-key not recognised" :
					  "Missing API key: send it in the unstract-key header", delay);
		return;
	}
	ks = keystate_get(call->key);
	ks->whisper_requests++;
	call->fault = faults_pick(call->ep);
	call->no_retry = faults_no_retry(call->ep);
	if (inject_fault(call, &k, delay))
		return;
	switch (call->route)
	{
		case R_SUBMIT:
			submit_handle(call, ks, &k, delay);
			break;
		case R_STATUS:
			status_handle(call, ks, delay);
			break;
		case R_RETRIEVE:
			retrieve_handle(call, ks, delay);
			break;
		case R_DETAIL:
			detail_handle(call, ks, delay);
			break;
		case R_USAGE:
			usage_handle(call, ks, &k, delay);
			break;
		case R_HIGHLIGHTS:
			highlights_handle(call, ks, delay);
			break;
		default:
			callback_handle(call, delay);
			break;
	}
}
