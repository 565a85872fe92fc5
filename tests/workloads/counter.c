// SPDX-License-Identifier: GPL-2.0
/*
 * counter [-d DIR] [-P|-S|-T|-F|-M|-L|-O|-H|-V|-U|-Y] [period_ms]
 *
 * Increments a counter every period_ms (default 50) and writes "count N" to
 * stdout after each increment, with one write(2).  The count is kept in
 * three places (a static, a stack and a heap variable) that must agree; a
 * mismatch prints "FAIL ..." and exits 1.  SIGUSR1 prints the state and
 * writes "OK count N" to DIR/result.
 *
 * The options add one resource the checkpointer must refuse, to check that a
 * refused checkpoint leaves the program running:
 *	-P a pipe fd	-S a netlink socket fd	-Y a SysV shm attachment, half unmapped
 *	-T a second thread with another effective gid
 *	-M a MAP_SHARED anonymous mapping (supported now)
 *	-F a child process (supported now; kept for the tests that need one)
 *	-L, -O, -H, -V a child process made by clone() with CLONE_FILES,
 *	   CLONE_FS, CLONE_SIGHAND | CLONE_VM, CLONE_VM: it shares the fd
 *	   table, the fs_struct, the signal handlers, the memory (supported now)
 *	-U a second thread with an fd table of its own (unshare(CLONE_FILES))
 */
#include "wl.h"
#include <linux/netlink.h>
#include <pthread.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/syscall.h>

static unsigned long static_count;
static int extra;

static int opt(int c, char *arg)
{
	(void)arg;
	if (!strchr("PSTFMLOHVUY", c))
		return -1;
	extra = c;
	return 0;
}

static void *thread_fn(void *arg)
{
	(void)arg;
	/* Only this thread: glibc's setresgid() would change them all. */
	if (syscall(SYS_setresgid, -1, 65534, -1))
		wl_die("setresgid: %m");
	for (;;)
		pause();
	return NULL;
}

static volatile int unshared;

static void *unshare_fn(void *arg)
{
	(void)arg;
	if (unshare(CLONE_FILES))
		wl_die("unshare: %m");
	unshared = 1;
	for (;;)
		pause();
	return NULL;
}

/* A clone()d child: it touches nothing of the memory it may share. */
static int sharer(void *arg)
{
	(void)arg;
	syscall(SYS_prctl, PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	for (;;)
		syscall(SYS_pause);
	return 0;
}

static void clone_sharer(int flags)
{
	size_t size = 64 * 1024;
	char *stack = malloc(size);
	pid_t pid;

	if (!stack)
		wl_die("malloc");
	pid = clone(sharer, stack + size, flags | SIGCHLD, NULL);
	if (pid < 0)
		wl_die("clone: %m");
	wl_put("info", 0, "child %d\n", pid);
}

static void add_extra(void)
{
	int fds[2];
	pthread_t t;
	pid_t pid;
	char *p;

	switch (extra) {
	case 'P':
		if (pipe(fds))
			wl_die("pipe: %m");
		wl_put("info", 0, "pipe %d %d\n", fds[0], fds[1]);
		break;
	case 'S':
		/* a netlink socket: refused by default (net.c) */
		fds[0] = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
		if (fds[0] < 0)
			wl_die("socket: %m");
		wl_put("info", 0, "socket %d\n", fds[0]);
		break;
	case 'T':
		if (pthread_create(&t, NULL, thread_fn, NULL))
			wl_die("pthread_create failed");
		wl_put("info", 0, "threads 2\n");
		break;
	case 'F':
		pid = fork();
		if (pid < 0)
			wl_die("fork: %m");
		if (!pid) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			for (;;)
				pause();
		}
		wl_put("info", 0, "child %d\n", pid);
		break;
	case 'L':
		clone_sharer(CLONE_FILES);
		break;
	case 'O':
		clone_sharer(CLONE_FS);
		break;
	case 'H':
		clone_sharer(CLONE_SIGHAND | CLONE_VM);
		break;
	case 'V':
		clone_sharer(CLONE_VM);
		break;
	case 'U':
		if (pthread_create(&t, NULL, unshare_fn, NULL))
			wl_die("pthread_create failed");
		while (!unshared)
			wl_msleep(1);
		wl_put("info", 0, "threads 2\n");
		break;
	case 'M':
		p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			wl_die("mmap: %m");
		p[0] = 1;
		wl_put("info", 0, "shared %p\n", (void *)p);
		break;
	case 'Y':
		/* removed with its last attachment, when the counter exits */
		fds[0] = shmget(IPC_PRIVATE, 8192, IPC_CREAT | 0600);
		p = fds[0] < 0 ? (void *)-1 : shmat(fds[0], NULL, 0);
		if (p == (void *)-1 || shmctl(fds[0], IPC_RMID, NULL) ||
		    munmap(p, 4096))
			wl_die("shm: %m");
		p[4096] = 1;
		wl_put("info", 0, "sysv %d %p\n", fds[0], (void *)(p + 4096));
		break;
	}
}

int main(int argc, char **argv)
{
	unsigned long stack_count = 0, *heap_count;
	long period = 50;
	char line[128];
	int i, n;

	i = wl_init(argc, argv, "PSTFMLOHVUY", opt);
	if (i < argc)
		period = atol(argv[i]);
	if (period <= 0)
		wl_die("bad period %s", argv[i]);
	heap_count = calloc(1, sizeof(*heap_count));
	if (!heap_count)
		wl_die("calloc failed");
	wl_catch_usr1();
	add_extra();
	for (;;) {
		stack_count++;
		(*heap_count)++;
		static_count++;
		if (stack_count != *heap_count || stack_count != static_count) {
			n = snprintf(line, sizeof(line),
				     "FAIL count stack %lu heap %lu static %lu\n",
				     stack_count, *heap_count, static_count);
			wl_write_all(1, line, n);
			wl_put("result", 1, "%s", line);
			return 1;
		}
		n = snprintf(line, sizeof(line), "count %lu\n", stack_count);
		if (wl_write_all(1, line, n))
			return 1;
		if (stack_count == 1)
			wl_ready();
		if (wl_usr1) {
			wl_usr1 = 0;
			printf("state count %lu stack %lu heap %lu pid %d\n",
			       static_count, stack_count, *heap_count, getpid());
			wl_put("result", 1, "OK count %lu\n", stack_count);
		}
		wl_msleep(period);
	}
}
