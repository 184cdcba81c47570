/*-------------------------------------------------------------------------
 *
 * loop.c
 *	  One wait for everything the worker waits on.
 *
 * Watched descriptors live in a private epoll set; that epoll descriptor
 * joins a WaitEventSet together with the process latch and postmaster
 * death, so a single WaitEventSetWait() covers them all and scales to
 * thousands of descriptors (no select(), no rebuilt sets).  Timers are a
 * binary min-heap; the earliest one bounds the wait.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include "miscadmin.h"
#include "storage/latch.h"
#include "utils/memutils.h"
#include "utils/wait_event.h"

#include "loop.h"

#define MAX_EPOLL_EVENTS 256

typedef struct FxWatch
{
	FxIoCallback cb;
	void	   *arg;
	int			events;			/* 0 = not watched */
} FxWatch;

typedef struct FxTimer
{
	int64		when;			/* fx_now_ms() deadline */
	FxTimerId	id;
	FxTimerCallback cb;			/* NULL = cancelled */
	void	   *arg;
} FxTimer;

struct FxLoop
{
	MemoryContext cxt;
	int			epfd;
	WaitEventSet *wes;
	FxWatch    *watches;		/* indexed by fd */
	int			nwatch_slots;
	int			nwatched;
	FxTimer    *heap;
	int			nheap;
	int			heap_size;
	FxTimerId	next_id;
};

/* inside a foreign callback, where the loop must not be changed (loop.h) */
static bool loop_forbidden = false;
static uint64 loop_violations = 0;

/* Enter (true) or leave (false) a callback that must not change the loop. */
void
fx_loop_forbid(bool forbidden)
{
	loop_forbidden = forbidden;
}

/* How many times a loop function ran where it must not (see loop.h). */
uint64
fx_loop_violations(void)
{
	return loop_violations;
}

/*
 * Called first by every loop function that may allocate or raise: count a
 * call from inside a foreign callback (no ereport: that is the danger).
 */
static inline void
check_allowed(void)
{
	if (unlikely(loop_forbidden))
	{
		loop_violations++;
		Assert(!loop_forbidden);
	}
}

/* Monotonic milliseconds. */
int64
fx_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Create the loop: epoll set plus latch and postmaster death. */
FxLoop *
fx_loop_create(void)
{
	MemoryContext cxt = AllocSetContextCreate(TopMemoryContext,
											  "finextract loop",
											  ALLOCSET_DEFAULT_SIZES);
	FxLoop	   *loop = MemoryContextAllocZero(cxt, sizeof(FxLoop));

	loop->cxt = cxt;
	loop->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (loop->epfd < 0)
		ereport(ERROR,
				(errcode_for_socket_access(),
				 errmsg("could not create epoll descriptor: %m")));
	loop->wes = CreateWaitEventSet(cxt, 3);
	AddWaitEventToSet(loop->wes, WL_LATCH_SET, PGINVALID_SOCKET, MyLatch, NULL);
	AddWaitEventToSet(loop->wes, WL_EXIT_ON_PM_DEATH, PGINVALID_SOCKET, NULL, NULL);
	AddWaitEventToSet(loop->wes, WL_SOCKET_READABLE, loop->epfd, NULL, NULL);
	loop->heap_size = 64;
	loop->heap = MemoryContextAlloc(cxt, sizeof(FxTimer) * loop->heap_size);
	loop->next_id = 1;
	return loop;
}

/* Release the loop's descriptors and memory. */
void
fx_loop_destroy(FxLoop *loop)
{
	FreeWaitEventSet(loop->wes);
	close(loop->epfd);
	MemoryContextDelete(loop->cxt);
}

/* Make sure watches[fd] exists. */
static void
ensure_watch_slot(FxLoop *loop, int fd)
{
	int			n = loop->nwatch_slots;

	if (fd < n)
		return;
	n = Max(64, n);
	while (n <= fd)
		n *= 2;
	if (loop->watches == NULL)
		loop->watches = MemoryContextAllocZero(loop->cxt, sizeof(FxWatch) * n);
	else
	{
		loop->watches = repalloc(loop->watches, sizeof(FxWatch) * n);
		memset(loop->watches + loop->nwatch_slots, 0,
			   sizeof(FxWatch) * (n - loop->nwatch_slots));
	}
	loop->nwatch_slots = n;
}

/* Watch fd for the given events (add or change). */
void
fx_loop_watch(FxLoop *loop, int fd, int events, FxIoCallback cb, void *arg)
{
	struct epoll_event ev;
	bool		existed;

	check_allowed();
	Assert(fd >= 0);
	ensure_watch_slot(loop, fd);
	existed = loop->watches[fd].events != 0;
	memset(&ev, 0, sizeof(ev));
	ev.data.fd = fd;
	ev.events = ((events & FX_IO_READ) ? EPOLLIN : 0) |
		((events & FX_IO_WRITE) ? EPOLLOUT : 0);
	if (epoll_ctl(loop->epfd, existed ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, &ev) < 0)
		ereport(ERROR,
				(errcode_for_socket_access(),
				 errmsg("could not watch descriptor %d: %m", fd)));
	loop->watches[fd].cb = cb;
	loop->watches[fd].arg = arg;
	loop->watches[fd].events = events | FX_IO_ERROR;
	if (!existed)
		loop->nwatched++;
}

/* Stop watching fd.  Harmless if the descriptor was already closed. */
void
fx_loop_unwatch(FxLoop *loop, int fd)
{
	check_allowed();
	if (fd < 0 || fd >= loop->nwatch_slots || loop->watches[fd].events == 0)
		return;
	(void) epoll_ctl(loop->epfd, EPOLL_CTL_DEL, fd, NULL);
	loop->watches[fd].events = 0;
	loop->watches[fd].cb = NULL;
	loop->nwatched--;
}

/* Number of watched descriptors. */
int
fx_loop_nwatched(FxLoop *loop)
{
	return loop->nwatched;
}

/* Swap two heap entries. */
static inline void
heap_swap(FxTimer *h, int a, int b)
{
	FxTimer		t = h[a];

	h[a] = h[b];
	h[b] = t;
}

/* Restore heap order upwards from i. */
static void
heap_up(FxTimer *h, int i)
{
	while (i > 0)
	{
		int			p = (i - 1) / 2;

		if (h[p].when <= h[i].when)
			break;
		heap_swap(h, p, i);
		i = p;
	}
}

/* Restore heap order downwards from i. */
static void
heap_down(FxTimer *h, int n, int i)
{
	for (;;)
	{
		int			l = 2 * i + 1;
		int			m = i;

		if (l < n && h[l].when < h[m].when)
			m = l;
		if (l + 1 < n && h[l + 1].when < h[m].when)
			m = l + 1;
		if (m == i)
			break;
		heap_swap(h, m, i);
		i = m;
	}
}

/* Run cb(arg) after delay_ms; returns an id for fx_loop_cancel_timer. */
FxTimerId
fx_loop_timer(FxLoop *loop, int64 delay_ms, FxTimerCallback cb, void *arg)
{
	FxTimer    *t;
	FxTimerId	id = loop->next_id++;

	check_allowed();
	if (loop->nheap == loop->heap_size)
	{
		loop->heap_size *= 2;
		loop->heap = repalloc(loop->heap, sizeof(FxTimer) * loop->heap_size);
	}
	t = &loop->heap[loop->nheap];
	t->when = fx_now_ms() + Max(delay_ms, 0);
	t->id = id;
	t->cb = cb;
	t->arg = arg;
	/* heap_up may move t: return the id, not t->id */
	heap_up(loop->heap, loop->nheap++);
	return id;
}

/* Cancel a timer; harmless if it already fired. */
void
fx_loop_cancel_timer(FxLoop *loop, FxTimerId id)
{
	check_allowed();
	for (int i = 0; i < loop->nheap; i++)
	{
		if (loop->heap[i].id == id)
		{
			loop->heap[i].cb = NULL;
			return;
		}
	}
}

/* Pop and run every timer that is due. */
static void
run_due_timers(FxLoop *loop)
{
	int64		now = fx_now_ms();

	while (loop->nheap > 0 && loop->heap[0].when <= now)
	{
		FxTimer		t = loop->heap[0];

		loop->heap[0] = loop->heap[--loop->nheap];
		heap_down(loop->heap, loop->nheap, 0);
		if (t.cb)
			t.cb(t.arg);
	}
}

/* Dispatch the ready descriptors of the epoll set. */
static void
dispatch_io(FxLoop *loop)
{
	struct epoll_event evs[MAX_EPOLL_EVENTS];
	int			n;

	n = epoll_wait(loop->epfd, evs, MAX_EPOLL_EVENTS, 0);
	for (int i = 0; i < n; i++)
	{
		int			fd = evs[i].data.fd;
		int			events = 0;
		FxWatch    *w;

		if (fd >= loop->nwatch_slots)
			continue;
		w = &loop->watches[fd];
		if (w->events == 0 || w->cb == NULL)
			continue;			/* unwatched by an earlier callback */
		if (evs[i].events & EPOLLIN)
			events |= FX_IO_READ;
		if (evs[i].events & EPOLLOUT)
			events |= FX_IO_WRITE;
		if (evs[i].events & (EPOLLERR | EPOLLHUP))
			events |= FX_IO_ERROR | (w->events & FX_IO_READ);
		w->cb(fd, events, w->arg);
	}
}

/* Milliseconds until the earliest live timer, capped at max_wait_ms. */
static long
next_timeout(FxLoop *loop, long max_wait_ms)
{
	int64		now = fx_now_ms();

	while (loop->nheap > 0 && loop->heap[0].cb == NULL)
	{
		loop->heap[0] = loop->heap[--loop->nheap];
		heap_down(loop->heap, loop->nheap, 0);
	}
	if (loop->nheap == 0)
		return max_wait_ms;
	return (long) Min(Max(loop->heap[0].when - now, 0), (int64) max_wait_ms);
}

/*
 * Wait once for the latch, a descriptor or a timer, then run the callbacks
 * of whatever is ready.  Returns true if the latch was set (it has been
 * reset; the caller re-checks its conditions).
 */
bool
fx_loop_wait(FxLoop *loop, long max_wait_ms)
{
	WaitEvent	events[3];
	bool		latch = false;
	int			n;

	n = WaitEventSetWait(loop->wes, next_timeout(loop, max_wait_ms),
						 events, lengthof(events), PG_WAIT_EXTENSION);
	for (int i = 0; i < n; i++)
	{
		if (events[i].events & WL_LATCH_SET)
		{
			ResetLatch(MyLatch);
			latch = true;
		}
	}
	for (int i = 0; i < n; i++)
	{
		if (events[i].events & WL_SOCKET_READABLE)
			dispatch_io(loop);
	}
	run_due_timers(loop);
	return latch;
}
