// SPDX-License-Identifier: GPL-2.0-only
/*
 * ckpt: terminals.
 *
 * Terminals are not saved yet.  What this file does is tell apart, with a
 * reason naming the pid, the fd and the terminal, a pseudo-terminal that
 * processes outside the group also use (the terminal of the shell a
 * program was started from, whose master a terminal emulator or sshd
 * holds) from other terminals: the checkpoint refuses both, the first
 * before it writes anything (ckpt_check_held_files()).
 */
#define pr_fmt(fmt) "ckpt: " fmt

#include <linux/fs.h>
#include <linux/kdev_t.h>
#include <linux/magic.h>
#include <linux/major.h>
#include <linux/tty.h>
#include <linux/tty_driver.h>
#include "ckpt.h"

/**
 * ckpt_is_pty() - whether @file is an end of a Unix 98 pseudo-terminal
 * @file: an open file
 *
 * A master (/dev/ptmx, /dev/pts/ptmx) or a slave (/dev/pts/N).
 *
 * Return: true if it is.
 */
bool ckpt_is_pty(struct file *file)
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
 * @h:   the files of the group that hold kernel state (files.c)
 * @nr:  entries of @h
 * @i:   the entry to check, a pty end
 *
 * Every file of @h is referenced by the group only (checked before); the
 * two ends of the terminal must have no open file but these.
 *
 * Return: 0 or -EOPNOTSUPP (with the reason).
 */
int ckpt_check_pty(struct ckpt_ctx *ctx, const struct ckpt_held *h,
		   unsigned int nr, unsigned int i)
{
	struct tty_struct *tty = ckpt_pty_tty(h[i].file);

	if (!tty)
		return ckpt_held_refuse(ctx, &h[i],
					"a terminal that is not a pty; not supported");
	if (ckpt_tty_held(tty, h, nr) &&
	    (!tty->link || ckpt_tty_held(tty->link, h, nr)))
		return 0;
	if (tty->driver->subtype == PTY_TYPE_MASTER)
		return ckpt_held_refuse(ctx, &h[i],
					"a pty master whose slave is also open outside the group; not supported");
	return ckpt_held_refuse(ctx, &h[i],
				"a terminal also open outside the group (its master, or another open file of it); not supported");
}
