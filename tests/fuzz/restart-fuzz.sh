#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# restart-fuzz.sh: runs in the guest (make fuzz).  Checkpoints a workload,
# makes CKPT_FUZZ_N (default 300) mutated copies of its image (bit flips in
# headers and records, truncations at and inside record boundaries, hostile
# 32- and 64-bit fields) and restarts each.  Every restart must fail with an
# errno (or succeed, for a mutation that changed nothing), leave no task
# behind and free the pid; guest-run fails the run on any kernel report.
# Prints the errnos seen, and exits non-zero if a task was left behind.
R=$PWD; W=$R/tests/workloads/bin; N=${CKPT_FUZZ_N:-300}
echo +ckpt > /sys/fs/cgroup/cgroup.subtree_control
mkdir /sys/fs/cgroup/a /sys/fs/cgroup/b; mkdir -p /tmp/c /tmp/f
# CKPT_FUZZ_WL: the workload whose image is mutated: memcheck (default), or
# tree (4 processes, sessions, process groups, 2 zombies), threads (5),
# sockets (4 unix socketpairs with data queued), sockets-named (listeners,
# accepted connections, datagram sockets, fds in flight), seccomp (filters,
# strict), pipes (2 processes, pipes with data, a FIFO), epolls (epoll,
# eventfd), locks (flock, POSIX and OFD locks of 2 processes), sysvipc (SysV
# semaphores with undo adjustments, message queues; a failed restart must
# leave no SysV object either).
case ${CKPT_FUZZ_WL:-memcheck} in
tree) wl=(tree -n 4 -f 3 -g -z) ;;
threads) wl=(threads -n 4) ;;
sockets) wl=(sockets) ;;
sockets-named) wl=(sockets -n) ;;
seccomp) wl=(seccomp) ;;
pipes) wl=(pipes) ;;
epolls) wl=(epolls) ;;
locks) wl=(locks) ;;
sysvipc) wl=(sysvipc) ;;
*) wl=(memcheck -m 1) ;;
esac
"$W"/spawn -c /sys/fs/cgroup/a -o /tmp/c/log "$W/${wl[0]}" -d /tmp/c "${wl[@]:1}" >/dev/null
for _ in $(seq 100); do [ -e /tmp/c/ready ] && break; sleep 0.1; done
sleep 1
pids=$(cat /sys/fs/cgroup/a/cgroup.threads)
any_left() { local p; for p in $pids; do [ -e /proc/"$p" ] && return 0; done; return 1; }
if ! "$W"/cgwrite -w /tmp/img /sys/fs/cgroup/a/ckpt.image_fd ||
   ! "$W"/cgwrite /sys/fs/cgroup/a/ckpt.trigger "checkpoint kill"; then
	echo "checkpoint failed"; exit 1
fi
for _ in $(seq 50); do any_left || break; sleep 0.1; done
ipc_objs() { cat /proc/sysvipc/sem /proc/sysvipc/msg | grep -vc '^ *key'; }
# the originals' SysV objects keep their ids: remove them
[ "${wl[0]}" = sysvipc ] && ipcrm -a
python3 - "$N" <<'PY'
import random, struct, sys
random.seed(1234)
img = open('/tmp/img','rb').read()
n = int(sys.argv[1])
# record boundaries
offs = []; o = 184
while o + 8 <= len(img):
    t, l = struct.unpack_from('<II', img, o); offs.append(o)
    if l < 8: break
    o += (l + 7) & ~7
for i in range(n):
    b = bytearray(img); k = i % 4
    if k == 0:      # flip 1-4 random bytes in the first 8 KiB (headers, records)
        for _ in range(random.randint(1, 4)):
            p = random.randrange(0, min(len(b), 8192)); b[p] ^= 1 << random.randrange(8)
    elif k == 1:    # truncate at a record boundary, or inside one
        cut = random.choice(offs) + random.choice([0, 0, 4, 8, 13])
        b = b[:cut]
    elif k == 2:    # a record's length or a count becomes hostile
        o = random.choice(offs)
        field = random.choice([4, 8, 12, 16, 20, 24, 32, 40, 48])
        val = random.choice([0, 1, 7, 8, 0xffffffff, 0x7fffffff, 0x10000, 0x40000, random.getrandbits(32)])
        if o + field + 4 <= len(b): struct.pack_into('<I', b, o + field, val)
    else:           # a 64-bit field (addresses, sizes) becomes hostile
        o = random.choice(offs)
        field = random.choice([8, 16, 24, 32, 40, 48, 56, 64])
        val = random.choice([0, 0xfff, 1 << 47, (1 << 64) - 4096, random.getrandbits(64)])
        if o + field + 8 <= len(b): struct.pack_into('<Q', b, o + field, val)
    open('/tmp/f/%d' % i, 'wb').write(bytes(b))
PY
declare -A res
bad=0
for i in $(seq 0 $((N - 1))); do
	"$W"/cgwrite -r /tmp/f/"$i" /sys/fs/cgroup/b/ckpt.image_fd >/dev/null
	e=$("$W"/cgwrite /sys/fs/cgroup/b/ckpt.trigger restart); e=${e:-OK}
	res[$e]=$(( ${res[$e]:-0} + 1 ))
	if [ "$e" = OK ]; then echo 1 > /sys/fs/cgroup/b/cgroup.kill; fi
	for _ in $(seq 100); do grep -q "populated 0" /sys/fs/cgroup/b/cgroup.events && ! any_left && break; sleep 0.05; done
	if ! grep -q "populated 0" /sys/fs/cgroup/b/cgroup.events || any_left; then
		echo "image $i ($e): task left behind"; bad=$((bad + 1)); cat /sys/fs/cgroup/b/ckpt.state
	fi
	if [ "${wl[0]}" = sysvipc ]; then
		if [ "$e" != OK ] && [ "$(ipc_objs)" != 0 ]; then
			echo "image $i ($e): SysV objects left behind"; bad=$((bad + 1))
		fi
		ipcrm -a
	fi
done
for k in "${!res[@]}"; do echo "result $k: ${res[$k]}"; done
# the good image still restarts
"$W"/cgwrite -r /tmp/img /sys/fs/cgroup/b/ckpt.image_fd >/dev/null
echo "good image: $("$W"/cgwrite /sys/fs/cgroup/b/ckpt.trigger restart)"
grep -E "Slab|SUnreclaim" /proc/meminfo
echo "leftovers: $bad"
[ "$bad" = 0 ]
