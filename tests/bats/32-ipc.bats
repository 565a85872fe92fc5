#!/usr/bin/env bats
# shellcheck disable=SC2154,SC2030,SC2031 # $pid, $status: set by helpers and bats
# SPDX-License-Identifier: GPL-2.0
#
# SysV semaphores and message queues: ids, keys, modes, owners, values,
# undo adjustments, queue sizes and messages survive a restart; ids in use
# and damaged records fail the restart, which leaves no object behind.

load helpers

setup() { common_setup; }
teardown() {
	local id

	for id in ${SEMS:-}; do ipcrm -s "$id" 2>/dev/null || true; done
	for id in ${MSQS:-}; do ipcrm -q "$id" 2>/dev/null || true; done
	common_teardown
}

info_of() { awk -v k="$2" '$1 == k { print $3 == "" ? $2 : $2 " " $3 }' "$T/$1/info"; }

# sysv_sems / sysv_msqs: key, id, perms, nsems or (cbytes, qnum), owners
# of the objects of the workload, from /proc/sysvipc
sysv_sems() {
	awk -v ids=" $SEMS " 'index(ids, " " $2 " ") { print $1, $2, $3, $4, $5, $6, $7, $8 }' \
		/proc/sysvipc/sem
}
sysv_msqs() {
	awk -v ids=" $MSQS " 'index(ids, " " $2 " ") { print $1, $2, $3, $4, $5, $8, $9, $10, $11 }' \
		/proc/sysvipc/msg
}
# sem_values ID: the values of set ID, space separated
sem_values() { ipcs -s -i "$1" | awk '$1 ~ /^[0-9]+$/ && NF >= 4 { printf "%s ", $2 }' | sed 's/ $//'; }
ipc_count() { echo "$(tail -n +2 /proc/sysvipc/sem | wc -l) $(tail -n +2 /proc/sysvipc/msg | wc -l)"; }
values_are() { [ "$(sem_values "$1")" = "$2" ]; }

ipc_start() {
	wl_start "$1" v sysvipc || return 1
	child=$(info_of v child)
	track_pid "$child"
	read -r s1 _ <<< "$(info_of v S1)"
	s2=$(info_of v S2)
	read -r q _ <<< "$(info_of v Q)"
	q2=$(info_of v Q2)
	SEMS="$s1 $s2"
	MSQS="$q $q2"
}

@test "ipc: semaphores with undo adjustments and message queues survive a restart" {
	G=$(new_group a)
	ipc_start "$G"
	wl_check "$pid" v
	sysv_sems > "$T/sem.before"
	sysv_msqs > "$T/msg.before"
	[ "$(wc -l < "$T/sem.before") $(wc -l < "$T/msg.before")" = "2 2" ]
	[ "$(sem_values "$s1")" = "2 0 103" ]
	checkpoint "$G" "$T/img" kill
	wait_until gone "$pid"
	wait_until gone "$child"
	# the processes exited: their undo adjustments were applied
	[ "$(sem_values "$s1")" = "5 0 100" ]
	run "$CKPT" info "$T/img"
	[ "$status" = 0 ]
	grep -Eq "^  sysvsem \[[0-9]+\] semid $s1 key 0x7c5b[0-9a-f]+, mode 0640, 3 semaphores: 5 0 100" <<< "$output"
	grep -Eq "^  semundo \[[0-9]+\] semid $s1: \+1 0 0" <<< "$output"
	grep -Eq "^  semundo \[[0-9]+\] semid $s1: \+2 0 -3" <<< "$output"
	grep -Eq "^  sysvmsg \[[0-9]+\] msqid $q key 0x7c5c[0-9a-f]+, mode 0620, qbytes 4000, 4 messages" <<< "$output"
	grep -Eq "^  sysvmsg_data \[[0-9]+\] type 5, 1000 bytes" <<< "$output"
	# the ids are still in use: the restart fails and leaves nothing
	n=$(ipc_count)
	image_in "$G" "$T/img"
	ensure_write_fail "$G/ckpt.trigger" restart EBUSY
	assert_failed "$G" EBUSY
	grep -Eq "^error pid $pid: SysV semaphore set key 0x7c5b[0-9a-f]+ \(id $s1\) is in use" \
		"$G/ckpt.state"
	populated_is "$G" 0
	[ "$(ipc_count)" = "$n" ]
	ipcrm -s "$s1" -s "$s2" -q "$q" -q "$q2"
	restart "$G" "$T/img"
	sysv_sems > "$T/sem.after"
	sysv_msqs > "$T/msg.after"
	diff -u "$T/sem.before" "$T/sem.after"
	diff -u "$T/msg.before" "$T/msg.after"
	wl_check "$pid" v
	# exits undo as before: the child's adjustments, then the parent's
	kill -9 "$child"
	wait_until values_are "$s1" "4 0 100"
	kill -9 "$pid"
	wait_until values_are "$s1" "5 0 100"
}

# sem_pids ID: the last process to change each semaphore of set ID (GETPID)
sem_pids() { ipcs -s -i "$1" | awk '$1 ~ /^[0-9]+$/ && NF >= 5 { printf "%s ", $5 }' | sed 's/ $//'; }
# sysv_info IMAGE: the SysV records of IMAGE, without their object ids
sysv_info() {
	"$CKPT" info "$1" | grep -E '^  (sysvsem|semundo|sysvmsg|sysvmsg_data) ' | sed 's/ \[[0-9]*\]//'
}

@test "ipc: a restarted group is checkpointed again with the same objects, its processes last to change every semaphore" {
	G=$(new_group a)
	ipc_start "$G"
	checkpoint "$G" "$T/img" kill
	wait_until gone "$pid"
	wait_until gone "$child"
	ipcrm -s "$s1" -s "$s2" -q "$q" -q "$q2"
	restart "$G" "$T/img"
	# semaphores at 0 too: S1's second, which no undo adjustment replays
	[ "$(sem_pids "$s2")" = "$pid" ]
	[ "$(sem_pids "$s1" | awk '{ print $2 }')" = "$pid" ]
	refute grep -qvxE "$pid|$child" <<< "$(sem_pids "$s1" | tr ' ' '\n')"
	# so that the next checkpoint finds the same objects, with the same contents
	checkpoint "$G" "$T/img2" kill
	wait_until gone "$pid"
	wait_until gone "$child"
	sysv_info "$T/img" > "$T/info1"
	sysv_info "$T/img2" > "$T/info2"
	[ "$(grep -c '^  sysvsem ' "$T/info1") $(grep -c '^  sysvmsg ' "$T/info1")" = "2 2" ]
	[ "$(grep -c '^  sysvmsg_data ' "$T/info1")" = 5 ]
	diff -u "$T/info1" "$T/info2"
	ipcrm -s "$s1" -s "$s2" -q "$q" -q "$q2"
	restart "$G" "$T/img2"
	wl_check "$pid" v
}

@test "ipc: a failed restart removes the objects it made" {
	G=$(new_group a)
	ipc_start "$G"
	checkpoint "$G" "$T/img" kill
	wait_until gone "$pid"
	wait_until gone "$child"
	ipcrm -s "$s1" -s "$s2" -q "$q" -q "$q2"
	n=$(ipc_count)
	# the restart fails late, on the second process's undo record
	cp "$T/img" "$T/bad"
	"$BATS_TEST_DIRNAME/imgpatch.py" "$T/bad" 0x0601 1 12 4 7
	image_in "$G" "$T/bad"
	ensure_write_fail "$G/ckpt.trigger" restart EINVAL
	grep -q "^error image: pid $child: malformed SysV semaphore undo record" "$G/ckpt.state"
	populated_is "$G" 0
	[ "$(ipc_count)" = "$n" ]
	# damaged objects
	while read -r type nth off size value re; do
		cp "$T/img" "$T/bad"
		"$BATS_TEST_DIRNAME/imgpatch.py" "$T/bad" "$type" "$nth" "$off" "$size" "$value"
		g=$(new_group "r$RANDOM")
		image_in "$g" "$T/bad"
		ensure_write_fail "$g/ckpt.trigger" restart EINVAL
		grep -q "^error image: .*$re" "$g/ckpt.state" || {
			grep '^error' "$g/ckpt.state"
			echo "expected: $re"
			return 1
		}
		populated_is "$g" 0
		[ "$(ipc_count)" = "$n" ]
	done <<'EOF'
0x0600 0 40 4 0 malformed SysV semaphore record
0x0600 0 48 2 40000 malformed SysV semaphore record
0x0600 0 20 4 512 malformed SysV semaphore record
0x0610 0 48 4 7 unexpected record type
0x0611 0 16 8 0 malformed or unexpected SysV message record
0x0611 1 12 4 5000 malformed or unexpected SysV message record
EOF
	restart "$G" "$T/img"
	wl_check "$pid" v
}

@test "exclude: +ipc restarts SysV objects with their ids and keys, empty; a default checkpoint keeps the contents" {
	G=$(new_group a)
	ipc_start "$G"
	sysv_sems > "$T/sem.before"
	# key, id, perms, owners: not the bytes and messages queued
	sysv_msqs | awk '{ print $1, $2, $3, $6, $7, $8, $9 }' > "$T/msg.before"
	# the default set (files) keeps values, undo adjustments, messages
	checkpoint "$G" "$T/full"
	run "$CKPT" info "$T/full"
	[ "$status" = 0 ]
	grep -Eq "^  sysvsem \[[0-9]+\] semid $s1 .*3 semaphores: 5 0 100" <<< "$output"
	grep -Eq "^  semundo \[[0-9]+\] semid $s1: " <<< "$output"
	grep -Eq "^  sysvmsg \[[0-9]+\] msqid $q .*, 4 messages" <<< "$output"
	echo +ipc > "$G/ckpt.exclude"
	checkpoint "$G" "$T/img" kill
	wait_until gone "$pid"
	wait_until gone "$child"
	[ "$(le64_at "$T/img" 24)" = 24 ]	# ipc, files
	run "$CKPT" info "$T/img"
	[ "$status" = 0 ]
	grep -q "^  exclude: ipc files$" <<< "$output"
	grep -Eq "^  sysvsem \[[0-9]+\] semid $s1 key 0x7c5b[0-9a-f]+, mode 0640, 3 semaphores: 0 0 0" <<< "$output"
	grep -Eq "^  sysvsem \[[0-9]+\] semid $s2 key 0, mode 0600, 1 semaphores: 0" <<< "$output"
	grep -Eq "^  sysvmsg \[[0-9]+\] msqid $q key 0x7c5c[0-9a-f]+, mode 0620, qbytes 4000, 0 messages" <<< "$output"
	grep -Eq "^  sysvmsg \[[0-9]+\] msqid $q2 key 0, mode 0600, .* 0 messages" <<< "$output"
	refute grep -Eq "^  (semundo|sysvmsg_data) " <<< "$output"
	ipcrm -s "$s1" -s "$s2" -q "$q" -q "$q2"
	restart "$G" "$T/img"
	# the same objects: ids, keys, modes, owners, sizes
	sysv_sems > "$T/sem.after"
	diff -u "$T/sem.before" "$T/sem.after"
	sysv_msqs | awk '{ print $1, $2, $3, $6, $7, $8, $9 }' | diff -u "$T/msg.before" -
	# empty: semaphores at 0, no message
	[ "$(sem_values "$s1")" = "0 0 0" ]
	[ "$(sem_values "$s2")" = 0 ]
	[ "$(sysv_msqs | awk '{ s += $4 + $5 } END { print s + 0 }')" = 0 ]
	# the program's own check notices
	kill -USR1 "$pid"
	wait_until matches_ge "$T/v/result" "^FAIL Q attributes: qbytes 4000 qnum 0 " 1
	grep -qx "FAIL set $s1 sem 0: 0, want 2" "$T/v/result"
	grep -q "^FAIL queue $q message 0: " "$T/v/result"
	# no undo adjustment was kept: exits change nothing
	kill -9 "$child" "$pid"
	wait_until gone "$pid"
	wait_until gone "$child"
	[ "$(sem_values "$s1")" = "0 0 0" ]
}
