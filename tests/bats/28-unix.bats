#!/usr/bin/env bats
# shellcheck disable=SC2154 # $pid: set by helpers
# SPDX-License-Identifier: GPL-2.0
#
# Unnamed AF_UNIX sockets: socketpairs of each type come back connected,
# with the bytes and message boundaries queued in each direction, their
# shutdown state and a peer that had closed.

load helpers

setup() { common_setup; }
teardown() { common_teardown; }

@test "unix: socketpairs with data in flight both ways, shutdown, a closed peer" {
	A=$(new_group a)
	B=$(new_group b)
	wl_start "$A" k sockets
	read -r _ c _ < "$T/k/info"
	checkpoint "$A" "$T/img" kill
	wait_until populated_is "$A" 0
	"$CKPT" info "$T/img" > "$T/info"
	grep 'unix' "$T/info"
	# four pairs, each written once; the half-closed one has a closed end
	[ "$(grep -c '^  unix .* socket pair' "$T/info")" = 4 ]
	grep -q '^  unix stream socket pair: \[[0-9]*\] 1 queued shut-rd shut-wr, (closed) 0 queued' "$T/info"
	grep -q '^  unix seqpacket socket pair: .* shut-wr' "$T/info"
	[ "$(grep -c '^    queued to end' "$T/info")" -ge 9 ]
	restart "$B" "$T/img"
	[ "$(procs_of "$B")" = "$pid $c" ]
	# poll() as before, every byte and boundary, EOFs, then a ping-pong
	wl_check "$pid" k
}

@test "unix: a peer held only outside the group is refused naming the fd" {
	A=$(new_group a)
	O=$(new_group o)
	wl_start "$A" k sockets
	read -r _ c _ < "$T/k/info"
	echo "$c" > "$O/cgroup.procs"
	image_out "$A" "$T/img"
	ensure_write_fail "$A/ckpt.trigger" checkpoint EOPNOTSUPP
	grep -E "^error pid $pid fd [0-9]+: unix socket whose peer is held only outside the group; not supported yet" "$A/ckpt.state"
	[ "$(cat "$A/cgroup.freeze")" = 0 ]
	wait_until frozen_is "$A" 0
	echo "$c" > "$A/cgroup.procs"
	wl_check "$pid" k
}

@test "unix: socket files shared by two processes come back shared" {
	A=$(new_group a)
	B=$(new_group b)
	# the child keeps the parent's ends too: every end in two fd tables
	wl_start "$A" k sockets -k
	read -r _ c _ < "$T/k/info"
	checkpoint "$A" "$T/img" kill
	wait_until populated_is "$A" 0
	restart "$B" "$T/img"
	[ "$(procs_of "$B")" = "$pid $c" ]
	[ "$(stat -L -c %i "/proc/$pid/fd/3")" = "$(stat -L -c %i "/proc/$c/fd/3")" ]
	wl_check "$pid" k
}

@test "unix: a socket file also held outside the group is refused naming the fd" {
	A=$(new_group a)
	O=$(new_group o)
	wl_start "$A" k sockets -k
	read -r _ c _ < "$T/k/info"
	echo "$c" > "$O/cgroup.procs"
	image_out "$A" "$T/img"
	ensure_write_fail "$A/ckpt.trigger" checkpoint EOPNOTSUPP
	grep -E "^error pid $pid fd [0-9]+: socket:\[[0-9]+\]: the open file is shared with a process outside the group" "$A/ckpt.state"
	wait_until frozen_is "$A" 0
	echo "$c" > "$A/cgroup.procs"
	wl_check "$pid" k
}
