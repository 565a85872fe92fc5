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
	# regular files are reopened by path, their contents left out
	[ "$(cat "$G/ckpt.exclude")" = files ]
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
	echo -files > "$G/ckpt.exclude"
	[ "$(cat "$G/ckpt.exclude")" = "" ]
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
	# every class, shown in one order whatever the order written
	ensure_write_ok "$G/ckpt.exclude" "+files +ipc +shmem"
	[ "$(cat "$G/ckpt.exclude")" = "anon shmem ipc files" ]
	ensure_write_ok "$G/ckpt.exclude" "-shmem -anon -files"
	[ "$(cat "$G/ckpt.exclude")" = ipc ]
	ensure_write_ok "$G/ckpt.exclude" "-ipc +files"
	[ "$(cat "$G/ckpt.exclude")" = files ]
}

@test "exclude: unknown class fails EINVAL, all or nothing" {
	G=$(new_group a)
	ensure_write_fail "$G/ckpt.exclude" "+bogus" EINVAL
	[ "$(cat "$G/ckpt.exclude")" = files ]
	ensure_write_fail "$G/ckpt.exclude" "+anon +bogus" EINVAL
	[ "$(cat "$G/ckpt.exclude")" = files ]
	ensure_write_fail "$G/ckpt.exclude" "+ipc -file" EINVAL
	[ "$(cat "$G/ckpt.exclude")" = files ]
	echo +anon > "$G/ckpt.exclude"
	ensure_write_fail "$G/ckpt.exclude" "-anon -bogus" EINVAL
	[ "$(cat "$G/ckpt.exclude")" = "anon files" ]
	ensure_write_fail "$G/ckpt.exclude" "-anon +" EINVAL
	[ "$(cat "$G/ckpt.exclude")" = "anon files" ]
}

@test "exclude: a child group created afterwards inherits the set" {
	G=$(new_group a)
	echo +anon > "$G/ckpt.exclude"
	echo +ckpt > "$G/cgroup.subtree_control"
	mkdir "$G/child"
	track_group "$G/child"
	[ "$(cat "$G/child/ckpt.exclude")" = "anon files" ]
	# and it is its own copy
	echo -anon > "$G/child/ckpt.exclude"
	[ "$(cat "$G/ckpt.exclude")" = "anon files" ]
}

@test "exclude: +ipc -files reaches the children created afterwards, not those before" {
	G=$(new_group a)
	echo +ckpt > "$G/cgroup.subtree_control"
	mkdir "$G/before"
	track_group "$G/before"
	[ "$(cat "$G/before/ckpt.exclude")" = files ]
	echo "+ipc -files" > "$G/ckpt.exclude"
	[ "$(cat "$G/ckpt.exclude")" = ipc ]
	mkdir "$G/after"
	track_group "$G/after"
	[ "$(cat "$G/after/ckpt.exclude")" = ipc ]
	# the one made before keeps what it had
	[ "$(cat "$G/before/ckpt.exclude")" = files ]
	# and the set goes down the tree made afterwards
	echo +ckpt > "$G/after/cgroup.subtree_control"
	mkdir "$G/after/grand"
	track_group "$G/after/grand"
	[ "$(cat "$G/after/grand/ckpt.exclude")" = ipc ]
}

@test "exclude: cgset -r ckpt.exclude=+anon and cgget" {
	G=$(new_group a)
	rel=${G#"$CGROOT"/}
	cgset -r ckpt.exclude=+anon "$rel"
	[ "$(cat "$G/ckpt.exclude")" = "anon files" ]
	[ "$(cgget -n -v -r ckpt.exclude "$rel")" = "anon files" ]
	cgset -r ckpt.exclude=-anon "$rel"
	[ "$(cat "$G/ckpt.exclude")" = files ]
	# the classes of issue 5, several in one value
	cgset -r "ckpt.exclude=+ipc -files" "$rel"
	[ "$(cat "$G/ckpt.exclude")" = ipc ]
	[ "$(cgget -n -v -r ckpt.exclude "$rel")" = ipc ]
	cgset -r ckpt.exclude=+files "$rel"
	[ "$(cat "$G/ckpt.exclude")" = "ipc files" ]
	# an unknown class fails, the set unchanged
	refute cgset -r ckpt.exclude=+bogus "$rel"
	[ "$(cat "$G/ckpt.exclude")" = "ipc files" ]
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
