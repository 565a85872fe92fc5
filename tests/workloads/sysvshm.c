// SPDX-License-Identifier: GPL-2.0
/*
 * sysvshm -d DIR
 *
 * SysV shared memory between a parent and the child it forks:
 *	A	IPC_PRIVATE, mode 0600, 3 pages + 50 bytes, attached read-write
 *		before the fork (both have it); pages 0 and 2 hold a pattern,
 *		page 1 is never touched
 *	B	key 0x7c5a0000 + pid, mode 0640, 1 page, attached read-only by
 *		the child only, after the fork; written by the parent through a
 *		short attachment it detached again
 *	C	IPC_PRIVATE, 1 page, attached before the fork and removed
 *		(IPC_RMID): it goes with the last detach
 * DIR/info gets "child PID", "A ID", "B ID KEY", "C ID".
 *
 * On SIGUSR1 the parent checks contents, writes a token into A and C and
 * signals the child, which checks its attachments (B read-only) and the
 * tokens and answers through A and C; "OK sysvshm" or FAIL lines go to
 * DIR/result.  On SIGUSR2 the parent detaches C and the child does too once
 * told through A (the test then sees C gone).
 */
#include "wl.h"
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/shm.h>

#define PG	4096
#define A_SIZE	(3 * PG + 50)
#define TOK	(PG + 100)	/* in page 1 of A: untouched until a check */

static int ida, idb, idc;
static char *a, *b, *c;
static pid_t child;
static unsigned int round_no;
static volatile sig_atomic_t got_usr2;

static char pat(size_t i)
{
	return (char)(i * 13 + 5);
}

static void on_usr2(int sig)
{
	(void)sig;
	got_usr2 = 1;
}

static void check_a(const char *who)
{
	size_t i;

	for (i = 0; i < A_SIZE; i++) {
		if (i / PG == 1)
			continue;
		if (a[i] != pat(i)) {
			wl_fail("%s: A byte %zu", who, i);
			return;
		}
	}
}

/* "r--s" or "rw-s" of the mapping at @p in /proc/self/maps */
static void perms_of(void *p, char *out)
{
	char line[512];
	FILE *f = fopen("/proc/self/maps", "r");
	unsigned long s, e;

	strcpy(out, "?");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "%lx-%lx %4s", &s, &e, out) == 3 &&
		    s == (unsigned long)p)
			break;
	if (f)
		fclose(f);
}

static void child_main(void)
{
	char perms[8], tok[64];

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	b = shmat(idb, NULL, SHM_RDONLY);
	if (b == (void *)-1)
		wl_die("child shmat B: %m");
	a[TOK + 63] = 1;	/* attached: the parent may go on */
	for (;;) {
		wl_wait_usr1();
		wl_failures = 0;
		if (!strcmp(a + TOK, "detach C")) {
			shmdt(c);
			c = NULL;
			strcpy(a + TOK + 32, "detached");
			continue;
		}
		check_a("child");
		perms_of(b, perms);
		if (strcmp(b, "B contents") || strcmp(perms, "r--s"))
			wl_fail("child: B '%.16s' %s", b, perms);
		snprintf(tok, sizeof(tok), "%s", a + TOK);
		if (strncmp(tok, "ping ", 5) || !c || strcmp(c, tok))
			wl_fail("child: tokens '%.20s' '%.20s'", tok, c ? c : "-");
		tok[1] = 'o';
		strcpy(c + 32, tok);
		strcpy(a + TOK + 32, wl_failures ? "FAIL" : tok);
	}
}

static void setup(void)
{
	size_t i;
	char *p;

	ida = shmget(IPC_PRIVATE, A_SIZE, IPC_CREAT | 0600);
	idb = shmget(0x7c5a0000 + getpid(), PG, IPC_CREAT | IPC_EXCL | 0640);
	idc = shmget(IPC_PRIVATE, PG, IPC_CREAT | 0600);
	if (ida < 0 || idb < 0 || idc < 0)
		wl_die("shmget: %m");
	a = shmat(ida, NULL, 0);
	c = shmat(idc, NULL, 0);
	p = shmat(idb, NULL, 0);
	if (a == (void *)-1 || c == (void *)-1 || p == (void *)-1)
		wl_die("shmat: %m");
	for (i = 0; i < A_SIZE; i++)
		if (i / PG != 1)
			a[i] = pat(i);
	strcpy(p, "B contents");
	if (shmdt(p) || shmctl(idc, IPC_RMID, NULL))
		wl_die("shmdt/IPC_RMID: %m");
	strcpy(c, "C");
}

static void round_trip(void)
{
	char tok[64];
	int i;

	snprintf(tok, sizeof(tok), "ping %u %d", ++round_no, getpid());
	memset(a + TOK, 0, 64);
	memset(c, 0, 64);
	strcpy(a + TOK, tok);
	strcpy(c, tok);
	kill(child, SIGUSR1);
	for (i = 0; i < 1000 && !a[TOK + 32]; i++)
		wl_msleep(10);
	tok[1] = 'o';
	if (strcmp(a + TOK + 32, tok) || strcmp(c + 32, tok))
		wl_fail("child answered '%.20s' '%.20s', want '%s'", a + TOK + 32,
			c + 32, tok);
	/* page 1 of A back to never written */
	memset(a + TOK, 0, 64);
	memset(c, 0, 64);
}

static void detach_c(void)
{
	int i;

	memset(a + TOK, 0, 64);
	strcpy(a + TOK, "detach C");
	kill(child, SIGUSR1);
	for (i = 0; i < 1000 && !a[TOK + 32]; i++)
		wl_msleep(10);
	shmdt(c);
	c = NULL;
	memset(a + TOK, 0, 64);
	wl_put("result", 1, "detached C\n");
}

int main(int argc, char **argv)
{
	struct sigaction sa;
	int i;

	wl_init(argc, argv, "", NULL);
	wl_catch_usr1();
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr2;
	sigaction(SIGUSR2, &sa, NULL);
	setup();
	child = fork();
	if (child < 0)
		wl_die("fork: %m");
	if (!child)
		child_main();
	for (i = 0; i < 3000 && !a[TOK + 63]; i++)
		wl_msleep(10);
	a[TOK + 63] = 0;
	wl_put("info", 0, "child %d\nA %d\nB %d %#x\nC %d\n", child, ida, idb,
	       0x7c5a0000 + getpid(), idc);
	wl_ready();
	for (;;) {
		while (!wl_usr1 && !got_usr2)
			pause();
		if (got_usr2) {
			got_usr2 = 0;
			detach_c();
			continue;
		}
		wl_usr1 = 0;
		wl_failures = 0;
		check_a("parent");
		if (c)
			round_trip();
		if (!wl_failures)
			wl_put("result", 1, "OK sysvshm\n");
	}
}
