#!/usr/bin/env bats
# shellcheck disable=SC2154,SC2030,SC2031 # $pid, $status: set by helpers and bats
# SPDX-License-Identifier: GPL-2.0
#
# Established TCP connections, saved by default (tcp.c) and made again with
# TCP repair.  The tcpconn workload (tests/workloads/tcpconn.c) holds three
# connections inside the group (IPv4; IPv6; an IPv6 socket to an IPv4
# address, v4-mapped), with bytes queued both ways, and serves a client
# outside the group (tcpclient.py), which keeps
# its connection across "checkpoint kill" + restart: what it sends while
# the server is away is held (no reset) and answered after the restart.

load helpers

setup() { common_setup; }
teardown() { common_teardown; }

# start_client DIR PORT [LINE...]: tcp_client, its first line answered
# "echo 1 LINE" (default: one)
start_client() {
	tcp_client "$@"
	[ "$(cat "$1/1")" = "echo 1 ${3:-one}" ]
}

@test "tcp: connections with bytes queued both ways come back; a client outside keeps its connection, with no reset" {
	P=7500
	G=$(new_group a)
	wl_start "$G" t tcpconn $P
	queued=$(awk '$1 == "queued" { print $2 }' "$T/t/log")
	[ "$queued" -gt 100000 ]
	start_client "$T/c" $P
	checkpoint "$G" "$T/img" kill
	wait_until gone "$pid"
	# fds 5 to 8 and the client's connection are held, until the restart
	state_is "$G" held 7
	run "$CKPT" info "$T/img"
	[ "$status" = 0 ]
	grep -Eq "^    connection: [0-9]{5,} bytes received and not read, 0 to send" <<< "$output"
	grep -Eq "^    connection: 12 bytes received and not read, [0-9]{5,} to send \([0-9]+ not sent yet\), MSS [0-9]+, window scaling, SACK, timestamps$" <<< "$output"
	grep -Eq "^    connection: 9 bytes received and not read, 0 to send" <<< "$output"
	grep -Eq "^  socket \[[0-9]+\] TCP \[::1\]:[0-9]+ -> \[::1\]:$((P + 1)), TCP_NODELAY" <<< "$output"
	# an IPv6 socket connected to an IPv4 address, without a bind()
	grep -Eq "^  socket \[[0-9]+\] TCP \[::ffff:127\.0\.0\.1\]:[0-9]+ -> \[::ffff:127\.0\.0\.1\]:$P$" <<< "$output"
	# the client writes to the server while it is away: silence, no reset
	touch "$T/c/go"
	sleep 1
	[ ! -e "$T/c/error" ]
	restart "$G" "$T/img"
	state_is "$G" held 0
	wait_until test -e "$T/c/3" -o -e "$T/c/error"
	[ ! -e "$T/c/error" ]
	[ "$(cat "$T/c/2")" = "echo 2 two" ]
	[ "$(cat "$T/c/3")" = "echo 3 three" ]
	# every byte queued inside the group, in order, and both pairs talk
	wl_check "$pid" t
	grep -qx "OK tcpconn $queued" "$T/t/result"
	[ "$(grep -c '^accepted' "$T/t/log")" = 1 ]
}

@test "tcp: a client that closed while the server was away: the restarted server reads end of file" {
	P=7540
	G=$(new_group a)
	wl_start "$G" t tcpconn $P
	start_client "$T/c" $P one CLOSE
	checkpoint "$G" "$T/img" kill
	wait_until gone "$pid"
	touch "$T/c/go"
	wait_until test -e "$T/c/closed"
	sleep 0.5
	restart "$G" "$T/img"
	# the client's FIN, held, comes again and reaches the restarted server
	wait_until grep -qx "client 1: closed" "$T/t/log"
	wl_check "$pid" t
}

# close_wait PORT: a connection to 127.0.0.1:PORT waits in CLOSE_WAIT
close_wait() { [ -n "$(ss -Htn state close-wait "sport = :$1")" ]; }

@test "tcp: a connection its peer shut (CLOSE_WAIT) comes back with the bytes and the end of file not read" {
	P=7560
	G=$(new_group a)
	wl_start "$G" t tcpconn $P
	# a client outside writes, shuts its side and reads until the end
	mkdir -p "$T/h"
	python3 - "$T/h" $((P + 2)) <<-'EOF' &
	import os, socket, sys
	s = socket.create_connection(('127.0.0.1', int(sys.argv[2])), timeout=60)
	s.sendall(b'bye\n')
	s.shutdown(socket.SHUT_WR)
	got = b''
	while True:
	    c = s.recv(100)
	    if not c:
	        break
	    got += c
	with open(os.path.join(sys.argv[1], 'got.tmp'), 'wb') as f:
	    f.write(got)
	os.rename(os.path.join(sys.argv[1], 'got.tmp'), os.path.join(sys.argv[1], 'got'))
	EOF
	track_pid $!
	wait_until grep -qx held "$T/t/log"
	wait_until close_wait $((P + 2))
	checkpoint "$G" "$T/img" kill
	wait_until gone "$pid"
	run "$CKPT" info "$T/img"
	[ "$status" = 0 ]
	grep -Eq "^  socket \[[0-9]+\] TCP 127\.0\.0\.1:$((P + 2)) -> 127\.0\.0\.1:[0-9]+, closed by the peer" <<< "$output"
	grep -q "^    connection: 4 bytes received and not read, then the peer's FIN, 0 to send" <<< "$output"
	restart "$G" "$T/img"
	close_wait $((P + 2))
	# "bye", then the end of file; its answer reaches the client
	wl_check "$pid" t
	wait_until test -e "$T/h/got"
	[ "$(cat "$T/h/got")" = ack ]
}

# fin_wait2 PORT: a connection from 127.0.0.1:PORT waits in FIN_WAIT2
fin_wait2() { [ -n "$(ss -Htn state fin-wait-2 "sport = :$1")" ]; }

@test "tcp: a connection the server shut for writing (FIN_WAIT2) comes back; the client's lines still reach it" {
	P=7570
	G=$(new_group a)
	wl_start "$G" t tcpconn $P
	# the client asks for "half", reads to the server's FIN, then writes on
	mkdir -p "$T/h"
	python3 - "$T/h" $P <<-'EOF' &
	import os, socket, sys, time
	d = sys.argv[1]
	s = socket.create_connection(('127.0.0.1', int(sys.argv[2])), timeout=60)
	s.sendall(b'half\n')
	f = s.makefile('rb')
	got = f.readline().strip() + b'|' + f.read()
	with open(os.path.join(d, 'got.tmp'), 'wb') as o:
	    o.write(got)
	os.rename(os.path.join(d, 'got.tmp'), os.path.join(d, 'got'))
	while not os.path.exists(os.path.join(d, 'go')):
	    time.sleep(0.05)
	s.sendall(b'after\n')
	time.sleep(60)
	EOF
	track_pid $!
	wait_until test -e "$T/h/got"
	[ "$(cat "$T/h/got")" = "echo 1 half|" ]
	wait_until fin_wait2 $P
	checkpoint "$G" "$T/img" kill
	wait_until gone "$pid"
	run "$CKPT" info "$T/img"
	[ "$status" = 0 ]
	grep -Eq "^  socket \[[0-9]+\] TCP 127\.0\.0\.1:$P -> 127\.0\.0\.1:[0-9]+, shut down for writing" <<< "$output"
	grep -q "^    connection: 0 bytes received and not read, 0 to send (0 not sent yet), then our FIN" <<< "$output"
	# the client writes while the server is away
	touch "$T/h/go"
	sleep 0.5
	restart "$G" "$T/img"
	wait_until grep -qx "client 1 after shutdown: after" "$T/t/log"
	# its FIN sent again and acknowledged again: FIN_WAIT2 as before
	wait_until fin_wait2 $P
	wl_check "$pid" t
}

@test "tcp: \"release\" lets the held connections go: the client gets a reset" {
	P=7510
	G=$(new_group a)
	wl_start "$G" t tcpconn $P
	start_client "$T/c" $P
	checkpoint "$G" "$T/img" kill
	wait_until gone "$pid"
	state_is "$G" held 7
	ensure_write_ok "$G/ckpt.trigger" release
	state_is "$G" held 0
	touch "$T/c/go"
	wait_until test -e "$T/c/error"
	grep -q "^ConnectionResetError" "$T/c/error"
}

@test "tcp: removing the group lets its held connections go" {
	P=7520
	G=$(new_group a)
	wl_start "$G" t tcpconn $P
	start_client "$T/c" $P
	checkpoint "$G" "$T/img" kill
	wait_until gone "$pid"
	state_is "$G" held 7
	rmdir "$G"
	touch "$T/c/go"
	wait_until test -e "$T/c/error"
	grep -q "^ConnectionResetError" "$T/c/error"
}

@test "tcp: a plain checkpoint holds nothing: the connections run on" {
	P=7530
	G=$(new_group a)
	wl_start "$G" t tcpconn $P
	start_client "$T/c" $P
	checkpoint "$G" "$T/img"
	state_is "$G" held 0
	touch "$T/c/go"
	wait_until test -e "$T/c/3" -o -e "$T/c/error"
	[ "$(cat "$T/c/3")" = "echo 3 three" ]
	run "$CKPT" info "$T/img"
	[ "$status" = 0 ]
	[ "$(grep -c '^    connection: ' <<< "$output")" = 7 ]
	wl_check "$pid" t
}
