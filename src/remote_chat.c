/*-------------------------------------------------------------------------
 *
 * remote_chat.c
 *	  The LLM structuring call as the pipeline sees it: one statement's
 *	  pages sent to the provider finextract.llm_provider names (its wire
 *	  format is in src/provider*.c), through its lane, and the answer read
 *	  back into statements.
 *
 * A chat call sends one statement's pages with the strict statement
 * schema; an unusable 2xx answer is sent again (the failure policy counts
 * it as transient), an answer the provider's parser rejects is an error,
 * never data.  A call counts one request and its tokens against the LLM's
 * rate limits of its key and model.  The tokens of a call are estimated
 * before it is sent (request bytes / bytes per token + max tokens: what an
 * OpenAI-style limiter charges) and corrected with the answer's usage,
 * which also teaches the estimate how many bytes make a token.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "finextract.h"
#include "json.h"
#include "lane.h"
#include "prompt.h"
#include "provider.h"
#include "remote.h"
#include "remote_int.h"

#define MAX_CHAT_RESPONSE (16 * 1024 * 1024)

static const char statement_schema[] =
#include "statement_schema.inc"
;

struct FxChat
{
	MemoryContext cxt;
	const FxStructurer *sp;		/* the provider */
	FxCall		call;
	char	   *body;
	char	   *headers[FX_PROVIDER_MAX_HEADERS + 1];
	int			first_page;
	int			last_page;
	int			max_tokens;		/* max_completion_tokens sent */
	char	   *deferred_error; /* failure found before the request */
	FxTimerId	deferred_timer;
	FxChatDone	done;
	void	   *arg;
};

static double bytes_per_token = 4.0;	/* of chat requests, learnt from usage */

/* Is the chosen LLM provider's key set? */
bool
fx_llm_configured(void)
{
	return fx_structurer_current()->key()[0] != '\0';
}

/* The setting that holds the LLM provider's key, for messages. */
const char *
fx_llm_key_setting(void)
{
	return fx_structurer_current()->key_setting;
}

/* The provider's lane; NULL when a new lane would pass finextract.max_lanes. */
static FxLane *
llm_lane(const FxStructurer *sp, const char *model)
{
	FxLane	   *lane;

	if (fx_lanes_count() >= finx_max_lanes &&
		!fx_lane_exists(sp->lane_group, sp->key(), model))
		return NULL;
	lane = fx_lane_get(sp->lane_group, sp->key(), model, finx_llm_max_concurrency,
					   finx_max_concurrency_bound);

	fx_lane_set_rate(lane, sp->lane_group, sp->key(), model, finx_llm_rpm, finx_llm_tpm);
	return lane;
}

/*
 * The answer's usage says what the call really counted for: its prompt
 * tokens plus the max_completion_tokens it asked for.  Correct the lane's
 * charge and learn how many request bytes make a prompt token.
 */
static void
chat_usage(FxChat *ch, const fx_chat_info *info)
{
	if (info->prompt_tokens <= 0)
		return;
	fx_lane_correct_tokens(&ch->call, (double) info->prompt_tokens + ch->max_tokens);
	bytes_per_token = 0.8 * bytes_per_token +
		0.2 * Max(1.0, (double) ch->call.req.body_len / info->prompt_tokens);
}

/*
 * A chat call is over: free its request body and answer before the owner
 * hears of it (the owner may free the call with its job).
 */
static void
chat_release(FxChat *ch)
{
	fx_lane_call_free(&ch->call);
	free(ch->body);
	ch->body = NULL;
	ch->call.req.body = NULL;
}

/* A chat call answered. */
static void
chat_answered(FxCall *c)
{
	FxChat	   *ch = c->arg;
	MemoryContext old = MemoryContextSwitchTo(ch->cxt);
	fx_chat_info info;
	char	   *jerr = NULL;
	fx_result  *res;

	if (!c->ok)
	{
		char	   *why = psprintf("LLM call failed: %s", c->error);
		FxFailKind	kind = c->kind;

		chat_release(ch);
		ch->done(ch->arg, NULL, why, kind);
		MemoryContextSwitchTo(old);
		return;
	}
	memset(&info, 0, sizeof(info));
	res = ch->sp->parse(c->req.resp, c->req.resp_len, ch->first_page,
						ch->last_page, &info, &jerr);
	chat_usage(ch, &info);
	if (res == NULL && info.unreadable)
		fx_lane_retry(c, jerr ? jerr : "unreadable answer");
	else if (res == NULL)
	{
		char	   *why = psprintf("the LLM's answer was rejected: %s",
								   jerr ? jerr : "out of memory");

		chat_release(ch);
		ch->done(ch->arg, NULL, why, FX_FAIL_TERMINAL);
	}
	else
	{
		chat_release(ch);
		ch->done(ch->arg, res, NULL, FX_FAIL_TERMINAL);
	}
	free(jerr);
	MemoryContextSwitchTo(old);
}

/* Report a failure found before the request, from the loop. */
static void
deferred_chat_end(void *arg)
{
	FxChat	   *ch = arg;

	ch->deferred_timer = 0;
	chat_release(ch);
	ch->done(ch->arg, NULL, ch->deferred_error, FX_FAIL_TERMINAL);
}

static void
defer_chat_failure(FxChat *ch, const char *error)
{
	ch->deferred_error = pstrdup(error);
	ch->deferred_timer = fx_loop_timer(fx_lane_loop(), 0, deferred_chat_end, ch);
}

/* Start one structuring call for a statement's pages. */
FxChat *
fx_chat_start(int64 job_id, int statement, const char *model,
			  const char *const *texts, const int *pages, int npages,
			  int type_hint, FxChatDone done, void *arg)
{
	FxChat	   *ch = palloc0(sizeof(FxChat));
	const FxStructurer *sp = fx_structurer_current();
	FxStructIn	in;
	FxStructOut out;
	char	   *system = fx_llm_system_prompt();
	char	   *user = fx_llm_user_prompt(type_hint, texts, pages, npages);
	char	   *err = NULL;
	bool		built;
	FxLane	   *lane;

	ch->cxt = CurrentMemoryContext;
	ch->sp = sp;
	ch->first_page = pages[0];
	ch->last_page = pages[npages - 1];
	ch->done = done;
	ch->arg = arg;
	memset(&in, 0, sizeof(in));
	memset(&out, 0, sizeof(out));
	in.model = model;
	in.system_prompt = system;
	in.user_prompt = user;
	in.schema_json = statement_schema;
	in.max_tokens = finx_llm_max_tokens;
	built = system && user && sp->build(&in, &out, &err);
	free(system);
	free(user);
	ch->body = out.body;
	memcpy(ch->headers, out.headers, sizeof(ch->headers));
	fx_remote_init_call(&ch->call, job_id, statement, "chat", "POST", out.url, ch->headers,
			  MAX_CHAT_RESPONSE);
	ch->call.classify = sp->classify;
	ch->call.req.on_header = sp->on_header;
	ch->call.req.body = ch->body;
	ch->call.req.body_len = ch->body ? strlen(ch->body) : 0;
	ch->call.units = Max(1.0, (double) ch->call.req.body_len / 4000.0);
	ch->max_tokens = finx_llm_max_tokens;
	ch->call.tokens = ceil((double) ch->call.req.body_len / bytes_per_token) + ch->max_tokens;
	ch->call.done = chat_answered;
	ch->call.arg = ch;
	if (!built)
	{
		defer_chat_failure(ch, psprintf("could not build the LLM request: %s", err ? err : "out of memory"));
		return ch;
	}
	if ((err = fx_http_check_url(sp->base_url(), finx_allow_plain_http)) != NULL)
	{
		defer_chat_failure(ch, psprintf("%s: %s", sp->url_setting, err));
		return ch;
	}
	if ((lane = llm_lane(sp, model)) == NULL)
	{
		defer_chat_failure(ch, psprintf("the LLM model \"%s\" needs a new provider lane, and the worker already has the %d that finextract.max_lanes allows; "
										"use a model other jobs use, or raise finextract.max_lanes (lanes last until the worker restarts)",
										model, finx_max_lanes));
		return ch;
	}
	fx_lane_submit(lane, &ch->call);
	return ch;
}

/* Abandon a chat call: no callback. */
void
fx_chat_cancel(FxChat *ch)
{
	if (ch->deferred_timer)
		fx_loop_cancel_timer(fx_lane_loop(), ch->deferred_timer);
	ch->deferred_timer = 0;
	fx_lane_cancel(&ch->call);
	free(ch->body);
	ch->body = NULL;
}
