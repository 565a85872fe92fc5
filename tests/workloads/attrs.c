// SPDX-License-Identifier: GPL-2.0
/*
 * attrs -d DIR
 *
 * Sets process attributes a restart must give back: resource limits,
 * SCHED_BATCH with nice 7, CPU affinity to CPU 0 only, no_new_privs and
 * THP disabled.  Records them in DIR/info, reports ready, and on each
 * SIGUSR1 compares them with the current ones, writing "OK attrs" or
 * "FAIL ..." to DIR/result.
 */
#include "wl.h"
#include <sched.h>
#include <sys/prctl.h>
#include <sys/resource.h>

struct attrs {
	struct rlimit rlim[RLIM_NLIMITS];
	int policy, nice, nnp, thp;
	cpu_set_t cpus;
};

static void get_attrs(struct attrs *a)
{
	memset(a, 0, sizeof(*a));
	for (int i = 0; i < RLIM_NLIMITS; i++)
		getrlimit(i, &a->rlim[i]);
	a->policy = sched_getscheduler(0);
	errno = 0;
	a->nice = getpriority(PRIO_PROCESS, 0);
	a->nnp = prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);
	a->thp = prctl(PR_GET_THP_DISABLE, 0, 0, 0, 0);
	sched_getaffinity(0, sizeof(a->cpus), &a->cpus);
}

static void set_attrs(void)
{
	struct sched_param sp = { 0 };
	struct rlimit r;
	cpu_set_t one;

	r = (struct rlimit){ 200, 300 };
	if (setrlimit(RLIMIT_NOFILE, &r))
		wl_die("setrlimit NOFILE: %m");
	r = (struct rlimit){ 0, RLIM_INFINITY };
	if (setrlimit(RLIMIT_CORE, &r))
		wl_die("setrlimit CORE: %m");
	r = (struct rlimit){ 12345, 23456 };
	if (setrlimit(RLIMIT_SIGPENDING, &r))
		wl_die("setrlimit SIGPENDING: %m");
	r = (struct rlimit){ 3600, 7200 };
	if (setrlimit(RLIMIT_CPU, &r))
		wl_die("setrlimit CPU: %m");
	if (sched_setscheduler(0, SCHED_BATCH, &sp))
		wl_die("sched_setscheduler: %m");
	if (setpriority(PRIO_PROCESS, 0, 7))
		wl_die("setpriority: %m");
	CPU_ZERO(&one);
	CPU_SET(0, &one);
	if (sched_setaffinity(0, sizeof(one), &one))
		wl_die("sched_setaffinity: %m");
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		wl_die("PR_SET_NO_NEW_PRIVS: %m");
	if (prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0))
		wl_die("PR_SET_THP_DISABLE: %m");
}

int main(int argc, char **argv)
{
	struct attrs before, now;

	wl_init(argc, argv, "", NULL);
	set_attrs();
	get_attrs(&before);
	wl_put("info", 0, "policy %d nice %d nnp %d thp %d cpus %d\n", before.policy,
	       before.nice, before.nnp, before.thp, CPU_COUNT(&before.cpus));
	wl_catch_usr1();
	wl_ready();
	for (;;) {
		wl_wait_usr1();
		wl_failures = 0;
		get_attrs(&now);
		for (int i = 0; i < RLIM_NLIMITS; i++)
			if (now.rlim[i].rlim_cur != before.rlim[i].rlim_cur ||
			    now.rlim[i].rlim_max != before.rlim[i].rlim_max)
				wl_fail("rlimit %d: %llu/%llu, was %llu/%llu", i,
					(unsigned long long)now.rlim[i].rlim_cur,
					(unsigned long long)now.rlim[i].rlim_max,
					(unsigned long long)before.rlim[i].rlim_cur,
					(unsigned long long)before.rlim[i].rlim_max);
		if (now.policy != before.policy)
			wl_fail("policy %d, was %d", now.policy, before.policy);
		if (now.nice != before.nice)
			wl_fail("nice %d, was %d", now.nice, before.nice);
		if (now.nnp != before.nnp)
			wl_fail("no_new_privs %d, was %d", now.nnp, before.nnp);
		if (now.thp != before.thp)
			wl_fail("thp_disable %d, was %d", now.thp, before.thp);
		if (!CPU_EQUAL(&now.cpus, &before.cpus))
			wl_fail("CPU affinity: %d CPUs, was %d", CPU_COUNT(&now.cpus),
				CPU_COUNT(&before.cpus));
		if (!wl_failures)
			wl_put("result", 1, "OK attrs\n");
	}
}
