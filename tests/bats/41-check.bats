#!/usr/bin/env bats
# shellcheck disable=SC2154,SC2030,SC2031 # $pid, $status: set by helpers and bats
# SPDX-License-Identifier: GPL-2.0
#
# "check" in ckpt.trigger, and `ckpt check`: a dry run that names every
# blocker of the group (each with its pid, resource and reason), writes no
# image and leaves the tasks running; nothing blocking: it succeeds.

load helpers

setup() { common_setup; }
teardown() { common_teardown; }

@test "check: a dry run names every blocker of every task, writes nothing, leaves them running" {
	G=$(new_group a)
	wl_start "$G" s counter -S 50
	p1=$pid
	wl_start "$G" y counter -Y 50
	p2=$pid
	wl_start "$G" u counter -U 50
	p3=$pid
	# an image fd is set: the dry run must not write to it
	: > "$T/img"
	image_out "$G" "$T/img"
	ensure_write_fail "$G/ckpt.trigger" check EOPNOTSUPP
	assert_failed "$G" EOPNOTSUPP
	state_is "$G" last_op check
	state_is "$G" state idle
	state_is "$G" tasks 4
	state_is "$G" bytes 0
	grep -E "^error pid $p1 fd [0-9]+: .*netlink socket" "$G/ckpt.state"
	grep -E "^error pid $p2 memory [0-9a-f]+-[0-9a-f]+: a part of a SysV shm attachment" "$G/ckpt.state"
	grep -E "^error pid $p3: thread [0-9]+ has its own fd table" "$G/ckpt.state"
	[ "$(grep -c '^error ' "$G/ckpt.state")" = 3 ]
	[ ! -s "$T/img" ]
	assert_running "$G" "$p1" "$T/s/log"
	assert_running "$G" "$p2" "$T/y/log"
	assert_running "$G" "$p3" "$T/u/log"

	# the same through the tool: the blockers on stdout, exit 1
	rc=0
	"$CKPT" check "$G" > "$T/out" 2> "$T/err" || rc=$?
	[ "$rc" = 1 ]
	[ "$(wc -l < "$T/out")" = 3 ]
	grep -E "^pid $p1 fd [0-9]+: .*netlink socket" "$T/out"
	grep -q "3 blockers (Operation not supported): a checkpoint would fail" "$T/err"
	"$CKPT" --json check "$G" > "$T/json" || true
	python3 -c 'import json,sys; b=json.load(open(sys.argv[1]))["blockers"]; assert len(b) == 3, b' "$T/json"

	# a real checkpoint stops at the first one, as before
	ensure_write_fail "$G/ckpt.trigger" checkpoint EOPNOTSUPP
	[ "$(grep -c '^error ' "$G/ckpt.state")" = 1 ]
	state_is "$G" last_op checkpoint
}

@test "check: nothing blocking, the dry run succeeds, and the checkpoint it announces does" {
	G=$(new_group a)
	wl_start "$G" c counter 50
	ensure_write_ok "$G/ckpt.trigger" check
	state_is "$G" last_op check
	state_is "$G" last_result ok
	state_is "$G" tasks 1
	grep -q '^error' "$G/ckpt.state" && return 1
	run "$CKPT" check "$G"
	[ "$status" = 0 ]
	grep -q "nothing blocks a checkpoint" <<< "$output"
	assert_running "$G" "$pid" "$T/c/log"
	checkpoint "$G" "$T/img"
	state_is "$G" last_result ok
}

@test "check: a task the writer may not trace ends the check before its resources are looked at" {
	G=$(new_group a)
	wl_start "$G" s counter -S 50
	chown 65534 "$G/ckpt.trigger"
	run setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$WL/cgwrite" "$G/ckpt.trigger" check
	[ "$status" = 1 ]
	[ "$output" = EPERM ]
	assert_failed "$G" EPERM
	grep -E "^error pid $pid: permission denied" "$G/ckpt.state"
	# not the socket behind it
	grep -q UDP "$G/ckpt.state" && return 1
	[ "$(grep -c '^error ' "$G/ckpt.state")" = 1 ]
	assert_running "$G" "$pid" "$T/s/log"
}
