/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ckpt: what anonfile.c gives the kinds of file on an anonymous inode
 * (signalfd.c, timerfd.c, inotify.c): telling them apart, and reopening
 * one with the flags and mode of its record.
 */
#ifndef _KERNEL_CGROUP_CKPT_ANONFILE_H
#define _KERNEL_CGROUP_CKPT_ANONFILE_H

#include "ckpt.h"

bool ckpt_anon_file_is(struct file *file, const char *name);
struct file *ckpt_restore_anonfd_file(struct ckpt_rtask *rt,
				      const struct ckpt_file *r,
				      const char *path);

#endif /* _KERNEL_CGROUP_CKPT_ANONFILE_H */
