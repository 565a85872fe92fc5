#!/usr/bin/env bats
# shellcheck disable=SC2154,SC2030,SC2031 # $pid, $status: set by helpers and bats
# SPDX-License-Identifier: GPL-2.0
#
# ptys: a pair the group holds alone survives a restart with the slave's
# termios and window, the bytes buffered both ways, and the session it is
# the controlling terminal of, with its foreground process group.  A
# terminal whose master is outside the group (as a shell's terminal is) is
# refused before anything is written, with a reason naming the pid, the fd
# and the terminal; input in canonical mode is refused too.  Either way
# the workload runs on, its terminal as it was.

load helpers

setup() { common_setup; }
teardown() { common_teardown; }

child_of() { awk '$1 == "child" { print $2 }' "$T/$1/info"; }

@test "pty: a terminal whose master is held outside the group is refused, naming pid, fd and terminal" {
	G=$(new_group a)
	G2=$(new_group b)
	wl_start "$G" p ptys -o "$G2"
	child=$(child_of p)
	wait_until grep -qx "$child" "$G2/cgroup.procs"
	image_out "$G" "$T/img"
	ensure_write_fail "$G/ckpt.trigger" checkpoint EOPNOTSUPP
	assert_failed "$G" EOPNOTSUPP
	grep -Ex "error pid $pid fd 11: /dev/pts/[0-9]+: a terminal also open outside the group \(its master, or another open file of it\); exclude dev to checkpoint without it" "$G/ckpt.state"
	# nothing was written
	[ "$(state_get "$G" bytes)" = 0 ]
	wl_check "$pid" p
}

@test "pty: termios, window and the bytes buffered both ways survive a restart" {
	G=$(new_group a)
	wl_start "$G" p ptys
	checkpoint "$G" "$T/img" kill
	wait_until gone "$pid"
	run "$CKPT" info "$T/img"
	[ "$status" = 0 ]
	grep -Eq "^  pty \[[0-9]+\] /dev/pts/[0-9]+ through /dev/ptmx, 33x111, in 18 bytes, out 15 bytes$" <<< "$output"
	grep -Eq "^  file \[[0-9]+\] pty master /dev/ptmx on pty \[[0-9]+\], O_RDWR\|O_NONBLOCK" <<< "$output"
	grep -Eq "^  file \[[0-9]+\] pty slave /dev/pts/[0-9]+ on pty \[[0-9]+\], O_RDWR\|O_NONBLOCK" <<< "$output"
	restart "$G" "$T/img"
	wl_check "$pid" p
	# and again: the workload wrote the bytes back after its check
	checkpoint "$G" "$T/img2" kill
	wait_until gone "$pid"
	restart "$G" "$T/img2"
	wl_check "$pid" p
}

@test "pty: a checkpoint leaves the pair and its bytes as they were" {
	G=$(new_group a)
	wl_start "$G" p ptys
	checkpoint "$G" "$T/img"
	wl_check "$pid" p
	checkpoint "$G" "$T/img"
	checkpoint "$G" "$T/img"
	wl_check "$pid" p
}

@test "pty: the controlling terminal of a session and its foreground group survive a restart" {
	G=$(new_group a)
	wl_start "$G" p ptys -c
	child=$(child_of p)
	group=$(awk '$1 == "group" { print $2 }' "$T/p/info")
	wl_check "$pid" p
	checkpoint "$G" "$T/img" kill
	wait_until gone "$pid"
	wait_until gone "$group"
	run "$CKPT" info "$T/img"
	[ "$status" = 0 ]
	grep -Eq "^  pty \[[0-9]+\] .*, session $child, foreground $group" <<< "$output"
	[ "$(grep -Ec "^  controlling terminal: pty \[[0-9]+\]$" <<< "$output")" = 2 ]
	restart "$G" "$T/img"
	# tcgetpgrp() in the session leader, ^G (its VINTR) to the group
	wl_check "$pid" p
	[ "$(awk '{ print $7 }' "/proc/$child/stat")" != 0 ]
	[ "$(awk '{ print $8 }' "/proc/$child/stat")" = "$group" ]
}

@test "pty: input in canonical mode is refused, and left as it was" {
	G=$(new_group a)
	wl_start "$G" p ptys -l
	image_out "$G" "$T/img"
	ensure_write_fail "$G/ckpt.trigger" checkpoint EOPNOTSUPP
	assert_failed "$G" EOPNOTSUPP
	grep -Ex "error pid $pid fd 10: /dev/pts/[0-9]+: input not read in canonical mode \(lines, or one typed\); not supported; exclude dev to checkpoint without it" "$G/ckpt.state"
	# the line being typed is still there: ended, it reads "abc\n"
	wl_check "$pid" p
}

@test "pty: restart refuses damaged pty records and leaves no task" {
	G=$(new_group a)
	wl_start "$G" p ptys -c
	checkpoint "$G" "$T/img" kill
	wait_until gone "$pid"
	# flags, line discipline, reserved, too many bytes, a group without
	# a session; data of another pty, of the other direction; a session
	# the process is not in; a controlling terminal's reserved field and
	# an undefined pty
	for args in \
		"0x0434 0 16 4 0x100 malformed pty record" \
		"0x0434 0 48 1 1 malformed pty record" \
		"0x0434 0 100 4 1 malformed pty record" \
		"0x0434 0 88 4 5000 malformed pty record" \
		"0x0434 0 80 4 0 malformed pty record" \
		"0x0435 0 8 4 999 pty [0-9]+: bad data record" \
		"0x0435 0 12 4 1 pty [0-9]+: bad data record" \
		"0x0434 0 80 4 1 a controlling terminal of session 1" \
		"0x0436 0 12 4 1 malformed controlling terminal record" \
		"0x0436 0 8 4 9999 object 9999 used before it is defined"; do
		damaged_restart_fails "$T/img" "$args" || return 1
	done
	restart "$G" "$T/img"
	wl_check "$pid" p
}

# ckpt.exclude dev: terminals left out, /dev/null in their place.

@test "pty: +dev: a terminal whose master is outside the group is left out; the checkpoint succeeds and leaves it as it was" {
	G=$(new_group a)
	G2=$(new_group b)
	wl_start "$G" p ptys -o "$G2"
	child=$(child_of p)
	wait_until grep -qx "$child" "$G2/cgroup.procs"
	echo +dev > "$G/ckpt.exclude"
	checkpoint "$G" "$T/img"
	run "$CKPT" info "$T/img"
	[ "$status" = 0 ]
	grep -q "^  exclude: files dev$" <<< "$output"
	grep -Eq "^  file \[[0-9]+\] device left out /dev/pts/[0-9]+ \(rdev 136:[0-9]+\), O_RDWR(\|O_LARGEFILE)?: /dev/null in its place$" <<< "$output" || { echo "$output"; false; }
	refute grep -q "^  pty " <<< "$output"
	# the terminal works as before: the child outside reads what it writes
	wl_check "$pid" p
}

@test "pty: +dev: after a restart the terminals read end of file, take writes, and no one has a controlling terminal" {
	G=$(new_group a)
	wl_start "$G" p ptys -c -x
	child=$(child_of p)
	[ "$(awk '{ print $7 }' "/proc/$child/stat")" != 0 ]
	echo +dev > "$G/ckpt.exclude"
	checkpoint "$G" "$T/img" kill
	wait_until gone "$pid"
	run "$CKPT" info "$T/img"
	[ "$status" = 0 ]
	refute grep -q "controlling terminal" <<< "$output"
	[ "$(grep -Ec "^  file \[[0-9]+\] device left out /dev/(ptmx|pts/[0-9]+) " <<< "$output")" = 3 ]
	restart "$G" "$T/img"
	[ "$(readlink "/proc/$pid/fd/10")" = /dev/null ]
	[ "$(readlink "/proc/$pid/fd/11")" = /dev/null ]
	# tty_nr of the session leader: none
	[ "$(awk '{ print $7 }' "/proc/$child/stat")" = 0 ]
	wl_check "$pid" p
}
