// SPDX-License-Identifier: GPL-2.0-only
/*
 * ckpt: the image stream.
 *
 * Records go out and come in strictly in order through a staging buffer,
 * so that a pipe or a socket works as well as a file.  Every byte is
 * counted into a CRC-32 that the trailer carries.  The reader trusts
 * nothing: each length is checked before it is used, and a stream that
 * ends early is -ENODATA.
 */
#define pr_fmt(fmt) "ckpt: " fmt

#include <crypto/hash.h>
#include <linux/bvec.h>
#include <linux/crc32.h>
#include <linux/fs.h>
#include <linux/highmem.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/uio.h>
#include <linux/utsname.h>
#include <linux/workqueue.h>
#include "ckpt.h"

/* Recorded bytes are kept in chunks of this size (larger for one record). */
#define CKPT_CAP_CHUNK		(64 * 1024)

static_assert(sizeof(struct ckpt_file_header) == 184);
static_assert(sizeof(struct ckpt_rec) == 8);
static_assert(sizeof(struct ckpt_trailer) == 32);

static const u8 ckpt_zeros[8];

/**
 * ckpt_stream_init() - prepare a stream over a file
 * @s:    the stream
 * @file: the image; the caller keeps its reference until destroy.  NULL
 *        for a dry run: what is written goes nowhere.
 *
 * Return: 0 or -ENOMEM.
 */
int ckpt_stream_init(struct ckpt_stream *s, struct file *file)
{
	memset(s, 0, sizeof(*s));
	s->buf = kvmalloc(CKPT_IOBUF_SIZE, GFP_KERNEL);
	if (!s->buf)
		return -ENOMEM;
	s->file = file;
	s->pos = file ? file->f_pos : 0;
	s->crc = ~0U;
	return 0;
}

/**
 * ckpt_stream_destroy() - release what ckpt_stream_init() took
 * @s: the stream
 *
 * A stream over a seekable file leaves the file position after the image,
 * as write(2) and read(2) would.
 */
void ckpt_stream_destroy(struct ckpt_stream *s)
{
	if (s->file && !(s->file->f_mode & FMODE_STREAM))
		s->file->f_pos = s->pos;
	kvfree(s->buf);
	s->buf = NULL;
}

static int ckpt_io_error(struct ckpt_ctx *ctx, int err, const char *what)
{
	if (err == -ERESTARTSYS || err == -EINTR)
		return ckpt_fail(ctx, -EINTR, "image: %s interrupted by a signal",
				 what);
	return ckpt_fail(ctx, err, "image: %s failed at byte %llu (error %d)",
			 what, ctx->s.bytes, err);
}

/*
 * A write to a pipe without readers sends SIGPIPE, which kills a writer
 * that neither ignores nor blocks it.  After a partial write that is the
 * fatal signal found before the next one: the cause is EPIPE.
 */
static bool ckpt_killed_by_sigpipe(void)
{
	struct signal_struct *sig = current->signal;

	return (READ_ONCE(sig->flags) & SIGNAL_GROUP_EXIT) &&
	       READ_ONCE(sig->group_exit_code) == SIGPIPE;
}

/*
 * Write all of @iter to the image file.  kernel_write() takes only files
 * with ->write_iter and no ->write, which leaves out /dev/null; the iter
 * interface takes all files with ->write_iter (ckpt_checkpoint() refuses
 * the others up front).
 */
static int ckpt_write_iter(struct ckpt_ctx *ctx, struct iov_iter *iter)
{
	struct ckpt_stream *s = &ctx->s;
	ssize_t n;

	while (iov_iter_count(iter)) {
		if (fatal_signal_pending(current))
			return ckpt_io_error(ctx, ckpt_killed_by_sigpipe() ?
					     -EPIPE : -EINTR, "writing");
		file_start_write(s->file);
		n = vfs_iter_write(s->file, iter, &s->pos, 0);
		file_end_write(s->file);
		if (n < 0)
			return ckpt_io_error(ctx, n, "writing");
		if (n == 0)
			return ckpt_io_error(ctx, -EIO, "writing");
	}
	return 0;
}

/* Write @len bytes at @p to the image file, if there is one. */
static int ckpt_flush(struct ckpt_ctx *ctx, const void *p, size_t len)
{
	struct kvec kv = { .iov_base = (void *)p, .iov_len = len };
	struct iov_iter iter;

	if (!ctx->s.file || !len)
		return 0;
	iov_iter_kvec(&iter, ITER_SOURCE, &kv, 1, len);
	return ckpt_write_iter(ctx, &iter);
}

/*
 * Publish the bytes that went to or came from the file so far, for
 * ckpt.state to show while the operation runs (a progress bar polls it).
 */
static void ckpt_progress(struct ckpt_ctx *ctx, u64 bytes)
{
	WRITE_ONCE(ctx->cc->progress, bytes);
}

/*
 * ckpt_capture() - record bytes of the stream in memory
 * @ctx: the checkpoint, in snapshot mode
 * @p:   the bytes
 * @len: how many
 *
 * Return: 0 or -ENOMEM (the reason is recorded).
 */
static int ckpt_capture(struct ckpt_ctx *ctx, const void *p, size_t len)
{
	struct ckpt_cap *c = NULL;

	if (!list_empty(&ctx->caps))
		c = list_last_entry(&ctx->caps, struct ckpt_cap, list);

	while (len) {
		size_t n;

		if (!c || c->len == c->size) {
			size_t size = max_t(size_t, len,
					    CKPT_CAP_CHUNK - sizeof(*c));

			c = kvmalloc(struct_size(c, data, size), GFP_KERNEL_ACCOUNT);
			if (!c)
				return ckpt_fail(ctx, -ENOMEM,
						 "out of memory for the snapshot after %zu bytes of records; try \"checkpoint no-snapshot\"",
						 ctx->cap_bytes);
			c->len = 0;
			c->size = size;
			list_add_tail(&c->list, &ctx->caps);
		}
		n = min(len, c->size - c->len);
		memcpy(c->data + c->len, p, n);
		c->len += n;
		ctx->cap_bytes += n;
		p += n;
		len -= n;
	}
	return 0;
}

/* Append @len bytes to the image. */
static int ckpt_out(struct ckpt_ctx *ctx, const void *p, size_t len)
{
	struct ckpt_stream *s = &ctx->s;
	int ret;

	if (s->capture)
		return ckpt_capture(ctx, p, len);
	s->crc = crc32_le(s->crc, p, len);
	if (s->mac)
		crypto_shash_update(s->mac, p, len);
	s->bytes += len;
	if (s->head + len > CKPT_IOBUF_SIZE) {
		ret = ckpt_flush(ctx, s->buf, s->head);
		s->head = 0;
		if (ret)
			return ret;
		ckpt_progress(ctx, s->bytes - len);
		if (len >= CKPT_IOBUF_SIZE) {
			ret = ckpt_flush(ctx, p, len);
			ckpt_progress(ctx, s->bytes);
			return ret;
		}
	}
	memcpy(s->buf + s->head, p, len);
	s->head += len;
	return 0;
}

/**
 * ckpt_write_raw() - append bytes that are already records
 * @ctx: the checkpoint
 * @p:   the bytes (records recorded by a snapshot checkpoint)
 * @len: how many
 *
 * Return: 0 or a negative errno (the reason is recorded).
 */
int ckpt_write_raw(struct ckpt_ctx *ctx, const void *p, size_t len)
{
	return ckpt_out(ctx, p, len);
}

/**
 * ckpt_write_header() - write the file header that starts every image
 * @ctx:      the checkpoint
 * @nr_tasks: tasks the image will hold
 *
 * Return: 0 or a negative errno (the reason is recorded).
 */
int ckpt_write_header(struct ckpt_ctx *ctx, u32 nr_tasks)
{
	struct ckpt_file_header h = { };

	memcpy(h.magic, CKPT_MAGIC, CKPT_MAGIC_LEN);
	h.version = cpu_to_le32(CKPT_VERSION);
	h.header_len = cpu_to_le32(sizeof(h));
	h.arch = cpu_to_le32(CKPT_ARCH_X86_64);
	h.page_size = cpu_to_le32(PAGE_SIZE);
	h.exclude = cpu_to_le64(ctx->exclude);
	h.nr_tasks = cpu_to_le32(nr_tasks);
	h.flags = cpu_to_le32(ctx->s.mac ? CKPT_HDR_MAC : 0);
	h.time_ns = cpu_to_le64(ktime_get_real_ns());
	strscpy(h.release, utsname()->release, sizeof(h.release));
	strscpy(h.machine, utsname()->machine, sizeof(h.machine));
	return ckpt_out(ctx, &h, sizeof(h));
}

/**
 * ckpt_write2() - write a record made of a header and a payload
 * @ctx:      the checkpoint
 * @rec:      the record's fixed part, starting with a &struct ckpt_rec
 * @type:     CKPT_REC_*
 * @hdr_len:  bytes of @rec
 * @data:     payload that follows @rec, or NULL
 * @data_len: bytes of @data
 *
 * Fills in @rec's type and length and pads the record to 8 bytes.
 *
 * Return: 0 or a negative errno (the reason is recorded).
 */
int ckpt_write2(struct ckpt_ctx *ctx, void *rec, u32 type, u32 hdr_len,
		const void *data, u32 data_len)
{
	struct ckpt_rec *r = rec;
	u32 len = hdr_len + data_len;
	int ret;

	r->type = cpu_to_le32(type);
	r->len = cpu_to_le32(len);
	ret = ckpt_out(ctx, rec, hdr_len);
	if (!ret && data_len)
		ret = ckpt_out(ctx, data, data_len);
	if (!ret && CKPT_ALIGN(len) != len)
		ret = ckpt_out(ctx, ckpt_zeros, CKPT_ALIGN(len) - len);
	if (!ret)
		ctx->s.records++;
	return ret;
}

/**
 * ckpt_write() - write a record of fixed size
 * @ctx:  the checkpoint
 * @rec:  the record, starting with a &struct ckpt_rec
 * @type: CKPT_REC_*
 * @len:  its size
 *
 * Return: 0 or a negative errno (the reason is recorded).
 */
int ckpt_write(struct ckpt_ctx *ctx, void *rec, u32 type, u32 len)
{
	return ckpt_write2(ctx, rec, type, len, NULL, 0);
}

/* The CRC-32 of whole pages, on another CPU while the writer writes them. */
struct ckpt_crc_work {
	struct work_struct	work;
	struct page		**pages;
	unsigned int		nr;
	u32			crc;
	struct ckpt_stream	*mac;	/* the stream, if it is signed */
};

static void ckpt_crc_pages(struct work_struct *work)
{
	struct ckpt_crc_work *w = container_of(work, struct ckpt_crc_work, work);
	unsigned int i;
	u32 crc = 0;

	for (i = 0; i < w->nr; i++) {
		void *kaddr = kmap_local_page(w->pages[i]);

		crc = crc32_le(crc, kaddr, PAGE_SIZE);
		if (w->mac)
			crypto_shash_update(w->mac->mac, kaddr, PAGE_SIZE);
		kunmap_local(kaddr);
	}
	w->crc = crc;
}

/* Write the pages to the file, from where they are. */
static int ckpt_flush_pages_out(struct ckpt_ctx *ctx, struct page **pages,
				unsigned int nr)
{
	struct iov_iter iter;
	unsigned int i;

	for (i = 0; i < nr; i++)
		bvec_set_page(&ctx->bvec[i], pages[i], PAGE_SIZE, 0);
	iov_iter_bvec(&iter, ITER_SOURCE, ctx->bvec, nr, (size_t)nr * PAGE_SIZE);
	return ckpt_write_iter(ctx, &iter);
}

/**
 * ckpt_write_pages() - write a record whose payload is whole pages
 * @ctx:     the checkpoint
 * @rec:     the record's fixed part, starting with a &struct ckpt_rec;
 *           @hdr_len must be a multiple of 8
 * @type:    CKPT_REC_*
 * @hdr_len: bytes of @rec
 * @pages:   the pages, which must not change until this returns
 * @nr:      how many, at most CKPT_RUN_MAX
 *
 * The pages go to the image file in one copy, the file's own, as a core
 * dump writes them, while another CPU computes their checksum.  What is
 * recorded for a snapshot, or goes nowhere (dry run), takes the staging
 * buffer as any record does.
 *
 * Return: 0 or a negative errno (the reason is recorded).
 */
int ckpt_write_pages(struct ckpt_ctx *ctx, void *rec, u32 type, u32 hdr_len,
		     struct page **pages, unsigned int nr)
{
	struct ckpt_crc_work w = { .pages = pages, .nr = nr };
	struct ckpt_stream *s = &ctx->s;
	size_t len = (size_t)nr * PAGE_SIZE;
	struct ckpt_rec *r = rec;
	unsigned int i;
	int ret;

	r->type = cpu_to_le32(type);
	r->len = cpu_to_le32(hdr_len + len);
	ret = ckpt_out(ctx, rec, hdr_len);
	if (ret)
		return ret;
	if (s->capture || !s->file) {
		for (i = 0; !ret && i < nr; i++) {
			void *kaddr = kmap_local_page(pages[i]);

			ret = ckpt_out(ctx, kaddr, PAGE_SIZE);
			kunmap_local(kaddr);
		}
		if (!ret)
			s->records++;
		return ret;
	}

	/* What is staged goes first. */
	ret = ckpt_flush(ctx, s->buf, s->head);
	s->head = 0;
	if (ret)
		return ret;
	/* The MAC is sequential too: its record header is in, pages next. */
	w.mac = s->mac ? s : NULL;
	INIT_WORK_ONSTACK(&w.work, ckpt_crc_pages);
	queue_work(system_unbound_wq, &w.work);
	ret = ckpt_flush_pages_out(ctx, pages, nr);
	flush_work(&w.work);
	destroy_work_on_stack(&w.work);
	if (ret)
		return ret;
	/* CRC(a, data) is CRC(a, zeros) ^ CRC(0, data). */
	s->crc = crc32_le_shift(s->crc, len) ^ w.crc;
	s->bytes += len;
	s->records++;
	ckpt_progress(ctx, s->bytes);
	return 0;
}

/**
 * ckpt_write_trailer() - end the image and push it out
 * @ctx: the checkpoint
 *
 * Return: 0 or a negative errno (the reason is recorded).
 */
int ckpt_write_trailer(struct ckpt_ctx *ctx)
{
	struct ckpt_stream *s = &ctx->s;
	struct ckpt_trailer t = { };
	int ret;

	t.rec.type = cpu_to_le32(CKPT_REC_TRAILER);
	t.rec.len = cpu_to_le32(sizeof(t));
	t.nr_records = cpu_to_le64(s->records);
	t.bytes = cpu_to_le64(s->bytes);
	t.crc32 = cpu_to_le32(~s->crc);
	ret = ckpt_out(ctx, &t, sizeof(t));
	if (!ret)
		ret = ckpt_flush(ctx, s->buf, s->head);
	s->head = 0;
	return ret;
}

/*
 * Read at most @len bytes of the image file into the stream buffer.  As
 * on the write side, the iter interface takes every file with ->read_iter
 * (ckpt_restart() refuses the others up front), where kernel_read() would
 * also refuse those with a ->read, such as /dev/zero.
 */
static ssize_t ckpt_read_some(struct ckpt_stream *s, void *p, size_t len)
{
	struct kvec kv = { .iov_base = p, .iov_len = len };
	struct iov_iter iter;

	iov_iter_kvec(&iter, ITER_DEST, &kv, 1, len);
	return vfs_iter_read(s->file, &iter, &s->pos, 0);
}

/* Take exactly @len bytes from the image into @p. */
static int ckpt_in(struct ckpt_ctx *ctx, void *p, size_t len)
{
	struct ckpt_stream *s = &ctx->s;
	ssize_t n;

	while (len) {
		bool direct = false;
		size_t chunk;

		if (s->head == s->tail) {
			if (fatal_signal_pending(current))
				return ckpt_io_error(ctx, -EINTR, "reading");
			/*
			 * Never read past what is asked for: the bytes after
			 * an image (another image, in a pipe or a file) are
			 * not ours to take.  Page contents and other large
			 * payloads skip the staging buffer.
			 */
			direct = len >= CKPT_IOBUF_SIZE;
			n = direct ? ckpt_read_some(s, p, len) :
				     ckpt_read_some(s, s->buf, len);
			if (n < 0)
				return ckpt_io_error(ctx, n, "reading");
			if (n == 0)
				return ckpt_fail(ctx, -ENODATA,
						 "image: truncated at byte %llu",
						 s->bytes);
			s->head = 0;
			s->tail = direct ? 0 : n;
			ckpt_progress(ctx, s->bytes + n);
		}
		chunk = direct ? n : min(len, s->tail - s->head);
		if (!direct) {
			memcpy(p, s->buf + s->head, chunk);
			s->head += chunk;
		}
		s->crc = crc32_le(s->crc, p, chunk);
		if (s->mac)
			crypto_shash_update(s->mac, p, chunk);
		s->bytes += chunk;
		p += chunk;
		len -= chunk;
	}
	return 0;
}

/**
 * ckpt_read_header() - read and check the file header of an image
 * @ctx: the restart
 * @h:   where to put it
 *
 * Return: 0, or -EINVAL for an image of another format, version, machine
 * or page size (the reason is recorded), or a stream error.
 */
int ckpt_read_header(struct ckpt_ctx *ctx, struct ckpt_file_header *h)
{
	int ret;

	ret = ckpt_in(ctx, h, sizeof(*h));
	if (ret)
		return ret;
	if (memcmp(h->magic, CKPT_MAGIC, CKPT_MAGIC_LEN))
		return ckpt_fail(ctx, -EINVAL, "image: bad magic, not a ckpt image");
	if (le32_to_cpu(h->version) != CKPT_VERSION)
		return ckpt_fail(ctx, -EINVAL,
				 "image: format version %u, this kernel reads %u",
				 le32_to_cpu(h->version), CKPT_VERSION);
	if (le32_to_cpu(h->header_len) != sizeof(*h))
		return ckpt_fail(ctx, -EINVAL, "image: bad header length %u",
				 le32_to_cpu(h->header_len));
	if (le32_to_cpu(h->arch) != CKPT_ARCH_X86_64)
		return ckpt_fail(ctx, -EINVAL, "image: made for arch %u",
				 le32_to_cpu(h->arch));
	if (le32_to_cpu(h->page_size) != PAGE_SIZE)
		return ckpt_fail(ctx, -EINVAL, "image: page size %u",
				 le32_to_cpu(h->page_size));
	if (le64_to_cpu(h->exclude) & ~CKPT_EXCL_ALL)
		return ckpt_fail(ctx, -EINVAL, "image: unknown exclude bits %#llx",
				 le64_to_cpu(h->exclude));
	if ((le32_to_cpu(h->flags) & ~CKPT_HDR_MAC) || memchr_inv(h->__pad, 0, sizeof(h->__pad)) ||
	    !memchr(h->release, 0, sizeof(h->release)) ||
	    !memchr(h->machine, 0, sizeof(h->machine)))
		return ckpt_fail(ctx, -EINVAL, "image: malformed header");
	return 0;
}

/* Largest payload, header included, each record type may have. */
static u32 ckpt_rec_max(u32 type)
{
	if (type == CKPT_REC_PAGES)
		return sizeof(struct ckpt_pages) + CKPT_PAGES_MAX * PAGE_SIZE;
	if (type == CKPT_REC_PAGES_RUN)
		return sizeof(struct ckpt_pages_run) + CKPT_RUN_MAX * PAGE_SIZE;
	if (type == CKPT_REC_SHMEM_PAGES)
		return sizeof(struct ckpt_shmem_pages) + CKPT_PAGES_MAX * PAGE_SIZE;
	return CKPT_REC_MAX_LEN;
}

/**
 * ckpt_read_rec() - read the header of the next record
 * @ctx: the restart
 * @rec: where to put it
 *
 * The payload (rec->len - sizeof(*rec) bytes) must then be taken with
 * ckpt_read_payload(), which also consumes the padding.
 *
 * Return: 0 or a negative errno (the reason is recorded).
 */
int ckpt_read_rec(struct ckpt_ctx *ctx, struct ckpt_hdr *rec)
{
	struct ckpt_stream *s = &ctx->s;
	u64 at = s->bytes;
	struct ckpt_rec r;
	int ret;

	/* The CRC the trailer must match is that of the bytes before it. */
	s->rec_crc = s->crc;
	s->records++;
	ret = ckpt_in(ctx, &r, sizeof(r));
	if (ret)
		return ret;
	rec->type = le32_to_cpu(r.type);
	rec->len = le32_to_cpu(r.len);
	if (rec->len < sizeof(*rec) || rec->len > ckpt_rec_max(rec->type))
		return ckpt_fail(ctx, -EINVAL,
				 "image: record type %#x at byte %llu has bad length %u",
				 rec->type, at, rec->len);
	return 0;
}

/**
 * ckpt_read_payload() - read the rest of a record and its padding
 * @ctx: the restart
 * @buf: where to put it
 * @len: bytes to read: the record's length less what was read of it
 *
 * Return: 0 or a negative errno (the reason is recorded).
 */
int ckpt_read_payload(struct ckpt_ctx *ctx, void *buf, u32 len)
{
	u8 pad[8];
	u32 npad = (8 - (ctx->s.bytes + len) % 8) % 8;
	int ret;

	ret = ckpt_in(ctx, buf, len);
	if (!ret && npad) {
		ret = ckpt_in(ctx, pad, npad);
		if (!ret && memchr_inv(pad, 0, npad))
			ret = ckpt_fail(ctx, -EINVAL,
					"image: non-zero padding at byte %llu",
					ctx->s.bytes - npad);
	}
	return ret;
}

/**
 * ckpt_read_pages() - read a payload of whole pages into place
 * @ctx:   the restart
 * @pages: the pages the bytes go to, pinned by the caller
 * @nr:    how many, at least 1 and at most CKPT_RUN_MAX
 *
 * The reader's side of ckpt_write_pages(): what the staging buffer
 * already holds goes first, then the file copies the rest straight into
 * @pages, with no staging copy; then the CRC-32 of the first half is
 * computed on another CPU while this one does the second half (one CPU
 * does it all when the image is signed: the MAC is sequential).  A
 * payload of whole pages needs no padding.
 *
 * Return: 0 or a negative errno (the reason is recorded).
 */
int ckpt_read_pages(struct ckpt_ctx *ctx, struct page **pages, unsigned int nr)
{
	struct ckpt_crc_work w = { .pages = pages, .nr = nr };
	struct ckpt_crc_work w2 = { };
	struct ckpt_stream *s = &ctx->s;
	size_t len = (size_t)nr * PAGE_SIZE, done = 0;
	struct iov_iter iter;
	unsigned int i;
	u32 crc;

	while (done < len && s->head < s->tail) {
		size_t off = offset_in_page(done);
		size_t chunk = min3(len - done, s->tail - s->head, PAGE_SIZE - off);

		memcpy_to_page(pages[done >> PAGE_SHIFT], off, s->buf + s->head,
			       chunk);
		s->head += chunk;
		done += chunk;
	}
	if (done < len) {
		for (i = done >> PAGE_SHIFT; i < nr; i++)
			bvec_set_page(&ctx->bvec[i], pages[i], PAGE_SIZE, 0);
		i = done >> PAGE_SHIFT;
		iov_iter_bvec(&iter, ITER_DEST, ctx->bvec + i, nr - i,
			      (size_t)(nr - i) * PAGE_SIZE);
		iov_iter_advance(&iter, offset_in_page(done));
	}
	while (done < len) {
		ssize_t n;

		if (fatal_signal_pending(current))
			return ckpt_io_error(ctx, -EINTR, "reading");
		n = vfs_iter_read(s->file, &iter, &s->pos, 0);
		if (n < 0)
			return ckpt_io_error(ctx, n, "reading");
		if (n == 0)
			return ckpt_fail(ctx, -ENODATA,
					 "image: truncated at byte %llu",
					 s->bytes + done);
		done += n;
		ckpt_progress(ctx, s->bytes + done);
	}

	if (s->mac || nr < 2) {
		w.mac = s->mac ? s : NULL;
		ckpt_crc_pages(&w.work);
		crc = w.crc;
	} else {
		w.nr = nr / 2;
		w2.pages = pages + w.nr;
		w2.nr = nr - w.nr;
		INIT_WORK_ONSTACK(&w.work, ckpt_crc_pages);
		queue_work(system_unbound_wq, &w.work);
		ckpt_crc_pages(&w2.work);
		flush_work(&w.work);
		destroy_work_on_stack(&w.work);
		crc = crc32_le_shift(w.crc, (size_t)w2.nr * PAGE_SIZE) ^ w2.crc;
	}
	s->crc = crc32_le_shift(s->crc, len) ^ crc;
	s->bytes += len;
	return 0;
}

/**
 * ckpt_read_trailer() - check the trailer, whose header was just read
 * @ctx: the restart
 * @rec: the trailer's record header
 *
 * Return: 0 if the record count and CRC match the stream, -EBADMSG if not,
 * another negative errno on a stream error.
 */
int ckpt_read_trailer(struct ckpt_ctx *ctx, const struct ckpt_hdr *rec)
{
	struct ckpt_stream *s = &ctx->s;
	struct ckpt_trailer t;
	u64 bytes = s->bytes - sizeof(*rec);
	u64 records = s->records - 1;
	u32 crc = ~s->rec_crc;
	int ret;

	if (rec->len != sizeof(t))
		return ckpt_fail(ctx, -EINVAL, "image: bad trailer length %u",
				 rec->len);
	ret = ckpt_read_payload(ctx, (u8 *)&t + sizeof(*rec),
				sizeof(t) - sizeof(*rec));
	if (ret)
		return ret;
	if (le64_to_cpu(t.nr_records) != records ||
	    le64_to_cpu(t.bytes) != bytes)
		return ckpt_fail(ctx, -EBADMSG,
				 "image: trailer counts %llu records in %llu bytes, read %llu in %llu",
				 le64_to_cpu(t.nr_records), le64_to_cpu(t.bytes),
				 records, bytes);
	if (le32_to_cpu(t.crc32) != crc)
		return ckpt_fail(ctx, -EBADMSG,
				 "image: checksum mismatch (image %#x, computed %#x)",
				 le32_to_cpu(t.crc32), crc);
	return 0;
}

/**
 * ckpt_rec_string() - the string that ends a record
 * @rec:  the record
 * @hdr:  bytes before the string
 * @len:  bytes of the record
 * @slen: length of the string the record gives, without its NUL
 *
 * Return: the string, or NULL unless it is @slen non-NUL bytes, then a NUL
 * that ends the record.
 */
const char *ckpt_rec_string(void *rec, u32 hdr, u32 len, u32 slen)
{
	char *s = rec + hdr;

	if (len != hdr + slen + 1 || !slen || s[slen] || strlen(s) != slen)
		return NULL;
	return s;
}

#if IS_ENABLED(CONFIG_CKPT_KUNIT_TEST)
#include "stream-test.h"
#endif
