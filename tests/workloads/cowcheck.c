// SPDX-License-Identifier: GPL-2.0
/*
 * cowcheck [-d DIR] [-m MIB] [-D]
 *
 * Keeps writing MIB MiB (default 32) of private anonymous memory, to show
 * that a checkpoint that lets it run holds the memory of one instant.  Pass
 * after pass, it writes the pass number into the first word of every page,
 * in order; before writing a page it checks that the page holds the number
 * of the previous pass.  The pass and the page index live in registers and
 * on the stack, so an image is consistent only if its memory is of the same
 * instant as its registers: pages before the index hold the pass, the others
 * the pass before.  A page taken later (after the program wrote it again)
 * fails the check once the program runs from that image: it prints
 * "FAIL page I holds X, expected Y" and exits 1.
 *
 * -D marks the memory MADV_DONTFORK, which fork() and so a copy-on-write
 * snapshot leave out: its pages must then be copied while frozen.
 *
 * After each pass it prints "pass N" (one write to the log it was started
 * with, which stays open: no file is opened in the loop, so that a
 * checkpoint never finds one half written).  SIGUSR1 writes
 * "OK cowcheck pass N" to DIR/result.
 */
#include "wl.h"
#include <stdint.h>
#include <sys/mman.h>

#define PAGE	4096UL

int main(int argc, char **argv)
{
	volatile uint64_t *mem;
	unsigned long mib = 32, npages, i;
	uint64_t pass;
	int c, dontfork = 0;

	while ((c = getopt(argc, argv, "+d:m:D")) != -1) {
		if (c == 'd')
			wl_dir = optarg;
		else if (c == 'm')
			mib = strtoul(optarg, NULL, 0);
		else if (c == 'D')
			dontfork = 1;
		else
			wl_die("usage: cowcheck [-d DIR] [-m MIB] [-D]");
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	wl_put("pid", 0, "%d\n", getpid());
	wl_catch_usr1();
	npages = mib * 1024 * 1024 / PAGE;
	mem = mmap(NULL, npages * PAGE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		wl_die("mmap: %m");
	if (dontfork && madvise((void *)mem, npages * PAGE, MADV_DONTFORK))
		wl_die("madvise: %m");
	for (i = 0; i < npages; i++)
		mem[i * PAGE / 8] = 1;
	wl_ready();
	for (pass = 2;; pass++) {
		for (i = 0; i < npages; i++) {
			volatile uint64_t *w = &mem[i * PAGE / 8];

			if (*w != pass - 1) {
				wl_fail("page %lu holds %llu, expected %llu",
					i, (unsigned long long)*w,
					(unsigned long long)(pass - 1));
				return 1;
			}
			*w = pass;
		}
		printf("pass %llu\n", (unsigned long long)pass);
		if (wl_usr1) {
			wl_usr1 = 0;
			wl_put("result", 1, "OK cowcheck pass %llu\n",
			       (unsigned long long)pass);
		}
	}
}
