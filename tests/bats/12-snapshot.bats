#!/usr/bin/env bats
# shellcheck disable=SC2154,SC2030,SC2031 # $pid, $status: set by helpers and bats
# SPDX-License-Identifier: GPL-2.0
#
# "checkpoint" thaws the group once the state is recorded and the memory
# snapshotted copy-on-write; the pages are written while the program runs.
# The workload "cowcheck" rewrites its memory pass after pass and checks, page
# by page, that it finds the previous pass: it fails as soon as it runs from an
# image whose memory is not of the same instant as its registers.

load helpers

setup() { common_setup; }
teardown() { common_teardown; }

pass_of() { awk '$1 == "pass" { p = $2 } END { print p + 0 }' "$T/$1/log"; }
pass_above() { [ "$(pass_of "$1")" -gt "$2" ]; }

# cow_cycle GROUP TRIGGER-MODE [cowcheck options]: checkpoint while it
# writes, check it goes on, kill it, restart, check it goes on.  Sets
# $frozen and $duration, from ckpt.state after the checkpoint.
cow_cycle() {
	local g=$1 mode=$2 p

	shift 2
	wl_start "$g" w cowcheck -m 32 "$@"
	wait_until pass_above w 3
	checkpoint "$g" "$T/img" "$mode"
	state_is "$g" last_result ok
	frozen=$(state_get "$g" frozen_us)
	duration=$(state_get "$g" duration_us)
	# the program ran on, and its memory is still its own
	p=$(pass_of w)
	wait_until pass_above w "$((p + 1))"
	wl_check "$pid" w
	kill -KILL "$pid"
	wait_until gone "$pid"
	restart "$g" "$T/img"
	# from the image: the pass it was in, then a whole one
	wl_check "$pid" w
	wl_check "$pid" w
	refute grep FAIL "$T/w/log"
}

@test "snapshot: a checkpoint of a program that keeps writing holds one instant" {
	G=$(new_group a)
	cow_cycle "$G" ""
	# the pages were written after the thaw: most of the time unfrozen
	[ "$frozen" -lt "$((duration / 2))" ] || {
		echo "frozen $frozen us of $duration us" >&2
		false
	}
}

@test "snapshot: memory fork() does not copy (MADV_DONTFORK) is copied while frozen" {
	G=$(new_group a)
	cow_cycle "$G" "" -D
}

@test "snapshot: 'checkpoint no-snapshot' writes everything while frozen" {
	G=$(new_group a)
	cow_cycle "$G" no-snapshot
	# frozen until the image was complete
	[ "$frozen" -ge "$((duration / 2))" ] || {
		echo "frozen $frozen us of $duration us" >&2
		false
	}
}
