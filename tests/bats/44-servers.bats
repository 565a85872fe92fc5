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

@test "servers: python3's http.server, asleep in poll() with a timeout, serves after checkpoint kill + restart" {
	P=7420
	mkdir -p "$T/www"
	echo "hello from python" > "$T/www/index.html"
	G=$(new_group a)
	pid=$("$WL/spawn" -c "$G" -o "$T/py.log" -- /usr/bin/python3 -m http.server \
		--bind 127.0.0.1 --directory "$T/www" $P)
	track_pid "$pid"
	WANT="hello from python"
	wait_until http_up $P
	# serve_forever() polls every 0.5 s: the freeze finds it in poll()
	checkpoint "$G" "$T/img" kill
	wait_until gone "$pid"
	run "$CKPT" info "$T/img"
	[ "$status" = 0 ]
	grep -Eq "^    restart block: poll\(\) of 1 fds at 0x[0-9a-f]+, [0-9]+ ns left$" <<< "$output"
	! http_up $P
	restart "$G" "$T/img"
	[ "$(procs_of "$G")" = "$pid" ]
	wait_until http_up $P
	[ "$(grep -c '"GET / HTTP/1.1" 200' "$T/py.log")" -ge 2 ]
}

# pg_out_has LINE: the psql session's output has LINE
pg_out_has() { grep -qx -- "$1" "$PG/out"; }

@test "servers: postgresql, seven processes, keeps its data and a client's session across checkpoint kill + restart" {
	P=7430
	PGB=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
	PG=$T/pg
	mkdir -p "$PG"
	chown postgres "$PG"
	setpriv --reuid=postgres --regid=postgres --init-groups \
		"$PGB/initdb" -D "$PG/data" -A trust > "$PG/initdb.log" 2>&1
	cat >> "$PG/data/postgresql.conf" <<-CONF
	port = $P
	listen_addresses = '127.0.0.1'
	unix_socket_directories = '$PG'
	CONF
	G=$(new_group a)
	pid=$("$WL/spawn" -c "$G" -o "$PG/log" -- setpriv --reuid=postgres \
		--regid=postgres --init-groups "$PGB/postgres" -D "$PG/data")
	track_pid "$pid"
	# a session kept open across: psql reads its queries from a FIFO
	mkfifo "$PG/in"
	wait_until psql -h 127.0.0.1 -p $P -U postgres -Atc "select 1"
	psql -h 127.0.0.1 -p $P -U postgres -At < "$PG/in" > "$PG/out" 2>&1 &
	track_pid $!
	exec 8> "$PG/in"
	echo "create table t (a int); insert into t values (40); select 'sum', sum(a) from t;" >&8
	wait_until pg_out_has "sum|40"
	checkpoint "$G" "$T/img" kill
	wait_until gone "$pid"
	# the segment went with the group: a restart here can make it again
	[ -z "$(ipcs -m | awk '$3 == "postgres"')" ]
	# a query while the server is away: held, answered after the restart
	echo "insert into t values (2); select 'sum', sum(a) from t;" >&8
	sleep 1
	restart "$G" "$T/img"
	wait_until pg_out_has "sum|42"
	echo "select 'pid', pg_backend_pid() > 0;" >&8
	wait_until pg_out_has "pid|t"
	exec 8>&-
	refute grep -q "closed\|terminat\|error" "$PG/out"
	# new clients too, and the data is there
	[ "$(psql -h 127.0.0.1 -p $P -U postgres -Atc "select sum(a) from t")" = 42 ]
	grep -qx "$pid" "$G/cgroup.procs"
}
