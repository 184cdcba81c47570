/*-------------------------------------------------------------------------
 *
 * inprocess.c
 *	  The note of which job's content the worker is processing in its own
 *	  process (parsing text, building and storing statements).
 *
 * The worker runs one job's in-process step at a time.  Before such a step
 * the job's id is written to a small file, and 0 after it; the kernel keeps
 * the write across a crash of the worker (or of the whole cluster), so the
 * next worker knows whether a job could have caused the crash: that job
 * spends one of its crash budget, the others lose nothing.  Waiting for
 * children or providers is never in-process: a crash then implicates no job.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <fcntl.h>
#include <unistd.h>

#include "inprocess.h"

#define NOTE_NAME ".inprocess"
#define NOTE_LEN 24

static int	note_fd = -1;
static int64 current = 0;		/* the job the note names now */

/* Write a job id (0: none) over the note. */
static void
write_note(int64 job_id)
{
	char		buf[NOTE_LEN];

	if (note_fd < 0 || job_id == current)
		return;
	current = job_id;
	snprintf(buf, sizeof(buf), "%*lld\n", NOTE_LEN - 2, (long long) job_id);
	(void) !pwrite(note_fd, buf, NOTE_LEN - 1, 0);
}

/*
 * Open the note in dir and return the job it names (left by the previous
 * worker), or 0.
 */
int64
fx_inprocess_open(const char *dir)
{
	char	   *path = psprintf("%s/%s", dir, NOTE_NAME);
	char		buf[NOTE_LEN];
	ssize_t		n;
	int64		job = 0;

	note_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, S_IRUSR | S_IWUSR);
	if (note_fd < 0)
	{
		ereport(LOG,
				(errcode_for_file_access(),
				 errmsg("could not open \"%s\": %m", path)));
		return 0;
	}
	n = pread(note_fd, buf, sizeof(buf) - 1, 0);
	if (n > 0)
	{
		buf[n] = '\0';
		job = strtoll(buf, NULL, 10);
	}
	current = job > 0 ? job : 0;
	return current;
}

/* Forget the previous worker's note (once its job has been charged). */
void
fx_inprocess_clear(void)
{
	write_note(0);
}

/*
 * A job's in-process step begins.  Steps do not nest: the first leave ends
 * the note, so a step that hands over to storing (PostgreSQL's work, which
 * implicates no document) leaves before it.
 */
void
fx_inprocess_enter(int64 job_id)
{
	write_note(job_id);
}

/* The step ended without a crash. */
void
fx_inprocess_leave(void)
{
	write_note(0);
}
