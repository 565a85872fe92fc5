/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * KUnit tests of the object table (objtab.c), included at its end.
 *
 * The objects are in-kernel files, whose reference count is the counter
 * that shows the table taking and dropping its references: each test
 * holds one reference of its own on each file, so a count of 1 means the
 * table holds none.
 */
#ifndef _KERNEL_CGROUP_CKPT_OBJTAB_TEST_H
#define _KERNEL_CGROUP_CKPT_OBJTAB_TEST_H

#include <kunit/test.h>
#include "kunit-util.h"

/* Checkpoint: pointer -> id, one reference per object, typed. */
static void ckpt_test_obj_lookup(struct kunit *test)
{
	struct ckpt_ctx *ctx = ckpt_test_ctx(test, NULL);
	struct file *f1 = ckpt_test_file(test, NULL, 0);
	struct file *f2 = ckpt_test_file(test, NULL, 0);
	bool new = false;

	KUNIT_EXPECT_EQ(test, ckpt_obj_find(ctx, CKPT_OBJ_FILE, f1), 0);
	KUNIT_EXPECT_EQ(test, ckpt_obj_lookup_file(ctx, f1, &new), 1);
	KUNIT_EXPECT_TRUE(test, new);
	KUNIT_EXPECT_EQ(test, file_count(f1), 2);
	KUNIT_EXPECT_EQ(test, ckpt_obj_lookup_file(ctx, f1, &new), 1);
	KUNIT_EXPECT_FALSE(test, new);
	KUNIT_EXPECT_EQ(test, file_count(f1), 2);
	KUNIT_EXPECT_EQ(test, ckpt_obj_lookup(ctx, CKPT_OBJ_FILE, f2, &new), 2);
	KUNIT_EXPECT_TRUE(test, new);
	/* the same object as another type is another entry */
	KUNIT_EXPECT_EQ(test, ckpt_obj_lookup(ctx, CKPT_OBJ_EVENTFD, f1, &new), 3);
	KUNIT_EXPECT_TRUE(test, new);
	KUNIT_EXPECT_EQ(test, file_count(f1), 3);
	KUNIT_EXPECT_EQ(test, ckpt_obj_find(ctx, CKPT_OBJ_FILE, f1), 1);
	KUNIT_EXPECT_EQ(test, ckpt_obj_find(ctx, CKPT_OBJ_EVENTFD, f1), 3);
	KUNIT_EXPECT_EQ(test, ckpt_obj_find(ctx, CKPT_OBJ_EPOLL, f1), 0);
	/* a type without references: pinned by another object */
	KUNIT_EXPECT_EQ(test, ckpt_obj_lookup(ctx, CKPT_OBJ_INODE,
					      file_inode(f2), &new), 4);
	KUNIT_EXPECT_EQ(test, file_count(f2), 2);
	KUNIT_EXPECT_EQ(test, ctx->next_id, 5);

	ckpt_obj_destroy(ctx);
	KUNIT_EXPECT_EQ(test, file_count(f1), 1);
	KUNIT_EXPECT_EQ(test, file_count(f2), 1);
	KUNIT_EXPECT_STREQ(test, ctx->reason, "");
}

/* Restart: id -> object; get takes a reference for the caller. */
static void ckpt_test_obj_add_get(struct kunit *test)
{
	struct ckpt_ctx *ctx = ckpt_test_ctx(test, NULL);
	struct file *f = ckpt_test_file(test, NULL, 0);
	struct file *g;

	KUNIT_EXPECT_EQ(test, ckpt_obj_add_file(ctx, 5, get_file(f)), 0);
	KUNIT_EXPECT_EQ(test, ckpt_obj_add(ctx, 0xffffffff, CKPT_OBJ_EVENTFD,
					   get_file(f)), 0);
	KUNIT_EXPECT_EQ(test, file_count(f), 3);
	g = ckpt_obj_get_file(ctx, 5);
	KUNIT_EXPECT_PTR_EQ(test, g, f);
	KUNIT_EXPECT_EQ(test, file_count(f), 4);
	if (g)
		fput(g);
	g = ckpt_obj_get(ctx, 0xffffffff, CKPT_OBJ_EVENTFD);
	KUNIT_EXPECT_PTR_EQ(test, g, f);
	if (g)
		fput(g);
	KUNIT_EXPECT_EQ(test, ckpt_obj_type_of(ctx, 5), CKPT_OBJ_FILE);
	KUNIT_EXPECT_EQ(test, ckpt_obj_type_of(ctx, 0xffffffff), CKPT_OBJ_EVENTFD);
	KUNIT_EXPECT_EQ(test, ckpt_obj_type_of(ctx, 6), CKPT_OBJ_NR);
	KUNIT_EXPECT_EQ(test, ctx->err, 0);
	KUNIT_EXPECT_STREQ(test, ctx->reason, "");

	ckpt_obj_destroy(ctx);
	KUNIT_EXPECT_EQ(test, file_count(f), 1);
}

/* Ids zero, defined twice, not yet defined, of another type: refused. */
static void ckpt_test_obj_bad_ids(struct kunit *test)
{
	struct ckpt_ctx *ctx = ckpt_test_ctx(test, NULL);
	struct file *f = ckpt_test_file(test, NULL, 0);

	/* the table takes the reference it is given, also on failure */
	KUNIT_EXPECT_EQ(test, ckpt_obj_add_file(ctx, 0, get_file(f)), -EINVAL);
	KUNIT_EXPECT_EQ(test, ctx->err, -EINVAL);
	KUNIT_EXPECT_STREQ(test, ctx->reason, "image: object id 0");
	KUNIT_EXPECT_EQ(test, file_count(f), 1);
	ckpt_test_clear_err(ctx);

	KUNIT_EXPECT_EQ(test, ckpt_obj_add_file(ctx, 7, get_file(f)), 0);
	KUNIT_EXPECT_EQ(test, ckpt_obj_add(ctx, 7, CKPT_OBJ_EPOLL, get_file(f)),
			-EINVAL);
	KUNIT_EXPECT_STREQ(test, ctx->reason, "image: object 7 defined twice");
	KUNIT_EXPECT_EQ(test, file_count(f), 2);
	/* the first definition stands */
	KUNIT_EXPECT_EQ(test, ckpt_obj_type_of(ctx, 7), CKPT_OBJ_FILE);
	ckpt_test_clear_err(ctx);

	KUNIT_EXPECT_NULL(test, ckpt_obj_get_file(ctx, 8));
	KUNIT_EXPECT_EQ(test, ctx->err, -EINVAL);
	KUNIT_EXPECT_STREQ(test, ctx->reason,
			   "image: object 8 used before it is defined");
	ckpt_test_clear_err(ctx);
	KUNIT_EXPECT_NULL(test, ckpt_obj_get_file(ctx, 0));
	KUNIT_EXPECT_STREQ(test, ctx->reason,
			   "image: object 0 used before it is defined");
	ckpt_test_clear_err(ctx);

	KUNIT_EXPECT_NULL(test, ckpt_obj_get(ctx, 7, CKPT_OBJ_TIMERFD));
	KUNIT_EXPECT_EQ(test, ctx->err, -EINVAL);
	KUNIT_EXPECT_STREQ(test, ctx->reason, "image: object 7 is a file, not a timerfd");
	KUNIT_EXPECT_EQ(test, file_count(f), 2);

	/* only the first failure is kept: it is the cause */
	KUNIT_EXPECT_NULL(test, ckpt_obj_get_file(ctx, 9));
	KUNIT_EXPECT_STREQ(test, ctx->reason, "image: object 7 is a file, not a timerfd");
}

static unsigned int ckpt_test_obj_seen;

static void ckpt_test_obj_count(struct ckpt_ctx *ctx, void *ptr)
{
	ckpt_test_obj_seen++;
}

/* Walking one type, dropping one type early. */
static void ckpt_test_obj_types(struct kunit *test)
{
	struct ckpt_ctx *ctx = ckpt_test_ctx(test, NULL);
	struct file *f = ckpt_test_file(test, NULL, 0);
	unsigned int i;

	for (i = 1; i <= 6; i++)
		KUNIT_EXPECT_EQ(test, ckpt_obj_add(ctx, i, i % 2 ? CKPT_OBJ_FILE :
						   CKPT_OBJ_SIGNALFD, get_file(f)), 0);
	KUNIT_EXPECT_EQ(test, file_count(f), 7);
	ckpt_test_obj_seen = 0;
	ckpt_obj_for_each(ctx, CKPT_OBJ_SIGNALFD, ckpt_test_obj_count);
	KUNIT_EXPECT_EQ(test, ckpt_test_obj_seen, 3);

	ckpt_obj_drop_type(ctx, CKPT_OBJ_SIGNALFD);
	KUNIT_EXPECT_EQ(test, file_count(f), 4);
	KUNIT_EXPECT_EQ(test, ckpt_obj_type_of(ctx, 2), CKPT_OBJ_NR);
	KUNIT_EXPECT_EQ(test, ckpt_obj_type_of(ctx, 3), CKPT_OBJ_FILE);
	KUNIT_EXPECT_NULL(test, ckpt_obj_get(ctx, 4, CKPT_OBJ_SIGNALFD));
	KUNIT_EXPECT_STREQ(test, ctx->reason,
			   "image: object 4 used before it is defined");
	ckpt_test_obj_seen = 0;
	ckpt_obj_for_each(ctx, CKPT_OBJ_SIGNALFD, ckpt_test_obj_count);
	KUNIT_EXPECT_EQ(test, ckpt_test_obj_seen, 0);
	ckpt_obj_for_each(ctx, CKPT_OBJ_FILE, ckpt_test_obj_count);
	KUNIT_EXPECT_EQ(test, ckpt_test_obj_seen, 3);
}

/* Destroy drops every reference, of both halves of the table. */
static void ckpt_test_obj_destroy(struct kunit *test)
{
	static const enum ckpt_obj_type types[] = {
		CKPT_OBJ_FILE, CKPT_OBJ_EVENTFD, CKPT_OBJ_EPOLL, CKPT_OBJ_CONTENTS,
		CKPT_OBJ_SIGNALFD, CKPT_OBJ_TIMERFD, CKPT_OBJ_INOTIFY,
		CKPT_OBJ_RNETSOCK,
	};
	struct ckpt_ctx *ctx = ckpt_test_ctx(test, NULL);
	struct file *f[4];
	unsigned int i, j;
	bool new;

	for (i = 0; i < ARRAY_SIZE(f); i++)
		f[i] = ckpt_test_file(test, NULL, 0);
	for (i = 0; i < ARRAY_SIZE(f); i++)
		for (j = 0; j < ARRAY_SIZE(types); j++) {
			KUNIT_EXPECT_NE(test, ckpt_obj_lookup(ctx, types[j], f[i],
							      &new), 0);
			KUNIT_EXPECT_EQ(test, ckpt_obj_add(ctx, 1 + i * 100 + j, types[j],
							   get_file(f[i])), 0);
		}
	for (i = 0; i < ARRAY_SIZE(f); i++)
		KUNIT_EXPECT_EQ(test, file_count(f[i]), 1 + 2 * ARRAY_SIZE(types));
	ckpt_obj_destroy(ctx);
	for (i = 0; i < ARRAY_SIZE(f); i++)
		KUNIT_EXPECT_EQ(test, file_count(f[i]), 1);
	/* and the table is empty: a second destroy drops nothing */
	ckpt_obj_destroy(ctx);
	KUNIT_EXPECT_EQ(test, file_count(f[0]), 1);
	KUNIT_EXPECT_EQ(test, ckpt_obj_find(ctx, CKPT_OBJ_FILE, f[0]), 0);
}

static struct kunit_case ckpt_objtab_test_cases[] = {
	KUNIT_CASE(ckpt_test_obj_lookup),
	KUNIT_CASE(ckpt_test_obj_add_get),
	KUNIT_CASE(ckpt_test_obj_bad_ids),
	KUNIT_CASE(ckpt_test_obj_types),
	KUNIT_CASE(ckpt_test_obj_destroy),
	{}
};

static struct kunit_suite ckpt_objtab_test_suite = {
	.name = "ckpt_objtab",
	.test_cases = ckpt_objtab_test_cases,
};

kunit_test_suite(ckpt_objtab_test_suite);

#endif /* _KERNEL_CGROUP_CKPT_OBJTAB_TEST_H */
