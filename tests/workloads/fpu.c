// SPDX-License-Identifier: GPL-2.0
/*
 * fpu [-d DIR] [period_ms]
 *
 * A floating-point computation in progress across sleeps.  With non-default
 * rounding modes in MXCSR (toward zero) and in the x87 control word (up),
 * it computes sum(1/k^2) in doubles and sum(1/k) in long doubles once at
 * full speed (the expectation), then again in chunks with a sleep between
 * chunks, and compares the two bit for bit ("round N ok" on stdout).
 * Every sleep is a raw nanosleep issued with live values in all 16 vector
 * registers (ymm with AVX, else xmm) that are compared after the call.
 * Any difference prints "FAIL ..." to stdout and DIR/result and exits 1;
 * SIGUSR1 writes "OK fpu rounds N" to DIR/result.
 */
#include "wl.h"
#include <stdint.h>
#include <sys/syscall.h>

#define CHUNKS	20
#define CHUNK	5000

#define MXCSR_RZ	0x7f80	/* all exceptions masked, round toward zero */
#define FPUCW_UP	0x0b7f	/* all masked, 64-bit precision, round up */

static int avx;

static void set_modes(void)
{
	unsigned int mxcsr = MXCSR_RZ;
	unsigned short cw = FPUCW_UP;

	asm volatile("ldmxcsr %0" : : "m"(mxcsr));
	asm volatile("fldcw %0" : : "m"(cw));
}

static int modes_ok(unsigned int *mxcsr, unsigned short *cw)
{
	asm volatile("stmxcsr %0" : "=m"(*mxcsr));
	asm volatile("fnstcw %0" : "=m"(*cw));
	return (*mxcsr & ~0x3fU) == MXCSR_RZ && *cw == FPUCW_UP;
}

#define LOAD(i, insn, reg) insn " " #i "*32(%[in]), %%" reg #i "\n\t"
#define STORE(i, insn, reg) insn " %%" reg #i ", " #i "*32(%[out])\n\t"
#define ALL(m, insn, reg) m(0, insn, reg) m(1, insn, reg) m(2, insn, reg) \
	m(3, insn, reg) m(4, insn, reg) m(5, insn, reg) m(6, insn, reg) \
	m(7, insn, reg) m(8, insn, reg) m(9, insn, reg) m(10, insn, reg) \
	m(11, insn, reg) m(12, insn, reg) m(13, insn, reg) m(14, insn, reg) \
	m(15, insn, reg)
#define CLOBBERS "rcx", "r11", "memory", "xmm0", "xmm1", "xmm2", "xmm3", \
	"xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", \
	"xmm12", "xmm13", "xmm14", "xmm15"

/* nanosleep(@ms) with in[] in the vector registers; out[] gets them after */
static long vector_sleep(const double *in, double *out, long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	long ret;

	if (avx)
		asm volatile(ALL(LOAD, "vmovupd", "ymm")
			     "syscall\n\t"
			     ALL(STORE, "vmovupd", "ymm")
			     "vzeroupper"
			     : "=a"(ret)
			     : "a"((long)SYS_nanosleep), "D"(&ts), "S"(0L),
			       [in] "r"(in), [out] "r"(out)
			     : CLOBBERS);
	else
		asm volatile(ALL(LOAD, "movupd", "xmm")
			     "syscall\n\t"
			     ALL(STORE, "movupd", "xmm")
			     : "=a"(ret)
			     : "a"((long)SYS_nanosleep), "D"(&ts), "S"(0L),
			       [in] "r"(in), [out] "r"(out)
			     : CLOBBERS);
	return ret;
}

/* A wrong result is final: report it and stop. */
#define fail(...) do { wl_fail(__VA_ARGS__); exit(1); } while (0)

static void series(long from, long to, double *s, long double *l)
{
	for (long k = from; k < to; k++) {
		*s += 1.0 / ((double)k * (double)k);
		*l += 1.0L / (long double)k;
	}
}

int main(int argc, char **argv)
{
	double in[64], out[64], s_exp = 0, s;
	long double l_exp = 0, l;
	long period = 50, rounds = 0;
	unsigned int mxcsr;
	unsigned short cw;
	int i, c;

	i = wl_init(argc, argv, "", NULL);
	if (i < argc)
		period = atol(argv[i]);
	__builtin_cpu_init();
	avx = __builtin_cpu_supports("avx");
	wl_catch_usr1();
	set_modes();
	series(1, CHUNKS * CHUNK + 1, &s_exp, &l_exp);
	wl_put("info", 0, "avx %d\nsum %a\n", avx, s_exp);
	printf("fpu avx %d expect %a %La\n", avx, s_exp, l_exp);

	for (;;) {
		s = 0;
		l = 0;
		for (c = 0; c < CHUNKS; c++) {
			series(1 + (long)c * CHUNK, 1 + (long)(c + 1) * CHUNK,
			       &s, &l);
			for (i = 0; i < 64; i++)
				in[i] = s * (i + 1) + (double)l + c;
			memset(out, 0, sizeof(out));
			if (vector_sleep(in, out, period) && !wl_usr1)
				fail("nanosleep returned early");
			for (i = 0; i < 64; i++)
				if ((avx || i % 4 < 2) && in[i] != out[i])
					fail("vector register %d lane %d: %a != %a",
					     i / 4, i % 4, out[i], in[i]);
			if (!modes_ok(&mxcsr, &cw))
				fail("mxcsr %#x fpu cw %#x", mxcsr, cw);
			if (rounds == 0 && c == 0)
				wl_ready();
			if (wl_usr1) {
				wl_usr1 = 0;
				wl_put("result", 1, "OK fpu rounds %ld\n", rounds);
			}
		}
		if (memcmp(&s, &s_exp, sizeof(s)) || l != l_exp)
			fail("round %ld: sum %a != %a or %La != %La", rounds,
			     s, s_exp, l, l_exp);
		printf("round %ld ok\n", ++rounds);
	}
}
