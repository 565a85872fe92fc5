// SPDX-License-Identifier: GPL-2.0-only
/*
 * ckpt: inotify instances.
 *
 * An inotify instance is one open file on a fsnotify group whose marks are
 * its watches.  Each watch is saved with its watch descriptor, its mask as
 * inotify_add_watch() took it, and a path to the inode it watches: a name
 * of the inode in the dcache, on a mount of the writer's mount tree (which
 * is the group's: files.c refuses another root), that still leads to that
 * inode.  Events queued and not read are refused, not dropped: a program
 * would miss them silently.
 *
 * Restart makes an instance with do_inotify_init(), as inotify_init1()
 * does, and adds each watch with inotify_update_watch() after setting the
 * next watch descriptor (INOTIFY_IOC_SETNEXTWD of CONFIG_CHECKPOINT_RESTORE)
 * and making the checks inotify_add_watch() makes on the path.
 * Events the restore itself causes (reopening a watched file, say) are
 * dropped once every task has read its records.
 */
#define pr_fmt(fmt) "ckpt: " fmt

#include <linux/dcache.h>
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/fs_struct.h>
#include <linux/fsnotify_backend.h>
#include <linux/inotify.h>
#include <linux/mount.h>
#include <linux/namei.h>
#include <linux/security.h>
#include <linux/slab.h>
#include "../../fs/notify/inotify/inotify.h"
#include "ckpt.h"
#include "anonfile.h"

static_assert(sizeof(struct ckpt_inotify) == 24);
static_assert(sizeof(struct ckpt_inotify_watch) == 24);

/* What a watch record may ask of inotify_add_watch(). */
#define CKPT_INOTIFY_MASK	(IN_ALL_EVENTS | IN_ONESHOT | IN_EXCL_UNLINK)
/* Flags of an inotify file that restart sets again. */
#define CKPT_INOTIFY_FLAGS	(O_NONBLOCK | O_LARGEFILE)

/* A watch, at checkpoint. */
struct ckpt_iwatch {
	struct inode	*inode;		/* referenced */
	int		wd;
	u32		mask;
};

/* An instance being restored: its watches are added one record at a time. */
struct ckpt_rinotify {
	struct file	*file;
	u32		nr, done;
	u32		next_wd;
};

static struct fsnotify_group *ckpt_inotify_group(struct file *file)
{
	struct fsnotify_group *group;

	if (!ckpt_anon_file_is(file, "inotify"))
		return NULL;
	group = file->private_data;
	return group && group->ops == &inotify_fsnotify_ops ? group : NULL;
}

/**
 * ckpt_is_inotify() - whether @file is an inotify instance
 * @file: an open file
 *
 * Return: true for an inotify instance.
 */
static bool ckpt_is_inotify(struct file *file)
{
	return ckpt_inotify_group(file);
}

static unsigned int ckpt_inotify_count(struct fsnotify_group *group)
{
	struct fsnotify_mark *mark;
	unsigned int n = 0;

	fsnotify_group_lock(group);
	list_for_each_entry(mark, &group->marks_list, g_list)
		n++;
	fsnotify_group_unlock(group);
	return n;
}

/*
 * Take a reference on every watched inode of @group, in @w (at most @max),
 * newest first as the group lists them.
 */
static int ckpt_inotify_collect(struct fsnotify_group *group,
				struct ckpt_iwatch *w, unsigned int max,
				unsigned int *nr)
{
	struct fsnotify_mark *mark;
	unsigned int n = 0;
	int ret = 0;

	fsnotify_group_lock(group);
	list_for_each_entry(mark, &group->marks_list, g_list) {
		struct inotify_inode_mark *im;
		struct inode *inode;

		if (!(mark->flags & FSNOTIFY_MARK_FLAG_ATTACHED) ||
		    mark->connector->type != FSNOTIFY_OBJ_TYPE_INODE)
			continue;
		/* fsnotify_conn_inode() of fs/notify/fsnotify.h */
		inode = igrab(container_of(mark->connector->obj, struct inode,
					   i_fsnotify_marks));
		if (!inode)
			continue;
		if (n == max) {
			iput(inode);
			ret = -EAGAIN;
			break;
		}
		im = container_of(mark, struct inotify_inode_mark, fsn_mark);
		w[n].inode = inode;
		w[n].wd = im->wd;
		w[n].mask = inotify_mark_user_mask(mark);
		n++;
	}
	fsnotify_group_unlock(group);
	*nr = n;
	return ret;
}

struct ckpt_iname {
	struct dentry	*dentry;	/* a name of the inode */
	struct inode	*inode;
	struct path	root;		/* of the collected tree */
	char		*buf;
	char		*path;		/* what was found, in @buf */
};

/* iterate_mounts(): a name of the inode through @mnt that leads to it. */
static int ckpt_iname_try(struct vfsmount *mnt, void *arg)
{
	struct ckpt_iname *in = arg;
	struct path p = { .mnt = mnt, .dentry = in->dentry }, found;
	char *s;
	int ret;

	if (mnt->mnt_sb != in->inode->i_sb || !is_subdir(in->dentry, mnt->mnt_root))
		return 0;
	s = __d_path(&p, &in->root, in->buf, PATH_MAX);
	if (IS_ERR_OR_NULL(s) || *s != '/')
		return 0;
	ret = kern_path(s, 0, &found);
	if (ret)
		return 0;
	ret = d_inode(found.dentry) == in->inode;
	path_put(&found);
	if (ret)
		in->path = s;
	return ret;
}

/* Write the watch @w of inotify @id; @tree is the writer's mount tree. */
static int ckpt_dump_iwatch(struct ckpt_ctx *ctx, struct task_struct *t,
			    int fd, u32 id, const struct ckpt_iwatch *w,
			    struct vfsmount *tree, char *buf)
{
	struct ckpt_inotify_watch r = { };
	struct ckpt_iname in = {
		.inode = w->inode,
		.root = { .mnt = tree, .dentry = tree->mnt_root },
		.buf = buf,
	};

	in.dentry = d_find_alias(w->inode);
	if (in.dentry && !d_unlinked(in.dentry))
		iterate_mounts(ckpt_iname_try, &in, tree);
	dput(in.dentry);
	if (!in.path)
		return ckpt_fail(ctx, -EOPNOTSUPP,
				 "pid %d fd %d: inotify watch %d on inode %lu of device %u:%u that has no name reachable; not supported",
				 task_pid_vnr(t), fd, w->wd, w->inode->i_ino,
				 MAJOR(w->inode->i_sb->s_dev),
				 MINOR(w->inode->i_sb->s_dev));
	r.inotify = cpu_to_le32(id);
	r.wd = cpu_to_le32(w->wd);
	r.mask = cpu_to_le32(w->mask);
	r.path_len = cpu_to_le32(strlen(in.path));
	return ckpt_write2(ctx, &r, CKPT_REC_INOTIFY_WATCH, sizeof(r), in.path,
			   strlen(in.path) + 1);
}

/**
 * ckpt_dump_inotify() - write an inotify instance and its watches once
 * @ctx:  the checkpoint
 * @t:    the task using it (named in a refusal)
 * @fd:   the fd it is used through
 * @file: the instance
 * @id:   where to put the object id of the record
 *
 * Return: 0, or -EOPNOTSUPP (with the reason) for an instance with events
 * queued or a watch on an inode without a name, or another negative errno.
 */
static int ckpt_dump_inotify(struct ckpt_ctx *ctx, struct task_struct *t, int fd,
			     struct file *file, u32 *id)
{
	struct fsnotify_group *group = ckpt_inotify_group(file);
	struct ckpt_inotify r = { };
	struct ckpt_iwatch *w = NULL;
	unsigned int i, nr = 0, max;
	struct vfsmount *tree;
	struct path root;
	unsigned int q_len;
	bool new;
	char *buf;
	int ret;

	*id = ckpt_obj_lookup(ctx, CKPT_OBJ_INOTIFY, file, &new);
	if (!*id)
		return ckpt_fail(ctx, -ENOMEM, "out of memory");
	if (!new)
		return 0;
	spin_lock(&group->notification_lock);
	q_len = group->q_len;
	spin_unlock(&group->notification_lock);
	if (q_len)
		return ckpt_fail(ctx, -EOPNOTSUPP,
				 "pid %d fd %d: inotify instance with %u events queued and not read; not supported",
				 task_pid_vnr(t), fd, q_len);

	/* Watches only go (with their inode) while the group is frozen. */
	max = ckpt_inotify_count(group);
	w = kvcalloc(max + 1, sizeof(*w), GFP_KERNEL);
	buf = kmalloc(PATH_MAX, GFP_KERNEL);
	if (!w || !buf) {
		ret = ckpt_fail(ctx, -ENOMEM, "out of memory");
		goto out_free;
	}
	ret = ckpt_inotify_collect(group, w, max + 1, &nr);
	if (ret) {
		ret = ckpt_fail(ctx, ret, "pid %d fd %d: inotify watches changed",
				task_pid_vnr(t), fd);
		goto out_put;
	}

	r.id = cpu_to_le32(*id);
	r.nr_watches = cpu_to_le32(nr);
	spin_lock(&group->inotify_data.idr_lock);
	r.next_wd = cpu_to_le32(idr_get_cursor(&group->inotify_data.idr));
	spin_unlock(&group->inotify_data.idr_lock);
	ret = ckpt_write(ctx, &r, CKPT_REC_INOTIFY, sizeof(r));
	if (ret || !nr)
		goto out_put;

	get_fs_root(current->fs, &root);
	tree = collect_mounts(&root);
	path_put(&root);
	if (IS_ERR(tree)) {
		ret = ckpt_fail(ctx, PTR_ERR(tree), "cannot list the mounts (error %ld)",
				PTR_ERR(tree));
		goto out_put;
	}
	/* oldest first: restart adds them in this order, as they were */
	for (i = nr; !ret && i-- > 0;)
		ret = ckpt_dump_iwatch(ctx, t, fd, *id, &w[i], tree, buf);
	drop_collected_mounts(tree);
out_put:
	for (i = 0; i < nr; i++)
		iput(w[i].inode);
out_free:
	kfree(buf);
	kvfree(w);
	return ret;
}

/**
 * ckpt_rinotify_put() - drop an instance being restored
 * @ptr: its struct ckpt_rinotify
 */
static void ckpt_rinotify_put(void *ptr)
{
	struct ckpt_rinotify *ri = ptr;

	fput(ri->file);
	kfree(ri);
}

/**
 * ckpt_restore_inotify() - create an inotify instance, without watches yet
 * @rt:  the task being restored (current)
 * @rec: its CKPT_REC_INOTIFY
 * @len: bytes of @rec
 *
 * Return: 0 or a negative errno.
 */
static int ckpt_restore_inotify(struct ckpt_rtask *rt, void *rec, u32 len)
{
	struct ckpt_inotify *r = rec;
	struct ckpt_rinotify *ri;
	u32 next_wd = le32_to_cpu(r->next_wd);
	struct file *file;

	if (len != sizeof(*r) || r->__reserved || next_wd > INT_MAX)
		return ckpt_fail(rt->ctx, -EINVAL,
				 "image: pid %d: malformed inotify record", rt->pid);
	file = ckpt_take_fd(do_inotify_init(0));
	if (IS_ERR(file))
		return ckpt_fail(rt->ctx, PTR_ERR(file),
				 "pid %d: cannot create an inotify instance (error %ld)",
				 rt->pid, PTR_ERR(file));
	ri = kzalloc(sizeof(*ri), GFP_KERNEL);
	if (!ri) {
		fput(file);
		return ckpt_fail(rt->ctx, -ENOMEM, "out of memory");
	}
	ri->file = file;
	ri->nr = le32_to_cpu(r->nr_watches);
	ri->next_wd = next_wd;
	return ckpt_obj_add_owned(rt->ctx, le32_to_cpu(r->id), CKPT_OBJ_RINOTIFY,
				  ri, ckpt_rinotify_put);
}

/*
 * Add watch @wd on @name to the instance @file, as inotify_add_watch(fd,
 * name, mask | IN_DONT_FOLLOW) does.
 */
static long ckpt_inotify_add(struct file *file, const char *name, u32 wd,
			     u32 mask)
{
	struct fsnotify_group *group = ckpt_inotify_group(file);
	struct path path;
	long ret;

	if (!group)
		return -EINVAL;
	ret = file->f_op->unlocked_ioctl(file, INOTIFY_IOC_SETNEXTWD, wd);
	if (ret)
		return ret;
	ret = kern_path(name, 0, &path);
	if (ret)
		return ret;
	/* inotify_find_inode(): read permission, and the LSM's word */
	ret = path_permission(&path, MAY_READ);
	if (!ret)
		ret = security_path_notify(&path, mask & IN_ALL_EVENTS,
					   FSNOTIFY_OBJ_TYPE_INODE);
	if (!ret)
		ret = inotify_update_watch(group, d_inode(path.dentry),
					   mask | IN_DONT_FOLLOW);
	path_put(&path);
	return ret;
}

/**
 * ckpt_restore_inotify_watch() - add a watch to an instance being restored
 * @rt:  the task being restored (current)
 * @rec: its CKPT_REC_INOTIFY_WATCH
 * @len: bytes of @rec
 *
 * Return: 0 or a negative errno.
 */
static int ckpt_restore_inotify_watch(struct ckpt_rtask *rt, void *rec, u32 len)
{
	struct ckpt_inotify_watch *r = rec;
	u32 wd = le32_to_cpu(r->wd), mask = le32_to_cpu(r->mask);
	struct ckpt_rinotify *ri;
	const char *path;
	long ret;

	if (len < sizeof(*r))
		goto bad;
	path = ckpt_rec_string(rec, sizeof(*r), len, le32_to_cpu(r->path_len));
	if (!path || path[0] != '/' || len > sizeof(*r) + PATH_MAX ||
	    !wd || wd > INT_MAX || (mask & ~CKPT_INOTIFY_MASK) ||
	    !(mask & IN_ALL_EVENTS))
		goto bad;
	ri = ckpt_obj_get(rt->ctx, le32_to_cpu(r->inotify), CKPT_OBJ_RINOTIFY);
	if (!ri)
		return -EINVAL;
	if (ri->done == ri->nr)
		return ckpt_fail(rt->ctx, -EINVAL,
				 "image: pid %d: inotify %u has more than %u watches",
				 rt->pid, le32_to_cpu(r->inotify), ri->nr);
	ret = ckpt_inotify_add(ri->file, path, wd, mask);
	if (ret < 0)
		return ckpt_fail(rt->ctx, ret,
				 "pid %d: cannot watch %s with inotify (error %ld)",
				 rt->pid, path, ret);
	if (ret != wd)
		return ckpt_fail(rt->ctx, -EINVAL,
				 "image: pid %d: inotify %u: watch %u on %s came back as %ld (a watch descriptor or an inode given twice)",
				 rt->pid, le32_to_cpu(r->inotify), wd, path, ret);
	ri->done++;
	return 0;
bad:
	return ckpt_fail(rt->ctx, -EINVAL,
			 "image: pid %d: malformed inotify watch record", rt->pid);
}

/**
 * ckpt_restore_inotify_file() - the file of a CKPT_REC_FILE on an inotify
 *	instance whose watches were all added
 * @rt:    the task being restored (current)
 * @r:     its CKPT_REC_FILE
 * @path:  the path it gives
 *
 * Return: the file, referenced, or an ERR_PTR() (with the reason).
 */
static struct file *ckpt_restore_inotify_file(struct ckpt_rtask *rt,
					      const struct ckpt_file *r,
					      const char *path)
{
	u32 id = le32_to_cpu(r->obj);
	u32 flags = le32_to_cpu(r->flags);
	struct ckpt_rinotify *ri;
	struct file *file;

	if ((flags & O_ACCMODE) != O_RDONLY ||
	    (flags & ~(O_ACCMODE | CKPT_INOTIFY_FLAGS)))
		return ERR_PTR(ckpt_fail(rt->ctx, -EINVAL,
					 "image: pid %d: bad flags %#o of inotify %u",
					 rt->pid, flags, id));
	ri = ckpt_obj_get(rt->ctx, id, CKPT_OBJ_RINOTIFY);
	if (!ri)
		return ERR_PTR(-EINVAL);
	if (ri->done != ri->nr)
		return ERR_PTR(ckpt_fail(rt->ctx, -EINVAL,
					 "image: pid %d: inotify %u has %u of its %u watches",
					 rt->pid, id, ri->done, ri->nr));
	file = ri->file;
	if (ri->next_wd &&
	    file->f_op->unlocked_ioctl(file, INOTIFY_IOC_SETNEXTWD, ri->next_wd))
		return ERR_PTR(ckpt_fail(rt->ctx, -EINVAL,
					 "image: pid %d: inotify %u: bad next watch descriptor",
					 rt->pid, id));
	spin_lock(&file->f_lock);
	file->f_flags = (file->f_flags & ~CKPT_INOTIFY_FLAGS) |
			(flags & CKPT_INOTIFY_FLAGS);
	spin_unlock(&file->f_lock);
	return get_file(file);
}

static void ckpt_inotify_flush(struct ckpt_ctx *ctx, void *ptr)
{
	struct ckpt_rinotify *ri = ptr;
	struct fsnotify_group *group = ckpt_inotify_group(ri->file);
	struct fsnotify_event *event;

	if (!group)
		return;
	spin_lock(&group->notification_lock);
	while (!fsnotify_notify_queue_is_empty(group)) {
		event = fsnotify_remove_first_event(group);
		spin_unlock(&group->notification_lock);
		fsnotify_destroy_event(group, event);
		spin_lock(&group->notification_lock);
	}
	spin_unlock(&group->notification_lock);
}

/**
 * ckpt_inotify_finish() - drop the events the restore caused
 * @ctx: the restart, once every task has read its records
 *
 * Return: 0.
 */
static int ckpt_inotify_finish(struct ckpt_ctx *ctx)
{
	ckpt_obj_for_each(ctx, CKPT_OBJ_RINOTIFY, ckpt_inotify_flush);
	return 0;
}

static const struct ckpt_file_ops ckpt_inotify_files[] = {
	{
		.kind		= CKPT_FILE_INOTIFY,
		.flags		= CKPT_FOP_HELD | CKPT_FOP_NOPOS,
		.is		= ckpt_is_inotify,
		.dump		= ckpt_dump_inotify,
		.open		= ckpt_restore_inotify_file,
	},
	{ }
};

static const struct ckpt_rec_op ckpt_inotify_recs[] = {
	{ .type = CKPT_REC_INOTIFY, .restore = ckpt_restore_inotify },
	{ .type = CKPT_REC_INOTIFY_WATCH, .restore = ckpt_restore_inotify_watch },
	{ }
};

const struct ckpt_resource ckpt_res_inotify = {
	.name		= "inotify instances",
	.finish		= ckpt_inotify_finish,
	.recs		= ckpt_inotify_recs,
	.files		= ckpt_inotify_files,
};
