/*-------------------------------------------------------------------------
 *
 * finextract.h
 *	  Settings and shared state of finextract, visible to every module that
 *	  runs inside the server.
 *
 * src/finextract.c owns the definitions: the settings (GUCs), the shared
 * memory segment through which backends wake the worker and the worker wakes
 * waiters, and the registration of the background worker.
 *
 *-------------------------------------------------------------------------
 */
#ifndef FINEXTRACT_H
#define FINEXTRACT_H

#include "postgres.h"

#include "storage/condition_variable.h"
#include "storage/latch.h"
#include "storage/lwlock.h"
#include "storage/spin.h"

/* settings */
extern char *finx_database;
extern int	finx_max_local_procs;
extern int	finx_local_timeout_ms;
extern int	finx_max_file_size_kb;
extern int	finx_max_pages;
extern int	finx_max_attempts;
extern int	finx_max_attempts_limit;
extern char *finx_debug_crash_text;
extern int	finx_max_running_jobs;
extern int	finx_child_memory_mb;
extern int	finx_text_cap_kb;
extern bool finx_text_words;
extern int	finx_text_chunk_pages;
extern char *finx_pdftotext_path;
extern char *finx_input_dirs;
extern int	finx_ocr;
extern char *finx_ocr_languages;
extern int	finx_ocr_dpi;
extern char *finx_derule_path;
extern int	finx_ocr_min_confidence;
extern char *finx_tesseract_path;
extern char *finx_pdftoppm_path;
extern int	finx_text_extractor;
extern int	finx_structurer;
extern char *finx_whisper_url;
extern char *finx_whisper_key;
extern char *finx_whisper_mode;
extern int	finx_whisper_poll_ms;
extern int	finx_whisper_max_concurrency;
extern int	finx_whisper_rpm;
extern int	finx_llm_rpm;
extern int	finx_llm_tpm;
extern char *finx_llm_url;
extern char *finx_llm_key;
extern char *finx_whisper_key_file;
extern char *finx_llm_key_file;
extern char *finx_llm_model;
extern char *finx_llm_models;
extern int	finx_max_lanes;
extern char *finx_llm_api_version;
extern int	finx_llm_max_concurrency;
extern int	finx_llm_max_tokens;
extern int	finx_max_concurrency_bound;
extern int	finx_connect_timeout_ms;
extern int	finx_request_timeout_ms;
extern int	finx_request_attempts;
extern bool finx_allow_plain_http;

#define FX_STATS_SIZE 262144	/* bytes of finx.provider_stats' JSON */
#define FX_LIVE_MAX 1024		/* running jobs whose progress is shown */

/* live counters of one running job (finx.progress) */
typedef struct FxJobLive
{
	int64		job_id;
	int32		attempt;
	int32		statements_found;
	int32		statements_done;
	int32		requests_in_flight;
	int32		pages_read;
} FxJobLive;

/* state shared between backends and the worker */
typedef struct FinxShared
{
	slock_t		mutex;
	pid_t		worker_pid;		/* 0 when no worker runs */
	Latch	   *worker_latch;	/* set to wake the worker */
	ConditionVariable jobs_cv;	/* broadcast when jobs end */
	uint64		jobs_finished;	/* bumped with each broadcast */
	LWLock	   *stats_lock;		/* guards provider_stats and live */
	char		provider_stats[FX_STATS_SIZE];	/* JSON of the lanes */
	int			nlive;			/* entries of live in use (stats_lock) */
	FxJobLive	live[FX_LIVE_MAX];	/* running jobs, as last published */
} FinxShared;

extern FinxShared *finx_shared;

extern void finx_wake_worker(void);

/* src/worker.c */
extern PGDLLEXPORT void finx_worker_main(Datum main_arg);

#endif							/* FINEXTRACT_H */
