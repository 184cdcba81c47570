/*-------------------------------------------------------------------------
 *
 * child.c
 *	  Child processes on the event loop: admission, spawning, draining
 *	  pipes, limits and reaping.
 *
 * This file owns every child process of the worker.  Children are started
 * with vfork() and exec (not through a shell): a fork() would copy the
 * worker's page tables and make each of its later writes fault in a page
 * copy, which cost more than the children's own start.  Each is put in its
 * own process group, given resource limits and PR_SET_PDEATHSIG so that
 * none outlives the worker, and killed as a group at its time limit or
 * output cap.  Each runs in a sandbox (sandbox.c: minimal environment,
 * private directory, no new privileges, a system call filter).  SIGCHLD
 * only sets the latch; fx_child_reap() collects exits from the main loop.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/ilist.h"
#include "miscadmin.h"
#include "utils/memutils.h"

#include "child.h"
#include "finextract.h"
#include "sandbox.h"

#define STDERR_KEEP 4096
#define READ_CHUNK 65536

struct FxChild
{
	dlist_node	node;			/* in queued or running list */
	char	  **argv;
	bool		may_exec;		/* FX_CHILD_MAY_EXEC: a shell pipeline */
	FxSandbox	sb;				/* prepared at spawn, released at the end */
	int			timeout_ms;
	size_t		out_cap;
	FxChildDone done;
	void	   *arg;
	MemoryContext owner_cxt;	/* where the output is allocated */
	pid_t		pid;
	int			out_fd;
	int			err_fd;
	bool		exited;
	bool		cancelled;
	FxTimerId	timer;
	int64		owner;			/* job the child works for (fairness) */
	Oid			role;			/* role that submitted that job */
	int64		queued_at;
	int64		started_at;
	FxChildResult res;
	size_t		out_size;		/* allocated size of res.out */
	size_t		err_len;
};

static FxLoop *child_loop = NULL;
static MemoryContext child_cxt = NULL;
static dlist_head queued = DLIST_STATIC_INIT(queued);
static dlist_head running = DLIST_STATIC_INIT(running);
static int	nrunning = 0;
static int	nqueued = 0;
static Oid	last_role = InvalidOid;	/* role served last (round-robin) */

static bool start_pending = false;

static void start_queued(void);

/* Timer callback: start what is queued. */
static void
start_queued_soon(void *arg)
{
	start_pending = false;
	start_queued();
}

/* Attach the child machinery to the loop. */
void
fx_child_init(FxLoop *loop)
{
	child_loop = loop;
	if (child_cxt == NULL)
		child_cxt = AllocSetContextCreate(TopMemoryContext,
										  "finextract children",
										  ALLOCSET_SMALL_SIZES);
}

int
fx_child_running(void)
{
	return nrunning;
}

int
fx_child_queued(void)
{
	return nqueued;
}

/* Queue a child; it starts as soon as a slot is free. */
FxChild *
fx_child_run(char **argv, int timeout_ms, size_t out_cap,
			 FxChildDone done, void *arg)
{
	return fx_child_run_for(0, InvalidOid, 0, argv, timeout_ms, out_cap,
							done, arg);
}

/*
 * Queue a child working for owner (a job) submitted by role.  Slots go to
 * roles in turn, then to jobs in turn (see start_queued), so one role's
 * hanging documents never starve another role, and one job's hundred OCR
 * pages never starve another job's single child.
 */
FxChild *
fx_child_run_for(int64 owner, Oid role, int flags, char **argv, int timeout_ms,
				 size_t out_cap, FxChildDone done, void *arg)
{
	MemoryContext old = MemoryContextSwitchTo(child_cxt);
	FxChild    *c = palloc0(sizeof(FxChild));
	int			n = 0;

	while (argv[n])
		n++;
	c->argv = palloc0(sizeof(char *) * (n + 1));
	for (int i = 0; i < n; i++)
		c->argv[i] = pstrdup(argv[i]);
	MemoryContextSwitchTo(old);
	c->may_exec = (flags & FX_CHILD_MAY_EXEC) != 0;
	c->timeout_ms = timeout_ms;
	c->out_cap = out_cap;
	c->done = done;
	c->arg = arg;
	c->owner_cxt = CurrentMemoryContext;
	c->out_fd = c->err_fd = -1;
	c->owner = owner;
	c->role = role;
	c->queued_at = fx_now_ms();
	dlist_push_tail(&queued, &c->node);
	nqueued++;
	/* start from the loop, so that done never runs before we return */
	if (!start_pending)
	{
		start_pending = true;
		fx_loop_timer(child_loop, 0, start_queued_soon, NULL);
	}
	return c;
}

/* In the child: close every inherited descriptor but keep. */
static void
close_other_fds(int keep)
{
	if (keep > 3)
		(void) close_range(3, keep - 1, 0);
	if (close_range(keep + 1, ~0U, 0) < 0)
	{
		long		max = sysconf(_SC_OPEN_MAX);

		for (long fd = 3; fd < Min(max, 65536); fd++)
			if (fd != keep)
				(void) close((int) fd);
	}
}

/*
 * In the vfork()ed child, which shares the worker's memory until it execs:
 * reset signals, wire descriptors, set limits, enter the sandbox, exec.
 * Only system calls here; nothing allocates or writes the worker's data.
 */
static void
exec_in_child(FxChild *c, int devnull, int out_w, int err_w, int status_w)
{
	sigset_t	none;
	sigset_t	pending;
	struct rlimit rl;
	int			e;

	setpgid(0, 0);
	(void) prctl(PR_SET_PDEATHSIG, SIGKILL);

	/*
	 * All signals are blocked (start_child): no worker handler runs here.
	 * One sent to the worker's process group before setpgid() (as
	 * pg_terminate_backend sends SIGTERM) is pending here, and was meant
	 * for the worker: ignoring a signal discards its pending instance.
	 */
	if (sigpending(&pending) == 0)
		for (int sig = 1; sig < NSIG; sig++)
			if (sig != SIGKILL && sig != SIGSTOP && sigismember(&pending, sig) == 1)
				(void) signal(sig, SIG_IGN);
	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			(void) signal(sig, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (dup2(devnull, 0) < 0 || dup2(out_w, 1) < 0 || dup2(err_w, 2) < 0)
		goto fail;
	rl.rlim_cur = rl.rlim_max = (rlim_t) finx_child_memory_mb * 1024 * 1024;
	(void) setrlimit(RLIMIT_AS, &rl);
	rl.rlim_cur = rl.rlim_max = (rlim_t) (c->timeout_ms / 1000 + 2);
	(void) setrlimit(RLIMIT_CPU, &rl);
	rl.rlim_cur = rl.rlim_max = 0;
	(void) setrlimit(RLIMIT_CORE, &rl);
	rl.rlim_cur = rl.rlim_max = (rlim_t) 256 * 1024 * 1024;
	(void) setrlimit(RLIMIT_FSIZE, &rl);
	close_other_fds(status_w);
	e = fx_sandbox_enter(&c->sb);
	if (e != 0)
		goto report;
	execve(c->sb.exec_path, c->argv, c->sb.envp);
fail:
	e = errno;
report:
	(void) !write(status_w, &e, sizeof(e));
	_exit(127);
}

/*
 * Make a pipe whose read end is non-blocking; both ends close on exec.
 * The output pipe is widened where the system allows (Linux: up to
 * fs.pipe-max-size), so that a child keeps writing while the worker is busy
 * storing another job's results; with the default 64 kB a pdftotext child
 * stops within milliseconds and its core idles.  A refusal is harmless.
 */
#define OUT_PIPE_SIZE (1024 * 1024)

static bool
make_pipe(int fds[2], bool wide)
{
	if (pipe2(fds, O_CLOEXEC) < 0)
		return false;
	if (fcntl(fds[0], F_SETFL, O_NONBLOCK) < 0)
	{
		close(fds[0]);
		close(fds[1]);
		return false;
	}
#ifdef F_SETPIPE_SZ
	if (wide)
		(void) fcntl(fds[0], F_SETPIPE_SZ, OUT_PIPE_SIZE);
#endif
	return true;
}

static void child_io(int fd, int events, void *arg);
static void child_timeout(void *arg);
static void maybe_finish(FxChild *c);

/*
 * vfork() and exec one child; its pid, or -1 with errno set.  All signals
 * stay blocked until the child has reset their handlers: a handler of the
 * worker run in the child would write the worker's memory.
 */
static pid_t
start_child(FxChild *c, int devnull, int out_w, int err_w, int status_w)
{
	sigset_t	all,
				old;
	pid_t		pid;
	int			e;

	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, &old);
	pid = vfork();
	if (pid == 0)
		exec_in_child(c, devnull, out_w, err_w, status_w);
	e = errno;
	sigprocmask(SIG_SETMASK, &old, NULL);
	errno = e;
	return pid;
}

/* Start one child; on failure, record why in c->res. */
static void
spawn(FxChild *c)
{
	int			out[2] = {-1, -1},
				err[2] = {-1, -1},
				st[2] = {-1, -1};
	int			devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	int			e = 0;
	ssize_t		r;
	MemoryContext old = MemoryContextSwitchTo(child_cxt);
	bool		prepared = fx_sandbox_prepare(&c->sb, c->argv[0], c->may_exec);

	MemoryContextSwitchTo(old);
	if (!prepared || devnull < 0 || !make_pipe(out, true) ||
		!make_pipe(err, false) || pipe2(st, O_CLOEXEC) < 0)
	{
		c->res.spawn_failed = true;
		c->res.spawn_errno = errno;
		goto cleanup;
	}
	fflush(NULL);
	c->pid = start_child(c, devnull, out[1], err[1], st[1]);
	if (c->pid < 0)
	{
		c->res.spawn_failed = true;
		c->res.spawn_errno = errno;
		goto cleanup;
	}
	(void) setpgid(c->pid, c->pid);
	close(st[1]);
	st[1] = -1;
	/* the status pipe reaches EOF at a successful exec */
	do
		r = read(st[0], &e, sizeof(e));
	while (r < 0 && errno == EINTR);
	if (r == sizeof(e))
	{
		c->res.spawn_failed = true;
		c->res.spawn_errno = e;
	}
	c->out_fd = out[0];
	c->err_fd = err[0];
	out[0] = err[0] = -1;
cleanup:
	for (int i = 0; i < 2; i++)
	{
		if (out[i] >= 0)
			close(out[i]);
		if (err[i] >= 0)
			close(err[i]);
		if (st[i] >= 0)
			close(st[i]);
	}
	if (devnull >= 0)
		close(devnull);
}

/* Number of running children of an owner (a job). */
static int
running_for(int64 owner)
{
	dlist_iter	it;
	int			n = 0;

	dlist_foreach(it, &running)
		n += dlist_container(FxChild, node, it.cur)->owner == owner;
	return n;
}

/* Number of running children of a role. */
static int
running_for_role(Oid role)
{
	dlist_iter	it;
	int			n = 0;

	dlist_foreach(it, &running)
		n += dlist_container(FxChild, node, it.cur)->role == role;
	return n;
}

/* Does a (role, running, job running) go before b's?  Round-robin on ties. */
static bool
fairer(Oid a_role, int a_n, int a_job_n, Oid b_role, int b_n, int b_job_n)
{
	bool		a_after = a_role > last_role;
	bool		b_after = b_role > last_role;

	if (a_n != b_n)
		return a_n < b_n;
	if (a_role != b_role)
	{
		/* roles after the last one served come first, then wrap around */
		if (a_after != b_after)
			return a_after;
		return a_role < b_role;
	}
	return a_job_n < b_job_n;
}

/*
 * The queued child to start next: of the role running fewest children
 * (ties: the next role after the one served last, cycling), of its job
 * running fewest, oldest first.  *role_n gets its role's running count.
 */
static FxChild *
next_fair(int *role_n)
{
	dlist_iter	it;
	FxChild    *best = NULL;
	int			best_n = 0,
				best_job_n = 0;

	dlist_foreach(it, &queued)
	{
		FxChild    *c = dlist_container(FxChild, node, it.cur);
		int			n = running_for_role(c->role);
		int			job_n = running_for(c->owner);

		if (best == NULL ||
			fairer(c->role, n, job_n, best->role, best_n, best_job_n))
		{
			best = c;
			best_n = n;
			best_job_n = job_n;
		}
	}
	*role_n = best_n;
	return best;
}

/*
 * Start queued children while slots are free.  When all
 * finextract.max_local_procs slots are taken, one spare slot (at most one
 * child beyond the setting) serves a role that has no child running: a role
 * whose documents hang until finextract.local_timeout holds every slot only
 * while no other role waits, and another role's child starts at once.
 */
static void
start_queued(void)
{
	while (nqueued > 0)
	{
		int			role_n;
		FxChild    *c = next_fair(&role_n);

		if (nrunning >= finx_max_local_procs &&
			!(nrunning == finx_max_local_procs && role_n == 0))
			break;
		dlist_delete(&c->node);
		nqueued--;
		last_role = c->role;
		dlist_push_tail(&running, &c->node);
		nrunning++;
		c->started_at = fx_now_ms();
		c->res.queued_ms = c->started_at - c->queued_at;
		spawn(c);
		if (c->out_fd >= 0)
		{
			fx_loop_watch(child_loop, c->out_fd, FX_IO_READ, child_io, c);
			fx_loop_watch(child_loop, c->err_fd, FX_IO_READ, child_io, c);
		}
		if (c->res.spawn_failed && c->pid <= 0)
			c->exited = true;
		else
			c->timer = fx_loop_timer(child_loop, c->timeout_ms, child_timeout, c);
		maybe_finish(c);
	}
}

/* Kill the child's whole process group. */
static void
kill_group(FxChild *c)
{
	if (c->pid > 0)
		(void) kill(-c->pid, SIGKILL);
}

/* Time limit reached. */
static void
child_timeout(void *arg)
{
	FxChild    *c = arg;

	c->timer = 0;
	c->res.timed_out = true;
	kill_group(c);
}

/* Close one of the child's pipes. */
static void
close_pipe(int *fd)
{
	if (*fd < 0)
		return;
	fx_loop_unwatch(child_loop, *fd);
	close(*fd);
	*fd = -1;
}

/*
 * Room in the stdout buffer for the next read, growing it (twice its size,
 * at least READ_CHUNK free): up to one byte past the cap, so that a read
 * can tell an output over the cap, plus the terminating NUL.
 */
static size_t
out_room(FxChild *c)
{
	size_t		need = c->res.out_len + READ_CHUNK + 1;

	if (c->res.out == NULL || need > c->out_size)
	{
		size_t		want = Max(c->out_size * 2, need);

		want = Min(want, c->out_cap + 2);
		if (c->res.out == NULL)
			c->res.out = MemoryContextAllocHuge(c->owner_cxt, want);
		else if (want != c->out_size)
			c->res.out = repalloc_huge(c->res.out, want);
		c->out_size = want;
		c->res.out[c->res.out_len] = '\0';	/* an empty output is "" */
	}
	return c->out_size - c->res.out_len - 1;
}

/* Keep the beginning of stderr. */
static void
append_err(FxChild *c, const char *buf, size_t n)
{
	size_t		room;

	if (c->res.err == NULL)
		c->res.err = MemoryContextAllocZero(c->owner_cxt, STDERR_KEEP + 1);
	room = STDERR_KEEP - c->err_len;
	n = Min(n, room);
	memcpy(c->res.err + c->err_len, buf, n);
	c->err_len += n;
}

/* Drain whatever is readable on one pipe. */
static void
child_io(int fd, int events, void *arg)
{
	FxChild    *c = arg;
	char		buf[STDERR_KEEP];

	for (;;)
	{
		bool		out = fd == c->out_fd;
		ssize_t		n;

		/* stdout is read straight into its buffer: no copy of the text */
		if (out)
		{
			size_t		room = out_room(c);

			n = read(fd, c->res.out + c->res.out_len, room);
		}
		else
			n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0)
			break;				/* EOF or error */
		if (!out)
		{
			append_err(c, buf, n);
			continue;
		}
		c->res.out_len += n;
		c->res.capped = c->res.out_len > c->out_cap;
		if (c->res.capped)
			c->res.out_len = c->out_cap;
		c->res.out[c->res.out_len] = '\0';
		if (c->res.capped)
		{
			kill_group(c);
			break;
		}
	}
	close_pipe(fd == c->out_fd ? &c->out_fd : &c->err_fd);
	maybe_finish(c);
}

/* Free a finished child and its bookkeeping. */
static void
release(FxChild *c)
{
	for (int i = 0; c->argv[i]; i++)
		pfree(c->argv[i]);
	pfree(c->argv);
	fx_sandbox_release(&c->sb);
	pfree(c);
}

/* Deliver the result once the child has exited and its pipes are closed. */
static void
maybe_finish(FxChild *c)
{
	if (!c->exited || c->out_fd >= 0 || c->err_fd >= 0)
		return;
	if (c->timer)
		fx_loop_cancel_timer(child_loop, c->timer);
	dlist_delete(&c->node);
	nrunning--;
	c->res.run_ms = fx_now_ms() - c->started_at;
	if (c->res.out == NULL)
		c->res.out = MemoryContextAllocZero(c->owner_cxt, 1);
	if (c->res.err == NULL)
		c->res.err = MemoryContextAllocZero(c->owner_cxt, 1);
	/*
	 * The freed slot goes to a queued child before the callback runs: the
	 * callback may parse and store a whole document (tens of milliseconds on
	 * the one event loop), and a CPU would sit idle meanwhile.  Whatever the
	 * callback queues is started after it, in turn.
	 */
	start_queued();
	if (!c->cancelled)
		c->done(&c->res, c->arg);
	release(c);
	start_queued();
}

/* Collect exited children (call after SIGCHLD sets the latch). */
void
fx_child_reap(void)
{
	int			status;
	pid_t		pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
	{
		dlist_mutable_iter it;

		dlist_foreach_modify(it, &running)
		{
			FxChild    *c = dlist_container(FxChild, node, it.cur);

			if (c->pid != pid)
				continue;
			c->exited = true;
			c->res.wait_status = status;
			/* grandchildren may still hold the pipes open */
			if (c->out_fd >= 0 || c->err_fd >= 0)
				kill_group(c);
			maybe_finish(c);
			break;
		}
	}
}

/* Forget a child: no callback will run.  A running one is killed. */
void
fx_child_cancel(FxChild *c)
{
	if (c->pid == 0 && !c->exited)
	{
		dlist_delete(&c->node);
		nqueued--;
		release(c);
		return;
	}
	c->cancelled = true;
	kill_group(c);
}

/* Kill every running child (worker exit). */
void
fx_child_kill_all(void)
{
	dlist_iter	it;

	dlist_foreach(it, &running)
		kill_group(dlist_container(FxChild, node, it.cur));
}

/* The last lines of stderr, trimmed to a readable length, or NULL. */
static const char *
stderr_tail(const char *err)
{
	size_t		n;
	char	   *s;

	if (err == NULL || err[0] == '\0')
		return NULL;
	s = pstrdup(err);
	n = strlen(s);
	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' '))
		s[--n] = '\0';
	if (n > 400)
		s += n - 400;
	for (char *p = s; *p; p++)
		if (*p == '\n')
			*p = ' ';
	return n > 0 ? s : NULL;
}

/* The kind of a failed child run (failure.h decides what it means). */
FxFailKind
fx_child_failure_kind(const FxChildResult *res)
{
	return fx_fail_of_child(res->spawn_failed,
							res->spawn_errno == ENOENT || res->spawn_errno == EACCES,
							res->capped, res->timed_out,
							WIFSIGNALED(res->wait_status));
}

/* Describe a failed child run in words, or NULL if it succeeded. */
char *
fx_child_describe_failure(const FxChildResult *res, const char *program)
{
	const char *err = stderr_tail(res->err);

	if (res->spawn_failed)
		return psprintf("could not run %s: %s", program, strerror(res->spawn_errno));
	if (res->timed_out)
		return psprintf("%s did not finish within the time limit (finextract.local_timeout)", program);
	if (res->capped)
		return psprintf("%s produced more output than finextract.text_cap allows", program);
	if (WIFSIGNALED(res->wait_status))
		return psprintf("%s was terminated by signal %d%s%s", program,
						WTERMSIG(res->wait_status), err ? ": " : "", err ? err : "");
	if (WIFEXITED(res->wait_status) && WEXITSTATUS(res->wait_status) != 0)
		return psprintf("%s exited with code %d%s%s", program,
						WEXITSTATUS(res->wait_status), err ? ": " : "", err ? err : "");
	return NULL;
}
