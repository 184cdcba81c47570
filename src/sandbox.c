/*-------------------------------------------------------------------------
 *
 * sandbox.c
 *	  The confinement of child processes that read untrusted PDFs.
 *
 * This file owns what a child may see and do beyond its resource limits
 * (child.c sets those).  A child gets:
 *
 * - a minimal environment built here (PATH, LANG, HOME, TMPDIR and, when
 *   the server has it, TESSDATA_PREFIX): no PG* variable, no key, nothing
 *   else of the server's environment;
 * - as cwd, HOME and TMPDIR a private empty directory (mode 0700) under the
 *   worker's temporary directory, removed with its contents when the child
 *   has ended;
 * - PR_SET_NO_NEW_PRIVS, so no setuid program gains rights;
 * - where the kernel allows, a seccomp filter: no socket of any family (a
 *   local socket would reach the server's own Unix socket), no io_uring
 *   (which could open sockets past the filter), no ptrace,
 *   process_vm_readv/writev or pidfd_getfd (the server's processes run as
 *   the same user), and, for a compiled program, no exec but the one that
 *   starts it.
 *
 * A seccomp filter cannot read the path that execve is given, but it can
 * compare the pointer: the child installs the filter and calls execve with
 * the one string whose address the filter allows; any other execve or
 * execveat kills the process.  The exec'd program has a new address space
 * in which that address means nothing it chose, and since a wrong guess is
 * fatal it cannot search for it.  A shell script (the OCR pipeline, or a
 * wrapper a superuser configured in place of pdftotext) must run further
 * programs, so for those exec stays allowed; the other rules hold for them
 * and everything they start.
 *
 * If the kernel has no seccomp, children run without the filter and the
 * worker says so once in the log.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <fcntl.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include "miscadmin.h"
#include "storage/fd.h"
#include "utils/memutils.h"

#include "sandbox.h"

#if defined(__x86_64__)
#define FX_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define FX_AUDIT_ARCH AUDIT_ARCH_AARCH64
#endif

#define DEFAULT_PATH "/usr/bin:/bin"
#define DIR_PREFIX "child."

static char *sandbox_tmpdir = NULL;
static bool seccomp_ok = false;

#ifdef FX_AUDIT_ARCH

#define RET(action) BPF_STMT(BPF_RET | BPF_K, (action))
#define ERR(e) (SECCOMP_RET_ERRNO | ((e) & SECCOMP_RET_DATA))
/* if nr == syscall then return action (the accumulator holds nr) */
#define DENY(syscall, action) \
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (syscall), 0, 1), RET(action)
#define ARG0_LO offsetof(struct seccomp_data, args[0])
#define ARG0_HI (offsetof(struct seccomp_data, args[0]) + 4)	/* little-endian */

/*
 * In the child: install the filter.  With exec_path, execve is allowed only
 * with exactly that pointer and execveat never.  Allocates nothing.
 */
static int
install_filter(const char *exec_path)
{
	uint64		p = (uint64) (uintptr_t) exec_path;
	bool		once = exec_path != NULL;
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, FX_AUDIT_ARCH, 1, 0),
		RET(SECCOMP_RET_KILL_PROCESS),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
#ifdef __x86_64__
		/* the x32 ABI's numbers would pass every test below */
		BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000, 0, 1),
		RET(SECCOMP_RET_KILL_PROCESS),
#endif
		DENY(__NR_socket, ERR(EACCES)),
		DENY(__NR_io_uring_setup, ERR(ENOSYS)),
		DENY(__NR_ptrace, ERR(EPERM)),
		DENY(__NR_process_vm_readv, ERR(EPERM)),
		DENY(__NR_process_vm_writev, ERR(EPERM)),
		DENY(__NR_pidfd_getfd, ERR(EPERM)),
		DENY(__NR_execveat, once ? SECCOMP_RET_KILL_PROCESS : SECCOMP_RET_ALLOW),
		/* execve: allowed with exactly exec_path, or any when not once */
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_execve, 0, 6),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG0_LO),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32) p, 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG0_HI),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32) (p >> 32), 0, 1),
		RET(SECCOMP_RET_ALLOW),
		RET(once ? SECCOMP_RET_KILL_PROCESS : SECCOMP_RET_ALLOW),
		RET(SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {.len = lengthof(f),.filter = f};

	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) < 0)
		return errno;
	return 0;
}

/* Can this kernel install the filter?  Tried in a throwaway child. */
static bool
probe_seccomp(void)
{
	pid_t		pid = fork();
	int			status;

	if (pid == 0)
		_exit(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 &&
			  install_filter(NULL) == 0 ? 0 : 1);
	if (pid < 0)
		return false;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return false;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

#else							/* no known audit arch */

static int
install_filter(const char *exec_path)
{
	return ENOSYS;
}

static bool
probe_seccomp(void)
{
	return false;
}

#endif

/*
 * Worker start: remember where private directories go, remove those a
 * previous worker left, and find out whether seccomp works (said once).
 */
void
fx_sandbox_init(const char *tmpdir)
{
	DIR		   *d;
	struct dirent *de;

	sandbox_tmpdir = MemoryContextStrdup(TopMemoryContext, tmpdir);
	d = AllocateDir(tmpdir);
	while ((de = ReadDir(d, tmpdir)) != NULL)
		if (strncmp(de->d_name, DIR_PREFIX, strlen(DIR_PREFIX)) == 0)
			(void) rmtree(psprintf("%s/%s", tmpdir, de->d_name), true);
	FreeDir(d);
	seccomp_ok = probe_seccomp();
	if (!seccomp_ok)
		ereport(LOG,
				(errmsg("finextract: seccomp is not available, child processes run without a system call filter"),
				 errdetail("Children still get a minimal environment, a private directory, no new privileges and resource limits.")));
}

/* Does the file start with "#!" (a script, whose interpreter must exec)? */
static bool
is_script(const char *path)
{
	char		magic[2];
	int			fd = open(path, O_RDONLY | O_CLOEXEC);
	bool		script;

	if (fd < 0)
		return false;
	script = read(fd, magic, 2) == 2 && magic[0] == '#' && magic[1] == '!';
	close(fd);
	return script;
}

/* The program's path as execvp would find it in PATH (or as given). */
static char *
resolve_program(const char *program, const char *path)
{
	char	   *dirs;
	char	   *save = NULL;

	if (strchr(program, '/') != NULL)
		return pstrdup(program);
	dirs = pstrdup(path);
	for (char *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save))
	{
		char	   *cand = psprintf("%s/%s", *d ? d : ".", program);
		struct stat st;

		if (stat(cand, &st) == 0 && S_ISREG(st.st_mode) && access(cand, X_OK) == 0)
			return cand;
		pfree(cand);
	}
	return pstrdup(program);	/* execve fails: ENOENT, as execvp would */
}

/* The child's environment: nothing of the server's but PATH and tessdata. */
static char **
build_envp(const char *dir, const char *path)
{
	char	  **envp = palloc0(sizeof(char *) * 8);
	const char *tessdata = getenv("TESSDATA_PREFIX");
	int			n = 0;

	envp[n++] = psprintf("PATH=%s", path);
	envp[n++] = pstrdup("LANG=C.UTF-8");
	envp[n++] = psprintf("HOME=%s", dir);
	envp[n++] = psprintf("TMPDIR=%s", dir);
	if (tessdata && *tessdata)
		envp[n++] = psprintf("TESSDATA_PREFIX=%s", tessdata);
	envp[n] = NULL;
	return envp;
}

/*
 * In the parent, before fork: make the private directory, the environment
 * and the program's path (allocated in the current context).  may_exec:
 * the program runs others (a shell pipeline).  False with errno set when
 * the directory cannot be made.
 */
bool
fx_sandbox_prepare(FxSandbox *sb, const char *program, bool may_exec)
{
	const char *path = getenv("PATH");
	char	   *dir;

	if (path == NULL || *path == '\0')
		path = DEFAULT_PATH;
	memset(sb, 0, sizeof(*sb));
	dir = psprintf("%s/" DIR_PREFIX "XXXXXX",
				   sandbox_tmpdir ? sandbox_tmpdir : "/tmp");
	if (mkdtemp(dir) == NULL)
	{
		int			e = errno;

		pfree(dir);
		errno = e;
		return false;
	}
	sb->dir = dir;
	sb->envp = build_envp(dir, path);
	sb->exec_path = resolve_program(program, path);
	sb->exec_once = !may_exec && !is_script(sb->exec_path);
	return true;
}

/*
 * In the forked child, just before execve(sb->exec_path, argv, sb->envp):
 * enter the directory, drop the right to gain privileges, install the
 * filter.  Returns 0 or an errno.  Allocates nothing.
 */
int
fx_sandbox_enter(const FxSandbox *sb)
{
	if (chdir(sb->dir) < 0)
		return errno;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return errno;
	if (seccomp_ok)
		return install_filter(sb->exec_once ? sb->exec_path : NULL);
	return 0;
}

/* In the parent, after the child ended: remove the directory, free. */
void
fx_sandbox_release(FxSandbox *sb)
{
	if (sb->dir)
	{
		(void) rmtree(sb->dir, true);
		pfree(sb->dir);
	}
	if (sb->envp)
	{
		for (int i = 0; sb->envp[i]; i++)
			pfree(sb->envp[i]);
		pfree(sb->envp);
	}
	if (sb->exec_path)
		pfree(sb->exec_path);
	memset(sb, 0, sizeof(*sb));
}
