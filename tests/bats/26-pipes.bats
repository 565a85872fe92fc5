#!/usr/bin/env bats
# shellcheck disable=SC2154,SC2030,SC2031 # $pid, $last, $status: set by helpers and bats
# SPDX-License-Identifier: GPL-2.0
#
# Pipes and FIFOs: the bytes in flight, sizes, flags, readiness and sharing
# survive a restart; a pipeline loses and duplicates no byte; a pipe with
# an end outside the group is refused.

load helpers

setup() { common_setup; }
teardown() { common_teardown; }

# child_of NAME: the pid the workload NAME wrote as "child PID" in its info.
child_of() { awk '$1 == "child" { print $2 }' "$T/$1/info"; }

@test "pipes: bytes in flight both ways, sizes, flags, FIFO, poll readiness and sharing survive a restart" {
	G=$(new_group a)
	wl_start "$G" s pipes
	child=$(child_of s)
	[ -n "$child" ]
	checkpoint "$G" "$T/img" kill
	wait_until gone "$pid"
	wait_until gone "$child"
	# the image holds the pipes and what they buffered: A alone is 150000 bytes
	run "$CKPT" info "$T/img"
	[ "$status" = 0 ]
	grep -Eq "^  pipe \[[0-9]+\] pipe:\[[0-9]+\], size 262144, 150000 bytes" <<< "$output"
	grep -Eq "^  pipe \[[0-9]+\] fifo $T/s/fifo, size 65536, 5000 bytes" <<< "$output"
	grep -Eq "^  file \[[0-9]+\] pipe pipe:\[[0-9]+\] on pipe \[[0-9]+\], O_WRONLY\|O_NONBLOCK" <<< "$output"
	restart "$G" "$T/img"
	[ "$(procs_of "$G" | tr ' ' '\n' | sort -n | tr '\n' ' ')" = "$pid $child " ]
	wl_check "$pid" s
}

@test "pipes: a restarted pair can be checkpointed and restarted again" {
	G=$(new_group a)
	wl_start "$G" s pipes
	child=$(child_of s)
	checkpoint "$G" "$T/img" kill
	wait_until gone "$child"
	restart "$G" "$T/img"
	checkpoint "$G" "$T/img2" kill
	wait_until gone "$pid"
	wait_until gone "$child"
	restart "$G" "$T/img2"
	wl_check "$pid" s
}

@test "pipes: a checkpoint leaves the pipes of a running group as they were" {
	G=$(new_group a)
	wl_start "$G" s pipes
	checkpoint "$G" "$T/img"
	checkpoint "$G" "$T/img" frozen
	echo 0 > "$G/cgroup.freeze"
	wl_check "$pid" s
}

# wait_bytes LOG N: the consumer logged more than N bytes.
wait_bytes() { wait_count "$1" "$2"; }

@test "pipes: producer | filter | consumer checkpointed mid-stream loses and duplicates no byte" {
	G=$(new_group a)
	wl_start "$G" p pipes -m pipeline
	mapfile -t others < <(awk '{ print $2 }' "$T/p/info")
	[ "${#others[@]}" = 2 ]
	wait_bytes "$T/p/log" 200000
	# once without killing: the stream goes on unharmed
	checkpoint "$G" "$T/img0"
	last=$(last_count "$T/p/log")
	wait_bytes "$T/p/log" $((last + 100000))
	checkpoint "$G" "$T/img" kill
	for p in "$pid" "${others[@]}"; do wait_until gone "$p"; done
	last=$(last_count "$T/p/log")
	# the pipes were full: what they held is in the image
	run "$CKPT" info "$T/img"
	[ "$status" = 0 ]
	[ "$(grep -Ec '^  pipe \[[0-9]+\] pipe:\[[0-9]+\], size 65536, [1-9][0-9]* bytes' <<< "$output")" = 2 ]
	restart "$G" "$T/img"
	[ "$(wc -w <<< "$(procs_of "$G")")" = 3 ]
	wait_bytes "$T/p/log" $((last + 200000))
	wl_check "$pid" p
	grep -q "^OK pipeline" "$T/p/result"
	# no error in the log: every byte the consumer saw was the next one
	refute grep -q "consumer:" "$T/p/log"
}

# refused_outside NAME [-k] REGEX: a pipe of the group with an end in
# another group; the checkpoint fails with EOPNOTSUPP and a reason matching
# REGEX ({pid} is the workload's pid), and the workload keeps running.
refused_outside() {
	local re=$2

	G=$(new_group a)
	G2=$(new_group b)
	if [ "$1" = -k ]; then
		wl_start "$G" o pipes -m outside -o "$G2" -k
	else
		wl_start "$G" o pipes -m outside -o "$G2"
	fi
	child=$(child_of o)
	wait_until grep -qx "$child" "$G2/cgroup.procs"
	image_out "$G" "$T/img"
	ensure_write_fail "$G/ckpt.trigger" "checkpoint kill" EOPNOTSUPP
	assert_failed "$G" EOPNOTSUPP
	re=${re//\{pid\}/$pid}
	grep -E "^error $re" "$G/ckpt.state" || {
		grep '^error' "$G/ckpt.state"
		echo "expected: error $re"
		return 1
	}
	alive "$pid"
	alive "$child"
	grep -qx 0 "$G/cgroup.freeze"
}

@test "pipes: refused when the other end is outside the group" {
	refused_outside "" "pid {pid} fd [0-9]+: pipe:\[[0-9]+\]: the other end is outside the group \(1 readers and 1 writers, 1 and 0 in the group\)"
}

@test "pipes: refused when an open file on the pipe is shared with a process outside the group" {
	refused_outside -k "pid {pid} fd [0-9]+: pipe:\[[0-9]+\]: the open file is shared with a process outside the group"
}

# damaged IMAGE TYPE NTH OFFSET SIZE VALUE REGEX: the image patched as
# imgpatch.py does is refused with EINVAL and a reason matching REGEX, and
# no task is left.
damaged() {
	local img=$1 re=$7 g

	cp "$img" "$T/bad"
	"$BATS_TEST_DIRNAME/imgpatch.py" "$T/bad" "$2" "$3" "$4" "$5" "$6"
	g=$(new_group "r$RANDOM")
	image_in "$g" "$T/bad"
	ensure_write_fail "$g/ckpt.trigger" restart EINVAL
	grep -E "^error .*$re" "$g/ckpt.state" || {
		grep '^error' "$g/ckpt.state"
		echo "expected: $re"
		return 1
	}
	populated_is "$g" 0
}

@test "pipes: restart refuses damaged pipe records and leaves no task" {
	G=$(new_group a)
	wl_start "$G" s pipes
	child=$(child_of s)
	checkpoint "$G" "$T/img" kill
	wait_until gone "$child"
	# CKPT_REC_PIPE: size (byte 16), nr_bytes (20), kind (12), __reserved (28)
	damaged "$T/img" 0x0410 0 16 4 12288 "malformed pipe record"
	damaged "$T/img" 0x0410 0 20 4 0x7fffffff "malformed pipe record"
	damaged "$T/img" 0x0410 0 12 4 3 "malformed pipe record"
	damaged "$T/img" 0x0410 0 28 4 1 "malformed pipe record"
	# CKPT_REC_PIPE_DATA: offset (12), pipe (8)
	damaged "$T/img" 0x0411 0 12 4 1 "bad data record"
	damaged "$T/img" 0x0411 0 8 4 999 "bad data record"
	# CKPT_REC_FILE 2 (after /dev/null and the log) is the first pipe end:
	# obj (48) naming nothing, flags (16) O_RDWR
	damaged "$T/img" 0x0401 2 48 4 9999 "object 9999 used before it is defined"
	damaged "$T/img" 0x0401 2 16 4 2 "bad file on pipe"
	# the image itself still restarts
	restart "$G" "$T/img"
	wl_check "$pid" s
}
