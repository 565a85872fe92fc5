/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ckpt: helpers of the KUnit tests (CONFIG_CKPT_KUNIT_TEST).
 *
 * A test builds an image byte by byte (a header, records, a trailer whose
 * counts and CRC match, or any damage it wants), then gets a context that
 * reads it from an in-kernel shmem file, as a restart reads ckpt.image_fd.
 * Everything is released when the test case ends, also when an assertion
 * stops it.
 */
#ifndef _KERNEL_CGROUP_CKPT_KUNIT_UTIL_H
#define _KERNEL_CGROUP_CKPT_KUNIT_UTIL_H

#include <kunit/test.h>
#include "ckpt.h"

/**
 * struct ckpt_test_img - an image being built by a test
 * @buf:	its bytes
 * @len:	bytes in use
 * @cap:	size of @buf
 * @records:	records appended so far, for the trailer
 */
struct ckpt_test_img {
	u8	*buf;
	size_t	len;
	size_t	cap;
	u64	records;
};

struct ckpt_test_img *ckpt_test_img_new(struct kunit *test, size_t cap);
void *ckpt_test_img_raw(struct kunit *test, struct ckpt_test_img *img,
			const void *p, size_t len);
struct ckpt_file_header *ckpt_test_img_header(struct kunit *test,
					      struct ckpt_test_img *img,
					      u32 nr_tasks);
struct ckpt_rec *ckpt_test_img_rec(struct kunit *test,
				   struct ckpt_test_img *img, u32 type,
				   const void *payload, u32 len);
struct ckpt_trailer *ckpt_test_img_trailer(struct kunit *test,
					   struct ckpt_test_img *img);
struct file *ckpt_test_file(struct kunit *test, const void *p, size_t len);
struct ckpt_ctx *ckpt_test_ctx(struct kunit *test,
			       const struct ckpt_test_img *img);
void ckpt_test_clear_err(struct ckpt_ctx *ctx);

#endif /* _KERNEL_CGROUP_CKPT_KUNIT_UTIL_H */
