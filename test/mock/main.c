/*-------------------------------------------------------------------------
 *
 * main.c
 *	  finx-mock: a faithful mock of LLMWhisperer v2 and an OpenAI-compatible
 *	  chat completions API, for finextract's tests.
 *
 *	  Owns the command line, the event base, the listening socket (on
 *	  127.0.0.1 only), process limits and signals, and the router that
 *	  hands each request to whisper.c, chat.c or admin.c.
 *
 *	  finx-mock --port 0 [--seed N] [--whisper-key K]... [--llm-key K]...
 *	            [--fault ENDPOINT:KIND=P]... [--KNOB VALUE]...
 *
 *	  With --port 0 a free port is chosen; "PORT=<n>" is printed on stdout
 *	  either way, once listening.
 *
 *-------------------------------------------------------------------------
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/http.h>

#include "admin.h"
#include "call.h"
#include "chat.h"
#include "messages.h"
#include "extract.h"
#include "faults.h"
#include "knobs.h"
#include "rng.h"
#include "util.h"
#include "whisper.h"

typedef struct Options
{
	int			port;
	long		seed;
	const char *whisper_prefix;
	const char *chat_prefix;
	int			log_size;
	int			idle_timeout;
	double		hang_limit;
	int			extract_children;
	int			cache_mb;
	int			backlog;
	bool		quiet;
} Options;

static Options opts = {
	.port = 0,
	.seed = 1,
	.whisper_prefix = "/api/v2",
	.chat_prefix = "/v1",
	.log_size = 100000,
	.idle_timeout = 600,
	.hang_limit = 600,
	.extract_children = 4,
	.cache_mb = 512,
	.backlog = 4096,
};

static const struct
{
	const char *path;
	Route		route;
}			whisper_routes[] = {
	{"whisper", R_SUBMIT},
	{"whisper-status", R_STATUS},
	{"whisper-retrieve", R_RETRIEVE},
	{"whisper-detail", R_DETAIL},
	{"get-usage-info", R_USAGE},
	{"highlights", R_HIGHLIGHTS},
	{"whisper-manage-callback", R_CALLBACK},
};

static void
usage(FILE *out)
{
	fprintf(out,
			"usage: finx-mock [options] [--KNOB VALUE]...\n"
			"  --port N                 listen on 127.0.0.1:N (0 = any free port)\n"
			"  --seed N                 seed of the fault/jitter RNG (default 1)\n"
			"  --whisper-key K          accepted unstract-key (repeatable; none = any)\n"
			"  --llm-key K              accepted Bearer / api-key (repeatable; none = any)\n"
			"  --fault EP:KIND=P        inject a fault (EP:KIND=nth:N[xC] for calls N..)\n"
			"                           EP: submit status retrieve detail usage highlights\n"
			"                               callback chat\n"
			"                           KIND: 500 503 408 409 429 reset hang truncate\n"
			"                               wrong_content_type no_retry job_error job_failed\n"
			"                               job_unknown length content_filter refusal\n"
			"                               bad_content\n"
			"  --whisper-prefix P       LLMWhisperer base path (default /api/v2)\n"
			"  --chat-prefix P          chat base path (default /v1)\n"
			"  --log-size N             request log entries kept (default 100000)\n"
			"  --idle-timeout S         close idle connections after S s (default 600)\n"
			"  --hang-limit S           drop a hung request after S s (default 600)\n"
			"  --extract-children N     pdftotext processes at once (default 4)\n"
			"  --cache-mb N             extracted-text cache size (default 512)\n"
			"  --quiet                  no startup message on stderr\n"
			"knobs (also POST /__admin/config {\"knob_name\": value}):\n");
	knobs_print_help(out);
}

/* an option with a value: --name=value or --name value */
static const char *
take_value(int argc, char **argv, int *i, const char *eq)
{
	if (eq)
		return eq + 1;
	if (*i + 1 >= argc)
	{
		fprintf(stderr, "finx-mock: option %s needs a value\n", argv[*i]);
		exit(2);
	}
	return argv[++*i];
}

static bool
int_option(const char *value, int *out)
{
	return parse_int(value, out) && *out >= 0;
}

/* the fixed options; false if name is not one of them */
static bool
fixed_option(const char *name, const char *value, char *err, size_t errlen)
{
	bool		ok = true;
	double		d;

	if (!strcmp(name, "port"))
		ok = int_option(value, &opts.port) && opts.port < 65536;
	else if (!strcmp(name, "seed"))
		opts.seed = atol(value);
	else if (!strcmp(name, "whisper_key"))
		keys_add(KEYS_WHISPER, value);
	else if (!strcmp(name, "llm_key"))
		keys_add(KEYS_LLM, value);
	else if (!strcmp(name, "whisper_prefix"))
		opts.whisper_prefix = value;
	else if (!strcmp(name, "chat_prefix"))
		opts.chat_prefix = value;
	else if (!strcmp(name, "log_size"))
		ok = int_option(value, &opts.log_size) && opts.log_size > 0;
	else if (!strcmp(name, "idle_timeout"))
		ok = int_option(value, &opts.idle_timeout);
	else if (!strcmp(name, "hang_limit"))
		ok = parse_double(value, &d) && (opts.hang_limit = d) >= 0;
	else if (!strcmp(name, "extract_children"))
		ok = int_option(value, &opts.extract_children);
	else if (!strcmp(name, "cache_mb"))
		ok = int_option(value, &opts.cache_mb);
	else if (!strcmp(name, "fault"))
		return faults_set_cli(value, err, errlen);
	else
		return knobs_set(name, value, err, errlen);
	if (!ok)
		snprintf(err, errlen, "invalid value \"%s\" for --%s", value, name);
	return ok;
}

static void
parse_args(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
	{
		char		name[64], err[256];
		const char *arg = argv[i];
		const char *eq = strchr(arg, '=');
		size_t		n;

		if (!strcmp(arg, "--help") || !strcmp(arg, "-h"))
		{
			usage(stdout);
			exit(0);
		}
		if (!strcmp(arg, "--quiet"))
		{
			opts.quiet = true;
			continue;
		}
		if (strncmp(arg, "--", 2) != 0 ||
			(n = (eq ? (size_t) (eq - arg) : strlen(arg)) - 2) >= sizeof(name))
		{
			fprintf(stderr, "finx-mock: unexpected argument \"%s\"\n", arg);
			exit(2);
		}
		memcpy(name, arg + 2, n);
		name[n] = '\0';
		for (char *p = name; *p; p++)
			if (*p == '-')
				*p = '_';
		if (!fixed_option(name, take_value(argc, argv, &i, eq), err, sizeof(err)))
		{
			fprintf(stderr, "finx-mock: %s\n", err);
			exit(2);
		}
	}
}

/* the route of a path, R_NOT_FOUND if none */
static Route
route_of(const char *path)
{
	size_t		wl = strlen(opts.whisper_prefix);
	size_t		cl = strlen(opts.chat_prefix);

	if (strncmp(path, "/__admin/", 9) == 0)
		return R_ADMIN;
	if (strncmp(path, opts.whisper_prefix, wl) == 0 && path[wl] == '/')
	{
		for (int i = 0; i < (int) lengthof(whisper_routes); i++)
			if (strcmp(path + wl + 1, whisper_routes[i].path) == 0)
				return whisper_routes[i].route;
	}
	if (strncmp(path, opts.chat_prefix, cl) == 0 &&
		strcmp(path + cl, "/chat/completions") == 0)
		return R_CHAT;
	if (strcmp(path, "/v1/messages") == 0)
		return R_MESSAGES;
	if (strncmp(path, "/openai/deployments/", 20) == 0)
	{
		const char *slash = strchr(path + 20, '/');

		if (slash && slash > path + 20 && strcmp(slash, "/chat/completions") == 0)
			return R_AZURE_CHAT;
	}
	return R_NOT_FOUND;
}

static void
not_found(Call *call, const char *path)
{
	char		msg[512];
	json_object *o = json_object_new_object();
	json_object *e = json_object_new_object();

	snprintf(msg, sizeof(msg), "Invalid URL (%s %.400s)",
			 evhttp_request_get_command(call->req) == EVHTTP_REQ_GET ? "GET" : "POST", path);
	json_object_object_add(e, "message", json_object_new_string(msg));
	json_object_object_add(e, "type", json_object_new_string("invalid_request_error"));
	json_object_object_add(e, "param", NULL);
	json_object_object_add(e, "code", NULL);
	json_object_object_add(o, "error", e);
	json_object_object_add(o, "message", json_object_new_string(msg));
	call_set_json(call, 404, o);
	call_send(call, 0);
}

/* every request starts here */
static void
dispatch(struct evhttp_request *req, void *arg)
{
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
	const char *path = uri ? evhttp_uri_get_path(uri) : NULL;
	Route		route;
	Call	   *call;

	(void) arg;

	if (path == NULL)
	{
		evhttp_send_error(req, 400, NULL);
		return;
	}
	route = route_of(path);
	call = call_begin(req, route);
	if (route == R_ADMIN)
		admin_handle(call);
	else if (route == R_CHAT || route == R_AZURE_CHAT)
		chat_handle(call);
	else if (route == R_MESSAGES)
		messages_handle(call);
	else if (route == R_NOT_FOUND)
		not_found(call, path);
	else
		whisper_handle(call);
}

/* as many descriptors as the hard limit allows */
static void
raise_fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max)
	{
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

/* a non-blocking listening socket on 127.0.0.1:port */
static int
listen_socket(int port, int *bound_port)
{
	int			fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int			one = 1;
	struct sockaddr_in sa;
	socklen_t	len = sizeof(sa);

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons(port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *) &sa, sizeof(sa)) != 0 ||
		listen(fd, opts.backlog) != 0 ||
		getsockname(fd, (struct sockaddr *) &sa, &len) != 0)
	{
		close(fd);
		return -1;
	}
	*bound_port = ntohs(sa.sin_port);
	return fd;
}

static void
stop_cb(evutil_socket_t sig, short what, void *arg)
{
	(void) sig;
	(void) what;
	(void) arg;
	event_base_loopexit(mock_base, NULL);
}

static struct evhttp *
make_http(int fd)
{
	struct evhttp *http = evhttp_new(mock_base);

	evhttp_set_gencb(http, dispatch, NULL);
	evhttp_set_timeout(http, opts.idle_timeout);
	evhttp_set_max_body_size(http, 512 * 1024 * 1024);
	evhttp_set_allowed_methods(http, EVHTTP_REQ_GET | EVHTTP_REQ_POST |
							   EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE |
							   EVHTTP_REQ_HEAD | EVHTTP_REQ_PATCH);
	evhttp_set_default_content_type(http, "application/json");
	if (evhttp_accept_socket_with_handle(http, fd) == NULL)
	{
		fprintf(stderr, "finx-mock: cannot accept on the socket\n");
		exit(1);
	}
	return http;
}

int
main(int argc, char **argv)
{
	struct evhttp *http;
	struct event *sigint, *sigterm;
	int			fd, port;

	knobs_init();
	parse_args(argc, argv);
	knobs_snapshot();
	faults_snapshot();
	rng_seed((uint64_t) opts.seed);
	raise_fd_limit();
	signal(SIGPIPE, SIG_IGN);
	admin_init(opts.log_size);
	extract_init(opts.extract_children, (size_t) opts.cache_mb * 1024 * 1024, 120.0);
	call_set_hang_limit(opts.hang_limit);

	if ((fd = listen_socket(opts.port, &port)) < 0)
	{
		fprintf(stderr, "finx-mock: cannot listen on 127.0.0.1:%d: %s\n",
				opts.port, strerror(errno));
		return 1;
	}
	mock_base = event_base_new();
	http = make_http(fd);
	sigint = evsignal_new(mock_base, SIGINT, stop_cb, NULL);
	sigterm = evsignal_new(mock_base, SIGTERM, stop_cb, NULL);
	event_add(sigint, NULL);
	event_add(sigterm, NULL);

	printf("PORT=%d\n", port);
	fflush(stdout);
	if (!opts.quiet)
		fprintf(stderr, "finx-mock: listening on 127.0.0.1:%d (whisper %s, chat %s)\n",
				port, opts.whisper_prefix, opts.chat_prefix);
	event_base_dispatch(mock_base);

	evhttp_free(http);
	event_free(sigint);
	event_free(sigterm);
	event_base_free(mock_base);
	return 0;
}
