#!/usr/bin/env bats
# shellcheck disable=SC2154,SC2030,SC2031 # $pid, $status: set by helpers and bats
# SPDX-License-Identifier: GPL-2.0
#
# epoll: the files watched, their events, data, EPOLLET and EPOLLONESHOT
# give the same epoll_wait() results after a restart.

load helpers

setup() { common_setup; }
teardown() { common_teardown; }

@test "epoll: epoll_wait gives the same results after a restart (pipe with data, eventfd, EPOLLET, EPOLLONESHOT)" {
	G=$(new_group a)
	wl_start "$G" e epolls
	checkpoint "$G" "$T/img" kill
	wait_until gone "$pid"
	run "$CKPT" info "$T/img"
	[ "$status" = 0 ]
	grep -Eq "^  epoll \[[0-9]+\] 4 files$" <<< "$output"
	grep -Eq "^    fd 22 -> \[[0-9]+\] anon_inode:\[eventfd\], events 0x80000019 \(EPOLLIN\|EPOLLERR\|EPOLLHUP\|EPOLLET\), data 0x2222$" <<< "$output"
	grep -Eq "^    fd 24 -> \[[0-9]+\] pipe:\[[0-9]+\], events 0x4000001c \(EPOLLOUT\|EPOLLERR\|EPOLLHUP\|EPOLLONESHOT\), data 0x4444$" <<< "$output"
	# EPOLL_CTL_ADD adds EPOLLERR and EPOLLHUP; a one shot that fired
	# keeps only its flag
	grep -Eq "^    fd 26 -> \[[0-9]+\] pipe:\[[0-9]+\], events 0x40000000 \(EPOLLONESHOT\), data 0x5555$" <<< "$output"
	restart "$G" "$T/img"
	wl_check "$pid" e
}

@test "epoll: a checkpoint leaves the instances as they were" {
	G=$(new_group a)
	wl_start "$G" e epolls
	checkpoint "$G" "$T/img"
	wl_check "$pid" e
}

@test "epoll: an instance watching 2000 files survives a restart, each with its events and data" {
	G=$(new_group a)
	wl_start "$G" e epolls -n 2000
	checkpoint "$G" "$T/img" kill
	wait_until gone "$pid"
	run "$CKPT" info "$T/img"
	[ "$status" = 0 ]
	grep -Eq "^  epoll \[[0-9]+\] 2000 files$" <<< "$output"
	grep -Eq "^    fd 2099 -> \[[0-9]+\] anon_inode:\[eventfd\], events 0x19 \(EPOLLIN\|EPOLLERR\|EPOLLHUP\), data 0x107cf$" <<< "$output"
	restart "$G" "$T/img"
	wl_check "$pid" e
}

@test "epoll: an instance watching more files than a record holds is refused, and left as it was" {
	G=$(new_group a)
	wl_start "$G" e epolls -n 2731
	image_out "$G" "$T/img"
	ensure_write_fail "$G/ckpt.trigger" checkpoint EOPNOTSUPP
	assert_failed "$G" EOPNOTSUPP
	grep -Ex "error pid $pid fd 32: an epoll instance watching more than 2730 files; not supported" "$G/ckpt.state"
	wl_check "$pid" e
}

@test "epoll: refused when a file is watched through an fd number no longer open" {
	G=$(new_group a)
	wl_start "$G" e epolls -c
	image_out "$G" "$T/img"
	ensure_write_fail "$G/ckpt.trigger" checkpoint EOPNOTSUPP
	assert_failed "$G" EOPNOTSUPP
	grep -Ex "error pid $pid fd 30: epoll watches a file added as fd 23, no longer open there; not supported" "$G/ckpt.state"
	wl_check "$pid" e
}

@test "epoll: restart refuses damaged eventfd and epoll records and leaves no task" {
	G=$(new_group a)
	wl_start "$G" e epolls
	checkpoint "$G" "$T/img" kill
	wait_until gone "$pid"
	for args in \
		"0x0412 0 12 4 2 malformed eventfd record" \
		"0x0412 0 16 8 -1 malformed eventfd record" \
		"0x0413 0 12 4 5 malformed epoll record" \
		"0x0413 0 16 4 -1 malformed epoll record" \
		"0x0413 0 20 4 9999 object 9999 used before it is defined" \
		"0x0413 0 28 4 1 malformed epoll record" \
		"0x0413 0 24 4 0x08000000 malformed epoll record"; do
		damaged_restart_fails "$T/img" "$args" || return 1
	done
	restart "$G" "$T/img"
	wl_check "$pid" e
}
