/*-------------------------------------------------------------------------
 *
 * pdfcheck.c
 *	  Submit-time checks of a file and its content, done in the caller's
 *	  backend without parsing the PDF.
 *
 * This file owns the rules for which server files finx_submit may read
 * (absolute paths, finextract.input_dirs checked after resolving symlinks,
 * regular files only, finextract.max_file_size) and the byte-level checks of
 * a PDF (header, end-of-file marker).  Real parsing happens later in child
 * processes, never in a backend: that is where a password-protected PDF is
 * told apart from one that is merely encrypted with an empty user password
 * (as many filings are, and which read fine).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "storage/fd.h"
#include "utils/builtins.h"
#include "utils/varlena.h"

#include "pdfcheck.h"

#define HEADER_WINDOW 1024
#define TRAILER_WINDOW 2048

/* Raise the "too large" error. */
static void
too_large(const char *name, int64 size, int64 max_bytes)
{
	ereport(ERROR,
			(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
			 errmsg("file \"%s\" is too large", name),
			 errdetail("It has %lld bytes; finextract.max_file_size allows %lld.",
					   (long long) size, (long long) max_bytes),
			 errhint("Raise finextract.max_file_size, or submit a smaller file.")));
}

/* Byte-level checks of a PDF's content. */
void
fx_pdf_check(const char *data, size_t len, int64 max_bytes, const char *name)
{
	size_t		tail;

	if (len == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("file \"%s\" is empty", name),
				 errhint("Submit a PDF document.")));
	if ((int64) len > max_bytes)
		too_large(name, (int64) len, max_bytes);
	if (memmem(data, Min(len, HEADER_WINDOW), "%PDF-", 5) == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("file \"%s\" is not a PDF document", name),
				 errdetail("It does not start with a %%PDF- header."),
				 errhint("Submit a PDF document.")));
	tail = Min(len, TRAILER_WINDOW);
	if (memmem(data + len - tail, tail, "%%EOF", 5) == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("PDF document \"%s\" is truncated", name),
				 errdetail("It has no %%%%EOF marker at its end."),
				 errhint("Submit the complete file; it may have been cut short in transfer.")));
}

/* Reduce a submitted name to a base name and check it. */
char *
fx_check_file_name(const char *name)
{
	const char *base = strrchr(name, '/');

	base = base ? base + 1 : name;
	if (base[0] == '\0' || strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid file name \"%s\"", name),
				 errhint("Give the document's file name, such as \"report-2023.pdf\".")));
	if (strlen(base) > 255)
		ereport(ERROR,
				(errcode(ERRCODE_NAME_TOO_LONG),
				 errmsg("file name is too long"),
				 errdetail("A file name may have at most 255 bytes.")));
	return pstrdup(base);
}

/* Is the resolved path inside one of the comma-separated directories? */
bool
fx_path_allowed(const char *resolved, const char *input_dirs)
{
	char	   *dirs;
	List	   *list;
	ListCell   *lc;

	if (input_dirs == NULL || input_dirs[0] == '\0')
		return true;
	dirs = pstrdup(input_dirs);
	if (!SplitDirectoriesString(dirs, ',', &list))
		return false;
	foreach(lc, list)
	{
		char		real[PATH_MAX];
		size_t		n;

		if (realpath((char *) lfirst(lc), real) == NULL)
			continue;
		n = strlen(real);
		if (n == 1 && real[0] == '/')
			return true;
		if (strncmp(resolved, real, n) == 0 && resolved[n] == '/')
			return true;
	}
	return false;
}

/* Resolve and stat a path, raising the right error for each failure. */
static void
resolve_path(const char *path, char *resolved, struct stat *st)
{
	if (!is_absolute_path(path))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("relative path \"%s\" is not allowed", path),
				 errhint("Give the absolute path of the file on the database server.")));
	if (realpath(path, resolved) == NULL || stat(resolved, st) < 0)
	{
		if (errno == ENOENT || errno == ENOTDIR)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_FILE),
					 errmsg("file \"%s\" does not exist", path),
					 errhint("Check the path; it is read on the database server, not the client.")));
		ereport(ERROR,
				(errcode_for_file_access(),
				 errmsg("could not access file \"%s\": %m", path),
				 errhint("The file must be readable by the operating system user that runs the database server.")));
	}
	if (S_ISDIR(st->st_mode))
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("\"%s\" is a directory", path),
				 errhint("Give the path of a PDF file.")));
	if (!S_ISREG(st->st_mode))
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("\"%s\" is not a regular file", path),
				 errhint("Give the path of a PDF file.")));
}

/* Read the whole file into a bytea. */
static bytea *
read_whole(const char *path, const char *resolved, off_t size)
{
	bytea	   *buf = palloc(size + VARHDRSZ);
	int			fd = OpenTransientFile(resolved, O_RDONLY | PG_BINARY);
	off_t		got = 0;

	if (fd < 0)
		ereport(ERROR,
				(errcode_for_file_access(),
				 errmsg("could not open file \"%s\" for reading: %m", path),
				 errhint("The file must be readable by the operating system user that runs the database server.")));
	while (got < size)
	{
		ssize_t		n = read(fd, VARDATA(buf) + got, size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			ereport(ERROR,
					(errcode_for_file_access(),
					 errmsg("could not read file \"%s\": %m", path)));
		if (n == 0)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_CORRUPTED),
					 errmsg("file \"%s\" changed while it was read", path),
					 errhint("Submit the file again once it is complete.")));
		got += n;
	}
	CloseTransientFile(fd);
	SET_VARSIZE(buf, size + VARHDRSZ);
	return buf;
}

/*
 * Read a PDF from the server's file system under the submit rules.  Sets
 * *file_name to the base name as submitted.
 */
bytea *
fx_read_pdf_file(const char *path, int64 max_bytes, const char *input_dirs,
				 char **file_name)
{
	char		resolved[PATH_MAX];
	struct stat st;

	resolve_path(path, resolved, &st);
	if (!fx_path_allowed(resolved, input_dirs))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("file \"%s\" is outside the directories finextract may read", path),
				 errdetail("Its resolved path is \"%s\".", resolved),
				 errhint("Move the file into one of the directories of finextract.input_dirs.")));
	*file_name = fx_check_file_name(path);
	if (st.st_size == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("file \"%s\" is empty", path),
				 errhint("Submit a PDF document.")));
	if ((int64) st.st_size > max_bytes)
		too_large(path, (int64) st.st_size, max_bytes);
	return read_whole(path, resolved, st.st_size);
}
