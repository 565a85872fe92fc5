// SPDX-License-Identifier: GPL-2.0-only
/*
 * ckpt info: the records of files: open files and fd tables, cwd and
 * umask, file locks, regular file contents, pipes, eventfds, signalfds,
 * timerfds, inotify and epoll instances, ptys.
 */
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "img.h"

/* Define open file @id for the fd records that follow; NULL: reported. */
struct fobj *file_define(struct dec *d, uint32_t id, uint32_t kind, uint32_t flags,
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

/* A kind of file open on a shared memory or unlinked file object (rdev). */
static bool kind_on_cobj(uint32_t kind)
{
	return kind == CKPT_FILE_SHMEM || kind == CKPT_FILE_MEMFD ||
	       kind == CKPT_FILE_UNLINKED || kind == CKPT_FILE_SYSVSHM;
}

/* A kind of file open on an object of its own kind defined before (obj). */
static bool kind_on_obj(uint32_t kind)
{
	return kind != CKPT_FILE_REG && kind != CKPT_FILE_DIR && kind != CKPT_FILE_CHR &&
	       kind != CKPT_FILE_DEV_EXCL && kind != CKPT_FILE_REGDATA && !kind_on_cobj(kind);
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
	} else if (kind_on_cobj(kind)) {
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
	} else if (kind_on_obj(kind)) {
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
	} else if (kind_on_obj(kind)) {
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
		if (kind_on_cobj(kind))
			printf(", object [%u]", le32(f->rdev));
		if (kind == CKPT_FILE_REGDATA)
			printf(", contents [%u]", le32(f->obj));
		putchar('\n');
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
struct fobj *anon_obj_new(struct dec *d, uint32_t id, uint32_t kind,
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

const struct rec_handler img_files_handlers[] = {
	{ CKPT_REC_FILE,	rec_file },
	{ CKPT_REC_FD,	rec_fd },
	{ CKPT_REC_FLOCK,	rec_flock },
	{ CKPT_REC_REGFILE,	rec_regfile },
	{ CKPT_REC_REGFILE_DATA,	rec_regfile_data },
	{ CKPT_REC_FS,	rec_fs },
	{ CKPT_REC_PIPE,	rec_pipe },
	{ CKPT_REC_PIPE_DATA,	rec_pipe_data },
	{ CKPT_REC_EVENTFD,	rec_eventfd },
	{ CKPT_REC_EPOLL,	rec_epoll },
	{ CKPT_REC_SIGNALFD,	rec_signalfd },
	{ CKPT_REC_TIMERFD,	rec_timerfd },
	{ CKPT_REC_INOTIFY,	rec_inotify },
	{ CKPT_REC_INOTIFY_WATCH,	rec_inotify_watch },
	{ CKPT_REC_PTY,	rec_pty },
	{ CKPT_REC_PTY_DATA,	rec_pty_data },
	{ CKPT_REC_CTTY,	rec_ctty },
	{ 0, NULL },
};
