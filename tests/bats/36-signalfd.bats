#!/usr/bin/env bats
# shellcheck disable=SC2154,SC2030,SC2031 # $pid, $status: set by helpers and bats
# SPDX-License-Identifier: GPL-2.0
#
# signalfd: masks, flags, readiness and sharing survive a restart, and the
# signals pending before the checkpoint are read through it after.

load helpers

setup() { common_setup; }
teardown() { common_teardown; }

child_of() { awk '$1 == "child" { print $2 }' "$T/$1/info"; }

@test "signalfd: masks, flags, readiness, sharing and pending signals survive a restart" {
	G=$(new_group a)
	wl_start "$G" s signalfds
	child=$(child_of s)
	checkpoint "$G" "$T/img" kill
	wait_until gone "$pid"
	wait_until gone "$child"
	run "$CKPT" info "$T/img"
	[ "$status" = 0 ]
	# SIGUSR2 (12) and SIGRTMIN (34), SIGRTMIN+1 (35)
	grep -Eq "^  signalfd \[[0-9]+\] mask 0x0000000200000800 \(SIGUSR2 SIG34\)$" <<< "$output"
	grep -Eq "^  signalfd \[[0-9]+\] mask 0x0000000400000000 \(SIG35\)$" <<< "$output"
	grep -Eq "^  file \[[0-9]+\] signalfd anon_inode:\[signalfd\] on signalfd \[[0-9]+\], O_RDWR\|O_NONBLOCK" <<< "$output"
	# fd 10 of the parent and the child is one file, written once
	[ "$(grep -c "^  signalfd " <<< "$output")" = 2 ]
	restart "$G" "$T/img"
	wl_check "$pid" s
}

@test "signalfd: a checkpoint leaves the masks and the pending signals as they were" {
	G=$(new_group a)
	wl_start "$G" s signalfds
	checkpoint "$G" "$T/img"
	wl_check "$pid" s
}

@test "signalfd: a signalfd also held outside the group is refused" {
	G=$(new_group a)
	G2=$(new_group b)
	wl_start "$G" s signalfds -o "$G2"
	child=$(child_of s)
	wait_until grep -qx "$child" "$G2/cgroup.procs"
	image_out "$G" "$T/img"
	ensure_write_fail "$G/ckpt.trigger" checkpoint EOPNOTSUPP
	assert_failed "$G" EOPNOTSUPP
	grep -Ex "error pid $pid fd 10: anon_inode:\[signalfd\]: the open file is shared with a process outside the group" "$G/ckpt.state"
	grep -qx 0 "$G/cgroup.freeze"
}

@test "signalfd: restart refuses damaged signalfd records and leaves no task" {
	G=$(new_group a)
	wl_start "$G" s signalfds
	child=$(child_of s)
	checkpoint "$G" "$T/img" kill
	wait_until gone "$pid"
	wait_until gone "$child"
	# SIGKILL in the mask, a reserved field, an id defined twice
	for args in \
		"0x0430 0 16 8 0x100 malformed signalfd record" \
		"0x0430 0 12 4 1 malformed signalfd record" \
		"0x0430 1 8 4 1 object 1 defined twice"; do
		damaged_restart_fails "$T/img" "$args" || return 1
	done
	restart "$G" "$T/img"
	wl_check "$pid" s
}
