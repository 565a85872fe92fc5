// SPDX-License-Identifier: GPL-2.0
/*
 * inotifys -d DIR [-q]
 *
 * Inotify watches on DIR/w (a directory with a file "a", a directory
 * "sub" and a symlink "link" to a), checked after SIGUSR1, which writes
 * "OK inotifys" or FAIL lines to DIR/result:
 *	fd 10  IN_NONBLOCK: wd 1 on w (IN_CREATE|IN_DELETE|IN_OPEN), wd 2 on
 *	       w/a (IN_MODIFY|IN_ONESHOT), wd 3 on w/sub removed again, wd 4
 *	       on the symlink itself (IN_ATTRIB|IN_EXCL_UNLINK, IN_DONT_FOLLOW)
 *	fd 11  IN_CLOEXEC, no watch
 *	fd 12  w/a open for reading (opened before the watches)
 * The fdinfo lines of the watches, F_GETFL and FD_CLOEXEC are compared
 * with those at setup; nothing is readable (a restart reopening w/a must
 * not leave an IN_OPEN behind).  Then creating w/new, writing w/a and
 * touching the symlink must give IN_CREATE "new" on wd 1, IN_MODIFY and
 * IN_IGNORED on wd 2, IN_ATTRIB on wd 4, and a new watch gets wd 5.
 * With -q an event stays queued (refused at checkpoint).
 */
#include "wl.h"
#include <limits.h>
#include <poll.h>
#include <sys/inotify.h>
#include <sys/stat.h>

static const int fds[] = { 10, 11 };
#define NFDS	(int)(sizeof(fds) / sizeof(fds[0]))

struct fdstate {
	short	revents;
	int	fl, fdfl;
	char	info[1024];
};

static int queued;
static char w[4096];

static int opt(int c, char *arg)
{
	(void)arg;
	if (c != 'q')
		return 1;
	queued = 1;
	return 0;
}

static void state(struct fdstate *s)
{
	char path[64], line[512];
	size_t used;
	FILE *f;
	int i;

	for (i = 0; i < NFDS; i++) {
		struct pollfd p = { fds[i], POLLIN, 0 };

		poll(&p, 1, 0);
		s[i].revents = p.revents;
		s[i].fl = fcntl(fds[i], F_GETFL);
		s[i].fdfl = fcntl(fds[i], F_GETFD);
		s[i].info[0] = '\0';
		snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fds[i]);
		f = fopen(path, "re");
		if (!f)
			wl_die("%s: %m", path);
		used = 0;
		while (fgets(line, sizeof(line), f))
			if (!strncmp(line, "inotify ", 8) && used < sizeof(s[i].info))
				used += snprintf(s[i].info + used, sizeof(s[i].info) - used,
						 "%s", line);
		fclose(f);
	}
}

static int watch(const char *name, unsigned int mask)
{
	char path[8192];
	int wd;

	snprintf(path, sizeof(path), "%s%s", w, name);
	wd = inotify_add_watch(10, path, mask);
	if (wd < 0)
		wl_die("inotify_add_watch %s: %m", path);
	return wd;
}

/* The next event of fd 10, as "wd mask name"; "" if none. */
static const char *next_event(char *out, size_t size)
{
	static char buf[4096] __attribute__((aligned(8)));
	static ssize_t len, off;
	struct inotify_event *e;

	if (off >= len) {
		struct pollfd p = { 10, POLLIN, 0 };

		off = len = 0;
		if (poll(&p, 1, 2000) != 1)
			return "";
		len = read(10, buf, sizeof(buf));
		if (len <= 0)
			return "";
	}
	e = (struct inotify_event *)(buf + off);
	off += sizeof(*e) + e->len;
	snprintf(out, size, "%d %#x %s", e->wd, e->mask, e->len ? e->name : "-");
	return out;
}

static void expect(const char *want)
{
	char got[512];

	next_event(got, sizeof(got));
	if (strcmp(got, want))
		wl_fail("fd 10: event [%s], want [%s]", got, want);
}

int main(int argc, char **argv)
{
	struct fdstate before[NFDS], after[NFDS];
	char path[8192], buf[4096];
	int i, fd;

	wl_init(argc, argv, "q", opt);
	if (!wl_dir)
		wl_die("-d DIR is needed");
	snprintf(w, sizeof(w), "%s/w/", wl_dir);
	if (mkdir(w, 0755))
		wl_die("mkdir %s: %m", w);
	snprintf(path, sizeof(path), "%sa", w);
	fd = open(path, O_WRONLY | O_CREAT, 0644);
	if (fd < 0)
		wl_die("%s: %m", path);
	close(fd);
	fd = open(path, O_RDONLY);
	if (fd < 0 || dup2(fd, 12) != 12)
		wl_die("%s: %m", path);
	close(fd);
	snprintf(path, sizeof(path), "%ssub", w);
	if (mkdir(path, 0755))
		wl_die("mkdir %s: %m", path);
	snprintf(path, sizeof(path), "%slink", w);
	if (symlink("a", path))
		wl_die("symlink %s: %m", path);

	fd = inotify_init1(IN_NONBLOCK);
	if (fd < 0 || dup2(fd, 10) != 10)
		wl_die("inotify_init1: %m");
	close(fd);
	fd = inotify_init1(IN_CLOEXEC);
	if (fd < 0 || dup3(fd, 11, O_CLOEXEC) != 11)
		wl_die("inotify_init1: %m");
	close(fd);
	if (watch("", IN_CREATE | IN_DELETE | IN_OPEN) != 1 ||
	    watch("a", IN_MODIFY | IN_ONESHOT) != 2 ||
	    watch("sub", IN_ALL_EVENTS) != 3)
		wl_die("unexpected watch descriptors");
	if (inotify_rm_watch(10, 3))
		wl_die("inotify_rm_watch: %m");
	if (watch("link", IN_ATTRIB | IN_EXCL_UNLINK | IN_DONT_FOLLOW) != 4)
		wl_die("unexpected watch descriptor");
	/* drop IN_IGNORED of wd 3 */
	while (read(10, buf, sizeof(buf)) > 0)
		;
	if (queued) {
		snprintf(path, sizeof(path), "%squeued", w);
		fd = open(path, O_WRONLY | O_CREAT, 0644);
		if (fd < 0)
			wl_die("%s: %m", path);
		close(fd);
	}
	state(before);
	wl_catch_usr1();
	wl_ready();
	wl_wait_usr1();

	state(after);
	for (i = 0; i < NFDS; i++)
		if (after[i].revents != before[i].revents || after[i].fl != before[i].fl ||
		    after[i].fdfl != before[i].fdfl || strcmp(after[i].info, before[i].info))
			wl_fail("fd %d: revents %#x flags %#o/%d [%s], was %#x %#o/%d [%s]",
				fds[i], after[i].revents, after[i].fl, after[i].fdfl,
				after[i].info, before[i].revents, before[i].fl,
				before[i].fdfl, before[i].info);
	if (after[0].revents)
		wl_fail("fd 10 is readable: %s", next_event(buf, sizeof(buf)));
	snprintf(path, sizeof(path), "%snew", w);
	fd = open(path, O_WRONLY | O_CREAT, 0644);
	if (fd < 0)
		wl_die("%s: %m", path);
	close(fd);
	expect("1 0x100 new");
	expect("1 0x20 new");
	snprintf(path, sizeof(path), "%sa", w);
	fd = open(path, O_WRONLY | O_APPEND);
	if (fd < 0 || write(fd, "x", 1) != 1)
		wl_die("%s: %m", path);
	close(fd);
	expect("1 0x20 a");
	expect("2 0x2 -");
	expect("2 0x8000 -");
	snprintf(path, sizeof(path), "%slink", w);
	if (utimensat(AT_FDCWD, path, NULL, AT_SYMLINK_NOFOLLOW))
		wl_die("utimensat %s: %m", path);
	expect("4 0x4 -");
	if (watch("sub", IN_DELETE_SELF) != 5)
		wl_fail("a new watch does not get wd 5");
	if (!wl_failures)
		wl_put("result", 1, "OK inotifys\n");
	for (;;)
		pause();
}
