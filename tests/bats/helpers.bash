# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# shellcheck disable=SC2034 # globals for the tests
#
# Helpers for the ckpt controller tests.  Every test calls common_setup in
# setup() and common_teardown in teardown(); groups and workloads made with
# these helpers are removed by the teardown even when the test failed.
#
# Environment:
#	CKPT_TEST_PARENT	parent group with +ckpt in its subtree_control
#				(default /sys/fs/cgroup/test, made by run-tests.sh)
#	CKPT_TEST_TIMEOUT	bound of every wait, in seconds (default 30)
#	CKPT_CLI		the ckpt tool (default tools/ckptfs-util/ckpt)

REPO=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
WL=$REPO/tests/workloads/bin
CKPT=${CKPT_CLI:-$REPO/tools/ckptfs-util/ckpt}
CGROOT=/sys/fs/cgroup
PARENT=${CKPT_TEST_PARENT:-$CGROOT/test}
TIMEOUT=${CKPT_TEST_TIMEOUT:-30}

# Size of struct ckpt_file_header and struct ckpt_trailer, from the tool.
read -r HDR_LEN TRAILER_LEN < <("$CKPT" format 2>/dev/null | awk '
	$1 == "struct" && $2 == "file_header" { h = $3 }
	$1 == "struct" && $2 == "trailer" { t = $3 }
	END { print h, t }')

declare -gA ERRNO_NUM=(
	[EPERM]=1 [ENOENT]=2 [ESRCH]=3 [EINTR]=4 [EBADF]=9 [EAGAIN]=11 [EBUSY]=16
	[ENODEV]=19 [EINVAL]=22 [ENOSPC]=28 [EPIPE]=32 [EDEADLK]=35
	[ENOTEMPTY]=39 [ENODATA]=61 [EBADMSG]=74 [EOPNOTSUPP]=95
	[EADDRINUSE]=98 [EACCES]=13 [ENOKEY]=126 [EKEYREVOKED]=128 [ETIMEDOUT]=110 [ESTALE]=116
)

common_setup() {
	[ -x "$WL/cgwrite" ] || skip "workloads not built (make -C tests/workloads)"
	[ -d "$PARENT" ] || { echo "no parent group $PARENT" >&2; return 1; }
	T=$(mktemp -d /tmp/ckpt-test.XXXXXX)
	chmod 755 "$T"
	: > "$T/.groups"
	: > "$T/.pids"
}

# Dumps what helps to understand a failure, then removes everything.
common_teardown() {
	local g p i

	if [ -z "${BATS_TEST_COMPLETED:-}" ] && [ -n "${T:-}" ]; then
		echo "# --- state at failure"
		while read -r g; do
			[ -d "$g" ] || continue
			echo "# $g: procs [$(tr '\n' ' ' < "$g/cgroup.procs")]" \
			     "freeze $(cat "$g/cgroup.freeze" 2>/dev/null)"
			sed 's/^/#   /' "$g/ckpt.state" 2>/dev/null
		done < "$T/.groups"
		for i in "$T"/*/log "$T"/*/result; do
			[ -f "$i" ] || continue
			echo "# $i (last lines):"
			tail -n 5 "$i" | sed 's/^/#   /'
		done
	fi
	[ -n "${T:-}" ] || return 0
	while read -r p; do
		[ -n "$p" ] && kill -9 "$p" 2>/dev/null
	done < "$T/.pids"
	# children before parents: reverse creation order
	tac "$T/.groups" | while read -r g; do
		[ -d "$g" ] || continue
		echo 1 > "$g/cgroup.kill" 2>/dev/null
		wait_until populated_is "$g" 0 || true
		rmdir "$g" 2>/dev/null || echo "# teardown: cannot remove $g" >&2
	done
	rm -rf "$T"
}

# wait_until CMD [ARG...]: polls CMD every 50 ms for at most $TIMEOUT s.
wait_until() {
	local end=$((SECONDS + TIMEOUT))

	until "$@"; do
		if [ "$SECONDS" -ge "$end" ]; then
			echo "timed out after ${TIMEOUT}s waiting for: $*" >&2
			return 1
		fi
		sleep 0.05
	done
}

# new_group NAME: creates a group under $PARENT, prints its path.
new_group() {
	local g=$PARENT/t${BATS_TEST_NUMBER}-$1

	[ -d "$g" ] && { echo 1 > "$g/cgroup.kill"; rmdir "$g"; }
	mkdir "$g" || return 1
	echo "$g" >> "$T/.groups"
	echo "$g"
}

# track_group PATH: a group made otherwise, to remove at teardown.
track_group() { echo "$1" >> "$T/.groups"; }
# track_pid PID: a process outside the groups to kill at teardown.
track_pid() { echo "$1" >> "$T/.pids"; }

# tcp_client DIR PORT [LINE...]: tcpclient.py (one connection to
# 127.0.0.1:PORT, kept across a checkpoint) in the background, once its
# first line is answered (in DIR/1); sets $client
tcp_client() {
	local d=$1 port=$2

	shift 2
	mkdir -p "$d"
	python3 "$BATS_TEST_DIRNAME/tcpclient.py" "$d" 127.0.0.1 "$port" "$@" &
	client=$!
	track_pid "$client"
	wait_until test -e "$d/1" -o -e "$d/error"
}

populated_is() { grep -qx "populated $2" "$1/cgroup.events"; }
frozen_is() { grep -qx "frozen $2" "$1/cgroup.events"; }
procs_of() { tr '\n' ' ' < "$1/cgroup.procs" | sed 's/ $//'; }
gone() { [ ! -e "/proc/$1" ]; }
alive() { [ -e "/proc/$1" ] && ! grep -q '^State:.*Z' "/proc/$1/status"; }

# wl_start GROUP NAME PROG [ARG...]: starts workload PROG with state
# directory $T/NAME (passed as -d, log in $T/NAME/log) in GROUP, waits until
# it is ready; sets $pid.  $WL_PREFIX (words) goes before PROG, e.g. setpriv.
wl_start() {
	local g=$1 prog=$3 d=$T/$2

	shift 3
	mkdir -p "$d"
	chmod 1777 "$d"
	# writable by whoever the workload runs as, also after a restart
	: > "$d/log"
	chmod 666 "$d/log"
	# shellcheck disable=SC2086
	pid=$("$WL/spawn" -c "$g" -o "$d/log" -- ${WL_PREFIX:-} \
		"$WL/$prog" -d "$d" "$@") || return 1
	wait_until test -e "$d/ready" || { cat "$d/log" >&2; return 1; }
	grep -qx "$pid" "$g/cgroup.procs"
}

lines_of() { if [ -f "$1" ]; then wc -l < "$1"; else echo 0; fi; }
lines_ge() { [ "$(lines_of "$1")" -ge "$2" ]; }
# matches_ge FILE REGEX N: at least N lines of FILE match REGEX (re-counted
# on every call, for wait_until)
matches_ge() { [ "$(grep -c -- "$2" "$1" 2>/dev/null)" -ge "$3" ]; }

# wl_result NAME [N]: waits for the Nth (default 1st) line of the result
# file of workload NAME, prints it.
wl_result() {
	local f=$T/$1/result n=${2:-1}

	wait_until lines_ge "$f" "$n" || return 1
	sed -n "${n}p" "$f"
}

# wl_check PID NAME: SIGUSR1 to the workload, the new result must be OK.
wl_check() {
	local f=$T/$2/result n r

	n=$(($(lines_of "$f") + 1))
	kill -USR1 "$1"
	r=$(wl_result "$2" "$n") || return 1
	case $r in
	OK*) return 0 ;;
	*) echo "workload $2: $(tail -n +"$n" "$f")" >&2; return 1 ;;
	esac
}

# Counter logs: "count N" lines.
last_count() { awk '$1 == "count" { c = $2 } END { print c + 0 }' "$1"; }
log_lines() { wc -l < "$1"; }
count_above() { [ "$(last_count "$1")" -gt "$2" ]; }
# wait_count LOG N: until the count in LOG exceeds N.
wait_count() { wait_until count_above "$1" "$2"; }
# nth_count LOG N: the count on line N.
nth_count() { sed -n "$2p" "$1" | awk '$1 == "count" { print $2 }'; }

# state_get GROUP KEY: the value of KEY in ckpt.state.
state_get() { awk -v k="$2" '$1 == k { $1 = ""; sub(/^ /, ""); print }' "$1/ckpt.state"; }
state_is() { [ "$(state_get "$1" "$2")" = "$3" ]; }
# size_is_bytes FILE GROUP: FILE is as long as the group's last image
size_is_bytes() { [ "$(file_size "$1")" = "$(state_get "$2" bytes)" ]; }

# write_errno FILE VALUE: writes VALUE with one write(2), prints OK or the
# errno name.
write_errno() { "$WL/cgwrite" "$1" "$2" || true; }

# ensure_write_fail FILE VALUE ERRNO...: the write fails with one of ERRNO.
ensure_write_fail() {
	local file=$1 value=$2 got e

	shift 2
	got=$("$WL/cgwrite" "$file" "$value") && {
		echo "writing '$value' to $file succeeded, expected $*" >&2
		return 1
	}
	for e in "$@"; do
		[ "$got" = "$e" ] && return 0
	done
	echo "writing '$value' to $file failed with $got, expected $*" >&2
	return 1
}

ensure_write_ok() {
	local got

	got=$("$WL/cgwrite" "$1" "$2") || {
		echo "writing '$2' to $1 failed: $got" >&2
		return 1
	}
}

# image_out GROUP FILE / image_in GROUP FILE: hand an image file to GROUP.
image_out() { ensure_write_ok_img -w "$2" "$1"; }
image_in() { ensure_write_ok_img -r "$2" "$1"; }
ensure_write_ok_img() {
	local got

	got=$("$WL/cgwrite" "$1" "$2" "$3/ckpt.image_fd") || {
		echo "image_fd $2 for $3: $got" >&2
		return 1
	}
}

# checkpoint GROUP IMAGE [frozen|kill]; restart GROUP IMAGE [frozen]
checkpoint() {
	image_out "$1" "$2" || return 1
	ensure_write_ok "$1/ckpt.trigger" "checkpoint${3:+ $3}"
}
restart() {
	image_in "$1" "$2" || return 1
	ensure_write_ok "$1/ckpt.trigger" "restart${3:+ $3}"
}

# assert_failed GROUP ERRNO_NAME: ckpt.state records the failure.
assert_failed() {
	local s

	s=$(cat "$1/ckpt.state")
	if ! echo "$s" | grep -qx 'last_result failed' ||
	   ! echo "$s" | grep -qx "errno ${ERRNO_NUM[$2]}" ||
	   ! echo "$s" | grep -q '^error .'; then
		echo "ckpt.state does not record $2:" >&2
		echo "$s" >&2
		return 1
	fi
}

# assert_running GROUP PID LOG: the counter PID is thawed and counting.
assert_running() {
	local c

	grep -qx 0 "$1/cgroup.freeze" || { echo "group left frozen" >&2; return 1; }
	wait_until frozen_is "$1" 0 || return 1
	alive "$2" || { echo "process $2 is gone" >&2; return 1; }
	c=$(last_count "$3")
	wait_count "$3" $((c + 2))
}

# checkpoint_kill_counter GROUP IMAGE: starts a counter "c" in GROUP,
# checkpoints it with kill once it has counted a bit, waits until its pid is
# free.  Sets $pid and $last (the last count logged).
checkpoint_kill_counter() {
	wl_start "$1" c counter 50 || return 1
	wait_count "$T/c/log" 3 || return 1
	checkpoint "$1" "$2" kill || return 1
	wait_until gone "$pid" || return 1
	last=$(last_count "$T/c/log")
}

# maps_of PID: the mappings as range, perms, offset (files only), path;
# adjacent anonymous ranges that differ in nothing else merged, so that how areas
# were split or merged inside the kernel does not matter.
maps_of() {
	# Adjacent areas with the same protections and backing that the
	# kernel may or may not merge (anonymous ones, or consecutive pieces
	# of one file) are printed as one: only the layout that matters is
	# compared.
	awk '
	function hex(x) { return ("0x" x) + 0 }
	function flush() { if (n) print s "-" e, p, o, f }
	{
		split($1, r, "-")
		path = $6
		off = (path ~ /^\//) ? $3 : "-"
		if (n && r[1] == e && $2 == p && path == f &&
		    ((off == "-" && o == "-") ||
		     (off != "-" && o != "-" && hex(off) == hex(o) + hex(e) - hex(s)))) {
			e = r[2]
			next
		}
		flush()
		s = r[1]; e = r[2]; p = $2; f = path; o = off; n = 1
	}
	END { flush() }' "/proc/$1/maps"
}

# Image bytes.
byte_at() { od -An -tu1 -j "$2" -N1 "$1" | tr -d ' '; }
set_byte() { printf '%b' "\\x$(printf %02x "$3")" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none; }
le32_at() { od -An -tu4 -j "$2" -N4 "$1" | tr -d ' '; }
le64_at() { od -An -tu8 -j "$2" -N8 "$1" | tr -d ' '; }
file_size() { stat -c %s "$1"; }

# refute CMD...: CMD must fail (a bare "! cmd" does not fail a bats test).
refute() {
	if "$@"; then
		echo "unexpectedly succeeded: $*" >&2
		return 1
	fi
}

# damaged_restart_fails IMAGE "TYPE NTH OFF SIZE VALUE REGEX": a copy of
# IMAGE with that field of the NTH record of TYPE patched (imgpatch.py)
# fails to restart with EINVAL, a reason matching REGEX, and no task.
damaged_restart_fails() {
	local type nth off size value re g

	read -r type nth off size value re <<< "$2"
	cp "$1" "$T/bad"
	"$BATS_TEST_DIRNAME/imgpatch.py" "$T/bad" "$type" "$nth" "$off" "$size" "$value"
	g=$(new_group "r$RANDOM")
	image_in "$g" "$T/bad"
	ensure_write_fail "$g/ckpt.trigger" restart EINVAL
	grep -E "^error .*$re" "$g/ckpt.state" || {
		grep '^error' "$g/ckpt.state"
		echo "$2: expected $re"
		return 1
	}
	populated_is "$g" 0
}
