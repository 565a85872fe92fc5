// SPDX-License-Identifier: GPL-2.0
/*
 * vmsharers [-x] -d DIR
 *
 * Three processes that share memory and signal handlers through clone():
 *	P	the parent
 *	A	its child, clone(CLONE_VM | CLONE_SIGHAND): P's memory and handlers
 *	B	A's child, clone(CLONE_VM): the same memory, handlers of its own
 * DIR/info says "pids P A B".  Once B is made, A ignores SIGHUP: so does P,
 * and B does not.  On SIGUSR1 each acts once:
 *	it adds 1 to its own word of slot[], a static array all three share,
 *	ignores a signal of its own (P SIGALRM, A SIGTERM, B SIGUSR2),
 *	writes "slots X Y Z" (slot[] as it reads it) to DIR/done-P, -A or -B.
 * So the test sees, in the files and in /proc/PID/status SigIgn, whether
 * the others see what one did.
 *
 * With -x, A exits once B is made: B, reparented outside the group, still
 * shares P's memory, which is sharing that does not follow the tree.
 *
 * The three share errno and the C library's thread state: they call
 * nothing but system calls and snprintf() once they run side by side.
 */
#include "wl.h"
#include <sched.h>
#include <sys/wait.h>

static int exit_a;

static int opt(int c, char *arg)
{
	(void)arg;
	if (c != 'x')
		return -1;
	exit_a = 1;
	return 0;
}

static volatile long slot[3];
static volatile pid_t pids[3];
static volatile sig_atomic_t got[3];
static const int ign[3] = { SIGALRM, SIGTERM, SIGUSR2 };
static const char *const done[3] = { "done-P", "done-A", "done-B" };

/* Shared by P and A, copied into B: find which process it runs in. */
static void on_usr1(int sig)
{
	pid_t me = getpid();
	int i;

	(void)sig;
	for (i = 0; i < 3; i++)
		if (pids[i] == me)
			got[i] = 1;
}

static void act(int i)
{
	struct sigaction sa;

	slot[i]++;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	if (sigaction(ign[i], &sa, NULL))
		wl_die("sigaction: %m");
	wl_put(done[i], 0, "slots %ld %ld %ld\n", slot[0], slot[1], slot[2]);
}

/* SIGUSR1 is blocked but in sigsuspend(): no wake-up is lost. */
static void run(int i)
{
	sigset_t old;

	pids[i] = getpid();
	sigprocmask(SIG_BLOCK, NULL, &old);
	sigdelset(&old, SIGUSR1);
	for (;;) {
		while (!got[i])
			sigsuspend(&old);
		got[i] = 0;
		act(i);
	}
}

static int child_b(void *arg)
{
	(void)arg;
	run(2);
	return 0;
}

static int child_a(void *arg)
{
	static char stack[64 * 1024];
	struct sigaction sa;
	pid_t b;

	(void)arg;
	b = clone(child_b, stack + sizeof(stack), CLONE_VM | SIGCHLD, NULL);
	if (b < 0)
		wl_die("clone: %m");
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	if (sigaction(SIGHUP, &sa, NULL))
		wl_die("sigaction: %m");
	pids[2] = b;
	if (exit_a)
		_exit(0);
	run(1);
	return 0;
}

int main(int argc, char **argv)
{
	static char stack[64 * 1024];
	struct sigaction sa;
	sigset_t usr1;
	pid_t a;
	int i;

	wl_init(argc, argv, "x", opt);
	if (!wl_dir)
		wl_die("usage: vmsharers [-x] -d DIR");
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, NULL);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	if (sigaction(SIGUSR1, &sa, NULL))
		wl_die("sigaction: %m");
	pids[0] = getpid();
	a = clone(child_a, stack + sizeof(stack), CLONE_VM | CLONE_SIGHAND | SIGCHLD, NULL);
	if (a < 0)
		wl_die("clone: %m");
	for (i = 0; i < 500 && !pids[2]; i++)
		wl_msleep(10);
	if (!pids[2])
		wl_die("B did not start");
	if (exit_a && waitpid(a, NULL, 0) != a)
		wl_die("waitpid: %m");
	/* A ignores SIGHUP once B is made; B writes pids[2] itself too. */
	for (i = 0; i < 500 && !exit_a && !pids[1]; i++)
		wl_msleep(10);
	wl_put("info", 0, "pids %d %d %d\n", getpid(), a, pids[2]);
	wl_ready();
	run(0);
	return 0;
}
