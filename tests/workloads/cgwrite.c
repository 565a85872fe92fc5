// SPDX-License-Identifier: GPL-2.0
/*
 * cgwrite [-r IMAGE | -w IMAGE] [-E UID] FILE [STRING]
 *
 * Writes STRING (exactly, no newline added) to FILE with a single write(2).
 * On failure prints the errno name (EINVAL, EBUSY...) on stdout and exits 1;
 * on success prints nothing and exits 0.  If FILE cannot be opened, prints
 * "open:ERRNO" and exits 2.
 *
 * -r/-w open IMAGE read-only / write-only (created, truncated) first; in
 * STRING "{fd}" stands for its fd number, and STRING defaults to it, so
 * that "cgwrite -w /tmp/img G/ckpt.image_fd" hands the image to the group.
 * -E opens FILE with effective uid UID, then writes it as root again: the
 * kernel must check the credentials of the opener.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const char *image = NULL, *str, *at;
	int c, flags = 0, fd, imgfd = -1;
	char buf[4096];
	long uid = -1;
	ssize_t n;

	while ((c = getopt(argc, argv, "+r:w:E:")) != -1) {
		switch (c) {
		case 'r':
			image = optarg;
			flags = O_RDONLY;
			break;
		case 'w':
			image = optarg;
			flags = O_WRONLY | O_CREAT | O_TRUNC;
			break;
		case 'E':
			uid = atol(optarg);
			break;
		default:
			goto usage;
		}
	}
	if (optind >= argc || argc - optind > 2)
		goto usage;
	if (image) {
		imgfd = open(image, flags, 0644);
		if (imgfd < 0) {
			fprintf(stderr, "cgwrite: %s: %m\n", image);
			return 2;
		}
	}
	str = optind + 1 < argc ? argv[optind + 1] : "{fd}";
	at = strstr(str, "{fd}");
	if (at)
		snprintf(buf, sizeof(buf), "%.*s%d%s", (int)(at - str), str,
			 imgfd, at + 4);
	else
		snprintf(buf, sizeof(buf), "%s", str);

	if (uid >= 0 && (setresgid(-1, uid, -1) || setresuid(-1, uid, -1))) {
		fprintf(stderr, "cgwrite: setresuid: %m\n");
		return 2;
	}
	fd = open(argv[optind], O_WRONLY);
	if (fd < 0) {
		const char *name = strerrorname_np(errno);

		fprintf(stderr, "cgwrite: %s: %m\n", argv[optind]);
		printf("open:%s\n", name ? name : "EUNKNOWN");
		return 2;
	}
	if (uid >= 0 && (setresuid(-1, 0, -1) || setresgid(-1, 0, -1))) {
		fprintf(stderr, "cgwrite: setresuid back: %m\n");
		return 2;
	}
	n = write(fd, buf, strlen(buf));
	if (n < 0) {
		const char *name = strerrorname_np(errno);

		printf("%s\n", name ? name : "EUNKNOWN");
		return 1;
	}
	if (n != (ssize_t)strlen(buf)) {
		printf("short write %zd\n", n);
		return 1;
	}
	return 0;
usage:
	fprintf(stderr, "usage: cgwrite [-r IMAGE | -w IMAGE] [-E UID] FILE [STRING]\n");
	return 2;
}
