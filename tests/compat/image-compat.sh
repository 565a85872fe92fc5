#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# image-compat.sh: do images written by an earlier kernel restart on this
# one?  Runs in the guest, as root, under tests/workloads/bin/reaper, from
# the repository root, in two boots (make compat OLD_KERNEL=...):
#
#   image-compat.sh write	on the earlier kernel: starts each workload of
#				CKPT_COMPAT_WL, checkpoints it ("checkpoint
#				kill") and prints the images and the workloads'
#				state directories as a gzipped tar, base64, one
#				"COMPAT-TAR " line each (the guest can write
#				nothing the host keeps but its console)
#   image-compat.sh read TAR	on this kernel: puts the directories back at
#				the same paths (contents and modification times:
#				restart checks the files it reopens), restarts
#				each image into a group and sends the workload
#				SIGUSR1: it checks its own state (memory, fds,
#				queued data...) and must report OK
#
# The images, the workloads and their verification are those of
# restart-fuzz.sh (the same arguments).  Prints "compat: WL: OK" or
# "compat: WL: FAIL why" per workload and ends with "compat: N passed, M
# failed"; exits 1 if any failed.
set -u -o pipefail

R=$PWD
W=$R/tests/workloads/bin
D=/tmp/compat
P=/sys/fs/cgroup
MQ=/dev/mqueue
# Not inotifys: its check compares the inode numbers of the watched files,
# which the files unpacked in another boot do not keep.
WLS=${CKPT_COMPAT_WL:-"memcheck tree threads pipes sockets sockets-named seccomp
     epolls signalfds timerfds locks sysvipc sysvshm mqueues shm timers"}

# wl_args WL: the workload and its arguments, as restart-fuzz.sh runs them
wl_args() {
	case $1 in
	memcheck) echo memcheck -m 1 ;;
	tree) echo tree -n 4 -f 3 -g -z ;;
	threads) echo threads -n 4 ;;
	pipes) echo pipes ;;
	sockets) echo sockets ;;
	sockets-named) echo sockets -n ;;
	seccomp) echo seccomp ;;
	epolls) echo epolls ;;
	signalfds) echo signalfds ;;
	timerfds) echo timerfds ;;
	inotifys) echo inotifys ;;
	locks) echo locks ;;
	sysvipc) echo sysvipc ;;
	sysvshm) echo sysvshm ;;
	mqueues) echo mqueues ;;
	shm) echo shm ;;
	timers) echo timers posix ;;
	*) return 1 ;;
	esac
}

say() { echo "compat: $*"; }
# wait_for TEST...: up to 10 s
wait_for() { local i; for ((i = 0; i < 200; i++)); do "$@" && return 0; sleep 0.05; done; return 1; }
empty() { grep -qx "populated 0" "$1/cgroup.events"; }
# results DIR: lines of the workload's result file; results_ge DIR N
results() { if [ -f "$1/result" ]; then wc -l < "$1/result"; else echo 0; fi; }
results_ge() { [ "$(results "$1")" -ge "$2" ]; }
state_error() { awk '$1 == "error" { $1 = ""; sub(/^ /, ""); print }' "$1/ckpt.state"; }

grep -qw ckpt "$P/cgroup.subtree_control" || echo +ckpt > "$P/cgroup.subtree_control"
mkdir -p $MQ
grep -q " $MQ mqueue" /proc/mounts || mount -t mqueue mqueue $MQ

write() {
	local wl g d args

	mkdir -p "$D"
	# pids far above those the next boot's own processes and kernel
	# threads take before the restarts
	echo $(($(cat /proc/sys/kernel/pid_max) / 2)) > /proc/sys/kernel/ns_last_pid
	for wl in $WLS; do
		read -r -a args <<< "$(wl_args "$wl")" || { say "$wl: FAIL unknown workload"; continue; }
		g=$P/compat-$wl
		d=$D/$wl
		mkdir -p "$g" "$d"
		"$W"/spawn -c "$g" -o "$d/log" -- "$W/${args[0]}" -d "$d" "${args[@]:1}" > /dev/null
		if ! wait_for test -e "$d/ready"; then
			say "$wl: FAIL not ready: $(cat "$d/log")"
			echo 1 > "$g/cgroup.kill"
			continue
		fi
		sleep 0.5
		read -r up _ < /proc/uptime
		echo "${up%.*}" > "$d.uptime"
		if ! "$W"/cgwrite -w "$d.img" "$g/ckpt.image_fd" ||
		   ! "$W"/cgwrite "$g/ckpt.trigger" "checkpoint kill"; then
			say "$wl: FAIL checkpoint: $(state_error "$g")"
			echo 1 > "$g/cgroup.kill"
		fi
		wait_for empty "$g"
		rmdir "$g"
		# the originals' SysV objects and queues: restart makes them again
		ipcrm -a 2> /dev/null
		rm -f "$MQ"/*
		say "$wl: written, $(stat -c %s "$d.img" 2>/dev/null || echo no) bytes"
	done
	dmesg -n 1
	tar -C "$D" --format=posix -czf - . | base64 -w 120 | sed 's/^/COMPAT-TAR /'
	say "written"
}

read_images() {
	local wl g d pid n r pass=0 fail=0

	mkdir -p "$D"
	tar -C "$D" -xzf "$1" || { say "FAIL cannot unpack $1"; exit 1; }
	# this boot's own processes take pids above those of the images
	echo $(($(cat /proc/sys/kernel/pid_max) * 3 / 4)) > /proc/sys/kernel/ns_last_pid
	for wl in $WLS; do
		g=$P/compat-$wl
		d=$D/$wl
		if [ ! -s "$d.img" ]; then
			say "$wl: FAIL no image"; fail=$((fail + 1)); continue
		fi
		# CLOCK_MONOTONIC starts again at each boot, and the workloads
		# sleep to absolute times of it: not before it is back there
		read -r up < "$d.uptime"
		while read -r now _ < /proc/uptime && [ "${now%.*}" -le "$up" ]; do
			sleep 1
		done
		mkdir -p "$g"
		if ! "$W"/cgwrite -r "$d.img" "$g/ckpt.image_fd" ||
		   ! "$W"/cgwrite "$g/ckpt.trigger" restart; then
			say "$wl: FAIL restart: $(state_error "$g")"; fail=$((fail + 1))
			rmdir "$g"
			continue
		fi
		read -r pid < "$d/pid"
		n=$(($(results "$d") + 1))
		kill -USR1 "$pid"
		if wait_for results_ge "$d" "$n"; then
			r=$(sed -n "${n}p" "$d/result")
		else
			r="no result after SIGUSR1"
		fi
		case $r in
		OK*) say "$wl: OK restarted, pid $pid, $r"; pass=$((pass + 1)) ;;
		*) say "$wl: FAIL $r"; fail=$((fail + 1))
		   tail -n 5 "$d/log" | sed "s/^/compat: $wl: log: /"
		   for t in /proc/"$pid"/task/*; do
			say "$wl: task ${t##*/}: $(awk '{ print $3 }' "$t/stat") in $(cat "$t/wchan"), $(grep -E '^Sig(Pnd|Blk)' "$t/status" | tr '\n\t' '  ')"
		   done 2> /dev/null ;;
		esac
		echo 1 > "$g/cgroup.kill"
		wait_for empty "$g"
		rmdir "$g"
		ipcrm -a 2> /dev/null
		rm -f "$MQ"/*
	done
	say "$pass passed, $fail failed"
	[ "$fail" = 0 ]
}

case ${1:-} in
write) write ;;
read) read_images "${2:?usage: image-compat.sh read TAR}" ;;
*) echo "usage: image-compat.sh write | read TAR" >&2; exit 2 ;;
esac
