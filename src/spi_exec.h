/*-------------------------------------------------------------------------
 *
 * spi_exec.h
 *	  The one SPI layer: the worker's transaction wrapper, the saved-plan
 *	  cache keyed by statement, execution with arguments, result columns
 *	  and the error context of a failed statement.
 *
 * Every SQL statement of the extension's C code (worker, submit functions,
 * inbox, visibility) runs through fx_spi_exec (fx_spi_read for a read-only
 * query in the caller's snapshot): its plan is prepared once per process
 * and kept.  Statements must be string constants (or live as long as the
 * process): the pointer identifies the statement.  The SQL itself must
 * schema-qualify every object and builtin it names, as the callers run it
 * with search_path = pg_catalog, pg_temp.
 *
 *-------------------------------------------------------------------------
 */
#ifndef FX_SPI_EXEC_H
#define FX_SPI_EXEC_H

#include "postgres.h"

#include "executor/spi.h"
#include "nodes/pg_list.h"

typedef void (*FxXactBody) (void *arg);

extern bool fx_spi_xact(const char *activity, FxXactBody body, void *arg,
						char **err);
extern void fx_spi_wake_waiters_at_commit(void);
extern SPIPlanPtr fx_spi_plan(const char *sql, int nargs, Oid *types);
extern uint64 fx_spi_exec(const char *sql, int nargs, Oid *types, Datum *vals,
						  const char *nulls);
extern uint64 fx_spi_exec_count(const char *sql, int nargs, Oid *types,
								Datum *vals, const char *nulls, long count);
extern uint64 fx_spi_read(const char *sql, int nargs, Oid *types, Datum *vals,
						  const char *nulls);
extern int64 fx_spi_int64(uint64 r, int i, bool *isnull);
extern int32 fx_spi_int32(uint64 r, int i);
extern char *fx_spi_text(uint64 r, int i, MemoryContext cxt);
extern Datum fx_spi_text_array(char **strs, int n);
extern Datum fx_spi_text_array_list(List *l);

#endif							/* FX_SPI_EXEC_H */
