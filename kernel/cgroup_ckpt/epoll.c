// SPDX-License-Identifier: GPL-2.0-only
/*
 * ckpt: epoll.
 *
 * An epoll instance is an object written with the files it watches: for
 * each, the fd number it was added through, its events mask (EPOLLET,
 * EPOLLONESHOT... included) and data, read with ep_for_each_item() in the
 * order of the instance's fdinfo, and the file itself, found with
 * get_epoll_tfile_raw_ptr() (what kcmp() uses).  That file must be open at
 * that fd in the process the instance is written from, and is written
 * (defined) before the instance.
 *
 * Restart creates an instance (do_epoll_create()) and adds each file again
 * with EPOLL_CTL_ADD through the same fd number: a file not installed yet
 * is installed there early; its own fd record installs it again later.
 */
#define pr_fmt(fmt) "ckpt: " fmt

#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/eventpoll.h>	/* after fs.h and uaccess.h, which it needs */
#include "ckpt.h"

static_assert(sizeof(struct ckpt_epoll) == 16);
static_assert(sizeof(struct ckpt_epoll_item) == 24);
static_assert(struct_size((struct ckpt_epoll *)NULL, item,
			  CKPT_EPOLL_MAX_ITEMS) <= CKPT_REC_MAX_LEN);

/* Flags of an epoll file that restart sets again. */
#define CKPT_EPOLL_FLAGS	(O_NONBLOCK | O_LARGEFILE)

/* What EPOLL_CTL_ADD takes. */
#define CKPT_EPOLL_EVENTS	((__force u32)(EPOLLIN | EPOLLPRI | EPOLLOUT | \
				 EPOLLERR | EPOLLHUP | EPOLLNVAL | EPOLLRDNORM | \
				 EPOLLRDBAND | EPOLLWRNORM | EPOLLWRBAND | \
				 EPOLLMSG | EPOLLRDHUP | EPOLLEXCLUSIVE | \
				 EPOLLWAKEUP | EPOLLONESHOT | EPOLLET))

/**
 * ckpt_is_epoll() - whether @file is an epoll instance
 * @file: an open file
 *
 * Return: true for an epoll instance.
 */
static bool ckpt_is_epoll(struct file *file)
{
	/* -EINVAL for other files; no fd is ever -1 */
	return PTR_ERR(get_epoll_tfile_raw_ptr(file, -1, 0)) == -ENOENT;
}

/* ep_for_each_item() callback, under the instance's lock: note an item. */
static int ckpt_epoll_note(void *arg, int fd, const struct epoll_event *ev)
{
	struct ckpt_epoll *r = arg;
	u32 nr = le32_to_cpu(r->nr);

	if (nr == CKPT_EPOLL_MAX_ITEMS)
		return -E2BIG;
	r->item[nr].fd = cpu_to_le32(fd);
	r->item[nr].events = cpu_to_le32((__force u32)ev->events);
	r->item[nr].data = cpu_to_le64(ev->data);
	r->nr = cpu_to_le32(nr + 1);
	return 0;
}

/* Fill @r with the items of @file; dump the files watched. */
static int ckpt_epoll_items(struct ckpt_ctx *ctx, struct task_struct *t,
			    int fd, struct file *file, struct ckpt_epoll *r)
{
	pid_t pid = task_pid_vnr(t);
	u32 i, j, nr;
	int ret;

	ret = ep_for_each_item(file, r, ckpt_epoll_note);
	if (ret == -E2BIG)
		return ckpt_fail(ctx, -EOPNOTSUPP,
				 "pid %d fd %d: an epoll instance watching more than %u files; not supported",
				 pid, fd, CKPT_EPOLL_MAX_ITEMS);
	/* Our own bug: ckpt_is_epoll() said it is one. */
	if (WARN_ON_ONCE(ret))
		return ckpt_fail(ctx, ret, "pid %d fd %d: not an epoll instance",
				 pid, fd);
	nr = le32_to_cpu(r->nr);
	for (i = 0; i < nr; i++) {
		struct ckpt_epoll_item *it = &r->item[i];
		int tfd = le32_to_cpu(it->fd);
		unsigned long toff = 0;
		struct file *target, *f;
		u32 id;

		/* items on the same fd number come in the order kcmp counts */
		for (j = 0; j < i; j++)
			toff += le32_to_cpu(r->item[j].fd) == tfd;
		target = get_epoll_tfile_raw_ptr(file, tfd, toff);
		f = tfd >= 0 ? fget_task(t, tfd) : NULL;
		if (IS_ERR(target) || f != target) {
			if (f)
				fput(f);
			return ckpt_fail(ctx, -EOPNOTSUPP,
					 "pid %d fd %d: epoll watches a file added as fd %d, no longer open there; not supported",
					 pid, fd, tfd);
		}
		if (ckpt_is_epoll(f)) {
			fput(f);
			return ckpt_fail(ctx, -EOPNOTSUPP,
					 "pid %d fd %d: epoll watches another epoll instance (fd %d); not supported",
					 pid, fd, tfd);
		}
		ret = ckpt_dump_file(ctx, t, tfd, f, &id);
		fput(f);
		if (ret)
			return ret;
		it->file = cpu_to_le32(id);
	}
	return 0;
}

/**
 * ckpt_dump_epoll() - write an epoll instance once, after what it watches
 * @ctx:  the checkpoint
 * @t:    the task using it, whose fds the instance's items must name
 * @fd:   the fd it is used through
 * @file: the instance
 * @id:   where to put its object id
 *
 * Return: 0 or a negative errno (with the reason).
 */
static int ckpt_dump_epoll(struct ckpt_ctx *ctx, struct task_struct *t, int fd,
			   struct file *file, u32 *id)
{
	struct ckpt_epoll *r;
	bool new;
	int ret;

	*id = ckpt_obj_lookup(ctx, CKPT_OBJ_EPOLL, file, &new);
	if (!*id)
		return ckpt_fail(ctx, -ENOMEM, "out of memory");
	if (!new)
		return 0;
	r = kvzalloc(CKPT_REC_MAX_LEN, GFP_KERNEL);
	if (!r)
		return ckpt_fail(ctx, -ENOMEM, "out of memory");
	r->id = cpu_to_le32(*id);
	ret = ckpt_epoll_items(ctx, t, fd, file, r);
	if (!ret)
		ret = ckpt_write(ctx, r, CKPT_REC_EPOLL,
				 struct_size(r, item, le32_to_cpu(r->nr)));
	kvfree(r);
	return ret;
}

/* Add one item to @epfd; the file watched is at its fd already. */
static int ckpt_epoll_add(struct ckpt_rtask *rt, int epfd,
			  const struct ckpt_epoll_item *it)
{
	struct ckpt_ctx *ctx = rt->ctx;
	u32 tfd = le32_to_cpu(it->fd);
	struct file *target, *cur;
	struct epoll_event ev;
	int ret;

	target = ckpt_obj_get_file(ctx, le32_to_cpu(it->file));
	if (!target)
		return -EINVAL;
	cur = fget_raw(tfd);
	if (cur)
		fput(cur);
	fput(target);
	if (cur != target)
		return ckpt_fail(ctx, -EINVAL,
				 "image: pid %d: epoll item fd %u holds another file",
				 rt->pid, tfd);
	ev.events = (__force __poll_t)le32_to_cpu(it->events);
	ev.data = le64_to_cpu(it->data);
	ret = do_epoll_ctl(epfd, EPOLL_CTL_ADD, tfd, &ev, false);
	if (ret < 0)
		return ckpt_fail(ctx, ret, "pid %d: cannot watch fd %u with epoll (error %d)",
				 rt->pid, tfd, ret);
	return 0;
}

/**
 * ckpt_restore_epoll() - create an epoll instance and fill it
 * @rt:  the task being restored (current)
 * @rec: its CKPT_REC_EPOLL
 * @len: bytes of @rec
 *
 * Return: 0 or a negative errno.
 */
static int ckpt_restore_epoll(struct ckpt_rtask *rt, void *rec, u32 len)
{
	struct ckpt_ctx *ctx = rt->ctx;
	struct ckpt_epoll *r = rec;
	struct file *file;
	u32 i, nr;
	int epfd, ret;

	nr = len >= sizeof(*r) ? le32_to_cpu(r->nr) : 0;
	if (len < sizeof(*r) || nr > CKPT_EPOLL_MAX_ITEMS ||
	    len != struct_size(r, item, nr))
		goto bad;
	for (i = 0; i < nr; i++)
		if (r->item[i].__reserved || le32_to_cpu(r->item[i].fd) > INT_MAX ||
		    (le32_to_cpu(r->item[i].events) & ~CKPT_EPOLL_EVENTS))
			goto bad;

	file = ckpt_take_fd(do_epoll_create(0));
	if (IS_ERR(file))
		return ckpt_fail(ctx, PTR_ERR(file),
				 "pid %d: cannot create an epoll instance (error %ld)",
				 rt->pid, PTR_ERR(file));
	/* the table owns it from here */
	ret = ckpt_obj_add(ctx, le32_to_cpu(r->id), CKPT_OBJ_EPOLL, file);
	if (ret)
		return ret;
	/* Install the files watched first: none may take the instance's fd. */
	for (i = 0; i < nr; i++) {
		u32 tfd = le32_to_cpu(r->item[i].fd);
		struct file *target, *cur;

		target = ckpt_obj_get_file(ctx, le32_to_cpu(r->item[i].file));
		if (!target)
			return -EINVAL;
		cur = fget_raw(tfd);
		ret = cur ? 0 : replace_fd(tfd, target, 0);
		if (cur)
			fput(cur);
		fput(target);
		if (ret < 0)
			return ckpt_fail(ctx, ret, "pid %d fd %u: cannot install (error %d)",
					 rt->pid, tfd, ret);
	}
	epfd = get_unused_fd_flags(0);
	if (epfd < 0)
		return ckpt_fail(ctx, epfd, "pid %d: no fd for epoll (error %d)",
				 rt->pid, epfd);
	fd_install(epfd, get_file(file));
	for (i = 0, ret = 0; !ret && i < nr; i++)
		ret = ckpt_epoll_add(rt, epfd, &r->item[i]);
	close_fd(epfd);
	return ret;
bad:
	return ckpt_fail(ctx, -EINVAL, "image: pid %d: malformed epoll record",
			 rt->pid);
}

/**
 * ckpt_restore_epoll_file() - the file of a CKPT_REC_FILE on an epoll
 * @rt:    the task being restored (current)
 * @r:     its CKPT_REC_FILE
 * @path:  the path it gives
 *
 * Return: the file, referenced, or an ERR_PTR() (with the reason).
 */
static struct file *ckpt_restore_epoll_file(struct ckpt_rtask *rt,
					    const struct ckpt_file *r,
					    const char *path)
{
	u32 id = le32_to_cpu(r->obj);
	u32 flags = le32_to_cpu(r->flags);
	struct file *file;

	if ((flags & O_ACCMODE) != O_RDWR ||
	    (flags & ~(O_ACCMODE | CKPT_EPOLL_FLAGS)))
		return ERR_PTR(ckpt_fail(rt->ctx, -EINVAL,
					 "image: pid %d: bad flags %#o of epoll %u",
					 rt->pid, flags, id));
	file = ckpt_obj_get(rt->ctx, id, CKPT_OBJ_EPOLL);
	if (!file)
		return ERR_PTR(-EINVAL);
	spin_lock(&file->f_lock);
	file->f_flags = (file->f_flags & ~CKPT_EPOLL_FLAGS) |
			(flags & CKPT_EPOLL_FLAGS);
	spin_unlock(&file->f_lock);
	return file;
}

static const struct ckpt_file_ops ckpt_epoll_files[] = {
	{
		.kind		= CKPT_FILE_EPOLL,
		.flags		= CKPT_FOP_HELD | CKPT_FOP_NOPOS,
		.is		= ckpt_is_epoll,
		.dump		= ckpt_dump_epoll,
		.open		= ckpt_restore_epoll_file,
	},
	{ }
};

static const struct ckpt_rec_op ckpt_epoll_recs[] = {
	{ .type = CKPT_REC_EPOLL, .restore = ckpt_restore_epoll },
	{ }
};

const struct ckpt_resource ckpt_res_epoll = {
	.name		= "epoll instances",
	.recs		= ckpt_epoll_recs,
	.files		= ckpt_epoll_files,
};
