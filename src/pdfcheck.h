/*-------------------------------------------------------------------------
 *
 * pdfcheck.h
 *	  Checks on submitted files that need no PDF parser: where a file may
 *	  be read from, its size, its header and trailer, encryption.
 *
 *-------------------------------------------------------------------------
 */
#ifndef FX_PDFCHECK_H
#define FX_PDFCHECK_H

#include "postgres.h"

extern bytea *fx_read_pdf_file(const char *path, int64 max_bytes,
							   const char *input_dirs, char **file_name);
extern void fx_pdf_check(const char *data, size_t len, int64 max_bytes,
						 const char *file_name);
extern char *fx_check_file_name(const char *name);
extern bool fx_path_allowed(const char *resolved, const char *input_dirs);

#endif							/* FX_PDFCHECK_H */
