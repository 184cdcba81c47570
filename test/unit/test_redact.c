/*
 * test_redact.c
 *	  Unit tests of src/redact.c: keys (whole and 8-character runs), bearer
 *	  tokens and key headers become "[redacted]"; the output is cut short
 *	  safely; nothing else changes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "redact.h"

static int	failures = 0;
static int	checks = 0;

/* Redact src and compare with want. */
static void
expect(const char *src, const char *want)
{
	char		buf[1024];
	size_t		n = fx_redact_into(src, buf, sizeof(buf));

	checks++;
	if (strcmp(buf, want) != 0 || n != strlen(want))
	{
		failures++;
		printf("FAIL: \"%s\"\n  got  \"%s\" (%zu)\n  want \"%s\"\n", src, buf, n, want);
	}
}

/* Does s contain any run of 8 characters of key? */
static int
has_run(const char *s, const char *key)
{
	size_t		m = strlen(key);

	for (size_t j = 0; j + 8 <= m; j++)
	{
		char		run[9];

		memcpy(run, key + j, 8);
		run[8] = '\0';
		if (strstr(s, run))
			return 1;
	}
	return 0;
}

/* Redact src into buffers of every size and check none leaks a run of key. */
static void
expect_no_leak_any_size(const char *src, const char *key)
{
	size_t		full = fx_redact_len(src);

	for (size_t sz = 1; sz <= full + 2; sz++)
	{
		char	   *buf = malloc(sz);

		fx_redact_into(src, buf, sz);
		checks++;
		if (strlen(buf) > sz - 1 || has_run(buf, key))
		{
			failures++;
			printf("FAIL: size %zu of \"%s\" gave \"%s\"\n", sz, src, buf);
		}
		free(buf);
	}
}

int
main(void)
{
	const char *const keys[] = {"sk-proj-ABCDEFGHijklmnop1234", "wk_0123456789abcdef", NULL, "", "short"};

	/* nothing configured, nothing to find: unchanged */
	expect("HTTP 500: internal error", "HTTP 500: internal error");
	expect("", "");
	if (fx_redact_set_keys(keys, 5) != 0)
	{
		printf("FAIL: set_keys\n");
		return 1;
	}
	expect("HTTP 500: internal error", "HTTP 500: internal error");

	/* whole keys and runs of 8+ of them */
	expect("Incorrect API key provided: sk-proj-ABCDEFGHijklmnop1234.",
		   "Incorrect API key provided: [redacted].");
	expect("key ...GHijklmn... seen", "key ...[redacted]... seen");
	expect("key GHijklm (7) stays", "key GHijklm (7) stays");
	expect("key=wk_0123456789abcdef&x=1", "key=[redacted]&x=1");
	expect("456789ab", "[redacted]");
	expect("a short key: short", "a [redacted] key: [redacted]");

	/* bearer tokens, any case, with the key unknown */
	expect("Incorrect API key provided: Bearer sk-zzzzzzzzzzzz",
		   "Incorrect API key provided: Bearer [redacted]");
	expect("bearer\tabc.def-ghi", "bearer\t[redacted]");
	expect("BEARER x", "BEARER [redacted]");
	expect("the bearer: ok", "the bearer: ok");

	/* key headers: header lines, JSON echoes, query strings */
	expect("unstract-key: abc123", "unstract-key: [redacted]");
	expect("Unstract-Key:abc123\r\nAccept: */*", "Unstract-Key:[redacted]\r\nAccept: */*");
	expect("X-API-Key: foo bar", "X-API-Key: [redacted] bar");
	expect("{\"api-key\": \"secretvalue\"}", "{\"api-key\": \"[redacted]\"}");
	expect("{\\\"unstract-key\\\":\\\"v\\\"}", "{\\\"unstract-key\\\":\\\"[redacted]\\\"}");
	expect("?api-key=zzz&b=1", "?api-key=[redacted]&b=1");
	expect("Authorization: Bearer tok en\nnext", "Authorization: [redacted]\nnext");
	expect("{\"authorization\":\"Bearer sk-zzz\"}", "{\"authorization\":\"[redacted]\"}");
	expect("api-key is missing", "api-key is missing");
	expect("the api-key: ", "the api-key: ");

	/* cut short at every size: valid, bounded, never a run of a key */
	expect_no_leak_any_size("Incorrect API key provided: sk-proj-ABCDEFGHijklmnop1234 (Bearer sk-proj-ABCDEFGHijklmnop1234)",
							"sk-proj-ABCDEFGHijklmnop1234");
	expect_no_leak_any_size("xxwk_0123456789abcdefyy", "wk_0123456789abcdef");

	/* NULL */
	{
		char		b[4] = "abc";

		checks++;
		if (fx_redact_into(NULL, b, sizeof(b)) != 0 || b[0] != '\0' || fx_redact_len(NULL) != 0)
		{
			failures++;
			printf("FAIL: NULL\n");
		}
	}

	/* new keys replace the old */
	{
		const char *const k2[] = {"ZYXWVUTSRQ"};

		fx_redact_set_keys(k2, 1);
		expect("sk-proj-ABCDEFGHijklmnop1234 ZYXWVUTSRQ", "sk-proj-ABCDEFGHijklmnop1234 [redacted]");
		fx_redact_set_keys(NULL, 0);
		expect("ZYXWVUTSRQ", "ZYXWVUTSRQ");
	}

	printf("test_redact: %d checks, %d failures\n", checks, failures);
	return failures ? 1 : 0;
}
