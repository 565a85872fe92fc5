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
	grep -E "^error pid $pid fd [0-9]+: socket:\[[0-9]+\]: a unix socket whose peer is held only outside the group; not supported yet; close it before the checkpoint$" "$A/ckpt.state"
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

# logsrv PATH: an outside datagram socket bound to PATH, writing what it
# receives to PATH.log, one line a datagram.
logsrv() {
	python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
open(sys.argv[1] + ".ready", "w").close()
while True:
    m = s.recv(4096)
    with open(sys.argv[1] + ".log", "a") as f:
        f.write(m.decode() + "\n")
' "$1" </dev/null >/dev/null 2>&1 &
	logpid=$!
	track_pid "$logpid"
	wait_until test -e "$1.ready"
}

@test "unix: listeners, accepted connections, datagrams and fds in flight by name" {
	A=$(new_group a)
	B=$(new_group b)
	logsrv "$T/log.sock"
	wl_start "$A" k sockets -n -l "$T/log.sock"
	read -r _ path _ abs _ < "$T/k/info"
	checkpoint "$A" "$T/img" kill
	wait_until populated_is "$A" 0
	"$CKPT" info "$T/img" > "$T/info"
	grep 'unix' "$T/info"
	# the listeners, the accepted ends with their names, the bound and
	# autobound datagram sockets, the ones connected by name
	grep -q "^  unix stream socket: \[[0-9]*\] bound $path 0 queued, listening (backlog 7)" "$T/info"
	grep -q "^  unix stream socket: \[[0-9]*\] bound @$abs 0 queued, listening (backlog 7)" "$T/info"
	grep -q "^  unix stream socket pair: .* named $path 3 queued" "$T/info"
	grep -q "^  unix stream socket pair: .* named @$abs 1 queued" "$T/info"
	grep -q "^  unix dgram socket: \[[0-9]*\] bound $T/k/dgram.sock 3 queued" "$T/info"
	grep -q "^  unix dgram socket: \[[0-9]*\] bound @[0-9a-f]\{5\} 1 queued, connected to $T/k/dgram.sock" "$T/info"
	grep -q "^  unix dgram socket: \[[0-9]*\] 0 queued, connected to $T/log.sock" "$T/info"
	grep -q '^    queued to end 1: 3 bytes, files \[[0-9]*\] \[[0-9]*\]' "$T/info"
	# killed: the socket files are stale now, and go at restart
	[ -S "$path" ]
	restart "$B" "$T/img"
	[ "$(procs_of "$B")" = "$pid" ]
	[ -S "$path" ]
	wl_check "$pid" k
	# what the restored process sent through its reconnected socket
	wait_until grep -qx again "$T/log.sock.log"
	[ "$(cat "$T/log.sock.log")" = "$(printf 'hello\nagain')" ]
}

@test "unix: a restart fails on a name in use, and on a name gone, and leaves no socket file" {
	A=$(new_group a)
	B=$(new_group b)
	logsrv "$T/log.sock"
	wl_start "$A" k sockets -n -l "$T/log.sock"
	read -r _ path _ abs _ < "$T/k/info"
	# the names are still bound by the running workload
	checkpoint "$A" "$T/img"
	if "$CKPT" restart "$B" -i "$T/img" --new-pidns -q; then false; fi
	assert_failed "$B" EADDRINUSE
	grep -E "^error pid $pid: unix socket name $path is in use by a live socket" "$B/ckpt.state"
	[ "$(procs_of "$B")" = "" ]
	wl_check "$pid" k
	# the workload gone, and the socket it was connected to
	echo 1 > "$A/cgroup.kill"
	wait_until populated_is "$A" 0
	kill "$logpid"
	rm "$T/log.sock"
	image_in "$B" "$T/img"
	ensure_write_fail "$B/ckpt.trigger" restart ENOENT
	assert_failed "$B" ENOENT
	grep -E "^error pid $pid: cannot connect a unix socket to $T/log.sock again \(error -2\)" "$B/ckpt.state"
	[ "$(procs_of "$B")" = "" ]
	# the stale files were removed, the restart's own too
	[ ! -e "$path" ]
	[ ! -e "$T/k/dgram.sock" ]
}

# refused_unix WHAT REGEX: the checkpoint of "sockets -r WHAT" is refused
# with EOPNOTSUPP and a reason matching REGEX; the workload runs on.
refused_unix() {
	A=$(new_group a)
	wl_start "$A" k sockets -r "$1"
	image_out "$A" "$T/img"
	ensure_write_fail "$A/ckpt.trigger" checkpoint EOPNOTSUPP
	grep -E "^error pid $pid fd [0-9]+: socket:\[[0-9]+\]: a unix socket $2; close it before the checkpoint$" "$A/ckpt.state"
	wait_until frozen_is "$A" 0
	wl_check "$pid" k
}

@test "unix: refused: a name on a relative path" {
	refused_unix rel 'bound to a relative path \(rel\.sock\); not supported yet'
}

@test "unix: refused: a connection waiting in a listener's queue" {
	refused_unix pending 'listening, with connections waiting to be accepted; not supported yet'
}

@test "unix: refused: a unix socket in flight" {
	refused_unix inflight 'with a unix socket in flight \(SCM_RIGHTS\); not supported'
}
