#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# restart-fuzz.sh: runs in the guest (make fuzz; tests/bats/45-fuzz.bats in
# a short mode), as root, under tests/workloads/bin/reaper, from the
# repository root.  For each workload of CKPT_FUZZ_WL it checkpoints the
# workload ("checkpoint kill"), makes CKPT_FUZZ_N mutated copies of its
# image with tests/fuzz/mutate.py (truncations at every record boundary
# and inside records, bit flips, hostile record lengths, duplicated,
# swapped and dropped records, huge counts, hostile 64-bit fields, header
# fields and record types; most with the trailer's counts and CRC fixed so
# that restart meets the mutation itself) and restarts each into an empty
# group.  After each restart:
#	- it failed with an errno and a reason in ckpt.state ("error ..."),
#	  or it succeeded (the tasks are then killed);
#	- the group is empty and the checkpointed pids are free again;
#	- the restarter (a subshell: it writes the image fd and the trigger
#	  itself) has the same open fds as before;
#	- a failed restart left no SysV IPC object (sem, msg, shm) and no
#	  POSIX message queue.
# Before the images of each workload, after half of them and after all,
# with the caches dropped, every slab cache shrunk (which flushes the
# per-cpu slabs and empties KASAN's quarantine) and lazily freed vmalloc
# areas purged (tests/workloads/vmpurge): a leak grows in both halves, see
# leaks() for the tolerances.  The unmutated image must still restart.  At the end, the kernel log must hold no
# report (BUG, WARNING, KASAN, lockdep...) and, on a kernel with kmemleak
# (make fuzz KCONFIG=kmemleak), kmemleak must suspect nothing allocated
# during the run (tests/kmemleak.sh).
#
# Environment:
#	CKPT_FUZZ_N	images per workload (default 300)
#	CKPT_FUZZ_WL	workloads, space-separated, or "all" (default all):
#			see wl_args below
#	CKPT_FUZZ_SEED	seed of the mutations (default 1234; each workload
#			adds its index)
#	CKPT_FUZZ_PARENT	group under which to work (default the root;
#			its subtree_control must allow +ckpt)
#	CKPT_FUZZ_DIR	scratch directory (default /tmp/fuzz)
#	CKPT_FUZZ_SLAB_TOL  objects a slab cache may grow by in each half of
#			the images, plus N/16 (default 32)
#
# Prints per workload "fuzz: WL: N images, R records, ... errnos" and a
# line per problem found (the image is kept as $CKPT_FUZZ_DIR/bad-WL-I,
# its mutation printed); ends with "fuzz: PASS ..." or "fuzz: FAIL ...".
set -u -o pipefail

R=$PWD
W=$R/tests/workloads/bin
N=${CKPT_FUZZ_N:-300}
SEED=${CKPT_FUZZ_SEED:-1234}
P=${CKPT_FUZZ_PARENT:-/sys/fs/cgroup}
D=${CKPT_FUZZ_DIR:-/tmp/fuzz}
ALL="memcheck tree threads pipes sockets sockets-named seccomp epolls
     signalfds timerfds inotifys locks sysvipc sysvshm mqueues shm timers
     listeners tcpconn waiters"
WLS=${CKPT_FUZZ_WL:-all}
[ "$WLS" = all ] && WLS=$ALL
MQ=/dev/mqueue
splat_re='(BUG:|WARNING:|Oops|Kernel panic|possible circular locking|INFO: task .* blocked|inconsistent lock state|possible recursive locking|KASAN:|UBSAN:|general protection fault|Unable to handle kernel|kmemleak)'

# wl_args WL: the workload and its arguments
wl_args() {
	case $1 in
	memcheck) echo memcheck -m 1 ;;
	tree) echo tree -n 4 -f 3 -g -z ;;		# sessions, pgrps, 2 zombies
	threads) echo threads -n 4 ;;
	pipes) echo pipes ;;				# pipes with data, a FIFO
	sockets) echo sockets ;;			# socketpairs, data queued
	sockets-named) echo sockets -n ;;		# listeners, fds in flight
	seccomp) echo seccomp ;;
	epolls) echo epolls ;;				# epoll, eventfd
	signalfds) echo signalfds ;;
	timerfds) echo timerfds ;;
	inotifys) echo inotifys ;;
	locks) echo locks ;;				# flock, POSIX, OFD locks
	sysvipc) echo sysvipc ;;			# sem with undo, msg queues
	sysvshm) echo sysvshm ;;
	mqueues) echo mqueues ;;			# POSIX message queues
	shm) echo shm ;;				# memfd, shared mappings
	timers) echo timers posix ;;			# POSIX timers
	listeners) echo listeners 7300 ;;		# TCP listeners, UDP sockets
	tcpconn) echo tcpconn 7310 200000 ;;		# TCP connections, queued data
	waiters) echo waiters 3600000 ;;		# poll, futex restart blocks
	*) return 1 ;;
	esac
}

say() { echo "fuzz: $*"; }
bad=0
problem() {	# problem TEXT: one more problem
	say "PROBLEM $*"
	bad=$((bad + 1))
}

grep -qw ckpt "$P/cgroup.subtree_control" 2>/dev/null ||
	echo +ckpt > "$P/cgroup.subtree_control" || { say "FAIL no +ckpt in $P"; exit 1; }
[ -d $MQ ] || mkdir -p $MQ
grep -q " $MQ mqueue" /proc/mounts || mount -t mqueue mqueue $MQ ||
	{ say "FAIL cannot mount mqueue"; exit 1; }
A=$P/fuzz-a
B=$P/fuzz-b
rm -rf "$D"
mkdir -p "$D"
rmdir "$A" "$B" 2>/dev/null
mkdir "$A" "$B" || { say "FAIL cannot make $A and $B"; exit 1; }

# Helpers of the loop over images: bash builtins only, no process started
# (each exec costs 0.1-0.5 s in a TCG guest).
# nap: sleeps 50 ms (read on a FIFO nobody writes)
mkfifo "$D/.nap"
exec {nap_fd}<> "$D/.nap"
nap() { read -r -t 0.05 -u "$nap_fd" _; }
# the errno names of the messages of strerror(), for bash's write errors
declare -A ERRNAME
while IFS=$'\t' read -r msg name; do ERRNAME[$msg]=$name; done < <(python3 -c '
import errno, os
for n, name in sorted(errno.errorcode.items(), reverse=True):
    print(os.strerror(n) + "\t" + name)')

count_ipc() {	# sets ipc: SysV objects (sem, msg, shm)
	local f line

	ipc=0
	for f in sem msg shm; do
		while read -r line; do
			case $line in key*|"") ;; *) ipc=$((ipc + 1)) ;; esac
		done < /proc/sysvipc/$f
	done
}
count_mq() { local f; mq=0; for f in "$MQ"/*; do [ -e "$f" ] && mq=$((mq + 1)); done; }
count_fds() { local f; fds=0; for f in "/proc/$BASHPID/fd"/*; do fds=$((fds + 1)); done; }
ipc_clear() {
	count_ipc
	[ "$ipc" = 0 ] || ipcrm -a 2>/dev/null
	count_mq
	[ "$mq" = 0 ] || rm -f "$MQ"/*
}
empty() { local l; while read -r l; do [ "$l" = "populated 0" ] && return 0; done < "$1/cgroup.events"; return 1; }
any_left() { local p; for p in $pids; do [ -e /proc/"$p" ] && return 0; done; return 1; }
# settle GROUP: waits up to 30 s for GROUP to be empty and the pids free
# (killing a restarted group took more than 10 s once in a starved KASAN
# guest)
settle() {
	local i

	for ((i = 0; i < 600; i++)); do
		empty "$1" && ! any_left && return 0
		nap
	done
	return 1
}
# state_error GROUP: sets err to the "error" line of ckpt.state
state_error() {
	local k v

	err=
	while read -r k v; do [ "$k" = error ] && err=$v; done < "$1/ckpt.state"
}
# restart IMAGE: restart into $B; sets e to OK or the errno name, followed
# by " fds:BEFORE->AFTER" if the restarter's open fds changed.  The
# restarter is a subshell (a fork, no exec) that exits at once: the
# restarted roots are then reparented to the subreaper, with SIGCHLD as
# their exit signal whatever the image said (a root restored with exit
# signal 0 would otherwise stay a zombie of this shell, its pid busy).
restart() {
	e=$(
		count_fds
		fds0=$fds
		exec {ifd}< "$1"
		printf %s "$ifd" > "$B/ckpt.image_fd"
		exec {ifd}<&-
		if printf %s restart 2> "$D/.err" > "$B/ckpt.trigger"; then
			r=OK
		else
			read -r line < "$D/.err"
			line=${line##*write error: }
			r=${ERRNAME[$line]:-"?$line"}
		fi
		count_fds
		[ "$fds" = "$fds0" ] || r+=" fds:$fds0->$fds"
		echo "$r"
	)
}

# snapshot FILE: "slab NAME ACTIVE SIZE" lines and "files N", caches dropped
# and shrunk (per-cpu slabs flushed, KASAN quarantine emptied); without
# kmemleak's own caches, which follow the objects it tracks with a lag.
# Objects freed late (after an RCU grace period, by a workqueue: the last
# restart's tasks, files, IPC objects) are counted until they go, so each
# count is the least of three readings 0.2 s apart: a leak stays in all.
snapshot() {
	local f i

	for ((i = 0; i < 3; i++)); do
		((i == 0)) || { nap; nap; nap; nap; }
		sync
		echo 3 > /proc/sys/vm/drop_caches
		"$W"/vmpurge
		for f in /sys/kernel/slab/*/shrink; do echo 1 > "$f"; done 2>/dev/null
		awk 'NR > 2 && $1 !~ /^kmemleak_/ { print "slab", $1, $2, $4 }' /proc/slabinfo
		awk '{ print "files", $1 - $2 }' /proc/sys/fs/file-nr
	done | awk '$1 == "slab" { k = $1 " " $2; n = $3; sz[k] = " " $4 }
		$1 == "files" { k = $1; n = $2 }
		!(k in v) || n < v[k] { v[k] = n }
		END { for (k in v) print k, v[k] sz[k] }' > "$1"
}

# leaks BEFORE MID AFTER: what grew in both halves of the images beyond the
# tolerance: slab caches by more than CKPT_FUZZ_SLAB_TOL (default 32) + N/16
# objects, open files by more
# than 16 + 32 per CPU (file-nr is a per-cpu counter read without the
# per-cpu deltas).  A cache that settles at a new level, or one that a
# single image grew, grows in one half only.
leaks() {
	awk -v n="$N" -v tol="${CKPT_FUZZ_SLAB_TOL:-32}" -v cpus="$(nproc)" '
	FILENAME == ARGV[1] { if ($1 == "slab") a[$2] = $3; else va[$1] = $2; next }
	FILENAME == ARGV[2] { if ($1 == "slab") b[$2] = $3; else vb[$1] = $2; next }
	$1 == "slab" && b[$2] - a[$2] > tol + n / 16 && $3 - b[$2] > tol + n / 16 {
		printf "slab cache %s grew by %d, then %d objects (%d bytes)\n", $2,
			b[$2] - a[$2], $3 - b[$2], ($3 - a[$2]) * $4
	}
	$1 == "files" && vb[$1] - va[$1] > 16 + 32 * cpus && $2 - vb[$1] > 16 + 32 * cpus {
		printf "open files %d -> %d -> %d\n", va["files"], vb["files"], $2
	}
	' "$1" "$2" "$3"
}

say "seed $SEED, $N images per workload: ${WLS//$'\n'/ }"
# kernel reports: not a user-space fault of a restored program whose
# mutated registers were bad ("traps: prog[pid] general protection fault")
kreports() { dmesg | grep -E "$splat_re" | grep -vE 'traps: [^ ]+\[[0-9]+\] general protection fault ip:'; }
reports0=$(kreports | wc -l)
# shellcheck source=tests/kmemleak.sh
. "$R/tests/kmemleak.sh"
kml_start
declare -A total
images=0
start_all=$SECONDS
wi=0
for wl in $WLS; do
	wi=$((wi + 1))
	read -r -a args <<< "$(wl_args "$wl")" || { problem "unknown workload $wl"; continue; }
	d=$D/$wl
	mkdir -p "$d/wl" "$d/img"
	ipc_clear
	"$W"/spawn -c "$A" -o "$d/wl/log" -- "$W/${args[0]}" -d "$d/wl" "${args[@]:1}" > /dev/null
	for ((i = 0; i < 200; i++)); do [ -e "$d/wl/ready" ] && break; sleep 0.05; done
	[ -e "$d/wl/ready" ] || { problem "$wl: not ready: $(cat "$d/wl/log")"; echo 1 > "$A/cgroup.kill"; continue; }
	sleep 0.5
	pids=$(cat "$A/cgroup.threads")
	if ! "$W"/cgwrite -w "$d/image" "$A/ckpt.image_fd" ||
	   ! e=$("$W"/cgwrite "$A/ckpt.trigger" "checkpoint kill"); then
		state_error "$A"
		problem "$wl: checkpoint failed: $e: $err"
		echo 1 > "$A/cgroup.kill"
		settle "$A"
		continue
	fi
	settle "$A" || problem "$wl: the checkpointed tasks are still there"
	# the originals' IPC objects keep their ids and names: remove them
	ipc_clear
	if ! python3 "$R"/tests/fuzz/mutate.py -s $((SEED + wi)) "$d/image" "$d/img" "$N" |
		sed "s/^mutate:/fuzz: $wl:/"; then
		problem "$wl: mutate.py failed (seed $((SEED + wi)))"
		rm -rf "$d/img"
		continue
	fi
	snapshot "$d/before"
	declare -A res=()
	wstart=$SECONDS
	for ((i = 0; i < N; i++)); do
		img=$d/img/$i
		bad0=$bad
		((i == N / 2)) && snapshot "$d/mid"
		restart "$img"
		[ -n "$e" ] || { problem "$wl: image $i: the restart did not run"; e=none; }
		case $e in
		*fds:*)	problem "$wl: image $i ($e): the restarter's open fds changed"
			e=${e%% *} ;;
		esac
		if [ "$e" = OK ]; then
			echo 1 > "$B/cgroup.kill"
		else
			state_error "$B"
			[ -n "$err" ] || problem "$wl: image $i ($e): no reason in ckpt.state"
			count_ipc
			[ "$ipc" = 0 ] || problem "$wl: image $i ($e): SysV IPC objects left: $ipc"
			count_mq
			[ "$mq" = 0 ] || problem "$wl: image $i ($e): POSIX message queues left: $mq"
		fi
		res[$e]=$((${res[$e]:-0} + 1))
		total[$e]=$((${total[$e]:-0} + 1))
		if ! settle "$B"; then
			problem "$wl: image $i ($e): tasks left: [$(tr '\n' ' ' < "$B/cgroup.threads")]" \
				"pids still used: $(for p in $pids; do [ -e /proc/"$p" ] && echo -n "$p "; done)"
			echo 1 > "$B/cgroup.kill"
			settle "$B"
		fi
		ipc_clear
		if [ "$bad" != "$bad0" ]; then
			say "$wl: image $i: $(sed -n "$((i + 1))p" "$d/img/list"), kept as $D/bad-$wl-$i"
			cp "$img" "$D/bad-$wl-$i"
		fi
	done
	secs=$((SECONDS - wstart))
	snapshot "$d/after"
	while read -r l; do problem "$wl: $l"; done < <(leaks "$d/before" "$d/mid" "$d/after")
	# the unmutated image still restarts
	restart "$d/image"
	[ "$e" = OK ] || { state_error "$B"; problem "$wl: the unmutated image does not restart: $e: $err"; }
	echo 1 > "$B/cgroup.kill"
	settle "$B" || problem "$wl: the good image's tasks do not die"
	ipc_clear
	images=$((images + N))
	summary=$(for k in "${!res[@]}"; do echo "$k ${res[$k]}"; done | sort -k2,2nr | tr '\n' ' ')
	say "$wl: $N images in $secs s ($((secs * 1000 / (N > 0 ? N : 1))) ms each, with a snapshot): $summary"
	unset res
	rm -rf "$d/img"
done

rmdir "$A" "$B" 2>/dev/null
reports=$(($(kreports | wc -l) - reports0))
[ "$reports" = 0 ] || { kreports | tail -n 20; problem "$reports kernel report lines"; }
kml_check "fuzz:" || problem "kmemleak reports leaks"
summary=$(for k in "${!total[@]}"; do echo "$k ${total[$k]}"; done | sort -k2,2nr | tr '\n' ' ')
say "$images images of $(echo "$WLS" | wc -w) workloads in $((SECONDS - start_all)) s: $summary"
if [ "$bad" = 0 ]; then
	say "PASS $images images, 0 kernel reports, 0 leftovers"
else
	say "FAIL $images images, $bad problems"
	exit 1
fi
