/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ckpt: every kind of resource, one line each, in order.  The order is
 * the order in which a checkpoint writes the records of a process (each
 * resource's ->dump()), in which restart runs the steps of each kind
 * (->finish(), ->commit()...), and in which a checkpoint tries the kinds
 * of open file on each file (the first that matches takes it).
 *
 * Included by ckpt.h (to declare them) and resource.c (to list them), with
 * CKPT_RESOURCE() defined.
 */
CKPT_RESOURCE(task),
CKPT_RESOURCE(thread),
CKPT_RESOURCE(rblock),
CKPT_RESOURCE(signal),
CKPT_RESOURCE(timer),
CKPT_RESOURCE(files),
CKPT_RESOURCE(devexcl),
CKPT_RESOURCE(pipe),
CKPT_RESOURCE(unix),
CKPT_RESOURCE(eventfd),
CKPT_RESOURCE(epoll),
CKPT_RESOURCE(signalfd),
CKPT_RESOURCE(timerfd),
CKPT_RESOURCE(inotify),
CKPT_RESOURCE(pty),
CKPT_RESOURCE(mqueue),
CKPT_RESOURCE(inet),
CKPT_RESOURCE(tcp),
CKPT_RESOURCE(netsock),
CKPT_RESOURCE(shmem),
CKPT_RESOURCE(sysvshm),
CKPT_RESOURCE(regfile),
CKPT_RESOURCE(locks),
CKPT_RESOURCE(sysvipc),
CKPT_RESOURCE(sysvsem),
CKPT_RESOURCE(sysvmsg),
CKPT_RESOURCE(mm),
CKPT_RESOURCE(attrs),
CKPT_RESOURCE(seccomp),
CKPT_RESOURCE(path),
