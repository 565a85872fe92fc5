#!/usr/bin/env bats
# shellcheck disable=SC2154,SC2030,SC2031 # $pid, $status: set by helpers and bats
# SPDX-License-Identifier: GPL-2.0
#
# eventfd: the count, EFD_SEMAPHORE, flags, readiness and sharing across
# fork survive a restart.

load helpers

setup() { common_setup; }
teardown() { common_teardown; }

child_of() { awk '$1 == "child" { print $2 }' "$T/$1/info"; }

@test "eventfd: counts, semaphore mode, flags, poll readiness and sharing across fork survive a restart" {
	G=$(new_group a)
	wl_start "$G" e eventfds
	child=$(child_of e)
	checkpoint "$G" "$T/img" kill
	wait_until gone "$pid"
	wait_until gone "$child"
	run "$CKPT" info "$T/img"
	[ "$status" = 0 ]
	grep -Eq "^  eventfd \[[0-9]+\] count 1005$" <<< "$output"
	grep -Eq "^  eventfd \[[0-9]+\] count 3, semaphore$" <<< "$output"
	grep -Eq "^  eventfd \[[0-9]+\] count 18446744073709551614$" <<< "$output"
	grep -Eq "^  file \[[0-9]+\] eventfd anon_inode:\[eventfd\] on eventfd \[[0-9]+\], O_RDWR\|O_NONBLOCK" <<< "$output"
	# the fd shared with the child is one file, written once
	[ "$(grep -c "^  eventfd " <<< "$output")" = 4 ]
	restart "$G" "$T/img"
	wl_check "$pid" e
}

@test "eventfd: a checkpoint leaves the counters as they were" {
	G=$(new_group a)
	wl_start "$G" e eventfds
	checkpoint "$G" "$T/img"
	wl_check "$pid" e
}
