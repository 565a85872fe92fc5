// SPDX-License-Identifier: GPL-2.0
/*
 * sigstate -d DIR pending|altstack
 *
 * pending: blocks SIGUSR2 and two real-time signals, then queues to itself
 * SIGUSR2 with kill(), three SIGRTMIN+1 with sigqueue() (values 101, 102,
 * 103: the process-wide queue) and two SIGRTMIN+2 with
 * rt_tgsigqueueinfo() (values 201, 202: its own thread's queue).  On
 * SIGUSR1 it unblocks them and checks each arrives once, in order, with
 * its siginfo: "OK pending".
 *
 * altstack: a SIGUSR2 handler with SA_ONSTACK, SA_SIGINFO, SA_RESTART,
 * SA_NODEFER and SA_RESETHAND and an alternate stack.  On SIGUSR1 it checks
 * the flags and the stack are the same, raises SIGUSR2 and checks that the
 * handler ran on the alternate stack, with SIGUSR2 not blocked, and that
 * the handler was reset after: "OK altstack".
 */
#include "wl.h"
#include <stdint.h>
#include <sys/syscall.h>

#define NREC	16

static volatile sig_atomic_t nrec;
static struct { int sig, code, value; pid_t pid; } rec[NREC];

static void record(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	if (nrec < NREC) {
		rec[nrec].sig = sig;
		rec[nrec].code = si->si_code;
		rec[nrec].value = si->si_value.sival_int;
		rec[nrec].pid = si->si_pid;
		nrec++;
	}
}

/* Handlers with @mask blocked: one signal at a time, in dequeue order. */
static void catch(int sig, void (*fn)(int, siginfo_t *, void *), int flags,
		  const sigset_t *mask)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = fn;
	sa.sa_flags = SA_SIGINFO | flags;
	sa.sa_mask = *mask;
	if (sigaction(sig, &sa, NULL))
		wl_die("sigaction %d: %m", sig);
}

static void queue_thread(int sig, int value)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	si.si_signo = sig;
	si.si_code = SI_QUEUE;
	si.si_pid = getpid();
	si.si_uid = getuid();
	si.si_value.sival_int = value;
	if (syscall(SYS_rt_tgsigqueueinfo, getpid(), gettid(), sig, &si))
		wl_die("rt_tgsigqueueinfo: %m");
}

static void pending_setup(sigset_t *set)
{
	union sigval v;
	int i;

	sigemptyset(set);
	sigaddset(set, SIGUSR2);
	sigaddset(set, SIGRTMIN + 1);
	sigaddset(set, SIGRTMIN + 2);
	sigprocmask(SIG_BLOCK, set, NULL);
	catch(SIGUSR2, record, 0, set);
	catch(SIGRTMIN + 1, record, 0, set);
	catch(SIGRTMIN + 2, record, 0, set);
	kill(getpid(), SIGUSR2);
	for (i = 1; i <= 3; i++) {
		v.sival_int = 100 + i;
		if (sigqueue(getpid(), SIGRTMIN + 1, v))
			wl_die("sigqueue: %m");
	}
	queue_thread(SIGRTMIN + 2, 201);
	queue_thread(SIGRTMIN + 2, 202);
}

static void expect(int i, int sig, int code, int value)
{
	if (i >= nrec) {
		wl_fail("signal %d: missing (only %d arrived)", i, (int)nrec);
		return;
	}
	if (rec[i].sig != sig || rec[i].code != code ||
	    (code != SI_USER && rec[i].value != value) || rec[i].pid != getpid())
		wl_fail("signal %d: sig %d code %d value %d pid %d, expected sig %d code %d value %d pid %d",
			i, rec[i].sig, rec[i].code, rec[i].value, rec[i].pid,
			sig, code, value, getpid());
}

static void pending_check(sigset_t *set)
{
	sigset_t p;

	sigpending(&p);
	if (!sigismember(&p, SIGUSR2) || !sigismember(&p, SIGRTMIN + 1) ||
	    !sigismember(&p, SIGRTMIN + 2)) {
		wl_fail("not pending any more");
		return;
	}
	nrec = 0;
	sigprocmask(SIG_UNBLOCK, set, NULL);
	/*
	 * The thread's own queue first, then the shared one, lowest number
	 * first, each signal's entries in the order they were queued.
	 */
	expect(0, SIGRTMIN + 2, SI_QUEUE, 201);
	expect(1, SIGRTMIN + 2, SI_QUEUE, 202);
	expect(2, SIGUSR2, SI_USER, 0);
	expect(3, SIGRTMIN + 1, SI_QUEUE, 101);
	expect(4, SIGRTMIN + 1, SI_QUEUE, 102);
	expect(5, SIGRTMIN + 1, SI_QUEUE, 103);
	if (nrec != 6)
		wl_fail("%d signals arrived, expected 6", (int)nrec);
	if (!wl_failures)
		wl_put("result", 1, "OK pending\n");
}

#define ALTSZ	(64 * 1024)
static char altstack[ALTSZ];
static volatile sig_atomic_t on_alt, nodefer, ran;

static void alt_handler(int sig, siginfo_t *si, void *uc)
{
	sigset_t cur;
	char here;

	(void)sig;
	(void)uc;
	ran = si->si_signo;
	on_alt = (uintptr_t)&here >= (uintptr_t)altstack &&
		 (uintptr_t)&here < (uintptr_t)altstack + ALTSZ;
	sigprocmask(SIG_BLOCK, NULL, &cur);
	nodefer = !sigismember(&cur, SIGUSR2);
}

#define ALT_FLAGS (SA_ONSTACK | SA_SIGINFO | SA_RESTART | SA_NODEFER | SA_RESETHAND)

static void altstack_setup(void)
{
	stack_t ss = { .ss_sp = altstack, .ss_size = ALTSZ };
	sigset_t none;

	if (sigaltstack(&ss, NULL))
		wl_die("sigaltstack: %m");
	sigemptyset(&none);
	catch(SIGUSR2, alt_handler, ALT_FLAGS & ~SA_SIGINFO, &none);
}

static void altstack_check(void)
{
	struct sigaction sa;
	stack_t ss;

	if (sigaltstack(NULL, &ss) || ss.ss_sp != altstack || ss.ss_size != ALTSZ ||
	    ss.ss_flags)
		wl_fail("alternate stack %p size %zu flags %d, was %p size %d",
			ss.ss_sp, ss.ss_size, ss.ss_flags, (void *)altstack, ALTSZ);
	sigaction(SIGUSR2, NULL, &sa);
	if (sa.sa_sigaction != alt_handler ||
	    (sa.sa_flags & ALT_FLAGS) != ALT_FLAGS)
		wl_fail("SIGUSR2 action %p flags %#x, expected %p flags %#x",
			(void *)sa.sa_sigaction, sa.sa_flags, (void *)alt_handler,
			ALT_FLAGS);
	raise(SIGUSR2);
	if (ran != SIGUSR2)
		wl_fail("the handler did not run");
	if (!on_alt)
		wl_fail("the handler did not run on the alternate stack");
	if (!nodefer)
		wl_fail("SIGUSR2 blocked in its handler despite SA_NODEFER");
	sigaction(SIGUSR2, NULL, &sa);
	if (sa.sa_handler != SIG_DFL)
		wl_fail("handler not reset after it ran (SA_RESETHAND)");
	if (!wl_failures)
		wl_put("result", 1, "OK altstack\n");
}

int main(int argc, char **argv)
{
	const char *mode;
	sigset_t set;
	int i;

	i = wl_init(argc, argv, "", NULL);
	if (i >= argc)
		wl_die("usage: sigstate -d DIR pending|altstack");
	mode = argv[i];
	wl_catch_usr1();
	if (!strcmp(mode, "pending"))
		pending_setup(&set);
	else if (!strcmp(mode, "altstack"))
		altstack_setup();
	else
		wl_die("unknown mode %s", mode);
	wl_ready();
	wl_wait_usr1();
	wl_failures = 0;
	if (!strcmp(mode, "pending"))
		pending_check(&set);
	else
		altstack_check();
	for (;;)
		pause();
}
