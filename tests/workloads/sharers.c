// SPDX-License-Identifier: GPL-2.0
/*
 * sharers [-u] -d DIR
 *
 * Three processes that share an fd table and cwd through clone():
 *	P	the parent
 *	A	its child, clone(CLONE_FILES | CLONE_FS): P's fds and cwd
 *	B	A's child, clone(CLONE_FILES): the same fds, a cwd of its own
 * DIR/info says "pids P A B".  On SIGUSR1 each acts once through what it
 * shares, so the test can see, in /proc, whether the others see it:
 *	B	opens DIR/from-b as fd 40 and enters DIR/b
 *	A	closes fd 41 (DIR/marker, opened by P at setup) and enters DIR/a
 *	P	opens DIR/from-p as fd 42
 * and writes "done X" to DIR/done-X.  None of them touches memory the
 * others could see: they share no memory.
 *
 * With -u, A then unshares its fd table: B and P share one that A, B's
 * parent, does not (sharing not along the tree).
 */
#include "wl.h"
#include <sched.h>
#include <sys/stat.h>
#include <sys/wait.h>

static char name;
static int unshare_a;

static int opt(int c, char *arg)
{
	(void)arg;
	if (c != 'u')
		return -1;
	unshare_a = 1;
	return 0;
}
static char path[3][4096];
static char cwd[2048];

static void act(int sig)
{
	int fd;

	(void)sig;
	switch (name) {
	case 'B':
		fd = open(path[0], O_RDONLY | O_CREAT, 0644);
		if (fd >= 0) {
			dup2(fd, 40);
			close(fd);
		}
		if (chdir("b"))
			break;
		break;
	case 'A':
		close(41);
		if (chdir("a"))
			break;
		break;
	case 'P':
		fd = open(path[2], O_RDONLY | O_CREAT, 0644);
		if (fd >= 0) {
			dup2(fd, 42);
			close(fd);
		}
		break;
	}
	wl_usr1 = 1;
}

static void wait_act(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = act;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGUSR1, &sa, NULL))
		wl_die("sigaction: %m");
	for (;;) {
		wl_wait_usr1();
		wl_put(name == 'P' ? "done-P" : name == 'A' ? "done-A" : "done-B",
		       0, "done %c\n", name);
	}
}

static int child_b(void *arg)
{
	(void)arg;
	name = 'B';
	wait_act();
	return 0;
}

static int child_a(void *arg)
{
	static char stack[64 * 1024];
	pid_t b;

	(void)arg;
	name = 'A';
	b = clone(child_b, stack + sizeof(stack), CLONE_FILES | SIGCHLD, NULL);
	if (b < 0)
		wl_die("clone: %m");
	if (unshare_a && unshare(CLONE_FILES))
		wl_die("unshare: %m");
	wl_put("pid-b", 0, "%d\n", b);
	wait_act();
	return 0;
}

int main(int argc, char **argv)
{
	static char stack[64 * 1024];
	char b[32] = "";
	pid_t a;
	int fd, i;

	wl_init(argc, argv, "u", opt);
	if (!wl_dir || chdir(wl_dir) || mkdir("a", 0755) || mkdir("b", 0755))
		wl_die("usage: sharers -d DIR (a new directory)");
	if (!getcwd(cwd, sizeof(cwd)))
		wl_die("getcwd: %m");
	snprintf(path[0], sizeof(path[0]), "%s/from-b", cwd);
	snprintf(path[2], sizeof(path[2]), "%s/from-p", cwd);
	fd = open("marker", O_RDONLY | O_CREAT, 0644);
	if (fd < 0 || dup2(fd, 41) != 41)
		wl_die("marker: %m");
	close(fd);
	name = 'P';
	a = clone(child_a, stack + sizeof(stack), CLONE_FILES | CLONE_FS | SIGCHLD, NULL);
	if (a < 0)
		wl_die("clone: %m");
	for (i = 0; i < 500 && !*b; i++) {
		FILE *f = fopen("pid-b", "r");

		if (f) {
			if (!fgets(b, sizeof(b), f))
				*b = 0;
			fclose(f);
		}
		if (!*b)
			wl_msleep(10);
	}
	if (!*b)
		wl_die("B did not start");
	b[strcspn(b, "\n")] = 0;
	wl_put("info", 0, "pids %d %d %s\n", getpid(), a, b);
	wl_ready();
	wait_act();
	return 0;
}
