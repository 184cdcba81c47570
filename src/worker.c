/*-------------------------------------------------------------------------
 *
 * worker.c
 *	  The finextract background worker: signals, startup, the main loop.
 *
 * One worker per cluster, connected to finextract.database.  It waits
 * quietly until the extension exists, puts jobs that were running when it
 * last stopped back in the queue, then loops: claim due jobs while there is
 * room, start them through the pipeline, and wait once on the latch, child
 * pipes and timers.  Submits set its latch at COMMIT; without them it polls
 * the queue once a second (for retry backoffs).  SIGTERM (server shutdown,
 * pg_terminate_backend) only sets a flag and the latch: at the top of the
 * loop, at most one wait away, the worker stops starting requests, waits a
 * few seconds at most (STOP_GRACE_MS) for the paid ones in flight (whisper
 * submits and retrieves, whose answers are committed as they come, so the
 * resumed jobs do not pay again), kills its children, puts its running jobs
 * back in the queue with their attempt given back (one short transaction)
 * and exits.  An abnormal stop (crash, SIGKILL) is recovered at
 * the next start, where only the job named by the in-process note (see
 * inprocess.c) is charged.  Its connection resolves names only in
 * pg_catalog (search_path.c): it runs as the bootstrap superuser.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <dirent.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "miscadmin.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "postmaster/interrupt.h"
#include "storage/fd.h"
#include "storage/ipc.h"
#include "storage/proc.h"
#include "tcop/tcopprot.h"
#include "utils/guc.h"
#include "utils/memutils.h"

#include "child.h"
#include "http.h"
#include "inprocess.h"
#include "lane.h"
#include "remote.h"
#include "finextract.h"
#include "loop.h"
#include "pipeline.h"
#include "progress.h"
#include "search_path.h"
#include "store.h"

#define POLL_MS 1000
#define WAIT_EXTENSION_MS 2000
#define CANCEL_CHECK_MS 100
#define TRACE_FLUSH_MS 250
#define TMPDIR_NAME "finextract_tmp"
/*
 * How long a graceful stop waits for the paid requests in flight (whisper
 * submits and retrieves) to be answered: a few seconds, well below the 60 s
 * pg_ctl waits for a shutdown.
 */
#define STOP_GRACE_MS 5000

static FxLoop *loop = NULL;
static MemoryContext tick_cxt = NULL;

/* SIGCHLD: only wake the loop; children are reaped there. */
static void
handle_sigchld(SIGNAL_ARGS)
{
	int			save_errno = errno;

	SetLatch(MyLatch);
	errno = save_errno;
}

/* Let backends find our latch. */
static void
publish_latch(bool on)
{
	if (finx_shared == NULL)
		return;
	SpinLockAcquire(&finx_shared->mutex);
	finx_shared->worker_pid = on ? MyProcPid : 0;
	finx_shared->worker_latch = on ? MyLatch : NULL;
	SpinLockRelease(&finx_shared->mutex);
}

/* Publish the lanes' statistics for finx.provider_stats. */
static void
publish_stats(void)
{
	char	   *json;

	if (finx_shared == NULL)
		return;
	/* bounded and valid: lanes that do not fit are counted, not cut */
	json = fx_lanes_stats_json(FX_STATS_SIZE - 1);
	LWLockAcquire(finx_shared->stats_lock, LW_EXCLUSIVE);
	strlcpy(finx_shared->provider_stats, json, FX_STATS_SIZE);
	LWLockRelease(finx_shared->stats_lock);
}

/* On exit: kill children, remove temporary files, stop being wakeable. */
static void
worker_exit(int code, Datum arg)
{
	fx_pipeline_shutdown();
	fx_http_shutdown();
	fx_progress_clear();
	publish_latch(false);
}

/* Create (or empty) the directory for temporary PDF copies. */
static char *
prepare_tmpdir(void)
{
	char	   *dir = psprintf("%s/%s", DataDir, TMPDIR_NAME);
	DIR		   *d;
	struct dirent *de;

	if (mkdir(dir, S_IRWXU) < 0 && errno != EEXIST)
		ereport(ERROR,
				(errcode_for_file_access(),
				 errmsg("could not create directory \"%s\": %m", dir)));
	d = AllocateDir(dir);
	while ((de = ReadDir(d, dir)) != NULL)
	{
		if (de->d_name[0] == '.')
			continue;
		(void) unlink(psprintf("%s/%s", dir, de->d_name));
	}
	FreeDir(d);
	return dir;
}

/*
 * Stop starting requests and wait (at most STOP_GRACE_MS) for the paid ones
 * in flight: their owners commit each answer as it arrives (a whisper hash,
 * a retrieved text), so the resumed job polls what was bought instead of
 * paying for it again.  Other answers that arrive meanwhile are handled as
 * usual; a job may even finish.
 */
static void
drain_paid_requests(void)
{
	int64		start = fx_now_ms();
	int64		now = start;
	int			waiting = fx_lanes_paid_inflight();

	fx_lanes_drain();
	if (waiting == 0)
		return;
	while (fx_lanes_paid_inflight() > 0 && now - start < STOP_GRACE_MS)
	{
		CHECK_FOR_INTERRUPTS();
		(void) fx_loop_wait(loop, STOP_GRACE_MS - (now - start));
		now = fx_now_ms();
	}
	fx_remote_flush_trace();
	ereport(LOG,
			(errmsg("finextract worker is stopping: %d paid request(s) were in flight, %d answered within %d ms",
					waiting, waiting - fx_lanes_paid_inflight(), (int) (now - start))));
}

/*
 * A graceful stop: let the paid requests in flight end, kill the children,
 * give the running jobs back to the queue without spending their attempt,
 * and exit (code 1: the postmaster starts a new worker unless the server is
 * shutting down).
 */
static void
stop_gracefully(void)
{
	List	   *claims;
	char	   *err;
	int			n;

	if (loop != NULL)
		drain_paid_requests();
	claims = fx_pipeline_claims();
	fx_pipeline_shutdown();
	n = fx_store_release(claims, &err);
	if (claims != NIL)
		ereport(LOG,
				(errmsg("finextract worker is stopping: %d running job(s) queued again without using an attempt",
						n)));
	proc_exit(1);
}

/* Handle SIGTERM and SIGHUP. */
static void
handle_interrupts(void)
{
	CHECK_FOR_INTERRUPTS();
	if (ShutdownRequestPending)
		stop_gracefully();
	if (ConfigReloadPending)
	{
		ConfigReloadPending = false;
		ProcessConfigFile(PGC_SIGHUP);
		fx_remote_load_keys();
	}
}

/* Sleep until the extension has been created in our database. */
static void
wait_for_extension(void)
{
	bool		logged = false;

	for (;;)
	{
		handle_interrupts();
		if (fx_store_extension_exists())
			return;
		if (!logged)
			ereport(LOG,
					(errmsg("finextract worker is waiting for CREATE EXTENSION finextract in database \"%s\"",
							finx_database)));
		logged = true;
		pgstat_report_activity(STATE_IDLE, "waiting for CREATE EXTENSION finextract");
		(void) fx_loop_wait(loop, WAIT_EXTENSION_MS);
	}
}

/*
 * Requeue jobs left running by an earlier worker; the one its in-process
 * note names (crashed_job) is charged a crash, and may fail.
 */
static void
recover_jobs(int64 crashed_job)
{
	int			requeued,
				failed;
	char	   *err;

	if (!fx_store_recover(crashed_job, &requeued, &failed, &err))
		return;
	fx_inprocess_clear();
	if (requeued || failed)
		ereport(LOG,
				(errmsg("finextract worker recovered %d interrupted job(s): %d queued again, %d failed",
						requeued + failed, requeued, failed),
				 crashed_job ? errdetail("Job %lld was being processed in the worker's own process when it stopped.",
										 (long long) crashed_job) : 0));
}

/* Claim as many due jobs as there is room for and start them. */
static int
claim_jobs(void)
{
	int			room = finx_max_running_jobs - fx_pipeline_active();
	List	   *claims;
	ListCell   *lc;
	char	   *err;
	int			n;

	if (room <= 0)
		return 0;
	claims = fx_store_claim(room, &err);
	n = list_length(claims);
	foreach(lc, claims)
		fx_pipeline_start((FxClaim *) lfirst(lc));
	return n;
}

/*
 * The worker has just run out of jobs: hand the memory freed since back to
 * the system.  A burst of jobs leaves glibc's heap at its peak size, free
 * but still counted in the worker's resident memory until the next burst;
 * an idle worker should hold only what it uses.
 */
static void
release_idle_memory(void)
{
#ifdef __GLIBC__
	(void) malloc_trim(0);
#endif
}

/* The main loop; never returns (exits through stop_gracefully()). */
static void
main_loop(void)
{
	int64		last_claim = 0;
	int64		last_cancel_check = 0;
	int64		last_trace = 0;
	int			seen_finished = -1;
	bool		latch = true;
	bool		busy = false;

	for (;;)
	{
		int64		now = fx_now_ms();
		bool		want_claim;

		MemoryContextReset(tick_cxt);
		MemoryContextSwitchTo(tick_cxt);
		handle_interrupts();
		fx_child_reap();

		if (fx_pipeline_active() > 0 &&
			((latch && now - last_cancel_check >= CANCEL_CHECK_MS) ||
			 now - last_cancel_check >= POLL_MS))
		{
			fx_pipeline_check_cancelled();
			last_cancel_check = now;
		}
		want_claim = latch || seen_finished != fx_pipeline_finished() ||
			now - last_claim >= POLL_MS;
		if (want_claim)
		{
			seen_finished = fx_pipeline_finished();
			last_claim = now;
			/* a full batch may mean more are due: look again at once */
			if (claim_jobs() > 0)
			{
				seen_finished = -1;
				fx_progress_publish();	/* show new jobs' counters at once */
			}
		}
		if (now - last_trace >= TRACE_FLUSH_MS)
		{
			fx_remote_flush_trace();
			publish_stats();
			fx_progress_publish();
			last_trace = now;
		}
		if (fx_pipeline_active() > 0)
			busy = true;
		else if (busy)
		{
			busy = false;
			release_idle_memory();
		}
		pgstat_report_activity(STATE_IDLE, NULL);
		latch = fx_loop_wait(loop, fx_http_inflight() > 0 ? TRACE_FLUSH_MS : POLL_MS);
	}
}

/*
 * Let the worker hold as many descriptors as the system allows: thousands
 * of transfers and child pipes are in flight at once, far beyond the
 * customary soft limit of 1024.
 */
static void
raise_fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max)
	{
		rl.rlim_cur = rl.rlim_max;
		(void) setrlimit(RLIMIT_NOFILE, &rl);
	}
}

/* Entry point of the background worker. */
void
finx_worker_main(Datum main_arg)
{
	char	   *tmpdir;
	int64		crashed_job;

	pqsignal(SIGHUP, SignalHandlerForConfigReload);
	pqsignal(SIGTERM, SignalHandlerForShutdownRequest);
	pqsignal(SIGCHLD, handle_sigchld);
	BackgroundWorkerUnblockSignals();
	raise_fd_limit();
	BackgroundWorkerInitializeConnection(finx_database, NULL, 0);
	/* we run as the bootstrap superuser: resolve names only in pg_catalog */
	fx_search_path_fix_session();
	pgstat_report_appname("finextract worker");

	tick_cxt = AllocSetContextCreate(TopMemoryContext, "finextract tick",
									 ALLOCSET_DEFAULT_SIZES);
	loop = fx_loop_create();
	fx_child_init(loop);
	fx_http_init(loop);
	fx_lanes_init(loop);
	fx_remote_load_keys();
	tmpdir = prepare_tmpdir();
	crashed_job = fx_inprocess_open(tmpdir);
	fx_pipeline_init(loop, tmpdir);
	publish_latch(true);
	before_shmem_exit(worker_exit, (Datum) 0);

	wait_for_extension();
	recover_jobs(crashed_job);
	main_loop();
}
