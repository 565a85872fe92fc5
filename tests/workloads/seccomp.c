// SPDX-License-Identifier: GPL-2.0
/*
 * seccomp -d DIR
 *
 * Three processes and a thread under seccomp, each filter making one
 * harmless system call fail with its own errno:
 *
 *	child S enters strict mode and is stopped by the parent
 *	A: acct() -> 42		installed first
 *	child C is forked	(it has A only)
 *	B: getppid() -> 43	installed by the parent after the fork
 *	thread T is created	(it shares A and B)
 *
 * On SIGUSR1 the parent checks its filters, has T check them, has C check
 * its own (getppid() must work, not fail with 43), and then installs a
 * filter D (vhangup() -> 44, again on each check) with
 * SECCOMP_FILTER_FLAG_TSYNC, which only works if T still shares the
 * parent's chain, and has T check D.  Writes
 * "OK seccomp N" or "FAIL ..." to DIR/result.
 *
 * On SIGUSR2 it probes S: SIGCONT, then SIGUSR1, whose handler writes
 * "strict alive" to stdout and calls getpid(), which strict mode answers
 * with SIGKILL.  Writes "OK strict killed" if S died that way.
 *
 * seccomp -x PROG [ARG...]: runs PROG under filter A (with no_new_privs).
 */
#include "wl.h"
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

static int install(int nr, int err, unsigned int flags)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, nr, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | err),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { sizeof(f) / sizeof(f[0]), f };

	return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
}

/* errno of a call that must fail; 0 if it did not */
static int fails_with(long nr)
{
	errno = 0;
	if (syscall(nr, NULL) == 0)
		return 0;
	return errno;
}

static const char *check(int with_b, int with_d)
{
	static char why[128];
	int e;

	if ((e = fails_with(SYS_acct)) != 42)
		snprintf(why, sizeof(why), "acct: errno %d, not 42", e);
	else if ((e = fails_with(SYS_getppid)) != (with_b ? 43 : 0))
		snprintf(why, sizeof(why), "getppid: errno %d, not %d", e,
			 with_b ? 43 : 0);
	else if (with_d && (e = fails_with(SYS_vhangup)) != 44)
		snprintf(why, sizeof(why), "vhangup: errno %d, not 44", e);
	else
		return NULL;
	return why;
}

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int asked, answered, ask_d;
static const char *thread_why;

static void *thread_main(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&lock);
	for (;;) {
		while (asked == answered)
			pthread_cond_wait(&cond, &lock);
		thread_why = check(1, ask_d);
		answered = asked;
		pthread_cond_broadcast(&cond);
	}
	return NULL;
}

static const char *ask_thread(int with_d)
{
	pthread_mutex_lock(&lock);
	ask_d = with_d;
	asked++;
	pthread_cond_broadcast(&cond);
	while (answered != asked)
		pthread_cond_wait(&cond, &lock);
	pthread_mutex_unlock(&lock);
	return thread_why;
}

static void child_main(void)
{
	int n = 0;

	for (;;) {
		const char *why;

		wl_wait_usr1();
		why = check(0, 0);
		n++;
		wl_put("child", 0, "%s %d %s\n", why ? "FAIL" : "OK", n,
		       why ? why : "");
	}
}

/* C's answer to its Nth check */
static const char *ask_child(pid_t c, int n)
{
	static char line[256];
	char path[4096], want[32];
	FILE *f;

	snprintf(path, sizeof(path), "%s/child", wl_dir);
	snprintf(want, sizeof(want), " %d ", n);
	kill(c, SIGUSR1);
	for (int i = 0; i < 1000; i++) {
		f = fopen(path, "r");
		line[0] = 0;
		if (f) {
			if (!fgets(line, sizeof(line), f))
				line[0] = 0;
			fclose(f);
		}
		if (strstr(line, want))
			return strncmp(line, "OK", 2) ? line : NULL;
		wl_msleep(10);
	}
	return "child did not answer";
}

static void strict_usr1(int sig)
{
	static const char msg[] = "strict alive\n";

	(void)sig;
	if (write(1, msg, sizeof(msg) - 1) < 0)
		_exit(3);
	syscall(SYS_getpid);	/* strict mode kills us here */
	_exit(4);
}

static pid_t strict_child(void)
{
	pid_t s = fork();

	if (s < 0)
		wl_die("fork: %m");
	if (s == 0) {
		signal(SIGUSR1, strict_usr1);
		if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT))
			_exit(5);
		for (;;)
			;	/* until the parent stops us */
	}
	/* Wait for it to be in strict mode, then stop it. */
	for (int i = 0; i < 500; i++) {
		char path[64], buf[512];
		FILE *f;

		snprintf(path, sizeof(path), "/proc/%d/status", s);
		f = fopen(path, "r");
		while (f && fgets(buf, sizeof(buf), f))
			if (!strcmp(buf, "Seccomp:\t1\n")) {
				fclose(f);
				kill(s, SIGSTOP);
				return s;
			}
		if (f)
			fclose(f);
		wl_msleep(10);
	}
	wl_die("strict child did not enter strict mode");
	return -1;
}

static volatile sig_atomic_t usr2;

static void on_usr2(int sig)
{
	(void)sig;
	usr2 = 1;
}

int main(int argc, char **argv)
{
	pthread_t t;
	pid_t c, s;
	int n = 0, d = 0;

	if (argc > 2 && !strcmp(argv[1], "-x")) {
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
		    install(SYS_acct, 42, 0))
			wl_die("seccomp: %m");
		execvp(argv[2], argv + 2);
		wl_die("%s: %m", argv[2]);
	}
	wl_init(argc, argv, "", NULL);
	wl_catch_usr1();
	signal(SIGUSR2, on_usr2);
	/* First: strict mode cannot be entered under a filter. */
	s = strict_child();
	if (install(SYS_acct, 42, 0))
		wl_die("seccomp A: %m");
	c = fork();
	if (c < 0)
		wl_die("fork: %m");
	if (c == 0)
		child_main();
	if (install(SYS_getppid, 43, 0))
		wl_die("seccomp B: %m");
	if (pthread_create(&t, NULL, thread_main, NULL))
		wl_die("pthread_create");
	wl_put("info", 0, "child %d strict %d\n", c, s);
	wl_ready();
	for (;;) {
		const char *why;
		int status;

		while (!wl_usr1 && !usr2)
			pause();
		if (usr2) {
			usr2 = 0;
			kill(s, SIGCONT);
			kill(s, SIGUSR1);
			if (waitpid(s, &status, 0) != s)
				wl_fail("waitpid strict: %m");
			else if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL)
				wl_fail("strict child ended with status %#x", status);
			else
				wl_put("result", 1, "OK strict killed\n");
			continue;
		}
		wl_usr1 = 0;
		n++;
		if ((why = check(1, d)))
			wl_fail("parent: %s", why);
		else if ((why = ask_thread(d)))
			wl_fail("thread: %s", why);
		else if ((why = ask_child(c, n)))
			wl_fail("child: %s", why);
		else if (install(SYS_vhangup, 44, SECCOMP_FILTER_FLAG_TSYNC))
			wl_fail("TSYNC: %m (returned a thread that does not share the chain)");
		else if ((d = 1) && (why = ask_thread(1)))
			wl_fail("thread after TSYNC: %s", why);
		else
			wl_put("result", 1, "OK seccomp %d\n", n);
	}
}
