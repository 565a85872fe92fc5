#!/usr/bin/env bats
# shellcheck disable=SC2154,SC2030,SC2031 # $pid, $status: set by helpers and bats
# SPDX-License-Identifier: GPL-2.0
#
# Restart: pending signals, job control stops, signal actions and the
# alternate stack, itimers and POSIX timers, compared before and after.

load helpers

setup() { common_setup; }
teardown() { common_teardown; }

status_of() { grep -E "^($2):" "/proc/$1/status"; }

# ckpt_restart NAME [SECONDS]: checkpoint kill the group, wait SECONDS
# (default 0) with the image on disk, restart.  Sets $restart_at, the time
# just before the restart.
ckpt_restart() {
	checkpoint "$G" "$T/img" kill
	wait_until gone "$pid"
	sleep "${2:-0}"
	restart_at=$(date +%s.%N)
	restart "$G" "$T/img"
	[ "$(procs_of "$G")" = "$pid" ]
}

# since T0: seconds from T0 to now
since() { awk -v t0="$1" -v t1="$(date +%s.%N)" 'BEGIN { print t1 - t0 }'; }

# itimer_in_image N: the time left of itimer N (1 real, 2 virtual, 3 prof),
# in seconds, as the image holds it
itimer_in_image() {
	"$CKPT" info "$T/img" | awk -v n="$1" '$1 == "itimers:" {
		split($0, f, /[:,] */); split(f[n + 1], w, / /); split(w[2], v, "/")
		print v[1] / 1e9 }'
}

# result_field NAME LINE FIELD: field FIELD of line LINE of NAME's result.
result_field() { sed -n "$2p" "$T/$1/result" | awk -v f="$3" '{ print $f }'; }

# within A B LO HI: LO <= A - B <= HI
within() {
	awk -v a="$1" -v b="$2" -v lo="$3" -v hi="$4" \
		'BEGIN { d = a - b; if (d < lo || d > hi) { print "difference " d " not in [" lo ", " hi "]"; exit 1 } }'
}

@test "signals: pending signals with their siginfo, queued several times, in order" {
	G=$(new_group a)
	wl_start "$G" s sigstate pending
	status_of "$pid" 'SigPnd|ShdPnd|SigBlk|SigQ' > "$T/before"
	# the thread's own queue and the shared one both hold signals
	grep -q '^SigPnd:.0000000800000000' "$T/before"
	grep -q '^ShdPnd:.0000000400000800' "$T/before"
	ckpt_restart s
	"$CKPT" info "$T/img" | grep -q 'sigpending: tid [0-9]* nr 2'
	status_of "$pid" 'SigPnd|ShdPnd|SigBlk|SigQ' > "$T/after"
	diff -u "$T/before" "$T/after"
	wl_check "$pid" s
}

@test "signals: a SIGSTOPped task stays stopped, SIGCONT resumes it" {
	G=$(new_group a)
	wl_start "$G" c counter 50
	wait_count "$T/c/log" 3
	kill -STOP "$pid"
	wait_until grep -q '^State:.T' "/proc/$pid/status"
	ckpt_restart c
	"$CKPT" info "$T/img" | grep -q 'signal: .*stopped'
	wait_until grep -q '^State:.T' "/proc/$pid/status"
	last=$(last_count "$T/c/log")
	sleep 1
	grep -q '^State:.T' "/proc/$pid/status"
	[ "$(last_count "$T/c/log")" = "$last" ]
	kill -CONT "$pid"
	wait_count "$T/c/log" $((last + 2))
	refute grep -q '^State:.T' "/proc/$pid/status"
	wl_check "$pid" c
}

@test "signals: a stopped task restarted frozen is stopped after the thaw" {
	G=$(new_group a)
	wl_start "$G" c counter 50
	kill -STOP "$pid"
	wait_until grep -q '^State:.T' "/proc/$pid/status"
	checkpoint "$G" "$T/img" kill
	wait_until gone "$pid"
	restart "$G" "$T/img" frozen
	wait_until frozen_is "$G" 1
	echo 0 > "$G/cgroup.freeze"
	wait_until frozen_is "$G" 0
	wait_until grep -q '^State:.T' "/proc/$pid/status"
	last=$(last_count "$T/c/log")
	sleep 0.5
	[ "$(last_count "$T/c/log")" = "$last" ]
	kill -CONT "$pid"
	wait_count "$T/c/log" $((last + 2))
}

@test "signals: sigaltstack and SA_ONSTACK, SIGINFO, RESTART, NODEFER, RESETHAND" {
	G=$(new_group a)
	wl_start "$G" s sigstate altstack
	status_of "$pid" 'SigBlk|SigIgn|SigCgt' > "$T/before"
	ckpt_restart s
	status_of "$pid" 'SigBlk|SigIgn|SigCgt' | diff -u "$T/before" -
	wl_check "$pid" s
}

# A timer keeps the time it had left in the image, minus what passed since
# the restart: the 8 s the image spent on disk do not count.  (Under TCG a
# check takes a second or two, so the image is the reference, not the
# previous check.)
@test "timers: setitimer REAL, VIRTUAL and PROF keep their time left; time in the image does not count" {
	G=$(new_group a)
	wl_start "$G" t timers itimers
	wl_check "$pid" t
	ckpt_restart t 8
	wl_check "$pid" t
	elapsed=$(since "$restart_at")
	cat "$T/t/result"
	"$CKPT" info "$T/img" | grep '^ *itimers:'
	for n in 1 2 3; do
		before=$(result_field t 1 $((n + 2)))
		img=$(itimer_in_image "$n")
		after=$(result_field t 2 $((n + 2)))
		echo "itimer $n: checked $before, image $img, after restart $after, $elapsed s since"
		within "$before" "$img" 0 30
		within "$img" "$after" -0.01 "$elapsed"
	done
	# the CPU-time ones hardly moved: the process sleeps (CPU time is
	# counted in ticks: the restored one may read a tick, 4 ms, higher)
	within "$(result_field t 1 4)" "$(result_field t 2 4)" -0.01 1
}

@test "timers: alarm() keeps its time left" {
	G=$(new_group a)
	wl_start "$G" t timers alarm
	ckpt_restart t 8
	wl_check "$pid" t
	elapsed=$(since "$restart_at")
	cat "$T/t/result"
	within "$(itimer_in_image 1)" "$(result_field t 1 3)" -0.01 "$elapsed"
	within 90 "$(itimer_in_image 1)" 0 30
}

@test "timers: POSIX timers keep id, clock, notification, time left and interval" {
	G=$(new_group a)
	wl_start "$G" t timers posix
	wl_check "$pid" t
	ids=$(cat "$T/t/info")
	[ "$ids" = "ids 1 2" ]
	ckpt_restart t 8
	"$CKPT" info "$T/img" > "$T/info"
	grep -q 'posix_timer: id 1 clock 1 notify 0 signo 37 value 777' "$T/info"
	grep -q 'posix_timer: id 2 clock 7 notify 1 ' "$T/info"
	img=$(awk '/posix_timer: id 2 /{ getline; print $3 / 1e9 }' "$T/info")
	wl_check "$pid" t
	elapsed=$(since "$restart_at")
	cat "$T/t/result"
	# ticks kept coming, with the same siginfo, from the same timer id
	[ "$(result_field t 2 3)" -gt "$(result_field t 1 3)" ]
	# the SIGEV_NONE timer lost what passed since the restart, not the
	# time on disk
	echo "SIGEV_NONE timer: image $img, after $(result_field t 2 5), $elapsed s since"
	within "$img" "$(result_field t 2 5)" -0.01 "$elapsed"
}

@test "timers: a POSIX timer on a CPU-time clock is refused with a reason" {
	G=$(new_group a)
	wl_start "$G" t timers cputimer
	image_out "$G" "$T/img"
	ensure_write_fail "$G/ckpt.trigger" checkpoint EOPNOTSUPP
	assert_failed "$G" EOPNOTSUPP
	grep -q "^error pid $pid: POSIX timer 0 on clock -6 (a CPU-time or alarm clock)" "$G/ckpt.state"
	frozen_is "$G" 0
	wl_check "$pid" t
}
