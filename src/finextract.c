/*-------------------------------------------------------------------------
 *
 * finextract.c
 *	  Module entry point: settings, shared memory and registration of the
 *	  background worker.
 *
 * _PG_init runs in the postmaster (the module must be in
 * shared_preload_libraries).  It defines every finextract.* setting, asks
 * for a small shared memory segment and registers one background worker
 * connected to finextract.database.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <unistd.h>

#include "fmgr.h"
#include "miscadmin.h"
#include "postmaster/bgworker.h"
#include "storage/ipc.h"
#include "storage/lwlock.h"
#include "storage/shmem.h"
#include "utils/guc.h"

#include "finextract.h"
#include "options.h"
#include "provider.h"

PG_MODULE_MAGIC;

char	   *finx_database = NULL;
int			finx_max_local_procs = 2;
int			finx_local_timeout_ms = 120000;
int			finx_max_file_size_kb = 100 * 1024;
int			finx_max_pages = 2000;
int			finx_max_attempts = 3;
int			finx_max_attempts_limit = 10;
char	   *finx_debug_crash_text = NULL;
int			finx_max_running_jobs = 32;
int			finx_child_memory_mb = 1024;
int			finx_text_cap_kb = 256 * 1024;
bool		finx_text_words = true;
int			finx_text_chunk_pages = 32;
char	   *finx_pdftotext_path = NULL;
char	   *finx_input_dirs = NULL;
int			finx_ocr = FX_OCR_AUTO;
char	   *finx_ocr_languages = NULL;
int			finx_ocr_dpi = 300;
int			finx_ocr_min_confidence = 60;
char	   *finx_tesseract_path = NULL;
char	   *finx_pdftoppm_path = NULL;
char	   *finx_derule_path = NULL;
int			finx_text_extractor = FX_EXTRACTOR_AUTO;
int			finx_structurer = FX_STRUCTURER_AUTO;
char	   *finx_whisper_url = NULL;
char	   *finx_whisper_key = NULL;
char	   *finx_whisper_mode = NULL;
int			finx_whisper_poll_ms = 5000;
int			finx_whisper_max_concurrency = 0;
int			finx_whisper_rpm = 0;
int			finx_llm_rpm = 0;
int			finx_llm_tpm = 0;
char	   *finx_llm_url = NULL;
char	   *finx_llm_key = NULL;
char	   *finx_whisper_key_file = NULL;
char	   *finx_llm_key_file = NULL;
char	   *finx_llm_model = NULL;
char	   *finx_llm_models = NULL;
int			finx_max_lanes = 64;
char	   *finx_llm_api_version = NULL;
int			finx_llm_max_concurrency = 0;
int			finx_llm_max_tokens = 16384;
int			finx_max_concurrency_bound = 64;
int			finx_connect_timeout_ms = 10000;
int			finx_request_timeout_ms = 120000;
int			finx_request_attempts = 5;
bool		finx_allow_plain_http = false;

FinxShared *finx_shared = NULL;

static shmem_request_hook_type prev_shmem_request_hook = NULL;
static shmem_startup_hook_type prev_shmem_startup_hook = NULL;

void		_PG_init(void);

/* Number of CPUs, the default for finextract.max_local_procs. */
static int
cpu_count(void)
{
	long		n = sysconf(_SC_NPROCESSORS_ONLN);

	return (n < 1) ? 1 : (n > 64 ? 64 : (int) n);
}

/* Define the settings that only the postmaster or superusers may change. */
static void
define_server_settings(void)
{
	DefineCustomStringVariable("finextract.database",
							   "Database the finextract worker connects to.",
							   NULL, &finx_database, "postgres",
							   PGC_POSTMASTER, 0, NULL, NULL, NULL);
	DefineCustomIntVariable("finextract.max_local_procs",
							"Maximum number of local child processes (pdftotext) at once.",
							NULL, &finx_max_local_procs, cpu_count(), 1, 256,
							PGC_SIGHUP, 0, NULL, NULL, NULL);
	DefineCustomIntVariable("finextract.max_running_jobs",
							"Maximum number of jobs the worker runs at once.",
							NULL, &finx_max_running_jobs, 32, 1, 10000,
							PGC_SIGHUP, 0, NULL, NULL, NULL);
	DefineCustomIntVariable("finextract.local_timeout",
							"Time limit of one local child process.",
							NULL, &finx_local_timeout_ms, 120000, 100, 3600 * 1000,
							PGC_SIGHUP, GUC_UNIT_MS, NULL, NULL, NULL);
	DefineCustomIntVariable("finextract.child_memory_limit",
							"Address-space limit of one local child process.",
							NULL, &finx_child_memory_mb, 1024, 64, 65536,
							PGC_SIGHUP, GUC_UNIT_MB, NULL, NULL, NULL);
	DefineCustomIntVariable("finextract.text_cap",
							"Largest text output accepted from one child process.",
							"It also bounds the text of all the chunks of one document; "
							"word boxes (finextract.text_words) take about seven times the "
							"bytes of pdftotext -layout text.",
							&finx_text_cap_kb, 256 * 1024, 64, 1024 * 1024,
							PGC_SIGHUP, GUC_UNIT_KB, NULL, NULL, NULL);
	DefineCustomBoolVariable("finextract.text_words",
							 "Read the text layer as word boxes (pdftotext -tsv).",
							 "The words are laid out in rows and columns from their boxes "
							 "instead of taking pdftotext -layout's text; the text cache keeps "
							 "the two apart.  Off reads pdftotext -layout's text.",
							 &finx_text_words, true, PGC_SIGHUP, 0, NULL, NULL, NULL);
	DefineCustomIntVariable("finextract.text_chunk_pages",
							"Pages of a document read by its first pdftotext child.",
							"A longer document is read in chunks, one child each, so that other "
							"jobs' children run in between: the second chunk has twice this many "
							"pages, the others four times; 0 reads every document in one child.",
							&finx_text_chunk_pages, 32, 0, 1000000,
							PGC_SIGHUP, 0, NULL, NULL, NULL);
	DefineCustomStringVariable("finextract.pdftotext_path",
							   "Program used to extract the text layer of PDFs.",
							   NULL, &finx_pdftotext_path, "pdftotext",
							   PGC_SIGHUP, 0, NULL, NULL, NULL);
}

/* Are the OCR languages a safe tesseract language list ("eng+deu")? */
static bool
check_ocr_languages(char **newval, void **extra, GucSource source)
{
	const char *p = *newval;

	if (*p == '\0')
		goto bad;
	for (; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			  (*p >= '0' && *p <= '9') || *p == '_' || *p == '+'))
			goto bad;
	return true;
bad:
	GUC_check_errdetail("Give tesseract language codes joined by \"+\", such as \"eng\" or \"eng+deu\".");
	return false;
}

/* finextract-derule beside the server's own executable (make install). */
static const char *
derule_default(void)
{
	static char path[MAXPGPATH];

	if (my_exec_path[0] == '\0')
		return "";
	strlcpy(path, my_exec_path, sizeof(path));
	get_parent_directory(path);
	join_path_components(path, path, "finextract-derule");
	return path;
}

/* Define the OCR settings. */
static void
define_ocr_settings(void)
{
	DefineCustomEnumVariable("finextract.ocr",
							 "OCR engine for pages without a text layer: auto, tesseract, llmwhisperer or off.",
							 "auto uses LLMWhisperer when its API key is set, else tesseract when installed.",
							 &finx_ocr, FX_OCR_AUTO, fx_ocr_choices, PGC_SIGHUP, 0,
							 NULL, NULL, NULL);
	DefineCustomStringVariable("finextract.ocr_languages",
							   "Languages tesseract reads, joined by \"+\".",
							   NULL, &finx_ocr_languages, "eng", PGC_SIGHUP, 0,
							   check_ocr_languages, NULL, NULL);
	DefineCustomIntVariable("finextract.ocr_dpi",
							"Resolution at which pages are rendered for OCR.",
							NULL, &finx_ocr_dpi, 300, 72, 1200,
							PGC_SIGHUP, 0, NULL, NULL, NULL);
	DefineCustomIntVariable("finextract.ocr_min_confidence",
							"Word confidence (0-100) below which OCR is flagged.",
							"Pages whose mean confidence and amounts whose confidence fall below it are named in the job's warnings and arithmetic checks.",
							&finx_ocr_min_confidence, 60, 0, 100,
							PGC_SIGHUP, 0, NULL, NULL, NULL);
	DefineCustomStringVariable("finextract.tesseract_path",
							   "The tesseract program.",
							   NULL, &finx_tesseract_path, "tesseract",
							   PGC_SIGHUP, 0, NULL, NULL, NULL);
	DefineCustomStringVariable("finextract.pdftoppm_path",
							   "The program that renders PDF pages to images for OCR.",
							   NULL, &finx_pdftoppm_path, "pdftoppm",
							   PGC_SIGHUP, 0, NULL, NULL, NULL);
	DefineCustomStringVariable("finextract.derule_path",
							   "The program that removes ruled lines from a page image before OCR.",
							   "The default is the finextract-derule installed beside the server's programs; empty reads pages as rendered.",
							   &finx_derule_path, derule_default(),
							   PGC_SIGHUP, 0, NULL, NULL, NULL);
}

/* SHOW of an API key: the key for superusers, a mask for anyone else. */
static const char *
show_secret(const char *value)
{
	if (value == NULL || value[0] == '\0')
		return "";
	return superuser() ? value : "********";
}

static const char *
show_whisper_key(void)
{
	return show_secret(finx_whisper_key);
}

static const char *
show_llm_key(void)
{
	return show_secret(finx_llm_key);
}

/* Define an API key setting: superuser-only, never shown to others. */
static void
define_secret(const char *name, const char *desc, char **var, GucShowHook show)
{
	DefineCustomStringVariable(name, desc, NULL, var, "", PGC_SIGHUP,
							   GUC_SUPERUSER_ONLY | GUC_NO_SHOW_ALL | GUC_NOT_IN_SAMPLE,
							   NULL, NULL, show);
}

/* Define the settings of the remote providers (LLMWhisperer, LLM). */
static void
define_remote_settings(void)
{
	DefineCustomEnumVariable("finextract.text_extractor",
							 "Where page text comes from: auto, local or llmwhisperer.",
							 NULL, &finx_text_extractor, FX_EXTRACTOR_AUTO,
							 fx_extractor_choices, PGC_SIGHUP, 0, NULL, NULL, NULL);
	DefineCustomEnumVariable("finextract.structurer",
							 "Who turns text into statements: auto, local or llm.",
							 NULL, &finx_structurer, FX_STRUCTURER_AUTO,
							 fx_structurer_choices, PGC_SIGHUP, 0, NULL, NULL, NULL);
	DefineCustomStringVariable("finextract.llmwhisperer_url", "LLMWhisperer v2 base URL.", NULL,
							   &finx_whisper_url,
							   "https://llmwhisperer-api.us-central.unstract.com/api/v2",
							   PGC_SIGHUP, GUC_SUPERUSER_ONLY, NULL, NULL, NULL);
	define_secret("finextract.llmwhisperer_api_key", "LLMWhisperer API key.",
				  &finx_whisper_key, show_whisper_key);
	DefineCustomStringVariable("finextract.llmwhisperer_mode", "LLMWhisperer extraction mode.",
							   NULL, &finx_whisper_mode, "form", PGC_SIGHUP, 0,
							   NULL, NULL, NULL);
	DefineCustomIntVariable("finextract.llmwhisperer_poll_interval",
							"Longest gap between two status polls of one extraction.",
							NULL, &finx_whisper_poll_ms, 5000, 10, 600000,
							PGC_SIGHUP, GUC_UNIT_MS, NULL, NULL, NULL);
	DefineCustomIntVariable("finextract.llmwhisperer_max_concurrency",
							"Extractions in flight at LLMWhisperer; 0 = find the capacity adaptively.",
							NULL, &finx_whisper_max_concurrency, 0, 0, 10000,
							PGC_SIGHUP, 0, NULL, NULL, NULL);
	DefineCustomIntVariable("finextract.llmwhisperer_requests_per_minute",
							"Requests per minute to LLMWhisperer (submits, polls, retrieves); 0 = no limit.",
							NULL, &finx_whisper_rpm, 0, 0, 100000000,
							PGC_SIGHUP, 0, NULL, NULL, NULL);
	DefineCustomStringVariable("finextract.llm_url", "OpenAI-compatible API base URL.", NULL,
							   &finx_llm_url, "https://api.openai.com/v1",
							   PGC_SIGHUP, GUC_SUPERUSER_ONLY, NULL, NULL, NULL);
	define_secret("finextract.llm_api_key", "LLM API key.", &finx_llm_key, show_llm_key);
	DefineCustomStringVariable("finextract.llmwhisperer_api_key_file",
							   "File holding the LLMWhisperer API key (read by the worker; the key never passes through settings or the log).",
							   NULL, &finx_whisper_key_file, "", PGC_SIGHUP,
							   GUC_SUPERUSER_ONLY, NULL, NULL, NULL);
	DefineCustomStringVariable("finextract.llm_api_key_file",
							   "File holding the LLM API key (read by the worker; the key never passes through settings or the log).",
							   NULL, &finx_llm_key_file, "", PGC_SIGHUP,
							   GUC_SUPERUSER_ONLY, NULL, NULL, NULL);
	DefineCustomStringVariable("finextract.llm_model", "LLM model (Azure: the deployment).",
							   NULL, &finx_llm_model, "gpt-4o-2024-08-06", PGC_SIGHUP, 0,
							   NULL, NULL, NULL);
	DefineCustomStringVariable("finextract.llm_models",
							   "LLM models a job may ask for with its \"model\" option (comma-separated); empty = any.",
							   NULL, &finx_llm_models, "", PGC_SUSET, 0,
							   NULL, NULL, NULL);
	DefineCustomIntVariable("finextract.max_lanes",
							"Most provider lanes (one per provider, key and model) the worker keeps.",
							NULL, &finx_max_lanes, 64, 4, 10000,
							PGC_SIGHUP, 0, NULL, NULL, NULL);
	DefineCustomStringVariable("finextract.llm_api_version",
							   "Azure OpenAI api-version; when set, Azure's URL layout and api-key header are used.",
							   NULL, &finx_llm_api_version, "", PGC_SIGHUP, 0,
							   NULL, NULL, NULL);
	DefineCustomIntVariable("finextract.llm_max_concurrency",
							"LLM calls in flight; 0 = find the capacity adaptively.",
							NULL, &finx_llm_max_concurrency, 0, 0, 10000,
							PGC_SIGHUP, 0, NULL, NULL, NULL);
	DefineCustomIntVariable("finextract.llm_requests_per_minute",
							"LLM calls per minute per key and model; 0 = no limit.",
							NULL, &finx_llm_rpm, 0, 0, 100000000,
							PGC_SIGHUP, 0, NULL, NULL, NULL);
	DefineCustomIntVariable("finextract.llm_tokens_per_minute",
							"LLM tokens (prompt + max_completion_tokens) per minute per key and model; 0 = no limit.",
							NULL, &finx_llm_tpm, 0, 0, 2000000000,
							PGC_SIGHUP, 0, NULL, NULL, NULL);
	DefineCustomIntVariable("finextract.llm_max_tokens", "max_completion_tokens of an LLM call.",
							NULL, &finx_llm_max_tokens, 16384, 256, 1000000,
							PGC_SIGHUP, 0, NULL, NULL, NULL);
	DefineCustomIntVariable("finextract.max_concurrency_bound",
							"Upper bound of an adaptive in-flight limit.",
							NULL, &finx_max_concurrency_bound, 64, 1, 10000,
							PGC_SIGHUP, 0, NULL, NULL, NULL);
	DefineCustomIntVariable("finextract.connect_timeout", "Connect timeout of a remote request.",
							NULL, &finx_connect_timeout_ms, 10000, 100, 600000,
							PGC_SIGHUP, GUC_UNIT_MS, NULL, NULL, NULL);
	DefineCustomIntVariable("finextract.request_timeout", "Total timeout of a remote request.",
							NULL, &finx_request_timeout_ms, 120000, 100, 3600000,
							PGC_SIGHUP, GUC_UNIT_MS, NULL, NULL, NULL);
	DefineCustomIntVariable("finextract.request_attempts", "Attempts of one remote request.",
							NULL, &finx_request_attempts, 5, 1, 100,
							PGC_SIGHUP, 0, NULL, NULL, NULL);
	DefineCustomBoolVariable("finextract.allow_plain_http",
							 "Allow plain http to hosts other than loopback.",
							 NULL, &finx_allow_plain_http, false,
							 PGC_SIGHUP, GUC_SUPERUSER_ONLY, NULL, NULL, NULL);
}

/* Define the settings that govern what may be submitted. */
static void
define_submit_settings(void)
{
	DefineCustomIntVariable("finextract.max_file_size",
							"Largest PDF accepted by finx_submit.",
							NULL, &finx_max_file_size_kb, 100 * 1024, 1, 1024 * 1024,
							PGC_SUSET, GUC_UNIT_KB, NULL, NULL, NULL);
	DefineCustomIntVariable("finextract.max_pages",
							"Largest page count the worker processes.",
							NULL, &finx_max_pages, 2000, 1, 100000,
							PGC_SIGHUP, 0, NULL, NULL, NULL);
	DefineCustomIntVariable("finextract.max_attempts",
							"Default number of attempts of a job.",
							NULL, &finx_max_attempts, 3, 1, 100,
							PGC_USERSET, 0, NULL, NULL, NULL);
	DefineCustomIntVariable("finextract.max_attempts_limit",
							"Largest max_attempts a job may have; submits asking for more are lowered to it.",
							NULL, &finx_max_attempts_limit, 10, 1, 100,
							PGC_SUSET, 0, NULL, NULL, NULL);
	DefineCustomStringVariable("finextract.debug_crash_on_text",
							   "For tests only: the worker aborts while it parses a document whose text contains this string.",
							   NULL, &finx_debug_crash_text, "",
							   PGC_SUSET,
							   GUC_SUPERUSER_ONLY | GUC_NO_SHOW_ALL | GUC_NOT_IN_SAMPLE,
							   NULL, NULL, NULL);
	DefineCustomStringVariable("finextract.input_dirs",
							   "Comma-separated directories finx_submit may read from; empty means any.",
							   NULL, &finx_input_dirs, "",
							   PGC_SUSET, 0, NULL, NULL, NULL);
}

/* Ask for our shared memory. */
static void
finx_shmem_request(void)
{
	if (prev_shmem_request_hook)
		prev_shmem_request_hook();
	RequestAddinShmemSpace(MAXALIGN(sizeof(FinxShared)));
	RequestNamedLWLockTranche("finextract", 1);
}

/* Create or attach to our shared memory. */
static void
finx_shmem_startup(void)
{
	bool		found;

	if (prev_shmem_startup_hook)
		prev_shmem_startup_hook();

	LWLockAcquire(AddinShmemInitLock, LW_EXCLUSIVE);
	finx_shared = ShmemInitStruct("finextract", sizeof(FinxShared), &found);
	if (!found)
	{
		memset(finx_shared, 0, sizeof(FinxShared));
		SpinLockInit(&finx_shared->mutex);
		ConditionVariableInit(&finx_shared->jobs_cv);
		finx_shared->stats_lock = &(GetNamedLWLockTranche("finextract"))->lock;
		strcpy(finx_shared->provider_stats, "[]");
	}
	LWLockRelease(AddinShmemInitLock);
}

/* Register the one background worker. */
static void
register_worker(void)
{
	BackgroundWorker worker;

	memset(&worker, 0, sizeof(worker));
	worker.bgw_flags = BGWORKER_SHMEM_ACCESS |
		BGWORKER_BACKEND_DATABASE_CONNECTION;
	worker.bgw_start_time = BgWorkerStart_RecoveryFinished;
	worker.bgw_restart_time = 1;
	snprintf(worker.bgw_library_name, BGW_MAXLEN, "finextract");
	snprintf(worker.bgw_function_name, BGW_MAXLEN, "finx_worker_main");
	snprintf(worker.bgw_name, BGW_MAXLEN, "finextract worker");
	snprintf(worker.bgw_type, BGW_MAXLEN, "finextract worker");
	RegisterBackgroundWorker(&worker);
}

/* Set the worker's latch, if a worker runs. */
void
finx_wake_worker(void)
{
	Latch	   *latch = NULL;

	if (finx_shared == NULL)
		return;
	SpinLockAcquire(&finx_shared->mutex);
	if (finx_shared->worker_pid != 0)
		latch = finx_shared->worker_latch;
	SpinLockRelease(&finx_shared->mutex);
	if (latch)
		SetLatch(latch);
}

void
_PG_init(void)
{
	define_server_settings();
	define_submit_settings();
	define_ocr_settings();
	define_remote_settings();
	fx_providers_define_settings();
	MarkGUCPrefixReserved("finextract");

	/* loaded by CREATE EXTENSION alone: settings only, no worker */
	if (!process_shared_preload_libraries_in_progress)
		return;

	prev_shmem_request_hook = shmem_request_hook;
	shmem_request_hook = finx_shmem_request;
	prev_shmem_startup_hook = shmem_startup_hook;
	shmem_startup_hook = finx_shmem_startup;

	register_worker();
}
