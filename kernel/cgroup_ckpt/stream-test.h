/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * KUnit tests of the image reader (stream.c), included at its end.
 *
 * Each test builds an image byte by byte, good or damaged, puts it in an
 * in-kernel file and reads it as restart does: each damage must fail with
 * its exact errno and reason, and never read past the image.
 */
#ifndef _KERNEL_CGROUP_CKPT_STREAM_TEST_H
#define _KERNEL_CGROUP_CKPT_STREAM_TEST_H

#include <kunit/test.h>
#include "kunit-util.h"

#define CKPT_TEST_HDR	sizeof(struct ckpt_file_header)

/* A header, three records (one of them padded, one bare), a trailer. */
static void ckpt_test_stream_good(struct kunit *test)
{
	static const u8 odd[5] = { 1, 2, 3, 4, 5 };
	struct ckpt_test_img *img = ckpt_test_img_new(test, 1024);
	struct ckpt_file_header h;
	struct ckpt_ctx *ctx;
	struct ckpt_hdr rec;
	u8 buf[32];
	int i;

	for (i = 0; i < ARRAY_SIZE(buf); i++)
		buf[i] = i;
	ckpt_test_img_header(test, img, 3);
	ckpt_test_img_rec(test, img, CKPT_REC_TASK, buf, 24);
	ckpt_test_img_rec(test, img, CKPT_REC_CREDS, odd, sizeof(odd));
	ckpt_test_img_rec(test, img, CKPT_REC_TASK_END, NULL, 0);
	ckpt_test_img_trailer(test, img);
	ctx = ckpt_test_ctx(test, img);

	KUNIT_ASSERT_EQ(test, ckpt_read_header(ctx, &h), 0);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(h.nr_tasks), 3);

	KUNIT_ASSERT_EQ(test, ckpt_read_rec(ctx, &rec), 0);
	KUNIT_EXPECT_EQ(test, rec.type, CKPT_REC_TASK);
	KUNIT_EXPECT_EQ(test, rec.len, 32);
	memset(buf, 0xff, sizeof(buf));
	KUNIT_ASSERT_EQ(test, ckpt_read_payload(ctx, buf, rec.len - 8), 0);
	for (i = 0; i < 24; i++)
		KUNIT_EXPECT_EQ(test, buf[i], i);

	KUNIT_ASSERT_EQ(test, ckpt_read_rec(ctx, &rec), 0);
	KUNIT_EXPECT_EQ(test, rec.type, CKPT_REC_CREDS);
	KUNIT_EXPECT_EQ(test, rec.len, 13);
	KUNIT_ASSERT_EQ(test, ckpt_read_payload(ctx, buf, rec.len - 8), 0);
	KUNIT_EXPECT_EQ(test, memcmp(buf, odd, sizeof(odd)), 0);
	/* the padding was taken too */
	KUNIT_EXPECT_EQ(test, ctx->s.bytes, CKPT_TEST_HDR + 32 + 16);

	KUNIT_ASSERT_EQ(test, ckpt_read_rec(ctx, &rec), 0);
	KUNIT_EXPECT_EQ(test, rec.type, CKPT_REC_TASK_END);
	KUNIT_EXPECT_EQ(test, rec.len, 8);
	KUNIT_ASSERT_EQ(test, ckpt_read_payload(ctx, buf, 0), 0);

	KUNIT_ASSERT_EQ(test, ckpt_read_rec(ctx, &rec), 0);
	KUNIT_EXPECT_EQ(test, rec.type, CKPT_REC_TRAILER);
	KUNIT_EXPECT_EQ(test, ckpt_read_trailer(ctx, &rec), 0);
	KUNIT_EXPECT_EQ(test, ctx->err, 0);
	KUNIT_EXPECT_STREQ(test, ctx->reason, "");
	KUNIT_EXPECT_EQ(test, ctx->s.bytes, img->len);
	KUNIT_EXPECT_EQ(test, ctx->s.records, 4);
}

/* What ckpt_write*() writes, ckpt_read*() reads back. */
static void ckpt_test_stream_roundtrip(struct kunit *test)
{
	struct ckpt_test_img *img = ckpt_test_img_new(test, 1024);
	struct {
		struct ckpt_rec	rec;
		__le32		val;
	} r = { .val = cpu_to_le32(0x12345678) };
	struct ckpt_file_header h;
	struct ckpt_ctx *w, *ctx;
	struct ckpt_hdr rec;
	loff_t pos = 0;
	__le32 val;
	char s[8];

	w = ckpt_test_ctx(test, NULL);
	KUNIT_ASSERT_EQ(test, ckpt_write_header(w, 1), 0);
	KUNIT_ASSERT_EQ(test, ckpt_write(w, &r, CKPT_REC_TASK, sizeof(r)), 0);
	KUNIT_ASSERT_EQ(test, ckpt_write2(w, &r, CKPT_REC_CREDS, sizeof(r.rec),
					  "abc", 3), 0);
	KUNIT_ASSERT_EQ(test, ckpt_write_trailer(w), 0);
	KUNIT_EXPECT_EQ(test, w->s.records, 2);
	img->len = kernel_read(w->s.file, img->buf, img->cap, &pos);
	KUNIT_ASSERT_EQ(test, img->len, CKPT_TEST_HDR + 16 + 16 + 32);

	ctx = ckpt_test_ctx(test, img);
	KUNIT_ASSERT_EQ(test, ckpt_read_header(ctx, &h), 0);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(h.nr_tasks), 1);
	KUNIT_ASSERT_EQ(test, ckpt_read_rec(ctx, &rec), 0);
	KUNIT_EXPECT_EQ(test, rec.type, CKPT_REC_TASK);
	KUNIT_EXPECT_EQ(test, rec.len, 12);
	KUNIT_ASSERT_EQ(test, ckpt_read_payload(ctx, &val, sizeof(val)), 0);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(val), 0x12345678);
	KUNIT_ASSERT_EQ(test, ckpt_read_rec(ctx, &rec), 0);
	KUNIT_EXPECT_EQ(test, rec.type, CKPT_REC_CREDS);
	KUNIT_EXPECT_EQ(test, rec.len, 11);
	memset(s, 0, sizeof(s));
	KUNIT_ASSERT_EQ(test, ckpt_read_payload(ctx, s, 3), 0);
	KUNIT_EXPECT_STREQ(test, s, "abc");
	KUNIT_ASSERT_EQ(test, ckpt_read_rec(ctx, &rec), 0);
	KUNIT_EXPECT_EQ(test, ckpt_read_trailer(ctx, &rec), 0);
	KUNIT_EXPECT_STREQ(test, ctx->reason, "");
}

/* A record of whole pages: read straight into them, CRC on two CPUs. */
static void ckpt_test_stream_pages(struct kunit *test)
{
	struct ckpt_test_img *img = ckpt_test_img_new(test, 4 * PAGE_SIZE);
	struct page *pages[2] = { };
	struct ckpt_file_header h;
	struct ckpt_ctx *ctx;
	struct ckpt_hdr rec;
	__le64 addr;
	u8 *payload;
	int i;

	ckpt_test_img_header(test, img, 1);
	payload = (u8 *)ckpt_test_img_rec(test, img, CKPT_REC_PAGES_RUN, NULL,
					  8 + 2 * PAGE_SIZE) + 8;
	*(__le64 *)payload = cpu_to_le64(0x400000);
	for (i = 0; i < 2 * PAGE_SIZE; i++)
		payload[8 + i] = i * 7 + i / PAGE_SIZE;
	ckpt_test_img_trailer(test, img);
	ctx = ckpt_test_ctx(test, img);

	for (i = 0; i < 2; i++) {
		pages[i] = alloc_page(GFP_KERNEL);
		if (!pages[i])
			goto out;
	}
	KUNIT_ASSERT_EQ(test, ckpt_read_header(ctx, &h), 0);
	KUNIT_ASSERT_EQ(test, ckpt_read_rec(ctx, &rec), 0);
	KUNIT_EXPECT_EQ(test, rec.type, CKPT_REC_PAGES_RUN);
	KUNIT_EXPECT_EQ(test, rec.len, 16 + 2 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, ckpt_read_payload(ctx, &addr, sizeof(addr)), 0);
	KUNIT_EXPECT_EQ(test, le64_to_cpu(addr), 0x400000);
	KUNIT_EXPECT_EQ(test, ckpt_read_pages(ctx, pages, 2), 0);
	for (i = 0; i < 2; i++) {
		u8 *p = kmap_local_page(pages[i]);

		KUNIT_EXPECT_EQ(test, memcmp(p, payload + 8 + i * PAGE_SIZE,
					     PAGE_SIZE), 0);
		kunmap_local(p);
	}
	KUNIT_EXPECT_EQ(test, ckpt_read_rec(ctx, &rec), 0);
	KUNIT_EXPECT_EQ(test, ckpt_read_trailer(ctx, &rec), 0);
	KUNIT_EXPECT_STREQ(test, ctx->reason, "");
out:
	KUNIT_EXPECT_TRUE(test, pages[0] && pages[1]);
	for (i = 0; i < 2; i++)
		if (pages[i])
			__free_page(pages[i]);
}

/* The image ends in the header, or is empty. */
static void ckpt_test_stream_trunc_header(struct kunit *test)
{
	struct ckpt_test_img *img = ckpt_test_img_new(test, 1024);
	struct ckpt_file_header h;
	struct ckpt_ctx *ctx;

	ckpt_test_img_header(test, img, 1);
	img->len = 100;
	ctx = ckpt_test_ctx(test, img);
	KUNIT_EXPECT_EQ(test, ckpt_read_header(ctx, &h), -ENODATA);
	KUNIT_EXPECT_EQ(test, ctx->err, -ENODATA);
	KUNIT_EXPECT_STREQ(test, ctx->reason, "image: truncated at byte 100");

	img->len = 0;
	ctx = ckpt_test_ctx(test, img);
	KUNIT_EXPECT_EQ(test, ckpt_read_header(ctx, &h), -ENODATA);
	KUNIT_EXPECT_STREQ(test, ctx->reason, "image: truncated at byte 0");
}

/* The image ends in a record header, in a payload, in a padding. */
static void ckpt_test_stream_trunc_record(struct kunit *test)
{
	struct ckpt_test_img *img = ckpt_test_img_new(test, 1024);
	struct ckpt_file_header h;
	struct ckpt_ctx *ctx;
	struct ckpt_hdr rec;
	u8 buf[64];

	ckpt_test_img_header(test, img, 1);
	ckpt_test_img_rec(test, img, CKPT_REC_TASK, NULL, 56);

	img->len = CKPT_TEST_HDR + 4;
	ctx = ckpt_test_ctx(test, img);
	KUNIT_ASSERT_EQ(test, ckpt_read_header(ctx, &h), 0);
	KUNIT_EXPECT_EQ(test, ckpt_read_rec(ctx, &rec), -ENODATA);
	KUNIT_EXPECT_STREQ(test, ctx->reason, "image: truncated at byte 188");

	img->len = CKPT_TEST_HDR + 8 + 20;
	ctx = ckpt_test_ctx(test, img);
	KUNIT_ASSERT_EQ(test, ckpt_read_header(ctx, &h), 0);
	KUNIT_ASSERT_EQ(test, ckpt_read_rec(ctx, &rec), 0);
	KUNIT_EXPECT_EQ(test, rec.len, 64);
	KUNIT_EXPECT_EQ(test, ckpt_read_payload(ctx, buf, rec.len - 8), -ENODATA);
	KUNIT_EXPECT_STREQ(test, ctx->reason, "image: truncated at byte 212");

	/* a record of 13 bytes whose padding is cut after 1 byte */
	img->len = CKPT_TEST_HDR;
	img->records = 0;
	ckpt_test_img_rec(test, img, CKPT_REC_TASK, "abcde", 5);
	img->len -= 2;
	ctx = ckpt_test_ctx(test, img);
	KUNIT_ASSERT_EQ(test, ckpt_read_header(ctx, &h), 0);
	KUNIT_ASSERT_EQ(test, ckpt_read_rec(ctx, &rec), 0);
	KUNIT_EXPECT_EQ(test, ckpt_read_payload(ctx, buf, 5), -ENODATA);
	KUNIT_EXPECT_STREQ(test, ctx->reason, "image: truncated at byte 198");
}

/* One damaged field of the file header, and the reason it gives. */
struct ckpt_test_bad_header {
	const char	*desc;
	size_t		off;		/* of the field */
	unsigned int	size;		/* 4 or 8: a value; more: @size bytes */
	u64		val;		/* the value, or the byte to fill with */
	const char	*reason;
};

static const struct ckpt_test_bad_header ckpt_test_bad_headers[] = {
	{ "bad magic", offsetof(struct ckpt_file_header, magic), 1, 'X',
	  "image: bad magic, not a ckpt image" },
	{ "magic of a text file", offsetof(struct ckpt_file_header, magic), 6, 'a',
	  "image: bad magic, not a ckpt image" },
	{ "other version", offsetof(struct ckpt_file_header, version), 4, 2,
	  "image: format version 2, this kernel reads 1" },
	{ "version 0", offsetof(struct ckpt_file_header, version), 4, 0,
	  "image: format version 0, this kernel reads 1" },
	{ "header length", offsetof(struct ckpt_file_header, header_len), 4, 176,
	  "image: bad header length 176" },
	{ "arch", offsetof(struct ckpt_file_header, arch), 4, 2,
	  "image: made for arch 2" },
	{ "page size", offsetof(struct ckpt_file_header, page_size), 4, 65536,
	  "image: page size 65536" },
	{ "unknown exclude bit", offsetof(struct ckpt_file_header, exclude), 8,
	  CKPT_EXCL_ALL + 1, "image: unknown exclude bits 0x40" },
	{ "unknown flag", offsetof(struct ckpt_file_header, flags), 4, 2,
	  "image: malformed header" },
	{ "non-zero pad", offsetof(struct ckpt_file_header, __pad) + 5, 1, 1,
	  "image: malformed header" },
	{ "release without NUL", offsetof(struct ckpt_file_header, release), 65, 'r',
	  "image: malformed header" },
	{ "machine without NUL", offsetof(struct ckpt_file_header, machine), 65, 'm',
	  "image: malformed header" },
};

static void ckpt_test_bad_header_desc(const struct ckpt_test_bad_header *t,
				      char *desc)
{
	strscpy(desc, t->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(ckpt_test_bad_header, ckpt_test_bad_headers,
		  ckpt_test_bad_header_desc);

static void ckpt_test_stream_bad_header(struct kunit *test)
{
	const struct ckpt_test_bad_header *t = test->param_value;
	struct ckpt_test_img *img = ckpt_test_img_new(test, 1024);
	struct ckpt_file_header h;
	struct ckpt_ctx *ctx;
	u8 *field;

	field = (u8 *)ckpt_test_img_header(test, img, 1) + t->off;
	if (t->size == 4)
		*(__le32 *)field = cpu_to_le32(t->val);
	else if (t->size == 8)
		*(__le64 *)field = cpu_to_le64(t->val);
	else
		memset(field, t->val, t->size);
	ckpt_test_img_trailer(test, img);
	ctx = ckpt_test_ctx(test, img);
	KUNIT_EXPECT_EQ(test, ckpt_read_header(ctx, &h), -EINVAL);
	KUNIT_EXPECT_EQ(test, ctx->err, -EINVAL);
	KUNIT_EXPECT_STREQ(test, ctx->reason, t->reason);
	/* the header was read whole, nothing after it */
	KUNIT_EXPECT_EQ(test, ctx->s.pos, CKPT_TEST_HDR);
}

/* Read the header and one record header of @img: what ckpt_read_rec() says. */
static int ckpt_test_read_one(struct kunit *test, struct ckpt_test_img *img,
			      struct ckpt_ctx **ctxp, struct ckpt_hdr *rec)
{
	struct ckpt_file_header h;

	*ctxp = ckpt_test_ctx(test, img);
	KUNIT_ASSERT_EQ(test, ckpt_read_header(*ctxp, &h), 0);
	return ckpt_read_rec(*ctxp, rec);
}

/* A record longer than its type allows, or shorter than its header. */
static void ckpt_test_stream_bad_len(struct kunit *test)
{
	struct ckpt_test_img *img = ckpt_test_img_new(test, 1024);
	struct ckpt_ctx *ctx;
	struct ckpt_hdr rec;
	struct ckpt_rec *r;

	ckpt_test_img_header(test, img, 1);
	r = ckpt_test_img_rec(test, img, CKPT_REC_TASK, NULL, 8);

	r->len = cpu_to_le32(CKPT_REC_MAX_LEN + 1);
	KUNIT_EXPECT_EQ(test, ckpt_test_read_one(test, img, &ctx, &rec), -EINVAL);
	KUNIT_EXPECT_STREQ(test, ctx->reason,
			   "image: record type 0x101 at byte 184 has bad length 65537");
	/* only the record header was taken */
	KUNIT_EXPECT_EQ(test, ctx->s.pos, CKPT_TEST_HDR + 8);

	r->len = cpu_to_le32(CKPT_REC_MAX_LEN);
	KUNIT_EXPECT_EQ(test, ckpt_test_read_one(test, img, &ctx, &rec), 0);
	KUNIT_EXPECT_EQ(test, rec.len, CKPT_REC_MAX_LEN);

	r->len = cpu_to_le32(0xffffffff);
	KUNIT_EXPECT_EQ(test, ckpt_test_read_one(test, img, &ctx, &rec), -EINVAL);
	KUNIT_EXPECT_STREQ(test, ctx->reason,
			   "image: record type 0x101 at byte 184 has bad length 4294967295");

	r->len = cpu_to_le32(7);
	KUNIT_EXPECT_EQ(test, ckpt_test_read_one(test, img, &ctx, &rec), -EINVAL);
	KUNIT_EXPECT_STREQ(test, ctx->reason,
			   "image: record type 0x101 at byte 184 has bad length 7");

	r->len = 0;
	KUNIT_EXPECT_EQ(test, ckpt_test_read_one(test, img, &ctx, &rec), -EINVAL);
	KUNIT_EXPECT_STREQ(test, ctx->reason,
			   "image: record type 0x101 at byte 184 has bad length 0");

	/* pages may be longer, up to CKPT_RUN_MAX of them */
	r->type = cpu_to_le32(CKPT_REC_PAGES_RUN);
	r->len = cpu_to_le32(16 + CKPT_RUN_MAX * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, ckpt_test_read_one(test, img, &ctx, &rec), 0);
	r->len = cpu_to_le32(16 + CKPT_RUN_MAX * PAGE_SIZE + 1);
	KUNIT_EXPECT_EQ(test, ckpt_test_read_one(test, img, &ctx, &rec), -EINVAL);
	KUNIT_EXPECT_STREQ(test, ctx->reason,
			   "image: record type 0x305 at byte 184 has bad length 4194321");
}

/* A length that is not a multiple of 8: padding, which must be zeros. */
static void ckpt_test_stream_padding(struct kunit *test)
{
	static const u8 data[8] = "abcdefgh";
	struct ckpt_test_img *img = ckpt_test_img_new(test, 1024);
	struct ckpt_file_header h;
	struct ckpt_ctx *ctx;
	struct ckpt_hdr rec;
	u8 *pad, buf[8];
	u32 n;

	/* payloads of 0 to 8 bytes: every amount of padding */
	ckpt_test_img_header(test, img, 1);
	for (n = 0; n <= 8; n++)
		ckpt_test_img_rec(test, img, CKPT_REC_TASK + n, data, n);
	ckpt_test_img_trailer(test, img);
	ctx = ckpt_test_ctx(test, img);
	KUNIT_ASSERT_EQ(test, ckpt_read_header(ctx, &h), 0);
	for (n = 0; n <= 8; n++) {
		KUNIT_ASSERT_EQ(test, ckpt_read_rec(ctx, &rec), 0);
		KUNIT_EXPECT_EQ(test, rec.type, CKPT_REC_TASK + n);
		KUNIT_EXPECT_EQ(test, rec.len, 8 + n);
		memset(buf, 0, sizeof(buf));
		KUNIT_ASSERT_EQ(test, ckpt_read_payload(ctx, buf, n), 0);
		KUNIT_EXPECT_EQ(test, memcmp(buf, data, n), 0);
		KUNIT_EXPECT_EQ(test, ctx->s.bytes % 8, 0);
	}
	KUNIT_ASSERT_EQ(test, ckpt_read_rec(ctx, &rec), 0);
	KUNIT_EXPECT_EQ(test, ckpt_read_trailer(ctx, &rec), 0);

	img->len = CKPT_TEST_HDR;
	pad = (u8 *)ckpt_test_img_rec(test, img, CKPT_REC_TASK, "abcde", 5) + 13;
	pad[2] = 0x80;
	KUNIT_ASSERT_EQ(test, ckpt_test_read_one(test, img, &ctx, &rec), 0);
	KUNIT_EXPECT_EQ(test, rec.len, 13);
	KUNIT_EXPECT_EQ(test, ckpt_read_payload(ctx, buf, 5), -EINVAL);
	KUNIT_EXPECT_EQ(test, memcmp(buf, "abcde", 5), 0);
	KUNIT_EXPECT_EQ(test, ctx->err, -EINVAL);
	KUNIT_EXPECT_STREQ(test, ctx->reason, "image: non-zero padding at byte 197");
}

/* Read every record of @img up to its trailer; ckpt_read_trailer()'s result. */
static int ckpt_test_read_all(struct kunit *test, struct ckpt_test_img *img,
			      struct ckpt_ctx **ctxp)
{
	struct ckpt_file_header h;
	struct ckpt_hdr rec;
	struct ckpt_ctx *ctx;
	int ret;

	ctx = ckpt_test_ctx(test, img);
	*ctxp = ctx;
	ret = ckpt_read_header(ctx, &h);
	while (!ret) {
		ret = ckpt_read_rec(ctx, &rec);
		if (ret || rec.type == CKPT_REC_TRAILER)
			break;
		ret = ckpt_read_payload(ctx, ctx->rbuf, rec.len - sizeof(rec));
	}
	return ret ?: ckpt_read_trailer(ctx, &rec);
}

/* The trailer's CRC, counts and length must match what was read. */
static void ckpt_test_stream_trailer(struct kunit *test)
{
	struct ckpt_test_img *img = ckpt_test_img_new(test, 1024);
	struct ckpt_trailer *t;
	struct ckpt_ctx *ctx;
	char reason[CKPT_REASON_LEN];
	u32 crc;
	u8 *data;

	ckpt_test_img_header(test, img, 1);
	data = (u8 *)ckpt_test_img_rec(test, img, CKPT_REC_TASK, "abcdefgh", 8) + 8;
	ckpt_test_img_rec(test, img, CKPT_REC_TASK_END, NULL, 0);
	crc = ~crc32_le(~0U, img->buf, img->len);
	t = ckpt_test_img_trailer(test, img);
	KUNIT_EXPECT_EQ(test, ckpt_test_read_all(test, img, &ctx), 0);

	t->crc32 = cpu_to_le32(crc ^ 1);
	KUNIT_EXPECT_EQ(test, ckpt_test_read_all(test, img, &ctx), -EBADMSG);
	KUNIT_EXPECT_EQ(test, ctx->err, -EBADMSG);
	snprintf(reason, sizeof(reason),
		 "image: checksum mismatch (image %#x, computed %#x)", crc ^ 1, crc);
	KUNIT_EXPECT_STREQ(test, ctx->reason, reason);

	/* one bit of a payload flipped, the trailer as written */
	t->crc32 = cpu_to_le32(crc);
	data[3] ^= 0x10;
	KUNIT_EXPECT_EQ(test, ckpt_test_read_all(test, img, &ctx), -EBADMSG);
	snprintf(reason, sizeof(reason),
		 "image: checksum mismatch (image %#x, computed %#x)", crc,
		 ~crc32_le(~0U, img->buf, (u8 *)t - img->buf));
	KUNIT_EXPECT_STREQ(test, ctx->reason, reason);
	data[3] ^= 0x10;

	t->nr_records = cpu_to_le64(3);
	KUNIT_EXPECT_EQ(test, ckpt_test_read_all(test, img, &ctx), -EBADMSG);
	KUNIT_EXPECT_STREQ(test, ctx->reason,
			   "image: trailer counts 3 records in 208 bytes, read 2 in 208");
	t->nr_records = cpu_to_le64(2);
	t->bytes = cpu_to_le64(200);
	KUNIT_EXPECT_EQ(test, ckpt_test_read_all(test, img, &ctx), -EBADMSG);
	KUNIT_EXPECT_STREQ(test, ctx->reason,
			   "image: trailer counts 2 records in 200 bytes, read 2 in 208");
	t->bytes = cpu_to_le64(208);

	t->rec.len = cpu_to_le32(24);
	KUNIT_EXPECT_EQ(test, ckpt_test_read_all(test, img, &ctx), -EINVAL);
	KUNIT_EXPECT_STREQ(test, ctx->reason, "image: bad trailer length 24");
	t->rec.len = cpu_to_le32(sizeof(*t));

	/* the image ends in the trailer */
	img->len -= 4;
	KUNIT_EXPECT_EQ(test, ckpt_test_read_all(test, img, &ctx), -ENODATA);
	KUNIT_EXPECT_STREQ(test, ctx->reason, "image: truncated at byte 236");
}

/*
 * Bytes after the trailer are not the image's (another image may follow in
 * a pipe or a file): the reader stops at the trailer's end, and what
 * follows is read as the next image's.
 */
static void ckpt_test_stream_after_trailer(struct kunit *test)
{
	struct ckpt_test_img *img = ckpt_test_img_new(test, 1024);
	struct ckpt_ctx *ctx;
	struct ckpt_hdr rec;
	size_t end;

	ckpt_test_img_header(test, img, 1);
	ckpt_test_img_rec(test, img, CKPT_REC_TASK, "abcdefgh", 8);
	ckpt_test_img_trailer(test, img);
	end = img->len;
	ckpt_test_img_rec(test, img, CKPT_REC_TASK_END, NULL, 0);

	KUNIT_EXPECT_EQ(test, ckpt_test_read_all(test, img, &ctx), 0);
	KUNIT_EXPECT_EQ(test, ctx->s.bytes, end);
	KUNIT_EXPECT_EQ(test, ctx->s.pos, end);
	KUNIT_EXPECT_EQ(test, ckpt_read_rec(ctx, &rec), 0);
	KUNIT_EXPECT_EQ(test, rec.type, CKPT_REC_TASK_END);
}

static struct kunit_case ckpt_stream_test_cases[] = {
	KUNIT_CASE(ckpt_test_stream_good),
	KUNIT_CASE(ckpt_test_stream_roundtrip),
	KUNIT_CASE(ckpt_test_stream_pages),
	KUNIT_CASE(ckpt_test_stream_trunc_header),
	KUNIT_CASE(ckpt_test_stream_trunc_record),
	KUNIT_CASE_PARAM(ckpt_test_stream_bad_header, ckpt_test_bad_header_gen_params),
	KUNIT_CASE(ckpt_test_stream_bad_len),
	KUNIT_CASE(ckpt_test_stream_padding),
	KUNIT_CASE(ckpt_test_stream_trailer),
	KUNIT_CASE(ckpt_test_stream_after_trailer),
	{}
};

static struct kunit_suite ckpt_stream_test_suite = {
	.name = "ckpt_stream",
	.test_cases = ckpt_stream_test_cases,
};

kunit_test_suite(ckpt_stream_test_suite);

#endif /* _KERNEL_CGROUP_CKPT_STREAM_TEST_H */
