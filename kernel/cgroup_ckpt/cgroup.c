// SPDX-License-Identifier: GPL-2.0-only
/*
 * ckpt cgroup controller: checkpoint the tasks of a group into an image,
 * and restart them from one.
 *
 * The controller only parses and validates its interface files; the work
 * is done by run.c.
 *
 *   ckpt.exclude	resource classes a checkpoint leaves out ("+anon"); by
 *			default "files", the contents of regular files
 *   ckpt.key		a key of the keyring: images are signed and must be
 *			(HMAC-SHA256)
 *   ckpt.image_fd	the file the image goes to or comes from, named by an
 *			fd number of the writer; the group keeps a reference
 *   ckpt.trigger	"checkpoint [frozen|kill]", "restart [frozen]",
 *			"check": a dry run listing every blocker, or
 *			"release": the TCP connections "checkpoint kill"
 *			holds for the group are let go (hold.c)
 *   ckpt.state		what is happening and how the last operation ended
 *
 * See Documentation/admin-guide/cgroup-ckpt.rst.
 */
#define pr_fmt(fmt) "ckpt: " fmt

#include <linux/cgroup.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/kernfs.h>
#include <linux/key.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "ckpt.h"
#include "hold.h"

static const struct {
	const char	*name;
	u64		bit;
} ckpt_classes[] = {
	{ "anon",	CKPT_EXCL_ANON },
	{ "shmem",	CKPT_EXCL_SHMEM },
	{ "net",	CKPT_EXCL_NET },
	{ "ipc",	CKPT_EXCL_IPC },
	{ "files",	CKPT_EXCL_FILES },
	{ "dev",	CKPT_EXCL_DEV },
};

static const char * const ckpt_cmd_names[NR_CKPT_CMDS] = {
	[CKPT_CMD_CHECKPOINT]		= "checkpoint",
	[CKPT_CMD_CHECKPOINT_FROZEN]	= "checkpoint frozen",
	[CKPT_CMD_CHECKPOINT_KILL]	= "checkpoint kill",
	[CKPT_CMD_RESTART]		= "restart",
	[CKPT_CMD_RESTART_FROZEN]	= "restart frozen",
	[CKPT_CMD_CHECK]		= "check",
	[CKPT_CMD_CHECKPOINT_NOSNAP]	= "checkpoint no-snapshot",
};

static const char * const ckpt_op_names[] = {
	[CKPT_OP_NONE]		= "none",
	[CKPT_OP_CHECKPOINT]	= "checkpoint",
	[CKPT_OP_RESTART]	= "restart",
	[CKPT_OP_CHECK]		= "check",
};

static struct cgroup_subsys_state *
ckpt_css_alloc(struct cgroup_subsys_state *parent_css)
{
	struct ckpt_cgroup *parent = css_ckpt(parent_css);
	struct ckpt_cgroup *cc;

	cc = kzalloc(sizeof(*cc), GFP_KERNEL);
	if (!cc)
		return ERR_PTR(-ENOMEM);
	mutex_init(&cc->lock);
	/*
	 * A new group starts with the classes its parent excludes now; the
	 * root, which has no ckpt.exclude, with the default set, which its
	 * children (the top-level groups) inherit.
	 */
	if (parent) {
		mutex_lock(&parent->lock);
		cc->exclude = parent->exclude;
		mutex_unlock(&parent->lock);
	} else {
		cc->exclude = CKPT_EXCL_DEFAULT;
	}
	return &cc->css;
}

/* A group removed lets go of the connections held for it. */
static void ckpt_css_offline(struct cgroup_subsys_state *css)
{
	ckpt_hold_release(cgroup_id(css->cgroup), true);
}

static void ckpt_css_free(struct cgroup_subsys_state *css)
{
	struct ckpt_cgroup *cc = css_ckpt(css);

	if (cc->image)
		fput(cc->image);
	key_put(cc->key);
	kfree(cc->blockers);
	kfree(cc);
}

/*
 * A task moving into a group while it is being checkpointed or restarted
 * would be half in the image; make it wait for the operation to end.
 */
static int ckpt_can_attach(struct cgroup_taskset *tset)
{
	struct cgroup_subsys_state *css;
	struct task_struct *task;

	cgroup_taskset_for_each(task, css, tset) {
		if (test_bit(0, &css_ckpt(css)->busy))
			return -EBUSY;
	}
	return 0;
}

static int ckpt_exclude_show(struct seq_file *sf, void *v)
{
	struct ckpt_cgroup *cc = css_ckpt(seq_css(sf));
	const char *sep = "";
	u64 excl;
	int i;

	mutex_lock(&cc->lock);
	excl = cc->exclude;
	mutex_unlock(&cc->lock);
	for (i = 0; i < ARRAY_SIZE(ckpt_classes); i++) {
		if (excl & ckpt_classes[i].bit) {
			seq_printf(sf, "%s%s", sep, ckpt_classes[i].name);
			sep = " ";
		}
	}
	seq_putc(sf, '\n');
	return 0;
}

/*
 * "+anon -foo": the last mention of a class wins, all or nothing.  The
 * classes to add and to remove are stored only if every token is good.
 */
static int ckpt_exclude_parse(char *buf, u64 *setp, u64 *clearp)
{
	u64 set = 0, clear = 0;
	char *tok;
	int i;

	buf = strstrip(buf);
	while ((tok = strsep(&buf, " \t\n"))) {
		bool add;

		if (!*tok)
			continue;
		if (*tok != '+' && *tok != '-')
			return -EINVAL;
		add = *tok++ == '+';
		for (i = 0; i < ARRAY_SIZE(ckpt_classes); i++)
			if (!strcmp(tok, ckpt_classes[i].name))
				break;
		if (i == ARRAY_SIZE(ckpt_classes))
			return -EINVAL;
		if (add) {
			set |= ckpt_classes[i].bit;
			clear &= ~ckpt_classes[i].bit;
		} else {
			clear |= ckpt_classes[i].bit;
			set &= ~ckpt_classes[i].bit;
		}
	}
	*setp = set;
	*clearp = clear;
	return 0;
}

static ssize_t ckpt_exclude_write(struct kernfs_open_file *of, char *buf,
				  size_t nbytes, loff_t off)
{
	struct ckpt_cgroup *cc = css_ckpt(of_css(of));
	u64 set, clear;
	int ret;

	ret = ckpt_exclude_parse(buf, &set, &clear);
	if (ret)
		return ret;
	mutex_lock(&cc->lock);
	cc->exclude = (cc->exclude | set) & ~clear;
	mutex_unlock(&cc->lock);
	return nbytes;
}

static int ckpt_image_fd_show(struct seq_file *sf, void *v)
{
	struct ckpt_cgroup *cc = css_ckpt(seq_css(sf));
	struct file *file;
	char *page, *p;

	mutex_lock(&cc->lock);
	file = cc->image ? get_file(cc->image) : NULL;
	mutex_unlock(&cc->lock);
	if (!file) {
		seq_puts(sf, "none\n");
		return 0;
	}
	page = (char *)__get_free_page(GFP_KERNEL);
	if (page) {
		p = d_path(&file->f_path, page, PAGE_SIZE);
		seq_printf(sf, "%s\n", IS_ERR(p) ? "?" : p);
		free_page((unsigned long)page);
	}
	fput(file);
	return page ? 0 : -ENOMEM;
}

static ssize_t ckpt_image_fd_write(struct kernfs_open_file *of, char *buf,
				   size_t nbytes, loff_t off)
{
	struct ckpt_cgroup *cc = css_ckpt(of_css(of));
	struct file *file = NULL, *old;
	unsigned int fd;
	int ret;

	buf = strstrip(buf);
	if (strcmp(buf, "none")) {
		ret = kstrtouint(buf, 10, &fd);
		if (ret)
			return -EBADF;
		file = fget(fd);
		if (!file)
			return -EBADF;
	}
	if (test_bit(0, &cc->busy)) {
		if (file)
			fput(file);
		return -EBUSY;
	}
	mutex_lock(&cc->lock);
	old = cc->image;
	cc->image = file;
	mutex_unlock(&cc->lock);
	if (old)
		fput(old);
	return nbytes;
}

static int ckpt_key_read(struct seq_file *sf, void *v)
{
	ckpt_key_show(css_ckpt(seq_css(sf)), sf);
	return 0;
}

/* A key serial number, or "none": looked up with the opener's rights. */
static ssize_t ckpt_key_write(struct kernfs_open_file *of, char *buf,
			      size_t nbytes, loff_t off)
{
	const struct cred *old_cred;
	int ret;

	old_cred = override_creds(of->file->f_cred);
	ret = ckpt_key_set(css_ckpt(of_css(of)), strstrip(buf));
	revert_creds(old_cred);
	return ret ?: nbytes;
}

static ssize_t ckpt_trigger_write(struct kernfs_open_file *of, char *buf,
				  size_t nbytes, loff_t off)
{
	static const char skip[] = " skip-file-check";
	struct cgroup_subsys_state *css = of_css(of);
	unsigned int opts = 0;
	enum ckpt_cmd cmd;
	size_t len;
	int ret;

	buf = strstrip(buf);
	if (!strcmp(buf, "release")) {
		/* not under an operation, which may be taking or making them */
		if (test_and_set_bit_lock(0, &css_ckpt(css)->busy))
			return -EBUSY;
		ckpt_hold_release(cgroup_id(css->cgroup), true);
		clear_bit_unlock(0, &css_ckpt(css)->busy);
		return nbytes;
	}
	len = strlen(buf);
	if (len > strlen(skip) && !strcmp(buf + len - strlen(skip), skip)) {
		buf[len - strlen(skip)] = '\0';
		opts |= CKPT_RUN_SKIP_FILE_CHECK;
	}
	for (cmd = 0; cmd < NR_CKPT_CMDS; cmd++)
		if (!strcmp(buf, ckpt_cmd_names[cmd]))
			break;
	if (cmd == NR_CKPT_CMDS ||
	    ((opts & CKPT_RUN_SKIP_FILE_CHECK) &&
	     cmd != CKPT_CMD_RESTART && cmd != CKPT_CMD_RESTART_FROZEN))
		return -EINVAL;

	/*
	 * The operation can last long and creates tasks in this group.
	 * Like cgroup.procs writes, step out of kernfs active protection so
	 * that removing the group cannot deadlock against us; the css
	 * reference keeps our state alive.
	 */
	css_get(css);
	kernfs_break_active_protection(of->kn);
	ret = ckpt_run(css_ckpt(css), cmd, opts, of->file);
	kernfs_unbreak_active_protection(of->kn);
	css_put(css);
	return ret ?: nbytes;
}

static int ckpt_state_show(struct seq_file *sf, void *v)
{
	struct cgroup_subsys_state *css = seq_css(sf);
	struct ckpt_cgroup *cc = css_ckpt(css);
	unsigned int held = ckpt_hold_release(cgroup_id(css->cgroup), false);
	const char *state;

	mutex_lock(&cc->lock);
	if (cc->op == CKPT_OP_CHECKPOINT)
		state = "checkpointing";
	else if (cc->op == CKPT_OP_RESTART)
		state = "restarting";
	else if (cc->op == CKPT_OP_CHECK)
		state = "checking";
	else if (test_bit(CGRP_FREEZE, &css->cgroup->flags))
		state = "frozen";
	else
		state = "idle";
	seq_printf(sf, "state %s\n", state);
	seq_printf(sf, "last_op %s\n", ckpt_op_names[cc->last_op]);
	seq_printf(sf, "last_result %s\n", cc->last_op == CKPT_OP_NONE ? "none" :
		   cc->last_err ? "failed" : "ok");
	seq_printf(sf, "errno %d\n", -cc->last_err);
	seq_printf(sf, "tasks %u\n", cc->tasks);
	/* While an operation runs: its bytes so far, for progress bars. */
	seq_printf(sf, "bytes %llu\n", cc->op == CKPT_OP_NONE ? cc->bytes :
		   READ_ONCE(cc->progress));
	seq_printf(sf, "duration_us %llu\n", cc->duration_us);
	seq_printf(sf, "frozen_us %llu\n", cc->frozen_us);
	/* connections a "checkpoint kill" holds, until restart or release */
	seq_printf(sf, "held %u\n", held);
	if (cc->blockers && *cc->blockers) {
		const char *p = cc->blockers, *nl;

		/* "check": every blocker, the first being the errno's */
		for (; (nl = strchr(p, '\n')); p = nl + 1)
			seq_printf(sf, "error %.*s\n", (int)(nl - p), p);
	} else if (cc->last_err) {
		seq_printf(sf, "error %s\n", cc->reason);
	}
	mutex_unlock(&cc->lock);
	return 0;
}

static struct cftype ckpt_files[] = {
	{
		.name = "exclude",
		.flags = CFTYPE_NOT_ON_ROOT,
		.seq_show = ckpt_exclude_show,
		.write = ckpt_exclude_write,
	},
	{
		.name = "image_fd",
		.flags = CFTYPE_NOT_ON_ROOT,
		.seq_show = ckpt_image_fd_show,
		.write = ckpt_image_fd_write,
	},
	{
		.name = "key",
		.flags = CFTYPE_NOT_ON_ROOT,
		.seq_show = ckpt_key_read,
		.write = ckpt_key_write,
	},
	{
		.name = "trigger",
		.flags = CFTYPE_NOT_ON_ROOT,
		.write = ckpt_trigger_write,
	},
	{
		.name = "state",
		.flags = CFTYPE_NOT_ON_ROOT,
		.file_offset = offsetof(struct ckpt_cgroup, state_file),
		.seq_show = ckpt_state_show,
	},
	{ }	/* terminate */
};

struct cgroup_subsys ckpt_cgrp_subsys = {
	.css_alloc	= ckpt_css_alloc,
	.css_offline	= ckpt_css_offline,
	.css_free	= ckpt_css_free,
	.can_attach	= ckpt_can_attach,
	.legacy_cftypes	= ckpt_files,
	.dfl_cftypes	= ckpt_files,
};

#if IS_ENABLED(CONFIG_CKPT_KUNIT_TEST)
#include "cgroup-test.h"
#endif
