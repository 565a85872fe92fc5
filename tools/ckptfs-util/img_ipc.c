// SPDX-License-Identifier: GPL-2.0-only
/*
 * ckpt info: the records of IPC: SysV semaphore sets and undo
 * adjustments, SysV message queues, POSIX message queues, with their
 * messages.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "img.h"

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

const struct rec_handler img_ipc_handlers[] = {
	{ CKPT_REC_SYSVSEM,	rec_sysvsem },
	{ CKPT_REC_SEMUNDO,	rec_semundo },
	{ CKPT_REC_SYSVMSG,	rec_sysvmsg },
	{ CKPT_REC_SYSVMSG_DATA,	rec_sysvmsg_data },
	{ CKPT_REC_MQUEUE,	rec_mqueue },
	{ CKPT_REC_MQUEUE_MSG,	rec_mqueue_msg },
	{ 0, NULL },
};
