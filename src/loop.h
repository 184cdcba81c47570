/*-------------------------------------------------------------------------
 *
 * loop.h
 *	  The worker's event loop: one wait for the latch, postmaster death,
 *	  every watched file descriptor and the earliest timer.
 *
 * The loop knows nothing of HTTP, PDFs or SQL.  Child pipes and (later)
 * libcurl sockets register file descriptors with callbacks; anything that
 * must happen at a time registers a timer.
 *
 * fx_loop_watch, fx_loop_unwatch, fx_loop_timer and fx_loop_cancel_timer
 * may allocate and raise errors, so they must not run inside a foreign
 * library's callback (libcurl's socket and timer callbacks): an error there
 * would longjmp through the library.  Such a callback brackets itself with
 * fx_loop_forbid(true) / fx_loop_forbid(false); a loop function called in
 * between counts a violation (fx_loop_violations, which tests check) and
 * fails an assertion in assert-enabled builds.
 *
 *-------------------------------------------------------------------------
 */
#ifndef FX_LOOP_H
#define FX_LOOP_H

#include "postgres.h"

#define FX_IO_READ		0x01
#define FX_IO_WRITE		0x02
#define FX_IO_ERROR		0x04

typedef struct FxLoop FxLoop;
typedef uint64 FxTimerId;

typedef void (*FxIoCallback) (int fd, int events, void *arg);
typedef void (*FxTimerCallback) (void *arg);

extern FxLoop *fx_loop_create(void);
extern void fx_loop_destroy(FxLoop *loop);
extern void fx_loop_watch(FxLoop *loop, int fd, int events,
						  FxIoCallback cb, void *arg);
extern void fx_loop_unwatch(FxLoop *loop, int fd);
extern FxTimerId fx_loop_timer(FxLoop *loop, int64 delay_ms,
							   FxTimerCallback cb, void *arg);
extern void fx_loop_cancel_timer(FxLoop *loop, FxTimerId id);
extern bool fx_loop_wait(FxLoop *loop, long max_wait_ms);
extern int	fx_loop_nwatched(FxLoop *loop);
extern int64 fx_now_ms(void);
extern void fx_loop_forbid(bool forbidden);
extern uint64 fx_loop_violations(void);

#endif							/* FX_LOOP_H */
