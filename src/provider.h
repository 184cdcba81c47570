/*-------------------------------------------------------------------------
 *
 * provider.h
 *	  The structurer interface: what an LLM provider supplies so that
 *	  remote.c can send it one statement's pages and read back statements.
 *
 * A provider is one file (src/provider_NAME.c) that defines a const
 * FxStructurer and one line in the registry (src/provider.c).  It owns its
 * settings (base URL, key), its request (URL, headers, body), the reading
 * of its answer into the statement JSON that json.c converts, the meaning
 * of its error answers (the lane's classify callback) and its rate-limit
 * headers (fed into the same buckets as x-ratelimit-*).  Nothing else in
 * the extension knows a provider's wire format.  finextract.llm_provider
 * chooses the provider of every job that uses the LLM structurer.
 *
 *-------------------------------------------------------------------------
 */
#ifndef FX_PROVIDER_H
#define FX_PROVIDER_H

#include "postgres.h"

#include "http.h"
#include "json.h"
#include "lane.h"

#define FX_PROVIDER_MAX_HEADERS 4

/* what one structuring call asks for */
typedef struct FxStructIn
{
	const char *model;			/* finextract.llm_model or the job's model */
	const char *system_prompt;
	const char *user_prompt;
	const char *schema_json;	/* src/statement_schema.json */
	int			max_tokens;		/* finextract.llm_max_tokens */
} FxStructIn;

/* the request a provider built (palloc'd except body) */
typedef struct FxStructOut
{
	char	   *url;
	char	   *headers[FX_PROVIDER_MAX_HEADERS + 1];	/* NULL-terminated */
	char	   *body;			/* malloc'd */
} FxStructOut;

typedef struct FxStructurer
{
	const char *name;			/* a value of finextract.llm_provider */
	const char *lane_group;		/* its lanes and rate buckets */
	const char *key_setting;	/* named in "needs ..." messages */
	const char *url_setting;

	/* define the provider's own settings (from _PG_init) */
	void		(*define_settings) (void);
	/* (re)read key files, at worker start and on SIGHUP (may be NULL) */
	void		(*load_keys) (void);
	/* the API key ("" when none) and base URL in force */
	const char *(*key) (void);
	const char *(*base_url) (void);
	/* build the request; false with *err (palloc'd) */
	bool		(*build) (const FxStructIn *in, FxStructOut *out, char **err);
	/* a 2xx body into statements; NULL with *err (malloc'd), see json.h */
	fx_result  *(*parse) (const char *body, size_t len, int first_page,
						  int last_page, fx_chat_info *info, char **err);
	/* what a failed answer means (the lane's classify callback) */
	FxClassify	classify;
	/* rate-limit and request-id headers beyond http.c's (may be NULL) */
	void		(*on_header) (FxHttpRequest *req, const char *name,
							  size_t name_len, const char *value);
} FxStructurer;

extern const FxStructurer fx_provider_openai;
extern const FxStructurer fx_provider_anthropic;

extern void fx_providers_define_settings(void);
extern const FxStructurer *fx_structurer_current(void);
extern int	fx_providers_keys(const char **keys, int max);

/* helpers the providers share */
extern char *fx_provider_url_encode(const char *s);
extern void fx_provider_define_secret(const char *name, const char *desc,
									  char **var, const char *(*show) (void));
extern const char *fx_provider_show_secret(const char *value);
extern bool fx_provider_header_is(const char *name, size_t n, const char *want);

#endif							/* FX_PROVIDER_H */
