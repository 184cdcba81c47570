/*-------------------------------------------------------------------------
 *
 * api.h
 *	  Pieces of the SQL API that other SQL-callable modules reuse.
 *
 *-------------------------------------------------------------------------
 */
#ifndef FX_API_H
#define FX_API_H

#include "postgres.h"

#include "utils/jsonb.h"

extern int64 fx_submit_content(const char *file_name, bytea *content,
							   Jsonb *options);
extern void fx_check_read_server_files(void);
extern void fx_sha256_hex(const char *data, size_t len, char *hex);

#endif							/* FX_API_H */
