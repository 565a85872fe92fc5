/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ckpt: internal interfaces between the controller, the orchestrator, the
 * resources and the core.
 *
 * cgroup.c parses and validates the ckpt.* files; run.c runs one operation
 * and restart.c creates the tasks of a restart (the orchestrator).  Each
 * kind of resource is a &struct ckpt_resource in a file of its own, listed
 * once in resources.h; resource.c walks that table, file.c writes and
 * reopens open files through the kinds of file (&struct ckpt_file_ops) it
 * holds.  The core calls nothing above it: the image stream (stream.c),
 * the object table (objtab.c), failures and a dry run's blockers
 * (report.c), the files the group must hold alone (held.c), the context of
 * an operation (ctx.c).  Resource code never touches cgroup files; the
 * stream never knows what a task is.  Documentation/cgroup-ckpt.rst ("How
 * the code is laid out") says how to add a resource.
 *
 * This header is the core's interface.  What a few resources share is in
 * headers private to them: arch.h (arch-x86.c for task.c, thread.c and
 * mm.c), signal.h (signal.c, timer.c, thread.c), anonfile.h (the files on
 * anonymous inodes), sysvipc.h (SysV semaphores and queues), sysvshm.h
 * (SysV shm, shmem.c, mm.c) and snapshot.h (the copy-on-write checkpoint).
 */
#ifndef _KERNEL_CGROUP_CKPT_H
#define _KERNEL_CGROUP_CKPT_H

#include <linux/cgroup.h>
#include <linux/completion.h>
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/hashtable.h>
#include <linux/refcount.h>
#include <linux/shmem_fs.h>
#include <linux/signal_types.h>
#include <linux/task_work.h>
#include <linux/xarray.h>
#include <linux/ckpt_cgroup.h>

struct bio_vec;
struct key;
struct seq_file;
struct shash_desc;

#define CKPT_REASON_LEN		256
#define CKPT_IOBUF_SIZE		(64 * 1024)

/* What a ckpt.trigger write asked for. */
enum ckpt_cmd {
	CKPT_CMD_CHECKPOINT,
	CKPT_CMD_CHECKPOINT_FROZEN,
	CKPT_CMD_CHECKPOINT_KILL,
	CKPT_CMD_RESTART,
	CKPT_CMD_RESTART_FROZEN,
	CKPT_CMD_CHECK,
	CKPT_CMD_CHECKPOINT_NOSNAP,
	NR_CKPT_CMDS,
};

/* Options a trigger may add after its command. */
#define CKPT_RUN_SKIP_FILE_CHECK	0x1	/* restart: "skip-file-check" */

enum ckpt_op {
	CKPT_OP_NONE,
	CKPT_OP_CHECKPOINT,
	CKPT_OP_RESTART,
	CKPT_OP_CHECK,
};

/* A dry run keeps every reason, up to this many bytes of them. */
#define CKPT_BLOCKERS_LEN	4096
#define CKPT_REFUSED_FILES	64

/**
 * struct ckpt_cgroup - the ckpt state of one cgroup
 * @css:	the css embedded in every controller's state
 * @busy:	bit 0 set while an operation runs (EBUSY to others)
 * @lock:	protects the fields below
 * @exclude:	CKPT_EXCL_* classes that checkpoints leave out
 * @image:	the file named through ckpt.image_fd, or NULL
 * @op:		the operation running, or CKPT_OP_NONE
 * @last_op:	the last operation that ended
 * @last_err:	its result, 0 or a negative errno
 * @tasks:	tasks it handled
 * @bytes:	image bytes it wrote or read
 * @duration_us: how long it took
 * @frozen_us:	how long a checkpoint kept the tasks frozen (0: restart)
 * @reason:	why it failed, "" if it did not
 * @blockers:	"check": every reason, one a line, or NULL
 * @progress:	image bytes of the running operation so far; not under
 *		@lock: written by the stream with WRITE_ONCE(), read with
 *		READ_ONCE(), so that ckpt.state shows it while the operation
 *		runs
 * @state_file:	ckpt.state, notified on every change
 */
struct ckpt_cgroup {
	struct cgroup_subsys_state	css;
	unsigned long			busy;
	struct mutex			lock;	/* see above */
	u64				exclude;
	struct file			*image;
	enum ckpt_op			op;
	enum ckpt_op			last_op;
	int				last_err;
	unsigned int			tasks;
	u64				bytes;
	u64				duration_us;
	u64				frozen_us;
	char				reason[CKPT_REASON_LEN];
	char				*blockers;
	u64				progress;
	struct key			*key;
	struct cgroup_file		state_file;
};

/**
 * struct ckpt_stream - the image, read or written strictly in order
 * @file:	the image file (a reference held by the context)
 * @pos:	file position for seekable files
 * @buf:	staging buffer of CKPT_IOBUF_SIZE bytes
 * @head:	bytes of @buf in use (writer) or consumed (reader)
 * @tail:	bytes of @buf filled (reader)
 * @bytes:	bytes written or consumed so far
 * @crc:	running CRC-32 of those bytes (not yet post-inverted)
 * @rec_crc:	reader: @crc before the header of the last record read
 * @records:	records written or read so far
 * @capture:	writer: bytes go to memory (snapshot.c), not to @file
 * @mac:	the keyed MAC being computed over the bytes, or NULL (mac.c)
 */
struct ckpt_stream {
	struct file	*file;
	loff_t		pos;
	u8		*buf;
	size_t		head;
	size_t		tail;
	u64		bytes;
	u32		crc;
	u32		rec_crc;
	u64		records;
	bool		capture;
	struct shash_desc *mac;
};

/**
 * struct ckpt_cap - a piece of the recorded stream
 * @list:	in &ckpt_ctx.caps, in stream order
 * @len:	bytes used of @data
 * @size:	bytes allocated in @data
 * @data:	the records
 */
struct ckpt_cap {
	struct list_head	list;
	size_t			len;
	size_t			size;
	u8			data[];
};

/* A record header as read, in CPU byte order. */
struct ckpt_hdr {
	u32	type;
	u32	len;
};

/**
 * struct ckpt_tent - one entry of the task table, at checkpoint
 * @task:	the thread, referenced; NULL for a ghost
 * @pid:	its pid, and the others as written in the table
 * @tgid:	...
 * @ppid:	...
 * @pgid:	...
 * @sid:	...
 * @flags:	CKPT_TASK_*
 */
struct ckpt_tent {
	struct task_struct	*task;
	pid_t			pid, tgid, ppid, pgid, sid;
	u32			flags;		/* CKPT_TASK_ZOMBIE, _GHOST */
	u32			share;		/* CKPT_TASK_SHARE_* */
};

/* seccomp.c: the mode and filters a restored process installs */
struct ckpt_rfilter;
struct ckpt_rseccomp {
	int			mode;
	unsigned int		nr;		/* filters read */
	unsigned int		cost;		/* instructions, 4 more per filter */
	struct ckpt_rfilter	*head, **tail;
};

/* How a restored process gets its process group. */
enum ckpt_pgrp {
	CKPT_PGRP_INHERIT,	/* its creator's */
	CKPT_PGRP_LEAD,		/* its own: setpgid(0, 0) or setsid() */
	CKPT_PGRP_JOIN,		/* of a process created before it */
	CKPT_PGRP_JOIN_LATE,	/* of a process created after it */
};

/*
 * One restored thread, shared between the restarter and the new task.  The
 * table fields are the image's, validated by ckpt_read_task_table().
 */
struct ckpt_rtask {
	struct ckpt_ctx		*ctx;
	struct task_struct	*task;
	pid_t			pid, tgid, ppid, pgid, sid;
	u32			flags;		/* CKPT_TASK_ZOMBIE, _GHOST */
	u32			share;		/* CKPT_TASK_SHARE_*: with the creator */
	int			creator;	/* index of the creator, -1: restarter */
	int			leader;		/* index of the process leader */
	unsigned int		nr_threads;	/* leader: threads in the table */
	enum ckpt_pgrp		pgrp;
	struct ckpt_rtask	*cur;		/* leader: thread of the last THREAD record */
	int			exit_signal;
	int			exit_code;
	int			err;
	struct completion	ready;		/* task: my records are read */
	struct completion	running;	/* task: my last work is done */
	struct callback_head	work;		/* runs just before user mode */
	/* what the restarter applies, or the task does last */
	void			*regset[3];
	u32			regset_note[3];
	u32			regset_size[3];
	unsigned int		nr_regsets;
	unsigned long		user_ax;
	sigset_t		blocked;
	struct ckpt_thread	thread;
	struct ckpt_restart_block rblock;	/* rblock.c: kind 0 if none */
	struct cred		*cred;
	int			pdeath_signal;
	unsigned int		last_fd;
	unsigned int		nr_fds;
	int			dumpable;
	unsigned long		vma_start;	/* area the next PAGES belong to */
	unsigned long		vma_end;
	bool			have_mm;
	bool			have_thread;
	bool			have_task;
	struct ckpt_rsig	*sig;		/* signal.c: signals, timers */
	struct ckpt_rpty	*ctty;		/* pty.c: its controlling terminal */
	struct ckpt_rseccomp	seccomp;
};

/* The resources of resources.h, numbered in their order. */
#define CKPT_RESOURCE(name)	CKPT_RES_ID_##name
enum ckpt_res_id {
#include "resources.h"
	CKPT_NR_RESOURCES
};

#undef CKPT_RESOURCE

/**
 * struct ckpt_ctx - one checkpoint or restart
 * @ref:	the restarter and every task it created hold one
 * @cc:		the group's state
 * @cgrp:	the group
 * @cmd:	what was asked
 * @exclude:	classes left out
 * @s:		the image stream
 * @err:	first error, negative errno
 * @reason:	why, as shown in ckpt.state
 * @check:	a dry run ("check"): no image, every refusal collected
 * @refused:	check: a refusal was collected for the unit being written
 *		(a task, a dumper of it, an fd); ckpt_skip_refused() ends it
 * @blockers:	check: the reasons, one a line
 * @blockers_len: check: bytes of @blockers in use
 * @nr_blockers: check: how many reasons were found
 * @nr_shown:	check: how many of them fit in @blockers
 * @refused_files: check: files already refused, not refused again
 * @nr_refused_files: check: entries of @refused_files
 * @frozen_us:	checkpoint: from the freeze complete to the thaw or kill
 * @caps:	snapshot checkpoint: the stream recorded while frozen
 * @cap_bytes:	snapshot checkpoint: bytes of records in @caps
 * @marks:	snapshot checkpoint: where in them the pages of each area go
 * @ents:	checkpoint: the task table
 * @nr_tasks:	checkpoint: its entries
 * @cur:	checkpoint: index in @ents of the process being written
 * @pids:	restart: pid -> index in @rt + 1
 * @objs:	checkpoint: object pointer -> id; restart: id -> object
 * @next_id:	next object id to hand out
 * @pagebuf:	CKPT_PAGES_MAX pages of staging for page contents
 * @pages:	CKPT_RUN_MAX pages being written (checkpoint) or filled (restart)
 * @bvec:	CKPT_RUN_MAX bio_vecs to write @pages with, or read them
 * @rbuf:	CKPT_REC_MAX_LEN bytes for one record being restored
 * @rt:		restart: the tasks being created
 * @priv:	each resource's own state in this operation, by
 *		CKPT_RES_ID_*: NULL at first, what is left of it freed by
 *		the resource's ->release()
 * @abort:	restart: the restarter gave up; tasks must exit
 * @go:		restart: the restarter applied registers; tasks may run
 * @final:	restart: the last barrier before user mode
 */
struct ckpt_ctx {
	refcount_t		ref;
	struct ckpt_cgroup	*cc;
	struct cgroup		*cgrp;
	enum ckpt_cmd		cmd;
	bool			skip_file_check;	/* restart: trust reopened files */
	u64			exclude;
	struct ckpt_stream	s;
	int			err;
	char			reason[CKPT_REASON_LEN];
	bool			check;
	bool			refused;
	char			*blockers;
	size_t			blockers_len;
	unsigned int		nr_blockers;
	unsigned int		nr_shown;
	struct file		*refused_files[CKPT_REFUSED_FILES];
	unsigned int		nr_refused_files;
	u64			frozen_us;
	struct list_head	caps;
	size_t			cap_bytes;
	struct list_head	marks;
	struct ckpt_tent	*ents;
	unsigned int		nr_tasks;
	unsigned int		cur;
	struct xarray		pids;
	DECLARE_HASHTABLE(objhash, 8);
	struct xarray		objs;
	u32			next_id;
	void			*pagebuf;
	struct page		**pages;
	struct bio_vec		*bvec;
	void			*rbuf;
	struct ckpt_rtask	*rt;
	unsigned int		nr_rt;
	void			*priv[CKPT_NR_RESOURCES];
	bool			abort;
	struct completion	go;
	struct completion	final;
	struct key		*key;		/* ckpt.key in force, or NULL */
	bool			unpriv;		/* restart: without CAP_SYS_ADMIN */
	const struct cred	*restarter;	/* restart: whose rights count */
};

/**
 * struct ckpt_rec_op - how restart applies one type of record
 * @type:	CKPT_REC_*
 * @flags:	CKPT_ROP_*
 * @restore:	applies the record, read whole into ctx->rbuf (@len bytes,
 *		header included)
 * @stream:	or reads the record's payload itself, from the stream
 *		(page contents); exactly one of @restore and @stream is set,
 *		or neither for a record its owner reads within one of its own
 *		(CKPT_ROP_NESTED), which is unexpected anywhere else
 */
struct ckpt_rec_op {
	u32	type;
	u32	flags;
	int	(*restore)(struct ckpt_rtask *rt, void *rec, u32 len);
	int	(*stream)(struct ckpt_rtask *rt, const struct ckpt_hdr *rec);
};

/* The record is about the thread of the last CKPT_REC_THREAD. */
#define CKPT_ROP_THREAD		0x1
/* It continues the sequence its resource's ->seq_end() ends. */
#define CKPT_ROP_CONT		0x2
/* Its owner reads it within another of its records. */
#define CKPT_ROP_NESTED		0x4

/**
 * struct ckpt_fdump - an open file being written
 * @t:		the task using it, named in a refusal
 * @fd:		the fd it is used through, or -1 for a memory area
 * @shared:	a memory area mapping it MAP_SHARED: its writes are the file's
 * @file:	the file
 * @id:		its object id
 * @path:	its path, once known
 * @kind:	CKPT_FILE_*, which ->dump_as() may refine
 * @obj:	the id of the record it is open on (or its device number)
 */
struct ckpt_fdump {
	struct task_struct	*t;
	int			fd;
	bool			shared;
	struct file		*file;
	u32			id;
	const char		*path;
	u32			kind;
	u32			obj;
};

struct ckpt_held_set;

/**
 * struct ckpt_file_ops - one kind of open file
 * @kind:	CKPT_FILE_*, 0 for a kind that writes no CKPT_REC_FILE
 * @flags:	CKPT_FOP_*
 * @is:		checkpoint: whether @file is of this kind
 * @match:	or, for a kind that depends on more: whether @d is
 * @dump:	write what the file is open on (before its CKPT_REC_FILE) and
 *		give its id, or NULL if nothing
 * @dump_as:	or write it from the whole description, which it may refine
 * @open:	restart: the file of the CKPT_REC_FILE @r, whose path is @path;
 *		an ERR_PTR() with the reason recorded
 * @held:	whether the group must hold @file alone, its state being in the
 *		kernel; NULL: as CKPT_FOP_HELD says
 * @check_first: a held file, before references are counted; refuse what
 *		cannot be restarted (a terminal also used outside)
 * @held_refs:	count the references the held file @i holds on others (the
 *		descriptors in flight to a socket)
 * @check_held:	a held file that only the group references; refuse what
 *		its peers outside make impossible
 *
 * A checkpoint takes the first kind, in the order of ckpt_resources[],
 * whose ->is() or ->match() is true; restart finds a kind by its number,
 * among those with an ->open().
 */
struct ckpt_file_ops {
	u32	kind;
	u32	flags;
	bool	(*is)(struct file *file);
	bool	(*match)(struct ckpt_ctx *ctx, const struct ckpt_fdump *d);
	int	(*dump)(struct ckpt_ctx *ctx, struct task_struct *t, int fd,
			struct file *file, u32 *obj);
	int	(*dump_as)(struct ckpt_ctx *ctx, struct ckpt_fdump *d);
	struct file *(*open)(struct ckpt_rtask *rt, const struct ckpt_file *r,
			     const char *path);
	bool	(*held)(struct file *file);
	int	(*check_first)(struct ckpt_ctx *ctx, struct ckpt_held_set *hs,
			       unsigned int i);
	int	(*held_refs)(struct ckpt_ctx *ctx, struct ckpt_held_set *hs,
			     unsigned int i);
	int	(*check_held)(struct ckpt_ctx *ctx, struct ckpt_held_set *hs,
			      unsigned int i);
};

/* It writes its own record, not a CKPT_REC_FILE (a unix socket). */
#define CKPT_FOP_OWN_REC	0x01
/* No offset nor size: restart refuses any. */
#define CKPT_FOP_NOPOS		0x02
/* Reopened by an absolute path, then put at its offset again. */
#define CKPT_FOP_PATH		0x04
/* Never a directory: restart refuses O_DIRECTORY. */
#define CKPT_FOP_NODIR		0x08
/* It may be on a pseudo file system (the memory devices). */
#define CKPT_FOP_ANYFS		0x10
/* Its modification time is checked at restart. */
#define CKPT_FOP_MTIME		0x20
/* The group must hold it alone (unless ->held() says otherwise). */
#define CKPT_FOP_HELD		0x40

/**
 * struct ckpt_resource - the operations of one kind of resource
 * @name:	what it is, for messages
 * @dump:	checkpoint: write what process @t holds of it, or NULL;
 *		called for each process in table order, which is the order
 *		of its records in the image
 * @recs:	the record types it owns, and how restart applies them,
 *		ending with an empty entry; or NULL
 * @seq_end:	restart: a record other than one of its CKPT_ROP_CONT
 *		records comes: end a sequence left open (the pages of an
 *		area, the pieces of a file).  Return 0, or -EINVAL if an open
 *		sequence cannot end there (the record is then unexpected)
 * @finish:	restart: every record is read; the last step that may fail
 * @kill:	"checkpoint kill": the image is complete, the tasks are
 *		killed next (they are still frozen)
 * @commit:	restart: nothing fails any more; keep what was made
 * @abort:	restart: it failed; undo what @finish or the records made
 * @release:	free what the operation holds, success or not
 * @task_release: free what one restored task holds
 * @files:	the kinds of open file it makes, ending with an empty
 *		entry; or NULL
 *
 * Every step is optional.  ckpt_resources[] (resource.c) lists them, in
 * the order their steps run in.
 */
struct ckpt_resource {
	const char		*name;
	int			(*dump)(struct ckpt_ctx *ctx, struct task_struct *t);
	const struct ckpt_rec_op *recs;
	int			(*seq_end)(struct ckpt_rtask *rt);
	int			(*finish)(struct ckpt_ctx *ctx);
	void			(*kill)(struct ckpt_ctx *ctx);
	void			(*commit)(struct ckpt_ctx *ctx);
	void			(*abort)(struct ckpt_ctx *ctx);
	void			(*release)(struct ckpt_ctx *ctx);
	void			(*task_release)(struct ckpt_rtask *rt);
	const struct ckpt_file_ops *files;
};

/* Every resource of resources.h, declared; ckpt_res_end_ is none. */
#define CKPT_RESOURCE(name)	ckpt_res_##name
extern const struct ckpt_resource
#include "resources.h"
	ckpt_res_end_;
#undef CKPT_RESOURCE

/* resource.c */
const char *ckpt_rec_name(u32 type);
const struct ckpt_rec_op *ckpt_rec_op_find(u32 type,
					   const struct ckpt_resource **res);
int ckpt_res_dump(struct ckpt_ctx *ctx, struct task_struct *t);
int ckpt_res_seq_end(struct ckpt_rtask *rt, const struct ckpt_resource *res,
		     const struct ckpt_rec_op *op);
int ckpt_res_finish(struct ckpt_ctx *ctx);
void ckpt_res_kill(struct ckpt_ctx *ctx);
void ckpt_res_commit(struct ckpt_ctx *ctx);
void ckpt_res_abort(struct ckpt_ctx *ctx);
void ckpt_res_release(struct ckpt_ctx *ctx);
void ckpt_res_task_release(struct ckpt_rtask *rt);
const struct ckpt_file_ops *ckpt_file_ops_match(struct ckpt_ctx *ctx,
						const struct ckpt_fdump *d);
const struct ckpt_file_ops *ckpt_file_ops_find(u32 kind);
const struct ckpt_file_ops *ckpt_file_ops_next(unsigned int *pos);

/**
 * css_ckpt() - the ckpt state of a css
 * @css: a css of the ckpt controller, or NULL
 *
 * Return: the &struct ckpt_cgroup embedding @css, or NULL.
 */
static inline struct ckpt_cgroup *css_ckpt(struct cgroup_subsys_state *css)
{
	return css ? container_of(css, struct ckpt_cgroup, css) : NULL;
}

/**
 * ckpt_state_changed() - wake pollers and inotify watchers of ckpt.state
 * @cc: the group whose state changed
 *
 * Context: any context that may take a spinlock.
 */
static inline void ckpt_state_changed(struct ckpt_cgroup *cc)
{
	cgroup_file_notify(&cc->state_file);
}

/* run.c */
int ckpt_run(struct ckpt_cgroup *cc, enum ckpt_cmd cmd, unsigned int opts,
	     struct file *opener);

/* ctx.c */
struct ckpt_ctx *ckpt_ctx_alloc(struct ckpt_cgroup *cc, enum ckpt_cmd cmd);
void ckpt_ctx_put(struct ckpt_ctx *ctx);

/* report.c */
__printf(3, 4)
int ckpt_fail(struct ckpt_ctx *ctx, int err, const char *fmt, ...);
bool ckpt_skip_refused(struct ckpt_ctx *ctx, int *ret, struct file *file);
bool ckpt_was_refused(struct ckpt_ctx *ctx, struct file *file);
void ckpt_blockers_end(struct ckpt_ctx *ctx);
int ckpt_refuse_file(struct ckpt_ctx *ctx, const struct ckpt_fdump *d,
		     const char *what);

/* restart.c */
int ckpt_restart(struct ckpt_ctx *ctx, struct file *opener);

/* security.c */
int ckpt_restart_permission(struct ckpt_ctx *ctx, struct file *opener);
int ckpt_restart_check_creds(struct ckpt_rtask *rt, const struct cred *new);
struct kern_ipc_perm;
int ckpt_restart_check_ipc(struct ckpt_rtask *rt, const char *what, int id,
			   const struct kern_ipc_perm *p);
int ckpt_restart_check_sockbufs(struct ckpt_rtask *rt, u32 sndbuf, u32 rcvbuf);

/* mac.c */
int ckpt_key_set(struct ckpt_cgroup *cc, const char *buf);
void ckpt_key_show(struct ckpt_cgroup *cc, struct seq_file *sf);
struct key *ckpt_key_get(struct ckpt_cgroup *cc);
int ckpt_mac_begin(struct ckpt_ctx *ctx);
void ckpt_mac_free(struct ckpt_stream *s);
int ckpt_write_mac(struct ckpt_ctx *ctx);
int ckpt_mac_check_header(struct ckpt_ctx *ctx, u32 flags);
int ckpt_read_mac(struct ckpt_ctx *ctx, bool signed_image);

/* freeze.c */
int ckpt_freeze(struct ckpt_ctx *ctx, bool *was_frozen);
void ckpt_thaw(struct ckpt_ctx *ctx);
bool ckpt_still_frozen(struct ckpt_ctx *ctx);

/* stream.c */
int ckpt_stream_init(struct ckpt_stream *s, struct file *file);
void ckpt_stream_destroy(struct ckpt_stream *s);
int ckpt_write_header(struct ckpt_ctx *ctx, u32 nr_tasks);
int ckpt_write(struct ckpt_ctx *ctx, void *rec, u32 type, u32 len);
int ckpt_write2(struct ckpt_ctx *ctx, void *rec, u32 type, u32 hdr_len,
		const void *data, u32 data_len);
int ckpt_write_trailer(struct ckpt_ctx *ctx);
int ckpt_write_raw(struct ckpt_ctx *ctx, const void *p, size_t len);
int ckpt_write_pages(struct ckpt_ctx *ctx, void *rec, u32 type, u32 hdr_len,
		     struct page **pages, unsigned int nr);
int ckpt_read_header(struct ckpt_ctx *ctx, struct ckpt_file_header *h);
int ckpt_read_rec(struct ckpt_ctx *ctx, struct ckpt_hdr *rec);
int ckpt_read_payload(struct ckpt_ctx *ctx, void *buf, u32 len);
int ckpt_read_pages(struct ckpt_ctx *ctx, struct page **pages,
		    unsigned int nr);
int ckpt_read_trailer(struct ckpt_ctx *ctx, const struct ckpt_hdr *rec);
const char *ckpt_rec_string(void *rec, u32 hdr, u32 len, u32 slen);

/* objtab.c */
enum ckpt_obj_type {
	CKPT_OBJ_FILE,		/* struct file */
	CKPT_OBJ_PIPE,		/* checkpoint: struct pipe_inode_info */
	CKPT_OBJ_RPIPE,		/* restart: struct ckpt_rpipe */
	CKPT_OBJ_EVENTFD,	/* struct file of an eventfd */
	CKPT_OBJ_EPOLL,		/* struct file of an epoll instance */
	/* checkpoint: an inode whose contents are written; pinned by a file */
	CKPT_OBJ_INODE,
	/* restart: a file on the inode of a CKPT_REC_SHMEM or _UNLINKED */
	CKPT_OBJ_CONTENTS,
	/* restart: a SysV shm segment created, struct ckpt_sysv (sysvshm.c) */
	CKPT_OBJ_SYSVSHM,
	CKPT_OBJ_SIGNALFD,	/* struct file of a signalfd */
	CKPT_OBJ_TIMERFD,	/* struct file of a timerfd */
	CKPT_OBJ_INOTIFY,	/* checkpoint: struct file of an inotify instance */
	CKPT_OBJ_RINOTIFY,	/* restart: struct ckpt_rinotify (inotify.c) */
	/* checkpoint: a struct file_lock, held by a frozen task (locks.c) */
	CKPT_OBJ_LOCK,
	/* checkpoint: a SysV object written, keyed by kind and id (sysvipc.h) */
	CKPT_OBJ_IPCID,
	/* restart: a SysV semaphore set or queue made, struct ckpt_ripc */
	CKPT_OBJ_SYSVIPC,
	/* checkpoint: the master tty_struct of a pty pair (pty.c) */
	CKPT_OBJ_PTY,
	/* restart: a pty pair made, struct ckpt_rpty (pty.c) */
	CKPT_OBJ_RPTY,
	/* checkpoint: a POSIX message queue's inode; pinned by a file */
	CKPT_OBJ_MQUEUE,
	/* restart: a POSIX message queue made, struct ckpt_rmq (mqueue.c) */
	CKPT_OBJ_RMQUEUE,
	/* checkpoint: an inode whose contents are written; pinned by a file */
	CKPT_OBJ_REGFILE,
	/* restart: a regular file put back, struct ckpt_rregfile (regfile.c) */
	CKPT_OBJ_RREGFILE,
	/* checkpoint: the sock of a network socket left out; pinned by a file */
	CKPT_OBJ_NETSOCK,
	/* restart: the struct file of the socket in its place (net.c) */
	CKPT_OBJ_RNETSOCK,
	CKPT_OBJ_NR
};

void ckpt_obj_init(struct ckpt_ctx *ctx);
void ckpt_obj_destroy(struct ckpt_ctx *ctx);
u32 ckpt_obj_lookup(struct ckpt_ctx *ctx, enum ckpt_obj_type type, void *ptr,
		    bool *new);
u32 ckpt_obj_find(struct ckpt_ctx *ctx, enum ckpt_obj_type type, void *ptr);
int ckpt_obj_add(struct ckpt_ctx *ctx, u32 id, enum ckpt_obj_type type,
		 void *ptr);
int ckpt_obj_add_owned(struct ckpt_ctx *ctx, u32 id, enum ckpt_obj_type type,
		       void *ptr, void (*put)(void *ptr));
void *ckpt_obj_get(struct ckpt_ctx *ctx, u32 id, enum ckpt_obj_type type);
enum ckpt_obj_type ckpt_obj_type_of(struct ckpt_ctx *ctx, u32 id);
void ckpt_obj_for_each(struct ckpt_ctx *ctx, enum ckpt_obj_type type,
		       void (*fn)(struct ckpt_ctx *ctx, void *ptr));
u32 ckpt_obj_lookup_file(struct ckpt_ctx *ctx, struct file *file, bool *new);
int ckpt_obj_add_file(struct ckpt_ctx *ctx, u32 id, struct file *file);
struct file *ckpt_obj_get_file(struct ckpt_ctx *ctx, u32 id);
void ckpt_obj_drop_type(struct ckpt_ctx *ctx, enum ckpt_obj_type type);

/* tree.c */
int ckpt_collect_tasks(struct ckpt_ctx *ctx);
void ckpt_put_tasks(struct ckpt_ctx *ctx);
int ckpt_dump_tasks(struct ckpt_ctx *ctx);
int ckpt_read_task_table(struct ckpt_ctx *ctx, u32 nr_tasks);
int ckpt_restore_pgrp(struct ckpt_rtask *rt, bool late);

/* task.c */
int ckpt_check_task(struct ckpt_ctx *ctx, struct task_struct *t);
int ckpt_dump_task(struct ckpt_ctx *ctx, unsigned int idx);

/*
 * The steps of restart.c around a process's records, which are not
 * records of their own: files.c, mm.c before them; seccomp.c, task.c,
 * thread.c after.
 */
int ckpt_restore_files_begin(struct ckpt_rtask *rt);
int ckpt_restore_mm_begin(struct ckpt_rtask *rt);
int ckpt_restore_seccomp_install(struct ckpt_rtask *rt);
int ckpt_task_finish(struct ckpt_rtask *rt);
void ckpt_task_commit(struct ckpt_rtask *rt);
int ckpt_apply_regsets(struct ckpt_rtask *rt);
void ckpt_thread_resume(struct ckpt_rtask *rt);

/* file.c */
int ckpt_dump_file(struct ckpt_ctx *ctx, struct task_struct *t, int fd,
		   struct file *file, u32 *id);
int ckpt_dump_mapped_file(struct ckpt_ctx *ctx, struct task_struct *t,
			  struct file *file, bool shared, u32 *id);
int ckpt_restore_file(struct ckpt_rtask *rt, void *rec, u32 len);
struct file *ckpt_take_fd(long fd);

/**
 * struct ckpt_held - a file holding kernel state, seen in the group's fds
 * @file:	the file, referenced
 * @ops:	its kind
 * @pipe:	the pipe it is open on, or NULL
 * @refs:	fds of the group on it
 * @pid:	where it was first seen
 * @fd:		...
 */
struct ckpt_held {
	struct file		*file;
	const struct ckpt_file_ops *ops;
	struct pipe_inode_info	*pipe;
	unsigned int		refs;
	pid_t			pid;
	unsigned int		fd;
};

/* The files held whole by the group: one open file each, shared or not. */
struct ckpt_held_set {
	struct ckpt_held	*h;
	unsigned int		nr;
	unsigned int		cap;
};

/* held.c */
struct file *ckpt_next_file(struct task_struct *t, unsigned int *fd);
int ckpt_check_held_files(struct ckpt_ctx *ctx);
int ckpt_held_add(struct ckpt_held_set *hs, struct file *file,
		  const struct ckpt_file_ops *ops, struct pipe_inode_info *pipe,
		  pid_t pid, unsigned int fd);
const struct ckpt_file_ops *ckpt_held_kind(struct ckpt_ctx *ctx,
					   struct task_struct *t, int fd,
					   struct file *file,
					   struct pipe_inode_info **pipe);
bool ckpt_held_offset(struct file *file);
int ckpt_held_refuse(struct ckpt_ctx *ctx, const struct ckpt_held *f,
		     const char *why);

#endif /* _KERNEL_CGROUP_CKPT_H */
