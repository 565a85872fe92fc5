#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ckpt-stress.sh: runs in the guest (make stress), under tests/workloads/bin/reaper.
# Starts a mixed workload in one group, then runs CKPT_STRESS_N (default
# 1000) cycles of "checkpoint kill" into a file and "restart" of it into
# the same group:
#	counter		1 process, counts every 50 ms
#	pipes -m pipeline	3 processes, a byte stream checked byte by byte
#			through two pipes that stay full
#	shm		2 processes: shared anonymous memory, a memfd, a shared
#			file mapping, an unlinked file
#	threads -n 2	1 process, 3 threads (TLS, masks, rseq, a waiter)
# Every CKPT_STRESS_CHECK cycles (default 100) and after the last, each
# workload checks itself (SIGUSR1/SIGUSR2, an "OK" line in its result).
#
# Leaks: after CKPT_STRESS_WARMUP cycles (default 10), after half of the
# N cycles and after the last, with the page, dentry and inode caches
# dropped, lazily freed vmalloc areas purged and every slab cache shrunk
# (see snapshot()), it takes the active objects of every slab cache
# (/proc/slabinfo), the open files (/proc/sys/fs/file-nr), the user
# processes, the vmalloc areas in use and MemAvailable.  A cache that only
# settles at a new level (caches of ACPI or /proc) grows in one half; a
# leak grows in both.  It fails when
#	- a cycle fails (the errno and ckpt.state are printed),
#	- a workload check fails,
#	- a slab cache grew in each half by more than 32 + N/8 objects plus
#	  two slabs' worth per CPU (what CPUs hold even after a shrink: 256
#	  objects of 64 bytes with 2 CPUs; a leak of one such object per cycle
#	  shows from N = 770 on, of one task_struct per cycle from N = 120),
#	- all slab caches together grew in each half by more than 512 KiB,
#	- vmalloc areas in use grew in each half by more than 8,
#	- open files grew by more than 16 + 32 per CPU (file-nr is read
#	  without the per-cpu deltas), user processes by any,
#	- MemAvailable dropped by more than 16 MiB + 16 KiB per cycle.
# CKPT_STRESS_LEAK=K leaks on purpose, to prove the check: each cycle
# leaves K more empty files in /dev/shm (an inode and a dentry each); the
# run must then fail (N=50: K=8 is enough).
# On a kernel with kmemleak (make stress KCONFIG=kmemleak), it also fails
# when kmemleak suspects an object allocated during the run
# (tests/kmemleak.sh).
# The last line is "stress: PASS ..." or "stress: FAIL ...".
set -u -o pipefail

R=$PWD
W=$R/tests/workloads/bin
N=${CKPT_STRESS_N:-1000}
CHECK=${CKPT_STRESS_CHECK:-100}
WARMUP=${CKPT_STRESS_WARMUP:-10}
G=/sys/fs/cgroup/stress
D=/tmp/stress
IMG=/tmp/stress.img

fail() {
	echo "stress: FAIL $*"
	exit 1
}

echo +ckpt > /sys/fs/cgroup/cgroup.subtree_control || fail "no ckpt controller"
mkdir -p $G $D || fail "mkdir"

# wait_for CMD...: up to 30 s.
wait_for() {
	local i

	for ((i = 0; i < 600; i++)); do
		"$@" && return 0
		sleep 0.05
	done
	return 1
}

start() {	# start NAME PROG ARGS...
	local name=$1

	shift
	mkdir -p $D/"$name"
	"$W"/spawn -c $G -o $D/"$name"/log -- "$W/$1" -d $D/"$name" "${@:2}" > /dev/null ||
		fail "cannot start $1"
	wait_for test -e $D/"$name"/ready || fail "$1 not ready: $(cat $D/"$name"/log)"
}

# shellcheck source=tests/kmemleak.sh
. "$R/tests/kmemleak.sh"
kml_start
start c counter 50
start p pipes -m pipeline
start s shm
start t threads -n 2 -t 50

pid_of() { cat $D/"$1"/pid; }
oks() { grep -c '^OK' $D/"$1"/result 2>/dev/null || echo 0; }
more_oks() { [ "$(oks "$1")" -gt "$2" ]; }

# check_all CYCLE: every workload checks itself once.
check_all() {
	local w n sig

	for w in c p s t; do
		n=$(oks $w)
		sig=USR1
		[ $w = t ] && sig=USR2	# USR1 would end the threads workload
		kill -$sig "$(pid_of $w)" || fail "cycle $1: workload $w is gone"
		wait_for more_oks $w "$n" || fail "cycle $1: workload $w did not answer"
		if grep -q FAIL $D/$w/result; then
			grep FAIL $D/$w/result | head -n 5
			fail "cycle $1: workload $w: its check failed"
		fi
	done
}

pids_gone() {
	local p

	for p in $threads; do
		[ -e /proc/"$p" ] && return 1
	done
	return 0
}
empty() { grep -qx 'populated 0' $G/cgroup.events; }

cycle() {	# cycle I
	local e j

	for ((j = 0; j < ${CKPT_STRESS_LEAK:-0}; j++)); do
		: > "/dev/shm/stress-leak.$1.$j"
	done
	threads=$(cat $G/cgroup.threads)
	"$W"/cgwrite -w $IMG $G/ckpt.image_fd || fail "cycle $1: image_fd"
	if ! e=$("$W"/cgwrite $G/ckpt.trigger "checkpoint kill"); then
		cat $G/ckpt.state
		fail "cycle $1: checkpoint: $e"
	fi
	wait_for empty || fail "cycle $1: the group did not empty"
	wait_for pids_gone || fail "cycle $1: the pids are not free"
	"$W"/cgwrite -r $IMG $G/ckpt.image_fd || fail "cycle $1: image_fd"
	if ! e=$("$W"/cgwrite $G/ckpt.trigger restart); then
		cat $G/ckpt.state
		fail "cycle $1: restart: $e"
	fi
	[ "$(cat $G/cgroup.threads | wc -l)" = "$(echo "$threads" | wc -l)" ] ||
		fail "cycle $1: $(wc -l < $G/cgroup.threads) tasks after restart, $(echo "$threads" | wc -l) before"
}

# snapshot FILE: "slab NAME ACTIVE OBJSIZE OBJPERSLAB" lines, then "files N",
# "procs N", "vmalloc N", "memavail KB".  Before it: the page, dentry and
# inode caches dropped; the vmalloc areas that vfree() left to a lazy purge
# purged (tests/workloads/vmpurge: each keeps a vmap_area object, hundreds
# pile up before the kernel purges them itself); every slab cache shrunk,
# which moves the objects free in per-cpu slabs to the lists that
# /proc/slabinfo counts as free.  kmemleak's own caches are left out: they
# follow the objects it tracks with a lag.
snapshot() {
	local f

	sync
	echo 3 > /proc/sys/vm/drop_caches
	"$W"/vmpurge || fail "vmpurge"
	for f in /sys/kernel/slab/*/shrink; do echo 1 > "$f"; done 2>/dev/null
	sleep 1
	{
		awk 'NR > 2 && $1 !~ /^kmemleak_/ { print "slab", $1, $2, $4, $5 }' /proc/slabinfo
		echo "files $(awk '{ print $1 - $2 }' /proc/sys/fs/file-nr)"
		# user processes: not kthreadd (pid 2) nor its children
		grep -h '^PPid:' /proc/[0-9]*/status 2>/dev/null |
			awk '$2 != 2 { n++ } END { print "procs", n - 1 }'
		# vmalloc areas in use (not the lazily freed ones)
		echo "vmalloc $(grep -vc 'unpurged vm_area' /proc/vmallocinfo)"
		awk '$1 == "MemAvailable:" { print "memavail", $2 }' /proc/meminfo
	} > "$1"
}

check_all 0
for ((i = 1; i <= WARMUP; i++)); do
	cycle "w$i"
done
check_all "w$WARMUP"
snapshot /tmp/stress.before

start_s=$SECONDS
for ((i = 1; i <= N; i++)); do
	cycle "$i"
	((i == N / 2)) && snapshot /tmp/stress.mid
	if ((i % CHECK == 0)); then
		check_all "$i"
		echo "stress: $i cycles, $((SECONDS - start_s)) s"
	fi
done
check_all "$N"
secs=$((SECONDS - start_s))
size=$(stat -c %s $IMG)
rm -f $IMG
snapshot /tmp/stress.after

echo "stress: $N cycles in $secs s; image $size bytes"
echo "stress: slab caches that grew (name: objects at warm-up, half, end; bytes)"
awk -v n="$N" -v cpus="$(nproc)" '
FILENAME ~ /before/ { if ($1 == "slab") a[$2] = $3; else va[$1] = $2; next }
FILENAME ~ /mid/ { if ($1 == "slab") b[$2] = $3; else vb[$1] = $2; next }
$1 == "slab" {
	d1 = b[$2] - a[$2]; d2 = $3 - b[$2]
	t1 += d1 * $4; t2 += d2 * $4
	if (d1 + d2 > 0)
		printf "stress:   %-24s %7d %7d %7d %+9d\n", $2, a[$2], b[$2], $3, (d1 + d2) * $4
	# a CPU may hold a slab and a few partial ones even after a shrink:
	# whole slabs of objects counted as in use
	tol = 32 + n / 8 + 2 * cpus * $5
	if (d1 > tol && d2 > tol) {
		printf "stress: leak? %s grew by %d, then %d objects (tolerance %d)\n", $2, d1, d2, tol
		bad = 1
	}
	next
}
$1 == "files" && $2 - va["files"] > 16 + 32 * cpus { printf "stress: leak? open files %d -> %d\n", va["files"], $2; bad = 1 }
$1 == "procs" && $2 > va["procs"] { printf "stress: leak? user processes %d -> %d\n", va["procs"], $2; bad = 1 }
$1 == "vmalloc" {
	printf "stress: vmalloc areas %d -> %d -> %d\n", va["vmalloc"], vb["vmalloc"], $2
	if (vb["vmalloc"] - va["vmalloc"] > 8 && $2 - vb["vmalloc"] > 8) { print "stress: leak? vmalloc areas"; bad = 1 }
}
$1 == "memavail" {
	drop = va["memavail"] - $2
	printf "stress: MemAvailable %d kB -> %d kB -> %d kB\n", va["memavail"], vb["memavail"], $2
	if (drop > 16384 + 16 * n) { print "stress: leak? MemAvailable"; bad = 1 }
}
END {
	printf "stress: slab total %+d bytes, then %+d bytes\n", t1, t2
	if (t1 > 524288 && t2 > 524288) { print "stress: leak? slab total"; bad = 1 }
	exit bad
}' /tmp/stress.before /tmp/stress.mid /tmp/stress.after ||
	fail "$N cycles in $secs s: a leak beyond the tolerance"
kml_check "stress:" || fail "$N cycles in $secs s: kmemleak reports leaks"
echo "stress: PASS $N cycles in $secs s"
