// SPDX-License-Identifier: GPL-2.0
/*
 * locks -d DIR [-L]
 *
 * File locks held by a parent and the child it forks, on files in DIR:
 *	flk	fd 10, opened before the fork (one open file for both): an
 *		exclusive flock()
 *	shf	fd 11, opened by each after the fork: a shared flock() each
 *	px	fd 12, O_RDWR, opened by each after the fork: POSIX locks, the
 *		parent's write lock on bytes 0-99 and read lock on 200-299, the
 *		child's write lock from byte 1000 to the end of the file
 *	ofd	fd 13, O_RDWR, the parent's: OFD write lock on bytes 10-19, OFD
 *		read lock on 50-59
 * With -L the parent also takes a read lease on DIR/lease (fd 14).
 * DIR/info gets "child PID".
 *
 * On SIGUSR1 the parent forks a checker that tries each lock as another
 * owner would (F_GETLK, F_OFD_GETLK, flock(LOCK_NB)) and checks who holds
 * what; "OK locks" or FAIL lines go to DIR/result.
 */
#include "wl.h"
#include <sys/file.h>
#include <sys/wait.h>

static char dir[2048];
static pid_t child;

static int open_in(const char *name, int flags, int fd)
{
	char path[4096];
	int f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = open(path, flags | O_CREAT, 0644);
	if (f < 0 || dup2(f, fd) != fd)
		wl_die("%s: %m", path);
	close(f);
	return fd;
}

static void lk(int fd, int cmd, short type, off_t start, off_t len)
{
	struct flock fl = { .l_type = type, .l_whence = SEEK_SET,
			    .l_start = start, .l_len = len };

	if (fcntl(fd, cmd, &fl))
		wl_die("fcntl lock fd %d: %m", fd);
}

/* As another owner: what F_GETLK (or F_OFD_GETLK) reports in the way. */
static void getlk(const char *name, int cmd, short type, off_t start,
		  off_t len, short want_type, pid_t want_pid, off_t want_start,
		  off_t want_len)
{
	struct flock fl = { .l_type = type, .l_whence = SEEK_SET,
			    .l_start = start, .l_len = len };
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_RDWR);
	if (fd < 0 || fcntl(fd, cmd, &fl)) {
		wl_fail("F_GETLK %s: %m", name);
	} else if (fl.l_type != want_type || fl.l_pid != want_pid ||
		   (want_type != F_UNLCK &&
		    (fl.l_start != want_start || fl.l_len != want_len))) {
		wl_fail("%s %lld+%lld: lock type %d pid %d %lld+%lld, want type %d pid %d %lld+%lld",
			name, (long long)start, (long long)len, fl.l_type,
			fl.l_pid, (long long)fl.l_start, (long long)fl.l_len,
			want_type, want_pid, (long long)want_start,
			(long long)want_len);
	}
	close(fd);
}

/* As another open file: can flock(@op | LOCK_NB) take it? */
static void tryflock(const char *name, int op, int want_ok)
{
	char path[4096];
	int fd, ret;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_RDONLY);
	ret = fd < 0 ? -1 : flock(fd, op | LOCK_NB);
	if (want_ok ? ret != 0 : (ret == 0 || errno != EWOULDBLOCK))
		wl_fail("flock %s %s: %s, want %s", name,
			op == LOCK_EX ? "LOCK_EX" : "LOCK_SH",
			ret ? strerror(errno) : "taken", want_ok ? "taken" : "EWOULDBLOCK");
	close(fd);
}

static void check(void)
{
	pid_t me = getppid();

	tryflock("flk", LOCK_SH, 0);
	tryflock("shf", LOCK_SH, 1);
	tryflock("shf", LOCK_EX, 0);
	getlk("px", F_GETLK, F_RDLCK, 0, 10, F_WRLCK, me, 0, 100);
	getlk("px", F_GETLK, F_RDLCK, 100, 100, F_UNLCK, 0, 0, 0);
	getlk("px", F_GETLK, F_WRLCK, 250, 1, F_RDLCK, me, 200, 100);
	getlk("px", F_GETLK, F_RDLCK, 5000, 1, F_WRLCK, child, 1000, 0);
	getlk("ofd", F_OFD_GETLK, F_RDLCK, 0, 100, F_WRLCK, -1, 10, 10);
	getlk("ofd", F_OFD_GETLK, F_WRLCK, 40, 100, F_RDLCK, -1, 50, 10);
	getlk("ofd", F_OFD_GETLK, F_RDLCK, 40, 100, F_UNLCK, 0, 0, 0);
}

static void verify(void)
{
	int status;
	pid_t p;

	p = fork();
	if (p < 0)
		wl_die("fork: %m");
	if (!p) {
		wl_failures = 0;
		check();
		_exit(wl_failures ? 1 : 0);
	}
	if (waitpid(p, &status, 0) != p || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		wl_failures++;
}

static int lease;

static int opt(int c, char *arg)
{
	(void)arg;
	if (c != 'L')
		return 1;
	lease = 1;
	return 0;
}

int main(int argc, char **argv)
{
	sigset_t set;
	int sig;

	wl_init(argc, argv, "L", opt);
	if (!wl_dir || !realpath(wl_dir, dir))
		wl_die("needs -d DIR");
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);

	open_in("flk", O_RDONLY, 10);
	if (flock(10, LOCK_EX))
		wl_die("flock: %m");
	child = fork();
	if (child < 0)
		wl_die("fork: %m");
	if (!child) {
		open_in("shf", O_RDONLY, 11);
		open_in("px", O_RDWR, 12);
		if (flock(11, LOCK_SH))
			wl_die("flock: %m");
		lk(12, F_SETLK, F_WRLCK, 1000, 0);
		for (;;)
			pause();
	}
	/*
	 * The child's lock is in place once F_GETLK sees it; before ours: a
	 * close() of a file drops the POSIX locks of the process on it.
	 */
	for (int i = 0; i < 500; i++) {
		struct flock fl = { .l_type = F_RDLCK, .l_whence = SEEK_SET,
				    .l_start = 5000, .l_len = 1 };
		char path[4096];
		int fd;

		snprintf(path, sizeof(path), "%s/px", dir);
		fd = open(path, O_RDONLY);
		if (fd >= 0 && !fcntl(fd, F_GETLK, &fl) && fl.l_type == F_WRLCK &&
		    fl.l_pid == child) {
			close(fd);
			break;
		}
		close(fd);
		wl_msleep(10);
	}
	open_in("shf", O_RDONLY, 11);
	open_in("px", O_RDWR, 12);
	open_in("ofd", O_RDWR, 13);
	if (flock(11, LOCK_SH))
		wl_die("flock: %m");
	lk(12, F_SETLK, F_WRLCK, 0, 100);
	lk(12, F_SETLK, F_RDLCK, 200, 100);
	lk(13, F_OFD_SETLK, F_WRLCK, 10, 10);
	lk(13, F_OFD_SETLK, F_RDLCK, 50, 10);
	if (lease) {
		open_in("lease", O_RDONLY, 14);
		if (fcntl(14, F_SETLEASE, F_RDLCK))
			wl_die("F_SETLEASE: %m");
	}
	wl_put("info", 0, "child %d\n", child);
	wl_ready();
	for (;;) {
		if (sigwait(&set, &sig))
			continue;
		wl_failures = 0;
		verify();
		if (!wl_failures)
			wl_put("result", 1, "OK locks\n");
		else
			wl_put("result", 1, "FAIL locks: the checker found differences\n");
	}
}
