// SPDX-License-Identifier: GPL-2.0
/*
 * files -d DIR
 *
 * Sets up per-process state other than memory, reports ready, waits in
 * pause() for SIGUSR1 and verifies it all, writing "OK files" or one
 * "FAIL ..." line per difference to DIR/result:
 *	fds	regular files in DIR opened O_RDONLY, O_WRONLY|O_APPEND, O_RDWR
 *		and O_RDONLY|O_CLOEXEC at known offsets, a dup of one at fd
 *		100 (sharing its offset), /dev/null, /dev/zero, /dev/urandom
 *	fs	cwd DIR/sub, umask 027
 *	signals	handlers with SA_SIGINFO|SA_RESTART, SA_NODEFER and a mask,
 *		SIGINT ignored; SIGUSR2 and SIGWINCH blocked
 */
#include "wl.h"
#include <sys/stat.h>

struct fdspec {
	int fd;
	const char *name;	/* in DIR, or an absolute path */
	int flags;
	off_t pos;
	int cloexec;
};

static struct fdspec fds[] = {
	{ 10, "ro", O_RDONLY, 100, 0 },
	{ 11, "wa", O_WRONLY | O_APPEND, 0, 0 },
	{ 12, "rw", O_RDWR, 1234, 0 },
	{ 13, "cx", O_RDONLY | O_CLOEXEC, 7, 1 },
	{ 20, "/dev/null", O_WRONLY, 0, 0 },
	{ 21, "/dev/zero", O_RDONLY, 0, 0 },
	{ 22, "/dev/urandom", O_RDONLY, 0, 0 },
	{ 50, "rw2", O_RDWR | O_NONBLOCK, 4095, 0 },
};
#define NFDS (sizeof(fds) / sizeof(fds[0]))

static volatile sig_atomic_t got_usr1, got_usr2;
static char dir[2048];

static void on_usr1(int sig, siginfo_t *si, void *uc)
{
	(void)sig, (void)uc;
	if (si->si_code == SI_USER)
		got_usr1 = 1;
}

static void on_usr2(int sig)
{
	(void)sig;
	got_usr2 = 1;
}

static const int sigs[] = { SIGUSR1, SIGUSR2, SIGINT, SIGHUP, SIGALRM };
static struct sigaction saved[sizeof(sigs) / sizeof(sigs[0])];
static sigset_t saved_mask;

static void path_of(const struct fdspec *f, char *buf, size_t len)
{
	if (f->name[0] == '/')
		snprintf(buf, len, "%s", f->name);
	else
		snprintf(buf, len, "%s/%s", dir, f->name);
}

static void setup(void)
{
	struct sigaction sa;
	char path[4096], data[8192];
	sigset_t set;
	size_t i;
	int fd;

	for (i = 0; i < sizeof(data); i++)
		data[i] = 'a' + i % 26;
	for (i = 0; i < NFDS; i++) {
		path_of(&fds[i], path, sizeof(path));
		if (fds[i].name[0] != '/') {
			fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
			if (fd < 0 || write(fd, data, sizeof(data)) != sizeof(data))
				wl_die("%s: %m", path);
			close(fd);
		}
		fd = open(path, fds[i].flags);
		if (fd < 0)
			wl_die("%s: %m", path);
		if (dup3(fd, fds[i].fd, fds[i].flags & O_CLOEXEC) < 0)
			wl_die("dup3: %m");
		close(fd);
		if (lseek(fds[i].fd, fds[i].pos, SEEK_SET) != fds[i].pos &&
		    fds[i].name[0] != '/')
			wl_die("lseek: %m");
	}
	/* fd 100 shares the open file description of fd 12 */
	if (dup2(12, 100) != 100)
		wl_die("dup2: %m");

	snprintf(path, sizeof(path), "%s/sub", dir);
	mkdir(path, 0755);
	if (chdir(path))
		wl_die("chdir: %m");
	umask(027);

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_usr1;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGALRM);
	sigaction(SIGUSR1, &sa, NULL);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr2;
	sa.sa_flags = SA_NODEFER | SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGINT);
	sigaddset(&sa.sa_mask, SIGTERM);
	sigaction(SIGUSR2, &sa, NULL);
	signal(SIGINT, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	sigaddset(&set, SIGWINCH);
	sigaddset(&set, SIGRTMIN + 3);
	sigprocmask(SIG_BLOCK, &set, NULL);

	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], NULL, &saved[i]);
	sigprocmask(SIG_BLOCK, NULL, &saved_mask);
}

static void verify(void)
{
	char path[4096], link[4096], proc[64], buf[16];
	struct sigaction sa;
	sigset_t mask;
	size_t i;
	ssize_t n;
	off_t pos;
	mode_t um;
	int fl;

	for (i = 0; i < NFDS; i++) {
		const struct fdspec *f = &fds[i];

		path_of(f, path, sizeof(path));
		snprintf(proc, sizeof(proc), "/proc/self/fd/%d", f->fd);
		n = readlink(proc, link, sizeof(link) - 1);
		link[n < 0 ? 0 : n] = 0;
		if (strcmp(link, path))
			wl_fail("fd %d is '%s', not %s", f->fd, link, path);
		fl = fcntl(f->fd, F_GETFL);
		if (fl < 0 || (fl & (O_ACCMODE | O_APPEND | O_NONBLOCK)) !=
			      (f->flags & (O_ACCMODE | O_APPEND | O_NONBLOCK)))
			wl_fail("fd %d flags %#o, want %#o", f->fd, fl, f->flags);
		fl = fcntl(f->fd, F_GETFD);
		if (fl < 0 || !!(fl & FD_CLOEXEC) != f->cloexec)
			wl_fail("fd %d FD_CLOEXEC %d, want %d", f->fd, fl, f->cloexec);
		if (f->name[0] == '/')
			continue;
		pos = lseek(f->fd, 0, SEEK_CUR);
		if (pos != f->pos)
			wl_fail("fd %d offset %lld, want %lld", f->fd,
			     (long long)pos, (long long)f->pos);
	}
	/* contents at the offsets */
	if (pread(10, buf, 3, 100) != 3 || memcmp(buf, "wxy", 3))
		wl_fail("fd 10 contents");
	if (read(21, buf, 8) != 8 || memcmp(buf, "\0\0\0\0\0\0\0\0", 8))
		wl_fail("/dev/zero does not read zeros");
	if (read(22, buf, 8) != 8)
		wl_fail("/dev/urandom read: %m");
	if (write(20, "x", 1) != 1)
		wl_fail("/dev/null write: %m");
	/* shared offset: reading on fd 100 moves fd 12 */
	if (read(100, buf, 2) != 2 || lseek(12, 0, SEEK_CUR) != 1236)
		wl_fail("fd 100 does not share the offset of fd 12");
	lseek(12, 1234, SEEK_SET);
	/* O_APPEND: a write lands at the end */
	if (write(11, "0123456789", 10) != 10 ||
	    lseek(11, 0, SEEK_CUR) != 8192 + 10)
		wl_fail("fd 11 append");
	if (ftruncate(11, 8192))
		wl_fail("ftruncate: %m");
	lseek(11, 0, SEEK_SET);

	snprintf(path, sizeof(path), "%s/sub", dir);
	if (!getcwd(link, sizeof(link)) || strcmp(link, path))
		wl_fail("cwd '%s', want %s", link, path);
	um = umask(027);
	if (um != 027)
		wl_fail("umask %03o", um);

	sigprocmask(SIG_BLOCK, NULL, &mask);
	for (int s = 1; s < NSIG; s++)
		if (sigismember(&mask, s) != sigismember(&saved_mask, s))
			wl_fail("signal %d blocked %d", s, sigismember(&mask, s));
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		sigaction(sigs[i], NULL, &sa);
		if (sa.sa_handler != saved[i].sa_handler ||
		    sa.sa_flags != saved[i].sa_flags)
			wl_fail("signal %d handler %p flags %#x, want %p %#x",
			     sigs[i], (void *)sa.sa_handler, sa.sa_flags,
			     (void *)saved[i].sa_handler, saved[i].sa_flags);
		for (int s = 1; s < 32; s++)
			if (sigismember(&sa.sa_mask, s) !=
			    sigismember(&saved[i].sa_mask, s))
				wl_fail("signal %d mask %d", sigs[i], s);
	}
	/* the handler of SIGUSR2 still runs once unblocked */
	raise(SIGUSR2);
	sigprocmask(SIG_UNBLOCK, NULL, NULL);
	if (got_usr2)
		wl_fail("SIGUSR2 not blocked");
	sigemptyset(&mask);
	sigaddset(&mask, SIGUSR2);
	sigprocmask(SIG_UNBLOCK, &mask, NULL);
	if (!got_usr2)
		wl_fail("SIGUSR2 handler did not run");
	/* back to the saved state for the next round */
	got_usr2 = 0;
	sigaction(SIGUSR2, &saved[1], NULL);
	sigprocmask(SIG_SETMASK, &saved_mask, NULL);
}

int main(int argc, char **argv)
{
	wl_init(argc, argv, "", NULL);
	if (!wl_dir || !realpath(wl_dir, dir))
		wl_die("needs -d DIR");
	setup();
	wl_ready();
	for (;;) {
		while (!got_usr1)
			pause();
		got_usr1 = 0;
		wl_failures = 0;
		verify();
		if (!wl_failures)
			wl_put("result", 1, "OK files\n");
	}
}
