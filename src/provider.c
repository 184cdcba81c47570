/*-------------------------------------------------------------------------
 *
 * provider.c
 *	  The registry of LLM providers (structurers) and the setting that
 *	  chooses one, finextract.llm_provider.
 *
 * Adding a provider is one file that defines its FxStructurer (see
 * provider.h) and one line in the registry below.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "miscadmin.h"
#include "lib/stringinfo.h"
#include "utils/guc.h"

#include "provider.h"

/* the registry: the first is the default */
static const FxStructurer *const providers[] = {
	&fx_provider_openai,
	&fx_provider_anthropic,
};

static char *llm_provider = NULL;

/* The provider of that name, or NULL. */
static const FxStructurer *
find_provider(const char *name)
{
	for (int i = 0; i < (int) lengthof(providers); i++)
		if (strcmp(providers[i]->name, name) == 0)
			return providers[i];
	return NULL;
}

/* GUC check hook of finextract.llm_provider: a registered name. */
static bool
check_llm_provider(char **newval, void **extra, GucSource source)
{
	StringInfoData names;

	if (*newval && find_provider(*newval))
		return true;
	initStringInfo(&names);
	for (int i = 0; i < (int) lengthof(providers); i++)
		appendStringInfo(&names, "%s%s", i ? ", " : "", providers[i]->name);
	GUC_check_errdetail("Valid values are %s.", names.data);
	return false;
}

/* Define finextract.llm_provider and every provider's own settings. */
void
fx_providers_define_settings(void)
{
	DefineCustomStringVariable("finextract.llm_provider",
							   "API of the LLM structurer.",
							   "Jobs whose structurer is llm (or auto with a key) send "
							   "their statements to this provider's API.",
							   &llm_provider, providers[0]->name, PGC_SIGHUP, 0,
							   check_llm_provider, NULL, NULL);
	for (int i = 0; i < (int) lengthof(providers); i++)
		if (providers[i]->define_settings)
			providers[i]->define_settings();
}

/* The provider finextract.llm_provider names. */
const FxStructurer *
fx_structurer_current(void)
{
	const FxStructurer *p = llm_provider ? find_provider(llm_provider) : NULL;

	return p ? p : providers[0];
}

/*
 * Every provider's key in force, for redaction (after load_keys); returns
 * how many were put in keys[0..max).
 */
int
fx_providers_keys(const char **keys, int max)
{
	int			n = 0;

	for (int i = 0; i < (int) lengthof(providers) && n < max; i++)
	{
		if (providers[i]->load_keys)
			providers[i]->load_keys();
		keys[n++] = providers[i]->key();
	}
	return n;
}

/* Percent-encode a URL query or path value. */
char *
fx_provider_url_encode(const char *s)
{
	StringInfoData b;

	initStringInfo(&b);
	for (const unsigned char *p = (const unsigned char *) s; *p; p++)
	{
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			(*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '.' || *p == '~')
			appendStringInfoChar(&b, *p);
		else
			appendStringInfo(&b, "%%%02X", *p);
	}
	return b.data;
}

/* SHOW of an API key: the key for superusers, a mask for anyone else. */
const char *
fx_provider_show_secret(const char *value)
{
	if (value == NULL || value[0] == '\0')
		return "";
	return superuser() ? value : "********";
}

/* Define an API key setting: superuser-only, never shown to others. */
void
fx_provider_define_secret(const char *name, const char *desc, char **var,
						  const char *(*show) (void))
{
	DefineCustomStringVariable(name, desc, NULL, var, "", PGC_SIGHUP,
							   GUC_SUPERUSER_ONLY | GUC_NO_SHOW_ALL | GUC_NOT_IN_SAMPLE,
							   NULL, NULL, show);
}

/* Is the header name[0..n) want (any case)?  Safe inside libcurl. */
bool
fx_provider_header_is(const char *name, size_t n, const char *want)
{
	return n == strlen(want) && pg_strncasecmp(name, want, n) == 0;
}
