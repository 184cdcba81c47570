/*-------------------------------------------------------------------------
 *
 * extract.c
 *	  Owns the document cache and the pdftotext children.
 *
 * A submit either finds the document cached (the callback runs at once),
 * joins a running extraction of the same bytes, or queues a new one.  At
 * most max_children pdftotext processes run at a time; each is fed its
 * stdin and drained of its stdout through non-blocking pipes registered
 * with the event loop, killed after the timeout, and reaped without
 * blocking.  Cached documents are evicted oldest first past cache_bytes.
 *
 *-------------------------------------------------------------------------
 */
#define _GNU_SOURCE
#include "extract.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>

#include "admin.h"
#include "call.h"
#include "util.h"

#define MAX_OUTPUT (256 * 1024 * 1024)
#define NBUCKETS 1024

typedef struct Waiter
{
	ExtractCb	cb;
	void	   *arg;
	struct Waiter *next;
} Waiter;

typedef struct Entry
{
	Doc			doc;
	bool		ready;
	Waiter	   *waiters;
	/* while pending or running */
	unsigned char *input;
	size_t		input_len;
	size_t		written;
	pid_t		pid;
	int			in_fd;
	int			out_fd;
	struct event *ev_in;
	struct event *ev_out;
	struct event *ev_timer;
	struct evbuffer *output;
	bool		killed;
	double		deadline;
	struct Entry *hnext;		/* hash chain */
	struct Entry *qnext;		/* run queue, then age list */
} Entry;

static Entry *buckets[NBUCKETS];
static Entry *run_head, *run_tail;	/* waiting for a child slot */
static Entry *age_head, *age_tail;	/* ready entries, oldest first */
static int	running;
static int	max_children = 4;
static size_t cache_limit = 512 * 1024 * 1024;
static size_t cache_used;
static double child_timeout = 120.0;

static void start_next(void);

void
extract_init(int children, size_t bytes, double timeout)
{
	max_children = children > 0 ? children : 1;
	cache_limit = bytes;
	child_timeout = timeout;
}

static unsigned
bucket_of(const char *sha)
{
	unsigned	h = 0;

	for (int i = 0; i < 8 && sha[i]; i++)
		h = h * 31 + (unsigned char) sha[i];
	return h % NBUCKETS;
}

static Entry *
lookup(const char *sha)
{
	for (Entry *e = buckets[bucket_of(sha)]; e; e = e->hnext)
		if (strcmp(e->doc.sha, sha) == 0)
			return e;
	return NULL;
}

static void
unlink_entry(Entry *e)
{
	Entry	  **pp = &buckets[bucket_of(e->doc.sha)];

	while (*pp && *pp != e)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = e->hnext;
}

static void
entry_free(Entry *e)
{
	free(e->doc.text);
	free(e->doc.off);
	free(e->doc.len);
	free(e->doc.error);
	free(e->input);
	free(e);
}

/* drop the oldest ready documents until the cache fits */
static void
evict(void)
{
	while (cache_used > cache_limit && age_head != NULL)
	{
		Entry	   *e = age_head;

		age_head = e->qnext;
		if (age_head == NULL)
			age_tail = NULL;
		cache_used -= e->doc.bytes / 4 + (e->doc.text ? strlen(e->doc.text) : 0);
		unlink_entry(e);
		entry_free(e);
	}
}

/* split text at form feeds into pages */
static void
split_pages(Doc *doc, char *text, size_t n)
{
	int			cap = 16;

	doc->text = text;
	doc->off = xmalloc(cap * sizeof(size_t));
	doc->len = xmalloc(cap * sizeof(size_t));
	doc->npages = 0;
	for (size_t start = 0; start < n;)
	{
		char	   *ff = memchr(text + start, '\f', n - start);
		size_t		end = ff ? (size_t) (ff - text) : n;

		if (doc->npages == cap)
		{
			cap *= 2;
			doc->off = xrealloc(doc->off, cap * sizeof(size_t));
			doc->len = xrealloc(doc->len, cap * sizeof(size_t));
		}
		doc->off[doc->npages] = start;
		doc->len[doc->npages] = end - start;
		doc->npages++;
		start = ff ? end + 1 : n;
	}
}

/* the entry is done: cache it and tell everyone who waited */
static void
finish(Entry *e)
{
	Waiter	   *w = e->waiters;

	e->ready = true;
	e->waiters = NULL;
	free(e->input);
	e->input = NULL;
	cache_used += e->doc.bytes / 4 + (e->doc.text ? strlen(e->doc.text) : 0);
	e->qnext = NULL;
	if (age_tail)
		age_tail->qnext = e;
	else
		age_head = e;
	age_tail = e;
	while (w)
	{
		Waiter	   *next = w->next;

		w->cb(&e->doc, w->arg);
		free(w);
		w = next;
	}
	evict();
}

static void
set_error(Entry *e, const char *msg)
{
	e->doc.error = xstrdup(msg);
}

/* a document that is not a PDF: plain text, or an error */
static void
extract_plain(Entry *e)
{
	if (memchr(e->input, '\0', e->input_len) != NULL)
		set_error(e, "Unsupported file type: the mock reads PDF and plain text only");
	else
		split_pages(&e->doc, xstrndup((char *) e->input, e->input_len),
					e->input_len);
	finish(e);
}

static bool
is_pdf(const unsigned char *data, size_t len)
{
	size_t		n = len < 1024 ? len : 1024;

	return memmem(data, n, "%PDF-", 5) != NULL;
}

/* ask for the text of data (whose sha256 is sha) */
void
extract_submit(const void *data, size_t len, const char *sha,
			   ExtractCb cb, void *arg)
{
	Entry	   *e = lookup(sha);
	Waiter	   *w;

	if (e && e->ready)
	{
		stats_count(C_EXTRACT_CACHE_HITS, 1);
		cb(&e->doc, arg);
		return;
	}
	w = xcalloc(1, sizeof(Waiter));
	w->cb = cb;
	w->arg = arg;
	if (e)
	{
		w->next = e->waiters;	/* already running: wait for it */
		e->waiters = w;
		return;
	}
	e = xcalloc(1, sizeof(Entry));
	strlcopy(e->doc.sha, sha, sizeof(e->doc.sha));
	e->doc.bytes = len;
	e->waiters = w;
	e->input = xmalloc(len);
	memcpy(e->input, data, len);
	e->input_len = len;
	e->hnext = buckets[bucket_of(sha)];
	buckets[bucket_of(sha)] = e;
	if (!is_pdf(data, len))
	{
		extract_plain(e);
		return;
	}
	if (run_tail)
		run_tail->qnext = e;
	else
		run_head = e;
	run_tail = e;
	start_next();
}

/* release the child's descriptors and events */
static void
close_child_io(Entry *e)
{
	if (e->ev_in)
		event_free(e->ev_in);
	if (e->ev_out)
		event_free(e->ev_out);
	e->ev_in = e->ev_out = NULL;
	if (e->in_fd >= 0)
		close(e->in_fd);
	if (e->out_fd >= 0)
		close(e->out_fd);
	e->in_fd = e->out_fd = -1;
}

/* the child has exited with status st */
static void
child_done(Entry *e, int st)
{
	size_t		n = evbuffer_get_length(e->output);

	if (e->killed)
		set_error(e, "Text extraction timed out");
	else if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
	{
		char		msg[128];

		snprintf(msg, sizeof(msg), "Unable to extract text: pdftotext failed (%s %d)",
				 WIFEXITED(st) ? "exit" : "signal",
				 WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
		set_error(e, msg);
	}
	else
		split_pages(&e->doc, xstrndup((char *) evbuffer_pullup(e->output, n), n), n);
	evbuffer_free(e->output);
	e->output = NULL;
	event_free(e->ev_timer);
	e->ev_timer = NULL;
	running--;
	finish(e);
	start_next();
}

/* timer: reap the child, or kill it once past the deadline */
static void
reap_cb(evutil_socket_t fd, short what, void *arg)
{
	Entry	   *e = arg;
	int			st;
	struct timeval tv = seconds_to_tv(0.005);

	(void) fd;
	(void) what;

	if (waitpid(e->pid, &st, WNOHANG) == e->pid)
	{
		close_child_io(e);
		child_done(e, st);
		return;
	}
	if (!e->killed && now_mono() > e->deadline)
	{
		kill(e->pid, SIGKILL);
		e->killed = true;
		close_child_io(e);
	}
	evtimer_add(e->ev_timer, &tv);
}

/* feed the child's stdin */
static void
write_cb(evutil_socket_t fd, short what, void *arg)
{
	Entry	   *e = arg;

	(void) what;

	while (e->written < e->input_len)
	{
		ssize_t		n = write(fd, e->input + e->written, e->input_len - e->written);

		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0)
			break;				/* EPIPE: the child stopped reading */
		e->written += n;
	}
	event_free(e->ev_in);
	e->ev_in = NULL;
	close(e->in_fd);
	e->in_fd = -1;
}

/* drain the child's stdout; at EOF start reaping */
static void
read_cb(evutil_socket_t fd, short what, void *arg)
{
	Entry	   *e = arg;
	struct timeval tv = {0, 0};

	(void) what;

	for (;;)
	{
		int			n = evbuffer_read(e->output, fd, 65536);

		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0 || evbuffer_get_length(e->output) > MAX_OUTPUT)
			break;
	}
	event_free(e->ev_out);
	e->ev_out = NULL;
	close(e->out_fd);
	e->out_fd = -1;
	evtimer_add(e->ev_timer, &tv);
}

/* in the child: wire the pipes and exec pdftotext */
static void
exec_child(int in_fd, int out_fd)
{
	int			devnull = open("/dev/null", O_WRONLY);

	dup2(in_fd, 0);
	dup2(out_fd, 1);
	if (devnull >= 0)
		dup2(devnull, 2);
	close_range(3, ~0U, 0);
	signal(SIGPIPE, SIG_DFL);
	execlp("pdftotext", "pdftotext", "-layout", "-enc", "UTF-8", "-", "-",
		   (char *) NULL);
	_exit(127);
}

/* start pdftotext for e */
static void
spawn(Entry *e)
{
	int			in[2], out[2];
	struct timeval tv = seconds_to_tv(child_timeout);

	e->in_fd = e->out_fd = -1;
	if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0 ||
		(e->pid = fork()) < 0)
	{
		set_error(e, "Unable to extract text: cannot start pdftotext");
		finish(e);
		return;
	}
	if (e->pid == 0)
		exec_child(in[0], out[1]);
	close(in[0]);
	close(out[1]);
	e->in_fd = in[1];
	e->out_fd = out[0];
	fcntl(e->in_fd, F_SETFL, O_NONBLOCK);
	fcntl(e->out_fd, F_SETFL, O_NONBLOCK);
	e->output = evbuffer_new();
	e->deadline = now_mono() + child_timeout;
	e->ev_in = event_new(mock_base, e->in_fd, EV_WRITE | EV_PERSIST, write_cb, e);
	e->ev_out = event_new(mock_base, e->out_fd, EV_READ | EV_PERSIST, read_cb, e);
	e->ev_timer = evtimer_new(mock_base, reap_cb, e);
	event_add(e->ev_in, NULL);
	event_add(e->ev_out, NULL);
	evtimer_add(e->ev_timer, &tv);
	running++;
	stats_count(C_EXTRACT_RUNS, 1);
}

/* start queued extractions while child slots are free */
static void
start_next(void)
{
	while (running < max_children && run_head != NULL)
	{
		Entry	   *e = run_head;

		run_head = e->qnext;
		if (run_head == NULL)
			run_tail = NULL;
		e->qnext = NULL;
		spawn(e);
	}
}
