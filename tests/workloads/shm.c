// SPDX-License-Identifier: GPL-2.0
/*
 * shm -d DIR
 *
 * Shared memory between a parent and the child it forks, and files whose
 * contents live in the image.  Before the fork the parent sets up:
 *	anon	MAP_SHARED|MAP_ANONYMOUS, 64 pages: pages 0-3 and 40 hold a
 *		pattern, page 20 was written with zeros, the rest never touched
 *	priv	MAP_PRIVATE|MAP_ANONYMOUS, 1 page: after the fork the parent
 *		writes "parent", the child "child" (copy-on-write)
 *	memfd	memfd_create("ckpt-shm", MFD_ALLOW_SEALING) at fd 40, 3 pages
 *		+ 100 bytes of pattern, offset 123, sealed F_SEAL_SHRINK |
 *		F_SEAL_GROW, mapped MAP_SHARED; fd 41 reopens it read-only
 *		through /proc/self/fd (another open file on the same memfd)
 *	file	DIR/shared.dat, 2 pages, mapped MAP_SHARED read-write
 *	gone	DIR/g/gone: 3 pages + 10 bytes of pattern (page 1 a hole), opened
 *		O_RDWR at fd 42 with offset 777, then unlinked; fd 43 dups it
 * DIR/info gets "child PID" and "memfd 40", "gone 42".
 *
 * On SIGUSR1 the parent verifies its state, then writes a token into the
 * anon and memfd mappings and signals the child, which verifies its own
 * state, checks the tokens and answers through the same mappings; the
 * parent waits for the answer (bounded) and writes "OK shm" or FAIL lines
 * to DIR/result.  The parent also writes "ROUND n" at offset 100 of the
 * shared file mapping; the test reads it from the file.  A byte the test
 * writes into the file at offset 4096 ("W") must be seen in the mapping
 * once DIR/expect-w exists.
 */
#include "wl.h"
#include <stdint.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>

#define PG		4096
#define ANON_PAGES	64
#define MEMFD_SIZE	(3 * PG + 100)
#define GONE_SIZE	(3 * PG + 10)

static char *anon, *priv, *mem, *fmap;
static pid_t child;
static char dir[2048];
static unsigned int round_no;

/* Deterministic contents: byte i of region @tag. */
static char pat(int tag, size_t i)
{
	return (char)(tag * 31 + i * 7 + i / PG);
}

static int anon_page_set(size_t pg)
{
	return pg < 4 || pg == 40;
}

/* Token area: the end of anon page 1 and of memfd page 0. */
#define TOK_OFF		(PG + PG - 64)

static void check_common(const char *who)
{
	size_t i;
	int seals;
	struct stat st;

	for (i = 0; i < (size_t)ANON_PAGES * PG; i++) {
		char want = anon_page_set(i / PG) ? pat(1, i) : 0;

		if (i >= TOK_OFF && i < TOK_OFF + 64)
			continue;
		if (anon[i] != want) {
			wl_fail("%s: anon byte %zu is %d, want %d", who, i,
				anon[i], want);
			break;
		}
	}
	for (i = 0; i < MEMFD_SIZE; i++) {
		if (i >= TOK_OFF - PG && i < TOK_OFF - PG + 64)
			continue;
		if (mem[i] != pat(2, i)) {
			wl_fail("%s: memfd byte %zu", who, i);
			break;
		}
	}
	seals = fcntl(40, F_GET_SEALS);
	if (seals != (F_SEAL_SHRINK | F_SEAL_GROW))
		wl_fail("%s: memfd seals %#x", who, seals);
	if (fstat(40, &st) || st.st_size != MEMFD_SIZE)
		wl_fail("%s: memfd size %lld", who, (long long)st.st_size);
	if (ftruncate(40, PG) == 0 || errno != EPERM)
		wl_fail("%s: the shrink seal does not hold", who);
}

static void check_gone(void)
{
	char buf[GONE_SIZE + 10];
	struct stat st;
	ssize_t n;
	size_t i;

	if (fstat(42, &st) || st.st_size != GONE_SIZE || st.st_nlink)
		wl_fail("gone: size %lld links %lu", (long long)st.st_size,
			(unsigned long)st.st_nlink);
	if (lseek(42, 0, SEEK_CUR) != 777)
		wl_fail("gone: offset %lld", (long long)lseek(42, 0, SEEK_CUR));
	if (lseek(43, 0, SEEK_CUR) != 777)
		wl_fail("gone: fd 43 does not share the offset");
	n = pread(42, buf, sizeof(buf), 0);
	if (n != GONE_SIZE)
		wl_fail("gone: read %zd", n);
	for (i = 0; i < GONE_SIZE && (ssize_t)i < n; i++)
		if (buf[i] != (i / PG == 1 ? 0 : pat(3, i))) {
			wl_fail("gone: byte %zu", i);
			break;
		}
	if ((fcntl(42, F_GETFL) & O_ACCMODE) != O_RDWR)
		wl_fail("gone: not O_RDWR");
	if ((fcntl(41, F_GETFL) & O_ACCMODE) != O_RDONLY)
		wl_fail("memfd: fd 41 not O_RDONLY");
}

static void child_main(void)
{
	char tok[64];

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	strcpy(priv, "child");
	anon[TOK_OFF + 63] = 1;		/* diverged: the parent may go on */
	for (;;) {
		wl_wait_usr1();
		wl_failures = 0;
		check_common("child");
		if (strcmp(priv, "child"))
			wl_fail("child: private page '%.16s'", priv);
		/* the parent's tokens, answered through the same memory */
		memcpy(tok, anon + TOK_OFF, sizeof(tok));
		if (strncmp(tok, "ping ", 5) || strcmp(tok, mem + TOK_OFF - PG))
			wl_fail("child: tokens '%.20s' '%.20s'", tok,
				mem + TOK_OFF - PG);
		tok[1] = 'o';
		strcpy(mem + TOK_OFF - PG + 32, tok);
		strcpy(anon + TOK_OFF + 32, wl_failures ? "FAIL" : tok);
	}
}

static void setup(void)
{
	char path[4096], buf[GONE_SIZE];
	size_t i;
	int fd;

	anon = mmap(NULL, ANON_PAGES * PG, PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	priv = mmap(NULL, PG, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (anon == MAP_FAILED || priv == MAP_FAILED)
		wl_die("mmap: %m");
	for (i = 0; i < (size_t)ANON_PAGES * PG; i++)
		if (anon_page_set(i / PG))
			anon[i] = pat(1, i);
	memset(anon + 20 * PG, 0, PG);
	strcpy(priv, "before fork");

	fd = memfd_create("ckpt-shm", MFD_ALLOW_SEALING);
	if (fd < 0 || dup2(fd, 40) != 40 || ftruncate(40, MEMFD_SIZE))
		wl_die("memfd: %m");
	close(fd);
	mem = mmap(NULL, MEMFD_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, 40, 0);
	if (mem == MAP_FAILED)
		wl_die("mmap memfd: %m");
	for (i = 0; i < MEMFD_SIZE; i++)
		mem[i] = pat(2, i);
	if (fcntl(40, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW) ||
	    lseek(40, 123, SEEK_SET) != 123)
		wl_die("seals: %m");
	fd = open("/proc/self/fd/40", O_RDONLY);
	if (fd < 0 || dup2(fd, 41) != 41)
		wl_die("reopen memfd: %m");
	close(fd);

	snprintf(path, sizeof(path), "%s/shared.dat", dir);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || ftruncate(fd, 2 * PG))
		wl_die("%s: %m", path);
	fmap = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (fmap == MAP_FAILED)
		wl_die("mmap file: %m");
	close(fd);
	strcpy(fmap, "shared file");

	snprintf(path, sizeof(path), "%s/g", dir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/g/gone", dir);
	for (i = 0; i < GONE_SIZE; i++)
		buf[i] = i / PG == 1 ? 0 : pat(3, i);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0640);
	if (fd < 0 || dup2(fd, 42) != 42)
		wl_die("%s: %m", path);
	close(fd);
	/* page 1 stays a hole */
	if (pwrite(42, buf, PG, 0) != PG ||
	    pwrite(42, buf + 2 * PG, GONE_SIZE - 2 * PG, 2 * PG) !=
	    GONE_SIZE - 2 * PG || lseek(42, 777, SEEK_SET) != 777 ||
	    dup2(42, 43) != 43 || unlink(path))
		wl_die("gone: %m");
}

static void verify(void)
{
	char tok[64], path[4096];
	int i;

	check_common("parent");
	check_gone();
	if (strcmp(priv, "parent"))
		wl_fail("parent: private page '%.16s'", priv);
	if (strcmp(fmap, "shared file"))
		wl_fail("file mapping '%.16s'", fmap);
	snprintf(path, sizeof(path), "%s/expect-w", dir);
	if (!access(path, F_OK) && fmap[PG] != 'W')
		wl_fail("a write to the file is not seen in the mapping");
	snprintf(fmap + 100, 32, "ROUND %u", ++round_no);

	snprintf(tok, sizeof(tok), "ping %u %d", round_no, getpid());
	memset(anon + TOK_OFF + 32, 0, 32);
	memset(mem + TOK_OFF - PG + 32, 0, 32);
	strcpy(anon + TOK_OFF, tok);
	strcpy(mem + TOK_OFF - PG, tok);
	kill(child, SIGUSR1);
	for (i = 0; i < 1000 && !anon[TOK_OFF + 32]; i++)
		wl_msleep(10);
	tok[1] = 'o';
	if (strcmp(anon + TOK_OFF + 32, tok) ||
	    strcmp(mem + TOK_OFF - PG + 32, tok))
		wl_fail("child answered '%.20s' '%.20s', want '%s'",
			anon + TOK_OFF + 32, mem + TOK_OFF - PG + 32, tok);
}

int main(int argc, char **argv)
{
	wl_init(argc, argv, "", NULL);
	if (!wl_dir || !realpath(wl_dir, dir))
		wl_die("needs -d DIR");
	wl_catch_usr1();
	setup();
	child = fork();
	if (child < 0)
		wl_die("fork: %m");
	if (!child)
		child_main();
	strcpy(priv, "parent");
	for (int i = 0; i < 3000 && !anon[TOK_OFF + 63]; i++)
		wl_msleep(10);
	anon[TOK_OFF + 63] = 0;
	wl_put("info", 0, "child %d\nmemfd 40\ngone 42\n", child);
	wl_ready();
	for (;;) {
		wl_wait_usr1();
		wl_failures = 0;
		verify();
		if (!wl_failures)
			wl_put("result", 1, "OK shm\n");
	}
}
