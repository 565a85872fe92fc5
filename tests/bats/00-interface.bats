#!/usr/bin/env bats
# shellcheck disable=SC2154,SC2030,SC2031 # $pid, $last, $status: set by helpers and bats
# SPDX-License-Identifier: GPL-2.0
#
# The interface files on their own: presence, defaults, parsing, bad input.

load helpers

setup() { common_setup; }
teardown() { common_teardown; }

@test "interface: files exist on a child group, not on the root" {
	G=$(new_group a)
	for f in ckpt.exclude ckpt.image_fd ckpt.trigger ckpt.state; do
		[ -f "$G/$f" ]
		[ ! -e "$CGROOT/$f" ]
	done
	grep -qw ckpt "$CGROOT/cgroup.controllers"
	grep -qw ckpt "$PARENT/cgroup.subtree_control"
}

@test "interface: defaults of a new group" {
	G=$(new_group a)
	[ "$(cat "$G/ckpt.exclude")" = "" ]
	[ "$(cat "$G/ckpt.image_fd")" = none ]
	state_is "$G" state idle
	state_is "$G" last_op none
	state_is "$G" last_result none
	state_is "$G" errno 0
	state_is "$G" tasks 0
	state_is "$G" frozen_us 0
	refute grep -q '^error' "$G/ckpt.state"
	# flat keyed: one "key value" per line, the documented keys
	for k in state last_op last_result errno tasks bytes duration_us frozen_us; do
		grep -Eq "^$k [^ ]+$" "$G/ckpt.state"
	done
	run grep -Evc '^[a-z_]+ [^ ]' "$G/ckpt.state"
	[ "$output" = 0 ]
}

@test "exclude: +anon and -anon, the last mention wins" {
	G=$(new_group a)
	echo +anon > "$G/ckpt.exclude"
	[ "$(cat "$G/ckpt.exclude")" = anon ]
	echo -anon > "$G/ckpt.exclude"
	[ "$(cat "$G/ckpt.exclude")" = "" ]
	ensure_write_ok "$G/ckpt.exclude" "-anon +anon"
	[ "$(cat "$G/ckpt.exclude")" = anon ]
	ensure_write_ok "$G/ckpt.exclude" "+anon -anon"
	[ "$(cat "$G/ckpt.exclude")" = "" ]
	# what it reads can be written back
	echo +anon > "$G/ckpt.exclude"
	v=$(cat "$G/ckpt.exclude")
	ensure_write_ok "$G/ckpt.exclude" "+$v"
	[ "$(cat "$G/ckpt.exclude")" = anon ]
}

@test "exclude: unknown class fails EINVAL, all or nothing" {
	G=$(new_group a)
	ensure_write_fail "$G/ckpt.exclude" "+bogus" EINVAL
	[ "$(cat "$G/ckpt.exclude")" = "" ]
	ensure_write_fail "$G/ckpt.exclude" "+anon +bogus" EINVAL
	[ "$(cat "$G/ckpt.exclude")" = "" ]
	echo +anon > "$G/ckpt.exclude"
	ensure_write_fail "$G/ckpt.exclude" "-anon -bogus" EINVAL
	[ "$(cat "$G/ckpt.exclude")" = anon ]
	ensure_write_fail "$G/ckpt.exclude" "-anon +" EINVAL
	[ "$(cat "$G/ckpt.exclude")" = anon ]
}

@test "exclude: a child group created afterwards inherits the set" {
	G=$(new_group a)
	echo +anon > "$G/ckpt.exclude"
	echo +ckpt > "$G/cgroup.subtree_control"
	mkdir "$G/child"
	track_group "$G/child"
	[ "$(cat "$G/child/ckpt.exclude")" = anon ]
	# and it is its own copy
	echo -anon > "$G/child/ckpt.exclude"
	[ "$(cat "$G/ckpt.exclude")" = anon ]
}

@test "exclude: cgset -r ckpt.exclude=+anon and cgget" {
	G=$(new_group a)
	rel=${G#"$CGROOT"/}
	cgset -r ckpt.exclude=+anon "$rel"
	[ "$(cat "$G/ckpt.exclude")" = anon ]
	[ "$(cgget -n -v -r ckpt.exclude "$rel")" = anon ]
	cgset -r ckpt.exclude=-anon "$rel"
	[ "$(cat "$G/ckpt.exclude")" = "" ]
}

@test "image_fd: holds the file after the fd is closed, reads its path, none releases" {
	G=$(new_group a)
	exec {fd}>"$T/img"
	echo "$fd" > "$G/ckpt.image_fd"
	exec {fd}>&-
	[ "$(cat "$G/ckpt.image_fd")" = "$T/img" ]
	# the kernel's reference keeps the file open: it shows in no process,
	# yet the path stays
	"$WL/cgwrite" -r "$T/img" "$G/ckpt.image_fd"
	[ "$(cat "$G/ckpt.image_fd")" = "$T/img" ]
	echo none > "$G/ckpt.image_fd"
	[ "$(cat "$G/ckpt.image_fd")" = none ]
}

@test "image_fd: a number that is not an open fd fails EBADF" {
	G=$(new_group a)
	ensure_write_fail "$G/ckpt.image_fd" 987 EBADF
	[ "$(cat "$G/ckpt.image_fd")" = none ]
	"$WL/cgwrite" -w "$T/img" "$G/ckpt.image_fd"
	ensure_write_fail "$G/ckpt.image_fd" 987 EBADF
	[ "$(cat "$G/ckpt.image_fd")" = "$T/img" ]
}

@test "trigger: unknown commands fail EINVAL and change nothing" {
	G=$(new_group a)
	wl_start "$G" c counter 50
	image_out "$G" "$T/img"
	for cmd in bogus Checkpoint "checkpoint bogus" "checkpoint frozen kill" \
		   "restart now" "checkpointfrozen" $'\n'; do
		ensure_write_fail "$G/ckpt.trigger" "$cmd" EINVAL
	done
	state_is "$G" last_op none
	state_is "$G" state idle
	[ "$(file_size "$T/img")" = 0 ]
	assert_running "$G" "$pid" "$T/c/log"
}

@test "trigger: checkpoint of an empty group fails ESRCH" {
	G=$(new_group a)
	image_out "$G" "$T/img"
	ensure_write_fail "$G/ckpt.trigger" checkpoint ESRCH
	assert_failed "$G" ESRCH
	state_is "$G" last_op checkpoint
	state_is "$G" state idle
}

@test "trigger: checkpoint without an image fd fails EBADF" {
	G=$(new_group a)
	wl_start "$G" c counter 50
	ensure_write_fail "$G/ckpt.trigger" checkpoint EBADF
	assert_running "$G" "$pid" "$T/c/log"
}

@test "trigger: checkpoint to a read-only fd fails EBADF" {
	G=$(new_group a)
	wl_start "$G" c counter 50
	: > "$T/img"
	image_in "$G" "$T/img"
	ensure_write_fail "$G/ckpt.trigger" checkpoint EBADF
	[ "$(file_size "$T/img")" = 0 ]
	assert_running "$G" "$pid" "$T/c/log"
}
