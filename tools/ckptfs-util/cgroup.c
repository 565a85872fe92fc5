// SPDX-License-Identifier: GPL-2.0-only
/*
 * The commands that drive a cgroup's ckpt.* files: checkpoint, restart,
 * state, exclude.
 *
 * CGROUP on the command line: a path that exists and lies under the
 * cgroup2 mount is used as it is ("/sys/fs/cgroup/app"); any other path,
 * with or without a leading '/', is taken relative to the mount ("app",
 * "/app").  $CKPT_CGROUP_ROOT replaces the mount (a testing aid).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ckpt.h"

struct cgroup {
	char	path[PATH_MAX];		/* full path of the directory */
	char	parent[PATH_MAX];
	const char *arg;		/* as given, for messages */
};

/* Undo the octal escapes of /proc/self/mounts (\040 for a space...). */
static void unescape(char *s)
{
	char *d = s;

	while (*s) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' &&
		    s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*d++ = (s[1] - '0') << 6 | (s[2] - '0') << 3 | (s[3] - '0');
			s += 4;
		} else {
			*d++ = *s++;
		}
	}
	*d = '\0';
}

/* The cgroup2 mount point: $CKPT_CGROUP_ROOT, /proc/self/mounts, or /sys/fs/cgroup. */
static int cg_root(char *root, size_t size)
{
	const char *env = getenv("CKPT_CGROUP_ROOT");
	char line[4096], dev[1024], dir[PATH_MAX], type[64];
	struct stat st;
	FILE *f;

	if (env && *env) {
		snprintf(root, size, "%s", env);
		goto check;
	}
	snprintf(root, size, "/sys/fs/cgroup");
	f = fopen("/proc/self/mounts", "re");
	if (f) {
		while (fgets(line, sizeof(line), f)) {
			if (sscanf(line, "%1023s %4095s %63s", dev, dir, type) == 3 &&
			    !strcmp(type, "cgroup2")) {
				unescape(dir);
				snprintf(root, size, "%s", dir);
				break;
			}
		}
		fclose(f);
	}
check:
	/* Strip trailing slashes, but keep "/". */
	while (strlen(root) > 1 && root[strlen(root) - 1] == '/')
		root[strlen(root) - 1] = '\0';
	if (stat(root, &st) || !S_ISDIR(st.st_mode)) {
		p_err("no cgroup2 file system at %s%s", root,
		      env ? " ($CKPT_CGROUP_ROOT)" : "");
		return EXIT_ENV;
	}
	return EXIT_OK;
}

static bool under(const char *path, const char *root)
{
	size_t n = strlen(root);

	if (!strcmp(root, "/"))
		return true;
	return !strncmp(path, root, n) && (path[n] == '/' || path[n] == '\0');
}

/* Fill @cg from the command line argument @arg; EXIT_* */
static int cg_resolve(struct cgroup *cg, const char *arg)
{
	char root[PATH_MAX];
	const char *rel = arg;
	char *slash;
	int ret;

	ret = cg_root(root, sizeof(root));
	if (ret)
		return ret;
	cg->arg = arg;
	if (!*arg)
		return usage_error(NULL, "empty cgroup name");

	if (arg[0] == '/' && under(arg, root) && !access(arg, F_OK)) {
		ret = snprintf(cg->path, sizeof(cg->path), "%s", arg);
	} else {
		while (*rel == '/')
			rel++;
		ret = snprintf(cg->path, sizeof(cg->path), "%s/%s", root, rel);
	}
	if (ret >= (int)sizeof(cg->path))
		return usage_error(NULL, "cgroup path too long");
	while (strlen(cg->path) > 1 && cg->path[strlen(cg->path) - 1] == '/')
		cg->path[strlen(cg->path) - 1] = '\0';
	if (!strcmp(cg->path, root)) {
		p_err("%s is the root cgroup: ckpt works on non-root cgroups only", arg);
		return EXIT_ENV;
	}

	snprintf(cg->parent, sizeof(cg->parent), "%s", cg->path);
	slash = strrchr(cg->parent, '/');
	if (slash == cg->parent)
		slash[1] = '\0';
	else if (slash)
		*slash = '\0';
	return EXIT_OK;
}

/* Read a small interface file into @buf (NUL terminated); -errno on failure. */
static int cg_read(const char *dir, const char *file, char *buf, size_t size)
{
	char path[PATH_MAX + 64];
	size_t len = 0;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (len < size - 1) {
		n = read(fd, buf + len, size - 1 - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			n = -errno;
			close(fd);
			return n;
		}
		if (!n)
			break;
		len += n;
	}
	buf[len] = '\0';
	close(fd);
	return len;
}

/* Write @val in one write(), as cgroup files want; -errno on failure. */
static int cg_write(const char *dir, const char *file, const char *val)
{
	char path[PATH_MAX + 64];
	size_t len = strlen(val);
	ssize_t n;
	int fd, err = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, val, len);
	if (n < 0)
		err = -errno;
	else if ((size_t)n != len)
		err = -EIO;
	if (close(fd) && !err)
		err = -errno;
	return err;
}

/* The cgroup must exist and have the ckpt files; EXIT_* */
static int cg_check(const struct cgroup *cg)
{
	char path[PATH_MAX + 64];
	struct stat st;

	if (stat(cg->path, &st) || !S_ISDIR(st.st_mode)) {
		p_err("cgroup %s does not exist (%s)", cg->arg, cg->path);
		return EXIT_ENV;
	}
	snprintf(path, sizeof(path), "%s/ckpt.trigger", cg->path);
	if (access(path, F_OK)) {
		p_err("ckpt is not enabled on cgroup %s: no %s", cg->arg, path);
		p_err("hint: echo +ckpt > %s/cgroup.subtree_control", cg->parent);
		return EXIT_ENV;
	}
	return EXIT_OK;
}

struct ckpt_state {
	char		state[32];
	char		last_op[32];
	char		last_result[32];
	long		err;
	uint64_t	tasks;
	uint64_t	bytes;
	uint64_t	duration_us;
	uint64_t	frozen_us;
	bool		has_frozen;	/* a kernel that shows frozen_us */
	char		error[1024];	/* "pid 231 fd 5: ..." without "error " */
};

static int state_read(const struct cgroup *cg, struct ckpt_state *st, char *raw, size_t size)
{
	char *line, *save = NULL;
	int ret;

	memset(st, 0, sizeof(*st));
	ret = cg_read(cg->path, "ckpt.state", raw, size);
	if (ret < 0)
		return ret;
	/* Parse a copy: raw stays printable. */
	char *copy = strdup(raw);

	if (!copy)
		return -ENOMEM;
	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *val = strchr(line, ' ');

		if (!val)
			continue;
		*val++ = '\0';
		if (!strcmp(line, "state"))
			snprintf(st->state, sizeof(st->state), "%s", val);
		else if (!strcmp(line, "last_op"))
			snprintf(st->last_op, sizeof(st->last_op), "%s", val);
		else if (!strcmp(line, "last_result"))
			snprintf(st->last_result, sizeof(st->last_result), "%s", val);
		else if (!strcmp(line, "errno"))
			st->err = strtol(val, NULL, 10);
		else if (!strcmp(line, "tasks"))
			st->tasks = strtoull(val, NULL, 10);
		else if (!strcmp(line, "bytes"))
			st->bytes = strtoull(val, NULL, 10);
		else if (!strcmp(line, "duration_us"))
			st->duration_us = strtoull(val, NULL, 10);
		else if (!strcmp(line, "frozen_us")) {
			st->frozen_us = strtoull(val, NULL, 10);
			st->has_frozen = true;
		}
		else if (!strcmp(line, "error") && !st->error[0])
			/* a "check" shows one line per blocker: the first is the cause */
			snprintf(st->error, sizeof(st->error), "%s", val);
	}
	free(copy);
	return 0;
}

/* What an errno of ckpt.trigger means, when strerror() alone is obscure. */
static const struct {
	int		err;
	const char	*hint;
} trigger_hints[] = {
	{ EBADF,	"no usable image file descriptor" },
	{ EBUSY,	"another checkpoint or restart is running, or a pid the image needs is in use" },
	{ EINVAL,	"bad command or invalid image" },
	{ EBADMSG,	"image checksum mismatch" },
	{ ENODATA,	"image truncated" },
	{ ESTALE,	"a file changed since the checkpoint (see --skip-file-check)" },
	{ EPERM,	"no ptrace access to a task, or restart without CAP_SYS_ADMIN" },
	{ EOPNOTSUPP,	"the group holds something ckpt cannot save" },
	{ ESRCH,	"the cgroup has no tasks" },
	{ ENOTEMPTY,	"restart needs an empty cgroup" },
	{ EDEADLK,	"ckpt itself runs inside the cgroup" },
	{ ETIMEDOUT,	"the cgroup did not freeze" },
	{ EINTR,	"interrupted" },
};

/*
 * The one report of a failed operation: strerror, then the kernel's own
 * reason from ckpt.state.
 */
static void report_failure(const struct cgroup *cg, const char *op, int err)
{
	struct ckpt_state st;
	char raw[4096];
	size_t i;

	p_err("%s of %s failed: %s", op, cg->arg, strerror(err));
	if (!state_read(cg, &st, raw, sizeof(raw)) && st.error[0]) {
		p_err("%s", st.error);
		return;
	}
	for (i = 0; i < sizeof(trigger_hints) / sizeof(trigger_hints[0]); i++)
		if (trigger_hints[i].err == err)
			p_err("%s", trigger_hints[i].hint);
}

static void summary(const struct cgroup *cg, const char *what)
{
	struct ckpt_state st;
	char raw[4096];

	char frozen[64] = "";

	if (quiet || state_read(cg, &st, raw, sizeof(raw)))
		return;
	if (st.has_frozen && !strcmp(st.last_op, "checkpoint"))
		snprintf(frozen, sizeof(frozen), ", frozen %" PRIu64 ".%03" PRIu64 " ms",
			 st.frozen_us / 1000, st.frozen_us % 1000);
	p_info("%s %s: %" PRIu64 " task%s, %" PRIu64 " bytes, %" PRIu64 ".%03" PRIu64 " ms%s",
	       what, cg->arg, st.tasks, st.tasks == 1 ? "" : "s", st.bytes,
	       st.duration_us / 1000, st.duration_us % 1000, frozen);
}

/* Hand @fd to the group; EXIT_* */
static int set_image_fd(const struct cgroup *cg, const char *op, int fd)
{
	char num[16];
	int err;

	snprintf(num, sizeof(num), "%d", fd);
	err = cg_write(cg->path, "ckpt.image_fd", num);
	if (err) {
		report_failure(cg, op, -err);
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

static void release_image_fd(const struct cgroup *cg)
{
	cg_write(cg->path, "ckpt.image_fd", "none");
}

/*
 * Run one operation: hand @fd to the group, write @cmd to ckpt.trigger, and
 * take the file back whatever happened, so that the group does not keep
 * the image open.  EXIT_*, with the kernel's reason printed on failure.
 */
static int run_trigger(const struct cgroup *cg, const char *op,
		       const char *cmd, int fd)
{
	int ret, err;

	ret = set_image_fd(cg, op, fd);
	if (ret)
		return ret;
	err = cg_write(cg->path, "ckpt.trigger", cmd);
	release_image_fd(cg);
	if (err) {
		report_failure(cg, op, -err);
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

/* Save the current exclusion set as a "+a -b" line that restores it. */
static int excl_save(const struct cgroup *cg, char *out, size_t size)
{
	const struct excl_class *e;
	char cur[1024];
	size_t used = 0;
	int ret;

	ret = cg_read(cg->path, "ckpt.exclude", cur, sizeof(cur));
	if (ret < 0)
		return ret;
	out[0] = '\0';
	for (e = excl_classes; e->name; e++) {
		bool on = false;
		char *tok, *save = NULL;

		for (tok = strtok_r(cur, " \n", &save); tok; tok = strtok_r(NULL, " \n", &save))
			if (!strcmp(tok, e->name))
				on = true;
		used += snprintf(out + used, size - used, "%s%c%s",
				 used ? " " : "", on ? '+' : '-', e->name);
		if (used >= size)
			return -ENOSPC;
		/* strtok_r cut cur up: read it again for the next class */
		ret = cg_read(cg->path, "ckpt.exclude", cur, sizeof(cur));
		if (ret < 0)
			return ret;
	}
	return 0;
}

static bool is_tty(int fd)
{
	return isatty(fd);
}

/* After getopt_long: exactly @n positional arguments, or a usage error. */
static int positional(const char *cmd, int argc, char **argv, int n, const char *what)
{
	if (argc - optind < n)
		return usage_error(cmd, "missing %s", what);
	if (argc - optind > n)
		return usage_error(cmd, "unexpected argument '%s'", argv[optind + n]);
	return EXIT_OK;
}

/* Pids of cgroup.procs; returns the count, at most @max. */
static int read_procs(const struct cgroup *cg, pid_t *pids, int max)
{
	char buf[65536], *p, *end;
	int n = 0;

	if (cg_read(cg->path, "cgroup.procs", buf, sizeof(buf)) < 0)
		return 0;
	for (p = buf; *p && n < max; p = end) {
		long v = strtol(p, &end, 10);

		if (end == p)
			break;
		if (v > 0)
			pids[n++] = v;
	}
	return n;
}

/*
 * --progress: a child polls ckpt.state while the parent blocks in its
 * write to ckpt.trigger, and draws the bytes written so far on standard
 * error: a bar redrawn in place on a terminal, otherwise a line whenever
 * the count changed (at most one a second).  The total is an estimate:
 * the resident anonymous and shared memory of the group's processes.
 */
struct progress {
	pid_t	pid;	/* the child drawing it, 0 if none */
	int	fd;	/* closed by the parent when the operation is over */
};

#define PROGRESS_TTY_MS		200
#define PROGRESS_LINE_MS	1000

static uint64_t estimate_bytes(const struct cgroup *cg)
{
	static pid_t pids[4096];
	char path[64], line[256];
	uint64_t total = 0, kb;
	int n, i;
	FILE *f;

	n = read_procs(cg, pids, sizeof(pids) / sizeof(pids[0]));
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "/proc/%d/status", (int)pids[i]);
		f = fopen(path, "re");
		if (!f)
			continue;
		while (fgets(line, sizeof(line), f))
			if (sscanf(line, "RssAnon: %" SCNu64, &kb) == 1 ||
			    sscanf(line, "RssShmem: %" SCNu64, &kb) == 1)
				total += kb * 1024;
		fclose(f);
	}
	return total;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* "123 KiB" below a MiB, "12.3 MiB" above. */
static const char *human(char *buf, size_t size, double bytes)
{
	if (bytes < 1048576)
		snprintf(buf, size, "%.0f KiB", bytes / 1024);
	else
		snprintf(buf, size, "%.1f MiB", bytes / 1048576);
	return buf;
}

static void progress_draw(const char *name, uint64_t bytes, uint64_t total,
			  double secs, bool tty)
{
	char done[32], all[32], rate[32], bar[32];
	int pct, i, fill;

	human(done, sizeof(done), bytes);
	human(rate, sizeof(rate), secs > 0 ? bytes / secs : 0);
	if (!total) {
		fprintf(stderr, "%s%s: checkpoint %s: %s, %s/s%s", tty ? "\r" : "",
			prog, name, done, rate, tty ? "\033[K" : "\n");
		return;
	}
	/* The total is an estimate: never claim to be done before the end. */
	pct = bytes >= total ? 99 : (int)(bytes * 100 / total);
	fill = pct * 20 / 100;
	for (i = 0; i < 20; i++)
		bar[i] = i < fill ? '#' : '.';
	bar[20] = '\0';
	fprintf(stderr, "%s%s: checkpoint %s [%s] %3d%% %s of ~%s, %s/s%s",
		tty ? "\r" : "", prog, name, bar, pct, done,
		human(all, sizeof(all), total), rate, tty ? "\033[K" : "\n");
}

static void __attribute__((noreturn))
progress_child(const struct cgroup *cg, int fd, int image_fd)
{
	bool tty = isatty(STDERR_FILENO), drawn = false;
	int ms = tty ? PROGRESS_TTY_MS : PROGRESS_LINE_MS;
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	uint64_t total = estimate_bytes(cg), last = UINT64_MAX;
	double start = now_s();
	struct ckpt_state st;
	char raw[4096];
	int null;

	/* Hold no end of the image: a reader must see its end with ours. */
	if (image_fd == STDOUT_FILENO) {
		null = open("/dev/null", O_WRONLY);
		if (null >= 0) {
			dup2(null, STDOUT_FILENO);
			close(null);
		}
	} else {
		close(image_fd);
	}
	for (;;) {
		/* Readable: the parent closed its end, the operation is over. */
		if (poll(&pfd, 1, ms) != 0)
			break;
		if (state_read(cg, &st, raw, sizeof(raw)) ||
		    strcmp(st.state, "checkpointing"))
			continue;
		if (!tty && st.bytes == last)
			continue;
		last = st.bytes;
		progress_draw(cg->arg, st.bytes, total, now_s() - start, tty);
		drawn = true;
	}
	if (tty && drawn)
		fputs("\r\033[K", stderr);
	fflush(stderr);
	_exit(0);
}

static void progress_start(struct progress *p, const struct cgroup *cg, int image_fd)
{
	int fds[2];

	p->pid = 0;
	p->fd = -1;
	if (pipe2(fds, O_CLOEXEC)) {
		p_err("--progress: pipe: %s", strerror(errno));
		return;
	}
	fflush(NULL);
	p->pid = fork();
	if (p->pid < 0) {
		p_err("--progress: fork: %s", strerror(errno));
		p->pid = 0;
		close(fds[0]);
		close(fds[1]);
		return;
	}
	if (!p->pid) {
		close(fds[1]);
		progress_child(cg, fds[0], image_fd);
	}
	close(fds[0]);
	p->fd = fds[1];
}

static void progress_stop(struct progress *p)
{
	int status;

	if (!p->pid)
		return;
	close(p->fd);
	while (waitpid(p->pid, &status, 0) < 0 && errno == EINTR)
		;
	p->pid = 0;
}

int do_checkpoint(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output",	required_argument,	NULL, 'o' },
		{ "frozen",	no_argument,		NULL, 'f' },
		{ "kill",	no_argument,		NULL, 'k' },
		{ "no-snapshot", no_argument,		NULL, 'n' },
		{ "exclude",	required_argument,	NULL, 'x' },
		{ "quiet",	no_argument,		NULL, 'q' },
		{ "progress",	no_argument,		NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	const char *out = NULL, *cmd = "checkpoint";
	struct progress prog_bar = { 0, -1 };
	bool progress = false;
	char excl[256], saved[256] = "";
	char *excl_arg = NULL;
	struct cgroup cg;
	int opt, ret, err, fd;

	while ((opt = getopt_long(argc, argv, "o:q", opts, NULL)) != -1) {
		switch (opt) {
		case 'o':
			out = optarg;
			break;
		case 'f':
		case 'k':
		case 'n':
			if (strcmp(cmd, "checkpoint"))
				return usage_error("checkpoint", "--frozen, --kill and --no-snapshot exclude each other");
			cmd = opt == 'f' ? "checkpoint frozen" :
			      opt == 'k' ? "checkpoint kill" : "checkpoint no-snapshot";
			break;
		case 'x':
			excl_arg = optarg;
			break;
		case 'q':
			quiet = true;
			break;
		case 'p':
			progress = true;
			break;
		default:
			return usage_error("checkpoint", "bad option");
		}
	}
	ret = positional("checkpoint", argc, argv, 1, "CGROUP");
	if (ret)
		return ret;
	if (!out)
		return usage_error("checkpoint", "missing -o FILE (\"-o -\" for standard output)");
	if (excl_arg) {
		ret = excl_tokens("checkpoint", excl, sizeof(excl), &excl_arg, 1);
		if (ret)
			return ret;
	}
	if (!strcmp(out, "-") && is_tty(STDOUT_FILENO))
		return usage_error("checkpoint", "refusing to write an image to a terminal");

	ret = cg_resolve(&cg, argv[optind]);
	if (ret)
		return ret;
	ret = cg_check(&cg);
	if (ret)
		return ret;

	/* A reader that goes away must give an error, not kill us. */
	signal(SIGPIPE, SIG_IGN);

	if (!strcmp(out, "-")) {
		fd = STDOUT_FILENO;
	} else {
		fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (fd < 0) {
			p_err("cannot open %s: %s", out, strerror(errno));
			return EXIT_ENV;
		}
	}

	if (excl_arg) {
		err = excl_save(&cg, saved, sizeof(saved));
		if (!err)
			err = cg_write(cg.path, "ckpt.exclude", excl);
		if (err) {
			p_err("cannot set ckpt.exclude of %s to '%s': %s", cg.arg, excl,
			      strerror(-err));
			saved[0] = '\0';
			ret = EXIT_FAIL;
			goto out_close;
		}
	}

	if (progress && !quiet)
		progress_start(&prog_bar, &cg, fd);
	ret = run_trigger(&cg, "checkpoint", cmd, fd);
	progress_stop(&prog_bar);
	if (ret)
		goto out_restore_excl;
	if (fd != STDOUT_FILENO && fsync(fd) && errno != EINVAL) {
		p_err("%s: %s", out, strerror(errno));
		ret = EXIT_FAIL;
		goto out_restore_excl;
	}
	summary(&cg, "checkpointed");

out_restore_excl:
	if (saved[0])
		cg_write(cg.path, "ckpt.exclude", saved);
out_close:
	if (fd != STDOUT_FILENO) {
		if (close(fd) && !ret) {
			p_err("%s: %s", out, strerror(errno));
			ret = EXIT_FAIL;
		}
		if (ret)
			unlink(out);
	}
	return ret;
}

/* Enable +ckpt in @dir's cgroup.subtree_control unless it is there. */
static int enable_ckpt(const char *dir)
{
	char buf[4096], *tok, *save = NULL;
	int ret;

	ret = cg_read(dir, "cgroup.subtree_control", buf, sizeof(buf));
	if (ret >= 0)
		for (tok = strtok_r(buf, " \n", &save); tok; tok = strtok_r(NULL, " \n", &save))
			if (!strcmp(tok, "ckpt"))
				return 0;
	return cg_write(dir, "cgroup.subtree_control", "+ckpt");
}

static int wait_restored(const pid_t *pids, int n)
{
	int status, first_status = -1;
	bool any = false;
	pid_t pid;

	for (;;) {
		pid = waitpid(-1, &status, 0);
		if (pid < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		any = true;
		/* the first pid of cgroup.procs; any child if none was listed */
		if (first_status < 0 && (!n || pid == pids[0]))
			first_status = status;
	}
	if (!any) {
		p_err("no restored process is a child of ckpt: cannot wait");
		return EXIT_FAIL;
	}
	if (first_status < 0) {
		p_err("pid %d is not a child of ckpt: cannot wait for it", n ? (int)pids[0] : 0);
		return EXIT_FAIL;
	}
	if (WIFEXITED(first_status))
		return WEXITSTATUS(first_status);
	if (WIFSIGNALED(first_status))
		return 128 + WTERMSIG(first_status);
	return EXIT_FAIL;
}

/*
 * The init of the new pid namespace: it restarts the image (the restored
 * tasks get the pids of the image in this namespace, and become its
 * children), tells the parent how that went through @report, then reaps
 * every process of the namespace until none is left, as an init must; the
 * namespace ends with it.  Exits with the status of the first restored
 * process, as --wait reports it.
 */
static void __attribute__((noreturn))
pidns_init(const struct cgroup *cg, const char *cmd, int fd, int report)
{
	int ret, status, first = -1, null;
	pid_t pid;

	ret = run_trigger(cg, "restart", cmd, fd);
	if (write(report, &ret, sizeof(ret)) != sizeof(ret) || ret)
		_exit(ret ? ret : EXIT_FAIL);
	close(report);
	close(fd);
	/* Nobody may wait for our output: keep no fd of the caller. */
	null = open("/dev/null", O_RDWR);
	if (null >= 0) {
		dup2(null, STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
		dup2(null, STDERR_FILENO);
		if (null > STDERR_FILENO)
			close(null);
	}
	close_range(STDERR_FILENO + 1, ~0U, 0);
	prctl(PR_SET_NAME, "ckpt-init");
	for (;;) {
		pid = waitpid(-1, &status, 0);
		if (pid < 0 && errno == EINTR)
			continue;
		if (pid < 0)
			break;
		if (first < 0)
			first = status;
	}
	if (first >= 0 && WIFEXITED(first))
		_exit(WEXITSTATUS(first));
	if (first >= 0 && WIFSIGNALED(first))
		_exit(128 + WTERMSIG(first));
	_exit(EXIT_FAIL);
}

/* Write @val to /proc/self/@file. */
static int write_self(const char *file, const char *val)
{
	char path[64];
	int fd, ok;

	snprintf(path, sizeof(path), "/proc/self/%s", file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ok = write(fd, val, strlen(val)) == (ssize_t)strlen(val);
	close(fd);
	return ok ? 0 : -1;
}

/*
 * A user namespace of our own, mapping only our uid and gid to themselves:
 * what an unprivileged user may make, and in which its pid namespace lets
 * it choose pids.  The tasks it restores keep their uids, as seen outside.
 */
static int new_userns(void)
{
	char map[64];
	uid_t uid = geteuid();
	gid_t gid = getegid();

	if (unshare(CLONE_NEWUSER)) {
		p_err("cannot create a user namespace: %s", strerror(errno));
		return EXIT_ENV;
	}
	snprintf(map, sizeof(map), "%u %u 1\n", (unsigned int)uid, (unsigned int)uid);
	if (write_self("uid_map", map)) {
		p_err("cannot map uid %u in the new user namespace: %s", (unsigned int)uid,
		      strerror(errno));
		return EXIT_ENV;
	}
	/* An unprivileged gid_map needs setgroups(2) denied first. */
	if (write_self("setgroups", "deny") && errno != ENOENT) {
		p_err("cannot deny setgroups in the new user namespace: %s", strerror(errno));
		return EXIT_ENV;
	}
	snprintf(map, sizeof(map), "%u %u 1\n", (unsigned int)gid, (unsigned int)gid);
	if (write_self("gid_map", map)) {
		p_err("cannot map gid %u in the new user namespace: %s", (unsigned int)gid,
		      strerror(errno));
		return EXIT_ENV;
	}
	return 0;
}

/* Restart from the init of a new pid namespace; returns as run_trigger(). */
static int restart_in_pidns(const struct cgroup *cg, const char *cmd, int fd,
			    pid_t *init, bool userns)
{
	int report[2], ret = EXIT_FAIL, status;
	pid_t pid;

	if (userns) {
		ret = new_userns();
		if (ret)
			return ret;
		ret = EXIT_FAIL;
	}
	if (unshare(CLONE_NEWPID)) {
		p_err("cannot create a pid namespace: %s", strerror(errno));
		return EXIT_ENV;
	}
	if (pipe2(report, O_CLOEXEC)) {
		p_err("pipe: %s", strerror(errno));
		return EXIT_ENV;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		p_err("cannot start the namespace's init: %s", strerror(errno));
		return EXIT_ENV;
	}
	if (!pid) {
		close(report[0]);
		pidns_init(cg, cmd, fd, report[1]);
	}
	close(report[1]);
	if (read(report[0], &ret, sizeof(ret)) != sizeof(ret)) {
		waitpid(pid, &status, 0);
		p_err("the namespace's init died before restarting");
		ret = EXIT_FAIL;
	}
	close(report[0]);
	if (ret)
		waitpid(pid, &status, 0);
	*init = pid;
	return ret;
}

int do_restart(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "input",	required_argument,	NULL, 'i' },
		{ "frozen",	no_argument,		NULL, 'f' },
		{ "wait",	no_argument,		NULL, 'w' },
		{ "new-pidns",	no_argument,		NULL, 'N' },
		{ "new-userns",	no_argument,		NULL, 'U' },
		{ "skip-file-check", no_argument,	NULL, 'S' },
		{ "quiet",	no_argument,		NULL, 'q' },
		{ NULL, 0, NULL, 0 },
	};
	const char *in = NULL;
	char cmd[64];
	bool wait = false, created = false, restored = false, pidns = false;
	bool frozen = false, skip = false, userns = false;
	pid_t init = 0;
	pid_t pids[1024];
	struct cgroup cg;
	int opt, ret, err, fd, n, i;
	struct stat st;

	while ((opt = getopt_long(argc, argv, "i:q", opts, NULL)) != -1) {
		switch (opt) {
		case 'i':
			in = optarg;
			break;
		case 'f':
			frozen = true;
			break;
		case 'w':
			wait = true;
			break;
		case 'N':
			pidns = true;
			break;
		case 'U':
			pidns = true;
			userns = true;
			break;
		case 'S':
			skip = true;
			break;
		case 'q':
			quiet = true;
			break;
		default:
			return usage_error("restart", "bad option");
		}
	}
	ret = positional("restart", argc, argv, 1, "CGROUP");
	if (ret)
		return ret;
	snprintf(cmd, sizeof(cmd), "restart%s%s", frozen ? " frozen" : "",
		 skip ? " skip-file-check" : "");
	if (!in)
		return usage_error("restart", "missing -i FILE (\"-i -\" for standard input)");
	if (!strcmp(in, "-") && is_tty(STDIN_FILENO))
		return usage_error("restart", "refusing to read an image from a terminal");

	ret = cg_resolve(&cg, argv[optind]);
	if (ret)
		return ret;

	if (stat(cg.path, &st)) {
		if (stat(cg.parent, &st) || !S_ISDIR(st.st_mode)) {
			p_err("cannot create cgroup %s: parent %s does not exist", cg.arg, cg.parent);
			return EXIT_ENV;
		}
		err = enable_ckpt(cg.parent);
		if (err) {
			p_err("cannot enable ckpt in %s/cgroup.subtree_control: %s",
			      cg.parent, strerror(-err));
			return EXIT_ENV;
		}
		if (mkdir(cg.path, 0755)) {
			p_err("cannot create cgroup %s: %s", cg.path, strerror(errno));
			return EXIT_ENV;
		}
		created = true;
	}
	ret = cg_check(&cg);
	if (ret)
		goto out_rmdir;

	if (!strcmp(in, "-")) {
		fd = STDIN_FILENO;
	} else {
		fd = open(in, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			p_err("cannot open %s: %s", in, strerror(errno));
			ret = EXIT_ENV;
			goto out_rmdir;
		}
	}

	if (pidns)
		ret = restart_in_pidns(&cg, cmd, fd, &init, userns);
	else
		ret = run_trigger(&cg, "restart", cmd, fd);
	if (ret)
		goto out_close;
	restored = true;
	summary(&cg, "restarted");

	n = read_procs(&cg, pids, sizeof(pids) / sizeof(pids[0]));
	for (i = 0; i < n; i++)
		printf("%d\n", (int)pids[i]);
	fflush(stdout);
	if (wait && init)
		ret = wait_restored(&init, 1);
	else if (wait)
		ret = wait_restored(pids, n);

out_close:
	if (fd != STDIN_FILENO)
		close(fd);
out_rmdir:
	/* a group we made for a restart that did not happen */
	if (created && !restored)
		rmdir(cg.path);
	return ret;
}

/* Print the "error" lines of ckpt.state, one blocker each; their count. */
static int print_blockers(const char *raw)
{
	const char *p, *nl;
	int n = 0;

	if (json_output) {
		jsonw_start_object(json_wtr);
		jsonw_name(json_wtr, "blockers");
		jsonw_start_array(json_wtr);
	}
	for (p = raw; *p; p = nl + 1) {
		nl = strchrnul(p, '\n');
		if (!strncmp(p, "error ", 6)) {
			if (json_output)
				jsonw_string_len(json_wtr, p + 6, nl - p - 6);
			else
				printf("%.*s\n", (int)(nl - p - 6), p + 6);
			n++;
		}
		if (!*nl)
			break;
	}
	if (json_output) {
		jsonw_end_array(json_wtr);
		jsonw_end_object(json_wtr);
		jsonw_destroy(&json_wtr);
	}
	return n;
}

int do_check(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "quiet",	no_argument,	NULL, 'q' },
		{ "json",	no_argument,	NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	struct ckpt_state st;
	struct cgroup cg;
	static char raw[16384];
	int opt, ret, err, n;

	while ((opt = getopt_long(argc, argv, "qj", opts, NULL)) != -1) {
		if (opt == 'q')
			quiet = true;
		else if (opt == 'j')
			json_output = true;
		else
			return usage_error("check", "bad option");
	}
	ret = positional("check", argc, argv, 1, "CGROUP");
	if (ret)
		return ret;
	ret = cg_resolve(&cg, argv[optind]);
	if (ret)
		return ret;
	ret = cg_check(&cg);
	if (ret)
		return ret;
	err = cg_write(cg.path, "ckpt.trigger", "check");
	if (state_read(&cg, &st, raw, sizeof(raw)) || strcmp(st.last_op, "check")) {
		if (err) {
			report_failure(&cg, "check", -err);
			return EXIT_FAIL;
		}
		p_err("cannot read the result in %s/ckpt.state", cg.path);
		return EXIT_ENV;
	}
	if (!err) {
		if (json_output)
			print_blockers("");
		p_info("check %s: %" PRIu64 " task%s, nothing blocks a checkpoint",
		       cg.arg, st.tasks, st.tasks == 1 ? "" : "s");
		return EXIT_OK;
	}
	/* Refusals: every one on standard output; anything else: the cause. */
	if (-err != EOPNOTSUPP && -err != EPERM && -err != EACCES) {
		report_failure(&cg, "check", -err);
		return EXIT_FAIL;
	}
	n = print_blockers(raw);
	p_info("check %s: %d blocker%s (%s): a checkpoint would fail", cg.arg, n,
	       n == 1 ? "" : "s", strerror(-err));
	return EXIT_FAIL;
}

int do_state(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json",	no_argument,	NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	struct ckpt_state st;
	struct cgroup cg;
	char raw[4096];
	int opt, ret;

	while ((opt = getopt_long(argc, argv, "j", opts, NULL)) != -1) {
		if (opt != 'j')
			return usage_error("state", "bad option");
		json_output = true;
	}
	ret = positional("state", argc, argv, 1, "CGROUP");
	if (ret)
		return ret;
	ret = cg_resolve(&cg, argv[optind]);
	if (ret)
		return ret;
	ret = cg_check(&cg);
	if (ret)
		return ret;
	ret = state_read(&cg, &st, raw, sizeof(raw));
	if (ret) {
		p_err("cannot read %s/ckpt.state: %s", cg.path, strerror(-ret));
		return EXIT_ENV;
	}
	if (!json_output) {
		fputs(raw, stdout);
		return EXIT_OK;
	}
	jsonw_start_object(json_wtr);
	jsonw_string_field(json_wtr, "cgroup", cg.path);
	jsonw_string_field(json_wtr, "state", st.state);
	jsonw_string_field(json_wtr, "last_op", st.last_op);
	jsonw_string_field(json_wtr, "last_result", st.last_result);
	jsonw_uint_field(json_wtr, "errno", st.err);
	jsonw_string_field(json_wtr, "strerror", st.err ? strerror(st.err) : "");
	jsonw_uint_field(json_wtr, "tasks", st.tasks);
	jsonw_uint_field(json_wtr, "bytes", st.bytes);
	jsonw_uint_field(json_wtr, "duration_us", st.duration_us);
	if (st.has_frozen)
		jsonw_uint_field(json_wtr, "frozen_us", st.frozen_us);
	jsonw_name(json_wtr, "error");
	if (st.error[0])
		jsonw_string(json_wtr, st.error);
	else
		jsonw_null(json_wtr);
	jsonw_end_object(json_wtr);
	jsonw_destroy(&json_wtr);
	return EXIT_OK;
}

/* Not getopt: "-anon" is a token here, not an option. */
int do_exclude(int argc, char **argv)
{
	struct cgroup cg;
	char buf[1024];
	int ret, err;

	if (argc < 2)
		return usage_error("exclude", "missing CGROUP");
	ret = cg_resolve(&cg, argv[1]);
	if (ret)
		return ret;
	if (argc > 2) {
		ret = excl_tokens("exclude", buf, sizeof(buf), argv + 2, argc - 2);
		if (ret)
			return ret;
	}
	ret = cg_check(&cg);
	if (ret)
		return ret;

	if (argc == 2) {
		err = cg_read(cg.path, "ckpt.exclude", buf, sizeof(buf));
		if (err < 0) {
			p_err("cannot read %s/ckpt.exclude: %s", cg.path, strerror(-err));
			return EXIT_ENV;
		}
		buf[strcspn(buf, "\n")] = '\0';
		printf("%s\n", buf);
		return EXIT_OK;
	}
	err = cg_write(cg.path, "ckpt.exclude", buf);
	if (err) {
		p_err("cannot set ckpt.exclude of %s to '%s': %s", cg.arg, buf, strerror(-err));
		return EXIT_FAIL;
	}
	return EXIT_OK;
}
