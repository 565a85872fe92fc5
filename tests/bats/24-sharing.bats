#!/usr/bin/env bats
# shellcheck disable=SC2154,SC2030,SC2031 # $pid, $status: set by helpers and bats
# SPDX-License-Identifier: GPL-2.0
#
# An fd table and a cwd shared by clone() between processes (CLONE_FILES,
# CLONE_FS) stay shared after restart: what one process opens, closes or
# enters, the others see, and only they.

load helpers

setup() { common_setup; }
teardown() { common_teardown; }

fd_is() { [ "$(readlink "/proc/$1/fd/$2")" = "$3" ]; }
cwd_is() { [ "$(readlink "/proc/$1/cwd")" = "$2" ]; }

# check_shared P A B: P and A share fds and cwd, B their fds only.
check_shared() {
	local d=$T/s x

	for x in "$1" "$2" "$3"; do
		fd_is "$x" 41 "$d/marker"
		cwd_is "$x" "$d"
	done
	kill -USR1 "$3"
	wait_until test -e "$d/done-B"
	for x in "$1" "$2" "$3"; do fd_is "$x" 40 "$d/from-b"; done
	cwd_is "$3" "$d/b"
	cwd_is "$1" "$d"
	kill -USR1 "$2"
	wait_until test -e "$d/done-A"
	for x in "$1" "$2" "$3"; do [ ! -e "/proc/$x/fd/41" ]; done
	cwd_is "$1" "$d/a"
	cwd_is "$2" "$d/a"
	cwd_is "$3" "$d/b"
	kill -USR1 "$1"
	wait_until test -e "$d/done-P"
	for x in "$1" "$2" "$3"; do fd_is "$x" 42 "$d/from-p"; done
}

@test "sharing: an fd table and a cwd shared by clone() along the tree stay shared after restart" {
	G=$(new_group a)
	wl_start "$G" s sharers
	read -r _ p a b < "$T/s/info"
	checkpoint "$G" "$T/img" kill
	wait_until gone "$p"
	wait_until gone "$b"
	run "$CKPT" info "$T/img"
	[ "$status" = 0 ]
	grep -Eq "^ +$a +$a +$p .* parent's-fds parent's-cwd$" <<< "$output"
	grep -Eq "^ +$b +$b +$a .* parent's-fds$" <<< "$output"
	# the table is written once: fd 41 only in P's records
	[ "$(grep -c "^  fd 41 " <<< "$output")" = 1 ]
	restart "$G" "$T/img"
	check_shared "$p" "$a" "$b"
}

@test "sharing: a checkpoint leaves the sharing as it was" {
	G=$(new_group a)
	wl_start "$G" s sharers
	read -r _ p a b < "$T/s/info"
	checkpoint "$G" "$T/img"
	check_shared "$p" "$a" "$b"
}

@test "sharing: an fd table shared other than along the tree is refused, naming both" {
	G=$(new_group a)
	wl_start "$G" s sharers -u
	read -r _ p a b < "$T/s/info"
	image_out "$G" "$T/img"
	ensure_write_fail "$G/ckpt.trigger" checkpoint EOPNOTSUPP
	grep -Eq "^error pid ($p|$b): shares its fd table \(CLONE_FILES\) other than along the tree with pid ($p|$b); not supported yet$" \
		"$G/ckpt.state"
	state_is "$G" state idle
	grep -qx 0 "$G/cgroup.freeze"
	wait_until frozen_is "$G" 0
	for x in "$p" "$a" "$b"; do alive "$x"; done
}
