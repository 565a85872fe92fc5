/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ckpt info: what the files of the image decoder share.  image.c reads
 * the stream, checks each record's place and length and hands it to the
 * decoder of its kind (img_task.c, img_mm.c, img_files.c, img_net.c,
 * img_ipc.c, img_signal.c), which checks and prints it, as text or
 * through json_wtr.
 */
#ifndef CKPT_IMG_H
#define CKPT_IMG_H

#include <endian.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/ckpt_cgroup.h>

#include "ckpt.h"

#define le32(x)	le32toh(x)
#define le64(x)	le64toh(x)
#define le16(x)	le16toh(x)

struct reader {
	int		fd;
	uint64_t	off;		/* bytes consumed */
	uint32_t	crc;		/* CRC-32 of those bytes */
	int		err;		/* errno of a failed read() */
	size_t		pos, len;
	unsigned char	buf[65536];
};

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
	/* the TCP connection whose CKPT_REC_TCP (tcp_want), then data, come */
	uint32_t	tcp_id, tcp_off, tcp_left;
	bool		tcp_want;

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

int fail(struct dec *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int bad(struct dec *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* image.c */
struct fobj *obj_find(struct dec *d, uint32_t id);
struct cobj *cobj_find(struct dec *d, uint32_t id);
struct fobj *file_find(struct dec *d, uint32_t id);
struct fobj *obj_new(struct dec *d);
const char *file_path(struct dec *d, uint32_t id);
void prot_str(char *s, uint32_t prot);
void vma_flags_str(char *s, size_t size, uint32_t flags);
void size_str(char *s, size_t size, uint64_t bytes);
void open_flags_str(char *s, size_t size, uint32_t flags);
const char *kind_name(uint32_t kind);
void sig_name(char *s, size_t size, int sig);
int check_len(struct dec *d, uint32_t len, size_t want);
int need_task(struct dec *d);
int once(struct dec *d, uint32_t bit);

/* img_mm.c */
void flush_vma(struct dec *d);
int rec_pages(struct dec *d, uint32_t len);
int cobj_add(struct dec *d, uint32_t id, uint32_t kind, uint64_t size);
int rec_shmem_pages(struct dec *d, uint32_t len);

/* img_files.c */
struct fobj *file_define(struct dec *d, uint32_t id, uint32_t kind, uint32_t flags,
			 uint64_t pos, const char *path);
struct fobj *anon_obj_new(struct dec *d, uint32_t id, uint32_t kind,
			  const char *what);

/* A decoder of the records of one type, held whole in d->rec. */
struct rec_handler {
	uint32_t	type;
	int		(*fn)(struct dec *d, uint32_t len);
};

extern const struct rec_handler img_task_handlers[];
extern const struct rec_handler img_mm_handlers[];
extern const struct rec_handler img_files_handlers[];
extern const struct rec_handler img_net_handlers[];
extern const struct rec_handler img_ipc_handlers[];
extern const struct rec_handler img_signal_handlers[];

#endif /* CKPT_IMG_H */
