#!/usr/bin/env bats
# shellcheck disable=SC2154,SC2030,SC2031 # $pid, $last, $status: set by helpers and bats
# SPDX-License-Identifier: GPL-2.0
#
# What a checkpoint does not support yet must be refused with EOPNOTSUPP
# and a reason naming it, and leave the program running unharmed: thawed,
# counting, its state intact.

load helpers

setup() { common_setup; }
teardown() { common_teardown; }

# refused OPTION REGEX: a counter with OPTION; the error line matches REGEX
# ({pid} stands for the counter's pid).
refused() {
	G=$(new_group a)
	wl_start "$G" c counter "$1" 50
	wait_count "$T/c/log" 2
	image_out "$G" "$T/img"
	ensure_write_fail "$G/ckpt.trigger" checkpoint EOPNOTSUPP
	assert_failed "$G" EOPNOTSUPP
	re=${2//\{pid\}/$pid}
	grep -E "^error $re" "$G/ckpt.state" || {
		grep '^error' "$G/ckpt.state"
		echo "expected: error $re"
		return 1
	}
	state_is "$G" state idle
	state_is "$G" last_op checkpoint
	assert_running "$G" "$pid" "$T/c/log"
	wl_check "$pid" c
	# the other modes do not kill or freeze it either
	ensure_write_fail "$G/ckpt.trigger" "checkpoint kill" EOPNOTSUPP
	ensure_write_fail "$G/ckpt.trigger" "checkpoint frozen" EOPNOTSUPP
	assert_running "$G" "$pid" "$T/c/log"
}

@test "refuse: a network socket fd, EOPNOTSUPP naming the fd" {
	refused -S "pid {pid} fd [0-9]+: .*netlink socket"
}

@test "refuse: threads with different credentials, EOPNOTSUPP naming both" {
	refused -T "pid {pid}: thread [0-9]+ has other credentials"
	[ "$(grep ^Threads: "/proc/$pid/status" | cut -f2)" = 2 ]
}

@test "refuse: a part of a SysV shm attachment, EOPNOTSUPP naming the range and shm id" {
	refused -Y "pid {pid} memory [0-9a-f]+-[0-9a-f]+: a part of a SysV shm attachment \\(shm id [0-9]+\\)"
	read -r _ id addr < "$T/c/info"
	grep -q "^error pid $pid memory ${addr#0x}-[0-9a-f]*: a part of a SysV shm attachment (shm id $id); not supported" \
		"$G/ckpt.state"
}

@test "refuse: a thread with an fd table of its own, EOPNOTSUPP naming it" {
	refused -U "pid {pid}: thread [0-9]+ has its own fd table \(unshare\(CLONE_FILES\)\); not supported"
}

@test "refuse: a regular file whose open description is shared outside the group, naming it" {
	G=$(new_group a)
	O=$(new_group b)
	echo data > "$T/input"
	mkdir -p "$T/c"
	: > "$T/c/log"
	# stdin on a file: the counter and its child share one open file
	pid=$("$WL/spawn" -c "$G" -i "$T/input" -o "$T/c/log" -- "$WL/counter" -d "$T/c" -F 50)
	wait_until test -e "$T/c/ready"
	read -r _ child < "$T/c/info"
	echo "$child" > "$O/cgroup.procs"
	image_out "$G" "$T/img"
	ensure_write_fail "$G/ckpt.trigger" checkpoint EOPNOTSUPP
	grep -qxF "error pid $pid fd 0: $T/input: the open file is shared with a process outside the group" \
		"$G/ckpt.state"
	assert_running "$G" "$pid" "$T/c/log"
	# with both in the group it is one open file of the group
	echo "$child" > "$G/cgroup.procs"
	checkpoint "$G" "$T/img"
	assert_running "$G" "$pid" "$T/c/log"
	kill "$child"
}
