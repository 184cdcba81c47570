/*-------------------------------------------------------------------------
 *
 * sandbox.h
 *	  The confinement of child processes that read untrusted PDFs.
 *
 * The parent prepares a sandbox before it forks (a private empty directory,
 * a minimal environment, the program's resolved path); the forked child
 * enters it just before exec (cwd, no new privileges, a seccomp filter);
 * the parent releases it (removes the directory) after the child ended.
 *
 *-------------------------------------------------------------------------
 */
#ifndef FX_SANDBOX_H
#define FX_SANDBOX_H

typedef struct FxSandbox
{
	char	   *dir;			/* private cwd, HOME and TMPDIR (mode 0700) */
	char	  **envp;			/* the child's whole environment */
	char	   *exec_path;		/* the program, resolved: what execve gets */
	bool		exec_once;		/* no exec after this one (an ELF program) */
} FxSandbox;

extern void fx_sandbox_init(const char *tmpdir);
extern bool fx_sandbox_prepare(FxSandbox *sb, const char *program,
							   bool may_exec);
extern int	fx_sandbox_enter(const FxSandbox *sb);
extern void fx_sandbox_release(FxSandbox *sb);

#endif							/* FX_SANDBOX_H */
