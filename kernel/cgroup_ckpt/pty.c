// SPDX-License-Identifier: GPL-2.0-only
/*
 * ckpt: terminals.
 *
 * A Unix 98 pseudo-terminal pair whose every open file (its master, the
 * files open on its slave) the group holds is an object: written once,
 * when its first file is met, with the slave's termios and window, the
 * lock, packet mode and exclusive state, the session whose controlling
 * terminal it is with its foreground process group, and the bytes
 * buffered each way in the line disciplines.  Its files are file objects
 * that name it.  A process whose controlling terminal it is says so in a
 * record of its own.
 *
 * The bytes are read through the files, which consumes them, and written
 * back at once, as the other end would write them, so that the checkpoint
 * leaves the group as it was: the group is frozen and no one outside holds
 * an end, so no one else reads or writes meanwhile.  Bytes still in the
 * flip buffers are first pushed into the line discipline (the flip work is
 * waited for).  The line discipline's own state is private to n_tty: input
 * in canonical mode (lines not read, a line being edited) cannot be read
 * without losing where its lines end, and is refused when there is any.
 * Refilling goes through the receiving end's input processing: it is
 * switched to raw mode (no echo, no signals, no special characters) for
 * the refill, then back.
 *
 * Restart opens a new pair through the multiplexer the master was opened
 * through, opens its slave files as TIOCGPTPEER does, sets the state back
 * and refills both directions the same way.  A terminal that processes
 * outside the group also use (the shell's terminal of a program started
 * from a shell) is refused, with a reason naming the pid, the fd and the
 * terminal, before anything is written (ckpt_check_held_files()).
 */
#define pr_fmt(fmt) "ckpt: " fmt

#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/devpts_fs.h>
#include <linux/kdev_t.h>
#include <linux/magic.h>
#include <linux/major.h>
#include <linux/pid.h>
#include <linux/poll.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/tty.h>
#include <linux/tty_driver.h>
#include <linux/tty_ldisc.h>
#include <linux/workqueue.h>
#include "ckpt.h"

static_assert(sizeof(struct ckpt_termios) == 48);
static_assert(sizeof(struct ckpt_pty) == 104);
static_assert(sizeof(struct ckpt_pty_data) == 16);
static_assert(sizeof(struct ckpt_ctty) == 16);
static_assert(NCCS == CKPT_NCCS);
static_assert(N_TTY_BUF_SIZE == CKPT_PTY_BUF_MAX);

/* Flags of a file open on a pty that restart sets again. */
#define CKPT_PTY_FILE_FLAGS	(O_NONBLOCK | O_APPEND | O_LARGEFILE)
#define CKPT_PTY_FLAGS		(CKPT_PTY_LOCKED | CKPT_PTY_PACKET | \
				 CKPT_PTY_MASTER_EXCL | CKPT_PTY_SLAVE_EXCL)
/* The TIOCPKT_* status bits */
#define CKPT_PKT_STATUS		0x7f

/**
 * struct ckpt_rpty - a pty pair being restored
 * @master:	its master file, until the file record of the master takes it
 * @tty:	the master's tty (pinned by @master or the files made of it)
 * @flags:	CKPT_PTY_*, applied once every file is open
 * @sid:	session whose controlling terminal it is, or 0
 * @pgrp:	its foreground process group, or 0
 * @master_used: a file record took the master
 */
struct ckpt_rpty {
	struct file		*master;
	struct tty_struct	*tty;
	u32			flags;
	pid_t			sid;
	pid_t			pgrp;
	bool			master_used;
};

/**
 * ckpt_is_pty() - whether @file is an end of a Unix 98 pseudo-terminal
 * @file: an open file
 *
 * A master (/dev/ptmx, /dev/pts/ptmx) or a slave (/dev/pts/N).
 *
 * Return: true if it is.
 */
static bool ckpt_is_pty(struct file *file)
{
	struct inode *inode = file_inode(file);
	unsigned int major = MAJOR(inode->i_rdev);

	if (!S_ISCHR(inode->i_mode))
		return false;
	if (major == TTYAUX_MAJOR && MINOR(inode->i_rdev) == 2)
		return true;
	return major >= UNIX98_PTY_SLAVE_MAJOR &&
	       major < UNIX98_PTY_SLAVE_MAJOR + UNIX98_PTY_MAJOR_COUNT &&
	       inode->i_sb->s_magic == DEVPTS_SUPER_MAGIC;
}

static struct tty_struct *ckpt_pty_tty(struct file *file)
{
	struct tty_file_private *priv = file->private_data;
	struct tty_struct *tty = priv ? priv->tty : NULL;

	if (!tty || tty->driver->type != TTY_DRIVER_TYPE_PTY)
		return NULL;
	return tty;
}

/* Whether every file open on @tty is one of @h. */
static bool ckpt_tty_held(struct tty_struct *tty, const struct ckpt_held *h,
			  unsigned int nr)
{
	struct tty_file_private *priv;
	bool ret = true;
	unsigned int i;

	spin_lock(&tty->files_lock);
	list_for_each_entry(priv, &tty->tty_files, list) {
		for (i = 0; i < nr && h[i].file != priv->file; i++)
			;
		if (i == nr) {
			ret = false;
			break;
		}
	}
	spin_unlock(&tty->files_lock);
	return ret;
}

/**
 * ckpt_check_pty() - refuse a pseudo-terminal also used outside the group
 * @ctx: the checkpoint
 * @hs:  the files of the group that hold kernel state (held.c)
 * @i:   the entry to check, a pty end
 *
 * The two ends of the terminal must have no open file but those of @hs.
 *
 * Return: 0 or -EOPNOTSUPP (with the reason).
 */
static int ckpt_check_pty(struct ckpt_ctx *ctx, struct ckpt_held_set *hs,
			  unsigned int i)
{
	const struct ckpt_held *h = hs->h;
	unsigned int nr = hs->nr;
	struct tty_struct *tty = ckpt_pty_tty(h[i].file);

	if (!tty)
		return ckpt_held_refuse(ctx, &h[i],
					"a terminal other than a pty; exclude dev to checkpoint without it");
	if (ckpt_tty_held(tty, h, nr) &&
	    (!tty->link || ckpt_tty_held(tty->link, h, nr)))
		return 0;
	if (tty->driver->subtype == PTY_TYPE_MASTER)
		return ckpt_held_refuse(ctx, &h[i],
					"a pty master whose slave is also open outside the group; exclude dev to checkpoint without it");
	return ckpt_held_refuse(ctx, &h[i],
				"a terminal also open outside the group (its master, or another open file of it); exclude dev to checkpoint without it");
}

/**
 * ckpt_pty_kind() - the file kind of an end of a Unix 98 pty
 * @file: an open file that ckpt_is_pty() accepts
 *
 * Return: CKPT_FILE_PTMX, CKPT_FILE_PTS, or 0 for another terminal.
 */
static u32 ckpt_pty_kind(struct file *file)
{
	struct tty_struct *tty = ckpt_pty_tty(file);

	if (!tty || !(tty->driver->flags & TTY_DRIVER_DEVPTS_MEM) || !tty->link)
		return 0;
	return tty->driver->subtype == PTY_TYPE_MASTER ? CKPT_FILE_PTMX :
							 CKPT_FILE_PTS;
}

/* ---- checkpoint ------------------------------------------------------------ */

/* Whether bytes wait in the flip buffers of @tty, after the flip work. */
static bool ckpt_pty_flip_busy(struct tty_struct *tty)
{
	struct tty_bufhead *buf = &tty->port->buf;
	struct tty_buffer *b;
	bool busy = false;

	flush_work(&buf->work);
	mutex_lock(&buf->lock);
	/* acquire: pairs with the release of the producer, as flush_to_ldisc() */
	for (b = buf->head; b && !busy; b = smp_load_acquire(&b->next))
		/* acquire: as above */
		busy = smp_load_acquire(&b->commit) != b->read;
	mutex_unlock(&buf->lock);
	return busy;
}

/* An open file of @tty, referenced, one open for reading if @read. */
static struct file *ckpt_tty_file(struct tty_struct *tty, bool read)
{
	struct tty_file_private *priv;
	struct file *file = NULL;

	spin_lock(&tty->files_lock);
	list_for_each_entry(priv, &tty->tty_files, list) {
		if (!read || (priv->file->f_mode & FMODE_READ)) {
			file = get_file(priv->file);
			break;
		}
	}
	spin_unlock(&tty->files_lock);
	return file;
}

/*
 * Whether the line discipline of @tty, N_TTY (ckpt_pty_check()), holds any
 * byte, whole lines or not: TIOCINQ counts only whole lines in canonical
 * mode, n_tty_read_cnt() all.  The pair is frozen and held by the group
 * alone.
 */
static int ckpt_pty_busy(struct tty_struct *tty)
{
	struct tty_ldisc *ld;
	size_t nr = 0;

	ld = tty_ldisc_ref(tty);
	if (!ld)
		return 0;
	/* as TIOCINQ does */
	down_write(&tty->termios_rwsem);
	if (ld->ops->num == N_TTY)
		nr = n_tty_read_cnt(tty);
	up_write(&tty->termios_rwsem);
	tty_ldisc_deref(ld);
	return !!nr;
}

/*
 * Read what the line discipline of @tty holds into @buf (at least
 * CKPT_PTY_BUF_MAX + 1 bytes) through one of its files, made non-blocking
 * the time of it.  The master's packet mode is off meanwhile, so that no
 * status byte comes with the data, nor is consumed.
 */
static int ckpt_pty_read(struct tty_struct *tty, struct file *file, u8 *buf)
{
	bool master = tty->driver->subtype == PTY_TYPE_MASTER;
	unsigned int f_flags;
	bool packet = false;
	ssize_t n, nr = 0;
	loff_t pos;

	spin_lock(&file->f_lock);
	f_flags = file->f_flags;
	file->f_flags |= O_NONBLOCK;
	spin_unlock(&file->f_lock);
	if (master) {
		spin_lock_irq(&tty->ctrl.lock);
		packet = tty->ctrl.packet;
		tty->ctrl.packet = false;
		spin_unlock_irq(&tty->ctrl.lock);
	}
	do {
		pos = 0;
		n = kernel_read(file, buf + nr, CKPT_PTY_BUF_MAX + 1 - nr, &pos);
		if (n > 0)
			nr += n;
	} while (n > 0 && nr <= CKPT_PTY_BUF_MAX);
	if (master) {
		spin_lock_irq(&tty->ctrl.lock);
		tty->ctrl.packet = packet;
		spin_unlock_irq(&tty->ctrl.lock);
	}
	spin_lock(&file->f_lock);
	file->f_flags = (file->f_flags & ~O_NONBLOCK) | (f_flags & O_NONBLOCK);
	spin_unlock(&file->f_lock);
	if (n < 0 && n != -EAGAIN && !nr)
		return n;
	return nr;
}

/*
 * Write @nr bytes into the line discipline of @to as its peer writes them,
 * @to switched to raw mode meanwhile (a slave: a master always is) so
 * that they are taken as they are, without echo: they are what a read
 * would have given.
 */
static int ckpt_pty_fill(struct tty_struct *to, const u8 *buf, int nr)
{
	bool slave = to->driver->subtype == PTY_TYPE_SLAVE;
	struct tty_struct *from = to->link;
	struct ktermios saved, raw;
	unsigned char pktstatus;
	int n;

	if (!nr)
		return 0;
	if (slave) {
		spin_lock_irq(&to->ctrl.lock);
		pktstatus = to->ctrl.pktstatus;
		spin_unlock_irq(&to->ctrl.lock);
		down_read(&to->termios_rwsem);
		saved = to->termios;
		up_read(&to->termios_rwsem);
		raw = saved;
		raw.c_iflag = 0;
		raw.c_lflag &= ~(ISIG | ICANON | ECHO | ECHONL | IEXTEN | EXTPROC);
		tty_set_termios(to, &raw);
	}
	n = from->ops->write(from, buf, nr);
	if (n == nr && ckpt_pty_flip_busy(to))
		n = -EIO;
	if (slave) {
		tty_set_termios(to, &saved);
		/* a change of IXON would have told the master in packet mode */
		spin_lock_irq(&to->ctrl.lock);
		to->ctrl.pktstatus = pktstatus;
		spin_unlock_irq(&to->ctrl.lock);
	}
	return n == nr ? 0 : -EIO;
}

/*
 * Take the bytes buffered for @tty, the receiving end, into @buf, then put
 * them back.  Return: how many, or -errno with *@why.
 */
static int ckpt_pty_take(struct tty_struct *tty, u8 *buf, const char **why)
{
	struct file *file;
	int nr;

	if (ckpt_pty_flip_busy(tty)) {
		*why = "more bytes buffered than its line discipline takes; not supported";
		return -EOPNOTSUPP;
	}
	file = L_ICANON(tty) ? NULL : ckpt_tty_file(tty, true);
	if (!file) {
		nr = ckpt_pty_busy(tty);
		if (nr <= 0) {
			*why = "cannot count the bytes buffered";
			return nr;
		}
		*why = L_ICANON(tty) ?
		       "input not read in canonical mode (lines, or one typed); not supported" :
		       "bytes buffered for an end with no file open for reading; not supported";
		return -EOPNOTSUPP;
	}
	nr = ckpt_pty_read(tty, file, buf);
	fput(file);
	if (nr < 0) {
		*why = "cannot read the bytes buffered";
		return nr;
	}
	if (nr > CKPT_PTY_BUF_MAX || ckpt_pty_fill(tty, buf, nr)) {
		/* lost: the reason says so */
		*why = "could not put back the bytes buffered (lost)";
		return -EIO;
	}
	return nr;
}

/* The state of @master's pair that cannot make the checkpoint fail later. */
static const char *ckpt_pty_check(struct tty_struct *master)
{
	struct tty_struct *slave = master->link;
	struct tty_ldisc *ld;
	bool bad;
	int i;

	for (i = 0; i < 2; i++) {
		struct tty_struct *tty = i ? slave : master;

		ld = tty_ldisc_ref(tty);
		bad = !ld || ld->ops->num != N_TTY;
		if (ld)
			tty_ldisc_deref(ld);
		if (bad)
			return "a line discipline other than N_TTY; not supported";
		if (tty->flow.stopped || tty->flow.tco_stopped)
			return "output stopped (^S, TCOOFF); not supported yet";
		if (memchr_inv(&tty->termios_locked, 0, sizeof(tty->termios_locked)))
			return "locked termios (TIOCSLCKTRMIOS); not supported";
	}
	if (master->ctrl.session)
		return "a pty master as a controlling terminal; not supported";
	if (L_EXTPROC(slave))
		return "EXTPROC (external line editing); not supported";
	if (master->termios.c_iflag ||
	    (master->termios.c_lflag & (ISIG | ICANON | ECHO | IEXTEN)))
		return "a pty master with termios of its own; not supported";
	return NULL;
}

/* The session and foreground group of @slave, as ids of the task table. */
static const char *ckpt_pty_ctrl(struct ckpt_ctx *ctx, struct tty_struct *slave,
				 pid_t *sid, pid_t *pgrp)
{
	struct pid *session, *fg;
	unsigned int i;
	bool found;

	spin_lock_irq(&slave->ctrl.lock);
	session = get_pid(slave->ctrl.session);
	fg = get_pid(slave->ctrl.pgrp);
	spin_unlock_irq(&slave->ctrl.lock);
	*sid = session ? pid_vnr(session) : 0;
	*pgrp = fg ? pid_vnr(fg) : 0;
	put_pid(session);
	put_pid(fg);
	if (session && !*sid)
		return
		"the controlling terminal of a session of another pid namespace; not supported";
	if (!*sid)
		return NULL;
	for (i = 0, found = false; i < ctx->nr_tasks && !found; i++)
		found = ctx->ents[i].sid == *sid;
	if (!found)
		return "the controlling terminal of a session outside the group; not supported";
	if (!*pgrp)
		return NULL;
	for (i = 0, found = false; i < ctx->nr_tasks && !found; i++)
		found = ctx->ents[i].pgid == *pgrp && ctx->ents[i].sid == *sid &&
			!(ctx->ents[i].flags & CKPT_TASK_GHOST);
	return found ? NULL :
	       "a terminal whose foreground process group is outside the group; not supported";
}

static void ckpt_termios_out(struct ckpt_termios *r, const struct ktermios *t)
{
	r->iflag = cpu_to_le32(t->c_iflag);
	r->oflag = cpu_to_le32(t->c_oflag);
	r->cflag = cpu_to_le32(t->c_cflag);
	r->lflag = cpu_to_le32(t->c_lflag);
	r->ispeed = cpu_to_le32(t->c_ispeed);
	r->ospeed = cpu_to_le32(t->c_ospeed);
	r->line = t->c_line;
	memcpy(r->cc, t->c_cc, CKPT_NCCS);
}

/* The state of the pair @master, in a record to which the bytes add. */
static void ckpt_pty_state(struct tty_struct *master, struct ckpt_pty *r)
{
	struct tty_struct *slave = master->link;
	struct ktermios t;
	struct winsize ws;

	down_read(&slave->termios_rwsem);
	t = slave->termios;
	up_read(&slave->termios_rwsem);
	mutex_lock(&slave->winsize_mutex);
	ws = slave->winsize;
	mutex_unlock(&slave->winsize_mutex);
	ckpt_termios_out(&r->termios, &t);
	r->ws_row = cpu_to_le16(ws.ws_row);
	r->ws_col = cpu_to_le16(ws.ws_col);
	r->ws_xpixel = cpu_to_le16(ws.ws_xpixel);
	r->ws_ypixel = cpu_to_le16(ws.ws_ypixel);
	spin_lock_irq(&master->ctrl.lock);
	if (master->ctrl.packet)
		r->flags |= cpu_to_le32(CKPT_PTY_PACKET);
	spin_unlock_irq(&master->ctrl.lock);
	spin_lock_irq(&slave->ctrl.lock);
	if (r->flags)
		r->pktstatus = cpu_to_le32(slave->ctrl.pktstatus & CKPT_PKT_STATUS);
	spin_unlock_irq(&slave->ctrl.lock);
	if (test_bit(TTY_PTY_LOCK, &master->flags))
		r->flags |= cpu_to_le32(CKPT_PTY_LOCKED);
	if (test_bit(TTY_EXCLUSIVE, &master->flags))
		r->flags |= cpu_to_le32(CKPT_PTY_MASTER_EXCL);
	if (test_bit(TTY_EXCLUSIVE, &slave->flags))
		r->flags |= cpu_to_le32(CKPT_PTY_SLAVE_EXCL);
	r->index = cpu_to_le32(slave->index);
}

/* Write the record of the pair, its multiplexer's path, then its bytes. */
static int ckpt_pty_write(struct ckpt_ctx *ctx, pid_t pid, int fd,
			  struct file *mfile, struct ckpt_pty *r,
			  const u8 *in, const u8 *out)
{
	u32 nr_in = le32_to_cpu(r->nr_in), nr_out = le32_to_cpu(r->nr_out);
	char *page, *path;
	int ret;

	page = (char *)__get_free_page(GFP_KERNEL);
	if (!page)
		return ckpt_fail(ctx, -ENOMEM, "out of memory");
	path = d_path(&mfile->f_path, page, PAGE_SIZE);
	if (IS_ERR(path)) {
		ret = ckpt_fail(ctx, -EOPNOTSUPP,
				"pid %d fd %d: /dev/pts/%u: a multiplexer path too long; exclude dev to checkpoint without it",
				pid, fd, le32_to_cpu(r->index));
		goto out_page;
	}
	r->path_len = cpu_to_le32(strlen(path));
	ret = ckpt_write2(ctx, r, CKPT_REC_PTY, sizeof(*r), path, strlen(path) + 1);
	if (!ret && nr_in) {
		struct ckpt_pty_data d = { .pty = r->id, .dir = cpu_to_le32(CKPT_PTY_IN) };

		ret = ckpt_write2(ctx, &d, CKPT_REC_PTY_DATA, sizeof(d), in, nr_in);
	}
	if (!ret && nr_out) {
		struct ckpt_pty_data d = { .pty = r->id, .dir = cpu_to_le32(CKPT_PTY_OUT) };

		ret = ckpt_write2(ctx, &d, CKPT_REC_PTY_DATA, sizeof(d), out, nr_out);
	}
out_page:
	free_page((unsigned long)page);
	return ret;
}

/* Write the pair of @master once; *@id its object id. */
static int ckpt_dump_pty_pair(struct ckpt_ctx *ctx, pid_t pid, int fd,
			      struct tty_struct *master, u32 *id)
{
	struct tty_struct *slave = master->link;
	struct ckpt_pty r = { };
	struct file *mfile;
	const char *why;
	u8 *in = ctx->pagebuf, *out = in + 2 * CKPT_PTY_BUF_MAX;
	pid_t sid, pgrp;
	int nr_in, nr_out, ret;
	bool new;

	*id = ckpt_obj_lookup(ctx, CKPT_OBJ_PTY, master, &new);
	if (!*id)
		return ckpt_fail(ctx, -ENOMEM, "out of memory");
	if (!new)
		return 0;
	mfile = ckpt_tty_file(master, false);
	if (!mfile)
		return ckpt_fail(ctx, -EOPNOTSUPP,
				 "pid %d fd %d: /dev/pts/%d: a pty whose master is closed; not supported; exclude dev to checkpoint without it",
				 pid, fd, slave->index);
	why = ckpt_pty_check(master) ?: ckpt_pty_ctrl(ctx, slave, &sid, &pgrp);
	if (!why && (mfile->f_mode & (FMODE_READ | FMODE_WRITE)) !=
		    (FMODE_READ | FMODE_WRITE))
		why = "a pty master not open for reading and writing; not supported";
	/* the bytes first: putting them back may change the status bits */
	nr_in = why ? 0 : ckpt_pty_take(slave, in, &why);
	nr_out = why || nr_in < 0 ? 0 : ckpt_pty_take(master, out, &why);
	if (why) {
		ret = ckpt_fail(ctx, nr_in < 0 ? nr_in : nr_out < 0 ? nr_out : -EOPNOTSUPP,
				"pid %d fd %d: /dev/pts/%d: %s; exclude dev to checkpoint without it",
				pid, fd, slave->index, why);
		goto out_file;
	}
	ckpt_pty_state(master, &r);
	r.id = cpu_to_le32(*id);
	r.sid = cpu_to_le32(sid);
	r.pgrp = cpu_to_le32(pgrp);
	r.nr_in = cpu_to_le32(nr_in);
	r.nr_out = cpu_to_le32(nr_out);
	ret = ckpt_pty_write(ctx, pid, fd, mfile, &r, in, out);
out_file:
	fput(mfile);
	return ret;
}

/**
 * ckpt_dump_pty() - write the pty pair of a file once
 * @ctx:  the checkpoint
 * @t:    the task using the file (named in a refusal)
 * @fd:   the fd it is used through
 * @file: a master or a file open on a slave (ckpt_pty_kind())
 * @id:   where to put the object id of the pair
 *
 * Context: the group frozen, every file of the pair held by it.
 * Return: 0 or a negative errno (with the reason).
 */
static int ckpt_dump_pty(struct ckpt_ctx *ctx, struct task_struct *t, int fd,
			 struct file *file, u32 *id)
{
	struct tty_struct *tty = ckpt_pty_tty(file);

	if (tty->driver->subtype != PTY_TYPE_MASTER)
		tty = tty->link;
	return ckpt_dump_pty_pair(ctx, task_pid_vnr(t), fd, tty, id);
}

/**
 * ckpt_dump_ctty() - write the controlling terminal of a process
 * @ctx: the checkpoint
 * @t:   the process
 *
 * Only a pty of the group whose pair is already in the image: another
 * controlling terminal (one of processes outside) is not kept.
 *
 * Return: 0 or a negative errno.
 */
static int ckpt_dump_ctty(struct ckpt_ctx *ctx, struct task_struct *t)
{
	struct sighand_struct *sighand;
	struct ckpt_ctty r = { };
	struct tty_struct *tty;
	unsigned long flags;
	u32 id = 0;

	sighand = lock_task_sighand(t, &flags);
	if (!sighand)
		return 0;
	tty = tty_kref_get(t->signal->tty);
	spin_unlock_irqrestore(&sighand->siglock, flags);
	if (!tty)
		return 0;
	if (tty->driver->type == TTY_DRIVER_TYPE_PTY &&
	    tty->driver->subtype == PTY_TYPE_SLAVE &&
	    (tty->driver->flags & TTY_DRIVER_DEVPTS_MEM) && tty->link)
		id = ckpt_obj_find(ctx, CKPT_OBJ_PTY, tty->link);
	tty_kref_put(tty);
	if (!id)
		return 0;
	r.pty = cpu_to_le32(id);
	return ckpt_write(ctx, &r, CKPT_REC_CTTY, sizeof(r));
}

/* ---- restart -------------------------------------------------------------- */

/**
 * ckpt_rpty_put() - drop a pty pair being restored (its object table put)
 * @ptr: the &struct ckpt_rpty
 */
static void ckpt_rpty_put(void *ptr)
{
	struct ckpt_rpty *rp = ptr;

	if (rp->master)
		fput(rp->master);
	kfree(rp);
}

static bool ckpt_termios_in(struct ktermios *t, const struct ckpt_termios *r)
{
	*t = (struct ktermios){
		.c_iflag = le32_to_cpu(r->iflag),
		.c_oflag = le32_to_cpu(r->oflag),
		.c_cflag = le32_to_cpu(r->cflag),
		.c_lflag = le32_to_cpu(r->lflag),
		.c_ispeed = le32_to_cpu(r->ispeed),
		.c_ospeed = le32_to_cpu(r->ospeed),
		.c_line = r->line,
	};
	memcpy(t->c_cc, r->cc, CKPT_NCCS);
	return r->line == N_TTY && !memchr_inv(r->__reserved, 0, sizeof(r->__reserved)) &&
	       !(t->c_lflag & EXTPROC);
}

/* Read the CKPT_REC_PTY_DATA of pty @id, direction @dir, into ctx->pagebuf. */
static int ckpt_rpty_data(struct ckpt_rtask *rt, u32 id, u32 dir, u32 nr)
{
	struct ckpt_ctx *ctx = rt->ctx;
	struct ckpt_pty_data *d = ctx->rbuf;
	struct ckpt_hdr rec;
	int ret;

	ret = ckpt_read_rec(ctx, &rec);
	if (ret)
		return ret;
	if (rec.type != CKPT_REC_PTY_DATA || rec.len != sizeof(*d) + nr)
		goto bad;
	ret = ckpt_read_payload(ctx, (void *)d + sizeof(rec), rec.len - sizeof(rec));
	if (ret)
		return ret;
	if (le32_to_cpu(d->pty) != id || le32_to_cpu(d->dir) != dir)
		goto bad;
	memcpy(ctx->pagebuf, d->data, nr);
	return 0;
bad:
	return ckpt_fail(ctx, -EINVAL,
			 "image: pid %d: pty %u: bad data record at byte %llu",
			 rt->pid, id, ctx->s.bytes);
}

/*
 * Give the pair made for @r its size, modes, bytes and packet mode.  @r is
 * in ctx->rbuf, which reading the bytes' records reuses: read it first.
 */
static int ckpt_pty_set(struct ckpt_rtask *rt, struct tty_struct *master,
			const struct ckpt_pty *r, struct ktermios *t)
{
	struct tty_struct *slave = master->link;
	u32 id = le32_to_cpu(r->id), nr_in = le32_to_cpu(r->nr_in);
	u32 nr_out = le32_to_cpu(r->nr_out), flags = le32_to_cpu(r->flags);
	u32 pkt = le32_to_cpu(r->pktstatus);
	struct ckpt_ctx *ctx = rt->ctx;
	struct winsize ws;
	int ret;

	ws.ws_row = le16_to_cpu(r->ws_row);
	ws.ws_col = le16_to_cpu(r->ws_col);
	ws.ws_xpixel = le16_to_cpu(r->ws_xpixel);
	ws.ws_ypixel = le16_to_cpu(r->ws_ypixel);
	/* as pty_resize() does, without SIGWINCH: no one to tell yet */
	mutex_lock(&slave->winsize_mutex);
	slave->winsize = ws;
	master->winsize = ws;
	mutex_unlock(&slave->winsize_mutex);

	tty_set_termios(slave, t);
	if (nr_in) {
		ret = ckpt_rpty_data(rt, id, CKPT_PTY_IN, nr_in);
		if (!ret && ckpt_pty_fill(slave, ctx->pagebuf, nr_in))
			ret = ckpt_fail(ctx, -EIO, "pid %d: cannot refill pty %u",
					rt->pid, id);
		if (ret)
			return ret;
	}
	if (nr_out) {
		ret = ckpt_rpty_data(rt, id, CKPT_PTY_OUT, nr_out);
		if (!ret && ckpt_pty_fill(master, ctx->pagebuf, nr_out))
			ret = ckpt_fail(ctx, -EIO, "pid %d: cannot refill pty %u",
					rt->pid, id);
		if (ret)
			return ret;
	}
	spin_lock_irq(&master->ctrl.lock);
	master->ctrl.packet = flags & CKPT_PTY_PACKET;
	spin_unlock_irq(&master->ctrl.lock);
	spin_lock_irq(&slave->ctrl.lock);
	slave->ctrl.pktstatus = pkt;
	spin_unlock_irq(&slave->ctrl.lock);
	return 0;
}

/**
 * ckpt_restore_pty() - open a new pty pair, set its state and refill it
 * @rt:  the task being restored (current)
 * @rec: its CKPT_REC_PTY
 * @len: bytes of @rec
 *
 * Reads the CKPT_REC_PTY_DATA records that follow.  The lock, exclusive
 * state and session are set once every file is open
 * (ckpt_pty_finish()).
 *
 * Return: 0 or a negative errno.
 */
static int ckpt_restore_pty(struct ckpt_rtask *rt, void *rec, u32 len)
{
	struct ckpt_ctx *ctx = rt->ctx;
	struct ckpt_pty *r = rec;
	struct tty_struct *master;
	u32 id, flags, nr_in, nr_out, pkt;
	struct ckpt_rpty *rp;
	struct ktermios t;
	struct file *file;
	const char *path;
	pid_t sid, pgrp;
	int ret;

	if (len < sizeof(*r))
		goto bad;
	id = le32_to_cpu(r->id);
	flags = le32_to_cpu(r->flags);
	pkt = le32_to_cpu(r->pktstatus);
	nr_in = le32_to_cpu(r->nr_in);
	nr_out = le32_to_cpu(r->nr_out);
	sid = le32_to_cpu(r->sid);
	pgrp = le32_to_cpu(r->pgrp);
	path = ckpt_rec_string(rec, sizeof(*r), len, le32_to_cpu(r->path_len));
	if (!path || path[0] != '/' || r->__reserved || (flags & ~CKPT_PTY_FLAGS) ||
	    (pkt & ~CKPT_PKT_STATUS) || (pkt && !(flags & CKPT_PTY_PACKET)) ||
	    !ckpt_termios_in(&t, &r->termios) ||
	    nr_in > CKPT_PTY_BUF_MAX || nr_out > CKPT_PTY_BUF_MAX ||
	    (nr_in && (t.c_lflag & ICANON)) ||
	    sid < 0 || sid >= PID_MAX_LIMIT || pgrp < 0 || pgrp >= PID_MAX_LIMIT ||
	    (pgrp && !sid))
		goto bad;

	file = filp_open(path, O_RDWR | O_NOCTTY | O_LARGEFILE, 0);
	if (IS_ERR(file))
		return ckpt_fail(ctx, PTR_ERR(file), "pid %d: cannot open %s (error %ld)",
				 rt->pid, path, PTR_ERR(file));
	if (!ckpt_is_pty(file) || ckpt_pty_kind(file) != CKPT_FILE_PTMX) {
		fput(file);
		return ckpt_fail(ctx, -ESTALE, "pid %d: %s is not a pty multiplexer",
				 rt->pid, path);
	}
	rp = kzalloc(sizeof(*rp), GFP_KERNEL);
	if (!rp) {
		fput(file);
		return ckpt_fail(ctx, -ENOMEM, "out of memory");
	}
	master = ckpt_pty_tty(file);
	rp->master = file;
	rp->tty = master;
	rp->flags = flags;
	rp->sid = sid;
	rp->pgrp = pgrp;
	/* From here on the table owns @rp. */
	ret = ckpt_obj_add_owned(ctx, id, CKPT_OBJ_RPTY, rp, ckpt_rpty_put);
	if (ret)
		return ret;
	/* opened locked; unlocked until its files are open */
	clear_bit(TTY_PTY_LOCK, &master->flags);
	return ckpt_pty_set(rt, master, r, &t);
bad:
	return ckpt_fail(ctx, -EINVAL, "image: pid %d: malformed pty record",
			 rt->pid);
}

/**
 * ckpt_restore_pty_file() - the file of a CKPT_REC_FILE on a pty
 * @rt:    the task being restored (current)
 * @r:     its CKPT_REC_FILE
 * @path:  the path it gives
 *
 * Return: the file, referenced, or an ERR_PTR() (with the reason).
 */
static struct file *ckpt_restore_pty_file(struct ckpt_rtask *rt,
					  const struct ckpt_file *r,
					  const char *path)
{
	u32 id = le32_to_cpu(r->obj);
	u32 kind = le32_to_cpu(r->kind);
	u32 flags = le32_to_cpu(r->flags);
	struct ckpt_ctx *ctx = rt->ctx;
	u32 acc = flags & O_ACCMODE;
	struct ckpt_rpty *rp;
	struct file *file;
	int fd;

	rp = ckpt_obj_get(ctx, id, CKPT_OBJ_RPTY);
	if (!rp)
		return ERR_PTR(-EINVAL);
	if ((flags & ~(O_ACCMODE | CKPT_PTY_FILE_FLAGS)) || acc == O_ACCMODE ||
	    (kind == CKPT_FILE_PTMX && (acc != O_RDWR || rp->master_used)))
		return ERR_PTR(ckpt_fail(ctx, -EINVAL,
					 "image: pid %d: bad file on pty %u (kind %u, flags %#o)",
					 rt->pid, id, kind, flags));
	if (kind == CKPT_FILE_PTMX) {
		rp->master_used = true;
		file = get_file(rp->master);
	} else {
		fd = ptm_open_peer(rp->master, rp->tty, acc | O_NOCTTY | O_LARGEFILE);
		file = fd < 0 ? NULL : fget(fd);
		if (fd >= 0)
			close_fd(fd);
		if (!file)
			return ERR_PTR(ckpt_fail(ctx, fd < 0 ? fd : -EBADF,
						 "pid %d: cannot open the slave of pty %u (error %d)",
						 rt->pid, id, fd < 0 ? fd : -EBADF));
	}
	/* Not installed anywhere yet: no fcntl() can race with this. */
	spin_lock(&file->f_lock);
	file->f_flags = (file->f_flags & ~CKPT_PTY_FILE_FLAGS) |
			(flags & CKPT_PTY_FILE_FLAGS);
	spin_unlock(&file->f_lock);
	return file;
}

/**
 * ckpt_restore_ctty() - note the controlling terminal of a process
 * @rt:  the process being restored (current)
 * @rec: its CKPT_REC_CTTY
 * @len: bytes of @rec
 *
 * Given by ckpt_pty_finish(), once every process exists.
 *
 * Return: 0 or a negative errno.
 */
static int ckpt_restore_ctty(struct ckpt_rtask *rt, void *rec, u32 len)
{
	struct ckpt_ctty *r = rec;
	struct ckpt_rpty *rp;

	if (len != sizeof(*r) || r->__reserved || rt->ctty)
		return ckpt_fail(rt->ctx, -EINVAL,
				 "image: pid %d: malformed controlling terminal record",
				 rt->pid);
	rp = ckpt_obj_get(rt->ctx, le32_to_cpu(r->pty), CKPT_OBJ_RPTY);
	if (!rp)
		return -EINVAL;
	if (!rp->sid || rp->sid != rt->sid)
		return ckpt_fail(rt->ctx, -EINVAL,
				 "image: pid %d: a controlling terminal of session %d, the process is in session %d",
				 rt->pid, rp->sid, rt->sid);
	rt->ctty = rp;
	return 0;
}

/* Lock, exclusive state, session and foreground group of one pair. */
static void ckpt_rpty_end(struct ckpt_ctx *ctx, void *ptr)
{
	struct ckpt_rpty *rp = ptr;
	struct tty_struct *master = rp->tty, *slave = master->link;
	struct pid *session = NULL, *pgrp = NULL;
	struct task_struct *t;
	unsigned long flags;

	if (rp->flags & CKPT_PTY_LOCKED)
		set_bit(TTY_PTY_LOCK, &master->flags);
	if (rp->flags & CKPT_PTY_MASTER_EXCL)
		set_bit(TTY_EXCLUSIVE, &master->flags);
	if (rp->flags & CKPT_PTY_SLAVE_EXCL)
		set_bit(TTY_EXCLUSIVE, &slave->flags);
	if (!rp->sid)
		return;
	rcu_read_lock();
	session = find_vpid(rp->sid);
	t = pid_task(session, PIDTYPE_SID);
	if (!t || task_session(t) != session) {
		session = NULL;
	} else if (rp->pgrp) {
		pgrp = find_vpid(rp->pgrp);
		t = pid_task(pgrp, PIDTYPE_PGID);
		if (!t || task_session(t) != session)
			session = NULL;
	}
	session = get_pid(session);
	pgrp = session ? get_pid(pgrp) : NULL;
	rcu_read_unlock();
	if (!session) {
		ckpt_fail(ctx, -EINVAL,
			  "image: /dev/pts/%d: the controlling terminal of session %d, foreground group %d, which the image does not make",
			  slave->index, rp->sid, rp->pgrp);
		return;
	}
	spin_lock_irqsave(&slave->ctrl.lock, flags);
	put_pid(slave->ctrl.session);
	put_pid(slave->ctrl.pgrp);
	slave->ctrl.session = session;
	slave->ctrl.pgrp = pgrp;
	spin_unlock_irqrestore(&slave->ctrl.lock, flags);
}

/**
 * ckpt_pty_finish() - finish the pty pairs and controlling terminals
 * @ctx: the restart, every task created and parked
 *
 * Locks the pairs that were, sets their exclusive state, makes each the
 * controlling terminal of its session, with its foreground process group,
 * and gives each process its controlling terminal, as TIOCSCTTY would
 * (what a process inherited from the restarter is dropped).
 *
 * Context: the restarter, once every task has read its records.
 * Return: 0 or -EINVAL (with the reason).
 */
static int ckpt_pty_finish(struct ckpt_ctx *ctx)
{
	unsigned int i;

	ckpt_obj_for_each(ctx, CKPT_OBJ_RPTY, ckpt_rpty_end);
	if (ctx->err)
		return ctx->err;
	for (i = 0; i < ctx->nr_rt; i++) {
		struct ckpt_rtask *rt = &ctx->rt[i];
		struct ckpt_rpty *rp = rt->ctty;
		struct sighand_struct *sighand;
		struct tty_struct *old;
		struct pid *old_pgrp;
		struct task_struct *t;
		unsigned long flags;

		if (!rp)
			continue;
		t = rt->task;
		sighand = lock_task_sighand(t, &flags);
		if (!sighand)
			continue;
		old = t->signal->tty;
		old_pgrp = t->signal->tty_old_pgrp;
		t->signal->tty = tty_kref_get(rp->tty->link);
		t->signal->tty_old_pgrp = NULL;
		spin_unlock_irqrestore(&sighand->siglock, flags);
		tty_kref_put(old);
		put_pid(old_pgrp);
	}
	return 0;
}

static bool ckpt_is_ptmx(struct file *file)
{
	return ckpt_is_pty(file) && ckpt_pty_kind(file) == CKPT_FILE_PTMX;
}

static bool ckpt_is_pts(struct file *file)
{
	return ckpt_is_pty(file) && ckpt_pty_kind(file) == CKPT_FILE_PTS;
}

/* An end of a pty that is neither (ckpt_check_pty() refuses it first). */
static int ckpt_dump_other_tty(struct ckpt_ctx *ctx, struct ckpt_fdump *d)
{
	return ckpt_refuse_file(ctx, d, "a terminal other than a pty; not supported");
}

static const struct ckpt_file_ops ckpt_pty_files[] = {
	{
		.kind		= CKPT_FILE_PTMX,
		.flags		= CKPT_FOP_HELD | CKPT_FOP_NOPOS,
		.is		= ckpt_is_ptmx,
		.dump		= ckpt_dump_pty,
		.open		= ckpt_restore_pty_file,
		.check_first	= ckpt_check_pty,
	},
	{
		.kind		= CKPT_FILE_PTS,
		.flags		= CKPT_FOP_HELD | CKPT_FOP_NOPOS,
		.is		= ckpt_is_pts,
		.dump		= ckpt_dump_pty,
		.open		= ckpt_restore_pty_file,
		.check_first	= ckpt_check_pty,
	},
	{
		.kind		= 0,
		.flags		= CKPT_FOP_HELD,
		.is		= ckpt_is_pty,
		.dump_as	= ckpt_dump_other_tty,
		.check_first	= ckpt_check_pty,
	},
	{ }
};

static const struct ckpt_rec_op ckpt_pty_recs[] = {
	{ .type = CKPT_REC_PTY, .restore = ckpt_restore_pty },
	{ .type = CKPT_REC_PTY_DATA, .flags = CKPT_ROP_NESTED },
	{ .type = CKPT_REC_CTTY, .restore = ckpt_restore_ctty },
	{ }
};

const struct ckpt_resource ckpt_res_pty = {
	.name		= "pseudo-terminals",
	.dump		= ckpt_dump_ctty,
	.finish		= ckpt_pty_finish,
	.recs		= ckpt_pty_recs,
	.files		= ckpt_pty_files,
};
