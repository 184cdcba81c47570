/*
 * Test stand-in for pdftotext (test/t/039_sandbox.pl builds it): reports
 * what the worker's sandbox lets a child see and do, one "key value" line
 * each, to the file named by argv[0] with ".report" appended, then fails
 * the job with a short message.  With "--report FILE" first it reports to
 * FILE and then runs the rest of its arguments (for the OCR shell, where it
 * is run by a script).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* "ok" or the errno's name-ish text of a call's result. */
static const char *
outcome(int r)
{
	static char buf[64];

	if (r >= 0)
		return "ok";
	snprintf(buf, sizeof(buf), "errno=%d", errno);
	return buf;
}

/* socket() of one family; closes what it got. */
static const char *
try_socket(int family, int type)
{
	int			fd = socket(family, type, 0);
	const char *o = outcome(fd);

	if (fd >= 0)
		close(fd);
	return o;
}

/* How a grandchild's exec of /bin/true ended. */
static void
try_exec(FILE *f)
{
	pid_t		pid = fork();
	int			st;

	if (pid == 0)
	{
		char	   *argv[] = {"true", NULL};

		execv("/bin/true", argv);
		_exit(100 + (errno & 63));
	}
	if (pid < 0 || waitpid(pid, &st, 0) < 0)
	{
		fprintf(f, "exec_true fork-failed\n");
		return;
	}
	if (WIFSIGNALED(st))
		fprintf(f, "exec_true signal=%d\n", WTERMSIG(st));
	else
		fprintf(f, "exec_true exit=%d\n", WEXITSTATUS(st));
}

static void
report(const char *path)
{
	FILE	   *f = fopen(path, "w");
	char		cwd[4096];
	char		line[512];
	FILE	   *s;
	DIR		   *d;
	struct dirent *de;
	struct stat st;
	int			n = 0;
	char		buf[8];
	struct iovec local = {buf, sizeof(buf)};
	struct iovec remote = {buf, sizeof(buf)};

	if (f == NULL)
		exit(2);
	for (char **e = environ; *e; e++)
		fprintf(f, "env %s\n", *e);
	if (getcwd(cwd, sizeof(cwd)) == NULL)
		strcpy(cwd, "?");
	fprintf(f, "cwd %s\n", cwd);
	if ((d = opendir(".")) != NULL)
	{
		while ((de = readdir(d)) != NULL)
			n += strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0;
		closedir(d);
	}
	fprintf(f, "cwd_entries %d\n", n);
	if (stat(".", &st) == 0)
		fprintf(f, "cwd_mode %o\n", (unsigned) (st.st_mode & 07777));
	if ((s = fopen("/proc/self/status", "r")) != NULL)
	{
		while (fgets(line, sizeof(line), s))
		{
			char	   *v;

			if (strncmp(line, "NoNewPrivs:", 11) != 0 && strncmp(line, "Seccomp:", 8) != 0)
				continue;
			line[strcspn(line, "\n")] = '\0';
			v = strchr(line, ':');
			*v++ = '\0';
			fprintf(f, "%s %s\n", line, v + strspn(v, " \t"));
		}
		fclose(s);
	}
	fprintf(f, "socket_inet %s\n", try_socket(AF_INET, SOCK_STREAM));
	fprintf(f, "socket_inet6 %s\n", try_socket(AF_INET6, SOCK_DGRAM));
	fprintf(f, "socket_unix %s\n", try_socket(AF_UNIX, SOCK_STREAM));
	fprintf(f, "socket_netlink %s\n", try_socket(AF_NETLINK, SOCK_RAW));
	fprintf(f, "socket_packet %s\n", try_socket(AF_PACKET, SOCK_RAW));
	fprintf(f, "process_vm_readv %s\n",
			outcome(process_vm_readv(getpid(), &local, 1, &remote, 1, 0)));
	fflush(f);
	try_exec(f);
	fprintf(f, "end\n");
	fclose(f);
}

int
main(int argc, char **argv)
{
	char		path[4096];

	if (argc > 2 && strcmp(argv[1], "--report") == 0)
	{
		report(argv[2]);
		execvp(argv[3], argv + 3);
		return 127;
	}
	snprintf(path, sizeof(path), "%s.report", argv[0]);
	report(path);
	fprintf(stderr, "sandbox probe: reported to %s\n", path);
	return 3;
}
