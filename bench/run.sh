#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench/run.sh: the benchmark of ckpt against CRIU, inside the test guest
# (make bench runs it through scripts/guest-run; the host turns its output
# into tables with bench/report.py).
#
# For every workload and every run, and for each system in turn (the order
# alternates from one run to the next): start the workload in a group of
# its own, checkpoint it and let it run on (ckpt checkpoint; criu dump
# --leave-running), kill it, restart it from the image on tmpfs (ckpt
# restart; criu restore -d), check it (every process checks its memory and
# answers, the counter keeps counting), kill it.  A run that fails a check
# counts as failed, whatever its times.  The server workloads (redis-server
# with data, and clients outside the group each keeping a connection) are
# checkpointed with kill instead (ckpt checkpoint --kill; criu dump
# --tcp-established), restarted (criu restore --tcp-established), and every
# client's connection must answer.
#
# Output on stdout, one line per measurement, parsed on the host:
#	BENCH-INFO key=value ...
#	BENCH-LIMIT memcpy_mibs=N dd_mibs=N
#	BENCH-RAW sys=ours|criu wl=NAME run=N ok=1 ckpt_us=N frozen_us=N ...
#	BENCH-CRIU wl=NAME run=N freezing_us=N frozen_us=N ... (CRIU's stats)
#
# Environment (guest-run passes CKPT_* on):
#	CKPT_BENCH_RUNS=N	runs of each workload and system (default 3)
#	CKPT_BENCH_QUICK=1	small sizes, for development and CI smoke tests
#	CKPT_BENCH_ONLY=REGEX	only the workloads whose name matches
#	CKPT_BENCH_TIMEOUT=SEC	bound of every wait (default 300)

set -u -o pipefail

cd "$(dirname "$0")/.." || exit 2
REPO=$PWD
CKPT=$REPO/tools/ckptfs-util/ckpt
BWL=$REPO/bench/workloads/bin/bwl
MEMWATCH=$REPO/bench/workloads/bin/memwatch
MEMBW=$REPO/bench/workloads/bin/membw
SPAWN=$REPO/tests/workloads/bin/spawn
CG=/sys/fs/cgroup
PARENT=$CG/bench
WORK=/tmp/bench
RUNS=${CKPT_BENCH_RUNS:-3}
QUICK=${CKPT_BENCH_QUICK:-0}
ONLY=${CKPT_BENCH_ONLY:-}
TIMEOUT=${CKPT_BENCH_TIMEOUT:-300}
failures=0

# name|bwl arguments|processes|MiB of touched anonymous memory
if [ "$QUICK" = 1 ]; then
	WORKLOADS=(
		"counter||1|0"
		"mem16|-m 16|1|16"
		"mem32|-m 32|1|32"
		"mem64|-m 64|1|64"
		"tree10|-n 10|10|0"
		"threads8|-t 8|1|0"
		"maps1000|-v 1000|1|0"
	)
	LIMIT_MIB=64
	# name|clients|keys: redis-server with clients keeping connections
	SERVERS=("redis50|50|10000")
else
	WORKLOADS=(
		"counter||1|0"
		"mem64|-m 64|1|64"
		"mem256|-m 256|1|256"
		"mem1024|-m 1024|1|1024"
		"tree100|-n 100|100|0"
		"threads64|-t 64|1|0"
		"maps10000|-v 10000|1|0"
	)
	LIMIT_MIB=256
	SERVERS=("redis300|300|200000")
fi

say() { echo "bench: $*" >&2; }

# Every exec costs a lot in a TCG guest with lockdep: sleep with bash's
# read on a pipe nobody writes, count lines with mapfile.
exec {NAPFD}<> <(:)
nap() { read -r -t "$1" -u "$NAPFD" _ || true; }
now_us() { local t=$EPOCHREALTIME; echo $((10#${t/./})); }
nlines() { local l=(); [ -f "$1" ] && mapfile -t l < "$1"; echo "${#l[@]}"; }

# wait_for DESCRIPTION CMD...: CMD until it succeeds, at most $TIMEOUT s.
wait_for() {
	local what=$1 end=$((SECONDS + TIMEOUT))

	shift
	until "$@"; do
		if [ "$SECONDS" -ge "$end" ]; then
			say "timed out after ${TIMEOUT}s waiting for $what"
			return 1
		fi
		nap 0.02
	done
}

lines_ge() { [ "$(nlines "$1")" -ge "$2" ]; }
populated_is() { grep -qx "populated $2" "$1/cgroup.events"; }
all_gone() { local p; for p in "$@"; do [ -e "/proc/$p" ] && return 1; done; return 0; }
procs() { local l=(); mapfile -t l < "$1/cgroup.procs"; echo "${l[*]}"; }

state_get() {	# state_get GROUP KEY
	local k v
	while read -r k v; do
		[ "$k" = "$2" ] && { echo "$v"; return 0; }
	done < "$1/ckpt.state"
	echo 0
}

# kill_group GROUP: kill everything in it, wait until the pids are free.
kill_group() {
	local pids

	pids=$(procs "$1")
	echo 1 > "$1/cgroup.kill"
	wait_for "$1 to empty" populated_is "$1" 0 || return 1
	# shellcheck disable=SC2086 # a list of pids
	wait_for "the pids of $1 to be free" all_gone $pids
}

# Sum of the sizes of FILE... (one stat for all).
sizes() {
	local sum=0 s

	for s in $(stat -c %s "$@"); do
		sum=$((sum + s))
	done
	echo "$sum"
}

# verify GROUP DIR PID NPROCS: every process checks itself (SIGUSR1), then the
# counter of the first process PID must have moved on (SIGUSR2).
verify() {
	local g=$1 d=$2 pid=$3 n=$4 before p l c1='' c2 ok=1
	local -a res

	before=$(nlines "$d/result")
	for p in $(procs "$g"); do
		kill -USR1 "$p" || ok=0
	done
	wait_for "$n results" lines_ge "$d/result" $((before + n)) || return 1
	mapfile -t res < "$d/result"
	for l in "${res[@]:before}"; do
		case $l in
		"OK $pid count "*) c1=${l##* } ;;
		OK*) ;;
		*) say "check failed: $l"; ok=0 ;;
		esac
	done
	[ -n "$c1" ] || { say "no answer from pid $pid"; return 1; }
	read -ra res <<< "$(procs "$g")"
	[ "${#res[@]}" = "$n" ] || { say "${#res[@]} processes, not $n"; ok=0; }
	before=$(nlines "$d/result")
	nap 0.1
	kill -USR2 "$pid"
	wait_for "the count" lines_ge "$d/result" $((before + 1)) || return 1
	mapfile -t res < "$d/result"
	c2=${res[before]##* }
	if [ "${res[before]}" != "count $c2" ] || [ "$c2" -le "$c1" ]; then
		say "the counter does not move on: $c1, then '${res[before]}'"
		ok=0
	fi
	[ "$ok" = 1 ]
}

# start SYS ARGS NPROCS: start bwl in the group of SYS; sets $pid, $dir, $grp.
start() {
	local args=$2 n=$3

	grp=$PARENT/$1
	dir=$WORK/wl-$1
	rm -rf "$dir"
	mkdir -p "$dir"
	# shellcheck disable=SC2086 # the arguments are words
	pid=$("$SPAWN" -c "$grp" -o "$dir/log" -- "$BWL" -d "$dir" $args) || return 1
	wait_for "the workload to be ready" test -e "$dir/ready" || return 1
	if [ "$n" -gt 1 ]; then
		wait_for "$n processes up" lines_ge "$dir/up" "$n" || return 1
	fi
	# let the counter count
	nap 0.2
}

# One measurement; prints BENCH-RAW.  bench_ours/bench_criu set the times.
measure() {
	local sys=$1 name=$2 args=$3 n=$4 mem=$5 run=$6 ok=1

	ckpt_us=0 frozen_us=0 restart_us=0 size=0 kckpt_us=0 krestart_us=0 mem_kib=0
	if ! start "$sys" "$args" "$n"; then
		ok=0
	elif ! "bench_$sys" "$name" "$run"; then
		ok=0
	elif ! verify "$grp" "$dir" "$pid" "$n"; then
		ok=0
	fi
	kill_group "$grp" || ok=0
	rm -rf "$WORK/ours.img" "$WORK/criu"
	[ "$ok" = 1 ] || { failures=$((failures + 1)); say "$sys $name run $run FAILED"; }
	echo "BENCH-RAW sys=$sys wl=$name run=$run ok=$ok procs=$n mem_mib=$mem" \
	     "ckpt_us=$ckpt_us frozen_us=$frozen_us restart_us=$restart_us size=$size" \
	     "kckpt_us=$kckpt_us krestart_us=$krestart_us mem_kib=$mem_kib"
}

# watch_start, watch_stop: around a checkpoint, the peak growth of the
# memory a checkpointer can use (bench/workloads/memwatch.c: anonymous
# memory, page tables, kernel stacks, unreclaimable slab, vmalloc) into
# $mem_kib.
watch_start() {
	rm -f "$WORK/memwatch"
	"$MEMWATCH" "$WORK/memwatch" &
	mw_pid=$!
	nap 0.05
}
watch_stop() {
	local base peak

	kill -TERM "$mw_pid" && wait "$mw_pid" || return 1
	read -r _ base _ peak < "$WORK/memwatch" || return 1
	mem_kib=$((peak - base))
}

bench_ours() {
	local img=$WORK/ours.img t0 t1

	watch_start
	t0=$(now_us)
	"$CKPT" -q checkpoint "$grp" -o "$img" || { watch_stop; return 1; }
	t1=$(now_us)
	watch_stop || return 1
	ckpt_us=$((t1 - t0))
	frozen_us=$(state_get "$grp" frozen_us)
	kckpt_us=$(state_get "$grp" duration_us)
	size=$(sizes "$img")
	kill_group "$grp" || return 1
	t0=$(now_us)
	"$CKPT" -q restart "$grp" -i "$img" > /dev/null || return 1
	t1=$(now_us)
	restart_us=$((t1 - t0))
	krestart_us=$(state_get "$grp" duration_us)
}

bench_criu() {
	local d=$WORK/criu t0 t1

	rm -rf "$d"
	mkdir -p "$d" "$WORK/stats"
	watch_start
	t0=$(now_us)
	criu dump -t "$pid" -D "$d" --leave-running -o "$WORK/criu-dump.log" -v2 ||
		{ watch_stop; tail -n 5 "$WORK/criu-dump.log" >&2; return 1; }
	t1=$(now_us)
	watch_stop || return 1
	ckpt_us=$((t1 - t0))
	size=$(sizes "$d"/*.img)
	kill_group "$grp" || return 1
	t0=$(now_us)
	criu restore -D "$d" -d -o "$WORK/criu-restore.log" -v2 ||
		{ tail -n 5 "$WORK/criu-restore.log" >&2; return 1; }
	t1=$(now_us)
	restart_us=$((t1 - t0))
	cp "$d/stats-dump" "$WORK/stats/$1.$2.dump" 2>/dev/null
	cp "$d/stats-restore" "$WORK/stats/$1.$2.restore" 2>/dev/null
	# the restored tasks must be back in the group
	grep -qx "$pid" "$grp/cgroup.procs" ||
		{ say "criu restored pid $pid outside $grp"; kill -9 "$pid"; return 1; }
}

# CRIU's own counters (stats-dump, stats-restore), decoded with its pycriu
# (what crit uses) in one Python run rather than one crit per file.
criu_stats() {
	/usr/bin/python3 - "$WORK/stats" <<'EOF'
import os, sys
import pycriu.images as images
d = sys.argv[1]
out = {}
for f in sorted(os.listdir(d)):
    wl, run, kind = f.rsplit('.', 2)
    with open(os.path.join(d, f), 'rb') as fp:
        e = images.load(fp)['entries'][0]
    s = e.get('dump' if kind == 'dump' else 'restore', {})
    o = out.setdefault((wl, run), {})
    for k, v in s.items():
        if k.endswith('_time'):
            o[k.replace('_time', '_us')] = v
        elif isinstance(v, int):
            o[k] = v
for (wl, run), o in sorted(out.items()):
    print('BENCH-CRIU wl=%s run=%s %s' % (wl, run, ' '.join('%s=%s' % kv for kv in sorted(o.items()))))
EOF
}

limits() {
	local best_dd=0 t0 t1 mibs

	for _ in 1 2 3; do
		rm -f "$WORK/dd"
		t0=$(now_us)
		dd if=/dev/zero of="$WORK/dd" bs=1M count="$LIMIT_MIB" status=none || return 1
		t1=$(now_us)
		mibs=$((LIMIT_MIB * 1000000 / (t1 - t0)))
		[ "$mibs" -gt "$best_dd" ] && best_dd=$mibs
	done
	rm -f "$WORK/dd"
	echo "BENCH-LIMIT $("$MEMBW" "$LIMIT_MIB" 5 | tr ' ' '=') dd_mibs=$best_dd"
}

# ---- servers: redis-server, its clients' connections kept ---------------------

# server_start SYS CLIENTS KEYS: redis-server in the group of SYS with KEYS
# keys, and CLIENTS connections from redisclients.py outside the group;
# sets $pid, $dir, $grp, $port, $cpid.
server_start() {
	grp=$PARENT/$1
	dir=$WORK/srv-$1
	port=$([ "$1" = ours ] && echo 6390 || echo 6391)
	rm -rf "$dir"
	mkdir -p "$dir"
	pid=$("$SPAWN" -c "$grp" -o "$dir/log" -- /usr/bin/redis-server --port "$port" \
		--bind 127.0.0.1 --save "" --appendonly no --enable-debug-command yes \
		--maxclients 10000 --dir "$dir" --logfile "") || return 1
	wait_for "redis to answer" redis_up || return 1
	redis-cli -p "$port" debug populate "$3" > /dev/null || return 1
	/usr/bin/python3 "$REPO/bench/workloads/redisclients.py" "$dir" "$port" "$2" &
	cpid=$!
	wait_for "$2 clients" test -e "$dir/up" -o -e "$dir/result"
	[ -e "$dir/up" ]
}
redis_up() { [ "$(redis-cli -p "$port" ping 2>/dev/null)" = PONG ]; }

# server_verify KEYS: every client's connection answers, the data is there
server_verify() {
	local r

	touch "$dir/go"
	wait_for "the clients' answers" test -e "$dir/result" || return 1
	read -r r < "$dir/result"
	[ "${r%% *}" = OK ] || { say "clients: $r"; return 1; }
	r=$(redis-cli -p "$port" dbsize)
	[ "$r" = "$1" ] || { say "dbsize $r, not $1"; return 1; }
}

server_ours() {
	local img=$WORK/ours.img t0 t1

	t0=$(now_us)
	"$CKPT" -q checkpoint "$grp" -o "$img" --kill || return 1
	t1=$(now_us)
	ckpt_us=$((t1 - t0))
	frozen_us=$(state_get "$grp" frozen_us)
	kckpt_us=$(state_get "$grp" duration_us)
	size=$(sizes "$img")
	wait_for "the group to empty" populated_is "$grp" 0 || return 1
	t0=$(now_us)
	"$CKPT" -q restart "$grp" -i "$img" > /dev/null || return 1
	t1=$(now_us)
	restart_us=$((t1 - t0))
	krestart_us=$(state_get "$grp" duration_us)
}

server_criu() {
	local d=$WORK/criu t0 t1

	rm -rf "$d"
	mkdir -p "$d" "$WORK/stats"
	t0=$(now_us)
	criu dump -t "$pid" -D "$d" --tcp-established -o "$WORK/criu-dump.log" -v2 ||
		{ tail -n 5 "$WORK/criu-dump.log" >&2; return 1; }
	t1=$(now_us)
	ckpt_us=$((t1 - t0))
	size=$(sizes "$d"/*.img)
	wait_for "the group to empty" populated_is "$grp" 0 || return 1
	t0=$(now_us)
	criu restore -D "$d" -d --tcp-established -o "$WORK/criu-restore.log" -v2 ||
		{ tail -n 5 "$WORK/criu-restore.log" >&2; return 1; }
	t1=$(now_us)
	restart_us=$((t1 - t0))
	cp "$d/stats-dump" "$WORK/stats/$1.$2.dump" 2>/dev/null
	cp "$d/stats-restore" "$WORK/stats/$1.$2.restore" 2>/dev/null
	grep -qx "$pid" "$grp/cgroup.procs" ||
		{ say "criu restored pid $pid outside $grp"; kill -9 "$pid"; return 1; }
}

# One server measurement: checkpoint with kill (the connections move),
# restart, the clients' connections must answer.  Prints BENCH-RAW.
measure_server() {
	local sys=$1 name=$2 clients=$3 keys=$4 run=$5 ok=1

	ckpt_us=0 frozen_us=0 restart_us=0 size=0 kckpt_us=0 krestart_us=0 mem_kib=0
	cpid=
	if ! server_start "$sys" "$clients" "$keys"; then
		ok=0
	elif ! "server_$sys" "$name" "$run"; then
		ok=0
	elif ! server_verify "$keys"; then
		ok=0
	fi
	[ -n "$cpid" ] && kill "$cpid" 2> /dev/null
	kill_group "$grp" || ok=0
	[ "$sys" = ours ] && echo release > "$grp/ckpt.trigger"
	rm -rf "$WORK/ours.img" "$WORK/criu"
	[ "$ok" = 1 ] || { failures=$((failures + 1)); say "$sys $name run $run FAILED"; }
	echo "BENCH-RAW sys=$sys wl=$name run=$run ok=$ok procs=1 mem_mib=0" \
	     "ckpt_us=$ckpt_us frozen_us=$frozen_us restart_us=$restart_us size=$size" \
	     "kckpt_us=$kckpt_us krestart_us=$krestart_us mem_kib=$mem_kib"
}

# ---- setup -------------------------------------------------------------------
[ "$(id -u)" = 0 ] || { say "must run as root"; exit 2; }
for f in "$CKPT" "$BWL" "$MEMBW" "$SPAWN"; do
	[ -x "$f" ] || { say "$f missing: run make bench (or make tools; make -C bench/workloads)"; exit 2; }
done
grep -qw ckpt $CG/cgroup.controllers || { say "the kernel has no ckpt controller"; exit 2; }
echo +ckpt > $CG/cgroup.subtree_control || exit 2
mkdir -p "$PARENT" "$WORK" || exit 2
echo +ckpt > "$PARENT/cgroup.subtree_control" || exit 2
mkdir -p "$PARENT/ours" "$PARENT/criu" || exit 2

criu_ok=1
if ! criu check > "$WORK/criu-check.log" 2>&1; then
	say "criu check fails: CRIU is left out"
	sed 's/^/  /' "$WORK/criu-check.log" >&2
	criu_ok=0
fi
echo "BENCH-INFO kernel=$(uname -r) cpus=$(nproc) mem_mib=$(($(sed -n 's/^MemTotal: *\([0-9]*\).*/\1/p' /proc/meminfo) / 1024))" \
     "criu=$(criu --version | sed -n 's/^Version: *//p') criu_check=$criu_ok runs=$RUNS quick=$QUICK" \
     "lockdep=$([ -e /proc/lockdep ] && echo 1 || echo 0)"
# Warm up.  The first exec of a program over 9p is much slower than the
# next.  The first touch of a page of guest memory makes QEMU fault it in
# on the host, which costs more than anything measured here: touch most of
# the free memory once (membw copies between two buffers of MIB each).
"$CKPT" --version > /dev/null
free_mib=$(($(sed -n 's/^MemAvailable: *\([0-9]*\).*/\1/p' /proc/meminfo) / 1024))
"$MEMBW" $((free_mib * 2 / 5)) 1 > /dev/null || say "cannot warm up the memory"
limits || { say "cannot measure the limits"; exit 1; }

for w in "${WORKLOADS[@]}"; do
	IFS='|' read -r name args n mem <<< "$w"
	[ -n "$ONLY" ] && ! [[ $name =~ $ONLY ]] && continue
	for ((run = 1; run <= RUNS; run++)); do
		# alternate which system goes first
		if ((run % 2)); then order="ours criu"; else order="criu ours"; fi
		for sys in $order; do
			[ "$sys" = criu ] && [ "$criu_ok" = 0 ] && continue
			say "$name run $run: $sys"
			measure "$sys" "$name" "$args" "$n" "$mem" "$run"
		done
	done
	# after each workload, so that an interrupted run keeps them
	if [ "$criu_ok" = 1 ] && [ -d "$WORK/stats" ]; then
		criu_stats
		rm -rf "$WORK/stats"
	fi
done

for w in "${SERVERS[@]}"; do
	IFS='|' read -r name clients keys <<< "$w"
	[ -n "$ONLY" ] && ! [[ $name =~ $ONLY ]] && continue
	for ((run = 1; run <= RUNS; run++)); do
		if ((run % 2)); then order="ours criu"; else order="criu ours"; fi
		for sys in $order; do
			[ "$sys" = criu ] && [ "$criu_ok" = 0 ] && continue
			say "$name run $run: $sys"
			measure_server "$sys" "$name" "$clients" "$keys" "$run"
		done
	done
	if [ "$criu_ok" = 1 ] && [ -d "$WORK/stats" ]; then
		criu_stats
		rm -rf "$WORK/stats"
	fi
done

rmdir "$PARENT/ours" "$PARENT/criu" "$PARENT" 2>/dev/null
echo "BENCH-DONE failures=$failures"
[ "$failures" = 0 ]
