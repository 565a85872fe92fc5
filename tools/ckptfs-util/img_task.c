// SPDX-License-Identifier: GPL-2.0-only
/*
 * ckpt info: the records of tasks: the task table, identity, credentials,
 * attributes, seccomp filters, threads and their registers.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "img.h"

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
	case CKPT_RESTART_BLOCK:
		snprintf(rb, sizeof(rb), "below");
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
		jsonw_string_field(json_wtr, "restart", restart == CKPT_RESTART_NONE ? "none" :
				   restart == CKPT_RESTART_NANOSLEEP ? "nanosleep" : "block");
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

/* The restart block of the thread just before: a poll() or a futex wait. */
static int rec_restart_block(struct dec *d, uint32_t len)
{
	const struct ckpt_restart_block *r = (const void *)d->rec;
	uint32_t kind = le32(r->kind), flags = le32(r->flags);
	char left[48] = "no timeout";

	if (check_len(d, len, sizeof(*r)))
		return -1;
	if (!d->have_thread || (kind != CKPT_RB_POLL && kind != CKPT_RB_FUTEX) ||
	    (flags & ~(uint32_t)CKPT_RB_FLAGS))
		return bad(d, "restart block: kind %u, flags %#x", kind, flags);
	if (flags & CKPT_RB_TIMEOUT)
		snprintf(left, sizeof(left), "%" PRIu64 " ns left%s",
			 (uint64_t)le64(r->remaining_ns),
			 flags & CKPT_RB_REALTIME ? " (CLOCK_REALTIME)" : "");
	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_string_field(json_wtr, "type", "restart_block");
		jsonw_uint_field(json_wtr, "tid", d->tid);
		jsonw_string_field(json_wtr, "kind", kind == CKPT_RB_POLL ? "poll" : "futex");
		jsonw_hex_field(json_wtr, "uaddr", le64(r->uaddr));
		jsonw_uint_field(json_wtr, "nr", le32(r->nr));
		jsonw_hex_field(json_wtr, "flags", flags);
		jsonw_uint_field(json_wtr, "remaining_ns", le64(r->remaining_ns));
		jsonw_end_object(json_wtr);
	} else if (kind == CKPT_RB_POLL) {
		printf("    restart block: poll() of %u fds at %#" PRIx64 ", %s\n", le32(r->nr),
		       (uint64_t)le64(r->uaddr), left);
	} else {
		printf("    restart block: futex wait at %#" PRIx64 " for %u%s, %s\n",
		       (uint64_t)le64(r->uaddr), le32(r->nr),
		       flags & CKPT_RB_SHARED ? ", shared" : "", left);
	}
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

const struct rec_handler img_task_handlers[] = {
	{ CKPT_REC_TASKS,	rec_tasks },
	{ CKPT_REC_TASK,	rec_task },
	{ CKPT_REC_CREDS,	rec_creds },
	{ CKPT_REC_ATTRS,	rec_attrs },
	{ CKPT_REC_SECCOMP,	rec_seccomp },
	{ CKPT_REC_TASK_END,	rec_task_end },
	{ CKPT_REC_THREAD,	rec_thread },
	{ CKPT_REC_RESTART_BLOCK,	rec_restart_block },
	{ CKPT_REC_REGSET,	rec_regset },
	{ CKPT_REC_REGSET_SPARSE,	rec_regset },
	{ 0, NULL },
};
