/*-------------------------------------------------------------------------
 *
 * child.h
 *	  Child processes (pdftotext and friends) driven by the event loop.
 *
 * A request names a program and its arguments.  At most
 * finextract.max_local_procs children run at once, plus one spare slot for
 * a role that has none running while other roles hold every slot; further
 * requests wait, and free slots go to the roles that submitted the jobs in
 * turn (fewest running first), then to their jobs in turn, oldest first.  Each child gets /dev/null as stdin, non-blocking pipes
 * for stdout and stderr, a time limit, an output cap and resource limits,
 * and runs in its own process group so that a kill reaches everything it
 * started.  When it has ended and both pipes are drained, the done callback
 * runs once with the result.
 *
 *-------------------------------------------------------------------------
 */
#ifndef FX_CHILD_H
#define FX_CHILD_H

#include "failure.h"
#include "loop.h"

typedef struct FxChild FxChild;

typedef struct FxChildResult
{
	bool		spawn_failed;	/* fork or exec failed: see spawn_errno */
	int			spawn_errno;
	bool		timed_out;		/* killed at the time limit */
	bool		capped;			/* killed at the output cap */
	int			wait_status;	/* as from waitpid() */
	char	   *out;			/* stdout, NUL-terminated */
	size_t		out_len;
	char	   *err;			/* start of stderr, NUL-terminated */
	int64		queued_ms;		/* time waiting for a slot */
	int64		run_ms;			/* time from start to end */
} FxChildResult;

typedef void (*FxChildDone) (FxChildResult *res, void *arg);

/* flags of fx_child_run_for */
#define FX_CHILD_MAY_EXEC 0x01	/* a shell pipeline: may run other programs */

extern void fx_child_init(FxLoop *loop);
extern FxChild *fx_child_run(char **argv, int timeout_ms, size_t out_cap,
							 FxChildDone done, void *arg);
extern FxChild *fx_child_run_for(int64 owner, Oid role, int flags, char **argv,
								 int timeout_ms, size_t out_cap,
								 FxChildDone done, void *arg);
extern void fx_child_cancel(FxChild *child);
extern FxFailKind fx_child_failure_kind(const FxChildResult *res);
extern void fx_child_reap(void);
extern void fx_child_kill_all(void);
extern int	fx_child_running(void);
extern int	fx_child_queued(void);
extern char *fx_child_describe_failure(const FxChildResult *res,
									   const char *program);

#endif							/* FX_CHILD_H */
