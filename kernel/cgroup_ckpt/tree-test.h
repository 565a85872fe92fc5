/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * KUnit tests of the task table reader (tree.c), included at its end.
 *
 * Each test writes a CKPT_REC_TASKS record and reads it with
 * ckpt_read_task_table(): who creates whom and how each process gets its
 * process group, or the exact errno and reason of a table restart must
 * refuse.  The pids are 20001 and up, free when the tests run at boot.
 */
#ifndef _KERNEL_CGROUP_CKPT_TREE_TEST_H
#define _KERNEL_CGROUP_CKPT_TREE_TEST_H

#include <kunit/test.h>
#include "kunit-util.h"

/* One entry of a table, in CPU byte order. */
struct ckpt_test_task {
	s32	pid, tgid, ppid, pgid, sid;
	u32	flags;
};

#define CKPT_TEST_TASKS_MAX	8

/*
 * A context whose image holds a task table of @nr entries that says it has
 * @nr_field; returns what ckpt_read_task_table(ctx, @nr_tasks) returns.
 */
static int ckpt_test_table(struct kunit *test, struct ckpt_ctx **ctxp,
			   const struct ckpt_test_task *t, u32 nr, u32 nr_field,
			   u32 nr_tasks)
{
	struct ckpt_test_img *img = ckpt_test_img_new(test, 1024);
	struct {
		__le32			nr;
		__le32			reserved;
		struct ckpt_task_entry	e[CKPT_TEST_TASKS_MAX];
	} r = { .nr = cpu_to_le32(nr_field) };
	u32 i;

	KUNIT_ASSERT_LE(test, nr, CKPT_TEST_TASKS_MAX);
	for (i = 0; i < nr; i++) {
		r.e[i].pid = cpu_to_le32(t[i].pid);
		r.e[i].tgid = cpu_to_le32(t[i].tgid);
		r.e[i].ppid = cpu_to_le32(t[i].ppid);
		r.e[i].pgid = cpu_to_le32(t[i].pgid);
		r.e[i].sid = cpu_to_le32(t[i].sid);
		r.e[i].flags = cpu_to_le32(t[i].flags);
	}
	ckpt_test_img_rec(test, img, CKPT_REC_TASKS, &r,
			  8 + nr * sizeof(struct ckpt_task_entry));
	*ctxp = ckpt_test_ctx(test, img);
	return ckpt_read_task_table(*ctxp, nr_tasks);
}

/* A root that leads its session, its children and a grandchild. */
static void ckpt_test_tree_family(struct kunit *test)
{
	static const struct ckpt_test_task t[] = {
		{ 20001, 20001, 0, 20001, 20001 },	/* A: root, session leader */
		{ 20002, 20002, 20001, 20001, 20001 },	/* B: in A's group */
		{ 20003, 20003, 20002, 20003, 20001 },	/* C: B's, leads a group */
		{ 20004, 20004, 20001, 20003, 20001 },	/* D: A's, joins C's group */
		{ 20005, 20005, 20001, 20006, 20001 },	/* E: joins F's, made later */
		{ 20006, 20006, 20001, 20006, 20001 },	/* F: leads it */
	};
	struct ckpt_ctx *ctx;
	unsigned int i;

	KUNIT_ASSERT_EQ(test, ckpt_test_table(test, &ctx, t, 6, 6, 6), 0);
	KUNIT_EXPECT_STREQ(test, ctx->reason, "");
	KUNIT_ASSERT_EQ(test, ctx->nr_rt, 6);
	for (i = 0; i < 6; i++) {
		KUNIT_EXPECT_EQ(test, ctx->rt[i].pid, t[i].pid);
		KUNIT_EXPECT_EQ(test, ctx->rt[i].leader, i);
		KUNIT_EXPECT_EQ(test, ctx->rt[i].nr_threads, 1);
		KUNIT_EXPECT_EQ(test, ctx->rt[i].flags, 0);
		KUNIT_EXPECT_PTR_EQ(test, ctx->rt[i].ctx, ctx);
	}
	KUNIT_EXPECT_EQ(test, ctx->rt[0].creator, -1);
	KUNIT_EXPECT_EQ(test, ctx->rt[1].creator, 0);
	KUNIT_EXPECT_EQ(test, ctx->rt[2].creator, 1);
	KUNIT_EXPECT_EQ(test, ctx->rt[3].creator, 0);
	KUNIT_EXPECT_EQ(test, ctx->rt[4].creator, 0);
	KUNIT_EXPECT_EQ(test, ctx->rt[5].creator, 0);
	KUNIT_EXPECT_EQ(test, ctx->rt[0].pgrp, CKPT_PGRP_LEAD);
	KUNIT_EXPECT_EQ(test, ctx->rt[1].pgrp, CKPT_PGRP_INHERIT);
	KUNIT_EXPECT_EQ(test, ctx->rt[2].pgrp, CKPT_PGRP_LEAD);
	KUNIT_EXPECT_EQ(test, ctx->rt[3].pgrp, CKPT_PGRP_JOIN);
	KUNIT_EXPECT_EQ(test, ctx->rt[4].pgrp, CKPT_PGRP_JOIN_LATE);
	KUNIT_EXPECT_EQ(test, ctx->rt[5].pgrp, CKPT_PGRP_LEAD);
}

/* Threads follow their leader; a child made by the process after them. */
static void ckpt_test_tree_threads(struct kunit *test)
{
	static const struct ckpt_test_task t[] = {
		{ 20001, 20001, 0, 20001, 20001 },
		{ 20003, 20001, 0, 20001, 20001 },	/* threads of 20001 */
		{ 20002, 20001, 0, 20001, 20001 },
		{ 20004, 20004, 20001, 20001, 20001 },	/* its child */
		{ 20005, 20004, 20001, 20001, 20001 },	/* and the child's thread */
	};
	struct ckpt_ctx *ctx;

	KUNIT_ASSERT_EQ(test, ckpt_test_table(test, &ctx, t, 5, 5, 5), 0);
	KUNIT_EXPECT_EQ(test, ctx->rt[0].nr_threads, 3);
	KUNIT_EXPECT_EQ(test, ctx->rt[1].leader, 0);
	KUNIT_EXPECT_EQ(test, ctx->rt[1].creator, 0);
	KUNIT_EXPECT_EQ(test, ctx->rt[2].leader, 0);
	KUNIT_EXPECT_EQ(test, ctx->rt[3].creator, 0);
	KUNIT_EXPECT_EQ(test, ctx->rt[3].leader, 3);
	KUNIT_EXPECT_EQ(test, ctx->rt[3].nr_threads, 2);
	KUNIT_EXPECT_EQ(test, ctx->rt[4].leader, 3);
	KUNIT_EXPECT_EQ(test, ctx->rt[4].creator, 3);
}

/* Zombies, a ghost session leader, and what children share. */
static void ckpt_test_tree_zombie_ghost_share(struct kunit *test)
{
	static const struct ckpt_test_task t[] = {
		/* a gone session leader, and the roots of its session */
		{ 20010, 20010, 0, 20010, 20010, CKPT_TASK_GHOST },
		{ 20011, 20011, 0, 20011, 20010 },
		{ 20013, 20013, 20011, 20011, 20010, CKPT_TASK_ZOMBIE },
		{ 20014, 20014, 20011, 20011, 20010,
		  CKPT_TASK_SHARE_FILES | CKPT_TASK_SHARE_VM | CKPT_TASK_SHARE_SIGHAND },
		{ 20012, 20012, 0, 20011, 20010 },
	};
	struct ckpt_ctx *ctx;

	KUNIT_ASSERT_EQ(test, ckpt_test_table(test, &ctx, t, 5, 5, 5), 0);
	KUNIT_EXPECT_STREQ(test, ctx->reason, "");
	KUNIT_EXPECT_EQ(test, ctx->rt[0].flags, CKPT_TASK_GHOST);
	KUNIT_EXPECT_EQ(test, ctx->rt[0].creator, -1);
	KUNIT_EXPECT_EQ(test, ctx->rt[1].creator, 0);
	KUNIT_EXPECT_EQ(test, ctx->rt[1].pgrp, CKPT_PGRP_LEAD);
	KUNIT_EXPECT_EQ(test, ctx->rt[2].flags, CKPT_TASK_ZOMBIE);
	KUNIT_EXPECT_EQ(test, ctx->rt[2].creator, 1);
	KUNIT_EXPECT_EQ(test, ctx->rt[2].pgrp, CKPT_PGRP_INHERIT);
	KUNIT_EXPECT_EQ(test, ctx->rt[3].flags, 0);
	KUNIT_EXPECT_EQ(test, ctx->rt[3].share, CKPT_TASK_SHARE_FILES |
			CKPT_TASK_SHARE_VM | CKPT_TASK_SHARE_SIGHAND);
	KUNIT_EXPECT_EQ(test, ctx->rt[4].creator, 0);
	KUNIT_EXPECT_EQ(test, ctx->rt[4].pgrp, CKPT_PGRP_JOIN);
}

/* A table restart must refuse, and why. */
struct ckpt_test_bad_table {
	const char		*desc;
	struct ckpt_test_task	t[4];
	u32			nr;		/* entries in the record */
	u32			nr_tasks;	/* in the file header */
	u32			nr_field;	/* in the record */
	int			err;
	const char		*reason;
};

static const struct ckpt_test_bad_table ckpt_test_bad_tables[] = {
	{ "no task", { }, 0, 0, 0, -EINVAL, "image: 0 tasks" },
	{ "too many tasks", { { 20001, 20001, 0, 20001, 20001 } }, 1, 0x7fffffff, 1,
	  -EINVAL, "image: 2147483647 tasks" },
	{ "header counts more", { { 20001, 20001, 0, 20001, 20001 } }, 1, 2, 2,
	  -EINVAL, "image: bad task table" },
	{ "record counts more", { { 20001, 20001, 0, 20001, 20001 } }, 1, 1, 2,
	  -EINVAL, "image: bad task table" },
	{ "duplicate pid", { { 20001, 20001, 0, 20001, 20001 },
	  { 20001, 20001, 20001, 20001, 20001 } },
	  2, 2, 2, -EINVAL, "image: bad task table entry 1 (pid 20001)" },
	{ "pid 0", { { 0, 0, 0, 0, 0 } }, 1, 1, 1,
	  -EINVAL, "image: bad task table entry 0 (pid 0)" },
	{ "negative pid", { { -5, -5, 0, 20001, 20001 } }, 1, 1, 1,
	  -EINVAL, "image: bad task table entry 0 (pid -5)" },
	{ "pid over PID_MAX_LIMIT", { { INT_MAX, INT_MAX, 0, INT_MAX, INT_MAX } },
	  1, 1, 1,
	  -EINVAL, "image: bad task table entry 0 (pid 2147483647)" },
	{ "negative ppid", { { 20001, 20001, -1, 20001, 20001 } }, 1, 1, 1,
	  -EINVAL, "image: bad task table entry 0 (pid 20001)" },
	{ "pgid 0", { { 20001, 20001, 0, 0, 20001 } }, 1, 1, 1,
	  -EINVAL, "image: bad task table entry 0 (pid 20001)" },
	{ "parent missing", { { 20001, 20001, 0, 20001, 20001 },
	  { 20002, 20002, 20099, 20099, 20099 } },
	  2, 2, 2, -EINVAL, "image: bad task table entry 1 (pid 20002)" },
	{ "parent later", { { 20002, 20002, 20001, 20001, 20001 },
	  { 20001, 20001, 0, 20001, 20001 } },
	  2, 2, 2, -EINVAL, "image: bad task table entry 0 (pid 20002)" },
	{ "parent is a zombie", { { 20001, 20001, 0, 20001, 20001 },
	  { 20002, 20002, 20001, 20001, 20001, CKPT_TASK_ZOMBIE },
	  { 20003, 20003, 20002, 20002, 20002 } }, 3, 3, 3,
	  -EINVAL, "image: bad task table entry 2 (pid 20003)" },
	{ "thread without leader", { { 20002, 20001, 0, 20001, 20001 } }, 1, 1, 1,
	  -EINVAL, "image: bad task table entry 0 (pid 20002)" },
	{ "thread after another process", { { 20001, 20001, 0, 20001, 20001 },
	  { 20002, 20002, 20001, 20001, 20001 }, { 20003, 20001, 0, 20001, 20001 } },
	  3, 3, 3, -EINVAL, "image: bad task table entry 2 (pid 20003)" },
	{ "thread in another group", { { 20001, 20001, 0, 20001, 20001 },
	  { 20002, 20001, 0, 20002, 20001 } }, 2, 2, 2,
	  -EINVAL, "image: bad task table entry 1 (pid 20002)" },
	{ "zombie thread", { { 20001, 20001, 0, 20001, 20001 },
	  { 20002, 20001, 0, 20001, 20001, CKPT_TASK_ZOMBIE } }, 2, 2, 2,
	  -EINVAL, "image: bad task table entry 1 (pid 20002)" },
	{ "zombie root", { { 20001, 20001, 0, 20001, 20001, CKPT_TASK_ZOMBIE } },
	  1, 1, 1, -EINVAL, "image: bad task table entry 0 (pid 20001)" },
	{ "zombie and ghost", { { 20001, 20001, 0, 20001, 20001,
	  CKPT_TASK_ZOMBIE | CKPT_TASK_GHOST } }, 1, 1, 1,
	  -EINVAL, "image: bad task table entry 0 (pid 20001)" },
	{ "unknown flag", { { 20001, 20001, 0, 20001, 20001, 0x40 } }, 1, 1, 1,
	  -EINVAL, "image: bad task table entry 0 (pid 20001)" },
	{ "ghost with a parent", { { 20001, 20001, 0, 20001, 20001 },
	  { 20002, 20002, 20001, 20002, 20002, CKPT_TASK_GHOST } }, 2, 2, 2,
	  -EINVAL, "image: bad task table entry 1 (pid 20002)" },
	{ "root sharing", { { 20001, 20001, 0, 20001, 20001,
	  CKPT_TASK_SHARE_FILES } }, 1, 1, 1,
	  -EINVAL, "image: bad task table entry 0 (pid 20001)" },
	{ "sighand without vm", { { 20001, 20001, 0, 20001, 20001 },
	  { 20002, 20002, 20001, 20001, 20001, CKPT_TASK_SHARE_SIGHAND } },
	  2, 2, 2, -EINVAL, "image: bad task table entry 1 (pid 20002)" },
	{ "session not its parent's", { { 20001, 20001, 0, 20001, 20001 },
	  { 20002, 20002, 20001, 20002, 20003 } }, 2, 2, 2,
	  -EINVAL, "image: bad task table entry 1 (pid 20002)" },
	{ "session leader not its group's", { { 20001, 20001, 0, 20002, 20001 } },
	  1, 1, 1, -EINVAL, "image: bad task table entry 0 (pid 20001)" },
	{ "zombie in a later group", { { 20001, 20001, 0, 20001, 20001 },
	  { 20002, 20002, 20001, 20003, 20001, CKPT_TASK_ZOMBIE },
	  { 20003, 20003, 20001, 20003, 20001 } }, 3, 3, 3, -EOPNOTSUPP,
	  "pid 20002: a zombie in a process group made after it; not supported" },
	{ "pid in use", { { 1, 1, 0, 1, 1 } }, 1, 1, 1,
	  -EBUSY, "pid 1: the pid is in use" },
};

static void ckpt_test_bad_table_desc(const struct ckpt_test_bad_table *t,
				     char *desc)
{
	strscpy(desc, t->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(ckpt_test_bad_table, ckpt_test_bad_tables,
		  ckpt_test_bad_table_desc);

static void ckpt_test_tree_bad(struct kunit *test)
{
	const struct ckpt_test_bad_table *t = test->param_value;
	struct ckpt_ctx *ctx;

	KUNIT_EXPECT_EQ(test, ckpt_test_table(test, &ctx, t->t, t->nr, t->nr_field,
					      t->nr_tasks), t->err);
	KUNIT_EXPECT_EQ(test, ctx->err, t->err);
	KUNIT_EXPECT_STREQ(test, ctx->reason, t->reason);
}

/* A record of another type where the table should be. */
static void ckpt_test_tree_not_a_table(struct kunit *test)
{
	struct ckpt_test_img *img = ckpt_test_img_new(test, 1024);
	struct ckpt_ctx *ctx;

	ckpt_test_img_rec(test, img, CKPT_REC_TASK, NULL, 32);
	ctx = ckpt_test_ctx(test, img);
	KUNIT_EXPECT_EQ(test, ckpt_read_task_table(ctx, 1), -EINVAL);
	KUNIT_EXPECT_STREQ(test, ctx->reason, "image: bad task table");

	/* its length right, its reserved field not zero */
	img->len = 0;
	((__le32 *)ckpt_test_img_rec(test, img, CKPT_REC_TASKS, NULL, 32))[3] =
		cpu_to_le32(1);
	((__le32 *)img->buf)[2] = cpu_to_le32(1);
	ctx = ckpt_test_ctx(test, img);
	KUNIT_EXPECT_EQ(test, ckpt_read_task_table(ctx, 1), -EINVAL);
	KUNIT_EXPECT_STREQ(test, ctx->reason, "image: bad task table");

	/* an image that ends in the table */
	img->len -= 8;
	ctx = ckpt_test_ctx(test, img);
	KUNIT_EXPECT_EQ(test, ckpt_read_task_table(ctx, 1), -ENODATA);
	KUNIT_EXPECT_STREQ(test, ctx->reason, "image: truncated at byte 32");
}

static struct kunit_case ckpt_tree_test_cases[] = {
	KUNIT_CASE(ckpt_test_tree_family),
	KUNIT_CASE(ckpt_test_tree_threads),
	KUNIT_CASE(ckpt_test_tree_zombie_ghost_share),
	KUNIT_CASE_PARAM(ckpt_test_tree_bad, ckpt_test_bad_table_gen_params),
	KUNIT_CASE(ckpt_test_tree_not_a_table),
	{}
};

static struct kunit_suite ckpt_tree_test_suite = {
	.name = "ckpt_tree",
	.test_cases = ckpt_tree_test_cases,
};

kunit_test_suite(ckpt_tree_test_suite);

#endif /* _KERNEL_CGROUP_CKPT_TREE_TEST_H */
