// SPDX-License-Identifier: GPL-2.0-only
/* build stub, replaced by the real controller */
#include <linux/cgroup.h>
#include <linux/slab.h>

static struct cgroup_subsys_state *
ckpt_css_alloc(struct cgroup_subsys_state *parent)
{
	struct cgroup_subsys_state *css = kzalloc(sizeof(*css), GFP_KERNEL);

	return css ?: ERR_PTR(-ENOMEM);
}

static void ckpt_css_free(struct cgroup_subsys_state *css)
{
	kfree(css);
}

static struct cftype ckpt_files[] = {
	{ }
};

struct cgroup_subsys ckpt_cgrp_subsys = {
	.css_alloc	= ckpt_css_alloc,
	.css_free	= ckpt_css_free,
	.dfl_cftypes	= ckpt_files,
	.legacy_cftypes	= ckpt_files,
};
