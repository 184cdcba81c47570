/*-------------------------------------------------------------------------
 *
 * provider_openai.c
 *	  The OpenAI-compatible structurer: chat completions with the strict
 *	  json_schema response format, at finextract.llm_url, or Azure OpenAI's
 *	  deployment URL when finextract.llm_api_version is set.
 *
 * Its settings (finextract.llm_url, llm_api_key, llm_api_key_file,
 * llm_api_version) are defined in finextract.c, as they were before
 * providers were plug-ins.  Errors follow OpenAI's shape; a 429 whose code
 * is insufficient_quota is a quota failure (never retried).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "finextract.h"
#include "provider.h"
#include "remote.h"

static char *key_from_file = NULL;

/* Read finextract.llm_api_key_file. */
static void
openai_load_keys(void)
{
	if (key_from_file)
		pfree(key_from_file);
	key_from_file = fx_read_key_file(finx_llm_key_file, "finextract.llm_api_key_file");
}

/* The key: the setting, else the key file's. */
static const char *
openai_key(void)
{
	if (finx_llm_key && finx_llm_key[0])
		return finx_llm_key;
	return key_from_file ? key_from_file : "";
}

static const char *
openai_base_url(void)
{
	return finx_llm_url;
}

/* POST {llm_url}/chat/completions, or Azure's deployment URL. */
static bool
openai_build(const FxStructIn *in, FxStructOut *out, char **err)
{
	bool		azure = finx_llm_api_version && finx_llm_api_version[0];
	char	   *jerr = NULL;

	out->body = fx_json_chat_request(azure ? NULL : in->model, in->system_prompt,
									 in->user_prompt, in->schema_json,
									 in->max_tokens, &jerr);
	if (out->body == NULL)
	{
		*err = pstrdup(jerr ? jerr : "out of memory");
		free(jerr);
		return false;
	}
	out->url = azure ?
		psprintf("%s/openai/deployments/%s/chat/completions?api-version=%s",
				 finx_llm_url, fx_provider_url_encode(in->model),
				 fx_provider_url_encode(finx_llm_api_version)) :
		psprintf("%s/chat/completions", finx_llm_url);
	out->headers[0] = azure ? psprintf("api-key: %s", openai_key()) :
		psprintf("Authorization: Bearer %s", openai_key());
	out->headers[1] = "Content-Type: application/json";
	out->headers[2] = NULL;
	return true;
}

/* A failed answer: OpenAI's error body; insufficient_quota is terminal. */
static FxFailKind
openai_classify(const FxHttpRequest *req, char **message)
{
	char		code[64] = "",
				type[64] = "";

	*message = req->resp ? fx_json_error_message(req->resp, req->resp_len,
												 code, sizeof(code),
												 type, sizeof(type)) : NULL;
	if (req->status == 429 && strcmp(code, "insufficient_quota") == 0)
		return FX_FAIL_QUOTA;
	return fx_fail_of_status(req->status);
}

const FxStructurer fx_provider_openai = {
	.name = "openai",
	.lane_group = "llm",
	.key_setting = "finextract.llm_api_key",
	.url_setting = "finextract.llm_url",
	.define_settings = NULL,
	.load_keys = openai_load_keys,
	.key = openai_key,
	.base_url = openai_base_url,
	.build = openai_build,
	.parse = fx_json_chat_response,
	.classify = openai_classify,
	.on_header = NULL,
};
