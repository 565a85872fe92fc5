#!/usr/bin/env bats
# shellcheck disable=SC2154,SC2030,SC2031 # $pid, $status: set by helpers and bats
# SPDX-License-Identifier: GPL-2.0
#
# ptys: not saved yet.  A terminal whose master is outside the group (as a
# shell's terminal is) is refused before anything is written, with a reason
# naming the pid, the fd and the terminal; a pair the group holds alone is
# refused as not supported yet.  Either way the workload runs on.

load helpers

setup() { common_setup; }
teardown() { common_teardown; }

child_of() { awk '$1 == "child" { print $2 }' "$T/$1/info"; }

@test "pty: a terminal whose master is held outside the group is refused, naming pid, fd and terminal" {
	G=$(new_group a)
	G2=$(new_group b)
	wl_start "$G" p ptys -o "$G2"
	child=$(child_of p)
	wait_until grep -qx "$child" "$G2/cgroup.procs"
	image_out "$G" "$T/img"
	ensure_write_fail "$G/ckpt.trigger" checkpoint EOPNOTSUPP
	assert_failed "$G" EOPNOTSUPP
	grep -Ex "error pid $pid fd 11: /dev/pts/[0-9]+: a terminal also open outside the group \(its master, or another open file of it\); not supported" "$G/ckpt.state"
	# nothing was written
	[ "$(state_get "$G" bytes)" = 0 ]
	wl_check "$pid" p
}

@test "pty: a pair held by the group alone is refused as not supported yet" {
	G=$(new_group a)
	wl_start "$G" p ptys
	image_out "$G" "$T/img"
	ensure_write_fail "$G/ckpt.trigger" checkpoint EOPNOTSUPP
	assert_failed "$G" EOPNOTSUPP
	grep -Ex "error pid $pid fd 10: a pty held by the group only; not supported yet \(/dev/ptmx\)" "$G/ckpt.state"
	wl_check "$pid" p
}
