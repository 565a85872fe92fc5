// SPDX-License-Identifier: GPL-2.0
/*
 * creds -d DIR
 *
 * Records its credentials (real/effective/saved uid and gid, supplementary
 * groups, capability sets, bounding set, securebits) in DIR/info, reports
 * ready, and on each SIGUSR1 compares them with the current ones, writing
 * "OK creds" or "FAIL ..." to DIR/result.  Start it through setpriv.
 */
#include "wl.h"
#include <grp.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

struct creds {
	uid_t r, e, s;
	gid_t rg, eg, sg;
	int ngroups;
	gid_t groups[256];
	struct __user_cap_data_struct cap[2];
	unsigned long long bset, ambient;
	int securebits;
};

static void get_creds(struct creds *c)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };

	memset(c, 0, sizeof(*c));
	getresuid(&c->r, &c->e, &c->s);
	getresgid(&c->rg, &c->eg, &c->sg);
	c->ngroups = getgroups(256, c->groups);
	syscall(SYS_capget, &h, c->cap);
	for (int i = 0; i < 64; i++) {
		if (prctl(PR_CAPBSET_READ, i, 0, 0, 0) == 1)
			c->bset |= 1ULL << i;
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, i, 0, 0) == 1)
			c->ambient |= 1ULL << i;
	}
	c->securebits = prctl(PR_GET_SECUREBITS);
}

static void show(const struct creds *c, char *buf, size_t len)
{
	int n = snprintf(buf, len,
			 "uid %u %u %u gid %u %u %u cap %x%08x %x%08x %x%08x bset %llx ambient %llx securebits %#x groups",
			 c->r, c->e, c->s, c->rg, c->eg, c->sg,
			 c->cap[1].effective, c->cap[0].effective,
			 c->cap[1].permitted, c->cap[0].permitted,
			 c->cap[1].inheritable, c->cap[0].inheritable,
			 c->bset, c->ambient, c->securebits);

	for (int i = 0; i < c->ngroups && n < (int)len; i++)
		n += snprintf(buf + n, len - n, " %u", c->groups[i]);
}

int main(int argc, char **argv)
{
	static struct creds before, now;
	char a[4096], b[4096];

	wl_init(argc, argv, "", NULL);
	get_creds(&before);
	show(&before, a, sizeof(a));
	wl_put("info", 0, "%s\n", a);
	wl_catch_usr1();
	wl_ready();
	for (;;) {
		wl_wait_usr1();
		get_creds(&now);
		show(&now, b, sizeof(b));
		if (strcmp(a, b))
			wl_put("result", 1, "FAIL creds now %s\n", b);
		else
			wl_put("result", 1, "OK creds\n");
	}
}
