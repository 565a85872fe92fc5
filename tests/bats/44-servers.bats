#!/usr/bin/env bats
# shellcheck disable=SC2154,SC2030,SC2031 # $pid, $status: set by helpers and bats
# SPDX-License-Identifier: GPL-2.0
#
# Real servers from Debian's archive (the Makefile's package list), each in
# a group of its own, checkpointed with "checkpoint kill" and the default
# exclude set, then restarted: same pid, same data, serving new clients
# and the clients whose connections stayed open across (tcpclient.py).

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
	# a client keeps its connection across; redis takes inline commands
	tcp_client "$T/c" $P "INCR counter" "INCR counter" "INCR counter"
	[ "$(cat "$T/c/1")" = :42 ]
	checkpoint "$G" "$T/img" kill
	wait_until gone "$pid"
	! redis_up $P
	touch "$T/c/go"
	run "$CKPT" info "$T/img"
	[ "$status" = 0 ]
	grep -q "^  socket \[[0-9]*\] TCP 127.0.0.1:$P, listening, backlog [0-9]*, SO_REUSEADDR$" <<< "$output"
	grep -q "^  socket \[[0-9]*\] TCP \[::1\]:$P, listening, backlog [0-9]*, SO_REUSEADDR, IPV6_V6ONLY$" <<< "$output"
	restart "$G" "$T/img"
	wait_until test -e "$T/c/3" -o -e "$T/c/error"
	[ "$(cat "$T/c/2") $(cat "$T/c/3")" = ":43 :44" ]
	wait_until redis_up $P
	[ "$(redis-cli -p $P get greeting)" = hello ]
	[ "$(redis-cli -h ::1 -p $P lrange list 0 -1 | tr '\n' ' ')" = "a b c " ]
	[ "$(redis-cli -p $P incr counter)" = 45 ]
	[ "$(redis-cli -p $P info server | tr -d '\r' | grep '^process_id:')" = "process_id:$pid" ]
	grep -qx "$pid" "$G/cgroup.procs"
}

# http_get PORT [HOST]: the body of GET / from nginx (HOST: 127.0.0.1,
# or [::1])
http_get() {
	python3 -c 'import sys, urllib.request
print(urllib.request.urlopen("http://%s:%s/" % (sys.argv[2], sys.argv[1]), timeout=5).read().decode().strip())' "$1" "${2:-127.0.0.1}"
}
http_up() { [ "$(http_get "$@" 2>/dev/null)" = "$WANT" ]; }
# procs_sorted G: its processes, sorted, on one line; nprocs_is G N;
# procs_differ G LIST
procs_sorted() { sort -n "$1/cgroup.procs" | tr '\n' ' '; }
nprocs_is() { [ "$(wc -l < "$1/cgroup.procs")" = "$2" ]; }
procs_differ() { [ "$(procs_sorted "$1")" != "$2" ]; }

@test "servers: nginx, a master and two workers, serves on IPv4 and IPv6 after checkpoint kill + restart" {
	P=7410
	N=$T/nginx
	mkdir -p "$N/www" "$N/tmp"
	echo "hello from nginx" > "$N/www/index.html"
	chmod -R a+rX "$N"
	cat > "$N/nginx.conf" <<-CONF
	daemon off;
	master_process on;
	worker_processes 2;
	pid $N/nginx.pid;
	error_log $N/error.log;
	events { worker_connections 64; }
	http {
		access_log $N/access.log;
		client_body_temp_path $N/tmp/body;
		proxy_temp_path $N/tmp/proxy;
		fastcgi_temp_path $N/tmp/fastcgi;
		uwsgi_temp_path $N/tmp/uwsgi;
		scgi_temp_path $N/tmp/scgi;
		server {
			listen 127.0.0.1:$P;
			listen [::1]:$P;
			root $N/www;
		}
	}
	CONF
	G=$(new_group a)
	pid=$("$WL/spawn" -c "$G" -o "$N/log" -- /usr/sbin/nginx -c "$N/nginx.conf" -p "$N")
	track_pid "$pid"
	WANT="hello from nginx"
	wait_until http_up $P
	wait_until nprocs_is "$G" 3
	procs=$(procs_sorted "$G")
	checkpoint "$G" "$T/img" kill
	wait_until gone "$pid"
	! http_up $P
	restart "$G" "$T/img"
	[ "$(procs_sorted "$G")" = "$procs" ]
	wait_until http_up $P
	http_up $P "[::1]"
	# served before and after: three lines in the access log
	[ "$(grep -c '"GET / HTTP/1.1" 200' "$N/access.log")" -ge 3 ]
	# the master still runs its workers: a reload replaces them
	kill -HUP "$pid"
	wait_until procs_differ "$G" "$procs"
	wait_until http_up $P
}
