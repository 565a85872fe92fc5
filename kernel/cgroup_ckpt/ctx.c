// SPDX-License-Identifier: GPL-2.0-only
/*
 * ckpt: the context of one operation.
 *
 * ckpt_run() makes it; the restarter and every task a restart creates hold
 * a reference, and the last one frees it with everything the operation
 * held: tasks, objects, buffers, and what each resource kept
 * (->release(), ->task_release()).
 */
#define pr_fmt(fmt) "ckpt: " fmt

#include <linux/bvec.h>
#include <linux/cred.h>
#include <linux/file.h>
#include <linux/key.h>
#include <linux/mm.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include "ckpt.h"
#include "snapshot.h"

static_assert(CKPT_RUN_MAX >= CKPT_PAGES_MAX);

/**
 * ckpt_ctx_alloc() - the context of one operation
 * @cc:  the group
 * @cmd: what was asked
 *
 * Return: the context, with one reference, or NULL if out of memory.
 */
struct ckpt_ctx *ckpt_ctx_alloc(struct ckpt_cgroup *cc, enum ckpt_cmd cmd)
{
	struct ckpt_ctx *ctx;

	ctx = kzalloc(sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return NULL;
	ctx->pagebuf = kvmalloc(CKPT_PAGES_MAX * PAGE_SIZE, GFP_KERNEL);
	ctx->rbuf = kvmalloc(CKPT_REC_MAX_LEN, GFP_KERNEL);
	ctx->pages = kvmalloc_array(CKPT_RUN_MAX, sizeof(*ctx->pages), GFP_KERNEL);
	ctx->bvec = kvmalloc_array(CKPT_RUN_MAX, sizeof(*ctx->bvec), GFP_KERNEL);
	ctx->check = cmd == CKPT_CMD_CHECK;
	if (ctx->check)
		ctx->blockers = kzalloc(CKPT_BLOCKERS_LEN, GFP_KERNEL);
	if (!ctx->pagebuf || !ctx->rbuf || !ctx->pages || !ctx->bvec ||
	    (ctx->check && !ctx->blockers)) {
		kvfree(ctx->pagebuf);
		kvfree(ctx->rbuf);
		kvfree(ctx->pages);
		kvfree(ctx->bvec);
		kfree(ctx->blockers);
		kfree(ctx);
		return NULL;
	}
	refcount_set(&ctx->ref, 1);
	ctx->cc = cc;
	ctx->cgrp = cc->css.cgroup;
	ctx->cmd = cmd;
	ckpt_obj_init(ctx);
	xa_init(&ctx->pids);
	init_completion(&ctx->go);
	init_completion(&ctx->final);
	INIT_LIST_HEAD(&ctx->caps);
	INIT_LIST_HEAD(&ctx->marks);
	return ctx;
}

/**
 * ckpt_ctx_put() - drop a reference to an operation's context
 * @ctx: the context
 *
 * The restarter and each task it creates hold a reference; the last one
 * frees the context.
 */
void ckpt_ctx_put(struct ckpt_ctx *ctx)
{
	unsigned int i;

	if (!refcount_dec_and_test(&ctx->ref))
		return;
	ckpt_put_tasks(ctx);
	for (i = 0; i < ctx->nr_rt; i++) {
		struct ckpt_rtask *rt = &ctx->rt[i];
		unsigned int j;

		for (j = 0; j < rt->nr_regsets; j++)
			kvfree(rt->regset[j]);
		if (rt->cred)
			put_cred(rt->cred);
		ckpt_res_task_release(rt);
		if (rt->task)
			put_task_struct(rt->task);
	}
	kfree(ctx->rt);
	ckpt_capture_free(ctx);
	ckpt_res_release(ctx);
	xa_destroy(&ctx->pids);
	ckpt_obj_destroy(ctx);
	ckpt_mac_free(&ctx->s);
	key_put(ctx->key);
	if (ctx->restarter)
		put_cred(ctx->restarter);
	if (ctx->s.buf)
		ckpt_stream_destroy(&ctx->s);
	if (ctx->s.file)
		fput(ctx->s.file);
	kfree(ctx->blockers);
	kvfree(ctx->pagebuf);
	kvfree(ctx->pages);
	kvfree(ctx->bvec);
	kvfree(ctx->rbuf);
	kfree(ctx);
}
