// SPDX-License-Identifier: GPL-2.0
/*
 * waiters -d DIR MS
 *
 * Threads asleep in calls that leave a restart block when a freeze
 * interrupts them, each for MS milliseconds:
 *
 *	poll()			on a pipe nobody writes, timeout MS
 *	futex()			FUTEX_WAIT_PRIVATE, relative timeout MS
 *	pthread_cond_timedwait()  FUTEX_WAIT_BITSET on CLOCK_REALTIME,
 *				absolute timeout now + MS
 *
 * and the main thread in poll() with no timeout on the FIFO DIR/fifo.
 * Each logs how its call ended and after how long (CLOCK_MONOTONIC):
 *
 *	poll 0 after N ms		(0: the timeout; -1 ERRNO otherwise)
 *	futex -1 ETIMEDOUT after N ms
 *	cond ETIMEDOUT after N ms
 *	woken LINE			(the main thread read LINE from the FIFO)
 *
 * "ready" once all of them are asleep.
 */
#include "wl.h"
#include <fcntl.h>
#include <linux/futex.h>
#include <poll.h>
#include <pthread.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>

static int ms, pipefd[2];
static unsigned int word;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static const char *err(int e)
{
	return e == ETIMEDOUT ? "ETIMEDOUT" : e == EINTR ? "EINTR" : strerror(e);
}

static void *poller(void *arg)
{
	struct pollfd p = { .fd = pipefd[0], .events = POLLIN };
	long t0 = now_ms();
	int r = poll(&p, 1, ms);

	(void)arg;
	if (r < 0)
		printf("poll -1 %s after %ld ms\n", err(errno), now_ms() - t0);
	else
		printf("poll %d after %ld ms\n", r, now_ms() - t0);
	return NULL;
}

static void *futexer(void *arg)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };
	long t0 = now_ms(), r;

	(void)arg;
	r = syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 0, &ts, NULL, 0);
	printf("futex %ld %s after %ld ms\n", r, r ? err(errno) : "woken", now_ms() - t0);
	return NULL;
}

static void *conder(void *arg)
{
	struct timespec ts;
	long t0 = now_ms();
	int r;

	(void)arg;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&lock);
	r = pthread_cond_timedwait(&cond, &lock, &ts);
	pthread_mutex_unlock(&lock);
	printf("cond %s after %ld ms\n", r ? err(r) : "signalled", now_ms() - t0);
	return NULL;
}

int main(int argc, char **argv)
{
	int i = wl_init(argc, argv, "", NULL), fd;
	void *(*fn[3])(void *) = { poller, futexer, conder };
	char path[4096], line[256];
	struct pollfd p;
	pthread_t th;
	ssize_t n;

	if (i >= argc || (ms = atoi(argv[i])) <= 0)
		wl_die("usage: waiters -d DIR MS");
	snprintf(path, sizeof(path), "%s/fifo", wl_dir);
	if ((mkfifo(path, 0666) && errno != EEXIST) || pipe(pipefd))
		wl_die("fifo: %m");
	fd = open(path, O_RDWR);
	if (fd < 0)
		wl_die("%s: %m", path);
	for (i = 0; i < 3; i++)
		if (pthread_create(&th, NULL, fn[i], NULL))
			wl_die("pthread_create");
	wl_msleep(200);
	wl_ready();
	p.fd = fd;
	p.events = POLLIN;
	if (poll(&p, 1, -1) != 1)
		wl_die("poll: %m");
	n = read(fd, line, sizeof(line) - 1);
	line[n > 0 ? n : 0] = '\0';
	printf("woken %s", line);
	for (;;)
		pause();
}
