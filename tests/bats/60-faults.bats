#!/usr/bin/env bats
# shellcheck disable=SC2154,SC2030,SC2031 # $pid, $r, $bg: set by helpers
# SPDX-License-Identifier: GPL-2.0
#
# Checkpoint faults: the image target fills up, its reader dies, the
# writer is killed, a task is killed during the dump, triggers race, the
# group is removed.  Each ends with the workload running and passing its
# own check (or, once its group is gone, with nothing left), the group
# thawed, ckpt.state idle with the errno and a reason, and no reference to
# the image left behind: a FIFO reader then sees EOF, a small tmpfs can be
# unmounted.

load helpers

setup() { common_setup; }
teardown() {
	[ -n "${T:-}" ] && umount "$T/small" 2>/dev/null
	common_teardown
}

# stall_fifo GROUP: hands GROUP the write end of a FIFO whose only reader
# is fd $r of this shell, which does not read: a checkpoint blocks once the
# FIFO (64 KiB) and the kernel's staging buffer are full.
stall_fifo() {
	local w

	mkfifo "$T/fifo"
	exec {w}<>"$T/fifo"
	exec {r}<"$T/fifo"
	image_out "$1" "$T/fifo" || return 1
	exec {w}>&-
}

# start_trigger GROUP COMMAND: writes COMMAND to GROUP/ckpt.trigger in the
# background, without the FIFO's read end; sets $bg, output in $T/bg.out.
start_trigger() {
	"$WL/cgwrite" "$1/ckpt.trigger" "$2" > "$T/bg.out" 3>&- {r}<&- &
	bg=$!
	track_pid "$bg"
}

# wait_stalled GROUP: the checkpoint runs and has pushed bytes out: its
# next write blocks on the full FIFO.
bytes_above() { [ "$(state_get "$1" bytes)" -gt "$2" ]; }
wait_stalled() {
	wait_until state_is "$1" state checkpointing || return 1
	wait_until bytes_above "$1" 0
}

# drained_to_eof: the FIFO's reader sees EOF once nothing holds its write
# end any more, neither the group (image_fd none first) nor a leftover
# reference of the operation.
drained_to_eof() {
	timeout 20 cat <&"$r" > /dev/null
}

# assert_fault GROUP ERRNO REGEX: the last operation failed with ERRNO and
# a reason matching REGEX; the group is idle and thawed.
assert_fault() {
	assert_failed "$1" "$2" || return 1
	state_is "$1" state idle || { cat "$1/ckpt.state" >&2; return 1; }
	state_is "$1" last_op checkpoint || return 1
	grep -Eq "^error .*$3" "$1/ckpt.state" || {
		grep '^error' "$1/ckpt.state" >&2
		echo "expected a reason matching: $3" >&2
		return 1
	}
	grep -qx 0 "$1/cgroup.freeze" || { echo "group left frozen" >&2; return 1; }
	wait_until frozen_is "$1" 0
}

# small_tmpfs KIB: a tmpfs of that size at $T/small.
small_tmpfs() {
	mkdir "$T/small"
	mount -t tmpfs -o size="$1"k ckpt-small "$T/small"
}

@test "fault: ENOSPC on the image target, the workload runs on" {
	G=$(new_group a)
	wl_start "$G" m memcheck -m 4
	small_tmpfs 256
	image_out "$G" "$T/small/img"
	ensure_write_fail "$G/ckpt.trigger" checkpoint ENOSPC
	assert_fault "$G" ENOSPC 'image: writing failed at byte [0-9]+ \(error -28\)'
	state_is "$G" tasks 1
	# a partial image: what fitted, not more
	[ "$(file_size "$T/small/img")" -le $((256 << 10)) ]
	[ "$(procs_of "$G")" = "$pid" ]
	wl_check "$pid" m
	# the group drops its reference: nothing else holds a file there
	echo none > "$G/ckpt.image_fd"
	umount "$T/small"
}

@test "fault: ENOSPC with checkpoint kill: the image is incomplete, nothing is killed" {
	G=$(new_group a)
	wl_start "$G" c counter 50
	cpid=$pid
	wl_start "$G" m memcheck -m 4
	mpid=$pid
	small_tmpfs 256
	image_out "$G" "$T/small/img"
	ensure_write_fail "$G/ckpt.trigger" "checkpoint kill" ENOSPC
	assert_fault "$G" ENOSPC 'error -28'
	state_is "$G" tasks 2
	alive "$mpid"
	assert_running "$G" "$cpid" "$T/c/log"
	wl_check "$mpid" m
	wl_check "$cpid" c
	# the same with room: now the kill happens
	echo none > "$G/ckpt.image_fd"
	umount "$T/small"
	checkpoint "$G" "$T/img" kill
	wait_until populated_is "$G" 0
	state_is "$G" last_result ok
}

@test "fault: the FIFO reader dies mid-image: EPIPE, SIGPIPE to the writer" {
	G=$(new_group a)
	wl_start "$G" m memcheck -m 4
	stall_fifo "$G"
	# the reader is a process of its own, the shell keeps no read end
	sleep 3600 <&"$r" 3>&- &
	reader=$!
	track_pid "$reader"
	exec {r}<&-
	start_trigger "$G" checkpoint
	wait_stalled "$G"
	kill -9 "$reader"
	# the writer gets SIGPIPE, as from write(2) to a pipe without reader;
	# by default that kills it (status 128 + 13)
	status=0
	wait "$bg" || status=$?
	[ "$status" = 141 ]
	wait_until state_is "$G" state idle
	assert_fault "$G" EPIPE 'image: writing failed at byte [0-9]+ \(error -32\)'
	wl_check "$pid" m
}

@test "fault: the FIFO reader dies, a writer ignoring SIGPIPE gets EPIPE" {
	G=$(new_group a)
	wl_start "$G" m memcheck -m 4
	stall_fifo "$G"
	sleep 3600 <&"$r" 3>&- &
	reader=$!
	track_pid "$reader"
	exec {r}<&-
	(trap '' PIPE; exec "$WL/cgwrite" "$G/ckpt.trigger" checkpoint) > "$T/bg.out" 3>&- &
	bg=$!
	track_pid "$bg"
	wait_stalled "$G"
	kill -9 "$reader"
	status=0
	wait "$bg" || status=$?
	[ "$status" = 1 ]
	[ "$(cat "$T/bg.out")" = EPIPE ]
	assert_fault "$G" EPIPE 'error -32'
	wl_check "$pid" m
}

# The faults below strike while the group is frozen and the image streams:
# "checkpoint no-snapshot" keeps it frozen that long.
# writer_killed TRIGGER FROZEN: the writer of TRIGGER, stalled on a full
# FIFO with the group frozen or not (FROZEN 1 or 0), is SIGKILLed: EINTR,
# the same tasks run on, and nothing keeps the FIFO open.
writer_killed() {
	G=$(new_group a)
	wl_start "$G" t tree -n 7 -t 200
	stall_fifo "$G"
	procs=$(procs_of "$G")
	start_trigger "$G" "$1"
	wait_stalled "$G"
	frozen_is "$G" "$2"
	kill -9 "$bg"
	wait "$bg" || true
	wait_until state_is "$G" state idle
	assert_fault "$G" EINTR 'image: writing interrupted by a signal'
	[ "$(procs_of "$G")" = "$procs" ]
	usr1_all "$G" t 7
	# neither the writer nor the operation keeps the FIFO open
	echo none > "$G/ckpt.image_fd"
	drained_to_eof
}

@test "fault: SIGKILL to the writer mid-image: EINTR, thawed, no reference left" {
	writer_killed "checkpoint no-snapshot" 1
}

@test "fault: SIGKILL to the writer mid-snapshot: EINTR, the group ran on, no reference left" {
	# a snapshot checkpoint thaws before it streams
	writer_killed checkpoint 0
}

# usr1_all GROUP NAME N: SIGUSR1 to every process of GROUP; N more OK lines.
usr1_all() {
	local rf=$T/$2/result n p

	n=$(grep -c '^OK' "$rf" 2>/dev/null) || n=0
	while read -r p; do
		kill -USR1 "$p"
	done < "$1/cgroup.procs"
	wait_until matches_ge "$rf" '^OK' $((n + $3)) || { cat "$rf" >&2; return 1; }
	! grep -q '^FAIL' "$rf" || { grep '^FAIL' "$rf" >&2; return 1; }
}

@test "fault: a task SIGKILLed by someone else during the dump: EAGAIN, the rest runs on" {
	G=$(new_group a)
	wl_start "$G" t tree -n 7 -t 200
	stall_fifo "$G"
	# the last process of the tree, a leaf
	victim=$(awk '$6 == 6 { print $2 }' "$T/t/up")
	[ -n "$victim" ]
	start_trigger "$G" "checkpoint no-snapshot"
	wait_stalled "$G"
	kill -9 "$victim"
	wait_until gone_or_zombie "$victim"
	# let the image flow: the checkpoint reaches its end and fails
	cat <&"$r" > "$T/img" &
	track_pid $!
	status=0
	wait "$bg" || status=$?
	[ "$status" = 1 ]
	[ "$(cat "$T/bg.out")" = EAGAIN ]
	assert_fault "$G" EAGAIN "pid $victim was killed during the checkpoint"
	state_is "$G" tasks 7
	# six processes left, each passes its own check
	[ "$(wc -l < "$G/cgroup.procs")" = 6 ]
	usr1_all "$G" t 6
}
gone_or_zombie() { ! alive "$1"; }

@test "fault: a task killed while a checkpoint kill streams: nobody else is killed" {
	G=$(new_group a)
	wl_start "$G" t tree -n 7 -t 200
	stall_fifo "$G"
	victim=$(awk '$6 == 6 { print $2 }' "$T/t/up")
	start_trigger "$G" "checkpoint kill"
	wait_stalled "$G"
	kill -9 "$victim"
	cat <&"$r" > "$T/img" &
	track_pid $!
	wait "$bg" || true
	[ "$(cat "$T/bg.out")" = EAGAIN ]
	assert_fault "$G" EAGAIN "pid $victim was killed"
	usr1_all "$G" t 6
}

@test "fault: two checkpoint triggers at once: one EBUSY, the other completes" {
	G=$(new_group a)
	wl_start "$G" m memcheck -m 4
	stall_fifo "$G"
	"$WL/cgwrite" "$G/ckpt.trigger" "checkpoint no-snapshot" > "$T/w1" 3>&- {r}<&- &
	w1=$!
	"$WL/cgwrite" "$G/ckpt.trigger" "checkpoint no-snapshot" > "$T/w2" 3>&- {r}<&- &
	w2=$!
	track_pid "$w1"
	track_pid "$w2"
	wait_until state_is "$G" state checkpointing
	# the loser returns at once, the winner waits for the reader
	wait_until test -s "$T/w1" -o -s "$T/w2"
	sleep 0.2
	[ "$(cat "$T/w1" "$T/w2")" = EBUSY ]
	state_is "$G" state checkpointing
	frozen_is "$G" 1
	cat <&"$r" > "$T/img" &
	track_pid $!
	wait "$w1" "$w2" || true
	[ "$(cat "$T/w1" "$T/w2")" = EBUSY ]
	state_is "$G" last_result ok
	state_is "$G" state idle
	echo none > "$G/ckpt.image_fd"
	wait_until size_is_bytes "$T/img" "$G"
	[ "$(le32_at "$T/img" $(($(file_size "$T/img") - TRAILER_LEN)))" = 255 ]
	frozen_is "$G" 0
	wl_check "$pid" m
}

@test "fault: checkpoint and restart race on one group: EBUSY, the restart leaves nothing" {
	G=$(new_group a)
	# an image whose pid is free again
	checkpoint_kill_counter "$G" "$T/img"
	# a restart blocked reading a FIFO that nobody writes yet
	mkfifo "$T/fifo"
	exec {w}<>"$T/fifo"
	image_in "$G" "$T/fifo"
	"$WL/cgwrite" "$G/ckpt.trigger" restart > "$T/bg.out" 3>&- {w}>&- &
	bg=$!
	track_pid "$bg"
	wait_until state_is "$G" state restarting
	ensure_write_fail "$G/ckpt.trigger" checkpoint EBUSY
	ensure_write_fail "$G/ckpt.trigger" restart EBUSY
	ensure_write_fail "$G/ckpt.image_fd" none EBUSY
	run sh -c 'echo $$ > "$1/cgroup.procs"' _ "$G"
	[ "$status" != 0 ]
	state_is "$G" state restarting
	# half an image, then EOF: the restart fails with no task
	head -c 100 "$T/img" >&"$w"
	exec {w}>&-
	status=0
	wait "$bg" || status=$?
	[ "$status" = 1 ]
	[ "$(cat "$T/bg.out")" = ENODATA ]
	state_is "$G" last_op restart
	assert_failed "$G" ENODATA
	populated_is "$G" 0
	gone "$pid"
	# and the group works: the whole image restarts
	restart "$G" "$T/img"
	wait_until alive "$pid"
	wait_count "$T/c/log" $((last + 2))
}

@test "fault: rmdir during a checkpoint: EBUSY while tasks live, then the group goes" {
	G=$(new_group a)
	wl_start "$G" t tree -n 7 -t 200
	stall_fifo "$G"
	start_trigger "$G" "checkpoint no-snapshot"
	wait_stalled "$G"
	run rmdir "$G"
	[ "$status" != 0 ]
	[ -d "$G" ]
	# everything is killed while the image streams; the group can go
	echo 1 > "$G/cgroup.kill"
	wait_until populated_is "$G" 0
	rmdir "$G"
	timeout 20 cat <&"$r" > "$T/img" &
	reader=$!
	status=0
	wait "$bg" || status=$?
	[ "$status" = 1 ]
	[ "$(cat "$T/bg.out")" = EAGAIN ]
	# the group's last reference went with the writer: EOF to the reader
	wait "$reader"
	# no task of the tree is left
	while read -r _ p _; do gone "$p"; done < "$T/t/up"
}

@test "fault: rmdir during a restart: ENODEV, no task, the pid is free" {
	G=$(new_group a)
	checkpoint_kill_counter "$G" "$T/img"
	H=$(new_group b)
	mkfifo "$T/fifo"
	exec {w}<>"$T/fifo"
	image_in "$H" "$T/fifo"
	"$WL/cgwrite" "$H/ckpt.trigger" restart > "$T/bg.out" 3>&- {w}>&- &
	bg=$!
	track_pid "$bg"
	wait_until state_is "$H" state restarting
	# the group is empty until the tasks are made: it can be removed
	rmdir "$H"
	cat "$T/img" >&"$w" &
	feeder=$!
	track_pid "$feeder"
	status=0
	wait "$bg" || status=$?
	[ "$status" = 1 ]
	[ "$(cat "$T/bg.out")" = ENODEV ]
	gone "$pid"
	exec {w}>&-
	kill "$feeder" 2>/dev/null || true
	# the pid is free: the image restarts into another group
	restart "$G" "$T/img"
	wait_until alive "$pid"
	wait_count "$T/c/log" $((last + 2))
}

@test "fault: rmdir right after a failed checkpoint, then a new group of that name" {
	G=$(new_group a)
	wl_start "$G" m memcheck -m 4
	small_tmpfs 128
	image_out "$G" "$T/small/img"
	ensure_write_fail "$G/ckpt.trigger" checkpoint ENOSPC
	echo 1 > "$G/cgroup.kill"
	wait_until populated_is "$G" 0
	rmdir "$G"
	# the removed group held the last reference to the image file
	wait_until umount "$T/small"
	mkdir "$G"
	state_is "$G" last_op none
	[ "$(cat "$G/ckpt.image_fd")" = none ]
}
