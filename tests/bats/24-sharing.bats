#!/usr/bin/env bats
# shellcheck disable=SC2154,SC2030,SC2031 # $pid, $status: set by helpers and bats
# SPDX-License-Identifier: GPL-2.0
#
# An fd table, a cwd, memory and signal handlers shared by clone() between
# processes (CLONE_FILES, CLONE_FS, CLONE_VM, CLONE_SIGHAND) stay shared after
# restart: what one process opens, closes, enters, writes or ignores,
# the others see, and only they.

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

# The signals a process ignores (SIG_IGN), from its signal handlers.
sigign() { echo $((16#$(awk '/^SigIgn:/ { print $2 }' "/proc/$1/status"))); }
ign_has() { (( ($(sigign "$1") & $2) == $2 )); }
ign_lacks() { (( ($(sigign "$1") & $2) == 0 )); }

# check_vm P A B: one memory for the three, handlers shared by P and A only.
check_vm() {
	local d=$T/v

	# SIGHUP (0x1), ignored by A once B was made
	ign_has "$1" 1
	ign_has "$2" 1
	ign_lacks "$3" 1
	kill -USR1 "$3"
	wait_until test -e "$d/done-B"
	grep -qx "slots 0 0 1" "$d/done-B"
	# P reads what B wrote in its memory
	kill -USR1 "$1"
	wait_until test -e "$d/done-P"
	grep -qx "slots 1 0 1" "$d/done-P"
	kill -USR1 "$2"
	wait_until test -e "$d/done-A"
	grep -qx "slots 1 1 1" "$d/done-A"
	# SIGALRM (0x2000) ignored by P, SIGTERM (0x4000) by A: both see both
	ign_has "$1" $((0x6000))
	ign_has "$2" $((0x6000))
	ign_lacks "$3" $((0x6000))
	# SIGUSR2 (0x800) ignored by B: B's own handlers
	ign_has "$3" $((0x800))
	ign_lacks "$1" $((0x800))
	ign_lacks "$2" $((0x800))
}

@test "sharing: memory and signal handlers shared by clone() along the tree stay shared after restart" {
	G=$(new_group a)
	wl_start "$G" v vmsharers
	read -r _ p a b < "$T/v/info"
	checkpoint "$G" "$T/img" kill
	wait_until gone "$p"
	wait_until gone "$b"
	run "$CKPT" info "$T/img"
	[ "$status" = 0 ]
	grep -Eq "^ +$a +$a +$p .* parent's-memory parent's-handlers$" <<< "$output"
	grep -Eq "^ +$b +$b +$a .* parent's-memory$" <<< "$output"
	# the memory and the handlers are written once, with P
	[ "$(grep -c "^  mm: " <<< "$output")" = 1 ]
	[ "$(grep -c "^  signal SIGHUP " <<< "$output")" = 1 ]
	# B's handlers are its own
	[ "$(grep -c "^  signal SIGUSR1 " <<< "$output")" = 2 ]
	restart "$G" "$T/img"
	check_vm "$p" "$a" "$b"
}

@test "sharing: a checkpoint leaves the memory and handlers shared" {
	G=$(new_group a)
	wl_start "$G" v vmsharers
	read -r _ p a b < "$T/v/info"
	checkpoint "$G" "$T/img"
	check_vm "$p" "$a" "$b"
}

@test "sharing: memory shared other than along the tree is refused, naming both" {
	G=$(new_group a)
	wl_start "$G" v vmsharers -x
	read -r _ p _ b < "$T/v/info"
	image_out "$G" "$T/img"
	ensure_write_fail "$G/ckpt.trigger" checkpoint EOPNOTSUPP
	grep -Eq "^error pid ($p|$b): shares its memory \(CLONE_VM\) other than along the tree with pid ($p|$b); not supported yet$" \
		"$G/ckpt.state"
	state_is "$G" state idle
	wait_until frozen_is "$G" 0
	alive "$p"
	alive "$b"
	kill -USR1 "$b"
	wait_until test -e "$T/v/done-B"
	grep -qx "slots 0 0 1" "$T/v/done-B"
}
