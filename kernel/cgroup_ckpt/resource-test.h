/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * KUnit tests of the table of resources (resource.c), included at its end.
 *
 * Every record type of the format has one owner, or is read by the core;
 * restart finds the owner of each and the kind of file of each number it
 * makes; a checkpoint tries the kinds of file in table order.
 */
#ifndef _KERNEL_CGROUP_CKPT_RESOURCE_TEST_H
#define _KERNEL_CGROUP_CKPT_RESOURCE_TEST_H

#include <kunit/test.h>

/* Each type of the format is owned once, or read by the core. */
static void ckpt_test_res_owners(struct kunit *test)
{
	const struct ckpt_resource *owner;
	const struct ckpt_rec_op *op;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ckpt_rec_types); i++) {
		u32 type = ckpt_rec_types[i].type;

		owner = NULL;
		op = ckpt_rec_op_find(type, &owner);
		if (ckpt_rec_core(type)) {
			KUNIT_EXPECT_PTR_EQ(test, op, NULL);
			continue;
		}
		KUNIT_EXPECT_PTR_NE_MSG(test, op, NULL, "record type %s",
					ckpt_rec_types[i].name);
		if (!op)
			continue;
		KUNIT_EXPECT_EQ(test, op->type, type);
		KUNIT_EXPECT_PTR_NE(test, owner, NULL);
		/* one way to apply it */
		KUNIT_EXPECT_EQ(test, !!op->restore + !!op->stream +
				!!(op->flags & CKPT_ROP_NESTED), 1);
	}
	KUNIT_EXPECT_PTR_EQ(test, ckpt_rec_op_find(0, &owner), NULL);
	KUNIT_EXPECT_PTR_EQ(test, ckpt_rec_op_find(0xdead, &owner), NULL);
	KUNIT_EXPECT_STREQ(test, ckpt_rec_name(CKPT_REC_PAGES_RUN), "pages_run");
	KUNIT_EXPECT_STREQ(test, ckpt_rec_name(0xdead), "unknown");
}

/* The lengths of the table: a fixed part, and room for it. */
static void ckpt_test_res_lengths(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ckpt_rec_types); i++) {
		const struct ckpt_rec_type *t = &ckpt_rec_types[i];

		KUNIT_EXPECT_GE(test, t->min_len, sizeof(struct ckpt_rec));
		KUNIT_EXPECT_LE(test, t->min_len, t->max_len);
		if (i)
			KUNIT_EXPECT_GT(test, t->type, ckpt_rec_types[i - 1].type);
	}
}

/* Restart finds each kind of file it makes by its number, once. */
static void ckpt_test_res_file_kinds(struct kunit *test)
{
	static const u32 kinds[] = {
		CKPT_FILE_REG, CKPT_FILE_DIR, CKPT_FILE_CHR, CKPT_FILE_PIPE,
		CKPT_FILE_FIFO, CKPT_FILE_EVENTFD, CKPT_FILE_EPOLL,
		CKPT_FILE_SIGNALFD, CKPT_FILE_TIMERFD, CKPT_FILE_INOTIFY,
		CKPT_FILE_PTMX, CKPT_FILE_PTS, CKPT_FILE_MQUEUE,
		CKPT_FILE_NETSOCK, CKPT_FILE_DEV_EXCL, CKPT_FILE_REGDATA,
		CKPT_FILE_SHMEM, CKPT_FILE_MEMFD, CKPT_FILE_UNLINKED,
		CKPT_FILE_SYSVSHM,
	};
	const struct ckpt_file_ops *k;
	unsigned int i, pos = 0, n = 0;

	for (i = 0; i < ARRAY_SIZE(kinds); i++) {
		k = ckpt_file_ops_find(kinds[i]);
		KUNIT_EXPECT_PTR_NE_MSG(test, k, NULL, "kind %u", kinds[i]);
		if (k)
			KUNIT_EXPECT_EQ(test, k->kind, kinds[i]);
	}
	/* numbers no kind has, and 0 (a unix socket's, which has no open) */
	KUNIT_EXPECT_PTR_EQ(test, ckpt_file_ops_find(0), NULL);
	KUNIT_EXPECT_PTR_EQ(test, ckpt_file_ops_find(4), NULL);
	KUNIT_EXPECT_PTR_EQ(test, ckpt_file_ops_find(25), NULL);
	KUNIT_EXPECT_PTR_EQ(test, ckpt_file_ops_find(~0U), NULL);
	/* the walk ends, and sees each kind once */
	while ((k = ckpt_file_ops_next(&pos)) && n < 1000)
		n++;
	KUNIT_EXPECT_LT(test, n, 1000U);
	KUNIT_EXPECT_GE(test, n, (unsigned int)ARRAY_SIZE(kinds));
	KUNIT_EXPECT_PTR_EQ(test, ckpt_file_ops_next(&pos), NULL);
}

static struct kunit_case ckpt_resource_test_cases[] = {
	KUNIT_CASE(ckpt_test_res_owners),
	KUNIT_CASE(ckpt_test_res_lengths),
	KUNIT_CASE(ckpt_test_res_file_kinds),
	{}
};

static struct kunit_suite ckpt_resource_test_suite = {
	.name = "ckpt_resource",
	.test_cases = ckpt_resource_test_cases,
};

kunit_test_suite(ckpt_resource_test_suite);

#endif /* _KERNEL_CGROUP_CKPT_RESOURCE_TEST_H */
