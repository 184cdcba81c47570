/*-------------------------------------------------------------------------
 *
 * loadgen.c
 *	  finx-load: a small closed-loop HTTP/1.1 load generator for measuring
 *	  finx-mock (loopback only).
 *
 *	  finx-load -p PORT [-c CONNS] [-d SECONDS] [-u PATH] [-m METHOD]
 *	            [-H 'Name: value']... [-b BODYFILE] [-i]
 *
 *	  Opens CONNS keep-alive connections to 127.0.0.1:PORT, waits until all
 *	  are connected, then keeps exactly one request outstanding on each for
 *	  SECONDS and reports requests/s, status classes and latency
 *	  percentiles.  With -i the connections are only held open (idle) for
 *	  SECONDS, to check that the server keeps them all.
 *
 *	  Owns everything about the load run; shares no code with the mock.
 *
 *-------------------------------------------------------------------------
 */
#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

typedef struct Conn
{
	struct bufferevent *bev;
	bool		connected;
	bool		closed;
	bool		in_body;
	size_t		need;			/* body bytes still to read */
	int			status;
	double		sent;
} Conn;

typedef struct Run
{
	int			port;
	int			nconns;
	double		seconds;
	bool		idle;
	char	   *request;		/* the full request, sent again and again */
	size_t		request_len;
	struct event_base *base;
	Conn	   *conns;
	int			connected;
	int			closed;
	int			failed;
	bool		started;
	bool		stopping;
	double		start;
	double		end;
	long		done;
	long		by_class[6];	/* 1xx..5xx, [0] = other */
	long		errors;
	float	   *lat;			/* latencies in ms */
	long		nlat;
	long		caplat;
} Run;

static Run	run;

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
send_request(Conn *c)
{
	c->sent = now();
	bufferevent_write(c->bev, run.request, run.request_len);
}

static void
record(Conn *c)
{
	int			cls = c->status / 100;

	run.done++;
	run.by_class[cls >= 1 && cls <= 5 ? cls : 0]++;
	if (run.nlat == run.caplat)
	{
		run.caplat = run.caplat ? run.caplat * 2 : 65536;
		run.lat = realloc(run.lat, run.caplat * sizeof(float));
	}
	run.lat[run.nlat++] = (float) ((now() - c->sent) * 1000.0);
}

/* parse the status line and Content-Length of a header block */
static bool
parse_head(Conn *c, const char *h, size_t n)
{
	const char *p;

	if (n < 12 || strncmp(h, "HTTP/1.", 7) != 0)
		return false;
	c->status = atoi(h + 9);
	c->need = 0;
	for (p = h; p < h + n; p++)
	{
		if ((p == h || p[-1] == '\n') && strncasecmp(p, "content-length:", 15) == 0)
		{
			c->need = strtoul(p + 15, NULL, 10);
			break;
		}
	}
	return true;
}

static void
read_cb(struct bufferevent *bev, void *arg)
{
	Conn	   *c = arg;
	struct evbuffer *in = bufferevent_get_input(bev);

	for (;;)
	{
		if (!c->in_body)
		{
			struct evbuffer_ptr end = evbuffer_search(in, "\r\n\r\n", 4, NULL);
			size_t		hlen;

			if (end.pos < 0)
				return;
			hlen = end.pos + 4;
			if (!parse_head(c, (char *) evbuffer_pullup(in, hlen), hlen))
			{
				run.errors++;
				evbuffer_drain(in, evbuffer_get_length(in));
				return;
			}
			evbuffer_drain(in, hlen);
			c->in_body = true;
		}
		if (evbuffer_get_length(in) < c->need)
			return;
		evbuffer_drain(in, c->need);
		c->in_body = false;
		record(c);
		if (!run.stopping)
			send_request(c);
	}
}

static void
start_load(void)
{
	run.started = true;
	run.start = now();
	if (run.idle)
		return;
	for (int i = 0; i < run.nconns; i++)
		if (run.conns[i].connected && !run.conns[i].closed)
			send_request(&run.conns[i]);
}

static void
event_cb(struct bufferevent *bev, short what, void *arg)
{
	Conn	   *c = arg;

	if (what & BEV_EVENT_CONNECTED)
	{
		int			one = 1;

		setsockopt(bufferevent_getfd(bev), IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		c->connected = true;
		if (++run.connected + run.failed == run.nconns)
			start_load();
		return;
	}
	if (!c->connected)
		run.failed++;
	else if (!run.stopping)
		run.errors++;
	if (!c->closed)
	{
		c->closed = true;
		run.closed++;
	}
	bufferevent_disable(bev, EV_READ | EV_WRITE);
	if (!c->connected && run.connected + run.failed == run.nconns && !run.started)
		start_load();
}

/* the end of the run: stop sending, then leave the loop shortly */
static void
stop_cb(evutil_socket_t fd, short what, void *arg)
{
	struct timeval grace = {0, 200000};

	(void) fd;
	(void) what;
	(void) arg;

	if (!run.started)
	{
		struct timeval again = {0, 100000};

		event_base_once(run.base, -1, EV_TIMEOUT, stop_cb, NULL, &again);
		return;
	}
	if (now() - run.start < run.seconds)
	{
		double		left = run.seconds - (now() - run.start);
		struct timeval rest = {(time_t) left, (suseconds_t) ((left - (time_t) left) * 1e6)};

		event_base_once(run.base, -1, EV_TIMEOUT, stop_cb, NULL, &rest);
		return;
	}
	run.stopping = true;
	run.end = now();
	event_base_loopexit(run.base, &grace);
}

static int
cmp_float(const void *a, const void *b)
{
	float		x = *(const float *) a, y = *(const float *) b;

	return x < y ? -1 : x > y;
}

static double
percentile(double p)
{
	long		i = (long) ceil(p / 100.0 * run.nlat) - 1;

	if (run.nlat == 0)
		return 0;
	if (i < 0)
		i = 0;
	return run.lat[i];
}

static void
report(void)
{
	double		secs = run.end - run.start;
	int			open = 0;

	for (int i = 0; i < run.nconns; i++)
		open += run.conns[i].connected && !run.conns[i].closed;
	qsort(run.lat, run.nlat, sizeof(float), cmp_float);
	printf("connections: %d requested, %d connected, %d failed, %d still open at the end\n",
		   run.nconns, run.connected, run.failed, open);
	if (run.idle)
	{
		printf("held idle for %.1f s\n", secs);
		return;
	}
	printf("duration: %.2f s, requests: %ld, requests/s: %.0f\n",
		   secs, run.done, secs > 0 ? run.done / secs : 0);
	printf("status: 2xx %ld, 3xx %ld, 4xx %ld, 5xx %ld, other %ld; errors %ld\n",
		   run.by_class[2], run.by_class[3], run.by_class[4], run.by_class[5],
		   run.by_class[0] + run.by_class[1], run.errors);
	printf("latency ms: p50 %.2f, p90 %.2f, p99 %.2f, max %.2f\n",
		   percentile(50), percentile(90), percentile(99), percentile(100));
}

static char *
read_file(const char *path, size_t *len)
{
	FILE	   *f = fopen(path, "rb");
	char	   *buf;
	long		n;

	if (f == NULL)
	{
		perror(path);
		exit(2);
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc(n + 1);
	if (fread(buf, 1, n, f) != (size_t) n)
		exit(2);
	fclose(f);
	*len = n;
	return buf;
}

/* build the request from the options */
static void
build_request(int argc, char **argv)
{
	const char *path = "/v1/chat/completions", *method = NULL, *bodyfile = NULL;
	char		headers[8192] = "";
	char	   *body = NULL;
	size_t		blen = 0, n;
	int			opt;

	while ((opt = getopt(argc, argv, "p:c:d:u:m:H:b:i")) != -1)
	{
		switch (opt)
		{
			case 'p': run.port = atoi(optarg); break;
			case 'c': run.nconns = atoi(optarg); break;
			case 'd': run.seconds = atof(optarg); break;
			case 'u': path = optarg; break;
			case 'm': method = optarg; break;
			case 'b': bodyfile = optarg; break;
			case 'i': run.idle = true; break;
			case 'H':
				strncat(headers, optarg, sizeof(headers) - strlen(headers) - 3);
				strcat(headers, "\r\n");
				break;
			default:
				fprintf(stderr, "usage: finx-load -p PORT [-c CONNS] [-d SECONDS] [-u PATH] [-m METHOD] [-H HEADER]... [-b BODYFILE] [-i]\n");
				exit(2);
		}
	}
	if (bodyfile)
		body = read_file(bodyfile, &blen);
	if (method == NULL)
		method = body ? "POST" : "GET";
	n = strlen(method) + strlen(path) + strlen(headers) + blen + 256;
	run.request = malloc(n);
	run.request_len = snprintf(run.request, n,
							   "%s %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n%sContent-Length: %zu\r\n\r\n",
							   method, path, run.port, headers, blen);
	memcpy(run.request + run.request_len, body ? body : "", blen);
	run.request_len += blen;
	free(body);
}

int
main(int argc, char **argv)
{
	struct sockaddr_in sa;
	struct rlimit rl;
	struct timeval tick = {0, 100000};

	run.nconns = 100;
	run.seconds = 10;
	build_request(argc, argv);
	if (run.port <= 0 || run.nconns <= 0)
	{
		fprintf(stderr, "finx-load: -p PORT is required\n");
		return 2;
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0)
	{
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	run.base = event_base_new();
	run.conns = calloc(run.nconns, sizeof(Conn));
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons(run.port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	for (int i = 0; i < run.nconns; i++)
	{
		Conn	   *c = &run.conns[i];

		c->bev = bufferevent_socket_new(run.base, -1, BEV_OPT_CLOSE_ON_FREE);
		bufferevent_setcb(c->bev, read_cb, NULL, event_cb, c);
		bufferevent_enable(c->bev, EV_READ | EV_WRITE);
		if (bufferevent_socket_connect(c->bev, (struct sockaddr *) &sa, sizeof(sa)) != 0)
			run.failed++;
	}
	event_base_once(run.base, -1, EV_TIMEOUT, stop_cb, NULL, &tick);
	event_base_dispatch(run.base);
	report();
	return run.failed || run.errors ? 1 : 0;
}
