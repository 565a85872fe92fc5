// SPDX-License-Identifier: GPL-2.0-only
/*
 * ckpt: helpers of the KUnit tests (CONFIG_CKPT_KUNIT_TEST).
 *
 * The tests themselves sit beside the code they test (stream-test.h at
 * the end of stream.c, and so on), where they reach its static functions;
 * what several of them need is here.  See kunit-util.h.
 */
#define pr_fmt(fmt) "ckpt: " fmt

#include <kunit/resource.h>
#include <linux/crc32.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/shmem_fs.h>
#include <linux/slab.h>
#include "kunit-util.h"

/**
 * ckpt_test_img_new() - an empty image to build
 * @test: the test case, which owns the memory
 * @cap:  the most bytes the image will hold
 *
 * Return: the image (the test stops if memory runs out).
 */
struct ckpt_test_img *ckpt_test_img_new(struct kunit *test, size_t cap)
{
	struct ckpt_test_img *img;

	img = kunit_kzalloc(test, sizeof(*img), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, img);
	img->buf = kunit_kzalloc(test, cap, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, img->buf);
	img->cap = cap;
	return img;
}

/**
 * ckpt_test_img_raw() - append bytes to an image
 * @test: the test case
 * @img:  the image
 * @p:    the bytes, or NULL for zeros
 * @len:  how many
 *
 * Return: where they are in the image, to be changed by the test.
 */
void *ckpt_test_img_raw(struct kunit *test, struct ckpt_test_img *img,
			const void *p, size_t len)
{
	void *at;

	KUNIT_ASSERT_LE(test, len, img->cap - img->len);
	at = img->buf + img->len;
	if (p)
		memcpy(at, p, len);
	else
		memset(at, 0, len);
	img->len += len;
	return at;
}

/**
 * ckpt_test_img_header() - append a file header that ckpt_read_header() takes
 * @test:     the test case
 * @img:      the image
 * @nr_tasks: its nr_tasks
 *
 * Return: the header in the image.
 */
struct ckpt_file_header *ckpt_test_img_header(struct kunit *test,
					      struct ckpt_test_img *img,
					      u32 nr_tasks)
{
	struct ckpt_file_header h = { };

	memcpy(h.magic, CKPT_MAGIC, CKPT_MAGIC_LEN);
	h.version = cpu_to_le32(CKPT_VERSION);
	h.header_len = cpu_to_le32(sizeof(h));
	h.arch = cpu_to_le32(CKPT_ARCH_X86_64);
	h.page_size = cpu_to_le32(PAGE_SIZE);
	h.exclude = cpu_to_le64(CKPT_EXCL_DEFAULT);
	h.nr_tasks = cpu_to_le32(nr_tasks);
	strscpy(h.release, "6.1.0-kunit", sizeof(h.release));
	strscpy(h.machine, "x86_64", sizeof(h.machine));
	return ckpt_test_img_raw(test, img, &h, sizeof(h));
}

/**
 * ckpt_test_img_rec() - append a record and its padding
 * @test:    the test case
 * @img:     the image
 * @type:    CKPT_REC_*
 * @payload: what follows the record header, or NULL for zeros
 * @len:     bytes of @payload; the record's length is @len + 8
 *
 * Return: the record in the image.
 */
struct ckpt_rec *ckpt_test_img_rec(struct kunit *test,
				   struct ckpt_test_img *img, u32 type,
				   const void *payload, u32 len)
{
	struct ckpt_rec r = {
		.type = cpu_to_le32(type),
		.len = cpu_to_le32(sizeof(r) + len),
	};
	struct ckpt_rec *at;

	at = ckpt_test_img_raw(test, img, &r, sizeof(r));
	ckpt_test_img_raw(test, img, payload, len);
	ckpt_test_img_raw(test, img, NULL, CKPT_ALIGN(len) - len);
	img->records++;
	return at;
}

/**
 * ckpt_test_img_trailer() - append the trailer of what the image holds
 * @test: the test case
 * @img:  the image
 *
 * Its record count, byte count and CRC-32 are those of the image so far.
 *
 * Return: the trailer in the image.
 */
struct ckpt_trailer *ckpt_test_img_trailer(struct kunit *test,
					   struct ckpt_test_img *img)
{
	struct ckpt_trailer t = { };

	t.rec.type = cpu_to_le32(CKPT_REC_TRAILER);
	t.rec.len = cpu_to_le32(sizeof(t));
	t.nr_records = cpu_to_le64(img->records);
	t.bytes = cpu_to_le64(img->len);
	t.crc32 = cpu_to_le32(~crc32_le(~0U, img->buf, img->len));
	return ckpt_test_img_raw(test, img, &t, sizeof(t));
}

static int ckpt_test_res_init(struct kunit_resource *res, void *context)
{
	res->data = context;
	return 0;
}

static void ckpt_test_file_free(struct kunit_resource *res)
{
	fput(res->data);
}

/**
 * ckpt_test_file() - an in-kernel file holding some bytes
 * @test: the test case; the file is put when it ends
 * @p:    the bytes, or NULL
 * @len:  how many
 *
 * Return: a shmem file open for reading and writing, at position 0.
 */
struct file *ckpt_test_file(struct kunit *test, const void *p, size_t len)
{
	struct file *file;
	loff_t pos = 0;

	file = shmem_kernel_file_setup("ckpt-kunit", 0, VM_NORESERVE);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, file);
	if (!kunit_alloc_resource(test, ckpt_test_res_init, ckpt_test_file_free,
				  GFP_KERNEL, file)) {
		fput(file);
		KUNIT_ASSERT_FAILURE(test, "out of memory");
	}
	if (len)
		KUNIT_ASSERT_EQ(test, kernel_write(file, p, len, &pos), (ssize_t)len);
	return file;
}

static void ckpt_test_ctx_free(struct kunit_resource *res)
{
	struct ckpt_ctx *ctx = res->data;

	kfree(ctx->rt);
	xa_destroy(&ctx->pids);
	ckpt_obj_destroy(ctx);
	if (ctx->s.buf)
		ckpt_stream_destroy(&ctx->s);
	if (ctx->s.file)
		fput(ctx->s.file);
	kvfree(ctx->bvec);
	kvfree(ctx->rbuf);
	kfree(ctx->cc);
	kfree(ctx);
}

/**
 * ckpt_test_ctx() - a restart context reading an image
 * @test: the test case; the context is freed when it ends
 * @img:  the image, or NULL for an empty file (to write to)
 *
 * The context has what the stream, the task table and the object table
 * use, as ckpt_run() and ckpt_restart() set them up, and no group: its
 * state (@cc) is a zeroed &struct ckpt_cgroup of its own.
 *
 * Return: the context (the test stops if memory runs out).
 */
struct ckpt_ctx *ckpt_test_ctx(struct kunit *test,
			       const struct ckpt_test_img *img)
{
	struct file *file;
	struct ckpt_ctx *ctx;

	file = ckpt_test_file(test, img ? img->buf : NULL, img ? img->len : 0);
	ctx = kzalloc(sizeof(*ctx), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ctx);
	refcount_set(&ctx->ref, 1);
	ctx->cmd = CKPT_CMD_RESTART;
	ckpt_obj_init(ctx);
	xa_init(&ctx->pids);
	if (!kunit_alloc_resource(test, ckpt_test_res_init, ckpt_test_ctx_free,
				  GFP_KERNEL, ctx)) {
		xa_destroy(&ctx->pids);
		kfree(ctx);
		KUNIT_ASSERT_FAILURE(test, "out of memory");
	}
	ctx->cc = kzalloc(sizeof(*ctx->cc), GFP_KERNEL);
	ctx->rbuf = kvmalloc(CKPT_REC_MAX_LEN, GFP_KERNEL);
	ctx->bvec = kvmalloc_array(CKPT_RUN_MAX, sizeof(*ctx->bvec), GFP_KERNEL);
	KUNIT_ASSERT_TRUE(test, ctx->cc && ctx->rbuf && ctx->bvec);
	KUNIT_ASSERT_EQ(test, ckpt_stream_init(&ctx->s, file), 0);
	get_file(file);		/* the stream's, put by ckpt_test_ctx_free() */
	return ctx;
}

/**
 * ckpt_test_clear_err() - forget the failure a context recorded
 * @ctx: the context
 *
 * ckpt_fail() keeps only the first failure; a test that checks several
 * in a row clears it between them.
 */
void ckpt_test_clear_err(struct ckpt_ctx *ctx)
{
	ctx->err = 0;
	ctx->reason[0] = '\0';
}
