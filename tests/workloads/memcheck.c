// SPDX-License-Identifier: GPL-2.0
/*
 * memcheck [-d DIR] [-s SEED] [-m MIB] [-x]
 *
 * Fills memory of every kind a restarted process keeps with a pattern
 * derived from SEED, reports ready, waits for SIGUSR1 (in pause()), then
 * verifies every area against the pattern and writes DIR/result:
 *	anon	MIB MiB of MAP_PRIVATE|MAP_ANONYMOUS memory
 *	sparse	1 MiB of anonymous memory, one page in 16 written, rest zero
 *	heap	2 MiB from malloc() on the brk heap
 *	stack	64 KiB array on the stack
 *	file	MAP_PRIVATE mapping of DIR/mapfile, even pages written
 *	ro	64 KiB of anonymous memory made read-only (checked in maps)
 *	hole	3 pages with the middle one unmapped
 * The result is "OK memcheck" or "FAIL <area> ..." lines.  DIR/info holds
 * "<area> <address> <bytes>" lines.
 *
 * -x (exclusion mode): only the anon area and the stack array; after the
 * signal the program uses raw system calls only (with anonymous memory
 * excluded, libc's anonymous state is gone) and writes one line
 * "anon zero|intact|mixed stack ok|bad".  Build without stack protector.
 */
#include "wl.h"
#include <malloc.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#define PAGE	4096UL

static uint64_t seed = 1;

static uint64_t pattern(int area, uint64_t k)
{
	uint64_t z = seed * 0x9e3779b97f4a7c15ULL + ((uint64_t)area << 48) + k;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31) ^ 1;	/* never zero in practice */
}

static void fill(int area, volatile uint64_t *p, size_t bytes)
{
	for (size_t k = 0; k < bytes / 8; k++)
		p[k] = pattern(area, k);
}

/* Number of words differing from the pattern; *first gets the first one. */
static size_t check(int area, volatile uint64_t *p, size_t bytes, size_t *first)
{
	size_t bad = 0;

	for (size_t k = 0; k < bytes / 8; k++) {
		if (p[k] != pattern(area, k)) {
			if (!bad)
				*first = k * 8;
			bad++;
		}
	}
	return bad;
}

static size_t zeros(volatile uint64_t *p, size_t bytes)
{
	size_t n = 0;

	for (size_t k = 0; k < bytes / 8; k++)
		n += !p[k];
	return n;
}

static long raw(long nr, long a, long b, long c)
{
	long ret;

	asm volatile("syscall" : "=a"(ret)
		     : "a"(nr), "D"(a), "S"(b), "d"(c)
		     : "rcx", "r11", "memory");
	return ret;
}

static size_t raw_strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

static char *raw_cpy(char *d, const char *s)
{
	while (*s)
		*d++ = *s++;
	*d = 0;
	return d;
}

static int exclusion_mode(size_t bytes)
{
	volatile uint64_t stackbuf[8192];
	char result[4096], line[64], *e;
	volatile uint64_t *anon;
	size_t z, first, sbad;
	long fd;

	if (!wl_dir)
		wl_die("-x needs -d DIR");
	anon = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (anon == MAP_FAILED)
		wl_die("mmap: %m");
	fill(1, anon, bytes);
	fill(4, stackbuf, sizeof(stackbuf));
	snprintf(result, sizeof(result), "%s/result", wl_dir);
	wl_put("info", 0, "anon %p %zu\nstack %p %zu\n", (void *)anon, bytes,
	       (void *)stackbuf, sizeof(stackbuf));
	wl_catch_usr1();
	wl_ready();

	/* From here on: no libc, no anonymous memory but the stack. */
	while (!wl_usr1)
		raw(SYS_pause, 0, 0, 0);
	z = zeros(anon, bytes);
	sbad = check(4, stackbuf, sizeof(stackbuf), &first);
	e = raw_cpy(line, z == bytes / 8 ? "anon zero" :
		    check(1, anon, bytes, &first) == 0 ? "anon intact" :
		    "anon mixed");
	e = raw_cpy(e, sbad ? " stack bad\n" : " stack ok\n");
	fd = raw(SYS_open, (long)result, O_WRONLY | O_CREAT | O_APPEND, 0666);
	if (fd < 0)
		raw(SYS_exit_group, 3, 0, 0);
	raw(SYS_write, fd, (long)line, raw_strlen(line));
	raw(SYS_close, fd, 0, 0);
	raw(SYS_exit_group, 0, 0, 0);
	return 0;
}

/* The protection of the mapping at @addr in /proc/self/maps, e.g. "r--p". */
static int maps_perms(void *addr, char perms[5])
{
	unsigned long s, e, a = (unsigned long)addr;
	char line[512];
	FILE *f = fopen("/proc/self/maps", "r");
	int found = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx %4s", &s, &e, perms) == 3 &&
		    a >= s && a < e) {
			found = 1;
			break;
		}
	}
	fclose(f);
	return found;
}

static int mapped(void *addr)
{
	return msync(addr, PAGE, MS_ASYNC) == 0;
}


static int opt(int c, char *arg)
{
	static int dummy;

	switch (c) {
	case 's':
		seed = strtoull(arg, NULL, 0);
		return 0;
	case 'm':
		dummy = atoi(arg);
		return dummy > 0 ? 0 : -1;
	case 'x':
		return 0;
	}
	return -1;
}

int main(int argc, char **argv)
{
	volatile uint64_t stackbuf[8192];
	size_t bytes = 4 << 20, first = 0, bad, filebytes = 64 * PAGE;
	volatile uint64_t *anon, *sparse, *heap, *ro, *file;
	char path[4096], perms[5];
	int xmode = 0, c, fd;
	char *hole;
	void *brk_end;

	for (c = 1; c < argc; c++) {
		if (!strcmp(argv[c], "-x"))
			xmode = 1;
		if (!strcmp(argv[c], "-m") && c + 1 < argc)
			bytes = (size_t)atoi(argv[c + 1]) << 20;
	}
	wl_init(argc, argv, "s:m:x", opt);
	if (xmode)
		return exclusion_mode(bytes);
	if (!wl_dir)
		wl_die("needs -d DIR");

	anon = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	sparse = mmap(NULL, 256 * PAGE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ro = mmap(NULL, 16 * PAGE, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	hole = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (anon == MAP_FAILED || sparse == MAP_FAILED || ro == MAP_FAILED ||
	    hole == MAP_FAILED)
		wl_die("mmap: %m");
	fill(1, anon, bytes);
	for (size_t pg = 0; pg < 256; pg += 16)
		fill(2, sparse + pg * PAGE / 8, PAGE);
	fill(5, ro, 16 * PAGE);
	if (mprotect((void *)ro, 16 * PAGE, PROT_READ))
		wl_die("mprotect: %m");
	memset(hole, 0x5a, 3 * PAGE);
	if (munmap(hole + PAGE, PAGE))
		wl_die("munmap: %m");

	mallopt(M_MMAP_THRESHOLD, 64 << 20);
	heap = malloc(2 << 20);
	brk_end = sbrk(0);
	if (!heap || (void *)heap > brk_end)
		wl_die("heap not on brk");
	fill(3, heap, 2 << 20);
	fill(4, stackbuf, sizeof(stackbuf));

	/* the file holds pattern 6; even pages of the mapping get pattern 7 */
	snprintf(path, sizeof(path), "%s/mapfile", wl_dir);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		wl_die("%s: %m", path);
	for (size_t k = 0; k < filebytes / 8; k++) {
		uint64_t w = pattern(6, k);

		if (write(fd, &w, 8) != 8)
			wl_die("write: %m");
	}
	file = mmap(NULL, filebytes, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (file == MAP_FAILED)
		wl_die("mmap file: %m");
	close(fd);
	for (size_t pg = 0; pg < filebytes / PAGE; pg += 2)
		for (size_t k = pg * PAGE / 8; k < (pg + 1) * PAGE / 8; k++)
			file[k] = pattern(7, k);

	wl_put("info", 0,
	       "anon %p %zu\nsparse %p %zu\nheap %p %d\nstack %p %zu\n"
	       "file %p %zu\nro %p %zu\nhole %p %lu\n",
	       (void *)anon, bytes, (void *)sparse, 256 * PAGE, (void *)heap,
	       2 << 20, (void *)stackbuf, sizeof(stackbuf), (void *)file,
	       filebytes, (void *)ro, 16 * PAGE, (void *)hole, 3 * PAGE);
	wl_catch_usr1();
	wl_ready();

	for (;;) {
		wl_wait_usr1();
		wl_failures = 0;

		bad = check(1, anon, bytes, &first);
		if (bad)
			wl_fail("anon %zu bad words, first at +%zu", bad, first);
		for (size_t pg = 0; pg < 256; pg++) {
			volatile uint64_t *p = sparse + pg * PAGE / 8;

			if (pg % 16 ? zeros(p, PAGE) != PAGE / 8 :
			    check(2, p, PAGE, &first) != 0) {
				wl_fail("sparse page %zu", pg);
				break;
			}
		}
		bad = check(3, heap, 2 << 20, &first);
		if (bad)
			wl_fail("heap %zu bad words, first at +%zu", bad, first);
		if (sbrk(0) != brk_end)
			wl_fail("brk %p, was %p", sbrk(0), brk_end);
		bad = check(4, stackbuf, sizeof(stackbuf), &first);
		if (bad)
			wl_fail("stack %zu bad words, first at +%zu", bad, first);
		for (size_t k = 0; k < filebytes / 8; k++) {
			int written = !((k * 8 / PAGE) % 2);

			if (file[k] != pattern(written ? 7 : 6, k)) {
				wl_fail("file word %zu (%s page)", k,
				     written ? "written" : "clean");
				break;
			}
		}
		bad = check(5, ro, 16 * PAGE, &first);
		if (bad)
			wl_fail("ro %zu bad words", bad);
		if (!maps_perms((void *)ro, perms) || strcmp(perms, "r--p"))
			wl_fail("ro perms %s", perms);
		if (!mapped(hole) || mapped(hole + PAGE) ||
		    !mapped(hole + 2 * PAGE))
			wl_fail("hole: mapped %d %d %d", mapped(hole),
			     mapped(hole + PAGE), mapped(hole + 2 * PAGE));
		else if (hole[0] != 0x5a || hole[3 * PAGE - 1] != 0x5a)
			wl_fail("hole contents");
		if (!wl_failures) {
			wl_put("result", 1, "OK memcheck\n");
			printf("OK memcheck\n");
		}
	}
}
