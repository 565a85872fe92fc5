#!/usr/bin/env bats
# shellcheck disable=SC2154,SC2030,SC2031 # $pid, $status: set by helpers and bats
# SPDX-License-Identifier: GPL-2.0
#
# Who may checkpoint and restart what, and signed images (ckpt.key).
#
# The unprivileged user is uid 65534.  It gets a group delegated to it as
# cgroup-v2.rst "Delegation" describes: $D and its cgroup.procs,
# cgroup.subtree_control and cgroup.threads are its own, +ckpt is enabled
# in $D; its ckpt runs in $D/ctl, the tasks are in $D/job, made by the user
# (so that the ckpt.* files there are its own too).

load helpers

setup() { common_setup; }
teardown() {
	# keys made by a test
	local k

	for k in ${KEYS:-}; do
		keyctl unlink "$k" @u >/dev/null 2>&1
	done
	common_teardown
}

U=65534
as_user() { setpriv --reuid=$U --regid=$U --clear-groups "$@"; }

# deleg_setup: $D delegated to the user, $D/ctl for its processes, $D/job
# made by the user.
deleg_setup() {
	D=$(new_group deleg)
	echo +ckpt > "$D/cgroup.subtree_control"
	chown $U:$U "$D" "$D/cgroup.procs" "$D/cgroup.subtree_control" \
		"$D/cgroup.threads"
	track_group "$D/ctl"
	track_group "$D/job"
	mkdir "$D/ctl"
	as_user mkdir "$D/job"
	[ "$(stat -c %u "$D/job/ckpt.trigger")" = $U ]
	mkdir -m 1777 "$T/u"
}

# in_ctl CMD...: runs CMD as the user, from $D/ctl.
in_ctl() {
	local ctl=$D/ctl

	# shellcheck disable=SC2016
	sh -c 'echo $$ > "$1/cgroup.procs" && shift && exec "$@"' sh "$ctl" \
		setpriv --reuid=$U --regid=$U --clear-groups "$@"
}

status_of() { grep -E "^($2):" "/proc/$1/status"; }
CREDS='Uid|Gid|Groups|Cap[A-Za-z]*'

# user_image NAME [SETPRIV-ARGS...]: a "creds" workload NAME in $D/job run
# as the user (with more setpriv arguments, if given), its credentials in
# $T/NAME.creds, checkpointed with kill by root into $T/u/NAME.img.
user_image() {
	local name=$1

	shift
	WL_PREFIX="setpriv --reuid=$U --regid=$U --clear-groups $*" \
		wl_start "$D/job" "$name" creds
	status_of "$pid" "$CREDS" > "$T/$name.creds"
	checkpoint "$D/job" "$T/u/$name.img" kill
	wait_until gone "$pid"
	chmod 644 "$T/u/$name.img"
}

# user_restart_fails IMAGE REGEX: the user's restart of IMAGE into $D/job
# (in a new user and pid namespace) fails with EPERM and a reason matching
# REGEX, and leaves no task.
user_restart_fails() {
	run in_ctl "$CKPT" restart "$D/job" -i "$1" --new-userns
	[ "$status" != 0 ]
	assert_failed "$D/job" EPERM
	grep -E "^error $2" "$D/job/ckpt.state" || {
		grep '^error' "$D/job/ckpt.state"
		echo "expected: error $2"
		return 1
	}
	populated_is "$D/job" 0
	# ckpt-init left with nothing to reap
	wait_until populated_is "$D/ctl" 0
}

# root_restart IMAGE NAME: root restarts IMAGE into $D/job, the workload
# NAME checks its credentials.
root_restart() {
	restart "$D/job" "$1"
	pid=$(procs_of "$D/job")
	status_of "$pid" "$CREDS" | diff -u "$T/$2.creds" -
	wl_check "$pid" "$2"
}

# ---- checkpoint --------------------------------------------------------

@test "security: a user checkpoints its own tasks in a delegated group" {
	deleg_setup
	WL_PREFIX="setpriv --reuid=$U --regid=$U --clear-groups" \
		wl_start "$D/job" c counter 50
	run as_user "$CKPT" checkpoint "$D/job" -o "$T/u/img" -q
	[ "$status" = 0 ]
	state_is "$D/job" last_result ok
	size_is_bytes "$T/u/img" "$D/job"
	assert_running "$D/job" "$pid" "$T/c/log"
}

@test "security: a user's checkpoint of a task with more capabilities is refused" {
	deleg_setup
	# its own uid, but CAP_NET_RAW, as a file capability would give it
	WL_PREFIX="setpriv --reuid=$U --regid=$U --clear-groups --inh-caps=+net_raw --ambient-caps=+net_raw" \
		wl_start "$D/job" c counter 50
	grep -q '^CapEff:.0000000000002000' "/proc/$pid/status"
	: > "$T/u/img"
	chmod 666 "$T/u/img"
	run as_user "$WL/cgwrite" -w "$T/u/img" "$D/job/ckpt.image_fd"
	[ "$status" = 0 ]
	run as_user "$WL/cgwrite" "$D/job/ckpt.trigger" checkpoint
	[ "$output" = EPERM ]
	assert_failed "$D/job" EPERM
	grep -E "^error pid $pid: permission denied \(the writer may not ptrace it\)" \
		"$D/job/ckpt.state"
	[ "$(file_size "$T/u/img")" = 0 ]
	assert_running "$D/job" "$pid" "$T/c/log"
}

@test "security: a user's checkpoint of a root task is refused, and to a read-only image" {
	deleg_setup
	wl_start "$D/job" c counter 50
	: > "$T/u/img"
	chmod 666 "$T/u/img"
	run as_user "$WL/cgwrite" -r "$T/u/img" "$D/job/ckpt.image_fd"
	[ "$status" = 0 ]
	run as_user "$WL/cgwrite" "$D/job/ckpt.trigger" checkpoint
	[ "$output" = EBADF ]
	grep -q "^error the image file is not open for writing" "$D/job/ckpt.state"
	run as_user "$WL/cgwrite" -w "$T/u/img" "$D/job/ckpt.image_fd"
	run as_user "$WL/cgwrite" "$D/job/ckpt.trigger" checkpoint
	[ "$output" = EPERM ]
	grep -E "^error pid $pid: permission denied" "$D/job/ckpt.state"
	assert_running "$D/job" "$pid" "$T/c/log"
}

# ---- restart -----------------------------------------------------------

@test "security: a user restarts an image of its own tasks into a delegated group" {
	deleg_setup
	user_image u
	run in_ctl "$CKPT" restart "$D/job" -i "$T/u/u.img" --new-userns -q
	echo "$output"
	[ "$status" = 0 ]
	state_is "$D/job" last_result ok
	pid=$(procs_of "$D/job")
	[ -n "$pid" ]
	status_of "$pid" "$CREDS" | diff -u "$T/u.creds" -
	# the user's own, not root's
	grep -q "^Uid:.$U.$U.$U.$U" "/proc/$pid/status"
	wl_check "$pid" u
}

@test "security: without CAP_SYS_ADMIN, restoring pids needs a pid namespace of one's own" {
	deleg_setup
	user_image u
	run as_user "$WL/cgwrite" -r "$T/u/u.img" "$D/job/ckpt.image_fd"
	[ "$status" = 0 ]
	run as_user "$WL/cgwrite" "$D/job/ckpt.trigger" restart
	[ "$output" = EPERM ]
	assert_failed "$D/job" EPERM
	grep -q "^error restoring the pids of the image needs CAP_CHECKPOINT_RESTORE over the pid namespace" \
		"$D/job/ckpt.state"
	populated_is "$D/job" 0
}

@test "security: a user's restart of root's image is refused; root's works" {
	deleg_setup
	wl_start "$D/job" r creds
	status_of "$pid" "$CREDS" > "$T/r.creds"
	checkpoint "$D/job" "$T/u/r.img" kill
	wait_until gone "$pid"
	chmod 644 "$T/u/r.img"
	user_restart_fails "$T/u/r.img" "pid [0-9]+: uid 0 gid 0 are not mapped in the restarter's user namespace; restoring other credentials needs CAP_SYS_ADMIN"
	root_restart "$T/u/r.img" r
}

@test "security: a user's restart of another user's image is refused; root's works" {
	deleg_setup
	WL_PREFIX="setpriv --reuid=1000 --regid=1000 --groups=1000,100" \
		wl_start "$D/job" o creds
	status_of "$pid" "$CREDS" > "$T/o.creds"
	checkpoint "$D/job" "$T/u/o.img" kill
	wait_until gone "$pid"
	chmod 644 "$T/u/o.img"
	user_restart_fails "$T/u/o.img" "pid [0-9]+: uid 1000 gid 1000 are not mapped"
	root_restart "$T/u/o.img" o
}

@test "security: a user's restart of its own task with capabilities is refused; root's works" {
	deleg_setup
	user_image k --inh-caps=+net_raw --ambient-caps=+net_raw
	user_restart_fails "$T/u/k.img" "pid [0-9]+: capabilities 0x2000 beyond the restarter's 0x0; restoring them needs CAP_SYS_ADMIN"
	root_restart "$T/u/k.img" k
}

@test "security: a user's restart of TCP connections is refused (TCP repair needs CAP_NET_ADMIN); root's works" {
	deleg_setup
	WL_PREFIX="setpriv --reuid=$U --regid=$U --clear-groups" \
		wl_start "$D/job" t tcpconn 7550
	checkpoint "$D/job" "$T/u/t.img" kill
	wait_until gone "$pid"
	chmod 644 "$T/u/t.img"
	state_is "$D/job" held 6
	user_restart_fails "$T/u/t.img" \
		"pid [0-9]+: restoring an established TCP connection needs CAP_NET_ADMIN in its network namespace"
	# still held: root's restart takes them over
	state_is "$D/job" held 6
	restart "$D/job" "$T/u/t.img"
	state_is "$D/job" held 0
	wl_check "$(procs_of "$D/job")" t
}

@test "security: a user's restart of a task whose file it may not open is refused; root's works" {
	deleg_setup
	user_image f
	# the workload's log (its stdout and stderr) is now root's alone
	chown 0:0 "$T/f/log"
	chmod 600 "$T/f/log"
	run in_ctl "$CKPT" restart "$D/job" -i "$T/u/f.img" --new-userns
	[ "$status" != 0 ]
	assert_failed "$D/job" EACCES
	grep -E "^error pid [0-9]+: cannot reopen $T/f/log \(error -13\)" "$D/job/ckpt.state"
	populated_is "$D/job" 0
	wait_until populated_is "$D/ctl" 0
	root_restart "$T/u/f.img" f
}

# ---- signed images -----------------------------------------------------

# new_key NAME [BYTES]: a "user" key in root's user keyring, its serial on
# stdout; removed at teardown.
new_key() {
	local k

	k=$(keyctl add user "ckpt-test-$1" "${2:-0123456789abcdef0123456789abcdef}" @u) ||
		return 1
	echo "$k"
}

@test "key: ckpt.key takes a key serial or none, and shows the key in force" {
	command -v keyctl >/dev/null || skip "keyctl (keyutils) is not installed"
	G=$(new_group a)
	[ "$(cat "$G/ckpt.key")" = none ]
	KEYS=$(new_key t1)
	ensure_write_ok "$G/ckpt.key" "$KEYS"
	[ "$(cat "$G/ckpt.key")" = "$KEYS user:ckpt-test-t1" ]
	k=$KEYS
	ensure_write_fail "$G/ckpt.key" abc EINVAL
	ensure_write_fail "$G/ckpt.key" -5 EINVAL
	ensure_write_fail "$G/ckpt.key" 12345 ENOKEY
	# a keyring is not a key
	ring=$(keyctl newring ckpt-test-ring @u)
	KEYS="$KEYS $ring"
	ensure_write_fail "$G/ckpt.key" "$ring" EINVAL
	# shorter than 16 bytes
	short=$(new_key t2 0123456789)
	ensure_write_fail "$G/ckpt.key" "$short" EINVAL
	keyctl unlink "$short" @u
	[ "$(cat "$G/ckpt.key")" = "$k user:ckpt-test-t1" ]
	# a child group is under its parent's key
	echo +ckpt > "$G/cgroup.subtree_control"
	mkdir "$G/c"
	track_group "$G/c"
	[ "$(cat "$G/c/ckpt.key")" = "$k user:ckpt-test-t1" ]
	ensure_write_ok "$G/ckpt.key" none
	[ "$(cat "$G/ckpt.key")" = none ]
	[ "$(cat "$G/c/ckpt.key")" = none ]
	# a user may not use a key it cannot search
	chown $U "$G/ckpt.key"
	run as_user "$WL/cgwrite" "$G/ckpt.key" "$k"
	[ "$output" = EACCES ]
	[ "$(cat "$G/ckpt.key")" = none ]
}

@test "key: a signed image restarts under its key and says so in ckpt info" {
	command -v keyctl >/dev/null || skip "keyctl (keyutils) is not installed"
	G=$(new_group a)
	KEYS=$(new_key s)
	echo "$KEYS" > "$G/ckpt.key"
	checkpoint_kill_counter "$G" "$T/img"
	# header flags: CKPT_HDR_MAC
	[ "$(le32_at "$T/img" 36)" = 1 ]
	run "$CKPT" info "$T/img"
	[ "$status" = 0 ]
	grep -q '^  signed: yes' <<< "$output"
	grep -Eq '^mac: HMAC-SHA256 [0-9a-f]{64}$' <<< "$output"
	restart "$G" "$T/img"
	[ "$(procs_of "$G")" = "$pid" ]
	wait_count "$T/c/log" $((last + 2))
	# without a key in force, the MAC is not checked: it restarts too
	G2=$(new_group b)
	echo 1 > "$G/cgroup.kill"
	wait_until gone "$pid"
	restart "$G2" "$T/img"
	[ "$(procs_of "$G2")" = "$pid" ]
	# an unsigned image says so
	G3=$(new_group c)
	wl_start "$G3" d counter 50
	checkpoint "$G3" "$T/img3"
	[ "$(le32_at "$T/img3" 36)" = 0 ]
	"$CKPT" info "$T/img3" | grep -q '^  signed: no'
}

@test "key: a signed image with a changed byte fails EBADMSG at the MAC, no task left" {
	command -v keyctl >/dev/null || skip "keyctl (keyutils) is not installed"
	G=$(new_group a)
	KEYS=$(new_key m)
	echo "$KEYS" > "$G/ckpt.key"
	checkpoint_kill_counter "$G" "$T/img"
	# umask 022 -> 077 in the CKPT_REC_FS record, the CRC fixed after it
	cp "$T/img" "$T/bad"
	"$BATS_TEST_DIRNAME/imgpatch.py" "$T/bad" 0x0403 0 8 4 0x3f
	image_in "$G" "$T/bad"
	ensure_write_fail "$G/ckpt.trigger" restart EBADMSG
	assert_failed "$G" EBADMSG
	grep -q "^error image MAC mismatch (ckpt.key key $KEYS)" "$G/ckpt.state"
	populated_is "$G" 0
	gone "$pid"
	# the CRC alone was no obstacle: without a key it restarts, changed
	G2=$(new_group b)
	restart "$G2" "$T/bad"
	grep -q '^Umask:.0077' "/proc/$pid/status"
	echo 1 > "$G2/cgroup.kill"
	wait_until gone "$pid"
	# the intact image restarts under the key
	restart "$G" "$T/img"
	grep -q '^Umask:.0022' "/proc/$pid/status"
}

@test "key: an image signed with another key is refused" {
	command -v keyctl >/dev/null || skip "keyctl (keyutils) is not installed"
	G=$(new_group a)
	k1=$(new_key w1)
	KEYS=$k1
	echo "$k1" > "$G/ckpt.key"
	checkpoint_kill_counter "$G" "$T/img"
	k2=$(new_key w2 fedcba9876543210fedcba9876543210)
	KEYS="$k1 $k2"
	echo "$k2" > "$G/ckpt.key"
	image_in "$G" "$T/img"
	ensure_write_fail "$G/ckpt.trigger" restart EBADMSG
	grep -q "^error image MAC mismatch (ckpt.key key $k2)" "$G/ckpt.state"
	populated_is "$G" 0
	keyctl unlink "$k2" @u
	KEYS=$k1
}

@test "key: an unsigned image is refused where a key is in force, also an ancestor's" {
	command -v keyctl >/dev/null || skip "keyctl (keyutils) is not installed"
	G=$(new_group a)
	checkpoint_kill_counter "$G" "$T/img"
	KEYS=$(new_key u)
	echo "$KEYS" > "$G/ckpt.key"
	image_in "$G" "$T/img"
	ensure_write_fail "$G/ckpt.trigger" restart EBADMSG
	assert_failed "$G" EBADMSG
	grep -q "^error image not signed: ckpt.key (key $KEYS) requires a MAC" "$G/ckpt.state"
	populated_is "$G" 0
	# the key of the parent
	echo none > "$G/ckpt.key"
	P=$(new_group p)
	echo "$KEYS" > "$P/ckpt.key"
	echo +ckpt > "$P/cgroup.subtree_control"
	mkdir "$P/r"
	track_group "$P/r"
	[ "$(cat "$P/r/ckpt.key")" = none ] && return 1
	image_in "$P/r" "$T/img"
	ensure_write_fail "$P/r/ckpt.trigger" restart EBADMSG
	grep -q "^error image not signed" "$P/r/ckpt.state"
	populated_is "$P/r" 0
	# a revoked key fails the checkpoint, which leaves the tasks running
	restart "$G" "$T/img"
	echo "$KEYS" > "$G/ckpt.key"
	keyctl revoke "$KEYS"
	image_out "$G" "$T/img2"
	ensure_write_fail "$G/ckpt.trigger" checkpoint EKEYREVOKED
	grep -q "^error ckpt.key: key $KEYS cannot be used" "$G/ckpt.state"
	assert_running "$G" "$pid" "$T/c/log"
}
