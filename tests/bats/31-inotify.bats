#!/usr/bin/env bats
# shellcheck disable=SC2154,SC2030,SC2031 # $pid, $status: set by helpers and bats
# SPDX-License-Identifier: GPL-2.0
#
# inotify: watches (inode, mask, watch descriptor), the next watch
# descriptor and the file flags survive a restart; events a restart causes
# are dropped; unread events are refused.

load helpers

setup() { common_setup; }
teardown() { common_teardown; }

@test "inotify: watches, descriptors, masks and flags survive a restart, and report events after it" {
	G=$(new_group a)
	wl_start "$G" i inotifys
	checkpoint "$G" "$T/img" kill
	wait_until gone "$pid"
	run "$CKPT" info "$T/img"
	[ "$status" = 0 ]
	grep -Eq "^  inotify \[[0-9]+\] 3 watches, next wd 5$" <<< "$output"
	grep -Eq "^  inotify \[[0-9]+\] 0 watches, next wd 0$" <<< "$output"
	grep -qx "    watch 1 mask 0x320 $T/i/w" <<< "$output"
	grep -qx "    watch 2 mask 0x80000002 $T/i/w/a" <<< "$output"
	grep -qx "    watch 4 mask 0x4000004 $T/i/w/link" <<< "$output"
	grep -Eq "^  file \[[0-9]+\] inotify anon_inode:inotify on inotify \[[0-9]+\], O_RDONLY\|O_NONBLOCK" <<< "$output"
	restart "$G" "$T/img"
	wl_check "$pid" i
}

@test "inotify: a checkpoint leaves the watches as they were" {
	G=$(new_group a)
	wl_start "$G" i inotifys
	checkpoint "$G" "$T/img"
	wl_check "$pid" i
}

@test "inotify: an instance with events not read is refused" {
	G=$(new_group a)
	wl_start "$G" i inotifys -q
	image_out "$G" "$T/img"
	ensure_write_fail "$G/ckpt.trigger" checkpoint EOPNOTSUPP
	assert_failed "$G" EOPNOTSUPP
	grep -Ex "error pid $pid fd 10: inotify instance with 2 events queued and not read; not supported" "$G/ckpt.state"
	alive "$pid"
	grep -qx 0 "$G/cgroup.freeze"
}

@test "inotify: restart refuses damaged records and a watched path that is gone, and leaves no task" {
	G=$(new_group a)
	wl_start "$G" i inotifys
	checkpoint "$G" "$T/img" kill
	wait_until gone "$pid"
	# watch 2 given wd 1, mask 0, unknown mask bits, one watch more or
	# less than the instance has, a reserved field
	for args in \
		"0x0433 1 12 4 1 inotify [0-9]+: watch 1 on .* came back as 2" \
		"0x0433 1 16 4 0 malformed inotify watch record" \
		"0x0433 1 16 4 0x1000 malformed inotify watch record" \
		"0x0432 0 12 4 4 inotify [0-9]+ has 3 of its 4 watches" \
		"0x0432 0 12 4 2 inotify [0-9]+ has more than 2 watches" \
		"0x0432 0 20 4 1 malformed inotify record"; do
		damaged_restart_fails "$T/img" "$args" || return 1
	done
	mv "$T/i/w/link" "$T/i/w/link2"
	g=$(new_group "r$RANDOM")
	image_in "$g" "$T/img"
	ensure_write_fail "$g/ckpt.trigger" restart ENOENT
	grep -x "error pid $pid: cannot watch $T/i/w/link with inotify (error -2)" "$g/ckpt.state"
	populated_is "$g" 0
	mv "$T/i/w/link2" "$T/i/w/link"
	restart "$G" "$T/img"
	wl_check "$pid" i
}
