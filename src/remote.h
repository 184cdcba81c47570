/*-------------------------------------------------------------------------
 *
 * remote.h
 *	  The remote providers as the pipeline sees them: LLMWhisperer text
 *	  extraction of a set of pages, and one LLM structuring call (through
 *	  the provider finextract.llm_provider names, see provider.h).
 *
 *-------------------------------------------------------------------------
 */
#ifndef FX_REMOTE_H
#define FX_REMOTE_H

#include "postgres.h"

#include "failure.h"
#include "parse.h"

typedef struct FxWhisper FxWhisper;
typedef struct FxChat FxChat;

/*
 * texts[i] is the text of pages[i]; on failure texts is NULL, error says
 * why and kind what kind of failure it was (failure.h)
 */
typedef void (*FxWhisperDone) (void *arg, char **texts, const char *error,
							   FxFailKind kind);

/* res holds the statements of one call; on failure NULL, error and kind */
typedef void (*FxChatDone) (void *arg, fx_result *res, const char *error,
							FxFailKind kind);

extern char *fx_read_key_file(const char *path, const char *setting);
extern void fx_remote_load_keys(void);
extern bool fx_whisper_configured(void);
extern bool fx_llm_configured(void);
extern const char *fx_llm_key_setting(void);
extern char *fx_whisper_engine(const char *mode);
extern FxWhisper *fx_whisper_start(int64 job_id, int64 document_id,
								   const char *pdf_path, const char *file_name,
								   const int *pages, int npages, const char *mode,
								   FxWhisperDone done, void *arg);
extern void fx_whisper_cancel(FxWhisper *w);
extern FxChat *fx_chat_start(int64 job_id, int statement, const char *model,
							 const char *const *texts, const int *pages, int npages,
							 int type_hint, FxChatDone done, void *arg);
extern void fx_chat_cancel(FxChat *c);
extern void fx_remote_flush_trace(void);

#endif							/* FX_REMOTE_H */
