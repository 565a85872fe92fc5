// SPDX-License-Identifier: GPL-2.0-only
/*
 * ckpt: the object table.
 *
 * A kernel object used by several tasks or several times (an open file
 * shared by two fds, a library mapped in four areas) is written once, under
 * an id handed out on first encounter; later uses write the id.  At
 * checkpoint the table maps object pointers to ids and holds a reference
 * on each object so that its address cannot be reused for another one
 * while the image is written.  At restart it maps ids to the objects
 * recreated, refusing ids that are zero, defined twice or not yet defined.
 * Either way every reference is dropped when the operation ends.
 */
#define pr_fmt(fmt) "ckpt: " fmt

#include <linux/file.h>
#include <linux/hash.h>
#include <linux/slab.h>
#include "ckpt.h"

struct ckpt_obj {
	struct hlist_node	node;
	struct file		*file;
	u32			id;
};

/**
 * ckpt_obj_init() - set up an empty object table
 * @ctx: the operation
 */
void ckpt_obj_init(struct ckpt_ctx *ctx)
{
	hash_init(ctx->objhash);
	xa_init(&ctx->objs);
	ctx->next_id = 1;
}

/**
 * ckpt_obj_destroy() - drop every object of the table
 * @ctx: the operation
 */
void ckpt_obj_destroy(struct ckpt_ctx *ctx)
{
	struct ckpt_obj *obj;
	struct hlist_node *tmp;
	struct file *file;
	unsigned long id;
	int bkt;

	hash_for_each_safe(ctx->objhash, bkt, tmp, obj, node) {
		hash_del(&obj->node);
		fput(obj->file);
		kfree(obj);
	}
	xa_for_each(&ctx->objs, id, file)
		fput(file);
	xa_destroy(&ctx->objs);
}

/**
 * ckpt_obj_lookup_file() - the id of an open file, adding it if new
 * @ctx:  the checkpoint
 * @file: the file
 * @new:  set to true if @file was not in the table (its record must be
 *        written now)
 *
 * Return: the id, or 0 if memory ran out.
 */
u32 ckpt_obj_lookup_file(struct ckpt_ctx *ctx, struct file *file, bool *new)
{
	struct ckpt_obj *obj;

	hash_for_each_possible(ctx->objhash, obj, node, (unsigned long)file) {
		if (obj->file == file) {
			*new = false;
			return obj->id;
		}
	}
	obj = kmalloc(sizeof(*obj), GFP_KERNEL);
	if (!obj)
		return 0;
	obj->file = get_file(file);
	obj->id = ctx->next_id++;
	hash_add(ctx->objhash, &obj->node, (unsigned long)file);
	*new = true;
	return obj->id;
}

/**
 * ckpt_obj_add_file() - define object @id at restart
 * @ctx:  the restart
 * @id:   the id the image gave it
 * @file: the file; the table takes this reference, also on failure
 *
 * Return: 0, or -EINVAL (with a reason) for a zero or duplicate id.
 */
int ckpt_obj_add_file(struct ckpt_ctx *ctx, u32 id, struct file *file)
{
	int ret;

	if (!id) {
		fput(file);
		return ckpt_fail(ctx, -EINVAL, "image: object id 0");
	}
	ret = xa_insert(&ctx->objs, id, file, GFP_KERNEL);
	if (ret) {
		fput(file);
		if (ret == -EBUSY)
			return ckpt_fail(ctx, -EINVAL,
					 "image: object %u defined twice", id);
		return ckpt_fail(ctx, ret, "out of memory");
	}
	return 0;
}

/**
 * ckpt_obj_get_file() - the file defined as object @id
 * @ctx: the restart
 * @id:  the id
 *
 * Return: the file with a new reference, or NULL (with a reason recorded)
 * if no such object was defined before.
 */
struct file *ckpt_obj_get_file(struct ckpt_ctx *ctx, u32 id)
{
	struct file *file = xa_load(&ctx->objs, id);

	if (!file) {
		ckpt_fail(ctx, -EINVAL, "image: object %u used before it is defined",
			  id);
		return NULL;
	}
	return get_file(file);
}
