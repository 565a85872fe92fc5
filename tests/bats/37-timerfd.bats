#!/usr/bin/env bats
# shellcheck disable=SC2154,SC2030,SC2031 # $pid, $status: set by helpers and bats
# SPDX-License-Identifier: GPL-2.0
#
# timerfd: clock, time left, interval, flags and unread expirations survive
# a restart; the time the image spends on disk does not count.

load helpers

setup() { common_setup; }
teardown() { common_teardown; }

@test "timerfd: clocks, time left, intervals, flags and ticks survive a restart" {
	G=$(new_group a)
	# the 3 s between checkpoint and restart do not count (-g 2.5)
	wl_start "$G" t timerfds -g 2.5
	checkpoint "$G" "$T/img" kill
	wait_until gone "$pid"
	run "$CKPT" info "$T/img"
	[ "$status" = 0 ]
	grep -Eq "^  timerfd \[[0-9]+\] clock monotonic, left 9[0-9]{11} ns, interval 0 ns, ticks 0$" <<< "$output"
	grep -Eq "^  timerfd \[[0-9]+\] clock monotonic, left 0 ns, interval 0 ns, ticks 1$" <<< "$output"
	grep -Eq "^  timerfd \[[0-9]+\] clock realtime, left 0 ns, interval 50000000 ns, ticks 1, abstime$" <<< "$output"
	grep -Eq "^  timerfd \[[0-9]+\] clock boottime, left 0 ns, interval 5000000000 ns, ticks 0$" <<< "$output"
	grep -Eq "^  timerfd \[[0-9]+\] clock realtime, left 9[0-9]{11} ns, interval 0 ns, ticks 0, abstime$" <<< "$output"
	grep -Eq "^  file \[[0-9]+\] timerfd anon_inode:\[timerfd\] on timerfd \[[0-9]+\], O_RDWR\|O_NONBLOCK" <<< "$output"
	sleep 3
	restart "$G" "$T/img"
	wl_check "$pid" t
}

@test "timerfd: a checkpoint leaves the timers and their ticks as they were" {
	G=$(new_group a)
	wl_start "$G" t timerfds
	checkpoint "$G" "$T/img"
	wl_check "$pid" t
}

@test "timerfd: restart refuses damaged timerfd records and leaves no task" {
	G=$(new_group a)
	wl_start "$G" t timerfds
	checkpoint "$G" "$T/img" kill
	wait_until gone "$pid"
	# an unknown clock, unknown flags, a reserved field, time out of range
	for args in \
		"0x0431 0 12 4 2 malformed timerfd record" \
		"0x0431 0 16 4 4 malformed timerfd record" \
		"0x0431 0 20 4 1 malformed timerfd record" \
		"0x0431 0 24 8 -1 malformed timerfd record" \
		"0x0431 0 32 8 -1 malformed timerfd record"; do
		damaged_restart_fails "$T/img" "$args" || return 1
	done
	restart "$G" "$T/img"
	wl_check "$pid" t
}
