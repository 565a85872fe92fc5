// SPDX-License-Identifier: GPL-2.0-only
/*
 * ckpt: the table of resources, and the loops over it.
 *
 * Each kind of resource (memory, signals, pipes...) is a &struct
 * ckpt_resource in a file of its own: what it writes of a process, the
 * record types it owns and how restart applies each, and the steps it
 * takes at the end of a restart.  resources.h lists them all, once; the
 * orchestrator (task.c, restart.c, run.c) walks this table and knows no
 * resource by name.
 */
#define pr_fmt(fmt) "ckpt: " fmt

#include <linux/init.h>
#include <linux/kernel.h>
#include "ckpt.h"

#define CKPT_RESOURCE(name)	(&ckpt_res_##name)
static const struct ckpt_resource *const ckpt_resources[] = {
#include "resources.h"
};

#undef CKPT_RESOURCE

/* The empty entry that ends an array of kinds of file. */
static bool ckpt_file_ops_end(const struct ckpt_file_ops *k)
{
	return !k->is && !k->match && !k->open;
}

/* One CKPT_REC_TYPE() of the UAPI header's list of record types. */
struct ckpt_rec_type {
	u32		type;
	const char	*name;
	size_t		min_len;
	size_t		max_len;
};

#define CKPT_REC_TYPE(n, num, name, min, max)	{ num, name, min, max },
static const struct ckpt_rec_type ckpt_rec_types[] = {
#include <linux/ckpt_cgroup.h>
};

#undef CKPT_REC_TYPE

/* Read by the orchestrator and the stream, not by a resource. */
static bool ckpt_rec_core(u32 type)
{
	return type == CKPT_REC_TASKS || type == CKPT_REC_TRAILER ||
	       type == CKPT_REC_TASK_END || type == CKPT_REC_MAC;
}

static const struct ckpt_rec_type *ckpt_rec_type_find(u32 type)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ckpt_rec_types); i++)
		if (ckpt_rec_types[i].type == type)
			return &ckpt_rec_types[i];
	return NULL;
}

/**
 * ckpt_rec_name() - the name of a record type, for messages
 * @type: CKPT_REC_*, as read from an image
 *
 * Return: its name in the UAPI header's list, or "unknown".
 */
const char *ckpt_rec_name(u32 type)
{
	const struct ckpt_rec_type *t = ckpt_rec_type_find(type);

	return t ? t->name : "unknown";
}

/**
 * ckpt_rec_op_find() - how restart applies a type of record
 * @type: CKPT_REC_* as read from the image
 * @res:  where to put the resource that owns it
 *
 * Return: its entry, or NULL for a type no resource owns.
 */
const struct ckpt_rec_op *ckpt_rec_op_find(u32 type,
					   const struct ckpt_resource **res)
{
	const struct ckpt_rec_op *op;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ckpt_resources); i++) {
		op = ckpt_resources[i]->recs;
		for (; op && op->type; op++) {
			if (op->type == type) {
				*res = ckpt_resources[i];
				return op;
			}
		}
	}
	return NULL;
}

/**
 * ckpt_res_dump() - write what a process holds, resource by resource
 * @ctx: the checkpoint
 * @t:   the leader of the process
 *
 * In a dry run a refusal does not stop the walk: the next resources are
 * checked too.
 *
 * Return: 0 or a negative errno.
 */
int ckpt_res_dump(struct ckpt_ctx *ctx, struct task_struct *t)
{
	unsigned int i;
	int ret = 0;

	for (i = 0; !ret && i < ARRAY_SIZE(ckpt_resources); i++) {
		if (!ckpt_resources[i]->dump)
			continue;
		ret = ckpt_resources[i]->dump(ctx, t);
		ckpt_skip_refused(ctx, &ret, NULL);
	}
	return ret;
}

/**
 * ckpt_res_seq_end() - end the sequences a record interrupts
 * @rt:  the process being restored (current)
 * @res: the owner of the record that comes, or NULL
 * @op:  its entry, or NULL for a record no resource owns
 *
 * A sequence (the pages of an area, the pieces of a file, the messages of
 * a queue) runs until a record that does not continue it.
 *
 * Return: 0, or -EINVAL if a sequence that must not end there was open.
 */
int ckpt_res_seq_end(struct ckpt_rtask *rt, const struct ckpt_resource *res,
		     const struct ckpt_rec_op *op)
{
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(ckpt_resources); i++) {
		const struct ckpt_resource *r = ckpt_resources[i];

		if (!r->seq_end || (r == res && op && (op->flags & CKPT_ROP_CONT)))
			continue;
		ret = r->seq_end(rt);
		if (ret)
			return ret;
	}
	return 0;
}

/**
 * ckpt_res_finish() - the last steps of a restart that may fail
 * @ctx: the restart, every record read
 *
 * Return: 0 or a negative errno, with the reason recorded.
 */
int ckpt_res_finish(struct ckpt_ctx *ctx)
{
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(ckpt_resources); i++) {
		if (!ckpt_resources[i]->finish)
			continue;
		ret = ckpt_resources[i]->finish(ctx);
		if (ret)
			return ret;
	}
	return 0;
}

/**
 * ckpt_res_kill() - a checkpoint kill wrote its image: the tasks die next
 * @ctx: the checkpoint
 */
void ckpt_res_kill(struct ckpt_ctx *ctx)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ckpt_resources); i++)
		if (ckpt_resources[i]->kill)
			ckpt_resources[i]->kill(ctx);
}

/**
 * ckpt_res_commit() - a restart succeeded: every resource keeps what it made
 * @ctx: the restart
 */
void ckpt_res_commit(struct ckpt_ctx *ctx)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ckpt_resources); i++)
		if (ckpt_resources[i]->commit)
			ckpt_resources[i]->commit(ctx);
}

/**
 * ckpt_res_abort() - a restart failed: every resource undoes what it made
 * @ctx: the restart
 */
void ckpt_res_abort(struct ckpt_ctx *ctx)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ckpt_resources); i++)
		if (ckpt_resources[i]->abort)
			ckpt_resources[i]->abort(ctx);
}

/**
 * ckpt_res_release() - free what the resources hold for an operation
 * @ctx: the operation, about to be freed
 */
void ckpt_res_release(struct ckpt_ctx *ctx)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ckpt_resources); i++)
		if (ckpt_resources[i]->release)
			ckpt_resources[i]->release(ctx);
}

/**
 * ckpt_res_task_release() - free what the resources hold for a restored task
 * @rt: the task's entry, about to be freed
 */
void ckpt_res_task_release(struct ckpt_rtask *rt)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ckpt_resources); i++)
		if (ckpt_resources[i]->task_release)
			ckpt_resources[i]->task_release(rt);
}

/**
 * ckpt_file_ops_next() - walk every kind of open file, in table order
 * @pos: where the walk is, 0 to begin
 *
 * Return: the next kind, or NULL past the last.
 */
const struct ckpt_file_ops *ckpt_file_ops_next(unsigned int *pos)
{
	unsigned int i = *pos >> 8, j = *pos & 0xff;
	const struct ckpt_file_ops *k;

	for (; i < ARRAY_SIZE(ckpt_resources); i++, j = 0) {
		k = ckpt_resources[i]->files;
		if (k && !ckpt_file_ops_end(&k[j])) {
			*pos = (i << 8) | (j + 1);
			return &k[j];
		}
	}
	*pos = i << 8;
	return NULL;
}

/**
 * ckpt_file_ops_match() - the kind of an open file, at checkpoint
 * @ctx: the checkpoint
 * @d:   the file and where it is used
 *
 * Return: the first kind whose ->is() or ->match() takes it, or NULL.
 */
const struct ckpt_file_ops *ckpt_file_ops_match(struct ckpt_ctx *ctx,
						const struct ckpt_fdump *d)
{
	const struct ckpt_file_ops *k;
	unsigned int pos = 0;

	while ((k = ckpt_file_ops_next(&pos)))
		if (k->is ? k->is(d->file) : k->match && k->match(ctx, d))
			return k;
	return NULL;
}

/**
 * ckpt_file_ops_find() - a kind of open file, by its number
 * @kind: CKPT_FILE_*, as read from an image
 *
 * Return: the kind that makes such files at restart, or NULL.
 */
const struct ckpt_file_ops *ckpt_file_ops_find(u32 kind)
{
	const struct ckpt_file_ops *k;
	unsigned int pos = 0;

	while ((k = ckpt_file_ops_next(&pos)))
		if (k->kind == kind && k->open)
			return k;
	return NULL;
}

/* Each record type has one owner, which applies it one way. */
static void __init ckpt_resource_check(const struct ckpt_resource *r)
{
	const struct ckpt_resource *owner;
	const struct ckpt_rec_op *op;
	const struct ckpt_file_ops *k;
	unsigned int j;

	for (op = r->recs; op && op->type; op++) {
		WARN(ckpt_rec_op_find(op->type, &owner) != op,
		     "ckpt: record type %#x owned by %s and %s\n",
		     op->type, owner->name, r->name);
		WARN(!!op->restore + !!op->stream +
		     !!(op->flags & CKPT_ROP_NESTED) != 1,
		     "ckpt: record type %#x of %s: no single way to apply it\n",
		     op->type, r->name);
	}
	for (j = 0, k = r->files; k && !ckpt_file_ops_end(k); j++, k++) {
		WARN(j == 0xff, "ckpt: %s: too many kinds of file\n", r->name);
		WARN(k->open && ckpt_file_ops_find(k->kind) != k,
		     "ckpt: kind of file %u made twice\n", k->kind);
		WARN(!!k->dump + !!k->dump_as > 1 ||
		     ((k->flags & CKPT_FOP_OWN_REC) && !k->dump_as),
		     "ckpt: kind of file %u: no single way to write it\n",
		     k->kind);
	}
}

/*
 * The format's table of record types and the resources agree: each type is
 * owned by a resource or read by the core, and nothing else is owned.
 */
static int __init ckpt_resources_check(void)
{
	const struct ckpt_resource *owner;
	const struct ckpt_rec_op *op;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ckpt_resources); i++) {
		ckpt_resource_check(ckpt_resources[i]);
		for (op = ckpt_resources[i]->recs; op && op->type; op++)
			WARN(!ckpt_rec_type_find(op->type) || ckpt_rec_core(op->type),
			     "ckpt: %s owns record type %#x, not one of its own\n",
			     ckpt_resources[i]->name, op->type);
	}
	for (i = 0; i < ARRAY_SIZE(ckpt_rec_types); i++)
		WARN(!ckpt_rec_core(ckpt_rec_types[i].type) &&
		     !ckpt_rec_op_find(ckpt_rec_types[i].type, &owner),
		     "ckpt: no resource owns record type %s\n",
		     ckpt_rec_types[i].name);
	return 0;
}
late_initcall(ckpt_resources_check);

#if IS_ENABLED(CONFIG_CKPT_KUNIT_TEST)
#include "resource-test.h"
#endif
