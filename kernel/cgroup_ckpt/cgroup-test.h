/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * KUnit tests of the ckpt.exclude parser (cgroup.c), included at its end.
 *
 * ckpt_exclude_write() applies what ckpt_exclude_parse() returns to the
 * group's classes: (old | set) & ~clear, and nothing if it fails.
 */
#ifndef _KERNEL_CGROUP_CKPT_CGROUP_TEST_H
#define _KERNEL_CGROUP_CKPT_CGROUP_TEST_H

#include <kunit/test.h>

/* A write of @in to ckpt.exclude, as tested. */
struct ckpt_test_exclude {
	const char	*desc;
	const char	*in;
	u64		old;		/* the classes before */
	int		err;		/* 0 or what the write fails with */
	u64		new;		/* the classes after */
};

static const struct ckpt_test_exclude ckpt_test_excludes[] = {
	{ "add and remove", "+net -anon", CKPT_EXCL_ANON | CKPT_EXCL_FILES, 0,
	  CKPT_EXCL_NET | CKPT_EXCL_FILES },
	{ "remove a default", "-files", CKPT_EXCL_DEFAULT, 0, 0 },
	{ "every class", "+anon +shmem +net +ipc +files +dev", 0, 0,
	  CKPT_EXCL_ALL },
	{ "no class", "-anon -shmem -net -ipc -files -dev", CKPT_EXCL_ALL, 0,
	  0 },
	{ "already there", "+files", CKPT_EXCL_FILES, 0, CKPT_EXCL_FILES },
	{ "last mention wins (+)", "-anon +ipc +anon", 0, 0,
	  CKPT_EXCL_ANON | CKPT_EXCL_IPC },
	{ "last mention wins (-)", "+anon +dev -anon", CKPT_EXCL_ANON, 0,
	  CKPT_EXCL_DEV },
	{ "empty", "", CKPT_EXCL_SHMEM, 0, CKPT_EXCL_SHMEM },
	{ "only whitespace", "\n \t\t", CKPT_EXCL_SHMEM, 0, CKPT_EXCL_SHMEM },
	{ "whitespace around and between", "  +net\t\t-files  +dev\t\n\n",
	  CKPT_EXCL_FILES, 0, CKPT_EXCL_NET | CKPT_EXCL_DEV },
	{ "a newline, as echo writes", "+shmem\n", 0, 0,
	  CKPT_EXCL_SHMEM },
	{ "unknown class", "+net +bogus", CKPT_EXCL_FILES, -EINVAL,
	  CKPT_EXCL_FILES },
	{ "unknown class first", "+bogus -files", CKPT_EXCL_FILES, -EINVAL,
	  CKPT_EXCL_FILES },
	{ "no sign", "net", 0, -EINVAL, 0 },
	{ "no sign after a good one", "+net anon", 0, -EINVAL,
	  0 },
	{ "sign alone", "+", 0, -EINVAL, 0 },
	{ "sign and space", "- anon", CKPT_EXCL_ANON, -EINVAL, CKPT_EXCL_ANON },
	{ "two signs", "++net", 0, -EINVAL, 0 },
	{ "upper case", "+NET", 0, -EINVAL, 0 },
	{ "a prefix of a class", "+an", 0, -EINVAL, 0 },
	{ "a class and more", "+nets", 0, -EINVAL, 0 },
	{ "comma separated", "+net,+anon", 0, -EINVAL,
	  0 },
	{ "show format, no signs", "anon files", 0, -EINVAL,
	  0 },
};

static void ckpt_test_exclude_desc(const struct ckpt_test_exclude *t,
				   char *desc)
{
	strscpy(desc, t->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(ckpt_test_exclude, ckpt_test_excludes, ckpt_test_exclude_desc);

static void ckpt_test_exclude_parse(struct kunit *test)
{
	const struct ckpt_test_exclude *t = test->param_value;
	/* nothing is stored on failure: these stay */
	u64 set = 0x5a5a, clear = 0xa5a5, excl = t->old;
	size_t len = strlen(t->in) + 1;
	char *buf;
	int ret;

	buf = kunit_kzalloc(test, len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	strscpy(buf, t->in, len);
	ret = ckpt_exclude_parse(buf, &set, &clear);
	KUNIT_EXPECT_EQ(test, ret, t->err);
	if (ret) {
		KUNIT_EXPECT_EQ(test, set, 0x5a5a);
		KUNIT_EXPECT_EQ(test, clear, 0xa5a5);
	} else {
		KUNIT_EXPECT_EQ(test, set & clear, 0);
		KUNIT_EXPECT_EQ(test, (set | clear) & ~CKPT_EXCL_ALL, 0);
		excl = (excl | set) & ~clear;
	}
	KUNIT_EXPECT_EQ(test, excl, t->new);
}

/* Each class by its name: its own bit, added or removed. */
static void ckpt_test_exclude_names(struct kunit *test)
{
	u64 set, clear, all = 0;
	char buf[16];
	int i;

	for (i = 0; i < ARRAY_SIZE(ckpt_classes); i++) {
		KUNIT_EXPECT_EQ(test, all & ckpt_classes[i].bit, 0);
		all |= ckpt_classes[i].bit;
		snprintf(buf, sizeof(buf), "+%s", ckpt_classes[i].name);
		KUNIT_EXPECT_EQ(test, ckpt_exclude_parse(buf, &set, &clear), 0);
		KUNIT_EXPECT_EQ(test, set, ckpt_classes[i].bit);
		KUNIT_EXPECT_EQ(test, clear, 0);
		snprintf(buf, sizeof(buf), "-%s", ckpt_classes[i].name);
		KUNIT_EXPECT_EQ(test, ckpt_exclude_parse(buf, &set, &clear), 0);
		KUNIT_EXPECT_EQ(test, set, 0);
		KUNIT_EXPECT_EQ(test, clear, ckpt_classes[i].bit);
	}
	/* every bit of the image header has a name */
	KUNIT_EXPECT_EQ(test, all, CKPT_EXCL_ALL);
}

static struct kunit_case ckpt_exclude_test_cases[] = {
	KUNIT_CASE_PARAM(ckpt_test_exclude_parse, ckpt_test_exclude_gen_params),
	KUNIT_CASE(ckpt_test_exclude_names),
	{}
};

static struct kunit_suite ckpt_exclude_test_suite = {
	.name = "ckpt_exclude",
	.test_cases = ckpt_exclude_test_cases,
};

kunit_test_suite(ckpt_exclude_test_suite);

#endif /* _KERNEL_CGROUP_CKPT_CGROUP_TEST_H */
