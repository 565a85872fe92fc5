/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * ckpt cgroup controller: image format.
 *
 * This header is the single definition of the checkpoint image, shared by
 * the kernel (kernel/cgroup_ckpt/) and user space (the ckpt tool).
 *
 * An image is a stream, written and read strictly in order, so that it can
 * go through a pipe or a socket:
 *
 *	struct ckpt_file_header		(fixed size, at offset 0)
 *	record, record, ...		(each starts with struct ckpt_rec)
 *	struct ckpt_trailer		(the last record)
 *
 * Every record begins with { type, len }.  @len counts the record header and
 * its payload, but not the zero padding that follows the payload up to the
 * next multiple of 8 bytes.  Readers skip record types they do not know by
 * skipping CKPT_ALIGN(len) bytes; the kernel refuses them at restart.
 *
 * All integers are little-endian and fixed width; every field named
 * __reserved or __pad must be zero.  Pointers of the checkpointed program
 * are stored as __le64 user addresses.
 *
 * Types are grouped in ranges, one per resource (CKPT_RANGE()).  The
 * per-task records of one task come together, between CKPT_REC_TASK and
 * CKPT_REC_TASK_END, in the order of the task table.  A shared object (an
 * open file, say) is defined once by its own record, under a non-zero id,
 * before its first use; later records refer to it by that id.
 *
 * The trailer carries the number of records before it and a CRC-32
 * (IEEE 802.3, as zlib's crc32()) of every byte before it, padding included.
 */
#ifndef _UAPI_LINUX_CKPT_CGROUP_H
#define _UAPI_LINUX_CKPT_CGROUP_H

#include <linux/types.h>

#define CKPT_MAGIC		"LXCKPT\r\n"	/* 8 bytes, no NUL */
#define CKPT_MAGIC_LEN		8
#define CKPT_VERSION		1
#define CKPT_ALIGN(x)		(((x) + 7) & ~7)

/* ckpt_file_header.arch */
#define CKPT_ARCH_X86_64	1

/*
 * Resource classes, as named in ckpt.exclude, and the bits of
 * ckpt_file_header.exclude.
 */
#define CKPT_EXCL_ANON		(1ULL << 0)	/* "anon": private anonymous memory */
#define CKPT_EXCL_SHMEM		(1ULL << 1)	/* "shmem": shared memory contents */
#define CKPT_EXCL_NET		(1ULL << 2)	/* "net": network sockets */
#define CKPT_EXCL_IPC		(1ULL << 3)	/* "ipc": SysV sem/msg, POSIX mqueue contents */
#define CKPT_EXCL_FILES		(1ULL << 4)	/* "files": contents of regular files */
#define CKPT_EXCL_DEV		(1ULL << 5)	/* "dev": devices and terminals */
#define CKPT_EXCL_ALL		(CKPT_EXCL_ANON | CKPT_EXCL_SHMEM | CKPT_EXCL_NET | \
				 CKPT_EXCL_IPC | CKPT_EXCL_FILES | CKPT_EXCL_DEV)
/* The set of a new top-level group: regular files are reopened by path. */
#define CKPT_EXCL_DEFAULT	(CKPT_EXCL_FILES)

/* ckpt_file_header.flags */
#define CKPT_HDR_MAC		(1U << 0)	/* a CKPT_REC_MAC precedes the trailer */

/* At offset 0 of every image. */
struct ckpt_file_header {
	__u8	magic[CKPT_MAGIC_LEN];	/* CKPT_MAGIC */
	__le32	version;		/* CKPT_VERSION */
	__le32	header_len;		/* sizeof(struct ckpt_file_header) */
	__le32	arch;			/* CKPT_ARCH_* */
	__le32	page_size;
	__le64	exclude;		/* CKPT_EXCL_* bits in force */
	__le32	nr_tasks;		/* entries of the CKPT_REC_TASKS table */
	__le32	flags;			/* CKPT_HDR_*, others must be zero */
	__le64	time_ns;		/* CLOCK_REALTIME at the freeze */
	__u8	release[65];		/* utsname()->release, NUL terminated */
	__u8	machine[65];		/* utsname()->machine */
	__u8	__pad[6];
};

struct ckpt_rec {
	__le32	type;
	__le32	len;			/* header + payload, without padding */
};

#define CKPT_RANGE(r)		((r) << 8)

/* 0x00xx: stream structure */
#define CKPT_REC_TASKS		0x0001	/* task table: ckpt_task_entry[] */
#define CKPT_REC_TRAILER	0x00ff

/* 0x01xx: tasks */
#define CKPT_REC_TASK		0x0101	/* begins the records of one task */
#define CKPT_REC_CREDS		0x0102
#define CKPT_REC_ATTRS		0x0103	/* limits, scheduling, prctl state */
#define CKPT_REC_SECCOMP	0x0104	/* seccomp mode, or one filter */
#define CKPT_REC_TASK_END	0x01ff

/* 0x02xx: threads and registers */
#define CKPT_REC_THREAD		0x0201
#define CKPT_REC_REGSET		0x0202	/* one regset, as PTRACE_GETREGSET */
#define CKPT_REC_REGSET_SPARSE	0x0203	/* the same without its zero words */
#define CKPT_REC_RESTART_BLOCK	0x0204	/* how an interrupted call resumes */

/* 0x03xx: memory */
#define CKPT_REC_MM		0x0301
#define CKPT_REC_VMA		0x0302
#define CKPT_REC_PAGES		0x0303
#define CKPT_REC_VMA_ANON	0x0304	/* short form of a private anonymous area */
#define CKPT_REC_PAGES_RUN	0x0305	/* short form of CKPT_REC_PAGES */
/* 0x0310-0x031f: shared memory and file contents, objects */
#define CKPT_REC_SHMEM		0x0310	/* shmem: shared anonymous memory, memfd */
#define CKPT_REC_SHMEM_PAGES	0x0311	/* contents of a SHMEM or UNLINKED object */
#define CKPT_REC_UNLINKED	0x0312	/* a regular file unlinked while open */
#define CKPT_REC_SYSVSHM	0x0313	/* a SysV shm segment */

/* 0x04xx: files */
#define CKPT_REC_FILE		0x0401	/* an open file description (object) */
#define CKPT_REC_FD		0x0402	/* an fd table slot */
#define CKPT_REC_FS		0x0403	/* cwd, umask */
#define CKPT_REC_PIPE		0x0410	/* a pipe or FIFO (object) */
#define CKPT_REC_PIPE_DATA	0x0411	/* bytes buffered in it */
#define CKPT_REC_EVENTFD	0x0412	/* an eventfd counter (object) */
#define CKPT_REC_EPOLL		0x0413	/* an epoll instance (object) */
#define CKPT_REC_UNIX		0x0420	/* AF_UNIX sockets (object) */
#define CKPT_REC_UNIX_DATA	0x0421	/* bytes queued to one of them */
#define CKPT_REC_SIGNALFD	0x0430	/* a signalfd (object) */
#define CKPT_REC_TIMERFD	0x0431	/* a timerfd (object) */
#define CKPT_REC_INOTIFY	0x0432	/* an inotify instance (object) */
#define CKPT_REC_INOTIFY_WATCH	0x0433	/* one of its watches */
#define CKPT_REC_PTY		0x0434	/* a pseudo-terminal pair (object) */
#define CKPT_REC_PTY_DATA	0x0435	/* bytes buffered in one direction */
#define CKPT_REC_CTTY		0x0436	/* a process's controlling terminal */
/* 0x0440-0x044f: file locks */
#define CKPT_REC_FLOCK		0x0440	/* a file lock held, after the fds */
/* 0x0450-0x045f: network sockets */
#define CKPT_REC_INET		0x0450	/* a TCP or UDP socket (object) */
#define CKPT_REC_TCP		0x0451	/* an established connection's state */
#define CKPT_REC_TCP_DATA	0x0452	/* bytes of its queues */

/* 0x06xx: SysV and POSIX IPC */
#define CKPT_REC_SYSVSEM	0x0600	/* a SysV semaphore set (object) */
#define CKPT_REC_SEMUNDO	0x0601	/* a process's SEM_UNDO adjustments */
#define CKPT_REC_SYSVMSG	0x0610	/* a SysV message queue (object) */
#define CKPT_REC_SYSVMSG_DATA	0x0611	/* one message queued in it */
#define CKPT_REC_MQUEUE		0x0620	/* a POSIX message queue (object) */
#define CKPT_REC_MQUEUE_MSG	0x0621	/* one message queued in it */

/* 0x07xx: what ckpt.exclude leaves out, and what stands in its place */
#define CKPT_REC_NETSOCK	0x0700	/* a network socket left out (object) */
/* 0x0710-0x071f: contents of regular files (ckpt.exclude -files) */
#define CKPT_REC_REGFILE	0x0710	/* a regular file and its contents (object) */
#define CKPT_REC_REGFILE_DATA	0x0711	/* a piece of its contents */

/* 0x05xx: signals and timers */
#define CKPT_REC_SIGHAND	0x0501
#define CKPT_REC_SIGPENDING	0x0502	/* a thread's own queue; after its THREAD */
#define CKPT_REC_SIGNAL		0x0503	/* job control state, shared queue */
#define CKPT_REC_ITIMERS	0x0504	/* setitimer() and alarm() timers */
#define CKPT_REC_POSIX_TIMER	0x0505	/* one timer_create() timer */

/* 0x0720-0x072f: integrity */
#define CKPT_REC_MAC		0x0720	/* keyed MAC, just before the trailer */

/*
 * Largest record, header included, other than CKPT_REC_PAGES,
 * CKPT_REC_PAGES_RUN and CKPT_REC_SHMEM_PAGES; longer ones are refused.
 * CKPT_REC_TASK_END is a bare struct ckpt_rec.
 */
#define CKPT_REC_MAX_LEN	(64 * 1024)
/* Most pages in one CKPT_REC_PAGES or CKPT_REC_SHMEM_PAGES. */
#define CKPT_PAGES_MAX		256
/* Most pages in one CKPT_REC_PAGES_RUN: 16 bytes of header per 4 MiB. */
#define CKPT_RUN_MAX		1024
/*
 * Largest ckpt_file_header.page_size the format allows, for the bounds of
 * CKPT_REC_TYPE(); restart takes only images of its own page size.
 */
#define CKPT_PAGE_SIZE_MAX	(64 * 1024)

/*
 * CKPT_REC_TASKS: the task table, one entry per thread.  Processes come in
 * depth-first order of the process tree (a process, then the subtree of
 * each of its children), each followed at once by its other threads.  A
 * process whose parent is outside the group (@ppid 0) is a root; roots of
 * a session whose leader is gone come after a CKPT_TASK_GHOST entry for
 * that leader.  The per-task records of the processes follow, in the same
 * order; ghosts have none.
 *
 * Restart creates each process from its parent (the restarter for roots,
 * the ghost for the roots of its session, made children of the restarter),
 * each thread from its process, with the pids of the table.
 *
 * CKPT_TASK_SHARE_FILES: the process uses its parent's fd table (made with
 * CLONE_FILES); it has no CKPT_REC_FD of its own.  CKPT_TASK_SHARE_FS
 * likewise for cwd and umask (CLONE_FS), with no CKPT_REC_FS.
 * CKPT_TASK_SHARE_VM: its parent's memory (CLONE_VM), with no CKPT_REC_MM,
 * VMA or PAGES; CKPT_TASK_SHARE_SIGHAND: its parent's signal handlers too
 * (CLONE_SIGHAND), with no CKPT_REC_SIGHAND.
 */
#define CKPT_TASK_ZOMBIE	0x1	/* exited, not reaped by its parent yet */
#define CKPT_TASK_GHOST		0x2	/* a session leader that is gone */
#define CKPT_TASK_SHARE_FILES	0x4	/* shares its parent's fd table */
#define CKPT_TASK_SHARE_FS	0x8	/* shares its parent's cwd and umask */
#define CKPT_TASK_SHARE_VM	0x10	/* shares its parent's memory */
#define CKPT_TASK_SHARE_SIGHAND	0x20	/* and its signal handlers (needs _VM) */

struct ckpt_task_entry {
	__le32	pid;			/* in the checkpointer's pid namespace */
	__le32	tgid;
	__le32	ppid;			/* tgid of the parent, 0: outside the group */
	__le32	pgid;
	__le32	sid;
	__le32	flags;			/* CKPT_TASK_* */
};

struct ckpt_tasks {
	struct ckpt_rec		rec;
	__le32			nr;
	__le32			__reserved;
	struct ckpt_task_entry	task[];
};

/* CKPT_REC_TASK */
struct ckpt_task {
	struct ckpt_rec	rec;
	__le32	pid;
	__le32	nr_threads;
	__u8	comm[16];
	__le32	personality;
	__le32	exit_signal;
	__le32	pdeath_signal;
	__le32	dumpable;		/* 0, 1 or 2, as PR_GET_DUMPABLE */
	__le32	exit_code;		/* a zombie's wait status, else 0 */
	__le32	__reserved;
};

/* CKPT_REC_CREDS: ids as seen from the checkpointer's user namespace */
/* What fits in CKPT_REC_MAX_LEN; tasks with more groups are refused. */
#define CKPT_NGROUPS_MAX	16000
struct ckpt_creds {
	struct ckpt_rec	rec;
	__le32	uid, euid, suid, fsuid;
	__le32	gid, egid, sgid, fsgid;
	__le64	cap_inheritable;
	__le64	cap_permitted;
	__le64	cap_effective;
	__le64	cap_bset;
	__le64	cap_ambient;
	__le32	securebits;
	__le32	ngroups;
	__le32	groups[];
};

/* CKPT_REC_ATTRS: process attributes, restored after its memory and files */
#define CKPT_ATTR_NO_NEW_PRIVS	0x1	/* PR_SET_NO_NEW_PRIVS */
#define CKPT_ATTR_THP_DISABLE	0x2	/* PR_SET_THP_DISABLE */
#define CKPT_ATTR_CHILD_SUBREAPER 0x4	/* PR_SET_CHILD_SUBREAPER */

#define CKPT_NRLIMITS		16	/* RLIM_NLIMITS */
#define CKPT_RLIM_INFINITY	(~0ULL)

struct ckpt_rlimit {
	__le64	cur;
	__le64	max;
};

struct ckpt_attrs {
	struct ckpt_rec		rec;
	__le32			policy;		/* SCHED_OTHER, BATCH, IDLE, FIFO, RR */
	__le32			rt_priority;	/* 1..99 for FIFO and RR, else 0 */
	__le32			nice;		/* -20..19, as a signed value */
	__le32			flags;		/* CKPT_ATTR_* */
	struct ckpt_rlimit	rlim[CKPT_NRLIMITS];
	__le32			nr_cpus;	/* bits in @cpus */
	__le32			__reserved;
	__le64			cpus[];		/* CPU affinity, bit N = CPU N */
};

/*
 * CKPT_REC_SECCOMP: the seccomp mode of a process, which all its threads
 * share.  SECCOMP_MODE_STRICT: one record, without instructions.
 * SECCOMP_MODE_FILTER: one record per filter, oldest first (@index 0),
 * each with the classic BPF program it was installed with.
 */
#define CKPT_SECCOMP_MAX_INSNS	4096	/* BPF_MAXINSNS */

struct ckpt_sock_filter {
	__le16	code;
	__u8	jt;
	__u8	jf;
	__le32	k;
};

struct ckpt_seccomp {
	struct ckpt_rec		rec;
	__le32			mode;		/* SECCOMP_MODE_STRICT or _FILTER */
	__le32			index;		/* of this filter, from 0 */
	__le32			nr_insns;	/* entries of @insns */
	__le32			__reserved;
	struct ckpt_sock_filter	insns[];
};

/*
 * CKPT_REC_THREAD: per-thread kernel state other than registers.
 *
 * @syscall says what the thread's registers show about a system call it was
 * in when the group froze: CKPT_SYSCALL_RESTART, the call (@syscall_nr) had
 * been interrupted and is executed again on resume; CKPT_SYSCALL_RESTART_BLOCK,
 * it is resumed through restart_syscall() with the saved restart block.
 * @restart describes the thread's restart block, if one can be saved.
 */
#define CKPT_SYSCALL_NONE		0	/* user mode, or the call completed */
#define CKPT_SYSCALL_RESTART		1
#define CKPT_SYSCALL_RESTART_BLOCK	2

#define CKPT_RESTART_NONE		0
#define CKPT_RESTART_NANOSLEEP		1	/* a relative or absolute sleep */
#define CKPT_RESTART_BLOCK		2	/* a CKPT_REC_RESTART_BLOCK follows */

struct ckpt_thread {
	struct ckpt_rec	rec;
	__le32	tid;
	__le32	syscall;		/* CKPT_SYSCALL_* */
	__le64	syscall_nr;
	__le32	restart;		/* CKPT_RESTART_* */
	__le32	sleep_clockid;
	__le64	sleep_remaining_ns;	/* time left at the freeze */
	__le64	sleep_rmtp;		/* 0: the caller passed none */
	/* user space pointers registered with the kernel */
	__le64	clear_child_tid;
	__le64	robust_list;
	__le64	robust_list_len;
	__le64	rseq;
	__le32	rseq_len;
	__le32	rseq_sig;
	__le64	sas_ss_sp;
	__le64	sas_ss_size;
	__le32	sas_ss_flags;
	__le32	__reserved;
	__le64	blocked;		/* signal mask, bit N-1 = signal N */
};

/*
 * CKPT_REC_RESTART_BLOCK: the restart block of the thread of the last
 * CKPT_REC_THREAD (whose @restart is CKPT_RESTART_BLOCK), which its
 * interrupted call resumes from through restart_syscall(): @kind
 * CKPT_RB_POLL, a poll() on the @nr pollfds at @uaddr; CKPT_RB_FUTEX, a
 * FUTEX_WAIT(_BITSET) on the futex word at @uaddr for value @nr, with
 * @bitset.  With CKPT_RB_TIMEOUT, @remaining_ns is the time it had left
 * at the freeze, on CLOCK_MONOTONIC, or CLOCK_REALTIME with
 * CKPT_RB_REALTIME; CKPT_RB_SHARED: a futex shared between processes.
 */
#define CKPT_RB_POLL		1
#define CKPT_RB_FUTEX		2

#define CKPT_RB_TIMEOUT		0x1
#define CKPT_RB_REALTIME	0x2
#define CKPT_RB_SHARED		0x4
#define CKPT_RB_FLAGS		0x7

struct ckpt_restart_block {
	struct ckpt_rec	rec;
	__le32	kind;			/* CKPT_RB_* */
	__le32	flags;			/* CKPT_RB_TIMEOUT... */
	__le64	uaddr;
	__le32	nr;
	__le32	bitset;
	__le64	remaining_ns;
};

/*
 * CKPT_REC_REGSET: the bytes PTRACE_GETREGSET returns for regset @note_type
 * (NT_PRSTATUS, NT_PRFPREG, NT_X86_XSTATE...), for the thread named by the
 * preceding CKPT_REC_THREAD.
 */
struct ckpt_regset {
	struct ckpt_rec	rec;
	__le32	note_type;
	__le32	size;
	__u8	data[];
};

/*
 * CKPT_REC_REGSET_SPARSE: what checkpoint writes.  The same header; @size
 * is that of the regset (a multiple of 8, at most CKPT_REGSET_MAX), and
 * @data holds a bitmap of size / 8 bits in __le64 words (bit N of word W:
 * the 8-byte word 64 * W + N of the regset is stored), then the stored
 * words in order.  The others are zero.  Most of an XSAVE area is (AVX-512
 * state nobody used), and so is much of the general registers.
 */
#define CKPT_REGSET_MAX		(64 * 1024)

/* CKPT_REC_MM: the address space of the task */
struct ckpt_mm {
	struct ckpt_rec	rec;
	__le64	start_code, end_code, start_data, end_data;
	__le64	start_brk, brk, start_stack;
	__le64	arg_start, arg_end, env_start, env_end;
	__le64	vdso;			/* 0: none */
	__le32	exe_file;		/* object id of the CKPT_REC_FILE, or 0 */
	__le32	nr_vmas;
	__le64	flags;			/* none defined yet */
};

/* ckpt_vma.prot */
#define CKPT_PROT_READ		0x1
#define CKPT_PROT_WRITE		0x2
#define CKPT_PROT_EXEC		0x4
/* ckpt_vma.flags */
#define CKPT_VMA_GROWSDOWN	0x1	/* a stack */
#define CKPT_VMA_EXCLUDED	0x2	/* contents left out (ckpt.exclude) */
#define CKPT_VMA_HEAP		0x4	/* the brk area */
#define CKPT_VMA_SHARED		0x8	/* MAP_SHARED (needs @file); no PAGES */
#define CKPT_VMA_SYSVSHM	0x10	/* with _SHARED: a whole shmat() attachment */

/* CKPT_REC_VMA, followed by the CKPT_REC_PAGES of the area */
struct ckpt_vma {
	struct ckpt_rec	rec;
	__le64	start;
	__le64	end;
	__le64	pgoff;			/* in pages, for a file mapping */
	__le32	prot;			/* CKPT_PROT_* */
	__le32	flags;			/* CKPT_VMA_* */
	__le32	file;			/* object id, 0 for anonymous memory */
	__le32	__reserved;
};

/*
 * CKPT_REC_PAGES: @nr_pages pages of the preceding area starting at @addr,
 * contents follow the header.  Pages not written read as zero (anonymous
 * memory) or come from the file (file mappings).
 */
struct ckpt_pages {
	struct ckpt_rec	rec;
	__le64	addr;
	__le32	nr_pages;
	__le32	__reserved;
};

/*
 * What checkpoint writes, restart reading both forms: an area is a
 * CKPT_REC_VMA_ANON when it is private anonymous memory of fewer than 2^32
 * pages, a CKPT_REC_VMA otherwise; its pages are CKPT_REC_PAGES_RUN.  With
 * many small areas (a process of 10,000 mappings) the 72 bytes of the long
 * forms were most of an area's cost; the short ones take 40.
 *
 * CKPT_REC_VMA_ANON: the area @start to @start + @nr_pages pages, @prot
 * and @flags as in struct ckpt_vma; no file, no pgoff, never
 * CKPT_VMA_SHARED.
 */
struct ckpt_vma_anon {
	struct ckpt_rec	rec;
	__le64	start;
	__le32	nr_pages;
	__le16	flags;			/* CKPT_VMA_* */
	__u8	prot;			/* CKPT_PROT_* */
	__u8	__reserved;
};

/*
 * CKPT_REC_PAGES_RUN: CKPT_REC_PAGES whose number of pages, 1 to
 * CKPT_RUN_MAX, is that of the record's length: (@rec.len -
 * sizeof(struct ckpt_pages_run)) / the page size, which must divide it.
 */
struct ckpt_pages_run {
	struct ckpt_rec	rec;
	__le64	addr;
};

/*
 * ckpt_file.kind.  Kinds 32-47 are files on an object that holds contents
 * (CKPT_REC_SHMEM, CKPT_REC_UNLINKED), defined before them; their @rdev is
 * that object's id, and @path is informative only.
 */
#define CKPT_FILE_REG		1	/* regular file, reopened by path */
#define CKPT_FILE_DIR		2
#define CKPT_FILE_CHR		3	/* a character device: /dev/null... */
#define CKPT_FILE_PIPE		16	/* an end of an anonymous pipe */
#define CKPT_FILE_FIFO		17	/* a named pipe, reopened by path */
#define CKPT_FILE_EVENTFD	18	/* an eventfd */
#define CKPT_FILE_EPOLL		19	/* an epoll instance */
#define CKPT_FILE_SIGNALFD	20	/* a signalfd */
#define CKPT_FILE_TIMERFD	21	/* a timerfd */
#define CKPT_FILE_INOTIFY	22	/* an inotify instance */
#define CKPT_FILE_PTMX		23	/* the master of a pty pair */
#define CKPT_FILE_PTS		24	/* a file open on its slave */
#define CKPT_FILE_MQUEUE	26	/* an open POSIX message queue */
#define CKPT_FILE_NETSOCK	27	/* a network socket left out (net) */
#define CKPT_FILE_DEV_EXCL	28	/* a device or terminal left out (dev) */
#define CKPT_FILE_REGDATA	30	/* regular file, rewritten from a CKPT_REC_REGFILE */
#define CKPT_FILE_SHMEM		32	/* the file of MAP_SHARED|MAP_ANONYMOUS memory */
#define CKPT_FILE_MEMFD		33	/* an open memfd_create() file */
#define CKPT_FILE_UNLINKED	34	/* an open regular file with no name left */
#define CKPT_FILE_SYSVSHM	35	/* the file of a shmat() attachment */
#define CKPT_FILE_INET		36	/* a TCP or UDP socket, with its state */

/*
 * CKPT_REC_FILE: an open file description, defined once under @id.  The
 * kinds from 16 up hold kernel state that is an object of its own, defined
 * before by its own record, which @obj names: for CKPT_FILE_PIPE and
 * CKPT_FILE_FIFO a CKPT_REC_PIPE, for CKPT_FILE_EVENTFD a
 * CKPT_REC_EVENTFD, for CKPT_FILE_EPOLL a CKPT_REC_EPOLL, for
 * CKPT_FILE_SIGNALFD a CKPT_REC_SIGNALFD, for CKPT_FILE_TIMERFD a
 * CKPT_REC_TIMERFD, for CKPT_FILE_INOTIFY a CKPT_REC_INOTIFY, for
 * CKPT_FILE_PTMX and CKPT_FILE_PTS a CKPT_REC_PTY, for
 * CKPT_FILE_MQUEUE a CKPT_REC_MQUEUE (@pos: what read() of the queue's
 * status line consumed, at most 80), for CKPT_FILE_NETSOCK a
 * CKPT_REC_NETSOCK.  CKPT_FILE_DEV_EXCL is a device or terminal that
 * ckpt.exclude dev left out: @rdev, @mode and @path are the device's,
 * informative; restart opens /dev/null in its place with @flags.  Their
 * @path is informational ("pipe:[1234]", "anon_inode:[eventfd]") but for a
 * FIFO.
 * Restart refuses a CKPT_FILE_REG whose size or mtime changed since, unless
 * the trigger says "skip-file-check".  A CKPT_FILE_REGDATA (written when
 * ckpt.exclude does not name "files") is reopened by path too, after the
 * CKPT_REC_REGFILE @obj put the file's contents back: it must be that file.
 */
struct ckpt_file {
	struct ckpt_rec	rec;
	__le32	id;
	__le32	kind;			/* CKPT_FILE_* */
	__le32	flags;			/* O_* flags of the open file */
	__le32	mode;			/* st_mode */
	__le64	pos;
	__le64	size;			/* st_size at checkpoint */
	__le64	mtime;			/* st_mtime in ns, CKPT_FILE_REG; else 0 */
	union {
		__le32	rdev;		/* CKPT_FILE_CHR: new_encode_dev() */
		__le32	obj;		/* kinds from 16 up: object id, else 0 */
	};
	__le32	path_len;		/* bytes of path, without NUL */
	__u8	path[];			/* NUL terminated */
};

/*
 * CKPT_REC_SHMEM: a shmem object, defined once under @id and followed by
 * its CKPT_REC_SHMEM_PAGES.  CKPT_SHMEM_ANON is the memory of a
 * MAP_SHARED|MAP_ANONYMOUS mapping (shared by the processes that forked
 * with it, "/dev/zero (deleted)" in /proc/PID/maps); CKPT_SHMEM_MEMFD a
 * memfd_create() file named "memfd:@name".  @seals are F_GET_SEALS's (0
 * for ANON).  @name_len bytes of name and a NUL follow; ANON has none.
 */
#define CKPT_SHMEM_ANON		1
#define CKPT_SHMEM_MEMFD	2

struct ckpt_shmem {
	struct ckpt_rec	rec;
	__le32	id;
	__le32	kind;			/* CKPT_SHMEM_* */
	__le64	size;			/* bytes, i_size */
	__le32	seals;			/* F_SEAL_* */
	__le32	name_len;		/* bytes of name, without NUL */
	__u8	name[];			/* NUL terminated */
};

/*
 * CKPT_REC_SHMEM_PAGES: @nr_pages pages of the contents of object @id (a
 * CKPT_REC_SHMEM or CKPT_REC_UNLINKED) from page @pgoff on, inside its
 * size; the contents follow.  Pages not written (holes, zero pages) read
 * as zero.
 */
struct ckpt_shmem_pages {
	struct ckpt_rec	rec;
	__le32	id;
	__le32	nr_pages;		/* 1..CKPT_PAGES_MAX */
	__le64	pgoff;
};

/*
 * CKPT_REC_UNLINKED: the inode of a regular file unlinked while open,
 * defined once under @id and followed by its CKPT_REC_SHMEM_PAGES.  It is
 * recreated unlinked (O_TMPFILE) in the directory @dir it was in.
 */
struct ckpt_unlinked {
	struct ckpt_rec	rec;
	__le32	id;
	__le32	mode;			/* st_mode */
	__le64	size;			/* st_size */
	__le32	dir_len;		/* bytes of dir, without NUL */
	__le32	__reserved;
	__u8	dir[];			/* NUL terminated */
};

/*
 * CKPT_REC_SYSVSHM: a SysV shared memory segment attached by a process of
 * the image, defined once under @id and followed by its
 * CKPT_REC_SHMEM_PAGES.  Restart creates it in the restarter's IPC
 * namespace with the same @shmid and @key, and attaches it first at @addr
 * in the process whose records define it (where its first CKPT_REC_VMA
 * with CKPT_VMA_SYSVSHM is).  Ids are as seen from the checkpointer's user
 * namespace.
 */
#define CKPT_SHM_DEST		01000	/* @mode: removed, goes with its last detach */

struct ckpt_sysvshm {
	struct ckpt_rec	rec;
	__le32	id;			/* object id */
	__le32	shmid;
	__le32	key;			/* 0: IPC_PRIVATE */
	__le32	mode;			/* permission bits, CKPT_SHM_DEST */
	__le32	uid, gid, cuid, cgid;
	__le64	size;			/* bytes, shm_segsz */
	__le64	addr;
};

/*
 * CKPT_REC_REGFILE: the contents of a regular file that the group has open
 * through an fd or maps MAP_SHARED, written when ckpt.exclude does not name
 * "files", once per inode under @id, before the first CKPT_FILE_REGDATA
 * file on it; followed at once by CKPT_REC_REGFILE_DATA records, by
 * increasing offset.  @size bytes; those no record gives (holes, as
 * SEEK_HOLE found them) read as zero.  Restart puts the file at @path (no
 * last symlink followed) back as it was, with the restarter's rights:
 * unless its size and mtime are still @size and @mtime, it is truncated to
 * 0, then to @size, and the pieces are written; a missing file is created
 * with the permission bits of @mode.
 */
struct ckpt_regfile {
	struct ckpt_rec	rec;
	__le32	id;
	__le32	mode;			/* st_mode, a regular file */
	__le64	size;			/* st_size */
	__le64	mtime;			/* st_mtime in ns */
	__le32	path_len;		/* bytes of path, without NUL */
	__le32	__reserved;
	__u8	path[];			/* NUL terminated */
};

/* Most bytes of contents in one CKPT_REC_REGFILE_DATA. */
#define CKPT_REGFILE_CHUNK	32768

/*
 * CKPT_REC_REGFILE_DATA: bytes @offset.. of the file @file (the
 * CKPT_REC_REGFILE they follow), 1..CKPT_REGFILE_CHUNK of them, inside its
 * size, after those of the record before.
 */
struct ckpt_regfile_data {
	struct ckpt_rec	rec;
	__le32	file;			/* object id of the CKPT_REC_REGFILE */
	__le32	__reserved;
	__le64	offset;
	__u8	data[];
};

/* CKPT_REC_FD */
#define CKPT_FD_CLOEXEC		0x1
struct ckpt_fd {
	struct ckpt_rec	rec;
	__le32	fd;
	__le32	file;			/* object id */
	__le32	flags;			/* CKPT_FD_* */
	__le32	__reserved;
};

/* CKPT_REC_FS */
struct ckpt_fs {
	struct ckpt_rec	rec;
	__le32	umask;
	__le32	cwd_len;		/* bytes of cwd, without NUL */
	__u8	cwd[];			/* NUL terminated */
};

/*
 * CKPT_REC_PIPE: a pipe (@kind CKPT_FILE_PIPE) or a FIFO (CKPT_FILE_FIFO,
 * reopened through @path), written before the first file open on it, with
 * its capacity (F_GETPIPE_SZ) and the @nr_bytes it holds, which follow in
 * CKPT_REC_PIPE_DATA records, in the order they are read.  An anonymous
 * pipe has at most one file per end; a FIFO any number.
 */
struct ckpt_pipe {
	struct ckpt_rec	rec;
	__le32	id;
	__le32	kind;			/* CKPT_FILE_PIPE or CKPT_FILE_FIFO */
	__le32	size;			/* capacity in bytes, pages * page size */
	__le32	nr_bytes;		/* bytes buffered */
	__le32	path_len;		/* bytes of path, without NUL */
	__le32	__reserved;
	__u8	path[];			/* NUL terminated */
};

/*
 * CKPT_REC_PIPE_DATA: bytes of the pipe @pipe from byte @offset of what it
 * holds on, right after its CKPT_REC_PIPE, until @nr_bytes are given.
 */
struct ckpt_pipe_data {
	struct ckpt_rec	rec;
	__le32	pipe;			/* object id of the CKPT_REC_PIPE */
	__le32	offset;
	__u8	data[];			/* at most CKPT_REC_MAX_LEN - 16 bytes */
};

/*
 * CKPT_REC_EVENTFD: the counter of an eventfd, before its file (the two
 * are one: an eventfd has one open file, which fds and processes share).
 */
#define CKPT_EVENTFD_SEMAPHORE	0x1	/* EFD_SEMAPHORE */

struct ckpt_eventfd {
	struct ckpt_rec	rec;
	__le32	id;
	__le32	flags;			/* CKPT_EVENTFD_* */
	__le64	count;			/* at most 2^64 - 2 */
};

/*
 * CKPT_REC_SIGNALFD: the mask of a signalfd, before its file (one open
 * file, which fds and processes share).  Bit N-1 of @mask is signal N;
 * never SIGKILL or SIGSTOP.
 */
struct ckpt_signalfd {
	struct ckpt_rec	rec;
	__le32	id;
	__le32	__reserved;
	__le64	mask;
};

/*
 * CKPT_REC_TIMERFD: a timerfd, before its file.  @value_ns is the time
 * left (0: disarmed, or expired), counted again from the restart;
 * @interval_ns the period; @ticks the expirations not read yet.
 * @settime_flags are those of the last timerfd_settime() (TFD_TIMER_ABSTIME,
 * TFD_TIMER_CANCEL_ON_SET); an absolute timer is armed again at the time
 * of the restart plus @value_ns.
 */
#define CKPT_TFD_TIMER_ABSTIME		0x1	/* TFD_TIMER_ABSTIME */
#define CKPT_TFD_TIMER_CANCEL_ON_SET	0x2	/* TFD_TIMER_CANCEL_ON_SET */

struct ckpt_timerfd {
	struct ckpt_rec	rec;
	__le32	id;
	__le32	clockid;		/* REALTIME, MONOTONIC, BOOTTIME, *_ALARM */
	__le32	settime_flags;		/* CKPT_TFD_* */
	__le32	__reserved;
	__le64	value_ns;
	__le64	interval_ns;
	__le64	ticks;
};

/*
 * CKPT_REC_INOTIFY: an inotify instance, before its file, followed by
 * @nr_watches CKPT_REC_INOTIFY_WATCH records.  @next_wd is the watch
 * descriptor inotify_add_watch() tries next (INOTIFY_IOC_SETNEXTWD).
 * Events queued and not read are not saved: checkpoint refuses them.
 */
struct ckpt_inotify {
	struct ckpt_rec	rec;
	__le32	id;
	__le32	nr_watches;
	__le32	next_wd;
	__le32	__reserved;
};

/*
 * CKPT_REC_INOTIFY_WATCH: watch @wd of the instance @inotify on the inode
 * named by @path (the name it had at checkpoint, reopened without following
 * a last symlink), with @mask as inotify_add_watch() takes it (IN_* events,
 * IN_ONESHOT, IN_EXCL_UNLINK).
 */
struct ckpt_inotify_watch {
	struct ckpt_rec	rec;
	__le32	inotify;		/* object id of the CKPT_REC_INOTIFY */
	__le32	wd;
	__le32	mask;
	__le32	path_len;		/* bytes of path, without NUL */
	__u8	path[];			/* NUL terminated */
};

/*
 * CKPT_REC_PTY: a Unix 98 pseudo-terminal pair, defined once under @id
 * before the first file open on either end (CKPT_FILE_PTMX: its master,
 * one file; CKPT_FILE_PTS: files open on its slave), followed by a
 * CKPT_REC_PTY_DATA for each direction with bytes buffered (@nr_in, then
 * @nr_out).  Restart opens a new pair through the multiplexer @path (the
 * one the master was opened through, "/dev/ptmx" or "/dev/pts/ptmx"),
 * which numbers it anew: @index, N of /dev/pts/N, is informative.
 * @termios and the window are the slave's (a master has none of its own
 * that user space can change).  @sid and @pgrp: the session whose
 * controlling terminal the slave is and its foreground process group, 0
 * for none; ids as in the task table.  @pktstatus: with CKPT_PTY_PACKET,
 * the TIOCPKT_* status bits a read of the master has not returned yet.
 */
#define CKPT_NCCS		19	/* NCCS */

struct ckpt_termios {
	__le32	iflag;
	__le32	oflag;
	__le32	cflag;
	__le32	lflag;
	__le32	ispeed;
	__le32	ospeed;
	__u8	line;			/* line discipline: 0, N_TTY */
	__u8	cc[CKPT_NCCS];		/* c_cc[] */
	__u8	__reserved[4];
};

#define CKPT_PTY_LOCKED		0x1	/* TIOCSPTLCK: the slave cannot be opened */
#define CKPT_PTY_PACKET		0x2	/* TIOCPKT: the master is in packet mode */
#define CKPT_PTY_MASTER_EXCL	0x4	/* TIOCEXCL on the master */
#define CKPT_PTY_SLAVE_EXCL	0x8	/* TIOCEXCL on the slave */

#define CKPT_PTY_BUF_MAX	4096	/* N_TTY_BUF_SIZE: bytes buffered, each way */

struct ckpt_pty {
	struct ckpt_rec		rec;
	__le32			id;
	__le32			index;		/* N of /dev/pts/N, informative */
	__le32			flags;		/* CKPT_PTY_* */
	__le32			pktstatus;	/* TIOCPKT_* bits, with _PACKET */
	struct ckpt_termios	termios;	/* of the slave */
	__le16			ws_row;		/* struct winsize */
	__le16			ws_col;
	__le16			ws_xpixel;
	__le16			ws_ypixel;
	__le32			sid;		/* 0: no one's controlling terminal */
	__le32			pgrp;		/* foreground process group, or 0 */
	__le32			nr_in;		/* bytes the slave has to read */
	__le32			nr_out;		/* bytes the master has to read */
	__le32			path_len;	/* bytes of path, without NUL */
	__le32			__reserved;
	__u8			path[];		/* NUL terminated */
};

/*
 * CKPT_REC_PTY_DATA: the bytes buffered in one direction of the pty @pty:
 * CKPT_PTY_IN, written to the master and not read from the slave yet
 * (always in non-canonical mode: input being edited in canonical mode is
 * refused at checkpoint); CKPT_PTY_OUT, written to the slave (echoes
 * included) and not read from the master yet.  As the readers get them:
 * input processing, echo and output processing already done.
 */
#define CKPT_PTY_IN		0
#define CKPT_PTY_OUT		1

struct ckpt_pty_data {
	struct ckpt_rec	rec;
	__le32	pty;			/* object id of the CKPT_REC_PTY */
	__le32	dir;			/* CKPT_PTY_IN or CKPT_PTY_OUT */
	__u8	data[];			/* nr_in or nr_out bytes of the pty */
};

/*
 * CKPT_REC_CTTY: the controlling terminal of the process whose records
 * hold it, the slave of the pty @pty (defined before), after its
 * CKPT_REC_FD records.  The process is in the session of the pty.
 */
struct ckpt_ctty {
	struct ckpt_rec	rec;
	__le32	pty;			/* object id of the CKPT_REC_PTY */
	__le32	__reserved;
};

/*
 * CKPT_REC_EPOLL: an epoll instance and the files it watches, each
 * defined before it, each with the fd number it was added through, in the
 * process that writes the record first: restart adds them again through
 * these fds (EPOLL_CTL_ADD), before the file record of the instance.
 */
struct ckpt_epoll_item {
	__le32	fd;
	__le32	file;			/* object id of the file watched */
	__le32	events;			/* EPOLLIN..., EPOLLET, EPOLLONESHOT... */
	__le32	__reserved;
	__le64	data;
};

/* What fits in CKPT_REC_MAX_LEN; more are refused. */
#define CKPT_EPOLL_MAX_ITEMS	2730

struct ckpt_epoll {
	struct ckpt_rec		rec;
	__le32			id;
	__le32			nr;		/* entries of @item */
	struct ckpt_epoll_item	item[];
};

/*
 * CKPT_REC_UNIX: an AF_UNIX socket, alone or with the peer it is connected
 * to, defining the open files of both ends as objects; an end whose file
 * was closed has id 0.  Followed by the CKPT_REC_UNIX_DATA records of end
 * 0's receive queue, then end 1's.
 *
 * @addr holds end 0's name (@end[0].addr_len bytes), end 1's, then the
 * name end 0 connects to (@peer_len bytes): each as the kernel keeps
 * sun_path, a path with its NUL or an abstract name that starts with a
 * NUL.  An end with CKPT_UNIX_BOUND is bound to its name (path names are
 * absolute); one without carries the name of the listener that accepted
 * it.  CKPT_UNIX_CONNECT: end 0, a lone SOCK_DGRAM socket, is connected
 * to the socket bound to @peer (in the group or not).
 */
#define CKPT_UNIX_PAIR		0x1	/* end 1 is end 0's peer */
#define CKPT_UNIX_LISTEN	0x2	/* end 0 listens, with @backlog */
#define CKPT_UNIX_CONNECT	0x4	/* end 0 is connected to @peer */

#define CKPT_UNIX_PASSCRED	0x1	/* SO_PASSCRED */
#define CKPT_UNIX_SNDBUF_LOCK	0x2	/* SO_SNDBUF was set */
#define CKPT_UNIX_RCVBUF_LOCK	0x4	/* SO_RCVBUF was set */
#define CKPT_UNIX_BOUND		0x8	/* bound to its name */

#define CKPT_UNIX_NAME_MAX	108	/* sizeof(sun_path) */

struct ckpt_unix_end {
	__le32	id;			/* object id of its open file, or 0 */
	__le32	flags;			/* O_* flags of that file */
	__le32	shutdown;		/* 1: receive, 2: send, as sk_shutdown */
	__le32	opts;			/* CKPT_UNIX_PASSCRED... */
	__le32	sndbuf;
	__le32	rcvbuf;
	__le32	nr_msgs;		/* CKPT_REC_UNIX_DATA for its queue */
	__le32	addr_len;		/* bytes of its name in @addr, 0: none */
};

struct ckpt_unix {
	struct ckpt_rec		rec;
	__le32			type;		/* SOCK_STREAM, _DGRAM, _SEQPACKET */
	__le32			flags;		/* CKPT_UNIX_* */
	__le32			backlog;	/* CKPT_UNIX_LISTEN: listen() backlog */
	__le32			peer_len;	/* CKPT_UNIX_CONNECT: bytes of @peer */
	struct ckpt_unix_end	end[2];
	__u8			addr[];		/* see above */
};

/*
 * CKPT_REC_UNIX_DATA: one queued message (SOCK_DGRAM, SOCK_SEQPACKET) or
 * a piece of the queued stream, for end @end of the preceding CKPT_REC_UNIX.
 * @data holds @nr_fds object ids (__le32) of the open files passed with it
 * (SCM_RIGHTS), then @len bytes.  A piece of stream with files is one
 * message of its sender, whole.
 */
#define CKPT_UNIX_MAX_FDS	253	/* SCM_MAX_FD */

struct ckpt_unix_data {
	struct ckpt_rec	rec;
	__le32	end;
	__le32	len;
	__le32	nr_fds;
	__le32	__reserved;
	__u8	data[];
};

/*
 * CKPT_REC_NETSOCK: a network socket (AF_INET, AF_INET6, AF_NETLINK,
 * AF_PACKET...) that ckpt.exclude net left out, defined once under @id
 * before its CKPT_REC_FILE (kind CKPT_FILE_NETSOCK).  It says what the
 * socket was, not its state: restart puts a new socket of the same
 * @family, @type and @protocol in its place.  @state is the kernel's
 * sk_state (TCP_ESTABLISHED 1 ... TCP_LISTEN 10, TCP_CLOSE 7).  For
 * AF_INET and AF_INET6, @laddr and @raddr are the local and peer
 * addresses (AF_INET: the first 4 bytes), @lport and @rport the ports, in
 * host order; zero for other families.  CKPT_NETSOCK_CONNECTED: the
 * socket was connected, or connecting, to @raddr (TCP: any state but
 * TCP_LISTEN and TCP_CLOSE; UDP: connect() was called), and restart gives
 * a reset connection in its place (UDP: connected again).
 * CKPT_NETSOCK_BOUND: bound to @laddr:@lport; a listener or a UDP
 * socket is bound again there if the address is free.  @backlog: a
 * listener's listen() backlog.
 */
#define CKPT_NETSOCK_CONNECTED	0x1
#define CKPT_NETSOCK_BOUND	0x2
#define CKPT_NETSOCK_REUSEADDR	0x4	/* SO_REUSEADDR */
#define CKPT_NETSOCK_REUSEPORT	0x8	/* SO_REUSEPORT */

struct ckpt_netsock {
	struct ckpt_rec	rec;
	__le32	id;
	__le32	family;			/* AF_* */
	__le32	type;			/* SOCK_STREAM, SOCK_DGRAM... */
	__le32	protocol;		/* IPPROTO_TCP, IPPROTO_UDP... */
	__le32	state;			/* sk_state */
	__le32	flags;			/* CKPT_NETSOCK_* */
	__le32	backlog;		/* a listener's */
	__le16	lport;			/* host order */
	__le16	rport;
	__u8	laddr[16];		/* network order */
	__u8	raddr[16];
};

/*
 * CKPT_REC_INET: an AF_INET or AF_INET6 socket saved with its options,
 * defined once under @id before its CKPT_REC_FILE (kind CKPT_FILE_INET):
 * a TCP socket listening (@state TCP_LISTEN, 10), never connected
 * (TCP_CLOSE, 7) or connected (TCP_ESTABLISHED, 1, with its CKPT_REC_TCP
 * right after), or a UDP socket (TCP_CLOSE; TCP_ESTABLISHED, 1, if
 * connected).  Addresses and ports as in CKPT_REC_NETSOCK; @backlog: a
 * listener's, as listen() left it.  @sndbuf, @rcvbuf: the buffer sizes
 * the program set (SO_SNDBUF, SO_RCVBUF: what the kernel holds, doubled),
 * with CKPT_INET_SNDBUF, CKPT_INET_RCVBUF; @linger: SO_LINGER's seconds,
 * with CKPT_INET_LINGER; @keepidle, @keepintvl (seconds) and @keepcnt:
 * TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT, 0 for the sysctl's default;
 * @defer_accept: TCP_DEFER_ACCEPT, in retransmissions; @fastopen:
 * TCP_FASTOPEN's queue length; @tos: IP_TOS or IPV6_TCLASS; @ttl: IP_TTL
 * or IPV6_UNICAST_HOPS, -1 for the default.  Queued datagrams are not
 * kept (a UDP socket loses them as a network may).
 */
#define CKPT_INET_BOUND		0x0001	/* bound to @laddr:@lport */
#define CKPT_INET_CONNECTED	0x0002	/* UDP: connected to @raddr:@rport */
#define CKPT_INET_REUSEADDR	0x0004	/* SO_REUSEADDR */
#define CKPT_INET_REUSEPORT	0x0008	/* SO_REUSEPORT */
#define CKPT_INET_V6ONLY	0x0010	/* IPV6_V6ONLY */
#define CKPT_INET_FREEBIND	0x0020	/* IP_FREEBIND */
#define CKPT_INET_KEEPALIVE	0x0040	/* SO_KEEPALIVE */
#define CKPT_INET_NODELAY	0x0080	/* TCP_NODELAY */
#define CKPT_INET_LINGER	0x0100	/* SO_LINGER, @linger seconds */
#define CKPT_INET_SNDBUF	0x0200	/* SO_SNDBUF: @sndbuf */
#define CKPT_INET_RCVBUF	0x0400	/* SO_RCVBUF: @rcvbuf */
#define CKPT_INET_BROADCAST	0x0800	/* SO_BROADCAST */
#define CKPT_INET_OPTS		0x0fff

struct ckpt_inet {
	struct ckpt_rec	rec;
	__le32	id;
	__le32	family;			/* AF_INET, AF_INET6 */
	__le32	type;			/* SOCK_STREAM, SOCK_DGRAM */
	__le32	protocol;		/* IPPROTO_TCP, IPPROTO_UDP */
	__le32	state;			/* sk_state */
	__le32	opts;			/* CKPT_INET_* */
	__le32	backlog;
	__le16	lport;			/* host order */
	__le16	rport;
	__u8	laddr[16];		/* network order */
	__u8	raddr[16];
	__le32	sndbuf;
	__le32	rcvbuf;
	__le32	linger;
	__le32	keepidle;
	__le32	keepintvl;
	__le32	keepcnt;
	__le32	defer_accept;
	__le32	fastopen;
	__le32	tos;
	__le32	ttl;			/* signed */
};

/*
 * CKPT_REC_TCP: the connection of the CKPT_REC_INET @id (state
 * TCP_ESTABLISHED; CLOSE_WAIT, CLOSING, LAST_ACK with CKPT_TCP_FIN_IN;
 * FIN_WAIT1, FIN_WAIT2, CLOSING, LAST_ACK with CKPT_TCP_FIN_OUT), right
 * after it, as TCP repair (TCP_REPAIR) reads and sets it: the sequence
 * numbers, which give the bytes queued, received and not read (@rcv_nxt -
 * @copied_seq, less one for a FIN not read yet) and sent and not
 * acknowledged or not sent yet (@write_seq - @snd_una, less one for our
 * FIN not acknowledged yet); the windows (TCP_REPAIR_WINDOW);
 * the options the peers agreed on (TCP_REPAIR_OPTIONS): @mss_clamp, the
 * window scales with CKPT_TCP_WSCALE, SACK, timestamps and @timestamp, the
 * clock of the connection (TCP_TIMESTAMP); @sndbuf and @rcvbuf, the
 * buffer sizes in force.  The bytes follow in CKPT_REC_TCP_DATA records,
 * receive queue first, until both queues are given.
 */
#define CKPT_TCP_WSCALE		0x1	/* window scaling, @snd_wscale, @rcv_wscale */
#define CKPT_TCP_SACK		0x2	/* selective acknowledgments */
#define CKPT_TCP_TSTAMP		0x4	/* timestamps, @timestamp */
#define CKPT_TCP_FIN_IN		0x8	/* the peer's FIN came (CLOSE_WAIT...) */
#define CKPT_TCP_FIN_OUT	0x10	/* ours went (FIN_WAIT1, FIN_WAIT2...) */
#define CKPT_TCP_FLAGS		0x1f

struct ckpt_tcp {
	struct ckpt_rec	rec;
	__le32	id;			/* object id of the CKPT_REC_INET */
	__le32	flags;			/* CKPT_TCP_* */
	__le32	snd_una;
	__le32	snd_nxt;
	__le32	write_seq;
	__le32	rcv_nxt;
	__le32	copied_seq;
	__le32	snd_wl1;
	__le32	snd_wnd;
	__le32	max_window;
	__le32	rcv_wnd;
	__le32	rcv_wup;
	__le32	mss_clamp;
	__le32	timestamp;
	__le32	sndbuf;
	__le32	rcvbuf;
	__u8	snd_wscale;
	__u8	rcv_wscale;
	__u8	__reserved[6];
};

/*
 * CKPT_REC_TCP_DATA: bytes of the queues of connection @id, from byte
 * @offset of the receive queue followed by the send queue, right after
 * its CKPT_REC_TCP, until both are given.
 */
struct ckpt_tcp_data {
	struct ckpt_rec	rec;
	__le32	id;
	__le32	offset;
	__u8	data[];			/* at most CKPT_REC_MAX_LEN - 16 bytes */
};

/*
 * CKPT_REC_FLOCK: a lock held by the process whose records hold it, after
 * its CKPT_REC_FD records.  CKPT_LOCK_FLOCK (flock()) and CKPT_LOCK_OFD
 * (F_OFD_SETLK) belong to the open file @file and are written once, by
 * the first process having it; CKPT_LOCK_POSIX (F_SETLK) belongs to the
 * process, and is set again through its fd @fd, which holds @file.  The
 * range is @start to @end included; @end CKPT_LOCK_EOF: to the end of the
 * file, however far (flock(): always 0 to CKPT_LOCK_EOF).
 */
#define CKPT_LOCK_FLOCK		1
#define CKPT_LOCK_POSIX		2
#define CKPT_LOCK_OFD		3

#define CKPT_LOCK_READ		0	/* F_RDLCK, LOCK_SH */
#define CKPT_LOCK_WRITE		1	/* F_WRLCK, LOCK_EX */

#define CKPT_LOCK_EOF		0x7fffffffffffffffULL

struct ckpt_flock {
	struct ckpt_rec	rec;
	__le32	kind;			/* CKPT_LOCK_FLOCK, _POSIX, _OFD */
	__le32	type;			/* CKPT_LOCK_READ or _WRITE */
	__le32	file;			/* object id of the open file */
	__le32	fd;			/* CKPT_LOCK_POSIX: its fd, else 0 */
	__le64	start;
	__le64	end;			/* inclusive, or CKPT_LOCK_EOF */
};

/*
 * SysV semaphore sets and message queues of the group (the rules are in
 * Documentation/admin-guide/cgroup-ckpt.rst), written with the records of
 * the first process of the image, before its CKPT_REC_MM.  Restart creates
 * each in the restarter's IPC namespace with the same id and key.  Ids are
 * as seen from the checkpointer's user namespace.
 */
struct ckpt_ipc_perm {
	__le32	key;			/* 0: IPC_PRIVATE */
	__le32	mode;			/* permission bits, 0777 */
	__le32	uid, gid, cuid, cgid;
};

/*
 * CKPT_REC_SYSVSEM: a semaphore set, defined once under @id.  @values are
 * what each semaphore holds before the CKPT_REC_SEMUNDO records of the
 * image are replayed, in the order of the image: each replays its
 * adjustments as semop() with SEM_UNDO would make them, which brings the
 * values back to what they were at the checkpoint.
 */
#define CKPT_SEM_MAX		32000	/* semaphores in a set (SEMMSL) */
#define CKPT_SEM_VMAX		32767	/* SEMVMX */

struct ckpt_sysvsem {
	struct ckpt_rec		rec;
	__le32			id;
	__le32			semid;
	struct ckpt_ipc_perm	perm;
	__le32			nsems;		/* 1..CKPT_SEM_MAX */
	__le32			__reserved;
	__le16			values[];	/* @nsems, 0..CKPT_SEM_VMAX */
};

/*
 * CKPT_REC_SEMUNDO: the adjustments that exit() applies for the process
 * (SEM_UNDO), for the set @sem: semadj[i] is added to semaphore i.
 */
struct ckpt_semundo {
	struct ckpt_rec	rec;
	__le32	sem;			/* object id of the CKPT_REC_SYSVSEM */
	__le32	nsems;			/* as the set's */
	__le16	semadj[];		/* signed, -32767..32767 */
};

/*
 * CKPT_REC_SYSVMSG: a message queue, defined once under @id and followed
 * by a CKPT_REC_SYSVMSG_DATA for each of its @nr_msgs messages, oldest
 * first.
 */
struct ckpt_sysvmsg {
	struct ckpt_rec		rec;
	__le32			id;
	__le32			msqid;
	struct ckpt_ipc_perm	perm;
	__le64			qbytes;		/* msg_qbytes */
	__le32			nr_msgs;
	__le32			__reserved;
};

/* At most what fits in CKPT_REC_MAX_LEN; longer messages are refused. */
#define CKPT_MSG_MAX		(CKPT_REC_MAX_LEN - 24)

struct ckpt_sysvmsg_data {
	struct ckpt_rec	rec;
	__le32	msq;			/* object id of the CKPT_REC_SYSVMSG */
	__le32	len;			/* bytes of text */
	__le64	mtype;			/* > 0 */
	__u8	text[];
};

/*
 * CKPT_REC_MQUEUE: a POSIX message queue (mq_open()) of the group's IPC
 * namespace, defined once under @id before the first CKPT_FILE_MQUEUE file
 * open on it, and followed at once by a CKPT_REC_MQUEUE_MSG for each of its
 * @nr_msgs messages, in the order mq_receive() returns them.  @name is its
 * name without the leading '/' (one component, at most CKPT_MQ_NAME_MAX
 * bytes).  Restart creates it in the restarter's IPC namespace under that
 * name; CKPT_MQ_UNLINKED: the name was removed while the queue was open,
 * restart creates it under a name of its own and removes that name at once.
 * A queue with a notification registered (mq_notify()) is refused at
 * checkpoint.  Ids are as seen from the checkpointer's user namespace.
 */
#define CKPT_MQ_UNLINKED	0x1
#define CKPT_MQ_NAME_MAX	255		/* NAME_MAX */
#define CKPT_MQ_PRIO_MAX	32768		/* MQ_PRIO_MAX: priorities below */

struct ckpt_mqueue {
	struct ckpt_rec	rec;
	__le32	id;
	__le32	flags;			/* CKPT_MQ_* */
	__le32	mode;			/* permission bits, 0777 */
	__le32	uid, gid;
	__le32	nr_msgs;		/* messages queued, <= @maxmsg */
	__le64	maxmsg;			/* mq_maxmsg, >= 1 */
	__le64	msgsize;		/* mq_msgsize, >= 1 */
	__le32	name_len;		/* bytes of name, without NUL */
	__le32	__reserved;
	__u8	name[];			/* NUL terminated */
};

/* Longer messages are refused at checkpoint. */
#define CKPT_MQ_MSG_MAX		(CKPT_REC_MAX_LEN - 24)

/* CKPT_REC_MQUEUE_MSG: one message of the preceding CKPT_REC_MQUEUE */
struct ckpt_mqueue_msg {
	struct ckpt_rec	rec;
	__le32	mq;			/* object id of the CKPT_REC_MQUEUE */
	__le32	prio;			/* < CKPT_MQ_PRIO_MAX */
	__le32	len;			/* bytes of @data, <= the queue's msgsize */
	__le32	__reserved;
	__u8	data[];
};

/* CKPT_REC_SIGHAND: every handler, signal N in entry N-1 */
struct ckpt_sigaction {
	__le64	handler;		/* SIG_DFL 0, SIG_IGN 1, or an address */
	__le64	flags;			/* SA_* */
	__le64	restorer;
	__le64	mask;
};

#define CKPT_NSIG		64
struct ckpt_sighand {
	struct ckpt_rec		rec;
	struct ckpt_sigaction	action[CKPT_NSIG];
};

/*
 * A queued signal: the siginfo_t that the kernel would give to user space
 * for it on the image's architecture (in its byte order, as a regset).
 */
#define CKPT_SIGINFO_SIZE	128
struct ckpt_siginfo {
	__u8	si[CKPT_SIGINFO_SIZE];
};

/*
 * CKPT_REC_SIGPENDING: the signals queued for one thread (t->pending), in
 * queue order, for the thread named by the preceding CKPT_REC_THREAD.
 * @signal may name signals with no entry (queued when no entry could be
 * allocated).  The signal of a POSIX timer is not in the queue: its
 * CKPT_REC_POSIX_TIMER says it is pending.
 */
#define CKPT_SIGPENDING_STOP	0x1	/* a job control stop holds the thread */

struct ckpt_sigpending {
	struct ckpt_rec		rec;
	__le32			tid;
	__le32			flags;		/* CKPT_SIGPENDING_* */
	__le32			stop_signo;	/* with _STOP: the signal that stopped it */
	__le32			nr;		/* entries of @info */
	__le64			signal;		/* pending set, bit N-1 = signal N */
	struct ckpt_siginfo	info[];
};

/*
 * CKPT_REC_SIGNAL: the process-wide signal state: job control, and the
 * queue shared by its threads (signal->shared_pending), as above.
 */
#define CKPT_SIGNAL_STOPPED	0x1	/* stopped by a signal (job control) */
#define CKPT_SIGNAL_CONTINUED	0x2	/* continued, not yet reported by wait */

struct ckpt_signal {
	struct ckpt_rec		rec;
	__le32			flags;		/* CKPT_SIGNAL_* */
	__le32			group_exit_code; /* stop signal wait() will report, or 0 */
	__le32			nr;
	__le32			__reserved;
	__le64			signal;
	struct ckpt_siginfo	info[];
};

/*
 * CKPT_REC_ITIMERS: the setitimer() timers.  @value_ns is the time left
 * (ITIMER_REAL: on CLOCK_MONOTONIC; VIRTUAL and PROF: process CPU time), 0
 * for a disarmed timer.  Restart counts it from the restart: the time the
 * image spent on disk does not count.  An ITIMER_REAL that fired and is
 * rearmed when its SIGALRM is delivered has CKPT_ITIMER_REAL_EXPIRED, and
 * @value_ns (zero or negative) is when it fired.
 */
#define CKPT_ITIMER_REAL_EXPIRED	0x1
#define CKPT_NR_ITIMERS			3	/* ITIMER_REAL, _VIRTUAL, _PROF */

struct ckpt_itimer {
	__le64	value_ns;		/* signed */
	__le64	interval_ns;
};

struct ckpt_itimers {
	struct ckpt_rec		rec;
	struct ckpt_itimer	it[CKPT_NR_ITIMERS];
	__le32			flags;		/* CKPT_ITIMER_* */
	__le32			next_posix_timer_id; /* next id timer_create() tries */
};

/*
 * CKPT_REC_POSIX_TIMER: a timer_create() timer, restored with the same id.
 * Only clocks REALTIME, MONOTONIC, BOOTTIME and TAI.  @value_ns is the time
 * left, counted from the restart as for itimers, 0 for a disarmed timer;
 * an absolute timer becomes relative.  CKPT_PTIMER_REQUEUE: an interval
 * timer that fired and is rearmed when its signal is delivered; @value_ns
 * (zero or negative) is when it fired.  CKPT_PTIMER_SIGPENDING: its signal
 * is queued, with @sig_overrun.
 */
#define CKPT_PTIMER_ARMED	0x1
#define CKPT_PTIMER_REQUEUE	0x2
#define CKPT_PTIMER_SIGPENDING	0x4

struct ckpt_posix_timer {
	struct ckpt_rec	rec;
	__le32	id;
	__le32	clockid;
	__le32	notify;			/* SIGEV_SIGNAL, _NONE, _THREAD, _THREAD_ID|_SIGNAL */
	__le32	signo;
	__le32	tid;			/* SIGEV_THREAD_ID: the thread, else 0 */
	__le32	flags;			/* CKPT_PTIMER_* */
	__le64	sigev_value;		/* sival_ptr or sival_int */
	__le64	value_ns;		/* signed */
	__le64	interval_ns;
	__le64	overrun;		/* overruns counted since the last signal, -1 none */
	__le64	overrun_last;		/* what timer_getoverrun() returns */
	__le32	sig_overrun;		/* with _SIGPENDING: si_overrun */
	__le32	__reserved;
};

/* ckpt_mac.alg */
#define CKPT_MAC_HMAC_SHA256	1
#define CKPT_MAC_LEN		32

/*
 * CKPT_REC_MAC: in an image whose header has CKPT_HDR_MAC, the record after
 * the last task, before the trailer.  @mac is the keyed MAC of every byte
 * of the image before this record, from the file header on (so the
 * trailer's CRC covers it, the MAC does not).
 */
struct ckpt_mac {
	struct ckpt_rec	rec;
	__le32	alg;			/* CKPT_MAC_* */
	__le32	mac_len;		/* CKPT_MAC_LEN */
	__u8	mac[CKPT_MAC_LEN];
};

/* CKPT_REC_TRAILER: the last record */
struct ckpt_trailer {
	struct ckpt_rec	rec;
	__le64	nr_records;		/* records before this one */
	__le64	bytes;			/* bytes before this one */
	__le32	crc32;			/* of those bytes */
	__le32	__reserved;
};

#endif /* _UAPI_LINUX_CKPT_CGROUP_H */

/*
 * Every record type, once, for code that needs them all (names, length
 * checks, tables for scripts): with CKPT_REC_TYPE(NAME, number, "name",
 * min_len, max_len) defined, including this header once more expands
 * the list below, one CKPT_REC_TYPE() for each CKPT_REC_NAME, in
 * increasing order of number (a list read more than once, as trace event
 * headers are).  Lengths count the record header: min_len is the fixed
 * part of the record, max_len the same for a fixed-size record,
 * CKPT_REC_MAX_LEN for one with a variable tail, and for CKPT_REC_PAGES,
 * _PAGES_RUN and _SHMEM_PAGES the most pages of CKPT_PAGE_SIZE_MAX bytes
 * it may hold.  Every record of a valid image is within its bounds; a
 * record's own fields may narrow them.
 */
#ifdef CKPT_REC_TYPE
CKPT_REC_TYPE(TASKS, 0x0001, "tasks", sizeof(struct ckpt_tasks),
	      CKPT_REC_MAX_LEN)
CKPT_REC_TYPE(TRAILER, 0x00ff, "trailer", sizeof(struct ckpt_trailer),
	      sizeof(struct ckpt_trailer))
CKPT_REC_TYPE(TASK, 0x0101, "task", sizeof(struct ckpt_task),
	      sizeof(struct ckpt_task))
CKPT_REC_TYPE(CREDS, 0x0102, "creds", sizeof(struct ckpt_creds),
	      CKPT_REC_MAX_LEN)
CKPT_REC_TYPE(ATTRS, 0x0103, "attrs", sizeof(struct ckpt_attrs),
	      CKPT_REC_MAX_LEN)
CKPT_REC_TYPE(SECCOMP, 0x0104, "seccomp", sizeof(struct ckpt_seccomp),
	      CKPT_REC_MAX_LEN)
CKPT_REC_TYPE(TASK_END, 0x01ff, "task_end", sizeof(struct ckpt_rec),
	      sizeof(struct ckpt_rec))
CKPT_REC_TYPE(THREAD, 0x0201, "thread", sizeof(struct ckpt_thread),
	      sizeof(struct ckpt_thread))
CKPT_REC_TYPE(REGSET, 0x0202, "regset", sizeof(struct ckpt_regset),
	      CKPT_REC_MAX_LEN)
CKPT_REC_TYPE(REGSET_SPARSE, 0x0203, "regset_sparse",
	      sizeof(struct ckpt_regset), CKPT_REC_MAX_LEN)
CKPT_REC_TYPE(RESTART_BLOCK, 0x0204, "restart_block",
	      sizeof(struct ckpt_restart_block), sizeof(struct ckpt_restart_block))
CKPT_REC_TYPE(MM, 0x0301, "mm", sizeof(struct ckpt_mm), sizeof(struct ckpt_mm))
CKPT_REC_TYPE(VMA, 0x0302, "vma", sizeof(struct ckpt_vma),
	      sizeof(struct ckpt_vma))
CKPT_REC_TYPE(PAGES, 0x0303, "pages", sizeof(struct ckpt_pages),
	      sizeof(struct ckpt_pages) + CKPT_PAGES_MAX * CKPT_PAGE_SIZE_MAX)
CKPT_REC_TYPE(VMA_ANON, 0x0304, "vma_anon", sizeof(struct ckpt_vma_anon),
	      sizeof(struct ckpt_vma_anon))
CKPT_REC_TYPE(PAGES_RUN, 0x0305, "pages_run", sizeof(struct ckpt_pages_run),
	      sizeof(struct ckpt_pages_run) + CKPT_RUN_MAX * CKPT_PAGE_SIZE_MAX)
CKPT_REC_TYPE(SHMEM, 0x0310, "shmem", sizeof(struct ckpt_shmem),
	      CKPT_REC_MAX_LEN)
CKPT_REC_TYPE(SHMEM_PAGES, 0x0311, "shmem_pages",
	      sizeof(struct ckpt_shmem_pages),
	      sizeof(struct ckpt_shmem_pages) + CKPT_PAGES_MAX * CKPT_PAGE_SIZE_MAX)
CKPT_REC_TYPE(UNLINKED, 0x0312, "unlinked", sizeof(struct ckpt_unlinked),
	      CKPT_REC_MAX_LEN)
CKPT_REC_TYPE(SYSVSHM, 0x0313, "sysvshm", sizeof(struct ckpt_sysvshm),
	      sizeof(struct ckpt_sysvshm))
CKPT_REC_TYPE(FILE, 0x0401, "file", sizeof(struct ckpt_file), CKPT_REC_MAX_LEN)
CKPT_REC_TYPE(FD, 0x0402, "fd", sizeof(struct ckpt_fd), sizeof(struct ckpt_fd))
CKPT_REC_TYPE(FS, 0x0403, "fs", sizeof(struct ckpt_fs), CKPT_REC_MAX_LEN)
CKPT_REC_TYPE(PIPE, 0x0410, "pipe", sizeof(struct ckpt_pipe), CKPT_REC_MAX_LEN)
CKPT_REC_TYPE(PIPE_DATA, 0x0411, "pipe_data", sizeof(struct ckpt_pipe_data),
	      CKPT_REC_MAX_LEN)
CKPT_REC_TYPE(EVENTFD, 0x0412, "eventfd", sizeof(struct ckpt_eventfd),
	      sizeof(struct ckpt_eventfd))
CKPT_REC_TYPE(EPOLL, 0x0413, "epoll", sizeof(struct ckpt_epoll),
	      CKPT_REC_MAX_LEN)
CKPT_REC_TYPE(UNIX, 0x0420, "unix", sizeof(struct ckpt_unix), CKPT_REC_MAX_LEN)
CKPT_REC_TYPE(UNIX_DATA, 0x0421, "unix_data", sizeof(struct ckpt_unix_data),
	      CKPT_REC_MAX_LEN)
CKPT_REC_TYPE(SIGNALFD, 0x0430, "signalfd", sizeof(struct ckpt_signalfd),
	      sizeof(struct ckpt_signalfd))
CKPT_REC_TYPE(TIMERFD, 0x0431, "timerfd", sizeof(struct ckpt_timerfd),
	      sizeof(struct ckpt_timerfd))
CKPT_REC_TYPE(INOTIFY, 0x0432, "inotify", sizeof(struct ckpt_inotify),
	      sizeof(struct ckpt_inotify))
CKPT_REC_TYPE(INOTIFY_WATCH, 0x0433, "inotify_watch",
	      sizeof(struct ckpt_inotify_watch), CKPT_REC_MAX_LEN)
CKPT_REC_TYPE(PTY, 0x0434, "pty", sizeof(struct ckpt_pty), CKPT_REC_MAX_LEN)
CKPT_REC_TYPE(PTY_DATA, 0x0435, "pty_data", sizeof(struct ckpt_pty_data),
	      CKPT_REC_MAX_LEN)
CKPT_REC_TYPE(CTTY, 0x0436, "ctty", sizeof(struct ckpt_ctty),
	      sizeof(struct ckpt_ctty))
CKPT_REC_TYPE(FLOCK, 0x0440, "flock", sizeof(struct ckpt_flock),
	      sizeof(struct ckpt_flock))
CKPT_REC_TYPE(INET, 0x0450, "inet", sizeof(struct ckpt_inet),
	      sizeof(struct ckpt_inet))
CKPT_REC_TYPE(TCP, 0x0451, "tcp", sizeof(struct ckpt_tcp),
	      sizeof(struct ckpt_tcp))
CKPT_REC_TYPE(TCP_DATA, 0x0452, "tcp_data", sizeof(struct ckpt_tcp_data),
	      CKPT_REC_MAX_LEN)
CKPT_REC_TYPE(SIGHAND, 0x0501, "sighand", sizeof(struct ckpt_sighand),
	      sizeof(struct ckpt_sighand))
CKPT_REC_TYPE(SIGPENDING, 0x0502, "sigpending",
	      sizeof(struct ckpt_sigpending), CKPT_REC_MAX_LEN)
CKPT_REC_TYPE(SIGNAL, 0x0503, "signal", sizeof(struct ckpt_signal),
	      CKPT_REC_MAX_LEN)
CKPT_REC_TYPE(ITIMERS, 0x0504, "itimers", sizeof(struct ckpt_itimers),
	      sizeof(struct ckpt_itimers))
CKPT_REC_TYPE(POSIX_TIMER, 0x0505, "posix_timer",
	      sizeof(struct ckpt_posix_timer), sizeof(struct ckpt_posix_timer))
CKPT_REC_TYPE(SYSVSEM, 0x0600, "sysvsem", sizeof(struct ckpt_sysvsem),
	      CKPT_REC_MAX_LEN)
CKPT_REC_TYPE(SEMUNDO, 0x0601, "semundo", sizeof(struct ckpt_semundo),
	      CKPT_REC_MAX_LEN)
CKPT_REC_TYPE(SYSVMSG, 0x0610, "sysvmsg", sizeof(struct ckpt_sysvmsg),
	      sizeof(struct ckpt_sysvmsg))
CKPT_REC_TYPE(SYSVMSG_DATA, 0x0611, "sysvmsg_data",
	      sizeof(struct ckpt_sysvmsg_data), CKPT_REC_MAX_LEN)
CKPT_REC_TYPE(MQUEUE, 0x0620, "mqueue", sizeof(struct ckpt_mqueue),
	      CKPT_REC_MAX_LEN)
CKPT_REC_TYPE(MQUEUE_MSG, 0x0621, "mqueue_msg",
	      sizeof(struct ckpt_mqueue_msg), CKPT_REC_MAX_LEN)
CKPT_REC_TYPE(NETSOCK, 0x0700, "netsock", sizeof(struct ckpt_netsock),
	      sizeof(struct ckpt_netsock))
CKPT_REC_TYPE(REGFILE, 0x0710, "regfile", sizeof(struct ckpt_regfile),
	      CKPT_REC_MAX_LEN)
CKPT_REC_TYPE(REGFILE_DATA, 0x0711, "regfile_data",
	      sizeof(struct ckpt_regfile_data), CKPT_REC_MAX_LEN)
CKPT_REC_TYPE(MAC, 0x0720, "mac", sizeof(struct ckpt_mac),
	      sizeof(struct ckpt_mac))
#endif /* CKPT_REC_TYPE */
