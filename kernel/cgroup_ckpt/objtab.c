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
 *
 * Objects are typed (enum ckpt_obj_type): restart refuses an id defined as
 * one type and used as another.  Each type says how to take and drop a
 * reference; a type without them is pinned by another object of the table
 * (a pipe by its files) and must be looked up only while that one is held.
 */
#define pr_fmt(fmt) "ckpt: " fmt

#include <linux/file.h>
#include <linux/hash.h>
#include <linux/slab.h>
#include <linux/tty.h>
#include "ckpt.h"

struct ckpt_obj {
	struct hlist_node	node;
	void			*ptr;
	void			(*put)(void *ptr);
	enum ckpt_obj_type	type;
	u32			id;
};

static void ckpt_obj_get_f(void *ptr)
{
	get_file(ptr);
}

static void ckpt_obj_put_f(void *ptr)
{
	fput(ptr);
}

static void ckpt_obj_get_tty(void *ptr)
{
	tty_kref_get(ptr);
}

static void ckpt_obj_put_tty(void *ptr)
{
	tty_kref_put(ptr);
}

static const struct {
	const char	*name;
	void		(*get)(void *ptr);
	void		(*put)(void *ptr);
} ckpt_obj_types[CKPT_OBJ_NR] = {
	[CKPT_OBJ_FILE]	= { "file", ckpt_obj_get_f, ckpt_obj_put_f },
	[CKPT_OBJ_PIPE]	= { "pipe", NULL, NULL },
	[CKPT_OBJ_RPIPE] = { "pipe", NULL, NULL },
	[CKPT_OBJ_EVENTFD] = { "eventfd", ckpt_obj_get_f, ckpt_obj_put_f },
	[CKPT_OBJ_EPOLL] = { "epoll", ckpt_obj_get_f, ckpt_obj_put_f },
	[CKPT_OBJ_INODE] = { "inode", NULL, NULL },
	[CKPT_OBJ_CONTENTS] = { "file contents", ckpt_obj_get_f, ckpt_obj_put_f },
	[CKPT_OBJ_SYSVSHM] = { "SysV shm segment", NULL, NULL },
	[CKPT_OBJ_SIGNALFD] = { "signalfd", ckpt_obj_get_f, ckpt_obj_put_f },
	[CKPT_OBJ_TIMERFD] = { "timerfd", ckpt_obj_get_f, ckpt_obj_put_f },
	[CKPT_OBJ_INOTIFY] = { "inotify", ckpt_obj_get_f, ckpt_obj_put_f },
	[CKPT_OBJ_RINOTIFY] = { "inotify", NULL, NULL },
	[CKPT_OBJ_LOCK] = { "file lock", NULL, NULL },
	[CKPT_OBJ_IPCID] = { "SysV IPC object", NULL, NULL },
	[CKPT_OBJ_SYSVIPC] = { "SysV IPC object", NULL, NULL },
	[CKPT_OBJ_PTY] = { "pty", ckpt_obj_get_tty, ckpt_obj_put_tty },
	[CKPT_OBJ_RPTY] = { "pty", NULL, NULL },
	[CKPT_OBJ_MQUEUE] = { "POSIX message queue", NULL, NULL },
	[CKPT_OBJ_RMQUEUE] = { "POSIX message queue", NULL, NULL },
	[CKPT_OBJ_REGFILE] = { "regular file", NULL, NULL },
	[CKPT_OBJ_RREGFILE] = { "regular file", NULL, NULL },
	[CKPT_OBJ_NETSOCK] = { "network socket", NULL, NULL },
	[CKPT_OBJ_RNETSOCK] = { "network socket", ckpt_obj_get_f, ckpt_obj_put_f },
};

static void ckpt_obj_put(struct ckpt_obj *obj)
{
	if (obj->put)
		obj->put(obj->ptr);
	kfree(obj);
}

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
	unsigned long id;
	int bkt;

	hash_for_each_safe(ctx->objhash, bkt, tmp, obj, node) {
		hash_del(&obj->node);
		ckpt_obj_put(obj);
	}
	xa_for_each(&ctx->objs, id, obj)
		ckpt_obj_put(obj);
	xa_destroy(&ctx->objs);
}

/**
 * ckpt_obj_lookup() - the id of a kernel object, adding it if new
 * @ctx:  the checkpoint
 * @type: what @ptr is
 * @ptr:  the object; a reference is taken when it is added
 * @new:  set to true if @ptr was not in the table (its record must be
 *        written now)
 *
 * Return: the id, or 0 if memory ran out.
 */
u32 ckpt_obj_lookup(struct ckpt_ctx *ctx, enum ckpt_obj_type type, void *ptr,
		    bool *new)
{
	struct ckpt_obj *obj;

	hash_for_each_possible(ctx->objhash, obj, node, (unsigned long)ptr) {
		if (obj->ptr == ptr && obj->type == type) {
			*new = false;
			return obj->id;
		}
	}
	obj = kmalloc(sizeof(*obj), GFP_KERNEL);
	if (!obj)
		return 0;
	if (ckpt_obj_types[type].get)
		ckpt_obj_types[type].get(ptr);
	obj->ptr = ptr;
	obj->put = ckpt_obj_types[type].put;
	obj->type = type;
	obj->id = ctx->next_id++;
	hash_add(ctx->objhash, &obj->node, (unsigned long)ptr);
	*new = true;
	return obj->id;
}

/**
 * ckpt_obj_find() - the id of a kernel object already in the table
 * @ctx:  the checkpoint
 * @type: what @ptr is
 * @ptr:  the object
 *
 * Return: the id, or 0 if @ptr is not in the table.
 */
u32 ckpt_obj_find(struct ckpt_ctx *ctx, enum ckpt_obj_type type, void *ptr)
{
	struct ckpt_obj *obj;

	hash_for_each_possible(ctx->objhash, obj, node, (unsigned long)ptr)
		if (obj->ptr == ptr && obj->type == type)
			return obj->id;
	return 0;
}

/**
 * ckpt_obj_add_owned() - define object @id at restart, freed its own way
 * @ctx:  the restart
 * @id:   the id the image gave it
 * @type: what @ptr is
 * @ptr:  the object; the table takes this reference, also on failure
 * @put:  drops the reference when the table goes, or NULL for the way of
 *        @type (a file is fput())
 *
 * Return: 0, or -EINVAL (with a reason) for a zero or duplicate id.
 */
int ckpt_obj_add_owned(struct ckpt_ctx *ctx, u32 id, enum ckpt_obj_type type,
		       void *ptr, void (*put)(void *ptr))
{
	struct ckpt_obj *obj;
	int ret;

	if (!put)
		put = ckpt_obj_types[type].put;
	obj = kmalloc(sizeof(*obj), GFP_KERNEL);
	if (!obj) {
		if (put)
			put(ptr);
		return ckpt_fail(ctx, -ENOMEM, "out of memory");
	}
	obj->ptr = ptr;
	obj->put = put;
	obj->type = type;
	obj->id = id;
	if (!id) {
		ckpt_obj_put(obj);
		return ckpt_fail(ctx, -EINVAL, "image: object id 0");
	}
	ret = xa_insert(&ctx->objs, id, obj, GFP_KERNEL);
	if (ret) {
		ckpt_obj_put(obj);
		if (ret == -EBUSY)
			return ckpt_fail(ctx, -EINVAL,
					 "image: object %u defined twice", id);
		return ckpt_fail(ctx, ret, "out of memory");
	}
	return 0;
}

/**
 * ckpt_obj_add() - define object @id at restart
 * @ctx:  the restart
 * @id:   the id the image gave it
 * @type: what @ptr is, which says how the table drops it
 * @ptr:  the object; the table takes this reference, also on failure
 *
 * Return: as ckpt_obj_add_owned().
 */
int ckpt_obj_add(struct ckpt_ctx *ctx, u32 id, enum ckpt_obj_type type,
		 void *ptr)
{
	return ckpt_obj_add_owned(ctx, id, type, ptr, NULL);
}

/**
 * ckpt_obj_get() - the object defined as @id
 * @ctx:  the restart
 * @id:   the id
 * @type: the type the user expects
 *
 * Return: the object with a new reference (if its type has references),
 * or NULL (with a reason recorded) if no object of that type was defined
 * as @id before.
 */
void *ckpt_obj_get(struct ckpt_ctx *ctx, u32 id, enum ckpt_obj_type type)
{
	struct ckpt_obj *obj = xa_load(&ctx->objs, id);

	if (!obj) {
		ckpt_fail(ctx, -EINVAL, "image: object %u used before it is defined",
			  id);
		return NULL;
	}
	if (obj->type != type) {
		ckpt_fail(ctx, -EINVAL, "image: object %u is a %s, not a %s",
			  id, ckpt_obj_types[obj->type].name,
			  ckpt_obj_types[type].name);
		return NULL;
	}
	if (ckpt_obj_types[type].get)
		ckpt_obj_types[type].get(obj->ptr);
	return obj->ptr;
}

/**
 * ckpt_obj_lookup_file() - ckpt_obj_lookup() for an open file
 * @ctx:  the checkpoint
 * @file: the file
 * @new:  set to true if @file is new
 *
 * Return: the id, or 0 if memory ran out.
 */
u32 ckpt_obj_lookup_file(struct ckpt_ctx *ctx, struct file *file, bool *new)
{
	return ckpt_obj_lookup(ctx, CKPT_OBJ_FILE, file, new);
}

/**
 * ckpt_obj_add_file() - ckpt_obj_add() for an open file
 * @ctx:  the restart
 * @id:   the id the image gave it
 * @file: the file; the table takes this reference, also on failure
 *
 * Return: 0, or -EINVAL (with a reason) for a zero or duplicate id.
 */
int ckpt_obj_add_file(struct ckpt_ctx *ctx, u32 id, struct file *file)
{
	return ckpt_obj_add(ctx, id, CKPT_OBJ_FILE, file);
}

/**
 * ckpt_obj_get_file() - ckpt_obj_get() for an open file
 * @ctx: the restart
 * @id:  the id
 *
 * Return: the file with a new reference, or NULL (with a reason recorded).
 */
struct file *ckpt_obj_get_file(struct ckpt_ctx *ctx, u32 id)
{
	return ckpt_obj_get(ctx, id, CKPT_OBJ_FILE);
}

/**
 * ckpt_obj_type_of() - the type of object @id
 * @ctx: the restart
 * @id:  the id
 *
 * Return: its type, or CKPT_OBJ_NR if no object was defined as @id.
 */
enum ckpt_obj_type ckpt_obj_type_of(struct ckpt_ctx *ctx, u32 id)
{
	struct ckpt_obj *obj = xa_load(&ctx->objs, id);

	return obj ? obj->type : CKPT_OBJ_NR;
}

/**
 * ckpt_obj_for_each() - call @fn on every object of a type, at restart
 * @ctx:  the restart
 * @type: the type
 * @fn:   called with each object, which stays in the table
 */
void ckpt_obj_for_each(struct ckpt_ctx *ctx, enum ckpt_obj_type type,
		       void (*fn)(struct ckpt_ctx *ctx, void *ptr))
{
	struct ckpt_obj *obj;
	unsigned long id;

	xa_for_each(&ctx->objs, id, obj)
		if (obj->type == type)
			fn(ctx, obj->ptr);
}

/**
 * ckpt_obj_drop_type() - drop the restart objects of one type early
 * @ctx:  the restart
 * @type: the type
 *
 * For objects that only help to build others (a pipe before its ends are
 * open), once every record was read: later uses of their ids fail as
 * undefined.
 */
void ckpt_obj_drop_type(struct ckpt_ctx *ctx, enum ckpt_obj_type type)
{
	struct ckpt_obj *obj;
	unsigned long id;

	xa_for_each(&ctx->objs, id, obj) {
		if (obj->type != type)
			continue;
		xa_erase(&ctx->objs, id);
		ckpt_obj_put(obj);
	}
}

#if IS_ENABLED(CONFIG_CKPT_KUNIT_TEST)
#include "objtab-test.h"
#endif
