/*-------------------------------------------------------------------------
 *
 * remote.c
 *	  LLMWhisperer v2 as a state machine of lane calls on the worker's
 *	  loop, the API keys (settings and key files) and the request trace's
 *	  flush.  The LLM structuring call is in remote_chat.c.
 *
 * An extraction (document x pages x mode) is submitted once: its
 * whisper_hash is committed as soon as the 202 arrives, so a restarted
 * worker polls it instead of paying again; the one-shot retrieve's text is
 * committed to the text cache before anything uses it.  Both requests are
 * "paid" calls (lane.h): a graceful stop waits a few seconds for their
 * answers, so that it does not lose what it would pay for again.  Polls start near
 * the processing time observed so far (seconds per page) and back off to
 * finextract.llmwhisperer_poll_interval; they go through their own lane so
 * hundreds of pending extractions cannot flood the API.  An extraction the
 * server holds in its queue ("accepted") is polled rarely; when another one
 * is found processed, a server slot has just been freed, so the oldest
 * queued extraction has most likely started and is polled again about one
 * processing time later (as is one first seen "processing").  Processing
 * time is learnt from that start, not from the submit, so time spent in the
 * server's queue does not stretch it.  A submit holds its
 * slot in the whisper lane until the server has processed it, so the lane's
 * limit is the number of extractions in processing: what the server's
 * capacity bounds.  Every LLMWhisperer request (submit, poll, retrieve)
 * counts against finextract.llmwhisperer_requests_per_minute of its key.
 * Each failure is reported with its kind (failure.h): the lane's verdict
 * for a call, terminal for a wrong page count, transient for an
 * extraction the server failed or lost.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/hashfn.h"
#include "lib/ilist.h"
#include "storage/fd.h"
#include "lib/stringinfo.h"
#include "utils/memutils.h"

#include "finextract.h"
#include "json.h"
#include "lane.h"
#include "prompt.h"
#include "provider.h"
#include "redact.h"
#include "remote.h"
#include "remote_int.h"
#include "store.h"

#define POLL_LANE_LIMIT 8
#define MAX_WHISPER_RESPONSE (256 * 1024 * 1024)
#define MAX_SMALL_RESPONSE (1024 * 1024)

typedef enum
{
	WH_SUBMIT, WH_STATUS, WH_RETRIEVE
} WhisperPhase;

struct FxWhisper
{
	MemoryContext cxt;
	int64		job_id;
	int64		document_id;
	char	   *pdf_path;
	char	   *file_name;
	int		   *pages;
	int			npages;
	char	   *pages_key;
	char	   *mode;
	char	   *hash;
	WhisperPhase phase;
	FxCall		submit;			/* holds the whisper lane slot */
	FxCall		poll;			/* status and retrieve */
	char	   *body;			/* PDF bytes (malloc) */
	size_t		body_len;
	char	   *headers[3];
	FxTimerId	poll_timer;
	double		poll_delay_ms;
	int64		submitted_ms;
	int64		started_ms;		/* processing began about then; 0 = unknown */
	int			polls_since_start;	/* status answers since then */
	bool		queued;			/* the last status said "accepted" */
	dlist_node	pending_node;	/* in pending_whispers while it has a hash */
	bool		pending;
	int			resubmits;
	char	   *deferred_error; /* failure found before the first request */
	FxTimerId	deferred_timer;
	FxWhisperDone done;
	void	   *arg;
};

static double secs_per_page = 1.0;	/* observed whisper processing time */
static double ready_gap_ms = 0;	/* between extractions found processed */
static int64 last_ready_ms = 0;
static dlist_head pending_whispers = DLIST_STATIC_INIT(pending_whispers);	/* by
																			 * submit */
static char *whisper_key_from_file = NULL;

/* Read a key file (first line, trimmed) into TopMemoryContext; NULL on failure. */
char *
fx_read_key_file(const char *path, const char *setting)
{
	FILE	   *f;
	char		buf[1024];
	size_t		n;

	if (path == NULL || path[0] == '\0')
		return NULL;
	f = AllocateFile(path, "r");
	if (f == NULL)
	{
		ereport(WARNING,
				(errcode_for_file_access(),
				 errmsg("could not read %s \"%s\": %m", setting, path)));
		return NULL;
	}
	n = fread(buf, 1, sizeof(buf) - 1, f);
	FreeFile(f);
	buf[n] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	while (n > 0 && (buf[strlen(buf) - 1] == ' ' || buf[strlen(buf) - 1] == '\t'))
		buf[strlen(buf) - 1] = '\0', n--;
	return buf[0] ? MemoryContextStrdup(TopMemoryContext, buf) : NULL;
}

/* (Re)read the key files; the worker calls this at start and on SIGHUP. */
void
fx_remote_load_keys(void)
{
	const char *keys[FX_REDACT_MAX_KEYS];
	int			n = 0;

	if (whisper_key_from_file)
		pfree(whisper_key_from_file);
	whisper_key_from_file = fx_read_key_file(finx_whisper_key_file,
											 "finextract.llmwhisperer_api_key_file");
	keys[n++] = finx_whisper_key;
	keys[n++] = whisper_key_from_file;
	/* every provider's setting and key file, whichever is in force */
	keys[n++] = finx_llm_key;
	n += fx_providers_keys(keys + n, FX_REDACT_MAX_KEYS - n);
	{
		if (fx_redact_set_keys(keys, n) != 0)
			ereport(WARNING,
					(errcode(ERRCODE_OUT_OF_MEMORY),
					 errmsg("could not remember the API keys to redact")));
	}
}

/* The LLMWhisperer key: the setting, else the key file's. */
static const char *
whisper_key(void)
{
	if (finx_whisper_key && finx_whisper_key[0])
		return finx_whisper_key;
	return whisper_key_from_file ? whisper_key_from_file : "";
}

bool
fx_whisper_configured(void)
{
	return whisper_key()[0] != '\0';
}

/* Cache key of LLMWhisperer text. */
char *
fx_whisper_engine(const char *mode)
{
	return psprintf("llmwhisperer/%s", mode);
}

/* A failed LLMWhisperer answer: its {"message"} and the status's meaning. */
static FxFailKind
whisper_classify(const FxHttpRequest *req, char **message)
{
	*message = req->resp ? fx_json_error_message(req->resp, req->resp_len,
												 NULL, 0, NULL, 0) : NULL;
	return fx_fail_of_status(req->status);
}

/* "3-5,7" from ascending page numbers. */
static char *
pages_key(const int *pages, int n)
{
	StringInfoData b;

	initStringInfo(&b);
	for (int i = 0; i < n; i++)
	{
		int			j = i;

		while (j + 1 < n && pages[j + 1] == pages[j] + 1)
			j++;
		appendStringInfo(&b, "%s%d", i ? "," : "", pages[i]);
		if (j > i)
			appendStringInfo(&b, "-%d", pages[j]);
		i = j;
	}
	return b.data;
}

/*
 * Fill the common parts of a call (zeroed when its owner was allocated);
 * frees what an earlier request on the same call left.
 */
void
fx_remote_init_call(FxCall *c, int64 job_id, int statement, const char *endpoint,
					const char *method, char *url, char **headers, size_t max_response)
{
	fx_lane_call_free(c);
	memset(c, 0, sizeof(FxCall));
	c->req.method = method;
	c->req.url = url;
	c->req.headers = headers;
	c->req.timeout_ms = finx_request_timeout_ms;
	c->req.connect_timeout_ms = finx_connect_timeout_ms;
	c->req.max_response = max_response;
	c->req.retry_after_s = -1;
	c->max_attempts = fx_fail_call_attempts(false);
	c->units = 1;
	c->job_id = job_id;
	c->statement = statement;
	c->endpoint = endpoint;
	c->classify = whisper_classify;
}

/* The lanes of LLMWhisperer submits and of its polls. */
static FxLane *
whisper_lane(void)
{
	FxLane	   *lane = fx_lane_get("llmwhisperer", whisper_key(), NULL,
								   finx_whisper_max_concurrency,
								   finx_max_concurrency_bound);

	fx_lane_set_rate(lane, "llmwhisperer", whisper_key(), NULL, finx_whisper_rpm, 0);
	return lane;
}

static FxLane *
poll_lane(void)
{
	FxLane	   *lane = fx_lane_get("llmwhisperer-poll", whisper_key(), NULL,
								   POLL_LANE_LIMIT, POLL_LANE_LIMIT);

	fx_lane_set_rate(lane, "llmwhisperer", whisper_key(), NULL, finx_whisper_rpm, 0);
	return lane;
}

/* Read the PDF for upload (malloc). */
static bool
read_pdf(FxWhisper *w)
{
	int			fd = open(w->pdf_path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	size_t		got = 0;

	if (fd < 0 || fstat(fd, &st) < 0)
		return false;
	w->body = malloc(Max(st.st_size, 1));
	while (w->body && got < (size_t) st.st_size)
	{
		ssize_t		n = read(fd, w->body + got, st.st_size - got);

		if (n <= 0)
			break;
		got += n;
	}
	close(fd);
	w->body_len = got;
	return w->body && got == (size_t) st.st_size;
}

static void whisper_submitted(FxCall *c);
static void whisper_polled(FxCall *c);
static void schedule_poll(FxWhisper *w);
static double processing_ms(FxWhisper *w);

/*
 * An extraction was found processed: learn its processing time and how
 * often ours finish.  Found on the first poll after it began, it may have
 * been done well before, so the sample counts for less than what was seen
 * (a later poll that finds it still processing corrects the other way).
 */
static void
note_ready(FxWhisper *w)
{
	int64		now = fx_now_ms();

	if (w->started_ms > 0)
	{
		double		secs = (double) (now - w->started_ms) / 1000.0 / Max(w->npages, 1);

		if (w->polls_since_start == 0)
			secs *= 0.5;
		secs_per_page = 0.7 * secs_per_page + 0.3 * secs;
	}
	if (last_ready_ms > 0)
	{
		/* a quiet spell says nothing about the rate once work is queued */
		double		gap = Min((double) (now - last_ready_ms), (double) finx_whisper_poll_ms);

		ready_gap_ms = ready_gap_ms > 0 ? 0.8 * ready_gap_ms + 0.2 * gap : gap;
	}
	last_ready_ms = now;
}

/* Forget an extraction's place among those the server holds. */
static void
unpend(FxWhisper *w)
{
	if (w->pending)
		dlist_delete(&w->pending_node);
	w->pending = false;
}

/* End an extraction: report and release what it holds. */
static void
whisper_end(FxWhisper *w, char **texts, const char *error, FxFailKind kind)
{
	unpend(w);
	if (w->poll_timer)
		fx_loop_cancel_timer(fx_lane_loop(), w->poll_timer);
	w->poll_timer = 0;
	fx_lane_release(&w->submit, texts != NULL, w->npages,
					fx_now_ms() - w->submitted_ms);
	fx_lane_call_free(&w->submit);
	fx_lane_call_free(&w->poll);
	free(w->body);
	w->body = NULL;
	w->done(w->arg, texts, error, kind);
}

/* Report a failure found before any request, from the loop (never inside start). */
static void
deferred_whisper_end(void *arg)
{
	FxWhisper  *w = arg;

	w->deferred_timer = 0;
	whisper_end(w, NULL, w->deferred_error, FX_FAIL_TERMINAL);
}

static void
defer_whisper_failure(FxWhisper *w, const char *error)
{
	w->deferred_error = pstrdup(error);
	w->deferred_timer = fx_loop_timer(fx_lane_loop(), 0, deferred_whisper_end, w);
}

/* POST /whisper with the PDF. */
static void
whisper_submit(FxWhisper *w)
{
	char	   *url = psprintf("%s/whisper?mode=%s&output_mode=layout_preserving"
							   "&pages_to_extract=%s&page_seperator=%%3C%%3C%%3C"
							   "&page_separator=%%3C%%3C%%3C&file_name=%s",
							   finx_whisper_url, fx_provider_url_encode(w->mode),
							   fx_provider_url_encode(w->pages_key), fx_provider_url_encode(w->file_name));

	char	   *bad = fx_http_check_url(finx_whisper_url, finx_allow_plain_http);

	if (bad)
	{
		defer_whisper_failure(w, psprintf("finextract.llmwhisperer_url: %s", bad));
		return;
	}
	if (w->body == NULL && !read_pdf(w))
	{
		defer_whisper_failure(w, "could not read the document for upload");
		return;
	}
	w->phase = WH_SUBMIT;
	fx_remote_init_call(&w->submit, w->job_id, 0, "whisper", "POST", url, w->headers,
			  MAX_SMALL_RESPONSE);
	w->submit.req.body = w->body;
	w->submit.req.body_len = w->body_len;
	w->submit.units = w->npages;
	w->submit.hold_slot = true;
	w->submit.paid = true;		/* a lost answer would be paid again */
	w->submit.done = whisper_submitted;
	w->submit.arg = w;
	fx_lane_submit(whisper_lane(), &w->submit);
}

/* The submit answered. */
static void
whisper_submitted(FxCall *c)
{
	FxWhisper  *w = c->arg;
	MemoryContext old = MemoryContextSwitchTo(w->cxt);
	char	   *hash = NULL,
			   *jerr = NULL,
			   *serr;

	if (!c->ok)
	{
		whisper_end(w, NULL, psprintf("LLMWhisperer submit failed: %s", c->error), c->kind);
		MemoryContextSwitchTo(old);
		return;
	}
	if (fx_json_whisper_submit(c->req.resp, c->req.resp_len, &hash, &jerr) != 0)
	{
		fx_lane_retry(c, jerr ? jerr : "unreadable submit answer");
		free(jerr);
		MemoryContextSwitchTo(old);
		return;
	}
	w->hash = pstrdup(hash);
	free(hash);
	w->submitted_ms = w->started_ms = fx_now_ms();
	w->queued = false;
	unpend(w);
	dlist_push_tail(&pending_whispers, &w->pending_node);
	w->pending = true;
	/* commit the hash before anything else: a restart polls, never pays twice */
	if (!fx_store_whisper_save(w->document_id, w->pages_key, w->mode, w->hash, &serr))
		ereport(LOG, (errmsg("finextract: could not save whisper hash: %s", serr)));
	w->poll_delay_ms = Min(Max(100.0, 0.8 * processing_ms(w)), (double) finx_whisper_poll_ms);
	w->polls_since_start = 0;
	schedule_poll(w);
	MemoryContextSwitchTo(old);
}

/* Send a status poll or the retrieve. */
static void
send_poll(void *arg)
{
	FxWhisper  *w = arg;
	MemoryContext old = MemoryContextSwitchTo(w->cxt);	/* from a timer too */
	char	   *url;

	w->poll_timer = 0;
	url = psprintf("%s/%s?whisper_hash=%s", finx_whisper_url,
				   w->phase == WH_RETRIEVE ? "whisper-retrieve" : "whisper-status",
				   fx_provider_url_encode(w->hash));
	fx_remote_init_call(&w->poll, w->job_id, 0,
			  w->phase == WH_RETRIEVE ? "whisper-retrieve" : "whisper-status",
			  "GET", url, w->headers,
			  w->phase == WH_RETRIEVE ? MAX_WHISPER_RESPONSE : MAX_SMALL_RESPONSE);
	/* a retrieve is one-shot: retrying it after a lost answer cannot help */
	if (w->phase == WH_RETRIEVE)
	{
		w->poll.max_attempts = fx_fail_call_attempts(true);
		w->poll.paid = true;	/* a lost text is submitted again */
	}
	w->poll.done = whisper_polled;
	w->poll.arg = w;
	fx_lane_submit(poll_lane(), &w->poll);
	MemoryContextSwitchTo(old);
}

/* Expected processing time of an extraction, from what was observed. */
static double
processing_ms(FxWhisper *w)
{
	return secs_per_page * 1000.0 * Max(w->npages, 1);
}

/*
 * Processing has (most likely) just begun: poll a little before it should
 * end (so that a shorter processing time than observed is noticed), then
 * back off from there.
 */
static void
poll_after_start(FxWhisper *w)
{
	w->started_ms = fx_now_ms();
	w->queued = false;
	w->polls_since_start = 0;
	w->poll_delay_ms = Min(Max(100.0, 0.8 * processing_ms(w)), (double) finx_whisper_poll_ms);
	if (w->poll_timer)
	{
		fx_loop_cancel_timer(fx_lane_loop(), w->poll_timer);
		w->poll_timer = 0;
		schedule_poll(w);
	}
	/* else a poll is in flight: its answer schedules the next at that delay */
}

/* A server slot was freed: the oldest extraction in its queue starts. */
static void
promote_queued(void)
{
	dlist_iter	it;

	dlist_foreach(it, &pending_whispers)
	{
		FxWhisper  *q = dlist_container(FxWhisper, pending_node, it.cur);

		if (q->queued && q->phase == WH_STATUS)
		{
			poll_after_start(q);
			return;
		}
	}
}

/*
 * How long a whisper in the server's queue may still wait: the server
 * finishes one of ours every ready_gap_ms or so, in submit order, and
 * those submitted before it go first.  Polling then (not on a growing
 * backoff) finds it soon after it is done while sending about one poll per
 * extraction finished, however many are queued.
 */
static double
queue_wait_ms(FxWhisper *w)
{
	dlist_iter	it;
	int			ahead = 0;

	dlist_foreach(it, &pending_whispers)
	{
		if (dlist_container(FxWhisper, pending_node, it.cur) == w)
			break;
		ahead++;
	}
	return Min(Max(100.0, (ahead + 1) * ready_gap_ms + 0.8 * processing_ms(w)),
			   (double) finx_whisper_poll_ms);
}

/* A status answer that is not final: note whether the server queues it. */
static void
whisper_pending(FxWhisper *w, const char *status)
{
	bool		queued = status != NULL && strcmp(status, "accepted") == 0;

	w->polls_since_start++;
	if (queued && !w->queued)
	{
		w->queued = true;
		w->started_ms = 0;		/* it has not begun after all */
	}
	else if (!queued && w->queued)
		poll_after_start(w);	/* seen processing before any promotion */
	if (w->queued && ready_gap_ms > 0)
		w->poll_delay_ms = queue_wait_ms(w);
	schedule_poll(w);
}

/* Poll again after the current delay, then back off. */
static void
schedule_poll(FxWhisper *w)
{
	w->phase = WH_STATUS;
	w->poll_timer = fx_loop_timer(fx_lane_loop(), (int64) w->poll_delay_ms, send_poll, w);
	w->poll_delay_ms = Min(w->poll_delay_ms * 1.5, (double) finx_whisper_poll_ms);
}

/* The server lost the hash: submit again (bounded). */
static void
resubmit(FxWhisper *w, const char *why)
{
	unpend(w);
	fx_store_whisper_forget(w->document_id, w->pages_key, w->mode);
	fx_lane_release(&w->submit, false, 0, 0);
	if (++w->resubmits > 2)
	{
		whisper_end(w, NULL, psprintf("LLMWhisperer lost the extraction: %s", why),
					FX_FAIL_TRANSIENT);
		return;
	}
	whisper_submit(w);
}

/* The retrieve answered: commit the text, then hand it over. */
static void
whisper_retrieved(FxWhisper *w, FxCall *c)
{
	char	   *text = NULL,
			   *jerr = NULL,
			   *serr;
	char	  **split = NULL;
	int			n;
	char	  **texts;

	if (fx_json_whisper_retrieve(c->req.resp, c->req.resp_len, &text, &jerr) != 0)
	{
		resubmit(w, jerr ? jerr : "unreadable retrieve answer");
		free(jerr);
		return;
	}
	n = fx_split_whisper_pages(text, "<<<", &split);
	free(text);
	if (n != w->npages)
	{
		fx_free_pages(split, Max(n, 0));
		whisper_end(w, NULL, psprintf("LLMWhisperer returned %d page(s) for %d requested", n, w->npages),
					FX_FAIL_TERMINAL);
		return;
	}
	texts = palloc(sizeof(char *) * n);
	for (int i = 0; i < n; i++)
		texts[i] = pstrdup(split[i]);
	fx_free_pages(split, n);
	if (!fx_store_whisper_retrieved(w->document_id, w->pages_key, w->mode,
									fx_whisper_engine(w->mode), w->pages, texts, n, &serr))
		ereport(LOG, (errmsg("finextract: could not store retrieved text: %s", serr)));
	whisper_end(w, texts, NULL, FX_FAIL_TERMINAL);
}

/* A status poll or the retrieve answered. */
static void
whisper_polled(FxCall *c)
{
	FxWhisper  *w = c->arg;
	MemoryContext old = MemoryContextSwitchTo(w->cxt);
	char	   *status = NULL,
			   *message = NULL,
			   *jerr = NULL;

	if (!c->ok && c->req.status == 400 && w->phase == WH_STATUS)
		resubmit(w, c->error);
	else if (!c->ok && w->phase == WH_RETRIEVE && c->req.status == 400)
		resubmit(w, c->error);	/* already delivered: the text was lost */
	else if (!c->ok)
		whisper_end(w, NULL, psprintf("LLMWhisperer %s failed: %s",
									  w->phase == WH_RETRIEVE ? "retrieve" : "status poll",
									  c->error), c->kind);
	else if (w->phase == WH_RETRIEVE)
		whisper_retrieved(w, c);
	else if (fx_json_whisper_status(c->req.resp, c->req.resp_len, &status, &message, &jerr) != 0)
		schedule_poll(w);
	else
	{
		fx_whisper_state st = fx_whisper_state_of(status);

		if (st == FX_WHISPER_READY)
		{
			note_ready(w);
			unpend(w);
			promote_queued();
			w->phase = WH_RETRIEVE;
			send_poll(w);
		}
		else if (st == FX_WHISPER_FAILED)
			whisper_end(w, NULL, psprintf("LLMWhisperer could not extract the text: %s",
										  message ? message : status), FX_FAIL_TRANSIENT);
		else if (st == FX_WHISPER_RETRIEVED)
			resubmit(w, "the text was already retrieved");
		else if (st == FX_WHISPER_PENDING)
			whisper_pending(w, status);
		else
			schedule_poll(w);
	}
	free(status);
	free(message);
	free(jerr);
	MemoryContextSwitchTo(old);
}

/*
 * Extract the text of pages (ascending) of a PDF; done runs once.  An
 * extraction of the same pages and mode already submitted (before a
 * restart) is polled rather than submitted again.
 */
FxWhisper *
fx_whisper_start(int64 job_id, int64 document_id, const char *pdf_path,
				 const char *file_name, const int *pages, int npages,
				 const char *mode, FxWhisperDone done, void *arg)
{
	FxWhisper  *w = palloc0(sizeof(FxWhisper));

	w->cxt = CurrentMemoryContext;
	w->job_id = job_id;
	w->document_id = document_id;
	w->pdf_path = pstrdup(pdf_path);
	w->file_name = pstrdup(file_name);
	w->pages = palloc(sizeof(int) * npages);
	memcpy(w->pages, pages, sizeof(int) * npages);
	w->npages = npages;
	w->pages_key = pages_key(pages, npages);
	w->mode = pstrdup(mode);
	w->headers[0] = psprintf("unstract-key: %s", whisper_key());
	w->headers[1] = "Content-Type: application/octet-stream";
	w->headers[2] = NULL;
	w->done = done;
	w->arg = arg;
	w->hash = fx_store_whisper_get(document_id, w->pages_key, w->mode);
	if (w->hash)
	{
		/* submitted before a restart: poll it, holding a lane slot meanwhile */
		w->submitted_ms = fx_now_ms();
		w->started_ms = 0;		/* processing may have begun long ago */
		dlist_push_tail(&pending_whispers, &w->pending_node);
		w->pending = true;
		w->poll_delay_ms = 0;
		schedule_poll(w);
	}
	else
		whisper_submit(w);
	return w;
}

/* Abandon an extraction: no callback. */
void
fx_whisper_cancel(FxWhisper *w)
{
	if (w->deferred_timer)
		fx_loop_cancel_timer(fx_lane_loop(), w->deferred_timer);
	w->deferred_timer = 0;
	if (w->poll_timer)
		fx_loop_cancel_timer(fx_lane_loop(), w->poll_timer);
	w->poll_timer = 0;
	unpend(w);
	fx_lane_cancel(&w->submit);
	fx_lane_cancel(&w->poll);
	free(w->body);
	w->body = NULL;
}

/* Store the trace rows gathered so far. */
void
fx_remote_flush_trace(void)
{
	fx_lane_flush_trace(fx_store_trace);
}
