#!/usr/bin/env bats
# shellcheck disable=SC2154,SC2030,SC2031 # $pid, $last, $status: set by helpers and bats
# SPDX-License-Identifier: GPL-2.0
#
# Restart: the restarted process compared with the original, per resource,
# and the ways restart must fail.

load helpers

setup() { common_setup; }
teardown() { common_teardown; }

status_of() { grep -E "^($2):" "/proc/$1/status"; }

@test "restart: plain shell, the writer is the parent, the count continues" {
	G=$(new_group a)
	wl_start "$G" c counter 50
	wait_count "$T/c/log" 3
	exec {fd}>"$T/img"
	echo "$fd" > "$G/ckpt.image_fd"
	exec {fd}>&-
	echo "checkpoint kill" > "$G/ckpt.trigger"
	wait_until gone "$pid"
	last=$(last_count "$T/c/log")
	n=$(log_lines "$T/c/log")
	# shellcheck disable=SC2016
	out=$(bash -c '
		exec {fd}<"$1"
		echo "$fd" > "$2/ckpt.image_fd"
		exec {fd}<&-
		echo restart > "$2/ckpt.trigger" || exit 1
		echo "$$ $(grep ^PPid: "/proc/$3/status" | cut -f2)"
	' _ "$T/img" "$G" "$pid")
	read -r shell ppid <<< "$out"
	[ "$shell" = "$ppid" ]
	[ "$(procs_of "$G")" = "$pid" ]
	state_is "$G" last_op restart
	state_is "$G" last_result ok
	state_is "$G" tasks 1
	state_is "$G" bytes "$(file_size "$T/img")"
	wait_count "$T/c/log" "$last"
	[ "$(nth_count "$T/c/log" $((n + 1)))" = $((last + 1)) ]
	wl_check "$pid" c
}

@test "restart: into another group, the count continues from the image" {
	G=$(new_group a)
	G2=$(new_group b)
	checkpoint_kill_counter "$G" "$T/img"
	n=$(log_lines "$T/c/log")
	restart "$G2" "$T/img"
	[ "$(procs_of "$G2")" = "$pid" ]
	populated_is "$G" 0
	wait_count "$T/c/log" "$last"
	[ "$(nth_count "$T/c/log" $((n + 1)))" = $((last + 1)) ]
	# session and process group are the restarted task's own
	[ "$(ps -o sid= -p "$pid" | tr -d ' ')" = "$pid" ]
	[ "$(ps -o pgid= -p "$pid" | tr -d ' ')" = "$pid" ]
	[ "$(cat "/proc/$pid/comm")" = counter ]
	wl_check "$pid" c
	refute grep -q FAIL "$T/c/log"
}

@test "restart: memory contents, layout and protections" {
	G=$(new_group a)
	wl_start "$G" m memcheck -m 4 -s 12345
	wl_check "$pid" m
	maps_of "$pid" > "$T/maps.before"
	checkpoint "$G" "$T/img" kill
	wait_until gone "$pid"
	restart "$G" "$T/img"
	maps_of "$pid" > "$T/maps.after"
	diff -u "$T/maps.before" "$T/maps.after"
	wl_check "$pid" m
}

@test "restart: a floating-point computation in progress, vector registers" {
	G=$(new_group a)
	wl_start "$G" f fpu 50
	wait_until grep -q '^round 1 ok' "$T/f/log"
	checkpoint "$G" "$T/img" kill
	wait_until gone "$pid"
	n=$(grep -c '^round' "$T/f/log")
	restart "$G" "$T/img"
	# two complete rounds after the restart
	wait_until matches_ge "$T/f/log" '^round' $((n + 2))
	refute grep FAIL "$T/f/log"
	wl_check "$pid" f
}

@test "restart: fds, offsets, flags, cwd, umask, signal handlers and mask" {
	G=$(new_group a)
	wl_start "$G" f files
	wl_check "$pid" f
	find "/proc/$pid/fd" -mindepth 1 -printf '%f %l\n' | sort -n > "$T/fds.before"
	status_of "$pid" 'SigBlk|SigIgn|SigCgt' > "$T/sig.before"
	checkpoint "$G" "$T/img" kill
	wait_until gone "$pid"
	restart "$G" "$T/img"
	find "/proc/$pid/fd" -mindepth 1 -printf '%f %l\n' | sort -n > "$T/fds.after"
	status_of "$pid" 'SigBlk|SigIgn|SigCgt' > "$T/sig.after"
	diff -u "$T/fds.before" "$T/fds.after"
	diff -u "$T/sig.before" "$T/sig.after"
	[ "$(readlink "/proc/$pid/cwd")" = "$T/f/sub" ]
	wl_check "$pid" f
}

@test "restart: a file changed since the checkpoint fails ESTALE naming it; skip-file-check accepts it" {
	G=$(new_group a)
	wl_start "$G" f files
	checkpoint "$G" "$T/img" kill
	wait_until gone "$pid"
	# (a file open for appending only may grow: the counter's log in
	# "three images of one process")
	size=$(file_size "$T/f/rw")
	echo x >> "$T/f/rw"
	image_in "$G" "$T/img"
	ensure_write_fail "$G/ckpt.trigger" restart ESTALE
	assert_failed "$G" ESTALE
	grep -qxF "error pid $pid: $T/f/rw changed since the checkpoint: size $((size + 2)), was $size; restart with skip-file-check to accept it" \
		"$G/ckpt.state"
	populated_is "$G" 0
	# the same size, modified later
	truncate -s "$size" "$T/f/rw"
	touch -d '+1 hour' "$T/f/rw"
	run "$CKPT" restart "$G" -i "$T/img"
	[ "$status" != 0 ]
	grep -F "pid $pid: $T/f/rw changed since the checkpoint: modified" <<< "$output"
	grep -F "restart with skip-file-check to accept it" <<< "$output"
	populated_is "$G" 0
	run "$CKPT" restart "$G" -i "$T/img" --skip-file-check
	[ "$status" = 0 ]
	[ "$(procs_of "$G")" = "$pid" ]
	wl_check "$pid" f
}

@test "restart: a process of another user keeps uid, gid and groups" {
	G=$(new_group a)
	WL_PREFIX="setpriv --reuid=1000 --regid=1000 --groups=1000,100,4" \
		wl_start "$G" u creds
	status_of "$pid" 'Uid|Gid|Groups|Cap[A-Za-z]*' > "$T/before"
	grep -q '^Uid:.1000' "$T/before"
	checkpoint "$G" "$T/img" kill
	wait_until gone "$pid"
	restart "$G" "$T/img"
	status_of "$pid" 'Uid|Gid|Groups|Cap[A-Za-z]*' > "$T/after"
	diff -u "$T/before" "$T/after"
	wl_check "$pid" u
}

@test "restart: root with a reduced capability bounding set keeps it" {
	G=$(new_group a)
	WL_PREFIX="setpriv --bounding-set=-net_raw,-sys_module --inh-caps=-all" \
		wl_start "$G" r creds
	status_of "$pid" 'Uid|Gid|Groups|Cap[A-Za-z]*' > "$T/before"
	checkpoint "$G" "$T/img" kill
	wait_until gone "$pid"
	restart "$G" "$T/img"
	status_of "$pid" 'Uid|Gid|Groups|Cap[A-Za-z]*' > "$T/after"
	diff -u "$T/before" "$T/after"
	wl_check "$pid" r
}

# blocked_test MODE: the program blocked in MODE resumes the call after
# restart and only a signal ends it.
blocked_test() {
	G=$(new_group a)
	wl_start "$G" b blocker "$1"
	wait_until grep -q "State:.S" "/proc/$pid/status"
	checkpoint "$G" "$T/img" kill
	wait_until gone "$pid"
	restart "$G" "$T/img"
	sleep 0.5	# the call must not return by itself
	[ ! -e "$T/b/result" ]
	alive "$pid"
	kill -USR1 "$pid"
	r=$(wl_result b)
	echo "$r"
	[ "$r" = "OK $1" ]
}

@test "restart: resource limits, scheduling policy, nice, CPU affinity and prctl state" {
	G=$(new_group a)
	wl_start "$G" a attrs
	wl_check "$pid" a
	sched_of() { awk '{ print "nice", $19, "policy", $41 }' "/proc/$1/stat"; }
	cat "/proc/$pid/limits" > "$T/limits.before"
	status_of "$pid" 'NoNewPrivs|Cpus_allowed_list|THP_enabled' > "$T/status.before"
	sched_of "$pid" > "$T/sched.before"
	# the restarter's own differ: a restart that kept them would be caught
	[ "$(sched_of $$)" != "$(cat "$T/sched.before")" ]
	checkpoint "$G" "$T/img" kill
	wait_until gone "$pid"
	"$CKPT" info "$T/img" | grep -q 'attrs: policy 3 rt_priority 0 nice 7 no_new_privs thp_disable'
	restart "$G" "$T/img"
	diff -u "$T/limits.before" "/proc/$pid/limits"
	status_of "$pid" 'NoNewPrivs|Cpus_allowed_list|THP_enabled' | diff -u "$T/status.before" -
	sched_of "$pid" | diff -u "$T/sched.before" -
	wl_check "$pid" a
}

@test "restart: blocked in pause() resumes pause" {
	blocked_test pause
}

@test "restart: blocked in sigsuspend() resumes it with the saved mask" {
	blocked_test sigsuspend
}

@test "restart: blocked in nanosleep() sleeps the remaining time" {
	G=$(new_group a)
	wl_start "$G" b blocker nanosleep 6
	sleep 2		# well into the sleep
	checkpoint "$G" "$T/img" kill
	wait_until gone "$pid"
	restart "$G" "$T/img"
	restarted_at=$(date +%s.%N)
	r=$(wl_result b)
	echo "$r"
	[[ $r == "OK nanosleep "* ]]
	woke_at=$(echo "$r" | awk '{ print $5 }')
	# at most 4 s were left; a sleep restarted from scratch takes 6
	awk -v w="$woke_at" -v r="$restarted_at" 'BEGIN { exit !(w - r < 5.5) }'
}

# waited_ok LOG NAME RESULT MIN: the LOG line of call NAME ended with
# RESULT after at least MIN ms
waited_ok() {
	grep -E "^$2 " "$1"
	awk -v n="$2" -v r="$3" -v min="$4" '$1 == n {
		line = $0; sub(/ after [0-9]+ ms$/, "", line); sub("^" n " ", "", line)
		ok = line == r && $(NF - 1) >= min } END { exit !ok }' "$1"
}

@test "restart: poll(), futex waits and pthread_cond_timedwait() with a timeout resume with the time they had left" {
	G=$(new_group a)
	wl_start "$G" w waiters 5000
	sleep 3		# 2 s left to each
	checkpoint "$G" "$T/img" kill
	wait_until gone "$pid"
	run "$CKPT" info "$T/img"
	[ "$status" = 0 ]
	grep -Eq "^    restart block: poll\(\) of 1 fds at 0x[0-9a-f]+, [0-9]+ ns left$" <<< "$output"
	grep -Eq "^    restart block: poll\(\) of 1 fds at 0x[0-9a-f]+, no timeout$" <<< "$output"
	grep -Eq "^    restart block: futex wait at 0x[0-9a-f]+ for 0, [0-9]+ ns left$" <<< "$output"
	grep -Eq "^    restart block: futex wait at 0x[0-9a-f]+ for [0-9]+, [0-9]+ ns left \(CLOCK_REALTIME\)$" <<< "$output"
	sleep 1
	restart "$G" "$T/img"
	restarted_at=$SECONDS
	wait_until lines_ge "$T/w/log" 3
	# about 2 s after the restart (a call made again from scratch: 5 s),
	# and each a timeout, not EINTR
	[ $((SECONDS - restarted_at)) -le 4 ]
	waited_ok "$T/w/log" poll 0 5500
	waited_ok "$T/w/log" futex "-1 ETIMEDOUT" 5500
	waited_ok "$T/w/log" cond ETIMEDOUT 5500
	# the poll() with no timeout waits on, on its FIFO
	echo hello > "$T/w/fifo"
	wait_until grep -qx "woken hello" "$T/w/log"
}

@test "restart: frozen leaves the restarted group frozen" {
	G=$(new_group a)
	checkpoint_kill_counter "$G" "$T/img"
	restart "$G" "$T/img" frozen
	[ "$(procs_of "$G")" = "$pid" ]
	[ "$(cat "$G/cgroup.freeze")" = 1 ]
	wait_until frozen_is "$G" 1
	sleep 1
	[ "$(last_count "$T/c/log")" = "$last" ]
	echo 0 > "$G/cgroup.freeze"
	wait_count "$T/c/log" "$last"
	wl_check "$pid" c
}

@test "restart: three images of one process, each continues from its own count" {
	G=$(new_group a)
	wl_start "$G" c counter 50
	for i in 1 2 3; do
		wait_count "$T/c/log" $((i * 6))
		lo[i]=$(last_count "$T/c/log")
		checkpoint "$G" "$T/img$i"
		hi[i]=$(last_count "$T/c/log")
	done
	echo 1 > "$G/cgroup.kill"
	wait_until gone "$pid"
	prev=0
	for i in 1 2 3; do
		n=$(log_lines "$T/c/log")
		restart "$G" "$T/img$i"
		[ "$(procs_of "$G")" = "$pid" ]
		wait_until lines_ge "$T/c/log" $((n + 1))
		first=$(nth_count "$T/c/log" $((n + 1)))
		echo "image $i: counted ${lo[i]}..${hi[i]} at checkpoint, resumed at $first"
		[ "$first" -gt "${lo[i]}" ]
		[ "$first" -le $((hi[i] + 2)) ]
		[ "$first" -gt "$prev" ]
		prev=$first
		wl_check "$pid" c
		echo 1 > "$G/cgroup.kill"
		wait_until gone "$pid"
	done
}

@test "restart: two images appended to one file are read back in turn" {
	G=$(new_group a)
	G2=$(new_group b)
	wl_start "$G" c counter 50
	wait_count "$T/c/log" 3
	# one open file for both checkpoints: the second image follows the first
	exec {fd}>"$T/img"
	echo "$fd" > "$G/ckpt.image_fd"
	exec {fd}>&-
	ensure_write_ok "$G/ckpt.trigger" checkpoint
	first=$(state_get "$G" bytes)
	wait_count "$T/c/log" "$(($(last_count "$T/c/log") + 2))"
	ensure_write_ok "$G/ckpt.trigger" "checkpoint kill"
	wait_until gone "$pid"
	last=$(last_count "$T/c/log")
	[ "$(file_size "$T/img")" = $((first + $(state_get "$G" bytes))) ]
	# one open file for both restarts: each reads exactly one image
	exec {fd}<"$T/img"
	echo "$fd" > "$G2/ckpt.image_fd"
	exec {fd}<&-
	ensure_write_ok "$G2/ckpt.trigger" restart
	state_is "$G2" bytes "$first"
	n=$(log_lines "$T/c/log")
	wait_until lines_ge "$T/c/log" $((n + 1))
	# the first image is older: it counts from below the last count
	[ "$(nth_count "$T/c/log" $((n + 1)))" -le "$last" ]
	echo 1 > "$G2/cgroup.kill"
	wait_until gone "$pid"
	n=$(log_lines "$T/c/log")
	ensure_write_ok "$G2/ckpt.trigger" restart
	wait_until lines_ge "$T/c/log" $((n + 1))
	[ "$(nth_count "$T/c/log" $((n + 1)))" = $((last + 1)) ]
	wl_check "$pid" c
}

@test "restart: a fatal signal to the restarter leaves no task behind" {
	G=$(new_group a)
	G2=$(new_group b)
	wl_start "$G" m memcheck -m 4
	checkpoint "$G" "$T/img" kill
	wait_until gone "$pid"
	# only the start of the image arrives: the restored task blocks
	# reading the rest, inside the kernel
	mkfifo "$T/fifo"
	exec {rw}<>"$T/fifo"
	head -c 32768 "$T/img" >&"$rw"
	image_in "$G2" "$T/fifo"
	"$WL/cgwrite" "$G2/ckpt.trigger" restart > "$T/bg.out" 3>&- &
	bg=$!
	track_pid "$bg"
	wait_until populated_is "$G2" 1
	state_is "$G2" state restarting
	kill -KILL "$bg"
	wait "$bg" || true
	wait_until state_is "$G2" state idle
	state_is "$G2" last_result failed
	wait_until populated_is "$G2" 0
	wait_until gone "$pid"
	exec {rw}>&-
	# nothing was left half-done: the image restarts
	restart "$G2" "$T/img"
	wl_check "$pid" m
}

@test "restart: the pid is taken, EBUSY names it" {
	G=$(new_group a)
	G2=$(new_group b)
	wl_start "$G" c counter 50
	checkpoint "$G" "$T/img"
	image_in "$G2" "$T/img"
	ensure_write_fail "$G2/ckpt.trigger" restart EBUSY
	assert_failed "$G2" EBUSY
	grep -E "^error .*\<$pid\>" "$G2/ckpt.state"
	populated_is "$G2" 0
	assert_running "$G" "$pid" "$T/c/log"
}

@test "restart: into a group with tasks fails ENOTEMPTY" {
	G=$(new_group a)
	G2=$(new_group b)
	checkpoint_kill_counter "$G" "$T/img"
	wl_start "$G2" d counter 50
	other=$pid
	image_in "$G2" "$T/img"
	ensure_write_fail "$G2/ckpt.trigger" restart ENOTEMPTY
	[ "$(procs_of "$G2")" = "$other" ]
	populated_is "$G" 0
	assert_running "$G2" "$other" "$T/d/log"
}

@test "restart: without an image fd, or from a write-only one, fails EBADF" {
	G=$(new_group a)
	checkpoint_kill_counter "$G" "$T/img"
	G2=$(new_group b)
	ensure_write_fail "$G2/ckpt.trigger" restart EBADF
	cp "$T/img" "$T/img2"
	exec {fd}>>"$T/img2"
	echo "$fd" > "$G2/ckpt.image_fd"
	exec {fd}>&-
	ensure_write_fail "$G2/ckpt.trigger" restart EBADF
	populated_is "$G2" 0
	gone "$pid"
}

@test "restart: without CAP_SYS_ADMIN fails EPERM" {
	G=$(new_group a)
	checkpoint_kill_counter "$G" "$T/img"
	image_in "$G" "$T/img"
	run setpriv --bounding-set=-sys_admin --inh-caps=-sys_admin \
		"$WL/cgwrite" "$G/ckpt.trigger" restart
	[ "$status" = 1 ]
	[ "$output" = EPERM ]
	assert_failed "$G" EPERM
	populated_is "$G" 0
	chown 65534 "$G/ckpt.trigger"
	image_in "$G" "$T/img"
	run setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$WL/cgwrite" "$G/ckpt.trigger" restart
	[ "$status" = 1 ]
	[ "$output" = EPERM ]
	populated_is "$G" 0
	gone "$pid"
	# root can
	restart "$G" "$T/img"
	[ "$(procs_of "$G")" = "$pid" ]
}

@test "exclude: +anon restart zero-fills anonymous memory, keeps the stack" {
	G=$(new_group a)
	# without exclusion: intact
	wl_start "$G" m1 memcheck -x -m 2
	checkpoint "$G" "$T/img1" kill
	wait_until gone "$pid"
	restart "$G" "$T/img1"
	kill -USR1 "$pid"
	[ "$(wl_result m1)" = "anon intact stack ok" ]
	wait_until gone "$pid"

	echo +anon > "$G/ckpt.exclude"
	wl_start "$G" m2 memcheck -x -m 2
	checkpoint "$G" "$T/img2" kill
	wait_until gone "$pid"
	[ "$(le64_at "$T/img2" 24)" = 17 ]	# anon, files
	[ "$(file_size "$T/img2")" -lt $(($(file_size "$T/img1") - (2 << 20))) ]
	restart "$G" "$T/img2"
	kill -USR1 "$pid"
	[ "$(wl_result m2)" = "anon zero stack ok" ]
}
