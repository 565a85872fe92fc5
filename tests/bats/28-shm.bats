#!/usr/bin/env bats
# shellcheck disable=SC2154,SC2030,SC2031 # $pid, $status: set by helpers and bats
# SPDX-License-Identifier: GPL-2.0
#
# Shared memory and files whose contents go into the image: shared
# anonymous memory across fork, memfds, shared file mappings, files
# unlinked while open.  The workload "shm" verifies contents, seals, offsets,
# copy-on-write separation and that parent and child still share memory
# (a token written by one is answered by the other).

load helpers

setup() { common_setup; }
teardown() {
	# SysV segments outlive their processes
	if [ -f "${T:-}/v/info" ]; then
		awk '$1 == "A" || $1 == "B" { print $2 }' "$T/v/info" |
			while read -r id; do ipcrm -m "$id" 2>/dev/null; done
	fi
	common_teardown
}

# fds_of PID: "fd -> target" of the fds 40-43 of the shm workload
fds_of() { for f in 40 41 42 43; do echo "$f $(readlink "/proc/$1/fd/$f")"; done; }
sums_of() { md5sum < "/proc/$1/fd/40"; md5sum < "/proc/$1/fd/42"; }
maps_shared() { awk '$2 ~ /s$/ { print $1, $2, $6, $7 }' "/proc/$1/maps"; }
# shm_start GROUP: starts the workload "s", checks it once; sets $pid, $child
shm_start() {
	wl_start "$1" s shm || return 1
	child=$(awk '$1 == "child" { print $2 }' "$T/s/info")
	[ -n "$child" ] && alive "$child" || return 1
	track_pid "$child"
	wl_check "$pid" s
}

@test "shm: memory shared across fork, memfd, shared file and unlinked file survive a restart" {
	G=$(new_group a)
	shm_start "$G"
	fds_of "$pid" > "$T/fds.before"
	sums_of "$pid" > "$T/sums.before"
	maps_shared "$pid" > "$T/maps.before"
	maps_shared "$child" > "$T/cmaps.before"
	grep -q '/dev/zero (deleted)' "$T/maps.before"
	grep -q '/memfd:ckpt-shm (deleted)' "$T/maps.before"
	checkpoint "$G" "$T/img" kill
	wait_until gone "$pid"
	wait_until gone "$child"
	restart "$G" "$T/img"
	[ "$(procs_of "$G" | tr ' ' '\n' | sort -n | tr '\n' ' ')" = \
	  "$(printf '%s\n' "$pid" "$child" | sort -n | tr '\n' ' ')" ]
	# the same contents, read through /proc by another process
	sums_of "$pid" > "$T/sums.after"
	diff -u "$T/sums.before" "$T/sums.after"
	maps_shared "$pid" > "$T/maps.after"
	maps_shared "$child" > "$T/cmaps.after"
	diff -u "$T/maps.before" "$T/maps.after"
	diff -u "$T/cmaps.before" "$T/cmaps.after"
	fds_of "$pid" > "$T/fds.after"
	# the memfd keeps its name; the unlinked file is a new unlinked file
	# in the same directory (O_TMPFILE names it #INODE)
	sed -n 1,2p "$T/fds.before" | diff -u - <(sed -n 1,2p "$T/fds.after")
	grep -Eq "^42 $T/s/g/#[0-9]+ \(deleted\)$" "$T/fds.after"
	grep -Eq "^43 $T/s/g/#[0-9]+ \(deleted\)$" "$T/fds.after"
	[ "$(sed -n 3p "$T/fds.after" | cut -d' ' -f2-)" = \
	  "$(sed -n 4p "$T/fds.after" | cut -d' ' -f2-)" ]
	# contents, seals, offsets, private copies, and sharing both ways
	wl_check "$pid" s
	# a write through the shared file mapping reaches the file...
	[ "$(dd if="$T/s/shared.dat" bs=1 skip=100 count=7 status=none)" = "ROUND 2" ]
	# ...and a write to the file is seen through the mapping
	printf W | dd of="$T/s/shared.dat" bs=1 seek=4096 conv=notrunc status=none
	touch "$T/s/expect-w"
	wl_check "$pid" s
	[ "$(dd if="$T/s/shared.dat" bs=1 skip=100 count=7 status=none)" = "ROUND 3" ]
}

@test "shm: the image holds each object once, only the pages present" {
	G=$(new_group a)
	shm_start "$G"
	checkpoint "$G" "$T/img"
	"$CKPT" info "$T/img" > "$T/info"
	# one object each, written by the parent; the child refers to them
	[ "$(grep -c '^  shmem \[[0-9]*\] anon, size 256K$' "$T/info")" = 1 ]
	[ "$(grep -c '^  shmem \[[0-9]*\] memfd "ckpt-shm", size 12388, seals shrink,grow$' "$T/info")" = 1 ]
	[ "$(grep -c "^  unlinked \[[0-9]*\] in $T/s/g, mode 0100640, size 12298$" "$T/info")" = 1 ]
	# anon: pages 0-3 and 40 (page 20 holds zeros); memfd: 4 pages;
	# unlinked: pages 0, 2 and 3 (page 1 is a hole)
	grep -q ', 3 objects with 12 pages stored,' "$T/info"
	# the shared areas store no pages of their own, in both processes
	[ "$(grep -Ec ' rw- shared +256K /dev/zero \(deleted\) 0$' "$T/info")" = 2 ]
	[ "$(grep -Ec ' rw- shared +16K /memfd:ckpt-shm \(deleted\) 0$' "$T/info")" = 2 ]
	[ "$(grep -Ec " rw- shared +8K $T/s/shared.dat 0$" "$T/info")" = 2 ]
	[ "$(file_size "$T/img")" -lt $((1024 * 1024)) ]
	"$CKPT" info --json "$T/img" | grep -q '"type": "shmem"'
	wl_check "$pid" s
}

@test "shm: a restarted tree can be checkpointed and restarted again" {
	G=$(new_group a)
	shm_start "$G"
	checkpoint "$G" "$T/img" kill
	wait_until gone "$pid"
	wait_until gone "$child"
	restart "$G" "$T/img"
	wl_check "$pid" s
	checkpoint "$G" "$T/img2" kill
	wait_until gone "$pid"
	wait_until gone "$child"
	restart "$G" "$T/img2"
	wl_check "$pid" s
}

# sysv_of ID...: key, id, perms, size, nattch, uid, gid, cuid, cgid of
# the segments ID (in that order), from /proc/sysvipc/shm
sysv_of() {
	local id

	for id in "$@"; do
		awk -v id="$id" '$2 == id { print $1, $2, $3, $4, $7, $8, $9, $10, $11 }' \
			/proc/sysvipc/shm
	done
}
sysv_count() { tail -n +2 /proc/sysvipc/shm | wc -l; }
sysv_gone() { [ -z "$(sysv_of "$1")" ]; }

@test "shm: SysV segments keep id, key, mode, size, contents and attachments" {
	G=$(new_group a)
	wl_start "$G" v sysvshm
	child=$(awk '$1 == "child" { print $2 }' "$T/v/info")
	track_pid "$child"
	read -r ida idb idc < <(awk '$1 ~ /^[ABC]$/ { printf "%s ", $2 } END { print "" }' "$T/v/info")
	wl_check "$pid" v
	sysv_of "$ida" "$idb" "$idc" > "$T/sysv.before"
	[ "$(wc -l < "$T/sysv.before")" = 3 ]
	# A by both, B by the child, C (removed) by both
	awk '{ print $3, $5 }' "$T/sysv.before" | tr '\n' ' ' | grep -qx '600 2 640 1 1600 2 '
	# a plain checkpoint leaves the segments to the namespace
	checkpoint "$G" "$T/img"
	echo 1 > "$G/cgroup.kill"
	wait_until gone "$pid"
	wait_until gone "$child"
	"$CKPT" info "$T/img" > "$T/info"
	[ "$(grep -c '^  sysvshm ' "$T/info")" = 3 ]
	grep -q "^  sysvshm \[[0-9]*\] shmid $idc key 0, mode 0600 removed," "$T/info"
	# C went with its last detach; A and B stay, and their ids are in use
	sysv_gone "$idc"
	n=$(sysv_count)
	image_in "$G" "$T/img"
	ensure_write_fail "$G/ckpt.trigger" restart EBUSY
	assert_failed "$G" EBUSY
	grep -Eq "^error pid $pid: SysV shm (id $ida|key 0x[0-9a-f]+ \(shm id $idb\)) is in use" \
		"$G/ckpt.state"
	populated_is "$G" 0
	# what the failed restart made is gone with it
	[ "$(sysv_count)" = "$n" ]
	sysv_gone "$idc"
	ipcrm -m "$ida" -m "$idb"
	restart "$G" "$T/img"
	sysv_of "$ida" "$idb" "$idc" > "$T/sysv.after"
	diff -u "$T/sysv.before" "$T/sysv.after"
	# contents, B read-only in the child, sharing through A and C
	wl_check "$pid" v
	# C still goes with its last detach
	kill -USR2 "$pid"
	wait_until matches_ge "$T/v/result" '^detached C' 1
	wait_until sysv_gone "$idc"
	[ "$(sysv_of "$ida" | cut -d' ' -f5)" = 2 ]
	wl_check "$pid" v
}

@test "shm: checkpoint kill takes the segments only the group attached; a restart here makes them again" {
	G=$(new_group a)
	wl_start "$G" v sysvshm
	child=$(awk '$1 == "child" { print $2 }' "$T/v/info")
	track_pid "$child"
	read -r ida idb idc < <(awk '$1 ~ /^[ABC]$/ { printf "%s ", $2 } END { print "" }' "$T/v/info")
	sysv_of "$ida" "$idb" "$idc" > "$T/sysv.before"
	checkpoint "$G" "$T/img" kill
	wait_until gone "$pid"
	wait_until gone "$child"
	# all three went with the group
	sysv_gone "$ida"
	sysv_gone "$idb"
	sysv_gone "$idc"
	restart "$G" "$T/img"
	sysv_of "$ida" "$idb" "$idc" > "$T/sysv.after"
	diff -u "$T/sysv.before" "$T/sysv.after"
	wl_check "$pid" v
}

@test "shm: a restart that cannot recreate an unlinked file fails and leaves nothing" {
	G=$(new_group a)
	shm_start "$G"
	checkpoint "$G" "$T/img" kill
	wait_until gone "$pid"
	wait_until gone "$child"
	mv "$T/s/g" "$T/s/g.away"
	image_in "$G" "$T/img"
	ensure_write_fail "$G/ckpt.trigger" restart ENOENT
	grep -q "^error pid $pid: cannot create an unlinked file in $T/s/g (error -2)" "$G/ckpt.state"
	populated_is "$G" 0
	refute alive "$pid"
	mv "$T/s/g.away" "$T/s/g"
	restart "$G" "$T/img"
	wl_check "$pid" s
}

@test "shm: contents pages of an undefined object are refused" {
	G=$(new_group a)
	shm_start "$G"
	checkpoint "$G" "$T/img" kill
	wait_until gone "$pid"
	wait_until gone "$child"
	# the first CKPT_REC_SHMEM_PAGES names object 0x7fffffff
	off=$(python3 - "$T/img" <<'EOF'
import struct, sys
d = open(sys.argv[1], 'rb').read()
off = 184
while off < len(d):
    t, l = struct.unpack_from('<II', d, off)
    if t == 0x0311:
        print(off)
        break
    off += (l + 7) & ~7
EOF
)
	[ -n "$off" ]
	printf '\xff\xff\xff\x7f' | dd of="$T/img" bs=1 seek=$((off + 8)) conv=notrunc status=none
	image_in "$G" "$T/img"
	ensure_write_fail "$G/ckpt.trigger" restart EINVAL
	assert_failed "$G" EINVAL
	grep -q '^error image: object 2147483647 used before it is defined' "$G/ckpt.state"
	populated_is "$G" 0
	refute alive "$pid"
}

@test "exclude: +shmem restarts shared memory zero-filled, the objects and their sharing kept" {
	G=$(new_group a)
	shm_start "$G"
	md5sum < "/proc/$pid/fd/42" > "$T/gone.before"
	maps_shared "$pid" > "$T/maps.before"
	echo +shmem > "$G/ckpt.exclude"
	checkpoint "$G" "$T/img" kill
	wait_until gone "$pid"
	wait_until gone "$child"
	[ "$(le64_at "$T/img" 24)" = 18 ]	# shmem, files
	run "$CKPT" info "$T/img"
	[ "$status" = 0 ]
	grep -q "^  exclude: shmem files$" <<< "$output"
	# the objects are there, their pages are not; the unlinked file's are
	grep -q "^  shmem " <<< "$output"
	restart "$G" "$T/img"
	# the memfd keeps its size, zero-filled
	cmp <(head -c $((3 * 4096 + 100)) /dev/zero) "/proc/$pid/fd/40"
	maps_shared "$pid" > "$T/maps.after"
	diff -u "$T/maps.before" "$T/maps.after"
	# a regular file unlinked while open is not shared memory: kept
	md5sum < "/proc/$pid/fd/42" | diff -u "$T/gone.before" -
	# the workload's own check sees the zeros where its pattern was
	n=$(($(lines_of "$T/s/result") + 1))
	kill -USR1 "$pid"
	r=$(wl_result s "$n")
	[[ $r == FAIL* ]]
}
