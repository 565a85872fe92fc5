#!/usr/bin/env bats
# shellcheck disable=SC2154,SC2030,SC2031 # $pid, $status: set by helpers and bats
# SPDX-License-Identifier: GPL-2.0
#
# Real servers from Debian's archive (the Makefile's package list), each in
# a group of its own, checkpointed with "checkpoint kill" and the default
# exclude set, then restarted: same pid, same data, serving new clients.
# Connections open across the checkpoint are issue 19's next step (TCP
# repair); the clients here connect before and after.

load helpers

setup() { common_setup; }
teardown() { common_teardown; }

# redis_up PORT: the server on 127.0.0.1:PORT answers PING
redis_up() { [ "$(redis-cli -p "$1" ping 2>/dev/null)" = PONG ]; }

@test "servers: redis-server keeps its data and its pid, and serves on IPv4 and IPv6 after checkpoint kill + restart" {
	P=7400
	G=$(new_group a)
	mkdir -p "$T/redis"
	pid=$("$WL/spawn" -c "$G" -o "$T/redis/log" -- /usr/bin/redis-server \
		--port $P --bind 127.0.0.1 ::1 --save "" --appendonly no \
		--dir "$T/redis" --logfile "")
	track_pid "$pid"
	wait_until redis_up $P
	[ "$(redis-cli -p $P set greeting hello)" = OK ]
	[ "$(redis-cli -p $P rpush list a b c)" = 3 ]
	[ "$(redis-cli -p $P incrby counter 41)" = 41 ]
	checkpoint "$G" "$T/img" kill
	wait_until gone "$pid"
	! redis_up $P
	run "$CKPT" info "$T/img"
	[ "$status" = 0 ]
	grep -q "^  socket \[[0-9]*\] TCP 127.0.0.1:$P, listening, backlog [0-9]*, SO_REUSEADDR$" <<< "$output"
	grep -q "^  socket \[[0-9]*\] TCP \[::1\]:$P, listening, backlog [0-9]*, SO_REUSEADDR, IPV6_V6ONLY$" <<< "$output"
	restart "$G" "$T/img"
	wait_until redis_up $P
	[ "$(redis-cli -p $P get greeting)" = hello ]
	[ "$(redis-cli -h ::1 -p $P lrange list 0 -1 | tr '\n' ' ')" = "a b c " ]
	[ "$(redis-cli -p $P incr counter)" = 42 ]
	[ "$(redis-cli -p $P info server | tr -d '\r' | grep '^process_id:')" = "process_id:$pid" ]
	grep -qx "$pid" "$G/cgroup.procs"
}
