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
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include <linux/ckpt_cgroup.h>

#include "ckpt.h"

#define le32(x)	le32toh(x)
#define le64(x)	le64toh(x)
#define le16(x)	le16toh(x)

/* Sanity bounds of the header that the format leaves open. */
#define HEADER_LEN_MAX		4096
#define PAGE_SIZE_MIN		4096
#define PAGE_SIZE_MAX		(1U << 16)

struct reader {
	int		fd;
	uint64_t	off;		/* bytes consumed */
	uint32_t	crc;		/* CRC-32 of those bytes */
	int		err;		/* errno of a failed read() */
	size_t		pos, len;
	unsigned char	buf[65536];
};

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

struct fobj {
	uint32_t	id, kind, flags;
	uint64_t	pos;
	char		*path;
	bool		pipe;		/* a CKPT_REC_PIPE or _EVENTFD, not a file */
};

/* An object holding contents: CKPT_REC_SHMEM or CKPT_REC_UNLINKED. */
struct cobj {
	uint32_t	id;
	uint32_t	type;		/* the record type that defined it */
	uint32_t	kind;		/* CKPT_SHMEM_* for a SHMEM */
	uint64_t	size;
};

struct pages_run {
	uint64_t	addr;
	uint32_t	nr;
};

struct dec {
	struct reader	r;
	const char	*name;
	bool		list_pages;
	bool		header_ok;
	char		err[512];

	uint32_t	page_size;
	uint32_t	nr_tasks;
	uint64_t	exclude;	/* CKPT_EXCL_* of the header */
	uint64_t	nrec;		/* records before the trailer */
	bool		signed_img;	/* header flag CKPT_HDR_MAC */
	bool		mac_seen;	/* its CKPT_REC_MAC was read */
	uint64_t	rec_off;	/* offset of the current record */
	uint32_t	rec_type;

	/* task table */
	struct ckpt_task_entry *table;
	uint32_t	ntable, next_entry;
	bool		have_table;

	/* current task */
	bool		in_task;
	uint32_t	pid, nr_threads, threads_seen, seen;
	bool		have_thread;
	bool		zombie;
	uint32_t	tid;
	uint32_t	nr_vmas, vmas_seen;

	/* the area waiting for its pages */
	bool		vma_pending;
	uint64_t	vma_start, vma_end, vma_pgoff;
	uint32_t	vma_prot, vma_flags, vma_file;
	uint64_t	vma_pages;
	struct pages_run *runs;
	size_t		nruns, runs_cap;

	/* file objects */
	struct fobj	*files;
	size_t		nfiles, files_cap;
	uint64_t	unix_msgs;	/* CKPT_REC_UNIX_DATA still announced */
	uint32_t	msq_id;		/* the SysV queue whose messages come */
	uint32_t	msq_left;	/* CKPT_REC_SYSVMSG_DATA still announced */
	uint32_t	mq_id;		/* the POSIX queue whose messages come */
	uint32_t	mq_left;	/* CKPT_REC_MQUEUE_MSG still announced */
	uint64_t	mq_msgsize;	/* its mq_msgsize */
	uint32_t	rf_id;		/* the regular file whose contents may come */
	uint64_t	rf_next;	/* the offset its next piece may start at */
	uint64_t	rf_size;	/* its size */
	uint64_t	rf_bytes;	/* bytes of regular file contents, in all */

	/* content objects */
	struct cobj	*cobjs;
	size_t		ncobjs, cobjs_cap;
	uint64_t	obj_pages;
	/* the pipe whose CKPT_REC_PIPE_DATA records come */
	uint32_t	pipe_id, pipe_off, pipe_left;
	/* the inotify instance waiting for its watches */
	uint32_t	inotify_id, inotify_left;
	/* the pty whose CKPT_REC_PTY_DATA records come, bytes each way */
	uint32_t	pty_id, pty_left[2];

	/* totals */
	uint64_t	tasks, threads, regsets, vmas, pages, fds, unknown, unknown_bytes;

	unsigned char	rec[CKPT_REC_MAX_LEN] __attribute__((aligned(8)));
};

/* bits of dec.seen */
#define SEEN_CREDS	0x1
#define SEEN_MM		0x2
#define SEEN_FS		0x4
#define SEEN_SIGHAND	0x8
#define SEEN_SIGNAL	0x10
#define SEEN_ITIMERS	0x20

static int fail(struct dec *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(struct dec *d, const char *fmt, ...)
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

static int bad(struct dec *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int bad(struct dec *d, const char *fmt, ...)
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
static struct fobj *obj_find(struct dec *d, uint32_t id)
{
	size_t i;

	for (i = 0; i < d->nfiles; i++)
		if (d->files[i].id == id)
			return &d->files[i];
	return NULL;
}

static struct cobj *cobj_find(struct dec *d, uint32_t id)
{
	size_t i;

	for (i = 0; i < d->ncobjs; i++)
		if (d->cobjs[i].id == id)
			return &d->cobjs[i];
	return NULL;
}

static struct fobj *file_find(struct dec *d, uint32_t id)
{
	struct fobj *o = obj_find(d, id);

	return o && !o->pipe ? o : NULL;
}

static struct fobj *obj_new(struct dec *d)
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

static const char *file_path(struct dec *d, uint32_t id)
{
	struct fobj *f = file_find(d, id);

	return f ? f->path : "?";
}

static void prot_str(char *s, uint32_t prot)
{
	s[0] = prot & CKPT_PROT_READ ? 'r' : '-';
	s[1] = prot & CKPT_PROT_WRITE ? 'w' : '-';
	s[2] = prot & CKPT_PROT_EXEC ? 'x' : '-';
	s[3] = '\0';
}

static void vma_flags_str(char *s, size_t size, uint32_t flags)
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

static void size_str(char *s, size_t size, uint64_t bytes)
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
static void open_flags_str(char *s, size_t size, uint32_t flags)
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

static const char *kind_name(uint32_t kind)
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
	}
	return NULL;
}

static const char *note_name(uint32_t type)
{
	switch (type) {
	case 1:		return "NT_PRSTATUS";
	case 2:		return "NT_PRFPREG";
	case 0x200:	return "NT_386_TLS";
	case 0x201:	return "NT_386_IOPERM";
	case 0x202:	return "NT_X86_XSTATE";
	case 0x204:	return "NT_X86_SHSTK";
	}
	return "unknown";
}

/* The x86_64 calls a frozen task is likely to sit in. */
static const char *syscall_name(uint64_t nr)
{
	static const struct { uint64_t nr; const char *name; } sc[] = {
		{ 0, "read" }, { 1, "write" }, { 7, "poll" }, { 23, "select" },
		{ 34, "pause" }, { 35, "nanosleep" }, { 43, "accept" }, { 45, "recvfrom" },
		{ 61, "wait4" }, { 202, "futex" }, { 219, "restart_syscall" },
		{ 230, "clock_nanosleep" }, { 232, "epoll_wait" }, { 270, "pselect6" },
		{ 271, "ppoll" }, { 281, "epoll_pwait" },
	};
	size_t i;

	for (i = 0; i < sizeof(sc) / sizeof(sc[0]); i++)
		if (sc[i].nr == nr)
			return sc[i].name;
	return "?";
}

static void sig_name(char *s, size_t size, int sig)
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

static int check_len(struct dec *d, uint32_t len, size_t want)
{
	if (len != want)
		return bad(d, "length %u, expected %zu", len, want);
	return 0;
}

static int need_task(struct dec *d)
{
	if (!d->in_task)
		return bad(d, "outside of a task (no CKPT_REC_TASK before it)");
	return 0;
}

static int once(struct dec *d, uint32_t bit)
{
	if (d->seen & bit)
		return bad(d, "second record of this type in task %u", d->pid);
	d->seen |= bit;
	return 0;
}

static void flush_vma(struct dec *d)
{
	char prot[4], flags[48], size[32];
	const char *path;
	size_t i;

	if (!d->vma_pending)
		return;
	d->vma_pending = false;
	prot_str(prot, d->vma_prot);
	vma_flags_str(flags, sizeof(flags), d->vma_flags);
	size_str(size, sizeof(size), d->vma_end - d->vma_start);
	path = d->vma_file ? file_path(d, d->vma_file) : "";

	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "type", "vma");
		jsonw_uint_field(json_wtr, "pid", d->pid);
		jsonw_hex_field(json_wtr, "start", d->vma_start);
		jsonw_hex_field(json_wtr, "end", d->vma_end);
		jsonw_string_field(json_wtr, "prot", prot);
		jsonw_string_field(json_wtr, "flags", flags);
		jsonw_uint_field(json_wtr, "size", d->vma_end - d->vma_start);
		jsonw_uint_field(json_wtr, "pgoff", d->vma_pgoff);
		jsonw_uint_field(json_wtr, "file", d->vma_file);
		jsonw_string_field(json_wtr, "path", path);
		jsonw_uint_field(json_wtr, "pages_stored", d->vma_pages);
		if (d->list_pages) {
			jsonw_name(json_wtr, "pages");
			jsonw_start_array(json_wtr);
			for (i = 0; i < d->nruns; i++) {
				jsonw_start_object(json_wtr);
				jsonw_hex_field(json_wtr, "addr", d->runs[i].addr);
				jsonw_uint_field(json_wtr, "nr_pages", d->runs[i].nr);
				jsonw_end_object(json_wtr);
			}
			jsonw_end_array(json_wtr);
		}
		jsonw_end_object(json_wtr);
	} else {
		printf("    %012" PRIx64 "-%012" PRIx64 " %s %-14s %6s %s %" PRIu64 "\n",
		       d->vma_start, d->vma_end, prot, flags, size,
		       d->vma_file ? path : "[anon]", d->vma_pages);
		for (i = 0; d->list_pages && i < d->nruns; i++)
			printf("      pages %012" PRIx64 "-%012" PRIx64 " (%u)\n", d->runs[i].addr,
			       d->runs[i].addr + (uint64_t)d->runs[i].nr * d->page_size,
			       d->runs[i].nr);
	}
	d->nruns = 0;
}

static int rec_tasks(struct dec *d, uint32_t len)
{
	const struct ckpt_tasks *t = (const void *)d->rec;
	uint32_t nr, i;

	if (d->nrec)
		return bad(d, "the task table must be the first record");
	if (len < sizeof(*t))
		return check_len(d, len, sizeof(*t));
	nr = le32(t->nr);
	if (len != sizeof(*t) + (uint64_t)nr * sizeof(t->task[0]))
		return bad(d, "length %u, expected %zu + 24 * %u entries", len, sizeof(*t), nr);
	if (nr != d->nr_tasks)
		return bad(d, "%u entries, the file header says %u tasks", nr, d->nr_tasks);
	if (t->__reserved)
		return bad(d, "nonzero __reserved");
	d->table = malloc(nr * sizeof(t->task[0]) + 1);
	if (!d->table)
		return bad(d, "out of memory");
	memcpy(d->table, t->task, nr * sizeof(t->task[0]));
	d->ntable = nr;
	d->have_table = true;

	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "type", "tasks");
		jsonw_name(json_wtr, "tasks");
		jsonw_start_array(json_wtr);
	} else {
		printf("task table:\n  %7s %7s %7s %7s %7s %5s\n", "PID", "TGID", "PPID", "PGID",
		       "SID", "FLAGS");
	}
	for (i = 0; i < nr; i++) {
		const struct ckpt_task_entry *e = &d->table[i];

		if (json_output) {
			jsonw_start_object(json_wtr);
			jsonw_uint_field(json_wtr, "pid", le32(e->pid));
			jsonw_uint_field(json_wtr, "tgid", le32(e->tgid));
			jsonw_uint_field(json_wtr, "ppid", le32(e->ppid));
			jsonw_uint_field(json_wtr, "pgid", le32(e->pgid));
			jsonw_uint_field(json_wtr, "sid", le32(e->sid));
			jsonw_hex_field(json_wtr, "flags", le32(e->flags));
			jsonw_end_object(json_wtr);
		} else {
			uint32_t f = le32(e->flags);

			printf("  %7u %7u %7u %7u %7u %#5x%s%s%s%s%s%s\n", le32(e->pid),
			       le32(e->tgid), le32(e->ppid), le32(e->pgid), le32(e->sid), f,
			       f & CKPT_TASK_ZOMBIE ? " zombie" : "",
			       f & CKPT_TASK_GHOST ? " ghost (session leader gone)" : "",
			       f & CKPT_TASK_SHARE_FILES ? " parent's-fds" : "",
			       f & CKPT_TASK_SHARE_FS ? " parent's-cwd" : "",
			       f & CKPT_TASK_SHARE_VM ? " parent's-memory" : "",
			       f & CKPT_TASK_SHARE_SIGHAND ? " parent's-handlers" : "");
		}
	}
	if (json_output) {
		jsonw_end_array(json_wtr);
		jsonw_end_object(json_wtr);
	}
	return 0;
}

static int rec_task(struct dec *d, uint32_t len)
{
	const struct ckpt_task *t = (const void *)d->rec;
	uint32_t pid;
	char comm[17];

	if (check_len(d, len, sizeof(*t)))
		return -1;
	if (!d->have_table)
		return bad(d, "task before the task table");
	if (d->in_task)
		return bad(d, "task %u begins inside task %u (no CKPT_REC_TASK_END)",
			   le32(t->pid), d->pid);
	if (le32(t->dumpable) > 2)
		return bad(d, "dumpable %u, expected 0, 1 or 2", le32(t->dumpable));
	/* Records come per thread group leader, in the order of the table. */
	while (d->next_entry < d->ntable &&
	       (le32(d->table[d->next_entry].pid) != le32(d->table[d->next_entry].tgid) ||
		(le32(d->table[d->next_entry].flags) & CKPT_TASK_GHOST)))
		d->next_entry++;
	pid = le32(t->pid);
	if (d->next_entry >= d->ntable)
		return bad(d, "task %u is not in the task table (or out of order)", pid);
	if (pid != le32(d->table[d->next_entry].pid))
		return bad(d, "task %u, the task table has %u next", pid,
			   le32(d->table[d->next_entry].pid));
	d->zombie = le32(d->table[d->next_entry].flags) & CKPT_TASK_ZOMBIE;
	d->next_entry++;
	if (!le32(t->nr_threads))
		return bad(d, "task %u has no threads", pid);
	if (t->__reserved)
		return bad(d, "nonzero __reserved");
	if (!d->zombie && le32(t->exit_code))
		return bad(d, "task %u is not a zombie but has exit code %#x", pid,
			   le32(t->exit_code));

	d->in_task = true;
	d->pid = pid;
	d->nr_threads = le32(t->nr_threads);
	d->threads_seen = 0;
	d->seen = 0;
	d->have_thread = false;
	d->nr_vmas = d->vmas_seen = 0;
	d->tasks++;
	memcpy(comm, t->comm, 16);
	comm[16] = '\0';

	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "type", "task");
		jsonw_uint_field(json_wtr, "pid", pid);
		jsonw_string_field(json_wtr, "comm", comm);
		jsonw_uint_field(json_wtr, "nr_threads", d->nr_threads);
		jsonw_hex_field(json_wtr, "personality", le32(t->personality));
		jsonw_uint_field(json_wtr, "exit_signal", le32(t->exit_signal));
		jsonw_uint_field(json_wtr, "pdeath_signal", le32(t->pdeath_signal));
		jsonw_uint_field(json_wtr, "dumpable", le32(t->dumpable));
		if (d->zombie)
			jsonw_hex_field(json_wtr, "exit_code", le32(t->exit_code));
		jsonw_end_object(json_wtr);
	} else if (d->zombie) {
		printf("task %u \"%s\": a zombie, wait status %#x\n", pid, comm,
		       le32(t->exit_code));
	} else {
		printf("task %u \"%s\": %u thread%s, personality %#x, exit_signal %u, pdeath_signal %u, dumpable %u\n",
		       pid, comm, d->nr_threads, d->nr_threads == 1 ? "" : "s",
		       le32(t->personality), le32(t->exit_signal), le32(t->pdeath_signal),
		       le32(t->dumpable));
	}
	return 0;
}

static int rec_creds(struct dec *d, uint32_t len)
{
	const struct ckpt_creds *c = (const void *)d->rec;
	uint32_t ng, i;

	if (need_task(d))
		return -1;
	if (len < sizeof(*c))
		return check_len(d, len, sizeof(*c));
	ng = le32(c->ngroups);
	if (ng > CKPT_NGROUPS_MAX)
		return bad(d, "%u groups, more than %d", ng, CKPT_NGROUPS_MAX);
	if (len != sizeof(*c) + (uint64_t)ng * 4)
		return bad(d, "length %u, expected %zu + 4 * %u groups", len, sizeof(*c), ng);
	if (once(d, SEEN_CREDS))
		return -1;

	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "type", "creds");
		jsonw_uint_field(json_wtr, "pid", d->pid);
		jsonw_uint_field(json_wtr, "uid", le32(c->uid));
		jsonw_uint_field(json_wtr, "euid", le32(c->euid));
		jsonw_uint_field(json_wtr, "suid", le32(c->suid));
		jsonw_uint_field(json_wtr, "fsuid", le32(c->fsuid));
		jsonw_uint_field(json_wtr, "gid", le32(c->gid));
		jsonw_uint_field(json_wtr, "egid", le32(c->egid));
		jsonw_uint_field(json_wtr, "sgid", le32(c->sgid));
		jsonw_uint_field(json_wtr, "fsgid", le32(c->fsgid));
		jsonw_name(json_wtr, "groups");
		jsonw_start_array(json_wtr);
		for (i = 0; i < ng; i++)
			jsonw_uint(json_wtr, le32(c->groups[i]));
		jsonw_end_array(json_wtr);
		jsonw_hex_field(json_wtr, "cap_inheritable", le64(c->cap_inheritable));
		jsonw_hex_field(json_wtr, "cap_permitted", le64(c->cap_permitted));
		jsonw_hex_field(json_wtr, "cap_effective", le64(c->cap_effective));
		jsonw_hex_field(json_wtr, "cap_bset", le64(c->cap_bset));
		jsonw_hex_field(json_wtr, "cap_ambient", le64(c->cap_ambient));
		jsonw_hex_field(json_wtr, "securebits", le32(c->securebits));
		jsonw_end_object(json_wtr);
		return 0;
	}
	printf("  creds: uid %u/%u/%u/%u gid %u/%u/%u/%u (real/effective/saved/fs)\n",
	       le32(c->uid), le32(c->euid), le32(c->suid), le32(c->fsuid),
	       le32(c->gid), le32(c->egid), le32(c->sgid), le32(c->fsgid));
	printf("    groups %u:", ng);
	for (i = 0; i < ng && i < 16; i++)
		printf(" %u", le32(c->groups[i]));
	printf("%s\n", ng > 16 ? " ..." : "");
	printf("    caps inh %#" PRIx64 " prm %#" PRIx64 " eff %#" PRIx64 " bset %#" PRIx64
	       " amb %#" PRIx64 ", securebits %#x\n",
	       (uint64_t)le64(c->cap_inheritable), (uint64_t)le64(c->cap_permitted),
	       (uint64_t)le64(c->cap_effective), (uint64_t)le64(c->cap_bset),
	       (uint64_t)le64(c->cap_ambient), le32(c->securebits));
	return 0;
}

static const char *const rlimit_names[CKPT_NRLIMITS] = {
	"cpu", "fsize", "data", "stack", "core", "rss", "nproc", "nofile",
	"memlock", "as", "locks", "sigpending", "msgqueue", "nice", "rtprio",
	"rttime",
};

static void rlim_str(char *buf, size_t size, uint64_t v)
{
	if (v == CKPT_RLIM_INFINITY)
		snprintf(buf, size, "unlimited");
	else
		snprintf(buf, size, "%" PRIu64, v);
}

static int rec_attrs(struct dec *d, uint32_t len)
{
	const struct ckpt_attrs *a = (const void *)d->rec;
	uint32_t nr_cpus, flags, i;
	char cur[24], max[24];

	if (need_task(d))
		return -1;
	if (len < sizeof(*a))
		return check_len(d, len, sizeof(*a));
	nr_cpus = le32(a->nr_cpus);
	flags = le32(a->flags);
	if (nr_cpus % 64 || len != sizeof(*a) + (uint64_t)nr_cpus / 8)
		return bad(d, "length %u does not fit %u CPUs", len, nr_cpus);
	if (a->__reserved)
		return bad(d, "nonzero __reserved");
	if (flags & ~(uint32_t)(CKPT_ATTR_NO_NEW_PRIVS | CKPT_ATTR_THP_DISABLE |
				CKPT_ATTR_CHILD_SUBREAPER))
		return bad(d, "unknown flags %#x", flags);

	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "type", "attrs");
		jsonw_uint_field(json_wtr, "pid", d->pid);
		jsonw_uint_field(json_wtr, "policy", le32(a->policy));
		jsonw_uint_field(json_wtr, "rt_priority", le32(a->rt_priority));
		jsonw_name(json_wtr, "nice");
		jsonw_int(json_wtr, (int32_t)le32(a->nice));
		jsonw_hex_field(json_wtr, "flags", flags);
		jsonw_name(json_wtr, "rlimits");
		jsonw_start_array(json_wtr);
		for (i = 0; i < CKPT_NRLIMITS; i++) {
			jsonw_start_object(json_wtr);
			jsonw_string_field(json_wtr, "name", rlimit_names[i]);
			jsonw_uint_field(json_wtr, "cur", le64(a->rlim[i].cur));
			jsonw_uint_field(json_wtr, "max", le64(a->rlim[i].max));
			jsonw_end_object(json_wtr);
		}
		jsonw_end_array(json_wtr);
		jsonw_name(json_wtr, "cpus");
		jsonw_start_array(json_wtr);
		for (i = 0; i < nr_cpus; i++)
			if (le64(a->cpus[i / 64]) & (1ULL << (i % 64)))
				jsonw_uint(json_wtr, i);
		jsonw_end_array(json_wtr);
		jsonw_end_object(json_wtr);
		return 0;
	}
	printf("  attrs: policy %u rt_priority %u nice %d%s%s%s\n", le32(a->policy),
	       le32(a->rt_priority), (int32_t)le32(a->nice),
	       flags & CKPT_ATTR_NO_NEW_PRIVS ? " no_new_privs" : "",
	       flags & CKPT_ATTR_THP_DISABLE ? " thp_disable" : "",
	       flags & CKPT_ATTR_CHILD_SUBREAPER ? " child_subreaper" : "");
	printf("    cpus:");
	for (i = 0; i < nr_cpus; i++)
		if (le64(a->cpus[i / 64]) & (1ULL << (i % 64)))
			printf(" %u", i);
	printf("\n    rlimits (soft/hard):");
	for (i = 0; i < CKPT_NRLIMITS; i++) {
		rlim_str(cur, sizeof(cur), le64(a->rlim[i].cur));
		rlim_str(max, sizeof(max), le64(a->rlim[i].max));
		printf("%s %s %s/%s", i % 4 ? "," : "\n     ", rlimit_names[i], cur, max);
	}
	printf("\n");
	return 0;
}

static int rec_seccomp(struct dec *d, uint32_t len)
{
	const struct ckpt_seccomp *r = (const void *)d->rec;
	uint32_t mode, index, nr;

	if (need_task(d))
		return -1;
	if (len < sizeof(*r))
		return check_len(d, len, sizeof(*r));
	mode = le32(r->mode);
	index = le32(r->index);
	nr = le32(r->nr_insns);
	if (r->__reserved)
		return bad(d, "nonzero __reserved");
	if (nr > CKPT_SECCOMP_MAX_INSNS ||
	    len != sizeof(*r) + (uint64_t)nr * sizeof(r->insns[0]))
		return bad(d, "length %u does not fit %u instructions", len, nr);
	if (mode == 1 ? nr || index : mode != 2 || !nr)
		return bad(d, "mode %u with %u instructions", mode, nr);

	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "type", "seccomp");
		jsonw_uint_field(json_wtr, "pid", d->pid);
		jsonw_string_field(json_wtr, "mode", mode == 1 ? "strict" : "filter");
		if (mode == 2) {
			jsonw_uint_field(json_wtr, "index", index);
			jsonw_uint_field(json_wtr, "insns", nr);
		}
		jsonw_end_object(json_wtr);
		return 0;
	}
	if (mode == 1)
		printf("  seccomp: strict\n");
	else
		printf("  seccomp: filter %u, %u instructions\n", index, nr);
	return 0;
}

static int rec_thread(struct dec *d, uint32_t len)
{
	const struct ckpt_thread *t = (const void *)d->rec;
	uint32_t kind = le32(t->syscall), restart = le32(t->restart);
	uint64_t nr = le64(t->syscall_nr);
	char sys[96], rb[160];

	if (need_task(d) || check_len(d, len, sizeof(*t)))
		return -1;
	if (t->__reserved)
		return bad(d, "nonzero __reserved");
	if (++d->threads_seen > d->nr_threads)
		return bad(d, "more threads than the %u of task %u", d->nr_threads, d->pid);
	switch (kind) {
	case CKPT_SYSCALL_NONE:
		snprintf(sys, sizeof(sys), "none");
		break;
	case CKPT_SYSCALL_RESTART:
		snprintf(sys, sizeof(sys), "%" PRIu64 " (%s), executed again", nr,
			 syscall_name(nr));
		break;
	case CKPT_SYSCALL_RESTART_BLOCK:
		snprintf(sys, sizeof(sys), "%" PRIu64 " (%s), resumed by restart_syscall", nr,
			 syscall_name(nr));
		break;
	default:
		return bad(d, "unknown syscall %u", kind);
	}
	switch (restart) {
	case CKPT_RESTART_NONE:
		snprintf(rb, sizeof(rb), "none");
		break;
	case CKPT_RESTART_NANOSLEEP:
		snprintf(rb, sizeof(rb), "nanosleep, %" PRIu64 " ns left on clock %u, rmtp %#" PRIx64,
			 (uint64_t)le64(t->sleep_remaining_ns), le32(t->sleep_clockid),
			 (uint64_t)le64(t->sleep_rmtp));
		break;
	default:
		return bad(d, "unknown restart block kind %u", restart);
	}
	if (kind == CKPT_SYSCALL_RESTART_BLOCK && restart == CKPT_RESTART_NONE)
		return bad(d, "resumed by restart_syscall but no restart block saved");
	d->have_thread = true;
	d->tid = le32(t->tid);
	d->threads++;

	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "type", "thread");
		jsonw_uint_field(json_wtr, "pid", d->pid);
		jsonw_uint_field(json_wtr, "tid", d->tid);
		jsonw_string_field(json_wtr, "syscall", kind == CKPT_SYSCALL_NONE ? "none" :
			kind == CKPT_SYSCALL_RESTART ? "restart" : "restart_block");
		jsonw_uint_field(json_wtr, "syscall_nr", nr);
		jsonw_string_field(json_wtr, "restart", restart == CKPT_RESTART_NONE ? "none" : "nanosleep");
		jsonw_uint_field(json_wtr, "sleep_remaining_ns", le64(t->sleep_remaining_ns));
		jsonw_uint_field(json_wtr, "sleep_clockid", le32(t->sleep_clockid));
		jsonw_hex_field(json_wtr, "sleep_rmtp", le64(t->sleep_rmtp));
		jsonw_hex_field(json_wtr, "clear_child_tid", le64(t->clear_child_tid));
		jsonw_hex_field(json_wtr, "robust_list", le64(t->robust_list));
		jsonw_uint_field(json_wtr, "robust_list_len", le64(t->robust_list_len));
		jsonw_hex_field(json_wtr, "rseq", le64(t->rseq));
		jsonw_uint_field(json_wtr, "rseq_len", le32(t->rseq_len));
		jsonw_hex_field(json_wtr, "rseq_sig", le32(t->rseq_sig));
		jsonw_hex_field(json_wtr, "sas_ss_sp", le64(t->sas_ss_sp));
		jsonw_uint_field(json_wtr, "sas_ss_size", le64(t->sas_ss_size));
		jsonw_hex_field(json_wtr, "sas_ss_flags", le32(t->sas_ss_flags));
		jsonw_hex_field(json_wtr, "blocked", le64(t->blocked));
		jsonw_end_object(json_wtr);
		return 0;
	}
	printf("  thread %u: syscall %s, restart block %s, blocked %#" PRIx64 "\n", d->tid,
	       sys, rb, (uint64_t)le64(t->blocked));
	printf("    clear_child_tid %#" PRIx64 " robust_list %#" PRIx64 "/%" PRIu64
	       " rseq %#" PRIx64 "/%u sig %#x\n",
	       (uint64_t)le64(t->clear_child_tid), (uint64_t)le64(t->robust_list),
	       (uint64_t)le64(t->robust_list_len), (uint64_t)le64(t->rseq),
	       le32(t->rseq_len), le32(t->rseq_sig));
	if (le64(t->sas_ss_sp) || le64(t->sas_ss_size) || le32(t->sas_ss_flags))
		printf("    sigaltstack %#" PRIx64 " size %" PRIu64 " flags %#x\n",
		       (uint64_t)le64(t->sas_ss_sp), (uint64_t)le64(t->sas_ss_size),
		       le32(t->sas_ss_flags));
	return 0;
}

/*
 * A CKPT_REC_REGSET_SPARSE's bitmap must name words inside @size and
 * exactly as many as @stored bytes hold after it.
 */
static int check_sparse(struct dec *d, const uint8_t *data, uint32_t size, uint32_t stored)
{
	uint32_t nw = size / 8, mapw = (nw + 63) / 64, i, n = 0;

	if (!size || size % 8 || size > CKPT_REGSET_MAX)
		return bad(d, "sparse registers of %u bytes (not a multiple of 8, or over %u)",
			   size, CKPT_REGSET_MAX);
	if (stored < mapw * 8)
		return bad(d, "sparse registers: %u bytes, the bitmap needs %u", stored, mapw * 8);
	for (i = 0; i < mapw * 64; i++) {
		uint64_t w;

		memcpy(&w, data + (i / 64) * 8, 8);
		if (!(le64(w) & (1ULL << (i % 64))))
			continue;
		if (i >= nw)
			return bad(d, "sparse registers: word %u of a %u-byte regset", i, size);
		n++;
	}
	if (stored != mapw * 8 + n * 8)
		return bad(d, "sparse registers: %u bytes, the bitmap says %u",
			   stored, mapw * 8 + n * 8);
	return 0;
}

static int rec_regset(struct dec *d, uint32_t len)
{
	const struct ckpt_regset *r = (const void *)d->rec;
	uint32_t size, stored;

	if (need_task(d))
		return -1;
	if (len < sizeof(*r))
		return check_len(d, len, sizeof(*r));
	if (!d->have_thread)
		return bad(d, "registers before any CKPT_REC_THREAD");
	size = le32(r->size);
	stored = len - sizeof(*r);
	if (le32(r->rec.type) == CKPT_REC_REGSET) {
		if (stored != size)
			return bad(d, "length %u, expected %zu + size %u", len, sizeof(*r), size);
	} else if (check_sparse(d, r->data, size, stored)) {
		return -1;
	}
	d->regsets++;

	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "type", "regset");
		jsonw_uint_field(json_wtr, "pid", d->pid);
		jsonw_uint_field(json_wtr, "tid", d->tid);
		jsonw_hex_field(json_wtr, "note_type", le32(r->note_type));
		jsonw_string_field(json_wtr, "note_name", note_name(le32(r->note_type)));
		jsonw_uint_field(json_wtr, "size", size);
		jsonw_uint_field(json_wtr, "stored", stored);
		jsonw_end_object(json_wtr);
	} else {
		printf("    regset %s (%#x): %u bytes", note_name(le32(r->note_type)),
		       le32(r->note_type), size);
		if (stored != size)
			printf(" (%u stored)", stored);
		printf("\n");
	}
	return 0;
}

static int rec_mm(struct dec *d, uint32_t len)
{
	const struct ckpt_mm *m = (const void *)d->rec;
	uint32_t exe = le32(m->exe_file);

	if (need_task(d) || check_len(d, len, sizeof(*m)))
		return -1;
	if (exe && !file_find(d, exe))
		return bad(d, "exe_file %u is not a file defined before", exe);
	if (le64(m->flags))
		return bad(d, "unknown flags %#" PRIx64, (uint64_t)le64(m->flags));
	if (once(d, SEEN_MM))
		return -1;
	d->nr_vmas = le32(m->nr_vmas);

	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "type", "mm");
		jsonw_uint_field(json_wtr, "pid", d->pid);
		jsonw_hex_field(json_wtr, "start_code", le64(m->start_code));
		jsonw_hex_field(json_wtr, "end_code", le64(m->end_code));
		jsonw_hex_field(json_wtr, "start_data", le64(m->start_data));
		jsonw_hex_field(json_wtr, "end_data", le64(m->end_data));
		jsonw_hex_field(json_wtr, "start_brk", le64(m->start_brk));
		jsonw_hex_field(json_wtr, "brk", le64(m->brk));
		jsonw_hex_field(json_wtr, "start_stack", le64(m->start_stack));
		jsonw_hex_field(json_wtr, "arg_start", le64(m->arg_start));
		jsonw_hex_field(json_wtr, "arg_end", le64(m->arg_end));
		jsonw_hex_field(json_wtr, "env_start", le64(m->env_start));
		jsonw_hex_field(json_wtr, "env_end", le64(m->env_end));
		jsonw_hex_field(json_wtr, "vdso", le64(m->vdso));
		jsonw_uint_field(json_wtr, "exe_file", exe);
		jsonw_string_field(json_wtr, "exe", exe ? file_path(d, exe) : "");
		jsonw_uint_field(json_wtr, "nr_vmas", d->nr_vmas);
		jsonw_end_object(json_wtr);
		return 0;
	}
	printf("  mm: exe %s, %u areas\n", exe ? file_path(d, exe) : "none", d->nr_vmas);
	printf("    code %#" PRIx64 "-%#" PRIx64 " data %#" PRIx64 "-%#" PRIx64
	       " brk %#" PRIx64 "-%#" PRIx64 "\n",
	       (uint64_t)le64(m->start_code), (uint64_t)le64(m->end_code),
	       (uint64_t)le64(m->start_data), (uint64_t)le64(m->end_data),
	       (uint64_t)le64(m->start_brk), (uint64_t)le64(m->brk));
	printf("    stack %#" PRIx64 " args %#" PRIx64 "-%#" PRIx64 " env %#" PRIx64 "-%#" PRIx64
	       " vdso %#" PRIx64 "\n",
	       (uint64_t)le64(m->start_stack), (uint64_t)le64(m->arg_start),
	       (uint64_t)le64(m->arg_end), (uint64_t)le64(m->env_start),
	       (uint64_t)le64(m->env_end), (uint64_t)le64(m->vdso));
	printf("    %-25s %-3s %-14s %6s %s\n", "START-END", "PRT", "FLAGS", "SIZE",
	       "FILE PAGES-STORED");
	return 0;
}

static int rec_vma(struct dec *d, uint32_t len)
{
	const struct ckpt_vma *v = (const void *)d->rec;
	uint64_t start = le64(v->start), end = le64(v->end);
	uint32_t file = le32(v->file), prot = le32(v->prot), flags = le32(v->flags);
	uint64_t mask = d->page_size - 1;

	if (need_task(d) || check_len(d, len, sizeof(*v)))
		return -1;
	if (!(d->seen & SEEN_MM))
		return bad(d, "memory area before CKPT_REC_MM");
	if (++d->vmas_seen > d->nr_vmas)
		return bad(d, "more areas than the %u of CKPT_REC_MM", d->nr_vmas);
	if (start >= end || (start & mask) || (end & mask))
		return bad(d, "bad area %#" PRIx64 "-%#" PRIx64, start, end);
	if (prot & ~(uint32_t)(CKPT_PROT_READ | CKPT_PROT_WRITE | CKPT_PROT_EXEC))
		return bad(d, "unknown prot bits %#x", prot);
	if (flags & ~(uint32_t)(CKPT_VMA_GROWSDOWN | CKPT_VMA_EXCLUDED | CKPT_VMA_HEAP |
				CKPT_VMA_SHARED | CKPT_VMA_SYSVSHM))
		return bad(d, "unknown flags %#x", flags);
	if (file && !file_find(d, file))
		return bad(d, "file %u is not a file defined before", file);
	if ((flags & CKPT_VMA_SHARED) && !file)
		return bad(d, "a shared area without a file");
	if ((flags & CKPT_VMA_SYSVSHM) &&
	    (!(flags & CKPT_VMA_SHARED) || file_find(d, file)->kind != CKPT_FILE_SYSVSHM))
		return bad(d, "a SysV shm area not shared or not on a SysV shm file");
	if (v->__reserved)
		return bad(d, "nonzero __reserved");

	d->vma_pending = true;
	d->vma_start = start;
	d->vma_end = end;
	d->vma_pgoff = le64(v->pgoff);
	d->vma_prot = prot;
	d->vma_flags = flags;
	d->vma_file = file;
	d->vma_pages = 0;
	d->nruns = 0;
	d->vmas++;
	return 0;
}

/* CKPT_REC_VMA_ANON: checked as the long form it stands for. */
static int rec_vma_anon(struct dec *d, uint32_t len)
{
	const struct ckpt_vma_anon *a = (const void *)d->rec;
	struct ckpt_vma v = { .rec = a->rec };
	uint64_t start = le64(a->start);
	uint32_t nr = le32(a->nr_pages), flags = le16(a->flags);

	if (check_len(d, len, sizeof(*a)))
		return -1;
	if (!nr)
		return bad(d, "an area of 0 pages");
	if (flags & CKPT_VMA_SHARED)
		return bad(d, "a shared area without a file");
	if (a->__reserved)
		return bad(d, "nonzero __reserved");
	v.start = a->start;
	v.end = htole64(start + (uint64_t)nr * d->page_size);
	v.prot = htole32(a->prot);
	v.flags = htole32(flags);
	memcpy(d->rec, &v, sizeof(v));
	return rec_vma(d, sizeof(v));
}

/*
 * The fixed part of CKPT_REC_PAGES, or of _PAGES_RUN, is in d->rec; the
 * contents are still to read.
 */
static int rec_pages(struct dec *d, uint32_t len)
{
	const struct ckpt_pages *p = (const void *)d->rec;
	bool run = d->rec_type == CKPT_REC_PAGES_RUN;
	size_t hdr = run ? sizeof(struct ckpt_pages_run) : sizeof(*p);
	uint64_t addr = le64(p->addr), end;
	uint32_t nr = run ? (len - hdr) / d->page_size : le32(p->nr_pages);
	uint32_t max = run ? CKPT_RUN_MAX : CKPT_PAGES_MAX;

	if (need_task(d))
		return -1;
	if (!d->vma_pending)
		return bad(d, "pages not after a memory area");
	if (nr < 1 || nr > max)
		return bad(d, "%u pages, expected 1 to %u", nr, max);
	if (len != hdr + (uint64_t)nr * d->page_size)
		return bad(d, "length %u, expected %zu + %u pages of %u", len, hdr, nr,
			   d->page_size);
	end = addr + (uint64_t)nr * d->page_size;
	if ((addr & (d->page_size - 1)) || addr < d->vma_start || end > d->vma_end || end < addr)
		return bad(d, "pages %#" PRIx64 "+%u outside the area %#" PRIx64 "-%#" PRIx64,
			   addr, nr, d->vma_start, d->vma_end);
	if (d->vma_flags & (CKPT_VMA_EXCLUDED | CKPT_VMA_SHARED))
		return bad(d, "pages stored for an excluded or shared area");
	if (!run && p->__reserved)
		return bad(d, "nonzero __reserved");
	d->vma_pages += nr;
	d->pages += nr;
	if (d->list_pages) {
		if (d->nruns == d->runs_cap) {
			size_t cap = d->runs_cap ? d->runs_cap * 2 : 16;
			struct pages_run *n = realloc(d->runs, cap * sizeof(*n));

			if (!n)
				return bad(d, "out of memory");
			d->runs = n;
			d->runs_cap = cap;
		}
		d->runs[d->nruns].addr = addr;
		d->runs[d->nruns].nr = nr;
		d->nruns++;
	}
	return 0;
}

/* Define open file @id for the fd records that follow; NULL: reported. */
static struct fobj *file_define(struct dec *d, uint32_t id, uint32_t kind, uint32_t flags,
				uint64_t pos, const char *path)
{
	struct fobj *o;

	if (!id)
		return bad(d, "file id 0"), NULL;
	if (obj_find(d, id) || cobj_find(d, id))
		return bad(d, "object id %u defined twice", id), NULL;
	o = obj_new(d);
	if (!o)
		return bad(d, "out of memory"), NULL;
	o->path = strdup(path);
	if (!o->path)
		return bad(d, "out of memory"), NULL;
	o->id = id;
	o->kind = kind;
	o->flags = flags;
	o->pos = pos;
	d->nfiles++;
	return o;
}

static const char *const unix_types[] = {
	[SOCK_STREAM] = "stream", [SOCK_DGRAM] = "dgram", [SOCK_SEQPACKET] = "seqpacket",
};

/* A unix socket name: a path, or "@" and an abstract name with escapes. */
static const char *unix_name(const uint8_t *b, uint32_t len, char *buf, size_t size)
{
	size_t o = 0;
	uint32_t i;

	if (!len)
		return "";
	if (b[0]) {
		snprintf(buf, size, "%.*s", (int)len - 1, (const char *)b);
		return buf;
	}
	buf[o++] = '@';
	for (i = 1; i < len && o + 5 < size; i++)
		o += snprintf(buf + o, size - o, b[i] >= 0x20 && b[i] < 0x7f && b[i] != '\\' ?
			      "%c" : "\\x%02x", b[i]);
	buf[o] = 0;
	return buf;
}

/* @len bytes at @b are a name as the kernel keeps sun_path. */
static int unix_name_ok(const uint8_t *b, uint32_t len)
{
	if (len > CKPT_UNIX_NAME_MAX)
		return 0;
	if (!len || !b[0])
		return 1;
	return !b[len - 1] && strnlen((const char *)b, len) == len - 1;
}

static int rec_unix(struct dec *d, uint32_t len)
{
	const struct ckpt_unix *u = (const void *)d->rec;
	uint32_t type = le32(u->type), flags = le32(u->flags), i, off = 0;
	uint32_t alen[3], nends;
	int pair = flags & CKPT_UNIX_PAIR;
	const uint8_t *names[3];
	char name[64], nbuf[3][4 * CKPT_UNIX_NAME_MAX + 2];

	if (need_task(d))
		return -1;
	if (len < sizeof(*u))
		return check_len(d, len, sizeof(*u));
	alen[0] = le32(u->end[0].addr_len);
	alen[1] = le32(u->end[1].addr_len);
	alen[2] = le32(u->peer_len);
	for (i = 0; i < 3; i++) {
		if (alen[i] > CKPT_UNIX_NAME_MAX || len < sizeof(*u) + (uint64_t)off + alen[i])
			return bad(d, "name %u of %u bytes in a record of %u", i, alen[i], len);
		names[i] = u->addr + off;
		off += alen[i];
		if (!unix_name_ok(names[i], alen[i]))
			return bad(d, "name %u is not a path and a NUL", i);
		unix_name(names[i], alen[i], nbuf[i], sizeof(nbuf[i]));
	}
	if (len != sizeof(*u) + off)
		return bad(d, "length %u, expected %zu + names %u", len, sizeof(*u), off);
	if (type >= sizeof(unix_types) / sizeof(unix_types[0]) || !unix_types[type])
		return bad(d, "unknown socket type %u", type);
	if (flags & ~(uint32_t)(CKPT_UNIX_PAIR | CKPT_UNIX_LISTEN | CKPT_UNIX_CONNECT))
		return bad(d, "unknown flags %#x", flags);
	if (!u->end[0].id)
		return bad(d, "end 0 has no file");
	if (!(flags & CKPT_UNIX_CONNECT) != !alen[2])
		return bad(d, "a peer name without CKPT_UNIX_CONNECT, or the reverse");
	if (!(flags & CKPT_UNIX_LISTEN) && u->backlog)
		return bad(d, "a backlog without CKPT_UNIX_LISTEN");
	nends = pair ? 2 : 1;
	for (i = 0; i < 2; i++) {
		const struct ckpt_unix_end *e = &u->end[i];

		if (le32(e->shutdown) > 3 || le32(e->opts) & ~15U)
			return bad(d, "end %u: bad shutdown %u or options %#x", i,
				   le32(e->shutdown), le32(e->opts));
		if (!pair && i && (e->id || e->nr_msgs || e->addr_len || e->opts))
			return bad(d, "a lone socket with a second end");
		if ((le32(e->opts) & CKPT_UNIX_BOUND) && !alen[i])
			return bad(d, "end %u: bound without a name", i);
		snprintf(name, sizeof(name), "unix %s socket%s, end %u", unix_types[type],
			 pair ? " pair" : "", i);
		if (e->id && !file_define(d, le32(e->id), 0, le32(e->flags), 0, name))
			return -1;
	}
	d->unix_msgs = le32(u->end[0].nr_msgs) + (uint64_t)le32(u->end[1].nr_msgs);

	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "type", "unix");
		jsonw_uint_field(json_wtr, "pid", d->pid);
		jsonw_string_field(json_wtr, "socket_type", unix_types[type]);
		jsonw_bool_field(json_wtr, "pair", pair);
		jsonw_bool_field(json_wtr, "listen", !!(flags & CKPT_UNIX_LISTEN));
		if (flags & CKPT_UNIX_LISTEN)
			jsonw_uint_field(json_wtr, "backlog", le32(u->backlog));
		if (flags & CKPT_UNIX_CONNECT)
			jsonw_string_field(json_wtr, "connect", nbuf[2]);
		jsonw_name(json_wtr, "ends");
		jsonw_start_array(json_wtr);
		for (i = 0; i < nends; i++) {
			jsonw_start_object(json_wtr);
			jsonw_uint_field(json_wtr, "file", le32(u->end[i].id));
			if (alen[i]) {
				jsonw_string_field(json_wtr, "name", nbuf[i]);
				jsonw_bool_field(json_wtr, "bound", !!(le32(u->end[i].opts) & CKPT_UNIX_BOUND));
			}
			jsonw_uint_field(json_wtr, "shutdown", le32(u->end[i].shutdown));
			jsonw_hex_field(json_wtr, "opts", le32(u->end[i].opts));
			jsonw_uint_field(json_wtr, "sndbuf", le32(u->end[i].sndbuf));
			jsonw_uint_field(json_wtr, "rcvbuf", le32(u->end[i].rcvbuf));
			jsonw_uint_field(json_wtr, "queued", le32(u->end[i].nr_msgs));
			jsonw_end_object(json_wtr);
		}
		jsonw_end_array(json_wtr);
		jsonw_end_object(json_wtr);
		return 0;
	}
	printf("  unix %s socket%s:", unix_types[type], pair ? " pair" : "");
	for (i = 0; i < nends; i++) {
		if (u->end[i].id)
			printf(" [%u]", le32(u->end[i].id));
		else
			printf(" (closed)");
		if (alen[i])
			printf(" %s %s", le32(u->end[i].opts) & CKPT_UNIX_BOUND ? "bound" : "named",
			       nbuf[i]);
		printf(" %u queued%s%s", le32(u->end[i].nr_msgs),
		       le32(u->end[i].shutdown) & 1 ? " shut-rd" : "",
		       le32(u->end[i].shutdown) & 2 ? " shut-wr" : "");
		if (!i && pair)
			printf(",");
	}
	if (flags & CKPT_UNIX_LISTEN)
		printf(", listening (backlog %u)", le32(u->backlog));
	if (flags & CKPT_UNIX_CONNECT)
		printf(", connected to %s", nbuf[2]);
	putchar('\n');
	return 0;
}

static int rec_unix_data(struct dec *d, uint32_t len)
{
	const struct ckpt_unix_data *u = (const void *)d->rec;
	uint32_t nfds, i;

	if (need_task(d))
		return -1;
	if (len < sizeof(*u))
		return check_len(d, len, sizeof(*u));
	if (!d->unix_msgs)
		return bad(d, "unix socket data that no unix socket record announced");
	nfds = le32(u->nr_fds);
	if (le32(u->end) > 1 || u->__reserved || nfds > CKPT_UNIX_MAX_FDS ||
	    len != sizeof(*u) + 4ULL * nfds + le32(u->len))
		return bad(d, "end %u, %u bytes and %u files in a record of %u", le32(u->end),
			   le32(u->len), nfds, len);
	for (i = 0; i < nfds; i++) {
		uint32_t id = le32(((const uint32_t *)u->data)[i]);

		if (!file_find(d, id))
			return bad(d, "file %u in flight is not defined", id);
	}
	d->unix_msgs--;
	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "type", "unix_data");
		jsonw_uint_field(json_wtr, "end", le32(u->end));
		jsonw_uint_field(json_wtr, "len", le32(u->len));
		jsonw_name(json_wtr, "files");
		jsonw_start_array(json_wtr);
		for (i = 0; i < nfds; i++)
			jsonw_uint(json_wtr, le32(((const uint32_t *)u->data)[i]));
		jsonw_end_array(json_wtr);
		jsonw_end_object(json_wtr);
	} else {
		printf("    queued to end %u: %u bytes", le32(u->end), le32(u->len));
		for (i = 0; i < nfds; i++)
			printf("%s[%u]", i ? " " : ", files ", le32(((const uint32_t *)u->data)[i]));
		putchar('\n');
	}
	return 0;
}

static int rec_file(struct dec *d, uint32_t len)
{
	const struct ckpt_file *f = (const void *)d->rec;
	uint32_t id = le32(f->id), kind = le32(f->kind), plen = le32(f->path_len);
	char flags[160];
	struct fobj *o;

	if (!d->have_table)
		return bad(d, "file before the task table");
	if (len < sizeof(*f))
		return check_len(d, len, sizeof(*f));
	if (len != sizeof(*f) + (uint64_t)plen + 1)
		return bad(d, "length %u, expected %zu + path_len %u + 1", len, sizeof(*f), plen);
	if (f->path[plen] || memchr(f->path, '\0', plen))
		return bad(d, "path is not %u bytes and a NUL", plen);
	if (!id)
		return bad(d, "file id 0");
	if (obj_find(d, id) || cobj_find(d, id))
		return bad(d, "file id %u defined twice", id);
	if (!kind_name(kind))
		return bad(d, "unknown file kind %u", kind);
	if (kind == CKPT_FILE_REGDATA) {
		struct cobj *c = cobj_find(d, le32(f->obj));

		if (!c || c->type != CKPT_REC_REGFILE || f->path[0] != '/' || f->mtime)
			return bad(d, "file %u: regular file %u is not defined before", id,
				   le32(f->obj));
	} else if (kind >= CKPT_FILE_SHMEM) {
		struct cobj *c = cobj_find(d, le32(f->rdev));

		if (!c || (c->type == CKPT_REC_UNLINKED) != (kind == CKPT_FILE_UNLINKED) ||
		    (c->type == CKPT_REC_SYSVSHM) != (kind == CKPT_FILE_SYSVSHM) ||
		    (kind == CKPT_FILE_SHMEM && c->kind != CKPT_SHMEM_ANON) ||
		    (kind == CKPT_FILE_MEMFD && c->kind != CKPT_SHMEM_MEMFD))
			return bad(d, "file %u: object %u is not a matching object defined before",
				   id, le32(f->rdev));
	} else if (kind == CKPT_FILE_DEV_EXCL) {
		if (!(d->exclude & CKPT_EXCL_DEV))
			return bad(d, "file %u: a device left out, in an image that keeps devices", id);
		if (f->pos || f->size)
			return bad(d, "file %u: a device left out with a position or size", id);
	} else if (kind >= CKPT_FILE_PIPE) {
		struct fobj *p = obj_find(d, le32(f->obj));

		bool pty = kind == CKPT_FILE_PTMX || kind == CKPT_FILE_PTS;

		if (!p || !p->pipe || p->kind != (pty ? CKPT_FILE_PTMX : kind))
			return bad(d, "file %u: %s %u is not defined before", id,
				   pty ? "pty" : kind_name(kind), le32(f->obj));
		if (kind == CKPT_FILE_MQUEUE) {
			if (le64(f->pos) > 80 || le64(f->size) != 80)
				return bad(d, "file %u: a message queue with position %" PRIu64
					   " and size %" PRIu64, id, (uint64_t)le64(f->pos),
					   (uint64_t)le64(f->size));
		} else if (f->pos || f->size) {
			return bad(d, "file %u: a pipe with a position or size", id);
		}
	}

	o = file_define(d, id, kind, le32(f->flags), le64(f->pos), (const char *)f->path);
	if (!o)
		return -1;
	open_flags_str(flags, sizeof(flags), o->flags);

	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "type", "file");
		if (d->in_task)
			jsonw_uint_field(json_wtr, "pid", d->pid);
		jsonw_uint_field(json_wtr, "id", id);
		jsonw_string_field(json_wtr, "kind", kind_name(kind));
		jsonw_hex_field(json_wtr, "flags", o->flags);
		jsonw_string_field(json_wtr, "flags_names", flags);
		snprintf(flags, sizeof(flags), "%#o", le32(f->mode));
		jsonw_string_field(json_wtr, "mode", flags);
		jsonw_uint_field(json_wtr, "pos", o->pos);
		jsonw_uint_field(json_wtr, "size", le64(f->size));
		if (kind >= CKPT_FILE_PIPE && kind != CKPT_FILE_DEV_EXCL)
			jsonw_uint_field(json_wtr, "obj", le32(f->obj));
		else
			jsonw_hex_field(json_wtr, "rdev", le32(f->rdev));
		jsonw_string_field(json_wtr, "path", o->path);
		jsonw_end_object(json_wtr);
	} else if (kind == CKPT_FILE_DEV_EXCL) {
		printf("  file [%u] device left out %s (rdev %u:%u), %s: /dev/null in its place\n",
		       id, o->path, (le32(f->rdev) & 0xfff00) >> 8,
		       (le32(f->rdev) & 0xff) | ((le32(f->rdev) >> 12) & 0xfff00), flags);
	} else if (kind >= CKPT_FILE_PIPE && kind < CKPT_FILE_SHMEM &&
		   kind != CKPT_FILE_REGDATA) {
		printf("  file [%u] %s %s on %s [%u], %s\n", id, kind_name(kind), o->path,
		       kind == CKPT_FILE_PTMX || kind == CKPT_FILE_PTS ? "pty" :
		       kind_name(kind), le32(f->obj), flags);
	} else {
		printf("  file [%u] %s %s, %s, mode %#o, pos %" PRIu64 ", size %" PRIu64, id,
		       kind_name(kind), o->path, flags, le32(f->mode), o->pos,
		       (uint64_t)le64(f->size));
		if (kind == CKPT_FILE_CHR)
			printf(", rdev %u:%u", (le32(f->rdev) & 0xfff00) >> 8,
			       (le32(f->rdev) & 0xff) | ((le32(f->rdev) >> 12) & 0xfff00));
		if (kind >= CKPT_FILE_SHMEM)
			printf(", object [%u]", le32(f->rdev));
		if (kind == CKPT_FILE_REGDATA)
			printf(", contents [%u]", le32(f->obj));
		putchar('\n');
	}
	return 0;
}

static int cobj_add(struct dec *d, uint32_t id, uint32_t kind, uint64_t size)
{
	struct cobj *c;

	if (!d->have_table)
		return bad(d, "object before the task table");
	if (!id)
		return bad(d, "object id 0");
	if (obj_find(d, id) || cobj_find(d, id))
		return bad(d, "object id %u defined twice", id);
	if (d->ncobjs == d->cobjs_cap) {
		size_t cap = d->cobjs_cap ? d->cobjs_cap * 2 : 16;
		struct cobj *n = realloc(d->cobjs, cap * sizeof(*n));

		if (!n)
			return bad(d, "out of memory");
		d->cobjs = n;
		d->cobjs_cap = cap;
	}
	c = &d->cobjs[d->ncobjs++];
	c->id = id;
	c->type = d->rec_type;
	c->kind = kind;
	c->size = size;
	return 0;
}

static void seals_str(char *s, size_t size, uint32_t seals)
{
	snprintf(s, size, "%s%s%s%s%s%s",
		 seals & 0x01 ? "seal," : "", seals & 0x02 ? "shrink," : "",
		 seals & 0x04 ? "grow," : "", seals & 0x08 ? "write," : "",
		 seals & 0x10 ? "future_write," : "", seals ? "" : "-,");
	s[strlen(s) - 1] = '\0';
}

static int rec_shmem(struct dec *d, uint32_t len)
{
	const struct ckpt_shmem *m = (const void *)d->rec;
	uint32_t kind = le32(m->kind), nlen = le32(m->name_len), seals = le32(m->seals);
	uint64_t size = le64(m->size);
	char sz[32], sl[64];

	if (len < sizeof(*m))
		return check_len(d, len, sizeof(*m));
	if (len != sizeof(*m) + (uint64_t)nlen + 1)
		return bad(d, "length %u, expected %zu + name_len %u + 1", len, sizeof(*m), nlen);
	if (m->name[nlen] || memchr(m->name, '\0', nlen))
		return bad(d, "name is not %u bytes and a NUL", nlen);
	if (kind != CKPT_SHMEM_ANON && kind != CKPT_SHMEM_MEMFD)
		return bad(d, "unknown shared memory kind %u", kind);
	if (seals & ~0x1fU)
		return bad(d, "unknown seals %#x", seals);
	if (kind == CKPT_SHMEM_ANON && (nlen || seals))
		return bad(d, "anonymous shared memory with a name or seals");
	if (cobj_add(d, le32(m->id), kind, size))
		return -1;
	size_str(sz, sizeof(sz), size);
	seals_str(sl, sizeof(sl), seals);
	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "type", "shmem");
		if (d->in_task)
			jsonw_uint_field(json_wtr, "pid", d->pid);
		jsonw_uint_field(json_wtr, "id", le32(m->id));
		jsonw_string_field(json_wtr, "kind", kind == CKPT_SHMEM_ANON ? "anon" : "memfd");
		jsonw_uint_field(json_wtr, "size", size);
		if (kind == CKPT_SHMEM_MEMFD) {
			jsonw_string_field(json_wtr, "name", (const char *)m->name);
			jsonw_string_field(json_wtr, "seals", sl);
		}
		jsonw_end_object(json_wtr);
	} else if (kind == CKPT_SHMEM_ANON) {
		printf("  shmem [%u] anon, size %s\n", le32(m->id), sz);
	} else {
		printf("  shmem [%u] memfd \"%s\", size %s, seals %s\n", le32(m->id),
		       (const char *)m->name, sz, sl);
	}
	return 0;
}

static int rec_unlinked(struct dec *d, uint32_t len)
{
	const struct ckpt_unlinked *u = (const void *)d->rec;
	uint32_t dlen = le32(u->dir_len), mode = le32(u->mode);
	uint64_t size = le64(u->size);

	if (len < sizeof(*u))
		return check_len(d, len, sizeof(*u));
	if (len != sizeof(*u) + (uint64_t)dlen + 1)
		return bad(d, "length %u, expected %zu + dir_len %u + 1", len, sizeof(*u), dlen);
	if (u->dir[dlen] || memchr(u->dir, '\0', dlen) || u->dir[0] != '/')
		return bad(d, "dir is not an absolute path of %u bytes and a NUL", dlen);
	if ((mode & 0170000) != 0100000)
		return bad(d, "mode %#o is not a regular file's", mode);
	if (u->__reserved)
		return bad(d, "nonzero __reserved");
	if (cobj_add(d, le32(u->id), 0, size))
		return -1;
	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "type", "unlinked");
		if (d->in_task)
			jsonw_uint_field(json_wtr, "pid", d->pid);
		jsonw_uint_field(json_wtr, "id", le32(u->id));
		jsonw_string_field(json_wtr, "dir", (const char *)u->dir);
		jsonw_uint_field(json_wtr, "mode", mode);
		jsonw_uint_field(json_wtr, "size", size);
		jsonw_end_object(json_wtr);
	} else {
		printf("  unlinked [%u] in %s, mode %#o, size %" PRIu64 "\n", le32(u->id),
		       (const char *)u->dir, mode, size);
	}
	return 0;
}

static int rec_regfile(struct dec *d, uint32_t len)
{
	const struct ckpt_regfile *r = (const void *)d->rec;
	uint32_t plen = le32(r->path_len), mode = le32(r->mode), id = le32(r->id);
	uint64_t size = le64(r->size);
	char sz[32];

	if (need_task(d))
		return -1;
	if (len < sizeof(*r))
		return check_len(d, len, sizeof(*r));
	if (len != sizeof(*r) + (uint64_t)plen + 1)
		return bad(d, "length %u, expected %zu + path_len %u + 1", len, sizeof(*r), plen);
	if (r->path[plen] || memchr(r->path, '\0', plen) || r->path[0] != '/')
		return bad(d, "path is not an absolute path of %u bytes and a NUL", plen);
	if ((mode & 0170000) != 0100000 || (mode & ~0177777U))
		return bad(d, "mode %#o is not a regular file's", mode);
	if (r->__reserved)
		return bad(d, "nonzero __reserved");
	if (size > INT64_MAX)
		return bad(d, "size %" PRIu64 " out of range", size);
	if (cobj_add(d, id, 0, size))
		return -1;
	d->rf_id = id;
	d->rf_next = 0;
	d->rf_size = size;
	size_str(sz, sizeof(sz), size);
	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "type", "regfile");
		jsonw_uint_field(json_wtr, "pid", d->pid);
		jsonw_uint_field(json_wtr, "id", id);
		jsonw_string_field(json_wtr, "path", (const char *)r->path);
		jsonw_uint_field(json_wtr, "mode", mode);
		jsonw_uint_field(json_wtr, "size", size);
		jsonw_uint_field(json_wtr, "mtime_ns", le64(r->mtime));
		jsonw_end_object(json_wtr);
	} else {
		printf("  regfile [%u] %s, mode %#o, size %s, contents follow\n", id,
		       (const char *)r->path, mode, sz);
	}
	return 0;
}

static int rec_regfile_data(struct dec *d, uint32_t len)
{
	const struct ckpt_regfile_data *r = (const void *)d->rec;
	uint64_t off = le64(r->offset), n;

	if (need_task(d))
		return -1;
	if (len <= sizeof(*r))
		return bad(d, "length %u, no contents", len);
	n = len - sizeof(*r);
	if (!d->rf_id || le32(r->file) != d->rf_id)
		return bad(d, "contents of regular file %u, where none is expected",
			   le32(r->file));
	if (r->__reserved || n > CKPT_REGFILE_CHUNK || off < d->rf_next ||
	    off > d->rf_size || n > d->rf_size - off)
		return bad(d, "contents of regular file %u: %" PRIu64 " bytes at %" PRIu64
			   ", after %" PRIu64 ", in a size of %" PRIu64, d->rf_id, n, off,
			   d->rf_next, d->rf_size);
	d->rf_next = off + n;
	d->rf_bytes += n;
	if (!d->list_pages)
		return 0;
	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "type", "regfile_data");
		jsonw_uint_field(json_wtr, "file", d->rf_id);
		jsonw_uint_field(json_wtr, "offset", off);
		jsonw_uint_field(json_wtr, "bytes", n);
		jsonw_end_object(json_wtr);
	} else {
		printf("    regfile [%u] bytes %" PRIu64 "-%" PRIu64 "\n", d->rf_id, off, off + n);
	}
	return 0;
}

static int rec_sysvshm(struct dec *d, uint32_t len)
{
	const struct ckpt_sysvshm *m = (const void *)d->rec;
	uint32_t mode = le32(m->mode);
	uint64_t size = le64(m->size);
	char sz[32];

	if (check_len(d, len, sizeof(*m)))
		return -1;
	if (mode & ~(uint32_t)(0777 | CKPT_SHM_DEST))
		return bad(d, "unknown mode bits %#o", mode);
	if (!size)
		return bad(d, "empty segment");
	if (cobj_add(d, le32(m->id), 0, size))
		return -1;
	size_str(sz, sizeof(sz), size);
	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "type", "sysvshm");
		if (d->in_task)
			jsonw_uint_field(json_wtr, "pid", d->pid);
		jsonw_uint_field(json_wtr, "id", le32(m->id));
		jsonw_uint_field(json_wtr, "shmid", le32(m->shmid));
		jsonw_hex_field(json_wtr, "key", le32(m->key));
		jsonw_uint_field(json_wtr, "mode", mode);
		jsonw_uint_field(json_wtr, "uid", le32(m->uid));
		jsonw_uint_field(json_wtr, "gid", le32(m->gid));
		jsonw_uint_field(json_wtr, "cuid", le32(m->cuid));
		jsonw_uint_field(json_wtr, "cgid", le32(m->cgid));
		jsonw_uint_field(json_wtr, "size", size);
		jsonw_hex_field(json_wtr, "addr", le64(m->addr));
		jsonw_end_object(json_wtr);
	} else {
		printf("  sysvshm [%u] shmid %u key %#x, mode %#o%s, uid %u gid %u cuid %u cgid %u,"
		       " size %s, at %#" PRIx64 "\n", le32(m->id), le32(m->shmid), le32(m->key),
		       mode & 0777, mode & CKPT_SHM_DEST ? " removed" : "", le32(m->uid),
		       le32(m->gid), le32(m->cuid), le32(m->cgid), sz, (uint64_t)le64(m->addr));
	}
	return 0;
}

static int ipc_perm_check(struct dec *d, const struct ckpt_ipc_perm *p)
{
	if (le32(p->mode) & ~0777U)
		return bad(d, "unknown mode bits %#o", le32(p->mode));
	return 0;
}

static void ipc_perm_json(const struct ckpt_ipc_perm *p)
{
	jsonw_hex_field(json_wtr, "key", le32(p->key));
	jsonw_uint_field(json_wtr, "mode", le32(p->mode));
	jsonw_uint_field(json_wtr, "uid", le32(p->uid));
	jsonw_uint_field(json_wtr, "gid", le32(p->gid));
	jsonw_uint_field(json_wtr, "cuid", le32(p->cuid));
	jsonw_uint_field(json_wtr, "cgid", le32(p->cgid));
}

/* At most 16 of @n signed or unsigned 16-bit values, space separated. */
static void values_str(char *s, size_t size, const __le16 *v, uint32_t n, bool sign)
{
	size_t used = 0;
	uint32_t i;

	s[0] = '\0';
	for (i = 0; i < n && i < 16 && used < size; i++) {
		int x = sign ? (int16_t)le16(v[i]) : le16(v[i]);

		used += snprintf(s + used, size - used, "%s%s%d", i ? " " : "",
				 sign && x > 0 ? "+" : "", x);
	}
	if (n > 16 && used < size)
		snprintf(s + used, size - used, " ...");
}

static int rec_sysvsem(struct dec *d, uint32_t len)
{
	const struct ckpt_sysvsem *m = (const void *)d->rec;
	uint32_t nsems = le32(m->nsems), i;
	char vals[160];

	if (need_task(d))
		return -1;
	if (len < sizeof(*m))
		return check_len(d, len, sizeof(*m));
	if (!nsems || nsems > CKPT_SEM_MAX)
		return bad(d, "%u semaphores", nsems);
	if (len != sizeof(*m) + 2ULL * nsems)
		return bad(d, "length %u, expected %zu + 2 * %u", len, sizeof(*m), nsems);
	if (m->__reserved)
		return bad(d, "nonzero __reserved");
	if (ipc_perm_check(d, &m->perm))
		return -1;
	for (i = 0; i < nsems; i++)
		if (le16(m->values[i]) > CKPT_SEM_VMAX)
			return bad(d, "semaphore %u: value %u", i, le16(m->values[i]));
	if (cobj_add(d, le32(m->id), le32(m->semid), nsems))
		return -1;
	values_str(vals, sizeof(vals), m->values, nsems, false);
	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "type", "sysvsem");
		jsonw_uint_field(json_wtr, "pid", d->pid);
		jsonw_uint_field(json_wtr, "id", le32(m->id));
		jsonw_uint_field(json_wtr, "semid", le32(m->semid));
		ipc_perm_json(&m->perm);
		jsonw_uint_field(json_wtr, "nsems", nsems);
		jsonw_end_object(json_wtr);
	} else {
		printf("  sysvsem [%u] semid %u key %#x, mode %#o, %u semaphores: %s"
		       " (uid %u gid %u cuid %u cgid %u)\n", le32(m->id), le32(m->semid),
		       le32(m->perm.key), le32(m->perm.mode), nsems, vals, le32(m->perm.uid),
		       le32(m->perm.gid), le32(m->perm.cuid), le32(m->perm.cgid));
	}
	return 0;
}

static int rec_semundo(struct dec *d, uint32_t len)
{
	const struct ckpt_semundo *u = (const void *)d->rec;
	uint32_t nsems = le32(u->nsems), id = le32(u->sem);
	struct cobj *c = cobj_find(d, id);
	char vals[160];

	if (need_task(d))
		return -1;
	if (len < sizeof(*u))
		return check_len(d, len, sizeof(*u));
	if (!c || c->type != CKPT_REC_SYSVSEM)
		return bad(d, "semaphore set %u is not defined before", id);
	if (nsems != c->size || len != sizeof(*u) + 2ULL * nsems)
		return bad(d, "%u adjustments in %u bytes for a set of %" PRIu64, nsems, len,
			   c->size);
	values_str(vals, sizeof(vals), u->semadj, nsems, true);
	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "type", "semundo");
		jsonw_uint_field(json_wtr, "pid", d->pid);
		jsonw_uint_field(json_wtr, "sem", id);
		jsonw_uint_field(json_wtr, "semid", c->kind);
		jsonw_end_object(json_wtr);
	} else {
		printf("  semundo [%u] semid %u: %s\n", id, c->kind, vals);
	}
	return 0;
}

static int rec_sysvmsg(struct dec *d, uint32_t len)
{
	const struct ckpt_sysvmsg *m = (const void *)d->rec;
	uint32_t nr = le32(m->nr_msgs);

	if (need_task(d) || check_len(d, len, sizeof(*m)))
		return -1;
	if (m->__reserved)
		return bad(d, "nonzero __reserved");
	if (ipc_perm_check(d, &m->perm))
		return -1;
	if (cobj_add(d, le32(m->id), le32(m->msqid), nr))
		return -1;
	d->msq_id = le32(m->id);
	d->msq_left = nr;
	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "type", "sysvmsg");
		jsonw_uint_field(json_wtr, "pid", d->pid);
		jsonw_uint_field(json_wtr, "id", le32(m->id));
		jsonw_uint_field(json_wtr, "msqid", le32(m->msqid));
		ipc_perm_json(&m->perm);
		jsonw_uint_field(json_wtr, "qbytes", le64(m->qbytes));
		jsonw_uint_field(json_wtr, "messages", nr);
		jsonw_end_object(json_wtr);
	} else {
		printf("  sysvmsg [%u] msqid %u key %#x, mode %#o, qbytes %" PRIu64
		       ", %u messages (uid %u gid %u cuid %u cgid %u)\n", le32(m->id),
		       le32(m->msqid), le32(m->perm.key), le32(m->perm.mode),
		       (uint64_t)le64(m->qbytes), nr, le32(m->perm.uid), le32(m->perm.gid),
		       le32(m->perm.cuid), le32(m->perm.cgid));
	}
	return 0;
}

static int rec_sysvmsg_data(struct dec *d, uint32_t len)
{
	const struct ckpt_sysvmsg_data *m = (const void *)d->rec;
	uint32_t n = le32(m->len);
	int64_t type = (int64_t)le64(m->mtype);

	if (need_task(d))
		return -1;
	if (len < sizeof(*m) || len != sizeof(*m) + (uint64_t)n)
		return bad(d, "length %u for %u bytes of text", len, n);
	if (!d->msq_left || le32(m->msq) != d->msq_id)
		return bad(d, "a message of queue %u, where none is expected", le32(m->msq));
	if (type <= 0)
		return bad(d, "message type %" PRId64, type);
	d->msq_left--;
	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "type", "sysvmsg_data");
		jsonw_uint_field(json_wtr, "msq", le32(m->msq));
		jsonw_uint_field(json_wtr, "mtype", type);
		jsonw_uint_field(json_wtr, "bytes", n);
		jsonw_end_object(json_wtr);
	} else {
		printf("  sysvmsg_data [%u] type %" PRId64 ", %u bytes\n", le32(m->msq), type, n);
	}
	return 0;
}

/* The fixed part of CKPT_REC_SHMEM_PAGES is in d->rec; the contents are still to read. */
static int rec_shmem_pages(struct dec *d, uint32_t len)
{
	const struct ckpt_shmem_pages *p = (const void *)d->rec;
	uint32_t nr = le32(p->nr_pages), id = le32(p->id);
	uint64_t pgoff = le64(p->pgoff);
	struct cobj *c = cobj_find(d, id);

	if (!c)
		return bad(d, "object %u is not defined before", id);
	if (nr < 1 || nr > CKPT_PAGES_MAX)
		return bad(d, "%u pages, expected 1 to %d", nr, CKPT_PAGES_MAX);
	if (len != sizeof(*p) + (uint64_t)nr * d->page_size)
		return bad(d, "length %u, expected %zu + %u pages of %u", len, sizeof(*p), nr,
			   d->page_size);
	if (pgoff > (UINT64_MAX >> 20) || (pgoff + nr - 1) * d->page_size >= c->size)
		return bad(d, "pages %" PRIu64 "+%u beyond the size %" PRIu64 " of object %u",
			   pgoff, nr, c->size, id);
	d->obj_pages += nr;
	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "type", "shmem_pages");
		jsonw_uint_field(json_wtr, "id", id);
		jsonw_uint_field(json_wtr, "pgoff", pgoff);
		jsonw_uint_field(json_wtr, "nr_pages", nr);
		jsonw_end_object(json_wtr);
	} else {
		printf("    object [%u] pages %" PRIu64 "-%" PRIu64 " (%u)\n", id, pgoff,
		       pgoff + nr, nr);
	}
	return 0;
}

static int rec_pipe(struct dec *d, uint32_t len)
{
	const struct ckpt_pipe *p = (const void *)d->rec;
	uint32_t id = le32(p->id), kind = le32(p->kind), plen = le32(p->path_len);
	uint32_t size = le32(p->size), nr = le32(p->nr_bytes);
	struct fobj *o;

	if (need_task(d))
		return -1;
	if (len < sizeof(*p))
		return check_len(d, len, sizeof(*p));
	if (len != sizeof(*p) + (uint64_t)plen + 1)
		return bad(d, "length %u, expected %zu + path_len %u + 1", len, sizeof(*p), plen);
	if (p->path[plen] || memchr(p->path, '\0', plen))
		return bad(d, "path is not %u bytes and a NUL", plen);
	if (!id)
		return bad(d, "pipe id 0");
	if (obj_find(d, id) || cobj_find(d, id))
		return bad(d, "object id %u defined twice", id);
	if (kind != CKPT_FILE_PIPE && kind != CKPT_FILE_FIFO)
		return bad(d, "pipe %u: unknown kind %u", id, kind);
	if (kind == CKPT_FILE_FIFO && p->path[0] != '/')
		return bad(d, "FIFO %u: path %s is not absolute", id, p->path);
	if (!size || size % d->page_size || ((size / d->page_size) & (size / d->page_size - 1)))
		return bad(d, "pipe %u: size %u is not a power of 2 pages", id, size);
	if (nr > size)
		return bad(d, "pipe %u: holds %u bytes, more than its size %u", id, nr, size);
	if (p->__reserved)
		return bad(d, "nonzero __reserved");

	o = obj_new(d);
	if (!o)
		return bad(d, "out of memory");
	o->path = strdup((const char *)p->path);
	if (!o->path)
		return bad(d, "out of memory");
	o->id = id;
	o->kind = kind;
	o->pipe = true;
	d->nfiles++;
	d->pipe_id = id;
	d->pipe_off = 0;
	d->pipe_left = nr;

	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "type", "pipe");
		jsonw_uint_field(json_wtr, "pid", d->pid);
		jsonw_uint_field(json_wtr, "id", id);
		jsonw_string_field(json_wtr, "kind", kind_name(kind));
		jsonw_string_field(json_wtr, "path", o->path);
		jsonw_uint_field(json_wtr, "size", size);
		jsonw_uint_field(json_wtr, "bytes", nr);
		jsonw_end_object(json_wtr);
	} else {
		printf("  pipe [%u] %s%s, size %u, %u bytes\n", id,
		       kind == CKPT_FILE_FIFO ? "fifo " : "", o->path, size, nr);
	}
	return 0;
}

static int rec_pipe_data(struct dec *d, uint32_t len)
{
	const struct ckpt_pipe_data *p = (const void *)d->rec;
	uint32_t n;

	if (len <= sizeof(*p))
		return bad(d, "length %u, no data", len);
	n = len - sizeof(*p);
	if (!d->pipe_left)
		return bad(d, "no pipe waits for data");
	if (le32(p->pipe) != d->pipe_id || le32(p->offset) != d->pipe_off)
		return bad(d, "data of pipe %u at %u, expected pipe %u at %u", le32(p->pipe),
			   le32(p->offset), d->pipe_id, d->pipe_off);
	if (n > d->pipe_left)
		return bad(d, "pipe %u: %u bytes, only %u left", d->pipe_id, n, d->pipe_left);
	d->pipe_off += n;
	d->pipe_left -= n;
	return 0;
}

static int rec_eventfd(struct dec *d, uint32_t len)
{
	const struct ckpt_eventfd *e = (const void *)d->rec;
	uint32_t id = le32(e->id), flags = le32(e->flags);
	uint64_t count = le64(e->count);
	struct fobj *o;

	if (need_task(d) || check_len(d, len, sizeof(*e)))
		return -1;
	if (!id)
		return bad(d, "eventfd id 0");
	if (obj_find(d, id) || cobj_find(d, id))
		return bad(d, "object id %u defined twice", id);
	if (flags & ~(uint32_t)CKPT_EVENTFD_SEMAPHORE)
		return bad(d, "eventfd %u: unknown flags %#x", id, flags);
	if (count == UINT64_MAX)
		return bad(d, "eventfd %u: count 2^64 - 1", id);
	o = obj_new(d);
	if (!o)
		return bad(d, "out of memory");
	o->path = strdup("eventfd");
	if (!o->path)
		return bad(d, "out of memory");
	o->id = id;
	o->kind = CKPT_FILE_EVENTFD;
	o->pipe = true;
	d->nfiles++;

	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "type", "eventfd");
		jsonw_uint_field(json_wtr, "pid", d->pid);
		jsonw_uint_field(json_wtr, "id", id);
		jsonw_uint_field(json_wtr, "count", count);
		jsonw_bool_field(json_wtr, "semaphore", flags & CKPT_EVENTFD_SEMAPHORE);
		jsonw_end_object(json_wtr);
	} else {
		printf("  eventfd [%u] count %" PRIu64 "%s\n", id, count,
		       flags & CKPT_EVENTFD_SEMAPHORE ? ", semaphore" : "");
	}
	return 0;
}

/* Define the object of a file kind from 16 up, named @what. */
static struct fobj *anon_obj_new(struct dec *d, uint32_t id, uint32_t kind,
				 const char *what)
{
	struct fobj *o;

	if (need_task(d))
		return NULL;
	if (!id) {
		bad(d, "%s id 0", what);
		return NULL;
	}
	if (obj_find(d, id) || cobj_find(d, id)) {
		bad(d, "object id %u defined twice", id);
		return NULL;
	}
	o = obj_new(d);
	if (!o || !(o->path = strdup(what))) {
		bad(d, "out of memory");
		return NULL;
	}
	o->id = id;
	o->kind = kind;
	o->pipe = true;
	d->nfiles++;
	return o;
}

static int rec_mqueue(struct dec *d, uint32_t len)
{
	const struct ckpt_mqueue *m = (const void *)d->rec;
	uint32_t id = le32(m->id), nr = le32(m->nr_msgs), nlen = le32(m->name_len);
	uint32_t flags = le32(m->flags);
	uint64_t maxmsg = le64(m->maxmsg), msgsize = le64(m->msgsize);
	const char *name = (const char *)m->name;

	if (need_task(d))
		return -1;
	if (len < sizeof(*m) || len != sizeof(*m) + (uint64_t)nlen + 1)
		return bad(d, "length %u for a name of %u bytes", len, nlen);
	if (!nlen || nlen > CKPT_MQ_NAME_MAX || name[nlen] ||
	    memchr(name, '\0', nlen) || memchr(name, '/', nlen) ||
	    !strcmp(name, ".") || !strcmp(name, ".."))
		return bad(d, "message queue %u: a bad name", id);
	if (m->__reserved || (flags & ~CKPT_MQ_UNLINKED) || (le32(m->mode) & ~0777))
		return bad(d, "message queue %u: bad flags, mode or reserved field", id);
	if (!maxmsg || maxmsg > 65536 || !msgsize || msgsize > 16 * 1024 * 1024 ||
	    nr > maxmsg)
		return bad(d, "message queue %u: maxmsg %" PRIu64 ", msgsize %" PRIu64
			   ", %u messages", id, maxmsg, msgsize, nr);
	if (!anon_obj_new(d, id, CKPT_FILE_MQUEUE, "mqueue"))
		return -1;
	d->mq_id = id;
	d->mq_left = nr;
	d->mq_msgsize = msgsize;
	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "type", "mqueue");
		jsonw_uint_field(json_wtr, "pid", d->pid);
		jsonw_uint_field(json_wtr, "id", id);
		jsonw_string_field(json_wtr, "name", name);
		jsonw_uint_field(json_wtr, "unlinked", !!(flags & CKPT_MQ_UNLINKED));
		jsonw_uint_field(json_wtr, "mode", le32(m->mode));
		jsonw_uint_field(json_wtr, "uid", le32(m->uid));
		jsonw_uint_field(json_wtr, "gid", le32(m->gid));
		jsonw_uint_field(json_wtr, "maxmsg", maxmsg);
		jsonw_uint_field(json_wtr, "msgsize", msgsize);
		jsonw_uint_field(json_wtr, "messages", nr);
		jsonw_end_object(json_wtr);
	} else {
		printf("  mqueue [%u] /%s%s, mode %04o, uid %u gid %u, maxmsg %" PRIu64
		       ", msgsize %" PRIu64 ", %u messages\n", id, name,
		       flags & CKPT_MQ_UNLINKED ? " (unlinked)" : "", le32(m->mode),
		       le32(m->uid), le32(m->gid), maxmsg, msgsize, nr);
	}
	return 0;
}

/* "127.0.0.1:80", "[::1]:80" */
static void netsock_addr(char *buf, size_t size, uint32_t family, const uint8_t *a,
			 uint16_t port)
{
	char ip[INET6_ADDRSTRLEN];

	inet_ntop(family == AF_INET ? AF_INET : AF_INET6, a, ip, sizeof(ip));
	snprintf(buf, size, family == AF_INET ? "%s:%u" : "[%s]:%u", ip, port);
}

static const char *netsock_what(uint32_t family, uint32_t type, uint32_t proto)
{
	if (family == AF_INET || family == AF_INET6) {
		if (type == SOCK_STREAM && proto == IPPROTO_TCP)
			return "TCP";
		if (type == SOCK_DGRAM && proto == IPPROTO_UDP)
			return "UDP";
		return type == SOCK_RAW ? "raw IP" : "IP";
	}
	if (family == AF_NETLINK)
		return "netlink";
	if (family == AF_PACKET)
		return "packet";
	return "other";
}

static int rec_netsock(struct dec *d, uint32_t len)
{
	const struct ckpt_netsock *n = (const void *)d->rec;
	uint32_t id = le32(n->id), family = le32(n->family), type = le32(n->type);
	uint32_t proto = le32(n->protocol), state = le32(n->state), flags = le32(n->flags);
	bool inet = family == AF_INET || family == AF_INET6;
	char local[64] = "", peer[64] = "";

	if (need_task(d))
		return -1;
	if (len != sizeof(*n))
		return check_len(d, len, sizeof(*n));
	if (!(d->exclude & CKPT_EXCL_NET))
		return bad(d, "network socket %u in an image that keeps network sockets", id);
	if (family == AF_UNIX || !type || proto > 255 || state > 255 ||
	    (flags & ~(uint32_t)(CKPT_NETSOCK_CONNECTED | CKPT_NETSOCK_BOUND |
				 CKPT_NETSOCK_REUSEADDR | CKPT_NETSOCK_REUSEPORT)) ||
	    (!inet && (flags || n->lport || n->rport)))
		return bad(d, "network socket %u: family %u, type %u, protocol %u, state %u, flags %#x",
			   id, family, type, proto, state, flags);
	if (!anon_obj_new(d, id, CKPT_FILE_NETSOCK, "netsock"))
		return -1;
	if (inet) {
		netsock_addr(local, sizeof(local), family, n->laddr, le16(n->lport));
		netsock_addr(peer, sizeof(peer), family, n->raddr, le16(n->rport));
	}
	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "type", "netsock");
		jsonw_uint_field(json_wtr, "pid", d->pid);
		jsonw_uint_field(json_wtr, "id", id);
		jsonw_uint_field(json_wtr, "family", family);
		jsonw_uint_field(json_wtr, "sock_type", type);
		jsonw_uint_field(json_wtr, "protocol", proto);
		jsonw_string_field(json_wtr, "what", netsock_what(family, type, proto));
		jsonw_uint_field(json_wtr, "state", state);
		jsonw_hex_field(json_wtr, "flags", flags);
		jsonw_uint_field(json_wtr, "backlog", le32(n->backlog));
		if (inet) {
			jsonw_string_field(json_wtr, "local", local);
			jsonw_string_field(json_wtr, "peer", peer);
		}
		jsonw_end_object(json_wtr);
	} else {
		printf("  network socket [%u] %s, family %u type %u protocol %u, state %u",
		       id, netsock_what(family, type, proto), family, type, proto, state);
		if (inet)
			printf(", %s%s%s", local,
			       flags & CKPT_NETSOCK_CONNECTED ? " -> " : "",
			       flags & CKPT_NETSOCK_CONNECTED ? peer : "");
		if (state == 10)
			printf(", listening, backlog %u", le32(n->backlog));
		printf("%s%s%s: left out\n", flags & CKPT_NETSOCK_BOUND ? ", bound" : "",
		       flags & CKPT_NETSOCK_REUSEADDR ? ", SO_REUSEADDR" : "",
		       flags & CKPT_NETSOCK_REUSEPORT ? ", SO_REUSEPORT" : "");
	}
	return 0;
}

static int rec_mqueue_msg(struct dec *d, uint32_t len)
{
	const struct ckpt_mqueue_msg *m = (const void *)d->rec;
	uint32_t n = le32(m->len), prio = le32(m->prio);

	if (need_task(d))
		return -1;
	if (len < sizeof(*m) || len != sizeof(*m) + (uint64_t)n)
		return bad(d, "length %u for %u bytes of message", len, n);
	if (!d->mq_left || le32(m->mq) != d->mq_id)
		return bad(d, "a message of queue %u, where none is expected", le32(m->mq));
	if (m->__reserved || prio >= CKPT_MQ_PRIO_MAX || n > d->mq_msgsize)
		return bad(d, "message of queue %u: priority %u, %u bytes", le32(m->mq),
			   prio, n);
	d->mq_left--;
	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "type", "mqueue_msg");
		jsonw_uint_field(json_wtr, "mq", le32(m->mq));
		jsonw_uint_field(json_wtr, "prio", prio);
		jsonw_uint_field(json_wtr, "bytes", n);
		jsonw_end_object(json_wtr);
	} else {
		printf("  mqueue_msg [%u] prio %u, %u bytes\n", le32(m->mq), prio, n);
	}
	return 0;
}

static int rec_signalfd(struct dec *d, uint32_t len)
{
	const struct ckpt_signalfd *r = (const void *)d->rec;
	uint32_t id = le32(r->id);
	uint64_t mask = le64(r->mask);
	char names[512], name[16];
	size_t used = 0;
	int sig;

	if (check_len(d, len, sizeof(*r)))
		return -1;
	if (r->__reserved)
		return bad(d, "signalfd %u: reserved field not zero", id);
	if (mask & ((1ULL << (SIGKILL - 1)) | (1ULL << (SIGSTOP - 1))))
		return bad(d, "signalfd %u: SIGKILL or SIGSTOP in the mask", id);
	if (!anon_obj_new(d, id, CKPT_FILE_SIGNALFD, "signalfd"))
		return -1;
	names[0] = '\0';
	for (sig = 1; sig <= 64; sig++) {
		if (!(mask & (1ULL << (sig - 1))) || used >= sizeof(names))
			continue;
		sig_name(name, sizeof(name), sig);
		used += snprintf(names + used, sizeof(names) - used, "%s%s",
				 used ? " " : "", name);
	}
	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "type", "signalfd");
		jsonw_uint_field(json_wtr, "pid", d->pid);
		jsonw_uint_field(json_wtr, "id", id);
		jsonw_hex_field(json_wtr, "mask", mask);
		jsonw_string_field(json_wtr, "signals", names);
		jsonw_end_object(json_wtr);
	} else {
		printf("  signalfd [%u] mask %#018" PRIx64 " (%s)\n", id, mask,
		       used ? names : "-");
	}
	return 0;
}

static const char *timerfd_clock(uint32_t clock)
{
	switch (clock) {
	case 0:	return "realtime";
	case 1:	return "monotonic";
	case 7:	return "boottime";
	case 8:	return "realtime_alarm";
	case 9:	return "boottime_alarm";
	}
	return NULL;
}

static int rec_timerfd(struct dec *d, uint32_t len)
{
	const struct ckpt_timerfd *r = (const void *)d->rec;
	uint32_t id = le32(r->id), clock = le32(r->clockid), flags = le32(r->settime_flags);
	uint64_t value = le64(r->value_ns), interval = le64(r->interval_ns);
	uint64_t ticks = le64(r->ticks);

	if (check_len(d, len, sizeof(*r)))
		return -1;
	if (r->__reserved)
		return bad(d, "timerfd %u: reserved field not zero", id);
	if (!timerfd_clock(clock))
		return bad(d, "timerfd %u: clock %u", id, clock);
	if (flags & ~(uint32_t)(CKPT_TFD_TIMER_ABSTIME | CKPT_TFD_TIMER_CANCEL_ON_SET))
		return bad(d, "timerfd %u: unknown flags %#x", id, flags);
	if (value > INT64_MAX || interval > INT64_MAX)
		return bad(d, "timerfd %u: time out of range", id);
	if (!anon_obj_new(d, id, CKPT_FILE_TIMERFD, "timerfd"))
		return -1;
	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "type", "timerfd");
		jsonw_uint_field(json_wtr, "pid", d->pid);
		jsonw_uint_field(json_wtr, "id", id);
		jsonw_string_field(json_wtr, "clock", timerfd_clock(clock));
		jsonw_uint_field(json_wtr, "value_ns", value);
		jsonw_uint_field(json_wtr, "interval_ns", interval);
		jsonw_uint_field(json_wtr, "ticks", ticks);
		jsonw_bool_field(json_wtr, "abstime", flags & CKPT_TFD_TIMER_ABSTIME);
		jsonw_bool_field(json_wtr, "cancel_on_set", flags & CKPT_TFD_TIMER_CANCEL_ON_SET);
		jsonw_end_object(json_wtr);
	} else {
		printf("  timerfd [%u] clock %s, left %" PRIu64 " ns, interval %" PRIu64
		       " ns, ticks %" PRIu64 "%s%s\n", id, timerfd_clock(clock), value,
		       interval, ticks, flags & CKPT_TFD_TIMER_ABSTIME ? ", abstime" : "",
		       flags & CKPT_TFD_TIMER_CANCEL_ON_SET ? ", cancel_on_set" : "");
	}
	return 0;
}

static int rec_pty(struct dec *d, uint32_t len)
{
	const struct ckpt_pty *r = (const void *)d->rec;
	uint32_t id = le32(r->id), flags = le32(r->flags), plen = le32(r->path_len);
	uint32_t nr_in = le32(r->nr_in), nr_out = le32(r->nr_out);
	uint32_t sid = le32(r->sid), pgrp = le32(r->pgrp), pkt = le32(r->pktstatus);
	const struct ckpt_termios *t = &r->termios;
	char cc[3 * CKPT_NCCS + 1];
	size_t i;

	if (len < sizeof(*r))
		return check_len(d, len, sizeof(*r));
	if (len != sizeof(*r) + (uint64_t)plen + 1)
		return bad(d, "length %u, expected %zu + path_len %u + 1", len, sizeof(*r), plen);
	if (r->path[plen] || memchr(r->path, '\0', plen) || r->path[0] != '/')
		return bad(d, "path is not %u bytes of an absolute path and a NUL", plen);
	if (r->__reserved || t->__reserved[0] || t->__reserved[1] || t->__reserved[2] ||
	    t->__reserved[3])
		return bad(d, "pty %u: reserved field not zero", id);
	if (flags & ~(CKPT_PTY_LOCKED | CKPT_PTY_PACKET | CKPT_PTY_MASTER_EXCL |
		      CKPT_PTY_SLAVE_EXCL))
		return bad(d, "pty %u: unknown flags %#x", id, flags);
	if (t->line)
		return bad(d, "pty %u: line discipline %u", id, t->line);
	if (nr_in > CKPT_PTY_BUF_MAX || nr_out > CKPT_PTY_BUF_MAX)
		return bad(d, "pty %u: %u and %u bytes buffered, at most %u", id, nr_in, nr_out,
			   CKPT_PTY_BUF_MAX);
	if (pgrp && !sid)
		return bad(d, "pty %u: a foreground group without a session", id);
	if (pkt & ~0x7fu || (pkt && !(flags & CKPT_PTY_PACKET)))
		return bad(d, "pty %u: packet status %#x", id, pkt);
	if (d->pty_left[0] || d->pty_left[1])
		return bad(d, "pty %u before the bytes of pty %u", id, d->pty_id);
	if (!anon_obj_new(d, id, CKPT_FILE_PTMX, "pty"))
		return -1;
	d->pty_id = id;
	d->pty_left[0] = nr_in;
	d->pty_left[1] = nr_out;
	for (i = 0; i < CKPT_NCCS; i++)
		snprintf(cc + 3 * i, sizeof(cc) - 3 * i, "%s%02x", i ? " " : "", t->cc[i]);

	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "type", "pty");
		jsonw_uint_field(json_wtr, "pid", d->pid);
		jsonw_uint_field(json_wtr, "id", id);
		jsonw_uint_field(json_wtr, "index", le32(r->index));
		jsonw_string_field(json_wtr, "path", (const char *)r->path);
		jsonw_hex_field(json_wtr, "flags", flags);
		jsonw_hex_field(json_wtr, "pktstatus", pkt);
		jsonw_hex_field(json_wtr, "iflag", le32(t->iflag));
		jsonw_hex_field(json_wtr, "oflag", le32(t->oflag));
		jsonw_hex_field(json_wtr, "cflag", le32(t->cflag));
		jsonw_hex_field(json_wtr, "lflag", le32(t->lflag));
		jsonw_uint_field(json_wtr, "ispeed", le32(t->ispeed));
		jsonw_uint_field(json_wtr, "ospeed", le32(t->ospeed));
		jsonw_string_field(json_wtr, "cc", cc);
		jsonw_uint_field(json_wtr, "rows", le16(r->ws_row));
		jsonw_uint_field(json_wtr, "cols", le16(r->ws_col));
		jsonw_uint_field(json_wtr, "sid", sid);
		jsonw_uint_field(json_wtr, "pgrp", pgrp);
		jsonw_uint_field(json_wtr, "bytes_in", nr_in);
		jsonw_uint_field(json_wtr, "bytes_out", nr_out);
		jsonw_end_object(json_wtr);
	} else {
		printf("  pty [%u] /dev/pts/%u through %s, %ux%u, in %u bytes, out %u bytes",
		       id, le32(r->index), r->path, le16(r->ws_row), le16(r->ws_col), nr_in,
		       nr_out);
		if (sid)
			printf(", session %u, foreground %u", sid, pgrp);
		printf("%s%s%s%s\n", flags & CKPT_PTY_LOCKED ? ", locked" : "",
		       flags & CKPT_PTY_PACKET ? ", packet" : "",
		       flags & CKPT_PTY_MASTER_EXCL ? ", master exclusive" : "",
		       flags & CKPT_PTY_SLAVE_EXCL ? ", slave exclusive" : "");
		printf("    termios iflag %#x oflag %#x cflag %#x lflag %#x speed %u/%u cc %s\n",
		       le32(t->iflag), le32(t->oflag), le32(t->cflag), le32(t->lflag),
		       le32(t->ispeed), le32(t->ospeed), cc);
	}
	return 0;
}

static int rec_pty_data(struct dec *d, uint32_t len)
{
	const struct ckpt_pty_data *p = (const void *)d->rec;
	uint32_t dir = le32(p->dir);

	if (len < sizeof(*p))
		return check_len(d, len, sizeof(*p));
	if (dir > CKPT_PTY_OUT || le32(p->pty) != d->pty_id || !d->pty_left[dir] ||
	    (dir == CKPT_PTY_OUT && d->pty_left[CKPT_PTY_IN]))
		return bad(d, "data of pty %u, direction %u, not expected", le32(p->pty), dir);
	if (len - sizeof(*p) != d->pty_left[dir])
		return bad(d, "pty %u: %zu bytes, expected %u", d->pty_id, len - sizeof(*p),
			   d->pty_left[dir]);
	d->pty_left[dir] = 0;
	return 0;
}

static int rec_ctty(struct dec *d, uint32_t len)
{
	const struct ckpt_ctty *r = (const void *)d->rec;
	struct fobj *o;

	if (need_task(d) || check_len(d, len, sizeof(*r)))
		return -1;
	if (r->__reserved)
		return bad(d, "nonzero __reserved");
	o = obj_find(d, le32(r->pty));
	if (!o || !o->pipe || o->kind != CKPT_FILE_PTMX)
		return bad(d, "controlling terminal: pty %u is not defined before", le32(r->pty));
	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "type", "ctty");
		jsonw_uint_field(json_wtr, "pid", d->pid);
		jsonw_uint_field(json_wtr, "pty", le32(r->pty));
		jsonw_end_object(json_wtr);
	} else {
		printf("  controlling terminal: pty [%u]\n", le32(r->pty));
	}
	return 0;
}

static int rec_inotify(struct dec *d, uint32_t len)
{
	const struct ckpt_inotify *r = (const void *)d->rec;
	uint32_t id = le32(r->id), nr = le32(r->nr_watches), next = le32(r->next_wd);

	if (check_len(d, len, sizeof(*r)))
		return -1;
	if (r->__reserved)
		return bad(d, "inotify %u: reserved field not zero", id);
	if (d->inotify_left)
		return bad(d, "inotify %u before the %u watches of inotify %u", id,
			   d->inotify_left, d->inotify_id);
	if (next > INT32_MAX)
		return bad(d, "inotify %u: next watch descriptor %u", id, next);
	if (!anon_obj_new(d, id, CKPT_FILE_INOTIFY, "inotify"))
		return -1;
	d->inotify_id = id;
	d->inotify_left = nr;
	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "type", "inotify");
		jsonw_uint_field(json_wtr, "pid", d->pid);
		jsonw_uint_field(json_wtr, "id", id);
		jsonw_uint_field(json_wtr, "watches", nr);
		jsonw_uint_field(json_wtr, "next_wd", next);
		jsonw_end_object(json_wtr);
	} else {
		printf("  inotify [%u] %u watches, next wd %u\n", id, nr, next);
	}
	return 0;
}

static int rec_inotify_watch(struct dec *d, uint32_t len)
{
	const struct ckpt_inotify_watch *r = (const void *)d->rec;
	uint32_t wd = le32(r->wd), mask = le32(r->mask), plen = le32(r->path_len);

	if (len < sizeof(*r))
		return check_len(d, len, sizeof(*r));
	if (len != sizeof(*r) + (uint64_t)plen + 1 || r->path[plen] ||
	    memchr(r->path, '\0', plen) || !plen)
		return bad(d, "inotify watch: path is not %u bytes and a NUL", plen);
	if (!d->inotify_left || le32(r->inotify) != d->inotify_id)
		return bad(d, "inotify watch of inotify %u, which waits for none",
			   le32(r->inotify));
	if (!wd || wd > INT32_MAX)
		return bad(d, "inotify %u: watch descriptor %u", d->inotify_id, wd);
	/* IN_ALL_EVENTS, IN_EXCL_UNLINK, IN_ONESHOT */
	if ((mask & ~0x84000fffU) || !(mask & 0xfff))
		return bad(d, "inotify %u: watch %u: mask %#x", d->inotify_id, wd, mask);
	d->inotify_left--;
	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "type", "inotify_watch");
		jsonw_uint_field(json_wtr, "inotify", d->inotify_id);
		jsonw_uint_field(json_wtr, "wd", wd);
		jsonw_hex_field(json_wtr, "mask", mask);
		jsonw_string_field(json_wtr, "path", (const char *)r->path);
		jsonw_end_object(json_wtr);
	} else {
		printf("    watch %u mask %#x %s\n", wd, mask, (const char *)r->path);
	}
	return 0;
}

/* EPOLL* bits, as <sys/epoll.h> numbers them */
static void epoll_events_str(char *s, size_t size, uint32_t ev)
{
	static const struct { uint32_t bit; const char *name; } bits[] = {
		{ 0x001, "EPOLLIN" }, { 0x002, "EPOLLPRI" }, { 0x004, "EPOLLOUT" },
		{ 0x008, "EPOLLERR" }, { 0x010, "EPOLLHUP" }, { 0x020, "EPOLLNVAL" },
		{ 0x040, "EPOLLRDNORM" }, { 0x080, "EPOLLRDBAND" }, { 0x100, "EPOLLWRNORM" },
		{ 0x200, "EPOLLWRBAND" }, { 0x400, "EPOLLMSG" }, { 0x2000, "EPOLLRDHUP" },
		{ 1U << 28, "EPOLLEXCLUSIVE" }, { 1U << 29, "EPOLLWAKEUP" },
		{ 1U << 30, "EPOLLONESHOT" }, { 1U << 31, "EPOLLET" },
	};
	size_t used = 0, i;

	s[0] = '\0';
	for (i = 0; i < sizeof(bits) / sizeof(bits[0]) && used < size; i++)
		if (ev & bits[i].bit)
			used += snprintf(s + used, size - used, "%s%s", used ? "|" : "",
					 bits[i].name);
	if (!used)
		snprintf(s, size, "-");
}

static int rec_epoll(struct dec *d, uint32_t len)
{
	const struct ckpt_epoll *e = (const void *)d->rec;
	uint32_t id = le32(e->id), nr = le32(e->nr), i;
	char evs[192];
	struct fobj *o;

	if (need_task(d))
		return -1;
	if (len < sizeof(*e))
		return check_len(d, len, sizeof(*e));
	if (nr > CKPT_EPOLL_MAX_ITEMS || len != sizeof(*e) + (uint64_t)nr * sizeof(e->item[0]))
		return bad(d, "length %u for %u files", len, nr);
	if (!id)
		return bad(d, "epoll id 0");
	if (obj_find(d, id) || cobj_find(d, id))
		return bad(d, "object id %u defined twice", id);
	for (i = 0; i < nr; i++) {
		if (!file_find(d, le32(e->item[i].file)))
			return bad(d, "epoll %u: file %u is not defined before", id,
				   le32(e->item[i].file));
		if (e->item[i].__reserved)
			return bad(d, "nonzero __reserved");
	}
	o = obj_new(d);
	if (!o)
		return bad(d, "out of memory");
	o->path = strdup("epoll");
	if (!o->path)
		return bad(d, "out of memory");
	o->id = id;
	o->kind = CKPT_FILE_EPOLL;
	o->pipe = true;
	d->nfiles++;

	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "type", "epoll");
		jsonw_uint_field(json_wtr, "pid", d->pid);
		jsonw_uint_field(json_wtr, "id", id);
		jsonw_name(json_wtr, "items");
		jsonw_start_array(json_wtr);
		for (i = 0; i < nr; i++) {
			jsonw_start_object(json_wtr);
			jsonw_uint_field(json_wtr, "fd", le32(e->item[i].fd));
			jsonw_uint_field(json_wtr, "file", le32(e->item[i].file));
			jsonw_hex_field(json_wtr, "events", le32(e->item[i].events));
			jsonw_hex_field(json_wtr, "data", le64(e->item[i].data));
			jsonw_end_object(json_wtr);
		}
		jsonw_end_array(json_wtr);
		jsonw_end_object(json_wtr);
		return 0;
	}
	printf("  epoll [%u] %u files\n", id, nr);
	for (i = 0; i < nr; i++) {
		uint32_t ev = le32(e->item[i].events);

		epoll_events_str(evs, sizeof(evs), ev);
		printf("    fd %u -> [%u] %s, events %#x (%s), data %#" PRIx64 "\n",
		       le32(e->item[i].fd), le32(e->item[i].file),
		       file_path(d, le32(e->item[i].file)), ev, evs,
		       (uint64_t)le64(e->item[i].data));
	}
	return 0;
}

static int rec_fd(struct dec *d, uint32_t len)
{
	const struct ckpt_fd *f = (const void *)d->rec;
	uint32_t id = le32(f->file), flags = le32(f->flags);
	char oflags[160];
	struct fobj *o;

	if (need_task(d) || check_len(d, len, sizeof(*f)))
		return -1;
	o = file_find(d, id);
	if (!o)
		return bad(d, "fd %u: file %u is not defined before", le32(f->fd), id);
	if (flags & ~(uint32_t)CKPT_FD_CLOEXEC)
		return bad(d, "unknown fd flags %#x", flags);
	if (f->__reserved)
		return bad(d, "nonzero __reserved");
	if (le32(f->fd) > (1U << 30))
		return bad(d, "fd %u out of range", le32(f->fd));
	d->fds++;
	open_flags_str(oflags, sizeof(oflags), o->flags);

	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "type", "fd");
		jsonw_uint_field(json_wtr, "pid", d->pid);
		jsonw_uint_field(json_wtr, "fd", le32(f->fd));
		jsonw_uint_field(json_wtr, "file", id);
		jsonw_string_field(json_wtr, "path", o->path);
		jsonw_string_field(json_wtr, "flags", oflags);
		jsonw_uint_field(json_wtr, "pos", o->pos);
		jsonw_bool_field(json_wtr, "cloexec", flags & CKPT_FD_CLOEXEC);
		jsonw_end_object(json_wtr);
	} else {
		printf("  fd %u -> [%u] %s (%s, pos %" PRIu64 ")%s\n", le32(f->fd), id, o->path,
		       oflags, o->pos, flags & CKPT_FD_CLOEXEC ? " cloexec" : "");
	}
	return 0;
}

static int rec_flock(struct dec *d, uint32_t len)
{
	static const char *const kinds[] = { NULL, "flock", "posix", "ofd" };
	const struct ckpt_flock *l = (const void *)d->rec;
	uint32_t kind = le32(l->kind), type = le32(l->type), id = le32(l->file);
	uint32_t fd = le32(l->fd);
	uint64_t start = le64(l->start), end = le64(l->end);
	char range[64], fdstr[24] = "";
	struct fobj *o;

	if (need_task(d) || check_len(d, len, sizeof(*l)))
		return -1;
	if (kind < CKPT_LOCK_FLOCK || kind > CKPT_LOCK_OFD)
		return bad(d, "unknown lock kind %u", kind);
	if (type != CKPT_LOCK_READ && type != CKPT_LOCK_WRITE)
		return bad(d, "unknown lock type %u", type);
	o = file_find(d, id);
	if (!o)
		return bad(d, "lock on file %u, not defined before", id);
	if (start > CKPT_LOCK_EOF || end > CKPT_LOCK_EOF || end < start)
		return bad(d, "lock range %" PRIu64 "-%" PRIu64, start, end);
	if (kind == CKPT_LOCK_FLOCK && (start || end != CKPT_LOCK_EOF))
		return bad(d, "flock() lock on a range");
	if (kind != CKPT_LOCK_POSIX && fd)
		return bad(d, "fd %u for a %s lock", fd, kinds[kind]);
	if (end == CKPT_LOCK_EOF)
		snprintf(range, sizeof(range), "%" PRIu64 "-EOF", start);
	else
		snprintf(range, sizeof(range), "%" PRIu64 "-%" PRIu64, start, end);
	if (kind == CKPT_LOCK_POSIX)
		snprintf(fdstr, sizeof(fdstr), "fd %u ", fd);

	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "type", "lock");
		jsonw_uint_field(json_wtr, "pid", d->pid);
		jsonw_string_field(json_wtr, "kind", kinds[kind]);
		jsonw_string_field(json_wtr, "lock", type == CKPT_LOCK_WRITE ? "write" : "read");
		jsonw_uint_field(json_wtr, "file", id);
		jsonw_string_field(json_wtr, "path", o->path);
		if (kind == CKPT_LOCK_POSIX)
			jsonw_uint_field(json_wtr, "fd", fd);
		jsonw_uint_field(json_wtr, "start", start);
		if (end != CKPT_LOCK_EOF)
			jsonw_uint_field(json_wtr, "end", end);
		jsonw_end_object(json_wtr);
	} else {
		printf("  lock %s %s %s[%u] %s, bytes %s\n", kinds[kind],
		       type == CKPT_LOCK_WRITE ? "write" : "read", fdstr, id, o->path, range);
	}
	return 0;
}

static int rec_fs(struct dec *d, uint32_t len)
{
	const struct ckpt_fs *f = (const void *)d->rec;
	uint32_t clen = le32(f->cwd_len);

	if (need_task(d))
		return -1;
	if (len < sizeof(*f))
		return check_len(d, len, sizeof(*f));
	/* cwd_len counts the path like ckpt_file.path_len, without the NUL */
	if (len != sizeof(*f) + (uint64_t)clen + 1)
		return bad(d, "length %u, expected %zu + cwd_len %u + 1", len, sizeof(*f), clen);
	if (f->cwd[clen] || memchr(f->cwd, '\0', clen))
		return bad(d, "cwd is not %u bytes and a NUL", clen);
	if (le32(f->umask) & ~0777U)
		return bad(d, "bad umask %#o", le32(f->umask));
	if (once(d, SEEN_FS))
		return -1;

	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "type", "fs");
		jsonw_uint_field(json_wtr, "pid", d->pid);
		jsonw_string_field(json_wtr, "cwd", (const char *)f->cwd);
		char um[16];

		snprintf(um, sizeof(um), "%04o", le32(f->umask));
		jsonw_string_field(json_wtr, "umask", um);
		jsonw_end_object(json_wtr);
	} else {
		printf("  cwd %s, umask %04o\n", f->cwd, le32(f->umask));
	}
	return 0;
}

static int rec_sighand(struct dec *d, uint32_t len)
{
	const struct ckpt_sighand *s = (const void *)d->rec;
	char name[32];
	int i;

	if (need_task(d) || check_len(d, len, sizeof(*s)) || once(d, SEEN_SIGHAND))
		return -1;
	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "type", "sighand");
		jsonw_uint_field(json_wtr, "pid", d->pid);
		jsonw_name(json_wtr, "actions");
		jsonw_start_array(json_wtr);
	}
	for (i = 0; i < CKPT_NSIG; i++) {
		const struct ckpt_sigaction *a = &s->action[i];
		uint64_t h = le64(a->handler);

		if (!h)
			continue;
		sig_name(name, sizeof(name), i + 1);
		if (json_output) {
			jsonw_start_object(json_wtr);
			jsonw_uint_field(json_wtr, "signal", i + 1);
			jsonw_string_field(json_wtr, "name", name);
			if (h == 1)
				jsonw_string_field(json_wtr, "handler", "SIG_IGN");
			else
				jsonw_hex_field(json_wtr, "handler", h);
			jsonw_hex_field(json_wtr, "flags", le64(a->flags));
			jsonw_hex_field(json_wtr, "restorer", le64(a->restorer));
			jsonw_hex_field(json_wtr, "mask", le64(a->mask));
			jsonw_end_object(json_wtr);
		} else if (h == 1) {
			printf("  signal %-11s SIG_IGN\n", name);
		} else {
			printf("  signal %-11s handler %#" PRIx64 " flags %#" PRIx64 " restorer %#"
			       PRIx64 " mask %#" PRIx64 "\n", name, h, (uint64_t)le64(a->flags),
			       (uint64_t)le64(a->restorer), (uint64_t)le64(a->mask));
		}
	}
	if (json_output) {
		jsonw_end_array(json_wtr);
		jsonw_end_object(json_wtr);
	}
	return 0;
}

/* Queued signals: the siginfo_t of x86-64, little-endian. */
static void print_siginfo(const struct ckpt_siginfo *e)
{
	const unsigned char *b = e->si;
	int32_t signo = (int32_t)le32(*(const uint32_t *)b);
	int32_t code = (int32_t)le32(*(const uint32_t *)(b + 8));
	uint32_t pid = le32(*(const uint32_t *)(b + 16));
	uint32_t uid = le32(*(const uint32_t *)(b + 20));
	uint64_t value = le64(*(const uint64_t *)(b + 24));
	char name[32];

	sig_name(name, sizeof(name), signo);
	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_name(json_wtr, "signo");
		jsonw_int(json_wtr, signo);
		jsonw_string_field(json_wtr, "name", name);
		jsonw_name(json_wtr, "code");
		jsonw_int(json_wtr, code);
		jsonw_uint_field(json_wtr, "pid", pid);
		jsonw_uint_field(json_wtr, "uid", uid);
		jsonw_uint_field(json_wtr, "value", value);
		jsonw_end_object(json_wtr);
		return;
	}
	printf("    %-11s code %d pid %u uid %u value %" PRIu64 "\n", name, code, pid,
	       uid, value);
}

static int sig_queue(struct dec *d, uint32_t len, size_t hdr, uint32_t nr,
		     uint64_t set, const struct ckpt_siginfo *info)
{
	uint32_t i;

	if (len != hdr + (uint64_t)nr * sizeof(struct ckpt_siginfo))
		return bad(d, "length %u does not fit %u signals", len, nr);
	for (i = 0; i < nr; i++) {
		int32_t signo = (int32_t)le32(*(const uint32_t *)info[i].si);

		if (signo < 1 || signo > CKPT_NSIG || !(set & (1ULL << (signo - 1))))
			return bad(d, "queued signal %d not in the pending set", signo);
	}
	if (json_output) {
		jsonw_hex_field(json_wtr, "set", set);
		jsonw_name(json_wtr, "queue");
		jsonw_start_array(json_wtr);
	}
	for (i = 0; i < nr; i++)
		print_siginfo(&info[i]);
	if (json_output)
		jsonw_end_array(json_wtr);
	return 0;
}

static int rec_sigpending(struct dec *d, uint32_t len)
{
	const struct ckpt_sigpending *p = (const void *)d->rec;
	uint32_t flags;

	if (need_task(d))
		return -1;
	if (len < sizeof(*p))
		return check_len(d, len, sizeof(*p));
	flags = le32(p->flags);
	if (flags & ~(uint32_t)CKPT_SIGPENDING_STOP)
		return bad(d, "unknown flags %#x", flags);
	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "type", "sigpending");
		jsonw_uint_field(json_wtr, "tid", le32(p->tid));
		jsonw_uint_field(json_wtr, "stop_signo", le32(p->stop_signo));
	} else {
		printf("  sigpending: tid %u nr %u set %#" PRIx64, le32(p->tid), le32(p->nr),
		       (uint64_t)le64(p->signal));
		if (flags & CKPT_SIGPENDING_STOP)
			printf(", stopped by signal %u", le32(p->stop_signo));
		printf("\n");
	}
	if (sig_queue(d, len, sizeof(*p), le32(p->nr), le64(p->signal), p->info))
		return -1;
	if (json_output)
		jsonw_end_object(json_wtr);
	return 0;
}

static int rec_signal(struct dec *d, uint32_t len)
{
	const struct ckpt_signal *s = (const void *)d->rec;
	uint32_t flags;

	if (need_task(d) || once(d, SEEN_SIGNAL))
		return -1;
	if (len < sizeof(*s))
		return check_len(d, len, sizeof(*s));
	flags = le32(s->flags);
	if (flags & ~(uint32_t)(CKPT_SIGNAL_STOPPED | CKPT_SIGNAL_CONTINUED))
		return bad(d, "unknown flags %#x", flags);
	if (s->__reserved)
		return bad(d, "nonzero __reserved");
	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "type", "signal");
		jsonw_bool_field(json_wtr, "stopped", flags & CKPT_SIGNAL_STOPPED);
		jsonw_bool_field(json_wtr, "continued", flags & CKPT_SIGNAL_CONTINUED);
		jsonw_uint_field(json_wtr, "group_exit_code", le32(s->group_exit_code));
	} else {
		printf("  signal: shared nr %u set %#" PRIx64 "%s%s group_exit_code %u\n",
		       le32(s->nr), (uint64_t)le64(s->signal),
		       flags & CKPT_SIGNAL_STOPPED ? " stopped" : "",
		       flags & CKPT_SIGNAL_CONTINUED ? " continued" : "",
		       le32(s->group_exit_code));
	}
	if (sig_queue(d, len, sizeof(*s), le32(s->nr), le64(s->signal), s->info))
		return -1;
	if (json_output)
		jsonw_end_object(json_wtr);
	return 0;
}

static int rec_itimers(struct dec *d, uint32_t len)
{
	const struct ckpt_itimers *t = (const void *)d->rec;
	static const char *const names[CKPT_NR_ITIMERS] = { "real", "virtual", "prof" };
	uint32_t flags;
	int i;

	if (need_task(d) || check_len(d, len, sizeof(*t)) || once(d, SEEN_ITIMERS))
		return -1;
	flags = le32(t->flags);
	if (flags & ~(uint32_t)CKPT_ITIMER_REAL_EXPIRED)
		return bad(d, "unknown flags %#x", flags);
	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "type", "itimers");
		for (i = 0; i < CKPT_NR_ITIMERS; i++) {
			jsonw_name(json_wtr, names[i]);
			jsonw_start_object(json_wtr);
			jsonw_name(json_wtr, "value_ns");
			jsonw_int(json_wtr, (int64_t)le64(t->it[i].value_ns));
			jsonw_uint_field(json_wtr, "interval_ns", le64(t->it[i].interval_ns));
			jsonw_end_object(json_wtr);
		}
		jsonw_bool_field(json_wtr, "real_expired", flags & CKPT_ITIMER_REAL_EXPIRED);
		jsonw_uint_field(json_wtr, "next_posix_timer_id", le32(t->next_posix_timer_id));
		jsonw_end_object(json_wtr);
		return 0;
	}
	printf("  itimers:");
	for (i = 0; i < CKPT_NR_ITIMERS; i++)
		printf("%s %s %" PRId64 "/%" PRIu64 " ns", i ? "," : "", names[i],
		       (int64_t)le64(t->it[i].value_ns), (uint64_t)le64(t->it[i].interval_ns));
	printf("%s, next POSIX timer id %u\n",
	       flags & CKPT_ITIMER_REAL_EXPIRED ? " (real expired)" : "",
	       le32(t->next_posix_timer_id));
	return 0;
}

static int rec_posix_timer(struct dec *d, uint32_t len)
{
	const struct ckpt_posix_timer *t = (const void *)d->rec;
	uint32_t flags;

	if (need_task(d) || check_len(d, len, sizeof(*t)))
		return -1;
	flags = le32(t->flags);
	if (flags & ~(uint32_t)(CKPT_PTIMER_ARMED | CKPT_PTIMER_REQUEUE |
				CKPT_PTIMER_SIGPENDING))
		return bad(d, "unknown flags %#x", flags);
	if (t->__reserved)
		return bad(d, "nonzero __reserved");
	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "type", "posix_timer");
		jsonw_uint_field(json_wtr, "id", le32(t->id));
		jsonw_name(json_wtr, "clock");
		jsonw_int(json_wtr, (int32_t)le32(t->clockid));
		jsonw_uint_field(json_wtr, "notify", le32(t->notify));
		jsonw_uint_field(json_wtr, "signo", le32(t->signo));
		jsonw_uint_field(json_wtr, "tid", le32(t->tid));
		jsonw_uint_field(json_wtr, "sigev_value", le64(t->sigev_value));
		jsonw_hex_field(json_wtr, "flags", flags);
		jsonw_name(json_wtr, "value_ns");
		jsonw_int(json_wtr, (int64_t)le64(t->value_ns));
		jsonw_uint_field(json_wtr, "interval_ns", le64(t->interval_ns));
		jsonw_name(json_wtr, "overrun");
		jsonw_int(json_wtr, (int64_t)le64(t->overrun));
		jsonw_name(json_wtr, "overrun_last");
		jsonw_int(json_wtr, (int64_t)le64(t->overrun_last));
		jsonw_uint_field(json_wtr, "sig_overrun", le32(t->sig_overrun));
		jsonw_end_object(json_wtr);
		return 0;
	}
	printf("  posix_timer: id %u clock %d notify %u signo %u value %" PRIu64 " tid %u\n",
	       le32(t->id), (int32_t)le32(t->clockid), le32(t->notify), le32(t->signo),
	       (uint64_t)le64(t->sigev_value), le32(t->tid));
	printf("    %s%s%s left %" PRId64 " ns interval %" PRIu64 " ns overrun %" PRId64
	       "/%" PRId64 "\n",
	       flags & CKPT_PTIMER_ARMED ? "armed" : "disarmed",
	       flags & CKPT_PTIMER_REQUEUE ? " requeue" : "",
	       flags & CKPT_PTIMER_SIGPENDING ? " signal-pending" : "",
	       (int64_t)le64(t->value_ns), (uint64_t)le64(t->interval_ns),
	       (int64_t)le64(t->overrun), (int64_t)le64(t->overrun_last));
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

static int rec_task_end(struct dec *d, uint32_t len)
{
	if (need_task(d) || check_len(d, len, sizeof(struct ckpt_rec)))
		return -1;
	if (d->zombie && (d->threads_seen || d->seen))
		return bad(d, "zombie %u has records other than its task record", d->pid);
	if (d->zombie)
		goto end;
	if (d->threads_seen != d->nr_threads)
		return bad(d, "task %u has %u thread records, CKPT_REC_TASK says %u", d->pid,
			   d->threads_seen, d->nr_threads);
	if (!(d->seen & SEEN_CREDS))
		return bad(d, "task %u has no credentials record", d->pid);
	if (d->vmas_seen != d->nr_vmas)
		return bad(d, "task %u has %u memory areas, CKPT_REC_MM says %u", d->pid,
			   d->vmas_seen, d->nr_vmas);
end:
	d->in_task = false;
	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "type", "task_end");
		jsonw_uint_field(json_wtr, "pid", d->pid);
		jsonw_end_object(json_wtr);
	}
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

/* Decoders of the records held whole in d->rec (not PAGES, not TRAILER). */
static rec_fn rec_handler(uint32_t type)
{
	static const struct {
		uint32_t	type;
		rec_fn		fn;
	} handlers[] = {
		{ CKPT_REC_TASKS,	rec_tasks },
		{ CKPT_REC_TASK,	rec_task },
		{ CKPT_REC_CREDS,	rec_creds },
		{ CKPT_REC_ATTRS,	rec_attrs },
		{ CKPT_REC_SECCOMP,	rec_seccomp },
		{ CKPT_REC_TASK_END,	rec_task_end },
		{ CKPT_REC_THREAD,	rec_thread },
		{ CKPT_REC_REGSET,	rec_regset },
		{ CKPT_REC_REGSET_SPARSE, rec_regset },
		{ CKPT_REC_MM,		rec_mm },
		{ CKPT_REC_VMA,		rec_vma },
		{ CKPT_REC_VMA_ANON,	rec_vma_anon },
		{ CKPT_REC_FILE,	rec_file },
		{ CKPT_REC_SHMEM,	rec_shmem },
		{ CKPT_REC_UNLINKED,	rec_unlinked },
		{ CKPT_REC_SYSVSHM,	rec_sysvshm },
		{ CKPT_REC_FD,		rec_fd },
		{ CKPT_REC_FLOCK,	rec_flock },
		{ CKPT_REC_SYSVSEM,	rec_sysvsem },
		{ CKPT_REC_SEMUNDO,	rec_semundo },
		{ CKPT_REC_SYSVMSG,	rec_sysvmsg },
		{ CKPT_REC_SYSVMSG_DATA, rec_sysvmsg_data },
		{ CKPT_REC_MQUEUE,	rec_mqueue },
		{ CKPT_REC_NETSOCK,	rec_netsock },
		{ CKPT_REC_MQUEUE_MSG,	rec_mqueue_msg },
		{ CKPT_REC_REGFILE,	rec_regfile },
		{ CKPT_REC_REGFILE_DATA, rec_regfile_data },
		{ CKPT_REC_FS,		rec_fs },
		{ CKPT_REC_PIPE,	rec_pipe },
		{ CKPT_REC_PIPE_DATA,	rec_pipe_data },
		{ CKPT_REC_EVENTFD,	rec_eventfd },
		{ CKPT_REC_EPOLL,	rec_epoll },
		{ CKPT_REC_SIGNALFD,	rec_signalfd },
		{ CKPT_REC_TIMERFD,	rec_timerfd },
		{ CKPT_REC_INOTIFY,	rec_inotify },
		{ CKPT_REC_INOTIFY_WATCH, rec_inotify_watch },
		{ CKPT_REC_PTY,		rec_pty },
		{ CKPT_REC_PTY_DATA,	rec_pty_data },
		{ CKPT_REC_CTTY,	rec_ctty },
		{ CKPT_REC_UNIX,	rec_unix },
		{ CKPT_REC_UNIX_DATA,	rec_unix_data },
		{ CKPT_REC_SIGHAND,	rec_sighand },
		{ CKPT_REC_SIGPENDING,	rec_sigpending },
		{ CKPT_REC_SIGNAL,	rec_signal },
		{ CKPT_REC_ITIMERS,	rec_itimers },
		{ CKPT_REC_POSIX_TIMER,	rec_posix_timer },
		{ CKPT_REC_MAC,		rec_mac },
	};
	size_t i;

	for (i = 0; i < sizeof(handlers) / sizeof(handlers[0]); i++)
		if (handlers[i].type == type)
			return handlers[i].fn;
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
