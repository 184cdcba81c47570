/*-------------------------------------------------------------------------
 *
 * store_text.c
 *	  The worker's SQL for page texts and document content: the text cache
 *	  (text layer, OCR texts with their word confidences, whisper
 *	  extractions) and writing a document's PDF bytes for the children.
 *
 * Exported functions run in their own short transaction through
 * fx_spi_xact(); fx_store_pages() and fx_store_cache_texts() run inside the
 * caller's (store_int.h).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <fcntl.h>
#include <unistd.h>

#include "catalog/pg_type.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#include "spi_exec.h"
#include "store.h"
#include "store_int.h"

typedef struct PagesArgs
{
	int64		document_id;
	const char *engine;
	bool		partial;
	MemoryContext cxt;
	char	  **pages;
	int			npages;
} PagesArgs;

/* Body of fx_store_load_pages. */
static void
pages_body(void *arg)
{
	PagesArgs  *a = arg;
	Oid			types[2] = {INT8OID, TEXTOID};
	Datum		vals[2];
	uint64		n;
	int			total;

	vals[0] = Int64GetDatum(a->document_id);
	vals[1] = CStringGetTextDatum(a->engine);
	n = fx_spi_exec("SELECT t.page, t.text, coalesce(d.pages, pg_catalog.max(t.page) OVER ()) FROM finx.page_texts t "
					"JOIN finx.documents d ON d.id = t.document_id "
					"WHERE t.document_id = $1 AND t.engine = $2 ORDER BY t.page",
					2, types, vals, NULL);
	if (n == 0)
		return;
	total = fx_spi_int32(0, 3);
	if (total <= 0 || (!a->partial && (int64) n != total))
		return;					/* not cached, or not every page */
	a->pages = MemoryContextAllocZero(a->cxt, sizeof(char *) * total);
	for (uint64 r = 0; r < n; r++)
	{
		int			page = fx_spi_int32(r, 1);

		if (page >= 1 && page <= total)
			a->pages[page - 1] = fx_spi_text(r, 2, a->cxt);
	}
	a->npages = total;
}

/*
 * The cached text of every page of a document, or NULL when not cached.
 * With partial, pages not cached are NULL entries (NULL if none is).
 */
char **
fx_store_load_pages(int64 document_id, const char *engine, bool partial,
					int *npages, char **err)
{
	PagesArgs	a = {document_id, engine, partial, CurrentMemoryContext, NULL, 0};

	if (!fx_spi_xact("reading cached text", pages_body, &a, err) || a.npages == 0)
		return NULL;
	*npages = a.npages;
	return a.pages;
}

typedef struct ConfArgs
{
	int64		document_id;
	const char *engine;
	int			npages;
	MemoryContext cxt;
	FxOcrConf **conf;
} ConfArgs;

/* The confidences of one cached page, from row r on (rows of its words). */
static FxOcrConf *
conf_of_rows(MemoryContext cxt, uint64 r, uint64 n, int page)
{
	FxOcrConf  *c = MemoryContextAllocZero(cxt, sizeof(FxOcrConf));
	bool		isnull;
	Datum		d = SPI_getbinval(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 2, &isnull);
	uint64		k;

	c->mean = isnull ? -1 : DatumGetFloat4(d);
	for (k = r; k < n && fx_spi_int32(k, 1) == page; k++)
		;
	c->words = MemoryContextAllocZero(cxt, sizeof(FxOcrWord) * Max(k - r, 1));
	for (; r < k; r++)
	{
		char	   *word = fx_spi_text(r, 5, cxt);

		if (word == NULL)
			continue;			/* a page without words */
		c->words[c->nwords].line = fx_spi_int32(r, 3);
		c->words[c->nwords].conf = fx_spi_int32(r, 4);
		c->words[c->nwords++].word = word;
	}
	return c;
}

/* Body of fx_store_load_ocr_conf. */
static void
conf_body(void *arg)
{
	ConfArgs   *a = arg;
	Oid			types[2] = {INT8OID, TEXTOID};
	Datum		vals[2];
	uint64		n;

	vals[0] = Int64GetDatum(a->document_id);
	vals[1] = CStringGetTextDatum(a->engine);
	n = fx_spi_exec("SELECT t.page, t.ocr_confidence, w.line, w.conf, w.word FROM finx.page_texts t "
					"LEFT JOIN LATERAL pg_catalog.jsonb_to_recordset(t.ocr_words) AS w(line int, conf int, word text) "
					"ON true WHERE t.document_id = $1 AND t.engine = $2 AND t.ocr_words IS NOT NULL "
					"ORDER BY t.page",
					2, types, vals, NULL);
	a->conf = MemoryContextAllocZero(a->cxt, sizeof(FxOcrConf *) * Max(a->npages, 1));
	for (uint64 r = 0; r < n;)
	{
		int			page = fx_spi_int32(r, 1);
		uint64		k = r;

		while (k < n && fx_spi_int32(k, 1) == page)
			k++;
		if (page >= 1 && page <= a->npages)
			a->conf[page - 1] = conf_of_rows(a->cxt, r, k, page);
		r = k;
	}
}

/*
 * The word confidences cached with a document's OCR text: [page - 1], NULL
 * entries where none are known (or NULL when they could not be read).
 */
FxOcrConf **
fx_store_load_ocr_conf(int64 document_id, const char *engine, int npages, char **err)
{
	ConfArgs	a = {document_id, engine, npages, CurrentMemoryContext, NULL};

	if (!fx_spi_xact("reading cached OCR confidences", conf_body, &a, err))
		return NULL;
	return a.conf;
}

typedef struct ContentArgs
{
	int64		document_id;
	const char *path;
} ContentArgs;

/* Body of fx_store_write_content. */
static void
content_body(void *arg)
{
	ContentArgs *a = arg;
	Oid			types[1] = {INT8OID};
	Datum		vals[1] = {Int64GetDatum(a->document_id)};
	bool		isnull;
	bytea	   *content;
	int			fd;
	size_t		len,
				done = 0;

	if (fx_spi_exec("SELECT content FROM finx.document_content WHERE document_id = $1",
					1, types, vals, NULL) == 0)
		ereport(ERROR,
				(errcode(ERRCODE_NO_DATA_FOUND),
				 errmsg("the content of document %lld is missing", (long long) a->document_id)));
	content = DatumGetByteaPP(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	len = VARSIZE_ANY_EXHDR(content);
	fd = open(a->path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		ereport(ERROR, (errcode_for_file_access(),
						errmsg("could not create \"%s\": %m", a->path)));
	while (done < len)
	{
		ssize_t		w = write(fd, VARDATA_ANY(content) + done, len - done);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
		{
			close(fd);
			ereport(ERROR, (errcode_for_file_access(),
							errmsg("could not write \"%s\": %m", a->path)));
		}
		done += w;
	}
	close(fd);
}

/* Write a document's PDF bytes to a file for the child processes. */
bool
fx_store_write_content(int64 document_id, const char *path, char **err)
{
	ContentArgs a = {document_id, path};

	return fx_spi_xact("writing document content", content_body, &a, err);
}


/* Cache one engine's page texts (NULL entries are skipped). */
void
fx_store_cache_texts(int64 document_id, const char *engine, int npages, char **pages)
{
	Oid			types[3] = {INT8OID, TEXTOID, TEXTARRAYOID};
	Datum		vals[3];

	vals[0] = Int64GetDatum(document_id);
	vals[1] = CStringGetTextDatum(engine);
	vals[2] = fx_spi_text_array(pages, npages);
	fx_spi_exec("INSERT INTO finx.page_texts (document_id, engine, page, text) "
				"SELECT $1, $2, u.ord, u.t FROM pg_catalog.unnest($3) WITH ORDINALITY AS u(t, ord) "
				"WHERE u.t IS NOT NULL ON CONFLICT DO NOTHING",
				3, types, vals, NULL);
}

/*
 * Cache OCR page texts with their word confidences (conf may be NULL, and
 * so may its entries: confidence unknown).
 */
static void
cache_ocr_texts(int64 document_id, const char *engine, int npages, char **pages,
				FxOcrConf **conf)
{
	Oid			types[5] = {INT8OID, TEXTOID, TEXTARRAYOID, TEXTARRAYOID, TEXTARRAYOID};
	Datum		vals[5];
	char	  **means = palloc0(sizeof(char *) * Max(npages, 1));
	char	  **words = palloc0(sizeof(char *) * Max(npages, 1));

	for (int i = 0; conf && i < npages; i++)
	{
		if (conf[i] == NULL)
			continue;
		if (conf[i]->mean >= 0)
			means[i] = psprintf("%.1f", conf[i]->mean);
		words[i] = fx_ocr_conf_words_json(conf[i]);
	}
	vals[0] = Int64GetDatum(document_id);
	vals[1] = CStringGetTextDatum(engine);
	vals[2] = fx_spi_text_array(pages, npages);
	vals[3] = fx_spi_text_array(means, npages);
	vals[4] = fx_spi_text_array(words, npages);
	fx_spi_exec("INSERT INTO finx.page_texts (document_id, engine, page, text, ocr_confidence, ocr_words) "
				"SELECT $1, $2, u.ord, u.t, u.m::real, u.w::jsonb "
				"FROM ROWS FROM (pg_catalog.unnest($3), pg_catalog.unnest($4), pg_catalog.unnest($5)) "
				"WITH ORDINALITY AS u(t, m, w, ord) "
				"WHERE u.t IS NOT NULL ON CONFLICT DO NOTHING",
				5, types, vals, NULL);
}

/* Record the page count and cache the texts of an attempt. */
void
fx_store_pages(int64 document_id, const FxTexts *t)
{
	Oid			types[2] = {INT8OID, INT4OID};
	Datum		vals[2];

	if (t == NULL || t->npages <= 0)
		return;
	vals[0] = Int64GetDatum(document_id);
	vals[1] = Int32GetDatum(t->npages);
	fx_spi_exec("UPDATE finx.documents SET pages = $2 WHERE id = $1 AND pages IS DISTINCT FROM $2",
				2, types, vals, NULL);
	if (t->pages)
		fx_store_cache_texts(document_id, t->engine, t->npages, t->pages);
	if (t->ocr_pages)
		cache_ocr_texts(document_id, t->ocr_engine, t->npages, t->ocr_pages,
						t->ocr_conf);
}


typedef struct WhisperArgs
{
	int64		document_id;
	const char *pages_key;
	const char *mode;
	const char *hash;			/* in: to save; out: found */
	int			n;
	const int  *pages;
	char	  **texts;
	const char *engine;
	MemoryContext cxt;
	int			op;
} WhisperArgs;

enum
{
	WH_GET, WH_SAVE, WH_FORGET, WH_RETRIEVED
};

/* Body of the fx_store_whisper_* functions. */
static void
whisper_body(void *arg)
{
	WhisperArgs *a = arg;
	Oid			types[4] = {INT8OID, TEXTOID, TEXTOID, TEXTOID};
	Datum		vals[4];

	vals[0] = Int64GetDatum(a->document_id);
	vals[1] = CStringGetTextDatum(a->pages_key);
	vals[2] = CStringGetTextDatum(a->mode);
	vals[3] = CStringGetTextDatum(a->hash ? a->hash : "");
	if (a->op == WH_GET)
	{
		if (fx_spi_exec("SELECT whisper_hash FROM finx.whisper_extractions WHERE document_id = $1 "
						"AND pages = $2 AND mode = $3 AND state = 'submitted'", 3, types, vals, NULL) > 0)
			a->hash = fx_spi_text(0, 1, a->cxt);
	}
	else if (a->op == WH_SAVE)
		fx_spi_exec("INSERT INTO finx.whisper_extractions (document_id, pages, mode, whisper_hash, state, submitted_at) "
					"VALUES ($1, $2, $3, $4, 'submitted', pg_catalog.now()) ON CONFLICT (document_id, pages, mode) "
					"DO UPDATE SET whisper_hash = $4, state = 'submitted', submitted_at = pg_catalog.now(), retrieved_at = NULL",
					4, types, vals, NULL);
	else if (a->op == WH_FORGET)
		fx_spi_exec("DELETE FROM finx.whisper_extractions WHERE document_id = $1 AND pages = $2 AND mode = $3",
					3, types, vals, NULL);
	else
	{
		char	  **all = palloc0(sizeof(char *) * (a->pages[a->n - 1]));

		for (int i = 0; i < a->n; i++)
			all[a->pages[i] - 1] = a->texts[i];
		fx_store_cache_texts(a->document_id, a->engine, a->pages[a->n - 1], all);
		fx_spi_exec("UPDATE finx.whisper_extractions SET state = 'retrieved', retrieved_at = pg_catalog.now() "
					"WHERE document_id = $1 AND pages = $2 AND mode = $3", 3, types, vals, NULL);
	}
}

/* The hash of a submitted, not yet retrieved extraction, or NULL. */
char *
fx_store_whisper_get(int64 document_id, const char *pages_key, const char *mode)
{
	WhisperArgs a = {document_id, pages_key, mode, NULL, 0, NULL, NULL, NULL,
	CurrentMemoryContext, WH_GET};
	char	   *err;

	(void) fx_spi_xact("reading a whisper extraction", whisper_body, &a, &err);
	return (char *) a.hash;
}

/* Commit a whisper hash right after the submit was accepted. */
bool
fx_store_whisper_save(int64 document_id, const char *pages_key, const char *mode,
					  const char *hash, char **err)
{
	WhisperArgs a = {document_id, pages_key, mode, hash, 0, NULL, NULL, NULL,
	CurrentMemoryContext, WH_SAVE};

	return fx_spi_xact("saving a whisper hash", whisper_body, &a, err);
}

/* Forget an extraction whose hash the server no longer knows. */
void
fx_store_whisper_forget(int64 document_id, const char *pages_key, const char *mode)
{
	WhisperArgs a = {document_id, pages_key, mode, NULL, 0, NULL, NULL, NULL,
	CurrentMemoryContext, WH_FORGET};
	char	   *err;

	(void) fx_spi_xact("forgetting a whisper extraction", whisper_body, &a, &err);
}

/* Commit retrieved text (pages ascending) before anything uses it. */
bool
fx_store_whisper_retrieved(int64 document_id, const char *pages_key, const char *mode,
						   const char *engine, const int *pages, char **texts, int n,
						   char **err)
{
	WhisperArgs a = {document_id, pages_key, mode, NULL, n, pages, texts, engine,
	CurrentMemoryContext, WH_RETRIEVED};

	return fx_spi_xact("storing retrieved text", whisper_body, &a, err);
}
