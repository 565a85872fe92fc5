#!/usr/bin/env bats
# shellcheck disable=SC2154,SC2030,SC2031 # $pid, $status: set by helpers and bats
# SPDX-License-Identifier: GPL-2.0
#
# File locks: flock(), POSIX and OFD locks come back held by the same
# process or open file, with their ranges; a lock another process waits
# for, or a lease, is refused; a restart that cannot take a lock fails and
# leaves nothing.

load helpers

setup() { common_setup; }
teardown() { common_teardown; }

child_of() { awk '$1 == "child" { print $2 }' "$T/$1/info"; }

# locks_in DIR: the /proc/locks lines (without their number) of the files
# of DIR, sorted
locks_in() {
	local inodes

	inodes=$(stat -c %i "$1"/* | tr '\n' ' ')
	awk -v inodes=" $inodes" '{
		split($6, d, ":")
		if (index(inodes, " " d[3] " ")) { $1 = ""; print }
	}' /proc/locks | sort
}

# locks_start GROUP [ARGS]: the locks workload as "l", sets $child
locks_start() {
	wl_start "$1" l locks "${@:2}" || return 1
	child=$(child_of l)
	[ -n "$child" ] && track_pid "$child"
}

@test "locks: flock, POSIX and OFD locks come back held by the same owners" {
	G=$(new_group a)
	locks_start "$G"
	wl_check "$pid" l
	locks_in "$T/l" > "$T/locks.before"
	# flk (ex), shf (sh twice), 3 POSIX, 2 OFD
	[ "$(wc -l < "$T/locks.before")" = 8 ]
	grep -q "FLOCK ADVISORY WRITE $pid " "$T/locks.before"
	grep -q "POSIX ADVISORY WRITE $child .* 1000 EOF" "$T/locks.before"
	checkpoint "$G" "$T/img" kill
	wait_until gone "$pid"
	wait_until gone "$child"
	[ -z "$(locks_in "$T/l")" ]
	run "$CKPT" info "$T/img"
	[ "$status" = 0 ]
	[ "$(grep -c '^  lock ' <<< "$output")" = 8 ]
	grep -Eq "^  lock posix write fd 12 \[[0-9]+\] $T/l/px, bytes 1000-EOF" <<< "$output"
	grep -Eq "^  lock ofd read \[[0-9]+\] $T/l/ofd, bytes 50-59" <<< "$output"
	restart "$G" "$T/img"
	locks_in "$T/l" > "$T/locks.after"
	diff -u "$T/locks.before" "$T/locks.after"
	wl_check "$pid" l
	# and once more, from the restarted tasks
	checkpoint "$G" "$T/img2" kill
	wait_until gone "$pid"
	wait_until gone "$child"
	restart "$G" "$T/img2"
	locks_in "$T/l" > "$T/locks.after2"
	diff -u "$T/locks.before" "$T/locks.after2"
	wl_check "$pid" l
}

@test "locks: a lock a process outside the group waits for is refused, the group runs on" {
	G=$(new_group a)
	locks_start "$G"
	flock "$T/l/flk" true &
	waiter=$!
	track_pid "$waiter"
	wait_until grep -q -- '-> FLOCK' /proc/locks
	image_out "$G" "$T/img"
	ensure_write_fail "$G/ckpt.trigger" checkpoint EOPNOTSUPP
	assert_failed "$G" EOPNOTSUPP
	grep -qx "error pid $pid fd 10: a process outside the group waits for its flock() write lock on $T/l/flk, bytes 0-EOF" \
		"$G/ckpt.state"
	alive "$pid"
	wl_check "$pid" l
	kill "$waiter"
	wait "$waiter" || true
	checkpoint "$G" "$T/img"
	wl_check "$pid" l
}

@test "locks: a lease is refused" {
	G=$(new_group a)
	locks_start "$G" -L
	image_out "$G" "$T/img"
	ensure_write_fail "$G/ckpt.trigger" checkpoint EOPNOTSUPP
	grep -qx "error pid $pid fd 14: a lease (F_SETLEASE) on $T/l/lease; not supported" \
		"$G/ckpt.state"
	wl_check "$pid" l
}

@test "locks: a restart that cannot take a lock fails and leaves nothing" {
	G=$(new_group a)
	locks_start "$G"
	checkpoint "$G" "$T/img" kill
	wait_until gone "$pid"
	wait_until gone "$child"
	# someone else took the POSIX range of the parent meanwhile
	python3 -c '
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR)
fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, 50)
open(sys.argv[2], "w").close()
time.sleep(600)' "$T/l/px" "$T/held" &
	holder=$!
	track_pid "$holder"
	wait_until test -e "$T/held"
	image_in "$G" "$T/img"
	ensure_write_fail "$G/ckpt.trigger" restart EBUSY
	assert_failed "$G" EBUSY
	grep -qx "error pid $pid: cannot take its POSIX write lock on $T/l/px, bytes 0-99 (error -11): another process holds a lock on it" \
		"$G/ckpt.state"
	populated_is "$G" 0
	refute alive "$pid"
	# nothing of the failed restart holds a lock
	[ "$(locks_in "$T/l" | grep -vc " $holder ")" = 0 ]
	kill "$holder"
	wait "$holder" || true
	restart "$G" "$T/img"
	wl_check "$pid" l
}

@test "locks: damaged lock records are refused" {
	G=$(new_group a)
	locks_start "$G"
	checkpoint "$G" "$T/img" kill
	wait_until gone "$pid"
	wait_until gone "$child"
	# NTH OFFSET SIZE VALUE REASON: the first record is the flock() of
	# fd 10, the third the first POSIX lock, through fd 12
	while read -r nth off size value re; do
		cp "$T/img" "$T/bad"
		"$BATS_TEST_DIRNAME/imgpatch.py" "$T/bad" 0x0440 "$nth" "$off" "$size" "$value"
		g=$(new_group "r$RANDOM")
		image_in "$g" "$T/bad"
		ensure_write_fail "$g/ckpt.trigger" restart EINVAL
		grep -q "^error image: .*$re" "$g/ckpt.state" || {
			grep '^error' "$g/ckpt.state"
			echo "expected: $re"
			return 1
		}
		populated_is "$g" 0
	done <<'EOF2'
0 8 4 9 malformed lock record
0 12 4 2 malformed lock record
0 16 4 0 object 0 used before it is defined
0 20 4 5 malformed lock record
2 20 4 11 POSIX lock through fd 11, which does not hold its file
2 32 8 0x8000000000000000 malformed lock record
EOF2
	refute alive "$pid"
	restart "$G" "$T/img"
	wl_check "$pid" l
}
