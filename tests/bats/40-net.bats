#!/usr/bin/env bats
# shellcheck disable=SC2154,SC2030,SC2031 # $pid, $status: set by helpers and bats
# SPDX-License-Identifier: GPL-2.0
#
# Network sockets and ckpt.exclude net.  A client in the group talks to a
# server outside it, on 127.0.0.1.  By default its connection is saved and
# restarted (tcp.c; more in 47-tcp.bats).  With +net the checkpoint succeeds and
# the restarted client finds, in place of its TCP connection, one that was
# reset: it reads ECONNRESET then end of file, a send fails with EPIPE,
# poll() says POLLIN|POLLERR|POLLHUP; it reconnects and counts on.  A UDP
# socket is bound and connected again to the same names.

load helpers

setup() { common_setup; }
teardown() { common_teardown; }

# server GROUP PORT [-u]: a netconn server in GROUP, outside the client's
server() {
	local g=$1 port=$2

	shift 2
	wl_start "$g" s netconn "$@" -s "$port"
}

@test "net: a TCP connection is kept by default: the restarted client has it, the server saw no new one" {
	G2=$(new_group srv)
	server "$G2" 7101
	G=$(new_group a)
	wl_start "$G" c netconn 7101
	wait_count "$T/c/log" 2
	checkpoint "$G" "$T/img" kill
	wait_until gone "$pid"
	last=$(last_count "$T/c/log")
	run "$CKPT" info "$T/img"
	[ "$status" = 0 ]
	grep -Eq "^  socket \[[0-9]+\] TCP 127\.0\.0\.1:[0-9]+ -> 127\.0\.0\.1:7101$" <<< "$output"
	restart "$G" "$T/img"
	wait_count "$T/c/log" $((last + 3))
	# the same connection: same names, nothing lost, no reconnection
	wl_check "$pid" c
	refute grep -q '^revents\|^reconnected' "$T/c/log"
	[ "$(grep -c '^accepted' "$T/s/log")" = 1 ]
}

@test "net: +net: a restarted TCP client sees its connection reset, reconnects and counts on" {
	G2=$(new_group srv)
	server "$G2" 7102
	G=$(new_group a)
	wl_start "$G" c netconn 7102
	wait_count "$T/c/log" 3
	echo +net > "$G/ckpt.exclude"
	checkpoint "$G" "$T/img" kill
	wait_until gone "$pid"
	last=$(last_count "$T/c/log")
	run "$CKPT" info "$T/img"
	[ "$status" = 0 ]
	grep -q "^  exclude: net files$" <<< "$output"
	grep -Eq "^  network socket \[[0-9]+\] TCP, family 2 type 1 protocol 6, state 1, 127\.0\.0\.1:[0-9]+ -> 127\.0\.0\.1:7102: left out$" <<< "$output"
	grep -Eq "^  file \[[0-9]+\] network socket socket:\[[0-9]+\] on network socket \[[0-9]+\], O_RDWR" <<< "$output"
	# nothing of the client had reconnected before
	refute grep -q '^reconnected' "$T/c/log"
	restart "$G" "$T/img"
	wait_until grep -qx "reconnected 1" "$T/c/log"
	# what it learned, in order, right after the restart
	sed -n '/^revents/,/^reconnected 1$/p' "$T/c/log" > "$T/learned"
	diff -u - "$T/learned" <<-EOF
	revents IN|ERR|HUP
	read -1 ECONNRESET
	read 0
	send -1 EPIPE
	reconnected 1
	EOF
	# it counts on from where it was, and the server has its new connection
	grep -qx "count $((last + 1))" "$T/c/log"
	[ "$(grep -cx 'count 1' "$T/c/log")" = 1 ]
	wait_count "$T/c/log" $((last + 3))
	wait_until grep -qx "accepted 2" "$T/s/log"
	wl_check "$pid" c
}

@test "net: +net: a bound and connected UDP socket is bound and connected again" {
	G2=$(new_group srv)
	server "$G2" 7111 -u
	G=$(new_group a)
	wl_start "$G" c netconn -u 7111
	wait_until grep -q '^echo ' "$T/c/log"
	wl_check "$pid" c
	echo +net > "$G/ckpt.exclude"
	checkpoint "$G" "$T/img" kill
	wait_until gone "$pid"
	run "$CKPT" info "$T/img"
	[ "$status" = 0 ]
	grep -Eq "^  network socket \[[0-9]+\] UDP, family 2 type 2 protocol 17, state 1, 127\.0\.0\.1:7112 -> 127\.0\.0\.1:7111, bound: left out$" <<< "$output"
	last=$(last_count "$T/c/log")
	restart "$G" "$T/img"
	# echoes of what it sends after the restart
	wait_until grep -qx "echo $((last + 2))" "$T/c/log"
	refute grep -q '^recv -1' "$T/c/log"
	# same names, and echoes again since the check before the checkpoint
	wl_check "$pid" c
}

@test "net: +net: a UDP socket whose address is taken at restart reports EADDRINUSE" {
	G2=$(new_group srv)
	server "$G2" 7121 -u
	G=$(new_group a)
	wl_start "$G" c netconn -u 7121
	wait_until grep -q '^echo ' "$T/c/log"
	echo +net > "$G/ckpt.exclude"
	checkpoint "$G" "$T/img" kill
	wait_until gone "$pid"
	# another UDP server takes the client's address meanwhile
	G3=$(new_group other)
	wl_start "$G3" o netconn -s -u 7122
	last=$(last_count "$T/c/log")
	restart "$G" "$T/img"
	# the error once, then the socket is shut down: no echo any more
	wait_until grep -qx 'recv -1 EADDRINUSE' "$T/c/log"
	wait_count "$T/c/log" $((last + 3))
	[ "$(grep -c '^recv -1 EADDRINUSE$' "$T/c/log")" = 1 ]
	refute grep -qx "echo $((last + 1))" "$T/c/log"
	wl_result o >/dev/null || true
}
