#!/usr/bin/env bats
# shellcheck disable=SC2154,SC2030,SC2031 # $pid, $last, $status: set by helpers and bats
# SPDX-License-Identifier: GPL-2.0
#
# Checkpoint: the three modes, the image it writes, ckpt.state, and the
# ways it must fail.

load helpers

setup() { common_setup; }
teardown() { common_teardown; }

# check_image FILE PID: header and trailer of an image of one task PID.
check_image() {
	local f=$1 size

	size=$(file_size "$f")
	[ "$size" -gt $((HDR_LEN + TRAILER_LEN)) ]
	[ "$(head -c 8 "$f" | od -An -c | tr -d ' ')" = 'LXCKPT\r\n' ]
	[ "$(le32_at "$f" 8)" = 1 ]		# version
	[ "$(le32_at "$f" 12)" = "$HDR_LEN" ]	# header_len
	[ "$(le32_at "$f" 16)" = 1 ]		# arch x86_64
	[ "$(le32_at "$f" 20)" = 4096 ]		# page_size
	[ "$(le32_at "$f" 32)" = 1 ]		# nr_tasks
	# the trailer: type 0xff, bytes = everything before it
	[ "$(le32_at "$f" $((size - TRAILER_LEN)))" = 255 ]
	[ "$(le64_at "$f" $((size - TRAILER_LEN + 16)))" = $((size - TRAILER_LEN)) ]
	# the task table names the pid: first record after the header
	[ "$(le32_at "$f" "$HDR_LEN")" = 1 ]		# CKPT_REC_TASKS
	[ "$(le32_at "$f" $((HDR_LEN + 16)))" = "$2" ]	# task[0].pid
}

@test "checkpoint: plain, the process keeps running, image and state" {
	G=$(new_group a)
	wl_start "$G" c counter 50
	wait_count "$T/c/log" 2
	checkpoint "$G" "$T/img"
	check_image "$T/img" "$pid"
	[ "$(le64_at "$T/img" 24)" = 16 ]	# the default: files
	assert_running "$G" "$pid" "$T/c/log"
	[ "$(procs_of "$G")" = "$pid" ]
	state_is "$G" state idle
	state_is "$G" last_op checkpoint
	state_is "$G" last_result ok
	state_is "$G" errno 0
	state_is "$G" tasks 1
	state_is "$G" bytes "$(file_size "$T/img")"
	[ "$(state_get "$G" duration_us)" -gt 0 ]
	# the tasks were frozen for part of the operation
	[ "$(state_get "$G" frozen_us)" -gt 0 ]
	[ "$(state_get "$G" frozen_us)" -le "$(state_get "$G" duration_us)" ]
	refute grep -q '^error' "$G/ckpt.state"
	wl_check "$pid" c
}

@test "checkpoint: driven with plain shell, the kernel keeps the image file" {
	G=$(new_group a)
	wl_start "$G" c counter 50
	exec {fd}>"$T/img"
	echo "$fd" > "$G/ckpt.image_fd"
	exec {fd}>&-
	echo checkpoint > "$G/ckpt.trigger"
	check_image "$T/img" "$pid"
	state_is "$G" last_result ok
	assert_running "$G" "$pid" "$T/c/log"
}

@test "checkpoint: frozen leaves the group frozen, the count stands still" {
	G=$(new_group a)
	wl_start "$G" c counter 50
	wait_count "$T/c/log" 2
	checkpoint "$G" "$T/img" frozen
	check_image "$T/img" "$pid"
	[ "$(cat "$G/cgroup.freeze")" = 1 ]
	frozen_is "$G" 1
	state_is "$G" state frozen
	state_is "$G" last_result ok
	c=$(last_count "$T/c/log")
	sleep 1		# 20 periods
	[ "$(last_count "$T/c/log")" = "$c" ]
	alive "$pid"
	echo 0 > "$G/cgroup.freeze"
	wait_count "$T/c/log" $((c + 2))
	wl_check "$pid" c
}

@test "checkpoint: kill kills the group once the image is complete" {
	G=$(new_group a)
	wl_start "$G" c counter 50
	wait_count "$T/c/log" 2
	checkpoint "$G" "$T/img" kill
	wait_until gone "$pid"
	wait_until populated_is "$G" 0
	check_image "$T/img" "$pid"
	state_is "$G" last_result ok
	state_is "$G" tasks 1
	state_is "$G" bytes "$(file_size "$T/img")"
}

@test "checkpoint: three in a row of a running process" {
	G=$(new_group a)
	wl_start "$G" c counter 50
	for i in 1 2 3; do
		wait_count "$T/c/log" $((i * 5))
		checkpoint "$G" "$T/img$i"
		check_image "$T/img$i" "$pid"
		state_is "$G" last_result ok
	done
	assert_running "$G" "$pid" "$T/c/log"
	wl_check "$pid" c
}

@test "checkpoint: the writer inside the group fails EDEADLK" {
	G=$(new_group a)
	image_out "$G" "$T/img"
	run sh -c 'echo $$ > "$1/cgroup.procs" && exec "$2" "$1/ckpt.trigger" checkpoint' \
		_ "$G" "$WL/cgwrite"
	[ "$status" = 1 ]
	[ "$output" = EDEADLK ]
	wait_until populated_is "$G" 0
	assert_failed "$G" EDEADLK
	[ "$(cat "$G/cgroup.freeze")" = 0 ]
}

@test "checkpoint: a second trigger while one is in progress fails EBUSY" {
	G=$(new_group a)
	# 4 MiB of memory: the image cannot fit in the FIFO's 64 KiB, so the
	# checkpoint blocks until somebody reads
	wl_start "$G" m memcheck -m 4
	mkfifo "$T/fifo"
	exec {rw}<>"$T/fifo"
	image_out "$G" "$T/fifo"
	timeout 120 "$WL/cgwrite" "$G/ckpt.trigger" checkpoint > "$T/bg.out" 3>&- &
	bg=$!
	track_pid "$bg"
	wait_until state_is "$G" state checkpointing
	ensure_write_fail "$G/ckpt.trigger" checkpoint EBUSY
	ensure_write_fail "$G/ckpt.trigger" "checkpoint kill" EBUSY
	ensure_write_fail "$G/ckpt.trigger" restart EBUSY ENOTEMPTY
	state_is "$G" state checkpointing
	# drain the FIFO: the first checkpoint completes
	cat "$T/fifo" > "$T/img" 3>&- &
	track_pid $!
	exec {rw}>&-
	wait "$bg"
	[ ! -s "$T/bg.out" ]
	state_is "$G" last_result ok
	echo none > "$G/ckpt.image_fd"
	wait_until size_is_bytes "$T/img" "$G"
	check_image "$T/img" "$pid"
	[ "$(cat "$G/cgroup.freeze")" = 0 ]
	wl_check "$pid" m
}

@test "checkpoint: a fatal signal to the writer aborts it, the group runs on" {
	G=$(new_group a)
	wl_start "$G" m memcheck -m 4
	mkfifo "$T/fifo"
	exec {rw}<>"$T/fifo"
	image_out "$G" "$T/fifo"
	"$WL/cgwrite" "$G/ckpt.trigger" checkpoint > "$T/bg.out" 3>&- &
	bg=$!
	track_pid "$bg"
	wait_until state_is "$G" state checkpointing
	kill -KILL "$bg"
	wait "$bg" || true
	wait_until state_is "$G" state idle
	state_is "$G" last_result failed
	state_is "$G" errno 4
	exec {rw}>&-
	[ "$(cat "$G/cgroup.freeze")" = 0 ]
	wait_until frozen_is "$G" 0
	wl_check "$pid" m
}

@test "checkpoint: a user without ptrace access gets EPERM" {
	G=$(new_group a)
	wl_start "$G" c counter 50
	image_out "$G" "$T/img"
	chown 65534 "$G/ckpt.trigger"
	run setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$WL/cgwrite" "$G/ckpt.trigger" checkpoint
	[ "$status" = 1 ]
	[ "$output" = EPERM ]
	assert_failed "$G" EPERM
	[ "$(file_size "$T/img")" = 0 ]
	assert_running "$G" "$pid" "$T/c/log"
}

@test "checkpoint: permission is checked with the credentials of the opener" {
	G=$(new_group a)
	wl_start "$G" c counter 50
	image_out "$G" "$T/img"
	chown 65534 "$G/ckpt.trigger"
	# opened as uid 65534, written as root: still refused
	run "$WL/cgwrite" -E 65534 "$G/ckpt.trigger" checkpoint
	[ "$status" = 1 ]
	[ "$output" = EPERM ]
	assert_running "$G" "$pid" "$T/c/log"
	# the same file opened by root works
	checkpoint "$G" "$T/img"
	state_is "$G" last_result ok
}

@test "state: a failure sets errno and an error line, a success clears them" {
	G=$(new_group a)
	image_out "$G" "$T/img"
	ensure_write_fail "$G/ckpt.trigger" checkpoint ESRCH
	assert_failed "$G" ESRCH
	wl_start "$G" c counter 50
	checkpoint "$G" "$T/img"
	state_is "$G" last_result ok
	state_is "$G" errno 0
	refute grep -q '^error' "$G/ckpt.state"
}

# poll_test [-i]: a waiter on ckpt.state wakes on a checkpoint, on a
# failure, and not without a change.
poll_test() {
	G=$(new_group a)
	image_out "$G" "$T/img"

	# no change: times out
	run "$WL/pollwait" "$@" "$G/ckpt.state" 500
	[ "$status" = 1 ]

	# a failed checkpoint (empty group) is a change
	"$WL/pollwait" "$@" "$G/ckpt.state" 20000 "$T/armed1" > "$T/poll1" 3>&- &
	p1=$!
	track_pid "$p1"
	wait_until test -e "$T/armed1"
	ensure_write_fail "$G/ckpt.trigger" checkpoint ESRCH
	wait "$p1"
	[ "$(cat "$T/poll1")" = event ]

	# a successful one too
	wl_start "$G" c counter 50
	"$WL/pollwait" "$@" "$G/ckpt.state" 20000 "$T/armed2" > "$T/poll2" 3>&- &
	p2=$!
	track_pid "$p2"
	wait_until test -e "$T/armed2"
	checkpoint "$G" "$T/img"
	wait "$p2"
	[ "$(cat "$T/poll2")" = event ]
}

@test "state: poll(POLLPRI) wakes on every change" {
	poll_test
}

@test "state: inotify IN_MODIFY wakes on every change" {
	poll_test -i
}

@test "exclude: +anon leaves private anonymous memory out of the image" {
	G=$(new_group a)
	wl_start "$G" m memcheck -m 8
	checkpoint "$G" "$T/full"
	echo +anon > "$G/ckpt.exclude"
	checkpoint "$G" "$T/noanon"
	[ "$(le64_at "$T/full" 24)" = 16 ]	# CKPT_EXCL_FILES, the default
	[ "$(le64_at "$T/noanon" 24)" = 17 ]	# and CKPT_EXCL_ANON
	full=$(file_size "$T/full")
	noanon=$(file_size "$T/noanon")
	# at least the 8 MiB area and the 2 MiB heap are gone
	[ "$full" -gt $((10 << 20)) ]
	[ "$noanon" -lt $((full - (10 << 20))) ]
	wl_check "$pid" m
}
