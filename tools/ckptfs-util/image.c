// SPDX-License-Identifier: GPL-2.0-only
/*
 * ckpt info: decode and verify a checkpoint image.
 *
 * The image is untrusted input read strictly in order (it may be a pipe):
 * every length is checked against what was read before it is used, every
 * record is held in a bounded buffer (CKPT_REC_MAX_LEN), page contents are
 * only streamed through the CRC.  The first problem ends the decoding with
 * a message that names the byte offset and the record type.
 *
 * Output goes out record by record (text or JSON), except for a memory
 * area, which is printed once its CKPT_REC_PAGES are counted.
 *
 * This file reads the stream (header, record headers, trailer), checks
 * each record's length against its type (CKPT_REC_TYPE()) and its place,
 * and hands it to the decoder of its kind: img_task.c, img_mm.c,
 * img_files.c, img_net.c, img_ipc.c and img_signal.c each check and print
 * their own records, as text or through json_wtr, and list them in a
 * table of struct rec_handler.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "img.h"

/* Sanity bounds of the header that the format leaves open. */
#define HEADER_LEN_MAX		4096
#define PAGE_SIZE_MIN		4096
#define PAGE_SIZE_MAX		(1U << 16)

/* Read up to @n bytes; fewer only at end of file or on a read error. */
static size_t rd_read(struct reader *r, void *dst, size_t n)
{
	unsigned char *d = dst;
	size_t done = 0, k;
	ssize_t got;

	while (done < n) {
		if (r->pos == r->len) {
			do
				got = read(r->fd, r->buf, sizeof(r->buf));
			while (got < 0 && errno == EINTR);
			if (got <= 0) {
				if (got < 0)
					r->err = errno;
				break;
			}
			r->pos = 0;
			r->len = got;
		}
		k = r->len - r->pos;
		if (k > n - done)
			k = n - done;
		if (d)
			memcpy(d + done, r->buf + r->pos, k);
		r->crc = crc32(r->crc, r->buf + r->pos, k);
		r->pos += k;
		done += k;
	}
	r->off += done;
	return done;
}

int fail(struct dec *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(d->err, sizeof(d->err), fmt, ap);
	va_end(ap);
	return -1;
}

/* "record 0x0102 (creds) at byte 1234: " */
static const char *rec_name(uint32_t type)
{
	const struct rec_type *t = rec_type_find(type);

	return t ? t->name : NULL;
}

int bad(struct dec *d, const char *fmt, ...)
{
	char msg[384];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return fail(d, "record type 0x%04x (%s) at byte %" PRIu64 ": %s", d->rec_type,
		    rec_name(d->rec_type) ?: "?", d->rec_off, msg);
}

static int truncated(struct dec *d, const char *where)
{
	if (d->r.err)
		return fail(d, "read error at byte %" PRIu64 ": %s", d->r.off, strerror(d->r.err));
	if (where)
		return fail(d, "truncated at byte %" PRIu64 " in %s", d->r.off, where);
	return fail(d, "truncated at byte %" PRIu64 " in record type 0x%04x", d->r.off,
		    d->rec_type);
}

/* Any object: a file or a pipe. */
struct fobj *obj_find(struct dec *d, uint32_t id)
{
	size_t i;

	for (i = 0; i < d->nfiles; i++)
		if (d->files[i].id == id)
			return &d->files[i];
	return NULL;
}

struct cobj *cobj_find(struct dec *d, uint32_t id)
{
	size_t i;

	for (i = 0; i < d->ncobjs; i++)
		if (d->cobjs[i].id == id)
			return &d->cobjs[i];
	return NULL;
}

struct fobj *file_find(struct dec *d, uint32_t id)
{
	struct fobj *o = obj_find(d, id);

	return o && !o->pipe ? o : NULL;
}

struct fobj *obj_new(struct dec *d)
{
	if (d->nfiles == d->files_cap) {
		size_t cap = d->files_cap ? d->files_cap * 2 : 16;
		struct fobj *n = realloc(d->files, cap * sizeof(*n));

		if (!n)
			return NULL;
		d->files = n;
		d->files_cap = cap;
	}
	memset(&d->files[d->nfiles], 0, sizeof(d->files[0]));
	return &d->files[d->nfiles];
}

const char *file_path(struct dec *d, uint32_t id)
{
	struct fobj *f = file_find(d, id);

	return f ? f->path : "?";
}

void prot_str(char *s, uint32_t prot)
{
	s[0] = prot & CKPT_PROT_READ ? 'r' : '-';
	s[1] = prot & CKPT_PROT_WRITE ? 'w' : '-';
	s[2] = prot & CKPT_PROT_EXEC ? 'x' : '-';
	s[3] = '\0';
}

void vma_flags_str(char *s, size_t size, uint32_t flags)
{
	snprintf(s, size, "%s%s%s%s%s%s",
		 flags & CKPT_VMA_GROWSDOWN ? "stack," : "",
		 flags & CKPT_VMA_HEAP ? "heap," : "",
		 flags & CKPT_VMA_EXCLUDED ? "excluded," : "",
		 flags & CKPT_VMA_SHARED ? "shared," : "",
		 flags & CKPT_VMA_SYSVSHM ? "sysv," : "",
		 flags ? "" : "-,");
	s[strlen(s) - 1] = '\0';
}

void size_str(char *s, size_t size, uint64_t bytes)
{
	if (bytes >= (1ULL << 30) && !(bytes & ((1ULL << 30) - 1)))
		snprintf(s, size, "%" PRIu64 "G", bytes >> 30);
	else if (bytes >= (1ULL << 20) && !(bytes & ((1ULL << 20) - 1)))
		snprintf(s, size, "%" PRIu64 "M", bytes >> 20);
	else if (bytes >= 1024 && !(bytes & 1023))
		snprintf(s, size, "%" PRIu64 "K", bytes >> 10);
	else
		snprintf(s, size, "%" PRIu64, bytes);
}

/*
 * O_* flags of an open file as the kernel keeps them (f_flags): the
 * generic values, which x86_64 uses, not the C library's (its O_LARGEFILE
 * is 0 on 64-bit).
 */
void open_flags_str(char *s, size_t size, uint32_t flags)
{
	static const struct { uint32_t bit; const char *name; } fl[] = {
		{ 00000100, "O_CREAT" }, { 00000200, "O_EXCL" }, { 00000400, "O_NOCTTY" },
		{ 00001000, "O_TRUNC" }, { 00002000, "O_APPEND" }, { 00004000, "O_NONBLOCK" },
		{ 00010000, "O_DSYNC" }, { 00020000, "FASYNC" }, { 00040000, "O_DIRECT" },
		{ 00100000, "O_LARGEFILE" }, { 00200000, "O_DIRECTORY" },
		{ 00400000, "O_NOFOLLOW" }, { 01000000, "O_NOATIME" }, { 02000000, "O_CLOEXEC" },
		{ 04000000, "__O_SYNC" }, { 010000000, "O_PATH" }, { 020000000, "__O_TMPFILE" },
	};
	static const char *const acc[] = { "O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE" };
	size_t used, i;

	used = snprintf(s, size, "%s", acc[flags & 3]);
	flags &= ~3U;
	for (i = 0; i < sizeof(fl) / sizeof(fl[0]) && used < size; i++) {
		if (flags & fl[i].bit) {
			used += snprintf(s + used, size - used, "|%s", fl[i].name);
			flags &= ~fl[i].bit;
		}
	}
	if (flags && used < size)
		snprintf(s + used, size - used, "|%#o", flags);
}

const char *kind_name(uint32_t kind)
{
	switch (kind) {
	case CKPT_FILE_REG:	return "reg";
	case CKPT_FILE_DIR:	return "dir";
	case CKPT_FILE_CHR:	return "chr";
	case CKPT_FILE_PIPE:	return "pipe";
	case CKPT_FILE_FIFO:	return "fifo";
	case CKPT_FILE_EVENTFD:	return "eventfd";
	case CKPT_FILE_EPOLL:	return "epoll";
	case CKPT_FILE_SIGNALFD: return "signalfd";
	case CKPT_FILE_TIMERFD:	return "timerfd";
	case CKPT_FILE_INOTIFY:	return "inotify";
	case CKPT_FILE_PTMX:	return "pty master";
	case CKPT_FILE_PTS:	return "pty slave";
	case CKPT_FILE_MQUEUE:	return "mqueue";
	case CKPT_FILE_NETSOCK:	return "network socket";
	case CKPT_FILE_DEV_EXCL: return "device left out";
	case CKPT_FILE_REGDATA:	return "reg+contents";
	case CKPT_FILE_SHMEM:	return "shmem";
	case CKPT_FILE_MEMFD:	return "memfd";
	case CKPT_FILE_UNLINKED: return "unlinked";
	case CKPT_FILE_SYSVSHM:	return "sysvshm";
	case CKPT_FILE_INET:	return "TCP/UDP socket";
	}
	return NULL;
}

void sig_name(char *s, size_t size, int sig)
{
	/* kernel numbers: 32 and up are real-time, whatever libc calls them */
	const char *n = sig < 32 ? sigabbrev_np(sig) : NULL;

	if (n)
		snprintf(s, size, "SIG%s", n);
	else
		snprintf(s, size, "SIG%d", sig);
}

/* A NUL-terminated string of at most @max bytes inside a fixed field. */
static bool field_str_ok(const uint8_t *s, size_t max)
{
	return memchr(s, '\0', max) != NULL;
}

static bool all_zero(const void *p, size_t n)
{
	const unsigned char *c = p;

	while (n--)
		if (*c++)
			return false;
	return true;
}

/* ---- header ---- */

static int read_header(struct dec *d)
{
	struct ckpt_file_header h;
	char when[64], excl[128];
	uint32_t version, hlen, arch;
	uint64_t t;
	struct tm tm;
	time_t sec;
	size_t n;

	n = rd_read(&d->r, &h, sizeof(h));
	if (n >= CKPT_MAGIC_LEN && memcmp(h.magic, CKPT_MAGIC, CKPT_MAGIC_LEN))
		return fail(d, "bad magic: not a ckpt image");
	if (n < sizeof(h))
		return truncated(d, "the file header");
	version = le32(h.version);
	hlen = le32(h.header_len);
	arch = le32(h.arch);
	d->page_size = le32(h.page_size);
	d->nr_tasks = le32(h.nr_tasks);
	if (version != CKPT_VERSION)
		return fail(d, "unsupported image version %u (this ckpt reads version %d)",
			    version, CKPT_VERSION);
	if (hlen != sizeof(h))
		return fail(d, "file header: header_len %u, expected %zu", hlen, sizeof(h));
	if (d->page_size < PAGE_SIZE_MIN || d->page_size > PAGE_SIZE_MAX ||
	    (d->page_size & (d->page_size - 1)))
		return fail(d, "file header: bad page size %u", d->page_size);
	if (le32(h.flags) & ~(uint32_t)CKPT_HDR_MAC)
		return fail(d, "file header: unknown flags 0x%x",
			    le32(h.flags) & ~(uint32_t)CKPT_HDR_MAC);
	d->signed_img = le32(h.flags) & CKPT_HDR_MAC;
	if (le64(h.exclude) & ~(uint64_t)CKPT_EXCL_ALL)
		return fail(d, "file header: unknown exclude bits 0x%" PRIx64,
			    (uint64_t)(le64(h.exclude) & ~(uint64_t)CKPT_EXCL_ALL));
	d->exclude = le64(h.exclude);
	if (!field_str_ok(h.release, sizeof(h.release)) ||
	    !field_str_ok(h.machine, sizeof(h.machine)))
		return fail(d, "file header: release or machine not NUL terminated");
	if (!all_zero(h.__pad, sizeof(h.__pad)))
		return fail(d, "file header: nonzero __pad");

	t = le64(h.time_ns);
	sec = t / 1000000000;
	if (gmtime_r(&sec, &tm))
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
	else
		snprintf(when, sizeof(when), "?");
	excl_names(excl, sizeof(excl), le64(h.exclude));

	if (json_output) {
		jsonw_name(json_wtr, "header");
		jsonw_start_object(json_wtr);
		jsonw_uint_field(json_wtr, "version", version);
		jsonw_uint_field(json_wtr, "header_len", hlen);
		jsonw_uint_field(json_wtr, "arch", arch);
		jsonw_string_field(json_wtr, "arch_name", arch == CKPT_ARCH_X86_64 ? "x86_64" : "unknown");
		jsonw_string_field(json_wtr, "release", (const char *)h.release);
		jsonw_string_field(json_wtr, "machine", (const char *)h.machine);
		jsonw_uint_field(json_wtr, "page_size", d->page_size);
		jsonw_hex_field(json_wtr, "exclude", le64(h.exclude));
		jsonw_name(json_wtr, "exclude_names");
		jsonw_start_array(json_wtr);
		{
			char *tok, *save = NULL;

			for (tok = strtok_r(excl, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
				jsonw_string(json_wtr, tok);
		}
		jsonw_end_array(json_wtr);
		jsonw_uint_field(json_wtr, "nr_tasks", d->nr_tasks);
		jsonw_bool_field(json_wtr, "signed", d->signed_img);
		jsonw_uint_field(json_wtr, "time_ns", t);
		jsonw_string_field(json_wtr, "time", when);
		jsonw_end_object(json_wtr);
		jsonw_name(json_wtr, "records");
		jsonw_start_array(json_wtr);
	} else {
		printf("image %s: version %u, arch %s, page size %u\n", d->name, version,
		       arch == CKPT_ARCH_X86_64 ? "x86_64" : "unknown", d->page_size);
		printf("  kernel %s (%s), taken %s.%09" PRIu64 "\n", h.release, h.machine, when,
		       t % 1000000000);
		printf("  exclude: %s\n", excl[0] ? excl : "none");
		printf("  tasks: %u\n", d->nr_tasks);
		printf("  signed: %s\n", d->signed_img ?
		       "yes (HMAC-SHA256; the kernel checks it against ckpt.key)" : "no");
	}
	return 0;
}

/* ---- records ---- */

int check_len(struct dec *d, uint32_t len, size_t want)
{
	if (len != want)
		return bad(d, "length %u, expected %zu", len, want);
	return 0;
}

int need_task(struct dec *d)
{
	if (!d->in_task)
		return bad(d, "outside of a task (no CKPT_REC_TASK before it)");
	return 0;
}

int once(struct dec *d, uint32_t bit)
{
	if (d->seen & bit)
		return bad(d, "second record of this type in task %u", d->pid);
	d->seen |= bit;
	return 0;
}

/* The keyed MAC: after the last task, just before the trailer. */
static int rec_mac(struct dec *d, uint32_t len)
{
	const struct ckpt_mac *m = (const void *)d->rec;
	char hex[2 * CKPT_MAC_LEN + 1];
	int i;

	if (check_len(d, len, sizeof(*m)))
		return -1;
	if (!d->signed_img)
		return bad(d, "a MAC in an image whose header does not say it is signed");
	if (d->mac_seen)
		return bad(d, "a second MAC");
	if (d->in_task)
		return bad(d, "inside task %u", d->pid);
	if (le32(m->alg) != CKPT_MAC_HMAC_SHA256 || le32(m->mac_len) != CKPT_MAC_LEN)
		return bad(d, "unknown MAC algorithm %u (length %u)", le32(m->alg),
			   le32(m->mac_len));
	d->mac_seen = true;
	for (i = 0; i < CKPT_MAC_LEN; i++)
		snprintf(hex + 2 * i, 3, "%02x", m->mac[i]);
	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "type", "mac");
		jsonw_string_field(json_wtr, "alg", "hmac(sha256)");
		jsonw_string_field(json_wtr, "mac", hex);
		jsonw_end_object(json_wtr);
		return 0;
	}
	printf("mac: HMAC-SHA256 %s\n", hex);
	return 0;
}

static void rec_unknown(struct dec *d, uint32_t type, uint32_t len)
{
	d->unknown++;
	d->unknown_bytes += len;
	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "type", "unknown");
		jsonw_hex_field(json_wtr, "type_nr", type);
		jsonw_uint_field(json_wtr, "offset", d->rec_off);
		jsonw_uint_field(json_wtr, "len", len);
		jsonw_end_object(json_wtr);
	} else {
		printf("unknown record 0x%04x (%u bytes) at byte %" PRIu64 "\n", type, len,
		       d->rec_off);
	}
}

static int read_trailer(struct dec *d, uint32_t len, uint32_t crc)
{
	struct ckpt_trailer t;
	unsigned char extra;

	if (check_len(d, len, sizeof(t)))
		return -1;
	if (rd_read(&d->r, (char *)&t + sizeof(t.rec), sizeof(t) - sizeof(t.rec)) !=
	    sizeof(t) - sizeof(t.rec))
		return truncated(d, NULL);
	if (d->in_task)
		return bad(d, "inside task %u (no CKPT_REC_TASK_END)", d->pid);
	if (!d->have_table)
		return bad(d, "no task table in the image");
	while (d->next_entry < d->ntable &&
	       (le32(d->table[d->next_entry].pid) != le32(d->table[d->next_entry].tgid) ||
		(le32(d->table[d->next_entry].flags) & CKPT_TASK_GHOST)))
		d->next_entry++;
	if (d->next_entry < d->ntable)
		return bad(d, "task %u of the task table has no records",
			   le32(d->table[d->next_entry].pid));
	if (d->signed_img && !d->mac_seen)
		return bad(d, "a signed image without its MAC record");
	if (le64(t.bytes) != d->rec_off)
		return bad(d, "trailer says %" PRIu64 " bytes before it, there are %" PRIu64,
			   (uint64_t)le64(t.bytes), d->rec_off);
	if (le64(t.nr_records) != d->nrec)
		return bad(d, "trailer says %" PRIu64 " records, there are %" PRIu64,
			   (uint64_t)le64(t.nr_records), d->nrec);
	if (le32(t.crc32) != crc)
		return fail(d, "CRC mismatch: the trailer says 0x%08x, the %" PRIu64
			    " bytes before it give 0x%08x", le32(t.crc32), d->rec_off, crc);
	if (t.__reserved)
		return bad(d, "nonzero __reserved");
	if (rd_read(&d->r, &extra, 1))
		return fail(d, "data after the trailer at byte %" PRIu64, d->r.off - 1);
	if (d->r.err)
		return truncated(d, NULL);
	return 0;
}

/* Skip @n bytes of page contents, through the CRC. */
static int skip(struct dec *d, uint64_t n)
{
	while (n) {
		size_t k = n > sizeof(d->rec) ? sizeof(d->rec) : n;

		if (rd_read(&d->r, d->rec, k) != k)
			return truncated(d, NULL);
		n -= k;
	}
	return 0;
}

typedef int (*rec_fn)(struct dec *d, uint32_t len);

static const struct rec_handler core_handlers[] = {
	{ CKPT_REC_MAC,	rec_mac },
	{ 0, NULL },
};

/* Decoders of the records held whole in d->rec (not PAGES, not TRAILER). */
static rec_fn rec_handler(uint32_t type)
{
	static const struct rec_handler *const tables[] = {
		core_handlers, img_task_handlers, img_mm_handlers, img_files_handlers,
		img_net_handlers, img_ipc_handlers, img_signal_handlers,
	};
	const struct rec_handler *h;
	size_t i;

	for (i = 0; i < sizeof(tables) / sizeof(tables[0]); i++)
		for (h = tables[i]; h->fn; h++)
			if (h->type == type)
				return h->fn;
	return NULL;
}

/* Decode the whole image; 0 if it is valid. */
static int decode(struct dec *d)
{
	const struct rec_type *rt;
	rec_fn handler;
	struct ckpt_rec h;
	uint32_t type, len, crc, pad;
	uint64_t max;
	int ret;

	if (read_header(d))
		return -1;
	d->header_ok = true;
	for (;;) {
		d->rec_off = d->r.off;
		crc = d->r.crc;
		len = rd_read(&d->r, &h, sizeof(h));
		if (!len && !d->r.err)
			return fail(d, "truncated at byte %" PRIu64 ": the image ends before the trailer",
				    d->r.off);
		if (len != sizeof(h))
			return truncated(d, "a record header");
		type = le32(h.type);
		len = le32(h.len);
		d->rec_type = type;
		if (type != CKPT_REC_PAGES && type != CKPT_REC_PAGES_RUN)
			flush_vma(d);
		/* A regular file's pieces follow it at once. */
		if (type != CKPT_REC_REGFILE_DATA)
			d->rf_id = 0;
		/* A SysV queue's messages follow it at once. */
		if (d->msq_left && type != CKPT_REC_SYSVMSG_DATA)
			return bad(d, "queue %u still waits for %u messages", d->msq_id,
				   d->msq_left);
		if (d->mq_left && type != CKPT_REC_MQUEUE_MSG)
			return bad(d, "message queue %u still waits for %u messages",
				   d->mq_id, d->mq_left);
		if (len < sizeof(h))
			return bad(d, "length %u, shorter than the record header", len);
		rt = rec_type_find(type);
		if (rt && rt->min_len == rt->max_len && len != rt->min_len)
			return check_len(d, len, rt->min_len);
		max = rt ? rec_type_max(rt, d->page_size) : CKPT_REC_MAX_LEN;
		if (len > max)
			return bad(d, "length %u, more than the %" PRIu64 " allowed", len, max);
		if (rt && len < rt->min_len)
			return check_len(d, len, rt->min_len);

		if (d->pipe_left && type != CKPT_REC_PIPE_DATA)
			return bad(d, "pipe %u: %u bytes missing before it", d->pipe_id,
				   d->pipe_left);
		if ((d->pty_left[0] || d->pty_left[1]) && type != CKPT_REC_PTY_DATA)
			return bad(d, "pty %u: bytes missing before it", d->pty_id);
		if (d->tcp_want && type != CKPT_REC_TCP)
			return bad(d, "TCP connection %u: its state missing before it", d->tcp_id);
		if (d->tcp_left && type != CKPT_REC_TCP_DATA)
			return bad(d, "TCP connection %u: %u bytes missing before it", d->tcp_id,
				   d->tcp_left);
		if (d->mac_seen && type != CKPT_REC_TRAILER)
			return bad(d, "a record after the MAC");
		if (type == CKPT_REC_TRAILER)
			return read_trailer(d, len, crc);

		if (type == CKPT_REC_PAGES || type == CKPT_REC_PAGES_RUN) {
			size_t fixed = type == CKPT_REC_PAGES ? sizeof(struct ckpt_pages) :
				       sizeof(struct ckpt_pages_run);

			if (len < fixed)
				return check_len(d, len, fixed);
			memset(d->rec, 0, sizeof(struct ckpt_pages));
			if (rd_read(&d->r, d->rec + sizeof(h), fixed - sizeof(h)) !=
			    fixed - sizeof(h))
				return truncated(d, NULL);
			memcpy(d->rec, &h, sizeof(h));
			ret = rec_pages(d, len);
			if (!ret)
				ret = skip(d, CKPT_ALIGN((uint64_t)len) - fixed);
			if (ret)
				return ret;
			d->nrec++;
			continue;
		}

		if (type == CKPT_REC_SHMEM_PAGES) {
			if (len < sizeof(struct ckpt_shmem_pages))
				return check_len(d, len, sizeof(struct ckpt_shmem_pages));
			if (rd_read(&d->r, d->rec + sizeof(h),
				    sizeof(struct ckpt_shmem_pages) - sizeof(h)) !=
			    sizeof(struct ckpt_shmem_pages) - sizeof(h))
				return truncated(d, NULL);
			memcpy(d->rec, &h, sizeof(h));
			ret = rec_shmem_pages(d, len);
			if (!ret)
				ret = skip(d, CKPT_ALIGN((uint64_t)len) -
					   sizeof(struct ckpt_shmem_pages));
			if (ret)
				return ret;
			d->nrec++;
			continue;
		}

		memcpy(d->rec, &h, sizeof(h));
		pad = CKPT_ALIGN(len) - len;
		if (rd_read(&d->r, d->rec + sizeof(h), CKPT_ALIGN(len) - sizeof(h)) !=
		    CKPT_ALIGN(len) - sizeof(h))
			return truncated(d, NULL);
		if (!all_zero(d->rec + len, pad))
			return bad(d, "nonzero padding");

		handler = rec_handler(type);
		if (handler) {
			ret = handler(d, len);
		} else {
			if (!d->nrec)
				return bad(d, "the first record must be the task table (0x%04x)",
					   CKPT_REC_TASKS);
			rec_unknown(d, type, len);
			ret = 0;
		}
		if (ret)
			return ret;
		d->nrec++;
	}
}

static void totals(struct dec *d)
{
	if (json_output) {
		jsonw_name(json_wtr, "totals");
		jsonw_start_object(json_wtr);
		jsonw_uint_field(json_wtr, "tasks", d->tasks);
		jsonw_uint_field(json_wtr, "threads", d->threads);
		jsonw_uint_field(json_wtr, "regsets", d->regsets);
		jsonw_uint_field(json_wtr, "areas", d->vmas);
		jsonw_uint_field(json_wtr, "pages", d->pages);
		jsonw_uint_field(json_wtr, "page_bytes", d->pages * d->page_size);
		jsonw_uint_field(json_wtr, "files", d->nfiles);
		jsonw_uint_field(json_wtr, "objects", d->ncobjs);
		jsonw_uint_field(json_wtr, "object_pages", d->obj_pages);
		jsonw_uint_field(json_wtr, "file_contents_bytes", d->rf_bytes);
		jsonw_uint_field(json_wtr, "fds", d->fds);
		jsonw_uint_field(json_wtr, "unknown_records", d->unknown);
		jsonw_uint_field(json_wtr, "bytes", d->r.off);
		jsonw_end_object(json_wtr);
		return;
	}
	printf("totals: %" PRIu64 " tasks, %" PRIu64 " threads, %" PRIu64 " areas, %" PRIu64
	       " pages stored (%" PRIu64 " KiB), %zu files, %" PRIu64 " fds",
	       d->tasks, d->threads, d->vmas, d->pages, d->pages * d->page_size / 1024,
	       d->nfiles, d->fds);
	if (d->ncobjs)
		printf(", %zu objects with %" PRIu64 " pages stored", d->ncobjs, d->obj_pages);
	if (d->rf_bytes)
		printf(", %" PRIu64 " bytes of file contents", d->rf_bytes);
	if (d->unknown)
		printf(", %" PRIu64 " unknown records (%" PRIu64 " bytes)", d->unknown,
		       d->unknown_bytes);
	printf(", %" PRIu64 " bytes\n", d->r.off);
}

int do_info(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json",	no_argument,	NULL, 'j' },
		{ "pages",	no_argument,	NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	bool list_pages = false, header_done;
	const char *name;
	struct dec *d;
	int opt, ret;
	size_t i;

	while ((opt = getopt_long(argc, argv, "j", opts, NULL)) != -1) {
		switch (opt) {
		case 'j':
			json_output = true;
			break;
		case 'p':
			list_pages = true;
			break;
		default:
			return usage_error("info", "bad option");
		}
	}
	if (optind + 1 != argc)
		return usage_error("info", optind == argc ? "missing FILE" : "too many arguments");
	name = argv[optind];

	d = calloc(1, sizeof(*d));
	if (!d) {
		p_err("out of memory");
		return EXIT_ENV;
	}
	d->name = strcmp(name, "-") ? name : "(stdin)";
	d->list_pages = list_pages;
	if (!strcmp(name, "-")) {
		d->r.fd = STDIN_FILENO;
	} else {
		d->r.fd = open(name, O_RDONLY | O_CLOEXEC);
		if (d->r.fd < 0) {
			p_err("cannot open %s: %s", name, strerror(errno));
			free(d);
			return EXIT_ENV;
		}
	}

	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "file", d->name);
	}
	ret = decode(d);
	header_done = d->header_ok;
	flush_vma(d);
	if (json_output) {
		if (header_done)
			jsonw_end_array(json_wtr);
		totals(d);
		jsonw_bool_field(json_wtr, "ok", !ret);
		jsonw_uint_field(json_wtr, "nr_records", d->nrec);
		if (ret)
			jsonw_string_field(json_wtr, "error", d->err);
		else
			jsonw_hex_field(json_wtr, "crc32", d->r.crc);
		jsonw_end_object(json_wtr);
		jsonw_destroy(&json_wtr);
	} else if (header_done) {
		totals(d);
	}
	if (ret)
		p_err("%s: %s", d->name, d->err);
	else if (!json_output)
		printf("image OK (%" PRIu64 " records, CRC 0x%08x)\n", d->nrec, d->r.crc);

	if (d->r.fd != STDIN_FILENO)
		close(d->r.fd);
	for (i = 0; i < d->nfiles; i++)
		free(d->files[i].path);
	free(d->files);
	free(d->cobjs);
	free(d->runs);
	free(d->table);
	free(d);
	return ret ? EXIT_FAIL : EXIT_OK;
}
