/*-------------------------------------------------------------------------
 *
 * json_driver.c
 *	  A command-line front end to src/json.c and src/prompt.c for
 *	  mock_roundtrip.sh: builds chat request bodies from page text files
 *	  and prints what the parsers make of the bodies curl brings back.
 *
 *	  json_driver request MODEL|- SCHEMA HINT FIRST PAGEFILE...
 *	  json_driver response BODYFILE FIRST LAST
 *	  json_driver error BODYFILE
 *	  json_driver submit BODYFILE
 *	  json_driver status BODYFILE
 *	  json_driver pages BODYFILE SEP OUTDIR
 *
 * MODEL "-" leaves the model out (Azure); HINT is a statement type name
 * or "-".  Exit status: 0 on success, 2 when the parser reports an error
 * (printed as "error: ..."), 1 on misuse.
 *
 *-------------------------------------------------------------------------
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "prompt.h"

/* the whole of a file, NUL-terminated; *len gets its size */
static char *
slurp(const char *path, size_t *len)
{
	FILE	   *f = fopen(path, "rb");
	char	   *buf = NULL;
	size_t		cap = 0,
				n = 0,
				r;

	if (f == NULL)
	{
		perror(path);
		exit(1);
	}
	do
	{
		if (n + 4096 + 1 > cap)
		{
			cap = (n + 4096 + 1) * 2;
			buf = realloc(buf, cap);
			if (buf == NULL)
				exit(1);
		}
		r = fread(buf + n, 1, 4096, f);
		n += r;
	} while (r > 0);
	fclose(f);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

/* print "error: msg" and give the parser-error exit status */
static int
fail(char *err)
{
	printf("error: %s\n", err ? err : "out of memory");
	free(err);
	return 2;
}

/* hint name -> fx_stmt_type, or -1 */
static int
hint_of(const char *name)
{
	for (int t = 0; t < FX_NUM_STMT_TYPES; t++)
		if (strcmp(name, fx_stmt_type_name((fx_stmt_type) t)) == 0)
			return t;
	return -1;
}

/* request MODEL SCHEMA HINT FIRST PAGEFILE... */
static int
cmd_request(int argc, char **argv)
{
	int			n = argc - 4;
	char	  **pages = calloc(n + 1, sizeof(char *));
	int		   *nums = calloc(n + 1, sizeof(int));
	char	   *schema = slurp(argv[1], NULL);
	char	   *sys = fx_llm_system_prompt();
	char	   *user;
	char	   *body;
	char	   *err = NULL;

	for (int i = 0; i < n; i++)
	{
		pages[i] = slurp(argv[4 + i], NULL);
		nums[i] = atoi(argv[3]) + i;
	}
	user = fx_llm_user_prompt(hint_of(argv[2]), (const char *const *) pages, nums, n);
	body = fx_json_chat_request(strcmp(argv[0], "-") ? argv[0] : NULL, sys, user,
								schema, 8192, &err);
	if (body == NULL)
		return fail(err);
	fputs(body, stdout);
	for (int i = 0; i < n; i++)
		free(pages[i]);
	free(pages);
	free(nums);
	free(schema);
	free(sys);
	free(user);
	free(body);
	return 0;
}

/* print one statement in a line-per-thing form */
static void
print_statement(const fx_statement *st, int s)
{
	printf("statement %d %s pages %d-%d scale=%s currency=%s title=%s\n",
		   s + 1, fx_stmt_type_name(st->type), st->first_page, st->last_page,
		   st->unit_scale ? st->unit_scale : "NULL", st->currency, st->title);
	for (int p = 0; p < st->nperiods; p++)
		printf("period %d end=%04d-%02d-%02d months=%d label=%s\n", p + 1,
			   st->periods[p].end_year, st->periods[p].end_month,
			   st->periods[p].end_day, st->periods[p].months, st->periods[p].label);
	for (int i = 0; i < st->nitems; i++)
	{
		printf("item %d page=%d indent=%d total=%d label=%s values=", i + 1,
			   st->items[i].page, st->items[i].indent, st->items[i].is_total,
			   st->items[i].label);
		for (int p = 0; p < st->nperiods; p++)
			printf("%s%s", p ? "|" : "", st->items[i].values[p] ? st->items[i].values[p] : "NULL");
		printf("\n");
	}
}

/* response BODYFILE FIRST LAST */
static int
cmd_response(char **argv)
{
	size_t		len;
	char	   *body = slurp(argv[0], &len);
	char	   *err = NULL;
	fx_chat_info info;
	fx_result  *res = fx_json_chat_response(body, len, atoi(argv[1]), atoi(argv[2]),
											&info, &err);

	printf("usage prompt=%d completion=%d total=%d model=%s finish=%s\n",
		   info.prompt_tokens, info.completion_tokens, info.total_tokens,
		   info.model, info.finish_reason);
	free(body);
	if (res == NULL)
		return fail(err);
	printf("statements %d\n", res->nstatements);
	for (int s = 0; s < res->nstatements; s++)
		print_statement(&res->statements[s], s);
	fx_result_free(res);
	return 0;
}

/* error BODYFILE */
static int
cmd_error(char **argv)
{
	size_t		len;
	char	   *body = slurp(argv[0], &len);
	char		code[64],
				type[64];
	char	   *msg = fx_json_error_message(body, len, code, sizeof(code), type, sizeof(type));

	printf("code=%s type=%s message=%s\n", code, type, msg ? msg : "NULL");
	free(msg);
	free(body);
	return 0;
}

/* submit BODYFILE */
static int
cmd_submit(char **argv)
{
	size_t		len;
	char	   *body = slurp(argv[0], &len);
	char	   *hash = NULL,
			   *err = NULL;

	if (fx_json_whisper_submit(body, len, &hash, &err) != 0)
		return free(body), fail(err);
	printf("%s\n", hash);
	free(hash);
	free(body);
	return 0;
}

/* status BODYFILE */
static int
cmd_status(char **argv)
{
	static const char *const states[] = {"pending", "ready", "retrieved", "failed", "other"};
	size_t		len;
	char	   *body = slurp(argv[0], &len);
	char	   *status = NULL,
			   *msg = NULL,
			   *err = NULL;

	if (fx_json_whisper_status(body, len, &status, &msg, &err) != 0)
		return free(body), fail(err);
	printf("%s %s %s\n", states[fx_whisper_state_of(status)], status, msg ? msg : "");
	free(status);
	free(msg);
	free(body);
	return 0;
}

/* pages BODYFILE SEP OUTDIR: retrieve, split, one file per page */
static int
cmd_pages(char **argv)
{
	size_t		len;
	char	   *body = slurp(argv[0], &len);
	char	   *text = NULL,
			   *err = NULL;
	char	  **pages;
	int			n;
	char		path[4096];

	if (fx_json_whisper_retrieve(body, len, &text, &err) != 0)
		return free(body), fail(err);
	n = fx_split_whisper_pages(text, argv[1], &pages);
	for (int i = 0; i < n; i++)
	{
		FILE	   *f;

		snprintf(path, sizeof(path), "%s/page-%d.txt", argv[2], i + 1);
		f = fopen(path, "wb");
		if (f == NULL)
			return perror(path), 1;
		fputs(pages[i], f);
		fclose(f);
	}
	printf("%d\n", n);
	fx_free_pages(pages, n);
	free(text);
	free(body);
	return 0;
}

int
main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";

	if (strcmp(cmd, "request") == 0 && argc >= 7)
		return cmd_request(argc - 2, argv + 2);
	if (strcmp(cmd, "response") == 0 && argc == 5)
		return cmd_response(argv + 2);
	if (strcmp(cmd, "error") == 0 && argc == 3)
		return cmd_error(argv + 2);
	if (strcmp(cmd, "submit") == 0 && argc == 3)
		return cmd_submit(argv + 2);
	if (strcmp(cmd, "status") == 0 && argc == 3)
		return cmd_status(argv + 2);
	if (strcmp(cmd, "pages") == 0 && argc == 5)
		return cmd_pages(argv + 2);
	fprintf(stderr, "usage: see the header of json_driver.c\n");
	return 1;
}
