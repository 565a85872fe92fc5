#!/usr/bin/env bats
# shellcheck disable=SC2154,SC2030,SC2031 # $pid, $status: set by helpers and bats
# SPDX-License-Identifier: GPL-2.0
#
# Process trees and threads: every task of the group comes back with its
# pid, its relations (parent, process group, session), its per-thread state,
# and the computation it was doing.

load helpers

setup() { common_setup; }
teardown() { common_teardown; }

# proc_view GROUP: "pid ppid pgid sid Z|-" of every process of GROUP,
# zombies included (Z); a parent outside the group shows as "-".  (One
# grep and one awk: spawning a process per task takes seconds under TCG.)
proc_view() {
	local g=${1#"$CGROOT"}
	local -a f

	mapfile -t f < <(grep -lx "0::$g" /proc/[0-9]*/cgroup 2>/dev/null)
	[ ${#f[@]} -gt 0 ] || return 0
	awk '{
		pid[NR] = $1
		s = $0
		sub(/^.*\) /, "", s)
		split(s, a, " ")
		st[NR] = a[1] == "Z" ? "Z" : "-"
		pp[NR] = a[2]; pg[NR] = a[3]; sid[NR] = a[4]
		in_group[$1] = 1
	}
	END {
		for (i = 1; i <= NR; i++)
			print pid[i], (pp[i] in in_group) ? pp[i] : "-", pg[i], sid[i], st[i]
	}' "${f[@]/%cgroup/stat}" 2>/dev/null | sort -n
}

# thread_view GROUP: per thread, its tgid and the signal, credential and
# CPU state /proc shows.
thread_view() {
	local -a f=()
	local t

	while read -r t; do
		f+=("/proc/$t/status")
	done < "$1/cgroup.threads"
	awk '
	FNR == 1 && NR > 1 { print line }
	FNR == 1 { line = "" }
	$1 == "Pid:" { line = $2 line }
	/^(Tgid|SigBlk|SigIgn|SigCgt|Cpus_allowed_list|Uid|Gid|Groups|CapEff|NoNewPrivs|Seccomp):/ {
		$1 = $1
		line = line " " $0
	}
	END { if (NR) print line }' "${f[@]}" | sort -n
}

# ns_view GROUP: "pid ppid pgid sid" of every live process of GROUP as
# seen inside its pid namespace; a parent outside the group shows as "-".
# ns_view GROUP: "pid ppid pgid sid" of every live process of GROUP as
# seen inside its pid namespace; a parent outside the group shows as "-".
ns_view() {
	local -a f=()
	local p

	while read -r p; do
		f+=("/proc/$p/status")
	done < "$1/cgroup.procs"
	awk '
	$1 == "Pid:" { out[FILENAME] = $2 }
	$1 == "PPid:" { pp[FILENAME] = $2 }
	$1 ~ /^NS(pid|pgid|sid):$/ { v[FILENAME, $1] = $NF }
	END {
		for (f in out)
			inner[out[f]] = v[f, "NSpid:"]
		for (f in out)
			print v[f, "NSpid:"], (pp[f] in inner) ? inner[pp[f]] : "-",
			      v[f, "NSpgid:"], v[f, "NSsid:"]
	}' "${f[@]}" | sort -n
}

# checkpoint_restart GROUP_A GROUP_B IMAGE: checkpoint kill A, restart in B.
checkpoint_restart() {
	local procs

	procs=$(procs_of "$1")
	checkpoint "$1" "$3" kill || return 1
	wait_until populated_is "$1" 0 || return 1
	restart "$2" "$3" || { cat "$2/ckpt.state" >&2; return 1; }
	[ "$(procs_of "$2" | tr ' ' '\n' | sort -n)" = "$(tr ' ' '\n' <<< "$procs" | sort -n)" ] || {
		echo "processes before: $procs, after: $(procs_of "$2")" >&2
		return 1
	}
}

# usr1_all GROUP NAME N [EXCEPT]: SIGUSR1 to every process of GROUP but
# EXCEPT; waits for N more "OK" lines in NAME's result; fails on any FAIL.
usr1_all() {
	local rf=$T/$2/result n p

	n=$(grep -c '^OK' "$rf" 2>/dev/null) || n=0
	while read -r p; do
		[ "$p" = "${4:-}" ] || kill -USR1 "$p"
	done < "$1/cgroup.procs"
	wait_until matches_ge "$rf" '^OK' $((n + $3)) || { cat "$rf" >&2; return 1; }
	! grep -q '^FAIL' "$rf" || { grep '^FAIL' "$rf" >&2; return 1; }
}

@test "tree: 12 processes keep pids, parents, groups, sessions, zombies and memory" {
	A=$(new_group a)
	B=$(new_group b)
	# process 1 leads its own session, process 2 is in the process group
	# of its younger sibling 3, the first process has two zombies
	wl_start "$A" t tree -n 10 -f 3 -g -z
	wait_until lines_ge "$T/t/up" 10
	before=$(proc_view "$A")
	threads=$(thread_view "$A")
	[ "$(grep -c ' Z$' <<< "$before")" = 2 ]
	[ "$(cut -d' ' -f4 <<< "$before" | sort -u | wc -l)" = 2 ]
	[ "$(cut -d' ' -f3 <<< "$before" | sort -u | wc -l)" = 3 ]

	checkpoint_restart "$A" "$B" "$T/img"
	state_is "$B" tasks 12
	after=$(proc_view "$B")
	diff <(echo "$before") <(echo "$after")
	diff <(echo "$threads") <(thread_view "$B")
	# each process checks itself; the first one reaps its zombies with
	# their status
	usr1_all "$B" t 10
	[ "$(proc_view "$B" | grep -c ' Z$')" = 0 ]
}

@test "tree: an orphan keeps its session, a child of the restarter" {
	A=$(new_group a)
	B=$(new_group b)
	wl_start "$A" t tree -n 3 -o
	wait_until lines_ge "$T/t/up" 4
	orphan=$(awk '$6 == -1 { print $2 }' "$T/t/up")
	before=$(proc_view "$A")
	[ "$(awk -v p="$orphan" '$1 == p { print $2 }' <<< "$before")" = - ]

	checkpoint_restart "$A" "$B" "$T/img"
	diff <(echo "$before") <(proc_view "$B")
	usr1_all "$B" t 4
}

@test "tree: child subreaper and parent-death signals survive" {
	A=$(new_group a)
	B=$(new_group b)
	wl_start "$A" t tree -n 7 -f 2 -r
	wait_until lines_ge "$T/t/up" 7
	checkpoint_restart "$A" "$B" "$T/img"
	"$CKPT" info "$T/img" | grep -q 'attrs: .* child_subreaper$'
	usr1_all "$B" t 7

	# process 1 dies: its children (3 and 4) get SIGUSR2 and the first
	# process, the subreaper, becomes their parent
	one=$(awk '$6 == 1 { print $2 }' "$T/t/up")
	kids=$(awk -v p="$one" '$3 == p { print $2 }' "$T/t/up")
	[ "$(wc -w <<< "$kids")" = 2 ]
	kill -9 "$one"
	wait_until matches_ge "$T/t/result" '^PDEATH' 2
	for k in $kids; do
		grep -qx "PDEATH $k $pid" "$T/t/result"
	done
}

# image_pids_free IMAGE: no pid of the processes in IMAGE is in use
image_pids_free() {
	local p

	for p in $("$CKPT" info "$1" | awk '$1 == "task" { print $2 }'); do
		[ ! -e "/proc/$p" ] || return 1
	done
}

@test "tree: tasks forking and exiting under checkpoints are in the image whole or not at all" {
	local g h x r n

	g=$(new_group a)
	h=$(new_group b)
	wl_start "$g" ch churn -t 5
	for _ in 1 2 3 4 5; do
		# thaw: the workload runs on without a hitch
		checkpoint "$g" "$T/thaw"
		"$CKPT" info "$T/thaw" > /dev/null
		checkpoint "$g" "$T/img" kill
		wait_until populated_is "$g" 0
		# zombies of the killed tree are reaped by the subreaper
		wait_until image_pids_free "$T/img"
		"$CKPT" info "$T/img" | grep '^task'
		restart "$h" "$T/img"
		# every child forked is reaped once with its status, every
		# thread joined
		wl_check "$pid" ch
		x=$g g=$h h=$x
	done
	r=$(tail -1 "$T/ch/result")
	echo "$r"
	# it went on forking and reaping after the last restart
	n=$(lines_of "$T/ch/result")
	wl_check "$pid" ch
	[ "$(sed -n "$((n + 1))p" "$T/ch/result" | awk '{ print $4 }')" -gt "$(awk '{ print $4 }' <<< "$r")" ]
}

@test "threads: 9 threads keep tids, masks, TLS, alt stacks, waits, joins, robust futexes" {
	A=$(new_group a)
	B=$(new_group b)
	wl_start "$A" th threads -n 8
	before=$(thread_view "$A")
	[ "$(wc -l <<< "$before")" = 9 ]

	checkpoint_restart "$A" "$B" "$T/img"
	state_is "$B" tasks 9
	diff <(echo "$before") <(thread_view "$B")
	# cond waits wake, joins return (clear_child_tid), held robust
	# mutexes turn EOWNERDEAD (robust list)
	wl_check "$pid" th
	[ "$(wl_result th 1)" = "OK threads 9" ]
}

@test "pids: a taken pid fails EBUSY naming it, and nothing is created" {
	A=$(new_group a)
	B=$(new_group b)
	wl_start "$A" t tree -n 3 -f 2
	wait_until lines_ge "$T/t/up" 3
	checkpoint "$A" "$T/img"
	# the originals still hold every pid; the first one in the table is named
	image_in "$B" "$T/img"
	ensure_write_fail "$B/ckpt.trigger" restart EBUSY
	assert_failed "$B" EBUSY
	grep -qx "error pid $pid: the pid is in use" "$B/ckpt.state"
	populated_is "$B" 0

	# only the last one taken: still nothing created
	last=$(awk '$6 == 2 { print $2 }' "$T/t/up")
	echo 1 > "$A/cgroup.kill"
	wait_until populated_is "$A" 0
	wait_until gone "$last"
	holder=
	for _ in 1 2 3 4 5; do
		echo $((last - 1)) > /proc/sys/kernel/ns_last_pid
		sleep 1000 > /dev/null 2>&1 3>&- &
		holder=$!
		[ "$holder" = "$last" ] && break
		kill "$holder"
		holder=
	done
	[ -n "$holder" ] || skip "could not take pid $last back"
	track_pid "$holder"
	image_in "$B" "$T/img"
	ensure_write_fail "$B/ckpt.trigger" restart EBUSY
	grep -qx "error pid $last: the pid is in use" "$B/ckpt.state"
	populated_is "$B" 0
	gone "$pid"
}

@test "pids: --new-pidns restarts an image while its original runs, and twice" {
	A=$(new_group a)
	B=$(new_group b)
	C=$(new_group c)
	wl_start "$A" t tree -n 7 -f 3 -g
	wait_until lines_ge "$T/t/up" 7
	before=$(ns_view "$A")
	checkpoint "$A" "$T/img"
	"$CKPT" restart "$B" -i "$T/img" --new-pidns -q > "$T/b.pids"
	"$CKPT" restart "$C" -i "$T/img" --new-pidns -q
	diff <(echo "$before") <(ns_view "$B")
	diff <(echo "$before") <(ns_view "$C")
	# outside, other pids; inside, the image's
	first=$(head -n1 "$T/b.pids")
	[ "$first" != "$pid" ]
	[ "$(awk '$1 == "NSpid:" { print $3 }' "/proc/$first/status")" = "$pid" ]
	# the three copies run on their own
	usr1_all "$A" t 7
	usr1_all "$B" t 7
	usr1_all "$C" t 7
	ns_view "$A" | diff <(echo "$before") -
}

@test "stress: 100 processes and 64 threads, 10 checkpoints and restarts in a row" {
	A=$(new_group a)
	B=$(new_group b)
	# slow ticks: 164 tasks waking often would load a TCG guest
	wl_start "$A" t tree -n 100 -f 4 -t 500
	wait_until lines_ge "$T/t/up" 100
	wl_start "$A" th threads -n 63 -t 50
	thp=$pid
	before=$(proc_view "$A")
	threads=$(thread_view "$A")
	[ "$(wc -l <<< "$threads")" = 164 ]
	from=$A
	to=$B
	for i in 1 2 3 4 5 6 7 8 9 10; do
		rm -f "$T/img"
		checkpoint_restart "$from" "$to" "$T/img"
		diff <(echo "$before") <(proc_view "$to")
		diff <(echo "$threads") <(thread_view "$to")
		usr1_all "$to" t 100 "$thp"
		n=$(lines_of "$T/th/result")
		kill -USR2 "$thp"
		wait_until lines_ge "$T/th/result" $((n + 1))
		[ "$(tail -n1 "$T/th/result")" = "OK check" ]
		echo "# cycle $i: restart $(state_get "$to" duration_us) us, $(state_get "$to" bytes) bytes" >&3
		from=$to
		to=$([ "$to" = "$A" ] && echo "$B" || echo "$A")
	done
	wl_check "$thp" th
}

@test "freeze: a task the freezer cannot stop fails ETIMEDOUT naming it, thawed" {
	A=$(new_group a)
	B=$(new_group b)
	C=$(new_group c)
	# An image that stops after its first 4 KiB: the restart's first task
	# blocks reading it, and the restarter waits for it in
	# uninterruptible (killable) sleep, where the freezer cannot stop it.
	wl_start "$A" c counter 50
	checkpoint "$A" "$T/img" kill
	wait_until gone "$pid"
	mkfifo "$T/fifo"
	rpid=$("$WL/spawn" -c "$C" -o "$T/restart.log" -- "$CKPT" restart "$B" -i "$T/fifo")
	track_pid "$rpid"
	exec {w}> "$T/fifo"
	head -c 4096 "$T/img" >&"$w"
	wait_until grep -q '^State:.D' "/proc/$rpid/status"

	image_out "$C" "$T/img2"
	ensure_write_fail "$C/ckpt.trigger" checkpoint ETIMEDOUT
	assert_failed "$C" ETIMEDOUT
	grep -E "^error freezer: pid $rpid \(ckpt\) did not stop within [0-9]+ ms: state D" \
		"$C/ckpt.state"
	grep -qx 0 "$C/cgroup.freeze"
	wait_until frozen_is "$C" 0

	# the stalled restart then fails on its own, leaving nothing
	exec {w}>&-
	wait_until gone "$rpid"
	wait_until state_is "$B" last_result failed
	populated_is "$B" 0
}

@test "tree: a session whose leader is gone keeps its id" {
	A=$(new_group a)
	B=$(new_group b)
	wl_start "$A" t tree -n 2 -l
	wait_until lines_ge "$T/t/up" 3
	read -r _ orphan _ _ sid _ < <(awk '$6 == -2' "$T/t/up")
	[ "$sid" != "$orphan" ] && [ "$sid" != "$pid" ]
	gone "$sid"
	before=$(proc_view "$A")
	checkpoint "$A" "$T/img" kill
	wait_until populated_is "$A" 0
	# the image has a ghost for the leader, with the leader's pid
	"$CKPT" info "$T/img" | grep -E "^ +$sid +$sid +0 +$sid +$sid +0x2 ghost"
	restart "$B" "$T/img"
	diff <(echo "$before") <(proc_view "$B")
	# the ghost made the orphan and left: the session lives on without it
	gone "$sid"
	usr1_all "$B" t 3
}
