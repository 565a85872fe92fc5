#!/usr/bin/env bats
# shellcheck disable=SC2154,SC2030,SC2031 # $pid, $status: set by helpers and bats
# SPDX-License-Identifier: GPL-2.0
#
# The sockets of a server, saved by default (inet.c): TCP listeners of
# IPv4, IPv6 and dual stack, TCP sockets bound and not connected, UDP
# sockets bound or connected, each with its options.  The listeners
# workload (tests/workloads/listeners.c) serves clients on 127.0.0.1 and
# ::1 before and after "checkpoint kill" + restart, and checks that every
# socket has the names and options it had.

load helpers

setup() { common_setup; }
teardown() { common_teardown; }

# hello HOST PORT: what the listener at HOST:PORT says to a new client
hello() {
	python3 -c 'import socket, sys
s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=5)
print(s.makefile().readline().strip())' "$1" "$2"
}

# echo_udp PORT: a datagram to 127.0.0.1:PORT must come back
echo_udp() {
	python3 -c 'import socket, sys
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.settimeout(5)
u.sendto(b"ping", ("127.0.0.1", int(sys.argv[1])))
print(u.recvfrom(64)[0].decode())' "$1"
}

# accept_queued PORT: a connection waits in the accept queue of the
# listener on PORT (ss: Recv-Q of a listener)
accept_queued() { ss -Hltn "sport = :$1" | awk '$2 > 0 { f = 1 } END { exit !f }'; }

@test "inet: TCP listeners (IPv4, IPv6, dual stack) and UDP sockets come back by default, with their options" {
	P=7200
	G=$(new_group a)
	wl_start "$G" l listeners $P
	[ "$(hello 127.0.0.1 $P)" = "hello 1 127.0.0.1" ]
	checkpoint "$G" "$T/img" kill
	wait_until gone "$pid"
	run "$CKPT" info "$T/img"
	[ "$status" = 0 ]
	grep -qx "  socket \[[0-9]*\] TCP 127.0.0.1:$P, listening, backlog 7, SO_REUSEADDR, SO_KEEPALIVE, TCP_NODELAY, SO_RCVBUF [0-9]*, TCP_KEEPIDLE 77, TCP_KEEPINTVL 13, TCP_KEEPCNT 4, TOS 0x10, TTL 33" <<< "$output"
	grep -qx "  socket \[[0-9]*\] TCP \[::1\]:$((P + 1)), listening, backlog 16, SO_REUSEPORT, IPV6_V6ONLY, TCP_FASTOPEN 16" <<< "$output"
	grep -qx "  socket \[[0-9]*\] UDP \[::1\]:$((P + 4)) -> \[::1\]:$((P + 5)), IPV6_V6ONLY, TOS 0x20, TTL 17" <<< "$output"
	grep -qx "  socket \[[0-9]*\] TCP 127.0.0.1:$((P + 6)), SO_LINGER 3 s" <<< "$output"
	restart "$G" "$T/img"
	alive "$pid"
	wl_check "$pid" l
	[ "$(hello 127.0.0.1 $P)" = "hello 2 127.0.0.1" ]
	[ "$(hello ::1 $((P + 1)))" = "hello 3 ::1" ]
	[ "$(hello 127.0.0.1 $((P + 2)))" = "hello 4 ::ffff:127.0.0.1" ]
	[ "$(hello ::1 $((P + 2)))" = "hello 5 ::1" ]
	[ "$(echo_udp $((P + 3)))" = ping ]
	wl_check "$pid" l
}

@test "inet: a listener's address taken at restart: EADDRINUSE naming it, nothing left; it restarts once free" {
	P=7210
	G=$(new_group a)
	wl_start "$G" l listeners $P
	checkpoint "$G" "$T/img" kill
	wait_until gone "$pid"
	first=$pid
	# another server takes the addresses meanwhile
	G2=$(new_group other)
	wl_start "$G2" o listeners $P
	other=$pid
	image_in "$G" "$T/img"
	ensure_write_fail "$G/ckpt.trigger" restart EADDRINUSE
	assert_failed "$G" EADDRINUSE
	grep -qx "error pid $first: cannot bind a TCP socket 127.0.0.1:$P again (error -98)" "$G/ckpt.state"
	populated_is "$G" 0
	gone "$first"
	[ "$(hello 127.0.0.1 $P)" = "hello 1 127.0.0.1" ]
	# once the other server is gone, the same image restarts
	echo 1 > "$G2/cgroup.kill"
	wait_until gone "$other"
	restart "$G" "$T/img"
	wl_check "$first" l
	[ "$(hello 127.0.0.1 $P)" = "hello 1 127.0.0.1" ]
}

@test "inet: a listener with a connection waiting to be accepted is refused, naming it; the server runs on" {
	P=7220
	G=$(new_group a)
	wl_start "$G" l listeners $P
	# fd 8 never accepts: a client that connects and writes waits there
	exec 7<>/dev/tcp/127.0.0.1/$((P + 5))
	echo hi >&7
	wait_until accept_queued $((P + 5))
	image_out "$G" "$T/img"
	ensure_write_fail "$G/ckpt.trigger" "checkpoint kill" EOPNOTSUPP
	assert_failed "$G" EOPNOTSUPP
	grep -qx "error pid $pid fd 8: TCP socket 127.0.0.1:$((P + 5)) (listening): connections wait to be accepted; accept them first (a restart would reset them)" \
		"$G/ckpt.state"
	exec 7<&-
	frozen_is "$G" 0
	alive "$pid"
	wl_check "$pid" l
	[ "$(hello 127.0.0.1 $P)" = "hello 1 127.0.0.1" ]
}
