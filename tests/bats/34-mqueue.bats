#!/usr/bin/env bats
# shellcheck disable=SC2154,SC2030,SC2031 # $pid, $status: set by helpers and bats
# SPDX-License-Identifier: GPL-2.0
#
# POSIX message queues: names, modes, attributes, messages in order with
# their priorities, open files shared across fork with their flags, a
# queue without a name, a receiver waiting on an empty queue; checkpoints
# leave queues as they were; names in use and damaged records fail the
# restart, which leaves no queue behind.

load helpers

setup() {
	common_setup
	MQ=$WL/mqueues
	MQFS=$T/mqfs
	mkdir "$MQFS"
	mount -t mqueue mqueue "$MQFS"
}
teardown() {
	if mountpoint -q "${MQFS:-/nonexistent}"; then
		rm -f "$MQFS"/ckpt-mq*
		umount "$MQFS"
	fi
	common_teardown
}

info_of() { awk -v k="$2" '$1 == k { print $2 }' "$T/$1/info"; }
# mq_count: the queues of the namespace, by name
mq_count() { find "$MQFS" -maxdepth 1 -type f | wc -l; }
got_is() { [ "$(tail -n 1 "$T/v/got" 2>/dev/null)" = "$1" ]; }

mq_start() {
	wl_start "$1" v mqueues "${@:2}" || return 1
	child=$(info_of v child)
	track_pid "$child"
	q1=$(info_of v Q1)
	q2=$(info_of v Q2)
}

# mq_attrs: what mq_getattr and fstat say of the two named queues
mq_attrs() { "$MQ" attr "$q1" && "$MQ" attr "$q2"; }

@test "mqueue: queues with their messages survive a restart" {
	G=$(new_group a)
	mq_start "$G"
	wl_check "$pid" v
	mq_attrs > "$T/attr.before"
	grep -qx "maxmsg 8 msgsize 2048 curmsgs 6 mode 640" "$T/attr.before"
	# a checkpoint that lets the group run leaves the queues as they were
	checkpoint "$G" "$T/img0"
	wl_check "$pid" v
	mq_attrs | diff -u "$T/attr.before" -
	checkpoint "$G" "$T/img" kill
	wait_until gone "$pid"
	wait_until gone "$child"
	run "$CKPT" info "$T/img"
	[ "$status" = 0 ]
	grep -Eq "^  mqueue \[[0-9]+\] ${q1}, mode 0640, uid 0 gid 0, maxmsg 8, msgsize 2048, 6 messages" <<< "$output"
	grep -Eq "^  mqueue \[[0-9]+\] ${q2}, mode 0600, uid 0 gid 0, maxmsg 4, msgsize 64, 0 messages" <<< "$output"
	grep -Eq "^  mqueue \[[0-9]+\] /ckpt-mq3-$pid \(unlinked\), mode 0600, .* 1 messages" <<< "$output"
	[ "$(grep -Ec '^  mqueue_msg \[[0-9]+\] prio (31, 2048|5, 1000|5, 6|1, 5|1, 5|0, 0) bytes' <<< "$output")" = 6 ]
	grep -Eq "^  file \[[0-9]+\] mqueue .* on mqueue \[[0-9]+\], O_WRONLY\|O_NONBLOCK" <<< "$output"
	# the names are still in use: the restart fails and leaves nothing
	n=$(mq_count)
	image_in "$G" "$T/img"
	ensure_write_fail "$G/ckpt.trigger" restart EBUSY
	assert_failed "$G" EBUSY
	grep -qx "error pid $pid: POSIX message queue $q1 exists already" "$G/ckpt.state"
	populated_is "$G" 0
	[ "$(mq_count)" = "$n" ]
	# the second one is: the first, made by the restart, goes again
	"$MQ" unlink "$q1"
	image_in "$G" "$T/img"
	ensure_write_fail "$G/ckpt.trigger" restart EBUSY
	grep -qx "error pid $pid: POSIX message queue $q2 exists already" "$G/ckpt.state"
	populated_is "$G" 0
	refute "$MQ" attr "$q1"
	[ "$(mq_count)" = $((n - 1)) ]
	"$MQ" unlink "$q2"
	restart "$G" "$T/img"
	mq_attrs | diff -u "$T/attr.before" -
	[ "$(mq_count)" = "$n" ]
	wl_check "$pid" v
	# the child still waits on Q2, and gets what is sent now
	[ ! -e "$T/v/got" ]
	"$MQ" send "$q2" 7 ping
	wait_until got_is "7 ping"
	"$MQ" send "$q2" 2 pong
	wait_until got_is "2 pong"
	wl_check "$pid" v
}

@test "mqueue: a failed checkpoint leaves the queues as they were" {
	G=$(new_group a)
	mq_start "$G" -u
	mq_attrs > "$T/attr.before"
	image_out "$G" "$T/img"
	ensure_write_fail "$G/ckpt.trigger" checkpoint EOPNOTSUPP
	grep -Eqx "error pid $pid fd 30: netlink socket \(protocol 0\): a network socket; exclude net to checkpoint without it" "$G/ckpt.state"
	mq_attrs | diff -u "$T/attr.before" -
	# the messages, in order, the flags and modes of each open file
	wl_check "$pid" v
	"$MQ" send "$q2" 3 after
	wait_until got_is "3 after"
}

@test "mqueue: a notification registered is refused with a reason" {
	G=$(new_group a)
	mq_start "$G" -N
	mq_attrs > "$T/attr.before"
	image_out "$G" "$T/img"
	ensure_write_fail "$G/ckpt.trigger" checkpoint EOPNOTSUPP
	grep -qx "error pid $pid fd 20: POSIX message queue $q1: pid $pid registered a notification (mq_notify(), SIGEV_SIGNAL, signal 12); not supported (ckpt.exclude +ipc restarts the queue empty, without it)" \
		"$G/ckpt.state"
	mq_attrs | diff -u "$T/attr.before" -
	# still registered
	wl_check "$pid" v
}

@test "mqueue: damaged records fail the restart and leave no queue" {
	G=$(new_group a)
	mq_start "$G"
	checkpoint "$G" "$T/img" kill
	wait_until gone "$pid"
	wait_until gone "$child"
	"$MQ" unlink "$q1" "$q2"
	n=$(mq_count)
	while read -r spec; do
		damaged_restart_fails "$T/img" "$spec"
		[ "$(mq_count)" = "$n" ] || { ls "$MQFS"; echo "$spec: queues left"; return 1; }
	done <<'EOF'
0x0620 0 12 4 2 malformed POSIX message queue record
0x0620 0 16 4 4096 malformed POSIX message queue record
0x0620 0 28 4 9 malformed POSIX message queue record
0x0620 0 32 8 0 malformed POSIX message queue record
0x0620 0 40 8 20000000 malformed POSIX message queue record
0x0620 0 48 4 3 malformed POSIX message queue record
0x0620 0 52 4 1 malformed POSIX message queue record
0x0620 0 56 1 47 malformed POSIX message queue record
0x0620 0 28 4 5 malformed or unexpected POSIX message record
0x0620 1 28 4 1 unexpected record type 0x401
0x0621 0 8 4 9999 malformed or unexpected POSIX message record
0x0621 0 12 4 32768 malformed or unexpected POSIX message record
0x0621 0 16 4 5000 malformed or unexpected POSIX message record
0x0621 0 20 4 1 malformed or unexpected POSIX message record
0x0621 6 16 4 7 malformed or unexpected POSIX message record
EOF
	restart "$G" "$T/img"
	wl_check "$pid" v
}

@test "exclude: +ipc restarts POSIX queues by name, empty, without their notification" {
	G=$(new_group a)
	mq_start "$G" -N
	mq_attrs > "$T/attr.before"
	grep -q "^maxmsg 8 msgsize 2048 curmsgs 6 mode 640$" "$T/attr.before"
	echo +ipc > "$G/ckpt.exclude"
	# the notification, refused by default, goes with the contents
	checkpoint "$G" "$T/img" kill
	wait_until gone "$pid"
	wait_until gone "$child"
	run "$CKPT" info "$T/img"
	[ "$status" = 0 ]
	grep -q "^  exclude: ipc files$" <<< "$output"
	grep -Eq "^  mqueue \[[0-9]+\] ${q1}, mode 0640, uid 0 gid 0, maxmsg 8, msgsize 2048, 0 messages" <<< "$output"
	grep -Eq "^  mqueue \[[0-9]+\] /ckpt-mq3-$pid \(unlinked\), mode 0600, .* 0 messages" <<< "$output"
	refute grep -q "^  mqueue_msg " <<< "$output"
	"$MQ" unlink "$q1" "$q2"
	restart "$G" "$T/img"
	# the same names, modes and attributes, no message
	sed 's/curmsgs [0-9]*/curmsgs 0/' "$T/attr.before" > "$T/attr.want"
	mq_attrs | diff -u "$T/attr.want" -
	# the program's own check notices both
	kill -USR1 "$pid"
	wait_until matches_ge "$T/v/result" "^FAIL Q1 fd 20: maxmsg 8 msgsize 2048 curmsgs 0 flags 0, want 8 2048 6 0$" 1
	grep -q "^FAIL Q1: no notification registered any more" "$T/v/result"
}
