// SPDX-License-Identifier: GPL-2.0
/*
 * fwriter -d DIR
 *
 * A program writing to files, for ckpt.exclude "files":
 *	DIR/data	open O_RDWR at fd 30: 10000 bytes of pattern, a hole,
 *			then 5000 bytes at 200000 (a sparse file); its offset
 *			is where the next record goes
 *	DIR/map		4 pages mapped MAP_SHARED (its fd closed), written
 *			through the mapping
 * It keeps in memory what both files should hold.  On SIGUSR1 it checks
 * the offset of fd 30, the bytes and size of DIR/data (read through a file
 * of its own) and those of the mapping against its copy, writes "OK
 * fwriter" or FAIL lines to DIR/result, then goes on: appends a 100-byte
 * record at its offset and changes one byte of every page of the mapping.
 */
#include "wl.h"
#include <sys/mman.h>

#define DATA_MAX	(256 * 1024)
#define MAP_LEN		(4 * 4096)

static char want[DATA_MAX], buf[DATA_MAX];
static char *map, map_want[MAP_LEN];
static off_t pos, size;
static unsigned int round_nr;
static volatile sig_atomic_t got_usr1;

static void on_usr1(int sig)
{
	(void)sig;
	got_usr1 = 1;
}

static void put(off_t at, size_t len, char seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		want[at + i] = (char)(seed + (at + i) % 51);
	if (pwrite(30, want + at, len, at) != (ssize_t)len)
		wl_die("pwrite: %m");
	if (at + (off_t)len > size)
		size = at + len;
}

static void scribble(void)
{
	int i;

	for (i = 0; i < MAP_LEN; i += 4096) {
		map[i + round_nr % 4096] = (char)('A' + round_nr % 26);
		map_want[i + round_nr % 4096] = (char)('A' + round_nr % 26);
	}
	round_nr++;
}

static void setup(void)
{
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/data", wl_dir);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || dup2(fd, 30) != 30)
		wl_die("%s: %m", path);
	close(fd);
	put(0, 10000, 'a');
	put(200000, 5000, '0');
	pos = size;
	if (lseek(30, pos, SEEK_SET) != pos)
		wl_die("lseek: %m");

	snprintf(path, sizeof(path), "%s/map", wl_dir);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || ftruncate(fd, MAP_LEN))
		wl_die("%s: %m", path);
	map = mmap(NULL, MAP_LEN, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)
		wl_die("mmap: %m");
	close(fd);
	memset(map, '.', MAP_LEN);
	memset(map_want, '.', MAP_LEN);
	scribble();
}

static void verify(void)
{
	char path[4096];
	off_t at, cur;
	ssize_t n;
	int fd;

	cur = lseek(30, 0, SEEK_CUR);
	if (cur != pos)
		wl_fail("data: offset %lld, want %lld", (long long)cur, (long long)pos);
	snprintf(path, sizeof(path), "%s/data", wl_dir);
	fd = open(path, O_RDONLY);
	n = fd < 0 ? -1 : pread(fd, buf, sizeof(buf), 0);
	if (fd >= 0)
		close(fd);
	if (n != size)
		wl_fail("data: %zd bytes, want %lld", n, (long long)size);
	else if (memcmp(buf, want, size))
		wl_fail("data: the bytes differ");
	if (memcmp(map, map_want, MAP_LEN))
		wl_fail("map: the bytes differ");
	/* and go on from where it was */
	at = pos;
	if (at + 100 <= DATA_MAX) {
		size_t i;

		for (i = 0; i < 100; i++)
			want[at + i] = (char)('r' + round_nr % 7);
		if (write(30, want + at, 100) != 100)
			wl_fail("data: write: %m");
		pos += 100;
		if (pos > size)
			size = pos;
	}
	scribble();
}

int main(int argc, char **argv)
{
	wl_init(argc, argv, "", NULL);
	if (!wl_dir)
		wl_die("needs -d DIR");
	signal(SIGUSR1, on_usr1);
	setup();
	wl_ready();
	for (;;) {
		while (!got_usr1)
			pause();
		got_usr1 = 0;
		wl_failures = 0;
		verify();
		if (!wl_failures)
			wl_put("result", 1, "OK fwriter\n");
	}
}
